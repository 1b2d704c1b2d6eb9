/*
 * t_virtif_interop.c -- rumpkit's TCP against Linux's over a tap, in a
 * namespace of its own (tests/net/interop.c).  First the handshakes, as
 * tcpdump sees them on the Linux side of the tap: rumpkit's SYN offers
 * MSS 1460, window scaling, SACK permitted and timestamps, at least what
 * Linux's own SYN offers; Linux answers with all four; rumpkit answers
 * Linux's SYN with exactly the options Linux offered, echoing its
 * timestamp.  Then 64 MiB each way (16 under sanitizers) with 2% of
 * packets dropped both ways by iptables on the Linux side plus
 * duplication, reordering and up to 1 ms of delay injected on virt0's
 * output by rumpkit's interface fault injection, SHA-256-checked, the
 * counters showing each fault happened.  Needs root and tcpdump.
 */
/* hosts: posix */
#include "kern/rumptest_inet.h"
#include "testlib.h"

#include "net/interop.c"

#define SYN_PORT_OUT 9200
#define SYN_PORT_IN 9201
#define LOSSY_PORT 9202
#define PCAP_FILE "/tmp/rk-interop.pcap"

/* What a SYN or SYN-ACK carried. */
struct syn {
	uint32_t src;
	uint16_t sport, dport;
	bool ack;
	bool mss, ws, sackok, ts;
	unsigned mssval, wsval;
	uint32_t tsval, tsecr;
};

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Parses one Ethernet frame; true if it is a TCP SYN (with or w/o ACK). */
static bool parse_syn(const uint8_t *f, size_t len, struct syn *s)
{
	const uint8_t *ip = f + 14, *th, *o, *end;
	size_t ihl;

	if (len < 14 + 20 || be16(f + 12) != 0x0800 || (ip[0] >> 4) != 4)
		return false;
	ihl = (size_t)(ip[0] & 15) * 4;
	if (ip[9] != 6 || len < 14 + ihl + 20)
		return false;
	th = ip + ihl;
	if (!(th[13] & 0x02) || len < 14 + ihl + (size_t)(th[12] >> 4) * 4)
		return false;
	memset(s, 0, sizeof(*s));
	s->src = be32(ip + 12);
	s->sport = be16(th);
	s->dport = be16(th + 2);
	s->ack = (th[13] & 0x10) != 0;
	end = th + (th[12] >> 4) * 4;
	for (o = th + 20; o < end && *o != 0;) {
		if (*o == 1) {
			o++;
			continue;
		}
		if (o + 1 >= end || o[1] < 2 || o + o[1] > end)
			break;
		switch (o[0]) {
		case 2:
			s->mss = o[1] == 4;
			s->mssval = be16(o + 2);
			break;
		case 3:
			s->ws = o[1] == 3;
			s->wsval = o[2];
			break;
		case 4:
			s->sackok = o[1] == 2;
			break;
		case 8:
			s->ts = o[1] == 10;
			s->tsval = be32(o + 2);
			s->tsecr = be32(o + 6);
			break;
		}
		o += o[1];
	}
	return true;
}

/* Every SYN in the pcap file; how many. */
static int read_syns(const char *path, struct syn *out, int max)
{
	FILE *f = fopen(path, "rb");
	uint8_t gh[24], rh[16];
	static uint8_t frame[65536];
	int n = 0;

	CHECK(f != NULL);
	CHECK_EQ(fread(gh, 1, sizeof(gh), f), sizeof(gh));
	/* Little-endian microsecond or nanosecond pcap, Ethernet. */
	CHECK(memcmp(gh, "\xd4\xc3\xb2\xa1", 4) == 0 ||
	      memcmp(gh, "\x4d\x3c\xb2\xa1", 4) == 0);
	CHECK_EQ(gh[20], 1);
	while (fread(rh, 1, sizeof(rh), f) == sizeof(rh)) {
		uint32_t incl = (uint32_t)rh[8] | (uint32_t)rh[9] << 8 |
				(uint32_t)rh[10] << 16 | (uint32_t)rh[11] << 24;

		CHECK(incl <= sizeof(frame));
		/* The last record may still be being written. */
		if (fread(frame, 1, incl, f) != incl)
			break;
		if (n < max && parse_syn(frame, incl, &out[n]))
			n++;
	}
	fclose(f);
	return n;
}

static const struct syn *find(const struct syn *s, int n, uint32_t src,
			      bool ack, uint16_t port)
{
	for (int i = 0; i < n; i++)
		if (s[i].src == src && s[i].ack == ack &&
		    (ack ? s[i].sport : s[i].dport) == port)
			return &s[i];
	return NULL;
}

