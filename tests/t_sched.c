/*
 * t_sched.c -- virtual CPUs with RUMP_NCPU=1: a thread blocked in cv_wait
 * holds no CPU (its waker, a kernel thread, could not run otherwise), and
 * locks still work when every thread shares one CPU.  The same with host
 * threads is t_cpublock (pthread host).
 */
#include "testlib.h"

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(100);
	setenv("RUMP_NCPU", "1", 1);
	test_boot();

	CHECK_EQ(rump_test_ncpu(), 1);
	for (int i = 0; i < 10 * test_scale(); i++)
		CHECK_KERN(rump_test_block_kthread());
	CHECK_KERN(rump_test_mutex_kthreads(4, 500, 0));
	CHECK_KERN(rump_test_cv_broadcast(4));
	CHECK_KERN(rump_test_rw_readers(4));
	for (int i = 0; i < 1000; i++)
		CHECK_EQ(rump_sys_getpid(), 1);

	test_halt();
	test_log("ok");
	return 0;
}
