/*
 * sys_generic.c -- the system calls on any open file: read and write in
 * their vector and positioned forms, lseek, ioctl, poll and select, and
 * pipe/pipe2.  Each copies its arguments in, works on the file through
 * its ops (file_io, fo_seek, fo_ioctl, fo_poll), and copies results out;
 * counts and offsets go to retval[0].  A bad process address is EFAULT.
 */
#include <sys/atomic.h>
#include <sys/file.h>
#include <sys/kmem.h>
#include <sys/pipe.h>
#include <sys/poll.h>
#include <sys/proc.h>
#include <sys/sysargs.h>
#include <sys/sysproto.h>
#include <sys/systm.h>
#include <sys/time.h>

static KMEM_TYPE_DEFINE(M_IOCTL, "ioctl");

static bool fdarg(int64_t v, int *fdp)
{
	if (v < 0 || v > INT32_MAX)
		return false;
	*fdp = (int)v;
	return true;
}

/*
 * A transfer that moved some bytes before it was interrupted or would
 * have blocked (a pipe or stream written in pieces) reports what it
 * moved, as Linux does: those bytes are gone from the source.
 */
static int io_partial(int error, size_t total, const struct uio *uio)
{
	if ((error == EINTR || error == EWOULDBLOCK) && uio->uio_resid != total)
		return 0;
	return error;
}

/* One read or write of fd over uio; the bytes moved in retval[0]. */
static int fd_io(int64_t fdv, struct uio *uio, bool positioned,
		 register_t *retval)
{
	size_t total = uio->uio_resid;
	struct file *fp;
	int fd, error;

	if (!fdarg(fdv, &fd))
		return EBADF;
	if ((error = fd_getfile(fd, &fp)) != 0)
		return error;
	error = file_io(fp, uio, positioned);
	(void)file_rele(fp);
	error = io_partial(error, total, uio);
	if (error == 0)
		retval[0] = (register_t)(total - uio->uio_resid);
	return error;
}

/* read, write, pread, pwrite: one buffer of nbyte bytes. */
static int buf_io(int64_t fd, void *buf, uint64_t nbyte, off_t offset,
		  bool positioned, enum uio_rw rw, register_t *retval)
{
	struct rump_iovec iov;
	struct uio uio;

	/* Beyond ssize_t is EINVAL; a long request moves MAX_RW_COUNT. */
	if (nbyte > (uint64_t)INT64_MAX)
		return EINVAL;
	nbyte = MIN(nbyte, (uint64_t)MAX_RW_COUNT);
	iov.iov_base64 = 0;
	iov.iov_base = buf;
	iov.iov_len = nbyte;
	uio_setup(&uio, &iov, 1, (size_t)nbyte, offset, rw);
	return fd_io(fd, &uio, positioned, retval);
}

/* readv, writev, preadv, pwritev. */
static int vec_io(int64_t fdv, const struct rump_iovec *uiov, int64_t iovcnt,
		  off_t offset, bool positioned, enum uio_rw rw,
		  register_t *retval)
{
	struct rump_iovec *iov;
	struct uio uio;
	struct file *fp;
	size_t total;
	int fd, error;

	if (!fdarg(fdv, &fd))
		return EBADF;
	if ((error = fd_getfile(fd, &fp)) != 0)
		return error;
	if (iovcnt < 0 || iovcnt > IOV_MAX)
		error = EINVAL;
	else
		error = iovec_copyin(uiov, (int)iovcnt, &iov, &total);
	if (error == 0) {
		uio_setup(&uio, iov, (int)iovcnt, total, offset, rw);
		error = file_io(fp, &uio, positioned);
		error = io_partial(error, total, &uio);
		if (error == 0)
			retval[0] = (register_t)(total - uio.uio_resid);
		iovec_free(iov, (int)iovcnt);
	}
	(void)file_rele(fp);
	return error;
}

int sys_read(struct lwp *l, const struct sys_read_args *uap, register_t *retval)
{
	return buf_io(SCARG(uap, fd), SCARG(uap, buf), SCARG(uap, nbyte), 0,
		      false, UIO_READ, retval);
}

int sys_write(struct lwp *l, const struct sys_write_args *uap,
	      register_t *retval)
{
	return buf_io(SCARG(uap, fd), (void *)(uintptr_t)SCARG(uap, buf),
		      SCARG(uap, nbyte), 0, false, UIO_WRITE, retval);
}

int sys_pread(struct lwp *l, const struct sys_pread_args *uap,
	      register_t *retval)
{
	return buf_io(SCARG(uap, fd), SCARG(uap, buf), SCARG(uap, nbyte),
		      SCARG(uap, offset), true, UIO_READ, retval);
}

int sys_pwrite(struct lwp *l, const struct sys_pwrite_args *uap,
	       register_t *retval)
{
	return buf_io(SCARG(uap, fd), (void *)(uintptr_t)SCARG(uap, buf),
		      SCARG(uap, nbyte), SCARG(uap, offset), true, UIO_WRITE,
		      retval);
}

