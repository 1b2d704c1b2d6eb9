/*
 * ip_reass.c -- bounded reassembly of IPv4 fragments.  Fragments of one
 * datagram (same source, destination, protocol and id) wait in a queue
 * sorted by offset until they cover it; a timer drops datagrams that do
 * not complete within ip_reass_timeout_ns (sending ICMP time exceeded if
 * the first fragment came).  Limits hold memory down against floods: at
 * most ip_maxfragpackets datagrams and ip_maxfrags fragments in all,
 * ip_maxfragsperpacket per datagram, ip_reass_maxbytes of packet data;
 * a fragment that would pass them is dropped and, if it starts a new
 * datagram, so is the oldest datagram first.  An overlap drops the whole
 * datagram (RFC 5722's rule, applied to IPv4 as Linux does); an exact
 * duplicate is dropped alone.  softnet_lock held throughout.
 */
#include <netinet/icmp_var.h>
#include <netinet/ip_var.h>
#include <sys/callout.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>
#include <sys/systm.h>
#include <sys/time.h>

static KMEM_TYPE_DEFINE(M_IPQ, "ip reassembly");

int ip_maxfragpackets = 200;
int ip_maxfrags = 2000;
int ip_maxfragsperpacket = 64;
uint64_t ip_reass_maxbytes = 4u << 20;
uint64_t ip_reass_timeout_ns = 30 * NSEC_PER_SEC;

/* One fragment: its chain holds the IP header still (for the first). */
struct ipfrag {
	struct ipfrag *f_next;
	struct mbuf *f_m;
	int f_off, f_len; /* data bytes, offset from the datagram's data */
	int f_hlen;
	bool f_more;
};

struct ipq {
	struct list_node q_node; /* oldest first */
	struct in_addr q_src, q_dst;
	uint16_t q_id;
	uint8_t q_p;
	int q_nfrags;
	int q_bytes;
	bool q_havelast;
	int q_total; /* data bytes, known once the last fragment came */
	uint64_t q_expire;
	struct ipfrag *q_frags; /* sorted by offset */
};

static struct list_head ipq_list = LIST_HEAD_INIT(ipq_list);
static int ipq_count, ipq_frags;
static uint64_t ipq_bytes;
static struct callout ipq_timer;
static bool ipq_timer_inited;

static void ipq_free(struct ipq *q, bool counted_drop)
{
	struct ipfrag *f, *next;

	for (f = q->q_frags; f != NULL; f = next) {
		next = f->f_next;
		m_freem(f->f_m);
		kmem_free(f, sizeof(*f), &M_IPQ);
		if (counted_drop)
			ipstat.ips_fragdropped++;
	}
	ipq_count--;
	ipq_frags -= q->q_nfrags;
	ipq_bytes -= (uint64_t)q->q_bytes;
	list_remove(&q->q_node);
	kmem_free(q, sizeof(*q), &M_IPQ);
}

/* Drops the oldest datagram (to make room); false if there is none. */
static bool ipq_drop_oldest(void)
{
	struct list_node *n = list_first(&ipq_list);

	if (n == NULL)
		return false;
	ipq_free(list_entry(n, struct ipq, q_node), true);
	return true;
}

static void ipq_timer_arm(void)
{
	struct list_node *n = list_first(&ipq_list);

	if (n != NULL)
		(void)callout_schedule_at_ns(
			&ipq_timer,
			list_entry(n, struct ipq, q_node)->q_expire);
}

/* The datagram of q, complete: its fragments as one chain. */
static struct mbuf *ipq_assemble(struct ipq *q)
{
	struct ipfrag *f = q->q_frags, *next;
	struct mbuf *m = f->f_m, *tail;
	struct ip *ip;
	int hlen = f->f_hlen;

