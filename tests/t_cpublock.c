/* hosts: posix */
/*
 * t_cpublock.c -- with one virtual CPU, a host thread blocked in a kernel
 * cv_wait must not hold the CPU: another host thread enters the kernel
 * and wakes it.  If blocking kept the CPU this deadlocks, and the
 * watchdog fails the test.  Both orders are tried: the waiter first, and
 * the waker first (it waits in the kernel too, then needs the CPU back).
 */
#include <pthread.h>
#include <unistd.h>

#include "testlib.h"

static void *waiter(void *arg)
{
	CHECK_KERN(rump_test_block_wait());
	return NULL;
}

static void *waker(void *arg)
{
	CHECK_KERN(rump_test_block_wake());
	return NULL;
}

static void *getpid_mutex_thread(void *arg)
{
	for (int i = 0; i < 500; i++)
		CHECK_EQ(rump_sys_getpid(), 1);
	CHECK_KERN(rump_test_shared_mutex_worker(500));
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[8];
	uint64_t counter, value;

	test_init(argc, argv);
	test_watchdog(90);
	setenv("RUMP_NCPU", "1", 1);
	test_boot();
	CHECK_EQ(rump_test_ncpu(), 1);

	for (int round = 0; round < 10 * test_scale(); round++) {
		bool waiter_first = round % 2 == 0;

		CHECK_KERN(rump_test_block_setup());
		CHECK_EQ(pthread_create(&t[0], NULL,
					waiter_first ? waiter : waker, NULL),
			 0);
		/* Give it time to block first; either order must work. */
		usleep(5000);
		if (waiter_first)
			CHECK_KERN(rump_test_block_wake());
		else
			CHECK_KERN(rump_test_block_wait());
		CHECK_EQ(pthread_join(t[0], NULL), 0);
		CHECK_KERN(rump_test_block_teardown());
	}

	/* Eight host threads through one CPU, sleeping inside a mutex. */
	CHECK_KERN(rump_test_shared_init());
	for (int i = 0; i < 8; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, getpid_mutex_thread, NULL),
			 0);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_KERN(rump_test_shared_fini(&counter, &value));
	CHECK_EQ(counter, 8 * 500);

	test_halt();
	test_log("ok");
	return 0;
}
