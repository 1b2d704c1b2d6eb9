/*
 * jbd2_recover.c -- replaying a journal that needs recovery, in three
 * passes over the log from s_start: scan (find the end: the first
 * transaction whose blocks do not all check out -- wrong magic or
 * sequence, a bad descriptor, revoke, data or commit checksum), revoke
 * (collect revoked blocks with the newest transaction that revoked each),
 * replay (write every logged block of a committed transaction in place
 * unless a transaction at or after it revoked the block).  The writes are
 * flushed and barriered before the journal is marked empty.
 */
#include "jbd2_priv.h"

enum jbd2_pass { PASS_SCAN, PASS_REVOKE, PASS_REPLAY };

/* Revoked blocks: open addressing on the block number. */
struct jbd2_revtab {
	uint64_t *rt_blk;
	uint32_t *rt_seq;
	bool *rt_used;
	unsigned rt_cap, rt_n; /* rt_cap a power of two */
};

static bool jbd2_tid_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static unsigned jbd2_revtab_slot(const struct jbd2_revtab *rt, uint64_t blk)
{
	uint64_t h = blk * 0x9e3779b97f4a7c15ULL;
	unsigned i = (unsigned)(h >> 32) & (rt->rt_cap - 1);

	while (rt->rt_used[i] && rt->rt_blk[i] != blk)
		i = (i + 1) & (rt->rt_cap - 1);
	return i;
}

static void jbd2_revtab_free(struct jbd2_revtab *rt)
{
	if (rt->rt_cap == 0)
		return;
	kmem_free(rt->rt_blk, rt->rt_cap * sizeof(uint64_t), &M_JBD2);
	kmem_free(rt->rt_seq, rt->rt_cap * sizeof(uint32_t), &M_JBD2);
	kmem_free(rt->rt_used, rt->rt_cap * sizeof(bool), &M_JBD2);
	memset(rt, 0, sizeof(*rt));
}

static int jbd2_revtab_alloc(struct jbd2_revtab *rt, unsigned cap)
{
	rt->rt_blk = kmem_zalloc(cap * sizeof(uint64_t), &M_JBD2);
	rt->rt_seq = kmem_zalloc(cap * sizeof(uint32_t), &M_JBD2);
	rt->rt_used = kmem_zalloc(cap * sizeof(bool), &M_JBD2);
	rt->rt_cap = cap;
	rt->rt_n = 0;
	if (rt->rt_blk == NULL || rt->rt_seq == NULL || rt->rt_used == NULL) {
		if (rt->rt_blk != NULL)
			kmem_free(rt->rt_blk, cap * sizeof(uint64_t), &M_JBD2);
		if (rt->rt_seq != NULL)
			kmem_free(rt->rt_seq, cap * sizeof(uint32_t), &M_JBD2);
		if (rt->rt_used != NULL)
			kmem_free(rt->rt_used, cap * sizeof(bool), &M_JBD2);
		memset(rt, 0, sizeof(*rt));
		return ENOMEM;
	}
	return 0;
}

static int jbd2_revtab_set(struct jbd2_revtab *rt, uint64_t blk, uint32_t seq)
{
	struct jbd2_revtab old;
	unsigned i;
	int error;

	if (2 * (rt->rt_n + 1) > rt->rt_cap) {
		old = *rt;
		error = jbd2_revtab_alloc(rt, old.rt_cap ? 2 * old.rt_cap : 64);
		if (error != 0) {
			*rt = old;
			return error;
		}
		for (i = 0; i < old.rt_cap; i++) {
			if (old.rt_used[i])
				jbd2_revtab_set(rt, old.rt_blk[i],
						old.rt_seq[i]);
		}
		jbd2_revtab_free(&old);
	}
	i = jbd2_revtab_slot(rt, blk);
	if (!rt->rt_used[i]) {
		rt->rt_used[i] = true;
		rt->rt_blk[i] = blk;
		rt->rt_seq[i] = seq;
		rt->rt_n++;
	} else if (jbd2_tid_gt(seq, rt->rt_seq[i])) {
		rt->rt_seq[i] = seq;
	}
	return 0;
}

