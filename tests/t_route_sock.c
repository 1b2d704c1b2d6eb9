/*
 * t_route_sock.c -- the routing socket (docs/routesock.md) from a host
 * program: creating one (RUMP_PF_ROUTE; Linux's AF_NETLINK refused),
 * RTM_ADD, RTM_GET (longest prefix and exact), RTM_CHANGE and RTM_DELETE
 * with their exact answers, the errors (EEXIST, ESRCH, ENETUNREACH,
 * EINVAL ...) both as write's errno and as rtm_errno, traffic following
 * a route added through the socket (the source a connect picks, the
 * packets counted on the gateway's interface), a listener hearing of
 * changes made by the ioctls, by netconfig and by another routing
 * socket, a slow reader's overflow (ENOBUFS once), and hostile messages
 * (malformed by hand, then thousands of mutations) that never crash;
 * and all of it under random allocation failure, leak-checked.
 */
#include <arpa/inet.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rump/netconfig.h>
#include <rump/rtsock.h>
#include <rump/rumphost.h>

#include "testlib.h"

/* A message, aligned for its header. */
union rtbuf {
	struct rump_rt_msghdr rtm;
	struct rump_if_msghdr ifm;
	struct rump_ifa_msghdr ifam;
	struct rump_if_announcemsghdr ifan;
	uint64_t align;
	char b[1024];
};

static int seq;

static int rtsock(void)
{
	return (int)CHECK_SYS(rump_sys_socket(RUMP_PF_ROUTE, SOCK_RAW, 0));
}

static uint32_t inaddr(const char *a)
{
	struct in_addr in;

	CHECK_EQ(inet_pton(AF_INET, a, &in), 1);
	return in.s_addr;
}

static size_t put(union rtbuf *m, size_t off, const void *sa, size_t len)
{
	memcpy(m->b + off, sa, len);
	return off + RUMP_RT_ROUNDUP(len);
}

static size_t put_in(union rtbuf *m, size_t off, const char *a)
{
	struct rump_sockaddr_in sin = {.sin_len = sizeof(sin),
				       .sin_family = RUMP_AF_INET};

	sin.sin_addr.s_addr = inaddr(a);
	return put(m, off, &sin, sizeof(sin));
}

static size_t put_ifname(union rtbuf *m, size_t off, const char *name)
{
	struct rump_sockaddr_dl sdl = {.sdl_family = RUMP_AF_LINK};

	sdl.sdl_nlen = (uint8_t)strlen(name);
	memcpy(sdl.sdl_data, name, sdl.sdl_nlen);
	sdl.sdl_len = (uint8_t)(8 + sdl.sdl_nlen);
	return put(m, off, &sdl, sdl.sdl_len);
}

/*
 * A request: dst, mask (NULL: none), gateway (NULL: none; with
 * RUMP_RTF_GATEWAY in flags an address), interface name (NULL: none).
 */
static size_t build(union rtbuf *m, int type, int flags, const char *dst,
		    const char *mask, const char *gw, const char *ifname)
{
	size_t off = sizeof(m->rtm);

	memset(m, 0, sizeof(*m));
	m->rtm.rtm_version = RUMP_RTM_VERSION;
	m->rtm.rtm_type = (uint8_t)type;
	m->rtm.rtm_flags = flags;
	m->rtm.rtm_seq = ++seq;
	if (dst != NULL) {
		off = put_in(m, off, dst);
		m->rtm.rtm_addrs |= RUMP_RTA_DST;
	}
	if (gw != NULL) {
		off = put_in(m, off, gw);
		m->rtm.rtm_addrs |= RUMP_RTA_GATEWAY;
	}
	if (mask != NULL) {
		off = put_in(m, off, mask);
		m->rtm.rtm_addrs |= RUMP_RTA_NETMASK;
	}
	if (ifname != NULL) {
		off = put_ifname(m, off, ifname);
		m->rtm.rtm_addrs |= RUMP_RTA_IFP;
	}
	m->rtm.rtm_msglen = (uint16_t)off;
	return off;
}

/* The next message waiting on s (its length), or 0 when none is. */
static ssize_t next_msg(int s, union rtbuf *m)
{
	ssize_t n;

	memset(m, 0, sizeof(*m));
	n = rump_sys_recv(s, m->b, sizeof(m->b), MSG_DONTWAIT);
	if (n < 0) {
		CHECK_EQ(errno, EAGAIN);
		return 0;
	}
	CHECK(n >= 4);
	CHECK_EQ(m->rtm.rtm_msglen, n);
	CHECK_EQ(m->rtm.rtm_version, RUMP_RTM_VERSION);
	return n;
}

/*
 * Writes the request in m and reads its answer back into m: write's
 * errno (0 on success); the answer is the writer's only message.
 */
static int request(int s, union rtbuf *m, size_t len)
{
	int32_t myseq = m->rtm.rtm_seq;
	int error = 0;
	ssize_t n;

	if (rump_sys_write(s, m->b, len) != (ssize_t)len)
		error = errno;
	n = next_msg(s, m);
	CHECK(n > 0);
	CHECK_EQ(m->rtm.rtm_seq, myseq);
	CHECK_EQ(m->rtm.rtm_pid, rump_sys_getpid());
	CHECK_EQ(m->rtm.rtm_errno,
		 error == 0 ? 0 : rumphost_errno_kernel(error));
	if (error == 0)
		CHECK(m->rtm.rtm_flags & RUMP_RTF_DONE);
	{
		union rtbuf extra;
		CHECK_EQ(next_msg(s, &extra), 0);
	}
	return error;
}

