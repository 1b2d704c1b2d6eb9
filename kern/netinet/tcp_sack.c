/*
 * tcp_sack.c -- the sender's SACK scoreboard and the RFC 6675 loss
 * recovery queries over it (IsLost, NextSeg, SetPipe).  The scoreboard is
 * a fixed array of sorted, disjoint ranges inside (snd_una, snd_max]; the
 * peer's blocks are clipped to that interval, so a hostile or confused
 * receiver can neither grow it nor make it claim data never sent.  It
 * outlives a timeout, which then resends only what it does not hold;
 * data leaves the send buffer only when cumulatively acknowledged, so a
 * receiver that reneges costs a resend, never data.
 */
#include <netinet/tcp_var.h>
#include <sys/systm.h>

void tcp_sack_reset(struct tcp_sackboard *sb)
{
	sb->nblks = 0;
	sb->sacked = 0;
}

static void sack_recount(struct tcp_sackboard *sb)
{
	sb->sacked = 0;
	for (int i = 0; i < sb->nblks; i++)
		sb->sacked += SEQ_SUB(sb->blks[i].end, sb->blks[i].start);
}

static void sack_trim_below(struct tcp_sackboard *sb, tcp_seq una)
{
	int keep = 0;

	for (int i = 0; i < sb->nblks; i++) {
		struct tcp_sackblk b = sb->blks[i];

		if (SEQ_LEQ(b.end, una))
			continue;
		if (SEQ_LT(b.start, una))
			b.start = una;
		sb->blks[keep++] = b;
	}
	sb->nblks = keep;
}

/* Insert [s, e) keeping the array sorted and disjoint. */
static void sack_merge(struct tcp_sackboard *sb, tcp_seq s, tcp_seq e)
{
	int i = 0, j;

	while (i < sb->nblks && SEQ_LT(sb->blks[i].end, s))
		i++;
	/* Blocks i..j-1 touch or overlap [s, e): fold them in. */
	j = i;
	while (j < sb->nblks && SEQ_LEQ(sb->blks[j].start, e)) {
		s = SEQ_MIN(s, sb->blks[j].start);
		e = SEQ_MAX(e, sb->blks[j].end);
		j++;
	}
	if (j > i) {
		sb->blks[i].start = s;
		sb->blks[i].end = e;
		memmove(&sb->blks[i + 1], &sb->blks[j],
			sizeof(sb->blks[0]) * (size_t)(sb->nblks - j));
		sb->nblks -= j - i - 1;
		return;
	}
	if (sb->nblks == TCP_SACK_MAXBLKS) {
		/* Full: the highest range is the least useful to remember. */
		if (i == sb->nblks)
			return;
		sb->nblks--;
	}
	memmove(&sb->blks[i + 1], &sb->blks[i],
		sizeof(sb->blks[0]) * (size_t)(sb->nblks - i));
	sb->blks[i].start = s;
	sb->blks[i].end = e;
	sb->nblks++;
}

uint32_t tcp_sack_update(struct tcp_sackboard *sb, tcp_seq una, tcp_seq max,
			 const struct tcp_sackblk *blks, int n)
{
	uint32_t before;

	sack_trim_below(sb, una);
	sack_recount(sb);
	before = sb->sacked;
	for (int i = 0; i < n; i++) {
		tcp_seq s = blks[i].start, e = blks[i].end;

		if (!SEQ_LT(s, e) || SEQ_GT(e, max) || SEQ_LEQ(e, una))
			continue;
		if (SEQ_LT(s, una))
			s = una;
		sack_merge(sb, s, e);
	}
	sack_recount(sb);
	return sb->sacked > before ? sb->sacked - before : 0;
}

bool tcp_sack_is_sacked(const struct tcp_sackboard *sb, tcp_seq seq)
{
	for (int i = 0; i < sb->nblks; i++)
		if (SEQ_INRANGE(seq, sb->blks[i].start, sb->blks[i].end))
			return true;
	return false;
}

/* SACKed bytes and ranges strictly above seq. */
static void sack_above(const struct tcp_sackboard *sb, tcp_seq seq,
		       uint32_t *bytesp, int *blocksp)
{
	uint32_t bytes = 0;
	int blocks = 0;

	for (int i = 0; i < sb->nblks; i++) {
		const struct tcp_sackblk *b = &sb->blks[i];

		if (SEQ_LEQ(b->end, seq + 1))
			continue;
		blocks++;
		bytes += SEQ_SUB(b->end, SEQ_MAX(b->start, seq + 1));
	}
	*bytesp = bytes;
	*blocksp = blocks;
}

bool tcp_sack_is_lost(const struct tcp_sackboard *sb, tcp_seq seq, uint32_t mss)
{
	uint32_t bytes;
	int blocks;

	if (tcp_sack_is_sacked(sb, seq))
		return false;
	sack_above(sb, seq, &bytes, &blocks);
	return blocks >= TCP_DUPTHRESH ||
	       bytes > (uint32_t)(TCP_DUPTHRESH - 1) * mss;
}

