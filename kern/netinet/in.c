/*
 * in.c -- IPv4 addresses on interfaces and multicast memberships.  An
 * address brings its connected route (the subnet through the interface,
 * with the address as source) and is announced with gratuitous ARP when
 * the interface is up; deleting it takes away every route that uses it
 * as source.  Routing sockets hear of addresses coming and going.  Memberships are counted per (group, interface) and tell the
 * driver which multicast link addresses to accept.  softnet_lock held.
 */
#include <net/if.h>
#include <net/if_ether.h>
#include <net/route.h>
#include <netinet/if_inarp.h>
#include <netinet/in_var.h>
#include <rump/rtsock.h>
#include <sys/abi.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

static KMEM_TYPE_DEFINE(M_IFADDR, "in_ifaddr");
static KMEM_TYPE_DEFINE(M_INMULTI, "in_multi");

struct list_head in_ifaddrhead = LIST_HEAD_INIT(in_ifaddrhead);

struct in_ifaddr *in_ifaddr_lookup(struct in_addr addr)
{
	list_foreach(it, &in_ifaddrhead)
	{
		struct in_ifaddr *ia =
			list_entry(it, struct in_ifaddr, ia_list);
		if (ia->ia_addr.s_addr == addr.s_addr)
			return ia;
	}
	return NULL;
}

static struct in_ifaddr *in_ifaddr_on(const struct ifnet *ifp,
				      struct in_addr addr)
{
	list_foreach(it, &ifp->if_addrlist)
	{
		struct ifaddr *ifa = list_entry(it, struct ifaddr, ifa_node);
		struct in_ifaddr *ia;

		if (ifa->ifa_family != AF_INET)
			continue;
		ia = container_of(ifa, struct in_ifaddr, ia_ifa);
		if (ia->ia_addr.s_addr == addr.s_addr)
			return ia;
	}
	return NULL;
}

struct in_ifaddr *in_ifaddr_first(const struct ifnet *ifp)
{
	list_foreach(it, &ifp->if_addrlist)
	{
		struct ifaddr *ifa = list_entry(it, struct ifaddr, ifa_node);
		if (ifa->ifa_family == AF_INET)
			return container_of(ifa, struct in_ifaddr, ia_ifa);
	}
	return NULL;
}

struct in_ifaddr *in_ifaddr_for(const struct ifnet *ifp, struct in_addr dst)
{
	list_foreach(it, &ifp->if_addrlist)
	{
		struct ifaddr *ifa = list_entry(it, struct ifaddr, ifa_node);
		struct in_ifaddr *ia;

		if (ifa->ifa_family != AF_INET)
			continue;
		ia = container_of(ifa, struct in_ifaddr, ia_ifa);
		if ((dst.s_addr & ia->ia_netmask.s_addr) ==
		    ia->ia_subnet.s_addr)
			return ia;
	}
	return in_ifaddr_first(ifp);
}

bool in_broadcast(struct in_addr a, const struct ifnet *ifp)
{
	if (a.s_addr == htonl(INADDR_BROADCAST) || a.s_addr == INADDR_ANY)
		return true;
	if (ifp == NULL || (ifp->if_flags & IFF_BROADCAST) == 0)
		return false;
	list_foreach(it, &ifp->if_addrlist)
	{
		struct ifaddr *ifa = list_entry(it, struct ifaddr, ifa_node);
		struct in_ifaddr *ia;

		if (ifa->ifa_family != AF_INET)
			continue;
		ia = container_of(ifa, struct in_ifaddr, ia_ifa);
		/* A /31 or /32 has no broadcast address (RFC 3021). */
		if (ia->ia_plen < 31 && (a.s_addr == ia->ia_broadaddr.s_addr ||
					 a.s_addr == ia->ia_subnet.s_addr))
			return true;
	}
	return false;
}

bool in_local(struct in_addr a)
{
	return in_ifaddr_lookup(a) != NULL;
}

static bool in_addr_usable(struct in_addr addr)
{
	uint32_t h = ntohl(addr.s_addr);

	return h != INADDR_ANY && h != INADDR_BROADCAST && !IN_MULTICAST(h) &&
	       !IN_EXPERIMENTAL(h);
}

int in_ifaddr_add(struct ifnet *ifp, struct in_addr addr, struct in_addr mask,
		  struct in_addr broad)
{
	struct in_ifaddr *ia;
	int plen, error;

	KASSERT(mutex_owned(&softnet_lock));
	plen = rt_mask_to_plen(mask);
	if (plen < 0 || !in_addr_usable(addr))
		return EINVAL;
	ia = in_ifaddr_on(ifp, addr);
	if (ia != NULL) {
		if (ia->ia_netmask.s_addr == mask.s_addr &&
		    (broad.s_addr == 0 ||
		     broad.s_addr == ia->ia_broadaddr.s_addr))
			return EEXIST;
		/* The same address with another mask: replace it. */
		error = in_ifaddr_delete(ifp, addr);
		if (error != 0)
			return error;
	} else if (in_ifaddr_lookup(addr) != NULL)
		return EADDRINUSE; /* another interface has it */
	ia = kmem_zalloc(sizeof(*ia), &M_IFADDR);
	if (ia == NULL)
		return ENOMEM;
	ia->ia_ifa.ifa_ifp = ifp;
	ia->ia_ifa.ifa_family = AF_INET;
	ia->ia_addr = addr;
	ia->ia_netmask = mask;
	ia->ia_plen = plen;
	ia->ia_subnet.s_addr = addr.s_addr & mask.s_addr;
	ia->ia_broadaddr.s_addr =
		broad.s_addr != 0 ? broad.s_addr
				  : (ia->ia_subnet.s_addr | ~mask.s_addr);
	/* The connected route; another interface may have one already. */
	error = rt_add(ia->ia_subnet, mask, (struct in_addr){0}, ifp, addr,
		       RTF_CONNECTED, NULL);
	if (error != 0 && error != EEXIST) {
		kmem_free(ia, sizeof(*ia), &M_IFADDR);
		return error;
	}
	list_push_back(&ifp->if_addrlist, &ia->ia_ifa.ifa_node);
	list_push_back(&in_ifaddrhead, &ia->ia_list);
	rt_msg_addr(RUMP_RTM_NEWADDR, ifp, addr, mask, ia->ia_broadaddr);
	if ((ifp->if_flags & IFF_UP) && ifp->if_type == IFT_ETHER)
		arp_announce(ifp, addr);
	return 0;
}

