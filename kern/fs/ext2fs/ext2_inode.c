/*
 * ext2_inode.c -- in-core inodes: loading one from the inode table into a
 * vnode (checks: checksum, extra size, mode), writing it back
 * (ext2_iupdate), and the field encodings spread over old and extra
 * fields (32-bit owners, 48-bit block counts, nanosecond timestamps with
 * epoch bits).  The vnode lock of an inode guards its fields; i_lock
 * serialises copies of the raw inode into the inode table.
 */
#include <sys/buf.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/systm.h>

#include "ext2fs.h"

KMEM_TYPE_DEFINE(M_EXT2NODE, "ext2fs inode");

uint32_t ext2_inode_extra(const struct ext2_inode *ip)
{
	uint32_t isize = ip->i_mount->em_inode_size;

	if (isize <= EXT2_GOOD_OLD_INODE_SIZE)
		return 0;
	return ip->i_din->i_extra_isize;
}

enum vtype ext2_mode_to_vtype(uint16_t mode)
{
	switch (mode & EXT2_S_IFMT) {
	case EXT2_S_IFREG:
		return VREG;
	case EXT2_S_IFDIR:
		return VDIR;
	case EXT2_S_IFLNK:
		return VLNK;
	case EXT2_S_IFBLK:
		return VBLK;
	case EXT2_S_IFCHR:
		return VCHR;
	case EXT2_S_IFIFO:
		return VFIFO;
	case EXT2_S_IFSOCK:
		return VSOCK;
	default:
		return VBAD;
	}
}

/* Where inode ino lives: its inode table block and byte offset. */
static int inode_location(struct ext2_mount *em, uint32_t ino, uint64_t *blk,
			  size_t *off)
{
	uint32_t g, idx;

	if (ino < 1 || ino > em->em_sb.s_inodes_count)
		return ext2_corrupt(em, "inode number", ino);
	g = (ino - 1) / em->em_ipg;
	idx = (ino - 1) % em->em_ipg;
	*blk = ext2_gd_inode_table(em, ext2_gd(em, g)) +
	       idx / em->em_inodes_per_block;
	*off = (size_t)(idx % em->em_inodes_per_block) * em->em_inode_size;
	return 0;
}

/* Checks a raw inode from disk; EIO (with a message) if it is bad. */
static int inode_check(struct ext2_mount *em, uint32_t ino,
		       const struct ext2_dinode *di)
{
	if (!ext2_inode_csum_ok(em, ino, di))
		return ext2_corrupt(em, "inode checksum of inode", ino);
	if (em->em_inode_size > EXT2_GOOD_OLD_INODE_SIZE &&
	    (di->i_extra_isize % 4 != 0 ||
	     di->i_extra_isize > em->em_inode_size - EXT2_GOOD_OLD_INODE_SIZE))
		return ext2_corrupt(em, "extra size of inode", ino);
	if (di->i_mode == 0 || ext2_mode_to_vtype(di->i_mode) == VBAD)
		return ext2_corrupt(em, "mode of inode", ino);
	if ((di->i_mode & EXT2_S_IFMT) == EXT2_S_IFREG &&
	    (di->i_size_lo | (uint64_t)di->i_size_high << 32) >
		    ext2_maxfilesize(em, (di->i_flags & EXT4_EXTENTS_FL) != 0))
		return ext2_corrupt(em, "size of inode", ino);
	if (di->i_flags & EXT4_INLINE_DATA_FL)
		return ext2_corrupt(em, "inline data (unsupported) in inode",
				    ino);
	return 0;
}

/* Fills ip's cached fields from its raw copy. */
static void inode_cache_fields(struct ext2_inode *ip)
{
	struct ext2_dinode *di = ip->i_din;

	ip->i_flags = di->i_flags;
	ip->i_size = di->i_size_lo | (uint64_t)di->i_size_high << 32;
	ip->i_csum_seed =
		ext2_inode_seed(ip->i_mount, ip->i_number, di->i_generation);
}

/* Reads inode ino's raw bytes into ip (allocated by the caller). */
static int inode_read(struct ext2_mount *em, uint32_t ino,
		      struct ext2_inode *ip)
{
	struct buf *bp;
	uint64_t blk;
	size_t off;
	int error;

	if ((error = inode_location(em, ino, &blk, &off)) != 0)
		return error;
	if ((error = ext2_bread(em, blk, &bp)) != 0)
		return error;
	error = inode_check(
		em, ino, (struct ext2_dinode *)((uint8_t *)bp->b_data + off));
	if (error == 0) {
		memset(ip->i_din, 0, ip->i_rawsize);
		memcpy(ip->i_din, (uint8_t *)bp->b_data + off,
		       em->em_inode_size);
	}
	brelse(bp);
	if (error == 0)
		inode_cache_fields(ip);
	return error;
}

