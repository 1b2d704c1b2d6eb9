/*
 * ext2_trans.c -- the one funnel for metadata writes.  Every change to a
 * metadata block happens between ext2_trans_begin and ext2_trans_end and
 * is handed over with ext2_trans_dirty; freed metadata blocks are passed
 * to ext2_trans_revoke.  Without a journal (ext2, or a journal not yet
 * opened) a dirty buffer is simply a delayed write; the journaled path
 * (em_journal != NULL) belongs to kern/fs/ext2fs/jbd2 and is added here.
 * Also the device block helpers ext2_bread and ext2_getblk.
 */
#include <sys/buf.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/systm.h>

#include "ext2fs.h"

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

	*tp = NULL;
	if (em->em_ronly)
		return EROFS;
	if ((t = kmem_zalloc(sizeof(*t), &M_EXT2TRANS)) == NULL)
		return ENOMEM;
	t->t_em = em;
	t->t_credits = credits;
	t->t_handle = NULL;
	*tp = t;
	return 0;
}

void ext2_trans_dirty(struct ext2_trans *tp, struct buf *bp)
{
	(void)tp;
	bdwrite(bp);
}

void ext2_trans_revoke(struct ext2_trans *tp, uint64_t pblk)
{
	/* Without a journal nothing can replay an old copy of the block. */
	(void)tp;
	(void)pblk;
}

int ext2_trans_end(struct ext2_trans *tp)
{
	if (tp == NULL)
		return 0;
	kmem_free(tp, sizeof(*tp), &M_EXT2TRANS);
	return 0;
}

/* Everything written so far is on stable storage (fsync, sync). */
int ext2_trans_sync(struct ext2_mount *em)
{
	return vflushbuf(em->em_devvp, true);
}

/*
 * Until the jbd2 code is in: a journal that needs recovery cannot be
 * mounted; a clean one is left alone and metadata is written in place,
 * which keeps the image consistent after a clean unmount.
 */
int ext2_journal_open(struct ext2_mount *em)
{
	if (ext2_has_incompat(em, EXT3_FEATURE_INCOMPAT_RECOVER)) {
		printf("ext2fs: the journal needs recovery, which this "
		       "kernel cannot do yet\n");
		return EINVAL;
	}
	em->em_journal = NULL;
	return 0;
}

void ext2_journal_close(struct ext2_mount *em)
{
	em->em_journal = NULL;
}
