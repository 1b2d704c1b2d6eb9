/*
 * jbd2_commit.c -- committing and checkpointing.  A commit (ordered mode)
 * flushes the device's ordinary delayed writes (file data) first, then
 * writes revoke blocks, descriptor blocks and copies of the held buffers
 * (escaped when they start with the magic) to the log, a barrier, the
 * commit block, a barrier; only then are the buffers unheld, as delayed
 * writes.  A checkpoint writes every committed block in place, barriers,
 * and marks the log empty in the journal superblock.  The committing
 * thread sets j_committing and works without j_lock; no handle is open.
 */
#include <sys/kthread.h>
#include <sys/time.h>

#include "jbd2_priv.h"

/* Period of the commit thread. */
#define JBD2_COMMIT_INTERVAL_NS (5 * NSEC_PER_SEC)

/* Revoke blocks of t from *blkp on. */
static int jbd2_log_revokes(struct jbd2_journal *j, struct jbd2_trans *t,
			    uint32_t seq, uint32_t *blkp, uint32_t *usedp)
{
	struct jbd2_build b;
	struct buf *lbp;
	unsigned i = 0;
	int error;

	while (i < t->t_nrevokes) {
		error = jbd2_log_getblk(j, *blkp, &lbp);
		if (error != 0)
			return error;
		jbd2_revoke_start(&j->j_fmt, &b, lbp->b_data, seq);
		while (i < t->t_nrevokes &&
		       jbd2_revoke_add(&j->j_fmt, &b, t->t_revokes[i]))
			i++;
		if (b.count == 0) {
			brelse(lbp);
			printf("jbd2: block %llu needs a 64bit journal\n",
			       (unsigned long long)t->t_revokes[i]);
			return EINVAL;
		}
		jbd2_revoke_finish(&j->j_fmt, &b);
		bawrite(lbp);
		*blkp = jbd2_log_next(j, *blkp);
		(*usedp)++;
	}
	return 0;
}

/* Copies buffer bp of the transaction into log block blk; adds its tag. */
static int jbd2_log_copy(struct jbd2_journal *j, struct jbd2_build *b,
			 struct buf *bp, uint32_t seq, uint32_t blk)
{
	uint64_t fsblk = (uint64_t)bp->b_blkno >> j->j_dbshift;
	struct buf *lbp;
	uint32_t flags = 0;
	int error;

	error = bread(j->j_devvp, bp->b_blkno, bp->b_bcount, B_NORAHEAD, &bp);
	if (error != 0)
		return error;
	error = jbd2_log_getblk(j, blk, &lbp);
	if (error != 0) {
		brelse(bp);
		return error;
	}
	memcpy(lbp->b_data, bp->b_data, j->j_bsize);
	if (jbd2_needs_escape(lbp->b_data)) {
		jbd2_put32(lbp->b_data, 0);
		flags = JBD2_FLAG_ESCAPE;
	}
	if (!jbd2_desc_add(&j->j_fmt, b, fsblk, flags,
			   jbd2_block_csum(&j->j_fmt, seq, lbp->b_data))) {
		printf("jbd2: block %llu needs a 64bit journal\n",
		       (unsigned long long)fsblk);
		brelse(lbp);
		brelse(bp);
		return EINVAL;
	}
	bawrite(lbp);
	/* Dirty but held: written in place once unheld after the commit. */
	bdwrite(bp);
	return 0;
}

/* Descriptor blocks, each followed by the copies it describes. */
static int jbd2_log_buffers(struct jbd2_journal *j, struct jbd2_trans *t,
			    uint32_t seq, uint32_t *blkp, uint32_t *usedp)
{
	unsigned cap = jbd2_desc_capacity(&j->j_fmt), i = 0;
	struct jbd2_build b;
	struct buf *dbp;
	int error;

	while (i < t->t_nbufs) {
		error = jbd2_log_getblk(j, *blkp, &dbp);
		if (error != 0)
			return error;
		jbd2_desc_start(&j->j_fmt, &b, dbp->b_data, seq);
		*blkp = jbd2_log_next(j, *blkp);
		(*usedp)++;
		while (i < t->t_nbufs && b.count < cap) {
			error = jbd2_log_copy(j, &b, t->t_bufs[i], seq, *blkp);
			if (error != 0) {
				brelse(dbp);
				return error;
			}
			*blkp = jbd2_log_next(j, *blkp);
			(*usedp)++;
			i++;
		}
		jbd2_desc_finish(&j->j_fmt, &b);
		bawrite(dbp);
	}
	return 0;
}

