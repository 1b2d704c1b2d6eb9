/*
 * rumptest_inet.h -- kernel-side tests of the interface layer and the
 * IPv4 protocols (librumpkern_test, test_inet_*.c), seen from both sides.
 * Each returns 0, a kernel errno, or RUMP_TEST_FAILED after printing the
 * failed check on the console.
 */
#ifndef RUMPTEST_INET_H_
#define RUMPTEST_INET_H_
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Routing (test_inet_route.c): longest-prefix match over overlapping
 * prefixes and a default route, exact-prefix delete, EEXIST, EINVAL for a
 * non-contiguous mask, ENETUNREACH for an unreachable gateway, route
 * caches invalidated by changes, then niters random prefixes checked
 * against a linear search.
 */
int rump_test_inet_route(int niters, uint32_t seed);

/*
 * Reassembly (test_inet_reass.c): out-of-order fragments make the
 * datagram, overlaps and bad lengths drop it, duplicates are dropped
 * alone, the datagram/fragment/memory limits hold under a flood of
 * incomplete datagrams, and incomplete datagrams time out.
 */
int rump_test_inet_reass(void);

/*
 * ARP (test_inet_arp.c) on a capturing test Ethernet interface:
 * gratuitous ARP on address add, the request for an unknown next hop,
 * the bounded pending queue, the reply releasing it, answering requests,
 * malformed packets counted, retries giving up (EHOSTDOWN), expiry, and
 * the cache purged when the interface goes.
 */
int rump_test_inet_arp(void);

/*
 * Forwarding (test_inet_forward.c) between two test interfaces: off by
 * default, TTL and checksum on the way through, time exceeded, net
 * unreachable, fragmentation needed with the MTU, fragments.
 */
int rump_test_inet_forward(void);

/*
 * Hostile input (test_inet_input.c): malformed IPv4, ICMP, UDP and ARP
 * packets are each counted in their statistic and dropped, then niters
 * random and mutated frames go through Ethernet input; afterwards no
 * mbuf is left over; ICMP errors are rate limited.
 */
int rump_test_inet_malformed(int niters, uint32_t seed);

/*
 * Statistics for host tests: ipstat/udpstat/icmpstat counters by name
 * ("ips_fragments", "udps_noport", "icps_reflect" ...); -1 if unknown.
 */
int64_t rump_test_inet_stat(const char *name);

/*
 * Interface drivers' host tests (test_if_stat.c): a counter of the
 * interface's struct if_stats by name ("ipackets", "ierrors",
 * "opackets", "oerrors", "iqdrops", "oqdrops"); -1 for an unknown
 * interface or name.  setforwarding sets ip_forwarding.
 */
int64_t rump_test_if_stat(const char *ifname, const char *name);
void rump_test_inet_setforwarding(int on);

#ifdef __cplusplus
}
#endif
#endif
