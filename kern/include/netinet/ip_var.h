/*
 * netinet/ip_var.h -- the IPv4 layer's interface to transport protocols
 * and to configuration: ip_output and ip_input, their flags, multicast
 * options of a socket, statistics and tunables.  Everything runs under
 * softnet_lock.
 */
#ifndef RUMPKERN_NETINET_IP_VAR_H_
#define RUMPKERN_NETINET_IP_VAR_H_
#include <net/route.h>
#include <netinet/in_var.h>
#include <netinet/ip.h>

struct mbuf;
struct socket;

/* Statistics; malformed packets are counted here and dropped. */
struct ipstat {
	uint64_t ips_total;	  /* packets received */
	uint64_t ips_badsum;	  /* bad header checksum */
	uint64_t ips_tooshort;	  /* shorter than its ip_len */
	uint64_t ips_toosmall;	  /* shorter than a header */
	uint64_t ips_badhlen;	  /* ip_hl below 5 or beyond the packet */
	uint64_t ips_badlen;	  /* ip_len below ip_hl */
	uint64_t ips_badvers;	  /* not version 4 */
	uint64_t ips_badaddr;	  /* martian source or destination */
	uint64_t ips_fragments;	  /* fragments received */
	uint64_t ips_fragdropped; /* dropped: limits, bad, duplicates */
	uint64_t ips_fragtimeout; /* reassemblies timed out */
	uint64_t ips_reassembled; /* datagrams reassembled */
	uint64_t ips_delivered;	  /* to a transport protocol */
	uint64_t ips_noproto;	  /* unknown protocol */
	uint64_t ips_notforus;	  /* not ours and not forwarding */
	uint64_t ips_forward;	  /* forwarded */
	uint64_t ips_cantforward; /* could not forward */
	uint64_t ips_localout;	  /* sent by ip_output */
	uint64_t ips_noroute;	  /* no route on output */
	uint64_t ips_odropped;	  /* no buffers, queue full */
	uint64_t ips_fragmented;  /* datagrams fragmented on output */
	uint64_t ips_ofragments;  /* fragments made */
	uint64_t ips_cantfrag;	  /* DF set and too big */
	uint64_t ips_badoptions;  /* malformed options */
	uint64_t ips_timxceed;	  /* TTL ran out while forwarding */
};
extern struct ipstat ipstat;

/* Tunables (sysctl-style knobs). */
extern int ip_forwarding;     /* 0 (default): never route between interfaces */
extern int ip_defttl;	      /* IPDEFTTL */
extern int ip_maxfragpackets; /* datagrams being reassembled at once */
extern int ip_maxfrags;	      /* fragments held for reassembly in total */
extern int ip_maxfragsperpacket;     /* fragments of one datagram */
extern uint64_t ip_reass_maxbytes;   /* data bytes held in total */
extern uint64_t ip_reass_timeout_ns; /* an incomplete datagram's life */

/* ip_output flags. */
#define IP_FORWARDING 0x0001 /* forwarding: keep ip_id, ip_ttl decremented */
#define IP_RAWOUTPUT 0x0002  /* the caller built the whole header */
#define IP_ROUTETOIF 0x0010  /* SO_DONTROUTE: direct to the interface */
#define IP_ALLOWBROADCAST 0x0020 /* SO_BROADCAST */
#define IP_NOIPNEWID 0x0040	 /* keep the caller's ip_id */

/* Multicast options of a socket (IP_MULTICAST_*, memberships). */
struct ip_moptions {
	struct ifnet *imo_multicast_ifp; /* NULL: by route */
	struct in_addr imo_multicast_addr;
	uint8_t imo_multicast_ttl;
	uint8_t imo_multicast_loop;
	int imo_num_memberships;
	struct in_multi *imo_membership[IP_MAX_MEMBERSHIPS];
};

/*
 * Sends the datagram in m, which starts with a struct ip whose ip_p,
 * ip_ttl, ip_tos, ip_dst, ip_src (0: the route's source address) and
 * ip_off (only IP_DF) the caller set; ip_output sets version, header
 * length, ip_len (from m_pkthdr.len), ip_id and the checksum, unless
 * IP_RAWOUTPUT.  ro caches the route (NULL: a lookup of its own).
 * Fragments what exceeds the MTU unless IP_DF (EMSGSIZE).  Consumes m.
 * Errors: ENETUNREACH/EHOSTUNREACH (no route), EACCES (broadcast without
 * IP_ALLOWBROADCAST), EMSGSIZE, ENOBUFS, ENETDOWN, EADDRNOTAVAIL (no
 * source address).
 */
int ip_output(struct mbuf *m, struct route *ro, int flags,
	      const struct ip_moptions *imo);
/*
 * A received datagram (m_pkthdr.rcvif set), under softnet_lock from the
 * network soft interrupt: validates the header, reassembles, delivers to
 * the protocol's pr_input(m, off, proto) or forwards.  Consumes m.
 */
void ip_input(struct mbuf *m);
/*
 * The protocol for each IP protocol number (in_proto.c builds it from the
 * inet domain's protocol switch): what ip_input delivers to and ICMP
 * errors are reported to.  Numbers without a protocol go to raw IP.
 */
extern const struct protosw *ip_protox[IPPROTO_MAX];
/* Forwards a datagram not for us (ip_forwarding set).  Consumes m. */
void ip_forward(struct mbuf *m);
/*
 * Reassembly: takes a fragment (header at the front, ip_hl words) and
 * returns the whole datagram once complete (its ip_len and ip_off fixed,
 * header checksum not recomputed), else NULL (m is held or dropped).
 */
struct mbuf *ip_reass(struct mbuf *m);
/* Fragments m (longer than mtu) into a chain of packets through
 * m_nextpkt; 0, or ENOBUFS/EMSGSIZE with m freed. */
int ip_fragment(struct mbuf *m, uint32_t mtu, struct mbuf **fragsp);
/* A fresh ip_id for a datagram (network byte order). */
uint16_t ip_newid(void);

/* IP-level socket options on a socket's multicast options. */
int ip_setmoptions(struct ip_moptions **imop, int optname, const void *val,
		   size_t len);
int ip_getmoptions(const struct ip_moptions *imo, int optname, void *val,
		   size_t *lenp);
void ip_freemoptions(struct ip_moptions *imo);
struct sockopt;
/*
 * The IPPROTO_IP options of an Internet socket, for the protocols'
 * pr_ctloutput (op PRCO_SETOPT/PRCO_GETOPT): IP_TTL, IP_TOS, IP_HDRINCL
 * (raw), IP_MULTICAST_IF/TTL/LOOP, IP_ADD/DROP_MEMBERSHIP.  SOL_SOCKET
 * calls (after a set) are accepted; other levels are ENOPROTOOPT.
 */
int ip_ctloutput(int op, struct socket *so, struct sockopt *sopt);

/* Reassembly (ip_reass.c): limits, timers, the drain. */
void ip_reass_init(void);
/* Called with softnet_lock held; drops it while the timer stops. */
void ip_reass_fini(void);
/* Datagrams and fragments being held now (tests, statistics). */
void ip_reass_counts(int *packetsp, int *fragsp);
/* Expire every incomplete datagram older than the timeout now. */
void ip_reass_slowtimo(void);
void ip_reass_drain(void);
#endif
