/*
 * route_req.c -- what a process writes on a routing socket: one request
 * (RTM_ADD, RTM_DELETE, RTM_CHANGE, RTM_GET) per write, checked field
 * by field before anything is touched, carried out on the routing table
 * and answered on the writer's socket: the route as it now is (RTF_DONE
 * set), or the request itself with rtm_errno.  A message too short for
 * its header or whose rtm_msglen is not the write's length gets EINVAL
 * and no answer: nothing in it can be trusted.  softnet_lock held.
 */
#include <sys/abi.h>
#include <sys/errno.h>
#include <sys/proc.h>
#include <sys/systm.h>

#include "route_sock.h"

/* The request's socket addresses, by RTAX index (RTA_* bit number). */
struct rt_req {
	const struct rump_rt_msghdr *rq_rtm;
	const uint8_t *rq_sa[RUMP_RTAX_MAX];
};
#define RTAX_DST 0
#define RTAX_GATEWAY 1
#define RTAX_NETMASK 2
#define RTAX_IFP 4

/*
 * Locates each address the mask announces: sa_len bytes, padded to
 * RUMP_RT_ROUNDUP, inside the message, which they must fill exactly.
 */
static int rt_req_parse(const uint8_t *msg, size_t len, struct rt_req *rq)
{
	size_t off = sizeof(struct rump_rt_msghdr);
	int32_t addrs = rq->rq_rtm->rtm_addrs;

	if (addrs & ~((1 << RUMP_RTAX_MAX) - 1))
		return EINVAL;
	for (int i = 0; i < RUMP_RTAX_MAX; i++) {
		size_t room;

		rq->rq_sa[i] = NULL;
		if (!(addrs & (1 << i)))
			continue;
		if (off >= len)
			return EINVAL;
		room = RUMP_RT_ROUNDUP(msg[off]);
		if (room > len - off)
			return EINVAL;
		rq->rq_sa[i] = msg + off;
		off += room;
	}
	return off == len ? 0 : EINVAL;
}

/* An IPv4 address: a whole struct sockaddr_in of family AF_INET. */
static int rt_req_in(const uint8_t *sa, struct in_addr *a)
{
	struct sockaddr_in sin;

	if (sa[0] != sizeof(sin))
		return EINVAL;
	memcpy(&sin, sa, sizeof(sin));
	if (sin.sin_family != AF_INET)
		return EAFNOSUPPORT;
	*a = sin.sin_addr;
	return 0;
}

/*
 * A mask: BSD trims trailing zero bytes, so sa_len may be anything up to
 * a struct sockaddr_in (0 is the default route's); the family is not
 * looked at.  Absent, or with RTF_HOST, the route is a host's (/32).
 */
static int rt_req_mask(const struct rt_req *rq, struct in_addr *mask)
{
	const uint8_t *sa = rq->rq_sa[RTAX_NETMASK];
	struct sockaddr_in sin;

	mask->s_addr = 0xffffffffu;
	if (sa == NULL)
		return 0;
	if (sa[0] > sizeof(sin))
		return EINVAL;
	memset(&sin, 0, sizeof(sin));
	memcpy(&sin, sa, sa[0]);
	if ((rq->rq_rtm->rtm_flags & RTF_HOST) &&
	    sin.sin_addr.s_addr != 0xffffffffu)
		return EINVAL;
	*mask = sin.sin_addr;
	return rt_mask_to_plen(*mask) < 0 ? EINVAL : 0;
}

/* An interface: a link-level address naming it by index or by name. */
static int rt_req_ifp(const uint8_t *sa, struct ifnet **ifpp)
{
	struct rump_sockaddr_dl sdl;
	char name[IFNAMSIZ];

	if (sa[0] < 8 || sa[0] > sizeof(sdl))
		return EINVAL;
	memset(&sdl, 0, sizeof(sdl));
	memcpy(&sdl, sa, sa[0]);
	if (sdl.sdl_family != AF_LINK)
		return EAFNOSUPPORT;
	if (sdl.sdl_index != 0) {
		*ifpp = if_byindex(sdl.sdl_index);
		return *ifpp != NULL ? 0 : ENXIO;
	}
	if (sdl.sdl_nlen == 0 || sdl.sdl_nlen >= IFNAMSIZ ||
	    8u + sdl.sdl_nlen + sdl.sdl_alen > sdl.sdl_len)
		return EINVAL;
	memcpy(name, sdl.sdl_data, sdl.sdl_nlen);
	name[sdl.sdl_nlen] = '\0';
	*ifpp = if_byname(name);
	return *ifpp != NULL ? 0 : ENXIO;
}