bool tcp_sack_next_seg(const struct tcp_sackboard *sb, tcp_seq una, tcp_seq max,
		       tcp_seq high_rxt, uint32_t mss, bool rule3,
		       tcp_seq *seqp, uint32_t *lenp)
{
	tcp_seq from = SEQ_MAX(una, high_rxt);
	tcp_seq hs = una;
	int pass;

	(void)max;
	/* Holes lie below each block; data past the last block is no hole. */
	for (pass = 0; pass < 2; pass++) {
		hs = una;
		for (int i = 0; i < sb->nblks; i++) {
			tcp_seq he = sb->blks[i].start;
			tcp_seq c = SEQ_MAX(hs, from);

			if (SEQ_LEQ(sb->blks[i].end, una))
				continue; /* stale: una passed it */

			if (SEQ_LT(c, he) &&
			    (pass == 1 || tcp_sack_is_lost(sb, c, mss))) {
				*seqp = c;
				*lenp = MIN(SEQ_SUB(he, c), mss);
				return true;
			}
			hs = sb->blks[i].end;
		}
		if (!rule3)
			break;
	}
	return false;
}

uint32_t tcp_sack_pipe(const struct tcp_sackboard *sb, tcp_seq una, tcp_seq max,
		       tcp_seq high_rxt, uint32_t mss)
{
	uint32_t pipe = 0;
	tcp_seq hs = una;

	for (int i = 0; i <= sb->nblks; i++) {
		tcp_seq he = i < sb->nblks ? sb->blks[i].start : max;

		if (i < sb->nblks && SEQ_LEQ(sb->blks[i].end, una))
			continue; /* stale: una passed it */
		if (SEQ_LT(hs, he)) {
			/* IsLost is the same for every byte of one hole. */
			if (!tcp_sack_is_lost(sb, hs, mss))
				pipe += SEQ_SUB(he, hs);
			if (SEQ_GT(high_rxt, hs))
				pipe += SEQ_SUB(SEQ_MIN(high_rxt, he), hs);
		}
		if (i < sb->nblks)
			hs = SEQ_MAX(sb->blks[i].end, una);
	}
	return pipe;
}

uint32_t tcp_sack_sacked_below(const struct tcp_sackboard *sb, tcp_seq una,
			       tcp_seq end)
{
	uint32_t bytes = 0;

	for (int i = 0; i < sb->nblks; i++) {
		tcp_seq s = SEQ_MAX(sb->blks[i].start, una);
		tcp_seq e = SEQ_MIN(sb->blks[i].end, end);

		if (SEQ_LT(s, e))
			bytes += SEQ_SUB(e, s);
	}
	return bytes;
}

uint32_t tcp_sack_lost_bytes(const struct tcp_sackboard *sb, tcp_seq una,
			     uint32_t mss)
{
	uint32_t lost = 0;
	tcp_seq hs = una;

	for (int i = 0; i < sb->nblks; i++) {
		tcp_seq he = sb->blks[i].start;

		if (SEQ_LEQ(sb->blks[i].end, una))
			continue;
		if (SEQ_LT(hs, he) && tcp_sack_is_lost(sb, hs, mss))
			lost += SEQ_SUB(he, hs);
		hs = SEQ_MAX(sb->blks[i].end, una);
	}
	return lost;
}

void tcp_sack_resend_point(const struct tcp_sackboard *sb, tcp_seq una,
			   tcp_seq max, tcp_seq *nxtp, uint32_t *sackedp,
			   uint32_t *limp)
{
	tcp_seq nxt = *nxtp, end = max;
	uint32_t below = 0;

	/* Sorted and disjoint: one pass skips and counts. */
	for (int i = 0; i < sb->nblks; i++) {
		const struct tcp_sackblk *b = &sb->blks[i];

		if (SEQ_LEQ(b->end, una))
			continue;
		if (nxt != una && SEQ_GEQ(nxt, b->start) && SEQ_LT(nxt, b->end))
			nxt = b->end;
		if (SEQ_LEQ(b->end, nxt))
			below += SEQ_SUB(b->end, SEQ_MAX(b->start, una));
		else if (SEQ_GT(b->start, nxt)) {
			end = b->start;
			break;
		}
	}
	if (SEQ_GT(nxt, max))
		nxt = max;
	*nxtp = nxt;
	*sackedp = below;
	*limp = SEQ_GT(end, nxt) ? SEQ_SUB(end, nxt) : 0;
}

bool tcp_sack_reneged(const struct tcp_sackboard *sb, tcp_seq ack, tcp_seq max)
{
	return SEQ_LT(ack, max) && tcp_sack_is_sacked(sb, ack);
}
