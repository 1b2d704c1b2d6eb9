/*
 * ext2_extent.c -- ext4 extent trees: a root of up to 4 entries in
 * i_block, index nodes and leaves in blocks (checksummed tail).  Lookup,
 * insertion of a new mapping (merging with a neighbour, splitting a full
 * node, growing the tree by a level when the root is full), conversion
 * of unwritten extents on write, and freeing everything from a logical
 * block on.  The caller holds the inode's vnode lock exclusively for
 * changes and writes the inode back afterwards (the root lives in it).
 * Every node read is checked (magic, counts, depth, checksum), so a
 * looping or corrupted tree ends in EIO.
 */
#include <sys/buf.h>
#include <sys/errno.h>
#include <sys/systm.h>

#include "ext2fs.h"

struct ext_path {
	struct buf *p_bp; /* NULL for the root in the inode */
	struct ext4_extent_header *p_hdr;
	int p_idx; /* entry chosen at this level; -1: before the first */
	bool p_dirty;
};

#define EXT_ROOT_MAX 4
#define UNWRITTEN_BIT 32768

static struct ext4_extent_header *ext_root(struct ext2_inode *ip)
{
	return (struct ext4_extent_header *)ip->i_din->i_block;
}
static struct ext4_extent *ext_leaf(struct ext4_extent_header *eh)
{
	return (struct ext4_extent *)(eh + 1);
}
static struct ext4_extent_idx *ext_index(struct ext4_extent_header *eh)
{
	return (struct ext4_extent_idx *)(eh + 1);
}
static uint64_t ex_pblk(const struct ext4_extent *ex)
{
	return ex->ee_start_lo | (uint64_t)ex->ee_start_hi << 32;
}
static void ex_set_pblk(struct ext4_extent *ex, uint64_t b)
{
	ex->ee_start_lo = (uint32_t)b;
	ex->ee_start_hi = (uint16_t)(b >> 32);
}
static uint32_t ex_len(const struct ext4_extent *ex)
{
	return ex->ee_len > UNWRITTEN_BIT ? ex->ee_len - UNWRITTEN_BIT
					  : ex->ee_len;
}
static bool ex_unwritten(const struct ext4_extent *ex)
{
	return ex->ee_len > UNWRITTEN_BIT;
}
static uint64_t ix_pblk(const struct ext4_extent_idx *ix)
{
	return ix->ei_leaf_lo | (uint64_t)ix->ei_leaf_hi << 32;
}
static void ix_set_pblk(struct ext4_extent_idx *ix, uint64_t b)
{
	ix->ei_leaf_lo = (uint32_t)b;
	ix->ei_leaf_hi = (uint16_t)(b >> 32);
	ix->ei_unused = 0;
}
static uint16_t ext_block_max(const struct ext2_mount *em)
{
	return (uint16_t)((em->em_bsize - sizeof(struct ext4_extent_header)) /
			  sizeof(struct ext4_extent));
}

static int hdr_check(struct ext2_inode *ip, struct ext4_extent_header *eh,
		     uint16_t maxmax, int depth)
{
	if (eh->eh_magic != EXT4_EXT_MAGIC || eh->eh_max == 0 ||
	    eh->eh_max > maxmax || eh->eh_entries > eh->eh_max ||
	    eh->eh_depth > EXT4_EXT_MAX_DEPTH ||
	    (depth >= 0 && eh->eh_depth != depth))
		return ext2_corrupt(ip->i_mount, "extent tree of inode",
				    ip->i_number);
	return 0;
}

static void path_release(struct ext_path *path, int n)
{
	int i;

	for (i = 0; i <= n; i++)
		if (path[i].p_bp != NULL) {
			brelse(path[i].p_bp);
			path[i].p_bp = NULL;
		}
}

/* Dirty nodes (checksummed) go to tp, the others are released. */
static void path_finish(struct ext2_trans *tp, struct ext2_inode *ip,
			struct ext_path *path, int n)
{
	int i;

