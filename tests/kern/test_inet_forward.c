/*
 * test_inet_forward.c -- forwarding between two capturing test
 * interfaces, tif3 (10.3.0.1/24, peer 10.3.0.2) and tif4 (10.4.0.1/24,
 * host 10.4.0.2): off by default (the datagram is not for us and is
 * dropped), on it goes out the other interface with its TTL one less and
 * a correct checksum; a TTL of 1 draws time exceeded, an unknown
 * network net unreachable, a too big datagram with DF fragmentation
 * needed (with the next hop's MTU).
 */
#include <net/if_arp.h>
#include <netinet/icmp_var.h>
#include <netinet/if_inarp.h>
#include <netinet/in_cksum.h>
#include <netinet/in_var.h>
#include <netinet/ip_var.h>
#include <sys/socketvar.h>

#include "rumptest_inet.h"
#include "test_inet_tif.h"
#include "testkern.h"

static const uint8_t lla3[6] = {0x02, 0x33, 0, 0, 0, 2};
static const uint8_t lla4[6] = {0x02, 0x44, 0, 0, 0, 2};

struct fframe {
	struct ether_header eh;
	struct ip ip;
	uint8_t data[1600];
} __attribute__((__packed__, __aligned__(2)));

static void settle_locked(void)
{
	mutex_exit(&softnet_lock);
	tif_settle();
	mutex_enter(&softnet_lock);
}

/* Teaches ARP on t that addr is at lla (a request for our address). */
static void teach(struct tif *t, uint32_t addr, uint32_t ours,
		  const uint8_t *lla)
{
	struct {
		struct ether_header eh;
		struct ether_arp ea;
	} __attribute__((__packed__, __aligned__(2))) q;
	uint32_t s = htonl(addr), d = htonl(ours);

	memset(&q, 0, sizeof(q));
	memset(q.eh.ether_dhost, 0xff, 6);
	memcpy(q.eh.ether_shost, lla, 6);
	q.eh.ether_type = htons(ETHERTYPE_ARP);
	q.ea.ea_hdr.ar_hrd = htons(ARPHRD_ETHER);
	q.ea.ea_hdr.ar_pro = htons(ETHERTYPE_IP);
	q.ea.ea_hdr.ar_hln = 6;
	q.ea.ea_hdr.ar_pln = 4;
	q.ea.ea_hdr.ar_op = htons(ARPOP_REQUEST);
	memcpy(q.ea.arp_sha, lla, 6);
	memcpy(q.ea.arp_spa, &s, 4);
	memcpy(q.ea.arp_tpa, &d, 4);
	mutex_exit(&softnet_lock);
	tif_receive(t, &q, sizeof(q));
	mutex_enter(&softnet_lock);
	settle_locked();
	tif_flush(t);
}

/* A datagram from the peer behind tif3 to dst, of plen payload bytes. */
static void send_through(struct tif *t3, uint32_t dst, int ttl, int plen,
			 bool df)
{
	static struct fframe f;

	memset(&f, 0, sizeof(f));
	memcpy(f.eh.ether_dhost, t3->tif_if.if_lladdr, 6);
	memcpy(f.eh.ether_shost, lla3, 6);
	f.eh.ether_type = htons(ETHERTYPE_IP);
	f.ip.ip_v = IPVERSION;
	f.ip.ip_hl = 5;
	f.ip.ip_len = htons((uint16_t)(20 + plen));
	f.ip.ip_id = htons(77);
	f.ip.ip_off = df ? htons(IP_DF) : 0;
	f.ip.ip_ttl = (uint8_t)ttl;
	f.ip.ip_p = 253;
	f.ip.ip_src.s_addr = htonl(0x0a030002);
	f.ip.ip_dst.s_addr = htonl(dst);
	for (int i = 0; i < plen; i++)
		f.data[i] = (uint8_t)i;
	f.ip.ip_sum = in_cksum_buf(&f.ip, 20);
	mutex_exit(&softnet_lock);
	tif_receive(t3, &f, ETHER_HDR_LEN + 20 + plen);
	mutex_enter(&softnet_lock);
	settle_locked();
}

