/*
 * netinet/ip.h -- the IPv4 header on the wire (RFC 791).  Every multi-byte
 * field is in network byte order, in the stack as on the wire; ip_input
 * checks a received header before anyone reads it, and ip_output fills
 * version, header length, total length, id and checksum.
 */
#ifndef RUMPKERN_NETINET_IP_H_
#define RUMPKERN_NETINET_IP_H_
#include <netinet/in.h>

#define IPVERSION 4

struct ip {
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	uint8_t ip_v : 4, ip_hl : 4;
#else
	uint8_t ip_hl : 4, /* header length in 32-bit words */
		ip_v : 4;  /* version */
#endif
	uint8_t ip_tos;
	uint16_t ip_len; /* total length, header included */
	uint16_t ip_id;
	uint16_t ip_off; /* flags and fragment offset in 8-byte units */
	uint8_t ip_ttl;
	uint8_t ip_p; /* protocol */
	uint16_t ip_sum;
	struct in_addr ip_src, ip_dst;
} __attribute__((__packed__, __aligned__(2)));

_Static_assert(sizeof(struct ip) == 20, "IPv4 header is 20 bytes");

#define IP_RF 0x8000	  /* reserved fragment flag (must be zero) */
#define IP_DF 0x4000	  /* don't fragment */
#define IP_MF 0x2000	  /* more fragments */
#define IP_OFFMASK 0x1fff /* fragment offset */

#define IP_MAXPACKET 65535 /* largest datagram */
#define IP_MINHLEN 20	   /* header without options */
#define IP_MAXHLEN 60	   /* header with 40 bytes of options */
#define IP_MSS 576	   /* every host must accept datagrams this large */
#define IPDEFTTL 64
#define MAXTTL 255

/* Type of service / DSCP values that TCP and the sockopt use. */
#define IPTOS_LOWDELAY 0x10
#define IPTOS_THROUGHPUT 0x08

/* Options (only their framing is parsed: the stack sends none). */
#define IPOPT_EOL 0
#define IPOPT_NOP 1
#define IPOPT_OPTVAL 0
#define IPOPT_OLEN 1
#endif
