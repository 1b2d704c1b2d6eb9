/*
 * t_net_sysctl.c -- sysctlbyname(2) and the route ioctls from a host
 * program: the list of names, scalars (read-only, writable with range
 * and length checks), the size protocol (a NULL buffer asks, a short one
 * is ENOMEM with the size), and the network tables: interfaces with
 * statistics, addresses, routes added and deleted through both the
 * kernel's SIOCADDRT (struct rump_rtreq) and Linux's (struct rtentry),
 * and the TCP and UDP control blocks of listeners and connections.
 */
#include <arpa/inet.h>
#include <net/route.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <rump/rumpabi.h>
#include <rump/sysctl.h>

#include "testlib.h"

/* The node's value in a malloc'd buffer; *lenp its length. */
static void *get(const char *name, size_t *lenp)
{
	size_t len = 0;
	void *buf;

	CHECK_SYS(rump_sys_sysctlbyname(name, NULL, &len, NULL, 0));
	len += 4096; /* tables may grow between the calls */
	CHECK((buf = calloc(1, len)) != NULL);
	CHECK_SYS(rump_sys_sysctlbyname(name, buf, &len, NULL, 0));
	*lenp = len;
	return buf;
}

static int32_t get_int(const char *name)
{
	int32_t v;
	size_t len = sizeof(v);

	CHECK_SYS(rump_sys_sysctlbyname(name, &v, &len, NULL, 0));
	CHECK_EQ(len, sizeof(v));
	return v;
}

static void check_scalars(void)
{
	char buf[64], *names, *p;
	size_t len = 0, n;
	int32_t v;
	bool found = false;

	names = get("sysctl.names", &n);
	for (p = names; p < names + n; p += strlen(p) + 1)
		found |= strcmp(p, "net.inet.tcp.pcbs") == 0;
	CHECK(found);
	free(names);

	len = sizeof(buf);
	CHECK_SYS(rump_sys_sysctlbyname("kern.ostype", buf, &len, NULL, 0));
	CHECK_EQ(len, 8);
	CHECK(strcmp(buf, "rumpkit") == 0);
	/* Too short: ENOMEM, and the size it needs. */
	len = 3;
	CHECK_ERRNO(rump_sys_sysctlbyname("kern.ostype", buf, &len, NULL, 0),
		    ENOMEM);
	CHECK_EQ(len, 8);
	CHECK_ERRNO(rump_sys_sysctlbyname("no.such.node", NULL, &len, NULL, 0),
		    ENOENT);
	CHECK_ERRNO(rump_sys_sysctlbyname("kern.ostype", NULL, NULL, "x", 2),
		    EPERM);

	CHECK_EQ(get_int("net.inet.ip.forwarding"), 0);
	v = 1;
	CHECK_SYS(rump_sys_sysctlbyname("net.inet.ip.forwarding", NULL, NULL,
					&v, sizeof(v)));
	CHECK_EQ(get_int("net.inet.ip.forwarding"), 1);
	/* Old value and new one in one call. */
	v = 0;
	len = sizeof(int32_t);
	CHECK_SYS(rump_sys_sysctlbyname("net.inet.ip.forwarding", buf, &len, &v,
					sizeof(v)));
	CHECK_EQ(*(int32_t *)buf, 1);
	CHECK_EQ(get_int("net.inet.ip.forwarding"), 0);
	v = 2;
	CHECK_ERRNO(rump_sys_sysctlbyname("net.inet.ip.forwarding", NULL, NULL,
					  &v, sizeof(v)),
		    EINVAL);
	CHECK_ERRNO(rump_sys_sysctlbyname("net.inet.ip.forwarding", NULL, NULL,
					  &v, 2),
		    EINVAL);
	CHECK_EQ(get_int("net.inet.ip.ttl"), 64);
}

static const struct rump_sysctl_if *find_if(const struct rump_sysctl_if *ifs,
					    size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ifs[i].sif_name, name) == 0)
			return &ifs[i];
	return NULL;
}

