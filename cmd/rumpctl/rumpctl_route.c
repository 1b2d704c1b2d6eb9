/*
 * rumpctl_route.c -- rumpctl route: the kernel's routing table through
 * its routing socket (docs/routesock.md).  add, delete, change and get
 * are one request each on socket(RUMP_PF_ROUTE, SOCK_RAW, 0), answered
 * on the same socket (the kernel's errno in the answer and in write's
 * result); monitor prints every message the kernel sends until
 * interrupted (or COUNT of them); show reads the sysctl table
 * net.inet.route (docs/sysctl.md), which lists every route at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rump/rump_syscalls.h>
#include <rump/rumpabi.h>
#include <rump/rumpdefs.h>
#include <rump/rumphost.h>
#include <rump/rtsock.h>
#include <rump/sysctl.h>

#include "rumpctl.h"

/* A message, aligned for its header. */
union route_msg {
	struct rump_rt_msghdr rtm;
	struct rump_if_msghdr ifm;
	struct rump_ifa_msghdr ifam;
	struct rump_if_announcemsghdr ifan;
	uint64_t align;
	char b[2048];
};

static const char route_usage[] =
	"usage: rumpctl route show | monitor [-c COUNT] | get ADDR\n"
	"       rumpctl route add|change DST GATEWAY | add|change DST -iface "
	"IF\n"
	"       rumpctl route delete DST   (DST: default, NET/PLEN or HOST)\n";

static size_t route_put(union route_msg *m, size_t off, int bit, const void *sa,
			size_t len)
{
	memcpy(m->b + off, sa, len);
	m->rtm.rtm_addrs |= bit;
	return off + RUMP_RT_ROUNDUP(len);
}

static size_t route_put_in(union route_msg *m, size_t off, int bit,
			   uint32_t addr)
{
	struct rump_sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = RUMP_AF_INET;
	sin.sin_addr.s_addr = addr;
	return route_put(m, off, bit, &sin, sizeof(sin));
}

static size_t route_put_ifname(union route_msg *m, size_t off, const char *name)
{
	struct rump_sockaddr_dl sdl;

	memset(&sdl, 0, sizeof(sdl));
	sdl.sdl_family = RUMP_AF_LINK;
	sdl.sdl_nlen = (uint8_t)strlen(name);
	memcpy(sdl.sdl_data, name, sdl.sdl_nlen);
	sdl.sdl_len = (uint8_t)(8 + sdl.sdl_nlen);
	return route_put(m, off, RUMP_RTA_IFP, &sdl, sdl.sdl_len);
}

/*
 * Writes the request and takes its answer (the one with our pid and
 * sequence number) into m; 0 or the errno of the write.
 */
static int route_exchange(int s, union route_msg *m, size_t len)
{
	int32_t seq = m->rtm.rtm_seq, pid = (int32_t)rump_sys_getpid();
	int error = 0;

	if (rump_sys_write(s, m->b, len) != (ssize_t)len)
		error = errno;
	/* The answer is queued before write returns: never wait. */
	for (;;) {
		ssize_t n = rump_sys_recv(s, m->b, sizeof(m->b), MSG_DONTWAIT);

		if (n < 0) {
			if (errno == ENOBUFS)
				continue; /* lost others' messages */
			memset(m, 0, sizeof(*m));
			break;
		}
		if (n >= (ssize_t)sizeof(m->rtm) && m->rtm.rtm_seq == seq &&
		    m->rtm.rtm_pid == pid)
			break;
	}
	errno = error;
	return error;
}

static const char *route_flags(int32_t f, char *buf, size_t len)
{
	static const struct rumpctl_flagname names[] = {
		{RUMP_RTF_UP, "UP"},
		{RUMP_RTF_GATEWAY, "GATEWAY"},
		{RUMP_RTF_HOST, "HOST"},
		{RUMP_RTF_REJECT, "REJECT"},
		{RUMP_RTF_DONE, "DONE"},
		{RUMP_RTF_STATIC, "STATIC"},
		{RUMP_RTF_BLACKHOLE, "BLACKHOLE"},
		{RUMP_RTF_CONNECTED, "CONNECTED"},
		{RUMP_RTF_LOCAL, "LOCAL"},
	};

	return rumpctl_flags((uint32_t)f, names,
			     sizeof(names) / sizeof(names[0]), buf, len);
}

