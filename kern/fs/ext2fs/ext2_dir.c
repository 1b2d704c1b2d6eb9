/*
 * ext2_dir.c -- directories as files of entry blocks: reading a block
 * (records and checksum verified before anything trusts it), finding,
 * adding, removing and retargeting entries, growing the directory, the
 * first block of a new directory, the emptiness test and readdir of a
 * linear directory, whose cookies are byte offsets (a cookie inside a
 * record that a removal merged away resumes at the next record).  An
 * indexed directory goes through ext2_htree.c for find and add.  Callers
 * hold the directory's vnode lock: shared to read, exclusive to change.
 */
#include <sys/buf.h>
#include <sys/file.h>
#include <sys/systm.h>

#include "ext2_dir.h"

bool ext2_dir_filetype(const struct ext2_mount *em)
{
	return ext2_has_incompat(em, EXT2_FEATURE_INCOMPAT_FILETYPE);
}

bool ext2_dir_is_indexed(const struct ext2_inode *dp)
{
	return (dp->i_flags & EXT2_INDEX_FL) != 0 &&
	       ext2_has_compat(dp->i_mount, EXT2_FEATURE_COMPAT_DIR_INDEX);
}

uint8_t ext2_dir_mode_to_ft(uint16_t mode)
{
	switch (mode & EXT2_S_IFMT) {
	case EXT2_S_IFREG:
		return EXT2_DIR_FT_REG;
	case EXT2_S_IFDIR:
		return EXT2_DIR_FT_DIR;
	case EXT2_S_IFCHR:
		return EXT2_DIR_FT_CHR;
	case EXT2_S_IFBLK:
		return EXT2_DIR_FT_BLK;
	case EXT2_S_IFIFO:
		return EXT2_DIR_FT_FIFO;
	case EXT2_S_IFSOCK:
		return EXT2_DIR_FT_SOCK;
	case EXT2_S_IFLNK:
		return EXT2_DIR_FT_SYMLINK;
	default:
		return EXT2_DIR_FT_UNKNOWN;
	}
}

uint64_t ext2_dir_nblocks(const struct ext2_inode *dp)
{
	return dp->i_size >> dp->i_mount->em_bshift;
}

static void dirblk_setup(struct ext2_inode *dp, uint64_t lblk,
			 struct ext2_dirblk *db)
{
	struct ext2_mount *em = dp->i_mount;
	struct ext2_dir_blockinfo *bi = &db->db_bi;

	bi->b_data = db->db_bp->b_data;
	bi->b_size = em->em_bsize;
	bi->b_end = em->em_bsize;
	bi->b_ino = dp->i_number;
	bi->b_lblk = lblk;
	bi->b_filetype = ext2_dir_filetype(em);
	db->db_tail = false;
}

int ext2_dirblk_read(struct ext2_inode *dp, uint64_t lblk,
		     struct ext2_dirblk *db)
{
	struct ext2_mount *em = dp->i_mount;
	struct ext2_dir_blockinfo *bi = &db->db_bi;
	uint64_t vtag;
	uint8_t *data;
	int error;

	if ((error = ext2_bread_file(NULL, dp, lblk, false, &db->db_bp)) != 0)
		return error;
	dirblk_setup(dp, lblk, db);
	data = bi->b_data;
	vtag = EXT2_VTAG(EXT2_VK_DIRLEAF, 0, dp->i_number);
	if (em->em_csum && ext2_dir_tail_present(data, bi->b_size)) {
		db->db_tail = true;
		bi->b_end = bi->b_size - EXT2_DIR_TAIL_SIZE;
	}
	if (db->db_bp->b_verified == vtag)
		return 0; /* checked since it was read or last changed */
	/*
	 * An interior tree block reads as one unused record over the whole
	 * block (that is its design), without a checksum tail: walks see
	 * it as empty.  An emptied leaf looks the same without csum.
	 */
	if (db->db_tail) {
		if (ext2_dir_get32(data + bi->b_end + 8) !=
		    ext2_dir_leaf_csum(dp->i_csum_seed, data, bi->b_size)) {
			printf("ext2fs: directory inode %u block %llu: bad "
			       "checksum\n",
			       dp->i_number, (unsigned long long)lblk);
			error = EIO;
		}
	}
	if (error == 0)
		error = ext2_dir_block_check(bi);
	if (error != 0) {
		brelse(db->db_bp);
		db->db_bp = NULL;
	} else {
		db->db_bp->b_verified = vtag;
	}
	return error;
}

