/*
 * ext2_csum.c -- metadata checksums: the superblock, group descriptors
 * (crc32c with metadata_csum, crc16 with uninit_bg), block and inode
 * bitmaps, inodes and extent tree blocks.  Pure functions of their input
 * and the mount's seed; callers verify after reading and set before
 * ext2_trans_dirty.  Layouts follow the ext4 on-disk format description.
 */
#include <sys/systm.h>

#include "ext2fs.h"

#define SB_CSUM_OFF __builtin_offsetof(struct ext2_super, s_checksum)
#define GD_CSUM_OFF __builtin_offsetof(struct ext2_gd, bg_checksum)
#define INO_CSUM_LO_OFF __builtin_offsetof(struct ext2_dinode, i_checksum_lo)
#define INO_CSUM_HI_OFF __builtin_offsetof(struct ext2_dinode, i_checksum_hi)
#define BG_BLOCK_BITMAP_CSUM_HI_END 0x3C
#define BG_INODE_BITMAP_CSUM_HI_END 0x3A

/* Whether i_extra_isize covers i_checksum_hi. */
static bool inode_has_csum_hi(const struct ext2_mount *em,
			      const struct ext2_dinode *di)
{
	return em->em_inode_size > EXT2_GOOD_OLD_INODE_SIZE &&
	       di->i_extra_isize >= 4 &&
	       (uint32_t)di->i_extra_isize <=
		       em->em_inode_size - EXT2_GOOD_OLD_INODE_SIZE;
}

static uint32_t crc32c_le32(uint32_t crc, uint32_t v)
{
	return crc32c(crc, &v, sizeof(v));
}

bool ext2_sb_csum_ok(const struct ext2_super *sb)
{
	return crc32c(~0u, sb, SB_CSUM_OFF) == sb->s_checksum;
}

void ext2_sb_csum_set(struct ext2_super *sb)
{
	sb->s_checksum = crc32c(~0u, sb, SB_CSUM_OFF);
}

uint16_t ext2_gd_csum(const struct ext2_mount *em, uint32_t g,
		      const struct ext2_gd *gd)
{
	static const uint8_t zero[2];
	const uint8_t *p = (const uint8_t *)gd;
	size_t rest = em->em_desc_size - (GD_CSUM_OFF + 2);

	if (em->em_csum) {
		uint32_t crc = crc32c_le32(em->em_csum_seed, g);

		crc = crc32c(crc, p, GD_CSUM_OFF);
		crc = crc32c(crc, zero, sizeof(zero));
		if (rest > 0)
			crc = crc32c(crc, p + GD_CSUM_OFF + 2, rest);
		return (uint16_t)(crc & 0xffff);
	}
	if (em->em_gdt_csum) {
		uint16_t crc = crc16(0xffff, em->em_sb.s_uuid, 16);

		crc = crc16(crc, &g, sizeof(g));
		crc = crc16(crc, p, GD_CSUM_OFF);
		if (rest > 0 &&
		    ext2_has_incompat(em, EXT4_FEATURE_INCOMPAT_64BIT))
			crc = crc16(crc, p + GD_CSUM_OFF + 2, rest);
		return crc;
	}
	return 0;
}

static uint32_t bitmap_csum(const struct ext2_mount *em, const void *bitmap,
			    uint32_t bits)
{
	return crc32c(em->em_csum_seed, bitmap, bits / 8);
}

void ext2_gd_set_block_bitmap_csum(struct ext2_mount *em, struct ext2_gd *gd,
				   const void *bitmap)
{
	uint32_t c;

	if (!em->em_csum)
		return;
	c = bitmap_csum(em, bitmap, em->em_sb.s_clusters_per_group);
	gd->bg_block_bitmap_csum_lo = (uint16_t)c;
	if (em->em_desc_size >= BG_BLOCK_BITMAP_CSUM_HI_END)
		gd->bg_block_bitmap_csum_hi = (uint16_t)(c >> 16);
}

void ext2_gd_set_inode_bitmap_csum(struct ext2_mount *em, struct ext2_gd *gd,
				   const void *bitmap)
{
	uint32_t c;

	if (!em->em_csum)
		return;
	c = bitmap_csum(em, bitmap, em->em_ipg);
	gd->bg_inode_bitmap_csum_lo = (uint16_t)c;
	if (em->em_desc_size >= BG_INODE_BITMAP_CSUM_HI_END)
		gd->bg_inode_bitmap_csum_hi = (uint16_t)(c >> 16);
}

bool ext2_gd_block_bitmap_csum_ok(struct ext2_mount *em,
				  const struct ext2_gd *gd, const void *bitmap)
{
	uint32_t c;

	if (!em->em_csum)
		return true;
	c = bitmap_csum(em, bitmap, em->em_sb.s_clusters_per_group);
	if (gd->bg_block_bitmap_csum_lo != (uint16_t)c)
		return false;
	return em->em_desc_size < BG_BLOCK_BITMAP_CSUM_HI_END ||
	       gd->bg_block_bitmap_csum_hi == (uint16_t)(c >> 16);
}

