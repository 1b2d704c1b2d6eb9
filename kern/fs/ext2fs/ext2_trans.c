/*
 * ext2_trans.c -- the one funnel for metadata writes.  Every change to a
 * metadata block happens between ext2_trans_begin and ext2_trans_end and
 * is handed over with ext2_trans_dirty; freed metadata blocks are passed
 * to ext2_trans_revoke.  Without a journal (ext2, or a journal not yet
 * opened) a dirty buffer is simply a delayed write; with one (em_journal
 * != NULL) each transaction is a jbd2 handle and fsync/sync commit.  The
 * journaled path and ext2_journal_open/close belong to branch jbd2.
 * Also the device block helpers ext2_bread and ext2_getblk.
 */
#include <sys/buf.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/systm.h>

#include "ext2fs.h"
#include "jbd2/jbd2.h"
#include "jbd2/jbd2_format.h"

KMEM_TYPE_DEFINE(M_EXT2TRANS, "ext2fs transaction");

int ext2_bread(struct ext2_mount *em, uint64_t pblk, struct buf **bpp)
{
	if (pblk >= em->em_nblocks) {
		*bpp = NULL;
		return ext2_corrupt(em, "block number", pblk);
	}
	return bread(em->em_devvp, ext2_fsbtodb(em, pblk), (int)em->em_bsize, 0,
		     bpp);
}

int ext2_bread_map(struct ext2_mount *em, uint64_t pblk, struct buf **bpp)
{
	if (pblk >= em->em_nblocks) {
		*bpp = NULL;
		return ext2_corrupt(em, "block number", pblk);
	}
	return bread(em->em_devvp, ext2_fsbtodb(em, pblk), (int)em->em_bsize,
		     B_NORAHEAD, bpp);
}

int ext2_getblk(struct ext2_mount *em, uint64_t pblk, struct buf **bpp)
{
	int error;

	if (pblk >= em->em_nblocks) {
		*bpp = NULL;
		return ext2_corrupt(em, "block number", pblk);
	}
	error = getblk(em->em_devvp, ext2_fsbtodb(em, pblk), (int)em->em_bsize,
		       bpp);
	if (error == 0)
		memset((*bpp)->b_data, 0, em->em_bsize);
	return error;
}

int ext2_trans_begin(struct ext2_mount *em, int credits, struct ext2_trans **tp)
{
	struct ext2_trans *t;
	int error;

	*tp = NULL;
	if (em->em_ronly)
		return EROFS;
	if ((t = kmem_zalloc(sizeof(*t), &M_EXT2TRANS)) == NULL)
		return ENOMEM;
	t->t_em = em;
	t->t_credits = credits;
	t->t_handle = NULL;
	if (em->em_journal != NULL &&
	    (error = jbd2_begin(em->em_journal, credits, &t->t_handle)) != 0) {
		kmem_free(t, sizeof(*t), &M_EXT2TRANS);
		return error;
	}
	*tp = t;
	return 0;
}

void ext2_trans_dirty(struct ext2_trans *tp, struct buf *bp)
{
	/* Changed: a reader checks it again (jbd2_dirty may brelse it). */
	bp->b_verified = 0;
	/* jbd2_dirty releases bp as bdwrite does, also when it fails. */
	if (tp != NULL && tp->t_handle != NULL)
		(void)jbd2_dirty(tp->t_handle, bp);
	else
		bdwrite(bp);
}

void ext2_trans_revoke(struct ext2_trans *tp, uint64_t pblk)
{
	/* Without a journal nothing can replay an old copy of the block. */
	if (tp != NULL && tp->t_handle != NULL)
		(void)jbd2_revoke(tp->t_handle, pblk);
}

int ext2_trans_end(struct ext2_trans *tp)
{
	int error = 0;

	if (tp == NULL)
		return 0;
	if (tp->t_handle != NULL)
		error = jbd2_end(tp->t_handle);
	kmem_free(tp, sizeof(*tp), &M_EXT2TRANS);
	return error;
}

/*
 * Everything written so far is on stable storage (fsync, sync): with a
 * journal, a commit (which flushes the file data first).
 */