	/* The first fragment keeps its header; the others lose theirs. */
	m->m_pkthdr.len = hlen + f->f_len;
	for (tail = m; tail->m_next != NULL; tail = tail->m_next)
		;
	next = f->f_next;
	kmem_free(f, sizeof(*f), &M_IPQ);
	for (f = next; f != NULL; f = next) {
		next = f->f_next;
		m_adj(f->f_m, f->f_hlen);
		tail->m_next = f->f_m;
		f->f_m->m_flags &= ~M_PKTHDR;
		while (tail->m_next != NULL)
			tail = tail->m_next;
		m->m_pkthdr.len += f->f_len;
		kmem_free(f, sizeof(*f), &M_IPQ);
	}
	q->q_frags = NULL;
	ipq_count--;
	ipq_frags -= q->q_nfrags;
	ipq_bytes -= (uint64_t)q->q_bytes;
	list_remove(&q->q_node);
	kmem_free(q, sizeof(*q), &M_IPQ);
	ip = mtod(m, struct ip *);
	ip->ip_len = htons((uint16_t)m->m_pkthdr.len);
	ip->ip_off = 0;
	ipstat.ips_reassembled++;
	return m;
}

struct mbuf *ip_reass(struct mbuf *m)
{
	struct ip *ip = mtod(m, struct ip *);
	int hlen = ip->ip_hl << 2;
	uint16_t off = ntohs(ip->ip_off);
	int foff = (off & IP_OFFMASK) * 8;
	int flen = ntohs(ip->ip_len) - hlen;
	bool more = (off & IP_MF) != 0;
	struct ipfrag *f, **pp;
	struct ipq *q = NULL;

	KASSERT(mutex_owned(&softnet_lock));
	/* Only the last fragment may end off an 8-byte boundary. */
	if (flen <= 0 || (more && (flen & 7) != 0) ||
	    foff + flen > IP_MAXPACKET - hlen) {
		ipstat.ips_fragdropped++;
		goto drop;
	}
	list_foreach(it, &ipq_list)
	{
		struct ipq *c = list_entry(it, struct ipq, q_node);
		if (c->q_id == ip->ip_id && c->q_p == ip->ip_p &&
		    c->q_src.s_addr == ip->ip_src.s_addr &&
		    c->q_dst.s_addr == ip->ip_dst.s_addr) {
			q = c;
			break;
		}
	}
	/* Limits: make room by dropping old datagrams, never this one. */
	while (ipq_frags >= ip_maxfrags ||
	       ipq_bytes + (uint64_t)flen > ip_reass_maxbytes ||
	       (q == NULL && ipq_count >= ip_maxfragpackets)) {
		struct list_node *n = list_first(&ipq_list);
		if (n == NULL || list_entry(n, struct ipq, q_node) == q) {
			ipstat.ips_fragdropped++;
			goto drop;
		}
		ipq_drop_oldest();
	}
	if (q != NULL && q->q_nfrags >= ip_maxfragsperpacket) {
		ipq_free(q, true);
		ipstat.ips_fragdropped++;
		goto drop;
	}
	f = kmem_zalloc(sizeof(*f), &M_IPQ);
	if (f == NULL) {
		ipstat.ips_fragdropped++;
		goto drop;
	}
	if (q == NULL) {
		q = kmem_zalloc(sizeof(*q), &M_IPQ);
		if (q == NULL) {
			kmem_free(f, sizeof(*f), &M_IPQ);
			ipstat.ips_fragdropped++;
			goto drop;
		}
		q->q_src = ip->ip_src;
		q->q_dst = ip->ip_dst;
		q->q_id = ip->ip_id;
		q->q_p = ip->ip_p;
		q->q_expire = getnsmono() + ip_reass_timeout_ns;
		list_push_back(&ipq_list, &q->q_node);
		ipq_count++;
		if (ipq_count == 1)
			ipq_timer_arm();
	}
	f->f_m = m;
	f->f_off = foff;
	f->f_len = flen;
	f->f_hlen = hlen;
	f->f_more = more;
	/* Insert sorted; any overlap dooms the datagram. */
	for (pp = &q->q_frags; *pp != NULL && (*pp)->f_off < foff;
	     pp = &(*pp)->f_next)
		;
	{
		struct ipfrag *prev = NULL, *next = *pp;
		for (struct ipfrag *c = q->q_frags; c != NULL && c != next;
		     c = c->f_next)
			prev = c;
		if (next != NULL && next->f_off == foff &&
		    next->f_len == flen && next->f_more == more) {
			/* An exact duplicate. */
			kmem_free(f, sizeof(*f), &M_IPQ);
			ipstat.ips_fragdropped++;
			goto drop;
		}
		if ((prev != NULL && prev->f_off + prev->f_len > foff) ||
		    (next != NULL && foff + flen > next->f_off) ||
		    (!more && q->q_havelast) ||
		    (q->q_havelast && foff + flen > q->q_total) ||
		    (!more && next != NULL)) {
			kmem_free(f, sizeof(*f), &M_IPQ);
			ipq_free(q, true);
			ipstat.ips_fragdropped++;
			goto drop;
		}
	}
	f->f_next = *pp;
	*pp = f;
	q->q_nfrags++;
	q->q_bytes += flen;
	ipq_frags++;
	ipq_bytes += (uint64_t)flen;
	if (!more) {
		q->q_havelast = true;
		q->q_total = foff + flen;
	}
	if (!q->q_havelast || q->q_bytes != q->q_total)
		return NULL;
	/* No overlaps and bytes == total: the fragments cover it exactly. */
	return ipq_assemble(q);
drop:
	m_freem(m);
	return NULL;
}

