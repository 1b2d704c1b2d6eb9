/*
 * jbd2_format.c -- parsing and building jbd2 blocks in memory: the
 * journal superblock (validated field by field, EINVAL for values no
 * mkfs writes and EIO for a bad checksum, each with a console message),
 * descriptor tags, revoke records, commit blocks and the crc32c sums of
 * csum v2/v3.  Every read is bounded by the block size, whatever counts
 * and flags the block claims.
 */
#include <sys/systm.h>

#include "jbd2_format.h"

static const uint8_t jbd2_zero4[4];

/* crc32c of blk with the 4 bytes at hole treated as zero. */
static uint32_t jbd2_crc_hole(uint32_t seed, const uint8_t *blk, size_t len,
			      size_t hole)
{
	uint32_t crc = crc32c(seed, blk, hole);

	crc = crc32c(crc, jbd2_zero4, 4);
	return crc32c(crc, blk + hole + 4, len - hole - 4);
}

uint32_t jbd2_sb_csum(const uint8_t *raw)
{
	return jbd2_crc_hole(~0U, raw, JBD2_SB_SIZE, JBD2_SB_CHECKSUM);
}

int jbd2_sb_parse(const uint8_t *raw, unsigned fs_bsize, uint64_t jlen,
		  struct jbd2_sb *sb)
{
	uint32_t type, nusers;

	memset(sb, 0, sizeof(*sb));
	type = jbd2_get32(raw + 4);
	if (jbd2_get32(raw) != JBD2_MAGIC ||
	    (type != JBD2_SUPERBLOCK_V1 && type != JBD2_SUPERBLOCK_V2)) {
		printf("jbd2: no journal superblock (magic 0x%x type %u)\n",
		       jbd2_get32(raw), type);
		return EINVAL;
	}
	sb->version = type == JBD2_SUPERBLOCK_V1 ? 1 : 2;
	sb->blocksize = jbd2_get32(raw + JBD2_SB_BLOCKSIZE);
	sb->maxlen = jbd2_get32(raw + JBD2_SB_MAXLEN);
	sb->first = jbd2_get32(raw + JBD2_SB_FIRST);
	sb->sequence = jbd2_get32(raw + JBD2_SB_SEQUENCE);
	sb->start = jbd2_get32(raw + JBD2_SB_START);
	sb->errnum = (int32_t)jbd2_get32(raw + JBD2_SB_ERRNO);
	if (sb->blocksize != fs_bsize) {
		printf("jbd2: journal block size %u, file system's %u\n",
		       sb->blocksize, fs_bsize);
		return EINVAL;
	}
	if (sb->maxlen < JBD2_MIN_LEN || sb->maxlen > jlen) {
		printf("jbd2: journal length %u blocks, inode has %llu\n",
		       sb->maxlen, (unsigned long long)jlen);
		return EINVAL;
	}
	if (sb->first == 0 || sb->first >= sb->maxlen - JBD2_MIN_LEN / 2) {
		printf("jbd2: first log block %u of %u\n", sb->first,
		       sb->maxlen);
		return EINVAL;
	}
	if (sb->start != 0 &&
	    (sb->start < sb->first || sb->start >= sb->maxlen)) {
		printf("jbd2: log start %u outside [%u, %u)\n", sb->start,
		       sb->first, sb->maxlen);
		return EINVAL;
	}
	if (sb->version == 1)
		return 0;
	sb->compat = jbd2_get32(raw + JBD2_SB_COMPAT);
	sb->incompat = jbd2_get32(raw + JBD2_SB_INCOMPAT);
	sb->rocompat = jbd2_get32(raw + JBD2_SB_ROCOMPAT);
	memcpy(sb->uuid, raw + JBD2_SB_UUID, JBD2_UUID_SIZE);
	if (sb->incompat & ~JBD2_KNOWN_INCOMPAT) {
		printf("jbd2: unsupported incompat features 0x%x%s\n",
		       sb->incompat & ~JBD2_KNOWN_INCOMPAT,
		       (sb->incompat & JBD2_FEATURE_INCOMPAT_FAST_COMMIT)
			       ? " (fast_commit)"
			       : "");
		return EINVAL;
	}
	if (sb->rocompat != 0) {
		printf("jbd2: unsupported ro_compat features 0x%x\n",
		       sb->rocompat);
		return EINVAL;
	}
	nusers = jbd2_get32(raw + JBD2_SB_NR_USERS);
	if (nusers > JBD2_SB_MAX_USERS) {
		printf("jbd2: %u journal users\n", nusers);
		return EINVAL;
	}
	if ((sb->incompat & JBD2_FEATURE_INCOMPAT_CSUM_V2) &&
	    (sb->incompat & JBD2_FEATURE_INCOMPAT_CSUM_V3)) {
		printf("jbd2: both csum v2 and v3 set\n");
		return EINVAL;
	}
	if (sb->incompat &
	    (JBD2_FEATURE_INCOMPAT_CSUM_V2 | JBD2_FEATURE_INCOMPAT_CSUM_V3)) {
		if (raw[JBD2_SB_CSUM_TYPE] != JBD2_CRC32C_CHKSUM) {
			printf("jbd2: checksum type %u, not crc32c\n",
			       raw[JBD2_SB_CSUM_TYPE]);
			return EINVAL;
		}
		if (jbd2_get32(raw + JBD2_SB_CHECKSUM) != jbd2_sb_csum(raw)) {
			printf("jbd2: journal superblock checksum mismatch\n");
			return EIO;
		}
	}
	return 0;
}

