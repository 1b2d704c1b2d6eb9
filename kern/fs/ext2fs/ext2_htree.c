/*
 * ext2_htree.c -- indexed (dir_index) directories: finding a name through
 * the hash tree, adding one to the right leaf (splitting a full leaf,
 * splitting full index nodes and adding a level under the root as
 * needed), and turning a one-block linear directory into an indexed one
 * when it overflows.  Every tree block read is checked (layout, limits,
 * checksum) and every child pointer must lie inside the directory and
 * off the current path, so a looping or corrupt tree is an error, never
 * a hang.  A root that cannot be used gives ENOTSUP: the caller falls back
 * to a linear walk, which is always correct.  Directory vnode locked
 * (shared for find, exclusive for add).
 */
#include <sys/buf.h>
#include <sys/kmem.h>
#include <sys/systm.h>

#include "ext2_dir.h"

KMEM_TYPE_DEFINE(M_EXT2_HTREE, "ext2 htree");

struct dx_frame {
	struct buf *f_bp;
	struct ext2_dx_block f_xb;
	uint64_t f_lblk;
	uint32_t f_at; /* the entry followed */
};
struct dx_path {
	int p_levels; /* indirect levels below the root */
	int p_hashver;
	struct dx_frame p_f[EXT2_DX_MAXLEVELS];
};

static int htree_maxlevels(const struct ext2_mount *em)
{
	return ext2_has_incompat(em, EXT4_FEATURE_INCOMPAT_LARGEDIR) ? 3 : 2;
}

int ext2_htree_version(const struct ext2_inode *dp, int rootver)
{
	const struct ext2_mount *em = dp->i_mount;

	if (rootver <= EXT2_HASH_TEA &&
	    (em->em_sb.s_flags & EXT2_FLAGS_UNSIGNED_HASH) != 0)
		return rootver + 3;
	return rootver;
}

static int htree_hash(const struct ext2_inode *dp, int ver, const char *name,
		      size_t len, struct ext2_dir_hash *h)
{
	return ext2_dir_hash(name, len, ver, dp->i_mount->em_sb.s_hash_seed, h);
}

static void path_release(struct dx_path *p)
{
	for (int i = 0; i < EXT2_DX_MAXLEVELS; i++)
		if (p->p_f[i].f_bp != NULL) {
			brelse(p->p_f[i].f_bp);
			p->p_f[i].f_bp = NULL;
		}
}

static bool dx_has_tail(const struct ext2_inode *dp,
			const struct ext2_dx_block *xb)
{
	return dp->i_mount->em_csum &&
	       xb->x_limit ==
		       ext2_dx_limit(dp->i_mount->em_bsize, xb->x_cloff, true);
}

static uint8_t *dx_tail(const struct ext2_dx_block *xb)
{
	return xb->x_data + xb->x_cloff + xb->x_limit * EXT2_DX_ENTRY_SIZE;
}

/* Sets the checksum of a changed tree block and hands it to tp. */
static void dx_dirty(struct ext2_trans *tp, struct ext2_inode *dp,
		     struct dx_frame *f)
{
	if (dx_has_tail(dp, &f->f_xb)) {
		uint8_t *t = dx_tail(&f->f_xb);
		ext2_dir_put32(t, 0);
		ext2_dir_put32(t + 4,
			       ext2_dx_csum(dp->i_csum_seed, f->f_xb.x_data,
					    f->f_xb.x_cloff, f->f_xb.x_count,
					    f->f_xb.x_limit));
	}
	ext2_trans_dirty(tp, f->f_bp);
	f->f_bp = NULL;
}

static int htree_bad(struct ext2_inode *dp, uint64_t lblk, const char *why)
{
	printf("ext2fs: directory inode %u hash tree block %llu: %s\n",
	       dp->i_number, (unsigned long long)lblk, why);
	return EIO;
}

