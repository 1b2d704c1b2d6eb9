/*
 * test_cv.c -- condition variables: timed waits that nobody signals time
 * out no earlier than asked (a lower bound only: no test may depend on how
 * fast a machine is), signalled waits return 0, a broadcast wakes every
 * waiter, and a thread blocked in cv_wait holds no virtual CPU.
 */
#include "testkern.h"

int rump_test_cv_timeout(uint64_t nsec, uint64_t *elapsedp)
{
	int start = test_failures, error;
	uint64_t t0, t1;
	kmutex_t m;
	kcondvar_t cv;

	rump_schedule();
	mutex_init(&m, MUTEX_DEFAULT);
	cv_init(&cv, "timeout");
	mutex_enter(&m);
	t0 = getnsmono();
	error = cv_timedwait_ns(&cv, &m, nsec);
	t1 = getnsmono();
	TCHECK(mutex_owned(&m));
	mutex_exit(&m);
	cv_destroy(&cv);
	mutex_destroy(&m);
	rump_unschedule();
	TCHECK(error == ETIMEDOUT);
	TCHECK(t1 - t0 >= nsec);
	*elapsedp = t1 - t0;
	return TRESULT(start);
}

/* One waiter, one signaller. */
static struct {
	kmutex_t m;
	kcondvar_t cv;
	int flag;
} cs;

static void signal_thread(void *arg)
{
	mutex_enter(&cs.m);
	/* Holding the mutex means the waiter released it in its wait. */
	TCHECK(cv_has_waiters(&cs.cv));
	cs.flag = 1;
	cv_signal(&cs.cv);
	mutex_exit(&cs.m);
}

int rump_test_cv_signal(void)
{
	int start = test_failures, error = 0;
	struct lwp *l;

	rump_schedule();
	mutex_init(&cs.m, MUTEX_DEFAULT);
	cv_init(&cs.cv, "signal");
	cs.flag = 0;
	mutex_enter(&cs.m);
	TCHECK(!cv_has_waiters(&cs.cv));
	if (tspawn(signal_thread, NULL, &l, "signaller") == 0) {
		/* A spurious wakeup (error 0, no flag) just waits again. */
		while (cs.flag == 0 && error == 0)
			error = cv_timedwait_ns(&cs.cv, &cs.m, TEST_WAIT_NS);
		TCHECK(error == 0);
		TCHECK(cs.flag == 1);
		TCHECK(mutex_owned(&cs.m));
		mutex_exit(&cs.m);
		tjoin(l);
	} else
		mutex_exit(&cs.m);
	cv_destroy(&cs.cv);
	mutex_destroy(&cs.m);
	rump_unschedule();
	return TRESULT(start);
}

/* n waiters, one broadcast; each waiter that was woken counts itself. */
static struct {
	kmutex_t m;
	kcondvar_t arrive, go_cv;
	int arrived, woken;
	bool go;
} cb;

static void broadcast_waiter(void *arg)
{
	int error = 0;

	mutex_enter(&cb.m);
	cb.arrived++;
	cv_broadcast(&cb.arrive);
	while (!cb.go && error == 0)
		error = cv_timedwait_ns(&cb.go_cv, &cb.m, TEST_WAIT_NS);
	if (TCHECK(error == 0) && TCHECK(cb.go))
		cb.woken++;
	mutex_exit(&cb.m);
}

int rump_test_cv_broadcast(int nwaiters)
{
	int start = test_failures, n;
	struct lwp **ls;

	rump_schedule();
	if ((ls = kmem_alloc(sizeof(*ls) * (size_t)nwaiters, &M_TEST)) ==
	    NULL) {
		rump_unschedule();
		return ENOMEM;
	}
	mutex_init(&cb.m, MUTEX_DEFAULT);
	cv_init(&cb.arrive, "arrive");
	cv_init(&cb.go_cv, "go");
	cb.arrived = cb.woken = 0;
	cb.go = false;
	for (n = 0; n < nwaiters; n++)
		if (!TCHECK(tspawn(broadcast_waiter, NULL, &ls[n], "waiter") ==
			    0))
			break;
	mutex_enter(&cb.m);
	/* Each waiter counted itself with the mutex held, then waited. */
	TCHECK(TWAIT(&cb.arrive, &cb.m, cb.arrived == n));
	TCHECK(n == 0 || cv_has_waiters(&cb.go_cv));
	cb.go = true;
	cv_broadcast(&cb.go_cv);
	mutex_exit(&cb.m);
	for (int i = 0; i < n; i++)
		tjoin(ls[i]);
	TCHECK(cb.woken == nwaiters);
	TCHECK(!cv_has_waiters(&cb.go_cv));
	cv_destroy(&cb.go_cv);
	cv_destroy(&cb.arrive);
	mutex_destroy(&cb.m);
	kmem_free(ls, sizeof(*ls) * (size_t)nwaiters, &M_TEST);
	rump_unschedule();
	return TRESULT(start);
}

/*
 * A blocked waiter and its waker.  With one virtual CPU, the waker can
 * only enter the kernel if the waiter gave the CPU up when it blocked;
 * the waiter uses a plain cv_wait, so a CPU kept while blocking deadlocks
 * (the host test's watchdog turns that into a failure).
 */
static struct {
	kmutex_t m;
	kcondvar_t cv;
	int waiting, woken;
} blk;

int rump_test_block_setup(void)
{
	rump_schedule();
	mutex_init(&blk.m, MUTEX_DEFAULT);
	cv_init(&blk.cv, "block");
	blk.waiting = blk.woken = 0;
	rump_unschedule();
	return 0;
}

int rump_test_block_teardown(void)
{
	int start = test_failures;

	rump_schedule();
	TCHECK(blk.waiting == 1 && blk.woken == 1);
	cv_destroy(&blk.cv);
	mutex_destroy(&blk.m);
	rump_unschedule();
	return TRESULT(start);
}

static void block_wait_body(void)
{
	mutex_enter(&blk.m);
	blk.waiting = 1;
	cv_broadcast(&blk.cv);
	while (!blk.woken)
		cv_wait(&blk.cv, &blk.m);
	TCHECK(mutex_owned(&blk.m));
	mutex_exit(&blk.m);
}

static void block_wake_body(void)
{
	mutex_enter(&blk.m);
	TCHECK(TWAIT(&blk.cv, &blk.m, blk.waiting == 1));
	blk.woken = 1;
	cv_broadcast(&blk.cv);
	mutex_exit(&blk.m);
}

int rump_test_block_wait(void)
{
	int start = test_failures;

	rump_schedule();
	block_wait_body();
	rump_unschedule();
	return TRESULT(start);
}

int rump_test_block_wake(void)
{
	int start = test_failures;

	rump_schedule();
	block_wake_body();
	rump_unschedule();
	return TRESULT(start);
}

static void block_waker_thread(void *arg)
{
	block_wake_body();
}

int rump_test_block_kthread(void)
{
	int start = test_failures, error, error2;
	struct lwp *l;

	if ((error = rump_test_block_setup()) != 0)
		return error;
	rump_schedule();
	error = tspawn(block_waker_thread, NULL, &l, "waker");
	if (error == 0) {
		/* The waker needs this thread's CPU to run at all. */
		block_wait_body();
		tjoin(l);
	} else
		blk.waiting = blk.woken = 1; /* nothing to check, only free */
	rump_unschedule();
	error2 = rump_test_block_teardown();
	if (error != 0)
		return error;
	if (error2 != 0)
		return error2;
	return TRESULT(start);
}
