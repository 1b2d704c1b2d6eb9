/*
 * ext2_bmap.c -- the classic block map: 12 direct pointers, then single,
 * double and triple indirect blocks of 32-bit block numbers.  Lookup,
 * allocation of one logical block (with the indirect blocks on its path)
 * and freeing everything from a logical block on (truncate).  The caller
 * holds the inode's vnode lock exclusively for changes; every pointer
 * read from disk is range-checked.
 */
#include <sys/buf.h>
#include <sys/errno.h>
#include <sys/systm.h>

#include "ext2fs.h"

/* Indexes along the path to lblk: [0] in i_block, then per level. */
static int ind_path(const struct ext2_mount *em, uint64_t lblk, uint32_t *offs,
		    int *levels)
{
	uint64_t apb = em->em_addr_per_block;

	if (lblk < EXT2_NDIR_BLOCKS) {
		offs[0] = (uint32_t)lblk;
		*levels = 1;
		return 0;
	}
	lblk -= EXT2_NDIR_BLOCKS;
	if (lblk < apb) {
		offs[0] = EXT2_IND_BLOCK;
		offs[1] = (uint32_t)lblk;
		*levels = 2;
		return 0;
	}
	lblk -= apb;
	if (lblk < apb * apb) {
		offs[0] = EXT2_DIND_BLOCK;
		offs[1] = (uint32_t)(lblk / apb);
		offs[2] = (uint32_t)(lblk % apb);
		*levels = 3;
		return 0;
	}
	lblk -= apb * apb;
	if (lblk < apb * apb * apb) {
		offs[0] = EXT2_TIND_BLOCK;
		offs[1] = (uint32_t)(lblk / (apb * apb));
		offs[2] = (uint32_t)((lblk / apb) % apb);
		offs[3] = (uint32_t)(lblk % apb);
		*levels = 4;
		return 0;
	}
	return EFBIG;
}

int ext2_ind_bmap(struct ext2_inode *ip, uint64_t lblk, uint64_t *pblk)
{
	struct ext2_mount *em = ip->i_mount;
	uint32_t offs[4], ptr;
	struct buf *bp;
	int levels, i, error;

	*pblk = 0;
	if ((error = ind_path(em, lblk, offs, &levels)) != 0)
		return error == EFBIG ? 0 : error;
	ptr = ip->i_din->i_block[offs[0]];
	for (i = 1; i < levels && ptr != 0; i++) {
		if ((error = ext2_bread_map(em, ptr, &bp)) != 0)
			return error;
		ptr = ((uint32_t *)bp->b_data)[offs[i]];
		brelse(bp);
	}
	if (ptr >= em->em_nblocks)
		return ext2_corrupt(em, "block pointer of inode", ip->i_number);
	*pblk = ptr;
	return 0;
}

/* A new block for ip near goal, counted in i_blocks. */
static int ind_newblock(struct ext2_trans *tp, struct ext2_inode *ip,
			uint64_t goal, uint64_t *pblk)
{
	int error = ext2_blkalloc(tp, ip, goal, pblk);

	if (error == 0 && *pblk > UINT32_MAX) {
		/* Block maps hold 32-bit numbers only. */
		ext2_blkfree(tp, *pblk, 1, false);
		return ENOSPC;
	}
	if (error == 0)
		ext2_inode_add_blocks(ip, 1);
	return error;
}

int ext2_ind_alloc(struct ext2_trans *tp, struct ext2_inode *ip, uint64_t lblk,
		   uint64_t goal, uint64_t *pblk, bool *newp)
{
	struct ext2_mount *em = ip->i_mount;
	uint32_t offs[4], *slot;
	uint64_t ptr, nb;
	struct buf *bp, *nbp;
	int levels, i, error;

	*newp = false;
	if ((error = ind_path(em, lblk, offs, &levels)) != 0)
		return error;
	ptr = ip->i_din->i_block[offs[0]];
	if (ptr == 0) {
		if ((error = ind_newblock(tp, ip, goal, &nb)) != 0)
			return error;
		ip->i_din->i_block[offs[0]] = (uint32_t)nb;
		ptr = nb;
		if (levels > 1) {
			if ((error = ext2_getblk(em, nb, &nbp)) != 0)
				return error;
			ext2_trans_dirty(tp, nbp);
		} else {
			*newp = true;
		}
	}
	for (i = 1; i < levels; i++) {
		if ((error = ext2_bread(em, ptr, &bp)) != 0)
			return error;
		slot = &((uint32_t *)bp->b_data)[offs[i]];
		if (*slot != 0) {
			ptr = *slot;
			brelse(bp);
			if (ptr >= em->em_nblocks)
				return ext2_corrupt(em,
						    "block pointer of inode",
						    ip->i_number);
			continue;
		}
		if ((error = ind_newblock(tp, ip, ptr + 1, &nb)) != 0) {
			brelse(bp);
			return error;
		}
		*slot = (uint32_t)nb;
		ext2_trans_dirty(tp, bp);
		ptr = nb;
		if (i + 1 < levels) {
			if ((error = ext2_getblk(em, nb, &nbp)) != 0)
				return error;
			ext2_trans_dirty(tp, nbp);
		} else {
			*newp = true;
		}
	}
	*pblk = ptr;
	return 0;
}

