/*
 * ext2_xattr.c -- reading extended attributes of ext2/3/4 inodes: those
 * stored in the inode after i_extra_isize and those in the external
 * block i_file_acl points to (its header, entry hashes and metadata_csum
 * checksum verified first).  Every entry and value must lie
 * inside its area; anything else is EIO with a console message.  The
 * driver never rewrites attributes: they are preserved because inodes
 * and attribute blocks are only changed field by field.  There is no
 * xattr system call; ext2_xattr_get/list serve kernel callers and tests.
 * The caller holds the vnode (any lock mode).
 */
#include <sys/buf.h>
#include <sys/systm.h>

#include "ext2_dir.h"

#define XATTR_ENTRY_HDR 16 /* name_len, index, value_offs, inum, size, hash */
#define XATTR_PAD(n) (((n) + 3) & ~3u)
#define XATTR_BLOCK_HDR 32

/* Name prefixes by e_name_index. */
static const char *const xattr_prefix[] = {
	[1] = "user.",
	[2] = "system.posix_acl_access",
	[3] = "system.posix_acl_default",
	[4] = "trusted.",
	[6] = "security.",
	[7] = "system.",
	[8] = "system.richacl",
};

/* One entry with its value, inside an area [base, base + len). */
struct xattr_ent {
	uint8_t x_index, x_namelen;
	const char *x_name;
	const uint8_t *x_value;
	uint32_t x_size;
};

static int xattr_bad(struct ext2_inode *ip, const char *why)
{
	printf("ext2fs: inode %u extended attributes: %s\n", ip->i_number, why);
	return EIO;
}

static uint32_t xattr_entry_hash(const uint8_t *e, const uint8_t *value)
{
	uint32_t hash = 0, n = e[0], size = ext2_dir_get32(e + 8);
	const char *name = (const char *)e + XATTR_ENTRY_HDR;

	for (uint32_t i = 0; i < n; i++) /* chars as signed, as e2fsprogs */
		hash = (hash << 5) ^ (hash >> 27) ^
		       (uint32_t)(int32_t)(signed char)name[i];
	if (ext2_dir_get32(e + 4) == 0 && size != 0)
		for (uint32_t i = 0; i < XATTR_PAD(size) / 4; i++)
			hash = (hash << 16) ^ (hash >> 16) ^
			       ext2_dir_get32(value + 4 * i);
	return hash;
}

/*
 * Walks the entries starting at first, within [area, area + len); value
 * offsets count from vbase.  Calls fn for each; stops at its nonzero
 * return.  With hashes, checks entry hashes and returns the block hash.
 */
static int xattr_walk(struct ext2_inode *ip, const uint8_t *area, uint32_t len,
		      uint32_t first, const uint8_t *vbase, uint32_t vlen,
		      bool hashes, uint32_t *blockhashp,
		      int (*fn)(const struct xattr_ent *, void *), void *arg)
{
	uint32_t off = first, bhash = 0, voff, size;
	struct xattr_ent x;
	const uint8_t *e;
	int error;

	for (;;) {
		if (off + 4 > len)
			return xattr_bad(ip, "entries overrun their area");
		e = area + off;
		if (ext2_dir_get32(e) == 0)
			break;
		if (off + XATTR_ENTRY_HDR > len ||
		    off + XATTR_PAD(XATTR_ENTRY_HDR + e[0]) > len)
			return xattr_bad(ip, "entry overruns its area");
		voff = ext2_dir_get16(e + 2);
		size = ext2_dir_get32(e + 8);
		if (ext2_dir_get32(e + 4) != 0)
			return xattr_bad(ip, "value in an inode (ea_inode)");
		if (size > vlen || voff > vlen - size ||
		    (size != 0 && XATTR_PAD(size) > vlen - voff))
			return xattr_bad(ip, "value outside its area");
		if (hashes) {
			uint32_t h = ext2_dir_get32(e + 12);
			if (h != xattr_entry_hash(e, vbase + voff))
				return xattr_bad(ip, "bad entry hash");
			bhash = (bhash << 16) ^ (bhash >> 16) ^ h;
		}
		x.x_index = e[1];
		x.x_namelen = e[0];
		x.x_name = (const char *)e + XATTR_ENTRY_HDR;
		x.x_value = vbase + voff;
		x.x_size = size;
		if (fn != NULL && (error = fn(&x, arg)) != 0)
			return error;
		off += XATTR_PAD(XATTR_ENTRY_HDR + e[0]);
	}
	if (blockhashp != NULL)
		*blockhashp = bhash;
	return 0;
}

