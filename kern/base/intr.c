/*
 * intr.c -- interruptible waits.  The kernel has no signals; interruptions
 * come from the remote-syscall server.  proc_interrupt() (a client's
 * connection dropped, or the kernel halts) marks a process and
 * lwp_interrupt() (the client interrupted one call, for a host signal)
 * marks one lwp; either wakes the marked lwps sleeping in cv_wait_sig or
 * cv_timedwait_sig_ns, which then return EINTR, as does every later such
 * wait of the process or lwp.  A remote call runs as a fresh lwp, so an
 * lwp's mark ends with its call.  The waits of blocking socket, pipe,
 * poll, fifo-open and advisory-lock calls are interruptible; an lwp
 * records the condvar and mutex of its wait under p_lock so the
 * interrupter can reach them.
 */
#include <sys/kmem.h>
#include <sys/proc.h>
#include <sys/systm.h>
#include <sys/time.h>

/* Retry period while a waiter holds its mutex on the way in or out. */
#define INTR_RETRY_NS 1000000

/* Whether the current lwp's waits can be interrupted: those of a remote
 * client's process (the only ones ever interrupted), never kernel
 * threads, the implicit lwps of process 1 or local processes, whose
 * waits stay plain condvar waits. */
static struct proc *intr_proc(struct lwp *l)
{
	struct proc *p;

	if (l == NULL || (l->l_flags & (LW_IMPLICIT | LW_SYSTEM)))
		return NULL;
	p = l->l_proc;
	if (p == NULL || p == &proc0 || p == proc1 ||
	    p->p_vmspace != &vmspace_remote)
		return NULL;
	return p;
}

int cv_timedwait_sig_ns(kcondvar_t *cv, kmutex_t *mtx, uint64_t nsec)
{
	struct lwp *l = curlwp;
	struct proc *p = intr_proc(l);
	int error = 0;
	bool intr;

	if (p != NULL) {
		/* Checked and recorded under p_lock with mtx held, so the
		 * interrupter either sees the record or we see the flag. */
		mutex_enter(&p->p_lock);
		intr = p->p_intr || l->l_intr;
		if (!intr) {
			l->l_sleepcv = cv;
			l->l_sleepmtx = mtx;
		}
		mutex_exit(&p->p_lock);
		if (intr)
			return EINTR;
	}
	if (nsec == 0)
		cv_wait(cv, mtx);
	else
		error = cv_timedwait_ns(cv, mtx, nsec);
	if (p != NULL) {
		mutex_enter(&p->p_lock);
		l->l_sleepcv = NULL;
		l->l_sleepmtx = NULL;
		intr = p->p_intr || l->l_intr;
		mutex_exit(&p->p_lock);
		if (intr)
			return EINTR;
	}
	return error;
}

int cv_wait_sig(kcondvar_t *cv, kmutex_t *mtx)
{
	return cv_timedwait_sig_ns(cv, mtx, 0);
}

/*
 * Wake l's interruptible wait, if it is in one; p_lock held.  The wake is
 * done holding the waiter's mutex (tried, as p_lock is held and the waiter
 * takes p_lock under it), so it cannot fall between the waiter's check
 * and its sleep; false when that mutex is busy and the caller must retry.
 * p_lock held keeps the recorded condvar alive: its waiter clears it
 * first.
 */
static bool intr_wake(struct lwp *l)
{
	if (l->l_sleepcv == NULL || l == curlwp)
		return true;
	if (!mutex_tryenter(l->l_sleepmtx))
		return false;
	cv_broadcast(l->l_sleepcv);
	mutex_exit(l->l_sleepmtx);
	return true;
}

/* Interrupt p: mark it and wake its lwps' interruptible waits. */
void proc_interrupt(struct proc *p)
{
	bool again;

	do {
		again = false;
		mutex_enter(&p->p_lock);
		p->p_intr = true;
		list_foreach(it, &p->p_lwps)
		{
			struct lwp *l = list_entry(it, struct lwp, l_sibling);
			if (!intr_wake(l))
				again = true;
		}
		mutex_exit(&p->p_lock);
		if (again)
			(void)kpause_ns(INTR_RETRY_NS);
	} while (again);
}

/*
 * Interrupt the lwp lid of p (its current or next interruptible wait
 * returns EINTR); ESRCH when p has no such lwp: the call it ran is over.
 * Lids count up (2^31 lwps before one comes again), so a stale one
 * reaches no other call.
 */
int lwp_interrupt(struct proc *p, lwpid_t lid)
{
	bool again;

	do {
		struct lwp *target = NULL;

		again = false;
		mutex_enter(&p->p_lock);
		list_foreach(it, &p->p_lwps)
		{
			struct lwp *l = list_entry(it, struct lwp, l_sibling);
			if (l->l_lid == lid) {
				target = l;
				break;
			}
		}
		if (target == NULL) {
			mutex_exit(&p->p_lock);
			return ESRCH;
		}
		target->l_intr = true;
		again = !intr_wake(target);
		mutex_exit(&p->p_lock);
		if (again)
			(void)kpause_ns(INTR_RETRY_NS);
	} while (again);
	return 0;
}
