/*
 * t_tcp_kern.c -- TCP over lo0 through the kernel's socket calls from
 * inside the kernel: a scripted peer (test_tcp_input.c), a SYN flood
 * against a listener, keepalive against a silent peer, streams of several sizes
 * checked byte by byte (test_tcp_sock.c).
 */
#include "kern/tcptest.h"
#include "testlib.h"

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(100);
	test_boot();
	CHECK_KERN(rump_test_tcp_script());
	CHECK_KERN(rump_test_tcp_synflood(5000));
	CHECK_KERN(rump_test_tcp_keepalive());
	CHECK_KERN(rump_test_tcp_kstream(1));
	CHECK_KERN(rump_test_tcp_kstream(100000));
	CHECK_KERN(rump_test_tcp_kstream((uint64_t)8 << 20));
	test_halt();
	test_log("ok");
	return 0;
}
