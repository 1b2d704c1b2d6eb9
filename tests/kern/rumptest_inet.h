/*
 * rumptest_inet.h -- kernel-side tests of the interface layer and the
 * IPv4 protocols (librumpkern_test, test_inet_*.c), seen from both sides.
 * Each returns 0, a kernel errno, or RUMP_TEST_FAILED after printing the
 * failed check on the console.
 */
#ifndef RUMPTEST_INET_H_
#define RUMPTEST_INET_H_
#include <stddef.h>
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
 * Software segmentation and receive coalescing (test_inet_offload.c,
 * netinet/in_offload.h): each merge rule on built frames, a TSO packet
 * cut and merged back, and niters random batches keeping every byte.
 */
int rump_test_inet_offload(int niters, uint32_t seed);

/*
 * The packet-input fuzz target (test_inet_fuzz.c; fuzz/net_fuzz.c,
 * t_inet_fuzz): init makes tif7 with 10.9.0.1/24 and teaches ARP the
 * peer 10.9.0.2; the host then listens on TCP port 80 and binds UDP
 * port 53.  Each input's first byte picks the options of a handshake
 * from the peer to port 80; then records follow, each a flags byte (the
 * FZ_* fix-ups in test_inet_fuzz.c), a 16-bit little-endian length and
 * that many bytes of frame, fed through Ethernet input one at a time.
 * fini destroys the interface (after the host closed its sockets).
 */
int rump_test_inet_fuzz_init(void);
int rump_test_inet_fuzz_input(const uint8_t *data, size_t size);
void rump_test_inet_fuzz_fini(void);

/*
 * Statistics for host tests: ipstat/udpstat/icmpstat counters by name
 * ("ips_fragments", "udps_noport", "icps_reflect" ...) and the
 * interface fault injection's ("iff_dropped" ..., net/if_fault.h); -1 if
 * unknown.
 */
int64_t rump_test_inet_stat(const char *name);

/*
 * Replaces the interface fault injection setting (RUMP_NETIF_FAULT's
 * syntax, docs/faultinj.md; "" for none): 0 or EINVAL.
 */
int rump_test_inet_fault_set(const char *spec);

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
