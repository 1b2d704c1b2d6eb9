/*
 * t_params.c -- boot parameters, each case in a fresh child process (this
 * program run again with an argument): malformed RUMP_NCPU or
 * RUMP_MEMLIMIT makes rump_init() return EINVAL with a message naming it
 * (and a later boot with the setting fixed works), RUMP_NCPU=3 gives three
 * CPUs, and a small RUMP_MEMLIMIT either fails the boot with ENOMEM or
 * makes allocations beyond it fail cleanly.
 */
#include <sys/wait.h>

#include "testlib.h"

/* Child: boot must fail with EINVAL, then succeed without the setting. */
static int child_einval(const char *name)
{
	CHECK_EQ(rump_init(), EINVAL);
	CHECK_EQ(rump_sys_getpid(), -1);
	unsetenv(name);
	test_boot();
	CHECK_EQ(rump_sys_getpid(), 1);
	test_halt();
	return 0;
}

static int child_ncpu3(void)
{
	test_boot();
	CHECK_EQ(rump_test_ncpu(), 3);
	CHECK_KERN(rump_test_mutex_kthreads(6, 200, 0));
	test_halt();
	return 0;
}

/* Child: under a small limit, boot fails with ENOMEM or allocation does. */
static int child_memlimit(void)
{
	uint64_t limit, count;
	int error = rump_init();

	if (error == ENOMEM) {
		printf("memlimit: boot failed with ENOMEM\n");
		return 0;
	}
	CHECK_EQ(error, 0);
	CHECK_KERN(rump_test_kmem_limit(&limit, &count));
	printf("memlimit: limit %llu, %llu objects of 1 KiB fitted\n",
	       (unsigned long long)limit, (unsigned long long)count);
	CHECK_EQ(rump_sys_getpid(), 1);
	test_halt();
	return 0;
}

struct pcase {
	const char *what;
	const char *env[3];
	const char *arg;
	const char *must_say; /* in the child's output, or NULL */
};

static const struct pcase cases[] = {
	{"RUMP_NCPU=abc", {"RUMP_NCPU=abc", NULL}, "einval-ncpu", "RUMP_NCPU"},
	{"RUMP_NCPU=0", {"RUMP_NCPU=0", NULL}, "einval-ncpu", "RUMP_NCPU"},
	{"RUMP_NCPU=1000",
	 {"RUMP_NCPU=1000", NULL},
	 "einval-ncpu",
	 "RUMP_NCPU"},
	{"RUMP_NCPU=-1", {"RUMP_NCPU=-1", NULL}, "einval-ncpu", "RUMP_NCPU"},
	{"RUMP_NCPU=", {"RUMP_NCPU=", NULL}, "einval-ncpu", "RUMP_NCPU"},
	{"RUMP_NCPU=2x", {"RUMP_NCPU=2x", NULL}, "einval-ncpu", "RUMP_NCPU"},
	{"RUMP_MEMLIMIT=banana",
	 {"RUMP_MEMLIMIT=banana", NULL},
	 "einval-memlimit",
	 "RUMP_MEMLIMIT"},
	{"RUMP_MEMLIMIT=12q",
	 {"RUMP_MEMLIMIT=12q", NULL},
	 "einval-memlimit",
	 "RUMP_MEMLIMIT"},
	{"RUMP_NCPU=3", {"RUMP_NCPU=3", NULL}, "ncpu3", NULL},
	{"RUMP_MEMLIMIT=64k",
	 {"RUMP_MEMLIMIT=64k", NULL},
	 "memlimit",
	 "memlimit:"},
	{"RUMP_MEMLIMIT=256k",
	 {"RUMP_MEMLIMIT=256k", NULL},
	 "memlimit",
	 "memlimit:"},
	{"RUMP_MEMLIMIT=2m",
	 {"RUMP_MEMLIMIT=2m", NULL},
	 "memlimit",
	 "memlimit:"},
};

int main(int argc, char **argv)
{
	static char out[16384];

	test_init(argc, argv);
	if (argc > 1) {
		test_watchdog(60);
		if (strcmp(argv[1], "einval-ncpu") == 0)
			return child_einval("RUMP_NCPU");
		if (strcmp(argv[1], "einval-memlimit") == 0)
			return child_einval("RUMP_MEMLIMIT");
		if (strcmp(argv[1], "ncpu3") == 0)
			return child_ncpu3();
		if (strcmp(argv[1], "memlimit") == 0)
			return child_memlimit();
		test_fail(__FILE__, __LINE__, "unknown case %s", argv[1]);
	}
	test_watchdog(110);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pcase *c = &cases[i];
		int status = test_child(c->arg, c->env, out, sizeof(out), 60);

		if (status == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			test_fail(__FILE__, __LINE__, "%s: child %s:\n%s",
				  c->what, test_status_str(status), out);
		if (c->must_say != NULL && strstr(out, c->must_say) == NULL)
			test_fail(__FILE__, __LINE__,
				  "%s: no message naming %s:\n%s", c->what,
				  c->must_say, out);
		test_log("%s: ok", c->what);
	}

	/* And the default parameters in this process. */
	test_boot();
	CHECK(rump_test_ncpu() >= 1);
	test_halt();
	test_log("ok");
	return 0;
}