/* The whole transaction t as seq from start; *usedp: log blocks used. */
static int jbd2_log_write(struct jbd2_journal *j, struct jbd2_trans *t,
			  uint32_t seq, uint32_t start, uint32_t *usedp)
{
	struct timespec now;
	uint32_t blk = start;
	struct buf *cbp;
	int error, error2;

	*usedp = 0;
	error = jbd2_log_revokes(j, t, seq, &blk, usedp);
	if (error == 0)
		error = jbd2_log_buffers(j, t, seq, &blk, usedp);
	/* Even after an error: no write may still be in flight. */
	error2 = bcache_barrier(j->j_devvp);
	if (error == 0)
		error = error2;
	if (error != 0)
		return error;
	error = jbd2_log_getblk(j, blk, &cbp);
	if (error != 0)
		return error;
	getnanotime(&now);
	jbd2_commit_build(&j->j_fmt, cbp->b_data, seq, (uint64_t)now.tv_sec,
			  (uint32_t)now.tv_nsec);
	(*usedp)++;
	error = bwrite(cbp);
	error2 = bcache_barrier(j->j_devvp);
	return error != 0 ? error : error2;
}

/* Room in j_ckpt for n more entries; only the committing thread calls. */
static int jbd2_ckpt_reserve(struct jbd2_journal *j, unsigned n)
{
	unsigned cap = j->j_ckptcap ? j->j_ckptcap : 256;
	daddr_t *nc;

	if (j->j_nckpt + n <= j->j_ckptcap)
		return 0;
	while (cap < j->j_nckpt + n)
		cap *= 2;
	nc = kmem_alloc(cap * sizeof(*nc), &M_JBD2);
	if (nc == NULL)
		return ENOMEM;
	if (j->j_ckptcap > 0) {
		memcpy(nc, j->j_ckpt, j->j_nckpt * sizeof(*nc));
		kmem_free(j->j_ckpt, j->j_ckptcap * sizeof(*nc), &M_JBD2);
	}
	j->j_ckpt = nc;
	j->j_ckptcap = cap;
	return 0;
}

int jbd2_commit_locked(struct jbd2_journal *j)
{
	struct jbd2_trans t;
	uint32_t seq, start, used = 0, i;
	bool was_empty;
	int error, derror;

	KASSERT(mutex_owned(&j->j_lock) && !j->j_committing);
	if (j->j_err != 0)
		return j->j_err;
	if (j->j_run.t_nbufs == 0 && j->j_run.t_nrevokes == 0)
		return 0;
	if (jbd2_trans_blocks(j, j->j_run.t_nbufs, j->j_run.t_nrevokes) >
	    j->j_free) {
		/* Handles far over their credits: the log would overrun. */
		printf("jbd2: transaction %u does not fit in the log; journal "
		       "aborted\n",
		       j->j_seq);
		j->j_err = EIO;
		jbd2_trans_abort(j);
		return EIO;
	}
	t = j->j_run;
	memset(&j->j_run, 0, sizeof(j->j_run));
	seq = j->j_seq;
	start = j->j_head;
	was_empty = j->j_tail == 0;
	if (was_empty)
		jbd2_sb_update(j->j_sbraw, &j->j_fmt, seq, start);
	j->j_committing = true;
	mutex_exit(&j->j_lock);

	/* Ordered mode: the data the new metadata points at goes first. */
	derror = vflushbuf(j->j_devvp, true);
	error = jbd2_ckpt_reserve(j, t.t_nbufs);
	if (error == 0 && was_empty)
		error = jbd2_sb_write(j);
	if (error == 0)
		error = jbd2_log_write(j, &t, seq, start, &used);
	if (error != 0) {
		printf("jbd2: commit of transaction %u failed (error %d); "
		       "journal aborted\n",
		       seq, error);
		jbd2_trans_drop(j, &t);
	} else {
		for (i = 0; i < t.t_nbufs; i++) {
			j->j_ckpt[j->j_nckpt++] = t.t_bufs[i]->b_blkno;
			bunhold(t.t_bufs[i]);
		}
		jbd2_trans_free(&t);
	}

	mutex_enter(&j->j_lock);
	if (error != 0) {
		j->j_err = EIO;
	} else {
		KASSERT(used <= j->j_free);
		j->j_free -= used;
		while (used-- > 0)
			j->j_head = jbd2_log_next(j, j->j_head);
		if (was_empty)
			j->j_tail = start;
		j->j_seq++;
		j->j_commits++;
	}
	j->j_committing = false;
	cv_broadcast(&j->j_cv);
	return error != 0 ? EIO : derror;
}

