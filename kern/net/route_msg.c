/*
 * route_msg.c -- the messages the kernel sends on routing sockets: a
 * route (added, deleted, changed, or the answer to a request), an
 * address added to or removed from an interface, an interface's state,
 * and an interface's arrival or departure.  The routing table, the
 * interface layer and the address code call the rt_msg_* hooks of
 * net/route.h when something changes; with no routing socket open they
 * cost one test.  Layouts are <rump/rtsock.h>'s.  softnet_lock held.
 */
#include <sys/abi.h>
#include <sys/atomic.h>
#include <sys/systm.h>

#include "route_sock.h"

/* The layouts docs/routesock.md gives, the same on every CPU. */
_Static_assert(sizeof(struct rump_rt_msghdr) == 48, "rt_msghdr");
_Static_assert(sizeof(struct rump_if_msghdr) == 24, "if_msghdr");
_Static_assert(sizeof(struct rump_ifa_msghdr) == 24, "ifa_msghdr");
_Static_assert(sizeof(struct rump_if_announcemsghdr) == 24, "ifan");
_Static_assert(sizeof(struct rump_sockaddr_dl) == 40, "sockaddr_dl");

/* Appends a socket address of salen bytes at off, padded; the new end. */
static size_t rt_msg_put(void *buf, size_t off, const void *sa, size_t salen)
{
	size_t room = RUMP_RT_ROUNDUP(salen);

	KASSERT(off + room <= RTSOCK_MSGMAX);
	memset((char *)buf + off, 0, room);
	memcpy((char *)buf + off, sa, salen);
	return off + room;
}

static size_t rt_msg_put_in(void *buf, size_t off, struct in_addr a)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = AF_INET;
	sin.sin_addr = a;
	return rt_msg_put(buf, off, &sin, sizeof(sin));
}

size_t rt_msg_sdl(struct rump_sockaddr_dl *sdl, const struct ifnet *ifp)
{
	size_t nlen = strnlen(ifp->if_xname, IFNAMSIZ);
	size_t alen = MIN((size_t)ifp->if_addrlen, sizeof(ifp->if_lladdr));

	memset(sdl, 0, sizeof(*sdl));
	sdl->sdl_family = AF_LINK;
	sdl->sdl_index = (uint16_t)ifp->if_index;
	sdl->sdl_type = ifp->if_type;
	sdl->sdl_nlen = (uint8_t)nlen;
	sdl->sdl_alen = (uint8_t)alen;
	memcpy(sdl->sdl_data, ifp->if_xname, nlen);
	memcpy(sdl->sdl_data + nlen, ifp->if_lladdr, alen);
	sdl->sdl_len = (uint8_t)(8 + nlen + alen);
	return sdl->sdl_len;
}

static size_t rt_msg_put_ifp(void *buf, size_t off, const struct ifnet *ifp)
{
	struct rump_sockaddr_dl sdl;
	size_t len = rt_msg_sdl(&sdl, ifp);

	return rt_msg_put(buf, off, &sdl, len);
}

size_t rt_msg_build_route(void *buf, int type, const struct rtentry *rt)
{
	struct rump_rt_msghdr *rtm = buf;
	size_t off = sizeof(*rtm);
	int addrs = RUMP_RTA_DST | RUMP_RTA_NETMASK;

	memset(rtm, 0, sizeof(*rtm));
	rtm->rtm_version = RUMP_RTM_VERSION;
	rtm->rtm_type = (uint8_t)type;
	rtm->rtm_flags = rt->rt_flags;
	rtm->rtm_mtu = rt->rt_mtu;
	rtm->rtm_use = rt->rt_use;
	off = rt_msg_put_in(buf, off, rt->rt_dst);
	if (rt->rt_flags & RTF_GATEWAY) {
		off = rt_msg_put_in(buf, off, rt->rt_gateway);
		addrs |= RUMP_RTA_GATEWAY;
	}
	off = rt_msg_put_in(buf, off, rt->rt_mask);
	if (rt->rt_ifp != NULL) {
		rtm->rtm_index = (uint16_t)rt->rt_ifp->if_index;
		off = rt_msg_put_ifp(buf, off, rt->rt_ifp);
		addrs |= RUMP_RTA_IFP;
	}
	if (rt->rt_src.s_addr != INADDR_ANY) {
		off = rt_msg_put_in(buf, off, rt->rt_src);
		addrs |= RUMP_RTA_IFA;
	}
	rtm->rtm_addrs = addrs;
	rtm->rtm_msglen = (uint16_t)off;
	return off;
}