	for (i = 0; i <= n; i++) {
		if (path[i].p_bp == NULL)
			continue;
		if (path[i].p_dirty) {
			ext2_extent_csum_set(ip, path[i].p_bp->b_data);
			ext2_trans_dirty(tp, path[i].p_bp);
		} else {
			brelse(path[i].p_bp);
		}
		path[i].p_bp = NULL;
	}
}

/* Reads tree block blk as a node of the given depth. */
static int ext_read_node(struct ext2_inode *ip, uint64_t blk, int depth,
			 struct buf **bpp)
{
	struct ext2_mount *em = ip->i_mount;
	uint64_t vtag;
	int error;

	if (blk <= em->em_first_data_block || blk >= em->em_nblocks)
		return ext2_corrupt(em, "extent block of inode", ip->i_number);
	if ((error = ext2_bread_map(em, blk, bpp)) != 0)
		return error;
	vtag = EXT2_VTAG(EXT2_VK_EXTENT, depth, ip->i_number);
	if ((*bpp)->b_verified == vtag)
		return 0; /* checked since it was read or last changed */
	error = hdr_check(ip, (*bpp)->b_data, ext_block_max(em), depth);
	if (error == 0 && !ext2_extent_csum_ok(ip, (*bpp)->b_data))
		error = ext2_corrupt(em, "extent block checksum of inode",
				     ip->i_number);
	if (error != 0) {
		brelse(*bpp);
		*bpp = NULL;
	} else {
		(*bpp)->b_verified = vtag;
	}
	return error;
}

/* path[0..depth] down to the leaf for lblk; *depthp the tree depth. */
static int ext_find(struct ext2_inode *ip, uint64_t lblk, struct ext_path *path,
		    int *depthp)
{
	struct ext4_extent_header *eh = ext_root(ip);
	int depth, level, lo, hi, error;

	if ((error = hdr_check(ip, eh, EXT_ROOT_MAX, -1)) != 0)
		return error;
	depth = eh->eh_depth;
	*depthp = depth;
	memset(path, 0, sizeof(*path) * (depth + 1));
	path[0].p_hdr = eh;
	for (level = 0;; level++) {
		eh = path[level].p_hdr;
		/* The last entry whose first block is <= lblk. */
		lo = 0;
		hi = eh->eh_entries - 1;
		while (lo <= hi) {
			int mid = (lo + hi) / 2;
			uint32_t key = level < depth
					       ? ext_index(eh)[mid].ei_block
					       : ext_leaf(eh)[mid].ee_block;
			if (key <= lblk)
				lo = mid + 1;
			else
				hi = mid - 1;
		}
		path[level].p_idx = hi;
		if (level == depth)
			return 0;
		if (eh->eh_entries == 0) {
			path_release(path, level);
			return ext2_corrupt(ip->i_mount, "empty extent index",
					    ip->i_number);
		}
		if (hi < 0)
			path[level].p_idx = hi = 0;
		error = ext_read_node(ip, ix_pblk(&ext_index(eh)[hi]),
				      depth - level - 1, &path[level + 1].p_bp);
		if (error != 0) {
			path_release(path, level);
			return error;
		}
		path[level + 1].p_hdr = path[level + 1].p_bp->b_data;
	}
}

int ext2_ext_bmap(struct ext2_inode *ip, uint64_t lblk, uint64_t *pblk,
		  uint32_t *runp, bool *unwrittenp)
{
	struct ext_path path[EXT4_EXT_MAX_DEPTH + 1];
	struct ext4_extent *ex;
	int depth, error;

	*pblk = 0;
	*runp = 0;
	*unwrittenp = false;
	if (lblk > UINT32_MAX)
		return 0;
	if ((error = ext_find(ip, lblk, path, &depth)) != 0)
		return error;
	if (path[depth].p_idx >= 0) {
		ex = &ext_leaf(path[depth].p_hdr)[path[depth].p_idx];
		if (lblk < (uint64_t)ex->ee_block + ex_len(ex)) {
			uint64_t off = lblk - ex->ee_block;

			*pblk = ex_pblk(ex) + off;
			*runp = (uint32_t)(ex_len(ex) - off);
			*unwrittenp = ex_unwritten(ex);
			if (ex_pblk(ex) + ex_len(ex) >
				    ip->i_mount->em_nblocks ||
			    ex_pblk(ex) <= ip->i_mount->em_first_data_block)
				error = ext2_corrupt(ip->i_mount,
						     "extent of inode",
						     ip->i_number);
		}
	}
	path_release(path, depth);
	return error;
}

