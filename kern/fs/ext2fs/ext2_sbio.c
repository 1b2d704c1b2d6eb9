/*
 * ext2_sbio.c -- reading and writing the superblock and the group
 * descriptor table.  At mount the descriptors are read, their checksums
 * and the locations they name are checked (an image is never trusted),
 * and the free counts are summed from them; afterwards the in-core copy
 * (em_gd) is authoritative and every change is written back, checksummed,
 * through a transaction.  Callers of the write functions hold em_lock.
 */
#include <sys/buf.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/systm.h>

#include "ext2fs.h"

KMEM_TYPE_DEFINE(M_EXT2GD, "ext2fs descriptors");

/* Whether [blk, blk+n) lies inside the file system past the descriptors. */
static bool range_ok(const struct ext2_mount *em, uint64_t blk, uint64_t n)
{
	return blk > em->em_first_data_block && blk < em->em_nblocks &&
	       n <= em->em_nblocks - blk;
}

/* Location checks Linux also makes; flex_bg places them anywhere. */
static int gd_check(struct ext2_mount *em, uint32_t g, bool *csum_bad)
{
	struct ext2_gd *gd = ext2_gd(em, g);
	uint64_t first = ext2_group_first_block(em, g);
	uint64_t last = first + ext2_group_nblocks(em, g);
	uint64_t bb = ext2_gd_block_bitmap(em, gd);
	uint64_t ib = ext2_gd_inode_bitmap(em, gd);
	uint64_t it = ext2_gd_inode_table(em, gd);
	bool flex = ext2_has_incompat(em, EXT4_FEATURE_INCOMPAT_FLEX_BG);

	if ((em->em_csum || em->em_gdt_csum) &&
	    ext2_gd_csum(em, g, gd) != gd->bg_checksum) {
		printf("ext2fs: group %u: descriptor checksum mismatch\n", g);
		*csum_bad = true;
	}
	if (!range_ok(em, bb, 1) || !range_ok(em, ib, 1) ||
	    !range_ok(em, it, em->em_itb_per_group) ||
	    (!flex && (bb < first || bb >= last || ib < first || ib >= last ||
		       it < first || it + em->em_itb_per_group > last))) {
		printf("ext2fs: group %u: bitmap or inode table outside the "
		       "file system\n",
		       g);
		return EIO;
	}
	if (ext2_gd_free_blocks(em, gd) > ext2_group_nblocks(em, g) ||
	    ext2_gd_free_inodes(em, gd) > em->em_ipg ||
	    ext2_gd_used_dirs(em, gd) > em->em_ipg ||
	    ext2_gd_itable_unused(em, gd) > em->em_ipg) {
		printf("ext2fs: group %u: impossible counts\n", g);
		return EIO;
	}
	return 0;
}

int ext2_gd_load(struct ext2_mount *em)
{
	size_t size = (size_t)em->em_gdb_count * em->em_bsize;
	bool csum_bad = false;
	struct buf *bp;
	uint64_t fb = 0, fi = 0;
	uint32_t i, g;
	int error;

	if (em->em_gdb_count == 0 || em->em_gdb_count > em->em_nblocks / 2 ||
	    (em->em_gd = kmem_zalloc(size, &M_EXT2GD)) == NULL)
		return em->em_gdb_count == 0 ? EINVAL : ENOMEM;
	if ((em->em_gflags = kmem_zalloc(em->em_ngroups, &M_EXT2GD)) == NULL) {
		ext2_gd_unload(em);
		return ENOMEM;
	}
	for (i = 0; i < em->em_gdb_count; i++) {
		uint64_t loc = ext2_gd_block_location(em, i);

		if ((error = ext2_bread(em, loc, &bp)) != 0)
			goto fail;
		memcpy(em->em_gd + (size_t)i * em->em_bsize, bp->b_data,
		       em->em_bsize);
		brelse(bp);
	}
	for (g = 0; g < em->em_ngroups; g++) {
		struct ext2_gd *gd = ext2_gd(em, g);

		if ((error = gd_check(em, g, &csum_bad)) != 0)
			goto fail;
		fb += ext2_gd_free_blocks(em, gd);
		fi += ext2_gd_free_inodes(em, gd);
	}
	if (csum_bad && !em->em_ronly) {
		printf("ext2fs: bad descriptor checksums: mount read-only "
		       "or run e2fsck\n");
		error = EIO;
		goto fail;
	}
	if (fb > em->em_nblocks || fi > em->em_sb.s_inodes_count) {
		printf("ext2fs: impossible free counts\n");
		error = EIO;
		goto fail;
	}
	em->em_free_blocks = fb;
	em->em_free_inodes = fi;
	return 0;
fail:
	ext2_gd_unload(em);
	return error;
}