static void check_interfaces(void)
{
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons(9),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	const struct rump_sysctl_if *lo;
	struct rump_sysctl_ifaddr *ia;
	struct rump_sysctl_if *ifs;
	uint64_t before;
	size_t len;
	int s;

	ifs = get("net.link.ifs", &len);
	CHECK_EQ(len % sizeof(*ifs), 0);
	CHECK((lo = find_if(ifs, len / sizeof(*ifs), "lo0")) != NULL);
	CHECK_EQ(lo->sif_mtu, 65535);
	CHECK_EQ(lo->sif_flags & (RUMP_IFF_UP | RUMP_IFF_LOOPBACK),
		 RUMP_IFF_UP | RUMP_IFF_LOOPBACK);
	before = lo->sif_opackets;
	free(ifs);
	s = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));
	for (int i = 0; i < 5; i++)
		CHECK_EQ(rump_sys_sendto(s, "x", 1, 0, (struct sockaddr *)&to,
					 sizeof(to)),
			 1);
	CHECK_SYS(rump_sys_close(s));
	ifs = get("net.link.ifs", &len);
	lo = find_if(ifs, len / sizeof(*ifs), "lo0");
	CHECK(lo->sif_opackets >= before + 5);
	CHECK(lo->sif_obytes > 0);
	free(ifs);

	ia = get("net.inet.ifaddrs", &len);
	CHECK_EQ(len, sizeof(*ia));
	CHECK(strcmp(ia->sia_ifname, "lo0") == 0);
	CHECK_EQ(ia->sia_addr, htonl(INADDR_LOOPBACK));
	CHECK_EQ(ia->sia_netmask, htonl(0xff000000u));
	CHECK_EQ(ia->sia_plen, 8);
	free(ia);
}

/* The route to dst/plen, or NULL. */
static const struct rump_sysctl_route *find_route(const char *dst, int plen,
						  struct rump_sysctl_route **rp)
{
	size_t len;
	struct rump_sysctl_route *r = get("net.inet.route", &len);

	*rp = r;
	CHECK_EQ(len % sizeof(*r), 0);
	for (size_t i = 0; i < len / sizeof(*r); i++)
		if (r[i].sr_dst == inet_addr(dst) &&
		    r[i].sr_plen == (uint32_t)plen)
			return &r[i];
	return NULL;
}

static void ksin(struct rump_sockaddr_in *sin, const char *a)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_len = sizeof(*sin);
	sin->sin_family = RUMP_AF_INET;
	sin->sin_addr.s_addr = inet_addr(a);
}

static void lsin(struct sockaddr *sa, const char *a)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = inet_addr(a);
}

static void check_routes(void)
{
	const struct rump_sysctl_route *r;
	struct rump_sysctl_route *all;
	struct rump_rtreq rr;
	struct rtentry rt;
	int s = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));

	/* The connected route of lo0. */
	CHECK((r = find_route("127.0.0.0", 8, &all)) != NULL);
	CHECK(strcmp(r->sr_ifname, "lo0") == 0);
	CHECK(r->sr_flags & RUMP_RTF_CONNECTED);
	free(all);

	/* The kernel's request: 10.96.0.0/16 through 127.0.0.2. */
	memset(&rr, 0, sizeof(rr));
	ksin(&rr.rtr_dst, "10.96.0.0");
	ksin(&rr.rtr_mask, "255.255.0.0");
	ksin(&rr.rtr_gateway, "127.0.0.2");
	rr.rtr_flags = RUMP_RTF_GATEWAY;
	CHECK_SYS(rump_sys_ioctl(s, RUMP_SIOCADDRT, &rr));
	CHECK_ERRNO(rump_sys_ioctl(s, RUMP_SIOCADDRT, &rr), EEXIST);
	CHECK((r = find_route("10.96.0.0", 16, &all)) != NULL);
	CHECK_EQ(r->sr_gateway, inet_addr("127.0.0.2"));
	CHECK_EQ(r->sr_flags & (RUMP_RTF_GATEWAY | RUMP_RTF_STATIC),
		 RUMP_RTF_GATEWAY | RUMP_RTF_STATIC);
	CHECK(strcmp(r->sr_ifname, "lo0") == 0);
	free(all);
	ksin(&rr.rtr_gateway, "192.0.2.1"); /* not on a connected network */
	ksin(&rr.rtr_dst, "10.97.0.0");
	CHECK_ERRNO(rump_sys_ioctl(s, RUMP_SIOCADDRT, &rr), ENETUNREACH);
	ksin(&rr.rtr_mask, "255.0.255.0"); /* not contiguous */
	CHECK_ERRNO(rump_sys_ioctl(s, RUMP_SIOCADDRT, &rr), EINVAL);
	strcpy(rr.rtr_ifname, "nope0");
	ksin(&rr.rtr_mask, "255.255.0.0");
	CHECK_ERRNO(rump_sys_ioctl(s, RUMP_SIOCADDRT, &rr), ENXIO);

	/* Linux's struct rtentry: a default route, then a direct one. */
	memset(&rt, 0, sizeof(rt));
	lsin(&rt.rt_dst, "0.0.0.0");
	lsin(&rt.rt_genmask, "0.0.0.0");
	lsin(&rt.rt_gateway, "127.0.0.1");
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	CHECK_SYS(rump_sys_ioctl(s, SIOCADDRT, &rt));
	CHECK((r = find_route("0.0.0.0", 0, &all)) != NULL);
	CHECK_EQ(r->sr_gateway, inet_addr("127.0.0.1"));
	free(all);
	memset(&rt, 0, sizeof(rt));
	lsin(&rt.rt_dst, "10.98.1.1");
	rt.rt_flags = RTF_UP | RTF_HOST;
	rt.rt_dev = "lo0";
	CHECK_SYS(rump_sys_ioctl(s, SIOCADDRT, &rt));
	CHECK((r = find_route("10.98.1.1", 32, &all)) != NULL);
	CHECK(r->sr_flags & RUMP_RTF_HOST);
	free(all);
	rt.rt_dev = "a-name-far-too-long";
	CHECK_ERRNO(rump_sys_ioctl(s, SIOCADDRT, &rt), ENODEV);
	rt.rt_dev = NULL;
	CHECK_SYS(rump_sys_ioctl(s, SIOCDELRT, &rt));
	CHECK_ERRNO(rump_sys_ioctl(s, SIOCDELRT, &rt), ESRCH);
	CHECK(find_route("10.98.1.1", 32, &all) == NULL);
	free(all);

	/* Delete through the kernel's request. */
	memset(&rr, 0, sizeof(rr));
	ksin(&rr.rtr_dst, "10.96.0.0");
	ksin(&rr.rtr_mask, "255.255.0.0");
	CHECK_SYS(rump_sys_ioctl(s, RUMP_SIOCDELRT, &rr));
	CHECK(find_route("10.96.0.0", 16, &all) == NULL);
	free(all);
	ksin(&rr.rtr_dst, "0.0.0.0");
	ksin(&rr.rtr_mask, "0.0.0.0");
	CHECK_SYS(rump_sys_ioctl(s, RUMP_SIOCDELRT, &rr));
	CHECK_SYS(rump_sys_close(s));
}