/* After entry 0 of node level changed to key, the index keys above. */
static void ext_fix_keys(struct ext_path *path, int level, uint32_t key)
{
	while (level > 0) {
		struct ext_path *up = &path[level - 1];

		ext_index(up->p_hdr)[up->p_idx].ei_block = key;
		up->p_dirty = true;
		if (up->p_idx != 0)
			break;
		level--;
	}
}

/* Root full: its entries move to a new block, the root indexes it. */
static int ext_grow(struct ext2_trans *tp, struct ext2_inode *ip, uint64_t goal)
{
	struct ext2_mount *em = ip->i_mount;
	struct ext4_extent_header *root = ext_root(ip), *nh;
	struct ext4_extent_idx *ix;
	struct buf *bp;
	uint64_t nb;
	uint32_t first;
	int error;

	if (root->eh_depth >= EXT4_EXT_MAX_DEPTH)
		return EFBIG;
	if ((error = ext2_blkalloc(tp, ip, goal, &nb)) != 0)
		return error;
	if ((error = ext2_getblk(em, nb, &bp)) != 0) {
		ext2_blkfree(tp, nb, 1, true);
		return error;
	}
	ext2_inode_add_blocks(ip, 1);
	nh = bp->b_data;
	memcpy(nh, root, sizeof(*root) + root->eh_entries * 12u);
	nh->eh_max = ext_block_max(em);
	ext2_extent_csum_set(ip, nh);
	ext2_trans_dirty(tp, bp);
	first = root->eh_entries == 0 ? 0
		: root->eh_depth == 0 ? ext_leaf(root)[0].ee_block
				      : ext_index(root)[0].ei_block;
	root->eh_depth++;
	root->eh_entries = 1;
	ix = ext_index(root);
	ix->ei_block = first;
	ix_set_pblk(ix, nb);
	return 0;
}

/*
 * Makes room in node level of path (full): splits it, first making room
 * in its parent.  The path is finished (released) in all cases; the
 * caller looks the tree up again.
 */
static int ext_split(struct ext2_trans *tp, struct ext2_inode *ip,
		     struct ext_path *path, int depth, int level, uint32_t lblk,
		     uint64_t goal)
{
	struct ext2_mount *em = ip->i_mount;
	struct ext4_extent_header *eh, *nh, *ph;
	struct ext4_extent_idx *pix;
	struct buf *bp;
	uint32_t n, from, moved, key;
	uint64_t nb;
	int error;

	if (level == 0) {
		path_finish(tp, ip, path, depth);
		return ext_grow(tp, ip, goal);
	}
	ph = path[level - 1].p_hdr;
	if (ph->eh_entries >= ph->eh_max)
		return ext_split(tp, ip, path, depth, level - 1, lblk, goal);
	eh = path[level].p_hdr;
	n = eh->eh_entries;
	/* Appending to a leaf starts a fresh one (sequential files fill
	 * their leaves); anything else splits in half. */
	from = level == depth && path[level].p_idx + 1 == (int)n ? n : n / 2;
	moved = n - from;
	key = moved == 0       ? lblk
	      : level == depth ? ext_leaf(eh)[from].ee_block
			       : ext_index(eh)[from].ei_block;
	if ((error = ext2_blkalloc(tp, ip, goal, &nb)) != 0 ||
	    (error = ext2_getblk(em, nb, &bp)) != 0) {
		path_finish(tp, ip, path, depth);
		return error;
	}
	ext2_inode_add_blocks(ip, 1);
	nh = bp->b_data;
	nh->eh_magic = EXT4_EXT_MAGIC;
	nh->eh_entries = (uint16_t)moved;
	nh->eh_max = ext_block_max(em);
	nh->eh_depth = eh->eh_depth;
	memcpy(nh + 1, (uint8_t *)(eh + 1) + from * 12u, moved * 12u);
	ext2_extent_csum_set(ip, nh);
	ext2_trans_dirty(tp, bp);
	eh->eh_entries = (uint16_t)from;
	path[level].p_dirty = true;
	/* The parent gets an index for the new node after the current. */
	pix = ext_index(ph) + path[level - 1].p_idx + 1;
	memmove(pix + 1, pix,
		(ph->eh_entries - (path[level - 1].p_idx + 1)) * sizeof(*pix));
	pix->ei_block = key;
	ix_set_pblk(pix, nb);
	ph->eh_entries++;
	path[level - 1].p_dirty = true;
	path_finish(tp, ip, path, depth);
	return 0;
}