/* The ICMP error tif3 sent back: its type and code, -1 if none. */
static int icmp_back(struct tif *t3, int *codep, uint16_t *mtup)
{
	struct {
		struct ether_header eh;
		struct ip ip;
		struct icmp icp;
	} __attribute__((__packed__, __aligned__(2))) r;
	struct mbuf *m = tif_take(t3);
	int type = -1;

	if (m == NULL)
		return -1;
	if (m->m_pkthdr.len >= (int)sizeof(r)) {
		m_copydata(m, 0, sizeof(r), &r);
		if (r.ip.ip_p == IPPROTO_ICMP &&
		    ntohl(r.ip.ip_dst.s_addr) == 0x0a030002 &&
		    memcmp(r.eh.ether_dhost, lla3, 6) == 0 &&
		    ntohs(r.icp.icmp_ip.ip_id) == 77) {
			type = r.icp.icmp_type;
			*codep = r.icp.icmp_code;
			*mtup = ntohs(r.icp.icmp_nextmtu);
		}
	}
	m_freem(m);
	return type;
}

int rump_test_inet_forward(void)
{
	int start = test_failures, code = -1, saved = ip_forwarding;
	struct in_addr a3 = {htonl(0x0a030001)}, a4 = {htonl(0x0a040001)};
	struct in_addr mask = {htonl(0xffffff00u)};
	uint64_t notforus;
	uint16_t mtu = 0;
	struct tif *t3, *t4;
	struct mbuf *m;

	rump_schedule();
	mutex_enter(&softnet_lock);
	t3 = tif_create(3);
	t4 = tif_create(4);
	if (!TCHECK(t3 != NULL && t4 != NULL))
		goto out;
	TCHECK(in_ifaddr_add(&t3->tif_if, a3, mask, (struct in_addr){0}) == 0);
	TCHECK(in_ifaddr_add(&t4->tif_if, a4, mask, (struct in_addr){0}) == 0);
	TCHECK(if_up(&t3->tif_if) == 0 && if_up(&t4->tif_if) == 0);
	tif_flush(t3);
	tif_flush(t4);
	teach(t3, 0x0a030002, 0x0a030001, lla3);
	teach(t4, 0x0a040002, 0x0a040001, lla4);

	/* Off: not for us, dropped. */
	TCHECK(ip_forwarding == 0);
	notforus = ipstat.ips_notforus;
	send_through(t3, 0x0a040002, 64, 100, false);
	TCHECK(ipstat.ips_notforus == notforus + 1);
	TCHECK(t4->tif_nsent == 0 && t3->tif_nsent == 0);

	ip_forwarding = 1;
	send_through(t3, 0x0a040002, 64, 100, false);
	m = tif_take(t4);
	TCHECK(m != NULL);
	if (m != NULL) {
		struct fframe f;
		m_copydata(m, 0, ETHER_HDR_LEN + 20 + 100, &f);
		TCHECK(memcmp(f.eh.ether_dhost, lla4, 6) == 0);
		TCHECK(f.ip.ip_ttl == 63);
		TCHECK(in_cksum_buf(&f.ip, 20) == 0);
		TCHECK(f.data[99] == 99);
		m_freem(m);
	}
	/* TTL 1: time exceeded, back to the sender. */
	send_through(t3, 0x0a040002, 1, 100, false);
	TCHECK(t4->tif_nsent == 0);
	TCHECK(icmp_back(t3, &code, &mtu) == ICMP_TIMXCEED &&
	       code == ICMP_TIMXCEED_INTRANS);
	/* No route: net unreachable. */
	send_through(t3, 0xc0000201, 64, 100, false);
	TCHECK(icmp_back(t3, &code, &mtu) == ICMP_UNREACH &&
	       code == ICMP_UNREACH_NET);
	/* Too big for tif4 with DF: fragmentation needed, with the MTU. */
	TCHECK(if_setmtu(&t4->tif_if, 576) == 0);
	send_through(t3, 0x0a040002, 64, 1000, true);
	TCHECK(t4->tif_nsent == 0);
	TCHECK(icmp_back(t3, &code, &mtu) == ICMP_UNREACH &&
	       code == ICMP_UNREACH_NEEDFRAG && mtu == 576);
	/* Without DF it goes in fragments. */
	send_through(t3, 0x0a040002, 64, 1000, false);
	TCHECK(t4->tif_nsent == 2);
	tif_flush(t4);
	tif_destroy(t3);
	tif_destroy(t4);
out:
	ip_forwarding = saved;
	mutex_exit(&softnet_lock);
	rump_unschedule();
	return TRESULT(start);
}
