/*
 * t_tcp_vclock.c -- TCP's timers at exact times on the virtual clock
 * (RUMP_VIRTUAL_CLOCK=1, docs/tcp.md): retransmission backoff of SYNs and
 * data up to the drop, zero-window probes, keepalive, TIME_WAIT and the
 * delayed ACK (tests/kern/test_tcp_timers.c).  Hundreds of seconds of
 * TCP time pass in a moment, and the same way on every run.  The virtual
 * clock needs the fiber host, where every thread waits before time moves.
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
	CHECK_KERN(rump_test_tcp_vclock());
	test_halt();
	test_log("ok");
	return 0;
}
