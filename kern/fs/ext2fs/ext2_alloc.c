/*
 * ext2_alloc.c -- block and inode allocation over the group bitmaps.
 * Everything here runs under em_lock: a bitmap buffer, its descriptor and
 * the mount's free counts change together inside the caller's
 * transaction.  Bitmaps of uninitialised groups (BLOCK_UNINIT,
 * INODE_UNINIT) are built in memory on first use; a bitmap read from disk
 * is checked against its descriptor checksum once per mount.
 */
#include <sys/buf.h>
#include <sys/cprng.h>
#include <sys/errno.h>
#include <sys/proc.h>
#include <sys/systm.h>

#include "ext2fs.h"

#define GF_BB_OK 0x01 /* block bitmap checksum verified */
#define GF_IB_OK 0x02 /* inode bitmap checksum verified */

static inline bool bit_isset(const uint8_t *map, uint32_t i)
{
	return (map[i >> 3] >> (i & 7)) & 1;
}
static inline void bit_set(uint8_t *map, uint32_t i)
{
	map[i >> 3] |= (uint8_t)(1u << (i & 7));
}
static inline void bit_clr(uint8_t *map, uint32_t i)
{
	map[i >> 3] &= (uint8_t) ~(1u << (i & 7));
}

/* First clear bit in [from, to), or to. */
static uint32_t bit_find_clear(const uint8_t *map, uint32_t from, uint32_t to)
{
	uint32_t i = from;

	while (i < to && (i & 7) != 0) {
		if (!bit_isset(map, i))
			return i;
		i++;
	}
	while (i + 8 <= to && map[i >> 3] == 0xff)
		i += 8;
	while (i < to && bit_isset(map, i))
		i++;
	return i;
}

static bool uninit_ok(const struct ext2_mount *em)
{
	return em->em_csum || em->em_gdt_csum;
}

/* Blocks at the start of group g taken by the superblock backup and the
 * descriptor table (and its reserve) or its meta_bg descriptor block. */
static uint32_t group_base_meta(const struct ext2_mount *em, uint32_t g)
{
	uint32_t n = ext2_group_has_super(em, g) ? 1 : 0;

	if (ext2_has_incompat(em, EXT2_FEATURE_INCOMPAT_META_BG)) {
		uint32_t dpb = em->em_descs_per_block;
		uint32_t mg = g / dpb, first = mg * dpb;

		if (mg >= em->em_sb.s_first_meta_bg) {
			if (g == first || g == first + 1 ||
			    g == first + dpb - 1)
				n++;
			return n;
		}
	}
	if (n != 0)
		n += em->em_gdb_count + em->em_sb.s_reserved_gdt_blocks;
	return n;
}

/* The bitmap of a BLOCK_UNINIT group: its own metadata, the padding. */
static void block_bitmap_init(struct ext2_mount *em, uint32_t g, uint8_t *map)
{
	struct ext2_gd *gd = ext2_gd(em, g);
	uint64_t first = ext2_group_first_block(em, g);
	uint32_t n = ext2_group_nblocks(em, g), i;
	uint64_t it = ext2_gd_inode_table(em, gd), b;
	uint64_t meta[2] = {ext2_gd_block_bitmap(em, gd),
			    ext2_gd_inode_bitmap(em, gd)};

	memset(map, 0, em->em_bsize);
	for (i = 0; i < group_base_meta(em, g) && i < n; i++)
		bit_set(map, i);
	for (i = 0; i < 2; i++)
		if (meta[i] >= first && meta[i] < first + n)
			bit_set(map, (uint32_t)(meta[i] - first));
	for (b = it; b < it + em->em_itb_per_group; b++)
		if (b >= first && b < first + n)
			bit_set(map, (uint32_t)(b - first));
	for (i = n; i < em->em_bsize * 8; i++)
		bit_set(map, i);
}