/* The in-inode area, if the inode has one with the magic. */
static int xattr_inode_area(struct ext2_inode *ip,
			    int (*fn)(const struct xattr_ent *, void *),
			    void *arg)
{
	struct ext2_mount *em = ip->i_mount;
	uint32_t start, len;
	const uint8_t *raw = (const uint8_t *)ip->i_din;

	if (em->em_inode_size <= EXT2_GOOD_OLD_INODE_SIZE)
		return 0;
	start = EXT2_GOOD_OLD_INODE_SIZE + ext2_inode_extra(ip);
	if (start + 4 > em->em_inode_size || start + 4 > ip->i_rawsize ||
	    ext2_dir_get32(raw + start) != EXT2_XATTR_MAGIC)
		return 0;
	start += 4;
	len = MIN(em->em_inode_size, ip->i_rawsize) - start;
	return xattr_walk(ip, raw + start, len, 0, raw + start, len, false,
			  NULL, fn, arg);
}

static int xattr_block_area(struct ext2_inode *ip,
			    int (*fn)(const struct xattr_ent *, void *),
			    void *arg)
{
	struct ext2_mount *em = ip->i_mount;
	uint64_t pblk = ext2_inode_file_acl(ip);
	const uint8_t *b;
	uint32_t bhash;
	struct buf *bp;
	int error;

	if (pblk == 0)
		return 0;
	if (pblk >= em->em_nblocks || pblk < em->em_first_data_block)
		return xattr_bad(ip, "block outside the file system");
	if ((error = ext2_bread(em, pblk, &bp)) != 0)
		return error;
	b = bp->b_data;
	if (ext2_dir_get32(b) != EXT2_XATTR_MAGIC ||
	    ext2_dir_get32(b + 8) != 1) {
		error = xattr_bad(ip, "bad block header");
	} else if (em->em_csum && ext2_dir_get32(b + 16) !=
					  ext2_xattr_block_csum(em, pblk, b)) {
		error = xattr_bad(ip, "bad block checksum");
	} else {
		/*
		 * h_hash only serves sharing (debugfs leaves it 0, Linux
		 * and e2fsck do not check it); entry hashes are checked.
		 */
		error = xattr_walk(ip, b, em->em_bsize, XATTR_BLOCK_HDR, b,
				   em->em_bsize, true, &bhash, fn, arg);
	}
	brelse(bp);
	return error;
}

/* Does x have the full name name? */
static bool xattr_match(const struct xattr_ent *x, const char *name)
{
	const char *pfx = x->x_index < __arraycount(xattr_prefix)
				  ? xattr_prefix[x->x_index]
				  : NULL;
	size_t plen;

	if (pfx == NULL)
		return false;
	plen = strlen(pfx);
	return strncmp(name, pfx, plen) == 0 &&
	       strlen(name + plen) == x->x_namelen &&
	       memcmp(name + plen, x->x_name, x->x_namelen) == 0;
}

struct xattr_get {
	const char *g_name;
	void *g_buf;
	size_t g_buflen, g_len;
};

static int xattr_get_cb(const struct xattr_ent *x, void *arg)
{
	struct xattr_get *g = arg;

	if (!xattr_match(x, g->g_name))
		return 0;
	g->g_len = x->x_size;
	if (g->g_buf != NULL) {
		if (x->x_size > g->g_buflen)
			return ERANGE;
		memcpy(g->g_buf, x->x_value, x->x_size);
	}
	return -1; /* found: stop */
}

int ext2_xattr_get(struct ext2_inode *ip, const char *name, void *buf,
		   size_t buflen, size_t *lenp)
{
	struct xattr_get g = {.g_name = name, .g_buf = buf, .g_buflen = buflen};
	int error;

	error = xattr_inode_area(ip, xattr_get_cb, &g);
	if (error == 0)
		error = xattr_block_area(ip, xattr_get_cb, &g);
	if (error == -1) {
		*lenp = g.g_len;
		return 0;
	}
	return error != 0 ? error : ENODATA;
}

struct xattr_list {
	char *l_buf;
	size_t l_buflen, l_len;
};

static int xattr_list_cb(const struct xattr_ent *x, void *arg)
{
	struct xattr_list *l = arg;
	const char *pfx = x->x_index < __arraycount(xattr_prefix)
				  ? xattr_prefix[x->x_index]
				  : NULL;
	size_t plen, n;

	if (pfx == NULL)
		return 0; /* an index we do not know is not listed */
	plen = strlen(pfx);
	n = plen + x->x_namelen + 1;
	if (l->l_buf != NULL) {
		if (l->l_len + n > l->l_buflen)
			return ERANGE;
		memcpy(l->l_buf + l->l_len, pfx, plen);
		memcpy(l->l_buf + l->l_len + plen, x->x_name, x->x_namelen);
		l->l_buf[l->l_len + n - 1] = 0;
	}
	l->l_len += n;
	return 0;
}

int ext2_xattr_list(struct ext2_inode *ip, char *buf, size_t buflen,
		    size_t *lenp)
{
	struct xattr_list l = {.l_buf = buf, .l_buflen = buflen};
	int error;

	error = xattr_inode_area(ip, xattr_list_cb, &l);
	if (error == 0)
		error = xattr_block_area(ip, xattr_list_cb, &l);
	if (error == 0)
		*lenp = l.l_len;
	return error;
}
