/*
 * rwlock.c -- reader/writer locks, built from a mutex and two condvars
 * because pthread rwlocks can neither upgrade nor downgrade.  Waiting
 * writers keep new readers out (so readers must not recurse); the writer
 * is recorded so that held(WRITER) is exact.  Waiting releases the CPU.
 */
#include <stdlib.h>

#include "posix.h"

struct rumpuser_rw {
	pthread_mutex_t mtx;	 /* guards the fields below, held briefly */
	pthread_cond_t rcv, wcv; /* readers and writers wait here */
	unsigned readers, rwait, wwait;
	int wheld;
	struct lwp *writer;
};

void rumpuser_rw_init(struct rumpuser_rw **rwp)
{
	struct rumpuser_rw *rw = rumpuser__xmalloc(sizeof(*rw));

	POSIX_CHECK(pthread_mutex_init(&rw->mtx, NULL));
	POSIX_CHECK(pthread_cond_init(&rw->rcv, NULL));
	POSIX_CHECK(pthread_cond_init(&rw->wcv, NULL));
	rw->readers = rw->rwait = rw->wwait = 0;
	rw->wheld = 0;
	rw->writer = NULL;
	*rwp = rw;
}

void rumpuser_rw_destroy(struct rumpuser_rw *rw)
{
	POSIX_CHECK(pthread_cond_destroy(&rw->rcv));
	POSIX_CHECK(pthread_cond_destroy(&rw->wcv));
	POSIX_CHECK(pthread_mutex_destroy(&rw->mtx));
	free(rw);
}

/* With rw->mtx held: take the lock if it is free for op. */
static int rw_get(struct rumpuser_rw *rw, int op)
{
	if (op == RUMPUSER_RW_WRITER) {
		if (rw->wheld || rw->readers > 0)
			return 0;
		rw->wheld = 1;
		rw->writer = rumpuser_curlwp();
		return 1;
	}
	if (rw->wheld || rw->wwait > 0)
		return 0;
	rw->readers++;
	return 1;
}

void rumpuser_rw_enter(int op, struct rumpuser_rw *rw)
{
	int writer = op == RUMPUSER_RW_WRITER;
	unsigned *waiting = writer ? &rw->wwait : &rw->rwait;

	POSIX_CHECK(pthread_mutex_lock(&rw->mtx));
	if (!rw_get(rw, op)) {
		POSIX_CHECK(pthread_mutex_unlock(&rw->mtx));
		rumpuser__block_begin();
		POSIX_CHECK(pthread_mutex_lock(&rw->mtx));
		for ((*waiting)++; !rw_get(rw, op);)
			POSIX_CHECK(pthread_cond_wait(
				writer ? &rw->wcv : &rw->rcv, &rw->mtx));
		(*waiting)--;
		POSIX_CHECK(pthread_mutex_unlock(&rw->mtx));
		rumpuser__block_end();
		return;
	}
	POSIX_CHECK(pthread_mutex_unlock(&rw->mtx));
}

int rumpuser_rw_tryenter(int op, struct rumpuser_rw *rw)
{
	int got;

	POSIX_CHECK(pthread_mutex_lock(&rw->mtx));
	got = rw_get(rw, op);
	POSIX_CHECK(pthread_mutex_unlock(&rw->mtx));
	return got ? 0 : RUMP_EBUSY;
}

/* Succeeds only for the sole reader, which then never lets go. */
int rumpuser_rw_tryupgrade(struct rumpuser_rw *rw)
{
	int got = 0;

	POSIX_CHECK(pthread_mutex_lock(&rw->mtx));
	if (rw->readers == 1) {
		rw->readers = 0;
		rw->wheld = 1;
		rw->writer = rumpuser_curlwp();
		got = 1;
	}
	POSIX_CHECK(pthread_mutex_unlock(&rw->mtx));
	return got ? 0 : RUMP_EBUSY;
}

/* Other readers join only if no writer waits, as in enter(). */
void rumpuser_rw_downgrade(struct rumpuser_rw *rw)
{
	POSIX_CHECK(pthread_mutex_lock(&rw->mtx));
	rw->wheld = 0;
	rw->writer = NULL;
	rw->readers = 1;
	if (rw->wwait == 0 && rw->rwait > 0)
		POSIX_CHECK(pthread_cond_broadcast(&rw->rcv));
	POSIX_CHECK(pthread_mutex_unlock(&rw->mtx));
}

/* A writer is woken before readers, as enter() lets it go first. */
void rumpuser_rw_exit(struct rumpuser_rw *rw)
{
	POSIX_CHECK(pthread_mutex_lock(&rw->mtx));
	if (rw->wheld) {
		rw->wheld = 0;
		rw->writer = NULL;
	} else {
		rw->readers--;
	}
	if (rw->readers == 0 && rw->wwait > 0)
		POSIX_CHECK(pthread_cond_signal(&rw->wcv));
	else if (rw->readers == 0 && rw->rwait > 0)
		POSIX_CHECK(pthread_cond_broadcast(&rw->rcv));
	POSIX_CHECK(pthread_mutex_unlock(&rw->mtx));
}

/* WRITER: held by the calling lwp.  READER: held by some reader. */
void rumpuser_rw_held(int op, struct rumpuser_rw *rw, int *heldp)
{
	POSIX_CHECK(pthread_mutex_lock(&rw->mtx));
	if (op == RUMPUSER_RW_WRITER)
		*heldp = rw->wheld && rw->writer == rumpuser_curlwp();
	else
		*heldp = rw->readers > 0;
	POSIX_CHECK(pthread_mutex_unlock(&rw->mtx));
}