void ext2_dirblk_release(struct ext2_dirblk *db)
{
	if (db->db_bp != NULL)
		brelse(db->db_bp);
	db->db_bp = NULL;
}

void ext2_dirblk_dirty(struct ext2_trans *tp, struct ext2_inode *dp,
		       struct ext2_dirblk *db)
{
	struct ext2_dir_blockinfo *bi = &db->db_bi;

	if (db->db_tail)
		ext2_dir_put32(bi->b_data + bi->b_end + 8,
			       ext2_dir_leaf_csum(dp->i_csum_seed, bi->b_data,
						  bi->b_size));
	ext2_trans_dirty(tp, db->db_bp);
	db->db_bp = NULL;
}

int ext2_dirblk_new(struct ext2_trans *tp, struct ext2_inode *dp, uint64_t lblk,
		    struct ext2_dirblk *db)
{
	struct ext2_mount *em = dp->i_mount;
	int error;

	if ((error = ext2_bread_file(tp, dp, lblk, true, &db->db_bp)) != 0)
		return error;
	dirblk_setup(dp, lblk, db);
	if (em->em_csum) {
		db->db_tail = true;
		db->db_bi.b_end = em->em_bsize - EXT2_DIR_TAIL_SIZE;
	}
	ext2_dir_block_init_empty(&db->db_bi);
	return 0;
}

/* A linear walk over every block. */
static int dir_find_linear(struct ext2_inode *dp, const char *name, size_t len,
			   struct ext2_dirpos *pos)
{
	uint64_t n = ext2_dir_nblocks(dp);
	struct ext2_dirblk db;
	struct ext2_dirent de, prev;
	uint32_t off;
	int error;

	for (uint64_t lblk = 0; lblk < n; lblk++) {
		error = ext2_dirblk_read(dp, lblk, &db);
		if (error == ENOENT)
			continue;
		if (error != 0)
			return error;
		prev.d_off = UINT32_MAX;
		for (off = 0; ext2_dir_block_entry(&db.db_bi, off, &de) == 0;
		     off += de.d_reclen) {
			if (de.d_ino != 0 && de.d_namelen == len &&
			    memcmp(de.d_name, name, len) == 0) {
				pos->p_lblk = lblk;
				pos->p_off = off;
				pos->p_prev = prev.d_off;
				pos->p_ino = de.d_ino;
				pos->p_type = de.d_type;
				ext2_dirblk_release(&db);
				return 0;
			}
			prev = de;
		}
		ext2_dirblk_release(&db);
	}
	return ENOENT;
}

int ext2_dir_find(struct ext2_inode *dp, const char *name, size_t len,
		  struct ext2_dirpos *pos)
{
	int error;

	/* "." and ".." live in block 0, outside the hash tree. */
	bool dot = (len == 1 && name[0] == '.') ||
		   (len == 2 && name[0] == '.' && name[1] == '.');

	if (!dot && ext2_dir_is_indexed(dp)) {
		error = ext2_htree_find(dp, name, len, pos);
		if (error != ENOTSUP)
			return error;
	}
	return dir_find_linear(dp, name, len, pos);
}

/* Append a block to dp and put the entry in it. */
static int dir_add_newblock(struct ext2_trans *tp, struct ext2_inode *dp,
			    const char *name, size_t len, uint32_t ino,
			    uint8_t type)
{
	struct ext2_mount *em = dp->i_mount;
	uint64_t lblk = ext2_dir_nblocks(dp);
	struct ext2_dirblk db;
	int error;

	if (lblk >= UINT32_MAX)
		return ENOSPC;
	if ((error = ext2_dirblk_new(tp, dp, lblk, &db)) != 0)
		return error;
	ext2_dir_block_insert(&db.db_bi, 0, ino, name, len, type);
	ext2_dirblk_dirty(tp, dp, &db);
	ext2_setsize(dp, (lblk + 1) << em->em_bshift);
	return ext2_iupdate(tp, dp);
}

