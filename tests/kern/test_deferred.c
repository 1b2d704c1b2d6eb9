/*
 * test_deferred.c -- soft interrupts and workqueues.  A softint scheduled
 * many times before it runs runs once (checked exactly by holding its
 * level's thread in another handler meanwhile), a disestablished one never
 * runs again and disestablish waits for a running handler; a workqueue
 * runs items in the order queued, and drain returns only after all ran.
 */
#include <sys/softint.h>

#include "testkern.h"

#define LEVEL SOFTINT_NET

static struct {
	kmutex_t m;
	kcondvar_t cv;
	bool blocker_running, release;
	int target_runs, marker_runs;
	bool slow_started, slow_finished;
} sf;

/* Holds the level's thread until released. */
static void blocker_handler(void *arg)
{
	mutex_enter(&sf.m);
	sf.blocker_running = true;
	cv_broadcast(&sf.cv);
	TCHECK(TWAIT(&sf.cv, &sf.m, sf.release));
	sf.blocker_running = false;
	mutex_exit(&sf.m);
}

static void target_handler(void *arg)
{
	mutex_enter(&sf.m);
	sf.target_runs++;
	mutex_exit(&sf.m);
}

/* Handlers of a level run in order: once it ran, all before it did. */
static void marker_handler(void *arg)
{
	mutex_enter(&sf.m);
	sf.marker_runs++;
	cv_broadcast(&sf.cv);
	mutex_exit(&sf.m);
}

static void slow_handler(void *arg)
{
	mutex_enter(&sf.m);
	sf.slow_started = true;
	cv_broadcast(&sf.cv);
	mutex_exit(&sf.m);
	kpause_ns(30 * NSEC_PER_MSEC);
	mutex_enter(&sf.m);
	sf.slow_finished = true;
	mutex_exit(&sf.m);
}

static void sf_init(void)
{
	mutex_init(&sf.m, MUTEX_DEFAULT);
	cv_init(&sf.cv, "softtest");
	sf.blocker_running = sf.release = false;
	sf.target_runs = sf.marker_runs = 0;
	sf.slow_started = sf.slow_finished = false;
}

static void sf_fini(void)
{
	cv_destroy(&sf.cv);
	mutex_destroy(&sf.m);
}

/* Hold the level's thread in the blocker; false if it never ran. */
static bool hold_level(void *blocker)
{
	bool ok;

	mutex_enter(&sf.m);
	sf.release = false;
	softint_schedule(blocker);
	ok = TCHECK(TWAIT(&sf.cv, &sf.m, sf.blocker_running));
	mutex_exit(&sf.m);
	return ok;
}

static void release_level(void)
{
	mutex_enter(&sf.m);
	sf.release = true;
	cv_broadcast(&sf.cv);
	mutex_exit(&sf.m);
}

/* Schedule the marker and wait until it ran the nth time. */
static bool sync_level(void *marker, int nth)
{
	bool ok;

	softint_schedule(marker);
	mutex_enter(&sf.m);
	ok = TCHECK(TWAIT(&sf.cv, &sf.m, sf.marker_runs >= nth));
	mutex_exit(&sf.m);
	return ok;
}

int rump_test_softint_coalesce(int n)
{
	int start = test_failures, runs;
	void *blocker, *target, *marker;

	rump_schedule();
	sf_init();
	blocker = softint_establish(LEVEL, blocker_handler, NULL);
	target = softint_establish(LEVEL, target_handler, NULL);
	marker = softint_establish(LEVEL, marker_handler, NULL);
	if (!TCHECK(blocker != NULL && target != NULL && marker != NULL))
		goto out;

	/* Scheduled n times while it cannot run: runs exactly once. */
	if (hold_level(blocker)) {
		for (int i = 0; i < n; i++)
			softint_schedule(target);
		release_level();
		sync_level(marker, 1);
		mutex_enter(&sf.m);
		TCHECK(sf.target_runs == 1);
		mutex_exit(&sf.m);
	}

	/* Free to run meanwhile: at least once, at most n times. */
	mutex_enter(&sf.m);
	sf.target_runs = 0;
	mutex_exit(&sf.m);
	for (int i = 0; i < n; i++) {
		softint_schedule(target);
		if (i % 8 == 0)
			tyield();
	}
	sync_level(marker, 2);
	mutex_enter(&sf.m);
	runs = sf.target_runs;
	mutex_exit(&sf.m);
	TCHECK(runs >= 1);
	TCHECK(runs <= n);
out:
	if (blocker != NULL)
		softint_disestablish(blocker);
	if (target != NULL)
		softint_disestablish(target);
	if (marker != NULL)
		softint_disestablish(marker);
	sf_fini();
	rump_unschedule();
	return TRESULT(start);
}

