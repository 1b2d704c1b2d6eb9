/*
 * netinet/in_cksum.h -- the Internet checksum (RFC 1071): the one's
 * complement of the one's complement sum of 16-bit words, over mbuf
 * chains, with the IPv4 pseudo header for TCP and UDP.  The result is in
 * network byte order, ready to store; verifying a received packet gives 0.
 */
#ifndef RUMPKERN_NETINET_IN_CKSUM_H_
#define RUMPKERN_NETINET_IN_CKSUM_H_
#include <netinet/in.h>

struct mbuf;

/* The checksum of len bytes of m from its start (the IP header). */
uint16_t in_cksum(struct mbuf *m, int len);
/* The checksum of len bytes of m from offset off (ICMP after IP). */
uint16_t in_cksum_skip(struct mbuf *m, int off, int len);
/*
 * The TCP/UDP checksum of len bytes of m from offset off, with the pseudo
 * header of the IPv4 header at the start of m (source, destination,
 * protocol nxt, length len).
 */
uint16_t in4_cksum(struct mbuf *m, uint8_t nxt, int off, int len);
/*
 * The pseudo-header sum alone, folded but not complemented, in network
 * order: what th_sum holds for an interface that completes the checksum
 * (checksum offload), which then sums from the TCP header to the end.
 */
uint16_t in4_pseudo_sum(struct in_addr src, struct in_addr dst, uint8_t nxt,
			int len);
/* Of a flat buffer. */
uint16_t in_cksum_buf(const void *buf, size_t len);
/* The 32-bit partial sum of a buffer, folded later by in_cksum_fold. */
uint32_t in_cksum_partial(uint32_t sum, const void *buf, size_t len);
uint16_t in_cksum_fold(uint32_t sum);
#endif