/* Reads tree block lblk of dp into frame level (root when level 0). */
static int dx_read(struct ext2_inode *dp, struct dx_path *p, int level,
		   uint64_t lblk)
{
	struct ext2_mount *em = dp->i_mount;
	struct dx_frame *f = &p->p_f[level];
	int error, ver, levels;
	uint64_t vtag;
	uint8_t *t;

	for (int i = 0; i < level; i++)
		if (p->p_f[i].f_lblk == lblk)
			return htree_bad(dp, lblk, "loop in the tree");
	if (lblk >= ext2_dir_nblocks(dp) || (level > 0 && lblk == 0))
		return htree_bad(dp, lblk, "block outside the directory");
	if ((error = ext2_bread_file(NULL, dp, lblk, false, &f->f_bp)) != 0) {
		f->f_bp = NULL;
		return error == ENOENT ? htree_bad(dp, lblk, "hole") : error;
	}
	f->f_lblk = lblk;
	f->f_at = 0;
	if (level == 0) {
		error = ext2_dx_root_parse(f->f_bp->b_data, em->em_bsize,
					   em->em_csum, htree_maxlevels(em),
					   &ver, &levels, &f->f_xb);
		/* Trees made before metadata_csum have no tail: accepted. */
		if (error != 0 && em->em_csum)
			error = ext2_dx_root_parse(
				f->f_bp->b_data, em->em_bsize, false,
				htree_maxlevels(em), &ver, &levels, &f->f_xb);
		if (error == 0 && ver > EXT2_HASH_TEA)
			error = EIO;
		p->p_levels = levels;
		p->p_hashver = ext2_htree_version(dp, ver);
	} else {
		error = ext2_dx_node_parse(f->f_bp->b_data, em->em_bsize,
					   em->em_csum, &f->f_xb);
		if (error != 0 && em->em_csum)
			error = ext2_dx_node_parse(
				f->f_bp->b_data, em->em_bsize, false, &f->f_xb);
	}
	if (error != 0)
		return htree_bad(dp, lblk, "bad index block");
	vtag = EXT2_VTAG(EXT2_VK_DXNODE, level == 0, dp->i_number);
	if (dx_has_tail(dp, &f->f_xb) && f->f_bp->b_verified != vtag) {
		t = dx_tail(&f->f_xb);
		if (ext2_dir_get32(t + 4) !=
		    ext2_dx_csum(dp->i_csum_seed, f->f_xb.x_data,
				 f->f_xb.x_cloff, f->f_xb.x_count,
				 f->f_xb.x_limit))
			return htree_bad(dp, lblk, "bad checksum");
	}
	f->f_bp->b_verified = vtag;
	return 0;
}

/*
 * The path from the root to the leaf for a hash: the given one, or (name
 * not NULL) the name's, computed with the root's version into *hp.
 * ENOTSUP when the root is unusable (the caller walks linearly), EIO for
 * a corrupt lower level.
 */
static int dx_probe(struct ext2_inode *dp, uint32_t hash, const char *name,
		    size_t len, struct ext2_dir_hash *hp, struct dx_path *p)
{
	struct dx_frame *f;
	int error;

	memset(p, 0, sizeof(*p));
	if ((error = dx_read(dp, p, 0, 0)) != 0) {
		path_release(p);
		return error == EIO ? ENOTSUP : error;
	}
	if (name != NULL) {
		if (htree_hash(dp, p->p_hashver, name, len, hp) != 0) {
			path_release(p);
			return ENOTSUP;
		}
		hash = hp->h_major;
	}
	for (int level = 0;; level++) {
		f = &p->p_f[level];
		f->f_at = ext2_dx_search(&f->f_xb, hash);
		if (level == p->p_levels)
			return 0;
		error = dx_read(dp, p, level + 1,
				ext2_dx_block_at(&f->f_xb, f->f_at));
		if (error != 0) {
			path_release(p);
			return error;
		}
	}
}

/* The leaf block the path's bottom frame points to. */
static uint64_t dx_leaf(const struct dx_path *p)
{
	const struct dx_frame *f = &p->p_f[p->p_levels];

	return ext2_dx_block_at(&f->f_xb, f->f_at);
}

/*
 * Moves the path to the next leaf.  With hash, only if that leaf goes on
 * with the same hash (collision continuation); with contonly, only if it
 * continues the current one.  0 moved, ENOENT not.
 */
static int dx_next_leaf_if(struct ext2_inode *dp, struct dx_path *p,
			   const uint32_t *hash, bool contonly)
{
	int level = p->p_levels, error;
	struct dx_frame *f;

	while (level >= 0 &&
	       p->p_f[level].f_at + 1 >= p->p_f[level].f_xb.x_count)
		level--;
	if (level < 0)
		return ENOENT;
	f = &p->p_f[level];
	if (hash != NULL &&
	    (ext2_dx_hash_at(&f->f_xb, f->f_at + 1) & ~1u) != *hash)
		return ENOENT;
	if (contonly && (ext2_dx_hash_at(&f->f_xb, f->f_at + 1) & 1) == 0)
		return ENOENT;
	f->f_at++;
	for (; level < p->p_levels; level++) {
		f = &p->p_f[level];
		brelse(p->p_f[level + 1].f_bp);
		p->p_f[level + 1].f_bp = NULL;
		error = dx_read(dp, p, level + 1,
				ext2_dx_block_at(&f->f_xb, f->f_at));
		if (error != 0)
			return error;
	}
	return 0;
}

