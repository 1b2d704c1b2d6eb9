/*
 * rumpctl_net.c -- rumpctl's network subcommands: ifconfig, ping,
 * netstat and arp (route is rumpctl_route.c).  Changes are ioctls on an
 * AF_INET socket inside the kernel (the kernel's SIOCIFCREATE,
 * SIOCSLINKSTR, SIOCAIFADDR layouts; Linux's struct ifreq for flags and
 * MTU); listings are sysctl tables (docs/sysctl.md).
 */
/* rumpabi.h before <net/if.h>, whose ifr_* macros rename its fields. */
#include <rump/rumpabi.h>
#include <rump/rumpdefs.h>
#include <rump/sysctl.h>

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

#include <rump/rump_syscalls.h>

#include "rumpctl.h"

static int inet_socket(void)
{
	int s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0)
		rumpctl_err("socket");
	return s;
}

static void ksin(struct rump_sockaddr_in *sin, uint32_t addr)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_len = sizeof(*sin);
	sin->sin_family = RUMP_AF_INET;
	sin->sin_addr.s_addr = addr;
}

static uint32_t plen_mask(int plen)
{
	return plen == 0 ? 0 : htonl(0xffffffffu << (32 - plen));
}

int rumpctl_parse_prefix(const char *s, uint32_t *addrp, uint32_t *maskp)
{
	char buf[32], *slash, *end;
	struct in_addr a;
	long plen = 32;

	if (strcmp(s, "default") == 0) {
		*addrp = *maskp = 0;
		return 0;
	}
	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		plen = strtol(slash + 1, &end, 10);
		if (*end != '\0' || end == slash + 1 || plen < 0 || plen > 32)
			return -1;
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	*addrp = a.s_addr;
	*maskp = plen_mask((int)plen);
	return 0;
}

static int if_flags(int s, const char *ifname, int set, int clear)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		return rumpctl_err(ifname);
	ifr.ifr_flags = (short)((ifr.ifr_flags | set) & ~clear);
	if (rump_sys_ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
		return rumpctl_err(ifname);
	return 0;
}

const char *rumpctl_flags(uint32_t f, const struct rumpctl_flagname *names,
			  size_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((f & names[i].bit) && used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 used ? "," : "",
						 names[i].name);
	return buf;
}

static const char *flag_names(uint32_t f, char *buf, size_t len)
{
	static const struct rumpctl_flagname names[] = {
		{RUMP_IFF_UP, "UP"},
		{RUMP_IFF_BROADCAST, "BROADCAST"},
		{RUMP_IFF_LOOPBACK, "LOOPBACK"},
		{RUMP_IFF_RUNNING, "RUNNING"},
		{RUMP_IFF_PROMISC, "PROMISC"},
		{RUMP_IFF_SIMPLEX, "SIMPLEX"},
		{RUMP_IFF_MULTICAST, "MULTICAST"},
	};

	return rumpctl_flags(f, names, sizeof(names) / sizeof(names[0]), buf,
			     len);
}

static int ifconfig_show(const char *only)
{
	struct rump_sysctl_ifaddr *ia;
	struct rump_sysctl_if *ifs;
	size_t nif, nia, shown = 0;
	char fl[128], a[16], m[16];

	if ((ifs = rumpctl_table("net.link.ifs", &nif)) == NULL)
		return 1;
	if ((ia = rumpctl_table("net.inet.ifaddrs", &nia)) == NULL) {
		free(ifs);
		return 1;
	}
	nif /= sizeof(*ifs);
	nia /= sizeof(*ia);
	for (size_t i = 0; i < nif; i++) {
		const struct rump_sysctl_if *f = &ifs[i];

		if (only != NULL && strcmp(only, f->sif_name) != 0)
			continue;
		shown++;
		printf("%s: flags=0x%" PRIx32 "<%s> mtu %" PRIu32 "\n",
		       f->sif_name, f->sif_flags,
		       flag_names(f->sif_flags, fl, sizeof(fl)), f->sif_mtu);
		if (f->sif_addrlen == 6)
			printf("\taddress: %02x:%02x:%02x:%02x:%02x:%02x\n",
			       f->sif_lladdr[0], f->sif_lladdr[1],
			       f->sif_lladdr[2], f->sif_lladdr[3],
			       f->sif_lladdr[4], f->sif_lladdr[5]);
		for (size_t j = 0; j < nia; j++) {
			if (strcmp(ia[j].sia_ifname, f->sif_name) != 0)
				continue;
			inet_ntop(AF_INET, &ia[j].sia_addr, a, sizeof(a));
			inet_ntop(AF_INET, &ia[j].sia_broadaddr, m, sizeof(m));
			printf("\tinet %s/%" PRIu32 " broadcast %s\n", a,
			       ia[j].sia_plen, m);
		}
		printf("\tinput: %" PRIu64 " packets, %" PRIu64
		       " bytes, %" PRIu64 " errors, %" PRIu64 " drops\n",
		       f->sif_ipackets, f->sif_ibytes, f->sif_ierrors,
		       f->sif_iqdrops);
		printf("\toutput: %" PRIu64 " packets, %" PRIu64
		       " bytes, %" PRIu64 " errors, %" PRIu64 " drops\n",
		       f->sif_opackets, f->sif_obytes, f->sif_oerrors,
		       f->sif_oqdrops);
	}
	free(ifs);
	free(ia);
	if (only != NULL && shown == 0) {
		fprintf(stderr, "rumpctl: ifconfig: %s: no such interface\n",
			only);
		return 1;
	}
	return 0;
}