static void in_ifaddr_free(struct in_ifaddr *ia)
{
	struct ifnet *ifp = ia->ia_ifp;
	struct rtentry *rt;

	list_remove(&ia->ia_ifa.ifa_node);
	list_remove(&ia->ia_list);
	/* The connected route, if it is this address's. */
	rt = rt_lookup(ia->ia_subnet);
	if (rt != NULL) {
		bool mine = (rt->rt_flags & RTF_CONNECTED) &&
			    rt->rt_ifp == ifp &&
			    rt->rt_dst.s_addr == ia->ia_subnet.s_addr &&
			    rt->rt_plen == ia->ia_plen;
		rt_unref(rt);
		if (mine)
			(void)rt_delete(ia->ia_subnet, ia->ia_netmask);
	}
	rt_delete_src(ia->ia_addr);
	rt_msg_addr(RUMP_RTM_DELADDR, ifp, ia->ia_addr, ia->ia_netmask,
		    ia->ia_broadaddr);
	kmem_free(ia, sizeof(*ia), &M_IFADDR);
}

int in_ifaddr_delete(struct ifnet *ifp, struct in_addr addr)
{
	struct in_ifaddr *ia;

	KASSERT(mutex_owned(&softnet_lock));
	ia = in_ifaddr_on(ifp, addr);
	if (ia == NULL)
		return EADDRNOTAVAIL;
	in_ifaddr_free(ia);
	return 0;
}

void in_ifaddr_purge(struct ifnet *ifp)
{
	list_foreach_safe(it, &ifp->if_addrlist)
	{
		struct ifaddr *ifa = list_entry(it, struct ifaddr, ifa_node);
		if (ifa->ifa_family == AF_INET)
			in_ifaddr_free(
				container_of(ifa, struct in_ifaddr, ia_ifa));
	}
}

/* Multicast memberships. */

struct in_multi *in_lookup_multi(struct in_addr group, const struct ifnet *ifp)
{
	list_foreach(it, &ifp->if_multiaddrs)
	{
		struct in_multi *inm =
			list_entry(it, struct in_multi, inm_node);
		if (inm->inm_addr.s_addr == group.s_addr)
			return inm;
	}
	return NULL;
}

static void in_multi_filter(struct ifnet *ifp, struct in_addr group, bool add)
{
	uint8_t lla[ETHER_ADDR_LEN];

	if (ifp->if_type != IFT_ETHER || ifp->if_ops == NULL ||
	    ifp->if_ops->ifo_mcast == NULL)
		return;
	ether_ip_multicast_map(group.s_addr, lla);
	(void)ifp->if_ops->ifo_mcast(ifp, lla, add);
}

int in_addmulti(struct in_addr group, struct ifnet *ifp, struct in_multi **inmp)
{
	struct in_multi *inm;

	KASSERT(mutex_owned(&softnet_lock));
	if (!in_multicast(group))
		return EINVAL;
	inm = in_lookup_multi(group, ifp);
	if (inm != NULL) {
		inm->inm_refcnt++;
		*inmp = inm;
		return 0;
	}
	inm = kmem_zalloc(sizeof(*inm), &M_INMULTI);
	if (inm == NULL)
		return ENOMEM;
	inm->inm_addr = group;
	inm->inm_ifp = ifp;
	inm->inm_refcnt = 1;
	list_push_back(&ifp->if_multiaddrs, &inm->inm_node);
	in_multi_filter(ifp, group, true);
	*inmp = inm;
	return 0;
}

void in_delmulti(struct in_multi *inm)
{
	KASSERT(mutex_owned(&softnet_lock));
	KASSERT(inm->inm_refcnt > 0);
	if (--inm->inm_refcnt > 0)
		return;
	if (inm->inm_ifp != NULL) {
		list_remove(&inm->inm_node);
		in_multi_filter(inm->inm_ifp, inm->inm_addr, false);
	}
	kmem_free(inm, sizeof(*inm), &M_INMULTI);
}

/*
 * ifp is going away: memberships sockets still hold stay allocated but
 * off the interface (inm_ifp NULL) until the sockets drop them.
 */
void in_multi_purge_ifp(struct ifnet *ifp)
{
	list_foreach_safe(it, &ifp->if_multiaddrs)
	{
		struct in_multi *inm =
			list_entry(it, struct in_multi, inm_node);
		list_remove(&inm->inm_node);
		inm->inm_ifp = NULL;
	}
}
