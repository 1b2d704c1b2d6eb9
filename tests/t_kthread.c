/*
 * t_kthread.c -- kernel threads: many joinable threads each do work and
 * are joined; threads that are not joined free themselves and are gone
 * before shutdown, whose leak check (RUMP_LEAKCHECK=1) fails the program
 * if any thread is left.
 */
#include "testlib.h"

int main(int argc, char **argv)
{
	int scale;
	int64_t before;

	test_init(argc, argv);
	test_watchdog(110);
	scale = test_scale();
	test_boot();

	before = rump_test_kthreads_live();
	CHECK(before >= 0);
	CHECK_KERN(rump_test_kthread_join(1));
	CHECK_KERN(rump_test_kthread_join(64 * scale));
	CHECK_EQ(rump_test_kthreads_live(), before);
	CHECK_KERN(rump_test_kthread_detached(1));
	CHECK_KERN(rump_test_kthread_detached(32 * scale));
	CHECK_EQ(rump_test_kthreads_live(), before);

	test_halt();
	test_log("ok");
	return 0;
}