/* ifconfig IF inet ADDR[/PLEN] [netmask MASK] */
static int ifconfig_inet(int s, const char *ifname, int *ip, int argc,
			 char **argv)
{
	struct rump_in_aliasreq ifra;
	uint32_t addr, mask;
	struct in_addr m;
	int i = *ip;

	if (i >= argc || rumpctl_parse_prefix(argv[i], &addr, &mask) != 0 ||
	    addr == 0) {
		fprintf(stderr, "rumpctl: ifconfig: inet needs ADDR[/PLEN]\n");
		return 2;
	}
	if (strchr(argv[i], '/') == NULL)
		mask = plen_mask(24);
	if (i + 2 < argc && strcmp(argv[i + 1], "netmask") == 0) {
		if (inet_pton(AF_INET, argv[i + 2], &m) != 1) {
			fprintf(stderr, "rumpctl: bad netmask %s\n",
				argv[i + 2]);
			return 2;
		}
		mask = m.s_addr;
		i += 2;
	}
	memset(&ifra, 0, sizeof(ifra));
	memcpy(&ifra, ifname, strlen(ifname)); /* ifra_name: first field */
	ksin(&ifra.ifra_addr, addr);
	ksin(&ifra.ifra_mask, mask);
	*ip = i + 1;
	if (rump_sys_ioctl(s, RUMP_SIOCAIFADDR, &ifra) != 0)
		return rumpctl_err(ifname);
	return 0;
}

int rumpctl_ifconfig(int argc, char **argv)
{
	const char *ifname;
	int s, rc = 0;

	if (argc == 2 && strcmp(argv[1], "-a") == 0)
		return ifconfig_show(NULL);
	if (argc < 2 || strlen(argv[1]) >= 16) {
		fprintf(stderr, "usage: rumpctl ifconfig -a | IF [...]\n");
		return 2;
	}
	ifname = argv[1];
	if (argc == 2)
		return ifconfig_show(ifname);
	if ((s = inet_socket()) < 0)
		return 1;
	for (int i = 2; i < argc && rc == 0;) {
		const char *w = argv[i++];

		if (strcmp(w, "create") == 0 || strcmp(w, "destroy") == 0) {
			struct rump_ifreq kifr;

			memset(&kifr, 0, sizeof(kifr));
			memcpy(&kifr, ifname, strlen(ifname));
			if (rump_sys_ioctl(s,
					   w[0] == 'c' ? RUMP_SIOCIFCREATE
						       : RUMP_SIOCIFDESTROY,
					   &kifr) != 0)
				rc = rumpctl_err(ifname);
		} else if (strcmp(w, "linkstr") == 0 && i < argc) {
			struct rump_iflinkstr ifl;

			memset(&ifl, 0, sizeof(ifl));
			memcpy(ifl.ifl_name, ifname, strlen(ifname));
			if (strlen(argv[i]) >= sizeof(ifl.ifl_str)) {
				fprintf(stderr, "rumpctl: linkstr too long\n");
				rc = 2;
				break;
			}
			strcpy(ifl.ifl_str, argv[i++]);
			if (rump_sys_ioctl(s, RUMP_SIOCSLINKSTR, &ifl) != 0)
				rc = rumpctl_err(ifname);
		} else if (strcmp(w, "inet") == 0) {
			rc = ifconfig_inet(s, ifname, &i, argc, argv);
		} else if (strcmp(w, "up") == 0 || strcmp(w, "down") == 0) {
			rc = w[0] == 'u' ? if_flags(s, ifname, IFF_UP, 0)
					 : if_flags(s, ifname, 0, IFF_UP);
		} else if (strcmp(w, "mtu") == 0 && i < argc) {
			struct ifreq ifr;

			memset(&ifr, 0, sizeof(ifr));
			snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s",
				 ifname);
			ifr.ifr_mtu = atoi(argv[i++]);
			if (rump_sys_ioctl(s, SIOCSIFMTU, &ifr) != 0)
				rc = rumpctl_err(ifname);
		} else {
			fprintf(stderr,
				"rumpctl: ifconfig: unknown or "
				"incomplete: %s\n",
				w);
			rc = 2;
		}
	}
	rump_sys_close(s);
	return rc;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int rumpctl_ping(int argc, char **argv)
{
	struct sockaddr_in to = {.sin_family = AF_INET}, from;
	struct timeval tv = {.tv_sec = 1};
	int count = 3, s, answered = 0, i = 1;

	if (argc >= 3 && strcmp(argv[1], "-c") == 0) {
		count = atoi(argv[2]);
		i = 3;
	}
	if (argc != i + 1 || count < 1 ||
	    inet_pton(AF_INET, argv[i], &to.sin_addr) != 1) {
		fprintf(stderr, "usage: rumpctl ping [-c COUNT] ADDR\n");
		return 2;
	}
	if ((s = rump_sys_socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)) < 0)
		return rumpctl_err("socket");
	rump_sys_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (int seq = 1; seq <= count; seq++) {
		uint8_t req[64] = {ICMP_ECHO}, buf[256];
		socklen_t flen = sizeof(from);
		double t0 = now_ms();
		ssize_t n;

		req[6] = (uint8_t)(seq >> 8);
		req[7] = (uint8_t)seq;
		if (rump_sys_sendto(s, req, sizeof(req), 0,
				    (struct sockaddr *)&to, sizeof(to)) < 0) {
			rumpctl_err("sendto");
			continue;
		}
		while ((n = rump_sys_recvfrom(s, buf, sizeof(buf), 0,
					      (struct sockaddr *)&from,
					      &flen)) > 0) {
			if (buf[0] == ICMP_ECHOREPLY && buf[7] == req[7]) {
				printf("%zd bytes from %s: icmp_seq=%d "
				       "time=%.3f ms\n",
				       n, argv[i], seq, now_ms() - t0);
				answered++;
				break;
			}
			flen = sizeof(from);
		}
		if (n <= 0)
			printf("no answer from %s: icmp_seq=%d\n", argv[i],
			       seq);
	}
	rump_sys_close(s);
	printf("%d packets transmitted, %d received\n", count, answered);
	return answered > 0 ? 0 : 1;
}