static int dir_add_linear(struct ext2_trans *tp, struct ext2_inode *dp,
			  const char *name, size_t len, uint32_t ino,
			  uint8_t type)
{
	uint64_t n = ext2_dir_nblocks(dp);
	uint32_t need = EXT2_DIR_RECLEN(len), off;
	struct ext2_dirblk db;
	int error;

	for (uint64_t lblk = 0; lblk < n; lblk++) {
		error = ext2_dirblk_read(dp, lblk, &db);
		if (error == ENOENT)
			continue;
		if (error != 0)
			return error;
		error = ext2_dir_block_room(&db.db_bi, need, &off);
		if (error == 0) {
			ext2_dir_block_insert(&db.db_bi, off, ino, name, len,
					      type);
			ext2_dirblk_dirty(tp, dp, &db);
			return 0;
		}
		ext2_dirblk_release(&db);
		if (error != ENOSPC)
			return error;
	}
	/* Full: a one-block directory becomes indexed where possible. */
	if (n == 1 &&
	    ext2_has_compat(dp->i_mount, EXT2_FEATURE_COMPAT_DIR_INDEX)) {
		error = ext2_htree_convert(tp, dp);
		if (error == 0)
			return ext2_htree_add(tp, dp, name, len, ino, type);
		if (error != ENOTSUP)
			return error;
	}
	return dir_add_newblock(tp, dp, name, len, ino, type);
}

int ext2_dir_add(struct ext2_trans *tp, struct ext2_inode *dp, const char *name,
		 size_t len, uint32_t ino, uint8_t type)
{
	int error;

	if (ext2_dir_is_indexed(dp)) {
		error = ext2_htree_add(tp, dp, name, len, ino, type);
		if (error != ENOTSUP)
			return error;
		/* A tree we cannot use: it stops being one. */
		printf("ext2fs: directory inode %u: hash tree unusable, "
		       "index flag cleared\n",
		       dp->i_number);
		dp->i_flags &= ~EXT2_INDEX_FL;
		if ((error = ext2_iupdate(tp, dp)) != 0)
			return error;
	}
	return dir_add_linear(tp, dp, name, len, ino, type);
}

/* Re-read the block of pos and check the entry is still there. */
static int dir_reread(struct ext2_inode *dp, const struct ext2_dirpos *pos,
		      struct ext2_dirblk *db)
{
	struct ext2_dirent de;
	int error;

	if ((error = ext2_dirblk_read(dp, pos->p_lblk, db)) != 0)
		return error == ENOENT ? EIO : error;
	if (ext2_dir_block_entry(&db->db_bi, pos->p_off, &de) != 0 ||
	    de.d_ino != pos->p_ino ||
	    (pos->p_prev != UINT32_MAX &&
	     (ext2_dir_block_entry(&db->db_bi, pos->p_prev, &de) != 0 ||
	      pos->p_prev + de.d_reclen != pos->p_off))) {
		ext2_dirblk_release(db);
		return EIO;
	}
	return 0;
}

int ext2_dir_remove(struct ext2_trans *tp, struct ext2_inode *dp,
		    const struct ext2_dirpos *pos)
{
	struct ext2_dirblk db;
	int error;

	if ((error = dir_reread(dp, pos, &db)) != 0)
		return error;
	ext2_dir_block_remove(&db.db_bi, pos->p_prev, pos->p_off);
	ext2_dirblk_dirty(tp, dp, &db);
	return 0;
}

int ext2_dir_retarget(struct ext2_trans *tp, struct ext2_inode *dp,
		      const struct ext2_dirpos *pos, uint32_t ino, uint8_t type)
{
	struct ext2_dirblk db;
	uint8_t *rec;
	int error;

	if ((error = dir_reread(dp, pos, &db)) != 0)
		return error;
	rec = db.db_bi.b_data + pos->p_off;
	ext2_dir_put32(rec + EXT2_DIRENT_INO, ino);
	if (db.db_bi.b_filetype)
		rec[EXT2_DIRENT_TYPE] = type;
	ext2_dirblk_dirty(tp, dp, &db);
	return 0;
}

int ext2_dir_init(struct ext2_trans *tp, struct ext2_inode *dp,
		  uint32_t parent_ino)
{
	struct ext2_mount *em = dp->i_mount;
	struct ext2_dirblk db;
	uint32_t off;
	int error;

	if ((error = ext2_dirblk_new(tp, dp, 0, &db)) != 0)
		return error;
	ext2_dir_block_insert(&db.db_bi, 0, dp->i_number, ".", 1,
			      EXT2_DIR_FT_DIR);
	if (ext2_dir_block_room(&db.db_bi, EXT2_DIR_RECLEN(2), &off) != 0) {
		ext2_dirblk_release(&db);
		return EIO;
	}
	ext2_dir_block_insert(&db.db_bi, off, parent_ino, "..", 2,
			      EXT2_DIR_FT_DIR);
	ext2_dirblk_dirty(tp, dp, &db);
	ext2_setsize(dp, em->em_bsize);
	return ext2_iupdate(tp, dp);
}

