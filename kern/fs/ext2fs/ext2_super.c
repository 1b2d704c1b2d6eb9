/*
 * ext2_super.c -- the superblock and the group descriptor table in memory:
 * validation of a superblock read from an untrusted image (features,
 * geometry, counts), the derived geometry in struct ext2_mount, accessors
 * for descriptor fields split into 32-bit halves, and where superblock
 * backups and descriptor blocks live (sparse_super, sparse_super2,
 * meta_bg).  No I/O here: ext2_sbio.c reads and writes.
 */
#include <sys/errno.h>
#include <sys/systm.h>

#include "ext2fs.h"

struct feature_name {
	uint32_t bit;
	const char *name;
};

static const struct feature_name incompat_names[] = {
	{EXT2_FEATURE_INCOMPAT_COMPRESSION, "compression"},
	{EXT2_FEATURE_INCOMPAT_FILETYPE, "filetype"},
	{EXT3_FEATURE_INCOMPAT_RECOVER, "needs_recovery"},
	{EXT3_FEATURE_INCOMPAT_JOURNAL_DEV, "journal_dev"},
	{EXT2_FEATURE_INCOMPAT_META_BG, "meta_bg"},
	{EXT4_FEATURE_INCOMPAT_EXTENTS, "extent"},
	{EXT4_FEATURE_INCOMPAT_64BIT, "64bit"},
	{EXT4_FEATURE_INCOMPAT_MMP, "mmp"},
	{EXT4_FEATURE_INCOMPAT_FLEX_BG, "flex_bg"},
	{EXT4_FEATURE_INCOMPAT_EA_INODE, "ea_inode"},
	{EXT4_FEATURE_INCOMPAT_DIRDATA, "dirdata"},
	{EXT4_FEATURE_INCOMPAT_CSUM_SEED, "metadata_csum_seed"},
	{EXT4_FEATURE_INCOMPAT_LARGEDIR, "large_dir"},
	{EXT4_FEATURE_INCOMPAT_INLINE_DATA, "inline_data"},
	{EXT4_FEATURE_INCOMPAT_ENCRYPT, "encrypt"},
	{EXT4_FEATURE_INCOMPAT_CASEFOLD, "casefold"},
	{0, NULL},
};

static const struct feature_name ro_compat_names[] = {
	{EXT4_FEATURE_RO_COMPAT_QUOTA, "quota"},
	{EXT4_FEATURE_RO_COMPAT_BIGALLOC, "bigalloc"},
	{EXT4_FEATURE_RO_COMPAT_READONLY, "read-only"},
	{EXT4_FEATURE_RO_COMPAT_PROJECT, "project"},
	{EXT4_FEATURE_RO_COMPAT_VERITY, "verity"},
	{EXT4_FEATURE_RO_COMPAT_ORPHAN_PRESENT, "orphan_present"},
	{0x0080, "snapshot"},
	{0x0800, "replica"},
	{0x4000, "shared_blocks"},
	{0, NULL},
};

/* Prints "ext2fs: <what> feature <names>" for every bit in bits. */
static void feature_report(const char *what, const struct feature_name *tab,
			   uint32_t bits, const char *consequence)
{
	const struct feature_name *f;
	uint32_t b;

	for (b = 1; b != 0; b <<= 1) {
		const char *name = NULL;

		if ((bits & b) == 0)
			continue;
		for (f = tab; f->name != NULL; f++)
			if (f->bit == b)
				name = f->name;
		if (name != NULL)
			printf("ext2fs: unsupported %s feature %s (0x%x): %s\n",
			       what, name, b, consequence);
		else
			printf("ext2fs: unknown %s feature 0x%x: %s\n", what, b,
			       consequence);
	}
}

static bool is_pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

