/*
 * ext2_vnops.c -- the vnode operations on inodes themselves: attributes
 * (getattr, setattr with truncation), fsync, and the end of an inode's
 * life (inactive frees an unlinked inode's blocks, extended attribute
 * block and number; reclaim drops the in-core inode), plus the ops table
 * that joins them with the directory operations (ext2_vnops_dir.c) and
 * file I/O (ext2_file.c).
 */
#include <sys/buf.h>
#include <sys/errno.h>
#include <sys/systm.h>

#include "ext2fs.h"

int ext2_vop_getattr(struct vnode *vp, struct vattr *va)
{
	struct ext2_inode *ip = VTOI(vp);
	struct ext2_dinode *di = ip->i_din;

	va->va_type = vp->v_type;
	va->va_mode = di->i_mode & ALLPERMS;
	va->va_nlink = di->i_links_count;
	va->va_uid = ext2_inode_uid(ip);
	va->va_gid = ext2_inode_gid(ip);
	va->va_fsid = vp->v_mount->mnt_fsid;
	va->va_fileid = ip->i_number;
	va->va_size = (int64_t)ip->i_size;
	va->va_bytes = (int64_t)(ext2_inode_nblocks512(ip) << 9);
	va->va_blocksize = (int32_t)ip->i_mount->em_bsize;
	va->va_rdev = 0;
	if (vp->v_type == VBLK || vp->v_type == VCHR) {
		va->va_rdev = ext2_inode_rdev(ip);
		va->va_size = 0;
	}
	ext2_inode_get_time(ip, EXT2_IACC, &va->va_atime);
	ext2_inode_get_time(ip, EXT2_IMOD, &va->va_mtime);
	ext2_inode_get_time(ip, EXT2_ICHG, &va->va_ctime);
	ext2_inode_get_time(ip, EXT2_ICRT, &va->va_birthtime);
	return 0;
}

/* Sets time which from want unless omitted; true if it changed. */
static bool setattr_time(struct ext2_inode *ip, int which,
			 const struct timespec *want,
			 const struct timespec *now)
{
	if (want->tv_sec == VNOVAL_TIME || want->tv_nsec == UTIME_OMIT)
		return false;
	ext2_inode_set_time(ip, which, want->tv_nsec == UTIME_NOW ? now : want);
	return true;
}

int ext2_vop_setattr(struct vnode *vp, const struct vattr *va)
{
	struct ext2_inode *ip = VTOI(vp);
	struct ext2_dinode *di = ip->i_din;
	struct ext2_trans *tp;
	struct timespec now;
	bool changed = false;
	int error;

	if (ip->i_mount->em_ronly)
		return EROFS;
	vfs_timestamp(&now);
	if (va->va_size != VNOVAL) {
		switch (vp->v_type) {
		case VREG:
			if ((error = ext2_truncate(ip,
						   (uint64_t)va->va_size)) != 0)
				return error;
			ext2_inode_set_time(ip, EXT2_IMOD, &now);
			changed = true;
			break;
		case VDIR:
			return EISDIR;
		case VLNK:
			return EINVAL;
		default:
			break;
		}
	}
	if ((error = ext2_trans_begin(ip->i_mount, 4, &tp)) != 0)
		return error;
	if (va->va_mode != (mode_t)VNOVAL) {
		di->i_mode = (uint16_t)((di->i_mode & EXT2_S_IFMT) |
					(va->va_mode & ALLPERMS));
		changed = true;
	}
	if (va->va_uid != (uid_t)VNOVAL) {
		ext2_inode_set_uid(ip, va->va_uid);
		changed = true;
	}
	if (va->va_gid != (gid_t)VNOVAL) {
		ext2_inode_set_gid(ip, va->va_gid);
		changed = true;
	}
	changed |= setattr_time(ip, EXT2_IACC, &va->va_atime, &now);
	changed |= setattr_time(ip, EXT2_IMOD, &va->va_mtime, &now);
	changed |= setattr_time(ip, EXT2_ICRT, &va->va_birthtime, &now);
	if (!setattr_time(ip, EXT2_ICHG, &va->va_ctime, &now) && changed)
		ext2_inode_set_time(ip, EXT2_ICHG, &now);
	error = ext2_iupdate(tp, ip);
	ext2_trans_end(tp);
	return error;
}