/*
 * The next hop of an add or change: with RTF_GATEWAY an IPv4 gateway
 * (not 0.0.0.0), else an interface named by RTA_IFP or by a gateway of
 * family AF_LINK (BSD's "route add -interface").  *nexthop tells whether
 * the request names one at all.
 */
static int rt_req_nexthop(const struct rt_req *rq, struct in_addr *gateway,
			  struct ifnet **ifpp, bool *nexthop)
{
	const uint8_t *gw = rq->rq_sa[RTAX_GATEWAY];
	struct ifnet *gwifp = NULL;
	int error;

	gateway->s_addr = 0;
	*ifpp = NULL;
	if (rq->rq_sa[RTAX_IFP] != NULL &&
	    (error = rt_req_ifp(rq->rq_sa[RTAX_IFP], ifpp)) != 0)
		return error;
	if (rq->rq_rtm->rtm_flags & RTF_GATEWAY) {
		if (gw == NULL)
			return EINVAL;
		if ((error = rt_req_in(gw, gateway)) != 0)
			return error;
		if (gateway->s_addr == 0)
			return EINVAL;
		*nexthop = true;
		return 0;
	}
	if (gw != NULL) {
		if (gw[0] < 2 || gw[1] != AF_LINK)
			return EINVAL; /* an IPv4 gateway needs RTF_GATEWAY */
		if ((error = rt_req_ifp(gw, &gwifp)) != 0)
			return error;
		if (*ifpp != NULL && *ifpp != gwifp)
			return EINVAL;
		*ifpp = gwifp;
	}
	*nexthop = *ifpp != NULL;
	return 0;
}

/* rtm_inits' MTU: 0 (the interface's) or 68..IF_MTU_MAX. */
static int rt_req_mtu(const struct rt_req *rq, bool *set, uint32_t *mtu)
{
	*set = (rq->rq_rtm->rtm_inits & RUMP_RTV_MTU) != 0;
	*mtu = *set ? rq->rq_rtm->rtm_mtu : 0;
	if (*mtu != 0 && (*mtu < 68 || *mtu > IF_MTU_MAX))
		return EINVAL;
	return 0;
}

/* The destination and mask every request but a lookup names. */
static int rt_req_prefix(const struct rt_req *rq, struct in_addr *dst,
			 struct in_addr *mask)
{
	int error;

	if (rq->rq_sa[RTAX_DST] == NULL)
		return EINVAL;
	if ((error = rt_req_in(rq->rq_sa[RTAX_DST], dst)) != 0)
		return error;
	return rt_req_mask(rq, mask);
}

static int rt_req_add(const struct rt_req *rq, void *reply, size_t *replylen)
{
	struct in_addr dst, mask, gateway, any = {0};
	struct ifnet *ifp;
	struct rtentry *rt;
	bool nexthop, setmtu;
	uint32_t mtu;
	int error;

	if ((error = rt_req_prefix(rq, &dst, &mask)) != 0 ||
	    (error = rt_req_nexthop(rq, &gateway, &ifp, &nexthop)) != 0 ||
	    (error = rt_req_mtu(rq, &setmtu, &mtu)) != 0)
		return error;
	if (!nexthop)
		return EINVAL;
	error = rt_add_mtu(dst, mask, gateway, ifp, any,
			   RTF_STATIC | (rq->rq_rtm->rtm_flags &
					 (RTF_REJECT | RTF_BLACKHOLE)),
			   mtu, &rt);
	if (error == 0)
		*replylen = rt_msg_build_route(reply, RUMP_RTM_ADD, rt);
	return error;
}