static void ipq_expire(struct ipq *q)
{
	struct ipfrag *first = q->q_frags;

	ipstat.ips_fragtimeout++;
	/* RFC 792: time exceeded in reassembly, if fragment zero came. */
	if (first != NULL && first->f_off == 0) {
		q->q_frags = first->f_next;
		q->q_nfrags--;
		ipq_frags--;
		q->q_bytes -= first->f_len;
		ipq_bytes -= (uint64_t)first->f_len;
		icmp_error(first->f_m, ICMP_TIMXCEED, ICMP_TIMXCEED_REASS, 0);
		kmem_free(first, sizeof(*first), &M_IPQ);
		ipstat.ips_fragdropped++;
	}
	ipq_free(q, true);
}

void ip_reass_slowtimo(void)
{
	uint64_t now = getnsmono();

	KASSERT(mutex_owned(&softnet_lock));
	for (;;) {
		struct list_node *n = list_first(&ipq_list);
		struct ipq *q;

		if (n == NULL)
			break;
		q = list_entry(n, struct ipq, q_node);
		if (q->q_expire > now)
			break;
		ipq_expire(q);
	}
	ipq_timer_arm();
}

static void ipq_timeout(void *arg)
{
	mutex_enter(&softnet_lock);
	if (!callout_pending(&ipq_timer))
		ip_reass_slowtimo();
	mutex_exit(&softnet_lock);
}

void ip_reass_counts(int *packetsp, int *fragsp)
{
	*packetsp = ipq_count;
	*fragsp = ipq_frags;
}

/* Frees every datagram being reassembled (memory is short, or fini). */
void ip_reass_drain(void)
{
	while (ipq_drop_oldest())
		;
}

void ip_reass_init(void)
{
	callout_init(&ipq_timer);
	callout_setfunc(&ipq_timer, ipq_timeout, NULL);
	ipq_timer_inited = true;
}

void ip_reass_fini(void)
{
	if (!ipq_timer_inited)
		return;
	ip_reass_drain();
	/* Not under softnet_lock: the timer's function takes it. */
	mutex_exit(&softnet_lock);
	callout_halt(&ipq_timer);
	mutex_enter(&softnet_lock);
	callout_destroy(&ipq_timer);
	ipq_timer_inited = false;
}
