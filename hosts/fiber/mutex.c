/*
 * mutex.c -- kernel mutexes and condition variables for fibers: waiting
 * yields to the other fibers.  The virtual-CPU rule is the pthread host's:
 * enter() releases the CPU only when it must wait and never for a SPIN
 * mutex; cv_wait() releases it while asleep, the mutex released too.
 */
#include <stdlib.h>

#include "fiber.h"

struct rumpuser_mtx {
	int held, flags;
	struct lwp *owner; /* KMUTEX only */
	struct fiber *waiters;
};

struct rumpuser_cv {
	int nwaiters; /* until they hold the mutex again */
	struct fiber *waiters;
};

void rumpuser_mutex_init(struct rumpuser_mtx **mtxp, int flags)
{
	*mtxp = rumpuser__xmalloc(sizeof(**mtxp));
	**mtxp = (struct rumpuser_mtx){.flags = flags};
}

void rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *mtx)
{
	fiber_self(); /* checks the host thread */
	while (mtx->held)
		fiber_wait(&mtx->waiters, FIBER_FOREVER, "mutex");
	mtx->held = 1;
	if (mtx->flags & RUMPUSER_MTX_KMUTEX)
		mtx->owner = rumpuser_curlwp();
}

void rumpuser_mutex_enter(struct rumpuser_mtx *mtx)
{
	if (mtx->held && !(mtx->flags & RUMPUSER_MTX_SPIN))
		RUMPUSER_BLOCKING(rumpuser_mutex_enter_nowrap(mtx));
	else
		rumpuser_mutex_enter_nowrap(mtx);
}

int rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx)
{
	if (mtx->held)
		return RUMP_EBUSY;
	rumpuser_mutex_enter_nowrap(mtx);
	return 0;
}

void rumpuser_mutex_exit(struct rumpuser_mtx *mtx)
{
	mtx->held = 0;
	mtx->owner = NULL;
	fiber_wake(&mtx->waiters, 0);
}

void rumpuser_mutex_destroy(struct rumpuser_mtx *mtx)
{
	free(mtx);
}

void rumpuser_mutex_owner(struct rumpuser_mtx *mtx, struct lwp **lp)
{
	*lp = mtx->owner;
}

void rumpuser_cv_init(struct rumpuser_cv **cvp)
{
	*cvp = rumpuser__xmalloc(sizeof(**cvp));
	**cvp = (struct rumpuser_cv){0};
}

void rumpuser_cv_destroy(struct rumpuser_cv *cv)
{
	free(cv);
}

/* As on the pthread host: mutex, then CPU; for a SPIN mutex the reverse. */
static int cv_sleep(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
		    int64_t deadline, int wrap)
{
	int spin = mtx->flags & RUMPUSER_MTX_SPIN, timedout;

	cv->nwaiters++;
	rumpuser_mutex_exit(mtx);
	if (wrap)
		rumpuser__block_begin();
	timedout = fiber_wait(&cv->waiters, deadline, "condvar");
	if (wrap && spin)
		rumpuser__block_end();
	rumpuser_mutex_enter_nowrap(mtx);
	if (wrap && !spin)
		rumpuser__block_end();
	cv->nwaiters--;
	return timedout ? RUMP_ETIMEDOUT : 0;
}

void rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{
	cv_sleep(cv, mtx, FIBER_FOREVER, 1);
}

void rumpuser_cv_wait_nowrap(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{
	cv_sleep(cv, mtx, FIBER_FOREVER, 0);
}

/* The interval counts from the call, before the CPU is released. */
int rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
			  int64_t sec, int64_t nsec)
{
	return cv_sleep(cv, mtx, fiber_deadline(0, sec, nsec), 1);
}

void rumpuser_cv_signal(struct rumpuser_cv *cv)
{
	fiber_wake(&cv->waiters, 0);
}

void rumpuser_cv_broadcast(struct rumpuser_cv *cv)
{
	fiber_wake(&cv->waiters, 1);
}

void rumpuser_cv_has_waiters(struct rumpuser_cv *cv, int *waitersp)
{
	*waitersp = cv->nwaiters > 0;
}
