/*
 * netinet/icmp_var.h -- ICMP: sending error messages about a received
 * datagram, the input side (echo, errors passed to the transport's
 * ctlinput), rate limiting and statistics.  Runs under softnet_lock.
 */
#ifndef RUMPKERN_NETINET_ICMP_VAR_H_
#define RUMPKERN_NETINET_ICMP_VAR_H_
#include <netinet/ip_icmp.h>

struct mbuf;

struct icmpstat {
	uint64_t icps_error;	   /* calls to icmp_error */
	uint64_t icps_oldicmp;	   /* no error about an ICMP error */
	uint64_t icps_oldshort;	   /* no error about a fragment or a short */
	uint64_t icps_ratelimited; /* errors suppressed by the rate limit */
	uint64_t icps_badcode;
	uint64_t icps_tooshort;
	uint64_t icps_checksum;
	uint64_t icps_badlen;
	uint64_t icps_reflect;	  /* echo replies sent */
	uint64_t icps_bmcastecho; /* echo to broadcast/multicast ignored */
	uint64_t icps_inhist[ICMP_MAXTYPE + 1];
	uint64_t icps_outhist[ICMP_MAXTYPE + 1];
};
extern struct icmpstat icmpstat;

/* Errors per second that icmp_error sends (0: no limit). */
extern int icmp_errppslimit;
/* Answer echo requests to broadcast or multicast addresses (default 0). */
extern int icmp_bmcastecho;

/*
 * Sends an ICMP error of type and code about the datagram n (which starts
 * with its IP header, in network byte order as received): a port or
 * protocol unreachable, time exceeded, parameter problem, or fragmentation
 * needed with mtu.  Never about an ICMP error, a broadcast or multicast,
 * a non-first fragment; rate limited.  Consumes n.
 */
void icmp_error(struct mbuf *n, int type, int code, uint32_t mtu);
/* The protocol input (pr_input): echo, timestamp, errors to ctlinput. */
void icmp_input(struct mbuf *m, int off, int proto);
#endif