static int dx_next_leaf(struct ext2_inode *dp, struct dx_path *p,
			const uint32_t *hash)
{
	return dx_next_leaf_if(dp, p, hash, false);
}

/* Reads leaf lblk, which must be an ordinary entry block. */
static int dx_read_leaf(struct ext2_inode *dp, uint64_t lblk,
			struct ext2_dirblk *db)
{
	int error;

	if (lblk == 0 || lblk >= ext2_dir_nblocks(dp))
		return htree_bad(dp, lblk, "leaf outside the directory");
	if ((error = ext2_dirblk_read(dp, lblk, db)) != 0)
		return error == ENOENT ? htree_bad(dp, lblk, "hole") : error;
	return 0;
}

int ext2_htree_find(struct ext2_inode *dp, const char *name, size_t len,
		    struct ext2_dirpos *pos)
{
	struct ext2_dirblk db;
	struct ext2_dirent de, prev;
	struct ext2_dir_hash h;
	struct dx_path p;
	uint32_t off;
	int error;

	if ((error = dx_probe(dp, 0, name, len, &h, &p)) != 0)
		return error;
	for (;;) {
		if ((error = dx_read_leaf(dp, dx_leaf(&p), &db)) != 0)
			break;
		prev.d_off = UINT32_MAX;
		for (off = 0; ext2_dir_block_entry(&db.db_bi, off, &de) == 0;
		     off += de.d_reclen) {
			if (de.d_ino != 0 && de.d_namelen == len &&
			    memcmp(de.d_name, name, len) == 0) {
				pos->p_lblk = db.db_bi.b_lblk;
				pos->p_off = off;
				pos->p_prev = prev.d_off;
				pos->p_ino = de.d_ino;
				pos->p_type = de.d_type;
				ext2_dirblk_release(&db);
				path_release(&p);
				return 0;
			}
			prev = de;
		}
		ext2_dirblk_release(&db);
		if ((error = dx_next_leaf(dp, &p, &h.h_major)) != 0)
			break;
	}
	path_release(&p);
	return error;
}

/* ---- Adding ---- */

/* A new tree block at the end of the directory, as frame f. */
static int dx_new_node(struct ext2_trans *tp, struct ext2_inode *dp,
		       struct dx_frame *f)
{
	struct ext2_mount *em = dp->i_mount;
	uint64_t lblk = ext2_dir_nblocks(dp);
	int error;

	if (lblk >= UINT32_MAX)
		return ENOSPC;
	if ((error = ext2_bread_file(tp, dp, lblk, true, &f->f_bp)) != 0) {
		f->f_bp = NULL;
		return error;
	}
	ext2_dx_node_init(f->f_bp->b_data, em->em_bsize, em->em_csum, &f->f_xb);
	f->f_lblk = lblk;
	f->f_at = 0;
	ext2_setsize(dp, (lblk + 1) << em->em_bshift);
	return 0;
}

/* Insert (hash, blk) after the followed entry of frame f. */
static void dx_insert_entry(struct dx_frame *f, uint32_t hash, uint32_t blk)
{
	struct ext2_dx_block *xb = &f->f_xb;
	uint8_t *e = xb->x_data + xb->x_cloff;
	uint32_t at = f->f_at + 1;

	memmove(e + (at + 1) * EXT2_DX_ENTRY_SIZE, e + at * EXT2_DX_ENTRY_SIZE,
		(xb->x_count - at) * EXT2_DX_ENTRY_SIZE);
	ext2_dx_set_count(xb, xb->x_count + 1);
	ext2_dx_set(xb, at, hash, blk);
}

/* The root is full and may grow a level: its entries move to a node. */
static int dx_add_level(struct ext2_trans *tp, struct ext2_inode *dp,
			struct dx_path *p)
{
	struct dx_frame *root = &p->p_f[0], nf;
	uint8_t *rdata = root->f_xb.x_data;
	int error;