/* Group g's block bitmap, owned by the caller; *fresh if built here. */
static int block_bitmap_get(struct ext2_mount *em, uint32_t g, struct buf **bpp)
{
	struct ext2_gd *gd = ext2_gd(em, g);
	uint64_t blk = ext2_gd_block_bitmap(em, gd);
	int error;

	if (uninit_ok(em) && (gd->bg_flags & EXT2_BG_BLOCK_UNINIT)) {
		if ((error = ext2_getblk(em, blk, bpp)) != 0)
			return error;
		block_bitmap_init(em, g, (*bpp)->b_data);
		gd->bg_flags &= ~EXT2_BG_BLOCK_UNINIT;
		return 0;
	}
	if ((error = ext2_bread(em, blk, bpp)) != 0)
		return error;
	if (!(em->em_gflags[g] & GF_BB_OK)) {
		if (!ext2_gd_block_bitmap_csum_ok(em, gd, (*bpp)->b_data)) {
			brelse(*bpp);
			*bpp = NULL;
			return ext2_corrupt(em, "block bitmap of group", g);
		}
		em->em_gflags[g] |= GF_BB_OK;
	}
	return 0;
}

static int inode_bitmap_get(struct ext2_mount *em, uint32_t g, struct buf **bpp)
{
	struct ext2_gd *gd = ext2_gd(em, g);
	uint64_t blk = ext2_gd_inode_bitmap(em, gd);
	uint32_t i;
	int error;

	if (uninit_ok(em) && (gd->bg_flags & EXT2_BG_INODE_UNINIT)) {
		if ((error = ext2_getblk(em, blk, bpp)) != 0)
			return error;
		for (i = em->em_ipg; i < em->em_bsize * 8; i++)
			bit_set((*bpp)->b_data, i);
		gd->bg_flags &= ~EXT2_BG_INODE_UNINIT;
		return 0;
	}
	if ((error = ext2_bread(em, blk, bpp)) != 0)
		return error;
	if (!(em->em_gflags[g] & GF_IB_OK)) {
		if (!ext2_gd_inode_bitmap_csum_ok(em, gd, (*bpp)->b_data)) {
			brelse(*bpp);
			*bpp = NULL;
			return ext2_corrupt(em, "inode bitmap of group", g);
		}
		em->em_gflags[g] |= GF_IB_OK;
	}
	return 0;
}

/* Bitmap checksum into the descriptor, bitmap and descriptor out. */
static int block_bitmap_put(struct ext2_trans *tp, struct ext2_mount *em,
			    uint32_t g, struct buf *bp)
{
	ext2_gd_set_block_bitmap_csum(em, ext2_gd(em, g), bp->b_data);
	ext2_trans_dirty(tp, bp);
	return ext2_gd_write(tp, em, g);
}

static int inode_bitmap_put(struct ext2_trans *tp, struct ext2_mount *em,
			    uint32_t g, struct buf *bp)
{
	ext2_gd_set_inode_bitmap_csum(em, ext2_gd(em, g), bp->b_data);
	ext2_trans_dirty(tp, bp);
	return ext2_gd_write(tp, em, g);
}

/*
 * Whether the calling process may take the reserved blocks, as on Linux:
 * root, the superblock's reserve user, or a member of its reserve group
 * (unless that is group 0).  Kernel threads run as root.
 */
static bool alloc_may_use_reserve(struct ext2_mount *em)
{
	kauth_cred_t cred = cred_get(curproc);
	bool ok = cred_is_root(cred) ||
		  cred->cr_euid == em->em_sb.s_def_resuid ||
		  (em->em_sb.s_def_resgid != 0 &&
		   cred_groupmember(em->em_sb.s_def_resgid, cred));

	cred_free(cred);
	return ok;
}

