/*
 * test_ext2dir.c -- the I/O-free parts of ext2fs directories
 * (kern/fs/ext2fs/ext2_dir_block.c, ext2_htree_layout.c,
 * ext2_htree_hash.c): name hashes for the host test to compare with
 * debugfs, one directory block under random inserts and removals checked
 * against a list of names, corrupt records refused with EIO, the 64 KiB
 * rec_len encoding, the checksum tail, and hash tree blocks (limits with
 * and without the tail, search, corrupt roots).
 */
#include "testkern.h"
#include "../../kern/fs/ext2fs/ext2_dir.h"
#include "../../kern/vfs/vfs_private.h"

KMEM_TYPE_DEFINE(M_TEST_EXT2DIR, "test ext2dir");

int rump_test_ext2dir_hash(const char *name, int version,
			   const uint32_t seed[4], uint32_t *majorp,
			   uint32_t *minorp)
{
	struct ext2_dir_hash h;
	int error;

	rump_schedule();
	error = ext2_dir_hash(name, strlen(name), version, seed, &h);
	rump_unschedule();
	*majorp = h.h_major;
	*minorp = h.h_minor;
	return error;
}

#define REF_MAX 400

struct dir_ref {
	char name[REF_MAX][16];
	uint32_t ino[REF_MAX];
	int n;
};

static void make_name(uint32_t *st, char *buf)
{
	int len = 1 + (int)(trand(st) % 14);

	for (int i = 0; i < len; i++)
		buf[i] = (char)('a' + trand(st) % 26);
	buf[len] = 0;
}

/* Every live record is in ref and every ref name is found. */
static void block_verify(const struct ext2_dir_blockinfo *bi,
			 const struct dir_ref *ref)
{
	struct ext2_dirent de;
	uint32_t off = 0;
	int live = 0;

	TCHECK(ext2_dir_block_check(bi) == 0);
	while (ext2_dir_block_entry(bi, off, &de) == 0) {
		if (de.d_ino != 0)
			live++;
		off += de.d_reclen;
	}
	TCHECK(off == bi->b_end);
	TCHECK(live == ref->n);
	for (int i = 0; i < ref->n; i++) {
		TCHECK(ext2_dir_block_find(bi, ref->name[i],
					   strlen(ref->name[i]), &de) == 0 &&
		       de.d_ino == ref->ino[i]);
	}
}

static int block_random(uint32_t bsize, bool csum, uint32_t seed, int iters)
{
	struct ext2_dir_blockinfo bi = {
		.b_size = bsize,
		.b_end = csum ? bsize - EXT2_DIR_TAIL_SIZE : bsize,
		.b_ino = 99,
		.b_filetype = true,
	};
	struct dir_ref *ref;
	struct ext2_dirent de, prev;
	uint32_t st = seed, off, ino = 100;
	char name[16];

	ref = kmem_zalloc(sizeof(*ref), &M_TEST_EXT2DIR);
	bi.b_data = kmem_alloc(bsize, &M_TEST_EXT2DIR);
	if (ref == NULL || bi.b_data == NULL)
		return ENOMEM;
	ext2_dir_block_init_empty(&bi);
	TCHECK(!csum || ext2_dir_tail_present(bi.b_data, bsize));
	for (int it = 0; it < iters; it++) {
		if (ref->n > 0 && trand(&st) % 3 == 0) {
			int k = (int)(trand(&st) % (uint32_t)ref->n);
			/* Find the record and its predecessor, remove. */
			prev.d_off = UINT32_MAX;
			for (off = 0; ext2_dir_block_entry(&bi, off, &de) == 0;
			     off += de.d_reclen) {
				if (de.d_ino != 0 &&
				    de.d_namelen == strlen(ref->name[k]) &&
				    memcmp(de.d_name, ref->name[k],
					   de.d_namelen) == 0)
					break;
				prev = de;
			}
			TCHECK(off < bi.b_end);
			ext2_dir_block_remove(&bi, prev.d_off, off);
			ref->n--;
			memcpy(ref->name[k], ref->name[ref->n], 16);
			ref->ino[k] = ref->ino[ref->n];
		} else if (ref->n < REF_MAX) {
			make_name(&st, name);
			if (ext2_dir_block_find(&bi, name, strlen(name), &de) ==
			    0)
				continue;
			if (ext2_dir_block_room(&bi,
						EXT2_DIR_RECLEN(strlen(name)),
						&off) != 0)
				continue;
			ext2_dir_block_insert(&bi, off, ++ino, name,
					      strlen(name), EXT2_DIR_FT_REG);
			memcpy(ref->name[ref->n], name, 16);
			ref->ino[ref->n++] = ino;
		}
		if (it % 16 == 0)
			block_verify(&bi, ref);
	}
	block_verify(&bi, ref);
	if (csum) {
		/* The checksum changes with any byte before the tail. */
		uint32_t c = ext2_dir_leaf_csum(0x1234, bi.b_data, bsize);
		bi.b_data[5] ^= 1;
		TCHECK(c != ext2_dir_leaf_csum(0x1234, bi.b_data, bsize));
		bi.b_data[5] ^= 1;
		TCHECK(ext2_dir_tail_present(bi.b_data, bsize));
	}
	kmem_free(bi.b_data, bsize, &M_TEST_EXT2DIR);
	kmem_free(ref, sizeof(*ref), &M_TEST_EXT2DIR);
	return 0;
}

