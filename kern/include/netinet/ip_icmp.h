/*
 * netinet/ip_icmp.h -- ICMP messages on the wire (RFC 792): the header,
 * the types and codes the stack sends and understands.  An error message
 * quotes the offending IP header and the first 8 bytes after it.
 */
#ifndef RUMPKERN_NETINET_IP_ICMP_H_
#define RUMPKERN_NETINET_IP_ICMP_H_
#include <netinet/ip.h>

struct icmp {
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint16_t icmp_cksum;
	union {
		struct {
			uint16_t id;
			uint16_t seq;
		} ih_idseq; /* echo, echo reply */
		struct {
			uint16_t pad;
			uint16_t nextmtu; /* frag needed (RFC 1191) */
		} ih_pmtu;
		uint32_t ih_void;
		struct in_addr ih_gwaddr; /* redirect */
	} icmp_hun;
	union {
		struct ip id_ip; /* quoted header of an error */
		uint8_t id_data[1];
	} icmp_dun;
} __attribute__((__packed__, __aligned__(2)));
#define icmp_id icmp_hun.ih_idseq.id
#define icmp_seq icmp_hun.ih_idseq.seq
#define icmp_nextmtu icmp_hun.ih_pmtu.nextmtu
#define icmp_void icmp_hun.ih_void
#define icmp_gwaddr icmp_hun.ih_gwaddr
#define icmp_ip icmp_dun.id_ip
#define icmp_data icmp_dun.id_data

#define ICMP_MINLEN 8			      /* header of every message */
#define ICMP_ERRLEN (ICMP_MINLEN + 20 + 8)    /* shortest error */
#define ICMP_ADVLENMIN (ICMP_MINLEN + 20 + 8) /* what an error must quote */

#define ICMP_ECHOREPLY 0
#define ICMP_UNREACH 3
#define ICMP_UNREACH_NET 0
#define ICMP_UNREACH_HOST 1
#define ICMP_UNREACH_PROTOCOL 2
#define ICMP_UNREACH_PORT 3
#define ICMP_UNREACH_NEEDFRAG 4
#define ICMP_UNREACH_SRCFAIL 5
#define ICMP_UNREACH_NET_UNKNOWN 6
#define ICMP_UNREACH_HOST_UNKNOWN 7
#define ICMP_UNREACH_ADMIN_PROHIBIT 13
#define ICMP_SOURCEQUENCH 4
#define ICMP_REDIRECT 5
#define ICMP_ECHO 8
#define ICMP_TIMXCEED 11
#define ICMP_TIMXCEED_INTRANS 0
#define ICMP_TIMXCEED_REASS 1
#define ICMP_PARAMPROB 12
#define ICMP_TSTAMP 13
#define ICMP_TSTAMPREPLY 14
#define ICMP_MAXTYPE 18

/* Error messages (never answered with another error). */
#define ICMP_INFOTYPE(t)                                                       \
	((t) == ICMP_ECHOREPLY || (t) == ICMP_ECHO || (t) == ICMP_TSTAMP ||    \
	 (t) == ICMP_TSTAMPREPLY || (t) == 9 || (t) == 10 || (t) == 15 ||      \
	 (t) == 16 || (t) == 17 || (t) == 18)
#endif