bool ext2_gd_inode_bitmap_csum_ok(struct ext2_mount *em,
				  const struct ext2_gd *gd, const void *bitmap)
{
	uint32_t c;

	if (!em->em_csum)
		return true;
	c = bitmap_csum(em, bitmap, em->em_ipg);
	if (gd->bg_inode_bitmap_csum_lo != (uint16_t)c)
		return false;
	return em->em_desc_size < BG_INODE_BITMAP_CSUM_HI_END ||
	       gd->bg_inode_bitmap_csum_hi == (uint16_t)(c >> 16);
}

/*
 * The checksum covers the whole on-disk inode with its checksum fields
 * read as zero; the high half only exists when i_extra_isize covers it.
 */
uint32_t ext2_inode_csum(const struct ext2_mount *em, uint32_t ino,
			 const void *raw)
{
	static const uint8_t zero[2];
	const struct ext2_dinode *di = raw;
	const uint8_t *p = raw;
	uint32_t size = em->em_inode_size, crc;
	bool has_hi = inode_has_csum_hi(em, di);

	crc = crc32c_le32(em->em_csum_seed, ino);
	crc = crc32c_le32(crc, di->i_generation);
	crc = crc32c(crc, p, INO_CSUM_LO_OFF);
	crc = crc32c(crc, zero, 2);
	crc = crc32c(crc, p + INO_CSUM_LO_OFF + 2,
		     EXT2_GOOD_OLD_INODE_SIZE - (INO_CSUM_LO_OFF + 2));
	if (size <= EXT2_GOOD_OLD_INODE_SIZE)
		return crc;
	if (has_hi) {
		crc = crc32c(crc, p + EXT2_GOOD_OLD_INODE_SIZE,
			     INO_CSUM_HI_OFF - EXT2_GOOD_OLD_INODE_SIZE);
		crc = crc32c(crc, zero, 2);
		crc = crc32c(crc, p + INO_CSUM_HI_OFF + 2,
			     size - (INO_CSUM_HI_OFF + 2));
	} else {
		crc = crc32c(crc, p + EXT2_GOOD_OLD_INODE_SIZE,
			     size - EXT2_GOOD_OLD_INODE_SIZE);
	}
	return crc;
}

/* Whether the raw inode's checksum fields hold ext2_inode_csum. */
bool ext2_inode_csum_ok(const struct ext2_mount *em, uint32_t ino,
			const void *raw)
{
	const struct ext2_dinode *di = raw;
	uint32_t c = ext2_inode_csum(em, ino, raw);
	bool has_hi = inode_has_csum_hi(em, di);

	if (!em->em_csum)
		return true;
	if (di->i_checksum_lo != (uint16_t)c)
		return false;
	return !has_hi || di->i_checksum_hi == (uint16_t)(c >> 16);
}

void ext2_inode_csum_set(const struct ext2_mount *em, uint32_t ino, void *raw)
{
	struct ext2_dinode *di = raw;
	uint32_t c;
	bool has_hi = inode_has_csum_hi(em, di);

	if (!em->em_csum)
		return;
	c = ext2_inode_csum(em, ino, raw);
	di->i_checksum_lo = (uint16_t)c;
	if (has_hi)
		di->i_checksum_hi = (uint16_t)(c >> 16);
}

uint32_t ext2_inode_seed(const struct ext2_mount *em, uint32_t ino,
			 uint32_t generation)
{
	return crc32c_le32(crc32c_le32(em->em_csum_seed, ino), generation);
}

/* The tail follows eh_max entries; a block too small for it is bad. */
static struct ext4_extent_tail *extent_tail(const struct ext2_mount *em,
					    void *block)
{
	struct ext4_extent_header *eh = block;
	size_t off = sizeof(*eh) + (size_t)eh->eh_max * 12;

	if (off + sizeof(struct ext4_extent_tail) > em->em_bsize)
		return NULL;
	return (struct ext4_extent_tail *)((uint8_t *)block + off);
}

bool ext2_extent_csum_ok(const struct ext2_inode *ip, void *block)
{
	struct ext4_extent_tail *et;
	size_t off;

	if (!ip->i_mount->em_csum)
		return true;
	if ((et = extent_tail(ip->i_mount, block)) == NULL)
		return false;
	off = (size_t)((uint8_t *)et - (uint8_t *)block);
	return crc32c(ip->i_csum_seed, block, off) == et->et_checksum;
}

void ext2_extent_csum_set(const struct ext2_inode *ip, void *block)
{
	struct ext4_extent_tail *et;
	size_t off;

	if (!ip->i_mount->em_csum)
		return;
	if ((et = extent_tail(ip->i_mount, block)) == NULL)
		return;
	off = (size_t)((uint8_t *)et - (uint8_t *)block);
	et->et_checksum = crc32c(ip->i_csum_seed, block, off);
}

/* Extended attribute block: seed, the block number (64-bit), the block
 * with h_checksum zero. */
uint32_t ext2_xattr_block_csum(const struct ext2_mount *em, uint64_t pblk,
			       const void *block)
{
	static const uint8_t zero[4];
	const uint8_t *p = block;
	size_t off = __builtin_offsetof(struct ext2_xattr_header, h_checksum);
	uint32_t crc;

	crc = crc32c(em->em_csum_seed, &pblk, sizeof(pblk));
	crc = crc32c(crc, p, off);
	crc = crc32c(crc, zero, sizeof(zero));
	return crc32c(crc, p + off + 4, em->em_bsize - off - 4);
}
