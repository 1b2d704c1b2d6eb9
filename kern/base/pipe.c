/*
 * pipe.c -- pipes and the fifo rendezvous.  A pipe is a ring buffer of
 * PIPE_SIZE bytes (allocated at the first write) with counts of readers
 * and writers; pipe_lock guards all of it, and readers and writers wait
 * on their own condition variables, which release the virtual CPU.
 * pipe(2) gives the two ends as files; named fifos share one pipe among
 * their openers (fifo_open).  Writes of at most PIPE_BUF bytes are never
 * interleaved with others.
 */
#include <sys/atomic.h>
#include <sys/file.h>
#include <sys/kmem.h>
#include <sys/pipe.h>
#include <sys/proc.h>
#include <sys/systm.h>
#include <sys/time.h>

struct pipe {
	kmutex_t pipe_lock;
	kcondvar_t pipe_rcv; /* readers: data, or no writer left */
	kcondvar_t pipe_wcv; /* writers: space, or no reader left */
	struct selinfo pipe_rsel, pipe_wsel;
	char *pipe_buf;	  /* PIPE_SIZE bytes once written to */
	size_t pipe_head; /* the next byte to read */
	size_t pipe_count;
	int pipe_readers, pipe_writers;
	uint64_t pipe_ropens, pipe_wopens; /* fifos: opens so far */
	ino_t pipe_ino;
	struct timespec pipe_ctime;
};

static KMEM_TYPE_DEFINE(M_PIPE, "pipe");
static KMEM_TYPE_DEFINE(M_PIPEBUF, "pipe buffer");
static volatile uint64_t pipe_nextino;
/* The fifo rendezvous: every fifo slot and fifo count changes. */
static kmutex_t fifo_lock;
static kcondvar_t fifo_cv;

static int pipe_alloc(struct pipe **pp)
{
	struct pipe *p = kmem_zalloc(sizeof(*p), &M_PIPE);

	if (p == NULL)
		return ENOMEM;
	mutex_init(&p->pipe_lock, MUTEX_DEFAULT);
	cv_init(&p->pipe_rcv, "piperd");
	cv_init(&p->pipe_wcv, "pipewr");
	selinfo_init(&p->pipe_rsel);
	selinfo_init(&p->pipe_wsel);
	p->pipe_ino = atomic_inc_nv(&pipe_nextino);
	getnanotime(&p->pipe_ctime);
	*pp = p;
	return 0;
}

static void pipe_free(struct pipe *p)
{
	KASSERT(p->pipe_readers == 0 && p->pipe_writers == 0);
	selinfo_destroy(&p->pipe_rsel);
	selinfo_destroy(&p->pipe_wsel);
	if (p->pipe_buf != NULL)
		kmem_free(p->pipe_buf, PIPE_SIZE, &M_PIPEBUF);
	cv_destroy(&p->pipe_wcv);
	cv_destroy(&p->pipe_rcv);
	mutex_destroy(&p->pipe_lock);
	kmem_free(p, sizeof(*p), &M_PIPE);
}

static void pipe_attach(struct pipe *p, int fflag)
{
	mutex_enter(&p->pipe_lock);
	if (fflag & FREAD) {
		p->pipe_readers++;
		p->pipe_ropens++;
	}
	if (fflag & FWRITE) {
		p->pipe_writers++;
		p->pipe_wopens++;
	}
	mutex_exit(&p->pipe_lock);
}

/* Drops one opener's ends; true when the pipe has no opener left. */
static bool pipe_detach(struct pipe *p, int fflag)
{
	bool last;

	mutex_enter(&p->pipe_lock);
	if ((fflag & FREAD) && --p->pipe_readers == 0) {
		/* Blocked writers fail with EPIPE; pollers see POLLERR. */
		cv_broadcast(&p->pipe_wcv);
		selnotify(&p->pipe_wsel, POLLERR);
	}
	if ((fflag & FWRITE) && --p->pipe_writers == 0) {
		/* Blocked readers see end of file; pollers POLLHUP. */
		cv_broadcast(&p->pipe_rcv);
		selnotify(&p->pipe_rsel, POLLHUP);
	}
	last = p->pipe_readers == 0 && p->pipe_writers == 0;
	mutex_exit(&p->pipe_lock);
	return last;
}