/* Frees data blocks ptrs[from..n) in contiguous runs; zeroes them. */
static int ind_free_data(struct ext2_trans *tp, struct ext2_inode *ip,
			 uint32_t *ptrs, uint32_t from, uint32_t n)
{
	uint32_t i = from, run;
	int error;

	while (i < n) {
		if (ptrs[i] == 0) {
			i++;
			continue;
		}
		for (run = 1; i + run < n && run < 1024 &&
			      ptrs[i + run] == ptrs[i] + run;
		     run++)
			;
		if ((error = ext2_blkfree(tp, ptrs[i], run, false)) != 0)
			return error;
		ext2_inode_add_blocks(ip, -(int64_t)run);
		memset(&ptrs[i], 0, run * sizeof(*ptrs));
		i += run;
	}
	return 0;
}

/*
 * In indirect block blk of depth levels (1: it points at data), whose
 * first entry maps logical block base, frees everything mapping blocks at
 * or after first.  *emptyp: no entry is left, so the caller frees blk.
 */
static int ind_free_tree(struct ext2_trans *tp, struct ext2_inode *ip,
			 uint64_t blk, int depth, uint64_t base, uint64_t first,
			 bool *emptyp)
{
	struct ext2_mount *em = ip->i_mount;
	uint64_t apb = em->em_addr_per_block, span = 1;
	uint32_t *ptrs, i, start;
	struct buf *bp;
	bool changed = false, empty;
	int d, error = 0;

	*emptyp = false;
	if (blk >= em->em_nblocks || blk <= em->em_first_data_block)
		return ext2_corrupt(em, "indirect block of inode",
				    ip->i_number);
	for (d = 1; d < depth; d++)
		span *= apb;
	if ((error = ext2_bread(em, blk, &bp)) != 0)
		return error;
	ptrs = bp->b_data;
	start = first <= base ? 0
			      : (uint32_t)((first - base + span - 1) / span);
	if (depth == 1) {
		error = ind_free_data(tp, ip, ptrs, start, (uint32_t)apb);
		changed = true;
	} else {
		/* The entry first falls into inside keeps its head. */
		if (start > 0 && first > base && (first - base) % span != 0 &&
		    ptrs[start - 1] != 0) {
			error = ind_free_tree(
				tp, ip, ptrs[start - 1], depth - 1,
				base + (start - 1) * span, first, &empty);
			if (error == 0 && empty) {
				error = ext2_blkfree(tp, ptrs[start - 1], 1,
						     true);
				ext2_inode_add_blocks(ip, -1);
				ptrs[start - 1] = 0;
				changed = true;
			}
		}
		for (i = start; i < apb && error == 0; i++) {
			if (ptrs[i] == 0)
				continue;
			error = ind_free_tree(tp, ip, ptrs[i], depth - 1,
					      base + i * span, first, &empty);
			if (error == 0) {
				error = ext2_blkfree(tp, ptrs[i], 1, true);
				ext2_inode_add_blocks(ip, -1);
				ptrs[i] = 0;
				changed = true;
			}
		}
	}
	for (i = 0, empty = true; i < apb; i++)
		if (ptrs[i] != 0)
			empty = false;
	*emptyp = empty;
	if (changed && !empty)
		ext2_trans_dirty(tp, bp);
	else
		brelse(bp);
	return error;
}

int ext2_ind_truncate(struct ext2_trans *tp, struct ext2_inode *ip,
		      uint64_t first)
{
	struct ext2_mount *em = ip->i_mount;
	uint32_t *ib = ip->i_din->i_block;
	uint64_t apb = em->em_addr_per_block, base = EXT2_NDIR_BLOCKS;
	uint64_t span = apb;
	bool empty;
	int level, error;

	if (first < EXT2_NDIR_BLOCKS &&
	    (error = ind_free_data(tp, ip, ib, (uint32_t)first,
				   EXT2_NDIR_BLOCKS)) != 0)
		return error;
	for (level = 1; level <= 3; level++) {
		uint32_t *slot = &ib[EXT2_NDIR_BLOCKS + level - 1];

		if (*slot != 0 && first < base + span) {
			error = ind_free_tree(tp, ip, *slot, level, base, first,
					      &empty);
			if (error != 0)
				return error;
			if (empty) {
				if ((error = ext2_blkfree(tp, *slot, 1,
							  true)) != 0)
					return error;
				ext2_inode_add_blocks(ip, -1);
				*slot = 0;
			}
		}
		base += span;
		span *= apb;
	}
	return 0;
}
