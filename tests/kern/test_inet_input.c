/*
 * test_inet_input.c -- hostile input through the capturing test
 * interface tif2 (10.8.0.1/24): each kind of malformed Ethernet, IPv4,
 * UDP, ICMP and ARP packet is counted in its statistic and dropped, a
 * datagram for a closed port draws a port unreachable, and then random
 * and mutated frames are thrown at the stack; nothing may crash, and
 * every mbuf comes back.  Also the statistics lookup for host tests.
 */
#include <net/if_arp.h>
#include <net/if_fault.h>
#include <netinet/icmp_var.h>
#include <netinet/if_inarp.h>
#include <netinet/in_cksum.h>
#include <netinet/in_var.h>
#include <netinet/ip_var.h>
#include <netinet/udp_var.h>
#include <sys/socketvar.h>

#include "rumptest_inet.h"
#include "test_inet_tif.h"
#include "testkern.h"

#define OURS 0x0a080001u
#define PEER 0x0a080002u
static const uint8_t peer_lla[6] = {0x02, 0x77, 0, 0, 0, 2};

struct frame {
	struct ether_header eh;
	struct ip ip;
	uint8_t data[1500];
} __attribute__((__packed__, __aligned__(2)));

/* A valid IPv4 frame from the peer to us with plen bytes of payload. */
static void frame_ip(struct tif *t, struct frame *f, int proto, int plen)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->eh.ether_dhost, t->tif_if.if_lladdr, 6);
	memcpy(f->eh.ether_shost, peer_lla, 6);
	f->eh.ether_type = htons(ETHERTYPE_IP);
	f->ip.ip_v = IPVERSION;
	f->ip.ip_hl = 5;
	f->ip.ip_len = htons((uint16_t)(20 + plen));
	f->ip.ip_id = htons(1234);
	f->ip.ip_ttl = 64;
	f->ip.ip_p = (uint8_t)proto;
	f->ip.ip_src.s_addr = htonl(PEER);
	f->ip.ip_dst.s_addr = htonl(OURS);
}

static void frame_sum(struct frame *f)
{
	f->ip.ip_sum = 0;
	f->ip.ip_sum = in_cksum_buf(&f->ip, (size_t)f->ip.ip_hl * 4);
}

/* A UDP datagram with a correct checksum (pseudo header included). */
static void frame_udp(struct tif *t, struct frame *f, uint16_t dport, int len)
{
	struct udphdr *uh = (struct udphdr *)f->data;
	uint32_t sum;

	frame_ip(t, f, IPPROTO_UDP, 8 + len);
	uh->uh_sport = htons(5555);
	uh->uh_dport = htons(dport);
	uh->uh_ulen = htons((uint16_t)(8 + len));
	for (int i = 0; i < len; i++)
		f->data[8 + i] = (uint8_t)i;
	sum = in_cksum_partial(0, &f->ip.ip_src, 8);
	sum += IPPROTO_UDP + 8 + len;
	sum = in_cksum_partial(sum, f->data, (size_t)(8 + len));
	uh->uh_sum = in_cksum_fold(sum);
	frame_sum(f);
}

static void deliver(struct tif *t, const void *buf, int len)
{
	mutex_exit(&softnet_lock);
	tif_receive(t, buf, len);
	tif_settle();
	mutex_enter(&softnet_lock);
}

#define EXPECT_COUNT(counter, action)                                          \
	do {                                                                   \
		uint64_t before_ = (counter);                                  \
		action;                                                        \
		TCHECK((counter) == before_ + 1);                              \
	} while (0)

