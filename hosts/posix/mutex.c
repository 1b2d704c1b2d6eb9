/*
 * mutex.c -- kernel mutexes on pthread mutexes.  enter() releases the
 * virtual CPU while it waits, because the holder of an adaptive (KMUTEX)
 * mutex may itself be waiting for a CPU.  The holder of a SPIN mutex keeps
 * its CPU and lets go soon, so enter() waits for one as enter_nowrap() does.
 */
#include <stdlib.h>

#include "posix.h"

void rumpuser_mutex_init(struct rumpuser_mtx **mtxp, int flags)
{
	struct rumpuser_mtx *mtx = rumpuser__xmalloc(sizeof(*mtx));

	POSIX_CHECK(pthread_mutex_init(&mtx->pthmtx, NULL));
	mtx->owner = NULL;
	mtx->flags = flags;
	*mtxp = mtx;
}

void rumpuser_mutex_enter(struct rumpuser_mtx *mtx)
{
	if (mtx->flags & RUMPUSER_MTX_SPIN) {
		rumpuser_mutex_enter_nowrap(mtx);
		return;
	}
	if (pthread_mutex_trylock(&mtx->pthmtx) != 0) {
		rumpuser__block_begin();
		POSIX_CHECK(pthread_mutex_lock(&mtx->pthmtx));
		rumpuser__block_end();
	}
	posix_mtx_owner(mtx, rumpuser_curlwp());
}

void rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *mtx)
{
	POSIX_CHECK(pthread_mutex_lock(&mtx->pthmtx));
	posix_mtx_owner(mtx, rumpuser_curlwp());
}

int rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx)
{
	int rv = pthread_mutex_trylock(&mtx->pthmtx);

	if (rv == EBUSY)
		return RUMP_EBUSY;
	POSIX_CHECK(rv);
	posix_mtx_owner(mtx, rumpuser_curlwp());
	return 0;
}

void rumpuser_mutex_exit(struct rumpuser_mtx *mtx)
{
	posix_mtx_owner(mtx, NULL);
	POSIX_CHECK(pthread_mutex_unlock(&mtx->pthmtx));
}

void rumpuser_mutex_destroy(struct rumpuser_mtx *mtx)
{
	POSIX_CHECK(pthread_mutex_destroy(&mtx->pthmtx));
	free(mtx);
}

/* Meaningful for KMUTEX mutexes only; NULL for the others. */
void rumpuser_mutex_owner(struct rumpuser_mtx *mtx, struct lwp **lp)
{
	*lp = __atomic_load_n(&mtx->owner, __ATOMIC_RELAXED);
}