int ext2_sb_check(const struct ext2_super *sb, bool ronly, bool *force_ronly)
{
	uint32_t bsize, isize, incompat, rocompat, ngroups, dsize;
	uint64_t nblocks;

	*force_ronly = false;
	if (sb->s_magic != EXT2_SUPER_MAGIC) {
		printf("ext2fs: no ext2/3/4 superblock (magic 0x%x)\n",
		       sb->s_magic);
		return EINVAL;
	}
	if (sb->s_rev_level > EXT2_DYNAMIC_REV) {
		printf("ext2fs: revision %u not supported\n", sb->s_rev_level);
		return EINVAL;
	}
	if (sb->s_log_block_size > EXT2_MAX_BLOCK_LOG - EXT2_MIN_BLOCK_LOG) {
		printf("ext2fs: bad block size (log %u)\n",
		       sb->s_log_block_size);
		return EINVAL;
	}
	bsize = 1024u << sb->s_log_block_size;
	incompat = sb->s_rev_level == EXT2_GOOD_OLD_REV
			   ? 0
			   : sb->s_feature_incompat;
	rocompat = sb->s_rev_level == EXT2_GOOD_OLD_REV
			   ? 0
			   : sb->s_feature_ro_compat;
	if (incompat & ~EXT2_INCOMPAT_SUPPORTED) {
		feature_report("incompat", incompat_names,
			       incompat & ~EXT2_INCOMPAT_SUPPORTED,
			       "cannot mount");
		return EINVAL;
	}
	if (rocompat & ~EXT2_RO_COMPAT_SUPPORTED) {
		feature_report("ro_compat", ro_compat_names,
			       rocompat & ~EXT2_RO_COMPAT_SUPPORTED,
			       ronly ? "mounting read-only"
				     : "read-only mounts only");
		if (!ronly)
			return EROFS;
		*force_ronly = true;
	}
	if ((rocompat & EXT4_FEATURE_RO_COMPAT_METADATA_CSUM) &&
	    sb->s_checksum_type != EXT4_CRC32C_CHKSUM) {
		printf("ext2fs: unknown checksum type %u\n",
		       sb->s_checksum_type);
		return EINVAL;
	}
	if ((rocompat & EXT4_FEATURE_RO_COMPAT_METADATA_CSUM) &&
	    !ext2_sb_csum_ok(sb)) {
		printf("ext2fs: superblock checksum mismatch\n");
		return EIO;
	}
	if (sb->s_log_cluster_size != sb->s_log_block_size &&
	    !(rocompat & EXT4_FEATURE_RO_COMPAT_BIGALLOC)) {
		printf("ext2fs: cluster size differs from block size\n");
		return EINVAL;
	}
	isize = sb->s_rev_level == EXT2_GOOD_OLD_REV ? EXT2_GOOD_OLD_INODE_SIZE
						     : sb->s_inode_size;
	if (isize < EXT2_GOOD_OLD_INODE_SIZE || !is_pow2(isize) ||
	    isize > bsize) {
		printf("ext2fs: bad inode size %u\n", isize);
		return EINVAL;
	}
	if (isize > EXT2_GOOD_OLD_INODE_SIZE &&
	    (sb->s_min_extra_isize > isize - EXT2_GOOD_OLD_INODE_SIZE ||
	     sb->s_want_extra_isize > isize - EXT2_GOOD_OLD_INODE_SIZE)) {
		printf("ext2fs: bad extra inode size\n");
		return EINVAL;
	}
	if (sb->s_blocks_per_group == 0 || sb->s_blocks_per_group > 8 * bsize ||
	    sb->s_inodes_per_group == 0 || sb->s_inodes_per_group > 8 * bsize ||
	    sb->s_inodes_per_group % (bsize / isize) != 0 ||
	    sb->s_inodes_per_group % 8 != 0 ||
	    sb->s_clusters_per_group != sb->s_blocks_per_group) {
		printf("ext2fs: bad group geometry\n");
		return EINVAL;
	}
	nblocks = sb->s_blocks_count_lo;
	if (incompat & EXT4_FEATURE_INCOMPAT_64BIT) {
		nblocks |= (uint64_t)sb->s_blocks_count_hi << 32;
		dsize = sb->s_desc_size;
		if (dsize < EXT2_MIN_DESC_SIZE_64BIT ||
		    dsize > EXT2_MAX_DESC_SIZE || !is_pow2(dsize) ||
		    dsize > bsize) {
			printf("ext2fs: bad descriptor size %u\n", dsize);
			return EINVAL;
		}
	}
	if (sb->s_first_data_block != (bsize == 1024 ? 1u : 0u) ||
	    nblocks <= sb->s_first_data_block || nblocks >> 48 != 0) {
		printf("ext2fs: bad block count or first data block\n");
		return EINVAL;
	}
	ngroups = (uint32_t)((nblocks - sb->s_first_data_block +
			      sb->s_blocks_per_group - 1) /
			     sb->s_blocks_per_group);
	if ((uint64_t)ngroups * sb->s_inodes_per_group != sb->s_inodes_count) {
		printf("ext2fs: inode count %u does not match %u groups\n",
		       sb->s_inodes_count, ngroups);
		return EINVAL;
	}
	if (sb->s_rev_level != EXT2_GOOD_OLD_REV &&
	    (sb->s_first_ino < EXT2_GOOD_OLD_FIRST_INO ||
	     sb->s_first_ino > sb->s_inodes_count)) {
		printf("ext2fs: bad first inode %u\n", sb->s_first_ino);
		return EINVAL;
	}
	if ((incompat & EXT4_FEATURE_INCOMPAT_FLEX_BG) &&
	    sb->s_log_groups_per_flex > 31) {
		printf("ext2fs: bad flex_bg size\n");
		return EINVAL;
	}
	return 0;
}

