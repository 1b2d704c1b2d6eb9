/*
 * vfs_syscalls_file.c -- system calls on open files of the VFS: open,
 * openat and creat (which install a vnode file in the descriptor table),
 * fsync, fdatasync, space allocation and flock.  Reading, writing,
 * seeking, fcntl and closing are the kernel base's generic descriptor
 * calls, which reach vnodes through the file ops in vfs_vnops.c.
 */
#include <sys/sysargs.h>
#include <sys/sysproto.h>

#include "vfs_private.h"

static int vfs_openat(int dirfd, const char *path, int flags, mode_t mode,
		      register_t *retval)
{
	struct file *fp;
	int fd, error;

	/* A full table fails before anything is created. */
	if ((error = fd_reserve()) != 0)
		return error;
	if ((error = vn_open(dirfd, path, flags, mode, &fp)) != 0) {
		fd_unreserve();
		return error;
	}
	if ((error = fd_install_reserved(fp, (flags & O_CLOEXEC) != 0, &fd)) !=
	    0) {
		fd_unreserve();
		file_rele(fp);
		return error;
	}
	*retval = fd;
	return 0;
}

int sys_open(struct lwp *l, const struct sys_open_args *uap, register_t *retval)
{
	return vfs_openat(AT_FDCWD, SCARG(uap, path), (int)SCARG(uap, flags),
			  (mode_t)SCARG(uap, mode), retval);
}

int sys_openat(struct lwp *l, const struct sys_openat_args *uap,
	       register_t *retval)
{
	return vfs_openat((int)SCARG(uap, dirfd), SCARG(uap, path),
			  (int)SCARG(uap, flags), (mode_t)SCARG(uap, mode),
			  retval);
}

int sys_creat(struct lwp *l, const struct sys_creat_args *uap,
	      register_t *retval)
{
	return vfs_openat(AT_FDCWD, SCARG(uap, path),
			  O_CREAT | O_WRONLY | O_TRUNC,
			  (mode_t)SCARG(uap, mode), retval);
}

static int vfs_fsync(int fd, int flags)
{
	struct vnode *vp;
	int error;

	if ((error = fd_getvnode(fd, NULL, &vp)) != 0)
		return error;
	vn_lock(vp, RW_WRITER);
	error = VOP_FSYNC(vp, flags);
	vn_unlock(vp);
	vrele(vp);
	return error;
}

int sys_fsync(struct lwp *l, const struct sys_fsync_args *uap,
	      register_t *retval)
{
	return vfs_fsync((int)SCARG(uap, fd), 0);
}

int sys_fdatasync(struct lwp *l, const struct sys_fdatasync_args *uap,
		  register_t *retval)
{
	return vfs_fsync((int)SCARG(uap, fd), FSYNC_DATAONLY);
}

static int vfs_fallocate(int fd, int mode, off_t offset, off_t len)
{
	struct file *fp;
	struct vnode *vp;
	off_t end;
	int error;

	if (offset < 0 || len <= 0)
		return EINVAL;
	if (mode != 0)
		return EOPNOTSUPP;
	if ((error = fd_getfile(fd, &fp)) != 0)
		return error;
	if (!file_is_vnode(fp)) {
		file_rele(fp);
		return ESPIPE;
	}
	vp = fp->f_data;
	if (!(atomic_load_relaxed(&fp->f_flag) & FWRITE))
		error = EBADF;
	else if (vp->v_type == VDIR)
		error = EISDIR;
	else if (vp->v_type != VREG)
		error = ENODEV;
	else if (__builtin_add_overflow(offset, len, &end))
		error = EFBIG;
	else if (vn_rdonly(vp))
		error = EROFS;
	if (error == 0) {
		vn_lock(vp, RW_WRITER);
		error = VOP_FALLOCATE(vp, offset, len);
		vn_unlock(vp);
	}
	file_rele(fp);
	return error;
}

int sys_posix_fallocate(struct lwp *l,
			const struct sys_posix_fallocate_args *uap,
			register_t *retval)
{
	return vfs_fallocate((int)SCARG(uap, fd), 0, SCARG(uap, offset),
			     SCARG(uap, len));
}

int sys_fallocate(struct lwp *l, const struct sys_fallocate_args *uap,
		  register_t *retval)
{
	return vfs_fallocate((int)SCARG(uap, fd), (int)SCARG(uap, mode),
			     SCARG(uap, offset), SCARG(uap, len));
}

int sys_flock(struct lwp *l, const struct sys_flock_args *uap,
	      register_t *retval)
{
	struct file *fp;
	int error;

	if ((error = fd_getfile((int)SCARG(uap, fd), &fp)) != 0)
		return error;
	if (!file_is_vnode(fp))
		error = EINVAL;
	else
		error = lf_flock(fp, (int)SCARG(uap, operation));
	file_rele(fp);
	return error;
}