/* The address of bit in message m, or NULL. */
static const uint8_t *addr_of(const union rtbuf *m, size_t hdrlen, int addrs,
			      int bit)
{
	size_t off = hdrlen;

	for (int b = 1; b < (1 << RUMP_RTAX_MAX); b <<= 1) {
		if (!(addrs & b))
			continue;
		if (b == bit)
			return (const uint8_t *)m->b + off;
		off += RUMP_RT_ROUNDUP(m->b[off]);
	}
	return NULL;
}

static void check_in(const union rtbuf *m, int bit, const char *a)
{
	const uint8_t *sa = addr_of(m, sizeof(m->rtm), m->rtm.rtm_addrs, bit);
	struct rump_sockaddr_in sin;

	CHECK(sa != NULL);
	CHECK_EQ(sa[0], sizeof(sin));
	memcpy(&sin, sa, sizeof(sin));
	CHECK_EQ(sin.sin_family, RUMP_AF_INET);
	CHECK_EQ(sin.sin_addr.s_addr, inaddr(a));
}

static void check_ifp(const union rtbuf *m, size_t hdrlen, int addrs,
		      const char *name)
{
	const uint8_t *sa = addr_of(m, hdrlen, addrs, RUMP_RTA_IFP);
	struct rump_sockaddr_dl sdl;

	CHECK(sa != NULL);
	memset(&sdl, 0, sizeof(sdl));
	memcpy(&sdl, sa, sa[0]);
	CHECK_EQ(sdl.sdl_family, RUMP_AF_LINK);
	CHECK_EQ(sdl.sdl_nlen, strlen(name));
	CHECK(memcmp(sdl.sdl_data, name, sdl.sdl_nlen) == 0);
	CHECK_EQ(sdl.sdl_len, 8 + sdl.sdl_nlen + sdl.sdl_alen);
	CHECK(sdl.sdl_index > 0);
}

static void check_sockets(void)
{
	int s;

	CHECK_ERRNO(rump_sys_socket(AF_NETLINK, SOCK_RAW, 0), EAFNOSUPPORT);
	CHECK_ERRNO(rump_sys_socket(RUMP_PF_ROUTE, SOCK_DGRAM, 0),
		    ESOCKTNOSUPPORT);
	CHECK_ERRNO(rump_sys_socket(RUMP_PF_ROUTE, SOCK_RAW, IPPROTO_UDP),
		    EPROTONOSUPPORT);
	s = (int)CHECK_SYS(rump_sys_socket(RUMP_PF_ROUTE, SOCK_RAW, AF_INET));
	CHECK_SYS(rump_sys_close(s));
	s = rtsock();
	{
		struct sockaddr_in sin = {.sin_family = AF_INET};
		CHECK_ERRNO(
			rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)),
			EOPNOTSUPP);
	}
	/* Nothing happened yet: nothing to read. */
	{
		union rtbuf m;
		CHECK_EQ(next_msg(s, &m), 0);
	}
	CHECK_SYS(rump_sys_close(s));
}

/* lo1 (10.77.0.1/24) is the connected network gateways are on. */
static void setup(void)
{
	CHECK_EQ(rump_pub_netconfig_ifcreate("lo1"), 0);
	CHECK_EQ(rump_pub_netconfig_ipv4_ifaddr("lo1", "10.77.0.1",
						"255.255.255.0"),
		 0);
}

