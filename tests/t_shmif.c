/*
 * t_shmif.c -- rump kernels in separate processes on shmif buses.  Two
 * kernels on one bus (one interface made by ifcreate + linkstr, with the
 * errors of that path, the other by rump_pub_shmif_create) ping each
 * other and move 256 MiB (times SCALE; 64 MiB under TSan) over TCP with
 * a CRC-32; then three
 * kernels on two buses, the middle one forwarding, ping and move data
 * through the router; the first bus is dumped to pcap and the dump
 * checked.  This program boots no kernel itself: each kernel is a forked
 * process whose exit status is its verdict.
 */
/* hosts: posix */
/* rumpabi.h before <net/if.h>, whose ifr_* macros rename its fields. */
#include <rump/rumpabi.h>
#include <rump/sysctl.h>

#include <net/if.h>
#include <net/route.h>
#include <sys/ioctl.h>

#include "net/shmif_util.h"

static char dir[64], bus1[96], bus2[96];

/*
 * 256 MiB between the pair (the size), 64 MiB under
 * ThreadSanitizer, whose instrumentation would take the run past
 * tests/run.sh's timeout.
 */
#if defined(__SANITIZE_THREAD__)
#define PAIR_MIB 64
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PAIR_MIB 64
#endif
#endif
#ifndef PAIR_MIB
#define PAIR_MIB 256
#endif

/* The ARP cache (sysctl net.inet.arp) has addr, resolved, on ifname. */
static void check_arp(const char *ifname, const char *addr)
{
	struct rump_sysctl_arp arp[64];
	size_t len = sizeof(arp);
	bool found = false;

	CHECK_SYS(rump_sys_sysctlbyname("net.inet.arp", arp, &len, NULL, 0));
	for (size_t i = 0; i < len / sizeof(arp[0]); i++)
		found |= arp[i].sar_addr == inet_addr(addr) &&
			 arp[i].sar_complete &&
			 strcmp(arp[i].sar_ifname, ifname) == 0 &&
			 (arp[i].sar_lladdr[0] & 0x02) != 0;
	CHECK(found);
}

/* Kernel A: the interface by the cloning path, ping, bulk TCP. */
static void client_pair(void *arg)
{
	uint64_t bytes = (uint64_t)PAIR_MIB * test_scale() << 20;
	struct timespec t0, t1;
	double sec;

	kern_boot();
	CHECK_EQ(rump_pub_netconfig_ifup("shmif0"), ENXIO);
	CHECK_EQ(rump_pub_netconfig_ifcreate("shmif0"), 0);
	CHECK_EQ(rump_pub_netconfig_ifcreate("shmif0"), EEXIST);
	CHECK_EQ(rump_pub_netconfig_ifup("shmif0"), ENXIO); /* no bus yet */
	CHECK_EQ(rump_pub_netconfig_ifsetlinkstr("shmif0", ""), EINVAL);
	CHECK_EQ(rump_pub_netconfig_ifsetlinkstr("shmif0", "/nonexistent/b"),
		 ENOENT);
	CHECK_EQ(rump_pub_netconfig_ifsetlinkstr("shmif0", "/dev/null"),
		 EINVAL);
	CHECK_EQ(rump_pub_netconfig_ifsetlinkstr("shmif0", bus1), 0);
	CHECK_EQ(rump_pub_netconfig_ifsetlinkstr("shmif0", bus1), EBUSY);
	CHECK_EQ(rump_pub_netconfig_ipv4_ifaddr_cidr("shmif0", "10.93.0.1", 24),
		 0);
	ping_until("10.93.0.2", 30);
	test_log("ping over the bus answered");
	check_arp("shmif0", "10.93.0.2");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bulk_to_sink("10.93.0.2", bytes, 0x12345678);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	sec = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	test_log("%llu MiB over TCP intact, %.0f MB/s",
		 (unsigned long long)(bytes >> 20), (double)bytes / sec / 1e6);
	test_log("stats: ipackets %lld opackets %lld iqdrops %lld oerrors %lld",
		 (long long)rump_test_if_stat("shmif0", "ipackets"),
		 (long long)rump_test_if_stat("shmif0", "opackets"),
		 (long long)rump_test_if_stat("shmif0", "iqdrops"),
		 (long long)rump_test_if_stat("shmif0", "oerrors"));
	CHECK(rump_test_if_stat("shmif0", "opackets") > 0);
	CHECK(rump_test_if_stat("shmif0", "ipackets") > 0);
	CHECK_EQ(rump_test_if_stat("shmif0", "ierrors"), 0);
	sink_quit("10.93.0.2");
	CHECK_EQ(rump_pub_netconfig_ifdestroy("shmif0"), 0);
	kern_halt();
}

