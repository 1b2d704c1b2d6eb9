/*
 * test_file.c -- files, descriptors, pipes and poll from inside the
 * kernel: uiomove over kernel and process memory (EFAULT after what
 * could be moved), descriptor installation with a counting file type
 * (lowest free slot, growth, EMFILE, close-on-exec), kernel threads
 * passing data through a pipe, and a poller in a kernel thread woken by
 * a write, and fcntl record locks reaching a file's fo_advlock.  These
 * run on both hosts: the fiber host's blocking comes from kernel threads.
 */
#include <sys/file.h>
#include <sys/pipe.h>
#include <sys/poll.h>
#include <sys/sysargs.h>
#include <sys/sysproto.h>

#include "testkern.h"

int64_t rump_test_files_live(void)
{
	return atomic_load_relaxed(&files_live);
}

/* uiomove: kernel and process buffers, partial progress, EFAULT. */
int rump_test_uiomove(void)
{
	int start = test_failures;
	char src[64], dst[64], a[10], b[30];
	struct rump_iovec iov[3];
	struct uio uio;

	rump_schedule();
	for (int i = 0; i < 64; i++)
		src[i] = (char)i;
	/* Kernel space, a read (kernel to "process") over three vectors. */
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	iov[0].iov_base = a;
	iov[0].iov_len = sizeof(a);
	iov[1].iov_base = NULL;
	iov[1].iov_len = 0;
	iov[2].iov_base = b;
	iov[2].iov_len = sizeof(b);
	uio_setup(&uio, iov, 3, sizeof(a) + sizeof(b), 100, UIO_READ);
	uio.uio_kernelspace = true;
	TCHECK(uiomove(src, 15, &uio) == 0);
	TCHECK(uio.uio_resid == 25 && uio.uio_offset == 115);
	TCHECK(uiomove(src + 15, 64, &uio) == 0);
	TCHECK(uio.uio_resid == 0 && uio.uio_offset == 140);
	TCHECK(memcmp(a, src, 10) == 0 && memcmp(b, src + 10, 30) == 0);
	/* Nothing left: moving more is a no-op. */
	TCHECK(uiomove(src, 5, &uio) == 0 && uio.uio_resid == 0);

	/* Process space (local: the same memory), then a bad address. */
	memset(dst, 0, sizeof(dst));
	iov[0].iov_base = dst;
	iov[0].iov_len = 8;
	iov[1].iov_base = (void *)(uintptr_t)16; /* the first page: EFAULT */
	iov[1].iov_len = 8;
	uio_setup(&uio, iov, 2, 16, 0, UIO_READ);
	TCHECK(uiomove(src, 16, &uio) == EFAULT);
	TCHECK(uio.uio_resid == 8 && memcmp(dst, src, 8) == 0);

	/* A write (process to kernel) from a bad address moves nothing. */
	iov[0].iov_base = NULL;
	iov[0].iov_len = 4;
	uio_setup(&uio, iov, 1, 4, 0, UIO_WRITE);
	TCHECK(uiomove(dst, 4, &uio) == EFAULT && uio.uio_resid == 4);
	rump_unschedule();
	return TRESULT(start);
}

/* A file type that counts its closes. */
static int dummy_closes;

static int dummy_close(struct file *fp)
{
	dummy_closes++;
	return 0;
}

static const struct fileops dummyops = {
	.fo_name = "dummy",
	.fo_close = dummy_close,
};

static struct file *dummy_file(void)
{
	struct file *fp;

	if (file_alloc(&fp) != 0)
		return NULL;
	fp->f_ops = &dummyops;
	fp->f_flag = FREAD;
	return fp;
}

/*
 * In a fresh process (the caller made one with RFCFDG): installation at
 * the lowest free slot, above a minimum, at a given slot, growth to the
 * limit, EMFILE, and close-on-exec.
 */