int ext2_sb_geometry(struct ext2_mount *em)
{
	struct ext2_super *sb = &em->em_sb;
	bool rev0 = sb->s_rev_level == EXT2_GOOD_OLD_REV;

	em->em_bsize = 1024u << sb->s_log_block_size;
	em->em_bshift = EXT2_MIN_BLOCK_LOG + sb->s_log_block_size;
	em->em_fsbtodb = em->em_bshift - 9;
	em->em_nblocks = sb->s_blocks_count_lo;
	em->em_r_blocks = sb->s_r_blocks_count_lo;
	em->em_free_blocks = sb->s_free_blocks_count_lo;
	if (ext2_has_incompat(em, EXT4_FEATURE_INCOMPAT_64BIT)) {
		em->em_nblocks |= (uint64_t)sb->s_blocks_count_hi << 32;
		em->em_r_blocks |= (uint64_t)sb->s_r_blocks_count_hi << 32;
		em->em_free_blocks |= (uint64_t)sb->s_free_blocks_count_hi
				      << 32;
		em->em_desc_size = sb->s_desc_size;
	} else {
		em->em_desc_size = EXT2_MIN_DESC_SIZE;
	}
	em->em_free_inodes = sb->s_free_inodes_count;
	em->em_first_data_block = sb->s_first_data_block;
	em->em_bpg = sb->s_blocks_per_group;
	em->em_ipg = sb->s_inodes_per_group;
	em->em_ngroups = (uint32_t)((em->em_nblocks - em->em_first_data_block +
				     em->em_bpg - 1) /
				    em->em_bpg);
	em->em_inode_size = rev0 ? EXT2_GOOD_OLD_INODE_SIZE : sb->s_inode_size;
	em->em_first_ino = rev0 ? EXT2_GOOD_OLD_FIRST_INO : sb->s_first_ino;
	em->em_inodes_per_block = em->em_bsize / em->em_inode_size;
	em->em_itb_per_group = em->em_ipg / em->em_inodes_per_block;
	em->em_descs_per_block = em->em_bsize / em->em_desc_size;
	em->em_gdb_count = (em->em_ngroups + em->em_descs_per_block - 1) /
			   em->em_descs_per_block;
	em->em_addr_per_block = em->em_bsize / 4;
	em->em_csum =
		!rev0 &&
		ext2_has_ro_compat(em, EXT4_FEATURE_RO_COMPAT_METADATA_CSUM);
	em->em_gdt_csum =
		!rev0 && !em->em_csum &&
		ext2_has_ro_compat(em, EXT4_FEATURE_RO_COMPAT_GDT_CSUM);
	em->em_extents =
		!rev0 && ext2_has_incompat(em, EXT4_FEATURE_INCOMPAT_EXTENTS);
	em->em_flexbg_size =
		ext2_has_incompat(em, EXT4_FEATURE_INCOMPAT_FLEX_BG)
			? 1u << sb->s_log_groups_per_flex
			: 1;
	if (ext2_has_incompat(em, EXT4_FEATURE_INCOMPAT_CSUM_SEED))
		em->em_csum_seed = sb->s_checksum_seed;
	else
		em->em_csum_seed = crc32c(~0u, sb->s_uuid, sizeof(sb->s_uuid));
	return 0;
}

struct ext2_gd *ext2_gd(struct ext2_mount *em, uint32_t g)
{
	return (struct ext2_gd *)(em->em_gd + (size_t)g * em->em_desc_size);
}

static bool gd64(const struct ext2_mount *em)
{
	return em->em_desc_size >= EXT2_MIN_DESC_SIZE_64BIT;
}

uint64_t ext2_gd_block_bitmap(const struct ext2_mount *em,
			      const struct ext2_gd *gd)
{
	return gd->bg_block_bitmap_lo |
	       (gd64(em) ? (uint64_t)gd->bg_block_bitmap_hi << 32 : 0);
}

uint64_t ext2_gd_inode_bitmap(const struct ext2_mount *em,
			      const struct ext2_gd *gd)
{
	return gd->bg_inode_bitmap_lo |
	       (gd64(em) ? (uint64_t)gd->bg_inode_bitmap_hi << 32 : 0);
}

