/*
 * route.c -- the IPv4 routing table.  Routes live in one list per prefix
 * length; a lookup tries the lengths from 32 down to 0, skipping empty
 * ones, so the first match is the longest prefix.  Deleting a route
 * takes it off the table and its RTF_UP away; it is freed when the last
 * holder (a PCB's cached route, a lookup in progress) lets go.  Every
 * change is told to the routing sockets (rt_msg_route).  All under
 * softnet_lock.
 */
#include <net/if.h>
#include <net/route.h>
#include <rump/rtsock.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

static KMEM_TYPE_DEFINE(M_RTABLE, "rtentry");

static struct list_head rt_bylen[33];
static int rt_nbylen[33];
static int rt_total;
uint64_t rt_generation = 1;

struct in_addr rt_plen_to_mask(int plen)
{
	struct in_addr m;

	m.s_addr = plen == 0 ? 0 : htonl(0xffffffffu << (32 - plen));
	return m;
}

int rt_mask_to_plen(struct in_addr mask)
{
	uint32_t m = ntohl(mask.s_addr);
	int plen = 0;

	while (plen < 32 && (m & (0x80000000u >> plen)) != 0)
		plen++;
	/* Contiguous: nothing set after the first clear bit. */
	if (plen < 32 && (m & (0xffffffffu >> plen)) != 0)
		return -1;
	return plen;
}

static struct rtentry *rt_find_exact(struct in_addr dst, int plen)
{
	list_foreach(it, &rt_bylen[plen])
	{
		struct rtentry *rt = list_entry(it, struct rtentry, rt_node);
		if (rt->rt_dst.s_addr == dst.s_addr)
			return rt;
	}
	return NULL;
}

static struct rtentry *rt_match(struct in_addr dst)
{
	for (int plen = 32; plen >= 0; plen--) {
		uint32_t mask;

		if (rt_nbylen[plen] == 0)
			continue;
		mask = rt_plen_to_mask(plen).s_addr;
		list_foreach(it, &rt_bylen[plen])
		{
			struct rtentry *rt =
				list_entry(it, struct rtentry, rt_node);
			if ((dst.s_addr & mask) == rt->rt_dst.s_addr)
				return rt;
		}
	}
	return NULL;
}

struct rtentry *rt_find(struct in_addr dst, struct in_addr mask)
{
	int plen = rt_mask_to_plen(mask);

	KASSERT(mutex_owned(&softnet_lock));
	if (plen < 0)
		return NULL;
	dst.s_addr &= mask.s_addr;
	return rt_find_exact(dst, plen);
}

struct rtentry *rt_peek(struct in_addr dst)
{
	KASSERT(mutex_owned(&softnet_lock));
	return rt_match(dst);
}

int rt_add(struct in_addr dst, struct in_addr mask, struct in_addr gateway,
	   struct ifnet *ifp, struct in_addr src, int flags,
	   struct rtentry **rtp)
{
	return rt_add_mtu(dst, mask, gateway, ifp, src, flags, 0, rtp);
}

int rt_add_mtu(struct in_addr dst, struct in_addr mask, struct in_addr gateway,
	       struct ifnet *ifp, struct in_addr src, int flags, uint32_t mtu,
	       struct rtentry **rtp)
{
	struct rtentry *rt;
	int plen;

	KASSERT(mutex_owned(&softnet_lock));
	plen = rt_mask_to_plen(mask);
	if (plen < 0)
		return EINVAL;
	dst.s_addr &= mask.s_addr;
	if (rt_find_exact(dst, plen) != NULL)
		return EEXIST;
	if (gateway.s_addr != 0) {
		/* The gateway must be on a directly connected network. */
		struct rtentry *gw = rt_match(gateway);

		if (gw == NULL || (gw->rt_flags & RTF_GATEWAY) ||
		    (ifp != NULL && gw->rt_ifp != ifp))
			return ENETUNREACH;
		ifp = gw->rt_ifp;
		flags |= RTF_GATEWAY;
		if (src.s_addr == 0)
			src = gw->rt_src;
	} else if (ifp == NULL)
		return EINVAL;
	rt = kmem_zalloc(sizeof(*rt), &M_RTABLE);
	if (rt == NULL)
		return ENOMEM;
	rt->rt_dst = dst;
	rt->rt_mask = mask;
	rt->rt_plen = plen;
	rt->rt_gateway = gateway;
	rt->rt_ifp = ifp;
	rt->rt_src = src;
	rt->rt_flags = flags | RTF_UP | (plen == 32 ? RTF_HOST : 0);
	rt->rt_mtu = mtu;
	rt->rt_refcnt = 1;
	list_push_back(&rt_bylen[plen], &rt->rt_node);
	rt_nbylen[plen]++;
	rt_total++;
	rt_generation++;
	rt_msg_route(RUMP_RTM_ADD, rt);
	if (rtp != NULL)
		*rtp = rt;
	return 0;
}

