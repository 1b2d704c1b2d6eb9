/*
 * vfs_vnops.c -- open files whose object is a vnode: open(2) semantics
 * (create, exclusive create, truncate, directories, symbolic links,
 * permissions, read-only mounts) and the file ops that read, write, seek,
 * stat, poll, ioctl, lock and close them.  A named fifo opens the base
 * kernel's pipe shared through v_fifo.  A file holds one vnode reference;
 * the caller of read/write holds f_offlock for the file offset.
 */
#include <sys/pipe.h>

#include "vfs_private.h"

static const struct fileops vnops_fifo;

bool file_is_vnode(struct file *fp)
{
	return fp->f_type == FTYPE_VNODE &&
	       (fp->f_ops == &vnops || fp->f_ops == &vnops_fifo);
}

static int vn_read(struct file *fp, off_t *offp, struct uio *uio)
{
	struct vnode *vp = fp->f_data;
	int ioflag = 0, error;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (spec_isdev(vp)) { /* the driver, without the vnode lock */
		uio->uio_offset = *offp;
		error = spec_read(vp, uio, 0);
		*offp = uio->uio_offset;
		return error;
	}
	if ((atomic_load_relaxed(&fp->f_flag) & O_NOATIME) ||
	    (vn_mount(vp)->mnt_flag & MNT_NOATIME))
		ioflag |= IO_NOATIME;
	vn_lock(vp, RW_READER);
	uio->uio_offset = *offp;
	error = VOP_READ(vp, uio, ioflag);
	*offp = uio->uio_offset;
	vn_unlock(vp);
	return error;
}

static int vn_write(struct file *fp, off_t *offp, struct uio *uio)
{
	struct vnode *vp = fp->f_data;
	int fflag = atomic_load_relaxed(&fp->f_flag);
	int ioflag = 0, error;

	if (fflag & O_APPEND)
		ioflag |= IO_APPEND;
	if ((fflag & O_SYNC) || (vn_mount(vp)->mnt_flag & MNT_SYNCHRONOUS))
		ioflag |= IO_SYNC;
	if (fflag & O_DSYNC)
		ioflag |= IO_DSYNC;
	if (spec_isdev(vp)) {
		uio->uio_offset = *offp;
		error = spec_write(vp, uio, ioflag);
		*offp = uio->uio_offset;
		return error;
	}
	vn_lock(vp, RW_WRITER);
	uio->uio_offset = *offp;
	error = VOP_WRITE(vp, uio, ioflag);
	*offp = uio->uio_offset;
	vn_unlock(vp);
	return error;
}

static int vn_ioctl(struct file *fp, unsigned long cmd, void *data)
{
	struct vnode *vp = fp->f_data;
	struct vattr va;
	int64_t n;
	int error;

	switch (cmd) {
	case FIONREAD:
		if (vp->v_type != VREG)
			return ENOTTY;
		if ((error = vn_getattr(vp, &va)) != 0)
			return error;
		mutex_enter(&fp->f_offlock);
		n = va.va_size - fp->f_offset;
		mutex_exit(&fp->f_offlock);
		*(int *)data = n < 0 ? 0 : n > INT32_MAX ? INT32_MAX : (int)n;
		return 0;
	case FIONBIO:
		return 0; /* f_flag already says it; files never block */
	default:
		if (spec_isdev(vp))
			return spec_ioctl(vp, cmd, data,
					  atomic_load_relaxed(&fp->f_flag));
		return ENOTTY;
	}
}

/* Regular files and directories are always ready, as in Linux. */
static int vn_poll(struct file *fp, int events, struct lwp *l)
{
	return events & (POLLIN | POLLOUT | POLLRDNORM);
}

static int vn_fstat(struct file *fp, struct rump_stat *sb)
{
	return vn_stat(fp->f_data, sb);
}

static int vn_seek(struct file *fp, off_t offset, int whence, off_t *newoffp)
{
	struct vnode *vp = fp->f_data;
	struct vattr va;
	off_t base, result;
	int error;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = fp->f_offset;
		break;
	case SEEK_END:
		if (vp->v_type == VDIR)
			return EINVAL;
		if ((error = vn_getattr(vp, &va)) != 0)
			return error;
		base = va.va_size;
		break;
	case SEEK_DATA:
	case SEEK_HOLE:
		if (vp->v_type == VDIR)
			return EINVAL;
		if (offset < 0)
			return ENXIO;
		vn_lock(vp, RW_WRITER);
		error = VOP_SEEKDATA(vp, offset, whence, &result);
		vn_unlock(vp);
		if (error == 0)
			*newoffp = result;
		return error;
	default:
		return EINVAL;
	}
	if (__builtin_add_overflow(base, offset, &result))
		return EOVERFLOW;
	if (result < 0)
		return EINVAL;
	*newoffp = result;
	return 0;
}