	memset(&nf, 0, sizeof(nf));
	if ((error = dx_new_node(tp, dp, &nf)) != 0)
		return error;
	/* Entry 0's hash slot holds count/limit: copy the blocks only. */
	memcpy(nf.f_xb.x_data + nf.f_xb.x_cloff + EXT2_DX_ENTRY_SIZE,
	       rdata + root->f_xb.x_cloff + EXT2_DX_ENTRY_SIZE,
	       (root->f_xb.x_count - 1) * EXT2_DX_ENTRY_SIZE);
	ext2_dx_set_count(&nf.f_xb, root->f_xb.x_count);
	ext2_dx_set(&nf.f_xb, 0, 0, ext2_dx_block_at(&root->f_xb, 0));
	nf.f_at = root->f_at;
	ext2_dx_set_count(&root->f_xb, 1);
	ext2_dx_set(&root->f_xb, 0, 0, (uint32_t)nf.f_lblk);
	root->f_at = 0;
	rdata[EXT2_DX_INFO_LEVELS]++;
	memmove(&p->p_f[2], &p->p_f[1], (size_t)p->p_levels * sizeof(nf));
	p->p_f[1] = nf;
	p->p_levels++;
	return 0;
}

/* Frame level (full; its parent has room) splits in two. */
static int dx_split_node(struct ext2_trans *tp, struct ext2_inode *dp,
			 struct dx_path *p, int level)
{
	struct dx_frame *f = &p->p_f[level], *parent = &p->p_f[level - 1], nf;
	uint32_t count = f->f_xb.x_count, half = count / 2;
	uint32_t hash = ext2_dx_hash_at(&f->f_xb, half);
	int error;

	memset(&nf, 0, sizeof(nf));
	if ((error = dx_new_node(tp, dp, &nf)) != 0)
		return error;
	memcpy(nf.f_xb.x_data + nf.f_xb.x_cloff,
	       f->f_xb.x_data + f->f_xb.x_cloff + half * EXT2_DX_ENTRY_SIZE,
	       (count - half) * EXT2_DX_ENTRY_SIZE);
	/* Entry 0 of the new node: its hash slot is count/limit again. */
	ext2_dir_put16(nf.f_xb.x_data + nf.f_xb.x_cloff,
		       (uint16_t)nf.f_xb.x_limit);
	ext2_dx_set_count(&nf.f_xb, count - half);
	ext2_dx_set_count(&f->f_xb, half);
	dx_insert_entry(parent, hash, (uint32_t)nf.f_lblk);
	if (f->f_at >= half) {
		nf.f_at = f->f_at - half;
		parent->f_at++;
		dx_dirty(tp, dp, f);
		*f = nf;
	} else
		dx_dirty(tp, dp, &nf);
	return 0;
}

/* Makes room for one more entry in the bottom index block. */
static int dx_make_room(struct ext2_trans *tp, struct ext2_inode *dp,
			struct dx_path *p)
{
	struct ext2_mount *em = dp->i_mount;
	int level, error;

	while (p->p_f[p->p_levels].f_xb.x_count >=
	       p->p_f[p->p_levels].f_xb.x_limit) {
		for (level = p->p_levels; level >= 0; level--)
			if (p->p_f[level].f_xb.x_count <
			    p->p_f[level].f_xb.x_limit)
				break;
		if (level < 0) {
			if (p->p_levels + 1 >= htree_maxlevels(em)) {
				printf("ext2fs: directory inode %u: hash tree "
				       "full\n",
				       dp->i_number);
				return ENOSPC;
			}
			error = dx_add_level(tp, dp, p);
		} else
			error = dx_split_node(tp, dp, p, level + 1);
		if (error != 0)
			return error;
	}
	return 0;
}

struct dx_map {
	uint32_t m_hash, m_off, m_size;
};

static void dx_map_sort(struct dx_map *m, uint32_t n)
{
	/* Shell sort: leaves hold at most a few hundred entries. */
	for (uint32_t gap = n / 2; gap > 0; gap /= 2)
		for (uint32_t i = gap; i < n; i++) {
			struct dx_map t = m[i];
			uint32_t j = i;
			for (; j >= gap && m[j - gap].m_hash > t.m_hash;
			     j -= gap)
				m[j] = m[j - gap];
			m[j] = t;
		}
}

/* Appends records m[from..to) of src into the empty block bi. */
static void dx_fill(const struct ext2_dir_blockinfo *bi, const uint8_t *src,
		    const struct dx_map *m, uint32_t from, uint32_t to)
{
	uint32_t off = 0, last = 0;

	for (uint32_t i = from; i < to; i++) {
		memcpy(bi->b_data + off, src + m[i].m_off, m[i].m_size);
		ext2_dir_reclen_put(bi->b_data + off, m[i].m_size, bi->b_size);
		last = off;
		off += m[i].m_size;
	}
	if (from < to)
		ext2_dir_reclen_put(bi->b_data + last, bi->b_end - last,
				    bi->b_size);
}

