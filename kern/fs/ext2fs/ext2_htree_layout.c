/*
 * ext2_htree_layout.c -- the blocks of an ext2/3/4 hash tree as bytes:
 * parsing and checking a dx_root or dx_node (info length, hash version,
 * depth, count and limit against the block size and the checksum tail),
 * reading and writing dx_entries, the binary search for a hash, and
 * setting up fresh root and node blocks.  No I/O; callers own the buffer.
 */
#include <sys/systm.h>

#include "ext2_dir.h"

uint32_t ext2_dx_limit(uint32_t bsize, uint32_t cloff, bool csum)
{
	uint32_t n = (bsize - cloff) / EXT2_DX_ENTRY_SIZE;

	return csum ? n - 1 : n; /* the tail takes one entry's room */
}

static int dx_parse_entries(uint8_t *data, uint32_t bsize, bool csum,
			    uint32_t cloff, struct ext2_dx_block *xb)
{
	uint32_t limit = ext2_dir_get16(data + cloff);
	uint32_t count = ext2_dir_get16(data + cloff + 2);

	if (limit != ext2_dx_limit(bsize, cloff, csum) || count == 0 ||
	    count > limit)
		return EIO;
	xb->x_data = data;
	xb->x_cloff = cloff;
	xb->x_count = count;
	xb->x_limit = limit;
	return 0;
}

int ext2_dx_root_parse(uint8_t *data, uint32_t bsize, bool csum, int maxlevels,
		       int *hashverp, int *levelsp, struct ext2_dx_block *xb)
{
	uint32_t dotlen = ext2_dir_reclen_get(data, bsize);

	/* "." of 12 bytes, ".." covering the rest. */
	if (dotlen != 12 || data[EXT2_DIRENT_NAMELEN] != 1 ||
	    data[EXT2_DIRENT_NAME] != '.' ||
	    ext2_dir_reclen_get(data + 12, bsize) != bsize - 12 ||
	    data[12 + EXT2_DIRENT_NAMELEN] != 2)
		return EIO;
	if (ext2_dir_get32(data + EXT2_DX_ROOT_INFO) != 0 ||
	    data[EXT2_DX_INFO_LEN] != 8 ||
	    data[EXT2_DX_INFO_LEVELS] >= maxlevels)
		return EIO;
	*hashverp = data[EXT2_DX_INFO_HASHVER];
	*levelsp = data[EXT2_DX_INFO_LEVELS];
	return dx_parse_entries(data, bsize, csum, EXT2_DX_ROOT_ENTRIES, xb);
}

int ext2_dx_node_parse(uint8_t *data, uint32_t bsize, bool csum,
		       struct ext2_dx_block *xb)
{
	/* A fake empty entry covering the whole block. */
	if (ext2_dir_get32(data) != 0 ||
	    ext2_dir_reclen_get(data, bsize) != bsize ||
	    data[EXT2_DIRENT_NAMELEN] != 0)
		return EIO;
	return dx_parse_entries(data, bsize, csum, EXT2_DX_NODE_ENTRIES, xb);
}

uint32_t ext2_dx_hash_at(const struct ext2_dx_block *xb, uint32_t i)
{
	if (i == 0)
		return 0;
	return ext2_dir_get32(xb->x_data + xb->x_cloff +
			      i * EXT2_DX_ENTRY_SIZE);
}

uint32_t ext2_dx_block_at(const struct ext2_dx_block *xb, uint32_t i)
{
	return ext2_dir_get32(xb->x_data + xb->x_cloff +
			      i * EXT2_DX_ENTRY_SIZE + 4);
}

void ext2_dx_set(struct ext2_dx_block *xb, uint32_t i, uint32_t hash,
		 uint32_t blk)
{
	uint8_t *e = xb->x_data + xb->x_cloff + i * EXT2_DX_ENTRY_SIZE;

	if (i != 0) /* entry 0's hash field is count and limit */
		ext2_dir_put32(e, hash);
	ext2_dir_put32(e + 4, blk);
}

void ext2_dx_set_count(struct ext2_dx_block *xb, uint32_t count)
{
	xb->x_count = count;
	ext2_dir_put16(xb->x_data + xb->x_cloff + 2, (uint16_t)count);
}

uint32_t ext2_dx_search(const struct ext2_dx_block *xb, uint32_t hash)
{
	uint32_t lo = 1, hi = xb->x_count; /* entry 0 covers hash 0.. */

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (ext2_dx_hash_at(xb, mid) > hash)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo - 1;
}

static void dx_init_entries(uint8_t *data, uint32_t bsize, bool csum,
			    uint32_t cloff, struct ext2_dx_block *xb)
{
	uint32_t limit = ext2_dx_limit(bsize, cloff, csum);

	ext2_dir_put16(data + cloff, (uint16_t)limit);
	ext2_dir_put16(data + cloff + 2, 0);
	xb->x_data = data;
	xb->x_cloff = cloff;
	xb->x_count = 0;
	xb->x_limit = limit;
}

void ext2_dx_root_init(uint8_t *data, uint32_t bsize, bool csum,
		       uint32_t dirino, uint32_t parentino, bool filetype,
		       int hashver, struct ext2_dx_block *xb)
{
	memset(data, 0, bsize);
	ext2_dir_put32(data, dirino);
	ext2_dir_reclen_put(data, 12, bsize);
	data[EXT2_DIRENT_NAMELEN] = 1;
	data[EXT2_DIRENT_TYPE] = filetype ? EXT2_DIR_FT_DIR : 0;
	data[EXT2_DIRENT_NAME] = '.';
	ext2_dir_put32(data + 12, parentino);
	ext2_dir_reclen_put(data + 12, bsize - 12, bsize);
	data[12 + EXT2_DIRENT_NAMELEN] = 2;
	data[12 + EXT2_DIRENT_TYPE] = filetype ? EXT2_DIR_FT_DIR : 0;
	data[12 + EXT2_DIRENT_NAME] = '.';
	data[12 + EXT2_DIRENT_NAME + 1] = '.';
	data[EXT2_DX_INFO_HASHVER] = (uint8_t)hashver;
	data[EXT2_DX_INFO_LEN] = 8;
	data[EXT2_DX_INFO_LEVELS] = 0;
	dx_init_entries(data, bsize, csum, EXT2_DX_ROOT_ENTRIES, xb);
}

void ext2_dx_node_init(uint8_t *data, uint32_t bsize, bool csum,
		       struct ext2_dx_block *xb)
{
	memset(data, 0, bsize);
	ext2_dir_reclen_put(data, bsize, bsize);
	dx_init_entries(data, bsize, csum, EXT2_DX_NODE_ENTRIES, xb);
}