static int vn_close(struct file *fp)
{
	struct vnode *vp = fp->f_data;

	int error = 0;

	if (vp == NULL)
		return 0;
	lf_close(fp, vp);
	if (spec_isdev(vp))
		error = spec_close(vp, atomic_load_relaxed(&fp->f_flag));
	vrele(vp);
	return error;
}

static int vn_advlock(struct file *fp, void *owner, int op,
		      struct rump_flock *fl, int flags)
{
	return lf_advlock(fp, owner, op, fl, flags);
}

const struct fileops vnops = {
	.fo_name = "vnode",
	.fo_read = vn_read,
	.fo_write = vn_write,
	.fo_ioctl = vn_ioctl,
	.fo_poll = vn_poll,
	.fo_stat = vn_fstat,
	.fo_seek = vn_seek,
	.fo_close = vn_close,
	.fo_advlock = vn_advlock,
};

/* Named fifos: the pipe in v_fifo does the I/O; the vnode the rest. */
static int fifo_read(struct file *fp, off_t *offp, struct uio *uio)
{
	struct vnode *vp = fp->f_data;

	return pipe_read(vp->v_fifo, uio, atomic_load_relaxed(&fp->f_flag));
}

static int fifo_write(struct file *fp, off_t *offp, struct uio *uio)
{
	struct vnode *vp = fp->f_data;

	return pipe_write(vp->v_fifo, uio, atomic_load_relaxed(&fp->f_flag));
}

static int fifo_ioctl(struct file *fp, unsigned long cmd, void *data)
{
	struct vnode *vp = fp->f_data;

	return pipe_ioctl(vp->v_fifo, cmd, data);
}

static int fifo_poll(struct file *fp, int events, struct lwp *l)
{
	struct vnode *vp = fp->f_data;

	return pipe_poll(vp->v_fifo, atomic_load_relaxed(&fp->f_flag), events,
			 l);
}

static int fifo_fclose(struct file *fp)
{
	struct vnode *vp = fp->f_data;

	fifo_close((struct pipe **)&vp->v_fifo, fp->f_flag & (FREAD | FWRITE));
	return vn_close(fp);
}

static const struct fileops vnops_fifo = {
	.fo_name = "fifo",
	.fo_read = fifo_read,
	.fo_write = fifo_write,
	.fo_ioctl = fifo_ioctl,
	.fo_poll = fifo_poll,
	.fo_stat = vn_fstat,
	.fo_seek = NULL, /* ESPIPE */
	.fo_close = fifo_fclose,
	.fo_advlock = vn_advlock,
};

/* The creation mask of the calling process. */
mode_t vfs_cmask(void)
{
	struct cwdinfo *cwi = cwd_get(curproc);
	mode_t m;

	mutex_enter(&cwi->cwi_lock);
	m = cwi->cwi_cmask;
	mutex_exit(&cwi->cwi_lock);
	return m;
}

/* O_CREAT: the existing entry, or a new regular file (*createdp). */
static int vn_open_create(int dirfd, const char *path, int oflags, mode_t mode,
			  kauth_cred_t cred, struct vnode **vpp, bool *createdp)
{
	struct nameidata nd;
	struct vnode *dvp, *vp;
	struct vattr va;
	int error;

	namei_init(&nd, dirfd, path, NI_CREATE,
		   (oflags & (O_EXCL | O_NOFOLLOW)) ? 0 : NI_FOLLOW, cred);
	if ((error = namei(&nd)) != 0)
		return error;
	if (nd.ni_lastkind != LAST_NORM || nd.ni_trailslash) {
		namei_done(&nd);
		return EISDIR;
	}
	dvp = nd.ni_dvp;
	if ((vp = nd.ni_vp) != NULL) {
		nd.ni_vp = NULL;
		namei_done(&nd);
		/* CREATE left a mount point uncrossed; opening crosses. */
		lookup_crossmounts(&vp);
		if (oflags & O_EXCL) {
			vrele(vp);
			return EEXIST;
		}
		if (vp->v_type == VLNK) { /* O_NOFOLLOW */
			vrele(vp);
			return ELOOP;
		}
		*vpp = vp;
		return 0;
	}
	if (vn_rdonly(dvp))
		error = EROFS;
	else
		error = vn_access_locked(dvp, VWRITE | VEXEC, cred);
	if (error == 0) {
		vattr_null(&va);
		va.va_type = VREG;
		va.va_mode = mode & ALLPERMS & ~vfs_cmask();
		error = VOP_CREATE(dvp, &nd.ni_cn, &va, &vp);
	}
	if (error == 0) {
		ncache_enter(dvp, nd.ni_cn.cn_name, nd.ni_cn.cn_namelen, vp);
		*vpp = vp;
		*createdp = true;
	}
	namei_done(&nd);
	return error;
}

