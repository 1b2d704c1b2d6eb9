/*
 * t_locks.c -- kernel mutexes and reader/writer locks under contention
 * from kernel threads, which are host threads on the pthread host and
 * fibers on the cooperative one, so both hosts test locks.  Contention
 * from many host threads at once is in t_hostthreads (pthread host).
 */
#include "testlib.h"

int main(int argc, char **argv)
{
	int scale;

	test_init(argc, argv);
	test_watchdog(110);
	scale = test_scale();
	test_boot();

	CHECK_KERN(rump_test_mutex_owned());
	CHECK_KERN(rump_test_mutex_kthreads(8, 2000 * scale, 0));
	CHECK_KERN(rump_test_mutex_kthreads(8, 2000 * scale, 1));
	CHECK_KERN(rump_test_mutex_kthreads(1, 100, 0));
	CHECK_KERN(rump_test_rw_readers(8));
	CHECK_KERN(rump_test_rw_kthreads(6, 3, 300 * scale));
	CHECK_KERN(rump_test_rw_upgrade());

	test_halt();
	test_log("ok");
	return 0;
}
