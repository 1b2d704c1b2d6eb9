/*
 * jbd2_format.h -- the jbd2 on-disk format (wire format, private to the
 * journal): the journal superblock (v1 and v2), block headers, descriptor
 * block tags in their four sizes, revoke blocks, commit blocks and the
 * crc32c checksums of csum v2/v3.  All multi-byte fields are big-endian.
 * The functions here do no I/O: they parse and build block images in
 * memory, bound every offset by the block size, and never trust a count
 * read from disk.
 */
#ifndef JBD2_FORMAT_H_
#define JBD2_FORMAT_H_
#include <sys/crc.h>
#include <sys/types.h>

#define JBD2_MAGIC 0xC03B3998U

/* h_blocktype */
#define JBD2_DESCRIPTOR_BLOCK 1
#define JBD2_COMMIT_BLOCK 2
#define JBD2_SUPERBLOCK_V1 3
#define JBD2_SUPERBLOCK_V2 4
#define JBD2_REVOKE_BLOCK 5

/* Block header: magic, type, transaction sequence. */
#define JBD2_HDR_SIZE 12

/* Journal superblock field offsets (the superblock is 1024 bytes). */
#define JBD2_SB_SIZE 1024
#define JBD2_SB_BLOCKSIZE 0x0c
#define JBD2_SB_MAXLEN 0x10
#define JBD2_SB_FIRST 0x14
#define JBD2_SB_SEQUENCE 0x18
#define JBD2_SB_START 0x1c
#define JBD2_SB_ERRNO 0x20
#define JBD2_SB_COMPAT 0x24
#define JBD2_SB_INCOMPAT 0x28
#define JBD2_SB_ROCOMPAT 0x2c
#define JBD2_SB_UUID 0x30
#define JBD2_SB_NR_USERS 0x40
#define JBD2_SB_MAX_TRANSACTION 0x48
#define JBD2_SB_CSUM_TYPE 0x50
#define JBD2_SB_NUM_FC_BLKS 0x54
#define JBD2_SB_CHECKSUM 0xfc
#define JBD2_SB_MAX_USERS 48

#define JBD2_FEATURE_COMPAT_CHECKSUM 0x1
#define JBD2_FEATURE_INCOMPAT_REVOKE 0x1
#define JBD2_FEATURE_INCOMPAT_64BIT 0x2
#define JBD2_FEATURE_INCOMPAT_ASYNC_COMMIT 0x4
#define JBD2_FEATURE_INCOMPAT_CSUM_V2 0x8
#define JBD2_FEATURE_INCOMPAT_CSUM_V3 0x10
#define JBD2_FEATURE_INCOMPAT_FAST_COMMIT 0x20
#define JBD2_KNOWN_INCOMPAT                                                    \
	(JBD2_FEATURE_INCOMPAT_REVOKE | JBD2_FEATURE_INCOMPAT_64BIT |          \
	 JBD2_FEATURE_INCOMPAT_ASYNC_COMMIT | JBD2_FEATURE_INCOMPAT_CSUM_V2 |  \
	 JBD2_FEATURE_INCOMPAT_CSUM_V3)
#define JBD2_KNOWN_COMPAT JBD2_FEATURE_COMPAT_CHECKSUM

#define JBD2_CRC32C_CHKSUM 4

/* Tag flags. */
#define JBD2_FLAG_ESCAPE 0x1
#define JBD2_FLAG_SAME_UUID 0x2
#define JBD2_FLAG_DELETED 0x4
#define JBD2_FLAG_LAST_TAG 0x8

/* Checksum tail of descriptor and revoke blocks (csum v2/v3). */
#define JBD2_TAIL_SIZE 4
/* Revoke header: block header plus r_count (bytes used, header included). */
#define JBD2_REVOKE_HDR_SIZE 16
/* Commit block: h_chksum[0] and the commit time. */
#define JBD2_COMMIT_CHKSUM_TYPE 12
#define JBD2_COMMIT_CHKSUM_SIZE 13
#define JBD2_COMMIT_CHKSUM 16
#define JBD2_COMMIT_SEC 48
#define JBD2_COMMIT_NSEC 56

#define JBD2_UUID_SIZE 16
/* Smallest journal accepted (blocks); mkfs never makes one under 1024. */
#define JBD2_MIN_LEN 16