/* May the opener of vp with fflag and oflags go on?  0 or an errno. */
static int vn_open_check(struct vnode *vp, int fflag, int oflags,
			 kauth_cred_t cred, bool created)
{
	int acc = 0;

	switch (vp->v_type) {
	case VSOCK:
		return ENXIO;
	case VLNK:
		return ELOOP; /* O_NOFOLLOW met a link */
	case VBLK:
	case VCHR:
		/* etfs serves its own; drivers the rest (vfs_spec.c). */
		if (spec_isdev(vp) &&
		    (vp->v_type == VBLK ? bdevsw_lookup(vp->v_rdev) == NULL
					: cdevsw_lookup(vp->v_rdev) == NULL))
			return ENXIO;
		break;
	default:
		break;
	}
	if ((oflags & O_DIRECTORY) && vp->v_type != VDIR)
		return ENOTDIR;
	if (vp->v_type == VDIR &&
	    ((fflag & FWRITE) || (oflags & (O_TRUNC | O_CREAT))))
		return EISDIR;
	if (created)
		return 0;
	if (fflag & FREAD)
		acc |= VREAD;
	if ((fflag & FWRITE) || (oflags & O_TRUNC))
		acc |= VWRITE;
	if ((acc & VWRITE) && vn_rdonly(vp) &&
	    (vp->v_type == VREG || vp->v_type == VDIR))
		return EROFS;
	return acc != 0 ? vn_access(vp, acc, cred) : 0;
}

int vn_open(int dirfd, const char *path, int oflags, mode_t mode,
	    struct file **fpp)
{
	kauth_cred_t cred = cred_get(curproc);
	int fflag = file_flags_from_open(oflags);
	struct vnode *vp = NULL;
	struct file *fp;
	struct vattr va;
	bool created = false, fifo = false;
	int error;

	/* The file first, as Linux does: ENOMEM then creates nothing. */
	if ((error = file_alloc(&fp)) != 0) {
		cred_free(cred);
		return error;
	}
	if (oflags & O_CREAT) {
		error = vn_open_create(dirfd, path, oflags, mode, cred, &vp,
				       &created);
	} else {
		struct nameidata nd;

		namei_init(&nd, dirfd, path, NI_LOOKUP,
			   (oflags & O_NOFOLLOW) ? 0 : NI_FOLLOW, cred);
		if ((error = namei(&nd)) == 0) {
			vp = nd.ni_vp;
			nd.ni_vp = NULL;
			namei_done(&nd);
		}
	}
	if (error != 0)
		goto out;
	if ((error = vn_open_check(vp, fflag, oflags, cred, created)) != 0)
		goto out;
	if ((oflags & O_TRUNC) && vp->v_type == VREG && !created) {
		vattr_null(&va);
		va.va_size = 0;
		vn_lock(vp, RW_WRITER);
		error = VOP_SETATTR(vp, &va);
		vn_unlock(vp);
		if (error != 0)
			goto out;
	}
	if (spec_isdev(vp) && (error = spec_open(vp, fflag)) != 0)
		goto out;
	if (vp->v_type == VFIFO) {
		if ((error = fifo_open((struct pipe **)&vp->v_fifo, fflag)) !=
		    0)
			goto out;
		fifo = true;
	}
	fp->f_flag = fflag;
	fp->f_type = FTYPE_VNODE;
	fp->f_ops = fifo ? &vnops_fifo : &vnops;
	fp->f_data = vp;
	*fpp = fp;
	cred_free(cred);
	return 0;
out:
	file_rele(fp); /* no ops yet: nothing but the file goes */
	if (vp != NULL)
		vrele(vp);
	cred_free(cred);
	return error;
}