int rump_test_fd_install(void)
{
	int start = test_failures, fd, n, limit, flags, closed;
	struct file *fp, *got;

	rump_schedule();
	dummy_closes = 0;
	limit = fd_limit();
	TCHECK(limit == OPEN_MAX);
	TCHECK(fd_count() == 0);
	for (int i = 0; i < 3; i++) {
		if (!TCHECK((fp = dummy_file()) != NULL))
			goto out;
		TCHECK(fd_install(fp, 0, i == 1, &fd) == 0 && fd == i);
	}
	TCHECK(fd_getflags(1, &flags) == 0 && flags == FD_CLOEXEC);
	TCHECK(fd_getflags(0, &flags) == 0 && flags == 0);
	TCHECK(fd_getfile(2, &got) == 0);
	TCHECK(got->f_refcnt == 2);
	(void)file_rele(got);
	/* Above a minimum, and at a slot beyond the table's first size. */
	fp = dummy_file();
	TCHECK(fp != NULL && fd_install(fp, 10, false, &fd) == 0 && fd == 10);
	fp = dummy_file();
	TCHECK(fp != NULL && fd_install_at(fp, 700, true) == 0);
	TCHECK(fd_getflags(700, &flags) == 0 && flags == FD_CLOEXEC);
	/* The lowest free one is still 3. */
	fp = dummy_file();
	TCHECK(fp != NULL && fd_install(fp, 0, false, &fd) == 0 && fd == 3);
	TCHECK(fd_count() == 6);
	/* Replacing closes the old file. */
	fp = dummy_file();
	TCHECK(fp != NULL && fd_install_at(fp, 700, false) == 0);
	TCHECK(dummy_closes == 1);
	TCHECK(fd_getflags(700, &flags) == 0 && flags == 0);
	TCHECK(fd_install_at(fp, limit, false) == EBADF);
	TCHECK(fd_install_at(fp, -1, false) == EBADF);
	/* Fill to the limit. */
	for (n = fd_count(); n < limit; n++) {
		if (!TCHECK((fp = dummy_file()) != NULL))
			break;
		if (!TCHECK(fd_install(fp, 0, (n & 1) != 0, &fd) == 0)) {
			(void)file_rele(fp);
			break;
		}
	}
	TCHECK(fd_count() == limit);
	fp = dummy_file();
	TCHECK(fp != NULL && fd_install(fp, 0, false, &fd) == EMFILE);
	TCHECK(fd_install(fp, limit, false, &fd) == EMFILE);
	TCHECK(fd_dup(0, 0, false, &fd) == EMFILE);
	/* A closed slot is the next one given. */
	TCHECK(fd_close(500) == 0);
	TCHECK(fd_close(500) == EBADF);
	TCHECK(fd_install(fp, 0, false, &fd) == 0 && fd == 500);
	/* exec: the close-on-exec ones go, the others stay. */
	n = fd_count();
	closed = dummy_closes;
	fd_closeexec();
	TCHECK(fd_count() < n && fd_count() > 0);
	TCHECK(fd_getflags(1, &flags) == EBADF);
	TCHECK(fd_getflags(0, &flags) == 0);
	for (fd = 0; fd < limit; fd++)
		TCHECK(fd_getflags(fd, &flags) == EBADF || flags == 0);
	TCHECK(dummy_closes - closed == n - fd_count());
out:
	rump_unschedule();
	return TRESULT(start);
}

/* Kernel threads writing records through a pipe, one thread reading. */
#define REC_SIZE 1000 /* under PIPE_BUF: every record arrives whole */
static struct {
	struct file *rf, *wf;
	int nwriters, nrecs;
	int wdone; /* atomic */
} kp;

static int kio(struct file *fp, void *buf, size_t len, enum uio_rw rw,
	       size_t *donep)
{
	struct rump_iovec iov = {.iov_base = buf, .iov_len = len};
	struct uio uio;
	int error;

	uio_setup(&uio, &iov, 1, len, 0, rw);
	uio.uio_kernelspace = true;
	error = file_io(fp, &uio, false);
	*donep = len - uio.uio_resid;
	return error;
}

static void pipe_writer(void *arg)
{
	int id = (int)(uintptr_t)arg;
	char rec[REC_SIZE];
	size_t done;

	for (int r = 0; r < kp.nrecs; r++) {
		memset(rec, 'a' + id, sizeof(rec));
		rec[0] = (char)(r & 0x7f);
		if (!TCHECK(kio(kp.wf, rec, sizeof(rec), UIO_WRITE, &done) ==
			    0) ||
		    !TCHECK(done == sizeof(rec)))
			break;
	}
	if (atomic_inc_nv(&kp.wdone) == kp.nwriters) {
		/* The last writer closes: the reader sees end of file. */
		(void)file_rele(kp.wf);
	}
}