static void malformed_cases(struct tif *t)
{
	static struct frame f;
	const int hdr = ETHER_HDR_LEN + 20;

	EXPECT_COUNT(etherstat.es_runt, deliver(t, &f, 10));
	frame_ip(t, &f, IPPROTO_UDP, 8);
	f.eh.ether_type = htons(0x88b5);
	EXPECT_COUNT(etherstat.es_unknown, deliver(t, &f, hdr + 8));
	frame_ip(t, &f, IPPROTO_UDP, 8);
	EXPECT_COUNT(ipstat.ips_toosmall, deliver(t, &f, ETHER_HDR_LEN + 12));
	frame_ip(t, &f, IPPROTO_UDP, 8);
	f.ip.ip_v = 6;
	frame_sum(&f);
	EXPECT_COUNT(ipstat.ips_badvers, deliver(t, &f, hdr + 8));
	frame_ip(t, &f, IPPROTO_UDP, 8);
	f.ip.ip_hl = 4;
	EXPECT_COUNT(ipstat.ips_badhlen, deliver(t, &f, hdr + 8));
	frame_ip(t, &f, IPPROTO_UDP, 8);
	f.ip.ip_hl = 15; /* 60 bytes: beyond the 28-byte packet */
	EXPECT_COUNT(ipstat.ips_badhlen, deliver(t, &f, hdr + 8));
	frame_ip(t, &f, IPPROTO_UDP, 8);
	frame_sum(&f);
	f.ip.ip_sum ^= 0x0101;
	EXPECT_COUNT(ipstat.ips_badsum, deliver(t, &f, hdr + 8));
	frame_ip(t, &f, IPPROTO_UDP, 8);
	f.ip.ip_len = htons(12);
	frame_sum(&f);
	EXPECT_COUNT(ipstat.ips_badlen, deliver(t, &f, hdr + 8));
	frame_ip(t, &f, IPPROTO_UDP, 400);
	frame_sum(&f);
	EXPECT_COUNT(ipstat.ips_tooshort, deliver(t, &f, hdr + 100));
	frame_ip(t, &f, IPPROTO_UDP, 8);
	f.ip.ip_src.s_addr = htonl(0x7f000001);
	frame_sum(&f);
	EXPECT_COUNT(ipstat.ips_badaddr, deliver(t, &f, hdr + 8));
	frame_ip(t, &f, IPPROTO_UDP, 8);
	f.ip.ip_src.s_addr = htonl(0xe0000001);
	frame_sum(&f);
	EXPECT_COUNT(ipstat.ips_badaddr, deliver(t, &f, hdr + 8));
	/* Not for us, forwarding off. */
	frame_ip(t, &f, IPPROTO_UDP, 8);
	f.ip.ip_dst.s_addr = htonl(0x0a080063);
	frame_sum(&f);
	EXPECT_COUNT(ipstat.ips_notforus, deliver(t, &f, hdr + 8));

	/* UDP. */
	frame_udp(t, &f, 7, 4);
	((struct udphdr *)f.data)->uh_sum ^= 0x4000;
	EXPECT_COUNT(udpstat.udps_badsum, deliver(t, &f, hdr + 12));
	frame_udp(t, &f, 7, 4);
	((struct udphdr *)f.data)->uh_ulen = htons(100);
	EXPECT_COUNT(udpstat.udps_badlen, deliver(t, &f, hdr + 12));
	frame_ip(t, &f, IPPROTO_UDP, 4);
	frame_sum(&f);
	EXPECT_COUNT(udpstat.udps_hdrops, deliver(t, &f, hdr + 4));

	/* ICMP. */
	frame_ip(t, &f, IPPROTO_ICMP, 12);
	f.data[0] = ICMP_ECHO;
	frame_sum(&f);
	EXPECT_COUNT(icmpstat.icps_checksum, deliver(t, &f, hdr + 12));
	frame_ip(t, &f, IPPROTO_ICMP, 4);
	frame_sum(&f);
	EXPECT_COUNT(icmpstat.icps_tooshort, deliver(t, &f, hdr + 4));
	/* An error quoting too little. */
	frame_ip(t, &f, IPPROTO_ICMP, 12);
	f.data[0] = ICMP_UNREACH;
	f.data[1] = ICMP_UNREACH_PORT;
	*(uint16_t *)&f.data[2] = in_cksum_buf(f.data, 12);
	frame_sum(&f);
	EXPECT_COUNT(icmpstat.icps_badlen, deliver(t, &f, hdr + 12));
	TCHECK(t->tif_nsent == 0);
}

