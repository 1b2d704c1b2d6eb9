/*
 * tcp_reass.c -- the reassembly queue: data that arrived beyond rcv_nxt
 * waits here, sorted and without overlap, until the gap before it is
 * filled.  Memory is bounded twice (bytes and segment count) because the
 * peer decides how data is cut; over either bound a segment is dropped,
 * which costs the peer a retransmission and us nothing.  Called holding
 * softnet_lock.
 */
#include <netinet/tcp_var.h>
#include <sys/kmem.h>
#include <sys/mbuf.h>
#include <sys/systm.h>

KMEM_TYPE_DEFINE(M_TCPREASS, "tcpreass");

struct reass_seg {
	struct list_node rs_node;
	tcp_seq rs_seq;
	uint32_t rs_len;
	bool rs_fin;
	struct mbuf *rs_m;
};

#define RS(n) list_entry(n, struct reass_seg, rs_node)
#define RS_END(rs) ((rs)->rs_seq + (rs)->rs_len)

void tcp_reass_init(struct tcp_reass *q)
{
	list_init(&q->segs);
	q->bytes = 0;
	q->nsegs = 0;
	q->last_seq = 0;
}

static void reass_free(struct tcp_reass *q, struct reass_seg *rs)
{
	list_remove(&rs->rs_node);
	q->bytes -= rs->rs_len;
	q->nsegs--;
	m_freem(rs->rs_m);
	kmem_free(rs, sizeof(*rs), &M_TCPREASS);
}

/* Cut len bytes off the front (len > 0) or -len off the back of m. */
static void reass_trim(struct mbuf *m, int len)
{
	if (m != NULL && len != 0)
		m_adj(m, len);
}

int tcp_reass_insert(struct tcp_reass *q, tcp_seq rcv_nxt, tcp_seq seq,
		     uint32_t len, bool fin, struct mbuf *m, uint32_t limit)
{
	struct list_node *pos = &q->segs.n; /* insert before this */
	struct reass_seg *rs;
	tcp_seq end;

	if (SEQ_LT(seq, rcv_nxt)) {
		uint32_t cut = SEQ_SUB(rcv_nxt, seq);
		if (cut >= len) {
			m_freem(m);
			return 0;
		}
		reass_trim(m, (int)cut);
		seq = rcv_nxt;
		len -= cut;
	}
	end = seq + len;
	list_foreach_safe(it, &q->segs)
	{
		struct reass_seg *p = RS(it);

		if (SEQ_LEQ(RS_END(p), seq))
			continue; /* wholly before */
		if (SEQ_LEQ(p->rs_seq, seq)) {
			/* p starts at or before us and reaches into us. */
			if (SEQ_GEQ(RS_END(p), end)) {
				if (fin && RS_END(p) == end)
					p->rs_fin = true;
				m_freem(m);
				q->last_seq = p->rs_seq;
				return 0;
			}
			reass_trim(m, (int)SEQ_SUB(RS_END(p), seq));
			len -= SEQ_SUB(RS_END(p), seq);
			seq = RS_END(p);
			continue;
		}
		/* p starts after seq. */
		if (SEQ_GEQ(p->rs_seq, end)) {
			pos = it;
			break;
		}
		if (SEQ_LEQ(RS_END(p), end)) {
			/* We cover p: it goes. */
			if (p->rs_fin && RS_END(p) == end)
				fin = true;
			reass_free(q, p);
			continue;
		}
		/* p overlaps our tail: keep p's bytes, ours stop at p. */
		reass_trim(m, -(int)SEQ_SUB(end, p->rs_seq));
		len = SEQ_SUB(p->rs_seq, seq);
		end = p->rs_seq;
		fin = false;
		pos = it;
		break;
	}
	if (len == 0 && !fin) {
		m_freem(m);
		return 0;
	}
	if (q->bytes + len > limit || q->nsegs >= TCP_REASS_MAXSEGS)
		goto drop;
	rs = kmem_alloc(sizeof(*rs), &M_TCPREASS);
	if (rs == NULL)
		goto drop;
	rs->rs_seq = seq;
	rs->rs_len = len;
	rs->rs_fin = fin;
	rs->rs_m = m;
	list_insert_after_(pos->prev, &rs->rs_node);
	q->bytes += len;
	q->nsegs++;
	q->last_seq = seq;
	return 0;
drop:
	m_freem(m);
	return ENOBUFS;
}

struct mbuf *tcp_reass_take(struct tcp_reass *q, tcp_seq *rcv_nxtp, bool *finp)
{
	struct mbuf *head = NULL;
	struct list_node *n;

	*finp = false;
	while ((n = list_first(&q->segs)) != NULL) {
		struct reass_seg *rs = RS(n);
		struct mbuf *m;

		if (SEQ_GT(rs->rs_seq, *rcv_nxtp))
			break;
		if (SEQ_LT(rs->rs_seq, *rcv_nxtp)) {
			/* In-order data overtook part of it. */
			uint32_t cut = SEQ_SUB(*rcv_nxtp, rs->rs_seq);
			if (cut >= rs->rs_len && !rs->rs_fin) {
				reass_free(q, rs);
				continue;
			}
			cut = MIN(cut, rs->rs_len);
			reass_trim(rs->rs_m, (int)cut);
			rs->rs_seq += cut;
			rs->rs_len -= cut;
			q->bytes -= cut;
		}
		m = rs->rs_m;
		rs->rs_m = NULL;
		*rcv_nxtp += rs->rs_len;
		*finp = rs->rs_fin;
		reass_free(q, rs);
		if (m != NULL && m_length(m) > 0) {
			if (head == NULL)
				head = m;
			else
				m_cat(head, m);
		} else
			m_freem(m);
		if (*finp)
			break;
	}
	if (head != NULL && (head->m_flags & M_PKTHDR))
		m_fixhdr(head);
	return head;
}

void tcp_reass_flush(struct tcp_reass *q)
{
	struct list_node *n;

	while ((n = list_first(&q->segs)) != NULL)
		reass_free(q, RS(n));
}

int tcp_reass_sack_blocks(const struct tcp_reass *q, struct tcp_sackblk *b,
			  int max)
{
	struct tcp_sackblk all[TCP_MAX_SACK * 2];
	int n = 0, out = 0, recent = -1;

	list_foreach(it, &q->segs)
	{
		struct reass_seg *rs = RS(it);

		if (rs->rs_len == 0)
			continue;
		if (n > 0 && all[n - 1].end == rs->rs_seq) {
			all[n - 1].end = RS_END(rs);
		} else {
			if (n == (int)__arraycount(all))
				break;
			all[n].start = rs->rs_seq;
			all[n].end = RS_END(rs);
			n++;
		}
	}
	/* RFC 2018 4: the block holding the latest segment comes first. */
	for (int i = 0; i < n; i++)
		if (SEQ_INRANGE(q->last_seq, all[i].start, all[i].end))
			recent = i;
	if (recent >= 0 && out < max)
		b[out++] = all[recent];
	for (int i = 0; i < n && out < max; i++)
		if (i != recent)
			b[out++] = all[i];
	return out;
}

void tcp_reass_touch(void)
{
	kmem_free(kmem_alloc(sizeof(struct reass_seg), &M_TCPREASS),
		  sizeof(struct reass_seg), &M_TCPREASS);
}