void jbd2_fmt_init(struct jbd2_fmt *f, unsigned bsize, uint32_t compat,
		   uint32_t incompat, const uint8_t *uuid)
{
	bool is64 = (incompat & JBD2_FEATURE_INCOMPAT_64BIT) != 0;

	memset(f, 0, sizeof(*f));
	f->bsize = bsize;
	f->compat = compat;
	f->incompat = incompat;
	f->csum = (incompat & (JBD2_FEATURE_INCOMPAT_CSUM_V2 |
			       JBD2_FEATURE_INCOMPAT_CSUM_V3)) != 0;
	if (incompat & JBD2_FEATURE_INCOMPAT_CSUM_V3)
		f->tag_bytes = 16;
	else if (incompat & JBD2_FEATURE_INCOMPAT_CSUM_V2)
		f->tag_bytes = is64 ? 14 : 10;
	else
		f->tag_bytes = is64 ? 12 : 8;
	memcpy(f->uuid, uuid, JBD2_UUID_SIZE);
	f->seed = crc32c(~0U, f->uuid, JBD2_UUID_SIZE);
}

void jbd2_sb_update(uint8_t *raw, const struct jbd2_fmt *f, uint32_t sequence,
		    uint32_t start)
{
	uint32_t type = jbd2_get32(raw + 4);

	jbd2_put32(raw + JBD2_SB_SEQUENCE, sequence);
	jbd2_put32(raw + JBD2_SB_START, start);
	if (type != JBD2_SUPERBLOCK_V2)
		return;
	jbd2_put32(raw + JBD2_SB_COMPAT, f->compat);
	jbd2_put32(raw + JBD2_SB_INCOMPAT, f->incompat);
	if (f->csum) {
		raw[JBD2_SB_CSUM_TYPE] = JBD2_CRC32C_CHKSUM;
		jbd2_put32(raw + JBD2_SB_CHECKSUM, jbd2_sb_csum(raw));
	}
}

bool jbd2_hdr_match(const uint8_t *blk, uint32_t type, uint32_t seq)
{
	if (jbd2_get32(blk) != JBD2_MAGIC || jbd2_get32(blk + 8) != seq)
		return false;
	return type == 0 || jbd2_get32(blk + 4) == type;
}

void jbd2_hdr_set(uint8_t *blk, uint32_t type, uint32_t seq)
{
	jbd2_put32(blk, JBD2_MAGIC);
	jbd2_put32(blk + 4, type);
	jbd2_put32(blk + 8, seq);
}

/* Bytes of a descriptor or revoke block that may hold tags or records. */
static unsigned jbd2_usable(const struct jbd2_fmt *f)
{
	return f->bsize - (f->csum ? JBD2_TAIL_SIZE : 0);
}

bool jbd2_tail_verify(const struct jbd2_fmt *f, const uint8_t *blk)
{
	size_t at = f->bsize - JBD2_TAIL_SIZE;

	if (!f->csum)
		return true;
	return jbd2_get32(blk + at) ==
	       jbd2_crc_hole(f->seed, blk, f->bsize, at);
}

void jbd2_tail_set(const struct jbd2_fmt *f, uint8_t *blk)
{
	size_t at = f->bsize - JBD2_TAIL_SIZE;

	if (f->csum)
		jbd2_put32(blk + at, jbd2_crc_hole(f->seed, blk, f->bsize, at));
}

void jbd2_tag_iter_init(struct jbd2_tag_iter *it)
{
	it->off = JBD2_HDR_SIZE;
	it->done = false;
}

