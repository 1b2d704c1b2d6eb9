/*
 * file.c -- open files: allocation with the opener's credentials,
 * reference counting (the last reference runs the file's close op and
 * frees it), open-flag conversion, and the generic read/write path that
 * serializes the offset of seekable files.  A file's object is whatever
 * its ops table says (a vnode, a pipe, a socket); this layer never looks
 * inside it.
 */
#include <sys/atomic.h>
#include <sys/file.h>
#include <sys/kmem.h>
#include <sys/proc.h>
#include <sys/systm.h>

static KMEM_TYPE_DEFINE(M_FILE, "file");
volatile int64_t files_live;

int file_flags_from_open(int oflags)
{
	int fflag;

	switch (oflags & O_ACCMODE) {
	case O_RDONLY:
		fflag = FREAD;
		break;
	case O_WRONLY:
		fflag = FWRITE;
		break;
	case O_RDWR:
		fflag = FREAD | FWRITE;
		break;
	default: /* 3: neither read nor write, as Linux's ioctl-only mode */
		fflag = 0;
		break;
	}
	return fflag | (oflags & FMASK_STATUS);
}

int file_flags_to_open(int fflag)
{
	int oflags;

	switch (fflag & (FREAD | FWRITE)) {
	case FREAD:
		oflags = O_RDONLY;
		break;
	case FWRITE:
		oflags = O_WRONLY;
		break;
	case FREAD | FWRITE:
		oflags = O_RDWR;
		break;
	default:
		oflags = O_ACCMODE;
		break;
	}
	return oflags | (fflag & FMASK_STATUS);
}

int file_alloc(struct file **fpp)
{
	struct file *fp = kmem_zalloc(sizeof(*fp), &M_FILE);

	if (fp == NULL)
		return ENOMEM;
	fp->f_refcnt = 1;
	mutex_init(&fp->f_lock, MUTEX_DEFAULT);
	mutex_init(&fp->f_offlock, MUTEX_DEFAULT);
	fp->f_cred = cred_get(curproc);
	atomic_add(&files_live, 1);
	*fpp = fp;
	return 0;
}

void file_hold(struct file *fp)
{
	int64_t n = atomic_inc_nv(&fp->f_refcnt);

	KASSERTMSG(n > 1, "file_hold: file %p has no reference", fp);
}

int file_rele(struct file *fp)
{
	int64_t n = atomic_dec_nv(&fp->f_refcnt);
	int error = 0;

	KASSERTMSG(n >= 0, "file_rele: file %p released too often", fp);
	if (n > 0)
		return 0;
	if (fp->f_ops != NULL && fp->f_ops->fo_close != NULL)
		error = fp->f_ops->fo_close(fp);
	cred_free(fp->f_cred);
	mutex_destroy(&fp->f_offlock);
	mutex_destroy(&fp->f_lock);
	kmem_free(fp, sizeof(*fp), &M_FILE);
	atomic_add(&files_live, -1);
	return error;
}

int file_io(struct file *fp, struct uio *uio, bool positioned)
{
	bool rd = uio->uio_rw == UIO_READ;
	int (*op)(struct file *, off_t *, struct uio *);
	size_t resid = uio->uio_resid;
	off_t off;
	int error;

	if ((atomic_load_relaxed(&fp->f_flag) & (rd ? FREAD : FWRITE)) == 0)
		return EBADF;
	op = rd ? fp->f_ops->fo_read : fp->f_ops->fo_write;
	if (op == NULL)
		return EINVAL;
	if (positioned) {
		if (fp->f_ops->fo_seek == NULL)
			return ESPIPE;
		if (uio->uio_offset < 0)
			return EINVAL;
		off = uio->uio_offset;
		error = op(fp, &off, uio);
	} else if (fp->f_ops->fo_seek != NULL) {
		/* Concurrent reads of one file never see the same offset. */
		mutex_enter(&fp->f_offlock);
		uio->uio_offset = fp->f_offset;
		error = op(fp, &fp->f_offset, uio);
		mutex_exit(&fp->f_offlock);
	} else {
		off = 0;
		uio->uio_offset = 0;
		error = op(fp, &off, uio);
	}
	/* What was moved is reported, as read(2) and write(2) do. */
	if (error != 0 && uio->uio_resid != resid)
		error = 0;
	return error;
}
