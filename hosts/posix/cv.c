/*
 * cv.c -- condition variables on pthread condvars (CLOCK_MONOTONIC).  wait()
 * releases the virtual CPU while it sleeps and returns with the mutex held
 * and a CPU taken; the mutex's recorded owner is cleared while it sleeps.
 */
#include <stdlib.h>
#include <time.h>

#include "posix.h"

struct rumpuser_cv {
	pthread_cond_t pthcv;
	int nwaiters; /* atomic */
};

void rumpuser_cv_init(struct rumpuser_cv **cvp)
{
	struct rumpuser_cv *cv = rumpuser__xmalloc(sizeof(*cv));
	pthread_condattr_t attr;

	POSIX_CHECK(pthread_condattr_init(&attr));
	POSIX_CHECK(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC));
	POSIX_CHECK(pthread_cond_init(&cv->pthcv, &attr));
	pthread_condattr_destroy(&attr);
	cv->nwaiters = 0;
	*cvp = cv;
}

void rumpuser_cv_destroy(struct rumpuser_cv *cv)
{
	POSIX_CHECK(pthread_cond_destroy(&cv->pthcv));
	free(cv);
}

static void cv_sleep_begin(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
			   int wrap)
{
	rumpuser__sp_willblock();
	__atomic_add_fetch(&cv->nwaiters, 1, __ATOMIC_RELAXED);
	posix_mtx_owner(mtx, NULL);
	if (wrap)
		rumpuser__block_begin();
}

/*
 * After sleeping, take a CPU again.  A thread spinning for a SPIN mutex
 * keeps its CPU, so waiting for a CPU while holding one would deadlock:
 * drop it first and take it back once scheduled.
 */
static void cv_sleep_end(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
			 int wrap)
{
	if (wrap && (mtx->flags & RUMPUSER_MTX_SPIN)) {
		POSIX_CHECK(pthread_mutex_unlock(&mtx->pthmtx));
		rumpuser__block_end();
		POSIX_CHECK(pthread_mutex_lock(&mtx->pthmtx));
	} else if (wrap) {
		rumpuser__block_end();
	}
	posix_mtx_owner(mtx, rumpuser_curlwp());
	__atomic_sub_fetch(&cv->nwaiters, 1, __ATOMIC_RELAXED);
}

void rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{
	cv_sleep_begin(cv, mtx, 1);
	POSIX_CHECK(pthread_cond_wait(&cv->pthcv, &mtx->pthmtx));
	cv_sleep_end(cv, mtx, 1);
}

void rumpuser_cv_wait_nowrap(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{
	cv_sleep_begin(cv, mtx, 0);
	POSIX_CHECK(pthread_cond_wait(&cv->pthcv, &mtx->pthmtx));
	cv_sleep_end(cv, mtx, 0);
}

/* The deadline is taken before the CPU is released: that wait counts. */
int rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
			  int64_t sec, int64_t nsec)
{
	struct timespec ts;
	int rv;

	if (sec < 0 || nsec < 0)
		sec = nsec = 0;
	if (sec > ((int64_t)1 << 40))
		sec = (int64_t)1 << 40; /* forever, without overflow */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += sec + nsec / 1000000000;
	nsec = nsec % 1000000000 + ts.tv_nsec;
	ts.tv_sec += nsec / 1000000000;
	ts.tv_nsec = nsec % 1000000000;
	cv_sleep_begin(cv, mtx, 1);
	rv = pthread_cond_timedwait(&cv->pthcv, &mtx->pthmtx, &ts);
	cv_sleep_end(cv, mtx, 1);
	if (rv == ETIMEDOUT)
		return RUMP_ETIMEDOUT;
	POSIX_CHECK(rv);
	return 0;
}

void rumpuser_cv_signal(struct rumpuser_cv *cv)
{
	POSIX_CHECK(pthread_cond_signal(&cv->pthcv));
}

void rumpuser_cv_broadcast(struct rumpuser_cv *cv)
{
	POSIX_CHECK(pthread_cond_broadcast(&cv->pthcv));
}

/* Exact when the caller holds the mutex the waiters use. */
void rumpuser_cv_has_waiters(struct rumpuser_cv *cv, int *waitersp)
{
	*waitersp = __atomic_load_n(&cv->nwaiters, __ATOMIC_RELAXED) > 0;
}
