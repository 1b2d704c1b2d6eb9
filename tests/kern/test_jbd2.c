/*
 * test_jbd2.c -- the jbd2 journal seen from inside the kernel, for
 * t_jbd2_format and t_jbd2_tools: the on-disk format without I/O (crc32c,
 * superblock validation, descriptor tags of every size, revoke and commit
 * blocks, checksums), and a journal on a block device whose block map
 * (journal block i is fs block map[i]) the host gives, driven step by step
 * by the host: recover, start, transactions of patterned blocks, commit, close.
 */
#include <sys/buf.h>

#include "../../kern/fs/ext2fs/jbd2/jbd2.h"
#include "../../kern/fs/ext2fs/jbd2/jbd2_format.h"
#include "testkern.h"

int rump_test_jbd2_format(void);
int rump_test_jbd2_open(const char *path, const uint64_t *map, uint64_t jlen,
			unsigned bsize, int *needs_recovery);
int rump_test_jbd2_recover(uint64_t *replayed, uint64_t *revoked);
int rump_test_jbd2_start(uint32_t incompat);
int rump_test_jbd2_txn(const uint64_t *blks, unsigned n,
		       const uint64_t *revokes, unsigned nrev, uint32_t seed);
int rump_test_jbd2_commit(void);
int rump_test_jbd2_info(uint32_t *head, uint32_t *tail, uint32_t *seq,
			uint64_t *checkpoints);
int rump_test_jbd2_close(void);

/* The byte at i of block blk as written by transaction seed. */
static uint8_t jt_pattern(uint64_t blk, unsigned i, uint32_t seed)
{
	return (uint8_t)(blk * 31 + i * 7 + seed);
}

/* ---- The format, no I/O ---- */

static const uint8_t jt_uuid[16] = {1, 2,  3,  4,  5,  6,  7,  8,
				    9, 10, 11, 12, 13, 14, 15, 16};

/* A valid v2 superblock in raw (1024 bytes). */
static void jt_sb_make(uint8_t *raw, unsigned bsize, uint32_t maxlen,
		       uint32_t incompat)
{
	struct jbd2_fmt f;

	memset(raw, 0, JBD2_SB_SIZE);
	jbd2_hdr_set(raw, JBD2_SUPERBLOCK_V2, 0);
	jbd2_put32(raw + JBD2_SB_BLOCKSIZE, bsize);
	jbd2_put32(raw + JBD2_SB_MAXLEN, maxlen);
	jbd2_put32(raw + JBD2_SB_FIRST, 1);
	memcpy(raw + JBD2_SB_UUID, jt_uuid, 16);
	jbd2_put32(raw + JBD2_SB_NR_USERS, 1);
	jbd2_fmt_init(&f, bsize, 0, incompat, jt_uuid);
	jbd2_sb_update(raw, &f, 7, 0);
}

static void jt_test_sb(void)
{
	static uint8_t raw[JBD2_SB_SIZE];
	struct jbd2_sb sb;
	const uint32_t v3 = JBD2_FEATURE_INCOMPAT_CSUM_V3 |
			    JBD2_FEATURE_INCOMPAT_64BIT |
			    JBD2_FEATURE_INCOMPAT_REVOKE;

	jt_sb_make(raw, 1024, 1024, v3);
	TCHECK(jbd2_sb_parse(raw, 1024, 1024, &sb) == 0);
	TCHECK(sb.version == 2 && sb.maxlen == 1024 && sb.first == 1);
	TCHECK(sb.sequence == 7 && sb.start == 0 && sb.incompat == v3);
	TCHECK(memcmp(sb.uuid, jt_uuid, 16) == 0);
	/* Wrong block size, journal longer than its inode. */
	TCHECK(jbd2_sb_parse(raw, 4096, 1024, &sb) == EINVAL);
	TCHECK(jbd2_sb_parse(raw, 1024, 1000, &sb) == EINVAL);
	/* A bad checksum is EIO. */
	raw[0x200] ^= 1;
	TCHECK(jbd2_sb_parse(raw, 1024, 1024, &sb) == EIO);
	raw[0x200] ^= 1;
	/* A checksum type other than crc32c. */
	raw[JBD2_SB_CSUM_TYPE] = 1;
	TCHECK(jbd2_sb_parse(raw, 1024, 1024, &sb) == EINVAL);

#define JT_BAD(off, val, want)                                                 \
	do {                                                                   \
		jt_sb_make(raw, 1024, 1024, 0);                                \
		jbd2_put32(raw + (off), (val));                                \
		TCHECK(jbd2_sb_parse(raw, 1024, 1024, &sb) == (want));         \
	} while (0)
	JT_BAD(0, 0x12345678, EINVAL);		    /* magic */
	JT_BAD(4, JBD2_DESCRIPTOR_BLOCK, EINVAL);   /* type */
	JT_BAD(JBD2_SB_MAXLEN, 3, EINVAL);	    /* too short */
	JT_BAD(JBD2_SB_MAXLEN, 0xffffffff, EINVAL); /* too long */
	JT_BAD(JBD2_SB_FIRST, 0, EINVAL);	    /* first 0 */
	JT_BAD(JBD2_SB_FIRST, 1024, EINVAL);	    /* first past end */
	JT_BAD(JBD2_SB_START, 5000, EINVAL);	    /* start past end */
	JT_BAD(JBD2_SB_INCOMPAT, 0x100, EINVAL);    /* unknown */
	JT_BAD(JBD2_SB_INCOMPAT, 0x20, EINVAL);	    /* fast commit */
	JT_BAD(JBD2_SB_INCOMPAT, 0x18, EINVAL);	    /* v2 and v3 */
	JT_BAD(JBD2_SB_ROCOMPAT, 1, EINVAL);	    /* ro_compat */
	JT_BAD(JBD2_SB_NR_USERS, 49, EINVAL);	    /* users */
	JT_BAD(JBD2_SB_START, 100, 0);		    /* needs recovery */
	JT_BAD(JBD2_SB_INCOMPAT, JBD2_KNOWN_INCOMPAT & ~0x18, 0);
#undef JT_BAD
	/* v1: features are not read. */
	jt_sb_make(raw, 4096, 2048, 0);
	jbd2_put32(raw + 4, JBD2_SUPERBLOCK_V1);
	jbd2_put32(raw + JBD2_SB_INCOMPAT, 0xffff);
	TCHECK(jbd2_sb_parse(raw, 4096, 4096, &sb) == 0);
	TCHECK(sb.version == 1 && sb.incompat == 0);
}