static void check_roundtrip(void)
{
	union rtbuf m;
	size_t len;
	int s = rtsock();

	/* Add: the answer is the route as installed. */
	len = build(&m, RUMP_RTM_ADD, RUMP_RTF_GATEWAY, "10.60.0.0",
		    "255.255.0.0", "10.77.0.2", NULL);
	CHECK_EQ(request(s, &m, len), 0);
	CHECK_EQ(m.rtm.rtm_type, RUMP_RTM_ADD);
	CHECK_EQ(m.rtm.rtm_flags, RUMP_RTF_UP | RUMP_RTF_GATEWAY |
					  RUMP_RTF_STATIC | RUMP_RTF_DONE);
	CHECK_EQ(m.rtm.rtm_addrs, RUMP_RTA_DST | RUMP_RTA_GATEWAY |
					  RUMP_RTA_NETMASK | RUMP_RTA_IFP |
					  RUMP_RTA_IFA);
	check_in(&m, RUMP_RTA_DST, "10.60.0.0");
	check_in(&m, RUMP_RTA_GATEWAY, "10.77.0.2");
	check_in(&m, RUMP_RTA_NETMASK, "255.255.0.0");
	check_in(&m, RUMP_RTA_IFA, "10.77.0.1");
	check_ifp(&m, sizeof(m.rtm), m.rtm.rtm_addrs, "lo1");
	CHECK_EQ(m.rtm.rtm_msglen,
		 sizeof(m.rtm) + 4 * 16 + RUMP_RT_ROUNDUP(8 + 3 + 0));
	/* A duplicate. */
	len = build(&m, RUMP_RTM_ADD, RUMP_RTF_GATEWAY, "10.60.0.0",
		    "255.255.0.0", "10.77.0.2", NULL);
	CHECK_EQ(request(s, &m, len), EEXIST);
	CHECK_EQ(m.rtm.rtm_type, RUMP_RTM_ADD);
	CHECK_EQ(m.rtm.rtm_msglen, len); /* the request, echoed */
	/* Get: the longest prefix for an address inside it. */
	len = build(&m, RUMP_RTM_GET, 0, "10.60.1.2", NULL, NULL, NULL);
	CHECK_EQ(request(s, &m, len), 0);
	CHECK_EQ(m.rtm.rtm_type, RUMP_RTM_GET);
	check_in(&m, RUMP_RTA_DST, "10.60.0.0");
	check_in(&m, RUMP_RTA_NETMASK, "255.255.0.0");
	check_in(&m, RUMP_RTA_GATEWAY, "10.77.0.2");
	/* The connected network's own route. */
	len = build(&m, RUMP_RTM_GET, 0, "10.77.0.9", NULL, NULL, NULL);
	CHECK_EQ(request(s, &m, len), 0);
	CHECK(m.rtm.rtm_flags & RUMP_RTF_CONNECTED);
	CHECK(!(m.rtm.rtm_flags & RUMP_RTF_GATEWAY));
	CHECK(addr_of(&m, sizeof(m.rtm), m.rtm.rtm_addrs, RUMP_RTA_GATEWAY) ==
	      NULL);
	check_in(&m, RUMP_RTA_DST, "10.77.0.0");
	check_ifp(&m, sizeof(m.rtm), m.rtm.rtm_addrs, "lo1");
	/* Exact: a /24 inside the /16 has no route of its own. */
	len = build(&m, RUMP_RTM_GET, 0, "10.60.1.0", "255.255.255.0", NULL,
		    NULL);
	CHECK_EQ(request(s, &m, len), ESRCH);
	CHECK_EQ(m.rtm.rtm_errno, RUMP_ESRCH);
	len = build(&m, RUMP_RTM_GET, 0, "192.0.2.1", NULL, NULL, NULL);
	CHECK_EQ(request(s, &m, len), ESRCH);

	/* Change: another gateway and an MTU of its own. */
	len = build(&m, RUMP_RTM_CHANGE, RUMP_RTF_GATEWAY, "10.60.0.0",
		    "255.255.0.0", "10.77.0.3", NULL);
	m.rtm.rtm_inits = RUMP_RTV_MTU;
	m.rtm.rtm_mtu = 1400;
	CHECK_EQ(request(s, &m, len), 0);
	CHECK_EQ(m.rtm.rtm_type, RUMP_RTM_CHANGE);
	check_in(&m, RUMP_RTA_GATEWAY, "10.77.0.3");
	CHECK_EQ(m.rtm.rtm_mtu, 1400);
	len = build(&m, RUMP_RTM_GET, 0, "10.60.0.0", "255.255.0.0", NULL,
		    NULL);
	CHECK_EQ(request(s, &m, len), 0);
	check_in(&m, RUMP_RTA_GATEWAY, "10.77.0.3");
	CHECK_EQ(m.rtm.rtm_mtu, 1400);
	len = build(&m, RUMP_RTM_CHANGE, RUMP_RTF_GATEWAY, "10.60.0.0",
		    "255.255.0.0", "10.99.0.1", NULL);
	CHECK_EQ(request(s, &m, len), ENETUNREACH);
	len = build(&m, RUMP_RTM_CHANGE, RUMP_RTF_GATEWAY, "10.61.0.0",
		    "255.255.0.0", "10.77.0.3", NULL);
	CHECK_EQ(request(s, &m, len), ESRCH);
	/* A connected route keeps its next hop. */
	len = build(&m, RUMP_RTM_CHANGE, RUMP_RTF_GATEWAY, "10.77.0.0",
		    "255.255.255.0", "10.77.0.3", NULL);
	CHECK_EQ(request(s, &m, len), EINVAL);

	/* Delete: the answer is the route that went. */
	len = build(&m, RUMP_RTM_DELETE, 0, "10.60.0.0", "255.255.0.0", NULL,
		    NULL);
	CHECK_EQ(request(s, &m, len), 0);
	CHECK_EQ(m.rtm.rtm_type, RUMP_RTM_DELETE);
	check_in(&m, RUMP_RTA_DST, "10.60.0.0");
	check_in(&m, RUMP_RTA_GATEWAY, "10.77.0.3");
	CHECK_EQ(request(s, &m,
			 build(&m, RUMP_RTM_DELETE, 0, "10.60.0.0",
			       "255.255.0.0", NULL, NULL)),
		 ESRCH);
	CHECK_EQ(request(s, &m,
			 build(&m, RUMP_RTM_GET, 0, "10.60.1.2", NULL, NULL,
			       NULL)),
		 ESRCH);

	/* A gateway on no connected network. */
	len = build(&m, RUMP_RTM_ADD, RUMP_RTF_GATEWAY, "10.62.0.0",
		    "255.255.0.0", "10.99.0.1", NULL);
	CHECK_EQ(request(s, &m, len), ENETUNREACH);
	CHECK_EQ(m.rtm.rtm_errno, RUMP_ENETUNREACH);
	/* A host route (no mask) straight out of an interface. */
	len = build(&m, RUMP_RTM_ADD, RUMP_RTF_HOST, "10.63.0.5", NULL, NULL,
		    "lo1");
	CHECK_EQ(request(s, &m, len), 0);
	CHECK(m.rtm.rtm_flags & RUMP_RTF_HOST);
	check_in(&m, RUMP_RTA_NETMASK, "255.255.255.255");
	check_ifp(&m, sizeof(m.rtm), m.rtm.rtm_addrs, "lo1");
	CHECK_EQ(request(s, &m,
			 build(&m, RUMP_RTM_DELETE, 0, "10.63.0.5", NULL, NULL,
			       NULL)),
		 0);
	CHECK_SYS(rump_sys_close(s));
}