/* Maps [lblk, lblk+len) to [pblk, ...) as a written extent. */
static int ext_insert(struct ext2_trans *tp, struct ext2_inode *ip,
		      uint32_t lblk, uint64_t pblk, uint32_t len)
{
	struct ext_path path[EXT4_EXT_MAX_DEPTH + 1];
	struct ext4_extent_header *eh;
	struct ext4_extent *ex;
	int depth, i, tries, error;

	for (tries = 0; tries < 4 * (EXT4_EXT_MAX_DEPTH + 1); tries++) {
		if ((error = ext_find(ip, lblk, path, &depth)) != 0)
			return error;
		eh = path[depth].p_hdr;
		i = path[depth].p_idx;
		ex = ext_leaf(eh);
		if (i >= 0 && !ex_unwritten(&ex[i]) &&
		    (uint64_t)ex[i].ee_block + ex_len(&ex[i]) == lblk &&
		    ex_pblk(&ex[i]) + ex_len(&ex[i]) == pblk &&
		    ex_len(&ex[i]) + len <= EXT4_EXT_INIT_MAX_LEN) {
			ex[i].ee_len = (uint16_t)(ex[i].ee_len + len);
			path[depth].p_dirty = true;
			path_finish(tp, ip, path, depth);
			return 0;
		}
		if (i + 1 < eh->eh_entries && !ex_unwritten(&ex[i + 1]) &&
		    lblk + len == ex[i + 1].ee_block &&
		    pblk + len == ex_pblk(&ex[i + 1]) &&
		    ex_len(&ex[i + 1]) + len <= EXT4_EXT_INIT_MAX_LEN) {
			ex[i + 1].ee_block = lblk;
			ex_set_pblk(&ex[i + 1], pblk);
			ex[i + 1].ee_len = (uint16_t)(ex[i + 1].ee_len + len);
			path[depth].p_dirty = true;
			if (i + 1 == 0)
				ext_fix_keys(path, depth, lblk);
			path_finish(tp, ip, path, depth);
			return 0;
		}
		if (eh->eh_entries < eh->eh_max) {
			memmove(&ex[i + 2], &ex[i + 1],
				(eh->eh_entries - (i + 1)) * sizeof(*ex));
			ex[i + 1].ee_block = lblk;
			ex[i + 1].ee_len = (uint16_t)len;
			ex_set_pblk(&ex[i + 1], pblk);
			eh->eh_entries++;
			path[depth].p_dirty = true;
			if (i + 1 == 0)
				ext_fix_keys(path, depth, lblk);
			path_finish(tp, ip, path, depth);
			return 0;
		}
		error = ext_split(tp, ip, path, depth, depth, lblk, pblk);
		if (error != 0)
			return error;
	}
	return ext2_corrupt(ip->i_mount, "extent tree (no room) of inode",
			    ip->i_number);
}

/* An unwritten extent is written: its blocks are zeroed first. */
static int ext_convert(struct ext2_trans *tp, struct ext2_inode *ip,
		       uint32_t lblk)
{
	struct ext_path path[EXT4_EXT_MAX_DEPTH + 1];
	struct ext4_extent *ex;
	struct buf *bp;
	uint32_t i;
	int depth, error;

	if ((error = ext_find(ip, lblk, path, &depth)) != 0)
		return error;
	ex = &ext_leaf(path[depth].p_hdr)[path[depth].p_idx];
	for (i = 0; i < ex_len(ex) && error == 0; i++) {
		if ((error = ext2_getblk(ip->i_mount, ex_pblk(ex) + i, &bp)) ==
		    0)
			bdwrite(bp);
	}
	if (error == 0) {
		ex->ee_len = (uint16_t)ex_len(ex);
		path[depth].p_dirty = true;
	}
	path_finish(tp, ip, path, depth);
	return error;
}