int jbd2_checkpoint_locked(struct jbd2_journal *j)
{
	struct buf *bp;
	unsigned i;
	int error;

	error = jbd2_commit_locked(j);
	if (error != 0 || j->j_tail == 0)
		return error;
	j->j_committing = true;
	mutex_exit(&j->j_lock);

	/*
	 * vflushbuf skips buffers another thread owns, so each committed
	 * block is written explicitly (getblk waits for its owner).
	 */
	for (i = 0; i < j->j_nckpt; i++) {
		if (getblk(j->j_devvp, j->j_ckpt[i], (int)j->j_bsize, &bp) != 0)
			continue;
		if ((bp->b_flags & (B_CACHE | B_DELWRI)) ==
		    (B_CACHE | B_DELWRI)) {
			bawrite(bp);
		} else {
			if (!(bp->b_flags & B_CACHE))
				bp->b_flags |= B_INVAL;
			brelse(bp);
		}
	}
	error = vflushbuf(j->j_devvp, true);
	if (error == 0)
		error = bcache_barrier(j->j_devvp);
	mutex_enter(&j->j_lock);
	if (error == 0) {
		j->j_nckpt = 0;
		j->j_tail = 0;
		j->j_free = j->j_maxlen - j->j_first;
		jbd2_sb_update(j->j_sbraw, &j->j_fmt, j->j_seq, 0);
		mutex_exit(&j->j_lock);
		error = jbd2_sb_write(j);
		if (error == 0)
			error = bcache_barrier(j->j_devvp);
		mutex_enter(&j->j_lock);
		j->j_checkpoints++;
	}
	if (error != 0) {
		printf("jbd2: checkpoint failed (error %d); journal aborted\n",
		       error);
		j->j_err = EIO;
	}
	j->j_committing = false;
	cv_broadcast(&j->j_cv);
	return error != 0 ? EIO : 0;
}

/* With j_lock held: wait for the handles to end, then commit. */
static int jbd2_commit_wait(struct jbd2_journal *j)
{
	int error;

	while (j->j_barrier || j->j_committing)
		cv_wait(&j->j_cv, &j->j_lock);
	j->j_barrier = true;
	while (j->j_nhandles > 0)
		cv_wait(&j->j_cv, &j->j_lock);
	error = jbd2_commit_locked(j);
	j->j_barrier = false;
	cv_broadcast(&j->j_cv);
	return error;
}

int jbd2_commit(struct jbd2_journal *j, bool wait)
{
	int error = 0;

	mutex_enter(&j->j_lock);
	if (!j->j_started) {
		error = 0;
	} else if (!wait) {
		j->j_kick = true;
		cv_signal(&j->j_thread_cv);
	} else {
		error = jbd2_commit_wait(j);
	}
	if (error == 0)
		error = j->j_err;
	mutex_exit(&j->j_lock);
	return error;
}

/* Commits the running transaction every few seconds, or when kicked. */
void jbd2_commit_thread(void *arg)
{
	struct jbd2_journal *j = arg;
	uint64_t deadline, now;

	mutex_enter(&j->j_lock);
	while (!j->j_stop) {
		deadline = getnsmono() + JBD2_COMMIT_INTERVAL_NS;
		while (!j->j_stop && !j->j_kick) {
			now = getnsmono();
			if (now >= deadline)
				break;
			(void)cv_timedwait_ns(&j->j_thread_cv, &j->j_lock,
					      deadline - now);
		}
		if (j->j_stop)
			break;
		j->j_kick = false;
		if (j->j_err == 0 &&
		    (j->j_run.t_nbufs > 0 || j->j_run.t_nrevokes > 0))
			(void)jbd2_commit_wait(j);
	}
	mutex_exit(&j->j_lock);
	kthread_exit(0);
}