/* Descriptor round trip in one tag format. */
static void jt_test_desc(unsigned bsize, uint32_t incompat, unsigned tagsz,
			 unsigned cap)
{
	static uint8_t blk[4096], data[4096];
	bool is64 = (incompat & JBD2_FEATURE_INCOMPAT_64BIT) != 0;
	struct jbd2_tag_iter it;
	struct jbd2_build b;
	struct jbd2_fmt f;
	struct jbd2_tag tag;
	unsigned i, n;
	uint64_t nr;

	jbd2_fmt_init(&f, bsize, 0, incompat, jt_uuid);
	TCHECK(f.tag_bytes == tagsz);
	TCHECK(jbd2_desc_capacity(&f) == cap);
	for (i = 0; i < bsize; i++)
		data[i] = jt_pattern(5, i, 0);
	jbd2_desc_start(&f, &b, blk, 42);
	for (i = 0; i < cap; i++) {
		nr = 1000 + i + (is64 ? (uint64_t)i << 33 : 0);
		TCHECK(jbd2_desc_add(&f, &b, nr,
				     i % 3 == 0 ? JBD2_FLAG_ESCAPE : 0,
				     jbd2_block_csum(&f, 42, data)));
	}
	/* Full: one more does not fit. */
	TCHECK(!jbd2_desc_add(&f, &b, 1, 0, 0));
	jbd2_desc_finish(&f, &b);
	TCHECK(jbd2_hdr_match(blk, JBD2_DESCRIPTOR_BLOCK, 42));
	TCHECK(!jbd2_hdr_match(blk, JBD2_DESCRIPTOR_BLOCK, 43));
	TCHECK(jbd2_tail_verify(&f, blk));
	jbd2_tag_iter_init(&it);
	for (n = 0; jbd2_tag_next(&f, blk, &it, &tag); n++) {
		nr = 1000 + n + (is64 ? (uint64_t)n << 33 : 0);
		TCHECK(tag.blocknr == nr);
		TCHECK(((tag.flags & JBD2_FLAG_SAME_UUID) != 0) == (n > 0));
		TCHECK(((tag.flags & JBD2_FLAG_ESCAPE) != 0) == (n % 3 == 0));
		TCHECK(((tag.flags & JBD2_FLAG_LAST_TAG) != 0) ==
		       (n == cap - 1));
		TCHECK(jbd2_tag_csum_ok(&f, &tag, 42, data));
		if (f.csum)
			TCHECK(!jbd2_tag_csum_ok(&f, &tag, 41, data));
	}
	TCHECK(n == cap);
	TCHECK(jbd2_desc_count(&f, blk) == cap);
	if (f.csum) {
		blk[20] ^= 0x40;
		TCHECK(!jbd2_tail_verify(&f, blk));
		blk[20] ^= 0x40;
	}
	/* A 32-bit journal cannot log a block past 2^32. */
	if (!is64) {
		jbd2_desc_start(&f, &b, blk, 1);
		TCHECK(!jbd2_desc_add(&f, &b, (uint64_t)1 << 32, 0, 0));
	}
	/* Garbage without a last tag: the walk stays inside the block. */
	for (i = JBD2_HDR_SIZE; i < bsize; i++)
		blk[i] = (uint8_t)(i * 13);
	for (i = JBD2_HDR_SIZE; i + 8 <= bsize; i += tagsz) {
		/* Clear LAST_TAG wherever a flags field could be. */
		blk[i + 7] &= (uint8_t)~JBD2_FLAG_LAST_TAG;
	}
	TCHECK(jbd2_desc_count(&f, blk) <= (bsize - JBD2_HDR_SIZE) / tagsz);
}