static int rt_req_delete(const struct rt_req *rq, void *reply, size_t *replylen)
{
	struct in_addr dst, mask;
	struct rtentry *rt;
	int error;

	if ((error = rt_req_prefix(rq, &dst, &mask)) != 0)
		return error;
	if ((rt = rt_find(dst, mask)) == NULL)
		return ESRCH;
	*replylen = rt_msg_build_route(reply, RUMP_RTM_DELETE, rt);
	return rt_delete(dst, mask);
}

static int rt_req_change(const struct rt_req *rq, void *reply, size_t *replylen)
{
	struct rt_change_req rc = {.rc_flags = rq->rq_rtm->rtm_flags};
	struct in_addr dst, mask;
	struct rtentry *rt;
	int error;

	if ((error = rt_req_prefix(rq, &dst, &mask)) != 0 ||
	    (error = rt_req_nexthop(rq, &rc.rc_gateway, &rc.rc_ifp,
				    &rc.rc_nexthop)) != 0 ||
	    (error = rt_req_mtu(rq, &rc.rc_setmtu, &rc.rc_mtu)) != 0)
		return error;
	if ((rt = rt_find(dst, mask)) == NULL)
		return ESRCH;
	if ((error = rt_change(rt, &rc)) == 0)
		*replylen = rt_msg_build_route(reply, RUMP_RTM_CHANGE, rt);
	return error;
}

/* With a mask: that prefix's route; without: the longest match. */
static int rt_req_get(const struct rt_req *rq, void *reply, size_t *replylen)
{
	struct in_addr dst, mask;
	struct rtentry *rt;
	int error;

	if ((error = rt_req_prefix(rq, &dst, &mask)) != 0)
		return error;
	if (rq->rq_sa[RTAX_NETMASK] != NULL)
		rt = rt_find(dst, mask);
	else
		rt = rt_peek(dst);
	if (rt == NULL)
		return ESRCH;
	*replylen = rt_msg_build_route(reply, RUMP_RTM_GET, rt);
	return 0;
}

static int rt_req_run(const uint8_t *msg, size_t len, void *reply,
		      size_t *replylen)
{
	struct rt_req rq = {.rq_rtm = (const struct rump_rt_msghdr *)msg};
	int error;

	if (rq.rq_rtm->rtm_version != RUMP_RTM_VERSION)
		return EPROTONOSUPPORT;
	if ((error = rt_req_parse(msg, len, &rq)) != 0)
		return error;
	switch (rq.rq_rtm->rtm_type) {
	case RUMP_RTM_ADD:
		return rt_req_add(&rq, reply, replylen);
	case RUMP_RTM_DELETE:
		return rt_req_delete(&rq, reply, replylen);
	case RUMP_RTM_CHANGE:
		return rt_req_change(&rq, reply, replylen);
	case RUMP_RTM_GET:
		return rt_req_get(&rq, reply, replylen);
	default:
		return EOPNOTSUPP; /* the kernel's own messages included */
	}
}

int rtsock_request(struct socket *so, void *msg, size_t len)
{
	uint64_t reply[RTSOCK_MSGMAX / sizeof(uint64_t)];
	struct rump_rt_msghdr *rtm = msg;
	size_t replylen = 0;
	int error;

	KASSERT(mutex_owned(&softnet_lock));
	if (len < sizeof(*rtm) || rtm->rtm_msglen != len)
		return EINVAL;
	rtsock_origin.ro_so = so;
	rtsock_origin.ro_pid = (int32_t)curproc->p_pid;
	rtsock_origin.ro_seq = rtm->rtm_seq;
	error = rt_req_run(msg, len, reply, &replylen);
	rtsock_origin.ro_so = NULL;
	if (error == 0) {
		struct rump_rt_msghdr *ans = (struct rump_rt_msghdr *)reply;

		ans->rtm_flags |= RTF_DONE;
		ans->rtm_pid = (int32_t)curproc->p_pid;
		ans->rtm_seq = rtm->rtm_seq;
		ans->rtm_inits = rtm->rtm_inits;
		rtsock_deliver(so, reply, replylen);
	} else {
		/*
		 * The request comes back as it was, with the reason, in this
		 * version so that its reader can parse it.
		 */
		rtm->rtm_version = RUMP_RTM_VERSION;
		rtm->rtm_errno = error;
		rtm->rtm_pid = (int32_t)curproc->p_pid;
		rtsock_deliver(so, msg, len);
	}
	return error;
}
