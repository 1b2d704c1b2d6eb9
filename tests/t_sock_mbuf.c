/*
 * t_sock_mbuf.c -- the net faction's packet buffers, exercised from
 * inside the kernel by the test component (tests/kern/test_mbuf.c).
 */
#include "testlib.h"

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(60);
	test_boot();
	CHECK_KERN(rump_test_mbuf());
	test_halt();
	return 0;
}
