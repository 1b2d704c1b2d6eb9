/*
 * test_tcp_reass.c -- the TCP reassembly queue with real mbufs: overlaps
 * trimmed, in-order delivery across the sequence wrap with the bytes
 * intact, a queued FIN, SACK blocks most recent first, and both memory
 * bounds (bytes and segments) holding against many small segments; no
 * mbuf survives a flush.
 */
#include <netinet/tcp_var.h>
#include <sys/mbuf.h>

#include "tcptest.h"
#include "testkern.h"

static uint8_t seqbyte(tcp_seq s)
{
	return (uint8_t)(s * 7u + (s >> 8));
}

/* A packet holding the stream's bytes [seq, seq + len). */
static struct mbuf *mkseg(tcp_seq seq, uint32_t len)
{
	struct mbuf *m = m_gethdr(M_NOWAIT, MT_DATA);
	uint8_t buf[256];

	if (m == NULL)
		return NULL;
	m->m_len = 0;
	m->m_pkthdr.len = 0;
	for (uint32_t done = 0; done < len;) {
		uint32_t n = MIN(len - done, (uint32_t)sizeof(buf));
		for (uint32_t i = 0; i < n; i++)
			buf[i] = seqbyte(seq + done + i);
		if (m_append(m, (int)n, buf) != 0) {
			m_freem(m);
			return NULL;
		}
		done += n;
	}
	return m;
}

static bool check_bytes(struct mbuf *m, tcp_seq seq, uint32_t len)
{
	uint8_t b;

	if ((uint32_t)m_length(m) != len)
		return false;
	for (uint32_t i = 0; i < len; i++) {
		m_copydata(m, (int)i, 1, &b);
		if (b != seqbyte(seq + i))
			return false;
	}
	return true;
}

static int tcp_reass_body(void)
{
	int start = test_failures;
	struct tcp_reass q;
	struct tcp_sackblk b[TCP_MAX_SACK];
	tcp_seq base = 0xffffff80u, nxt = base;
	struct mbuf *m;
	int64_t live0 = mbuf_live;
	bool fin;
	int n;

	tcp_reass_init(&q);
	TCHECK(tcp_reass_insert(&q, nxt, base + 100, 100, false,
				mkseg(base + 100, 100), 1 << 20) == 0);
	TCHECK(tcp_reass_insert(&q, nxt, base + 300, 100, false,
				mkseg(base + 300, 100), 1 << 20) == 0);
	/* Overlapping both: only the gap [200, 300) is new. */
	TCHECK(tcp_reass_insert(&q, nxt, base + 150, 200, false,
				mkseg(base + 150, 200), 1 << 20) == 0);
	TCHECK(q.bytes == 300 && q.nsegs == 3);
	/* Wholly covered: nothing changes. */
	TCHECK(tcp_reass_insert(&q, nxt, base + 120, 50, false,
				mkseg(base + 120, 50), 1 << 20) == 0);
	TCHECK(q.bytes == 300 && q.nsegs == 3);
	/* A second range, with a FIN after it. */
	TCHECK(tcp_reass_insert(&q, nxt, base + 500, 50, true,
				mkseg(base + 500, 50), 1 << 20) == 0);
	n = tcp_reass_sack_blocks(&q, b, TCP_MAX_SACK);
	TCHECK(n == 2);
	TCHECK(b[0].start == base + 500 && b[0].end == base + 550);
	TCHECK(b[1].start == base + 100 && b[1].end == base + 400);

	/* Nothing is in order yet. */
	TCHECK(tcp_reass_take(&q, &nxt, &fin) == NULL && nxt == base);
	/* [0, 120) arrives in order (overlapping the queue by 20). */
	nxt = base + 120;
	m = tcp_reass_take(&q, &nxt, &fin);
	TCHECK(m != NULL && !fin && nxt == base + 400);
	if (m != NULL) {
		TCHECK(check_bytes(m, base + 120, 280));
		m_freem(m);
	}
	TCHECK(q.nsegs == 1 && q.bytes == 50);
	nxt = base + 500;
	m = tcp_reass_take(&q, &nxt, &fin);
	TCHECK(m != NULL && fin && nxt == base + 550);
	if (m != NULL) {
		TCHECK(check_bytes(m, base + 500, 50));
		m_freem(m);
	}
	TCHECK(q.nsegs == 0 && q.bytes == 0);

	/* The byte bound: 10 segments of 100 fit in 1000, the 11th not. */
	nxt = base;
	for (int i = 0; i < 12; i++) {
		tcp_seq s = base + 10 + (tcp_seq)i * 200;
		int err = tcp_reass_insert(&q, nxt, s, 100, false,
					   mkseg(s, 100), 1000);
		TCHECK(err == (i < 10 ? 0 : ENOBUFS));
	}
	TCHECK(q.bytes == 1000 && q.nsegs == 10);
	tcp_reass_flush(&q);
	TCHECK(q.bytes == 0 && q.nsegs == 0);

	/* The segment bound: one-byte segments with gaps. */
	for (int i = 0; i < TCP_REASS_MAXSEGS + 50; i++) {
		tcp_seq s = base + 2 + (tcp_seq)i * 2;
		tcp_reass_insert(&q, nxt, s, 1, false, mkseg(s, 1), 1 << 20);
	}
	TCHECK(q.nsegs == TCP_REASS_MAXSEGS);
	/* The first queued byte comes out alone: the next is a gap away. */
	nxt = base + 2;
	m = tcp_reass_take(&q, &nxt, &fin);
	TCHECK(m != NULL && nxt == base + 3);
	if (m != NULL) {
		TCHECK(check_bytes(m, base + 2, 1));
		m_freem(m);
	}
	TCHECK(q.nsegs == TCP_REASS_MAXSEGS - 1);
	tcp_reass_flush(&q);
	TCHECK(mbuf_live == live0);
	return TRESULT(start);
}

int rump_test_tcp_reass(void)
{
	int error;

	rump_schedule();
	error = tcp_reass_body();
	rump_unschedule();
	return error;
}