int rumpctl_netstat(int argc, char **argv)
{
	static const char *const states[] = {
		"CLOSED",      "LISTEN",     "SYN_SENT",   "SYN_RCVD",
		"ESTABLISHED", "CLOSE_WAIT", "FIN_WAIT_1", "CLOSING",
		"LAST_ACK",    "FIN_WAIT_2", "TIME_WAIT"};
	static const char *const tables[] = {"net.inet.tcp.pcbs",
					     "net.inet.udp.pcbs"};

	printf("%-5s %6s %6s %-21s %-21s %s\n", "Proto", "Recv-Q", "Send-Q",
	       "Local Address", "Foreign Address", "State");
	for (int t = 0; t < 2; t++) {
		struct rump_sysctl_pcb *p;
		size_t n;

		if ((p = rumpctl_table(tables[t], &n)) == NULL)
			return 1;
		for (size_t i = 0; i < n / sizeof(*p); i++) {
			char la[16], fa[16], l[24], f[24];

			inet_ntop(AF_INET, &p[i].sp_laddr, la, sizeof(la));
			inet_ntop(AF_INET, &p[i].sp_faddr, fa, sizeof(fa));
			snprintf(l, sizeof(l), "%s.%u", la,
				 ntohs(p[i].sp_lport));
			if (p[i].sp_faddr != 0)
				snprintf(f, sizeof(f), "%s.%u", fa,
					 ntohs(p[i].sp_fport));
			else
				strcpy(f, "*.*");
			printf("%-5s %6" PRIu32 " %6" PRIu32
			       " %-21s %-21s %s\n",
			       t == 0 ? "tcp" : "udp", p[i].sp_rcvq,
			       p[i].sp_sndq, l, f,
			       t == 1 ? ""
			       : p[i].sp_state >= 0 && p[i].sp_state <= 10
				       ? states[p[i].sp_state]
				       : "?");
		}
		free(p);
	}
	return 0;
}

int rumpctl_arp(int argc, char **argv)
{
	struct rump_sysctl_arp *a;
	size_t n;

	if (argc != 2 || strcmp(argv[1], "-a") != 0) {
		fprintf(stderr, "usage: rumpctl arp -a\n");
		return 2;
	}
	if ((a = rumpctl_table("net.inet.arp", &n)) == NULL)
		return 1;
	for (size_t i = 0; i < n / sizeof(*a); i++) {
		char ad[16];

		inet_ntop(AF_INET, &a[i].sar_addr, ad, sizeof(ad));
		if (a[i].sar_complete)
			printf("? (%s) at %02x:%02x:%02x:%02x:%02x:%02x on "
			       "%s\n",
			       ad, a[i].sar_lladdr[0], a[i].sar_lladdr[1],
			       a[i].sar_lladdr[2], a[i].sar_lladdr[3],
			       a[i].sar_lladdr[4], a[i].sar_lladdr[5],
			       a[i].sar_ifname);
		else
			printf("? (%s) at (incomplete) on %s\n", ad,
			       a[i].sar_ifname);
	}
	free(a);
	return 0;
}
