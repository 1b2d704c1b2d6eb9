/*
 * netinet/if_inarp.h -- ARP for IPv4 over Ethernet: resolving a next hop
 * to a link-layer address.  The cache holds one entry per (interface,
 * address): complete entries expire after arp_keep_ns, incomplete ones
 * keep a bounded queue of packets waiting for the reply and retry the
 * request a bounded number of times.  Runs under softnet_lock.
 */
#ifndef RUMPKERN_NETINET_IF_INARP_H_
#define RUMPKERN_NETINET_IF_INARP_H_
#include <net/if.h>
#include <netinet/in.h>

struct mbuf;

struct arpstat {
	uint64_t as_sndtotal; /* packets sent */
	uint64_t as_sndreply; /* replies sent */
	uint64_t as_sndrequest;
	uint64_t as_rcvtotal;
	uint64_t as_rcvrequest;
	uint64_t as_rcvreply;
	uint64_t as_rcvbadproto; /* malformed, not Ethernet/IPv4 */
	uint64_t as_rcvmcast;	 /* from a multicast link address */
	uint64_t as_rcvlocalsha; /* our own hardware address as sender */
	uint64_t as_dupips;	 /* someone else uses our address */
	uint64_t as_dfrdropped;	 /* pending packets dropped: queue full */
	uint64_t as_dfrtimeout;	 /* pending packets dropped: no reply */
	uint64_t as_allocfail;
};
extern struct arpstat arpstat;

/* Tunables. */
extern uint64_t arp_keep_ns;	 /* life of a complete entry (20 min) */
extern uint64_t arp_retry_ns;	 /* interval between requests (1 s) */
extern uint64_t arp_downtime_ns; /* refusing sends after giving up (20 s) */
extern int arp_maxtries;	 /* requests before giving up (5) */
extern int arp_maxhold;		 /* packets queued per entry (16) */
extern int arp_maxentries;	 /* entries in the cache (1024) */

/*
 * The link address of next hop dst on ifp into lla.  0: resolved, m is
 * the caller's to send.  EWOULDBLOCK: m waits on the entry (or was
 * dropped when its queue was full) and is no longer the caller's.
 * EHOSTDOWN after the retries ran out (m freed); ENOBUFS (m freed).
 */
int arpresolve(struct ifnet *ifp, struct mbuf *m, struct in_addr dst,
	       uint8_t *lla);
/* An ARP packet from ether_input (the netisr routine).  Consumes m. */
void arp_input(struct mbuf *m);
/* Announces addr on ifp: a gratuitous request (address change). */
void arp_announce(struct ifnet *ifp, struct in_addr addr);
/* Drops the entries of ifp (detach), or every entry for NULL. */
void arp_purge_ifp(struct ifnet *ifp);
/* Entries now, and a walk over them (the sysctl dump, tests). */
struct arp_info {
	struct in_addr ai_addr;
	unsigned int ai_ifindex;
	uint8_t ai_lla[6];
	bool ai_complete;
	int ai_held; /* packets waiting */
	uint64_t ai_expire_ns;
};
int arp_walk(int (*fn)(const struct arp_info *ai, void *arg), void *arg);
int arp_count(void);
void arp_init(void);
/* Called with softnet_lock held; drops it while the timer stops. */
void arp_fini(void);
#endif
