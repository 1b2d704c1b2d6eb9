/*
 * in_gro.c -- receive coalescing in software: a driver that takes frames
 * off its wire in batches merges the in-order segments of each TCP
 * connection in the batch into one packet before input, so that IP and
 * TCP run (and TCP acknowledges and wakes its reader) once per run of
 * segments instead of once per frame.  A frame is merged only when the
 * result means exactly what the frames meant: checksums verified first,
 * the next sequence number with no gap, ACK and PSH only, the same ACK,
 * window and option bytes (so the same timestamps, RFC 7323), the same
 * addresses, ports and IP fields, no IP options or fragments; anything
 * else, and every frame while the host forwards, passes unchanged and in
 * order.  The frames' storage is chained, never copied.
 */
#include <net/if_ether.h>
#include <netinet/in_cksum.h>
#include <netinet/in_offload.h>
#include <netinet/ip.h>
#include <netinet/ip_var.h>
#include <netinet/tcp.h>
#include <sys/atomic.h>
#include <sys/mbuf.h>
#include <sys/systm.h>

#define GRO_THOFF (ETHER_HDR_LEN + (int)sizeof(struct ip))
#define GRO_VERIFIED (M_CSUM_TCPV4 | M_CSUM_DATA_VALID)

/* A segment that may be merged, and the packet it heads. */
struct gro_seg {
	struct mbuf *gs_m, *gs_tail; /* the packet and its last mbuf */
	struct ip *gs_ip;
	struct tcphdr *gs_th;
	int gs_thl;	     /* TCP header bytes */
	int gs_plen;	     /* payload bytes of the first segment */
	int gs_iplen;	     /* IP length of the packet so far */
	uint32_t gs_nextseq; /* the sequence number that continues it */
	int gs_nseg;	     /* segments in it */
	uint8_t gs_flags;    /* TCP flags seen (PSH) */
	bool gs_closed;	     /* a short or PSH segment ended it */
};

