/*
 * ext2_file.c -- file contents: the mapping of logical blocks (block map
 * or extent tree, whichever the inode uses), reading and allocating file
 * blocks, truncation, and the read/write/fallocate/seek vnode operations.
 * File data goes through the buffer cache of the device as delayed
 * writes, outside transactions (the journal carries metadata only);
 * block allocation and the inode change inside a transaction per chunk.
 * The caller holds the vnode lock: shared to read, exclusive to change.
 */
#include <sys/buf.h>
#include <sys/errno.h>
#include <sys/file.h>
#include <sys/systm.h>

#include "ext2fs.h"

#define WRITE_CHUNK 16	  /* blocks per write transaction */
#define WRITE_CREDITS 64  /* for a chunk: bitmaps, descriptors, tree */
#define TRUNC_STEP 2048	  /* blocks freed per truncation transaction */
#define TRUNC_CREDITS 256 /* for a step: bitmaps, descriptors, tree */

static const char ext2_zeros[4096];

static bool uses_extents(const struct ext2_inode *ip)
{
	return (ip->i_flags & EXT4_EXTENTS_FL) != 0;
}

bool ext2_is_fast_symlink(const struct ext2_inode *ip)
{
	uint64_t blocks = ext2_inode_nblocks512(ip);

	if ((ext2_imode(ip) & EXT2_S_IFMT) != EXT2_S_IFLNK || uses_extents(ip))
		return false;
	if (ext2_inode_file_acl(ip) != 0)
		blocks -= ip->i_mount->em_bsize >> 9;
	return blocks == 0;
}

/* Only these keep blocks in i_block (devices keep numbers there). */
static bool has_blocks(const struct ext2_inode *ip)
{
	switch (ext2_imode(ip) & EXT2_S_IFMT) {
	case EXT2_S_IFREG:
	case EXT2_S_IFDIR:
		return true;
	case EXT2_S_IFLNK:
		return !ext2_is_fast_symlink(ip);
	default:
		return false;
	}
}

uint64_t ext2_maxfilesize(const struct ext2_mount *em, bool extents)
{
	uint64_t apb = em->em_addr_per_block, blocks, max;

	if (extents)
		blocks = UINT32_MAX;
	else
		blocks = EXT2_NDIR_BLOCKS + apb + apb * apb + apb * apb * apb;
	max = blocks << em->em_bshift;
	if (!ext2_has_ro_compat(em, EXT4_FEATURE_RO_COMPAT_HUGE_FILE) &&
	    max > ((uint64_t)1 << 41) - 1)
		max = ((uint64_t)1 << 41) - 1;
	if (!ext2_has_ro_compat(em, EXT2_FEATURE_RO_COMPAT_LARGE_FILE))
		max = INT32_MAX;
	return max;
}

int ext2_bmap(struct ext2_inode *ip, uint64_t lblk, uint64_t *pblk)
{
	uint32_t run;
	bool unwritten;
	int error;

	*pblk = 0;
	if (!has_blocks(ip))
		return 0;
	if (!uses_extents(ip))
		return ext2_ind_bmap(ip, lblk, pblk);
	error = ext2_ext_bmap(ip, lblk, pblk, &run, &unwritten);
	if (error == 0 && unwritten)
		*pblk = 0;
	return error;
}

/*
 * Maps lblk for a read: *pblk (0 for a hole or unwritten) and in *runp
 * how many blocks from lblk on map contiguously the same way (at least
 * 1), so that a sequential read maps once per extent, not per block.
 */
static int bmap_run(struct ext2_inode *ip, uint64_t lblk, uint64_t *pblk,
		    uint32_t *runp)
{
	bool unwritten;
	int error;

	*pblk = 0;
	*runp = 1;
	if (!has_blocks(ip))
		return 0;
	if (!uses_extents(ip))
		return ext2_ind_bmap(ip, lblk, pblk);
	error = ext2_ext_bmap(ip, lblk, pblk, runp, &unwritten);
	if (error == 0 && unwritten)
		*pblk = 0;
	if (*runp == 0)
		*runp = 1;
	return error;
}

/* A goal for lblk's new block: after the block before it. */
static uint64_t alloc_goal(struct ext2_inode *ip, uint64_t lblk)
{
	struct ext2_mount *em = ip->i_mount;
	uint64_t prev = 0;

	if (lblk > 0 && ext2_bmap(ip, lblk - 1, &prev) == 0 && prev != 0)
		return prev + 1;
	return ext2_group_first_block(em, (ip->i_number - 1) / em->em_ipg);
}

