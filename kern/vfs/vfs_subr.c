/*
 * vfs_subr.c -- small services the rest of the VFS and file systems share:
 * attribute records, the POSIX permission check with root's override,
 * stat records, kernel-buffer vnode I/O, timestamps, and defaults for the
 * optional vnode ops.  Functions named *_locked want the vnode locked by
 * the caller; the others take the lock themselves.
 */
#include <sys/time.h>

#include "vfs_private.h"

void vattr_null(struct vattr *va)
{
	va->va_type = VNON;
	va->va_mode = (mode_t)VNOVAL;
	va->va_nlink = (nlink_t)VNOVAL;
	va->va_uid = (uid_t)VNOVAL;
	va->va_gid = (gid_t)VNOVAL;
	va->va_fsid = (uint64_t)VNOVAL;
	va->va_fileid = (ino_t)VNOVAL;
	va->va_size = VNOVAL;
	va->va_bytes = VNOVAL;
	va->va_blocksize = VNOVAL;
	va->va_atime.tv_sec = va->va_mtime.tv_sec = VNOVAL_TIME;
	va->va_ctime.tv_sec = va->va_birthtime.tv_sec = VNOVAL_TIME;
	va->va_atime.tv_nsec = va->va_mtime.tv_nsec = 0;
	va->va_ctime.tv_nsec = va->va_birthtime.tv_nsec = 0;
	va->va_rdev = (dev_t)VNOVAL;
}

void vfs_timestamp(struct timespec *ts)
{
	getnanotime(ts);
}

int vaccess(enum vtype type, mode_t file_mode, uid_t uid, gid_t gid,
	    int acc_mode, kauth_cred_t cred)
{
	mode_t granted;

	if (cred_is_root(cred)) {
		/* Root may read, write and search anything, and execute
		 * what has at least one execute bit. */
		if ((acc_mode & VEXEC) && type != VDIR &&
		    (file_mode & 0111) == 0)
			return EACCES;
		return 0;
	}
	if (cred->cr_euid == uid)
		granted = (file_mode >> 6) & 7;
	else if (cred_groupmember(gid, cred))
		granted = (file_mode >> 3) & 7;
	else
		granted = file_mode & 7;
	return (acc_mode & ~granted) != 0 ? EACCES : 0;
}

bool vfs_suser(void)
{
	kauth_cred_t cred = cred_get(curproc);
	bool root = cred_is_root(cred);

	cred_free(cred);
	return root;
}

int vn_getattr(struct vnode *vp, struct vattr *va)
{
	int error;

	vn_lock(vp, RW_READER);
	error = VOP_GETATTR(vp, va);
	vn_unlock(vp);
	return error;
}

int vn_access_locked(struct vnode *vp, int acc_mode, kauth_cred_t cred)
{
	struct vattr va;
	int error;

	if (cred_is_root(cred) && !(acc_mode & VEXEC))
		return 0;
	if ((error = VOP_GETATTR(vp, &va)) != 0)
		return error;
	return vaccess(va.va_type, va.va_mode, va.va_uid, va.va_gid, acc_mode,
		       cred);
}

int vn_access(struct vnode *vp, int acc_mode, kauth_cred_t cred)
{
	int error;

	vn_lock(vp, RW_READER);
	error = vn_access_locked(vp, acc_mode, cred);
	vn_unlock(vp);
	return error;
}

int vn_sticky_check(struct vnode *dvp, struct vnode *vp, kauth_cred_t cred)
{
	struct vattr dva, va;
	int error;

	if (cred_is_root(cred))
		return 0;
	if ((error = VOP_GETATTR(dvp, &dva)) != 0)
		return error;
	if (!(dva.va_mode & S_ISVTX) || dva.va_uid == cred->cr_euid)
		return 0;
	if ((error = VOP_GETATTR(vp, &va)) != 0)
		return error;
	return va.va_uid == cred->cr_euid ? 0 : EPERM;
}

mode_t vtype_to_ifmt(enum vtype t)
{
	switch (t) {
	case VREG:
		return S_IFREG;
	case VDIR:
		return S_IFDIR;
	case VBLK:
		return S_IFBLK;
	case VCHR:
		return S_IFCHR;
	case VLNK:
		return S_IFLNK;
	case VSOCK:
		return S_IFSOCK;
	case VFIFO:
		return S_IFIFO;
	default:
		return 0;
	}
}

