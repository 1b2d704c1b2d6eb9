/*
 * test_inet_arp.c -- ARP on the capturing test interface tif1
 * (02:00:00:00:00:02, 10.9.0.1/24): gratuitous ARP when the address
 * comes, a request for an unknown next hop with the packets held (at most
 * arp_maxhold, the oldest dropped), a reply releasing them to the right
 * address, requests for us answered, malformed packets counted, retries
 * that give up (EHOSTDOWN), expiry of complete entries, and the cache
 * purged with the interface.
 */
#include <net/if_arp.h>
#include <netinet/if_inarp.h>
#include <netinet/in_var.h>
#include <netinet/ip_var.h>
#include <sys/socketvar.h>

#include "rumptest_inet.h"
#include "test_inet_tif.h"
#include "testkern.h"

#define OURS 0x0a090001u
#define PEER 0x0a090002u
static const uint8_t peer_lla[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

/* Is m an ARP packet of op from spa to tpa (host order)? */
static bool is_arp(struct mbuf *m, int op, uint32_t spa, uint32_t tpa)
{
	struct {
		struct ether_header eh;
		struct ether_arp ea;
	} __attribute__((__packed__, __aligned__(2))) f;
	uint32_t s, t;

	if (m == NULL || m->m_pkthdr.len < (int)sizeof(f))
		return false;
	m_copydata(m, 0, sizeof(f), &f);
	memcpy(&s, f.ea.arp_spa, 4);
	memcpy(&t, f.ea.arp_tpa, 4);
	return ntohs(f.eh.ether_type) == ETHERTYPE_ARP &&
	       ntohs(f.ea.ea_hdr.ar_op) == op && ntohl(s) == spa &&
	       ntohl(t) == tpa;
}

/* An ARP packet as the peer would send it. */
static void arp_from_peer(struct tif *t, int op, uint32_t spa, uint32_t tpa,
			  const uint8_t *sha, uint16_t hrd)
{
	struct {
		struct ether_header eh;
		struct ether_arp ea;
	} __attribute__((__packed__, __aligned__(2))) f;
	uint32_t s = htonl(spa), d = htonl(tpa);

	memset(&f, 0, sizeof(f));
	memcpy(f.eh.ether_dhost,
	       op == ARPOP_REQUEST ? etherbroadcastaddr : t->tif_if.if_lladdr,
	       6);
	memcpy(f.eh.ether_shost, sha, 6);
	f.eh.ether_type = htons(ETHERTYPE_ARP);
	f.ea.ea_hdr.ar_hrd = htons(hrd);
	f.ea.ea_hdr.ar_pro = htons(ETHERTYPE_IP);
	f.ea.ea_hdr.ar_hln = 6;
	f.ea.ea_hdr.ar_pln = 4;
	f.ea.ea_hdr.ar_op = htons((uint16_t)op);
	memcpy(f.ea.arp_sha, sha, 6);
	memcpy(f.ea.arp_spa, &s, 4);
	if (op == ARPOP_REPLY)
		memcpy(f.ea.arp_tha, t->tif_if.if_lladdr, 6);
	memcpy(f.ea.arp_tpa, &d, 4);
	mutex_exit(&softnet_lock);
	tif_receive(t, &f, sizeof(f));
	tif_settle();
	mutex_enter(&softnet_lock);
}

/* Sends a small UDP-less IP datagram (protocol 253) to dst. */
static int send_ip(uint32_t dst, uint8_t tag)
{
	struct mbuf *m = m_gethdr(M_NOWAIT, MT_DATA);
	struct ip *ip;

	if (m == NULL)
		return ENOBUFS;
	m->m_data += 32;
	m->m_len = m->m_pkthdr.len = sizeof(*ip) + 4;
	ip = mtod(m, struct ip *);
	memset(ip, 0, m->m_len);
	ip->ip_p = 253;
	ip->ip_ttl = 64;
	ip->ip_dst.s_addr = htonl(dst);
	((uint8_t *)(ip + 1))[0] = tag;
	return ip_output(m, NULL, 0, NULL);
}

struct arp_probe {
	uint32_t addr;
	struct arp_info ai;
	bool found;
};

static int arp_find(const struct arp_info *ai, void *arg)
{
	struct arp_probe *p = arg;

	if (ntohl(ai->ai_addr.s_addr) == p->addr) {
		p->ai = *ai;
		p->found = true;
	}
	return 0;
}

static struct arp_probe arp_entry(uint32_t addr)
{
	struct arp_probe p = {.addr = addr};

	(void)arp_walk(arp_find, &p);
	return p;
}

static void arp_resolution(struct tif *t)
{
	uint64_t dropped = arpstat.as_dfrdropped;
	struct arp_probe p;
	struct mbuf *m;
	int n;

	tif_flush(t);
	/* Twenty packets for the peer: one request, arp_maxhold held. */
	for (int i = 0; i < 20; i++)
		TCHECK(send_ip(PEER, (uint8_t)i) == 0);
	m = tif_take(t);
	TCHECK(is_arp(m, ARPOP_REQUEST, OURS, PEER));
	m_freem(m);
	TCHECK(t->tif_nsent == 0);
	p = arp_entry(PEER);
	TCHECK(p.found && !p.ai.ai_complete && p.ai.ai_held == arp_maxhold);
	TCHECK(arpstat.as_dfrdropped == dropped + (uint64_t)(20 - arp_maxhold));
	/* The reply sends them, oldest kept first, to the peer's address. */
	arp_from_peer(t, ARPOP_REPLY, PEER, OURS, peer_lla, ARPHRD_ETHER);
	p = arp_entry(PEER);
	TCHECK(p.found && p.ai.ai_complete && p.ai.ai_held == 0 &&
	       memcmp(p.ai.ai_lla, peer_lla, 6) == 0);
	for (n = 0; (m = tif_take(t)) != NULL; n++) {
		struct ether_header eh;
		uint8_t tag;
		m_copydata(m, 0, sizeof(eh), &eh);
		m_copydata(m, sizeof(eh) + sizeof(struct ip), 1, &tag);
		TCHECK(memcmp(eh.ether_dhost, peer_lla, 6) == 0);
		TCHECK(ntohs(eh.ether_type) == ETHERTYPE_IP);
		TCHECK(tag == 20 - arp_maxhold + n);
		m_freem(m);
	}
	TCHECK(n == arp_maxhold);
	/* Now resolved: straight out. */
	TCHECK(send_ip(PEER, 99) == 0);
	TCHECK(t->tif_nsent == 1);
	tif_flush(t);
}

static void arp_answering(struct tif *t)
{
	static const uint8_t other[6] = {0x02, 0xaa, 0, 0, 0, 3};
	uint64_t bad = arpstat.as_rcvbadproto;
	struct mbuf *m;

	/* A request for us from a new host: answered, and it is learned. */
	arp_from_peer(t, ARPOP_REQUEST, 0x0a090003u, OURS, other, ARPHRD_ETHER);
	m = tif_take(t);
	TCHECK(is_arp(m, ARPOP_REPLY, OURS, 0x0a090003u));
	m_freem(m);
	TCHECK(arp_entry(0x0a090003u).found);
	/* A request for someone else: no answer, nothing learned. */
	arp_from_peer(t, ARPOP_REQUEST, 0x0a090004u, 0x0a090005u, other,
		      ARPHRD_ETHER);
	TCHECK(t->tif_nsent == 0);
	TCHECK(!arp_entry(0x0a090004u).found);
	/* Wrong hardware type: counted and dropped. */
	arp_from_peer(t, ARPOP_REQUEST, 0x0a090006u, OURS, other, 6);
	TCHECK(t->tif_nsent == 0);
	TCHECK(arpstat.as_rcvbadproto == bad + 1);
	/* Too short. */
	{
		uint8_t shortf[20];
		memset(shortf, 0, sizeof(shortf));
		memset(shortf, 0xff, 6);
		memcpy(shortf + 6, other, 6);
		shortf[12] = 0x08;
		shortf[13] = 0x06;
		mutex_exit(&softnet_lock);
		tif_receive(t, shortf, sizeof(shortf));
		tif_settle();
		mutex_enter(&softnet_lock);
		TCHECK(arpstat.as_rcvbadproto == bad + 2);
	}
}

static void arp_giving_up(struct tif *t)
{
	uint64_t saved_retry = arp_retry_ns, saved_down = arp_downtime_ns;
	uint64_t saved_keep = arp_keep_ns, timeouts = arpstat.as_dfrtimeout;
	int saved_tries = arp_maxtries;
	uint64_t end;
	struct arp_probe p;

	arp_retry_ns = 10 * NSEC_PER_MSEC;
	arp_maxtries = 2;
	arp_downtime_ns = 60 * NSEC_PER_SEC;
	tif_flush(t);
	TCHECK(send_ip(0x0a090009u, 1) == 0);
	end = getnsmono() + TEST_WAIT_NS;
	while (arpstat.as_dfrtimeout == timeouts && getnsmono() < end) {
		mutex_exit(&softnet_lock);
		kpause_ns(5 * NSEC_PER_MSEC);
		mutex_enter(&softnet_lock);
	}
	TCHECK(arpstat.as_dfrtimeout == timeouts + 1);
	/* Two requests went out before it gave up. */
	for (int i = 0; i < 2; i++) {
		struct mbuf *m = tif_take(t);
		TCHECK(is_arp(m, ARPOP_REQUEST, OURS, 0x0a090009u));
		m_freem(m);
	}
	TCHECK(send_ip(0x0a090009u, 2) == EHOSTDOWN);
	/* Complete entries expire after arp_keep_ns: learned with the
	 * normal lifetime, then refreshed with a short one. */
	arp_from_peer(t, ARPOP_REQUEST, 0x0a090007u, OURS, peer_lla,
		      ARPHRD_ETHER);
	tif_flush(t);
	p = arp_entry(0x0a090007u);
	TCHECK(p.found && p.ai.ai_complete);
	arp_keep_ns = 10 * NSEC_PER_MSEC;
	arp_from_peer(t, ARPOP_REPLY, 0x0a090007u, OURS, peer_lla,
		      ARPHRD_ETHER);
	end = getnsmono() + TEST_WAIT_NS;
	while (arp_entry(0x0a090007u).found && getnsmono() < end) {
		mutex_exit(&softnet_lock);
		kpause_ns(5 * NSEC_PER_MSEC);
		mutex_enter(&softnet_lock);
	}
	TCHECK(!arp_entry(0x0a090007u).found);
	arp_retry_ns = saved_retry;
	arp_maxtries = saved_tries;
	arp_downtime_ns = saved_down;
	arp_keep_ns = saved_keep;
}

int rump_test_inet_arp(void)
{
	int start = test_failures;
	struct in_addr a = {htonl(OURS)}, mask = {htonl(0xffffff00u)};
	struct tif *t;
	struct mbuf *m;

	rump_schedule();
	mutex_enter(&softnet_lock);
	t = tif_create(1);
	if (!TCHECK(t != NULL))
		goto out;
	TCHECK(if_up(&t->tif_if) == 0);
	/* A new address is announced. */
	TCHECK(in_ifaddr_add(&t->tif_if, a, mask, (struct in_addr){0}) == 0);
	m = tif_take(t);
	TCHECK(is_arp(m, ARPOP_REQUEST, OURS, OURS));
	m_freem(m);
	arp_resolution(t);
	arp_answering(t);
	arp_giving_up(t);
	TCHECK(arp_count() > 0);
	tif_destroy(t);
	TCHECK(arp_count() == 0);
out:
	mutex_exit(&softnet_lock);
	rump_unschedule();
	return TRESULT(start);
}