int ext2_blkalloc_n(struct ext2_trans *tp, struct ext2_inode *ip, uint64_t goal,
		    uint32_t *countp, uint64_t *pblkp)
{
	struct ext2_mount *em = tp->t_em;
	uint32_t want = *countp, g0, k, start, n, bit, run;
	bool reserve_known = false, reserve_ok = false;
	uint64_t avail;
	struct buf *bp;
	int error = ENOSPC;

	if (want == 0)
		want = 1;
	if (goal < em->em_first_data_block || goal >= em->em_nblocks)
		goal = ip != NULL ? ext2_group_first_block(
					    em, (ip->i_number - 1) / em->em_ipg)
				  : em->em_first_data_block;
	g0 = (uint32_t)((goal - em->em_first_data_block) / em->em_bpg);
	for (;;) {
		mutex_enter(&em->em_lock);
		avail = em->em_free_blocks;
		/* Near the reserve: ask who is calling (not under em_lock). */
		if (reserve_known || avail > em->em_r_blocks + want)
			break;
		mutex_exit(&em->em_lock);
		reserve_ok = alloc_may_use_reserve(em);
		reserve_known = true;
	}
	if (!reserve_ok)
		avail -= MIN(avail, em->em_r_blocks);
	if (avail == 0)
		goto out;
	if (want > avail)
		want = (uint32_t)avail;
	for (k = 0; k <= em->em_ngroups; k++) {
		uint32_t g = (g0 + k) % em->em_ngroups;
		struct ext2_gd *gd = ext2_gd(em, g);

		if (ext2_gd_free_blocks(em, gd) == 0)
			continue;
		if ((error = block_bitmap_get(em, g, &bp)) != 0)
			goto out;
		n = ext2_group_nblocks(em, g);
		start = k == 0 ? (uint32_t)(goal -
					    ext2_group_first_block(em, g))
			       : 0;
		bit = bit_find_clear(bp->b_data, start, n);
		if (bit >= n && start > 0)
			bit = bit_find_clear(bp->b_data, 0, start);
		if (bit >= n) {
			/* The count said free, the bitmap full. */
			brelse(bp);
			error = ext2_corrupt(em, "free block count of group",
					     g);
			goto out;
		}
		for (run = 0; run < want && bit + run < n &&
			      !bit_isset(bp->b_data, bit + run);
		     run++)
			bit_set(bp->b_data, bit + run);
		ext2_gd_set_free_blocks(em, gd,
					ext2_gd_free_blocks(em, gd) - run);
		em->em_free_blocks -= run;
		*pblkp = ext2_group_first_block(em, g) + bit;
		*countp = run;
		error = block_bitmap_put(tp, em, g, bp);
		goto out;
	}
	error = ENOSPC;
out:
	mutex_exit(&em->em_lock);
	return error;
}

int ext2_blkalloc(struct ext2_trans *tp, struct ext2_inode *ip, uint64_t goal,
		  uint64_t *pblkp)
{
	uint32_t n = 1;

	return ext2_blkalloc_n(tp, ip, goal, &n, pblkp);
}

int ext2_blkfree(struct ext2_trans *tp, uint64_t pblk, uint32_t count,
		 bool metadata)
{
	struct ext2_mount *em = tp->t_em;
	int error = 0;

	if (pblk < em->em_first_data_block || pblk >= em->em_nblocks ||
	    count > em->em_nblocks - pblk)
		return ext2_corrupt(em, "freed block", pblk);
	mutex_enter(&em->em_lock);
	while (count > 0 && error == 0) {
		uint32_t g = (uint32_t)((pblk - em->em_first_data_block) /
					em->em_bpg);
		uint32_t bit = (uint32_t)(pblk - ext2_group_first_block(em, g));
		uint32_t n = ext2_group_nblocks(em, g), freed = 0;
		struct ext2_gd *gd = ext2_gd(em, g);
		struct buf *bp;

		if ((error = block_bitmap_get(em, g, &bp)) != 0)
			break;
		for (; count > 0 && bit < n; bit++, count--, pblk++) {
			if (!bit_isset(bp->b_data, bit)) {
				printf("ext2fs: freeing free block %llu\n",
				       (unsigned long long)pblk);
				continue;
			}
			bit_clr(bp->b_data, bit);
			freed++;
			if (metadata)
				ext2_trans_revoke(tp, pblk);
		}
		ext2_gd_set_free_blocks(em, gd,
					ext2_gd_free_blocks(em, gd) + freed);
		em->em_free_blocks += freed;
		error = block_bitmap_put(tp, em, g, bp);
	}
	mutex_exit(&em->em_lock);
	return error;
}

