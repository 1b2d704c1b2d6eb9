/*
 * test_misc.c -- small probes of kernel state for the host tests: the
 * number of virtual CPUs, allocation under RUMP_MEMLIMIT, a deliberate
 * leak (to show that the shutdown leak check catches one), the system
 * call table, and the implicit thread context.
 */
#include <sys/syscall.h>

#include "testkern.h"

int rump_test_ncpu(void)
{
	int n;

	rump_schedule();
	n = ncpu;
	TCHECK(cpu_lookup(0) != NULL);
	TCHECK(cpu_lookup(n - 1) != NULL);
	TCHECK(cpu_lookup(n) == NULL);
	TCHECK(cpu_lookup(-1) == NULL);
	rump_unschedule();
	return n;
}

/* A chain of 1 KiB objects, each pointing at the previous one. */
#define OBJSIZE 1024

int rump_test_kmem_limit(uint64_t *limitp, uint64_t *countp)
{
	int start = test_failures;
	uint64_t limit, count = 0, bound;
	void *big, *head = NULL, *p;

	rump_schedule();
	limit = kmem_limit();
	*limitp = limit;
	if (limit == 0) {
		rump_unschedule();
		return EINVAL;
	}
	/* Beyond the limit: NULL, no crash. */
	big = kmem_alloc((size_t)limit + 1, &M_TEST);
	TCHECK(big == NULL);
	if (big != NULL)
		kmem_free(big, (size_t)limit + 1, &M_TEST);
	/* Small objects run out before the limit is passed. */
	bound = limit / OBJSIZE + 1;
	while (count <= bound && (p = kmem_alloc(OBJSIZE, &M_TEST)) != NULL) {
		*(void **)p = head;
		head = p;
		count++;
	}
	TCHECK(count <= bound);
	TCHECK(kmem_host_bytes() <= limit);
	while (head != NULL) {
		p = *(void **)head;
		kmem_free(head, OBJSIZE, &M_TEST);
		head = p;
	}
	/* Memory given back can be had again (if boot left any room). */
	p = kmem_alloc(OBJSIZE, &M_TEST);
	TCHECK(p != NULL || count == 0);
	if (p != NULL)
		kmem_free(p, OBJSIZE, &M_TEST);
	*countp = count;
	rump_unschedule();
	return TRESULT(start);
}

int rump_test_leak(uint64_t size)
{
	void *p;

	rump_schedule();
	p = kmem_alloc((size_t)size, &M_TEST);
	rump_unschedule();
	return p != NULL ? 0 : ENOMEM;
}

int64_t rump_test_syscall_argsize(int num)
{
	if (num < 0 || num >= sysent_count || sysent[num].sy_call == NULL)
		return -1;
	return sysent[num].sy_argsize;
}

int rump_test_syscall_unbound(void)
{
	for (int i = 0; i < sysent_count; i++)
		if (sysent[i].sy_name != NULL && sysent[i].sy_call == NULL)
			return i;
	return -1;
}

int rump_test_curlwp_implicit(void)
{
	struct lwp *l;
	int implicit;

	rump_schedule();
	l = curlwp;
	implicit = l != NULL && (l->l_flags & LW_IMPLICIT) != 0 &&
		   l->l_proc == proc1 && l->l_proc->p_pid == 1;
	rump_unschedule();
	return implicit;
}

/*
 * The kernel's snprintf against what C's printf gives for the same
 * formats (the expected strings are glibc's); the number of mismatches,
 * each printed.
 */
int rump_test_printf_cases(void)
{
	static const struct {
		const char *want;
		int n;
	} cases[] = {
		{"0x1f", 0},	  {"0X1F", 1},	  {"017", 2},	 {"0", 3},
		{"+5", 4},	  {" 5", 5},	  {"-5", 6},	 {"0x0001f", 7},
		{"  0x1f", 8},	  {"0x1f  |", 9}, {"+0005", 10}, {"ab:  c", 11},
		{"0x1f err", 12},
	};
	char buf[64];
	int bad = 0;

	rump_schedule();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		switch (cases[i].n) {
		case 0:
			snprintf(buf, sizeof(buf), "%#x", 31);
			break;
		case 1:
			snprintf(buf, sizeof(buf), "%#X", 31);
			break;
		case 2:
			snprintf(buf, sizeof(buf), "%#o", 15);
			break;
		case 3:
			snprintf(buf, sizeof(buf), "%#x", 0);
			break;
		case 4:
			snprintf(buf, sizeof(buf), "%+d", 5);
			break;
		case 5:
			snprintf(buf, sizeof(buf), "% d", 5);
			break;
		case 6:
			snprintf(buf, sizeof(buf), "%+d", -5);
			break;
		case 7:
			snprintf(buf, sizeof(buf), "%#07x", 31);
			break;
		case 8:
			snprintf(buf, sizeof(buf), "%#6x", 31);
			break;
		case 9:
			snprintf(buf, sizeof(buf), "%-#6x|", 31);
			break;
		case 10:
			snprintf(buf, sizeof(buf), "%+05d", 5);
			break;
		case 11:
			snprintf(buf, sizeof(buf), "%s:%3s", "ab", "c");
			break;
		/* A flag followed by more conversions keeps its arguments. */
		case 12:
			snprintf(buf, sizeof(buf), "%#x %s", 31, "err");
			break;
		}
		if (strcmp(buf, cases[i].want) != 0) {
			printf("rumptest: printf case %d: got \"%s\", want "
			       "\"%s\"\n",
			       cases[i].n, buf, cases[i].want);
			bad++;
		}
	}
	rump_unschedule();
	return bad;
}
