/*
 * test_locks.c -- kernel mutexes and reader/writer locks under test, from
 * kernel threads (every host) and from many host threads at once (the
 * shared_* workers, pthread host).  Critical sections count who is inside
 * with atomics, so mutual exclusion is checked directly and not only
 * through a final sum; they also sleep now and then while holding a lock,
 * so that on the cooperative host other threads really contend.
 */
#include "testkern.h"

/* One increment of *counter under m, checking that m excludes others. */
static void mutex_section(kmutex_t *m, uint64_t *counter, volatile int *inside,
			  bool sleep)
{
	uint64_t v;

	mutex_enter(m);
	TCHECK(mutex_owned(m));
	TCHECK(atomic_inc_nv(inside) == 1);
	v = *counter;
	if (sleep)
		tyield();
	*counter = v + 1;
	atomic_dec_nv(inside);
	mutex_exit(m);
}

/* Spawn n joinable threads running fn(arg) into ls[]; how many started. */
static int spawn_n(int n, void (*fn)(void *), void *arg, struct lwp **ls,
		   const char *name)
{
	for (int i = 0; i < n; i++)
		if (!TCHECK(tspawn(fn, arg, &ls[i], name) == 0))
			return i;
	return n;
}

static void join_n(int n, struct lwp **ls)
{
	for (int i = 0; i < n; i++)
		tjoin(ls[i]);
}

/* mutex_owned() is true exactly for the holder. */
static struct {
	kmutex_t m;
	struct tsteps st;
} mo;

static void owned_thread(void *arg)
{
	TCHECK(!mutex_owned(&mo.m));
	TCHECK(!mutex_tryenter(&mo.m));
	step_set(&mo.st, 1);
	step_wait(&mo.st, 2);
	if (TCHECK(mutex_tryenter(&mo.m))) {
		TCHECK(mutex_owned(&mo.m));
		step_set(&mo.st, 3);
		step_wait(&mo.st, 4);
		mutex_exit(&mo.m);
		TCHECK(!mutex_owned(&mo.m));
	}
	step_set(&mo.st, 5);
}

int rump_test_mutex_owned(void)
{
	int start = test_failures;
	kmutex_t spin;
	struct lwp *l;

	rump_schedule();
	mutex_init(&mo.m, MUTEX_DEFAULT);
	steps_init(&mo.st);
	TCHECK(!mutex_owned(&mo.m));
	mutex_enter(&mo.m);
	TCHECK(mutex_owned(&mo.m));
	if (tspawn(owned_thread, NULL, &l, "owned") != 0) {
		mutex_exit(&mo.m);
		goto out;
	}
	step_wait(&mo.st, 1);
	mutex_exit(&mo.m);
	TCHECK(!mutex_owned(&mo.m));
	step_set(&mo.st, 2);
	if (step_wait(&mo.st, 3)) {
		/* Held by the other thread now. */
		TCHECK(!mutex_owned(&mo.m));
		TCHECK(!mutex_tryenter(&mo.m));
	}
	step_set(&mo.st, 4);
	step_wait(&mo.st, 5);
	tjoin(l);
	if (TCHECK(mutex_tryenter(&mo.m))) {
		TCHECK(mutex_owned(&mo.m));
		mutex_exit(&mo.m);
	}

	mutex_init(&spin, MUTEX_SPIN);
	TCHECK(!mutex_owned(&spin));
	mutex_enter(&spin);
	TCHECK(mutex_owned(&spin));
	mutex_exit(&spin);
	TCHECK(!mutex_owned(&spin));
	mutex_destroy(&spin);
out:
	steps_fini(&mo.st);
	mutex_destroy(&mo.m);
	rump_unschedule();
	return TRESULT(start);
}

/* Many kernel threads incrementing one counter under one mutex. */
static struct {
	kmutex_t m;
	uint64_t counter;
	volatile int inside;
	int iters;
	bool spin;
} mk;

