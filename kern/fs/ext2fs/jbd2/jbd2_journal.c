/*
 * jbd2_journal.c -- a journal's life: open (read and validate the journal
 * superblock), start (choose the features the log is written with, start
 * the commit thread), close (commit, checkpoint, mark the journal empty),
 * and the block I/O helpers: journal blocks are fs blocks found through
 * the caller's bmap and read or written through the buffer cache.
 */
#include <sys/kthread.h>

#include "jbd2_priv.h"

KMEM_TYPE_DEFINE(M_JBD2, "jbd2");

daddr_t jbd2_fs_dbno(const struct jbd2_journal *j, uint64_t fsblk)
{
	return (daddr_t)(fsblk << j->j_dbshift);
}

static int jbd2_log_map(struct jbd2_journal *j, uint32_t jblk, daddr_t *dbp)
{
	uint64_t fsblk = 0;
	int error;

	if (jblk >= j->j_maxlen)
		return EIO;
	error = j->j_bmap(j->j_arg, jblk, &fsblk);
	if (error != 0)
		return error;
	if (fsblk == 0) {
		printf("jbd2: journal block %u is a hole\n", jblk);
		return EIO;
	}
	*dbp = jbd2_fs_dbno(j, fsblk);
	return 0;
}

int jbd2_log_bread(struct jbd2_journal *j, uint32_t jblk, struct buf **bpp)
{
	daddr_t db;
	int error = jbd2_log_map(j, jblk, &db);

	if (error != 0)
		return error;
	return bread(j->j_devvp, db, (int)j->j_bsize, B_NORAHEAD, bpp);
}

int jbd2_log_getblk(struct jbd2_journal *j, uint32_t jblk, struct buf **bpp)
{
	daddr_t db;
	int error = jbd2_log_map(j, jblk, &db);

	if (error != 0)
		return error;
	return getblk(j->j_devvp, db, (int)j->j_bsize, bpp);
}

uint32_t jbd2_log_next(const struct jbd2_journal *j, uint32_t jblk)
{
	return jblk + 1 >= j->j_maxlen ? j->j_first : jblk + 1;
}

/* Writes j_sbraw to journal block 0 and waits for the write. */
int jbd2_sb_write(struct jbd2_journal *j)
{
	struct buf *bp;
	int error;

	error = jbd2_log_bread(j, 0, &bp);
	if (error != 0)
		return error;
	memcpy(bp->b_data, j->j_sbraw, JBD2_SB_SIZE);
	return bwrite(bp);
}

static unsigned jbd2_log2(unsigned v)
{
	unsigned n = 0;

	while ((1U << n) < v)
		n++;
	return n;
}

int jbd2_open(struct vnode *devvp, unsigned fs_bsize, jbd2_bmap_t bmap,
	      void *arg, uint64_t jlen_blocks, struct jbd2_journal **jp)
{
	struct jbd2_journal *j;
	struct buf *bp;
	int error;

	*jp = NULL;
	if (fs_bsize < 1024 || fs_bsize > MAXBSIZE ||
	    (fs_bsize & (fs_bsize - 1)) != 0)
		return EINVAL;
	j = kmem_zalloc(sizeof(*j), &M_JBD2);
	if (j == NULL)
		return ENOMEM;
	j->j_devvp = devvp;
	j->j_bsize = fs_bsize;
	j->j_dbshift = jbd2_log2(fs_bsize / DEV_BSIZE);
	j->j_bmap = bmap;
	j->j_arg = arg;
	j->j_maxlen =
		jlen_blocks > UINT32_MAX ? UINT32_MAX : (uint32_t)jlen_blocks;
	error = jlen_blocks < JBD2_MIN_LEN ? EINVAL : jbd2_log_bread(j, 0, &bp);
	if (error != 0) {
		if (error == EINVAL)
			printf("jbd2: journal of %llu blocks\n",
			       (unsigned long long)jlen_blocks);
		kmem_free(j, sizeof(*j), &M_JBD2);
		return error;
	}
	memcpy(j->j_sbraw, bp->b_data, JBD2_SB_SIZE);
	brelse(bp);
	error = jbd2_sb_parse(j->j_sbraw, fs_bsize, jlen_blocks, &j->j_sb);
	if (error != 0) {
		kmem_free(j, sizeof(*j), &M_JBD2);
		return error;
	}
	if (j->j_sb.errnum != 0)
		printf("jbd2: journal records file system error %d\n",
		       j->j_sb.errnum);
	jbd2_fmt_init(&j->j_fmt, fs_bsize, j->j_sb.compat, j->j_sb.incompat,
		      j->j_sb.uuid);
	j->j_first = j->j_sb.first;
	j->j_maxlen = j->j_sb.maxlen;
	j->j_maxtrans = (j->j_maxlen - j->j_first) / 4;
	j->j_seq = j->j_sb.sequence;
	j->j_tail = j->j_sb.start;
	j->j_head = j->j_first;
	j->j_free = j->j_maxlen - j->j_first;
	mutex_init(&j->j_lock, MUTEX_DEFAULT);
	cv_init(&j->j_cv, "jbd2");
	cv_init(&j->j_thread_cv, "jbd2thr");
	*jp = j;
	return 0;
}