static void jt_test_revoke(unsigned bsize, uint32_t incompat, unsigned cap)
{
	static uint8_t blk[4096];
	bool is64 = (incompat & JBD2_FEATURE_INCOMPAT_64BIT) != 0;
	struct jbd2_build b;
	struct jbd2_fmt f;
	unsigned i, n;

	jbd2_fmt_init(&f, bsize, 0, incompat, jt_uuid);
	TCHECK(jbd2_revoke_capacity(&f) == cap);
	jbd2_revoke_start(&f, &b, blk, 9);
	for (i = 0; i < cap; i++)
		TCHECK(jbd2_revoke_add(
			&f, &b, 77 + i + (is64 ? (uint64_t)i << 40 : 0)));
	TCHECK(!jbd2_revoke_add(&f, &b, 1));
	jbd2_revoke_finish(&f, &b);
	TCHECK(jbd2_hdr_match(blk, JBD2_REVOKE_BLOCK, 9));
	TCHECK(jbd2_tail_verify(&f, blk));
	TCHECK(jbd2_revoke_parse(&f, blk, &n) == 0 && n == cap);
	for (i = 0; i < n; i++)
		TCHECK(jbd2_revoke_record(&f, blk, i) ==
		       77 + i + (is64 ? (uint64_t)i << 40 : 0));
	if (f.csum) {
		blk[30] ^= 1;
		TCHECK(!jbd2_tail_verify(&f, blk));
		blk[30] ^= 1;
	}
	/* r_count beyond the block or below its header. */
	jbd2_put32(blk + JBD2_HDR_SIZE, bsize + 4);
	TCHECK(jbd2_revoke_parse(&f, blk, &n) == EIO);
	jbd2_put32(blk + JBD2_HDR_SIZE, 3);
	TCHECK(jbd2_revoke_parse(&f, blk, &n) == EIO);
}

static void jt_test_commit(uint32_t incompat)
{
	static uint8_t blk[1024];
	struct jbd2_fmt f;

	jbd2_fmt_init(&f, 1024, 0, incompat, jt_uuid);
	jbd2_commit_build(&f, blk, 3, 1700000000, 5);
	TCHECK(jbd2_hdr_match(blk, JBD2_COMMIT_BLOCK, 3));
	TCHECK(jbd2_commit_verify(&f, blk));
	TCHECK(jbd2_get32(blk + JBD2_COMMIT_SEC + 4) == 1700000000);
	blk[700] ^= 2;
	TCHECK(jbd2_commit_verify(&f, blk) == !f.csum);
}

int rump_test_jbd2_format(void)
{
	int start = test_failures;
	const uint32_t b64 = JBD2_FEATURE_INCOMPAT_64BIT;
	const uint32_t v2 = JBD2_FEATURE_INCOMPAT_CSUM_V2;
	const uint32_t v3 = JBD2_FEATURE_INCOMPAT_CSUM_V3;
	static const uint8_t magic[4] = {0xc0, 0x3b, 0x39, 0x98};

	rump_schedule();
	/* The standard CRC-32C check value. */
	TCHECK(~crc32c(~0U, "123456789", 9) == 0xe3069283);
	jt_test_sb();
	/* Tag sizes: 8/12 plain, 10/14 csum v2, 16 csum v3. */
	jt_test_desc(1024, 0, 8, (1024 - 28) / 8);
	jt_test_desc(1024, b64, 12, (1024 - 28) / 12);
	jt_test_desc(1024, v2, 10, (1020 - 28) / 10);
	jt_test_desc(1024, v2 | b64, 14, (1020 - 28) / 14);
	jt_test_desc(1024, v3, 16, (1020 - 28) / 16);
	jt_test_desc(4096, v3 | b64, 16, (4092 - 28) / 16);
	jt_test_revoke(1024, 0, (1024 - 16) / 4);
	jt_test_revoke(1024, v3 | b64, (1020 - 16) / 8);
	jt_test_revoke(4096, v2, (4092 - 16) / 4);
	jt_test_commit(0);
	jt_test_commit(v2);
	jt_test_commit(v3 | b64);
	TCHECK(jbd2_needs_escape(magic));
	TCHECK(!jbd2_needs_escape(magic + 1));
	rump_unschedule();
	return TRESULT(start);
}