bool jbd2_tag_next(const struct jbd2_fmt *f, const uint8_t *blk,
		   struct jbd2_tag_iter *it, struct jbd2_tag *tag)
{
	const uint8_t *p;
	bool is64 = (f->incompat & JBD2_FEATURE_INCOMPAT_64BIT) != 0;

	if (it->done || it->off + f->tag_bytes > jbd2_usable(f)) {
		it->done = true;
		return false;
	}
	p = blk + it->off;
	if (f->incompat & JBD2_FEATURE_INCOMPAT_CSUM_V3) {
		tag->blocknr = jbd2_get32(p);
		tag->flags = jbd2_get32(p + 4);
		if (is64)
			tag->blocknr |= (uint64_t)jbd2_get32(p + 8) << 32;
		tag->csum = jbd2_get32(p + 12);
	} else {
		tag->blocknr = jbd2_get32(p);
		tag->csum = jbd2_get16(p + 4);
		tag->flags = jbd2_get16(p + 6);
		if (is64)
			tag->blocknr |= (uint64_t)jbd2_get32(p + 8) << 32;
	}
	it->off += f->tag_bytes;
	if (!(tag->flags & JBD2_FLAG_SAME_UUID))
		it->off += JBD2_UUID_SIZE;
	if (tag->flags & JBD2_FLAG_LAST_TAG)
		it->done = true;
	return true;
}

unsigned jbd2_desc_count(const struct jbd2_fmt *f, const uint8_t *blk)
{
	struct jbd2_tag_iter it;
	struct jbd2_tag tag;
	unsigned n = 0;

	jbd2_tag_iter_init(&it);
	while (jbd2_tag_next(f, blk, &it, &tag))
		n++;
	return n;
}

uint32_t jbd2_block_csum(const struct jbd2_fmt *f, uint32_t seq,
			 const uint8_t *data)
{
	uint8_t be[4];

	jbd2_put32(be, seq);
	return crc32c(crc32c(f->seed, be, 4), data, f->bsize);
}

bool jbd2_tag_csum_ok(const struct jbd2_fmt *f, const struct jbd2_tag *tag,
		      uint32_t seq, const uint8_t *data)
{
	uint32_t c;

	if (!f->csum)
		return true;
	c = jbd2_block_csum(f, seq, data);
	if (f->incompat & JBD2_FEATURE_INCOMPAT_CSUM_V3)
		return tag->csum == c;
	return tag->csum == (c & 0xffff);
}

unsigned jbd2_desc_capacity(const struct jbd2_fmt *f)
{
	return (jbd2_usable(f) - JBD2_HDR_SIZE - JBD2_UUID_SIZE) / f->tag_bytes;
}

void jbd2_desc_start(const struct jbd2_fmt *f, struct jbd2_build *b,
		     uint8_t *blk, uint32_t seq)
{
	memset(blk, 0, f->bsize);
	jbd2_hdr_set(blk, JBD2_DESCRIPTOR_BLOCK, seq);
	b->blk = blk;
	b->off = JBD2_HDR_SIZE;
	b->last_tag = 0;
	b->count = 0;
}

static void jbd2_tag_put_flags(const struct jbd2_fmt *f, uint8_t *p,
			       uint32_t flags)
{
	if (f->incompat & JBD2_FEATURE_INCOMPAT_CSUM_V3)
		jbd2_put32(p + 4, flags);
	else
		jbd2_put16(p + 6, (uint16_t)flags);
}

bool jbd2_desc_add(const struct jbd2_fmt *f, struct jbd2_build *b,
		   uint64_t blocknr, uint32_t flags, uint32_t csum)
{
	unsigned need = f->tag_bytes + (b->count == 0 ? JBD2_UUID_SIZE : 0);
	bool is64 = (f->incompat & JBD2_FEATURE_INCOMPAT_64BIT) != 0;
	uint8_t *p = b->blk + b->off;

	if (b->off + need > jbd2_usable(f) || (!is64 && blocknr >> 32))
		return false;
	flags &= JBD2_FLAG_ESCAPE | JBD2_FLAG_DELETED;
	if (b->count > 0)
		flags |= JBD2_FLAG_SAME_UUID;
	jbd2_put32(p, (uint32_t)blocknr);
	if (f->incompat & JBD2_FEATURE_INCOMPAT_CSUM_V3) {
		jbd2_put32(p + 12, csum);
	} else if (f->incompat & JBD2_FEATURE_INCOMPAT_CSUM_V2) {
		jbd2_put16(p + 4, (uint16_t)csum);
	}
	if (is64)
		jbd2_put32(p + 8, (uint32_t)(blocknr >> 32));
	jbd2_tag_put_flags(f, p, flags);
	if (b->count == 0)
		memcpy(p + f->tag_bytes, f->uuid, JBD2_UUID_SIZE);
	b->last_tag = b->off;
	b->off += need;
	b->count++;
	return true;
}