int ext2_loadvnode(struct mount *mp, struct vnode *vp, uint64_t key)
{
	struct ext2_mount *em = VFSTOEXT2(mp);
	struct ext2_inode *ip;
	size_t rawsize = em->em_inode_size > sizeof(struct ext2_dinode)
				 ? em->em_inode_size
				 : sizeof(struct ext2_dinode);
	int error;

	if (key < 1 || key > em->em_sb.s_inodes_count)
		return ext2_corrupt(em, "inode number", key);
	if ((ip = kmem_zalloc(sizeof(*ip), &M_EXT2NODE)) == NULL)
		return ENOMEM;
	if ((ip->i_din = kmem_zalloc(rawsize, &M_EXT2NODE)) == NULL) {
		kmem_free(ip, sizeof(*ip), &M_EXT2NODE);
		return ENOMEM;
	}
	ip->i_rawsize = (uint32_t)rawsize;
	ip->i_mount = em;
	ip->i_number = (uint32_t)key;
	if ((error = inode_read(em, (uint32_t)key, ip)) != 0) {
		kmem_free(ip->i_din, rawsize, &M_EXT2NODE);
		kmem_free(ip, sizeof(*ip), &M_EXT2NODE);
		return error;
	}
	mutex_init(&ip->i_lock, MUTEX_DEFAULT);
	ip->i_vnode = vp;
	vp->v_type = ext2_mode_to_vtype(ip->i_din->i_mode);
	vp->v_op = &ext2_vnodeops;
	vp->v_data = ip;
	vp->v_rdev = 0;
	if (vp->v_type == VBLK || vp->v_type == VCHR)
		vp->v_rdev = ext2_inode_rdev(ip);
	if (key == EXT2_ROOT_INO)
		vp->v_flags |= VV_ROOT;
	return 0;
}

int ext2_inode_reload(struct ext2_inode *ip)
{
	int error = inode_read(ip->i_mount, ip->i_number, ip);

	if (error == 0) {
		ip->i_vnode->v_type = ext2_mode_to_vtype(ip->i_din->i_mode);
		ip->i_freed = false;
		ip->i_orphan = false;
	}
	return error;
}

void ext2_inode_destroy(struct ext2_inode *ip)
{
	mutex_destroy(&ip->i_lock);
	kmem_free(ip->i_din, ip->i_rawsize, &M_EXT2NODE);
	kmem_free(ip, sizeof(*ip), &M_EXT2NODE);
}

int ext2_iget(struct ext2_mount *em, uint32_t ino, struct vnode **vpp)
{
	*vpp = NULL;
	if (ino < 1 || ino > em->em_sb.s_inodes_count)
		return ext2_corrupt(em, "inode number", ino);
	return vcache_get(em->em_mp, ino, vpp);
}

int ext2_iupdate(struct ext2_trans *tp, struct ext2_inode *ip)
{
	struct ext2_mount *em = ip->i_mount;
	struct ext2_dinode *di = ip->i_din;
	uint8_t *raw;
	struct buf *bp;
	uint64_t blk;
	size_t off;
	int error;

	if ((error = inode_location(em, ip->i_number, &blk, &off)) != 0)
		return error;
	if ((error = ext2_bread(em, blk, &bp)) != 0)
		return error;
	raw = (uint8_t *)bp->b_data + off;
	mutex_enter(&ip->i_lock);
	di->i_size_lo = (uint32_t)ip->i_size;
	di->i_size_high = (uint32_t)(ip->i_size >> 32);
	di->i_flags = ip->i_flags;
	memcpy(raw, di, em->em_inode_size);
	mutex_exit(&ip->i_lock);
	ext2_inode_csum_set(em, ip->i_number, raw);
	ext2_trans_dirty(tp, bp);
	return 0;
}

int ext2_iupdate_dtime(struct ext2_trans *tp, struct ext2_inode *ip,
		       uint32_t dtime)
{
	struct ext2_mount *em = ip->i_mount;
	uint8_t *raw;
	struct buf *bp;
	uint64_t blk;
	size_t off;
	int error;

	if ((error = inode_location(em, ip->i_number, &blk, &off)) != 0)
		return error;
	if ((error = ext2_bread(em, blk, &bp)) != 0)
		return error;
	raw = (uint8_t *)bp->b_data + off;
	mutex_enter(&ip->i_lock);
	ip->i_din->i_dtime = dtime;
	mutex_exit(&ip->i_lock);
	memcpy(raw + __builtin_offsetof(struct ext2_dinode, i_dtime), &dtime,
	       sizeof(dtime));
	ext2_inode_csum_set(em, ip->i_number, raw);
	ext2_trans_dirty(tp, bp);
	return 0;
}

