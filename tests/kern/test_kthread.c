/*
 * test_kthread.c -- kernel threads: many joinable threads each do some
 * work as an lwp of process 0 on a virtual CPU and are joined; threads
 * that are not joined free themselves, and are all gone (counted in
 * kthreads_live, which the shutdown leak check reads) once they ended.
 */
#include "testkern.h"

struct kt_work {
	int idx;
	uint64_t result;
	struct lwp *l;
};

static volatile int kt_ran;

static void join_thread(void *arg)
{
	struct kt_work *w = arg;
	struct lwp *l = curlwp;
	uint64_t sum = 0;

	TCHECK(l->l_proc == &proc0);
	TCHECK(l->l_flags & LW_SYSTEM);
	TCHECK(l->l_cpu != NULL);
	for (int i = 0; i <= w->idx * 100; i++) {
		sum += (uint64_t)i;
		if (i % 1000 == 0)
			tyield();
	}
	/* The CPU may be another after sleeping, but there is one. */
	TCHECK(curlwp == l && l->l_cpu != NULL);
	w->result = sum;
	atomic_inc_nv(&kt_ran);
}

int rump_test_kthread_join(int n)
{
	int start = test_failures, spawned;
	size_t size = sizeof(struct kt_work) * (size_t)n;
	struct kt_work *w;

	rump_schedule();
	if ((w = kmem_zalloc(size, &M_TEST)) == NULL) {
		rump_unschedule();
		return ENOMEM;
	}
	kt_ran = 0;
	for (spawned = 0; spawned < n; spawned++) {
		w[spawned].idx = spawned;
		if (!TCHECK(kthread_create(join_thread, &w[spawned],
					   KTHREAD_MUSTJOIN, &w[spawned].l,
					   "worker%d", spawned) == 0))
			break;
	}
	for (int i = 0; i < spawned; i++) {
		uint64_t m = (uint64_t)i * 100;
		tjoin(w[i].l);
		TCHECK(w[i].result == m * (m + 1) / 2);
	}
	TCHECK(kt_ran == n);
	kmem_free(w, size, &M_TEST);
	rump_unschedule();
	return TRESULT(start);
}

static struct {
	kmutex_t m;
	kcondvar_t cv;
	int done;
} kd;

static void detached_thread(void *arg)
{
	TCHECK(curlwp->l_proc == &proc0);
	tyield();
	mutex_enter(&kd.m);
	kd.done++;
	cv_broadcast(&kd.cv);
	mutex_exit(&kd.m);
}

int rump_test_kthread_detached(int n)
{
	int start = test_failures, spawned;
	int64_t before;
	uint64_t end;

	rump_schedule();
	mutex_init(&kd.m, MUTEX_DEFAULT);
	cv_init(&kd.cv, "detached");
	kd.done = 0;
	before = atomic_load_acquire(&kthreads_live);
	for (spawned = 0; spawned < n; spawned++)
		if (!TCHECK(kthread_create(detached_thread, NULL, 0, NULL,
					   "detached%d", spawned) == 0))
			break;
	mutex_enter(&kd.m);
	TCHECK(TWAIT(&kd.cv, &kd.m, kd.done == spawned));
	mutex_exit(&kd.m);
	/* Each frees its lwp after its function returned: wait for that. */
	end = getnsmono() + TEST_WAIT_NS;
	while (atomic_load_acquire(&kthreads_live) > before &&
	       getnsmono() < end)
		kpause_ns(NSEC_PER_MSEC);
	TCHECK(atomic_load_acquire(&kthreads_live) == before);
	cv_destroy(&kd.cv);
	mutex_destroy(&kd.m);
	rump_unschedule();
	return TRESULT(start);
}

int64_t rump_test_kthreads_live(void)
{
	int64_t n;

	rump_schedule();
	n = atomic_load_acquire(&kthreads_live);
	rump_unschedule();
	return n;
}