int ext2_trans_sync(struct ext2_mount *em)
{
	if (em->em_journal != NULL)
		return jbd2_commit(em->em_journal, true);
	return vflushbuf(em->em_devvp, true);
}

/* ---- The journal (owned by kern/fs/ext2fs/jbd2) ---- */

/*
 * The journal inode's block map, read once at mount as runs of
 * contiguous blocks, so that no vnode stays referenced (unmount's vflush
 * would find it busy) and the journal never reads an inode again.
 */
struct ext2_jmap {
	unsigned jm_n, jm_cap;
	struct ext2_jrun {
		uint64_t r_jblk, r_fsblk, r_len;
	} * jm_runs;
};

static void ext2_jmap_free(struct ext2_jmap *jm)
{
	if (jm->jm_cap > 0)
		kmem_free(jm->jm_runs, jm->jm_cap * sizeof(*jm->jm_runs),
			  &M_EXT2TRANS);
	kmem_free(jm, sizeof(*jm), &M_EXT2TRANS);
}

static int ext2_jmap_bmap(void *arg, uint64_t jblk, uint64_t *fsblk)
{
	struct ext2_jmap *jm = arg;
	unsigned lo = 0, hi = jm->jm_n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (jblk < jm->jm_runs[mid].r_jblk)
			hi = mid;
		else if (jblk >=
			 jm->jm_runs[mid].r_jblk + jm->jm_runs[mid].r_len)
			lo = mid + 1;
		else {
			*fsblk = jm->jm_runs[mid].r_fsblk + jblk -
				 jm->jm_runs[mid].r_jblk;
			return 0;
		}
	}
	return EIO;
}

static int ext2_jmap_add(struct ext2_jmap *jm, uint64_t jblk, uint64_t fsblk)
{
	struct ext2_jrun *r, *nr;
	unsigned cap;

	r = jm->jm_n > 0 ? &jm->jm_runs[jm->jm_n - 1] : NULL;
	if (r != NULL && r->r_fsblk + r->r_len == fsblk) {
		r->r_len++;
		return 0;
	}
	if (jm->jm_n == jm->jm_cap) {
		cap = jm->jm_cap ? 2 * jm->jm_cap : 16;
		nr = kmem_alloc(cap * sizeof(*nr), &M_EXT2TRANS);
		if (nr == NULL)
			return ENOMEM;
		if (jm->jm_cap > 0) {
			memcpy(nr, jm->jm_runs, jm->jm_n * sizeof(*nr));
			kmem_free(jm->jm_runs, jm->jm_cap * sizeof(*nr),
				  &M_EXT2TRANS);
		}
		jm->jm_runs = nr;
		jm->jm_cap = cap;
	}
	jm->jm_runs[jm->jm_n++] = (struct ext2_jrun){
		.r_jblk = jblk, .r_fsblk = fsblk, .r_len = 1};
	return 0;
}

static int ext2_jmap_load(struct ext2_mount *em, struct ext2_jmap **jmp,
			  uint64_t *jlenp)
{
	struct ext2_jmap *jm;
	struct vnode *vp;
	struct ext2_inode *ip;
	uint64_t jlen, i, fsblk;
	int error;

	if ((jm = kmem_zalloc(sizeof(*jm), &M_EXT2TRANS)) == NULL)
		return ENOMEM;
	if ((error = ext2_iget(em, em->em_sb.s_journal_inum, &vp)) != 0) {
		ext2_jmap_free(jm);
		return error;
	}
	ip = VTOI(vp);
	jlen = ip->i_size >> em->em_bshift;
	for (i = 0; i < jlen && error == 0; i++) {
		error = ext2_bmap(ip, i, &fsblk);
		if (error == 0 && (fsblk == 0 || fsblk >= em->em_nblocks))
			error = ext2_corrupt(em, "journal block", i);
		if (error == 0)
			error = ext2_jmap_add(jm, i, fsblk);
	}
	vrele(vp);
	if (error != 0) {
		ext2_jmap_free(jm);
		return error;
	}
	*jmp = jm;
	*jlenp = jlen;
	return 0;
}

