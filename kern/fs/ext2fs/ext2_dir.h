/*
 * ext2_dir.h -- directories of the ext2/3/4 driver, internal to it: the
 * on-disk layout of directory entries, of the hash tree (dx_root, dx_node,
 * dx_entry) and of the checksum tails, the name hash functions, and the
 * block-level helpers that ext2_dir*.c, ext2_htree*.c and the directory
 * vnode ops share.  Nothing here touches the buffer cache except where a
 * function takes an inode; the block-level helpers work on a byte buffer
 * of one directory block and never read or write past it.
 */
#ifndef RUMPKERN_EXT2FS_EXT2_DIR_H_
#define RUMPKERN_EXT2FS_EXT2_DIR_H_
#include "ext2fs.h"

/* Little-endian fields at any alignment. */
static inline uint16_t ext2_dir_get16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | (b[1] << 8));
}
static inline uint32_t ext2_dir_get32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}
static inline void ext2_dir_put16(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}
static inline void ext2_dir_put32(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

/*
 * A directory entry (ext2_dir_entry_2): inode (le32, 0 for an unused
 * record), rec_len (le16, the record's length up to the next record),
 * name_len (u8), file_type (u8, with the filetype feature; else the high
 * byte of a 16-bit name_len that is always 0 for names <= 255), name.
 * Records are 4-byte aligned and tile the block exactly.
 */
#define EXT2_DIRENT_INO 0
#define EXT2_DIRENT_RECLEN 4
#define EXT2_DIRENT_NAMELEN 6
#define EXT2_DIRENT_TYPE 7
#define EXT2_DIRENT_NAME 8
#define EXT2_DIRENT_HDR 8
#define EXT2_DIR_NAMEMAX 255
/* The record length a name of len bytes needs. */
#define EXT2_DIR_RECLEN(len) ((EXT2_DIRENT_HDR + (len) + 3) & ~3u)

/* file_type values. */
#define EXT2_DIR_FT_UNKNOWN 0
#define EXT2_DIR_FT_REG 1
#define EXT2_DIR_FT_DIR 2
#define EXT2_DIR_FT_CHR 3
#define EXT2_DIR_FT_BLK 4
#define EXT2_DIR_FT_FIFO 5
#define EXT2_DIR_FT_SOCK 6
#define EXT2_DIR_FT_SYMLINK 7
#define EXT2_DIR_FT_MAX 8
#define EXT2_DIR_FT_CSUM 0xde /* the checksum tail's marker */

/*
 * The checksum tail (metadata_csum) closing every leaf block: a fake
 * entry of 12 bytes, inode 0, rec_len 12, name_len 0, file_type 0xde,
 * then crc32c (le32) over the block up to the tail, seeded with the
 * directory inode's seed (number and generation).
 */
#define EXT2_DIR_TAIL_SIZE 12

/*
 * The hash tree.  Block 0 (dx_root) holds a "." entry (rec_len 12) and a
 * ".." entry covering the rest of the block, dx_root_info at 24 and the
 * count/limit at 32; an interior node block (dx_node) is one empty entry
 * covering the block, count/limit at 8.  dx_entry: hash (le32), block
 * (le32, logical in the directory); entry 0's hash field is count/limit
 * (limit le16, count le16) and its hash is implicitly 0.
 */
#define EXT2_DX_ROOT_INFO 24
#define EXT2_DX_INFO_HASHVER 28
#define EXT2_DX_INFO_LEN 29
#define EXT2_DX_INFO_LEVELS 30
#define EXT2_DX_INFO_FLAGS 31
#define EXT2_DX_ROOT_ENTRIES 32
#define EXT2_DX_NODE_ENTRIES 8
#define EXT2_DX_ENTRY_SIZE 8
#define EXT2_DX_TAIL_SIZE 8 /* reserved (le32), checksum (le32) */
/* Levels below the root: 2 without largedir, 3 with it. */
#define EXT2_DX_MAXLEVELS 3

/* Hash versions: EXT2_HASH_* in ext2fs.h; siphash (casefold) is not
 * supported. */
#define EXT2_HASH_SIPHASH 6

/* The hash of a name: major (bit 0 always clear) and minor. */
struct ext2_dir_hash {
	uint32_t h_major, h_minor;
};
/*
 * The hash of name[0..len) with version (one of EXT2_HASH_*, the
 * unsigned variants included) and seed (4 words; all zero means the
 * default).  EINVAL for an unknown version (siphash needs casefolding,
 * not supported).
 */
int ext2_dir_hash(const char *name, size_t len, int version,
		  const uint32_t seed[4], struct ext2_dir_hash *hp);

/* One parsed directory entry inside a block. */
struct ext2_dirent {
	uint32_t d_ino;
	uint32_t d_off;	   /* offset of the record in its block */
	uint32_t d_reclen; /* decoded rec_len */
	uint8_t d_namelen;
	uint8_t d_type;
	const char *d_name; /* inside the block, not NUL-terminated */
};

/*
 * Block-level entry handling (ext2_dir_block.c).  bsize is the block size;
 * csum says the block ends in a checksum tail (metadata_csum).  Every
 * function validates what it reads: a record that is too short,
 * misaligned, overruns the block or holds a name longer than its record
 * makes the block corrupt (EIO, with a console message naming the
 * directory inode ino and logical block lblk).
 */
struct ext2_dir_blockinfo {
	uint8_t *b_data;
	uint32_t b_size; /* the block size */
	uint32_t b_end;	 /* where entries end: b_size or b_size - 12 */
	uint32_t b_ino;	 /* directory inode, for messages */
	uint64_t b_lblk; /* logical block, for messages */
	bool b_filetype; /* file_type is meaningful */
};
/* Decode a rec_len field (64 KiB blocks encode 65536 specially). */
uint32_t ext2_dir_reclen_get(const uint8_t *rec, uint32_t bsize);
void ext2_dir_reclen_put(uint8_t *rec, uint32_t reclen, uint32_t bsize);
/*
 * The record at off: 0 and *dep filled, ENOENT at the end, EIO if
 * corrupt.
 */
int ext2_dir_block_entry(const struct ext2_dir_blockinfo *bi, uint32_t off,
			 struct ext2_dirent *dep);
/* Checks every record of the block; 0 or EIO. */
int ext2_dir_block_check(const struct ext2_dir_blockinfo *bi);
/* The entry named name (in-use records only): 0, ENOENT or EIO. */
int ext2_dir_block_find(const struct ext2_dir_blockinfo *bi, const char *name,
			size_t len, struct ext2_dirent *dep);
/*
 * Room for a record of need bytes: *offp is the record to split (its used
 * part stays, the rest becomes the new record) and 0, or ENOSPC.
 */
int ext2_dir_block_room(const struct ext2_dir_blockinfo *bi, uint32_t need,
			uint32_t *offp);
/* Put an entry into the room found by ext2_dir_block_room at off. */
void ext2_dir_block_insert(const struct ext2_dir_blockinfo *bi, uint32_t off,
			   uint32_t ino, const char *name, size_t len,
			   uint8_t type);
/*
 * Remove the entry at off (whose predecessor is at prev, or UINT32_MAX if
 * it is the first in the block): merged into the predecessor, or marked
 * unused when first.
 */
void ext2_dir_block_remove(const struct ext2_dir_blockinfo *bi, uint32_t prev,
			   uint32_t off);
/* Make the block empty: one unused record up to b_end, tail if any. */
void ext2_dir_block_init_empty(const struct ext2_dir_blockinfo *bi);
/* Does the block end in a valid-looking checksum tail? */
bool ext2_dir_tail_present(const uint8_t *data, uint32_t bsize);
/* Write the tail's fixed fields (not the checksum). */
void ext2_dir_tail_init(uint8_t *data, uint32_t bsize);
/* The checksum of a leaf block, seeded with the inode's seed. */
uint32_t ext2_dir_leaf_csum(uint32_t iseed, const uint8_t *data,
			    uint32_t bsize);
/* The checksum of a dx block whose count/limit is at cloff. */
uint32_t ext2_dx_csum(uint32_t iseed, const uint8_t *data, uint32_t cloff,
		      uint32_t count, uint32_t limit);
/* An inode's checksum seed from the file system seed, number, generation. */
uint32_t ext2_dir_inode_seed(uint32_t fsseed, uint32_t ino, uint32_t gen);

/*
 * dx blocks (ext2_htree_layout.c).  A parsed dx block: where its entries
 * start, their count and limit (validated against the block size and the
 * tail), for root or node.
 */
struct ext2_dx_block {
	uint8_t *x_data;
	uint32_t x_cloff; /* offset of count/limit (entry 0) */
	uint32_t x_count, x_limit;
};
/* The limit of a dx block with entries starting at cloff. */
uint32_t ext2_dx_limit(uint32_t bsize, uint32_t cloff, bool csum);
/*
 * Parse a dx root: hash version, levels and the entry array; EIO when
 * corrupt (bad info length, levels beyond maxlevels, count > limit, limit
 * not what the block size gives, count 0).
 */
int ext2_dx_root_parse(uint8_t *data, uint32_t bsize, bool csum, int maxlevels,
		       int *hashverp, int *levelsp, struct ext2_dx_block *xb);
int ext2_dx_node_parse(uint8_t *data, uint32_t bsize, bool csum,
		       struct ext2_dx_block *xb);
/* Entry i's hash (0 for entry 0) and block. */
uint32_t ext2_dx_hash_at(const struct ext2_dx_block *xb, uint32_t i);
uint32_t ext2_dx_block_at(const struct ext2_dx_block *xb, uint32_t i);
void ext2_dx_set(struct ext2_dx_block *xb, uint32_t i, uint32_t hash,
		 uint32_t blk);
void ext2_dx_set_count(struct ext2_dx_block *xb, uint32_t count);
/* The last entry whose hash is <= hash (binary search; entries sorted). */
uint32_t ext2_dx_search(const struct ext2_dx_block *xb, uint32_t hash);
/* Fill in a dx root / node header for a new block. */
void ext2_dx_root_init(uint8_t *data, uint32_t bsize, bool csum,
		       uint32_t dirino, uint32_t parentino, bool filetype,
		       int hashver, struct ext2_dx_block *xb);
void ext2_dx_node_init(uint8_t *data, uint32_t bsize, bool csum,
		       struct ext2_dx_block *xb);

/* ---- Directories with I/O (ext2_dir.c, ext2_htree.c) ---- */
struct buf;

/* A directory block read for the caller (owned buffer). */
struct ext2_dirblk {
	struct buf *db_bp;
	struct ext2_dir_blockinfo db_bi;
	bool db_tail; /* ends in a checksum tail */
};
/* Where an entry is: block, offset, predecessor (UINT32_MAX: none). */
struct ext2_dirpos {
	uint64_t p_lblk;
	uint32_t p_off, p_prev;
	uint32_t p_ino;
	uint8_t p_type;
};
/* Credits for one directory change that may split and grow the tree. */
#define EXT2_DIR_CREDITS 40

uint64_t ext2_dir_nblocks(const struct ext2_inode *dp);
/*
 * Block lblk of dp, checked (every record, the checksum): 0, ENOENT for
 * a hole, EIO when corrupt.
 */
int ext2_dirblk_read(struct ext2_inode *dp, uint64_t lblk,
		     struct ext2_dirblk *db);
void ext2_dirblk_release(struct ext2_dirblk *db);
/* Checksums a changed leaf block and hands it to tp. */
void ext2_dirblk_dirty(struct ext2_trans *tp, struct ext2_inode *dp,
		       struct ext2_dirblk *db);
/* A fresh, empty leaf block lblk (allocated through tp). */
int ext2_dirblk_new(struct ext2_trans *tp, struct ext2_inode *dp, uint64_t lblk,
		    struct ext2_dirblk *db);
bool ext2_dir_filetype(const struct ext2_mount *em);
/* Whether dp is searched through its hash tree. */
bool ext2_dir_is_indexed(const struct ext2_inode *dp);
/* The file_type of an inode mode. */
uint8_t ext2_dir_mode_to_ft(uint16_t mode);

/* The entry name in dp: 0 and *pos, ENOENT, or EIO. */
int ext2_dir_find(struct ext2_inode *dp, const char *name, size_t len,
		  struct ext2_dirpos *pos);
/* A new entry name -> ino in dp (the caller checked it is not there). */
int ext2_dir_add(struct ext2_trans *tp, struct ext2_inode *dp, const char *name,
		 size_t len, uint32_t ino, uint8_t type);
/* Remove the entry at pos (found with ext2_dir_find, dp still locked). */
int ext2_dir_remove(struct ext2_trans *tp, struct ext2_inode *dp,
		    const struct ext2_dirpos *pos);
/* Point the entry at pos to ino (rename over, ".." of a moved dir). */
int ext2_dir_retarget(struct ext2_trans *tp, struct ext2_inode *dp,
		      const struct ext2_dirpos *pos, uint32_t ino,
		      uint8_t type);
/* readdir of a linear directory (byte offsets as cookies). */
int ext2_dir_readdir_linear(struct ext2_inode *dp, struct uio *uio, bool *eofp);

/* The hash tree (ext2_htree.c).  ENOTSUP: fall back to a linear walk. */
int ext2_htree_find(struct ext2_inode *dp, const char *name, size_t len,
		    struct ext2_dirpos *pos);
int ext2_htree_add(struct ext2_trans *tp, struct ext2_inode *dp,
		   const char *name, size_t len, uint32_t ino, uint8_t type);
/* Turn a one-block linear directory into an indexed one. */
int ext2_htree_convert(struct ext2_trans *tp, struct ext2_inode *dp);
int ext2_htree_readdir(struct ext2_inode *dp, struct uio *uio, bool *eofp);
/* The hash version and seed for names in dp (root's version given). */
int ext2_htree_version(const struct ext2_inode *dp, int rootver);

/* Emitting readdir records (ext2_dir.c). */
struct ext2_dirbuf {
	struct uio *d_uio;
	size_t d_room;
	int d_nrec;
	bool d_full;
};
/* Adds one record; 0 with d_full set when it does not fit. */
int ext2_dirbuf_add(struct ext2_dirbuf *d, uint64_t ino, int64_t nextoff,
		    uint8_t ft, const char *name, size_t len);
/* Shared by the directory vnode ops (ext2_vnops_dir.c). */
struct componentname;
bool ext2_dir_name_is_dot(const struct componentname *cnp);
/* Link counts of directories with dir_nlink rules (1 means "many"). */
void ext2_dir_link_inc(struct ext2_inode *dp);
void ext2_dir_link_dec(struct ext2_inode *dp);
/* dp cannot take another subdirectory (EMLINK). */
bool ext2_dir_link_full(struct ext2_inode *dp);
/* The entry cnp of dp, which must name ip: 0, ENOENT or EIO. */
int ext2_dir_find_of(struct ext2_inode *dp, const struct componentname *cnp,
		     struct ext2_inode *ip, struct ext2_dirpos *pos);
/* ip lost a link: ctime, the orphan list at 0, written through tp. */
int ext2_dir_unlinked(struct ext2_trans *tp, struct ext2_inode *ip);
/*
 * Extended attributes (ext2_xattr.c), read-only.  get: the value of the
 * attribute with the full name (e.g. "user.comment") copied to buf (NULL:
 * just its length in *lenp); ENODATA if absent, ERANGE if buflen is too
 * small, EIO if the attribute area is corrupt.  list: the names, each
 * NUL-terminated, as listxattr(2).
 */
int ext2_xattr_get(struct ext2_inode *ip, const char *name, void *buf,
		   size_t buflen, size_t *lenp);
int ext2_xattr_list(struct ext2_inode *ip, char *buf, size_t buflen,
		    size_t *lenp);
#endif
