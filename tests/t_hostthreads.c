/* hosts: posix */
/*
 * t_hostthreads.c -- many host threads in the kernel at once, more than
 * there are virtual CPUs (RUMP_NCPU=2): each sees pid 1 in the implicit
 * context and its own pid in a process of its own; a counter incremented
 * under one kernel mutex by 16 threads comes out exact; readers and
 * writers from host threads exclude each other correctly.  Needs real
 * host threads, so it runs on the pthread host only.
 */
#include <pthread.h>

#include "testlib.h"

#define NENTER 32
#define NMUTEX 16
#define NREAD 12
#define NWRITE 4

static pthread_barrier_t barrier;
static int iters;

struct enter_arg {
	int idx;
	pid_t pid;
};

static void *enter_thread(void *arg)
{
	struct enter_arg *a = arg;

	pthread_barrier_wait(&barrier);
	CHECK(rump_pub_lwproc_curlwp() == NULL);
	for (int i = 0; i < iters; i++)
		CHECK_EQ(rump_sys_getpid(), 1);
	CHECK_KERN(rump_test_shared_mutex_worker(iters / 4));

	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	a->pid = rump_sys_getpid();
	CHECK(a->pid > 1);
	CHECK_EQ(rump_sys_getppid(), 1);
	for (int i = 0; i < iters; i++)
		CHECK_EQ(rump_sys_getpid(), a->pid);
	CHECK_KERN(rump_test_shared_mutex_worker(iters / 4));
	/* Credentials are per process. */
	for (int i = 0; i < 50; i++) {
		CHECK_SYS(rump_sys_setegid((gid_t)(a->idx + 1)));
		CHECK_EQ(rump_sys_getegid(), a->idx + 1);
	}
	rump_pub_lwproc_releaselwp();
	CHECK_EQ(rump_sys_getpid(), 1);
	CHECK_EQ(rump_sys_getegid(), 0);
	return NULL;
}

static void *mutex_thread(void *arg)
{
	pthread_barrier_wait(&barrier);
	CHECK_KERN(rump_test_shared_mutex_worker(iters));
	return NULL;
}

static void *rw_thread(void *arg)
{
	int writer = arg != NULL;

	pthread_barrier_wait(&barrier);
	CHECK_KERN(rump_test_shared_rw_worker(writer, iters / 2));
	return NULL;
}

static void run_threads(int n, void *(*fn)(void *), void **args)
{
	pthread_t t[NENTER];

	CHECK(n <= NENTER);
	CHECK_EQ(pthread_barrier_init(&barrier, NULL, (unsigned)n), 0);
	for (int i = 0; i < n; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, fn, args[i]), 0);
	for (int i = 0; i < n; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	pthread_barrier_destroy(&barrier);
}

int main(int argc, char **argv)
{
	struct enter_arg ea[NENTER];
	void *args[NENTER];
	uint64_t counter, value;

	test_init(argc, argv);
	test_watchdog(110);
	iters = 2000 * test_scale();
	setenv("RUMP_NCPU", "2", 1);
	test_boot();
	CHECK_EQ(rump_test_ncpu(), 2);

	/* 32 threads entering at once: pids, contexts, a shared mutex. */
	CHECK_KERN(rump_test_shared_init());
	for (int i = 0; i < NENTER; i++) {
		ea[i].idx = i;
		ea[i].pid = 0;
		args[i] = &ea[i];
	}
	run_threads(NENTER, enter_thread, args);
	CHECK_KERN(rump_test_shared_fini(&counter, &value));
	CHECK_EQ(counter, (uint64_t)NENTER * 2 * (uint64_t)(iters / 4));
	for (int i = 0; i < NENTER; i++)
		for (int j = 0; j < i; j++)
			CHECK(ea[i].pid != ea[j].pid);
	test_log("%d threads entered with 2 CPUs", NENTER);

	/* 16 threads x iters increments under one kernel mutex. */
	CHECK_KERN(rump_test_shared_init());
	for (int i = 0; i < NMUTEX; i++)
		args[i] = NULL;
	run_threads(NMUTEX, mutex_thread, args);
	CHECK_KERN(rump_test_shared_fini(&counter, &value));
	CHECK_EQ(counter, (uint64_t)NMUTEX * (uint64_t)iters);
	test_log("mutex counter %llu exact", (unsigned long long)counter);

	/* Readers and writers. */
	CHECK_KERN(rump_test_shared_init());
	for (int i = 0; i < NREAD + NWRITE; i++)
		args[i] = i < NWRITE ? (void *)1 : NULL;
	run_threads(NREAD + NWRITE, rw_thread, args);
	CHECK_KERN(rump_test_shared_fini(&counter, &value));
	CHECK_EQ(value, (uint64_t)NWRITE * (uint64_t)(iters / 2));

	CHECK_EQ(rump_sys_getpid(), 1);
	test_halt();
	test_log("ok");
	return 0;
}
