/*
 * sched.c -- fibers and their scheduler: kernel threads, the current lwp,
 * sleeps and waits.  A fiber runs until it waits on a queue or a deadline;
 * then the next runnable fiber runs (FIFO), or the host thread sleeps until
 * the earliest deadline, or, if no fiber can ever run again, the blocked
 * ones are listed and the process panics.  Nothing here is POSIX.
 */
#include <stdlib.h>
#include <string.h>

#include "fiber.h"

#define NSEC 1000000000LL

/* The lists a fiber is on: a run or wait queue, the timers, all fibers. */
enum { QUEUE, TIMER, ALL, NLINKS };

struct fiber {
	struct fiber_ctx *ctx;
	struct fiber *link[NLINKS];
	struct fiber **onq; /* the queue it is on, or NULL */
	int64_t deadline;   /* as sched_now(), or FIBER_FOREVER */
	int timedout, mustjoin, dead;
	const char *waitfor; /* for the deadlock report */
	struct fiber *joinq; /* its joiner waits here */
	struct lwp *lwp;
	void *(*fn)(void *);
	void *arg;
	char name[32];
};

/* One host thread runs one fiber at a time: more CPUs would be pretence. */
const char rumpuser__ncpu_default[] = "1";

static struct fiber mainfiber = {
	.ctx = &fiber_main_ctx, .deadline = FIBER_FOREVER, .name = "main"};
static struct fiber *cur = &mainfiber, *all = &mainfiber;
static struct fiber *runq, *timers, *reapq; /* reapq: exited, unjoinable */

static int64_t sched_now(void)
{
	int64_t sec = 0;
	long nsec = 0;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &sec, &nsec);
	return sec * NSEC + nsec;
}

/* Queues append; the timer list stays sorted, equal deadlines in order. */
static void sched_link(struct fiber **pp, struct fiber *f, int l)
{
	while (*pp != NULL && (l != TIMER || (*pp)->deadline <= f->deadline))
		pp = &(*pp)->link[l];
	f->link[l] = *pp;
	*pp = f;
}

static void sched_unlink(struct fiber **pp, struct fiber *f, int l)
{
	while (*pp != f)
		pp = &(*pp)->link[l];
	*pp = f->link[l];
}

static void sched_ready(struct fiber *f)
{
	if (f->onq != NULL)
		sched_unlink(f->onq, f, QUEUE);
	if (f->deadline != FIBER_FOREVER)
		sched_unlink(&timers, f, TIMER);
	f->deadline = FIBER_FOREVER;
	sched_link(f->onq = &runq, f, QUEUE);
}

static void sched_deadlock(void)
{
	struct fiber *f;

	rumpuser_putstr("rumpuser_fiber: deadlock: no fiber can run and none "
			"sleeps; blocked (fiber: waiting for):\n");
	for (f = all; f != NULL; f = f->link[ALL]) {
		if (!f->dead) {
			rumpuser_putstr(f->name);
			rumpuser_putstr(": ");
			rumpuser_putstr(f->waitfor);
			rumpuser_putstr("\n");
		}
	}
	rumpuser_exit(RUMPUSER_PANIC);
}

static void sched_destroy(struct fiber *f)
{
	sched_unlink(&all, f, ALL);
	fiber_ctx_free(f->ctx);
	free(f);
}

/*
 * The caller is queued (maybe runnable) or dying: run the next fiber.  A
 * fiber cannot free its own stack, so those that exited are freed here.
 */
static void sched_run_next(int dying)
{
	struct fiber *self = cur, *f;
	int64_t now;

	for (;;) {
		now = timers != NULL ? sched_now() : 0;
		while ((f = timers) != NULL && f->deadline <= now) {
			f->timedout = 1;
			sched_ready(f);
		}
		if ((f = runq) != NULL)
			break;
		if (timers == NULL)
			sched_deadlock();
		fiber_idle(timers->deadline);
	}
	sched_unlink(&runq, f, QUEUE);
	f->onq = NULL;
	if (f != self) {
		cur = f;
		fiber_ctx_switch(self->ctx, f->ctx, dying);
	}
	while ((f = reapq) != NULL) {
		reapq = f->link[QUEUE];
		sched_destroy(f);
	}
}