void ext2_gd_unload(struct ext2_mount *em)
{
	if (em->em_gd != NULL)
		kmem_free(em->em_gd, (size_t)em->em_gdb_count * em->em_bsize,
			  &M_EXT2GD);
	em->em_gd = NULL;
	if (em->em_gflags != NULL)
		kmem_free(em->em_gflags, em->em_ngroups, &M_EXT2GD);
	em->em_gflags = NULL;
}

int ext2_gd_write(struct ext2_trans *tp, struct ext2_mount *em, uint32_t g)
{
	struct ext2_gd *gd = ext2_gd(em, g);
	uint32_t i = g / em->em_descs_per_block;
	size_t off = (size_t)(g % em->em_descs_per_block) * em->em_desc_size;
	struct buf *bp;
	int error;

	if (em->em_csum || em->em_gdt_csum)
		gd->bg_checksum = ext2_gd_csum(em, g, gd);
	if ((error = ext2_bread(em, ext2_gd_block_location(em, i), &bp)) != 0)
		return error;
	memcpy((uint8_t *)bp->b_data + off, gd, em->em_desc_size);
	ext2_trans_dirty(tp, bp);
	return 0;
}

/* The block holding the primary superblock, and its offset there. */
static void sb_location(const struct ext2_mount *em, uint64_t *blk, size_t *off)
{
	*blk = EXT2_SUPER_OFFSET / em->em_bsize;
	*off = EXT2_SUPER_OFFSET % em->em_bsize;
}

int ext2_sb_write(struct ext2_trans *tp, struct ext2_mount *em)
{
	struct ext2_super *sb = &em->em_sb;
	struct timespec now;
	struct buf *bp;
	uint64_t blk;
	size_t off;
	int error;

	vfs_timestamp(&now);
	sb->s_free_blocks_count_lo = (uint32_t)em->em_free_blocks;
	if (ext2_has_incompat(em, EXT4_FEATURE_INCOMPAT_64BIT))
		sb->s_free_blocks_count_hi =
			(uint32_t)(em->em_free_blocks >> 32);
	sb->s_free_inodes_count = (uint32_t)em->em_free_inodes;
	sb->s_wtime = (uint32_t)now.tv_sec;
	sb->s_wtime_hi = (uint8_t)((uint64_t)now.tv_sec >> 32);
	if (em->em_csum)
		ext2_sb_csum_set(sb);
	sb_location(em, &blk, &off);
	if ((error = ext2_bread(em, blk, &bp)) != 0)
		return error;
	memcpy((uint8_t *)bp->b_data + off, sb, sizeof(*sb));
	ext2_trans_dirty(tp, bp);
	return 0;
}

/*
 * The superblock before the block size is known: 1 KiB at byte 1024,
 * read at that size and dropped (B_INVAL) so that no buffer of another
 * size overlaps the file system's own reads.
 */
int ext2_sb_read(struct vnode *devvp, struct ext2_super *sb)
{
	struct buf *bp;
	int error;

	error = bread(devvp, btodb(EXT2_SUPER_OFFSET), sizeof(*sb), 0, &bp);
	if (error != 0)
		return error;
	memcpy(sb, bp->b_data, sizeof(*sb));
	bp->b_flags |= B_INVAL;
	brelse(bp);
	return 0;
}