int ext2_ext_alloc(struct ext2_trans *tp, struct ext2_inode *ip, uint64_t lblk,
		   uint64_t goal, uint64_t *pblk, bool *newp)
{
	uint32_t run;
	bool unwritten;
	int error;

	*newp = false;
	if (lblk >= UINT32_MAX)
		return EFBIG;
	error = ext2_ext_bmap(ip, lblk, pblk, &run, &unwritten);
	if (error != 0)
		return error;
	if (*pblk != 0) {
		if (unwritten) {
			*newp = true;
			return ext_convert(tp, ip, (uint32_t)lblk);
		}
		return 0;
	}
	if ((error = ext2_blkalloc(tp, ip, goal, pblk)) != 0)
		return error;
	if ((error = ext_insert(tp, ip, (uint32_t)lblk, *pblk, 1)) != 0) {
		ext2_blkfree(tp, *pblk, 1, false);
		*pblk = 0;
		return error;
	}
	ext2_inode_add_blocks(ip, 1);
	*newp = true;
	return 0;
}

/* Frees the mapping of node eh (depth d) from logical block first on. */
static int ext_trunc_node(struct ext2_trans *tp, struct ext2_inode *ip,
			  struct ext4_extent_header *eh, int d, uint64_t first,
			  bool *modified)
{
	int i, error = 0;

	for (i = eh->eh_entries - 1; i >= 0 && error == 0; i--) {
		if (d == 0) {
			struct ext4_extent *ex = &ext_leaf(eh)[i];
			uint64_t start = ex->ee_block, len = ex_len(ex);

			if (start + len <= first)
				break;
			if (start >= first) {
				error = ext2_blkfree(tp, ex_pblk(ex),
						     (uint32_t)len, false);
				ext2_inode_add_blocks(ip, -(int64_t)len);
				eh->eh_entries--;
			} else {
				uint64_t keep = first - start;

				error = ext2_blkfree(tp, ex_pblk(ex) + keep,
						     (uint32_t)(len - keep),
						     false);
				ext2_inode_add_blocks(ip,
						      -(int64_t)(len - keep));
				ex->ee_len = (uint16_t)(keep +
							(ex_unwritten(ex)
								 ? UNWRITTEN_BIT
								 : 0));
			}
			*modified = true;
		} else {
			struct ext4_extent_idx *ix = &ext_index(eh)[i];
			struct ext4_extent_header *ch;
			struct buf *bp;
			bool cm = false;
			uint64_t cb = ix_pblk(ix);
			uint32_t key = ix->ei_block;

			if ((error = ext_read_node(ip, cb, d - 1, &bp)) != 0)
				break;
			ch = bp->b_data;
			error = ext_trunc_node(tp, ip, ch, d - 1, first, &cm);
			if (error == 0 && ch->eh_entries == 0) {
				brelse(bp);
				error = ext2_blkfree(tp, cb, 1, true);
				ext2_inode_add_blocks(ip, -1);
				eh->eh_entries--;
				*modified = true;
			} else if (cm) {
				ext2_extent_csum_set(ip, ch);
				ext2_trans_dirty(tp, bp);
			} else {
				brelse(bp);
			}
			if (key < first)
				break;
		}
	}
	return error;
}

int ext2_ext_truncate(struct ext2_trans *tp, struct ext2_inode *ip,
		      uint64_t first)
{
	struct ext4_extent_header *root = ext_root(ip);
	bool modified = false;
	int error;

	if ((error = hdr_check(ip, root, EXT_ROOT_MAX, -1)) != 0)
		return error;
	error = ext_trunc_node(tp, ip, root, root->eh_depth, first, &modified);
	if (error == 0 && root->eh_entries == 0) {
		root->eh_depth = 0;
		root->eh_max = EXT_ROOT_MAX;
	}
	return error;
}