/* Maps lblk, allocating; *newp when the block was just allocated. */
static int fblock_alloc(struct ext2_trans *tp, struct ext2_inode *ip,
			uint64_t lblk, uint64_t *pblk, bool *newp)
{
	uint64_t goal;

	*newp = false;
	/* A new slow symlink has no block yet and looks fast until then. */
	if (!has_blocks(ip) && (ext2_imode(ip) & EXT2_S_IFMT) != EXT2_S_IFLNK)
		return EINVAL;
	if (ext2_bmap(ip, lblk, pblk) == 0 && *pblk != 0)
		return 0;
	goal = alloc_goal(ip, lblk);
	if (uses_extents(ip))
		return ext2_ext_alloc(tp, ip, lblk, goal, pblk, newp);
	return ext2_ind_alloc(tp, ip, lblk, goal, pblk, newp);
}

int ext2_bread_file(struct ext2_trans *tp, struct ext2_inode *ip, uint64_t lblk,
		    bool alloc, struct buf **bpp)
{
	struct ext2_mount *em = ip->i_mount;
	uint64_t pblk;
	bool isnew;
	int error;

	*bpp = NULL;
	if (!alloc) {
		if ((error = ext2_bmap(ip, lblk, &pblk)) != 0)
			return error;
		if (pblk == 0)
			return ENOENT;
		return ext2_bread(em, pblk, bpp);
	}
	if ((error = fblock_alloc(tp, ip, lblk, &pblk, &isnew)) != 0)
		return error;
	if (isnew)
		return ext2_getblk(em, pblk, bpp);
	return ext2_bread(em, pblk, bpp);
}

/*
 * One step of a truncation: frees the mapping from block first on and
 * sets the size to size, in one transaction.  zero_tail: the last
 * block's bytes after size become zeros.
 */
static int truncate_step(struct ext2_inode *ip, uint64_t first, uint64_t size,
			 bool zero_tail)
{
	struct ext2_mount *em = ip->i_mount;
	struct ext2_trans *tp;
	uint64_t pblk;
	struct buf *bp;
	int error, err2;

	if ((error = ext2_trans_begin(em, TRUNC_CREDITS, &tp)) != 0)
		return error;
	if (zero_tail && (size & (em->em_bsize - 1)) != 0 &&
	    ext2_bmap(ip, size >> em->em_bshift, &pblk) == 0 && pblk != 0 &&
	    ext2_bread(em, pblk, &bp) == 0) {
		size_t off = size & (em->em_bsize - 1);

		memset((uint8_t *)bp->b_data + off, 0, em->em_bsize - off);
		if (ext2_isdir(ip))
			ext2_trans_dirty(tp, bp);
		else
			bdwrite(bp);
	}
	if (uses_extents(ip))
		error = ext2_ext_truncate(tp, ip, first);
	else
		error = ext2_ind_truncate(tp, ip, first);
	if (size < ip->i_size)
		ext2_setsize(ip, size);
	err2 = ext2_iupdate(tp, ip);
	ext2_trans_end(tp);
	return error != 0 ? error : err2;
}

int ext2_truncate(struct ext2_inode *ip, uint64_t newsize)
{
	struct ext2_mount *em = ip->i_mount;
	struct ext2_trans *tp;
	uint64_t first, end;
	int error;

	if (newsize > ext2_maxfilesize(em, uses_extents(ip)))
		return EFBIG;
	if (newsize < ip->i_size && has_blocks(ip)) {
		/* From the end, TRUNC_STEP blocks per transaction, so that
		 * each stays small and a crash leaves a shorter file. */
		first = (newsize + em->em_bsize - 1) >> em->em_bshift;
		end = (ip->i_size + em->em_bsize - 1) >> em->em_bshift;
		while (end > first + TRUNC_STEP) {
			end -= TRUNC_STEP;
			if ((error = truncate_step(ip, end,
						   end << em->em_bshift,
						   false)) != 0)
				return error;
		}
		return truncate_step(ip, first, newsize, true);
	}
	if ((error = ext2_trans_begin(em, 2, &tp)) != 0)
		return error;
	ext2_setsize(ip, newsize);
	error = ext2_iupdate(tp, ip);
	ext2_trans_end(tp);
	return error;
}

/*
 * Access times as Linux's default relatime: a read updates atime when it
 * is not newer than mtime or ctime, or a day old.  Readers hold the vnode
 * lock shared, so the change is made under i_lock.
 */