/* Records that lie about their length are EIO, never a read outside. */
static void block_corrupt(void)
{
	uint8_t data[1024];
	struct ext2_dir_blockinfo bi = {
		.b_data = data,
		.b_size = 1024,
		.b_end = 1024,
		.b_ino = 7,
		.b_filetype = true,
	};
	struct ext2_dirent de;
	uint32_t off;

	ext2_dir_block_init_empty(&bi);
	ext2_dir_block_insert(&bi, 0, 11, "abc", 3, EXT2_DIR_FT_REG);
	TCHECK(ext2_dir_block_check(&bi) == 0);
	/* Beyond the block. */
	ext2_dir_put16(data + EXT2_DIRENT_RECLEN, 2000);
	TCHECK(ext2_dir_block_check(&bi) == EIO);
	TCHECK(ext2_dir_block_find(&bi, "x", 1, &de) == EIO);
	TCHECK(ext2_dir_block_room(&bi, 12, &off) == EIO);
	/* Zero length (would loop), misaligned, too short. */
	ext2_dir_put16(data + EXT2_DIRENT_RECLEN, 0);
	TCHECK(ext2_dir_block_check(&bi) == EIO);
	ext2_dir_put16(data + EXT2_DIRENT_RECLEN, 13);
	TCHECK(ext2_dir_block_check(&bi) == EIO);
	ext2_dir_put16(data + EXT2_DIRENT_RECLEN, 8);
	TCHECK(ext2_dir_block_check(&bi) == EIO);
	/* A name longer than its record. */
	ext2_dir_put16(data + EXT2_DIRENT_RECLEN, 12);
	data[EXT2_DIRENT_NAMELEN] = 200;
	TCHECK(ext2_dir_block_check(&bi) == EIO);
	/* Without filetype, byte 7 is the high byte of name_len. */
	data[EXT2_DIRENT_NAMELEN] = 3;
	bi.b_filetype = false;
	TCHECK(ext2_dir_block_check(&bi) == EIO);
	data[EXT2_DIRENT_TYPE] = 0;
	TCHECK(ext2_dir_block_entry(&bi, 0, &de) == 0 && de.d_namelen == 3);
	TCHECK(ext2_dir_block_entry(&bi, 1024, &de) == ENOENT);
}

static void reclen_64k(void)
{
	uint8_t rec[8];

	ext2_dir_reclen_put(rec, 65536, 65536);
	TCHECK(ext2_dir_reclen_get(rec, 65536) == 65536);
	ext2_dir_reclen_put(rec, 65532, 65536);
	TCHECK(ext2_dir_reclen_get(rec, 65536) == 65532);
	ext2_dir_reclen_put(rec, 12, 65536);
	TCHECK(ext2_dir_reclen_get(rec, 65536) == 12);
	ext2_dir_reclen_put(rec, 4096, 4096);
	TCHECK(ext2_dir_reclen_get(rec, 4096) == 4096);
}

