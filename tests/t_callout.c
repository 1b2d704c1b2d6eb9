/*
 * t_callout.c -- timers: callouts with shuffled and partly equal delays
 * fire in deadline order and equal deadlines in scheduling order; a
 * stopped or halted pending callout never fires; callout_halt waits for a
 * running handler; a handler rescheduling itself runs repeatedly.
 */
#include "testlib.h"

int main(int argc, char **argv)
{
	int scale;

	test_init(argc, argv);
	test_watchdog(110);
	scale = test_scale();
	test_boot();

	for (uint32_t seed = 1; seed <= (uint32_t)(3 * scale); seed++)
		CHECK_KERN(rump_test_callout_order(48, seed));
	CHECK_KERN(rump_test_callout_order(1, 7));
	CHECK_KERN(rump_test_callout_order(200, 0xdecafbad));
	CHECK_KERN(rump_test_callout_stop());
	CHECK_KERN(rump_test_callout_halt());
	CHECK_KERN(rump_test_callout_resched(20));
	CHECK_KERN(rump_test_callout_resched(1));

	test_halt();
	test_log("ok");
	return 0;
}