/*
 * The live records of leaf db with their hashes, sorted; *mp allocated
 * (kmem, n entries of room bsize / 12), the block's bytes copied to *srcp.
 */
static int dx_leaf_map(struct ext2_inode *dp, int ver,
		       const struct ext2_dirblk *db, struct dx_map **mp,
		       uint8_t **srcp, uint32_t *np)
{
	uint32_t bsize = dp->i_mount->em_bsize, max = bsize / 12 + 1, n = 0;
	struct ext2_dirent de;
	struct ext2_dir_hash h;
	struct dx_map *m;
	uint8_t *src;

	m = kmem_alloc(max * sizeof(*m), &M_EXT2_HTREE);
	src = kmem_alloc(bsize, &M_EXT2_HTREE);
	if (m == NULL || src == NULL) {
		if (m != NULL)
			kmem_free(m, max * sizeof(*m), &M_EXT2_HTREE);
		if (src != NULL)
			kmem_free(src, bsize, &M_EXT2_HTREE);
		return ENOMEM;
	}
	memcpy(src, db->db_bi.b_data, bsize);
	for (uint32_t off = 0; ext2_dir_block_entry(&db->db_bi, off, &de) == 0;
	     off += de.d_reclen) {
		if (de.d_ino == 0 || n >= max)
			continue;
		htree_hash(dp, ver, de.d_name, de.d_namelen, &h);
		m[n].m_hash = h.h_major;
		m[n].m_off = off;
		m[n].m_size = EXT2_DIR_RECLEN(de.d_namelen);
		n++;
	}
	dx_map_sort(m, n);
	*mp = m;
	*srcp = src;
	*np = n;
	return 0;
}

static void dx_map_free(struct ext2_inode *dp, struct dx_map *m, uint8_t *src)
{
	uint32_t bsize = dp->i_mount->em_bsize;

	kmem_free(m, (bsize / 12 + 1) * sizeof(*m), &M_EXT2_HTREE);
	kmem_free(src, bsize, &M_EXT2_HTREE);
}

/*
 * Splits the full leaf db (the path's leaf) in two by hash: the upper
 * half moves to a new block, indexed after the current entry.  *dbp ends
 * as the block where hash belongs; the other one is dirtied.
 */
static int dx_split_leaf(struct ext2_trans *tp, struct ext2_inode *dp,
			 struct dx_path *p, struct ext2_dirblk *db,
			 uint32_t hash)
{
	struct dx_frame *f = &p->p_f[p->p_levels];
	struct ext2_dirblk nb;
	uint32_t n, split, used = 0, total = 0, splithash;
	struct dx_map *m;
	uint8_t *src;
	int error;

	error = dx_leaf_map(dp, p->p_hashver, db, &m, &src, &n);
	if (error != 0)
		return error;
	if (n < 2) {
		dx_map_free(dp, m, src);
		return ENOSPC;
	}
	for (uint32_t i = 0; i < n; i++)
		total += m[i].m_size;
	for (split = 0; split < n - 1 && used + m[split].m_size <= total / 2;
	     split++)
		used += m[split].m_size;
	if (split == 0)
		split = 1;
	splithash = m[split].m_hash;
	/* Equal hashes on both sides: the new leaf continues the old. */
	if (m[split - 1].m_hash == splithash)
		splithash |= 1;
	if ((error = ext2_dirblk_new(tp, dp, ext2_dir_nblocks(dp), &nb)) != 0) {
		dx_map_free(dp, m, src);
		return error;
	}
	ext2_setsize(dp, (nb.db_bi.b_lblk + 1) << dp->i_mount->em_bshift);
	dx_fill(&nb.db_bi, src, m, split, n);
	ext2_dir_block_init_empty(&db->db_bi);
	dx_fill(&db->db_bi, src, m, 0, split);
	dx_map_free(dp, m, src);
	dx_insert_entry(f, splithash, (uint32_t)nb.db_bi.b_lblk);
	if (hash >= (splithash & ~1u)) {
		ext2_dirblk_dirty(tp, dp, db);
		*db = nb;
	} else
		ext2_dirblk_dirty(tp, dp, &nb);
	return 0;
}

/* Hands every tree block of the path to tp. */
static void path_dirty(struct ext2_trans *tp, struct ext2_inode *dp,
		       struct dx_path *p)
{
	for (int i = 0; i <= p->p_levels; i++)
		if (p->p_f[i].f_bp != NULL)
			dx_dirty(tp, dp, &p->p_f[i]);
}