int pipe_read(struct pipe *p, struct uio *uio, int fflag)
{
	size_t before;
	int error = 0;

	if (uio->uio_resid == 0)
		return 0;
	mutex_enter(&p->pipe_lock);
	while (p->pipe_count == 0) {
		if (p->pipe_writers == 0) {
			mutex_exit(&p->pipe_lock);
			return 0; /* end of file */
		}
		if (fflag & O_NONBLOCK) {
			mutex_exit(&p->pipe_lock);
			return EAGAIN;
		}
		if ((error = cv_wait_sig(&p->pipe_rcv, &p->pipe_lock)) != 0) {
			mutex_exit(&p->pipe_lock);
			return error;
		}
	}
	before = p->pipe_count;
	while (p->pipe_count > 0 && uio->uio_resid > 0 && error == 0) {
		size_t n = MIN(p->pipe_count, PIPE_SIZE - p->pipe_head);
		size_t resid = uio->uio_resid, moved;
		error = uiomove(p->pipe_buf + p->pipe_head, n, uio);
		moved = resid - uio->uio_resid;
		p->pipe_head = (p->pipe_head + moved) % PIPE_SIZE;
		p->pipe_count -= moved;
	}
	if (p->pipe_count == 0)
		p->pipe_head = 0;
	if (p->pipe_count != before) {
		cv_broadcast(&p->pipe_wcv);
		selnotify(&p->pipe_wsel, POLLOUT);
	}
	mutex_exit(&p->pipe_lock);
	return error;
}

int pipe_write(struct pipe *p, struct uio *uio, int fflag)
{
	bool atomic = uio->uio_resid <= PIPE_BUF;
	int error = 0;

	if (uio->uio_resid == 0)
		return 0;
	mutex_enter(&p->pipe_lock);
	if (p->pipe_buf == NULL && p->pipe_readers > 0 &&
	    (p->pipe_buf = kmem_alloc(PIPE_SIZE, &M_PIPEBUF)) == NULL) {
		mutex_exit(&p->pipe_lock);
		return ENOMEM;
	}
	while (uio->uio_resid > 0) {
		size_t space, tail, n, resid, moved;

		if (p->pipe_readers == 0) {
			error = EPIPE;
			break;
		}
		space = PIPE_SIZE - p->pipe_count;
		if (space == 0 || (atomic && space < uio->uio_resid)) {
			if (fflag & O_NONBLOCK) {
				error = EAGAIN;
				break;
			}
			if ((error = cv_wait_sig(&p->pipe_wcv,
						 &p->pipe_lock)) != 0)
				break;
			continue;
		}
		tail = (p->pipe_head + p->pipe_count) % PIPE_SIZE;
		n = MIN(space, PIPE_SIZE - tail);
		resid = uio->uio_resid;
		error = uiomove(p->pipe_buf + tail, n, uio);
		moved = resid - uio->uio_resid;
		p->pipe_count += moved;
		if (moved > 0) {
			cv_broadcast(&p->pipe_rcv);
			selnotify(&p->pipe_rsel, POLLIN);
		}
		if (error != 0)
			break;
	}
	mutex_exit(&p->pipe_lock);
	return error;
}

int pipe_poll(struct pipe *p, int fflag, int events, struct lwp *l)
{
	int revents = 0;

	mutex_enter(&p->pipe_lock);
	if (fflag & FREAD) {
		if (p->pipe_count > 0)
			revents |= POLLIN | POLLRDNORM;
		if (p->pipe_writers == 0)
			revents |= POLLHUP;
	}
	if (fflag & FWRITE) {
		if (PIPE_SIZE - p->pipe_count >= PIPE_BUF)
			revents |= POLLOUT;
		if (p->pipe_readers == 0)
			revents |= POLLERR;
	}
	revents &= events | POLLHUP | POLLERR;
	if (revents == 0) {
		if (fflag & FREAD)
			selrecord(l, &p->pipe_rsel);
		if (fflag & FWRITE)
			selrecord(l, &p->pipe_wsel);
	}
	mutex_exit(&p->pipe_lock);
	return revents;
}

int pipe_ioctl(struct pipe *p, unsigned long cmd, void *data)
{
	switch (cmd) {
	case FIONREAD:
		mutex_enter(&p->pipe_lock);
		*(int *)data = (int)p->pipe_count;
		mutex_exit(&p->pipe_lock);
		return 0;
	case FIONBIO:
		return 0; /* the caller updated f_flag */
	default:
		return ENOTTY;
	}
}

int pipe_stat(struct pipe *p, struct rump_stat *sb)
{
	memset(sb, 0, sizeof(*sb));
	sb->st_mode = S_IFIFO | 0600;
	sb->st_nlink = 1;
	sb->st_ino = p->pipe_ino;
	sb->st_blksize = PIPE_BUF;
	sb->st_atim.tv_sec = sb->st_mtim.tv_sec = sb->st_ctim.tv_sec =
		sb->st_birthtim.tv_sec = p->pipe_ctime.tv_sec;
	sb->st_atim.tv_nsec = sb->st_mtim.tv_nsec = sb->st_ctim.tv_nsec =
		sb->st_birthtim.tv_nsec = p->pipe_ctime.tv_nsec;
	return 0;
}

/* The two ends of pipe(2) as files: f_data is the pipe. */