static void sin_set(struct rump_sockaddr_in *sin, const char *a)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_len = sizeof(*sin);
	sin->sin_family = RUMP_AF_INET;
	sin->sin_addr.s_addr = inet_addr(a);
}

/*
 * shmif0 on bus1 at 10.93.1.1/24, default route through the router, all
 * through ioctls on a socket, as a configuration tool on a remote kernel
 * does: create, link string, address, up (Linux's SIOCSIFFLAGS), and
 * Linux's SIOCADDRT.
 */
static void ioctl_config(void)
{
	struct rump_ifreq kifr;
	struct rump_iflinkstr ifl;
	struct rump_in_aliasreq ifra;
	struct ifreq ifr;
	struct rtentry rt;
	int s = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));

	memset(&kifr, 0, sizeof(kifr));
	memcpy(&kifr, "shmif0", 7); /* ifr_name: the first field */
	CHECK_SYS(rump_sys_ioctl(s, RUMP_SIOCIFCREATE, &kifr));
	memset(&ifl, 0, sizeof(ifl));
	strcpy(ifl.ifl_name, "shmif0");
	snprintf(ifl.ifl_str, sizeof(ifl.ifl_str), "%s", bus1);
	CHECK_SYS(rump_sys_ioctl(s, RUMP_SIOCSLINKSTR, &ifl));
	CHECK_ERRNO(rump_sys_ioctl(s, RUMP_SIOCSLINKSTR, &ifl), EBUSY);
	strcpy(ifl.ifl_name, "shmif9");
	CHECK_ERRNO(rump_sys_ioctl(s, RUMP_SIOCSLINKSTR, &ifl), ENXIO);
	memset(&ifra, 0, sizeof(ifra));
	strcpy(ifra.ifra_name, "shmif0");
	sin_set(&ifra.ifra_addr, "10.93.1.1");
	sin_set(&ifra.ifra_mask, "255.255.255.0");
	CHECK_SYS(rump_sys_ioctl(s, RUMP_SIOCAIFADDR, &ifra));
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "shmif0");
	CHECK_SYS(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr));
	ifr.ifr_flags |= IFF_UP;
	CHECK_SYS(rump_sys_ioctl(s, SIOCSIFFLAGS, &ifr));
	memset(&rt, 0, sizeof(rt));
	rt.rt_dst.sa_family = AF_INET;
	rt.rt_genmask.sa_family = AF_INET;
	((struct sockaddr_in *)&rt.rt_gateway)->sin_family = AF_INET;
	((struct sockaddr_in *)&rt.rt_gateway)->sin_addr.s_addr =
		inet_addr("10.93.1.254");
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	CHECK_SYS(rump_sys_ioctl(s, SIOCADDRT, &rt));
	CHECK_SYS(rump_sys_close(s));
}

/* Kernel A behind the router: ping B on the other bus, then data. */
static void client_routed(void *arg)
{
	kern_boot();
	ioctl_config();
	ping_until("10.93.2.2", 30);
	test_log("ping through the router answered");
	bulk_to_sink("10.93.2.2", (uint64_t)32 << 20, 99);
	test_log("32 MiB through the router intact");
	sink_quit("10.93.2.2");
	kern_halt();
}

/*
 * The shmifdump program (build/bin, beside the tests' directory) writes
 * the same file, and tcpdump reads it: one line per frame, the routed
 * TCP segments among them.  CI installs tcpdump; elsewhere its absence
 * skips that part.
 */