/* The superblock and descriptors again, as the replay left them. */
static int ext2_journal_reload(struct ext2_mount *em)
{
	bool force_ro;
	int error;

	if ((error = ext2_sb_read(em->em_devvp, &em->em_sb)) != 0 ||
	    (error = ext2_sb_check(&em->em_sb, em->em_ronly, &force_ro)) != 0)
		return error;
	ext2_gd_unload(em);
	if ((error = ext2_sb_geometry(em)) != 0)
		return error;
	return ext2_gd_load(em);
}

/* needs_recovery, written in place before the journal takes writes. */
static int ext2_journal_mark(struct ext2_mount *em, bool recover)
{
	struct ext2_trans *tp;
	int error;

	if ((error = ext2_trans_begin(em, 1, &tp)) != 0)
		return error;
	mutex_enter(&em->em_lock);
	if (recover)
		em->em_sb.s_feature_incompat |= EXT3_FEATURE_INCOMPAT_RECOVER;
	else
		em->em_sb.s_feature_incompat &=
			~(uint32_t)EXT3_FEATURE_INCOMPAT_RECOVER;
	error = ext2_sb_write(tp, em);
	mutex_exit(&em->em_lock);
	ext2_trans_end(tp);
	if (error == 0)
		error = vflushbuf(em->em_devvp, true);
	return error;
}

/*
 * Opens the journal, replays it if it holds committed transactions (a
 * read-only mount of such a file system is refused: the replay must
 * write), reloads what the replay changed, and for a read-write mount
 * sets needs_recovery on disk and starts journaling (csum v3 with
 * metadata_csum, 64-bit tags on a 64bit file system).
 */
int ext2_journal_open(struct ext2_mount *em)
{
	struct jbd2_journal *j;
	struct ext2_jmap *jm;
	uint64_t jlen;
	uint32_t incompat = JBD2_FEATURE_INCOMPAT_REVOKE;
	int error;

	em->em_journal = NULL;
	if (ext2_has_incompat(em, EXT3_FEATURE_INCOMPAT_JOURNAL_DEV) ||
	    em->em_sb.s_journal_inum == 0) {
		printf("ext2fs: external journals are not supported\n");
		return EINVAL;
	}
	if ((error = ext2_jmap_load(em, &jm, &jlen)) != 0)
		return error;
	error = jbd2_open(em->em_devvp, em->em_bsize, ext2_jmap_bmap, jm, jlen,
			  &j);
	if (error != 0) {
		ext2_jmap_free(jm);
		return error;
	}
	if (jbd2_needs_recovery(j)) {
		if (em->em_ronly) {
			printf("ext2fs: the journal needs recovery; mount "
			       "read-write to replay it\n");
			error = EROFS;
		} else if ((error = jbd2_recover(j)) == 0) {
			error = ext2_journal_reload(em);
		}
	}
	if (error == 0 && !em->em_ronly) {
		if (ext2_has_incompat(em, EXT4_FEATURE_INCOMPAT_64BIT))
			incompat |= JBD2_FEATURE_INCOMPAT_64BIT;
		if (em->em_csum)
			incompat |= JBD2_FEATURE_INCOMPAT_CSUM_V3;
		error = ext2_journal_mark(em, true);
		if (error == 0)
			error = jbd2_start(j, incompat);
	}
	if (error != 0 || em->em_ronly) {
		(void)jbd2_close(j);
		ext2_jmap_free(jm);
		return error;
	}
	em->em_journal = j;
	return 0;
}

/*
 * Commits, checkpoints and empties the journal, then clears
 * needs_recovery in the superblock, written in place.  If the journal
 * failed the flag stays, and e2fsck will replay what was committed.
 * Returns the first error; the journal is gone either way.
 */
int ext2_journal_close(struct ext2_mount *em)
{
	struct jbd2_journal *j = em->em_journal;
	struct ext2_jmap *jm;
	int error;

	if (j == NULL)
		return 0;
	jm = jbd2_bmap_arg(j);
	error = jbd2_close(j);
	em->em_journal = NULL;
	ext2_jmap_free(jm);
	if (error != 0) {
		printf("ext2fs: the journal failed (error %d); run e2fsck\n",
		       error);
		return error;
	}
	/* In place now: also when a mount fails after the journal opened. */
	if (!em->em_ronly)
		error = ext2_journal_mark(em, false);
	return error;
}