void rt_msg_route(int type, const struct rtentry *rt)
{
	uint64_t buf[RTSOCK_MSGMAX / sizeof(uint64_t)];
	size_t len;

	KASSERT(mutex_owned(&softnet_lock));
	if (!rtsock_any())
		return;
	len = rt_msg_build_route(buf, type, rt);
	rtsock_notify(buf, len);
}

void rt_msg_addr(int type, const struct ifnet *ifp, struct in_addr addr,
		 struct in_addr mask, struct in_addr broad)
{
	uint64_t buf[RTSOCK_MSGMAX / sizeof(uint64_t)];
	struct rump_ifa_msghdr *ifam = (struct rump_ifa_msghdr *)buf;
	size_t off = sizeof(*ifam);
	int addrs = RUMP_RTA_NETMASK | RUMP_RTA_IFP | RUMP_RTA_IFA;

	KASSERT(mutex_owned(&softnet_lock));
	if (!rtsock_any())
		return;
	memset(ifam, 0, sizeof(*ifam));
	ifam->ifam_version = RUMP_RTM_VERSION;
	ifam->ifam_type = (uint8_t)type;
	ifam->ifam_index = (uint16_t)ifp->if_index;
	ifam->ifam_flags = atomic_load_relaxed(&ifp->if_flags);
	off = rt_msg_put_in(buf, off, mask);
	off = rt_msg_put_ifp(buf, off, ifp);
	off = rt_msg_put_in(buf, off, addr);
	if ((ifam->ifam_flags & IFF_BROADCAST) && broad.s_addr != INADDR_ANY) {
		off = rt_msg_put_in(buf, off, broad);
		addrs |= RUMP_RTA_BRD;
	}
	ifam->ifam_addrs = addrs;
	ifam->ifam_msglen = (uint16_t)off;
	rtsock_broadcast(buf, off, NULL);
}

void rt_msg_ifinfo(const struct ifnet *ifp)
{
	uint64_t buf[RTSOCK_MSGMAX / sizeof(uint64_t)];
	struct rump_if_msghdr *ifm = (struct rump_if_msghdr *)buf;
	size_t off = sizeof(*ifm);

	KASSERT(mutex_owned(&softnet_lock));
	if (!rtsock_any())
		return;
	memset(ifm, 0, sizeof(*ifm));
	ifm->ifm_version = RUMP_RTM_VERSION;
	ifm->ifm_type = RUMP_RTM_IFINFO;
	ifm->ifm_index = (uint16_t)ifp->if_index;
	/* Drivers flip IFF_RUNNING from their own threads. */
	ifm->ifm_flags = atomic_load_relaxed(&ifp->if_flags);
	ifm->ifm_mtu = ifp->if_mtu;
	off = rt_msg_put_ifp(buf, off, ifp);
	ifm->ifm_addrs = RUMP_RTA_IFP;
	ifm->ifm_msglen = (uint16_t)off;
	rtsock_broadcast(buf, off, NULL);
}

void rt_msg_ifannounce(const struct ifnet *ifp, int what)
{
	struct rump_if_announcemsghdr ifan;

	KASSERT(mutex_owned(&softnet_lock));
	if (!rtsock_any())
		return;
	memset(&ifan, 0, sizeof(ifan));
	ifan.ifan_msglen = sizeof(ifan);
	ifan.ifan_version = RUMP_RTM_VERSION;
	ifan.ifan_type = RUMP_RTM_IFANNOUNCE;
	ifan.ifan_index = (uint16_t)ifp->if_index;
	ifan.ifan_what = (uint16_t)what;
	strlcpy(ifan.ifan_name, ifp->if_xname, sizeof(ifan.ifan_name));
	rtsock_broadcast(&ifan, sizeof(ifan), NULL);
}
