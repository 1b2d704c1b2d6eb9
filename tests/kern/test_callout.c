/*
 * test_callout.c -- timers: callouts fire in deadline order, equal
 * deadlines in scheduling order, never before their deadline; a stopped
 * or halted pending callout never fires; callout_halt waits for a running
 * handler; a handler may reschedule its own callout.
 */
#include <sys/callout.h>

#include "testkern.h"

#define MS NSEC_PER_MSEC

static struct {
	kmutex_t m;
	kcondvar_t cv;
	struct callout *c;
	int *log;
	int n, nfired;
} ord;

static void order_handler(void *arg)
{
	struct callout *c = arg;

	TCHECK(getnsmono() >= c->c_when);
	TCHECK(!callout_pending(c));
	mutex_enter(&ord.m);
	if (TCHECK(ord.nfired < ord.n))
		ord.log[ord.nfired++] = (int)(c - ord.c);
	cv_broadcast(&ord.cv);
	mutex_exit(&ord.m);
}

/* Sort idx[0..n) by key(a) < key(b), stable (insertion sort). */
static void sort_indices(int *idx, int n, const uint64_t *k1,
			 const uint64_t *k2)
{
	for (int i = 1; i < n; i++) {
		int v = idx[i], j = i;
		while (j > 0 &&
		       (k1[idx[j - 1]] > k1[v] ||
			(k1[idx[j - 1]] == k1[v] && k2[idx[j - 1]] > k2[v]))) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = v;
	}
}

int rump_test_callout_order(int n, uint32_t seed)
{
	int start = test_failures;
	size_t csize = sizeof(struct callout) * (size_t)n;
	size_t isize = sizeof(int) * (size_t)n;
	size_t usize = sizeof(uint64_t) * (size_t)n;
	uint64_t *rel, *when, *seq, t0, base;
	int *expect;
	uint32_t state = seed;

	rump_schedule();
	ord.c = kmem_zalloc(csize, &M_TEST);
	ord.log = kmem_zalloc(isize, &M_TEST);
	expect = kmem_zalloc(isize, &M_TEST);
	rel = kmem_zalloc(usize, &M_TEST);
	when = kmem_zalloc(usize, &M_TEST);
	seq = kmem_zalloc(usize, &M_TEST);
	if (ord.c == NULL || ord.log == NULL || expect == NULL || rel == NULL ||
	    when == NULL || seq == NULL) {
		TCHECK(!"out of memory");
		goto out;
	}
	mutex_init(&ord.m, MUTEX_DEFAULT);
	cv_init(&ord.cv, "order");
	ord.n = n;
	ord.nfired = 0;
	for (int i = 0; i < n; i++) {
		callout_init(&ord.c[i]);
		callout_setfunc(&ord.c[i], order_handler, &ord.c[i]);
	}
	/*
	 * A callout can only fire in order among those already scheduled, so
	 * every deadline must lie beyond the time it takes to schedule them
	 * all (long under sanitizers on a busy machine): measure that with a
	 * dry run far in the future, and start the deadlines ten times later.
	 */
	t0 = getnsmono();
	for (int i = 0; i < n; i++)
		TCHECK(callout_schedule_at_ns(&ord.c[i],
					      t0 + 3600 * NSEC_PER_SEC) == 0);
	for (int i = 0; i < n; i++)
		callout_stop(&ord.c[i]);
	base = MAX(5 * MS, 10 * (getnsmono() - t0));
	/* Delays of base..base+n/3 ms, shuffled, so several are equal. */
	for (int i = 0; i < n; i++)
		rel[i] = base + (trand(&state) % (uint32_t)(n / 3 + 1)) * MS;
	/* Absolute deadlines, so that equal delays are truly equal deadlines
	 * and the tie-break (scheduling order) is what decides. */
	t0 = getnsmono();
	for (int i = 0; i < n; i++) {
		TCHECK(callout_schedule_at_ns(&ord.c[i], t0 + rel[i]) == 0);
		when[i] = ord.c[i].c_when;
		seq[i] = ord.c[i].c_seq;
	}
	mutex_enter(&ord.m);
	TCHECK(TWAIT(&ord.cv, &ord.m, ord.nfired == n));
	mutex_exit(&ord.m);

	/* The contract: (absolute deadline, scheduling order). */
	for (int i = 0; i < n; i++)
		expect[i] = i;
	sort_indices(expect, n, when, seq);
	for (int i = 0; i < ord.nfired; i++)
		if (!TCHECK(ord.log[i] == expect[i]))
			break;
	/* The tie-break was exercised: some deadlines were equal. */
	{
		int ties = 0;
		for (int i = 1; i < n; i++)
			ties += when[expect[i]] == when[expect[i - 1]];
		TCHECK(n < 6 || ties > 0);
	}
	for (int i = 0; i < n; i++) {
		TCHECK(ord.c[i].c_flags & CALLOUT_FIRED);
		callout_halt(&ord.c[i]);
		callout_destroy(&ord.c[i]);
	}
	cv_destroy(&ord.cv);
	mutex_destroy(&ord.m);
out:
	if (ord.c != NULL)
		kmem_free(ord.c, csize, &M_TEST);
	if (ord.log != NULL)
		kmem_free(ord.log, isize, &M_TEST);
	if (expect != NULL)
		kmem_free(expect, isize, &M_TEST);
	if (rel != NULL)
		kmem_free(rel, usize, &M_TEST);
	if (when != NULL)
		kmem_free(when, usize, &M_TEST);
	if (seq != NULL)
		kmem_free(seq, usize, &M_TEST);
	ord.c = NULL;
	ord.log = NULL;
	rump_unschedule();
	return TRESULT(start);
}

