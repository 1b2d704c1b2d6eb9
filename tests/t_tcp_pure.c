/*
 * t_tcp_pure.c -- TCP's pure parts inside the kernel: sequence wrap,
 * options (with malformed and random bytes), the RTO estimator and
 * backoff, NewReno fast retransmit and recovery, the SACK scoreboard.
 */
#include "kern/tcptest.h"
#include "testlib.h"

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(60);
	test_boot();
	CHECK_KERN(rump_test_tcp_seq());
	CHECK_KERN(rump_test_tcp_options());
	CHECK_KERN(rump_test_tcp_options_fuzz(1, 20000 * test_scale()));
	CHECK_KERN(rump_test_tcp_rtt());
	CHECK_KERN(rump_test_tcp_newreno());
	CHECK_KERN(rump_test_tcp_newreno_partial());
	CHECK_KERN(rump_test_tcp_sack());
	CHECK_KERN(rump_test_tcp_reass());
	test_halt();
	test_log("ok");
	return 0;
}