void jbd2_desc_finish(const struct jbd2_fmt *f, struct jbd2_build *b)
{
	struct jbd2_tag_iter it = {.off = b->last_tag};
	struct jbd2_tag tag;

	if (b->count > 0) {
		jbd2_tag_next(f, b->blk, &it, &tag);
		jbd2_tag_put_flags(f, b->blk + b->last_tag,
				   tag.flags | JBD2_FLAG_LAST_TAG);
	}
	jbd2_tail_set(f, b->blk);
}

static unsigned jbd2_revoke_rsize(const struct jbd2_fmt *f)
{
	return (f->incompat & JBD2_FEATURE_INCOMPAT_64BIT) ? 8 : 4;
}

int jbd2_revoke_parse(const struct jbd2_fmt *f, const uint8_t *blk,
		      unsigned *nrecp)
{
	uint32_t used = jbd2_get32(blk + JBD2_HDR_SIZE);

	if (used < JBD2_REVOKE_HDR_SIZE || used > jbd2_usable(f)) {
		printf("jbd2: revoke block claims %u bytes\n", used);
		return EIO;
	}
	*nrecp = (used - JBD2_REVOKE_HDR_SIZE) / jbd2_revoke_rsize(f);
	return 0;
}

uint64_t jbd2_revoke_record(const struct jbd2_fmt *f, const uint8_t *blk,
			    unsigned i)
{
	const uint8_t *p =
		blk + JBD2_REVOKE_HDR_SIZE + i * jbd2_revoke_rsize(f);

	if (jbd2_revoke_rsize(f) == 8)
		return (uint64_t)jbd2_get32(p) << 32 | jbd2_get32(p + 4);
	return jbd2_get32(p);
}

unsigned jbd2_revoke_capacity(const struct jbd2_fmt *f)
{
	return (jbd2_usable(f) - JBD2_REVOKE_HDR_SIZE) / jbd2_revoke_rsize(f);
}

void jbd2_revoke_start(const struct jbd2_fmt *f, struct jbd2_build *b,
		       uint8_t *blk, uint32_t seq)
{
	memset(blk, 0, f->bsize);
	jbd2_hdr_set(blk, JBD2_REVOKE_BLOCK, seq);
	b->blk = blk;
	b->off = JBD2_REVOKE_HDR_SIZE;
	b->last_tag = 0;
	b->count = 0;
}

bool jbd2_revoke_add(const struct jbd2_fmt *f, struct jbd2_build *b,
		     uint64_t blocknr)
{
	unsigned rs = jbd2_revoke_rsize(f);

	if (b->off + rs > jbd2_usable(f) || (rs == 4 && blocknr >> 32))
		return false;
	if (rs == 8) {
		jbd2_put32(b->blk + b->off, (uint32_t)(blocknr >> 32));
		jbd2_put32(b->blk + b->off + 4, (uint32_t)blocknr);
	} else {
		jbd2_put32(b->blk + b->off, (uint32_t)blocknr);
	}
	b->off += rs;
	b->count++;
	return true;
}

void jbd2_revoke_finish(const struct jbd2_fmt *f, struct jbd2_build *b)
{
	jbd2_put32(b->blk + JBD2_HDR_SIZE, b->off);
	jbd2_tail_set(f, b->blk);
}

void jbd2_commit_build(const struct jbd2_fmt *f, uint8_t *blk, uint32_t seq,
		       uint64_t sec, uint32_t nsec)
{
	memset(blk, 0, f->bsize);
	jbd2_hdr_set(blk, JBD2_COMMIT_BLOCK, seq);
	jbd2_put32(blk + JBD2_COMMIT_SEC, (uint32_t)(sec >> 32));
	jbd2_put32(blk + JBD2_COMMIT_SEC + 4, (uint32_t)sec);
	jbd2_put32(blk + JBD2_COMMIT_NSEC, nsec);
	if (f->csum)
		jbd2_put32(blk + JBD2_COMMIT_CHKSUM,
			   jbd2_crc_hole(f->seed, blk, f->bsize,
					 JBD2_COMMIT_CHKSUM));
}

bool jbd2_commit_verify(const struct jbd2_fmt *f, const uint8_t *blk)
{
	if (!f->csum)
		return true;
	return jbd2_get32(blk + JBD2_COMMIT_CHKSUM) ==
	       jbd2_crc_hole(f->seed, blk, f->bsize, JBD2_COMMIT_CHKSUM);
}