static uint64_t lo1_opackets(void)
{
	struct rump_sysctl_if ifs[16];
	size_t len = sizeof(ifs);

	CHECK_SYS(rump_sys_sysctlbyname("net.link.ifs", ifs, &len, NULL, 0));
	for (size_t i = 0; i < len / sizeof(ifs[0]); i++)
		if (strcmp(ifs[i].sif_name, "lo1") == 0)
			return ifs[i].sif_opackets;
	CHECK(!"lo1 in net.link.ifs");
	return 0;
}

/* The default route, added by the socket, carries traffic. */
static void check_traffic(void)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
	struct sockaddr_in me;
	socklen_t melen = sizeof(me);
	union rtbuf m;
	uint64_t before;
	int s = rtsock(), u;

	to.sin_addr.s_addr = inaddr("198.51.100.7");
	u = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));
	CHECK_ERRNO(rump_sys_connect(u, (struct sockaddr *)&to, sizeof(to)),
		    ENETUNREACH);
	CHECK_EQ(request(s, &m,
			 build(&m, RUMP_RTM_ADD, RUMP_RTF_GATEWAY, "0.0.0.0",
			       "0.0.0.0", "10.77.0.2", NULL)),
		 0);
	CHECK_SYS(rump_sys_connect(u, (struct sockaddr *)&to, sizeof(to)));
	CHECK_SYS(rump_sys_getsockname(u, (struct sockaddr *)&me, &melen));
	CHECK_EQ(me.sin_addr.s_addr, inaddr("10.77.0.1"));
	before = lo1_opackets();
	for (int i = 0; i < 5; i++)
		CHECK_EQ(rump_sys_send(u, "x", 1, 0), 1);
	CHECK_EQ(lo1_opackets(), before + 5);
	CHECK_EQ(request(s, &m,
			 build(&m, RUMP_RTM_GET, 0, "198.51.100.7", NULL, NULL,
			       NULL)),
		 0);
	CHECK(m.rtm.rtm_use >= 1);
	CHECK_EQ(request(s, &m,
			 build(&m, RUMP_RTM_DELETE, 0, "0.0.0.0", "0.0.0.0",
			       NULL, NULL)),
		 0);
	CHECK_ERRNO(rump_sys_send(u, "x", 1, 0), ENETUNREACH);
	CHECK_SYS(rump_sys_close(u));
	CHECK_SYS(rump_sys_close(s));
}

/* Reads what waits on s into msgs (at most n); how many there were. */
static int drain(int s, union rtbuf *msgs, int n)
{
	int got = 0;
	union rtbuf tmp;

	while (next_msg(s, got < n ? &msgs[got] : &tmp) > 0)
		got++;
	return got;
}

/* The index of the first message from i of type (and what), or -1. */
static int find(const union rtbuf *msgs, int n, int from, int type)
{
	for (int i = from; i < n; i++)
		if (msgs[i].rtm.rtm_type == type)
			return i;
	return -1;
}