int ext2_htree_add(struct ext2_trans *tp, struct ext2_inode *dp,
		   const char *name, size_t len, uint32_t ino, uint8_t type)
{
	uint32_t need = EXT2_DIR_RECLEN(len), off;
	struct ext2_dirblk db;
	struct ext2_dir_hash h;
	struct dx_path p;
	uint64_t oldsize = dp->i_size;
	int error;

	if ((error = dx_probe(dp, 0, name, len, &h, &p)) != 0)
		return error;
	if ((error = dx_read_leaf(dp, dx_leaf(&p), &db)) != 0)
		goto out;
	error = ext2_dir_block_room(&db.db_bi, need, &off);
	if (error == ENOSPC) {
		/* Room in the index first, then split the leaf. */
		ext2_dirblk_release(&db);
		if ((error = dx_make_room(tp, dp, &p)) != 0)
			goto out;
		if ((error = dx_read_leaf(dp, dx_leaf(&p), &db)) != 0)
			goto out;
		if ((error = dx_split_leaf(tp, dp, &p, &db, h.h_major)) != 0) {
			ext2_dirblk_release(&db);
			goto out;
		}
		error = ext2_dir_block_room(&db.db_bi, need, &off);
	}
	if (error != 0) {
		ext2_dirblk_release(&db);
		goto out;
	}
	ext2_dir_block_insert(&db.db_bi, off, ino, name, len, type);
	ext2_dirblk_dirty(tp, dp, &db);
out:
	/*
	 * Tree blocks go to the transaction even on a late error: blocks
	 * already allocated are referenced from them.
	 */
	if (dp->i_size != oldsize) {
		path_dirty(tp, dp, &p);
		int e2 = ext2_iupdate(tp, dp);
		if (error == 0)
			error = e2;
	}
	path_release(&p);
	return error;
}

int ext2_htree_convert(struct ext2_trans *tp, struct ext2_inode *dp)
{
	struct ext2_mount *em = dp->i_mount;
	struct ext2_dirblk db, nb;
	struct ext2_dirent dot, dotdot;
	struct ext2_dx_block xb;
	uint32_t n, from = 0;
	struct dx_map *m;
	uint8_t *src;
	int ver = em->em_sb.s_def_hash_version, error;

	if (ver > EXT2_HASH_TEA)
		return ENOTSUP;
	if ((error = ext2_dirblk_read(dp, 0, &db)) != 0)
		return error == ENOENT ? ENOTSUP : error;
	if (ext2_dir_block_entry(&db.db_bi, 0, &dot) != 0 ||
	    ext2_dir_block_entry(&db.db_bi, dot.d_reclen, &dotdot) != 0 ||
	    dot.d_namelen != 1 || dot.d_name[0] != '.' ||
	    dotdot.d_namelen != 2 || dotdot.d_name[0] != '.' ||
	    dotdot.d_name[1] != '.') {
		ext2_dirblk_release(&db);
		return ENOTSUP;
	}
	error = dx_leaf_map(dp, ext2_htree_version(dp, ver), &db, &m, &src, &n);
	if (error != 0) {
		ext2_dirblk_release(&db);
		return error;
	}
	if ((error = ext2_dirblk_new(tp, dp, 1, &nb)) != 0) {
		dx_map_free(dp, m, src);
		ext2_dirblk_release(&db);
		return error;
	}
	/* Everything but "." and ".." moves to block 1, in hash order. */
	{
		struct dx_map *keep = m;
		uint32_t k = 0;
		for (uint32_t i = 0; i < n; i++)
			if (m[i].m_off != dot.d_off &&
			    m[i].m_off != dotdot.d_off)
				keep[k++] = m[i];
		n = k;
	}
	dx_fill(&nb.db_bi, src, m, from, n);
	ext2_dirblk_dirty(tp, dp, &nb);
	dx_map_free(dp, m, src);
	ext2_dx_root_init(db.db_bi.b_data, em->em_bsize, em->em_csum,
			  dp->i_number, dotdot.d_ino, db.db_bi.b_filetype, ver,
			  &xb);
	ext2_dx_set_count(&xb, 1);
	ext2_dx_set(&xb, 0, 0, 1);
	{
		struct dx_frame f = {.f_bp = db.db_bp, .f_xb = xb};
		dx_dirty(tp, dp, &f);
	}
	ext2_setsize(dp, 2 << em->em_bshift);
	dp->i_flags |= EXT2_INDEX_FL;
	return ext2_iupdate(tp, dp);
}

/* ---- readdir in hash order ---- */