/* Counting handlers for stop and halt. */
static struct {
	kmutex_t m;
	kcondvar_t cv;
	int fired[3];
} cst;

static void count_handler(void *arg)
{
	mutex_enter(&cst.m);
	cst.fired[(uintptr_t)arg]++;
	cv_broadcast(&cst.cv);
	mutex_exit(&cst.m);
}

int rump_test_callout_stop(void)
{
	int start = test_failures;
	struct callout c[3];

	rump_schedule();
	mutex_init(&cst.m, MUTEX_DEFAULT);
	cv_init(&cst.cv, "stop");
	memset(cst.fired, 0, sizeof(cst.fired));
	for (uintptr_t i = 0; i < 3; i++) {
		callout_init(&c[i]);
		callout_setfunc(&c[i], count_handler, (void *)i);
	}
	TCHECK(!callout_pending(&c[0]));
	TCHECK(!callout_stop(&c[0]));
	/* c[0] stopped and c[2] halted while pending; c[1] fires last. */
	TCHECK(callout_schedule_ns(&c[0], 20 * MS) == 0);
	TCHECK(callout_schedule_ns(&c[2], 30 * MS) == 0);
	TCHECK(callout_schedule_ns(&c[1], 60 * MS) == 0);
	TCHECK(callout_pending(&c[0]));
	TCHECK(callout_stop(&c[0]));
	TCHECK(!callout_pending(&c[0]));
	TCHECK(!callout_stop(&c[0]));
	TCHECK(callout_halt(&c[2]));
	TCHECK(!callout_pending(&c[2]));
	mutex_enter(&cst.m);
	TCHECK(TWAIT(&cst.cv, &cst.m, cst.fired[1] == 1));
	TCHECK(cst.fired[0] == 0);
	TCHECK(cst.fired[2] == 0);
	mutex_exit(&cst.m);
	TCHECK(!(c[0].c_flags & CALLOUT_FIRED));
	TCHECK(c[1].c_flags & CALLOUT_FIRED);
	/* A callout that fired is no longer pending: stop says so. */
	TCHECK(!callout_stop(&c[1]));
	/* A stopped callout can be scheduled again. */
	TCHECK(callout_schedule_ns(&c[0], 1 * MS) == 0);
	mutex_enter(&cst.m);
	TCHECK(TWAIT(&cst.cv, &cst.m, cst.fired[0] == 1));
	mutex_exit(&cst.m);
	for (int i = 0; i < 3; i++) {
		callout_halt(&c[i]);
		callout_destroy(&c[i]);
	}
	mutex_enter(&cst.m);
	TCHECK(cst.fired[0] == 1 && cst.fired[1] == 1 && cst.fired[2] == 0);
	mutex_exit(&cst.m);
	cv_destroy(&cst.cv);
	mutex_destroy(&cst.m);
	rump_unschedule();
	return TRESULT(start);
}