static const struct rump_sysctl_pcb *find_pcb(const struct rump_sysctl_pcb *p,
					      size_t n, int lport, int state)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].sp_lport == htons((uint16_t)lport) &&
		    p[i].sp_state == state)
			return &p[i];
	return NULL;
}

static void check_pcbs(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(5555),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in usin = {.sin_family = AF_INET,
				   .sin_port = htons(5353)};
	struct rump_sysctl_pcb *p;
	const struct rump_sysctl_pcb *q;
	int ls, c, a, u;
	size_t len;

	ls = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_STREAM, 0));
	CHECK_SYS(rump_sys_bind(ls, (struct sockaddr *)&sin, sizeof(sin)));
	CHECK_SYS(rump_sys_listen(ls, 4));
	c = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_STREAM, 0));
	CHECK_SYS(rump_sys_connect(c, (struct sockaddr *)&sin, sizeof(sin)));
	a = (int)CHECK_SYS(rump_sys_accept(ls, NULL, NULL));
	CHECK_EQ(rump_sys_write(c, "hello", 5), 5);
	{
		/* The five bytes have arrived on the accepted side. */
		struct pollfd pfd = {.fd = a, .events = POLLIN};

		CHECK_EQ(rump_sys_poll(&pfd, 1, 10000), 1);
	}
	u = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));
	CHECK_SYS(rump_sys_bind(u, (struct sockaddr *)&usin, sizeof(usin)));

	p = get("net.inet.tcp.pcbs", &len);
	CHECK_EQ(len % sizeof(*p), 0);
	CHECK(find_pcb(p, len / sizeof(*p), 5555, RUMP_TCPS_LISTEN) != NULL);
	CHECK((q = find_pcb(p, len / sizeof(*p), 5555,
			    RUMP_TCPS_ESTABLISHED)) != NULL);
	CHECK_EQ(q->sp_faddr, htonl(INADDR_LOOPBACK));
	CHECK_EQ(q->sp_rcvq, 5); /* unread on the accepted side */
	free(p);
	p = get("net.inet.udp.pcbs", &len);
	CHECK((q = find_pcb(p, len / sizeof(*p), 5353, -1)) != NULL);
	CHECK_EQ(q->sp_laddr, 0);
	free(p);
	p = get("net.inet.arp", &len);
	CHECK_EQ(len % sizeof(struct rump_sysctl_arp), 0);
	free(p);
	CHECK_SYS(rump_sys_close(u));
	CHECK_SYS(rump_sys_close(a));
	CHECK_SYS(rump_sys_close(c));
	CHECK_SYS(rump_sys_close(ls));
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(110);
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);

	check_scalars();
	check_interfaces();
	check_routes();
	check_pcbs();

	rump_pub_lwproc_releaselwp();
	test_halt();
	test_log("ok");
	return 0;
}