/*
 * Cookies: 0 ".", 1 "..", then an entry's position (major >> 1) << 32 |
 * minor (at least 2), as Linux's 64-bit cookies: they survive splits and
 * insertions because they depend only on the name.  Entries of equal
 * position are given together or not at all.
 */
#define HTREE_RD_MAXLEAVES 64

struct rd_ent {
	uint64_t r_pos;
	uint32_t r_blk, r_off;
};

static uint64_t rd_pos(const struct ext2_dir_hash *h)
{
	uint64_t pos = (uint64_t)(h->h_major >> 1) << 32 | h->h_minor;

	return pos < 2 ? 2 : pos;
}

static void rd_sort(struct rd_ent *e, uint32_t n)
{
	for (uint32_t gap = n / 2; gap > 0; gap /= 2)
		for (uint32_t i = gap; i < n; i++) {
			struct rd_ent t = e[i];
			uint32_t j = i;
			for (; j >= gap && e[j - gap].r_pos > t.r_pos; j -= gap)
				e[j] = e[j - gap];
			e[j] = t;
		}
}

struct rd_group {
	uint8_t *g_blocks; /* copies of the group's leaves */
	struct rd_ent *g_ent;
	uint32_t g_nblk, g_nent;
	uint32_t g_cap; /* leaves there is room for */
};

static size_t rd_blen(const struct ext2_inode *dp, uint32_t cap)
{
	return (size_t)cap * dp->i_mount->em_bsize;
}

static size_t rd_elen(const struct ext2_inode *dp, uint32_t cap)
{
	return (size_t)cap * (dp->i_mount->em_bsize / 12 + 1) *
	       sizeof(struct rd_ent);
}

static void rd_free(struct ext2_inode *dp, struct rd_group *g)
{
	if (g->g_blocks != NULL)
		kmem_free(g->g_blocks, rd_blen(dp, g->g_cap), &M_EXT2_HTREE);
	if (g->g_ent != NULL)
		kmem_free(g->g_ent, rd_elen(dp, g->g_cap), &M_EXT2_HTREE);
	g->g_blocks = NULL;
	g->g_ent = NULL;
}

/* Room for twice as many leaves (long collision chains are rare). */
static int rd_grow(struct ext2_inode *dp, struct rd_group *g)
{
	uint32_t cap = g->g_cap == 0 ? 1 : g->g_cap * 2;
	struct rd_group ng = {.g_cap = cap};

	ng.g_blocks = kmem_alloc(rd_blen(dp, cap), &M_EXT2_HTREE);
	ng.g_ent = kmem_alloc(rd_elen(dp, cap), &M_EXT2_HTREE);
	if (ng.g_blocks == NULL || ng.g_ent == NULL) {
		rd_free(dp, &ng);
		return ENOMEM;
	}
	if (g->g_cap != 0) {
		memcpy(ng.g_blocks, g->g_blocks, rd_blen(dp, g->g_nblk));
		memcpy(ng.g_ent, g->g_ent, g->g_nent * sizeof(struct rd_ent));
	}
	ng.g_nblk = g->g_nblk;
	ng.g_nent = g->g_nent;
	rd_free(dp, g);
	*g = ng;
	return 0;
}

/*
 * Copies the leaf the path points at and the leaves continuing it, and
 * lists their live entries at or after cookie, sorted.
 */
static int rd_collect(struct ext2_inode *dp, struct dx_path *p, uint64_t cookie,
		      struct rd_group *g)
{
	uint32_t bsize = dp->i_mount->em_bsize, perblk = bsize / 12 + 1;
	struct ext2_dir_blockinfo bi;
	struct ext2_dirblk db;
	struct ext2_dirent de;
	struct ext2_dir_hash h;
	int error;

	g->g_nblk = g->g_nent = 0;
	for (;;) {
		if (g->g_nblk >= HTREE_RD_MAXLEAVES)
			return htree_bad(dp, dx_leaf(p), "collision chain");
		if (g->g_nblk == g->g_cap && (error = rd_grow(dp, g)) != 0)
			return error;
		if ((error = dx_read_leaf(dp, dx_leaf(p), &db)) != 0)
			return error;
		bi = db.db_bi;
		bi.b_data = g->g_blocks + (size_t)g->g_nblk * bsize;
		memcpy(bi.b_data, db.db_bi.b_data, bsize);
		ext2_dirblk_release(&db);
		for (uint32_t off = 0; ext2_dir_block_entry(&bi, off, &de) == 0;
		     off += de.d_reclen) {
			if (de.d_ino == 0 ||
			    g->g_nent >= (g->g_nblk + 1) * perblk)
				continue;
			htree_hash(dp, p->p_hashver, de.d_name, de.d_namelen,
				   &h);
			if (rd_pos(&h) < cookie)
				continue;
			g->g_ent[g->g_nent].r_pos = rd_pos(&h);
			g->g_ent[g->g_nent].r_blk = g->g_nblk;
			g->g_ent[g->g_nent].r_off = off;
			g->g_nent++;
		}
		g->g_nblk++;
		error = dx_next_leaf_if(dp, p, NULL, true);
		if (error == ENOENT)
			break;
		if (error != 0)
			return error;
	}
	rd_sort(g->g_ent, g->g_nent);
	return 0;
}