static void closed_port(struct tif *t)
{
	static struct frame f;
	struct mbuf *m;
	struct {
		struct ether_header eh;
		struct ip ip;
		uint8_t icmp_type, icmp_code;
	} __attribute__((__packed__, __aligned__(2))) r;

	frame_udp(t, &f, 9, 10);
	EXPECT_COUNT(udpstat.udps_noport,
		     deliver(t, &f, ETHER_HDR_LEN + 20 + 18));
	m = tif_take(t);
	TCHECK(m != NULL && m->m_pkthdr.len >= (int)sizeof(r));
	if (m != NULL) {
		m_copydata(m, 0, sizeof(r), &r);
		TCHECK(ntohs(r.eh.ether_type) == ETHERTYPE_IP);
		TCHECK(memcmp(r.eh.ether_dhost, peer_lla, 6) == 0);
		TCHECK(r.ip.ip_p == IPPROTO_ICMP);
		TCHECK(ntohl(r.ip.ip_dst.s_addr) == PEER);
		TCHECK(ntohl(r.ip.ip_src.s_addr) == OURS);
		TCHECK(r.icmp_type == ICMP_UNREACH &&
		       r.icmp_code == ICMP_UNREACH_PORT);
		m_freem(m);
	}
	/* Errors are rate limited: at one a second, a burst mostly is not
	 * answered (each datagram still counts as for no port). */
	{
		int saved = icmp_errppslimit;
		uint64_t limited = icmpstat.icps_ratelimited;
		uint64_t noport = udpstat.udps_noport;

		icmp_errppslimit = 1;
		for (int i = 0; i < 20; i++) {
			frame_udp(t, &f, 9, 10);
			deliver(t, &f, ETHER_HDR_LEN + 20 + 18);
		}
		TCHECK(udpstat.udps_noport == noport + 20);
		TCHECK(icmpstat.icps_ratelimited > limited);
		TCHECK(t->tif_nsent < 20);
		tif_flush(t);
		icmp_errppslimit = saved;
	}
	/* Broadcast to a closed port: dropped quietly. */
	frame_udp(t, &f, 9, 10);
	memset(f.eh.ether_dhost, 0xff, 6);
	f.ip.ip_dst.s_addr = htonl(0x0a0800ff);
	frame_sum(&f);
	{
		/* The checksum covers the new destination. */
		struct udphdr *uh = (struct udphdr *)f.data;
		uint32_t sum;
		uh->uh_sum = 0;
		sum = in_cksum_partial(0, &f.ip.ip_src, 8) + IPPROTO_UDP + 18;
		sum = in_cksum_partial(sum, f.data, 18);
		uh->uh_sum = in_cksum_fold(sum);
	}
	EXPECT_COUNT(udpstat.udps_noportbcast,
		     deliver(t, &f, ETHER_HDR_LEN + 20 + 18));
	TCHECK(t->tif_nsent == 0);
	/* An echo request is answered. */
	frame_ip(t, &f, IPPROTO_ICMP, 16);
	f.data[0] = ICMP_ECHO;
	*(uint16_t *)&f.data[2] = in_cksum_buf(f.data, 16);
	frame_sum(&f);
	EXPECT_COUNT(icmpstat.icps_reflect,
		     deliver(t, &f, ETHER_HDR_LEN + 20 + 16));
	m = tif_take(t);
	TCHECK(m != NULL);
	if (m != NULL) {
		m_copydata(m, 0, sizeof(r), &r);
		TCHECK(r.icmp_type == ICMP_ECHOREPLY);
		TCHECK(ntohl(r.ip.ip_dst.s_addr) == PEER);
		m_freem(m);
	}
}

static void random_frames(struct tif *t, int niters, uint32_t seed)
{
	static struct frame f;
	static uint8_t buf[sizeof(struct frame)];

	for (int i = 0; i < niters; i++) {
		uint32_t r = trand(&seed);
		int len;

		switch (r % 4) {
		case 0: /* pure noise to our address */
			len = (int)(trand(&seed) % 200);
			for (int j = 0; j < len; j++)
				buf[j] = (uint8_t)trand(&seed);
			memcpy(buf, t->tif_if.if_lladdr, MIN(len, 6));
			if (len >= 14) {
				buf[12] = (r & 16) ? 0x08 : 0x08;
				buf[13] = (r & 32) ? 0x06 : 0x00;
			}
			break;
		case 1: /* a valid UDP datagram with bytes flipped */
		case 2:
			frame_udp(t, &f, (uint16_t)(trand(&seed) % 8), 64);
			len = ETHER_HDR_LEN + 20 + 72;
			memcpy(buf, &f, (size_t)len);
			for (int k = 0; k < 3; k++)
				buf[ETHER_HDR_LEN + trand(&seed) % 92] ^=
					(uint8_t)(1u << (trand(&seed) % 8));
			if (r & 64)
				len = ETHER_HDR_LEN + (int)(trand(&seed) % 92);
			break;
		default: /* ICMP errors and echoes with mutations */
			frame_ip(t, &f, IPPROTO_ICMP, 64);
			f.data[0] = (uint8_t)(trand(&seed) % 20);
			f.data[1] = (uint8_t)(trand(&seed) % 6);
			memcpy(&f.data[8], &f.ip, 20);
			((struct ip *)&f.data[8])->ip_hl =
				(uint8_t)(trand(&seed) % 16);
			*(uint16_t *)&f.data[2] = 0;
			*(uint16_t *)&f.data[2] = in_cksum_buf(f.data, 64);
			frame_sum(&f);
			len = ETHER_HDR_LEN + 20 + 64;
			memcpy(buf, &f, (size_t)len);
			break;
		}
		mutex_exit(&softnet_lock);
		tif_receive(t, buf, len);
		if (i % 64 == 63)
			tif_settle();
		mutex_enter(&softnet_lock);
		if (i % 64 == 63)
			tif_flush(t);
	}
	mutex_exit(&softnet_lock);
	tif_settle();
	mutex_enter(&softnet_lock);
	tif_flush(t);
}