static void check_listener(void)
{
	static union rtbuf msgs[64];
	struct rtentry rt;
	struct sockaddr_in *sin;
	union rtbuf m;
	int l = rtsock(), w = rtsock(), in, n, i;

	/* A route by Linux's SIOCADDRT. */
	in = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));
	memset(&rt, 0, sizeof(rt));
	sin = (struct sockaddr_in *)&rt.rt_dst;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = inaddr("10.64.0.0");
	sin = (struct sockaddr_in *)&rt.rt_gateway;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = inaddr("10.77.0.2");
	sin = (struct sockaddr_in *)&rt.rt_genmask;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = inaddr("255.255.0.0");
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	CHECK_SYS(rump_sys_ioctl(in, SIOCADDRT, &rt));
	n = drain(l, msgs, 64);
	CHECK_EQ(n, 1);
	CHECK_EQ(msgs[0].rtm.rtm_type, RUMP_RTM_ADD);
	CHECK_EQ(msgs[0].rtm.rtm_pid, 0);
	CHECK_EQ(msgs[0].rtm.rtm_flags & RUMP_RTF_DONE, 0);
	check_in(&msgs[0], RUMP_RTA_DST, "10.64.0.0");
	check_in(&msgs[0], RUMP_RTA_GATEWAY, "10.77.0.2");
	CHECK_SYS(rump_sys_ioctl(in, SIOCDELRT, &rt));
	CHECK_EQ(drain(l, msgs, 64), 1);
	CHECK_EQ(msgs[0].rtm.rtm_type, RUMP_RTM_DELETE);
	CHECK_EQ(drain(w, msgs, 64), 2); /* w hears them too */

	/* Another routing socket: l hears the change with w's pid and seq. */
	CHECK_EQ(request(w, &m,
			 build(&m, RUMP_RTM_ADD, RUMP_RTF_GATEWAY, "10.65.0.0",
			       "255.255.0.0", "10.77.0.2", NULL)),
		 0);
	CHECK_EQ(drain(l, msgs, 64), 1);
	CHECK_EQ(msgs[0].rtm.rtm_type, RUMP_RTM_ADD);
	CHECK_EQ(msgs[0].rtm.rtm_pid, rump_sys_getpid());
	CHECK_EQ(msgs[0].rtm.rtm_seq, seq);
	check_in(&msgs[0], RUMP_RTA_DST, "10.65.0.0");
	/* A failed request is the writer's business only. */
	CHECK_EQ(request(w, &m,
			 build(&m, RUMP_RTM_ADD, RUMP_RTF_GATEWAY, "10.65.0.0",
			       "255.255.0.0", "10.77.0.2", NULL)),
		 EEXIST);
	CHECK_EQ(request(w, &m,
			 build(&m, RUMP_RTM_DELETE, 0, "10.65.0.0",
			       "255.255.0.0", NULL, NULL)),
		 0);
	n = drain(l, msgs, 64);
	CHECK_EQ(n, 1);
	CHECK_EQ(msgs[0].rtm.rtm_type, RUMP_RTM_DELETE);

	/* netconfig: create, address, down, up, destroy. */
	CHECK_EQ(rump_pub_netconfig_ifcreate("lo2"), 0);
	n = drain(l, msgs, 64);
	CHECK_EQ(n, 1);
	CHECK_EQ(msgs[0].ifan.ifan_type, RUMP_RTM_IFANNOUNCE);
	CHECK_EQ(msgs[0].ifan.ifan_what, RUMP_IFAN_ARRIVAL);
	CHECK(strcmp(msgs[0].ifan.ifan_name, "lo2") == 0);
	CHECK_EQ(msgs[0].ifan.ifan_msglen, sizeof(msgs[0].ifan));
	CHECK_EQ(rump_pub_netconfig_ipv4_ifaddr_cidr("lo2", "10.78.0.1", 16),
		 0);
	n = drain(l, msgs, 64);
	CHECK((i = find(msgs, n, 0, RUMP_RTM_NEWADDR)) >= 0);
	{
		const union rtbuf *a = &msgs[i];
		const uint8_t *sa;
		struct rump_sockaddr_in sin4;

		CHECK_EQ(a->ifam.ifam_addrs,
			 RUMP_RTA_NETMASK | RUMP_RTA_IFP | RUMP_RTA_IFA);
		sa = addr_of(a, sizeof(a->ifam), a->ifam.ifam_addrs,
			     RUMP_RTA_IFA);
		memcpy(&sin4, sa, sizeof(sin4));
		CHECK_EQ(sin4.sin_addr.s_addr, inaddr("10.78.0.1"));
		sa = addr_of(a, sizeof(a->ifam), a->ifam.ifam_addrs,
			     RUMP_RTA_NETMASK);
		memcpy(&sin4, sa, sizeof(sin4));
		CHECK_EQ(sin4.sin_addr.s_addr, inaddr("255.255.0.0"));
		check_ifp(a, sizeof(a->ifam), a->ifam.ifam_addrs, "lo2");
	}
	/* Its connected route, and the interface coming up. */
	CHECK((i = find(msgs, n, 0, RUMP_RTM_ADD)) >= 0);
	check_in(&msgs[i], RUMP_RTA_DST, "10.78.0.0");
	CHECK(msgs[i].rtm.rtm_flags & RUMP_RTF_CONNECTED);
	CHECK((i = find(msgs, n, 0, RUMP_RTM_IFINFO)) >= 0);
	CHECK(msgs[i].ifm.ifm_flags & RUMP_IFF_UP);
	CHECK_EQ(n, 3);
	CHECK_EQ(rump_pub_netconfig_ifdown("lo2"), 0);
	CHECK_EQ(drain(l, msgs, 64), 1);
	CHECK_EQ(msgs[0].ifm.ifm_type, RUMP_RTM_IFINFO);
	CHECK_EQ(msgs[0].ifm.ifm_flags & RUMP_IFF_UP, 0);
	check_ifp(&msgs[0], sizeof(msgs[0].ifm), msgs[0].ifm.ifm_addrs, "lo2");
	CHECK_EQ(rump_pub_netconfig_ifup("lo2"), 0);
	CHECK_EQ(drain(l, msgs, 64), 1);
	CHECK(msgs[0].ifm.ifm_flags & RUMP_IFF_UP);
	CHECK_EQ(rump_pub_netconfig_ifdestroy("lo2"), 0);
	n = drain(l, msgs, 64);
	/* Down, the address and its route go, then the interface. */
	CHECK((i = find(msgs, n, 0, RUMP_RTM_IFINFO)) >= 0);
	CHECK((i = find(msgs, n, i, RUMP_RTM_DELADDR)) >= 0);
	CHECK(find(msgs, n, 0, RUMP_RTM_DELETE) >= 0);
	CHECK_EQ(find(msgs, n, 0, RUMP_RTM_IFANNOUNCE), n - 1);
	CHECK_EQ(msgs[n - 1].ifan.ifan_what, RUMP_IFAN_DEPARTURE);
	drain(w, msgs, 64);

	/* shutdown(SHUT_RD): nothing more is queued for l. */
	CHECK_SYS(rump_sys_shutdown(l, SHUT_RD));
	CHECK_EQ(rump_pub_netconfig_ifcreate("lo2"), 0);
	CHECK_EQ(rump_pub_netconfig_ifdestroy("lo2"), 0);
	CHECK_EQ(rump_sys_recv(l, m.b, sizeof(m.b), MSG_DONTWAIT), 0);
	CHECK(drain(w, msgs, 64) == 2);
	CHECK_SYS(rump_sys_close(in));
	CHECK_SYS(rump_sys_close(l));
	CHECK_SYS(rump_sys_close(w));
}