/* Whether the TCP checksum of m (IP header at ETHER_HDR_LEN) is right. */
static bool gro_tcp_sum_ok(struct mbuf *m, const struct ip *ip, int tcplen)
{
	uint32_t sum;

	if ((m->m_pkthdr.csum_flags & GRO_VERIFIED) == GRO_VERIFIED)
		return true;
	/* The data's sum (the complement of its checksum) plus the pseudo
	 * header's: all ones when right. */
	sum = (uint16_t)~ntohs(in_cksum_skip(m, GRO_THOFF, tcplen));
	sum += ntohs(
		in4_pseudo_sum(ip->ip_src, ip->ip_dst, IPPROTO_TCP, tcplen));
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/*
 * Whether m is an IPv4 TCP segment that may take part in a merge, with
 * its fields in *gs; its checksums are verified (and the TCP one marked
 * so on m).
 */
static bool gro_parse(struct mbuf *m, struct gro_seg *gs)
{
	const uint8_t *f = mtod(m, const uint8_t *);
	int len = m->m_pkthdr.len, iplen, thl;
	struct ip *ip;
	struct tcphdr *th;

	if (m->m_len < GRO_THOFF + TCP_HDRLEN || f[12] != 0x08 || f[13] != 0)
		return false;
	ip = (struct ip *)(mtod(m, char *) + ETHER_HDR_LEN);
	th = (struct tcphdr *)(ip + 1);
	iplen = ntohs(ip->ip_len);
	thl = TH_OFF(th) * 4;
	if (ip->ip_v != 4 || ip->ip_hl != 5 || ip->ip_p != IPPROTO_TCP ||
	    iplen != len - ETHER_HDR_LEN ||
	    (ntohs(ip->ip_off) & (IP_RF | IP_MF | IP_OFFMASK)) != 0 ||
	    thl < TCP_HDRLEN || m->m_len < GRO_THOFF + thl ||
	    iplen <= (int)sizeof(struct ip) + thl)
		return false; /* not TCP as merged here, or no payload */
	if ((th->th_flags & ~TH_PUSH) != TH_ACK || th->th_urp != 0 ||
	    (m->m_pkthdr.csum_flags & M_CSUM_TCPV4_OFFLOAD))
		return false;
	if (in_cksum_buf(ip, sizeof(*ip)) != 0 ||
	    !gro_tcp_sum_ok(m, ip, iplen - (int)sizeof(*ip)))
		return false; /* dropped and counted by IP or TCP input */
	m->m_pkthdr.csum_flags |= GRO_VERIFIED;
	gs->gs_m = m;
	gs->gs_ip = ip;
	gs->gs_th = th;
	gs->gs_thl = thl;
	gs->gs_plen = iplen - (int)sizeof(*ip) - thl;
	return true;
}

/* Whether segment s continues the packet that head heads. */
static bool gro_continues(const struct gro_seg *head, const struct gro_seg *s)
{
	const uint8_t *hf = mtod(head->gs_m, const uint8_t *);
	const uint8_t *sf = mtod(s->gs_m, const uint8_t *);
	const struct ip *hip = head->gs_ip, *sip = s->gs_ip;
	const struct tcphdr *hth = head->gs_th, *sth = s->gs_th;

	return !head->gs_closed && memcmp(hf, sf, ETHER_HDR_LEN) == 0 &&
	       hip->ip_tos == sip->ip_tos && hip->ip_off == sip->ip_off &&
	       hip->ip_ttl == sip->ip_ttl &&
	       hip->ip_src.s_addr == sip->ip_src.s_addr &&
	       hip->ip_dst.s_addr == sip->ip_dst.s_addr &&
	       hth->th_sport == sth->th_sport &&
	       hth->th_dport == sth->th_dport && head->gs_thl == s->gs_thl &&
	       hth->th_ack == sth->th_ack && hth->th_win == sth->th_win &&
	       memcmp(hth + 1, sth + 1, (size_t)s->gs_thl - TCP_HDRLEN) == 0 &&
	       ntohl(sth->th_seq) == head->gs_nextseq &&
	       s->gs_plen <= head->gs_plen &&
	       head->gs_iplen + s->gs_plen <= IP_MAXPACKET;
}

/* Makes m the head of a packet that later segments may join. */
static void gro_start(struct gro_seg *gs)
{
	struct mbuf *t = gs->gs_m;

	while (t->m_next != NULL)
		t = t->m_next;
	gs->gs_tail = t;
	gs->gs_iplen = ntohs(gs->gs_ip->ip_len);
	gs->gs_nextseq = ntohl(gs->gs_th->th_seq) + (uint32_t)gs->gs_plen;
	gs->gs_nseg = 1;
	gs->gs_flags = gs->gs_th->th_flags;
	gs->gs_closed = (gs->gs_flags & TH_PUSH) != 0;
}

/* Appends s's payload to head's packet; s's headers are freed. */
static void gro_append(struct gro_seg *head, struct gro_seg *s)
{
	struct mbuf *m = s->gs_m;

	m_adj(m, GRO_THOFF + s->gs_thl);
	m->m_flags &= ~M_PKTHDR;
	head->gs_tail->m_next = m;
	while (m->m_next != NULL)
		m = m->m_next;
	head->gs_tail = m;
	head->gs_m->m_pkthdr.len += s->gs_plen;
	head->gs_iplen += s->gs_plen;
	head->gs_nextseq += (uint32_t)s->gs_plen;
	head->gs_nseg++;
	head->gs_flags |= s->gs_th->th_flags;
	/* A short segment or a push ends what the sender wrote at once. */
	head->gs_closed = s->gs_plen < head->gs_plen ||
			  (s->gs_th->th_flags & TH_PUSH) != 0;
}

/* The merged packet's headers: IP length and checksum, TCP's push. */
static void gro_finish(struct gro_seg *head)
{
	struct ip *ip = head->gs_ip;

	if (head->gs_nseg < 2)
		return;
	ip->ip_len = htons((uint16_t)head->gs_iplen);
	ip->ip_sum = 0;
	ip->ip_sum = in_cksum_buf(ip, sizeof(*ip));
	head->gs_th->th_flags |= head->gs_flags & TH_PUSH;
	head->gs_m->m_pkthdr.segsz = (uint16_t)head->gs_plen;
	atomic_add(&in_offload_stats.gro_packets, 1);
	atomic_add(&in_offload_stats.gro_frames, (uint64_t)head->gs_nseg);
}

int in_gro_merge(struct mbuf **ms, int n)
{
	struct gro_seg head, s;
	bool have = false;
	int out = 0;

	/* A forwarded packet must keep its size: no merging at all. */
	if (atomic_load_relaxed(&ip_forwarding) || n < 2)
		return n;
	for (int i = 0; i < n; i++) {
		struct mbuf *m = ms[i];

		if (!M_WRITABLE(m) || !gro_parse(m, &s)) {
			if (have)
				gro_finish(&head);
			have = false;
			ms[out++] = m;
			continue;
		}
		if (have && gro_continues(&head, &s)) {
			gro_append(&head, &s);
			continue;
		}
		if (have)
			gro_finish(&head);
		head = s;
		gro_start(&head);
		have = true;
		ms[out++] = m;
	}
	if (have)
		gro_finish(&head);
	return out;
}