bool jbd2_needs_recovery(struct jbd2_journal *j)
{
	return j->j_tail != 0;
}

int jbd2_start(struct jbd2_journal *j, uint32_t incompat)
{
	uint32_t want = j->j_fmt.incompat;
	int error;

	if (j->j_tail != 0 || j->j_started)
		return EINVAL;
	if (j->j_sb.version == 1) {
		want = 0;
	} else {
		want |= incompat & JBD2_KNOWN_INCOMPAT &
			~JBD2_FEATURE_INCOMPAT_ASYNC_COMMIT;
		if (want & JBD2_FEATURE_INCOMPAT_CSUM_V3)
			want &= ~JBD2_FEATURE_INCOMPAT_CSUM_V2;
	}
	if (want != j->j_fmt.incompat) {
		jbd2_fmt_init(&j->j_fmt, j->j_bsize, j->j_fmt.compat, want,
			      j->j_sb.uuid);
		jbd2_sb_update(j->j_sbraw, &j->j_fmt, j->j_seq, 0);
		error = jbd2_sb_write(j);
		if (error == 0)
			error = bcache_barrier(j->j_devvp);
		if (error != 0)
			return error;
	}
	error = kthread_create(jbd2_commit_thread, j, KTHREAD_MUSTJOIN,
			       &j->j_thread, "jbd2");
	if (error != 0)
		return error;
	j->j_started = true;
	return 0;
}

int jbd2_close(struct jbd2_journal *j)
{
	int error = 0;

	mutex_enter(&j->j_lock);
	while (j->j_committing)
		cv_wait(&j->j_cv, &j->j_lock);
	KASSERT(j->j_nhandles == 0);
	if (j->j_started && j->j_err == 0)
		error = jbd2_checkpoint_locked(j);
	if (j->j_err != 0)
		jbd2_trans_abort(j);
	j->j_stop = true;
	cv_broadcast(&j->j_thread_cv);
	mutex_exit(&j->j_lock);
	if (j->j_thread != NULL)
		kthread_join(j->j_thread);
	if (error == 0)
		error = j->j_err;
	jbd2_trans_free(&j->j_run);
	if (j->j_ckptcap > 0)
		kmem_free(j->j_ckpt, j->j_ckptcap * sizeof(*j->j_ckpt),
			  &M_JBD2);
	cv_destroy(&j->j_thread_cv);
	cv_destroy(&j->j_cv);
	mutex_destroy(&j->j_lock);
	kmem_free(j, sizeof(*j), &M_JBD2);
	return error;
}

void *jbd2_bmap_arg(struct jbd2_journal *j)
{
	return j->j_arg;
}

void jbd2_getinfo(struct jbd2_journal *j, struct jbd2_info *ji)
{
	mutex_enter(&j->j_lock);
	ji->ji_first = j->j_first;
	ji->ji_maxlen = j->j_maxlen;
	ji->ji_head = j->j_head;
	ji->ji_tail = j->j_tail;
	ji->ji_sequence = j->j_seq;
	ji->ji_incompat = j->j_fmt.incompat;
	ji->ji_commits = j->j_commits;
	ji->ji_checkpoints = j->j_checkpoints;
	ji->ji_replayed = j->j_replayed;
	ji->ji_revoked = j->j_revoked;
	mutex_exit(&j->j_lock);
}