/* Gives the group's entries from cookie on; *cookiep advances. */
static int rd_emit(struct ext2_inode *dp, struct rd_group *g,
		   struct ext2_dirbuf *d, uint64_t *cookiep)
{
	uint32_t bsize = dp->i_mount->em_bsize, i = 0, j;
	const uint8_t *rec;
	size_t need;
	int error;

	while (i < g->g_nent) {
		/* The run of equal positions must fit whole. */
		need = 0;
		for (j = i;
		     j < g->g_nent && g->g_ent[j].r_pos == g->g_ent[i].r_pos;
		     j++) {
			rec = g->g_blocks + (size_t)g->g_ent[j].r_blk * bsize +
			      g->g_ent[j].r_off;
			need += roundup(offsetof(struct rump_dirent, d_name) +
						rec[EXT2_DIRENT_NAMELEN] + 1,
					8);
		}
		if (need > d->d_room) {
			d->d_full = true;
			return 0;
		}
		for (; i < j; i++) {
			rec = g->g_blocks + (size_t)g->g_ent[i].r_blk * bsize +
			      g->g_ent[i].r_off;
			error = ext2_dirbuf_add(
				d, ext2_dir_get32(rec + EXT2_DIRENT_INO),
				(int64_t)(g->g_ent[i].r_pos + 1),
				dp->i_mount->em_sb.s_feature_incompat &
						EXT2_FEATURE_INCOMPAT_FILETYPE
					? rec[EXT2_DIRENT_TYPE]
					: 0,
				(const char *)rec + EXT2_DIRENT_NAME,
				rec[EXT2_DIRENT_NAMELEN]);
			if (error != 0)
				return error;
		}
		*cookiep = g->g_ent[i - 1].r_pos + 1;
	}
	return 0;
}

static int rd_dots(struct ext2_inode *dp, uint32_t parent,
		   struct ext2_dirbuf *d, uint64_t *cookiep)
{
	int error;

	if (*cookiep == 0) {
		if ((error = ext2_dirbuf_add(d, dp->i_number, 1,
					     EXT2_DIR_FT_DIR, ".", 1)) != 0 ||
		    d->d_full)
			return error;
		*cookiep = 1;
	}
	if (*cookiep == 1) {
		if ((error = ext2_dirbuf_add(d, parent, 2, EXT2_DIR_FT_DIR,
					     "..", 2)) != 0 ||
		    d->d_full)
			return error;
		*cookiep = 2;
	}
	return 0;
}

int ext2_htree_readdir(struct ext2_inode *dp, struct uio *uio, bool *eofp)
{
	struct ext2_dirbuf d = {.d_uio = uio, .d_room = uio->uio_resid};
	uint64_t cookie = (uint64_t)uio->uio_offset;
	struct rd_group g = {.g_cap = 0};
	struct dx_path p;
	int error;

	*eofp = false;
	error = dx_probe(dp, (uint32_t)(cookie >> 32) << 1, NULL, 0, NULL, &p);
	if (error != 0)
		return error;
	/* dx_probe checked the root's ".." record at 12. */
	error = rd_dots(dp, ext2_dir_get32(p.p_f[0].f_xb.x_data + 12), &d,
			&cookie);
	while (error == 0 && !d.d_full) {
		if ((error = rd_collect(dp, &p, cookie, &g)) != 0)
			break;
		if ((error = rd_emit(dp, &g, &d, &cookie)) != 0 || d.d_full)
			break;
		error = dx_next_leaf(dp, &p, NULL);
		if (error == ENOENT) {
			error = 0;
			*eofp = true;
			break;
		}
	}
	path_release(&p);
	rd_free(dp, &g);
	if (error == 0 && d.d_nrec == 0 && d.d_full)
		error = EINVAL;
	if (error != 0)
		return error;
	uio->uio_offset = (off_t)cookie;
	return 0;
}