/* callout_halt on a running handler returns only after it finished. */
static struct {
	kmutex_t m;
	kcondvar_t cv;
	int started, finished;
} chl;

static void slow_handler(void *arg)
{
	mutex_enter(&chl.m);
	chl.started = 1;
	cv_broadcast(&chl.cv);
	mutex_exit(&chl.m);
	kpause_ns(30 * MS);
	mutex_enter(&chl.m);
	chl.finished = 1;
	mutex_exit(&chl.m);
}

int rump_test_callout_halt(void)
{
	int start = test_failures;
	struct callout c;

	rump_schedule();
	mutex_init(&chl.m, MUTEX_DEFAULT);
	cv_init(&chl.cv, "halt");
	chl.started = chl.finished = 0;
	callout_init(&c);
	TCHECK(callout_reset_ns(&c, 0, slow_handler, NULL) == 0);
	mutex_enter(&chl.m);
	TCHECK(TWAIT(&chl.cv, &chl.m, chl.started == 1));
	TCHECK(chl.finished == 0);
	mutex_exit(&chl.m);
	/* Running, not pending: halt returns false, after the handler. */
	TCHECK(!callout_halt(&c));
	mutex_enter(&chl.m);
	TCHECK(chl.finished == 1);
	mutex_exit(&chl.m);
	TCHECK(!callout_pending(&c));
	callout_destroy(&c);
	cv_destroy(&chl.cv);
	mutex_destroy(&chl.m);
	rump_unschedule();
	return TRESULT(start);
}

/* A handler that reschedules itself runs exactly `times` times. */
static struct {
	kmutex_t m;
	kcondvar_t cv;
	struct callout c;
	int count, times;
} crs;

static void resched_handler(void *arg)
{
	int n;

	mutex_enter(&crs.m);
	n = ++crs.count;
	cv_broadcast(&crs.cv);
	mutex_exit(&crs.m);
	if (n < crs.times)
		TCHECK(callout_schedule_ns(&crs.c, 1 * MS) == 0);
}

int rump_test_callout_resched(int times)
{
	int start = test_failures;

	rump_schedule();
	mutex_init(&crs.m, MUTEX_DEFAULT);
	cv_init(&crs.cv, "resched");
	crs.count = 0;
	crs.times = times;
	callout_init(&crs.c);
	TCHECK(callout_reset_ns(&crs.c, 1 * MS, resched_handler, NULL) == 0);
	mutex_enter(&crs.m);
	TCHECK(TWAIT(&crs.cv, &crs.m, crs.count >= times));
	mutex_exit(&crs.m);
	/* It stopped rescheduling itself: nothing more fires. */
	kpause_ns(5 * MS);
	mutex_enter(&crs.m);
	TCHECK(crs.count == times);
	mutex_exit(&crs.m);
	TCHECK(!callout_pending(&crs.c));
	TCHECK(!callout_halt(&crs.c));
	callout_destroy(&crs.c);
	cv_destroy(&crs.cv);
	mutex_destroy(&crs.m);
	rump_unschedule();
	return TRESULT(start);
}
