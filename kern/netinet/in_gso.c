/*
 * in_gso.c -- TCP segmentation in software, for interfaces that offer TCP
 * segmentation offload (IFCAP_TSO4) over a wire of standard Ethernet
 * frames: TCP, IP and the link layer then handle one packet per 64 KiB
 * instead of one per MSS, and the driver cuts it here into frames
 * exactly as TCP would have sent them (headers copied, lengths, IP id,
 * sequence numbers, flags and both checksums per segment).  The payload
 * is not copied: each frame's data refers to the packet's storage.
 */
#include <net/if_ether.h>
#include <netinet/in_cksum.h>
#include <netinet/in_offload.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/atomic.h>
#include <sys/errno.h>
#include <sys/mbuf.h>
#include <sys/systm.h>

struct in_offload_stats in_offload_stats;

/* Ethernet, IPv4 with options and TCP with options: the largest header. */
#define TSO_HDRMAX (ETHER_HDR_LEN + 60 + 60)

/* The headers of a TSO packet, parsed. */
struct tso_hdr {
	uint8_t th_buf[TSO_HDRMAX];
	int th_iphl, th_thl, th_hlen; /* IP, TCP and all header bytes */
};

/* Copies and checks the headers of m; EINVAL if they are not TCP's. */
static int tso_parse(struct mbuf *m, struct tso_hdr *h)
{
	int len = m->m_pkthdr.len;
	struct ip *ip;

	if (len < ETHER_HDR_LEN + (int)sizeof(struct ip) + TCP_HDRLEN)
		return EINVAL;
	m_copydata(m, 0, MIN(len, TSO_HDRMAX), h->th_buf);
	ip = (struct ip *)(h->th_buf + ETHER_HDR_LEN);
	if (h->th_buf[12] != 0x08 || h->th_buf[13] != 0x00 || ip->ip_v != 4 ||
	    ip->ip_p != IPPROTO_TCP || ip->ip_hl < 5)
		return EINVAL;
	h->th_iphl = ip->ip_hl * 4;
	if (len < ETHER_HDR_LEN + h->th_iphl + TCP_HDRLEN)
		return EINVAL;
	h->th_thl = TH_OFF((struct tcphdr *)(h->th_buf + ETHER_HDR_LEN +
					     h->th_iphl)) *
		    4;
	h->th_hlen = ETHER_HDR_LEN + h->th_iphl + h->th_thl;
	if (h->th_thl < TCP_HDRLEN || len < h->th_hlen)
		return EINVAL;
	return 0;
}

/*
 * Finishes the TCP checksum of frame m, whose th_sum holds the
 * pseudo-header sum (the offload convention): the sum from the TCP
 * header to the end then covers the pseudo header too.
 */
static int tso_finish_csum(struct mbuf *m, int thoff)
{
	uint16_t sum = in_cksum_skip(m, thoff, m->m_pkthdr.len - thoff);

	return m_copyback(m, thoff + 16, sizeof(sum), &sum); /* th_sum */
}

/* Frees a list linked by m_nextpkt. */
static void tso_freelist(struct mbuf *m)
{
	while (m != NULL) {
		struct mbuf *next = m->m_nextpkt;

		m->m_nextpkt = NULL;
		m_freem(m);
		m = next;
	}
}

/* One segment: headers from h, len payload bytes of m from off. */
static struct mbuf *tso_one(struct mbuf *m, const struct tso_hdr *h, int off,
			    int len, int idx, bool last)
{
	struct mbuf *n = m_gethdr(M_NOWAIT, MT_DATA), *data;
	struct ip *ip;
	struct tcphdr *th;
	int thoff = ETHER_HDR_LEN + h->th_iphl;

	if (n == NULL)
		return NULL;
	if ((data = m_copym(m, h->th_hlen + off, len, M_NOWAIT)) == NULL) {
		m_freem(n);
		return NULL;
	}
	n->m_data += 2; /* the IP header 4-byte aligned */
	memcpy(mtod(n, void *), h->th_buf, (size_t)h->th_hlen);
	n->m_len = h->th_hlen;
	n->m_next = data;
	n->m_pkthdr.len = h->th_hlen + len;
	n->m_flags |= m->m_flags & (M_BCAST | M_MCAST);
	ip = (struct ip *)(mtod(n, char *) + ETHER_HDR_LEN);
	th = (struct tcphdr *)(mtod(n, char *) + thoff);
	ip->ip_len = htons((uint16_t)(h->th_iphl + h->th_thl + len));
	ip->ip_id = htons((uint16_t)(ntohs(ip->ip_id) + idx));
	ip->ip_sum = 0;
	ip->ip_sum = in_cksum_buf(ip, (size_t)h->th_iphl);
	th->th_seq = htonl(ntohl(th->th_seq) + (uint32_t)off);
	if (!last)
		th->th_flags &= (uint8_t) ~(TH_FIN | TH_PUSH);
	if (idx != 0)
		th->th_flags &= (uint8_t)~TH_CWR;
	th->th_sum = in4_pseudo_sum(ip->ip_src, ip->ip_dst, IPPROTO_TCP,
				    h->th_thl + len);
	th->th_sum = in_cksum_skip(n, thoff, h->th_thl + len);
	return n;
}

int in_tso_segment(struct mbuf *m, struct mbuf **listp)
{
	int flags = m->m_pkthdr.csum_flags, seg, plen, error;
	struct mbuf *head = NULL, **tail = &head;
	struct tso_hdr h;

	*listp = NULL;
	m->m_nextpkt = NULL;
	if (!(flags & (M_CSUM_TCPV4_OFFLOAD | M_CSUM_TSOV4))) {
		*listp = m;
		return 0;
	}
	if ((error = tso_parse(m, &h)) != 0) {
		m_freem(m);
		return error;
	}
	plen = m->m_pkthdr.len - h.th_hlen;
	seg = m->m_pkthdr.segsz;
	m->m_pkthdr.csum_flags &= ~(M_CSUM_TCPV4_OFFLOAD | M_CSUM_TSOV4);
	if (!(flags & M_CSUM_TSOV4) || plen <= seg) {
		/* One frame: only the checksum is left to do. */
		if ((error = tso_finish_csum(m, ETHER_HDR_LEN + h.th_iphl)) !=
		    0) {
			m_freem(m);
			return error;
		}
		*listp = m;
		return 0;
	}
	if (seg <= 0) {
		m_freem(m);
		return EINVAL;
	}
	for (int off = 0, idx = 0; off < plen; off += seg, idx++) {
		int len = MIN(seg, plen - off);
		struct mbuf *n =
			tso_one(m, &h, off, len, idx, off + len == plen);

		if (n == NULL) {
			tso_freelist(head);
			m_freem(m);
			return ENOBUFS;
		}
		*tail = n;
		tail = &n->m_nextpkt;
		atomic_add(&in_offload_stats.tso_frames, 1);
	}
	atomic_add(&in_offload_stats.tso_packets, 1);
	m_freem(m);
	*listp = head;
	return 0;
}
