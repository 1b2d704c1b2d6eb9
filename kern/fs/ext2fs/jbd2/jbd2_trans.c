/*
 * jbd2_trans.c -- handles and the running transaction: jbd2_begin
 * reserves log space for its credits (forcing a commit, and a checkpoint
 * when the log is half full, while no handle is open), jbd2_dirty holds a
 * buffer in the transaction, jbd2_revoke records a freed block.  A
 * transaction's credits are bounded by a quarter of the log and another
 * quarter is kept for overdrafts, so a commit always fits.  Commits and
 * checkpoints are in jbd2_commit.c.
 */
#include "jbd2_priv.h"

uint32_t jbd2_trans_blocks(const struct jbd2_journal *j, uint64_t nbufs,
			   uint64_t nrev)
{
	uint64_t n = nbufs + howmany(nbufs, jbd2_desc_capacity(&j->j_fmt)) +
		     howmany(nrev, jbd2_revoke_capacity(&j->j_fmt)) + 1;

	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* Room left over for small overdrafts of credits. */
#define JBD2_SLACK 4

static unsigned jbd2_hash(uint64_t key, unsigned cap)
{
	return (unsigned)((key * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
}

static void jbd2_hash_insert(struct jbd2_trans *t, unsigned idx)
{
	unsigned h = jbd2_hash((uint64_t)t->t_bufs[idx]->b_blkno, t->t_hcap);

	while (t->t_hash[h] != 0)
		h = (h + 1) & (t->t_hcap - 1);
	t->t_hash[h] = idx + 1;
}

static bool jbd2_trans_has(const struct jbd2_trans *t, daddr_t blkno)
{
	unsigned h;

	if (t->t_hcap == 0)
		return false;
	h = jbd2_hash((uint64_t)blkno, t->t_hcap);
	while (t->t_hash[h] != 0) {
		if (t->t_bufs[t->t_hash[h] - 1]->b_blkno == blkno)
			return true;
		h = (h + 1) & (t->t_hcap - 1);
	}
	return false;
}

/* Room for cap buffers in t; ENOMEM leaves t as it was. */
static int jbd2_trans_grow(struct jbd2_trans *t, unsigned cap)
{
	struct buf **bufs;
	uint32_t *hash;
	unsigned hcap = 64, i;

	if (cap <= t->t_cap)
		return 0;
	cap = MAX(cap, 2 * t->t_cap);
	while (hcap < 2 * cap)
		hcap *= 2;
	bufs = kmem_alloc(cap * sizeof(*bufs), &M_JBD2);
	hash = kmem_zalloc(hcap * sizeof(*hash), &M_JBD2);
	if (bufs == NULL || hash == NULL) {
		if (bufs != NULL)
			kmem_free(bufs, cap * sizeof(*bufs), &M_JBD2);
		if (hash != NULL)
			kmem_free(hash, hcap * sizeof(*hash), &M_JBD2);
		return ENOMEM;
	}
	if (t->t_nbufs > 0)
		memcpy(bufs, t->t_bufs, t->t_nbufs * sizeof(*bufs));
	if (t->t_cap > 0) {
		kmem_free(t->t_bufs, t->t_cap * sizeof(*bufs), &M_JBD2);
		kmem_free(t->t_hash, t->t_hcap * sizeof(*hash), &M_JBD2);
	}
	t->t_bufs = bufs;
	t->t_hash = hash;
	t->t_cap = cap;
	t->t_hcap = hcap;
	for (i = 0; i < t->t_nbufs; i++)
		jbd2_hash_insert(t, i);
	return 0;
}

void jbd2_trans_free(struct jbd2_trans *t)
{
	if (t->t_cap > 0) {
		kmem_free(t->t_bufs, t->t_cap * sizeof(*t->t_bufs), &M_JBD2);
		kmem_free(t->t_hash, t->t_hcap * sizeof(*t->t_hash), &M_JBD2);
	}
	if (t->t_rcap > 0)
		kmem_free(t->t_revokes, t->t_rcap * sizeof(*t->t_revokes),
			  &M_JBD2);
	memset(t, 0, sizeof(*t));
}

/*
 * With j_lock held and j_barrier set by the caller: waits until no handle
 * is open, then commits, and checkpoints if the log is half full.
 */
static int jbd2_make_room(struct jbd2_journal *j)
{
	int error;

	while (j->j_nhandles > 0)
		cv_wait(&j->j_cv, &j->j_lock);
	error = jbd2_commit_locked(j);
	if (error == 0 && j->j_free < 2 * j->j_maxtrans + JBD2_SLACK)
		error = jbd2_checkpoint_locked(j);
	return error;
}

int jbd2_begin(struct jbd2_journal *j, int credits, struct jbd2_handle **hp)
{
	struct jbd2_handle *h;
	struct jbd2_trans *t = &j->j_run;
	uint64_t nb, nr;
	uint32_t need;
	int error = 0;

	*hp = NULL;
	if (credits <= 0)
		return EINVAL;
	/*
	 * More than one transaction may take: the handle gets what fits,
	 * and the overdraft reserve covers the rest if it really uses it.
	 */
	while (credits > 1 &&
	       jbd2_trans_blocks(j, (unsigned)credits, (unsigned)credits) >
		       j->j_maxtrans)
		credits = credits * 3 / 4;
	h = kmem_alloc(sizeof(*h), &M_JBD2);
	if (h == NULL)
		return ENOMEM;
	mutex_enter(&j->j_lock);
	for (;;) {
		if (j->j_err != 0 || !j->j_started) {
			error = j->j_err != 0 ? j->j_err : EROFS;
			break;
		}
		if (j->j_barrier || j->j_committing) {
			cv_wait(&j->j_cv, &j->j_lock);
			continue;
		}
		nb = (uint64_t)t->t_nbufs + (unsigned)j->j_reserved +
		     (unsigned)credits;
		nr = (uint64_t)t->t_nrevokes + (unsigned)j->j_reserved +
		     (unsigned)credits;
		need = jbd2_trans_blocks(j, nb, nr);
		/*
		 * Half the log stays free for the running transaction: at
		 * most j_maxtrans, and as much again for handles that dirty
		 * more than their credits.
		 */
		if (need <= j->j_maxtrans &&
		    j->j_free >= 2 * j->j_maxtrans + JBD2_SLACK) {
			error = jbd2_trans_grow(t, (unsigned)nb);
			break;
		}
		j->j_barrier = true;
		error = jbd2_make_room(j);
		j->j_barrier = false;
		cv_broadcast(&j->j_cv);
		if (error != 0)
			break;
	}
	if (error == 0) {
		j->j_nhandles++;
		j->j_reserved += credits;
	}
	mutex_exit(&j->j_lock);
	if (error != 0) {
		kmem_free(h, sizeof(*h), &M_JBD2);
		return error;
	}
	h->h_j = j;
	h->h_credits = credits;
	*hp = h;
	return 0;
}

static void jbd2_revoke_cancel(struct jbd2_trans *t, uint64_t fsblk)
{
	unsigned i;

	for (i = 0; i < t->t_nrevokes; i++) {
		if (t->t_revokes[i] == fsblk) {
			t->t_revokes[i] = t->t_revokes[--t->t_nrevokes];
			return;
		}
	}
}

int jbd2_dirty(struct jbd2_handle *h, struct buf *bp)
{
	struct jbd2_journal *j = h->h_j;
	struct jbd2_trans *t = &j->j_run;
	daddr_t mask = ((daddr_t)1 << j->j_dbshift) - 1;
	int error = 0;

	if (bp->b_vp != j->j_devvp || bp->b_bcount != (int)j->j_bsize ||
	    (bp->b_blkno & mask) != 0) {
		printf("jbd2: cannot log a %d-byte buffer at %lld\n",
		       bp->b_bcount, (long long)bp->b_blkno);
		/* Not lost, only not journaled. */
		bdwrite(bp);
		return EINVAL;
	}
	mutex_enter(&j->j_lock);
	if (j->j_err != 0) {
		error = j->j_err;
	} else if (!jbd2_trans_has(t, bp->b_blkno)) {
		/* Over its credits: take the room from the slack. */
		if (t->t_nbufs == t->t_cap)
			error = jbd2_trans_grow(t, t->t_cap + 16);
		if (error == 0) {
			bhold(bp);
			t->t_bufs[t->t_nbufs] = bp;
			jbd2_hash_insert(t, t->t_nbufs++);
			jbd2_revoke_cancel(t, (uint64_t)bp->b_blkno >>
						      j->j_dbshift);
			if (h->h_credits > 0) {
				h->h_credits--;
				j->j_reserved--;
			}
		}
	}
	mutex_exit(&j->j_lock);
	/* Valid and dirty, but held: nothing writes it before the commit. */
	if (error == 0)
		bdwrite(bp);
	else
		brelse(bp);
	return error;
}

int jbd2_revoke(struct jbd2_handle *h, uint64_t fsblk)
{
	struct jbd2_journal *j = h->h_j;
	struct jbd2_trans *t = &j->j_run;
	uint64_t *nr;
	unsigned i, cap;
	int error = 0;

	mutex_enter(&j->j_lock);
	for (i = 0; i < t->t_nrevokes; i++) {
		if (t->t_revokes[i] == fsblk)
			break;
	}
	if (j->j_err != 0) {
		error = j->j_err;
	} else if (i == t->t_nrevokes) {
		if (t->t_nrevokes == t->t_rcap) {
			cap = t->t_rcap ? 2 * t->t_rcap : 64;
			nr = kmem_alloc(cap * sizeof(*nr), &M_JBD2);
			if (nr == NULL) {
				mutex_exit(&j->j_lock);
				return ENOMEM;
			}
			if (t->t_rcap > 0) {
				memcpy(nr, t->t_revokes,
				       t->t_nrevokes * sizeof(*nr));
				kmem_free(t->t_revokes, t->t_rcap * sizeof(*nr),
					  &M_JBD2);
			}
			t->t_revokes = nr;
			t->t_rcap = cap;
		}
		t->t_revokes[t->t_nrevokes++] = fsblk;
	}
	mutex_exit(&j->j_lock);
	return error;
}

int jbd2_end(struct jbd2_handle *h)
{
	struct jbd2_journal *j = h->h_j;
	int error;

	mutex_enter(&j->j_lock);
	j->j_reserved -= h->h_credits;
	if (--j->j_nhandles == 0)
		cv_broadcast(&j->j_cv);
	error = j->j_err;
	mutex_exit(&j->j_lock);
	kmem_free(h, sizeof(*h), &M_JBD2);
	return error;
}

/* Drops the held buffers of t without writing them (the journal failed). */
void jbd2_trans_drop(struct jbd2_journal *j, struct jbd2_trans *t)
{
	struct buf *bp;
	unsigned i;

	for (i = 0; i < t->t_nbufs; i++) {
		bp = t->t_bufs[i];
		if (bread(j->j_devvp, bp->b_blkno, bp->b_bcount, B_NORAHEAD,
			  &bp) != 0) {
			bunhold(t->t_bufs[i]);
			continue;
		}
		bunhold(bp);
		bp->b_flags |= B_INVAL;
		brelse(bp);
	}
	jbd2_trans_free(t);
}

void jbd2_trans_abort(struct jbd2_journal *j)
{
	struct jbd2_trans t = j->j_run;

	memset(&j->j_run, 0, sizeof(j->j_run));
	mutex_exit(&j->j_lock);
	jbd2_trans_drop(j, &t);
	mutex_enter(&j->j_lock);
}