static inline uint32_t jbd2_get32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static inline void jbd2_put32(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static inline uint16_t jbd2_get16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline void jbd2_put16(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

/* A journal superblock, parsed and validated. */
struct jbd2_sb {
	int version; /* 1 or 2 */
	uint32_t blocksize;
	uint32_t maxlen;   /* journal length in blocks */
	uint32_t first;	   /* first log block */
	uint32_t sequence; /* first transaction expected in the log */
	uint32_t start;	   /* first log block of it; 0: the log is empty */
	int32_t errnum;
	uint32_t compat, incompat, rocompat;
	uint8_t uuid[JBD2_UUID_SIZE];
};

/* What reading and writing log blocks needs to know of the format. */
struct jbd2_fmt {
	unsigned bsize;
	uint32_t compat, incompat;
	bool csum;	    /* csum v2 or v3: tails, tag and commit sums */
	unsigned tag_bytes; /* one tag, without its UUID */
	uint32_t seed;	    /* crc32c(~0, uuid) */
	uint8_t uuid[JBD2_UUID_SIZE];
};

/* A descriptor tag, decoded. */
struct jbd2_tag {
	uint64_t blocknr;
	uint32_t flags;
	uint32_t csum; /* 16 bits with csum v2, 32 with v3 */
};

/* Walks the tags of one descriptor block. */
struct jbd2_tag_iter {
	unsigned off;
	bool done;
};

/* Builds a descriptor or revoke block in a caller's buffer. */
struct jbd2_build {
	uint8_t *blk;
	unsigned off;	   /* next free byte */
	unsigned last_tag; /* offset of the last tag added (descriptor) */
	unsigned count;	   /* tags or records added */
};

/* jbd2_format.c */
int jbd2_sb_parse(const uint8_t *raw, unsigned fs_bsize, uint64_t jlen,
		  struct jbd2_sb *sb);
uint32_t jbd2_sb_csum(const uint8_t *raw);
/* Rewrites sequence, start, features and the checksum of a raw sb. */
void jbd2_sb_update(uint8_t *raw, const struct jbd2_fmt *f, uint32_t sequence,
		    uint32_t start);
void jbd2_fmt_init(struct jbd2_fmt *f, unsigned bsize, uint32_t compat,
		   uint32_t incompat, const uint8_t *uuid);

/* True if blk has the magic, the type (0: any) and the sequence. */
bool jbd2_hdr_match(const uint8_t *blk, uint32_t type, uint32_t seq);
void jbd2_hdr_set(uint8_t *blk, uint32_t type, uint32_t seq);

bool jbd2_tail_verify(const struct jbd2_fmt *f, const uint8_t *blk);
void jbd2_tail_set(const struct jbd2_fmt *f, uint8_t *blk);

void jbd2_tag_iter_init(struct jbd2_tag_iter *it);
bool jbd2_tag_next(const struct jbd2_fmt *f, const uint8_t *blk,
		   struct jbd2_tag_iter *it, struct jbd2_tag *tag);
unsigned jbd2_desc_count(const struct jbd2_fmt *f, const uint8_t *blk);
uint32_t jbd2_block_csum(const struct jbd2_fmt *f, uint32_t seq,
			 const uint8_t *data);
bool jbd2_tag_csum_ok(const struct jbd2_fmt *f, const struct jbd2_tag *tag,
		      uint32_t seq, const uint8_t *data);

void jbd2_desc_start(const struct jbd2_fmt *f, struct jbd2_build *b,
		     uint8_t *blk, uint32_t seq);
bool jbd2_desc_add(const struct jbd2_fmt *f, struct jbd2_build *b,
		   uint64_t blocknr, uint32_t flags, uint32_t csum);
void jbd2_desc_finish(const struct jbd2_fmt *f, struct jbd2_build *b);
unsigned jbd2_desc_capacity(const struct jbd2_fmt *f);

int jbd2_revoke_parse(const struct jbd2_fmt *f, const uint8_t *blk,
		      unsigned *nrecp);
uint64_t jbd2_revoke_record(const struct jbd2_fmt *f, const uint8_t *blk,
			    unsigned i);
void jbd2_revoke_start(const struct jbd2_fmt *f, struct jbd2_build *b,
		       uint8_t *blk, uint32_t seq);
bool jbd2_revoke_add(const struct jbd2_fmt *f, struct jbd2_build *b,
		     uint64_t blocknr);
void jbd2_revoke_finish(const struct jbd2_fmt *f, struct jbd2_build *b);
unsigned jbd2_revoke_capacity(const struct jbd2_fmt *f);

void jbd2_commit_build(const struct jbd2_fmt *f, uint8_t *blk, uint32_t seq,
		       uint64_t sec, uint32_t nsec);
bool jbd2_commit_verify(const struct jbd2_fmt *f, const uint8_t *blk);

/* A block whose first word is the magic is logged escaped (zeroed). */
static inline bool jbd2_needs_escape(const uint8_t *data)
{
	return jbd2_get32(data) == JBD2_MAGIC;
}
#endif