int sys_readv(struct lwp *l, const struct sys_readv_args *uap,
	      register_t *retval)
{
	return vec_io(SCARG(uap, fd), SCARG(uap, iov), SCARG(uap, iovcnt), 0,
		      false, UIO_READ, retval);
}

int sys_writev(struct lwp *l, const struct sys_writev_args *uap,
	       register_t *retval)
{
	return vec_io(SCARG(uap, fd), SCARG(uap, iov), SCARG(uap, iovcnt), 0,
		      false, UIO_WRITE, retval);
}

int sys_preadv(struct lwp *l, const struct sys_preadv_args *uap,
	       register_t *retval)
{
	return vec_io(SCARG(uap, fd), SCARG(uap, iov), SCARG(uap, iovcnt),
		      SCARG(uap, offset), true, UIO_READ, retval);
}

int sys_pwritev(struct lwp *l, const struct sys_pwritev_args *uap,
		register_t *retval)
{
	return vec_io(SCARG(uap, fd), SCARG(uap, iov), SCARG(uap, iovcnt),
		      SCARG(uap, offset), true, UIO_WRITE, retval);
}

int sys_lseek(struct lwp *l, const struct sys_lseek_args *uap,
	      register_t *retval)
{
	int64_t whence = SCARG(uap, whence);
	struct file *fp;
	off_t newoff;
	int fd, error;

	if (!fdarg(SCARG(uap, fd), &fd))
		return EBADF;
	if ((error = fd_getfile(fd, &fp)) != 0)
		return error;
	if (fp->f_ops->fo_seek == NULL)
		error = ESPIPE;
	else if (whence != SEEK_SET && whence != SEEK_CUR &&
		 whence != SEEK_END && whence != SEEK_DATA &&
		 whence != SEEK_HOLE)
		error = EINVAL;
	else {
		mutex_enter(&fp->f_offlock);
		error = fp->f_ops->fo_seek(fp, SCARG(uap, offset), (int)whence,
					   &newoff);
		if (error == 0) {
			fp->f_offset = newoff;
			retval[0] = newoff;
		}
		mutex_exit(&fp->f_offlock);
	}
	(void)file_rele(fp);
	return error;
}

/* NetBSD's ioctl encoding: direction bits and the argument's size. */
#define IOCPARM_LEN(cmd) (((cmd) >> 16) & 0x1fff)
#define IOCPARM_MAX 4096

int sys_ioctl(struct lwp *l, const struct sys_ioctl_args *uap,
	      register_t *retval)
{
	unsigned long cmd = (unsigned long)(uint32_t)SCARG(uap, request);
	size_t size = IOCPARM_LEN(cmd);
	void *udata = SCARG(uap, data), *data;
	uint64_t stackbuf[16];
	struct file *fp;
	int fd, error;

	if (!fdarg(SCARG(uap, fd), &fd))
		return EBADF;
	if ((error = fd_getfile(fd, &fp)) != 0)
		return error;
	/* The op sees a kernel copy of the argument (IOC_IN, IOC_OUT). */
	data = udata;
	if (SCARG(uap, request) > UINT32_MAX ||
	    ((cmd & (IOC_IN | IOC_OUT)) && size > IOCPARM_MAX)) {
		(void)file_rele(fp);
		return ENOTTY;
	}
	if ((cmd & (IOC_IN | IOC_OUT)) && size > 0) {
		data = stackbuf;
		if (size > sizeof(stackbuf) &&
		    (data = kmem_alloc(size, &M_IOCTL)) == NULL) {
			(void)file_rele(fp);
			return ENOMEM;
		}
		if (cmd & IOC_IN)
			error = copyin(udata, data, size);
		else
			memset(data, 0, size);
	}
	if (error == 0) {
		switch (cmd) {
		case FIONBIO: {
			int on;
			memcpy(&on, data, sizeof(on));
			mutex_enter(&fp->f_lock);
			atomic_store_relaxed(&fp->f_flag,
					     on ? fp->f_flag | O_NONBLOCK
						: fp->f_flag & ~O_NONBLOCK);
			mutex_exit(&fp->f_lock);
			/* The op may want to know; it need not. */
			if (fp->f_ops->fo_ioctl != NULL &&
			    (error = fp->f_ops->fo_ioctl(fp, cmd, data)) ==
				    ENOTTY)
				error = 0;
			break;
		}
		default:
			error = fp->f_ops->fo_ioctl != NULL
					? fp->f_ops->fo_ioctl(fp, cmd, data)
					: ENOTTY;
			break;
		}
	}
	if (error == 0 && (cmd & IOC_OUT) && size > 0)
		error = copyout(data, udata, size);
	if (data != udata && data != stackbuf)
		kmem_free(data, size, &M_IOCTL);
	(void)file_rele(fp);
	return error;
}

