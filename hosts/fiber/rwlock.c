/*
 * rwlock.c -- reader/writer locks for fibers, with the pthread host's rules:
 * waiting writers keep new readers out (so readers must not recurse), the
 * writer is recorded so that held(WRITER) is exact, held(READER) means held
 * by some reader, and a wait releases the virtual CPU.
 */
#include <stdlib.h>

#include "fiber.h"

struct rumpuser_rw {
	unsigned readers, wwait; /* wwait: writers that wait or were woken */
	struct lwp *writer;
	int wheld;
	struct fiber *waiters;
};

void rumpuser_rw_init(struct rumpuser_rw **rwp)
{
	*rwp = rumpuser__xmalloc(sizeof(**rwp));
	**rwp = (struct rumpuser_rw){0};
}

void rumpuser_rw_destroy(struct rumpuser_rw *rw)
{
	free(rw);
}

static void rw_take_write(struct rumpuser_rw *rw)
{
	rw->readers = 0;
	rw->wheld = 1;
	rw->writer = rumpuser_curlwp();
}

int rumpuser_rw_tryenter(int op, struct rumpuser_rw *rw)
{
	fiber_self(); /* checks the host thread */
	if (rw->wheld || (op == RUMPUSER_RW_READER && rw->wwait > 0) ||
	    (op == RUMPUSER_RW_WRITER && rw->readers > 0))
		return RUMP_EBUSY;
	if (op == RUMPUSER_RW_READER)
		rw->readers++;
	else
		rw_take_write(rw);
	return 0;
}

void rumpuser_rw_enter(int op, struct rumpuser_rw *rw)
{
	int writer = op == RUMPUSER_RW_WRITER;

	if (rumpuser_rw_tryenter(op, rw) == 0)
		return;
	rumpuser__block_begin();
	rw->wwait += writer;
	while (rumpuser_rw_tryenter(op, rw) != 0)
		fiber_wait(&rw->waiters, FIBER_FOREVER,
			   writer ? "rwlock(writer)" : "rwlock(reader)");
	rw->wwait -= writer;
	rumpuser__block_end();
}

/* Succeeds only for the sole reader, which then never lets go. */
int rumpuser_rw_tryupgrade(struct rumpuser_rw *rw)
{
	if (rw->readers != 1)
		return RUMP_EBUSY;
	rw_take_write(rw);
	return 0;
}

/* Waiters recheck: readers join unless a writer waits. */
void rumpuser_rw_downgrade(struct rumpuser_rw *rw)
{
	rw->wheld = 0;
	rw->writer = NULL;
	rw->readers = 1;
	fiber_wake(&rw->waiters, 1);
}

void rumpuser_rw_exit(struct rumpuser_rw *rw)
{
	if (rw->wheld) {
		rw->wheld = 0;
		rw->writer = NULL;
	} else {
		rw->readers--;
	}
	if (rw->readers == 0)
		fiber_wake(&rw->waiters, 1);
}

void rumpuser_rw_held(int op, struct rumpuser_rw *rw, int *heldp)
{
	if (op == RUMPUSER_RW_WRITER)
		*heldp = rw->wheld && rw->writer == rumpuser_curlwp();
	else
		*heldp = rw->readers > 0;
}