/* ---- A journal at a fixed place on a device ---- */

static struct vnode *jt_vp;
static struct jbd2_journal *jt_j;
static uint64_t *jt_map, jt_jlen;
static unsigned jt_bsize;

static int jt_bmap(void *arg, uint64_t jblk, uint64_t *fsblk)
{
	(void)arg;
	if (jblk >= jt_jlen)
		return EIO;
	*fsblk = jt_map[jblk];
	return 0;
}

static void jt_map_free(void)
{
	kmem_free(jt_map, jt_jlen * sizeof(*jt_map), &M_TEMP);
	jt_map = NULL;
}

int rump_test_jbd2_open(const char *path, const uint64_t *map, uint64_t jlen,
			unsigned bsize, int *needs_recovery)
{
	int error;

	if (jt_vp != NULL || jlen == 0 || jlen > (1 << 20))
		return EINVAL;
	rump_schedule();
	jt_map = kmem_alloc(jlen * sizeof(*jt_map), &M_TEMP);
	if (jt_map == NULL) {
		rump_unschedule();
		return ENOMEM;
	}
	memcpy(jt_map, map, jlen * sizeof(*jt_map));
	jt_jlen = jlen;
	jt_bsize = bsize;
	error = bdev_open_mount(path, false, &jt_vp);
	if (error == 0) {
		error = jbd2_open(jt_vp, bsize, jt_bmap, NULL, jlen, &jt_j);
		if (error != 0) {
			(void)bdev_close_mount(jt_vp);
			jt_vp = NULL;
		} else {
			*needs_recovery = jbd2_needs_recovery(jt_j);
		}
	}
	if (error != 0)
		jt_map_free();
	rump_unschedule();
	return error;
}

int rump_test_jbd2_recover(uint64_t *replayed, uint64_t *revoked)
{
	struct jbd2_info ji;
	int error;

	rump_schedule();
	error = jbd2_recover(jt_j);
	jbd2_getinfo(jt_j, &ji);
	*replayed = ji.ji_replayed;
	*revoked = ji.ji_revoked;
	rump_unschedule();
	return error;
}

int rump_test_jbd2_start(uint32_t incompat)
{
	int error;

	rump_schedule();
	error = jbd2_start(jt_j, incompat);
	rump_unschedule();
	return error;
}

/* One handle: blocks filled with the seed's pattern, then revokes. */
int rump_test_jbd2_txn(const uint64_t *blks, unsigned n,
		       const uint64_t *revokes, unsigned nrev, uint32_t seed)
{
	struct jbd2_handle *h;
	struct buf *bp;
	unsigned i, k;
	int error;

	rump_schedule();
	error = jbd2_begin(jt_j, (int)(n + 1), &h);
	for (i = 0; i < n && error == 0; i++) {
		error = getblk(jt_vp,
			       (daddr_t)(blks[i] * (jt_bsize / DEV_BSIZE)),
			       (int)jt_bsize, &bp);
		if (error != 0)
			break;
		for (k = 0; k < jt_bsize; k++)
			((uint8_t *)bp->b_data)[k] =
				jt_pattern(blks[i], k, seed);
		/* Every third block starts with the magic: it is escaped. */
		if ((blks[i] + seed) % 3 == 0)
			jbd2_put32(bp->b_data, JBD2_MAGIC);
		error = jbd2_dirty(h, bp);
	}
	for (i = 0; i < nrev && error == 0; i++)
		error = jbd2_revoke(h, revokes[i]);
	if (h != NULL) {
		k = (unsigned)jbd2_end(h);
		if (error == 0)
			error = (int)k;
	}
	rump_unschedule();
	return error;
}

int rump_test_jbd2_commit(void)
{
	int error;

	rump_schedule();
	error = jbd2_commit(jt_j, true);
	rump_unschedule();
	return error;
}

int rump_test_jbd2_info(uint32_t *head, uint32_t *tail, uint32_t *seq,
			uint64_t *checkpoints)
{
	struct jbd2_info ji;

	rump_schedule();
	jbd2_getinfo(jt_j, &ji);
	rump_unschedule();
	*head = ji.ji_head;
	*tail = ji.ji_tail;
	*seq = ji.ji_sequence;
	*checkpoints = ji.ji_checkpoints;
	return 0;
}

int rump_test_jbd2_close(void)
{
	int error, error2;

	if (jt_vp == NULL)
		return EINVAL;
	rump_schedule();
	error = jbd2_close(jt_j);
	error2 = bdev_close_mount(jt_vp);
	jt_vp = NULL;
	jt_j = NULL;
	jt_map_free();
	rump_unschedule();
	return error != 0 ? error : error2;
}