/* A reader that does not read loses messages and is told once. */
static void check_overflow(void)
{
	int l = rtsock(), in, small = 2048, total = 0, n;
	struct rtentry rt;
	struct sockaddr_in *sin;
	union rtbuf m;

	CHECK_SYS(rump_sys_setsockopt(l, SOL_SOCKET, SO_RCVBUF, &small,
				      sizeof(small)));
	in = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));
	memset(&rt, 0, sizeof(rt));
	sin = (struct sockaddr_in *)&rt.rt_dst;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = inaddr("10.66.0.0");
	sin = (struct sockaddr_in *)&rt.rt_gateway;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = inaddr("10.77.0.2");
	sin = (struct sockaddr_in *)&rt.rt_genmask;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = inaddr("255.255.0.0");
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	for (int i = 0; i < 200; i++) {
		CHECK_SYS(rump_sys_ioctl(in, SIOCADDRT, &rt));
		CHECK_SYS(rump_sys_ioctl(in, SIOCDELRT, &rt));
	}
	/* The queued messages, then ENOBUFS once, then nothing. */
	for (;;) {
		n = (int)rump_sys_recv(l, m.b, sizeof(m.b), MSG_DONTWAIT);
		if (n < 0)
			break;
		CHECK_EQ(m.rtm.rtm_msglen, n);
		total++;
	}
	CHECK_EQ(errno, ENOBUFS);
	CHECK(total > 0 && total < 400);
	CHECK_ERRNO(rump_sys_recv(l, m.b, sizeof(m.b), MSG_DONTWAIT), EAGAIN);
	/* The socket works on: the next change arrives. */
	CHECK_SYS(rump_sys_ioctl(in, SIOCADDRT, &rt));
	CHECK_EQ(next_msg(l, &m) > 0, 1);
	CHECK_EQ(m.rtm.rtm_type, RUMP_RTM_ADD);
	CHECK_SYS(rump_sys_ioctl(in, SIOCDELRT, &rt));
	CHECK_SYS(rump_sys_close(in));
	CHECK_SYS(rump_sys_close(l));
	test_log("overflow: %d of 400 messages queued, then ENOBUFS", total);
}

/* A write that must fail with err and be echoed with it. */
static void bad(int s, union rtbuf *m, size_t len, int err)
{
	CHECK_EQ(request(s, m, len), err);
}

/* Writes that fail without any answer: the header cannot be trusted. */
static void bad_silent(int s, const void *msg, size_t len)
{
	union rtbuf m;

	CHECK_ERRNO(rump_sys_write(s, msg, len), EINVAL);
	CHECK_EQ(next_msg(s, &m), 0);
}