static void handshakes(void)
{
	uint32_t rk = 0x0a4d0002, lx = 0x0a4d0001;
	const struct syn *rksyn, *lxsynack, *lxsyn, *rksynack;
	struct syn syns[32];
	struct iop_peer td;
	char line[256];
	int n;

	unlink(PCAP_FILE);
	iop_peer_start(&td, "exec tcpdump -i " TAP
			    " --immediate-mode -U -n -w " PCAP_FILE
			    " 'tcp[tcpflags] & tcp-syn != 0' 2>&1");
	iop_peer_line(&td, line, sizeof(line));
	CHECK(strstr(line, "listening on") != NULL);
	iop_bulk_to_linux(SYN_PORT_OUT, 1 << 20);
	iop_bulk_from_linux(SYN_PORT_IN, 1 << 20);
	/* Until tcpdump has written the four SYNs (bounded). */
	for (int tries = 0;; tries++) {
		n = read_syns(PCAP_FILE, syns, 32);
		if (find(syns, n, rk, false, SYN_PORT_OUT) != NULL &&
		    find(syns, n, lx, true, SYN_PORT_OUT) != NULL &&
		    find(syns, n, lx, false, SYN_PORT_IN) != NULL &&
		    find(syns, n, rk, true, SYN_PORT_IN) != NULL)
			break;
		if (tries == 300)
			break;
		usleep(100000);
	}
	kill(td.pid, SIGINT);
	while (fgets(line, sizeof(line), td.out) != NULL)
		continue;
	CHECK(WIFEXITED(iop_peer_end(&td)));
	unlink(PCAP_FILE);
	test_log("%d SYNs captured", n);

	/* rumpkit connects: its SYN and Linux's answer. */
	rksyn = find(syns, n, rk, false, SYN_PORT_OUT);
	lxsynack = find(syns, n, lx, true, SYN_PORT_OUT);
	/* Linux connects: its SYN and rumpkit's answer. */
	lxsyn = find(syns, n, lx, false, SYN_PORT_IN);
	rksynack = find(syns, n, rk, true, SYN_PORT_IN);
	CHECK(rksyn != NULL && lxsynack != NULL && lxsyn != NULL &&
	      rksynack != NULL);

	CHECK(rksyn->mss && rksyn->mssval == 1460);
	CHECK(rksyn->ws && rksyn->wsval <= 14);
	CHECK(rksyn->sackok && rksyn->ts && rksyn->tsval != 0);
	/* At least what Linux offers in its own SYN. */
	CHECK(rksyn->mss >= lxsyn->mss && rksyn->ws >= lxsyn->ws &&
	      rksyn->sackok >= lxsyn->sackok && rksyn->ts >= lxsyn->ts);
	CHECK_EQ(rksyn->mssval, lxsyn->mssval);
	/* Linux accepts all four. */
	CHECK(lxsynack->mss && lxsynack->ws && lxsynack->sackok &&
	      lxsynack->ts);
	CHECK_EQ(lxsynack->tsecr, rksyn->tsval);
	test_log("rumpkit's SYN: mss %u wscale %u sackOK TS; Linux accepts "
		 "all four",
		 rksyn->mssval, rksyn->wsval);

	/* rumpkit answers Linux with what Linux offered, no more. */
	CHECK(lxsyn->mss && lxsyn->ws && lxsyn->sackok && lxsyn->ts);
	CHECK_EQ(rksynack->mss, lxsyn->mss);
	CHECK_EQ(rksynack->ws, lxsyn->ws);
	CHECK_EQ(rksynack->sackok, lxsyn->sackok);
	CHECK_EQ(rksynack->ts, lxsyn->ts);
	CHECK_EQ(rksynack->mssval, 1460);
	CHECK(rksynack->wsval <= 14);
	CHECK_EQ(rksynack->tsecr, lxsyn->tsval);
	test_log("Linux's SYN: mss %u wscale %u sackOK TS; rumpkit answers "
		 "mss %u wscale %u sackOK TS",
		 lxsyn->mssval, lxsyn->wsval, rksynack->mssval,
		 rksynack->wsval);
}

/* Both DROP rules of iptables counted packets. */
static void check_iptables_dropped(void)
{
	struct iop_peer p;
	char line[256];
	int chains = 0;

	iop_peer_start(&p, "iptables -nvxL INPUT; iptables -nvxL OUTPUT");
	while (fgets(line, sizeof(line), p.out) != NULL) {
		if (strstr(line, "DROP") == NULL)
			continue;
		CHECK(strtoull(line, NULL, 10) > 0);
		chains++;
	}
	CHECK_EQ(iop_peer_end(&p), 0);
	CHECK_EQ(chains, 2);
}

static void lossy(void)
{
	uint64_t nbytes = (IOP_SANITIZED ? 16ull : 64ull) << 20;

	nbytes *= (uint64_t)test_scale();
	iop_sh("iptables -A INPUT -m statistic --mode random --probability "
	       "0.02 -j DROP && iptables -A OUTPUT -m statistic --mode random "
	       "--probability 0.02 -j DROP");
	CHECK_EQ(rump_test_inet_fault_set("virt0:dup=0.01,reorder=0.02,"
					  "delay=1000,seed=11"),
		 0);
	iop_bulk_to_linux(LOSSY_PORT, nbytes);
	test_log("lossy: %llu MiB rumpkit -> Linux, sha256 matches",
		 (unsigned long long)(nbytes >> 20));
	iop_bulk_from_linux(LOSSY_PORT, nbytes);
	test_log("lossy: %llu MiB Linux -> rumpkit, sha256 matches",
		 (unsigned long long)(nbytes >> 20));
	CHECK_EQ(rump_test_inet_fault_set(""), 0);
	check_iptables_dropped();
	iop_sh("iptables -F INPUT && iptables -F OUTPUT");
	CHECK(rump_test_inet_stat("iff_duplicated") > 0);
	CHECK(rump_test_inet_stat("iff_reordered") > 0);
	CHECK(rump_test_inet_stat("iff_delayed") > 0);
	test_log("lossy: %lld duplicated, %lld reordered, %lld delayed by "
		 "virt0",
		 (long long)rump_test_inet_stat("iff_duplicated"),
		 (long long)rump_test_inet_stat("iff_reordered"),
		 (long long)rump_test_inet_stat("iff_delayed"));
}

static void in_namespace(void)
{
	iop_boot_virt0();
	handshakes();
	lossy();
	CHECK_EQ(rump_pub_netconfig_ifdestroy("virt0"), 0);
	rump_pub_lwproc_releaselwp();
	test_halt();
}

int main(int argc, char **argv)
{
	return iop_main(argc, argv, in_namespace);
}
