/*
 * test_inet_reass.c -- IPv4 reassembly through ip_reass: order does not
 * matter, overlaps and bad fragments drop the datagram, duplicates are
 * dropped alone, the limits on datagrams, fragments per datagram and
 * bytes hold under a flood, and incomplete datagrams time out.
 */
#include <netinet/in_cksum.h>
#include <netinet/ip_var.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>

#include "rumptest_inet.h"
#include "testkern.h"

/* A fragment of datagram id: bytes [off, off+len) of a pattern. */
static struct mbuf *frag(uint16_t id, int off, int len, bool more)
{
	struct mbuf *m = m_gethdr(M_NOWAIT, MT_DATA);
	struct ip ip;
	uint8_t buf[64];

	if (m == NULL)
		return NULL;
	memset(&ip, 0, sizeof(ip));
	ip.ip_v = IPVERSION;
	ip.ip_hl = 5;
	ip.ip_len = htons((uint16_t)(sizeof(ip) + len));
	ip.ip_id = htons(id);
	ip.ip_off = htons((uint16_t)((off / 8) | (more ? IP_MF : 0)));
	ip.ip_ttl = 64;
	ip.ip_p = IPPROTO_UDP;
	ip.ip_src.s_addr = htonl(0x0a000002);
	ip.ip_dst.s_addr = htonl(0x0a000001);
	m->m_len = m->m_pkthdr.len = 0;
	if (m_append(m, sizeof(ip), &ip) != 0)
		goto fail;
	for (int done = 0; done < len;) {
		int n = MIN(len - done, (int)sizeof(buf));
		for (int i = 0; i < n; i++)
			buf[i] = (uint8_t)((off + done + i) * 7 + id);
		if (m_append(m, n, buf) != 0)
			goto fail;
		done += n;
	}
	return m;
fail:
	m_freem(m);
	return NULL;
}

/* The reassembled datagram carries the pattern for total bytes. */
static bool whole(struct mbuf *m, uint16_t id, int total)
{
	uint8_t b;

	if (m == NULL || m->m_pkthdr.len != 20 + total ||
	    ntohs(mtod(m, struct ip *)->ip_len) != 20 + total ||
	    mtod(m, struct ip *)->ip_off != 0)
		return false;
	for (int i = 0; i < total; i++) {
		m_copydata(m, 20 + i, 1, &b);
		if (b != (uint8_t)(i * 7 + id))
			return false;
	}
	return true;
}

static int held(void)
{
	int p, f;

	ip_reass_counts(&p, &f);
	return p;
}

static void reass_orders(void)
{
	struct mbuf *m;

	/* In order. */
	TCHECK(ip_reass(frag(1, 0, 1000, true)) == NULL);
	TCHECK(ip_reass(frag(1, 1000, 1000, true)) == NULL);
	m = ip_reass(frag(1, 2000, 333, false));
	TCHECK(whole(m, 1, 2333));
	m_freem(m);
	/* Last first, then the middle, then the start. */
	TCHECK(ip_reass(frag(2, 1600, 5, false)) == NULL);
	TCHECK(ip_reass(frag(2, 800, 800, true)) == NULL);
	m = ip_reass(frag(2, 0, 800, true));
	TCHECK(whole(m, 2, 1605));
	m_freem(m);
	TCHECK(held() == 0);
}