int rump_test_softint_disestablish(void)
{
	int start = test_failures;
	void *blocker, *target, *marker, *slow = NULL;

	rump_schedule();
	sf_init();
	blocker = softint_establish(LEVEL, blocker_handler, NULL);
	target = softint_establish(LEVEL, target_handler, NULL);
	marker = softint_establish(LEVEL, marker_handler, NULL);
	if (!TCHECK(blocker != NULL && target != NULL && marker != NULL))
		goto out;

	/* Pending when disestablished: never runs. */
	if (hold_level(blocker)) {
		softint_schedule(target);
		softint_disestablish(target);
		target = NULL;
		release_level();
		sync_level(marker, 1);
		mutex_enter(&sf.m);
		TCHECK(sf.target_runs == 0);
		mutex_exit(&sf.m);
	}

	/* Running when disestablished: disestablish waits for it. */
	slow = softint_establish(LEVEL, slow_handler, NULL);
	if (!TCHECK(slow != NULL))
		goto out;
	softint_schedule(slow);
	mutex_enter(&sf.m);
	TCHECK(TWAIT(&sf.cv, &sf.m, sf.slow_started));
	mutex_exit(&sf.m);
	softint_disestablish(slow);
	slow = NULL;
	mutex_enter(&sf.m);
	TCHECK(sf.slow_finished);
	mutex_exit(&sf.m);
out:
	if (blocker != NULL)
		softint_disestablish(blocker);
	if (target != NULL)
		softint_disestablish(target);
	if (marker != NULL)
		softint_disestablish(marker);
	if (slow != NULL)
		softint_disestablish(slow);
	sf_fini();
	rump_unschedule();
	return TRESULT(start);
}

/* Workqueue items log their index; some sleep so that drain must wait. */
struct titem {
	struct work wk;
	int idx;
};

static struct {
	kmutex_t m;
	int *log;
	int nrun, cap;
} wqt;

static void work_handler(struct work *wk, void *arg)
{
	struct titem *it = container_of(wk, struct titem, wk);

	TCHECK(arg == &wqt);
	if (it->idx % 16 == 0)
		kpause_ns(100000);
	mutex_enter(&wqt.m);
	if (TCHECK(wqt.nrun < wqt.cap))
		wqt.log[wqt.nrun++] = it->idx;
	mutex_exit(&wqt.m);
}

int rump_test_workqueue(int nitems)
{
	int start = test_failures, error;
	struct workqueue *wq;
	struct titem *items;
	size_t isize = sizeof(*items) * (size_t)nitems;
	size_t lsize = sizeof(int) * (size_t)nitems * 2;

	rump_schedule();
	items = kmem_zalloc(isize, &M_TEST);
	wqt.log = kmem_zalloc(lsize, &M_TEST);
	if (items == NULL || wqt.log == NULL) {
		error = ENOMEM;
		goto out;
	}
	mutex_init(&wqt.m, MUTEX_DEFAULT);
	wqt.nrun = 0;
	wqt.cap = nitems * 2;
	error = workqueue_create(&wq, "testwq", work_handler, &wqt);
	if (error != 0) {
		mutex_destroy(&wqt.m);
		goto out;
	}
	/* Nothing queued: drain returns at once. */
	workqueue_drain(wq);
	/* Twice: an item that ran may be queued again. */
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < nitems; i++) {
			items[i].idx = round * nitems + i;
			workqueue_enqueue(wq, &items[i].wk);
		}
		workqueue_drain(wq);
		mutex_enter(&wqt.m);
		TCHECK(wqt.nrun == (round + 1) * nitems);
		for (int i = 0; i < wqt.nrun; i++)
			if (!TCHECK(wqt.log[i] == i))
				break;
		mutex_exit(&wqt.m);
	}
	workqueue_destroy(wq);
	mutex_destroy(&wqt.m);
out:
	if (items != NULL)
		kmem_free(items, isize, &M_TEST);
	if (wqt.log != NULL)
		kmem_free(wqt.log, lsize, &M_TEST);
	wqt.log = NULL;
	rump_unschedule();
	return error != 0 ? error : TRESULT(start);
}