int sys_poll(struct lwp *l, const struct sys_poll_args *uap, register_t *retval)
{
	uint64_t nfds = SCARG(uap, nfds);
	int64_t timeout = SCARG(uap, timeout); /* ms, then ns */
	struct rump_pollfd *fds = NULL;
	size_t size;
	int nready, error;

	if (nfds > (uint64_t)fd_limit())
		return EINVAL;
	size = sizeof(*fds) * (size_t)nfds;
	if (size > 0) {
		if ((fds = kmem_alloc(size, &M_TEMP)) == NULL)
			return ENOMEM;
		if ((error = copyin(SCARG(uap, fds), fds, size)) != 0)
			goto out;
	}
	if (timeout < 0)
		timeout = -1;
	else if (timeout > INT64_MAX / (int64_t)NSEC_PER_MSEC)
		timeout = INT64_MAX;
	else
		timeout *= (int64_t)NSEC_PER_MSEC;
	error = poll_kernel(fds, (unsigned int)nfds, timeout, &nready);
	if (error == 0 && size > 0)
		error = copyout(fds, SCARG(uap, fds), size);
	if (error == 0)
		retval[0] = nready;
out:
	if (fds != NULL)
		kmem_free(fds, size, &M_TEMP);
	return error;
}

int sys_select(struct lwp *l, const struct sys_select_args *uap,
	       register_t *retval)
{
	struct rump_fd_set *usets[3] = {SCARG(uap, readfds),
					SCARG(uap, writefds),
					SCARG(uap, exceptfds)};
	uint64_t sets[3][RUMP_FD_SETSIZE / 64], *setp[3];
	int64_t nfds = SCARG(uap, nfds), timeout_ns = -1, left;
	struct rump_timeval tv;
	size_t size;
	int nready, error;

	if (nfds < 0 || nfds > RUMP_FD_SETSIZE)
		return EINVAL;
	/* Only the words that hold descriptors below nfds, as Linux. */
	size = sizeof(uint64_t) * (size_t)howmany(nfds, 64);
	for (int k = 0; k < 3; k++) {
		setp[k] = NULL;
		if (usets[k] == NULL)
			continue;
		setp[k] = sets[k];
		if (size > 0 && (error = copyin(usets[k], sets[k], size)) != 0)
			return error;
	}
	if (SCARG(uap, timeout) != NULL) {
		if ((error = copyin(SCARG(uap, timeout), &tv, sizeof(tv))) != 0)
			return error;
		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return EINVAL;
		timeout_ns = tv.tv_sec > INT64_MAX / (int64_t)NSEC_PER_SEC - 1
				     ? INT64_MAX
				     : tv.tv_sec * (int64_t)NSEC_PER_SEC +
					       tv.tv_usec * 1000;
	}
	error = select_kernel((int)nfds, setp[0], setp[1], setp[2], timeout_ns,
			      &left, &nready);
	if (error != 0)
		return error;
	for (int k = 0; k < 3; k++)
		if (setp[k] != NULL && size > 0 &&
		    (error = copyout(sets[k], usets[k], size)) != 0)
			return error;
	if (SCARG(uap, timeout) != NULL) {
		/* The time left, as Linux's select does. */
		tv.tv_sec = left / (int64_t)NSEC_PER_SEC;
		tv.tv_usec = (left % (int64_t)NSEC_PER_SEC) / 1000;
		if ((error = copyout(&tv, SCARG(uap, timeout), sizeof(tv))) !=
		    0)
			return error;
	}
	retval[0] = nready;
	return 0;
}

static int dopipe(int *upipefd, int64_t flags)
{
	struct file *rf, *wf;
	int fds[2], error;

	if ((flags & ~(int64_t)(O_CLOEXEC | O_NONBLOCK)) != 0)
		return EINVAL;
	if ((error = pipe_files((int)flags, &rf, &wf)) != 0)
		return error;
	if ((error = fd_install(rf, 0, flags & O_CLOEXEC, &fds[0])) != 0) {
		(void)file_rele(rf);
		(void)file_rele(wf);
		return error;
	}
	if ((error = fd_install(wf, 0, flags & O_CLOEXEC, &fds[1])) != 0) {
		(void)fd_close(fds[0]);
		(void)file_rele(wf);
		return error;
	}
	if ((error = copyout(fds, upipefd, sizeof(fds))) != 0) {
		(void)fd_close(fds[0]);
		(void)fd_close(fds[1]);
	}
	return error;
}

int sys_pipe(struct lwp *l, const struct sys_pipe_args *uap, register_t *retval)
{
	return dopipe(SCARG(uap, pipefd), 0);
}

int sys_pipe2(struct lwp *l, const struct sys_pipe2_args *uap,
	      register_t *retval)
{
	return dopipe(SCARG(uap, pipefd), SCARG(uap, flags));
}