static void read_atime(struct ext2_inode *ip, int ioflag)
{
	struct ext2_mount *em = ip->i_mount;
	struct timespec now, at, mt, ct;
	struct ext2_trans *tp;

	if (em->em_ronly || (ioflag & IO_NOATIME) ||
	    (em->em_mp->mnt_flag & MNT_NOATIME) ||
	    (ip->i_flags & EXT2_NOATIME_FL))
		return;
	vfs_timestamp(&now);
	mutex_enter(&ip->i_lock);
	ext2_inode_get_time(ip, EXT2_IACC, &at);
	ext2_inode_get_time(ip, EXT2_IMOD, &mt);
	ext2_inode_get_time(ip, EXT2_ICHG, &ct);
	if ((at.tv_sec > mt.tv_sec ||
	     (at.tv_sec == mt.tv_sec && at.tv_nsec > mt.tv_nsec)) &&
	    (at.tv_sec > ct.tv_sec ||
	     (at.tv_sec == ct.tv_sec && at.tv_nsec > ct.tv_nsec)) &&
	    now.tv_sec - at.tv_sec < 24 * 3600) {
		mutex_exit(&ip->i_lock);
		return;
	}
	ext2_inode_set_time(ip, EXT2_IACC, &now);
	mutex_exit(&ip->i_lock);
	if (ext2_trans_begin(em, 1, &tp) == 0) {
		ext2_iupdate(tp, ip);
		ext2_trans_end(tp);
	}
}

int ext2_vop_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct ext2_inode *ip = VTOI(vp);
	struct ext2_mount *em = ip->i_mount;
	uint64_t pblk, map_lblk = 0, map_pblk = 0;
	uint32_t map_run = 0;
	struct buf *bp;
	int error = 0;

	(void)ioflag;
	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EINVAL;
	if (uio->uio_offset < 0)
		return EINVAL;
	while (uio->uio_resid > 0 && (uint64_t)uio->uio_offset < ip->i_size) {
		uint64_t off = (uint64_t)uio->uio_offset;
		size_t boff = off & (em->em_bsize - 1);
		size_t len = em->em_bsize - boff;

		if (len > uio->uio_resid)
			len = uio->uio_resid;
		if (len > ip->i_size - off)
			len = (size_t)(ip->i_size - off);
		uint64_t lblk = off >> em->em_bshift;

		/* The file's lock is held: the map cannot change under us. */
		if (map_run == 0 || lblk < map_lblk ||
		    lblk - map_lblk >= map_run) {
			map_lblk = lblk;
			error = bmap_run(ip, lblk, &map_pblk, &map_run);
			if (error != 0)
				break;
		}
		pblk = map_pblk == 0 ? 0 : map_pblk + (lblk - map_lblk);
		if (pblk == 0) {
			if (len > sizeof(ext2_zeros))
				len = sizeof(ext2_zeros);
			error = uiomove((void *)ext2_zeros, len, uio);
		} else {
			if ((error = ext2_bread(em, pblk, &bp)) != 0)
				break;
			error = uiomove((uint8_t *)bp->b_data + boff, len, uio);
			brelse(bp);
		}
		if (error != 0)
			break;
	}
	read_atime(ip, ioflag);
	return error;
}

/* Writes one block's part of uio at file offset off. */
static int write_block(struct ext2_trans *tp, struct ext2_inode *ip,
		       struct uio *uio, uint64_t off, size_t len)
{
	struct ext2_mount *em = ip->i_mount;
	size_t boff = off & (em->em_bsize - 1);
	bool full = boff == 0 && len == em->em_bsize, isnew;
	uint64_t pblk;
	struct buf *bp;
	int error;

	if ((error = fblock_alloc(tp, ip, off >> em->em_bshift, &pblk,
				  &isnew)) != 0)
		return error;
	if (isnew)
		error = ext2_getblk(em, pblk, &bp);
	else if (full)
		error = getblk(em->em_devvp, ext2_fsbtodb(em, pblk),
			       (int)em->em_bsize, &bp);
	else
		error = ext2_bread(em, pblk, &bp);
	if (error != 0)
		return error;
	error = uiomove((uint8_t *)bp->b_data + boff, len, uio);
	if (error != 0 && full && !isnew && !(bp->b_flags & B_CACHE)) {
		/* Part of an uncached block was never filled in. */
		bp->b_flags |= B_INVAL;
		brelse(bp);
		return error;
	}
	bdwrite(bp);
	return error;
}