int rump_test_pipe_kthreads(int nwriters, int nrecs)
{
	int start = test_failures, next[26] = {0}, nthreads = 0;
	char rec[REC_SIZE], *buf;
	size_t have = 0, done;
	struct lwp *ls[26];
	uint64_t total = 0;

	if (nwriters < 1 || nwriters > 26)
		return EINVAL;
	rump_schedule();
	if ((buf = kmem_alloc(REC_SIZE * 3, &M_TEST)) == NULL) {
		rump_unschedule();
		return ENOMEM;
	}
	kp.nwriters = nwriters;
	kp.nrecs = nrecs;
	kp.wdone = 0;
	if (!TCHECK(pipe_files(0, &kp.rf, &kp.wf) == 0))
		goto out;
	for (int i = 0; i < nwriters; i++)
		if (tspawn(pipe_writer, (void *)(uintptr_t)i, &ls[nthreads],
			   "pipewr") == 0)
			nthreads++;
	if (nthreads != nwriters) {
		TCHECK(nthreads == nwriters);
		kp.nwriters = nthreads; /* so the last one still closes */
		if (nthreads == 0)
			(void)file_rele(kp.wf);
	}
	/* Read in odd sizes; records are reassembled and checked whole. */
	for (size_t ask = 1;; ask = ask % 1500 + 333) {
		int error = kio(kp.rf, buf + have,
				MIN(ask, REC_SIZE * 3 - have), UIO_READ, &done);
		if (!TCHECK(error == 0) || done == 0)
			break;
		have += done;
		total += done;
		while (have >= REC_SIZE) {
			int id;
			memcpy(rec, buf, REC_SIZE);
			memmove(buf, buf + REC_SIZE, have - REC_SIZE);
			have -= REC_SIZE;
			id = rec[1] - 'a';
			if (!TCHECK(id >= 0 && id < nthreads))
				continue;
			/* In order per writer, never mixed with another. */
			TCHECK(rec[0] == (char)(next[id]++ & 0x7f));
			for (int i = 1; i < REC_SIZE; i++)
				if (rec[i] != 'a' + id) {
					TCHECK(rec[i] == 'a' + id);
					break;
				}
		}
	}
	TCHECK(have == 0);
	TCHECK(total == (uint64_t)nthreads * (uint64_t)nrecs * REC_SIZE);
	for (int i = 0; i < nthreads; i++) {
		TCHECK(next[i] == nrecs);
		tjoin(ls[i]);
	}
	(void)file_rele(kp.rf);
out:
	kmem_free(buf, REC_SIZE * 3, &M_TEST);
	rump_unschedule();
	return TRESULT(start);
}

/*
 * A kernel thread polls (and then selects) on the read end of a pipe,
 * through descriptors of process 0; this thread writes once it is
 * asleep, and closes the write end for the POLLHUP round.
 */
static struct {
	struct file *rf, *wf;
	struct tsteps steps;
	int revents, nready, selected;
} kpoll;

