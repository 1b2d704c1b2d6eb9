/*
 * test_inet_fuzz.c -- the kernel half of the packet-input fuzz target
 * (fuzz/net_fuzz.c) and of its replay test (t_inet_fuzz): arbitrary
 * bytes become Ethernet frames fed to the capturing test interface tif7
 * (10.9.0.1/24, peer 10.9.0.2), through the real input path (Ethernet,
 * ARP, IPv4, reassembly, ICMP, UDP, TCP).  Each input first opens a TCP
 * connection from the peer to the listener the host made on port 80, so
 * that fuzzed segments can reach an established connection; records may
 * ask for their headers and checksums to be fixed up, so that mutations
 * get past the checksums into the protocol code; inputs may ask for
 * their frames to be coalesced in batches first (FZ_BATCHED).  Nothing
 * the stack sends is interpreted beyond the SYN-ACK of that handshake.
 */
#include <net/if_arp.h>
#include <net/netisr.h>
#include <netinet/if_inarp.h>
#include <netinet/in_cksum.h>
#include <netinet/in_offload.h>
#include <netinet/in_var.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/socketvar.h>

#include "../../kern/net/virtif/virtif_host.h"
#include "rumptest_inet.h"
#include "test_inet_tif.h"
#include "testkern.h"

#define FZ_OURS 0x0a090001u
#define FZ_PEER 0x0a090002u
#define FZ_PISS 0x10000000u /* the peer's initial sequence number */
#define FZ_MAXFRAME 2048

static const uint8_t fz_peer_lla[6] = {0x02, 0x66, 0, 0, 0, 2};

static struct {
	struct tif *tif;
	uint16_t sport; /* the peer's port of the current connection */
	uint32_t iss;	/* our ISS on it, from the SYN-ACK */
	uint32_t nconn;
	uint8_t frame[FZ_MAXFRAME];
} fz;

/* Hands a frame to the interface and waits until input processed it. */
static void fz_deliver(const void *buf, int len)
{
	tif_receive(fz.tif, buf, len);
	tif_settle();
}

static void fz_flush(void)
{
	mutex_enter(&softnet_lock);
	tif_flush(fz.tif);
	mutex_exit(&softnet_lock);
}