static void mk_thread(void *arg)
{
	for (int i = 0; i < mk.iters; i++) {
		/* A spin mutex holder must not sleep; yield outside it. */
		mutex_section(&mk.m, &mk.counter, &mk.inside,
			      !mk.spin && i % 8 == 0);
		if (mk.spin && i % 32 == 0)
			tyield();
	}
}

int rump_test_mutex_kthreads(int nthreads, int iters, int spin)
{
	int start = test_failures, n;
	struct lwp **ls;

	rump_schedule();
	ls = kmem_alloc(sizeof(*ls) * (size_t)nthreads, &M_TEST);
	if (ls == NULL) {
		rump_unschedule();
		return ENOMEM;
	}
	mutex_init(&mk.m, spin ? MUTEX_SPIN : MUTEX_DEFAULT);
	mk.counter = 0;
	mk.inside = 0;
	mk.iters = iters;
	mk.spin = spin != 0;
	n = spawn_n(nthreads, mk_thread, NULL, ls, "mutexer");
	join_n(n, ls);
	TCHECK(mk.counter == (uint64_t)n * (uint64_t)iters);
	TCHECK(!mutex_owned(&mk.m));
	mutex_destroy(&mk.m);
	kmem_free(ls, sizeof(*ls) * (size_t)nthreads, &M_TEST);
	rump_unschedule();
	return TRESULT(start);
}

/* Readers share: all of them hold the read lock at the same time. */
static struct {
	krwlock_t rw;
	kmutex_t m;
	kcondvar_t cv;
	int inside;
	bool release;
} rr;

static void reader_thread(void *arg)
{
	rw_enter(&rr.rw, RW_READER);
	TCHECK(rw_read_held(&rr.rw));
	TCHECK(!rw_write_held(&rr.rw));
	mutex_enter(&rr.m);
	rr.inside++;
	cv_broadcast(&rr.cv);
	TCHECK(TWAIT(&rr.cv, &rr.m, rr.release));
	rr.inside--;
	mutex_exit(&rr.m);
	rw_exit(&rr.rw);
}

int rump_test_rw_readers(int nreaders)
{
	int start = test_failures, n;
	struct lwp **ls;

	rump_schedule();
	ls = kmem_alloc(sizeof(*ls) * (size_t)nreaders, &M_TEST);
	if (ls == NULL) {
		rump_unschedule();
		return ENOMEM;
	}
	rw_init(&rr.rw);
	mutex_init(&rr.m, MUTEX_DEFAULT);
	cv_init(&rr.cv, "readers");
	rr.inside = 0;
	rr.release = false;
	n = spawn_n(nreaders, reader_thread, NULL, ls, "reader");
	mutex_enter(&rr.m);
	if (n == nreaders && TCHECK(TWAIT(&rr.cv, &rr.m, rr.inside == n))) {
		/* Every reader is inside: a writer must not get in. */
		TCHECK(!rw_tryenter(&rr.rw, RW_WRITER));
		TCHECK(rw_read_held(&rr.rw));
	}
	rr.release = true;
	cv_broadcast(&rr.cv);
	mutex_exit(&rr.m);
	join_n(n, ls);
	TCHECK(rr.inside == 0);
	TCHECK(!rw_read_held(&rr.rw));
	if (TCHECK(rw_tryenter(&rr.rw, RW_WRITER)))
		rw_exit(&rr.rw);
	cv_destroy(&rr.cv);
	mutex_destroy(&rr.m);
	rw_destroy(&rr.rw);
	kmem_free(ls, sizeof(*ls) * (size_t)nreaders, &M_TEST);
	rump_unschedule();
	return TRESULT(start);
}

/* Readers and writers mixed: a writer is alone, readers see no writer. */
static struct {
	krwlock_t rw;
	volatile int readers, writers;
	uint64_t value; /* changed by writers only */
	int iters;
} rk;