int rump_test_inet_malformed(int niters, uint32_t seed)
{
	int start = test_failures;
	struct in_addr a = {htonl(OURS)}, mask = {htonl(0xffffff00u)};
	int64_t mbufs;
	struct tif *t;

	rump_schedule();
	mutex_enter(&softnet_lock);
	mbufs = mbuf_live;
	t = tif_create(2);
	if (!TCHECK(t != NULL))
		goto out;
	TCHECK(in_ifaddr_add(&t->tif_if, a, mask, (struct in_addr){0}) == 0);
	TCHECK(if_up(&t->tif_if) == 0);
	tif_flush(t);
	/* Teach ARP the peer (a request for us) so that answers go out. */
	{
		struct {
			struct ether_header eh;
			struct ether_arp ea;
		} __attribute__((__packed__, __aligned__(2))) q;
		uint32_t s = htonl(PEER), d = htonl(OURS);
		memset(&q, 0, sizeof(q));
		memset(q.eh.ether_dhost, 0xff, 6);
		memcpy(q.eh.ether_shost, peer_lla, 6);
		q.eh.ether_type = htons(ETHERTYPE_ARP);
		q.ea.ea_hdr.ar_hrd = htons(ARPHRD_ETHER);
		q.ea.ea_hdr.ar_pro = htons(ETHERTYPE_IP);
		q.ea.ea_hdr.ar_hln = 6;
		q.ea.ea_hdr.ar_pln = 4;
		q.ea.ea_hdr.ar_op = htons(ARPOP_REQUEST);
		memcpy(q.ea.arp_sha, peer_lla, 6);
		memcpy(q.ea.arp_spa, &s, 4);
		memcpy(q.ea.arp_tpa, &d, 4);
		deliver(t, &q, sizeof(q));
		tif_flush(t);
	}
	malformed_cases(t);
	closed_port(t);
	random_frames(t, niters, seed);
	tif_destroy(t);
	TCHECK(mbuf_live == mbufs);
out:
	mutex_exit(&softnet_lock);
	rump_unschedule();
	return TRESULT(start);
}

int64_t rump_test_inet_stat(const char *name)
{
	static const struct {
		const char *name;
		const uint64_t *p;
	} stats[] = {
		{"ips_total", &ipstat.ips_total},
		{"ips_fragments", &ipstat.ips_fragments},
		{"ips_reassembled", &ipstat.ips_reassembled},
		{"ips_fragmented", &ipstat.ips_fragmented},
		{"ips_ofragments", &ipstat.ips_ofragments},
		{"ips_badsum", &ipstat.ips_badsum},
		{"ips_noproto", &ipstat.ips_noproto},
		{"udps_noport", &udpstat.udps_noport},
		{"udps_ipackets", &udpstat.udps_ipackets},
		{"udps_opackets", &udpstat.udps_opackets},
		{"udps_fullsock", &udpstat.udps_fullsock},
		{"icps_reflect", &icmpstat.icps_reflect},
		{"icps_error", &icmpstat.icps_error},
		{"icps_ratelimited", &icmpstat.icps_ratelimited},
		{"iff_sendfail", &if_fault_stats.iff_sendfail},
		{"iff_dropped", &if_fault_stats.iff_dropped},
		{"iff_duplicated", &if_fault_stats.iff_duplicated},
		{"iff_reordered", &if_fault_stats.iff_reordered},
		{"iff_delayed", &if_fault_stats.iff_delayed},
	};
	int64_t v = -1;

	rump_schedule();
	mutex_enter(&softnet_lock);
	for (size_t i = 0; i < __arraycount(stats); i++)
		if (strcmp(stats[i].name, name) == 0)
			v = (int64_t)*stats[i].p;
	mutex_exit(&softnet_lock);
	rump_unschedule();
	return v;
}

int rump_test_inet_fault_set(const char *spec)
{
	int error;

	rump_schedule();
	mutex_enter(&softnet_lock);
	error = if_fault_set(spec);
	mutex_exit(&softnet_lock);
	rump_unschedule();
	return error;
}