static void dx_layout(uint32_t bsize, bool csum)
{
	uint8_t *data = kmem_alloc(bsize, &M_TEST_EXT2DIR);
	struct ext2_dx_block xb, xb2;
	int ver, levels;

	if (!TCHECK(data != NULL))
		return;
	TCHECK(ext2_dx_limit(bsize, EXT2_DX_ROOT_ENTRIES, csum) ==
	       (bsize - 32) / 8 - (csum ? 1 : 0));
	TCHECK(ext2_dx_limit(bsize, EXT2_DX_NODE_ENTRIES, csum) ==
	       (bsize - 8) / 8 - (csum ? 1 : 0));
	ext2_dx_root_init(data, bsize, csum, 12, 2, true, EXT2_HASH_HALF_MD4,
			  &xb);
	/* count 0 is corrupt; give it three leaves. */
	TCHECK(ext2_dx_root_parse(data, bsize, csum, 2, &ver, &levels, &xb2) ==
	       EIO);
	ext2_dx_set_count(&xb, 3);
	ext2_dx_set(&xb, 0, 0, 1);
	ext2_dx_set(&xb, 1, 0x1000, 2);
	ext2_dx_set(&xb, 2, 0x8001, 3);
	TCHECK(ext2_dx_root_parse(data, bsize, csum, 2, &ver, &levels, &xb2) ==
	       0);
	TCHECK(ver == EXT2_HASH_HALF_MD4 && levels == 0);
	TCHECK(xb2.x_count == 3 && xb2.x_limit == xb.x_limit);
	TCHECK(ext2_dx_search(&xb2, 0) == 0);
	TCHECK(ext2_dx_search(&xb2, 0xfff) == 0);
	TCHECK(ext2_dx_search(&xb2, 0x1000) == 1);
	TCHECK(ext2_dx_search(&xb2, 0x8000) == 1);
	TCHECK(ext2_dx_search(&xb2, 0x8002) == 2);
	TCHECK(ext2_dx_search(&xb2, 0xfffffffe) == 2);
	TCHECK(ext2_dx_block_at(&xb2, 2) == 3 &&
	       ext2_dx_hash_at(&xb2, 2) == 0x8001);
	/* The parse with the other tail setting sees a wrong limit. */
	TCHECK(ext2_dx_root_parse(data, bsize, !csum, 2, &ver, &levels, &xb2) ==
	       EIO);
	/* Too deep, bad info length, count over limit. */
	data[EXT2_DX_INFO_LEVELS] = 2;
	TCHECK(ext2_dx_root_parse(data, bsize, csum, 2, &ver, &levels, &xb2) ==
	       EIO);
	TCHECK(ext2_dx_root_parse(data, bsize, csum, 3, &ver, &levels, &xb2) ==
	       0);
	data[EXT2_DX_INFO_LEVELS] = 0;
	data[EXT2_DX_INFO_LEN] = 9;
	TCHECK(ext2_dx_root_parse(data, bsize, csum, 2, &ver, &levels, &xb2) ==
	       EIO);
	data[EXT2_DX_INFO_LEN] = 8;
	ext2_dx_set_count(&xb, (uint32_t)xb.x_limit + 1);
	TCHECK(ext2_dx_root_parse(data, bsize, csum, 2, &ver, &levels, &xb2) ==
	       EIO);
	/* A node block. */
	ext2_dx_node_init(data, bsize, csum, &xb);
	ext2_dx_set_count(&xb, 1);
	ext2_dx_set(&xb, 0, 0, 5);
	TCHECK(ext2_dx_node_parse(data, bsize, csum, &xb2) == 0 &&
	       ext2_dx_block_at(&xb2, 0) == 5);
	if (csum) {
		uint32_t c = ext2_dx_csum(7, data, xb.x_cloff, 1, xb.x_limit);
		data[xb.x_cloff + 4] ^= 1;
		TCHECK(c != ext2_dx_csum(7, data, xb.x_cloff, 1, xb.x_limit));
	}
	data[0] = 1; /* a node's fake entry has inode 0 */
	TCHECK(ext2_dx_node_parse(data, bsize, csum, &xb2) == EIO);
	kmem_free(data, bsize, &M_TEST_EXT2DIR);
}

int rump_test_ext2dir_blocks(uint32_t seed)
{
	int start = test_failures, error = 0;
	static const uint32_t sizes[] = {1024, 2048, 4096, 65536};

	rump_schedule();
	for (size_t i = 0; i < __arraycount(sizes) && error == 0; i++) {
		error = block_random(sizes[i], false, seed + (uint32_t)i, 3000);
		if (error == 0)
			error = block_random(sizes[i], true, seed * 7 + 1,
					     3000);
		dx_layout(sizes[i], false);
		dx_layout(sizes[i], true);
	}
	block_corrupt();
	reclen_64k();
	/* The seed of inode 12, generation 5 under fs seed 0xabcdef. */
	TCHECK(ext2_dir_inode_seed(0xabcdef, 12, 5) ==
	       crc32c(crc32c(0xabcdef, "\x0c\0\0\0", 4), "\x05\0\0\0", 4));
	rump_unschedule();
	return error != 0 ? error : TRESULT(start);
}

/* An ext2fs file's attribute (name NULL: the list of names). */
int rump_test_ext2dir_xattr(const char *path, const char *name, void *buf,
			    size_t buflen, size_t *lenp)
{
	struct vnode *vp;
	kauth_cred_t cred;
	int error;

	rump_schedule();
	cred = cred_get(curproc);
	error = namei_simple(AT_FDCWD, path, NI_KERNPATH, cred, &vp);
	cred_free(cred);
	if (error == 0) {
		vn_lock(vp, RW_READER);
		if (vp->v_op != &ext2_vnodeops)
			error = EINVAL;
		else if (name == NULL)
			error = ext2_xattr_list(VTOI(vp), buf, buflen, lenp);
		else
			error = ext2_xattr_get(VTOI(vp), name, buf, buflen,
					       lenp);
		vput(vp);
	}
	rump_unschedule();
	return error;
}
