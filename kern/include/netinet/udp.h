/*
 * netinet/udp.h -- the UDP header on the wire (RFC 768), network byte
 * order.  A zero checksum means the sender computed none; a computed
 * checksum of zero goes out as 0xffff.
 */
#ifndef RUMPKERN_NETINET_UDP_H_
#define RUMPKERN_NETINET_UDP_H_
#include <sys/types.h>

struct udphdr {
	uint16_t uh_sport;
	uint16_t uh_dport;
	uint16_t uh_ulen; /* header and data */
	uint16_t uh_sum;
};
_Static_assert(sizeof(struct udphdr) == 8, "UDP header is 8 bytes");
#endif
