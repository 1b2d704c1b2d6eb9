/*
 * t_virtif_offload.c -- the virt interface's tap offloads against Linux
 * (tests/net/interop.c: virt0 on rktap0 in a namespace of its own): with
 * offloads on (the default), 64 MiB each way arrive intact (SHA-256 on
 * both ends) and tcpdump on the tap sees frames larger than the 1514
 * bytes an MTU of 1500 allows in both directions -- rumpkit's TSO
 * segments going out, Linux's merged or TSO segments coming in through
 * the virtio-net header parse; with "tap,offload=0" the same transfers
 * are intact and no frame is larger, while the software segmentation
 * and coalescing (docs/net-offload.md) count in net.inet.offload.
 * RUMP_VIRTIF_OFFLOAD=0 turns the tap's offloads off too; with
 * "tap,offload=0,gso=0" the software path stays off (counters still).
 * A bad linkstr option is EINVAL.  Needs root and tcpdump.
 */
/* hosts: posix */
#include <rump/sysctl.h>

#include "testlib.h"

#include "net/interop.c"
#include "net/offload_stats.h"

#define OFF_PORT 9300
#define PCAP_FILE "/tmp/t_virtif_offload.pcap"
#define MTU_FRAME 1514

/* virt0 on the tap with linkstr, both ends addressed (kernel booted). */
static void virt0_up(const char *linkstr)
{
	CHECK_EQ(rump_pub_netconfig_ifcreate("virt0"), 0);
	CHECK_EQ(rump_pub_netconfig_ifsetlinkstr("virt0", linkstr), 0);
	CHECK_EQ(rump_pub_netconfig_ipv4_ifaddr_cidr("virt0", RUMP_ADDR, 24),
		 0);
	CHECK_EQ(rump_pub_netconfig_ifup("virt0"), 0);
	iop_sh("ip addr add " LINUX_ADDR "/24 dev " TAP " && ip link set " TAP
	       " up");
}

/* Frames from src longer than an MTU-sized one in the capture. */
static long count_big(const char *src)
{
	char cmd[256], line[64];
	long n = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "tcpdump -r " PCAP_FILE " -n 'src host %s and greater %d' "
		 "2>/dev/null | wc -l",
		 src, MTU_FRAME + 1);
	f = popen(cmd, "r");
	CHECK(f != NULL);
	if (fgets(line, sizeof(line), f) != NULL)
		n = atol(line);
	CHECK_EQ(pclose(f), 0);
	CHECK(n >= 0);
	return n;
}

/*
 * nbytes each way with tcpdump on the tap (headers only); the numbers of
 * frames above MTU size rumpkit sent and Linux sent into *outp, *inp.
 */
static void transfer(uint16_t port, uint64_t nbytes, long *outp, long *inp)
{
	struct iop_peer td;
	char line[256];

	unlink(PCAP_FILE);
	/*
	 * --immediate-mode: without it tcpdump is handed the packets a block
	 * of its ring at a time (or after a second), and a transfer done in
	 * less than that is "received by filter" but never written.
	 */
	iop_peer_start(&td, "exec tcpdump --immediate-mode -i " TAP
			    " -s 96 -U -n -w " PCAP_FILE " tcp 2>&1");
	iop_peer_line(&td, line, sizeof(line));
	CHECK(strstr(line, "listening on") != NULL);
	iop_bulk_to_linux(port, nbytes);
	iop_bulk_from_linux((uint16_t)(port + 1), nbytes);
	kill(td.pid, SIGINT);
	while (fgets(line, sizeof(line), td.out) != NULL)
		continue;
	CHECK(WIFEXITED(iop_peer_end(&td)));
	*outp = count_big(RUMP_ADDR);
	*inp = count_big(LINUX_ADDR);
	unlink(PCAP_FILE);
}