static void rw_write_once(krwlock_t *rw, volatile int *readers,
			  volatile int *writers, uint64_t *value, bool sleep)
{
	uint64_t v;

	rw_enter(rw, RW_WRITER);
	TCHECK(rw_write_held(rw));
	TCHECK(atomic_inc_nv(writers) == 1);
	TCHECK(atomic_load_acquire(readers) == 0);
	v = *value;
	if (sleep)
		tyield();
	*value = v + 1;
	atomic_dec_nv(writers);
	rw_exit(rw);
}

static void rw_read_once(krwlock_t *rw, volatile int *readers,
			 volatile int *writers, uint64_t *value, bool sleep)
{
	uint64_t v;

	rw_enter(rw, RW_READER);
	atomic_inc_nv(readers);
	TCHECK(atomic_load_acquire(writers) == 0);
	TCHECK(!rw_write_held(rw));
	v = *value;
	if (sleep)
		tyield();
	TCHECK(*value == v);
	atomic_dec_nv(readers);
	rw_exit(rw);
}

static void rk_writer(void *arg)
{
	for (int i = 0; i < rk.iters; i++) {
		rw_write_once(&rk.rw, &rk.readers, &rk.writers, &rk.value,
			      i % 4 == 0);
		if (i % 2 == 0)
			tyield();
	}
}

static void rk_reader(void *arg)
{
	for (int i = 0; i < rk.iters; i++)
		rw_read_once(&rk.rw, &rk.readers, &rk.writers, &rk.value,
			     i % 4 == 0);
}

int rump_test_rw_kthreads(int nreaders, int nwriters, int iters)
{
	int start = test_failures, nr, nw;
	struct lwp **ls;
	size_t size = sizeof(*ls) * (size_t)(nreaders + nwriters);

	rump_schedule();
	if ((ls = kmem_alloc(size, &M_TEST)) == NULL) {
		rump_unschedule();
		return ENOMEM;
	}
	rw_init(&rk.rw);
	rk.readers = rk.writers = 0;
	rk.value = 0;
	rk.iters = iters;
	nw = spawn_n(nwriters, rk_writer, NULL, ls, "writer");
	nr = spawn_n(nreaders, rk_reader, NULL, ls + nw, "reader");
	join_n(nw + nr, ls);
	TCHECK(rk.value == (uint64_t)nw * (uint64_t)iters);
	TCHECK(rk.readers == 0 && rk.writers == 0);
	rw_destroy(&rk.rw);
	kmem_free(ls, size, &M_TEST);
	rump_unschedule();
	return TRESULT(start);
}

/* tryupgrade succeeds only for the sole reader; downgrade lets readers in. */
static struct {
	krwlock_t rw;
	struct tsteps st;
} ru;

static void upgrade_thread(void *arg)
{
	/* The main thread holds a (downgraded) read lock. */
	if (TCHECK(rw_tryenter(&ru.rw, RW_READER))) {
		TCHECK(!rw_tryenter(&ru.rw, RW_WRITER));
		step_set(&ru.st, 1);
		step_wait(&ru.st, 2);
		rw_exit(&ru.rw);
	} else {
		step_set(&ru.st, 1);
		step_wait(&ru.st, 2);
	}
	step_set(&ru.st, 3);
	step_wait(&ru.st, 4);
	/* The main thread upgraded: it writes now. */
	TCHECK(!rw_tryenter(&ru.rw, RW_READER));
	TCHECK(!rw_tryenter(&ru.rw, RW_WRITER));
	TCHECK(!rw_write_held(&ru.rw));
	step_set(&ru.st, 5);
	step_wait(&ru.st, 6);
	if (TCHECK(rw_tryenter(&ru.rw, RW_WRITER))) {
		TCHECK(rw_write_held(&ru.rw));
		rw_exit(&ru.rw);
	}
	step_set(&ru.st, 7);
}