static bool dir_is_dot(const struct ext2_dirent *de)
{
	return (de->d_namelen == 1 && de->d_name[0] == '.') ||
	       (de->d_namelen == 2 && de->d_name[0] == '.' &&
		de->d_name[1] == '.');
}

int ext2_dir_isempty(struct ext2_inode *dp, bool *emptyp)
{
	uint64_t n = ext2_dir_nblocks(dp);
	struct ext2_dirblk db;
	struct ext2_dirent de;
	uint32_t off;
	int error;

	*emptyp = true;
	for (uint64_t lblk = 0; lblk < n && *emptyp; lblk++) {
		error = ext2_dirblk_read(dp, lblk, &db);
		if (error == ENOENT)
			continue;
		if (error != 0)
			return error;
		for (off = 0; ext2_dir_block_entry(&db.db_bi, off, &de) == 0;
		     off += de.d_reclen)
			if (de.d_ino != 0 && !dir_is_dot(&de)) {
				*emptyp = false;
				break;
			}
		ext2_dirblk_release(&db);
	}
	return 0;
}

static uint8_t dir_ft_to_dt(uint8_t ft)
{
	static const uint8_t map[EXT2_DIR_FT_MAX] = {
		DT_UNKNOWN, DT_REG,  DT_DIR,  DT_CHR,
		DT_BLK,	    DT_FIFO, DT_SOCK, DT_LNK,
	};

	return ft < EXT2_DIR_FT_MAX ? map[ft] : DT_UNKNOWN;
}

#define DIRENT_HDRSIZE offsetof(struct rump_dirent, d_name)

int ext2_dirbuf_add(struct ext2_dirbuf *d, uint64_t ino, int64_t nextoff,
		    uint8_t ft, const char *name, size_t len)
{
	union {
		struct rump_dirent d;
		char b[DIRENT_HDRSIZE + EXT2_DIR_NAMEMAX + 8];
	} rec;
	size_t reclen = roundup(DIRENT_HDRSIZE + len + 1, 8);
	int error;

	if (reclen > d->d_room) {
		d->d_full = true;
		return 0;
	}
	memset(&rec, 0, reclen);
	rec.d.d_ino = ino;
	rec.d.d_off = nextoff;
	rec.d.d_reclen = (uint16_t)reclen;
	rec.d.d_type = dir_ft_to_dt(ft);
	memcpy(rec.d.d_name, name, len);
	if ((error = uiomove(&rec, reclen, d->d_uio)) != 0)
		return error;
	d->d_room -= reclen;
	d->d_nrec++;
	return 0;
}

int ext2_dir_readdir_linear(struct ext2_inode *dp, struct uio *uio, bool *eofp)
{
	struct ext2_mount *em = dp->i_mount;
	uint64_t n = ext2_dir_nblocks(dp), cookie, lblk, next;
	struct ext2_dirbuf d = {.d_uio = uio, .d_room = uio->uio_resid};
	struct ext2_dirblk db;
	struct ext2_dirent de;
	uint32_t off;
	int error = 0;

	*eofp = false;
	cookie = (uint64_t)uio->uio_offset;
	for (lblk = cookie >> em->em_bshift; lblk < n && !d.d_full; lblk++) {
		error = ext2_dirblk_read(dp, lblk, &db);
		if (error == ENOENT) {
			error = 0;
			cookie = (lblk + 1) << em->em_bshift;
			continue;
		}
		if (error != 0)
			break;
		for (off = 0; ext2_dir_block_entry(&db.db_bi, off, &de) == 0;
		     off += de.d_reclen) {
			next = (lblk << em->em_bshift) + off + de.d_reclen;
			if (off + de.d_reclen >= db.db_bi.b_end)
				next = (lblk + 1) << em->em_bshift;
			/* Resume at the first record at or after the cookie. */
			if ((lblk << em->em_bshift) + off < cookie)
				continue;
			if (de.d_ino != 0) {
				error = ext2_dirbuf_add(
					&d, de.d_ino, (int64_t)next, de.d_type,
					de.d_name, de.d_namelen);
				if (error != 0 || d.d_full)
					break;
			}
			cookie = next;
		}
		if (!d.d_full && error == 0)
			cookie = (lblk + 1) << em->em_bshift;
		ext2_dirblk_release(&db);
		if (error != 0)
			break;
	}
	if (error == 0 && d.d_nrec == 0 && d.d_full)
		error = EINVAL;
	if (error != 0)
		return error;
	*eofp = !d.d_full;
	uio->uio_offset = (off_t)cookie;
	return 0;
}