enum vtype ifmt_to_vtype(mode_t mode)
{
	switch (mode & S_IFMT) {
	case 0:
	case S_IFREG:
		return VREG;
	case S_IFDIR:
		return VDIR;
	case S_IFBLK:
		return VBLK;
	case S_IFCHR:
		return VCHR;
	case S_IFLNK:
		return VLNK;
	case S_IFSOCK:
		return VSOCK;
	case S_IFIFO:
		return VFIFO;
	default:
		return VBAD;
	}
}

static void ts_copy(struct rump_timespec *dst, const struct timespec *src)
{
	dst->tv_sec = src->tv_sec;
	dst->tv_nsec = src->tv_nsec;
}

int vn_stat_locked(struct vnode *vp, struct rump_stat *sb)
{
	struct vattr va;
	int error;

	if ((error = VOP_GETATTR(vp, &va)) != 0)
		return error;
	memset(sb, 0, sizeof(*sb));
	sb->st_dev = vn_mount(vp)->mnt_fsid;
	sb->st_ino = va.va_fileid;
	sb->st_mode = vtype_to_ifmt(va.va_type) | (va.va_mode & ALLPERMS);
	sb->st_nlink = va.va_nlink;
	sb->st_uid = va.va_uid;
	sb->st_gid = va.va_gid;
	sb->st_rdev = va.va_rdev;
	sb->st_size = va.va_size;
	if (spec_isdev(vp) && vp->v_type == VBLK) {
		/* A disk's size, as etfs devices report theirs. */
		struct bdev_info bi;
		if (spec_getinfo(vp, &bi) == 0)
			sb->st_size = (int64_t)bi.bi_size;
	}
	sb->st_blocks = va.va_bytes > 0 ? (va.va_bytes + 511) / 512 : 0;
	sb->st_blksize = va.va_blocksize > 0 ? va.va_blocksize : 4096;
	ts_copy(&sb->st_atim, &va.va_atime);
	ts_copy(&sb->st_mtim, &va.va_mtime);
	ts_copy(&sb->st_ctim, &va.va_ctime);
	ts_copy(&sb->st_birthtim, &va.va_birthtime);
	return 0;
}

int vn_stat(struct vnode *vp, struct rump_stat *sb)
{
	int error;

	vn_lock(vp, RW_READER);
	error = vn_stat_locked(vp, sb);
	vn_unlock(vp);
	return error;
}

int vn_rdwr(enum uio_rw rw, struct vnode *vp, void *buf, size_t len, off_t off,
	    int ioflag, size_t *residp)
{
	struct rump_iovec iov;
	struct uio uio;
	int error;

	iov.iov_base = buf;
	iov.iov_len = len;
	uio.uio_iov = &iov;
	uio.uio_iovcnt = 1;
	uio.uio_offset = off;
	uio.uio_resid = len;
	uio.uio_rw = rw;
	uio.uio_kernelspace = true;
	if (rw == UIO_READ)
		error = VOP_READ(vp, &uio, ioflag);
	else
		error = VOP_WRITE(vp, &uio, ioflag);
	if (residp != NULL)
		*residp = uio.uio_resid;
	else if (error == 0 && uio.uio_resid != 0)
		error = EIO;
	return error;
}

/* The optional ops, with their defaults when a file system has none. */
int VOP_READLINK(struct vnode *vp, struct uio *uio)
{
	if (vp->v_op->vop_readlink == NULL)
		return EINVAL;
	return vp->v_op->vop_readlink(vp, uio);
}

int VOP_FSYNC(struct vnode *vp, int flags)
{
	int error = 0, fserr;

	/* A block device's cached blocks go to the disk first. */
	if (vp->v_type == VBLK)
		error = vflushbuf(vp, true);
	if (vp->v_op->vop_fsync == NULL)
		return error;
	fserr = vp->v_op->vop_fsync(vp, flags);
	return error != 0 ? error : fserr;
}

int VOP_FALLOCATE(struct vnode *vp, off_t off, off_t len)
{
	if (vp->v_op->vop_fallocate == NULL)
		return EOPNOTSUPP;
	return vp->v_op->vop_fallocate(vp, off, len);
}

/* Without vop_seekdata a file is all data: one hole at its end. */
int VOP_SEEKDATA(struct vnode *vp, off_t off, int whence, off_t *resultp)
{
	struct vattr va;
	int error;

	if (vp->v_op->vop_seekdata != NULL)
		return vp->v_op->vop_seekdata(vp, off, whence, resultp);
	if ((error = VOP_GETATTR(vp, &va)) != 0)
		return error;
	if (off >= va.va_size)
		return ENXIO;
	*resultp = whence == SEEK_DATA ? off : va.va_size;
	return 0;
}