int ext2_vop_fsync(struct vnode *vp, int flags)
{
	struct ext2_inode *ip = VTOI(vp);

	(void)flags;
	if (ip->i_mount->em_ronly)
		return 0;
	return ext2_trans_sync(ip->i_mount);
}

/*
 * The extended attribute block loses a user: freed with the last one,
 * else written back with the smaller count.
 */
static int xattr_block_release(struct ext2_trans *tp, struct ext2_inode *ip)
{
	struct ext2_mount *em = ip->i_mount;
	uint64_t blk = ext2_inode_file_acl(ip);
	struct ext2_xattr_header *h;
	struct buf *bp;
	int error;

	if (blk == 0)
		return 0;
	ext2_inode_set_file_acl(ip, 0);
	ext2_inode_add_blocks(ip, -1);
	if ((error = ext2_bread(em, blk, &bp)) != 0)
		return error;
	h = bp->b_data;
	if (h->h_magic != EXT2_XATTR_MAGIC || h->h_refcount == 0) {
		brelse(bp);
		return ext2_corrupt(em, "extended attribute block", blk);
	}
	if (--h->h_refcount == 0) {
		brelse(bp);
		return ext2_blkfree(tp, blk, 1, true);
	}
	if (em->em_csum)
		h->h_checksum = ext2_xattr_block_csum(em, blk, h);
	ext2_trans_dirty(tp, bp);
	return 0;
}

/* Frees an unlinked inode: blocks, attribute block, number. */
static int inode_delete(struct ext2_inode *ip)
{
	struct ext2_mount *em = ip->i_mount;
	struct ext2_trans *tp;
	struct timespec now;
	int error;

	if ((error = ext2_truncate(ip, 0)) != 0)
		return error;
	if ((error = ext2_trans_begin(em, 16, &tp)) != 0)
		return error;
	error = xattr_block_release(tp, ip);
	if (error == 0)
		error = ext2_orphan_del(tp, ip);
	if (error == 0) {
		vfs_timestamp(&now);
		ip->i_din->i_dtime = (uint32_t)now.tv_sec;
		ext2_inode_set_time(ip, EXT2_ICHG, &now);
		error = ext2_iupdate(tp, ip);
	}
	if (error == 0)
		error = ext2_ifree(tp, ip);
	ext2_trans_end(tp);
	return error;
}

void ext2_vop_inactive(struct vnode *vp)
{
	struct ext2_inode *ip = VTOI(vp);
	int error;

	if (ip->i_mount->em_ronly || ip->i_freed ||
	    ip->i_din->i_links_count != 0)
		return;
	if ((error = inode_delete(ip)) != 0)
		printf("ext2fs: inode %u: cannot free it (error %d); "
		       "e2fsck will\n",
		       ip->i_number, error);
}

void ext2_vop_reclaim(struct vnode *vp)
{
	struct ext2_inode *ip = VTOI(vp);

	if (ip == NULL)
		return;
	vp->v_data = NULL;
	ext2_inode_destroy(ip);
}

const struct vnodeops ext2_vnodeops = {
	.vop_lookup = ext2_vop_lookup,
	.vop_create = ext2_vop_create,
	.vop_mkdir = ext2_vop_mkdir,
	.vop_symlink = ext2_vop_symlink,
	.vop_remove = ext2_vop_remove,
	.vop_rmdir = ext2_vop_rmdir,
	.vop_link = ext2_vop_link,
	.vop_rename = ext2_vop_rename,
	.vop_getattr = ext2_vop_getattr,
	.vop_setattr = ext2_vop_setattr,
	.vop_read = ext2_vop_read,
	.vop_write = ext2_vop_write,
	.vop_readdir = ext2_vop_readdir,
	.vop_readlink = ext2_vop_readlink,
	.vop_fsync = ext2_vop_fsync,
	.vop_fallocate = ext2_vop_fallocate,
	.vop_seekdata = ext2_vop_seekdata,
	.vop_inactive = ext2_vop_inactive,
	.vop_reclaim = ext2_vop_reclaim,
};
