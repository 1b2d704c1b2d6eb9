/*
 * posix.h -- private to the pthread host: the mutex layout, which condition
 * variables need to see, and checked wrappers for pthread calls that can
 * fail only through a bug (their failure aborts).
 */
#ifndef HOSTS_POSIX_POSIX_H_
#define HOSTS_POSIX_POSIX_H_

#include <pthread.h>

#include "../common/host.h"

struct rumpuser_mtx {
	pthread_mutex_t pthmtx;
	struct lwp *owner; /* KMUTEX only; atomic, read by any thread */
	int flags;
};

/* Record l as the owner after taking mtx, NULL before releasing it. */
static inline void posix_mtx_owner(struct rumpuser_mtx *mtx, struct lwp *l)
{
	if (mtx->flags & RUMPUSER_MTX_KMUTEX)
		__atomic_store_n(&mtx->owner, l, __ATOMIC_RELAXED);
}

/* Before a wait: a remote-syscall thread passes its reading turn on. */
void rumpuser__sp_willblock(void);

/* Start a host thread with all signals blocked; detached if ptp is NULL. */
int rumpuser__spawn(pthread_t *ptp, void *(*fn)(void *), void *arg);

#define POSIX_CHECK(call)                                                      \
	do {                                                                   \
		int posix_rv_ = (call);                                        \
		if (posix_rv_ != 0)                                            \
			rumpuser__fatal(#call, posix_rv_);                     \
	} while (0)

#endif /* HOSTS_POSIX_POSIX_H_ */
