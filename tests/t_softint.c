/*
 * t_softint.c -- deferred work: a soft interrupt scheduled many times
 * before it runs runs at least once and at most that many times (exactly
 * once while its thread is held busy); a disestablished softint does not
 * run and disestablish waits for a running handler; a workqueue runs its
 * items in order and drain waits for them.
 */
#include "testlib.h"

int main(int argc, char **argv)
{
	int scale;

	test_init(argc, argv);
	test_watchdog(110);
	scale = test_scale();
	test_boot();

	CHECK_KERN(rump_test_softint_coalesce(100 * scale));
	CHECK_KERN(rump_test_softint_coalesce(1));
	CHECK_KERN(rump_test_softint_disestablish());
	CHECK_KERN(rump_test_workqueue(1));
	CHECK_KERN(rump_test_workqueue(200 * scale));

	test_halt();
	test_log("ok");
	return 0;
}
