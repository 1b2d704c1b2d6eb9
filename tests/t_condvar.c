/*
 * t_condvar.c -- condition variables: a timed wait nobody signals returns
 * ETIMEDOUT no earlier than asked (only the lower bound is checked: no
 * test depends on the machine's speed), a signalled wait returns 0, one
 * broadcast wakes every waiter.
 */
#include "testlib.h"

int main(int argc, char **argv)
{
	static const uint64_t waits_ns[] = {0, 1000, 1000000, 10000000,
					    50000000};
	uint64_t elapsed;

	test_init(argc, argv);
	test_watchdog(110);
	test_boot();

	for (size_t i = 0; i < sizeof(waits_ns) / sizeof(waits_ns[0]); i++) {
		CHECK_KERN(rump_test_cv_timeout(waits_ns[i], &elapsed));
		CHECK(elapsed >= waits_ns[i]);
		test_log("timed wait of %llu ns took %llu ns",
			 (unsigned long long)waits_ns[i],
			 (unsigned long long)elapsed);
	}
	for (int i = 0; i < 5 * test_scale(); i++)
		CHECK_KERN(rump_test_cv_signal());
	CHECK_KERN(rump_test_cv_broadcast(1));
	CHECK_KERN(rump_test_cv_broadcast(16));

	test_halt();
	test_log("ok");
	return 0;
}
