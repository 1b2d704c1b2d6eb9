/*
 * t_shmif_offload.c -- shmif's software TCP segmentation and receive
 * coalescing (docs/net-offload.md) between two kernels in two processes:
 * with them on (the default) 32 MiB (times SCALE; 8 under TSan) cross
 * intact by CRC-32, the sender's net.inet.offload shows 64 KiB segments
 * cut into frames and the receiver's shows frames merged; the bus still
 * carries standard Ethernet frames (the dump: none longer than 1514
 * bytes, every IPv4 and TCP checksum right).  Then the same with
 * RUMP_SHMIF_OFFLOAD=0 in both kernels: intact, counters all 0, the same
 * frame checks.  Both transfers deliver the same bytes.
 */
/* hosts: posix */
#include <rump/sysctl.h>

#include "net/shmif_util.h"
#include "net/offload_stats.h"

#if defined(__SANITIZE_THREAD__)
#define XFER_MIB 8
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define XFER_MIB 8
#endif
#endif
#ifndef XFER_MIB
#define XFER_MIB 32
#endif

#define ETH_MAX 1514

static char dir[64], bus[96];
static bool offload_on;

/* The sink's check before it halts: it merged, or not at all. */
/* With offloads on, packets of two or more frames each; off, none. */
static void check_offload_counts(const char *what, uint64_t packets,
				 uint64_t frames)
{
	test_log("%s: %llu packets of %llu frames", what,
		 (unsigned long long)packets, (unsigned long long)frames);
	if (offload_on) {
		CHECK(packets > 0);
		CHECK(frames >= 2 * packets);
	} else {
		CHECK_EQ(packets, 0);
		CHECK_EQ(frames, 0);
	}
}

static void sink_check(void)
{
	struct rump_sysctl_offload so = offload_stats();

	check_offload_counts("sink: gro", so.so_gro_packets, so.so_gro_frames);
	CHECK_EQ(rump_test_if_stat("shmif0", "ierrors"), 0);
}

static void client(void *arg)
{
	uint64_t bytes = (uint64_t)XFER_MIB * test_scale() << 20;
	struct rump_sysctl_offload so;

	(void)arg;
	kern_boot();
	role_attach(bus, "10.94.0.1");
	ping_until("10.94.0.2", 30);
	bulk_to_sink("10.94.0.2", bytes, 0x5eed);
	so = offload_stats();
	check_offload_counts("client: tso", so.so_tso_packets,
			     so.so_tso_frames);
	CHECK_EQ(rump_test_if_stat("shmif0", "oerrors"), 0);
	sink_quit("10.94.0.2");
	kern_halt();
}

/* The one's complement sum of len bytes, not folded. */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (; len >= 2; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len == 1)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * The bus's frames, dumped: each at most ETH_MAX bytes, each IPv4 header
 * and TCP segment with the right checksum; returns the TCP data frames to
 * the sink.
 */
static unsigned long check_frames(void)
{
	char pcap[128];
	uint8_t hdr[24], rec[16], f[65536 + 14];
	unsigned long data = 0, frames = 0;
	uint64_t n = 0;
	FILE *fp;

	snprintf(pcap, sizeof(pcap), "%s/bus.pcap", dir);
	CHECK_EQ(rump_pub_shmif_dump(bus, pcap, &n), 0);
	CHECK((fp = fopen(pcap, "r")) != NULL);
	CHECK_EQ(fread(hdr, 1, sizeof(hdr), fp), sizeof(hdr));
	while (fread(rec, 1, sizeof(rec), fp) == sizeof(rec)) {
		uint32_t caplen, len, iphl, iplen;
		const uint8_t *ip = f + 14, *th;

		memcpy(&caplen, rec + 8, 4);
		memcpy(&len, rec + 12, 4);
		CHECK(caplen == len && len <= sizeof(f));
		CHECK_EQ(fread(f, 1, len, fp), len);
		frames++;
		if (len > ETH_MAX)
			test_fail(__FILE__, __LINE__,
				  "a frame of %u bytes on the bus", len);
		if (len < 34 || f[12] != 0x08 || f[13] != 0x00)
			continue;
		iphl = (uint32_t)(ip[0] & 0x0f) * 4;
		iplen = (uint32_t)(ip[2] << 8 | ip[3]);
		CHECK(iphl >= 20 && iplen <= len - 14);
		CHECK_EQ(fold(sum16(ip, iphl, 0)), 0xffff);
		if (ip[9] != IPPROTO_TCP)
			continue;
		th = ip + iphl;
		{
			uint32_t tlen = iplen - iphl;
			uint32_t s = sum16(ip + 12, 8, IPPROTO_TCP + tlen);

			CHECK_EQ(fold(sum16(th, tlen, s)), 0xffff);
			if (tlen > (uint32_t)(th[12] >> 4) * 4 &&
			    (th[2] << 8 | th[3]) == SINK_PORT)
				data++;
		}
	}
	fclose(fp);
	CHECK_EQ(frames, n);
	test_log("bus: %lu frames checked, %lu TCP data frames to the sink",
		 frames, data);
	return data;
}

static void run(bool on)
{
	struct shmif_role sink = {
		.bus = bus, .addr = "10.94.0.2", .sink_done = sink_check};
	pid_t a, b;

	offload_on = on;
	if (on)
		CHECK_EQ(unsetenv("RUMP_SHMIF_OFFLOAD"), 0);
	else
		CHECK_EQ(setenv("RUMP_SHMIF_OFFLOAD", "0", 1), 0);
	unlink(bus);
	b = kern_fork(role_sink, &sink);
	a = kern_fork(client, NULL);
	kern_wait(a, "the client");
	kern_wait(b, "the sink");
	CHECK(check_frames() > 0);
	test_log("offloads %s: intact", on ? "on" : "off");
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(110);
	snprintf(dir, sizeof(dir), "/tmp/t_shmif_offload.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(bus, sizeof(bus), "%s/bus", dir);
	run(true);
	run(false);
	CHECK_EQ(test_sh("rm -rf %s", dir), 0);
	test_log("ok");
	return 0;
}