uint64_t ext2_gd_inode_table(const struct ext2_mount *em,
			     const struct ext2_gd *gd)
{
	return gd->bg_inode_table_lo |
	       (gd64(em) ? (uint64_t)gd->bg_inode_table_hi << 32 : 0);
}

uint32_t ext2_gd_free_blocks(const struct ext2_mount *em,
			     const struct ext2_gd *gd)
{
	return gd->bg_free_blocks_count_lo |
	       (gd64(em) ? (uint32_t)gd->bg_free_blocks_count_hi << 16 : 0);
}

uint32_t ext2_gd_free_inodes(const struct ext2_mount *em,
			     const struct ext2_gd *gd)
{
	return gd->bg_free_inodes_count_lo |
	       (gd64(em) ? (uint32_t)gd->bg_free_inodes_count_hi << 16 : 0);
}

uint32_t ext2_gd_used_dirs(const struct ext2_mount *em,
			   const struct ext2_gd *gd)
{
	return gd->bg_used_dirs_count_lo |
	       (gd64(em) ? (uint32_t)gd->bg_used_dirs_count_hi << 16 : 0);
}

uint32_t ext2_gd_itable_unused(const struct ext2_mount *em,
			       const struct ext2_gd *gd)
{
	return gd->bg_itable_unused_lo |
	       (gd64(em) ? (uint32_t)gd->bg_itable_unused_hi << 16 : 0);
}

void ext2_gd_set_free_blocks(const struct ext2_mount *em, struct ext2_gd *gd,
			     uint32_t n)
{
	gd->bg_free_blocks_count_lo = (uint16_t)n;
	if (gd64(em))
		gd->bg_free_blocks_count_hi = (uint16_t)(n >> 16);
}

void ext2_gd_set_free_inodes(const struct ext2_mount *em, struct ext2_gd *gd,
			     uint32_t n)
{
	gd->bg_free_inodes_count_lo = (uint16_t)n;
	if (gd64(em))
		gd->bg_free_inodes_count_hi = (uint16_t)(n >> 16);
}

void ext2_gd_set_used_dirs(const struct ext2_mount *em, struct ext2_gd *gd,
			   uint32_t n)
{
	gd->bg_used_dirs_count_lo = (uint16_t)n;
	if (gd64(em))
		gd->bg_used_dirs_count_hi = (uint16_t)(n >> 16);
}

void ext2_gd_set_itable_unused(const struct ext2_mount *em, struct ext2_gd *gd,
			       uint32_t n)
{
	gd->bg_itable_unused_lo = (uint16_t)n;
	if (gd64(em))
		gd->bg_itable_unused_hi = (uint16_t)(n >> 16);
}

static bool is_power_of(uint32_t n, uint32_t base)
{
	while (n > 1 && n % base == 0)
		n /= base;
	return n == 1;
}

bool ext2_group_has_super(const struct ext2_mount *em, uint32_t g)
{
	if (g == 0)
		return true;
	if (ext2_has_compat(em, EXT2_FEATURE_COMPAT_SPARSE_SUPER2))
		return g == em->em_sb.s_backup_bgs[0] ||
		       g == em->em_sb.s_backup_bgs[1];
	if (g == 1 || em->em_sb.s_rev_level == EXT2_GOOD_OLD_REV ||
	    !ext2_has_ro_compat(em, EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER))
		return true;
	return is_power_of(g, 3) || is_power_of(g, 5) || is_power_of(g, 7);
}

uint64_t ext2_group_first_block(const struct ext2_mount *em, uint32_t g)
{
	return em->em_first_data_block + (uint64_t)g * em->em_bpg;
}

uint32_t ext2_group_nblocks(const struct ext2_mount *em, uint32_t g)
{
	if (g + 1 < em->em_ngroups)
		return em->em_bpg;
	return (uint32_t)(em->em_nblocks - ext2_group_first_block(em, g));
}

uint64_t ext2_gd_block_location(const struct ext2_mount *em, uint32_t i)
{
	uint32_t g;

	if (!ext2_has_incompat(em, EXT2_FEATURE_INCOMPAT_META_BG) ||
	    i < em->em_sb.s_first_meta_bg)
		return em->em_first_data_block + 1 + i;
	g = i * em->em_descs_per_block;
	return ext2_group_first_block(em, g) +
	       (ext2_group_has_super(em, g) ? 1 : 0);
}

int ext2_corrupt(struct ext2_mount *em, const char *what, uint64_t where)
{
	printf("ext2fs: %s: corrupted %s (%llu)\n",
	       em->em_mp != NULL ? em->em_mp->mnt_stat_mntfromname : "?", what,
	       (unsigned long long)where);
	return EIO;
}
