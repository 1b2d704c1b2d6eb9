/*
 * t_tcp_vrecovery.c -- TCP loss recovery and RST validation segment by
 * segment on the virtual clock (RUMP_VIRTUAL_CLOCK=1, docs/tcp.md): fast
 * retransmit and NewReno, SACK recovery, an RTO during recovery, RFC 5961
 * challenge ACKs and their rate limit (tests/kern/test_tcp_recovery.c).
 * The virtual clock needs the fiber host.
 */
/* hosts: fiber */
#include "kern/tcptest.h"
#include "testlib.h"

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(100);
	setenv("RUMP_VIRTUAL_CLOCK", "1", 1);
	test_boot();
	CHECK_KERN(rump_test_tcp_vrecovery());
	test_halt();
	test_log("ok");
	return 0;
}