/* Directories spread over groups with room; files stay near the parent. */
static uint32_t ialloc_pick_group(struct ext2_mount *em, uint32_t pg, bool dir)
{
	uint32_t k, g, best = UINT32_MAX;
	uint64_t avg = em->em_free_inodes / em->em_ngroups;

	if (dir) {
		for (k = 1; k <= em->em_ngroups; k++) {
			struct ext2_gd *gd;

			g = (em->em_last_dir_group + k) % em->em_ngroups;
			gd = ext2_gd(em, g);
			if (ext2_gd_free_inodes(em, gd) > 0 &&
			    ext2_gd_free_inodes(em, gd) >= avg &&
			    ext2_gd_free_blocks(em, gd) > 0) {
				em->em_last_dir_group = g;
				return g;
			}
		}
	}
	for (k = 0; k < em->em_ngroups; k++) {
		g = (pg + k) % em->em_ngroups;
		if (ext2_gd_free_inodes(em, ext2_gd(em, g)) > 0) {
			if (ext2_gd_free_blocks(em, ext2_gd(em, g)) > 0)
				return g;
			if (best == UINT32_MAX)
				best = g;
		}
	}
	return best;
}

/* Takes a free inode number (dir: counted in used_dirs) under em_lock. */
static int ialloc_number(struct ext2_trans *tp, struct ext2_mount *em,
			 uint32_t pg, bool dir, uint32_t *inop)
{
	uint32_t g, bit, unused;
	struct ext2_gd *gd;
	struct buf *bp;
	int error;

	if (em->em_free_inodes == 0 ||
	    (g = ialloc_pick_group(em, pg, dir)) == UINT32_MAX)
		return ENOSPC;
	gd = ext2_gd(em, g);
	if ((error = inode_bitmap_get(em, g, &bp)) != 0)
		return error;
	bit = bit_find_clear(bp->b_data, g == 0 ? em->em_first_ino - 1 : 0,
			     em->em_ipg);
	if (bit >= em->em_ipg) {
		brelse(bp);
		return ext2_corrupt(em, "free inode count of group", g);
	}
	bit_set(bp->b_data, bit);
	ext2_gd_set_free_inodes(em, gd, ext2_gd_free_inodes(em, gd) - 1);
	if (dir)
		ext2_gd_set_used_dirs(em, gd, ext2_gd_used_dirs(em, gd) + 1);
	if (uninit_ok(em)) {
		unused = ext2_gd_itable_unused(em, gd);
		if (bit >= em->em_ipg - unused)
			ext2_gd_set_itable_unused(em, gd, em->em_ipg - bit - 1);
	}
	em->em_free_inodes--;
	*inop = g * em->em_ipg + bit + 1;
	return inode_bitmap_put(tp, em, g, bp);
}

/* An empty extent tree root in i_block (depth 0, room for 4). */
void ext2_inode_init_extents(struct ext2_dinode *di)
{
	struct ext4_extent_header *eh =
		(struct ext4_extent_header *)di->i_block;

	memset(di->i_block, 0, sizeof(di->i_block));
	eh->eh_magic = EXT4_EXT_MAGIC;
	eh->eh_entries = 0;
	eh->eh_max = (sizeof(di->i_block) - sizeof(*eh)) /
		     sizeof(struct ext4_extent);
	eh->eh_depth = 0;
	di->i_flags |= EXT4_EXTENTS_FL;
}