static void in_namespace(void)
{
	uint64_t nbytes = (IOP_SANITIZED ? 16ull : 64ull) << 20;
	struct rump_sysctl_offload s0, s1;
	long out, in;

	nbytes *= (uint64_t)test_scale();
	iop_find_root();
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	iop_sh("ip link set lo up");

	/* Options other than offload=0/1 are refused before the tap. */
	CHECK_EQ(rump_pub_netconfig_ifcreate("virt0"), 0);
	CHECK_EQ(rump_pub_netconfig_ifsetlinkstr("virt0", TAP ",bogus"),
		 EINVAL);
	CHECK_EQ(rump_pub_netconfig_ifsetlinkstr("virt0", TAP ",offload=2"),
		 EINVAL);
	CHECK_EQ(rump_pub_netconfig_ifsetlinkstr("virt0", ",offload=0"),
		 EINVAL);
	CHECK_EQ(rump_pub_netconfig_ifsetlinkstr("virt0", TAP ",gso=2"),
		 EINVAL);
	CHECK_EQ(rump_pub_netconfig_ifsetlinkstr("virt0",
						 TAP ",offload=0,bogus"),
		 EINVAL);
	CHECK_EQ(rump_pub_netconfig_ifdestroy("virt0"), 0);

	/* The default: offloads on. */
	virt0_up(TAP);
	transfer(OFF_PORT, nbytes, &out, &in);
	test_log("offloads on: %llu MiB each way intact; frames > %d bytes: "
		 "%ld out (TSO), %ld in (GRO/TSO)",
		 (unsigned long long)(nbytes >> 20), MTU_FRAME, out, in);
	CHECK(out > 0);
	CHECK(in > 0);
	CHECK_EQ(rump_pub_netconfig_ifdestroy("virt0"), 0);

	/* Off by the linkstr: only MTU-sized frames either way. */
	virt0_up(TAP ",offload=0");
	s0 = offload_stats();
	transfer(OFF_PORT + 2, nbytes, &out, &in);
	s1 = offload_stats();
	test_log("offloads off: %llu MiB each way intact; frames > %d bytes: "
		 "%ld out, %ld in; software: %llu packets cut, %llu merged",
		 (unsigned long long)(nbytes >> 20), MTU_FRAME, out, in,
		 (unsigned long long)(s1.so_tso_packets - s0.so_tso_packets),
		 (unsigned long long)(s1.so_gro_packets - s0.so_gro_packets));
	CHECK_EQ(out, 0);
	CHECK_EQ(in, 0);
	CHECK(s1.so_tso_packets > s0.so_tso_packets);
	CHECK(s1.so_tso_frames - s0.so_tso_frames >
	      s1.so_tso_packets - s0.so_tso_packets);
	CHECK(s1.so_gro_packets > s0.so_gro_packets);
	CHECK_EQ(rump_pub_netconfig_ifdestroy("virt0"), 0);

	/* Off by the environment (the glue reads it at linkstr time). */
	CHECK_EQ(setenv("RUMP_VIRTIF_OFFLOAD", "0", 1), 0);
	virt0_up(TAP);
	transfer(OFF_PORT + 4, 4 << 20, &out, &in);
	test_log("RUMP_VIRTIF_OFFLOAD=0: frames > %d bytes: %ld out, %ld in",
		 MTU_FRAME, out, in);
	CHECK_EQ(out, 0);
	CHECK_EQ(in, 0);
	CHECK_EQ(unsetenv("RUMP_VIRTIF_OFFLOAD"), 0);
	CHECK_EQ(rump_pub_netconfig_ifdestroy("virt0"), 0);

	/* Without the software path either: every frame on its own. */
	virt0_up(TAP ",offload=0,gso=0");
	s0 = offload_stats();
	transfer(OFF_PORT + 6, 4 << 20, &out, &in);
	s1 = offload_stats();
	CHECK_EQ(out, 0);
	CHECK_EQ(in, 0);
	CHECK_EQ(s1.so_tso_packets, s0.so_tso_packets);
	CHECK_EQ(s1.so_gro_packets, s0.so_gro_packets);
	test_log("offload=0,gso=0: intact, nothing cut or merged");
	CHECK_EQ(rump_pub_netconfig_ifdestroy("virt0"), 0);

	rump_pub_lwproc_releaselwp();
	test_halt();
}

int main(int argc, char **argv)
{
	return iop_main(argc, argv, in_namespace);
}