/* Writes a whole new raw inode for ino (ialloc), checksummed. */
int ext2_inode_write_raw(struct ext2_trans *tp, struct ext2_mount *em,
			 uint32_t ino, const struct ext2_dinode *di)
{
	struct buf *bp;
	uint64_t blk;
	size_t off;
	uint8_t *raw;
	int error;

	if ((error = inode_location(em, ino, &blk, &off)) != 0)
		return error;
	if ((error = ext2_bread(em, blk, &bp)) != 0)
		return error;
	raw = (uint8_t *)bp->b_data + off;
	memset(raw, 0, em->em_inode_size);
	memcpy(raw, di,
	       em->em_inode_size < sizeof(*di) ? em->em_inode_size
					       : sizeof(*di));
	ext2_inode_csum_set(em, ino, raw);
	ext2_trans_dirty(tp, bp);
	return 0;
}

/* ---- Field encodings ---- */

uid_t ext2_inode_uid(const struct ext2_inode *ip)
{
	return ip->i_din->i_uid | (uint32_t)ip->i_din->i_uid_high << 16;
}

gid_t ext2_inode_gid(const struct ext2_inode *ip)
{
	return ip->i_din->i_gid | (uint32_t)ip->i_din->i_gid_high << 16;
}

void ext2_inode_set_uid(struct ext2_inode *ip, uid_t uid)
{
	ip->i_din->i_uid = (uint16_t)uid;
	ip->i_din->i_uid_high = (uint16_t)(uid >> 16);
}

void ext2_inode_set_gid(struct ext2_inode *ip, gid_t gid)
{
	ip->i_din->i_gid = (uint16_t)gid;
	ip->i_din->i_gid_high = (uint16_t)(gid >> 16);
}

/*
 * Device numbers.  dev_t uses the Linux/glibc split of major and minor;
 * on disk, the old 8:8 form lives in i_block[0], the new 12:20 form in
 * i_block[1] (minor low byte, major, minor high bits).
 */
#define DEV_MAJOR(d)                                                           \
	((uint32_t)((((d) >> 8) & 0xfff) | (((d) >> 32) & ~0xfffu)))
#define DEV_MINOR(d) ((uint32_t)(((d)&0xff) | (((d) >> 12) & ~0xffu)))
#define DEV_MAKE(ma, mi)                                                       \
	((dev_t)((mi)&0xff) | ((dev_t)((ma)&0xfff) << 8) |                     \
	 ((dev_t)((mi) & ~0xffu) << 12) | ((dev_t)((ma) & ~0xfffu) << 32))

dev_t ext2_inode_rdev(const struct ext2_inode *ip)
{
	const uint32_t *b = ip->i_din->i_block;

	if (b[0] != 0)
		return DEV_MAKE((b[0] >> 8) & 0xff, b[0] & 0xff);
	return DEV_MAKE((b[1] >> 8) & 0xfff,
			(b[1] & 0xff) | ((b[1] >> 12) & 0xfff00));
}

void ext2_inode_set_rdev(struct ext2_inode *ip, dev_t rdev)
{
	uint32_t ma = DEV_MAJOR(rdev), mi = DEV_MINOR(rdev);
	uint32_t *b = ip->i_din->i_block;

	if (ma < 256 && mi < 256) {
		b[0] = ma << 8 | mi;
		b[1] = 0;
	} else {
		b[0] = 0;
		b[1] = (mi & 0xff) | (ma & 0xfff) << 8 | (mi & ~0xffu) << 12;
	}
	b[2] = 0;
}

uint64_t ext2_inode_nblocks512(const struct ext2_inode *ip)
{
	const struct ext2_dinode *di = ip->i_din;
	uint64_t n = di->i_blocks_lo;

	if (ext2_has_ro_compat(ip->i_mount, EXT4_FEATURE_RO_COMPAT_HUGE_FILE)) {
		n |= (uint64_t)di->i_blocks_high << 32;
		if (ip->i_flags & EXT4_HUGE_FILE_FL)
			n <<= ip->i_mount->em_fsbtodb;
	}
	return n;
}

void ext2_inode_add_blocks(struct ext2_inode *ip, int64_t fsblocks)
{
	struct ext2_dinode *di = ip->i_din;
	struct ext2_mount *em = ip->i_mount;
	bool huge = ext2_has_ro_compat(em, EXT4_FEATURE_RO_COMPAT_HUGE_FILE);
	uint64_t n = ext2_inode_nblocks512(ip);
	int64_t delta = fsblocks * ((int64_t)1 << em->em_fsbtodb);

	n = (int64_t)n + delta < 0 ? 0 : (uint64_t)((int64_t)n + delta);
	/* Store in 512-byte units whenever they fit (i_blocks_high). */
	ip->i_flags &= ~EXT4_HUGE_FILE_FL;
	if (huge && n >> 48 != 0) {
		ip->i_flags |= EXT4_HUGE_FILE_FL;
		n >>= em->em_fsbtodb;
	}
	di->i_blocks_lo = (uint32_t)n;
	if (huge)
		di->i_blocks_high = (uint16_t)(n >> 32);
}

