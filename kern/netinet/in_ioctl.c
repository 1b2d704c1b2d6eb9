/*
 * in_ioctl.c -- IPv4 address ioctls on Internet sockets (in_control, the
 * protocols' pr_ioctl): adding, changing and deleting addresses and
 * reading the first one, its mask and broadcast address, listing every
 * address (SIOCGIFCONF, records copied out to the caller's buffer);
 * everything else goes to the family-independent ifioctl_common.  Data
 * is the kernel ABI's struct rump_ifreq, rump_in_aliasreq or rump_ifconf.
 * softnet_lock held.
 */
#include <net/if.h>
#include <net/route.h>
#include <netinet/in_proto.h>
#include <netinet/in_var.h>
#include <sys/abi.h>
#include <sys/errno.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

/* The classful mask of an address given without one (old ifconfig). */
static struct in_addr in_default_mask(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);
	struct in_addr m;

	if ((h & 0x80000000u) == 0)
		m.s_addr = htonl(0xff000000u);
	else if ((h & 0xc0000000u) == 0x80000000u)
		m.s_addr = htonl(0xffff0000u);
	else
		m.s_addr = htonl(0xffffff00u);
	return m;
}

static void in_sockaddr_set(struct rump_sockaddr *sa, struct in_addr a)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;

	memset(sin, 0, sizeof(*sin));
	sin->sin_len = sizeof(*sin);
	sin->sin_family = AF_INET;
	sin->sin_addr = a;
}

static int in_aifaddr(struct rump_in_aliasreq *ifra)
{
	struct ifnet *ifp = ifreq_ifp(ifra->ifra_name);
	struct in_addr mask, broad = {0};
	int error;

	if (ifp == NULL)
		return ENXIO;
	if (ifra->ifra_addr.sin_family != AF_INET ||
	    ifra->ifra_addr.sin_len < sizeof(struct sockaddr_in))
		return EAFNOSUPPORT;
	mask = ifra->ifra_mask.sin_len != 0
		       ? ifra->ifra_mask.sin_addr
		       : in_default_mask(ifra->ifra_addr.sin_addr);
	if (ifra->ifra_broadaddr.sin_len != 0 &&
	    ifra->ifra_broadaddr.sin_family == AF_INET)
		broad = ifra->ifra_broadaddr.sin_addr;
	error = in_ifaddr_add(ifp, ifra->ifra_addr.sin_addr, mask, broad);
	return error == EEXIST ? 0 : error;
}

/*
 * SIOCGIFCONF: a record per IPv4 address (name and address); interfaces
 * without one are left out, as Linux lists them.
 */
static int in_ifconf(struct rump_ifconf *ifc)
{
	struct rump_ifreq rec;
	char *ubuf = ifc->ifc_buf;
	int32_t space = ifc->ifc_len, used = 0;
	int error;

	if (space < 0)
		return EINVAL;
	list_foreach(it, &ifnet_list)
	{
		struct ifnet *ifp = list_entry(it, struct ifnet, if_list);
		struct in_ifaddr *ia;

		list_foreach(at, &ifp->if_addrlist)
		{
			struct ifaddr *ifa =
				list_entry(at, struct ifaddr, ifa_node);
			if (ifa->ifa_family != AF_INET)
				continue;
			ia = container_of(ifa, struct in_ifaddr, ia_ifa);
			if (ubuf != NULL) {
				if (space - used < (int32_t)sizeof(rec))
					goto done;
				memset(&rec, 0, sizeof(rec));
				strlcpy(rec.ifr_name, ifp->if_xname,
					sizeof(rec.ifr_name));
				in_sockaddr_set(&rec.ifr_addr, ia->ia_addr);
				error = copyout(&rec, ubuf + used, sizeof(rec));
				if (error != 0)
					return error;
			}
			used += (int32_t)sizeof(rec);
		}
	}
done:
	ifc->ifc_len = used;
	return 0;
}

/*
 * SIOCADDRT/SIOCDELRT: a static route.  A gateway must be on a directly
 * connected network (ENETUNREACH), and on the named interface if one is
 * named; without a gateway the route goes out of the named interface
 * (EINVAL without either).  ENXIO for an unknown interface, EINVAL for a
 * non-contiguous mask or an address of another family, EEXIST for a
 * prefix that has a route, ESRCH to delete one that has none.
 */