/* Ethernet header from the peer to us (or to everyone). */
static void fz_ether(uint8_t *f, bool bcast, uint16_t type)
{
	if (bcast)
		memset(f, 0xff, 6);
	else
		memcpy(f, fz.tif->tif_if.if_lladdr, 6);
	memcpy(f + 6, fz_peer_lla, 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
}

static void fz_ipsum(struct ip *ip)
{
	ip->ip_sum = 0;
	ip->ip_sum = in_cksum_buf(ip, (size_t)ip->ip_hl * 4);
}

/* The TCP or UDP checksum over the pseudo header and len bytes at l4. */
static uint16_t fz_l4sum(const struct ip *ip, const uint8_t *l4, int len)
{
	uint32_t sum = in_cksum_partial(0, &ip->ip_src, 8);

	sum += (uint32_t)ip->ip_p + (uint32_t)len;
	sum = in_cksum_partial(sum, l4, (size_t)len);
	return in_cksum_fold(sum);
}

/*
 * A TCP segment from the peer's current port to port 80: header, opts
 * (optlen bytes, a multiple of 4), no data.
 */
static int fz_tcp(uint8_t *f, int flags, uint32_t seq, uint32_t ack,
		  const uint8_t *opts, int optlen)
{
	struct ip *ip = (struct ip *)(f + ETHER_HDR_LEN);
	struct tcphdr *th = (struct tcphdr *)(ip + 1);
	int tlen = TCP_HDRLEN + optlen;

	memset(f, 0, ETHER_HDR_LEN + sizeof(*ip) + (size_t)tlen);
	fz_ether(f, false, ETHERTYPE_IP);
	ip->ip_v = IPVERSION;
	ip->ip_hl = 5;
	ip->ip_len = htons((uint16_t)(sizeof(*ip) + (size_t)tlen));
	ip->ip_ttl = 64;
	ip->ip_p = IPPROTO_TCP;
	ip->ip_src.s_addr = htonl(FZ_PEER);
	ip->ip_dst.s_addr = htonl(FZ_OURS);
	fz_ipsum(ip);
	th->th_sport = htons(fz.sport);
	th->th_dport = htons(80);
	th->th_seq = htonl(seq);
	th->th_ack = htonl(ack);
	TH_SETOFF(th, tlen / 4);
	th->th_flags = (uint8_t)flags;
	th->th_win = htons(65535);
	memcpy(th + 1, opts, (size_t)optlen);
	th->th_sum = fz_l4sum(ip, (uint8_t *)th, tlen);
	return ETHER_HDR_LEN + (int)sizeof(*ip) + tlen;
}

/* Our SYN-ACK to the current port among what tif sent, or false. */
static bool fz_find_synack(void)
{
	struct mbuf *m;
	bool found = false;

	mutex_enter(&softnet_lock);
	while ((m = tif_take(fz.tif)) != NULL) {
		uint8_t h[ETHER_HDR_LEN + sizeof(struct ip) + TCP_HDRLEN];
		const struct ip *ip = (const struct ip *)(h + ETHER_HDR_LEN);
		const struct tcphdr *th = (const struct tcphdr *)(ip + 1);

		if (m->m_pkthdr.len >= (int)sizeof(h)) {
			m_copydata(m, 0, sizeof(h), h);
			if (h[12] == 0x08 && h[13] == 0x00 && ip->ip_hl == 5 &&
			    ip->ip_p == IPPROTO_TCP &&
			    ntohs(th->th_dport) == fz.sport &&
			    (th->th_flags & (TH_SYN | TH_ACK)) ==
				    (TH_SYN | TH_ACK)) {
				fz.iss = ntohl(th->th_seq);
				found = true;
			}
		}
		m_freem(m);
	}
	mutex_exit(&softnet_lock);
	return found;
}

/*
 * Opens a connection from the peer to port 80 with the options that the
 * bits of optbits ask for (MSS, window scale, SACK permitted,
 * timestamps).  Fails the test if the listener does not answer.
 */
static void fz_handshake(uint8_t optbits)
{
	uint8_t opts[40];
	int n = 0, len;

	fz.sport = (uint16_t)(1024 + fz.nconn++ % 60000);
	if (optbits & 1) {
		opts[n++] = TCPOPT_MAXSEG;
		opts[n++] = 4;
		opts[n++] = 0x05;
		opts[n++] = 0xb4;
	}
	if (optbits & 2) {
		opts[n++] = TCPOPT_NOP;
		opts[n++] = TCPOPT_WINDOW;
		opts[n++] = 3;
		opts[n++] = 7;
	}
	if (optbits & 4) {
		opts[n++] = TCPOPT_NOP;
		opts[n++] = TCPOPT_NOP;
		opts[n++] = TCPOPT_SACK_PERMITTED;
		opts[n++] = 2;
	}
	if (optbits & 8) {
		static const uint8_t tso[12] = {
			TCPOPT_NOP, TCPOPT_NOP, TCPOPT_TIMESTAMP,
			10,	    0,		0,
			0,	    1,		0,
			0,	    0,		0};
		memcpy(opts + n, tso, sizeof(tso));
		n += (int)sizeof(tso);
	}
	fz_flush();
	len = fz_tcp(fz.frame, TH_SYN, FZ_PISS, 0, opts, n);
	fz_deliver(fz.frame, len);
	if (!TCHECK(fz_find_synack()))
		return;
	/* The final ACK carries the timestamp again if one was offered. */
	n = 0;
	if (optbits & 8) {
		static const uint8_t tso[12] = {
			TCPOPT_NOP, TCPOPT_NOP, TCPOPT_TIMESTAMP,
			10,	    0,		0,
			0,	    2,		0,
			0,	    0,		0};
		memcpy(opts, tso, sizeof(tso));
		n = (int)sizeof(tso);
	}
	len = fz_tcp(fz.frame, TH_ACK, FZ_PISS + 1, fz.iss + 1, opts, n);
	fz_deliver(fz.frame, len);
	fz_flush();
}

/* Record flags (the first byte of each record). */
#define FZ_ETHER 0x01	/* prepend an Ethernet header from the peer */
#define FZ_FIXIP 0x02	/* IPv4: version, length, addresses, checksum */
#define FZ_FIXL4 0x04	/* TCP/UDP/ICMP checksum */
#define FZ_CONN 0x08	/* TCP: the connection's ports, relative seq/ack */
#define FZ_BCAST 0x10	/* with FZ_ETHER: to the broadcast address */
#define FZ_ARP 0x20	/* with FZ_ETHER: EtherType ARP instead of IPv4 */
#define FZ_KEEPDST 0x40 /* with FZ_FIXIP: keep the fuzzed addresses */
/*
 * The record starts with a virtio-net header (10 bytes, little-endian, as
 * a tap with offloads hands it to virt0): the frame goes through the virt
 * driver's header check (virtif_vnet_in) and takes the checksum flags it
 * gives, as virt0's receive thread does.
 */
#define FZ_VNET 0x80
#define FZ_VNETLEN 10

/* A virtio-net header from its 10 little-endian wire bytes. */
static void fz_vnet_header(struct virtif_vnet *vn, const uint8_t *p)
{
	uint8_t gso = p[1] & 0x7f;

	vn->vn_flags =
		p[0] & (VIRTIF_VNET_F_NEEDS_CSUM | VIRTIF_VNET_F_DATA_VALID);
	/* The glue maps every GSO type but NONE and TCPV4 to OTHER. */
	vn->vn_gso_type = (uint8_t)((gso <= VIRTIF_VNET_GSO_TCPV4
					     ? gso
					     : VIRTIF_VNET_GSO_OTHER) |
				    (p[1] & VIRTIF_VNET_GSO_ECN));
	vn->vn_hdr_len = (uint16_t)(p[2] | p[3] << 8);
	vn->vn_gso_size = (uint16_t)(p[4] | p[5] << 8);
	vn->vn_csum_start = (uint16_t)(p[6] | p[7] << 8);
	vn->vn_csum_offset = (uint16_t)(p[8] | p[9] << 8);
}

/* The frame in fz.frame through virt0's header check, then input. */
static void fz_deliver_vnet(const struct virtif_vnet *vn, int len)
{
	struct mbuf *m;
	int csum;

	if (len < ETHER_HDR_LEN ||
	    (csum = virtif_vnet_in(vn, fz.frame, (uint32_t)len)) < 0)
		return;
	if ((m = m_devget(fz.frame, len, &fz.tif->tif_if)) == NULL)
		return;
	m->m_pkthdr.csum_flags = csum;
	if_input(&fz.tif->tif_if, m);
	tif_settle();
}

/*
 * With bit FZ_BATCHED of an input's first byte its plain frames go in
 * batches through receive coalescing (in_gro_merge), as a driver hands
 * them on, before input.
 */
#define FZ_BATCHED 0x10
#define FZ_BATCHMAX 32

static struct mbuf *fz_batch[FZ_BATCHMAX];
static int fz_nbatch;

static void fz_batch_flush(void)
{
	int n = in_gro_merge(fz_batch, fz_nbatch);

	for (int i = 0; i < n; i++)
		if_input(&fz.tif->tif_if, fz_batch[i]);
	fz_nbatch = 0;
	tif_settle();
	fz_flush();
}

static void fz_batch_add(int len)
{
	struct mbuf *m = m_devget(fz.frame, len, &fz.tif->tif_if);

	if (m == NULL)
		return;
	fz_batch[fz_nbatch++] = m;
	if (fz_nbatch == FZ_BATCHMAX)
		fz_batch_flush();
}

/* Applies a record's fix-ups to the frame of len bytes. */
static void fz_fixup(uint8_t *f, int len, uint8_t flags)
{
	struct ip *ip = (struct ip *)(f + ETHER_HDR_LEN);
	int hlen, iplen;
	uint8_t *l4;

	if (len < ETHER_HDR_LEN + (int)sizeof(*ip) || (flags & FZ_ARP) ||
	    !(flags & (FZ_FIXIP | FZ_FIXL4 | FZ_CONN)))
		return;
	iplen = len - ETHER_HDR_LEN;
	hlen = ip->ip_hl * 4;
	if (flags & FZ_FIXIP) {
		ip->ip_v = IPVERSION;
		if (hlen < (int)sizeof(*ip))
			ip->ip_hl = 5;
		hlen = ip->ip_hl * 4;
		ip->ip_len = htons((uint16_t)iplen);
		if (!(flags & FZ_KEEPDST)) {
			ip->ip_src.s_addr = htonl(FZ_PEER);
			ip->ip_dst.s_addr = htonl(FZ_OURS);
		}
	}
	if (hlen < (int)sizeof(*ip) || hlen > iplen)
		return;
	l4 = f + ETHER_HDR_LEN + hlen;
	if ((flags & FZ_CONN) && ip->ip_p == IPPROTO_TCP &&
	    iplen - hlen >= TCP_HDRLEN) {
		struct tcphdr *th = (struct tcphdr *)l4;

		th->th_sport = htons(fz.sport);
		th->th_dport = htons(80);
		th->th_seq = htonl(ntohl(th->th_seq) + FZ_PISS + 1);
		th->th_ack = htonl(ntohl(th->th_ack) + fz.iss + 1);
	}
	if (flags & FZ_FIXL4) {
		int l4len = iplen - hlen;

		if (ip->ip_p == IPPROTO_TCP && l4len >= TCP_HDRLEN) {
			struct tcphdr *th = (struct tcphdr *)l4;
			th->th_sum = 0;
			th->th_sum = fz_l4sum(ip, l4, l4len);
		} else if (ip->ip_p == IPPROTO_UDP && l4len >= 8) {
			struct udphdr *uh = (struct udphdr *)l4;
			uh->uh_ulen = htons((uint16_t)l4len);
			uh->uh_sum = 0;
			uh->uh_sum = fz_l4sum(ip, l4, l4len);
		} else if (ip->ip_p == IPPROTO_ICMP && l4len >= 4) {
			l4[2] = l4[3] = 0;
			*(uint16_t *)(void *)(l4 + 2) =
				in_cksum_buf(l4, (size_t)l4len);
		}
	}
	if (flags & FZ_FIXIP)
		fz_ipsum(ip);
}

int rump_test_inet_fuzz_input(const uint8_t *data, size_t size)
{
	int start = test_failures;

	bool batched = false;

	rump_schedule();
	if (size > 0) {
		fz_handshake(data[0]);
		batched = (data[0] & FZ_BATCHED) != 0;
		data++;
		size--;
	}
	while (size >= 3) {
		struct virtif_vnet vn;
		uint8_t flags = data[0];
		size_t blen = (size_t)data[1] | (size_t)data[2] << 8;
		int len = 0;

		data += 3;
		size -= 3;
		blen = MIN(blen, size);
		if ((flags & FZ_VNET) && blen >= FZ_VNETLEN) {
			fz_vnet_header(&vn, data);
			data += FZ_VNETLEN;
			size -= FZ_VNETLEN;
			blen -= FZ_VNETLEN;
		} else {
			flags &= (uint8_t)~FZ_VNET;
		}
		if (flags & FZ_ETHER) {
			fz_ether(fz.frame, (flags & FZ_BCAST) != 0,
				 (flags & FZ_ARP) ? ETHERTYPE_ARP
						  : ETHERTYPE_IP);
			len = ETHER_HDR_LEN;
		}
		blen = MIN(blen, (size_t)(FZ_MAXFRAME - len));
		memcpy(fz.frame + len, data, blen);
		len += (int)blen;
		data += blen;
		size -= blen;
		fz_fixup(fz.frame, len, flags);
		if (batched && !(flags & FZ_VNET)) {
			fz_batch_add(len);
			continue;
		}
		if (fz_nbatch > 0)
			fz_batch_flush();
		if (flags & FZ_VNET)
			fz_deliver_vnet(&vn, len);
		else
			fz_deliver(fz.frame, len);
		fz_flush();
	}
	if (fz_nbatch > 0)
		fz_batch_flush();
	rump_unschedule();
	return TRESULT(start);
}

int rump_test_inet_fuzz_init(void)
{
	int start = test_failures;
	struct in_addr a = {htonl(FZ_OURS)}, mask = {htonl(0xffffff00u)};

	rump_schedule();
	mutex_enter(&softnet_lock);
	fz.tif = tif_create(7);
	if (TCHECK(fz.tif != NULL)) {
		TCHECK(in_ifaddr_add(&fz.tif->tif_if, a, mask,
				     (struct in_addr){0}) == 0);
		TCHECK(if_up(&fz.tif->tif_if) == 0);
	}
	mutex_exit(&softnet_lock);
	if (fz.tif != NULL) {
		/* Teach ARP the peer (its request for us) so answers go out. */
		struct {
			struct ether_header eh;
			struct ether_arp ea;
		} __attribute__((__packed__, __aligned__(2))) q;
		uint32_t s = htonl(FZ_PEER), d = htonl(FZ_OURS);

		memset(&q, 0, sizeof(q));
		fz_ether((uint8_t *)&q, true, ETHERTYPE_ARP);
		q.ea.ea_hdr.ar_hrd = htons(ARPHRD_ETHER);
		q.ea.ea_hdr.ar_pro = htons(ETHERTYPE_IP);
		q.ea.ea_hdr.ar_hln = 6;
		q.ea.ea_hdr.ar_pln = 4;
		q.ea.ea_hdr.ar_op = htons(ARPOP_REQUEST);
		memcpy(q.ea.arp_sha, fz_peer_lla, 6);
		memcpy(q.ea.arp_spa, &s, 4);
		memcpy(q.ea.arp_tpa, &d, 4);
		fz_deliver(&q, sizeof(q));
		fz_flush();
	}
	rump_unschedule();
	return TRESULT(start);
}

void rump_test_inet_fuzz_fini(void)
{
	rump_schedule();
	mutex_enter(&softnet_lock);
	if (fz.tif != NULL)
		tif_destroy(fz.tif);
	fz.tif = NULL;
	mutex_exit(&softnet_lock);
	rump_unschedule();
}