static void check_malformed(void)
{
	union rtbuf m;
	size_t len;
	int s = rtsock();

	bad_silent(s, "short", 5);
	len = build(&m, RUMP_RTM_GET, 0, "10.77.0.1", NULL, NULL, NULL);
	bad_silent(s, m.b, sizeof(m.rtm) - 1);
	m.rtm.rtm_msglen++;
	bad_silent(s, m.b, len);
	m.rtm.rtm_msglen = (uint16_t)(len - 8);
	bad_silent(s, m.b, len);
	/* Wrong version, unknown and kernel-only types. */
	len = build(&m, RUMP_RTM_GET, 0, "10.77.0.1", NULL, NULL, NULL);
	m.rtm.rtm_version = 5;
	bad(s, &m, len, EPROTONOSUPPORT);
	len = build(&m, 0x7f, 0, "10.77.0.1", NULL, NULL, NULL);
	bad(s, &m, len, EOPNOTSUPP);
	len = build(&m, RUMP_RTM_NEWADDR, 0, "10.77.0.1", NULL, NULL, NULL);
	bad(s, &m, len, EOPNOTSUPP);
	/* Address bits and lengths. */
	len = build(&m, RUMP_RTM_GET, 0, "10.77.0.1", NULL, NULL, NULL);
	m.rtm.rtm_addrs |= 0x100;
	bad(s, &m, len, EINVAL);
	len = build(&m, RUMP_RTM_GET, 0, "10.77.0.1", NULL, NULL, NULL);
	m.rtm.rtm_addrs |= RUMP_RTA_GATEWAY; /* announced, not there */
	bad(s, &m, len, EINVAL);
	len = build(&m, RUMP_RTM_GET, 0, "10.77.0.1", NULL, NULL, NULL);
	m.b[sizeof(m.rtm)] = (char)200; /* sa_len past the end */
	bad(s, &m, len, EINVAL);
	len = build(&m, RUMP_RTM_GET, 0, "10.77.0.1", NULL, NULL, NULL);
	m.b[sizeof(m.rtm)] = 8; /* too short for an IPv4 address */
	m.rtm.rtm_msglen = (uint16_t)(len - 8);
	bad(s, &m, len - 8, EINVAL);
	len = build(&m, RUMP_RTM_GET, 0, "10.77.0.1", NULL, NULL, NULL);
	m.rtm.rtm_msglen = (uint16_t)(len + 8); /* trailing bytes */
	bad(s, &m, len + 8, EINVAL);
	len = build(&m, RUMP_RTM_GET, 0, "10.77.0.1", NULL, NULL, NULL);
	m.b[sizeof(m.rtm) + 1] = RUMP_AF_INET6;
	bad(s, &m, len, EAFNOSUPPORT);
	len = build(&m, RUMP_RTM_GET, 0, NULL, NULL, NULL, NULL);
	bad(s, &m, len, EINVAL); /* no destination */
	/* Masks. */
	len = build(&m, RUMP_RTM_ADD, RUMP_RTF_GATEWAY, "10.67.0.0",
		    "255.0.255.0", "10.77.0.2", NULL);
	bad(s, &m, len, EINVAL);
	len = build(&m, RUMP_RTM_ADD, RUMP_RTF_GATEWAY | RUMP_RTF_HOST,
		    "10.67.0.0", "255.255.0.0", "10.77.0.2", NULL);
	bad(s, &m, len, EINVAL);
	len = build(&m, RUMP_RTM_ADD, RUMP_RTF_GATEWAY, "10.67.0.0",
		    "255.255.0.0", "10.77.0.2", NULL);
	m.b[sizeof(m.rtm) + 32] = 17; /* the mask's sa_len */
	m.rtm.rtm_msglen = (uint16_t)(len + 8);
	bad(s, &m, len + 8, EINVAL);
	/* A trimmed mask (BSD's): 5 bytes mean 255.0.0.0. */
	len = build(&m, RUMP_RTM_ADD, RUMP_RTF_GATEWAY, "10.0.0.0", "255.0.0.0",
		    "10.77.0.2", NULL);
	m.b[sizeof(m.rtm) + 32] = 5;
	len -= 8;
	m.rtm.rtm_msglen = (uint16_t)len;
	CHECK_EQ(request(s, &m, len), 0);
	check_in(&m, RUMP_RTA_NETMASK, "255.0.0.0");
	CHECK_EQ(request(s, &m,
			 build(&m, RUMP_RTM_DELETE, 0, "10.0.0.0", "255.0.0.0",
			       NULL, NULL)),
		 0);
	/* Next hops. */
	len = build(&m, RUMP_RTM_ADD, RUMP_RTF_GATEWAY, "10.67.0.0",
		    "255.255.0.0", NULL, NULL);
	bad(s, &m, len, EINVAL);
	len = build(&m, RUMP_RTM_ADD, RUMP_RTF_GATEWAY, "10.67.0.0",
		    "255.255.0.0", "0.0.0.0", NULL);
	bad(s, &m, len, EINVAL);
	len = build(&m, RUMP_RTM_ADD, 0, "10.67.0.0", "255.255.0.0",
		    "10.77.0.2", NULL);
	bad(s, &m, len, EINVAL); /* an IPv4 gateway without RTF_GATEWAY */
	len = build(&m, RUMP_RTM_ADD, 0, "10.67.0.0", "255.255.0.0", NULL,
		    NULL);
	bad(s, &m, len, EINVAL); /* no next hop at all */
	len = build(&m, RUMP_RTM_ADD, 0, "10.67.0.0", "255.255.0.0", NULL,
		    "nosuch0");
	bad(s, &m, len, ENXIO);
	len = build(&m, RUMP_RTM_ADD, RUMP_RTF_GATEWAY, "10.67.0.0",
		    "255.255.0.0", "10.77.0.2", "lo0");
	bad(s, &m, len, ENETUNREACH); /* the gateway is not on lo0 */
	{
		struct rump_sockaddr_dl sdl = {.sdl_len = 8,
					       .sdl_family = RUMP_AF_LINK,
					       .sdl_index = 999};

		len = build(&m, RUMP_RTM_ADD, 0, "10.67.0.0", "255.255.0.0",
			    NULL, NULL);
		len = put(&m, len, &sdl, sdl.sdl_len);
		m.rtm.rtm_addrs |= RUMP_RTA_IFP;
		m.rtm.rtm_msglen = (uint16_t)len;
		bad(s, &m, len, ENXIO);
		sdl.sdl_index = 0; /* and no name */
		len = build(&m, RUMP_RTM_ADD, 0, "10.67.0.0", "255.255.0.0",
			    NULL, NULL);
		len = put(&m, len, &sdl, sdl.sdl_len);
		m.rtm.rtm_addrs |= RUMP_RTA_IFP;
		m.rtm.rtm_msglen = (uint16_t)len;
		bad(s, &m, len, EINVAL);
	}
	len = build(&m, RUMP_RTM_ADD, RUMP_RTF_GATEWAY, "10.67.0.0",
		    "255.255.0.0", "10.77.0.2", NULL);
	m.rtm.rtm_inits = RUMP_RTV_MTU;
	m.rtm.rtm_mtu = 10;
	bad(s, &m, len, EINVAL);
	/* Nothing of all that reached the table. */
	CHECK_EQ(request(s, &m,
			 build(&m, RUMP_RTM_GET, 0, "10.67.0.1", NULL, NULL,
			       NULL)),
		 ESRCH);
	CHECK_SYS(rump_sys_close(s));
}

/* Mutations of valid requests: every write answers, none crashes. */
static void check_mutations(void)
{
	static const int allowed[] = {
		0,     EINVAL,	     EEXIST,	 ESRCH,	  ENETUNREACH,
		ENXIO, EAFNOSUPPORT, EOPNOTSUPP, ENOBUFS, EPROTONOSUPPORT};
	uint64_t x = 0x9e3779b97f4a7c15ull;
	union rtbuf m, tmpl[4];
	size_t tlen[4];
	int s = rtsock(), n = 4000 * test_scale(), ok = 0;

	tlen[0] = build(&tmpl[0], RUMP_RTM_ADD, RUMP_RTF_GATEWAY, "10.68.0.0",
			"255.255.0.0", "10.77.0.2", "lo1");
	tlen[1] = build(&tmpl[1], RUMP_RTM_DELETE, 0, "10.68.0.0",
			"255.255.0.0", NULL, NULL);
	tlen[2] =
		build(&tmpl[2], RUMP_RTM_GET, 0, "10.68.1.1", NULL, NULL, NULL);
	tlen[3] = build(&tmpl[3], RUMP_RTM_CHANGE, 0, "10.68.0.0",
			"255.255.0.0", NULL, "lo1");
	for (int i = 0; i < n; i++) {
		int t, flips, error = 0;
		size_t len;
		ssize_t w;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		t = (int)(x % 4);
		m = tmpl[t];
		len = tlen[t];
		flips = 1 + (int)((x >> 8) % 4);
		for (int f = 0; f < flips; f++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* Mostly past the length and version. */
			m.b[4 + (x >> 16) % (len - 4)] = (char)(x >> 40);
		}
		if ((x >> 50) % 8 == 0) {
			len = (x >> 20) % sizeof(m.b);
			m.rtm.rtm_msglen = (uint16_t)len;
		}
		w = rump_sys_write(s, m.b, len);
		if (w < 0)
			error = errno;
		else
			CHECK_EQ(w, (ssize_t)len);
		{
			bool known = false;
			for (size_t k = 0;
			     k < sizeof(allowed) / sizeof(*allowed); k++)
				known |= error == allowed[k];
			if (!known)
				test_fail(__FILE__, __LINE__,
					  "mutation %d: errno %d", i, error);
		}
		ok += error == 0;
		while (next_msg(s, &m) > 0)
			continue;
	}
	/* Whatever they added goes; the table still answers. */
	(void)rump_sys_write(s, tmpl[1].b, tlen[1]);
	while (next_msg(s, &m) > 0)
		continue;
	CHECK_EQ(request(s, &m,
			 build(&m, RUMP_RTM_GET, 0, "10.77.0.1", NULL, NULL,
			       NULL)),
		 0);
	CHECK_SYS(rump_sys_close(s));
	test_log("%d mutated requests, %d carried out", n, ok);
}