int rt_change(struct rtentry *rt, const struct rt_change_req *rc)
{
	const int settable = RTF_REJECT | RTF_BLACKHOLE;
	struct in_addr gateway = {0}, src = {0};
	struct ifnet *ifp = rt->rt_ifp;
	int flags = rt->rt_flags;

	KASSERT(mutex_owned(&softnet_lock));
	KASSERT(rt->rt_flags & RTF_UP);
	if (rc->rc_nexthop) {
		if (rt->rt_flags & (RTF_CONNECTED | RTF_LOCAL))
			return EINVAL; /* an address's own route */
		if (rc->rc_gateway.s_addr != 0) {
			struct rtentry *gw = rt_match(rc->rc_gateway);

			/* Not through itself: that would be a loop. */
			if (gw == NULL || gw == rt ||
			    (gw->rt_flags & RTF_GATEWAY) ||
			    (rc->rc_ifp != NULL && gw->rt_ifp != rc->rc_ifp))
				return ENETUNREACH;
			gateway = rc->rc_gateway;
			ifp = gw->rt_ifp;
			src = gw->rt_src;
			flags |= RTF_GATEWAY;
		} else if (rc->rc_ifp != NULL) {
			ifp = rc->rc_ifp;
			flags &= ~RTF_GATEWAY;
		} else
			return EINVAL;
	}
	if (rc->rc_setmtu && rc->rc_mtu != 0 &&
	    (rc->rc_mtu < 68 || rc->rc_mtu > IF_MTU_MAX))
		return EINVAL;
	if (rc->rc_nexthop) {
		rt->rt_gateway = gateway;
		rt->rt_ifp = ifp;
		rt->rt_src = src;
	}
	if (rc->rc_setmtu)
		rt->rt_mtu = rc->rc_mtu;
	rt->rt_flags = (flags & ~settable) | (rc->rc_flags & settable);
	rt_generation++;
	rt_msg_route(RUMP_RTM_CHANGE, rt);
	return 0;
}

static void rt_unlink(struct rtentry *rt)
{
	list_remove(&rt->rt_node);
	rt_nbylen[rt->rt_plen]--;
	rt_total--;
	rt_generation++;
	/* Told while it still looks as it did (RTF_UP included). */
	rt_msg_route(RUMP_RTM_DELETE, rt);
	rt->rt_flags &= ~RTF_UP;
	rt_unref(rt);
}

int rt_delete(struct in_addr dst, struct in_addr mask)
{
	struct rtentry *rt;
	int plen;

	KASSERT(mutex_owned(&softnet_lock));
	plen = rt_mask_to_plen(mask);
	if (plen < 0)
		return EINVAL;
	dst.s_addr &= mask.s_addr;
	rt = rt_find_exact(dst, plen);
	if (rt == NULL)
		return ESRCH;
	rt_unlink(rt);
	return 0;
}

void rt_delete_ifp(struct ifnet *ifp)
{
	KASSERT(mutex_owned(&softnet_lock));
	for (int plen = 0; plen <= 32; plen++) {
		list_foreach_safe(it, &rt_bylen[plen])
		{
			struct rtentry *rt =
				list_entry(it, struct rtentry, rt_node);
			if (rt->rt_ifp == ifp)
				rt_unlink(rt);
		}
	}
}

void rt_delete_src(struct in_addr src)
{
	KASSERT(mutex_owned(&softnet_lock));
	for (int plen = 0; plen <= 32; plen++) {
		list_foreach_safe(it, &rt_bylen[plen])
		{
			struct rtentry *rt =
				list_entry(it, struct rtentry, rt_node);
			if (rt->rt_src.s_addr == src.s_addr)
				rt_unlink(rt);
		}
	}
}

struct rtentry *rt_lookup(struct in_addr dst)
{
	struct rtentry *rt;

	KASSERT(mutex_owned(&softnet_lock));
	rt = rt_match(dst);
	if (rt != NULL) {
		rt->rt_refcnt++;
		rt->rt_use++;
	}
	return rt;
}

void rt_ref(struct rtentry *rt)
{
	rt->rt_refcnt++;
}

void rt_unref(struct rtentry *rt)
{
	KASSERT(rt->rt_refcnt > 0);
	if (--rt->rt_refcnt == 0) {
		KASSERT((rt->rt_flags & RTF_UP) == 0);
		kmem_free(rt, sizeof(*rt), &M_RTABLE);
	}
}

uint32_t rt_getmtu(const struct rtentry *rt)
{
	if (rt->rt_mtu != 0 && rt->rt_mtu < rt->rt_ifp->if_mtu)
		return rt->rt_mtu;
	return rt->rt_ifp->if_mtu;
}

struct rtentry *rtcache_lookup(struct route *ro, struct in_addr dst)
{
	KASSERT(mutex_owned(&softnet_lock));
	if (ro->ro_rt != NULL && ro->ro_gen == rt_generation &&
	    ro->ro_dst.s_addr == dst.s_addr)
		return ro->ro_rt;
	rtcache_free(ro);
	ro->ro_rt = rt_lookup(dst);
	ro->ro_dst = dst;
	ro->ro_gen = rt_generation;
	return ro->ro_rt;
}

void rtcache_free(struct route *ro)
{
	if (ro->ro_rt != NULL) {
		rt_unref(ro->ro_rt);
		ro->ro_rt = NULL;
	}
}

int rt_walk(int (*fn)(struct rtentry *rt, void *arg), void *arg)
{
	for (int plen = 32; plen >= 0; plen--) {
		list_foreach_safe(it, &rt_bylen[plen])
		{
			struct rtentry *rt =
				list_entry(it, struct rtentry, rt_node);
			int error = fn(rt, arg);
			if (error != 0)
				return error;
		}
	}
	return 0;
}

int rt_count(void)
{
	return rt_total;
}

void rt_init(void)
{
	for (int plen = 0; plen <= 32; plen++) {
		list_init(&rt_bylen[plen]);
		rt_nbylen[plen] = 0;
	}
	rt_total = 0;
}

void rt_fini(void)
{
	for (int plen = 0; plen <= 32; plen++) {
		list_foreach_safe(it, &rt_bylen[plen])
		{
			rt_unlink(list_entry(it, struct rtentry, rt_node));
		}
	}
}