uint64_t ext2_inode_file_acl(const struct ext2_inode *ip)
{
	uint64_t b = ip->i_din->i_file_acl_lo;

	if (ext2_has_incompat(ip->i_mount, EXT4_FEATURE_INCOMPAT_64BIT))
		b |= (uint64_t)ip->i_din->i_file_acl_high << 32;
	return b;
}

void ext2_inode_set_file_acl(struct ext2_inode *ip, uint64_t blk)
{
	ip->i_din->i_file_acl_lo = (uint32_t)blk;
	if (ext2_has_incompat(ip->i_mount, EXT4_FEATURE_INCOMPAT_64BIT))
		ip->i_din->i_file_acl_high = (uint16_t)(blk >> 32);
}

/*
 * Timestamps: 32 seconds bits in the old field; with an extra field, its
 * low 2 bits extend the seconds (epoch) and the rest is nanoseconds.
 */
static void time_decode(uint32_t lo, const uint32_t *extra, struct timespec *ts)
{
	ts->tv_sec = (int32_t)lo;
	ts->tv_nsec = 0;
	if (extra != NULL) {
		ts->tv_sec += (int64_t)(*extra & 3) << 32;
		ts->tv_nsec = (*extra >> 2) % 1000000000;
	}
}

static void time_encode(const struct timespec *ts, uint32_t *lo,
			uint32_t *extra)
{
	*lo = (uint32_t)ts->tv_sec;
	if (extra != NULL)
		*extra = (uint32_t)((ts->tv_sec - (int32_t)*lo) >> 32) & 3;
	if (extra != NULL)
		*extra |= (uint32_t)ts->tv_nsec << 2;
}

/* The seconds and extra fields of which (EXT2_IACC, IMOD, ICHG, ICRT). */
static void time_fields(struct ext2_inode *ip, int which, uint32_t **lo,
			uint32_t **extra)
{
	struct ext2_dinode *di = ip->i_din;

	switch (which) {
	case EXT2_IACC:
		*lo = &di->i_atime;
		*extra = ext2_inode_has(ip, EXT2_INODE_EXTRA_END(i_atime_extra))
				 ? &di->i_atime_extra
				 : NULL;
		break;
	case EXT2_IMOD:
		*lo = &di->i_mtime;
		*extra = ext2_inode_has(ip, EXT2_INODE_EXTRA_END(i_mtime_extra))
				 ? &di->i_mtime_extra
				 : NULL;
		break;
	case EXT2_ICHG:
		*lo = &di->i_ctime;
		*extra = ext2_inode_has(ip, EXT2_INODE_EXTRA_END(i_ctime_extra))
				 ? &di->i_ctime_extra
				 : NULL;
		break;
	default:
		*lo = ext2_inode_has(ip, EXT2_INODE_EXTRA_END(i_crtime))
			      ? &di->i_crtime
			      : NULL;
		*extra =
			ext2_inode_has(ip, EXT2_INODE_EXTRA_END(i_crtime_extra))
				? &di->i_crtime_extra
				: NULL;
		break;
	}
}

void ext2_inode_get_time(const struct ext2_inode *ip, int which,
			 struct timespec *ts)
{
	uint32_t *lo, *extra;

	time_fields((struct ext2_inode *)ip, which, &lo, &extra);
	if (lo == NULL) {
		ts->tv_sec = 0;
		ts->tv_nsec = 0;
		return;
	}
	time_decode(*lo, extra, ts);
}

void ext2_inode_set_time(struct ext2_inode *ip, int which,
			 const struct timespec *ts)
{
	uint32_t *lo, *extra;

	time_fields(ip, which, &lo, &extra);
	if (lo != NULL)
		time_encode(ts, lo, extra);
}

void ext2_itimes(struct ext2_inode *ip, int which)
{
	struct timespec now;

	vfs_timestamp(&now);
	if (which & EXT2_IACC)
		ext2_inode_set_time(ip, EXT2_IACC, &now);
	if (which & EXT2_IMOD)
		ext2_inode_set_time(ip, EXT2_IMOD, &now);
	if (which & EXT2_ICHG)
		ext2_inode_set_time(ip, EXT2_ICHG, &now);
	if (which & EXT2_ICRT)
		ext2_inode_set_time(ip, EXT2_ICRT, &now);
}