static void reass_bad(void)
{
	uint64_t dropped = ipstat.ips_fragdropped;

	/* An exact duplicate goes alone; the datagram still completes. */
	TCHECK(ip_reass(frag(3, 0, 16, true)) == NULL);
	TCHECK(ip_reass(frag(3, 0, 16, true)) == NULL);
	TCHECK(ipstat.ips_fragdropped == dropped + 1);
	{
		struct mbuf *m = ip_reass(frag(3, 16, 16, false));
		TCHECK(whole(m, 3, 32));
		m_freem(m);
	}
	/* An overlap drops the datagram and what it held. */
	dropped = ipstat.ips_fragdropped;
	TCHECK(ip_reass(frag(4, 0, 16, true)) == NULL);
	TCHECK(ip_reass(frag(4, 8, 16, true)) == NULL);
	TCHECK(held() == 0);
	TCHECK(ipstat.ips_fragdropped == dropped + 2);
	/* A middle fragment not a multiple of 8 bytes. */
	TCHECK(ip_reass(frag(5, 0, 12, true)) == NULL);
	TCHECK(held() == 0);
	/* Beyond 65535 bytes. */
	TCHECK(ip_reass(frag(6, 65528, 16, false)) == NULL);
	TCHECK(held() == 0);
	/* Data after the last fragment's end. */
	TCHECK(ip_reass(frag(8, 16, 8, false)) == NULL);
	TCHECK(ip_reass(frag(8, 24, 8, true)) == NULL);
	TCHECK(held() == 0);
}

static void reass_limits(void)
{
	int saved_packets = ip_maxfragpackets, saved_frags = ip_maxfrags;
	int saved_per = ip_maxfragsperpacket;
	uint64_t saved_bytes = ip_reass_maxbytes;
	int p, f;

	/* A flood of first fragments: never more than the limit held. */
	ip_maxfragpackets = 8;
	for (int i = 0; i < 100; i++) {
		TCHECK(ip_reass(frag((uint16_t)(100 + i), 0, 8, true)) == NULL);
		TCHECK(held() <= 8);
	}
	TCHECK(held() == 8);
	ip_reass_drain();
	/* The total fragment count. */
	ip_maxfragpackets = 1000;
	ip_maxfrags = 20;
	for (int i = 0; i < 50; i++)
		(void)ip_reass(
			frag((uint16_t)(300 + i / 5), (i % 5) * 8, 8, true));
	ip_reass_counts(&p, &f);
	TCHECK(f <= 20);
	ip_reass_drain();
	/* Fragments of one datagram. */
	ip_maxfrags = 2000;
	ip_maxfragsperpacket = 10;
	for (int i = 0; i < 11; i++)
		(void)ip_reass(frag(400, i * 8, 8, true));
	ip_reass_counts(&p, &f);
	TCHECK(p == 0 && f == 0);
	/* Memory: 4 KiB of data at most. */
	ip_maxfragsperpacket = saved_per;
	ip_reass_maxbytes = 4096;
	for (int i = 0; i < 20; i++)
		(void)ip_reass(frag((uint16_t)(500 + i), 0, 1000, true));
	ip_reass_counts(&p, &f);
	TCHECK(p <= 4 && p > 0);
	ip_reass_drain();
	ip_maxfragpackets = saved_packets;
	ip_maxfrags = saved_frags;
	ip_reass_maxbytes = saved_bytes;
}

static void reass_timeout(void)
{
	uint64_t saved = ip_reass_timeout_ns, timeouts = ipstat.ips_fragtimeout;
	uint64_t end;

	ip_reass_timeout_ns = 20 * NSEC_PER_MSEC;
	/* Not fragment zero: no ICMP is sent when it expires. */
	TCHECK(ip_reass(frag(600, 8, 8, true)) == NULL);
	TCHECK(ip_reass(frag(601, 16, 8, true)) == NULL);
	TCHECK(held() == 2);
	end = getnsmono() + TEST_WAIT_NS;
	while (held() != 0 && getnsmono() < end) {
		mutex_exit(&softnet_lock);
		kpause_ns(5 * NSEC_PER_MSEC);
		mutex_enter(&softnet_lock);
	}
	TCHECK(held() == 0);
	TCHECK(ipstat.ips_fragtimeout == timeouts + 2);
	ip_reass_timeout_ns = saved;
}

int rump_test_inet_reass(void)
{
	int start = test_failures;
	int64_t mbufs;

	rump_schedule();
	mutex_enter(&softnet_lock);
	mbufs = mbuf_live;
	reass_orders();
	reass_bad();
	reass_limits();
	reass_timeout();
	ip_reass_drain();
	TCHECK(mbuf_live == mbufs);
	mutex_exit(&softnet_lock);
	rump_unschedule();
	return TRESULT(start);
}
