/*
 * sys_descrip.c -- the descriptor system calls: close, dup, dup2, dup3
 * and fcntl (descriptor flags, status flags, duplication, and record
 * locks passed to the file's fo_advlock).  Errors are POSIX's and
 * Linux's: EBADF for a descriptor that is not open or out of range,
 * EINVAL for a bad flag or command, EMFILE when no descriptor is free.
 */
#include <sys/atomic.h>
#include <sys/file.h>
#include <sys/proc.h>
#include <sys/sysargs.h>
#include <sys/sysproto.h>
#include <sys/systm.h>

/* A descriptor argument as an int; out of int's range it is not open. */
static bool fdarg(int64_t v, int *fdp)
{
	if (v < 0 || v > INT32_MAX)
		return false;
	*fdp = (int)v;
	return true;
}

int sys_close(struct lwp *l, const struct sys_close_args *uap,
	      register_t *retval)
{
	int fd;

	if (!fdarg(SCARG(uap, fd), &fd))
		return EBADF;
	return fd_close(fd);
}

int sys_dup(struct lwp *l, const struct sys_dup_args *uap, register_t *retval)
{
	int fd, newfd, error;

	if (!fdarg(SCARG(uap, oldfd), &fd))
		return EBADF;
	if ((error = fd_dup(fd, 0, false, &newfd)) == 0)
		retval[0] = newfd;
	return error;
}

static int dup23(int64_t oldfd, int64_t newfd, bool cloexec, register_t *retval)
{
	int fd, nfd, error;

	if (!fdarg(oldfd, &fd) || !fdarg(newfd, &nfd) || nfd >= fd_limit())
		return EBADF;
	if ((error = fd_dup2(fd, nfd, cloexec)) == 0)
		retval[0] = nfd;
	return error;
}

int sys_dup2(struct lwp *l, const struct sys_dup2_args *uap, register_t *retval)
{
	return dup23(SCARG(uap, oldfd), SCARG(uap, newfd), false, retval);
}

int sys_dup3(struct lwp *l, const struct sys_dup3_args *uap, register_t *retval)
{
	int64_t flags = SCARG(uap, flags);

	if ((flags & ~(int64_t)O_CLOEXEC) != 0)
		return EINVAL;
	if (SCARG(uap, oldfd) == SCARG(uap, newfd))
		return EINVAL;
	return dup23(SCARG(uap, oldfd), SCARG(uap, newfd),
		     (flags & O_CLOEXEC) != 0, retval);
}

/* F_GETLK, F_SETLK, F_SETLKW on a kernel copy of the caller's flock. */
static int fcntl_lock(struct lwp *l, struct file *fp, int cmd,
		      struct rump_flock *fl)
{
	int fflag = atomic_load_relaxed(&fp->f_flag);

	switch (fl->l_type) {
	case F_RDLCK:
		if (cmd != F_GETLK && !(fflag & FREAD))
			return EBADF;
		break;
	case F_WRLCK:
		if (cmd != F_GETLK && !(fflag & FWRITE))
			return EBADF;
		break;
	case F_UNLCK:
		if (cmd == F_GETLK)
			return EINVAL;
		break;
	default:
		return EINVAL;
	}
	switch (fl->l_whence) {
	case SEEK_SET:
	case SEEK_END:
		break;
	case SEEK_CUR: {
		off_t off;
		if (fp->f_ops->fo_seek == NULL)
			return EINVAL;
		mutex_enter(&fp->f_offlock);
		off = fp->f_offset;
		mutex_exit(&fp->f_offlock);
		if (__builtin_add_overflow(fl->l_start, off, &fl->l_start))
			return EOVERFLOW;
		fl->l_whence = SEEK_SET;
		break;
	}
	default:
		return EINVAL;
	}
	if (fp->f_ops->fo_advlock == NULL)
		return EINVAL;
	/* Marked first, so that a close racing with the lock unlocks it. */
	if (cmd != F_GETLK && fl->l_type != F_UNLCK)
		fd_mark_locks();
	return fp->f_ops->fo_advlock(fp, l->l_proc, cmd, fl, ADVLOCK_POSIX);
}

int sys_fcntl(struct lwp *l, const struct sys_fcntl_args *uap,
	      register_t *retval)
{
	/* Integer arguments come as an int in the pointer's slot. */
	int iarg = (int)(int32_t)SCARG(uap, arg_slot_);
	int64_t cmd = SCARG(uap, cmd);
	struct rump_flock fl;
	struct file *fp;
	int fd, flags, error;

	if (!fdarg(SCARG(uap, fd), &fd))
		return EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (iarg < 0 || iarg >= fd_limit()) {
			/* EBADF first for a descriptor that is not open. */
			if ((error = fd_getflags(fd, &flags)) != 0)
				return error;
			return EINVAL;
		}
		error = fd_dup(fd, iarg, cmd == F_DUPFD_CLOEXEC, &flags);
		if (error == 0)
			retval[0] = flags;
		return error;
	case F_GETFD:
		if ((error = fd_getflags(fd, &flags)) == 0)
			retval[0] = flags;
		return error;
	case F_SETFD:
		return fd_setflags(fd, iarg & FD_CLOEXEC);
	}
	if ((error = fd_getfile(fd, &fp)) != 0)
		return error;
	switch (cmd) {
	case F_GETFL:
		retval[0] =
			file_flags_to_open(atomic_load_relaxed(&fp->f_flag));
		break;
	case F_SETFL:
		/* Ops read O_NONBLOCK and O_APPEND from f_flag at each call. */
		mutex_enter(&fp->f_lock);
		flags = (fp->f_flag & ~FMASK_SETFL) | (iarg & FMASK_SETFL);
		atomic_store_relaxed(&fp->f_flag, flags);
		mutex_exit(&fp->f_lock);
		break;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
		if ((error = copyin(SCARG(uap, arg), &fl, sizeof(fl))) != 0)
			break;
		error = fcntl_lock(l, fp, (int)cmd, &fl);
		if (error == 0 && cmd == F_GETLK)
			error = copyout(&fl, SCARG(uap, arg), sizeof(fl));
		break;
	default:
		error = EINVAL;
		break;
	}
	(void)file_rele(fp);
	return error;
}
