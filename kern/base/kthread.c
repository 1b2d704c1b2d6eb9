/*
 * kthread.c -- kernel threads.  Each is a host thread (a fiber on the
 * cooperative host) running as an lwp of process 0, holding a virtual CPU
 * while it runs.  A thread created with KTHREAD_MUSTJOIN keeps its lwp
 * after exit until kthread_join() frees it; others free their own.
 */
#include <rump/rumpuser.h>
#include <sys/atomic.h>
#include <sys/kmem.h>
#include <sys/kthread.h>
#include <sys/proc.h>
#include <sys/systm.h>

volatile int64_t kthreads_live;

static void *kthread_trampoline(void *arg)
{
	struct lwp *l = arg;

	rumpuser_curlwpop(RUMPUSER_LWP_SET, l);
	rump_schedule();
	l->l_kthread_fn(l->l_kthread_arg);
	kthread_exit(0);
}

int kthread_create(void (*fn)(void *), void *arg, int flags, struct lwp **lp,
		   const char *fmt, ...)
{
	char name[MAXCOMLEN];
	va_list ap;
	struct lwp *l;
	int error;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	l = lwp_alloc(&proc0,
		      LW_SYSTEM |
			      ((flags & KTHREAD_MUSTJOIN) ? LW_MUSTJOIN : 0),
		      name);
	if (l == NULL)
		return ENOMEM;
	l->l_kthread_fn = fn;
	l->l_kthread_arg = arg;
	l->l_running = 1;
	atomic_add(&kthreads_live, 1);
	error = rumpuser_thread_create(kthread_trampoline, l, name,
				       (flags & KTHREAD_MUSTJOIN) != 0, 0, -1,
				       &l->l_hostcookie);
	if (error != 0) {
		atomic_add(&kthreads_live, -1);
		lwp_free(l);
		return error;
	}
	if (lp != NULL)
		*lp = l;
	return 0;
}

void kthread_exit(int status)
{
	struct lwp *l = curlwp;

	l->l_running = 0;
	rump_unschedule();
	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, l);
	if (!(l->l_flags & LW_MUSTJOIN)) {
		/* Freeing needs a CPU; take one without an lwp of our own. */
		rump_schedule();
		lwp_free(l);
		rump_unschedule();
		/* Last: shutdown may free the CPUs once this reaches 0. */
		atomic_add(&kthreads_live, -1);
	}
	rumpuser_thread_exit();
}

int kthread_join(struct lwp *l)
{
	int error;

	KASSERT(l->l_flags & LW_MUSTJOIN);
	error = rumpuser_thread_join(l->l_hostcookie);
	if (error != 0)
		return error;
	lwp_free(l);
	atomic_add(&kthreads_live, -1);
	return 0;
}