static void poll_thread(void *arg)
{
	struct rump_pollfd pfd;
	uint64_t set[1];
	int fd;

	file_hold(kpoll.rf);
	if (!TCHECK(fd_install(kpoll.rf, 0, false, &fd) == 0)) {
		(void)file_rele(kpoll.rf);
		step_set(&kpoll.steps, 100);
		return;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	step_set(&kpoll.steps, 1);
	TCHECK(poll_kernel(&pfd, 1, (int64_t)TEST_WAIT_NS, &kpoll.nready) == 0);
	kpoll.revents = pfd.revents;
	step_set(&kpoll.steps, 2);
	step_wait(&kpoll.steps, 3);
	set[0] = (uint64_t)1 << fd;
	TCHECK(select_kernel(fd + 1, set, NULL, NULL, (int64_t)TEST_WAIT_NS,
			     NULL, &kpoll.selected) == 0);
	TCHECK(set[0] == (uint64_t)1 << fd);
	/* Once the data is gone, the writer's close wakes this one. */
	step_set(&kpoll.steps, 4);
	step_wait(&kpoll.steps, 5);
	step_set(&kpoll.steps, 6);
	pfd.revents = 0;
	TCHECK(poll_kernel(&pfd, 1, (int64_t)TEST_WAIT_NS, &kpoll.nready) == 0);
	kpoll.revents = pfd.revents;
	TCHECK(fd_close(fd) == 0);
	step_set(&kpoll.steps, 7);
}

int rump_test_poll_kthread(void)
{
	int start = test_failures;
	char buf[8] = "ping";
	struct lwp *l;
	size_t done;

	rump_schedule();
	steps_init(&kpoll.steps);
	if (!TCHECK(pipe_files(0, &kpoll.rf, &kpoll.wf) == 0))
		goto out;
	if (tspawn(poll_thread, NULL, &l, "poller") != 0) {
		TCHECK(false);
		(void)file_rele(kpoll.rf);
		(void)file_rele(kpoll.wf);
		goto out;
	}
	if (step_wait(&kpoll.steps, 1)) {
		/* Let it go to sleep; a missed wakeup times out (fails). */
		kpause_ns(10 * NSEC_PER_MSEC);
		TCHECK(kpoll.steps.step == 1);
		TCHECK(kio(kpoll.wf, buf, 4, UIO_WRITE, &done) == 0);
		step_wait(&kpoll.steps, 2);
		TCHECK(kpoll.nready == 1 && kpoll.revents == POLLIN);
		step_set(&kpoll.steps, 3);
		step_wait(&kpoll.steps, 4);
		TCHECK(kpoll.selected == 1);
		TCHECK(kio(kpoll.rf, buf, sizeof(buf), UIO_READ, &done) == 0 &&
		       done == 4);
		step_set(&kpoll.steps, 5);
		step_wait(&kpoll.steps, 6);
		kpause_ns(10 * NSEC_PER_MSEC);
		(void)file_rele(kpoll.wf);
		kpoll.wf = NULL;
		step_wait(&kpoll.steps, 7);
		TCHECK(kpoll.nready == 1 && kpoll.revents == POLLHUP);
	}
	tjoin(l);
	if (kpoll.wf != NULL)
		(void)file_rele(kpoll.wf);
	(void)file_rele(kpoll.rf);
out:
	steps_fini(&kpoll.steps);
	rump_unschedule();
	return TRESULT(start);
}

/*
 * A writer blocked on a full pipe gets EPIPE when the last reader goes;
 * a reader blocked on an empty pipe gets end of file when the last
 * writer goes.
 */
static struct {
	struct file *rf, *wf;
	struct tsteps steps;
	int error;
	size_t done;
} kblk;

static void blocked_writer(void *arg)
{
	char *buf = kmem_zalloc(PIPE_SIZE + 1, &M_TEST);

	if (!TCHECK(buf != NULL)) {
		step_set(&kblk.steps, 1);
		return;
	}
	step_set(&kblk.steps, 1);
	kblk.error = kio(kblk.wf, buf, PIPE_SIZE + 1, UIO_WRITE, &kblk.done);
	kmem_free(buf, PIPE_SIZE + 1, &M_TEST);
}

static void blocked_reader(void *arg)
{
	char c;

	step_set(&kblk.steps, 1);
	kblk.error = kio(kblk.rf, &c, 1, UIO_READ, &kblk.done);
}

int rump_test_pipe_blocked(int writer)
{
	int start = test_failures;
	struct lwp *l;

	rump_schedule();
	steps_init(&kblk.steps);
	kblk.error = -1;
	if (!TCHECK(pipe_files(0, &kblk.rf, &kblk.wf) == 0))
		goto out;
	if (tspawn(writer ? blocked_writer : blocked_reader, NULL, &l,
		   "blocked") != 0) {
		TCHECK(false);
		(void)file_rele(kblk.rf);
		(void)file_rele(kblk.wf);
		goto out;
	}
	step_wait(&kblk.steps, 1);
	if (writer) {
		/* Until the pipe is full: the writer waits for space. */
		uint64_t end = getnsmono() + TEST_WAIT_NS;
		int n = 0;
		while (getnsmono() < end &&
		       kblk.rf->f_ops->fo_ioctl(kblk.rf, FIONREAD, &n) == 0 &&
		       n < PIPE_SIZE)
			tyield();
		TCHECK(n == PIPE_SIZE);
	}
	kpause_ns(10 * NSEC_PER_MSEC);
	/* Close the other end; the thread's own file is released after. */
	if (writer) {
		(void)file_rele(kblk.rf);
		tjoin(l);
		/* A write that moved some bytes reports them; the rest hit
		 * EPIPE, which file_io turned into a short count. */
		TCHECK(kblk.error == 0 && kblk.done == PIPE_SIZE);
		(void)file_rele(kblk.wf);
	} else {
		(void)file_rele(kblk.wf);
		tjoin(l);
		TCHECK(kblk.error == 0 && kblk.done == 0);
		(void)file_rele(kblk.rf);
	}
out:
	steps_fini(&kblk.steps);
	rump_unschedule();
	return TRESULT(start);
}

/*
 * fcntl record locks reach fo_advlock as the contract says: the access
 * mode checked (EBADF), SEEK_CUR turned into SEEK_SET at the file's
 * offset, the process as the owner; once a process has set a lock, each
 * close of a descriptor unlocks the whole file for it.  Called in a
 * fresh process (rfork RUMP_RFCFDG).
 */
static struct {
	int calls;
	void *owner;
	int op, flags;
	struct rump_flock fl;
} lk;

static int lock_advlock(struct file *fp, void *owner, int op,
			struct rump_flock *fl, int flags)
{
	lk.calls++;
	lk.owner = owner;
	lk.op = op;
	lk.fl = *fl;
	lk.flags = flags;
	if (op == F_GETLK)
		fl->l_type = F_UNLCK;
	return 0;
}

static int lock_seek(struct file *fp, off_t off, int whence, off_t *newoffp)
{
	*newoffp = off;
	return 0;
}

static const struct fileops lockops = {
	.fo_name = "locktest",
	.fo_seek = lock_seek,
	.fo_close = dummy_close,
	.fo_advlock = lock_advlock,
};

static int tfcntl(int fd, int cmd, struct rump_flock *fl)
{
	struct sys_fcntl_args a;
	register_t rv[2] = {0, 0};

	memset(&a, 0, sizeof(a));
	a.fd = fd;
	a.cmd = cmd;
	a.arg = fl;
	return sys_fcntl(curlwp, &a, rv);
}

int rump_test_fcntl_locks(void)
{
	int start = test_failures, fd, fd2;
	struct rump_flock fl;
	struct file *fp;

	rump_schedule();
	memset(&lk, 0, sizeof(lk));
	if (!TCHECK(file_alloc(&fp) == 0))
		goto out;
	fp->f_ops = &lockops;
	fp->f_flag = FREAD;
	fp->f_offset = 100;
	if (!TCHECK(fd_install(fp, 0, false, &fd) == 0)) {
		(void)file_rele(fp);
		goto out;
	}
	/* A write lock on a read-only file; bad types and origins. */
	fl = (struct rump_flock){.l_type = F_WRLCK, .l_whence = SEEK_SET};
	TCHECK(tfcntl(fd, F_SETLK, &fl) == EBADF);
	TCHECK(tfcntl(fd, F_SETLKW, &fl) == EBADF);
	fl.l_type = 99;
	TCHECK(tfcntl(fd, F_SETLK, &fl) == EINVAL);
	fl.l_type = F_RDLCK;
	fl.l_whence = 7;
	TCHECK(tfcntl(fd, F_SETLK, &fl) == EINVAL);
	fl.l_type = F_UNLCK;
	fl.l_whence = SEEK_SET;
	TCHECK(tfcntl(fd, F_GETLK, &fl) == EINVAL);
	TCHECK(lk.calls == 0);
	/* Closing before any lock was set calls nothing. */
	TCHECK(fd_dup(fd, 0, false, &fd2) == 0);
	TCHECK(fd_close(fd2) == 0);
	TCHECK(lk.calls == 0);
	/* A read lock relative to the offset. */
	fl = (struct rump_flock){.l_type = F_RDLCK,
				 .l_whence = SEEK_CUR,
				 .l_start = -10,
				 .l_len = 5};
	TCHECK(tfcntl(fd, F_SETLK, &fl) == 0);
	TCHECK(lk.calls == 1 && lk.op == F_SETLK && lk.flags == ADVLOCK_POSIX &&
	       lk.owner == curproc);
	TCHECK(lk.fl.l_whence == SEEK_SET && lk.fl.l_start == 90 &&
	       lk.fl.l_len == 5 && lk.fl.l_type == F_RDLCK);
	/* F_GETLK copies the answer back; a write lock may be asked. */
	fl = (struct rump_flock){.l_type = F_WRLCK, .l_whence = SEEK_END};
	TCHECK(tfcntl(fd, F_GETLK, &fl) == 0);
	TCHECK(lk.calls == 2 && lk.op == F_GETLK);
	TCHECK(fl.l_type == F_UNLCK);
	/* An origin past the largest offset. */
	fp->f_offset = INT64_MAX;
	fl = (struct rump_flock){
		.l_type = F_RDLCK, .l_whence = SEEK_CUR, .l_start = 1};
	TCHECK(tfcntl(fd, F_SETLK, &fl) == EOVERFLOW);
	TCHECK(lk.calls == 2);
	/* Any close now unlocks the whole file for this process. */
	TCHECK(fd_dup(fd, 0, false, &fd2) == 0);
	TCHECK(fd_close(fd2) == 0);
	TCHECK(lk.calls == 3 && lk.op == F_SETLK && lk.owner == curproc);
	TCHECK(lk.fl.l_type == F_UNLCK && lk.fl.l_whence == SEEK_SET &&
	       lk.fl.l_start == 0 && lk.fl.l_len == 0);
	TCHECK(fd_close(fd) == 0);
	TCHECK(lk.calls == 4);
out:
	rump_unschedule();
	return TRESULT(start);
}

/*
 * Named fifos: a non-blocking writer without a reader gets ENXIO, a
 * non-blocking reader opens at once, a blocking reader waits for a
 * writer (a kernel thread here), and the last close frees the pipe.
 */
static struct {
	struct pipe *slot;
	struct tsteps steps;
	int error;
	int opened; /* atomic */
} kf;

static void fifo_reader(void *arg)
{
	step_set(&kf.steps, 1);
	kf.error = fifo_open(&kf.slot, FREAD);
	atomic_store_release(&kf.opened, 1);
}

static int fifo_io(int fflag, void *buf, size_t len, enum uio_rw rw,
		   size_t *donep)
{
	struct rump_iovec iov = {.iov_base = buf, .iov_len = len};
	struct uio uio;
	int error;

	uio_setup(&uio, &iov, 1, len, 0, rw);
	uio.uio_kernelspace = true;
	error = rw == UIO_READ ? pipe_read(kf.slot, &uio, fflag)
			       : pipe_write(kf.slot, &uio, fflag);
	*donep = len - uio.uio_resid;
	return error;
}

int rump_test_fifo(void)
{
	int start = test_failures;
	char buf[8];
	struct lwp *l;
	size_t done;

	rump_schedule();
	steps_init(&kf.steps);
	kf.slot = NULL;
	kf.opened = 0;
	TCHECK(fifo_open(&kf.slot, FWRITE | O_NONBLOCK) == ENXIO);
	TCHECK(kf.slot == NULL);
	TCHECK(fifo_open(&kf.slot, 0) == EINVAL);
	/* A reader that does not wait; then a writer finds it. */
	TCHECK(fifo_open(&kf.slot, FREAD | O_NONBLOCK) == 0);
	TCHECK(kf.slot != NULL);
	TCHECK(fifo_io(FREAD, buf, 1, UIO_READ, &done) == 0 && done == 0);
	TCHECK(fifo_open(&kf.slot, FWRITE | O_NONBLOCK) == 0);
	TCHECK(fifo_io(FWRITE, "fifo", 4, UIO_WRITE, &done) == 0 && done == 4);
	TCHECK(fifo_io(FREAD, buf, sizeof(buf), UIO_READ, &done) == 0 &&
	       done == 4 && memcmp(buf, "fifo", 4) == 0);
	TCHECK(fifo_io(FREAD | O_NONBLOCK, buf, 1, UIO_READ, &done) == EAGAIN);
	fifo_close(&kf.slot, FWRITE);
	TCHECK(fifo_io(FREAD, buf, 1, UIO_READ, &done) == 0 && done == 0);
	fifo_close(&kf.slot, FREAD);
	TCHECK(kf.slot == NULL);
	/* Read and write at once never waits. */
	TCHECK(fifo_open(&kf.slot, FREAD | FWRITE) == 0);
	fifo_close(&kf.slot, FREAD | FWRITE);
	TCHECK(kf.slot == NULL);
	/* A blocking reader waits for a writer. */
	if (tspawn(fifo_reader, NULL, &l, "fiforead") == 0) {
		step_wait(&kf.steps, 1);
		kpause_ns(10 * NSEC_PER_MSEC);
		TCHECK(atomic_load_acquire(&kf.opened) == 0);
		TCHECK(fifo_open(&kf.slot, FWRITE) == 0);
		tjoin(l);
		TCHECK(kf.error == 0 && kf.opened == 1);
		fifo_close(&kf.slot, FWRITE);
		fifo_close(&kf.slot, FREAD);
		TCHECK(kf.slot == NULL);
	} else
		TCHECK(false);
	steps_fini(&kf.steps);
	rump_unschedule();
	return TRESULT(start);
}