static int pipeop_read(struct file *fp, off_t *offp, struct uio *uio)
{
	return pipe_read(fp->f_data, uio, atomic_load_relaxed(&fp->f_flag));
}

static int pipeop_write(struct file *fp, off_t *offp, struct uio *uio)
{
	return pipe_write(fp->f_data, uio, atomic_load_relaxed(&fp->f_flag));
}

static int pipeop_ioctl(struct file *fp, unsigned long cmd, void *data)
{
	return pipe_ioctl(fp->f_data, cmd, data);
}

static int pipeop_poll(struct file *fp, int events, struct lwp *l)
{
	return pipe_poll(fp->f_data, atomic_load_relaxed(&fp->f_flag), events,
			 l);
}

static int pipeop_stat(struct file *fp, struct rump_stat *sb)
{
	int error = pipe_stat(fp->f_data, sb);

	sb->st_uid = fp->f_cred->cr_euid;
	sb->st_gid = fp->f_cred->cr_egid;
	return error;
}

static int pipeop_close(struct file *fp)
{
	if (pipe_detach(fp->f_data, fp->f_flag))
		pipe_free(fp->f_data);
	return 0;
}

static const struct fileops pipeops = {
	.fo_name = "pipe",
	.fo_read = pipeop_read,
	.fo_write = pipeop_write,
	.fo_ioctl = pipeop_ioctl,
	.fo_poll = pipeop_poll,
	.fo_stat = pipeop_stat,
	.fo_close = pipeop_close,
};

int pipe_files(int flags, struct file **rfpp, struct file **wfpp)
{
	struct file *rf, *wf;
	struct pipe *p;
	int error;

	if ((error = pipe_alloc(&p)) != 0)
		return error;
	if ((error = file_alloc(&rf)) != 0) {
		pipe_free(p);
		return error;
	}
	if ((error = file_alloc(&wf)) != 0) {
		(void)file_rele(rf);
		pipe_free(p);
		return error;
	}
	rf->f_flag = FREAD | (flags & O_NONBLOCK);
	wf->f_flag = FWRITE | (flags & O_NONBLOCK);
	rf->f_type = wf->f_type = FTYPE_PIPE;
	rf->f_ops = wf->f_ops = &pipeops;
	rf->f_data = wf->f_data = p;
	pipe_attach(p, FREAD);
	pipe_attach(p, FWRITE);
	*rfpp = rf;
	*wfpp = wf;
	return 0;
}

/* Named fifos: the opens of one fifo meet here. */

int fifo_open(struct pipe **slot, int fflag)
{
	int mode = fflag & (FREAD | FWRITE);
	struct pipe *p;
	uint64_t start;
	int error;

	if (mode == 0)
		return EINVAL;
	mutex_enter(&fifo_lock);
	if (*slot == NULL) {
		if ((error = pipe_alloc(slot)) != 0) {
			mutex_exit(&fifo_lock);
			return error;
		}
	}
	p = *slot;
	pipe_attach(p, mode);
	cv_broadcast(&fifo_cv);
	error = 0;
	if (mode == FREAD && !(fflag & O_NONBLOCK)) {
		/* Until a writer comes (it may have come and gone). */
		start = p->pipe_wopens;
		while (p->pipe_writers == 0 && p->pipe_wopens == start &&
		       error == 0)
			error = cv_wait_sig(&fifo_cv, &fifo_lock);
	} else if (mode == FWRITE && p->pipe_readers == 0) {
		if (fflag & O_NONBLOCK) {
			if (pipe_detach(p, mode)) {
				*slot = NULL;
				pipe_free(p);
			}
			mutex_exit(&fifo_lock);
			return ENXIO;
		}
		start = p->pipe_ropens;
		while (p->pipe_readers == 0 && p->pipe_ropens == start &&
		       error == 0)
			error = cv_wait_sig(&fifo_cv, &fifo_lock);
	}
	/* Interrupted (the other side may never come): not opened. */
	if (error != 0 && pipe_detach(p, mode)) {
		*slot = NULL;
		pipe_free(p);
	}
	mutex_exit(&fifo_lock);
	return error;
}

void fifo_close(struct pipe **slot, int fflag)
{
	struct pipe *p;

	mutex_enter(&fifo_lock);
	p = *slot;
	KASSERT(p != NULL);
	if (pipe_detach(p, fflag & (FREAD | FWRITE))) {
		*slot = NULL;
		pipe_free(p);
	}
	mutex_exit(&fifo_lock);
}

int pipe_init(void)
{
	mutex_init(&fifo_lock, MUTEX_DEFAULT);
	cv_init(&fifo_cv, "fifo");
	return 0;
}

void pipe_fini(void)
{
	cv_destroy(&fifo_cv);
	mutex_destroy(&fifo_lock);
}
