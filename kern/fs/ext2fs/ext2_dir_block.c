/*
 * ext2_dir_block.c -- one directory block as bytes: decoding and checking
 * its records, finding a name, finding room for a new record and putting
 * it there, removing a record (merged into its predecessor), and the
 * metadata_csum tail with its checksum.  No I/O and no locking: callers
 * own the buffer.  A record that would make any of these read outside
 * the block is reported corrupt (EIO with a console message) instead.
 */
#include <sys/systm.h>

#include "ext2_dir.h"

uint32_t ext2_dir_reclen_get(const uint8_t *rec, uint32_t bsize)
{
	uint32_t len = ext2_dir_get16(rec + EXT2_DIRENT_RECLEN);

	/* 64 KiB blocks: 65536 does not fit in 16 bits. */
	if (bsize < 65536)
		return len;
	if (len == 65535 || len == 0)
		return 65536;
	return (len & 65532) | ((len & 3) << 16);
}

void ext2_dir_reclen_put(uint8_t *rec, uint32_t reclen, uint32_t bsize)
{
	if (bsize < 65536) {
		ext2_dir_put16(rec + EXT2_DIRENT_RECLEN, (uint16_t)reclen);
		return;
	}
	if (reclen == 65536)
		ext2_dir_put16(rec + EXT2_DIRENT_RECLEN, 65535);
	else
		ext2_dir_put16(rec + EXT2_DIRENT_RECLEN,
			       (uint16_t)((reclen & 65532) | (reclen >> 16)));
}

static int dirblock_bad(const struct ext2_dir_blockinfo *bi, uint32_t off,
			const char *why)
{
	printf("ext2fs: directory inode %u block %llu offset %u: %s\n",
	       bi->b_ino, (unsigned long long)bi->b_lblk, off, why);
	return EIO;
}

int ext2_dir_block_entry(const struct ext2_dir_blockinfo *bi, uint32_t off,
			 struct ext2_dirent *dep)
{
	const uint8_t *rec;
	uint32_t reclen, namelen;

	if (off >= bi->b_end)
		return ENOENT;
	if ((off & 3) != 0 || off + EXT2_DIRENT_HDR > bi->b_end)
		return dirblock_bad(bi, off, "misaligned record");
	rec = bi->b_data + off;
	reclen = ext2_dir_reclen_get(rec, bi->b_size);
	namelen = rec[EXT2_DIRENT_NAMELEN];
	if (!bi->b_filetype && rec[EXT2_DIRENT_TYPE] != 0)
		return dirblock_bad(bi, off, "name longer than 255");
	if (reclen < EXT2_DIR_RECLEN(1) || (reclen & 3) != 0)
		return dirblock_bad(bi, off, "bad record length");
	if (reclen > bi->b_end - off)
		return dirblock_bad(bi, off, "record overruns the block");
	if (EXT2_DIR_RECLEN(namelen) > reclen)
		return dirblock_bad(bi, off, "name overruns its record");
	dep->d_ino = ext2_dir_get32(rec + EXT2_DIRENT_INO);
	dep->d_off = off;
	dep->d_reclen = reclen;
	dep->d_namelen = (uint8_t)namelen;
	dep->d_type = bi->b_filetype ? rec[EXT2_DIRENT_TYPE] : 0;
	dep->d_name = (const char *)rec + EXT2_DIRENT_NAME;
	if (dep->d_ino != 0 && namelen == 0)
		return dirblock_bad(bi, off, "entry without a name");
	return 0;
}

int ext2_dir_block_check(const struct ext2_dir_blockinfo *bi)
{
	struct ext2_dirent de;
	uint32_t off = 0;
	int error;

	while ((error = ext2_dir_block_entry(bi, off, &de)) == 0)
		off += de.d_reclen;
	return error == ENOENT ? 0 : error;
}

int ext2_dir_block_find(const struct ext2_dir_blockinfo *bi, const char *name,
			size_t len, struct ext2_dirent *dep)
{
	struct ext2_dirent de;
	uint32_t off = 0;
	int error;

	while ((error = ext2_dir_block_entry(bi, off, &de)) == 0) {
		if (de.d_ino != 0 && de.d_namelen == len &&
		    memcmp(de.d_name, name, len) == 0) {
			*dep = de;
			return 0;
		}
		off += de.d_reclen;
	}
	return error;
}

int ext2_dir_block_room(const struct ext2_dir_blockinfo *bi, uint32_t need,
			uint32_t *offp)
{
	struct ext2_dirent de;
	uint32_t off = 0, used;
	int error;

	while ((error = ext2_dir_block_entry(bi, off, &de)) == 0) {
		used = de.d_ino != 0 ? EXT2_DIR_RECLEN(de.d_namelen) : 0;
		if (de.d_reclen >= used + need) {
			*offp = off;
			return 0;
		}
		off += de.d_reclen;
	}
	return error == ENOENT ? ENOSPC : error;
}