int ext2_ialloc(struct ext2_trans *tp, struct ext2_inode *dip, uint16_t mode,
		struct ext2_inode **ipp)
{
	struct ext2_mount *em = tp->t_em;
	bool dir = (mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
	struct ext2_dinode di;
	struct ext2_inode *ip;
	struct timespec now;
	struct vnode *vp;
	uint32_t ino = 0;
	int error;

	*ipp = NULL;
	mutex_enter(&em->em_lock);
	error = ialloc_number(tp, em, (dip->i_number - 1) / em->em_ipg, dir,
			      &ino);
	mutex_exit(&em->em_lock);
	if (error != 0)
		return error;
	memset(&di, 0, sizeof(di));
	di.i_mode = mode;
	di.i_generation = cprng_u32();
	di.i_flags = dip->i_flags & (EXT2_SYNC_FL | EXT2_NODUMP_FL |
				     EXT2_NOATIME_FL | EXT2_DIRSYNC_FL);
	if (em->em_extents && ((mode & EXT2_S_IFMT) == EXT2_S_IFREG || dir))
		ext2_inode_init_extents(&di);
	if (em->em_inode_size > EXT2_GOOD_OLD_INODE_SIZE) {
		uint32_t want = em->em_sb.s_want_extra_isize;

		if (want == 0 ||
		    want > em->em_inode_size - EXT2_GOOD_OLD_INODE_SIZE)
			want = EXT2_DEFAULT_EXTRA_ISIZE;
		if (want > em->em_inode_size - EXT2_GOOD_OLD_INODE_SIZE)
			want = em->em_inode_size - EXT2_GOOD_OLD_INODE_SIZE;
		di.i_extra_isize = (uint16_t)want;
	}
	vfs_timestamp(&now);
	if ((error = ext2_inode_write_raw(tp, em, ino, &di)) != 0)
		goto undo;
	if ((error = ext2_iget(em, ino, &vp)) != 0)
		goto undo;
	ip = VTOI(vp);
	if (ip->i_freed) {
		/* A cached vnode of the number's last owner. */
		if ((error = ext2_inode_reload(ip)) != 0) {
			vrele(vp);
			return error;
		}
	} else if (ip->i_din->i_generation != di.i_generation) {
		vrele(vp);
		return ext2_corrupt(em, "inode bitmap (inode in use)", ino);
	}
	ext2_itimes(ip, EXT2_IACC | EXT2_IMOD | EXT2_ICHG | EXT2_ICRT);
	if ((error = ext2_iupdate(tp, ip)) != 0) {
		vrele(vp);
		return error;
	}
	*ipp = ip;
	return 0;
undo:
	mutex_enter(&em->em_lock);
	ext2_inumber_free(tp, em, ino, dir);
	mutex_exit(&em->em_lock);
	return error;
}

/* Gives inode number ino back (em_lock held). */
int ext2_inumber_free(struct ext2_trans *tp, struct ext2_mount *em,
		      uint32_t ino, bool dir)
{
	uint32_t g = (ino - 1) / em->em_ipg, bit = (ino - 1) % em->em_ipg;
	struct ext2_gd *gd = ext2_gd(em, g);
	struct buf *bp;
	int error;

	if ((error = inode_bitmap_get(em, g, &bp)) != 0)
		return error;
	if (!bit_isset(bp->b_data, bit)) {
		brelse(bp);
		return ext2_corrupt(em, "freeing free inode", ino);
	}
	bit_clr(bp->b_data, bit);
	ext2_gd_set_free_inodes(em, gd, ext2_gd_free_inodes(em, gd) + 1);
	if (dir && ext2_gd_used_dirs(em, gd) > 0)
		ext2_gd_set_used_dirs(em, gd, ext2_gd_used_dirs(em, gd) - 1);
	em->em_free_inodes++;
	return inode_bitmap_put(tp, em, g, bp);
}

int ext2_ifree(struct ext2_trans *tp, struct ext2_inode *ip)
{
	struct ext2_mount *em = tp->t_em;
	int error;

	mutex_enter(&em->em_lock);
	error = ext2_inumber_free(tp, em, ip->i_number, ext2_isdir(ip));
	if (error == 0)
		ip->i_freed = true;
	mutex_exit(&em->em_lock);
	return error;
}