static int in_rtrequest(unsigned long cmd, struct rump_rtreq *rr)
{
	const struct sockaddr_in *dst =
		(const struct sockaddr_in *)&rr->rtr_dst;
	const struct sockaddr_in *gw =
		(const struct sockaddr_in *)&rr->rtr_gateway;
	const struct sockaddr_in *mask =
		(const struct sockaddr_in *)&rr->rtr_mask;
	struct in_addr gateway = {0}, any = {0};
	struct ifnet *ifp = NULL;

	if (dst->sin_family != AF_INET ||
	    (mask->sin_family != AF_INET && mask->sin_family != AF_UNSPEC))
		return EINVAL;
	if (cmd == SIOCDELRT)
		return rt_delete(dst->sin_addr, mask->sin_addr);
	if (strnlen(rr->rtr_ifname, IFNAMSIZ) == IFNAMSIZ)
		return EINVAL;
	if (rr->rtr_ifname[0] != '\0' &&
	    (ifp = if_byname(rr->rtr_ifname)) == NULL)
		return ENXIO;
	if (rr->rtr_flags & RTF_GATEWAY) {
		if (gw->sin_family != AF_INET || gw->sin_addr.s_addr == 0)
			return EINVAL;
		gateway = gw->sin_addr;
	}
	return rt_add(dst->sin_addr, mask->sin_addr, gateway, ifp, any,
		      RTF_STATIC |
			      (rr->rtr_flags & (RTF_REJECT | RTF_BLACKHOLE)),
		      NULL);
}

int in_control(struct socket *so, unsigned long cmd, void *data,
	       struct ifnet *ifparg)
{
	struct rump_ifreq *ifr = data;
	const struct sockaddr_in *sin;
	struct in_ifaddr *ia;
	struct ifnet *ifp;
	int error;

	KASSERT(mutex_owned(&softnet_lock));
	switch (cmd) {
	case SIOCAIFADDR:
		return in_aifaddr(data);
	case SIOCGIFCONF:
		return in_ifconf(data);
	case SIOCADDRT:
	case SIOCDELRT:
		return in_rtrequest(cmd, data);
	case SIOCSIFNETMASK:
	case SIOCDIFADDR:
	case SIOCSIFADDR:
	case SIOCGIFADDR:
	case SIOCGIFNETMASK:
	case SIOCGIFBRDADDR:
		break;
	default:
		return ifioctl_common(cmd, data);
	}
	ifp = ifreq_ifp(ifr->ifr_name);
	if (ifp == NULL)
		return ENXIO;
	sin = (const struct sockaddr_in *)&ifr->ifr_addr;
	ia = in_ifaddr_first(ifp);
	switch (cmd) {
	case SIOCDIFADDR:
		if (sin->sin_family == AF_INET &&
		    sin->sin_addr.s_addr != INADDR_ANY)
			return in_ifaddr_delete(ifp, sin->sin_addr);
		if (ia == NULL)
			return EADDRNOTAVAIL;
		return in_ifaddr_delete(ifp, ia->ia_addr);
	case SIOCSIFNETMASK:
		/* The first address gets the mask (AF_UNSPEC is fine). */
		if (ia == NULL)
			return EADDRNOTAVAIL;
		error = in_ifaddr_add(ifp, ia->ia_addr, sin->sin_addr,
				      (struct in_addr){0});
		return error == EEXIST ? 0 : error;
	case SIOCSIFADDR:
		if (sin->sin_family != AF_INET)
			return EAFNOSUPPORT;
		if (ia != NULL &&
		    (error = in_ifaddr_delete(ifp, ia->ia_addr)) != 0)
			return error;
		return in_ifaddr_add(ifp, sin->sin_addr,
				     in_default_mask(sin->sin_addr),
				     (struct in_addr){0});
	}
	if (ia == NULL)
		return EADDRNOTAVAIL;
	switch (cmd) {
	case SIOCGIFADDR:
		in_sockaddr_set(&ifr->ifr_addr, ia->ia_addr);
		break;
	case SIOCGIFNETMASK:
		in_sockaddr_set(&ifr->ifr_addr, ia->ia_netmask);
		break;
	case SIOCGIFBRDADDR:
		in_sockaddr_set(&ifr->ifr_addr, ia->ia_broadaddr);
		break;
	}
	return 0;
}