int rump_test_rw_upgrade(void)
{
	int start = test_failures;
	bool writing;
	struct lwp *l;

	rump_schedule();
	rw_init(&ru.rw);
	steps_init(&ru.st);
	rw_enter(&ru.rw, RW_READER);
	TCHECK(rw_read_held(&ru.rw));
	TCHECK(!rw_write_held(&ru.rw));
	writing = TCHECK(rw_tryupgrade(&ru.rw));
	if (writing) {
		TCHECK(rw_write_held(&ru.rw));
		rw_downgrade(&ru.rw);
		TCHECK(!rw_write_held(&ru.rw));
		TCHECK(rw_read_held(&ru.rw));
	}
	if (!writing || tspawn(upgrade_thread, NULL, &l, "upgrader") != 0) {
		rw_exit(&ru.rw);
		goto out;
	}
	step_wait(&ru.st, 1);
	/* Two readers: no upgrade, and the read lock stays held. */
	TCHECK(!rw_tryupgrade(&ru.rw));
	TCHECK(!rw_write_held(&ru.rw));
	TCHECK(rw_read_held(&ru.rw));
	step_set(&ru.st, 2);
	step_wait(&ru.st, 3);
	writing = TCHECK(rw_tryupgrade(&ru.rw));
	TCHECK(rw_write_held(&ru.rw) == writing);
	step_set(&ru.st, 4);
	step_wait(&ru.st, 5);
	rw_exit(&ru.rw);
	TCHECK(!rw_write_held(&ru.rw));
	step_set(&ru.st, 6);
	step_wait(&ru.st, 7);
	tjoin(l);
out:
	steps_fini(&ru.st);
	rw_destroy(&ru.rw);
	rump_unschedule();
	return TRESULT(start);
}

/*
 * The same sections entered from many host threads at once.  Each worker
 * takes and gives back a CPU every batch of iterations, so threads also
 * contend for virtual CPUs.
 */
#define SHARED_BATCH 64
static struct {
	kmutex_t m;
	krwlock_t rw;
	uint64_t counter, value;
	volatile int inside, readers, writers;
} sh;

int rump_test_shared_init(void)
{
	rump_schedule();
	mutex_init(&sh.m, MUTEX_DEFAULT);
	rw_init(&sh.rw);
	sh.counter = sh.value = 0;
	sh.inside = sh.readers = sh.writers = 0;
	rump_unschedule();
	return 0;
}

int rump_test_shared_mutex_worker(int iters)
{
	int start = test_failures;

	for (int i = 0; i < iters;) {
		rump_schedule();
		for (int j = 0; j < SHARED_BATCH && i < iters; j++, i++)
			mutex_section(&sh.m, &sh.counter, &sh.inside,
				      i % 32 == 0);
		rump_unschedule();
	}
	return TRESULT(start);
}

int rump_test_shared_rw_worker(int writer, int iters)
{
	int start = test_failures;

	for (int i = 0; i < iters;) {
		rump_schedule();
		for (int j = 0; j < SHARED_BATCH && i < iters; j++, i++) {
			if (writer)
				rw_write_once(&sh.rw, &sh.readers, &sh.writers,
					      &sh.value, i % 16 == 0);
			else
				rw_read_once(&sh.rw, &sh.readers, &sh.writers,
					     &sh.value, i % 16 == 0);
		}
		rump_unschedule();
	}
	return TRESULT(start);
}

/* *counterp: the mutex workers' increments; *valuep: the writers'. */
int rump_test_shared_fini(uint64_t *counterp, uint64_t *valuep)
{
	int start = test_failures;

	rump_schedule();
	TCHECK(sh.inside == 0 && sh.readers == 0 && sh.writers == 0);
	*counterp = sh.counter;
	*valuep = sh.value;
	rw_destroy(&sh.rw);
	mutex_destroy(&sh.m);
	rump_unschedule();
	return TRESULT(start);
}
