/*
 * test_inet_offload.c -- software TCP segmentation and receive coalescing
 * (netinet/in_offload.h) on frames built here.  Coalescing: a run of
 * in-order segments becomes one packet with the same bytes and valid
 * headers; gaps, duplicates, reordering, other flags, options (another
 * timestamp), window, ACK, flows, bad checksums, IP options and
 * fragments are never merged; nothing while forwarding; random batches
 * keep every byte at its sequence number.  Segmentation: a 64 KiB packet
 * becomes MSS-sized frames whose headers and checksums are what TCP would
 * have sent, and whose bytes, merged again, are the packet's.
 */
#include <net/if_ether.h>
#include <netinet/in_cksum.h>
#include <netinet/in_offload.h>
#include <netinet/ip.h>
#include <netinet/ip_var.h>
#include <netinet/tcp.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>

#include "rumptest_inet.h"
#include "testkern.h"

#define OF_MSS 1448
#define OF_THL 32 /* with the timestamp option */
#define OF_HLEN (ETHER_HDR_LEN + 20 + OF_THL)
#define OF_BATCH 64

/* A segment to build: the fields the merge looks at. */
struct of_seg {
	int flow; /* 0 or 1: the source port */
	uint32_t seq, ack;
	int len;
	uint8_t flags;
	uint16_t win;
	uint32_t tsval;
	int badsum; /* 1: TCP checksum wrong, 2: IP checksum wrong */
	int ipopt;  /* an IP header with a 4-byte option */
	int mf;	    /* a fragment */
};

/* The payload byte at sequence number s of flow f. */
static uint8_t of_byte(int f, uint32_t s)
{
	return (uint8_t)(s * 7u + (s >> 9) + (uint32_t)f * 101u);
}

/* The address at p (no alignment assumed). */
static struct in_addr of_addr(const uint8_t *p)
{
	struct in_addr a;

	memcpy(&a, p, sizeof(a));
	return a;
}

static struct mbuf *of_frame(const struct of_seg *g)
{
	static uint8_t buf[ETHER_HDR_LEN + 24 + OF_THL + 65536];
	int iphl = g->ipopt ? 24 : 20;
	uint8_t *ip = buf + ETHER_HDR_LEN, *th = ip + iphl, *o = th + 20;
	int iplen = iphl + OF_THL + g->len;
	struct mbuf *m;
	uint32_t sum;