/* The first caller's host thread is the only one: each has its own here. */
struct fiber *fiber_self(void)
{
	static _Thread_local char here;
	static char *home;

	if (home == NULL)
		home = &here;
	if (home != &here) {
		rumpuser_putstr("rumpuser_fiber: called from a second host "
				"thread; only librumpuser has threads\n");
		rumpuser_exit(RUMPUSER_PANIC);
	}
	return cur;
}

int fiber_wait(struct fiber **q, int64_t deadline, const char *what)
{
	struct fiber *self = fiber_self();

	self->timedout = 0;
	self->waitfor = what;
	if ((self->onq = q) != NULL)
		sched_link(q, self, QUEUE);
	if ((self->deadline = deadline) != FIBER_FOREVER)
		sched_link(&timers, self, TIMER);
	sched_run_next(0);
	return self->timedout;
}

void fiber_wake(struct fiber **q, int all)
{
	fiber_self();
	while (*q != NULL) {
		sched_ready(*q);
		if (!all)
			break;
	}
}

/* From now (or from 0 if absolute); far-off deadlines saturate. */
int64_t fiber_deadline(int absolute, int64_t sec, int64_t nsec)
{
	int64_t base = absolute ? 0 : sched_now();

	if (sec < 0 || (sec == 0 && nsec <= 0))
		return base;
	if (sec > INT32_MAX || nsec > INT32_MAX * NSEC)
		return FIBER_FOREVER - 1;
	return base + sec * NSEC + nsec;
}

static void fiber_entry(void)
{
	fiber_ctx_started();
	cur->fn(cur->arg);
	rumpuser_thread_exit();
}

/* The new fiber runs when the creator waits; cpuidx, priority: no use. */
int rumpuser_thread_create(void *(*fn)(void *), void *arg, const char *name,
			   int mustjoin, int priority, int cpuidx,
			   void **cookiep)
{
	struct fiber *f;

	(void)priority;
	(void)cpuidx;
	fiber_self(); /* checks the host thread */
	f = calloc(1, sizeof(*f));
	if (f == NULL || (f->ctx = fiber_ctx_make(fiber_entry)) == NULL) {
		free(f);
		return RUMP_ENOMEM;
	}
	f->fn = fn;
	f->arg = arg;
	f->deadline = FIBER_FOREVER;
	strncpy(f->name, name != NULL ? name : "?", sizeof(f->name) - 1);
	if ((f->mustjoin = mustjoin) != 0)
		*cookiep = f;
	sched_link(&all, f, ALL);
	sched_ready(f);
	return 0;
}

void rumpuser_thread_exit(void)
{
	struct fiber *self = fiber_self();

	self->dead = 1;
	fiber_wake(&self->joinq, 1);
	if (!self->mustjoin && self != &mainfiber)
		sched_link(&reapq, self, QUEUE);
	sched_run_next(1);
	__builtin_unreachable();
}

int rumpuser_thread_join(void *cookie)
{
	struct fiber *f = cookie;

	if (f == fiber_self())
		return RUMP_EDEADLK;
	rumpuser__block_begin();
	while (!f->dead)
		fiber_wait(&f->joinq, FIBER_FOREVER, "join");
	rumpuser__block_end();
	sched_destroy(f);
	return 0;
}

void rumpuser_curlwpop(int op, struct lwp *l)
{
	if (op == RUMPUSER_LWP_SET || op == RUMPUSER_LWP_CLEAR)
		fiber_self()->lwp = op == RUMPUSER_LWP_SET ? l : NULL;
}

struct lwp *rumpuser_curlwp(void)
{
	return fiber_self()->lwp;
}

/* Arguments are checked as on the pthread host; it is never interrupted. */
int rumpuser_clock_sleep(int clock, int64_t sec, long nsec)
{
	int64_t deadline;

	if ((clock != RUMPUSER_CLOCK_RELWALL &&
	     clock != RUMPUSER_CLOCK_ABSMONO) ||
	    nsec < 0 || nsec >= NSEC)
		return RUMP_EINVAL;
	deadline = fiber_deadline(clock == RUMPUSER_CLOCK_ABSMONO, sec, nsec);
	RUMPUSER_BLOCKING(fiber_wait(NULL, deadline, "sleep"));
	return 0;
}