/*
 * Under random allocation failure (a child per seed): every call works
 * or fails with an error that explains itself, messages may be lost
 * (ENOBUFS), and the halt's leak check finds nothing left over.
 */
static bool fault_tolerated(int e)
{
	return e == 0 || e == ENOMEM || e == ENOBUFS || e == EAGAIN ||
	       e == EEXIST || e == ESRCH || e == ENXIO || e == ENETUNREACH ||
	       e == EBADF;
}

#define FSTEP(e)                                                               \
	do {                                                                   \
		int fstep_e_ = (e);                                            \
		if (!fault_tolerated(fstep_e_))                                \
			test_fail(__FILE__, __LINE__, "%s: %d (%s)", #e,       \
				  fstep_e_, strerror(fstep_e_));               \
	} while (0)

static int fault_child(void)
{
	union rtbuf m;
	size_t len;
	int s, l;

	if (rump_init() != 0)
		return 10;
	if (rump_pub_lwproc_rfork(RUMP_RFCFDG) != 0)
		goto out;
	FSTEP(rump_pub_netconfig_ifcreate("lo1"));
	FSTEP(rump_pub_netconfig_ipv4_ifaddr("lo1", "10.77.0.1",
					     "255.255.255.0"));
	l = rump_sys_socket(RUMP_PF_ROUTE, SOCK_RAW, 0);
	FSTEP(l < 0 ? errno : 0);
	s = rump_sys_socket(RUMP_PF_ROUTE, SOCK_RAW, 0);
	FSTEP(s < 0 ? errno : 0);
	for (int i = 0; s >= 0 && i < 20; i++) {
		static const int types[] = {RUMP_RTM_ADD, RUMP_RTM_GET,
					    RUMP_RTM_CHANGE, RUMP_RTM_DELETE};

		len = build(&m, types[i % 4], RUMP_RTF_GATEWAY, "10.60.0.0",
			    "255.255.0.0", "10.77.0.2", NULL);
		FSTEP(rump_sys_write(s, m.b, len) < 0 ? errno : 0);
		while (rump_sys_recv(s, m.b, sizeof(m.b), MSG_DONTWAIT) >= 0 ||
		       errno == ENOBUFS)
			continue;
	}
	FSTEP(rump_pub_netconfig_ifcreate("lo2"));
	FSTEP(rump_pub_netconfig_ipv4_ifaddr_cidr("lo2", "10.78.0.1", 16));
	FSTEP(rump_pub_netconfig_ifdestroy("lo2"));
	FSTEP(rump_pub_netconfig_ifdestroy("lo1"));
	while (l >= 0 &&
	       (rump_sys_recv(l, m.b, sizeof(m.b), MSG_DONTWAIT) >= 0 ||
		errno == ENOBUFS))
		continue;
	if (s >= 0)
		FSTEP(rump_sys_close(s) < 0 ? errno : 0);
	if (l >= 0)
		FSTEP(rump_sys_close(l) < 0 ? errno : 0);
	rump_pub_lwproc_releaselwp();
out:
	test_halt();
	return 0;
}

static void check_faults(void)
{
	int ok = 0, runs = 16 * test_scale();

	for (int seed = 1; seed <= runs; seed++) {
		const char *env[] = {NULL, NULL};
		char var[64], out[16384];
		int status;

		snprintf(var, sizeof(var), "RUMP_FAULT_MALLOC=r0.003@%d", seed);
		env[0] = var;
		status = test_child("faults", env, out, sizeof(out), 60);
		if (status < 0 || !WIFEXITED(status) ||
		    (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 10))
			test_fail(__FILE__, __LINE__, "%s: %s\n%s", var,
				  test_status_str(status), out);
		ok += WEXITSTATUS(status) == 0;
	}
	CHECK(ok > 0);
	test_log("allocation failure: %d of %d runs booted, none leaked", ok,
		 runs);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(120);
	if (argc > 1 && strcmp(argv[1], "faults") == 0)
		return fault_child();
	check_faults();
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	check_sockets();
	setup();
	check_roundtrip();
	check_traffic();
	check_listener();
	check_overflow();
	check_malformed();
	check_mutations();
	CHECK_EQ(rump_pub_netconfig_ifdestroy("lo1"), 0);
	rump_pub_lwproc_releaselwp();
	test_halt();
	test_log("ok");
	return 0;
}