void ext2_dir_block_insert(const struct ext2_dir_blockinfo *bi, uint32_t off,
			   uint32_t ino, const char *name, size_t len,
			   uint8_t type)
{
	uint8_t *rec = bi->b_data + off;
	uint32_t reclen = ext2_dir_reclen_get(rec, bi->b_size), used = 0;

	if (ext2_dir_get32(rec + EXT2_DIRENT_INO) != 0) {
		/* Split: the old entry keeps what it needs. */
		used = EXT2_DIR_RECLEN(rec[EXT2_DIRENT_NAMELEN]);
		ext2_dir_reclen_put(rec, used, bi->b_size);
		rec += used;
	}
	ext2_dir_put32(rec + EXT2_DIRENT_INO, ino);
	ext2_dir_reclen_put(rec, reclen - used, bi->b_size);
	rec[EXT2_DIRENT_NAMELEN] = (uint8_t)len;
	rec[EXT2_DIRENT_TYPE] = bi->b_filetype ? type : 0;
	memcpy(rec + EXT2_DIRENT_NAME, name, len);
	/* Zero the padding so that images stay reproducible. */
	memset(rec + EXT2_DIRENT_NAME + len, 0,
	       EXT2_DIR_RECLEN(len) - EXT2_DIRENT_HDR - len);
}

void ext2_dir_block_remove(const struct ext2_dir_blockinfo *bi, uint32_t prev,
			   uint32_t off)
{
	uint8_t *rec = bi->b_data + off, *prec;
	uint32_t reclen = ext2_dir_reclen_get(rec, bi->b_size);

	if (prev == UINT32_MAX) {
		ext2_dir_put32(rec + EXT2_DIRENT_INO, 0);
		return;
	}
	prec = bi->b_data + prev;
	ext2_dir_reclen_put(prec,
			    ext2_dir_reclen_get(prec, bi->b_size) + reclen,
			    bi->b_size);
}

void ext2_dir_block_init_empty(const struct ext2_dir_blockinfo *bi)
{
	memset(bi->b_data, 0, bi->b_size);
	ext2_dir_reclen_put(bi->b_data, bi->b_end, bi->b_size);
	if (bi->b_end != bi->b_size)
		ext2_dir_tail_init(bi->b_data, bi->b_size);
}

bool ext2_dir_tail_present(const uint8_t *data, uint32_t bsize)
{
	const uint8_t *t = data + bsize - EXT2_DIR_TAIL_SIZE;

	return ext2_dir_get32(t) == 0 &&
	       ext2_dir_get16(t + EXT2_DIRENT_RECLEN) == EXT2_DIR_TAIL_SIZE &&
	       t[EXT2_DIRENT_NAMELEN] == 0 &&
	       t[EXT2_DIRENT_TYPE] == EXT2_DIR_FT_CSUM;
}

void ext2_dir_tail_init(uint8_t *data, uint32_t bsize)
{
	uint8_t *t = data + bsize - EXT2_DIR_TAIL_SIZE;

	memset(t, 0, EXT2_DIR_TAIL_SIZE);
	ext2_dir_put16(t + EXT2_DIRENT_RECLEN, EXT2_DIR_TAIL_SIZE);
	t[EXT2_DIRENT_TYPE] = EXT2_DIR_FT_CSUM;
}

uint32_t ext2_dir_leaf_csum(uint32_t iseed, const uint8_t *data, uint32_t bsize)
{
	return crc32c(iseed, data, bsize - EXT2_DIR_TAIL_SIZE);
}

uint32_t ext2_dx_csum(uint32_t iseed, const uint8_t *data, uint32_t cloff,
		      uint32_t count, uint32_t limit)
{
	const uint8_t *tail = data + cloff + limit * EXT2_DX_ENTRY_SIZE;
	uint32_t csum, zero = 0;

	csum = crc32c(iseed, data, cloff + count * EXT2_DX_ENTRY_SIZE);
	/* The tail's reserved word, then its checksum field as zero. */
	csum = crc32c(csum, tail, 4);
	return crc32c(csum, &zero, 4);
}

uint32_t ext2_dir_inode_seed(uint32_t fsseed, uint32_t ino, uint32_t gen)
{
	uint8_t b[4];

	ext2_dir_put32(b, ino);
	fsseed = crc32c(fsseed, b, 4);
	ext2_dir_put32(b, gen);
	return crc32c(fsseed, b, 4);
}