/* Prints the addresses of a message: " dst 10.0.0.0 ifp shmif0 ...". */
static void route_print_addrs(const union route_msg *m, size_t n, size_t off,
			      int addrs)
{
	static const char *const names[RUMP_RTAX_MAX] = {
		"dst", "gateway", "netmask", "genmask",
		"ifp", "ifa",	  "author",  "brd"};

	for (int i = 0; i < RUMP_RTAX_MAX; i++) {
		const uint8_t *sa = (const uint8_t *)m->b + off;
		char text[64];

		if (!(addrs & (1 << i)))
			continue;
		if (off >= n || RUMP_RT_ROUNDUP(sa[0]) > n - off) {
			printf(" (truncated)");
			return;
		}
		if (sa[0] >= 8 && sa[1] == RUMP_AF_INET) {
			struct in_addr a;

			memcpy(&a, sa + 4, sizeof(a));
			inet_ntop(AF_INET, &a, text, sizeof(text));
		} else if (i == 2 && sa[0] <= 16) {
			/* A trimmed mask: missing bytes are zero. */
			uint8_t b[16] = {0};

			memcpy(b, sa, sa[0]);
			inet_ntop(AF_INET, b + 4, text, sizeof(text));
		} else if (sa[0] >= 8 && sa[1] == RUMP_AF_LINK) {
			struct rump_sockaddr_dl sdl;

			memset(&sdl, 0, sizeof(sdl));
			memcpy(&sdl, sa,
			       sa[0] < sizeof(sdl) ? sa[0] : sizeof(sdl));
			snprintf(text, sizeof(text), "%.*s",
				 sdl.sdl_nlen < 32 ? sdl.sdl_nlen : 32,
				 sdl.sdl_data);
		} else
			snprintf(text, sizeof(text), "(family %u)", sa[1]);
		printf(" %s %s", names[i], text);
		off += RUMP_RT_ROUNDUP(sa[0]);
	}
}

/* One line for any message the kernel sends. */
static void route_print(const union route_msg *m, size_t n)
{
	char flags[128];

	if (n < 4 || m->rtm.rtm_version != RUMP_RTM_VERSION) {
		printf("(%zu bytes of another version)\n", n);
		return;
	}
	switch (m->rtm.rtm_type) {
	case RUMP_RTM_ADD:
	case RUMP_RTM_DELETE:
	case RUMP_RTM_CHANGE:
	case RUMP_RTM_GET:
		if (n < sizeof(m->rtm))
			break;
		printf("%s pid %" PRId32 " seq %" PRId32,
		       m->rtm.rtm_type == RUMP_RTM_ADD	    ? "RTM_ADD"
		       : m->rtm.rtm_type == RUMP_RTM_DELETE ? "RTM_DELETE"
		       : m->rtm.rtm_type == RUMP_RTM_CHANGE ? "RTM_CHANGE"
							    : "RTM_GET",
		       m->rtm.rtm_pid, m->rtm.rtm_seq);
		if (m->rtm.rtm_errno != 0)
			printf(" error %s",
			       strerror(rumphost_errno_host(m->rtm.rtm_errno)));
		printf(" flags <%s>",
		       route_flags(m->rtm.rtm_flags, flags, sizeof(flags)));
		if (m->rtm.rtm_mtu != 0)
			printf(" mtu %" PRIu32, m->rtm.rtm_mtu);
		route_print_addrs(m, n, sizeof(m->rtm), m->rtm.rtm_addrs);
		printf("\n");
		return;
	case RUMP_RTM_IFINFO:
		if (n < sizeof(m->ifm))
			break;
		printf("RTM_IFINFO index %u flags %#x mtu %" PRIu32,
		       m->ifm.ifm_index, (unsigned)m->ifm.ifm_flags,
		       m->ifm.ifm_mtu);
		if (m->ifm.ifm_flags & RUMP_IFF_UP)
			printf(" up");
		else
			printf(" down");
		route_print_addrs(m, n, sizeof(m->ifm), m->ifm.ifm_addrs);
		printf("\n");
		return;
	case RUMP_RTM_NEWADDR:
	case RUMP_RTM_DELADDR:
		if (n < sizeof(m->ifam))
			break;
		printf("%s index %u",
		       m->ifam.ifam_type == RUMP_RTM_NEWADDR ? "RTM_NEWADDR"
							     : "RTM_DELADDR",
		       m->ifam.ifam_index);
		route_print_addrs(m, n, sizeof(m->ifam), m->ifam.ifam_addrs);
		printf("\n");
		return;
	case RUMP_RTM_IFANNOUNCE:
		if (n < sizeof(m->ifan))
			break;
		printf("RTM_IFANNOUNCE %.16s index %u %s\n", m->ifan.ifan_name,
		       m->ifan.ifan_index,
		       m->ifan.ifan_what == RUMP_IFAN_ARRIVAL ? "arrival"
							      : "departure");
		return;
	}
	printf("message type %u, %zu bytes\n", m->rtm.rtm_type, n);
}