/* A copy of blk logged by transaction seq must not be replayed. */
static bool jbd2_revtab_test(const struct jbd2_revtab *rt, uint64_t blk,
			     uint32_t seq)
{
	unsigned i;

	if (rt->rt_cap == 0)
		return false;
	i = jbd2_revtab_slot(rt, blk);
	return rt->rt_used[i] && !jbd2_tid_gt(seq, rt->rt_seq[i]);
}

struct jbd2_recovery {
	enum jbd2_pass r_pass;
	uint32_t r_end; /* first transaction not replayed */
	struct jbd2_revtab r_revoked;
	uint64_t r_replayed, r_revoked_hits;
};

/* Writes one logged block in place (delayed; flushed at the end). */
static int jbd2_replay_block(struct jbd2_journal *j, const struct jbd2_tag *tag,
			     const uint8_t *data)
{
	struct buf *bp;
	int error;

	if (tag->blocknr >= ((uint64_t)1 << (62 - j->j_dbshift))) {
		printf("jbd2: logged block %llu out of range\n",
		       (unsigned long long)tag->blocknr);
		return EIO;
	}
	error = getblk(j->j_devvp, jbd2_fs_dbno(j, tag->blocknr),
		       (int)j->j_bsize, &bp);
	if (error != 0)
		return error;
	memcpy(bp->b_data, data, j->j_bsize);
	if (tag->flags & JBD2_FLAG_ESCAPE)
		jbd2_put32(bp->b_data, JBD2_MAGIC);
	bdwrite(bp);
	return 0;
}

/*
 * The data blocks of one descriptor: in the scan pass, check their
 * checksums (*okp false if one is bad); in the replay pass, write them.
 */
static int jbd2_walk_tags(struct jbd2_journal *j, struct jbd2_recovery *r,
			  const uint8_t *desc, uint32_t seq, uint32_t *blkp,
			  bool *okp)
{
	struct jbd2_tag_iter it;
	struct jbd2_tag tag;
	struct buf *bp;
	int error;

	*okp = true;
	jbd2_tag_iter_init(&it);
	while (jbd2_tag_next(&j->j_fmt, desc, &it, &tag)) {
		*blkp = jbd2_log_next(j, *blkp);
		if (r->r_pass == PASS_REVOKE)
			continue;
		if (r->r_pass == PASS_REPLAY &&
		    jbd2_revtab_test(&r->r_revoked, tag.blocknr, seq)) {
			r->r_revoked_hits++;
			continue;
		}
		error = jbd2_log_bread(j, *blkp, &bp);
		if (error != 0)
			return error;
		if (r->r_pass == PASS_SCAN) {
			*okp = jbd2_tag_csum_ok(&j->j_fmt, &tag, seq,
						bp->b_data);
			brelse(bp);
			if (!*okp)
				return 0;
			continue;
		}
		error = jbd2_replay_block(j, &tag, bp->b_data);
		brelse(bp);
		if (error != 0)
			return error;
		r->r_replayed++;
	}
	return 0;
}

static int jbd2_walk_revoke(struct jbd2_journal *j, struct jbd2_recovery *r,
			    const uint8_t *blk, uint32_t seq)
{
	unsigned i, n;
	int error;

	error = jbd2_revoke_parse(&j->j_fmt, blk, &n);
	if (error != 0)
		return error;
	for (i = 0; i < n; i++) {
		error = jbd2_revtab_set(&r->r_revoked,
					jbd2_revoke_record(&j->j_fmt, blk, i),
					seq);
		if (error != 0)
			return error;
	}
	return 0;
}