	memset(buf, 0, (size_t)(ETHER_HDR_LEN + iphl + OF_THL));
	memcpy(buf, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02", 12);
	buf[12] = 0x08;
	ip[0] = (uint8_t)(0x40 | iphl / 4);
	ip[2] = (uint8_t)(iplen >> 8);
	ip[3] = (uint8_t)iplen;
	ip[6] = g->mf ? 0x20 : 0x40; /* MF or DF */
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	memcpy(ip + 12, "\x0a\x00\x00\x02\x0a\x00\x00\x01", 8);
	if (g->ipopt)
		ip[20] = 1, ip[21] = 1, ip[22] = 1, ip[23] = 0; /* NOPs, EOL */
	th[0] = 0x9c;
	th[1] = (uint8_t)(0x40 + g->flow);
	th[2] = 0x1b;
	th[3] = 0x58;
	for (int i = 0; i < 4; i++) {
		th[4 + i] = (uint8_t)(g->seq >> (24 - 8 * i));
		th[8 + i] = (uint8_t)(g->ack >> (24 - 8 * i));
		o[4 + i] = (uint8_t)(g->tsval >> (24 - 8 * i));
		o[8 + i] = (uint8_t)(0x11223344u >> (24 - 8 * i));
	}
	th[12] = (OF_THL / 4) << 4;
	th[13] = g->flags;
	th[14] = (uint8_t)(g->win >> 8);
	th[15] = (uint8_t)g->win;
	o[0] = TCPOPT_NOP;
	o[1] = TCPOPT_NOP;
	o[2] = TCPOPT_TIMESTAMP;
	o[3] = TCPOLEN_TIMESTAMP;
	for (int i = 0; i < g->len; i++)
		th[OF_THL + i] = of_byte(g->flow, g->seq + (uint32_t)i);
	*(uint16_t *)(void *)(ip + 10) = in_cksum_buf(ip, (size_t)iphl);
	sum = ntohs(in4_pseudo_sum(of_addr(ip + 12), of_addr(ip + 16),
				   IPPROTO_TCP, OF_THL + g->len));
	sum = in_cksum_partial(sum, th, (size_t)(OF_THL + g->len));
	*(uint16_t *)(void *)(th + 16) = in_cksum_fold(sum);
	if (g->badsum == 1)
		th[16] ^= 0x5a;
	if (g->badsum == 2)
		ip[10] ^= 0x5a;
	m = m_devget(buf, ETHER_HDR_LEN + iplen, NULL);
	if (m != NULL)
		m->m_pkthdr.len = ETHER_HDR_LEN + iplen;
	return m;
}

/* What a packet out of the merge says about itself. */
struct of_pkt {
	int flow;
	uint32_t seq;
	int len; /* payload */
	uint8_t flags;
	bool verified; /* marked: TCP checksum verified */
	bool ipsum_ok, tcpsum_ok;
};

static uint8_t of_buf[ETHER_HDR_LEN + 65536];

/*
 * Parses packet m into *p, with its checksums checked afresh: false if
 * its IP length is not the packet's or a payload byte is not its flow's
 * at its sequence number.
 */
static bool of_parse(struct mbuf *m, struct of_pkt *p)
{
	int len = m->m_pkthdr.len, iphl, thl, iplen;
	uint8_t *ip = of_buf + ETHER_HDR_LEN, *th;
	uint32_t sum;

	if (len > (int)sizeof(of_buf) || len < ETHER_HDR_LEN + 40)
		return false;
	m_copydata(m, 0, len, of_buf);
	iphl = (ip[0] & 0x0f) * 4;
	th = ip + iphl;
	thl = (th[12] >> 4) * 4;
	iplen = ip[2] << 8 | ip[3];
	if (iplen != len - ETHER_HDR_LEN || iplen < iphl + thl)
		return false;
	p->flow = th[1] - 0x40;
	p->seq = (uint32_t)th[4] << 24 | (uint32_t)th[5] << 16 |
		 (uint32_t)th[6] << 8 | th[7];
	p->len = iplen - iphl - thl;
	p->flags = th[13];
	p->verified =
		(m->m_pkthdr.csum_flags & (M_CSUM_TCPV4 | M_CSUM_DATA_VALID)) ==
		(M_CSUM_TCPV4 | M_CSUM_DATA_VALID);
	p->ipsum_ok = in_cksum_buf(ip, (size_t)iphl) == 0;
	sum = ntohs(in4_pseudo_sum(of_addr(ip + 12), of_addr(ip + 16),
				   IPPROTO_TCP, iplen - iphl));
	sum = in_cksum_partial(sum, th, (size_t)(iplen - iphl));
	p->tcpsum_ok = in_cksum_fold(sum) == 0;
	for (int i = 0; i < p->len; i++)
		if (th[thl + i] != of_byte(p->flow, p->seq + (uint32_t)i))
			return false;
	return true;
}

static void of_free(struct mbuf **ms, int n)
{
	for (int i = 0; i < n; i++)
		m_freem(ms[i]);
}

/*
 * Merges the n segments of gs and compares the packets' shapes with want
 * (payload lengths in order; 0 ends the list): false on a difference.
 */
static bool of_expect(const struct of_seg *gs, int n, const int *want,
		      const char *what)
{
	struct mbuf *ms[OF_BATCH];
	struct of_pkt p;
	int k, w = 0;
	bool ok = true;

	for (int i = 0; i < n; i++)
		if ((ms[i] = of_frame(&gs[i])) == NULL) {
			of_free(ms, i);
			return TCHECK(false);
		}
	k = in_gro_merge(ms, n);
	for (int i = 0; i < k; i++) {
		if (!of_parse(ms[i], &p) || !p.ipsum_ok || want[w] == 0 ||
		    p.len != want[w])
			ok = false;
		w += want[w] != 0;
	}
	if (!ok || want[w] != 0)
		printf("offload test: %s: %d packets, not as expected\n", what,
		       k);
	of_free(ms, k);
	return TCHECK(ok && want[w] == 0);
}

static struct of_seg of_seg(int flow, uint32_t seq, int len)
{
	struct of_seg g = {.flow = flow,
			   .seq = seq,
			   .ack = 777,
			   .len = len,
			   .flags = TH_ACK,
			   .win = 1000,
			   .tsval = 5};
	return g;
}

/*
 * g[1] has a wrong IP checksum: it comes out alone and unmarked, g[0]
 * alone, g[2] and g[3] merged.
 */
static bool of_expect_badip(const struct of_seg *g)
{
	struct mbuf *ms[4];
	struct of_pkt p[3];
	int k;
	bool ok;

	for (int i = 0; i < 4; i++)
		if ((ms[i] = of_frame(&g[i])) == NULL) {
			of_free(ms, i);
			return false;
		}
	k = in_gro_merge(ms, 4);
	ok = k == 3 && of_parse(ms[0], &p[0]) && of_parse(ms[1], &p[1]) &&
	     of_parse(ms[2], &p[2]) && p[0].len == OF_MSS && !p[1].ipsum_ok &&
	     !p[1].verified && p[2].len == 2 * OF_MSS && p[2].ipsum_ok;
	of_free(ms, k);
	return ok;
}

/* The rules, one case each. */
static void of_cases(void)
{
	struct of_seg g[8];
	const uint32_t s = 0xfffff000u; /* crosses the wrap */
	const int M = OF_MSS;

	for (int i = 0; i < 4; i++)
		g[i] = of_seg(0, s + (uint32_t)(i * M), M);
	TCHECK(of_expect(g, 4, (int[]){4 * M, 0}, "a run"));
	g[2].seq += (uint32_t)M; /* a gap before it */
	g[3].seq += (uint32_t)M;
	TCHECK(of_expect(g, 4, (int[]){2 * M, 2 * M, 0}, "a gap"));
	g[2] = of_seg(0, s + (uint32_t)M, M); /* a duplicate */
	TCHECK(of_expect(g, 3, (int[]){2 * M, M, 0}, "a duplicate"));
	g[0] = of_seg(0, s + (uint32_t)M, M); /* reordered */
	g[1] = of_seg(0, s, M);
	TCHECK(of_expect(g, 2, (int[]){M, M, 0}, "reordered"));
	for (int i = 0; i < 4; i++)
		g[i] = of_seg(0, s + (uint32_t)(i * M), M);
	{
		static const uint8_t bad[] = {TH_ACK | TH_FIN,
					      TH_ACK | TH_URG,
					      TH_ACK | TH_ECE,
					      TH_ACK | TH_CWR,
					      TH_ACK | TH_RST,
					      TH_SYN | TH_ACK,
					      0};
		for (size_t i = 0; i < sizeof(bad); i++) {
			g[2].flags = bad[i];
			TCHECK(of_expect(g, 4, (int[]){2 * M, M, M, 0},
					 "other flags"));
		}
	}
	g[2].flags = TH_ACK;
	/* From g[2] on another timestamp (so other options), window, ACK. */
	g[2].tsval = g[3].tsval = 6;
	TCHECK(of_expect(g, 4, (int[]){2 * M, 2 * M, 0}, "a new timestamp"));
	g[2].tsval = g[3].tsval = 5;
	g[2].win = g[3].win = 1001;
	TCHECK(of_expect(g, 4, (int[]){2 * M, 2 * M, 0}, "a window update"));
	g[2].win = g[3].win = 1000;
	g[2].ack = g[3].ack = 778;
	TCHECK(of_expect(g, 4, (int[]){2 * M, 2 * M, 0}, "a new ACK"));
	g[2].ack = g[3].ack = 777;
	g[1].badsum = 1;
	TCHECK(of_expect(g, 4, (int[]){M, M, 2 * M, 0}, "a bad TCP sum"));
	g[1].badsum = 2;
	TCHECK(of_expect_badip(g));
	g[1].badsum = 0;
	g[1].ipopt = 1;
	TCHECK(of_expect(g, 4, (int[]){M, M, 2 * M, 0}, "IP options"));
	g[1].ipopt = 0;
	g[1].mf = 1;
	TCHECK(of_expect(g, 4, (int[]){M, M, 2 * M, 0}, "a fragment"));
	g[1].mf = 0;
	{
		struct of_seg h[4] = {of_seg(0, s, M), of_seg(1, s + 4000, M),
				      of_seg(0, s + (uint32_t)M, M),
				      of_seg(1, s + 4000 + (uint32_t)M, M)};
		TCHECK(of_expect(h, 4, (int[]){M, M, M, M, 0},
				 "interleaved flows"));
		h[1] = of_seg(0, s + (uint32_t)M, 500); /* short: ends it */
		h[2] = of_seg(0, s + (uint32_t)M + 500, M);
		TCHECK(of_expect(h, 3, (int[]){M + 500, M, 0}, "short"));
		h[1] = of_seg(0, s + (uint32_t)M, M);
		h[1].flags |= TH_PUSH; /* a push ends it too */
		h[2] = of_seg(0, s + 2u * (uint32_t)M, M);
		TCHECK(of_expect(h, 3, (int[]){2 * M, M, 0}, "push"));
		h[1] = of_seg(0, s + (uint32_t)M, M + 1); /* longer */
		TCHECK(of_expect(h, 2, (int[]){M, M + 1, 0}, "longer"));
	}
	{
		/* 60 segments: no packet past IP's 65535 bytes. */
		struct of_seg h[OF_BATCH];

		for (int i = 0; i < 60; i++)
			h[i] = of_seg(0, s + (uint32_t)(i * M), M);
		TCHECK(of_expect(h, 60, (int[]){45 * M, 15 * M, 0},
				 "64 KiB limit"));
		mutex_enter(&softnet_lock);
		__atomic_store_n(&ip_forwarding, 1, __ATOMIC_RELAXED);
		mutex_exit(&softnet_lock);
		TCHECK(of_expect(h, 2, (int[]){M, M, 0}, "forwarding"));
		mutex_enter(&softnet_lock);
		__atomic_store_n(&ip_forwarding, 0, __ATOMIC_RELAXED);
		mutex_exit(&softnet_lock);
	}
}

/* A pure ACK between data stays, and data is not merged across it. */
static void of_pure_ack(void)
{
	struct of_seg g[3] = {of_seg(0, 100, OF_MSS),
			      of_seg(0, 100 + OF_MSS, 0),
			      of_seg(0, 100 + OF_MSS, OF_MSS)};
	struct mbuf *ms[3];

	for (int i = 0; i < 3; i++)
		if ((ms[i] = of_frame(&g[i])) == NULL) {
			of_free(ms, i);
			TCHECK(false);
			return;
		}
	TCHECK(in_gro_merge(ms, 3) == 3);
	of_free(ms, 3);
}

static uint32_t of_rand(uint32_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return *st;
}

/*
 * Random batches of two flows' segments, with losses, duplicates,
 * reordering, other flags and timestamps, bad checksums: every packet
 * out carries its flow's bytes at its sequence numbers, each flow's
 * packets keep their order, and no payload byte is lost or made up.
 */
static void of_random(int niters, uint32_t seed)
{
	for (int it = 0; it < niters; it++) {
		struct of_seg g[OF_BATCH];
		struct mbuf *ms[OF_BATCH];
		uint32_t next[2] = {seed, seed * 3u}, st = seed + 1;
		long in = 0, out = 0;
		int n = 2 + (int)(of_rand(&seed) % (OF_BATCH - 2)), k;

		for (int i = 0; i < n; i++) {
			uint32_t r = of_rand(&seed);
			int f = (r & 7) == 0;
			struct of_seg *s = &g[i];

			*s = of_seg(f, next[f],
				    (r >> 4) % 8 ? OF_MSS
						 : (int)(r >> 8) % 1500);
			next[f] += (uint32_t)s->len;
			if ((r >> 12) % 16 == 0)
				next[f] += OF_MSS; /* a loss */
			if ((r >> 16) % 16 == 0 && i > 0)
				*s = g[i - 1]; /* a duplicate */
			if ((r >> 20) % 32 == 0)
				s->flags |= (uint8_t)(1u << (of_rand(&st) % 8));
			if ((r >> 25) % 32 == 0)
				s->tsval++;
			if ((r >> 28) == 0)
				s->badsum = 1 + (int)(of_rand(&st) % 2);
			in += s->len;
		}
		for (int i = 0; i < n; i++)
			if ((ms[i] = of_frame(&g[i])) == NULL) {
				of_free(ms, i);
				TCHECK(false);
				return;
			}
		k = in_gro_merge(ms, n);
		TCHECK(k >= 1 && k <= n);
		for (int i = 0; i < k; i++) {
			struct of_pkt p;

			if (!TCHECK(of_parse(ms[i], &p)))
				continue;
			out += p.len;
			/* Only a merge makes more than 1500 bytes. */
			if (p.len > 1500)
				TCHECK(p.verified && p.ipsum_ok &&
				       (p.flags & ~TH_PUSH) == TH_ACK);
			/* A frame marked verified (one mbuf: not merged)
			 * has the right sums. */
			if (p.verified && ms[i]->m_next == NULL)
				TCHECK(p.tcpsum_ok && p.ipsum_ok);
		}
		of_free(ms, k);
		if (!TCHECK(in == out)) {
			printf("offload test: iteration %d: %ld bytes in, %ld "
			       "out\n",
			       it, in, out);
			return;
		}
	}
}

/* A 64 KiB TSO packet cut into frames, then merged back. */
static void of_tso(void)
{
	struct of_seg g = of_seg(0, 0xffff8000u, 45 * OF_MSS + 100);
	struct mbuf *m, *list, *ms[OF_BATCH];
	uint8_t h[ETHER_HDR_LEN + 20 + OF_THL];
	struct of_pkt p;
	int n = 0;

	g.flags = TH_ACK | TH_PUSH | TH_FIN;
	if (!TCHECK((m = of_frame(&g)) != NULL))
		return;
	/* As TCP hands it: pseudo-header sum in th_sum, TSO asked. */
	m_copydata(m, 0, (int)sizeof(h), h);
	{
		uint16_t ps = in4_pseudo_sum(of_addr(h + ETHER_HDR_LEN + 12),
					     of_addr(h + ETHER_HDR_LEN + 16),
					     IPPROTO_TCP, OF_THL + g.len);
		TCHECK(m_copyback(m, ETHER_HDR_LEN + 20 + 16, 2, &ps) == 0);
	}
	m->m_pkthdr.csum_flags = M_CSUM_TSOV4 | M_CSUM_TCPV4_OFFLOAD;
	m->m_pkthdr.segsz = OF_MSS;
	if (!TCHECK(in_tso_segment(m, &list) == 0))
		return;
	while (list != NULL && n < OF_BATCH) {
		struct mbuf *next = list->m_nextpkt;

		list->m_nextpkt = NULL;
		ms[n] = list;
		/* Each frame: right checksums (verified afresh), its bytes. */
		if (TCHECK(of_parse(list, &p))) {
			TCHECK(p.ipsum_ok && p.tcpsum_ok);
			TCHECK(p.len == (n < 45 ? OF_MSS : 100));
			TCHECK(p.seq == g.seq + (uint32_t)(n * OF_MSS));
			TCHECK(((p.flags & (TH_FIN | TH_PUSH)) != 0) ==
			       (n == 45));
		}
		n++;
		list = next;
	}
	TCHECK(n == 46 && list == NULL);
	/* Merged again: 45 full segments, then the short one with FIN. */
	n = in_gro_merge(ms, n);
	TCHECK(n == 2);
	if (n == 2 && TCHECK(of_parse(ms[0], &p)))
		TCHECK(p.len == 45 * OF_MSS && p.seq == g.seq);
	of_free(ms, n);
	/* A packet asking only for its checksum gets it. */
	g = of_seg(0, 5, 700);
	if (TCHECK((m = of_frame(&g)) != NULL)) {
		uint16_t ps =
			in4_pseudo_sum((struct in_addr){htonl(0x0a000002)},
				       (struct in_addr){htonl(0x0a000001)},
				       IPPROTO_TCP, OF_THL + 700);

		TCHECK(m_copyback(m, ETHER_HDR_LEN + 20 + 16, 2, &ps) == 0);
		m->m_pkthdr.csum_flags = M_CSUM_TCPV4_OFFLOAD;
		TCHECK(in_tso_segment(m, &list) == 0 && list == m);
		TCHECK(of_parse(m, &p) && p.tcpsum_ok && p.len == 700);
		m_freem(m);
	}
	/* Headers TCP cannot have built: EINVAL, the packet freed. */
	if (TCHECK((m = m_devget("\x02\0\0\0\0\1", 6, NULL)) != NULL)) {
		m->m_pkthdr.csum_flags = M_CSUM_TSOV4;
		m->m_pkthdr.segsz = OF_MSS;
		TCHECK(in_tso_segment(m, &list) == EINVAL && list == NULL);
	}
}

int rump_test_inet_offload(int niters, uint32_t seed)
{
	int start = test_failures;

	rump_schedule();
	of_cases();
	of_pure_ack();
	of_tso();
	of_random(niters, seed);
	rump_unschedule();
	return TRESULT(start);
}
