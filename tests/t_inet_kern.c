/*
 * t_inet_kern.c -- the IPv4 stack's internals, tested from inside the
 * kernel on a capturing test Ethernet interface: routing (longest-prefix
 * match against a linear search), reassembly with its limits and timeout,
 * ARP (gratuitous, pending queue, replies, retries, expiry), forwarding
 * (off by default, TTL, ICMP errors, fragmentation),
 * malformed and random input counted and dropped without a leak, and
 * software TCP segmentation and receive coalescing (their rules, random
 * batches keeping every byte).
 */
#include "kern/rumptest_inet.h"
#include "testlib.h"

int main(int argc, char **argv)
{
	int scale;

	test_init(argc, argv);
	test_watchdog(110);
	scale = test_scale();
	test_boot();

	CHECK_KERN(rump_test_inet_route(2000 * scale, 12345));
	CHECK_KERN(rump_test_inet_reass());
	CHECK_KERN(rump_test_inet_arp());
	CHECK_KERN(rump_test_inet_forward());
	CHECK_KERN(rump_test_inet_malformed(3000 * scale, 777));
	CHECK_KERN(rump_test_inet_offload(300 * scale, 4242));
	CHECK(rump_test_inet_stat("ips_total") > 0);
	CHECK_EQ(rump_test_inet_stat("no_such_counter"), -1);

	test_halt();
	test_log("ok");
	return 0;
}