int ext2_vop_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct ext2_inode *ip = VTOI(vp);
	struct ext2_mount *em = ip->i_mount;
	size_t start = uio->uio_resid;
	uint64_t max = ext2_maxfilesize(em, uses_extents(ip));
	struct ext2_trans *tp;
	int error = 0, i, err2;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EINVAL;
	if (ioflag & IO_APPEND)
		uio->uio_offset = (off_t)ip->i_size;
	if (uio->uio_offset < 0)
		return EINVAL;
	if (uio->uio_resid == 0)
		return 0;
	if ((uint64_t)uio->uio_offset >= max)
		return EFBIG;
	while (uio->uio_resid > 0 && error == 0 &&
	       (uint64_t)uio->uio_offset < max) {
		if ((error = ext2_trans_begin(em, WRITE_CREDITS, &tp)) != 0)
			break;
		for (i = 0; i < WRITE_CHUNK && uio->uio_resid > 0 &&
			    (uint64_t)uio->uio_offset < max;
		     i++) {
			uint64_t off = (uint64_t)uio->uio_offset;
			size_t len = em->em_bsize - (off & (em->em_bsize - 1));
			size_t before = uio->uio_resid;

			if (len > uio->uio_resid)
				len = uio->uio_resid;
			if (len > max - off)
				len = (size_t)(max - off);
			error = write_block(tp, ip, uio, off, len);
			if (off + (before - uio->uio_resid) > ip->i_size)
				ext2_setsize(ip,
					     off + (before - uio->uio_resid));
			if (error != 0)
				break;
		}
		ext2_itimes(ip, EXT2_IMOD | EXT2_ICHG);
		err2 = ext2_iupdate(tp, ip);
		if (error == 0)
			error = err2;
		ext2_trans_end(tp);
	}
	if (error == 0 && (ioflag & (IO_SYNC | IO_DSYNC)))
		error = ext2_vop_fsync(vp, 0);
	if (uio->uio_resid != start)
		return 0;
	return error != 0 ? error : EFBIG;
}

int ext2_vop_fallocate(struct vnode *vp, off_t off, off_t len)
{
	struct ext2_inode *ip = VTOI(vp);
	struct ext2_mount *em = ip->i_mount;
	uint64_t lblk, last, pblk, max = ext2_maxfilesize(em, uses_extents(ip));
	struct ext2_trans *tp;
	struct buf *bp;
	bool isnew;
	int error = 0, i, err2;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return ENODEV;
	if (off < 0 || len <= 0)
		return EINVAL;
	if ((uint64_t)off > max || (uint64_t)len > max - (uint64_t)off)
		return EFBIG;
	lblk = (uint64_t)off >> em->em_bshift;
	last = ((uint64_t)off + (uint64_t)len - 1) >> em->em_bshift;
	while (lblk <= last && error == 0) {
		if ((error = ext2_trans_begin(em, WRITE_CREDITS, &tp)) != 0)
			break;
		for (i = 0; i < WRITE_CHUNK && lblk <= last; i++, lblk++) {
			if ((error = fblock_alloc(tp, ip, lblk, &pblk,
						  &isnew)) != 0)
				break;
			if (isnew) {
				if ((error = ext2_getblk(em, pblk, &bp)) != 0)
					break;
				bdwrite(bp);
			}
		}
		if (error == 0 && lblk > last &&
		    (uint64_t)off + (uint64_t)len > ip->i_size) {
			ext2_setsize(ip, (uint64_t)off + (uint64_t)len);
			ext2_itimes(ip, EXT2_IMOD);
		}
		ext2_itimes(ip, EXT2_ICHG);
		err2 = ext2_iupdate(tp, ip);
		if (error == 0)
			error = err2;
		ext2_trans_end(tp);
	}
	return error;
}

int ext2_vop_seekdata(struct vnode *vp, off_t off, int whence, off_t *resultp)
{
	struct ext2_inode *ip = VTOI(vp);
	struct ext2_mount *em = ip->i_mount;
	uint64_t lblk, nblk, pblk;
	int error;

	if (vp->v_type != VREG)
		return EINVAL;
	if (whence != SEEK_DATA && whence != SEEK_HOLE)
		return EINVAL;
	if (off < 0 || (uint64_t)off >= ip->i_size)
		return ENXIO;
	nblk = (ip->i_size + em->em_bsize - 1) >> em->em_bshift;
	for (lblk = (uint64_t)off >> em->em_bshift; lblk < nblk; lblk++) {
		if ((error = ext2_bmap(ip, lblk, &pblk)) != 0)
			return error;
		if ((pblk != 0) == (whence == SEEK_DATA)) {
			uint64_t at = lblk << em->em_bshift;

			*resultp = (off_t)(at > (uint64_t)off ? at
							      : (uint64_t)off);
			return 0;
		}
	}
	if (whence == SEEK_DATA)
		return ENXIO;
	*resultp = (off_t)ip->i_size;
	return 0;
}