static int route_show(void)
{
	struct rump_sysctl_route *r;
	char d[16], g[16];
	size_t n;

	if ((r = rumpctl_table("net.inet.route", &n)) == NULL)
		return 1;
	printf("%-18s %-15s %-8s %-9s %s\n", "Destination", "Gateway", "Flags",
	       "Interface", "Use");
	for (size_t i = 0; i < n / sizeof(*r); i++) {
		char dst[24], flags[8];
		size_t f = 0;

		inet_ntop(AF_INET, &r[i].sr_dst, d, sizeof(d));
		snprintf(dst, sizeof(dst), "%s/%" PRIu32, d, r[i].sr_plen);
		if (r[i].sr_plen == 0)
			strcpy(dst, "default");
		if (r[i].sr_flags & RUMP_RTF_GATEWAY)
			inet_ntop(AF_INET, &r[i].sr_gateway, g, sizeof(g));
		else
			strcpy(g, "link");
		flags[f++] = 'U';
		if (r[i].sr_flags & RUMP_RTF_GATEWAY)
			flags[f++] = 'G';
		if (r[i].sr_flags & RUMP_RTF_HOST)
			flags[f++] = 'H';
		if (r[i].sr_flags & RUMP_RTF_STATIC)
			flags[f++] = 'S';
		if (r[i].sr_flags & RUMP_RTF_CONNECTED)
			flags[f++] = 'C';
		if (r[i].sr_flags & RUMP_RTF_LOCAL)
			flags[f++] = 'l';
		flags[f] = '\0';
		printf("%-18s %-15s %-8s %-9s %" PRIu64 "\n", dst, g, flags,
		       r[i].sr_ifname, r[i].sr_use);
	}
	free(r);
	return 0;
}

/* route monitor [-c COUNT]: every message, one line each. */
static int route_monitor(int argc, char **argv)
{
	union route_msg m;
	long count = -1;
	int s;

	if (argc == 4 && strcmp(argv[2], "-c") == 0)
		count = strtol(argv[3], NULL, 10);
	else if (argc != 2) {
		fputs(route_usage, stderr);
		return 2;
	}
	if ((s = rump_sys_socket(RUMP_PF_ROUTE, SOCK_RAW, 0)) < 0)
		return rumpctl_err("socket(PF_ROUTE)");
	/* Said once the socket listens, so a script knows when to start. */
	printf("monitoring\n");
	fflush(stdout);
	while (count != 0) {
		ssize_t n = rump_sys_read(s, m.b, sizeof(m.b));

		if (n < 0) {
			if (errno == ENOBUFS) {
				printf("(messages lost: too slow)\n");
				continue;
			}
			rumpctl_err("read");
			rump_sys_close(s);
			return 1;
		}
		route_print(&m, (size_t)n);
		fflush(stdout);
		if (count > 0)
			count--;
	}
	rump_sys_close(s);
	return 0;
}

int rumpctl_route(int argc, char **argv)
{
	static int seq;
	union route_msg m;
	uint32_t dst, mask;
	struct in_addr gw;
	size_t off = sizeof(m.rtm);
	const char *ifname = NULL;
	int s, type, rc = 0;

	if (argc == 2 && strcmp(argv[1], "show") == 0)
		return route_show();
	if (argc >= 2 && strcmp(argv[1], "monitor") == 0)
		return route_monitor(argc, argv);
	if (argc < 3 || rumpctl_parse_prefix(argv[2], &dst, &mask) != 0) {
		fputs(route_usage, stderr);
		return 2;
	}
	memset(&m, 0, sizeof(m));
	if (strcmp(argv[1], "add") == 0)
		type = RUMP_RTM_ADD;
	else if (strcmp(argv[1], "change") == 0)
		type = RUMP_RTM_CHANGE;
	else if (strcmp(argv[1], "delete") == 0 && argc == 3)
		type = RUMP_RTM_DELETE;
	else if (strcmp(argv[1], "get") == 0 && argc == 3)
		type = RUMP_RTM_GET;
	else {
		fputs(route_usage, stderr);
		return 2;
	}
	/* Addresses go in the order of their bits: dst, gateway, mask, ifp. */
	off = route_put_in(&m, off, RUMP_RTA_DST, dst);
	if (type == RUMP_RTM_ADD || type == RUMP_RTM_CHANGE) {
		if (argc == 5 && strcmp(argv[3], "-iface") == 0 &&
		    strlen(argv[4]) < 16) {
			ifname = argv[4];
		} else if (argc == 4 && inet_pton(AF_INET, argv[3], &gw) == 1) {
			off = route_put_in(&m, off, RUMP_RTA_GATEWAY,
					   gw.s_addr);
			m.rtm.rtm_flags |= RUMP_RTF_GATEWAY;
		} else {
			fprintf(stderr,
				"rumpctl: route %s: need a gateway or "
				"-iface IF\n",
				argv[1]);
			return 2;
		}
	}
	/* A lookup without a length is the longest match for an address. */
	if (type != RUMP_RTM_GET || strchr(argv[2], '/') != NULL)
		off = route_put_in(&m, off, RUMP_RTA_NETMASK, mask);
	if (ifname != NULL)
		off = route_put_ifname(&m, off, ifname);
	m.rtm.rtm_version = RUMP_RTM_VERSION;
	m.rtm.rtm_type = (uint8_t)type;
	m.rtm.rtm_seq = ++seq;
	m.rtm.rtm_msglen = (uint16_t)off;
	if ((s = rump_sys_socket(RUMP_PF_ROUTE, SOCK_RAW, 0)) < 0)
		return rumpctl_err("socket(PF_ROUTE)");
	if (route_exchange(s, &m, off) != 0)
		rc = rumpctl_err(argv[2]);
	else if (type == RUMP_RTM_GET && m.rtm.rtm_msglen > 0)
		route_print(&m, m.rtm.rtm_msglen);
	rump_sys_close(s);
	return rc;
}