/* One pass over the log; the scan pass sets r_end. */
static int jbd2_pass(struct jbd2_journal *j, struct jbd2_recovery *r)
{
	uint32_t seq = j->j_sb.sequence, blk = j->j_sb.start;
	uint64_t walked = 0;
	struct buf *bp;
	uint32_t type;
	bool ok;
	int error = 0;

	for (;;) {
		if (r->r_pass != PASS_SCAN && seq == r->r_end)
			break;
		/* A log that never ends is corrupt, not infinite. */
		if (++walked > 2 * (uint64_t)j->j_maxlen) {
			printf("jbd2: log does not end\n");
			return EIO;
		}
		error = jbd2_log_bread(j, blk, &bp);
		if (error != 0)
			return error;
		if (!jbd2_hdr_match(bp->b_data, 0, seq)) {
			brelse(bp);
			if (r->r_pass == PASS_SCAN)
				break;
			return EIO;
		}
		type = jbd2_get32((uint8_t *)bp->b_data + 4);
		ok = true;
		if (type == JBD2_DESCRIPTOR_BLOCK) {
			ok = jbd2_tail_verify(&j->j_fmt, bp->b_data);
			if (ok)
				error = jbd2_walk_tags(j, r, bp->b_data, seq,
						       &blk, &ok);
		} else if (type == JBD2_COMMIT_BLOCK) {
			ok = jbd2_commit_verify(&j->j_fmt, bp->b_data);
			if (ok)
				seq++;
		} else if (type == JBD2_REVOKE_BLOCK) {
			ok = jbd2_tail_verify(&j->j_fmt, bp->b_data);
			if (ok && r->r_pass == PASS_REVOKE)
				error = jbd2_walk_revoke(j, r, bp->b_data, seq);
		} else {
			ok = false;
		}
		brelse(bp);
		if (error != 0)
			return error;
		if (!ok) {
			if (r->r_pass != PASS_SCAN)
				return EIO;
			printf("jbd2: transaction %u does not check out "
			       "(block %u type %u); log ends there\n",
			       seq, blk, type);
			break;
		}
		blk = jbd2_log_next(j, blk);
	}
	if (r->r_pass == PASS_SCAN)
		r->r_end = seq;
	return 0;
}

int jbd2_recover(struct jbd2_journal *j)
{
	struct jbd2_recovery r;
	int error, error2;

	if (j->j_tail == 0)
		return 0;
	memset(&r, 0, sizeof(r));
	r.r_pass = PASS_SCAN;
	error = jbd2_pass(j, &r);
	if (error == 0 && r.r_end != j->j_sb.sequence) {
		r.r_pass = PASS_REVOKE;
		error = jbd2_pass(j, &r);
	}
	if (error == 0 && r.r_end != j->j_sb.sequence) {
		r.r_pass = PASS_REPLAY;
		error = jbd2_pass(j, &r);
	}
	jbd2_revtab_free(&r.r_revoked);
	/* What was replayed must be on disk before the log is let go. */
	error2 = vflushbuf(j->j_devvp, true);
	if (error == 0)
		error = error2;
	error2 = bcache_barrier(j->j_devvp);
	if (error == 0)
		error = error2;
	if (error != 0) {
		printf("jbd2: recovery failed (error %d)\n", error);
		return error;
	}
	printf("jbd2: replayed transactions %u to %u: %llu blocks, "
	       "%llu revoked\n",
	       j->j_sb.sequence, r.r_end - 1, (unsigned long long)r.r_replayed,
	       (unsigned long long)r.r_revoked_hits);
	mutex_enter(&j->j_lock);
	j->j_replayed += r.r_replayed;
	j->j_revoked += r.r_revoked_hits;
	/* Skip a sequence: blocks of a torn transaction r_end may remain. */
	j->j_seq = r.r_end + 1;
	j->j_tail = 0;
	j->j_head = j->j_first;
	j->j_free = j->j_maxlen - j->j_first;
	jbd2_sb_update(j->j_sbraw, &j->j_fmt, j->j_seq, 0);
	mutex_exit(&j->j_lock);
	error = jbd2_sb_write(j);
	if (error == 0)
		error = bcache_barrier(j->j_devvp);
	return error;
}