static void check_tools(const char *pcap, uint64_t n)
{
	char self[512], out[128], cmd[256], line[1024];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	FILE *f;
	char *slash;
	unsigned long lines = 0, tcp = 0;

	CHECK(len > 0);
	self[len] = '\0';
	for (int i = 0; i < 3; i++) { /* build/tests/posix/t_shmif -> build */
		CHECK((slash = strrchr(self, '/')) != NULL);
		*slash = '\0';
	}
	snprintf(out, sizeof(out), "%s/tool.pcap", dir);
	CHECK_EQ(test_sh("%s/bin/shmifdump -q %s %s", self, bus1, out), 0);
	CHECK_EQ(test_sh("cmp -s %s %s", pcap, out), 0);
	CHECK(test_sh("%s/bin/shmifdump %s/nobus %s 2>/dev/null", self, dir,
		      out) != 0);
	if (test_sh("command -v tcpdump >/dev/null") != 0) {
		CHECK(getenv("CI") == NULL);
		test_log("no tcpdump: the pcap file is not read back");
		return;
	}
	snprintf(cmd, sizeof(cmd), "tcpdump -nn -r %s 2>/dev/null", out);
	CHECK((f = popen(cmd, "r")) != NULL);
	while (fgets(line, sizeof(line), f) != NULL) {
		lines += strchr(line, '\n') != NULL;
		if (strstr(line, "10.93.1.1.") != NULL &&
		    strstr(line, "> 10.93.2.2.7000: Flags") != NULL)
			tcp++;
	}
	CHECK_EQ(pclose(f), 0);
	CHECK_EQ(lines, n);
	CHECK(tcp > 0);
	test_log("tcpdump read %lu frames, %lu TCP segments to the sink", lines,
		 tcp);
}

/* The pcap dump of bus1: a valid file whose frames are Ethernet. */
static void check_dump(void)
{
	char pcap[128];
	uint64_t n = 0;
	uint32_t magic;
	uint16_t linktype;
	uint8_t hdr[24];
	FILE *f;

	snprintf(pcap, sizeof(pcap), "%s/bus1.pcap", dir);
	CHECK_EQ(rump_pub_shmif_dump(bus1, pcap, &n), 0);
	CHECK(n > 0);
	CHECK((f = fopen(pcap, "r")) != NULL);
	CHECK_EQ(fread(hdr, 1, sizeof(hdr), f), 24);
	memcpy(&magic, hdr, 4);
	memcpy(&linktype, hdr + 20, 2);
	CHECK_EQ(magic, 0xa1b23c4du);
	CHECK_EQ(linktype, 1);
	fclose(f);
	check_tools(pcap, n);
	CHECK_EQ(rump_pub_shmif_dump("/dev/null", pcap, NULL), EINVAL);
	CHECK_EQ(rump_pub_shmif_dump("/nonexistent", pcap, NULL), ENOENT);
	test_log("dump: %llu frames", (unsigned long long)n);
}

int main(int argc, char **argv)
{
	struct shmif_role sink = {.bus = bus1, .addr = "10.93.0.2"};
	struct shmif_role sink2 = {
		.bus = bus2, .addr = "10.93.2.2", .gw = "10.93.2.254"};
	struct shmif_role router = {.bus = bus1,
				    .addr = "10.93.1.254",
				    .bus2 = bus2,
				    .addr2 = "10.93.2.254"};
	int quit[2];
	pid_t a, b, r;

	test_init(argc, argv);
	test_watchdog(110);
	snprintf(dir, sizeof(dir), "/tmp/t_shmif.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(bus1, sizeof(bus1), "%s/bus1", dir);
	snprintf(bus2, sizeof(bus2), "%s/bus2", dir);

	b = kern_fork(role_sink, &sink);
	a = kern_fork(client_pair, NULL);
	kern_wait(a, "kernel A (pair)");
	kern_wait(b, "kernel B (sink)");

	CHECK_EQ(pipe(quit), 0);
	router.quitfd = quit[0];
	router.otherfd = quit[1];
	r = kern_fork(role_router, &router);
	close(quit[0]);
	b = kern_fork(role_sink, &sink2);
	a = kern_fork(client_routed, NULL);
	kern_wait(a, "kernel A (routed)");
	kern_wait(b, "kernel B (sink behind the router)");
	close(quit[1]);
	kern_wait(r, "the router");

	check_dump();
	CHECK_EQ(test_sh("rm -rf %s", dir), 0);
	test_log("ok");
	return 0;
}
