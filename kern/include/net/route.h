/*
 * net/route.h -- the IPv4 routing table: routes to a destination prefix,
 * either directly through an interface (connected routes, added with an
 * address) or through a gateway, found by longest-prefix match; a default
 * route is the prefix 0.0.0.0/0.  Everything runs under softnet_lock.
 *
 * Entries are reference counted: rt_lookup returns a held entry that the
 * caller gives back with rt_unref; a deleted entry loses RTF_UP and is
 * freed with its last reference.  A struct route caches one lookup (a
 * PCB keeps one per connection) and is revalidated against the table's
 * generation, which every change bumps.
 */
#ifndef RUMPKERN_NET_ROUTE_H_
#define RUMPKERN_NET_ROUTE_H_
#include <netinet/in.h>
#include <sys/queue.h>

struct ifnet;
struct in_ifaddr;

struct rtentry {
	struct list_node rt_node; /* in its prefix length's list */
	struct in_addr rt_dst;	  /* masked */
	struct in_addr rt_mask;
	int rt_plen;		   /* prefix length, 0..32 */
	struct in_addr rt_gateway; /* RTF_GATEWAY: the next hop */
	struct ifnet *rt_ifp;	   /* the interface to send on */
	struct in_addr rt_src;	   /* the source address to prefer */
	int rt_flags;
	uint32_t rt_mtu; /* 0: the interface's */
	int rt_refcnt;	 /* the table's own reference counts one */
	uint64_t rt_use; /* lookups that returned it */
};

/* rt_flags (NetBSD's values where it has them). */
#define RTF_UP 0x1	 /* usable */
#define RTF_GATEWAY 0x2	 /* through rt_gateway */
#define RTF_HOST 0x4	 /* a /32 */
#define RTF_REJECT 0x8	 /* EHOSTUNREACH */
#define RTF_DONE 0x40	 /* routing socket answers: carried out */
#define RTF_STATIC 0x800 /* added by configuration */
#define RTF_BLACKHOLE 0x1000
#define RTF_CONNECTED 0x100000 /* a directly connected subnet */
#define RTF_LOCAL 0x200000     /* one of our own addresses */

/* The cached route of a connection or a sender. */
struct route {
	struct rtentry *ro_rt; /* held, or NULL */
	struct in_addr ro_dst;
	uint64_t ro_gen;
};

/*
 * Adds a route.  gateway 0 and ifp set: a direct route; gateway set and
 * ifp NULL: the interface is that of the route to the gateway (which must
 * be directly reachable: ENETUNREACH otherwise).  EEXIST for the same
 * prefix, EINVAL for a mask that is not contiguous.  src 0 (with no
 * gateway to take it from) leaves the choice to the sender.  *rtp (if not NULL)
 * gets the entry, unheld.
 */
int rt_add(struct in_addr dst, struct in_addr mask, struct in_addr gateway,
	   struct ifnet *ifp, struct in_addr src, int flags,
	   struct rtentry **rtp);
/* rt_add with the route's own MTU (0: the interface's). */
int rt_add_mtu(struct in_addr dst, struct in_addr mask, struct in_addr gateway,
	       struct ifnet *ifp, struct in_addr src, int flags, uint32_t mtu,
	       struct rtentry **rtp);
/* ESRCH if there is no such prefix. */
int rt_delete(struct in_addr dst, struct in_addr mask);
/*
 * A change of a route (the routing socket's RTM_CHANGE): with
 * rc_nexthop, the next hop becomes rc_gateway (directly reachable, on
 * rc_ifp if set: ENETUNREACH otherwise) or, rc_gateway 0, rc_ifp
 * directly (EINVAL without it, and for connected and local routes);
 * RTF_REJECT and RTF_BLACKHOLE become rc_flags's; with rc_setmtu the
 * route's MTU becomes rc_mtu.
 */
struct rt_change_req {
	bool rc_nexthop;
	struct in_addr rc_gateway;
	struct ifnet *rc_ifp;
	int rc_flags;
	bool rc_setmtu;
	uint32_t rc_mtu;
};
int rt_change(struct rtentry *rt, const struct rt_change_req *rc);
/* The route of exactly dst/mask, unheld; NULL if none (or a bad mask). */
struct rtentry *rt_find(struct in_addr dst, struct in_addr mask);
/* The longest-prefix match, unheld and not counted as a use. */
struct rtentry *rt_peek(struct in_addr dst);
/* Deletes every route through ifp (and those whose source is addr). */
void rt_delete_ifp(struct ifnet *ifp);
void rt_delete_src(struct in_addr src);
/* The longest-prefix match for dst, held; NULL if none. */
struct rtentry *rt_lookup(struct in_addr dst);
void rt_ref(struct rtentry *rt);
void rt_unref(struct rtentry *rt);
/* The MTU to use on the route: its own, else its interface's. */
uint32_t rt_getmtu(const struct rtentry *rt);
/* The route for dst through ro's cache: a fresh lookup when stale. */
struct rtentry *rtcache_lookup(struct route *ro, struct in_addr dst);
void rtcache_free(struct route *ro);
/* Calls fn for every route, longest prefixes first; stops on non-zero. */
int rt_walk(int (*fn)(struct rtentry *rt, void *arg), void *arg);
/* Routes in the table, and its generation (bumped on every change). */
int rt_count(void);
extern uint64_t rt_generation;
int rt_mask_to_plen(struct in_addr mask); /* -1 if not contiguous */
struct in_addr rt_plen_to_mask(int plen);

void rt_init(void);
void rt_fini(void); /* deletes every route */

/*
 * The routing socket (route_sock.c, docs/routesock.md): the PF_ROUTE
 * domain, and the hooks through which changes reach its listeners.
 * type is a RUMP_RTM_* of <rump/rtsock.h>; what RUMP_IFAN_*.
 */
int rtsock_init(void);
void rtsock_fini(void);
void rt_msg_route(int type, const struct rtentry *rt);
void rt_msg_addr(int type, const struct ifnet *ifp, struct in_addr addr,
		 struct in_addr mask, struct in_addr broad);
void rt_msg_ifinfo(const struct ifnet *ifp);
void rt_msg_ifannounce(const struct ifnet *ifp, int what);
#endif
