/*
 * panic.c -- the kernel's fatal error path: print the message and the
 * kernel context (thread, process, virtual CPU), then leave through
 * rumpuser_exit(RUMPUSER_PANIC), where the host prints its stack trace
 * and aborts.  A panic while panicking goes straight to the host.
 */
#include <rump/rumpuser.h>
#include <sys/atomic.h>
#include <sys/proc.h>
#include <sys/systm.h>

static volatile int panicking;

void panic(const char *fmt, ...)
{
	va_list ap;
	struct lwp *l;

	if (atomic_swap(&panicking, 1) != 0)
		rumpuser_exit(RUMPUSER_PANIC);
	printf("rump kernel panic: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	l = rumpuser_curlwp();
	if (l != NULL)
		printf("  in thread %d \"%s\" of process %d \"%s\", cpu %d\n",
		       l->l_lid, l->l_name, l->l_proc->p_pid, l->l_proc->p_comm,
		       l->l_cpu != NULL ? l->l_cpu->ci_index : -1);
	else
		printf("  in a host thread without kernel context\n");
	rumpuser_exit(RUMPUSER_PANIC);
}
