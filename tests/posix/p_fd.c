/*
 * p_fd.c -- descriptors and what hangs on them: dup, dup2, dup3 and
 * fcntl (descriptor and status flags, F_DUPFD), shared and separate
 * offsets, EBADF from every call that takes a descriptor, EMFILE at the
 * per-process limit, POSIX record locks between two processes, flock,
 * pipes and fifos, mknod, poll and select on files and pipes, and ioctl
 * FIONREAD and FIONBIO.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>

#include "suite.h"

static void fd_dup(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char buf[8];
	int fd, d, e;

	pt_mkfile(t, "f", 0644, "abcdef");
	fd = T_OK(fs->open("f", O_RDWR | O_CLOEXEC));
	d = T_OK(fs->dup(fd));
	T_EQ(d, fd + 1);
	/* One open file: offset and status flags are shared... */
	T_EQ(fs->read(fd, buf, 2), 2);
	T_EQ(fs->lseek(d, 0, SEEK_CUR), 2);
	T_EQ(fs->read(d, buf, 2), 2);
	T_MEM(buf, "cd", 2);
	T_OK(fs->fcntl(d, F_SETFL, O_APPEND));
	T_TRUE((fs->fcntl(fd, F_GETFL) & O_APPEND) != 0);
	/* ...descriptor flags are not: dup clears FD_CLOEXEC. */
	T_EQ(fs->fcntl(fd, F_GETFD), FD_CLOEXEC);
	T_EQ(fs->fcntl(d, F_GETFD), 0);
	/* Closing one leaves the other working. */
	T_OK(fs->close(fd));
	T_EQ(fs->pread(d, buf, 6, 0), 6);
	/* A separate open has its own offset. */
	e = T_OK(fs->open("f", O_RDONLY));
	T_EQ(e, fd);
	T_EQ(fs->lseek(e, 0, SEEK_CUR), 0);
	T_OK(fs->close(e));
	T_OK(fs->close(d));
	T_ERR(fs->dup(d), EBADF);
	T_ERR(fs->dup(-1), EBADF);
}

static void fd_dup2_dup3(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char buf[4];
	int a, b, c;

	pt_mkfile(t, "a", 0644, "A");
	pt_mkfile(t, "b", 0644, "B");
	a = T_OK(fs->open("a", O_RDONLY));
	b = T_OK(fs->open("b", O_RDONLY | O_CLOEXEC));
	T_EQ(fs->dup2(a, a), a);
	/* An open target is closed first, silently. */
	T_EQ(fs->dup2(a, b), b);
	T_EQ(fs->pread(b, buf, 1, 0), 1);
	T_EQ(buf[0], 'A');
	T_EQ(fs->fcntl(b, F_GETFD), 0);
	/* Any free number, even far above the others. */
	c = fs->max_fds - 1;
	T_EQ(fs->dup2(a, c), c);
	T_OK(fs->close(c));
	T_ERR(fs->dup2(a, fs->max_fds), EBADF);
	T_ERR(fs->dup2(a, -1), EBADF);
	T_ERR(fs->dup2(-1, c), EBADF);
	T_ERR(fs->dup2(c, a), EBADF);
	/* dup3: not onto itself; O_CLOEXEC only. */
	T_ERR(fs->dup3(a, a, 0), EINVAL);
	T_EQ(fs->dup3(a, b, O_CLOEXEC), b);
	T_EQ(fs->fcntl(b, F_GETFD), FD_CLOEXEC);
	T_EQ(fs->dup3(a, b, 0), b);
	T_EQ(fs->fcntl(b, F_GETFD), 0);
	T_ERR(fs->dup3(a, b, O_APPEND), EINVAL);
	T_ERR(fs->dup3(a, fs->max_fds, 0), EBADF);
	T_OK(fs->close(a));
	T_OK(fs->close(b));
}

static void fd_fcntl(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	int fd, d, rd;

	pt_mkfile(t, "f", 0644, NULL);
	fd = T_OK(fs->open("f", O_WRONLY | O_APPEND));
	T_EQ(fs->fcntl(fd, F_GETFD), 0);
	T_OK(fs->fcntl(fd, F_SETFD, FD_CLOEXEC));
	T_EQ(fs->fcntl(fd, F_GETFD), FD_CLOEXEC);
	T_OK(fs->fcntl(fd, F_SETFD, 0));
	T_EQ(fs->fcntl(fd, F_GETFD), 0);
	T_EQ(fs->fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK),
	     O_WRONLY | O_APPEND);
	/* F_SETFL changes O_APPEND and O_NONBLOCK, never the access mode
	 * or creation flags. */
	T_OK(fs->fcntl(fd, F_SETFL, O_RDWR | O_NONBLOCK | O_TRUNC));
	T_EQ(fs->fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK),
	     O_WRONLY | O_NONBLOCK);
	T_OK(fs->fcntl(fd, F_SETFL, 0));
	T_EQ(fs->fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK),
	     O_WRONLY);

	/* F_DUPFD: the lowest free at or above the argument. */
	d = T_OK(fs->fcntl(fd, F_DUPFD, 100));
	T_EQ(d, 100);
	T_EQ(fs->fcntl(fd, F_DUPFD, 100), 101);
	T_EQ(fs->fcntl(d, F_GETFD), 0);
	T_OK(fs->close(101));
	T_OK(fs->close(d));
	d = T_OK(fs->fcntl(fd, F_DUPFD_CLOEXEC, 0));
	T_EQ(d, fd + 1);
	T_EQ(fs->fcntl(d, F_GETFD), FD_CLOEXEC);
	T_OK(fs->close(d));
	T_ERR(fs->fcntl(fd, F_DUPFD, fs->max_fds), EINVAL);
	T_ERR(fs->fcntl(fd, F_DUPFD, -1), EINVAL);
	T_ERR(fs->fcntl(fd, 0x7fff), EINVAL);
	rd = fd;
	T_OK(fs->close(fd));
	T_ERR(fs->fcntl(rd, F_GETFD), EBADF);
	T_ERR(fs->fcntl(rd, F_GETFL), EBADF);
	T_ERR(fs->fcntl(-1, F_DUPFD, 0), EBADF);
}

static void fd_ebadf(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct iovec iov = {NULL, 0};
	struct statvfs sv;
	struct stat st;
	char buf[64];
	int bad[3] = {-1, 0, 0};

	pt_mkfile(t, "f", 0644, NULL);
	bad[1] = T_OK(fs->open("f", O_RDONLY));
	T_OK(fs->close(bad[1]));
	bad[2] = fs->max_fds + 7;
	for (int i = 0; i < 3; i++) {
		int fd = bad[i];

		T_ERR(fs->read(fd, buf, 1), EBADF);
		T_ERR(fs->write(fd, buf, 1), EBADF);
		T_ERR(fs->pread(fd, buf, 1, 0), EBADF);
		T_ERR(fs->pwrite(fd, buf, 1, 0), EBADF);
		T_ERR(fs->readv(fd, &iov, 1), EBADF);
		T_ERR(fs->writev(fd, &iov, 1), EBADF);
		T_ERR(fs->preadv(fd, &iov, 1, 0), EBADF);
		T_ERR(fs->pwritev(fd, &iov, 1, 0), EBADF);
		T_ERR(fs->lseek(fd, 0, SEEK_SET), EBADF);
		T_ERR(fs->fstat(fd, &st), EBADF);
		T_ERR(fs->fstatvfs(fd, &sv), EBADF);
		T_ERR(fs->fchmod(fd, 0644), EBADF);
		T_ERR(fs->fchown(fd, 0, 0), EBADF);
		T_ERR(fs->ftruncate(fd, 0), EBADF);
		T_ERR(fs->fsync(fd), EBADF);
		T_ERR(fs->fdatasync(fd), EBADF);
		T_ERR(fs->futimens(fd, NULL), EBADF);
		T_ERR(fs->fchdir(fd), EBADF);
		T_ERR(fs->getdents64(fd, buf, sizeof(buf)), EBADF);
		T_ERR(fs->flock(fd, LOCK_SH), EBADF);
		T_ERR(fs->fcntl(fd, F_GETFL), EBADF);
		T_ERR(fs->ioctl(fd, FIONBIO, &(int){1}), EBADF);
		T_ERR(fs->dup(fd), EBADF);
		T_ERR(fs->close(fd), EBADF);
		T_ERR(fs->fstatat(fd, "f", &st, 0), EBADF);
		T_ERR(fs->openat(fd, "f", O_RDONLY), EBADF);
		T_ERR(fs->fallocate(fd, 0, 0, 1), EBADF);
	}
}

static void fd_emfile(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	int *fds = calloc((size_t)fs->max_fds + 1, sizeof(*fds));
	int fd, n = 0, last, p[2];

	pt_mkfile(t, "f", 0644, NULL);
	/* Descriptors are handed out up to the limit, then EMFILE. */
	while (n <= fs->max_fds) {
		fs->set_errno(0);
		fd = fs->open("f", O_RDONLY);
		if (fd < 0)
			break;
		fds[n++] = fd;
	}
	T_EQ(fs->get_errno(), EMFILE);
	T_TRUE(n > 0);
	last = fds[n - 1];
	T_EQ(last, fs->max_fds - 1);
	T_ERR(fs->open("f", O_RDONLY), EMFILE);
	T_ERR(fs->open("new", O_RDWR | O_CREAT, 0644), EMFILE);
	T_TRUE(!pt_exists(t, "new"));
	T_ERR(fs->dup(last), EMFILE);
	T_ERR(fs->fcntl(last, F_DUPFD, 0), EMFILE);
	T_ERR(fs->pipe(p), EMFILE);
	T_ERR(fs->openat(AT_FDCWD, "f", O_RDONLY), EMFILE);
	/* dup2 onto an open descriptor needs no new one. */
	T_EQ(fs->dup2(last, fds[0]), fds[0]);
	/* One free slot is not enough for a pipe. */
	T_OK(fs->close(last));
	T_ERR(fs->pipe(p), EMFILE);
	T_EQ(T_OK(fs->open("f", O_RDONLY)), last);
	for (int i = 0; i < n; i++)
		T_OK(fs->close(fds[i]));
	free(fds);
}

/* A lock request made by another process (fsops other_process). */
struct fd_lockreq {
	char path[PATH_MAX];
	int cmd;
	struct flock fl;
	int flags; /* open flags */
};

/* Open the file, make the request, report 0 or its errno. */
static int fd_lock_other(const struct fsops *fs, void *arg)
{
	struct fd_lockreq *r = arg;
	int fd, rv, error;

	fd = fs->open(r->path, r->flags);
	if (fd < 0)
		return 200;
	rv = fs->fcntl(fd, r->cmd, &r->fl);
	error = rv == -1 ? fs->get_errno() : 0;
	fs->close(fd);
	return error;
}

static int fd_lock_try(struct posix_ctx *t, int cmd, short type, off_t start,
		       off_t len, struct flock *out)
{
	struct fd_lockreq r;
	int result;

	memset(&r, 0, sizeof(r));
	snprintf(r.path, sizeof(r.path), "%s", pt_path(t, "f"));
	r.cmd = cmd;
	r.flags = O_RDWR;
	r.fl.l_type = type;
	r.fl.l_whence = SEEK_SET;
	r.fl.l_start = start;
	r.fl.l_len = len;
	result = t->fs->other_process(fd_lock_other, &r, sizeof(r));
	if (out != NULL)
		*out = r.fl;
	return result;
}

static struct flock fd_flock(short type, short whence, off_t start, off_t len)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = whence;
	fl.l_start = start;
	fl.l_len = len;
	return fl;
}

static void fd_record_locks(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct flock fl;
	pid_t me = fs->getpid();
	int fd, fd2, rd;

	pt_mkfile(t, "f", 0644, "0123456789");
	fd = T_OK(fs->open("f", O_RDWR));
	fl = fd_flock(F_WRLCK, SEEK_SET, 0, 100);
	T_OK(fs->fcntl(fd, F_SETLK, &fl));
	/* Another process conflicts (Linux says EAGAIN; POSIX also
	 * allows EACCES); this one does not conflict with itself. */
	T_EQ(fd_lock_try(t, F_SETLK, F_WRLCK, 50, 10, NULL), EAGAIN);
	T_EQ(fd_lock_try(t, F_SETLK, F_RDLCK, 0, 1, NULL), EAGAIN);
	T_EQ(fd_lock_try(t, F_SETLK, F_WRLCK, 100, 10, NULL), 0);
	T_EQ(fd_lock_try(t, F_GETLK, F_WRLCK, 10, 1, &fl), 0);
	T_EQ(fl.l_type, F_WRLCK);
	T_EQ(fl.l_pid, me);
	T_EQ(fl.l_start, 0);
	T_EQ(fl.l_len, 100);
	T_EQ(fd_lock_try(t, F_GETLK, F_WRLCK, 100, 0, &fl), 0);
	T_EQ(fl.l_type, F_UNLCK);
	fl = fd_flock(F_RDLCK, SEEK_SET, 20, 10);
	T_OK(fs->fcntl(fd, F_SETLK, &fl)); /* converts part of our own */
	fl = fd_flock(F_WRLCK, SEEK_SET, 0, 0);
	T_OK(fs->fcntl(fd, F_GETLK, &fl));
	T_EQ(fl.l_type, F_UNLCK);

	/* Unlocking the middle splits the lock in two. */
	fl = fd_flock(F_UNLCK, SEEK_SET, 40, 20);
	T_OK(fs->fcntl(fd, F_SETLK, &fl));
	T_EQ(fd_lock_try(t, F_SETLK, F_WRLCK, 40, 20, NULL), 0);
	T_EQ(fd_lock_try(t, F_SETLK, F_WRLCK, 39, 1, NULL), EAGAIN);
	T_EQ(fd_lock_try(t, F_SETLK, F_WRLCK, 60, 1, NULL), EAGAIN);
	/* Read locks share, and the region converted to read shares. */
	T_EQ(fd_lock_try(t, F_SETLK, F_RDLCK, 20, 10, NULL), 0);
	T_EQ(fd_lock_try(t, F_SETLK, F_WRLCK, 20, 10, NULL), EAGAIN);
	/* From the end, to the end of any file (l_len 0). */
	fl = fd_flock(F_UNLCK, SEEK_SET, 0, 0);
	T_OK(fs->fcntl(fd, F_SETLK, &fl));
	fl = fd_flock(F_WRLCK, SEEK_END, -2, 0);
	T_OK(fs->fcntl(fd, F_SETLKW, &fl));
	T_EQ(fd_lock_try(t, F_SETLK, F_RDLCK, 7, 1, NULL), 0);
	T_EQ(fd_lock_try(t, F_SETLK, F_RDLCK, 8, 1, NULL), EAGAIN);
	T_EQ(fd_lock_try(t, F_SETLK, F_RDLCK, 1000000, 1, NULL), EAGAIN);

	/* Closing any descriptor of the file drops the process's locks. */
	fd2 = T_OK(fs->open("f", O_RDONLY));
	T_OK(fs->close(fd2));
	T_EQ(fd_lock_try(t, F_SETLK, F_WRLCK, 0, 0, NULL), 0);

	/* Errors. */
	rd = T_OK(fs->open("f", O_RDONLY));
	fl = fd_flock(F_WRLCK, SEEK_SET, 0, 1);
	T_ERR(fs->fcntl(rd, F_SETLK, &fl), EBADF);
	fl = fd_flock(F_RDLCK, SEEK_SET, 0, 1);
	T_OK(fs->fcntl(rd, F_SETLK, &fl));
	T_OK(fs->close(rd));
	fl = fd_flock(F_RDLCK, SEEK_SET, 0, 1);
	fl.l_type = 42;
	T_ERR(fs->fcntl(fd, F_SETLK, &fl), EINVAL);
	fl = fd_flock(F_RDLCK, 42, 0, 1);
	T_ERR(fs->fcntl(fd, F_SETLK, &fl), EINVAL);
	fl = fd_flock(F_RDLCK, SEEK_SET, -5, 1);
	T_ERR(fs->fcntl(fd, F_SETLK, &fl), EINVAL);
	T_OK(fs->close(fd));
	fl = fd_flock(F_RDLCK, SEEK_SET, 0, 1);
	T_ERR(fs->fcntl(fd, F_SETLK, &fl), EBADF);
}

static void fd_flock_test(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	int a, b, d;

	pt_mkfile(t, "f", 0644, NULL);
	a = T_OK(fs->open("f", O_RDONLY));
	b = T_OK(fs->open("f", O_RDONLY));
	/* Locks belong to open files: two opens conflict even in one
	 * process. */
	T_OK(fs->flock(a, LOCK_EX));
	T_ERR(fs->flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	T_ERR(fs->flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK);
	T_OK(fs->flock(a, LOCK_EX)); /* again: nothing changes */
	/* A duplicate shares the lock, and can release it. */
	d = T_OK(fs->dup(a));
	T_OK(fs->flock(d, LOCK_UN));
	T_OK(fs->flock(b, LOCK_SH | LOCK_NB));
	T_OK(fs->flock(a, LOCK_SH | LOCK_NB));
	T_ERR(fs->flock(a, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	T_OK(fs->flock(b, LOCK_UN));
	T_OK(fs->flock(a, LOCK_EX | LOCK_NB)); /* upgrade */
	/* The last close of the open file releases it. */
	T_OK(fs->close(a));
	T_ERR(fs->flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK);
	T_OK(fs->close(d));
	T_OK(fs->flock(b, LOCK_EX | LOCK_NB));
	T_ERR(fs->flock(b, 0), EINVAL);
	T_ERR(fs->flock(b, LOCK_SH | LOCK_EX), EINVAL);
	T_OK(fs->close(b));
}

static void fd_pipe(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct timeval tv = {0, 0};
	struct pollfd pf[2];
	struct stat st;
	fd_set r, w;
	char buf[16];
	int p[2], n;

	T_OK(fs->pipe(p));
	T_EQ(fs->fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY);
	T_EQ(fs->fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY);
	T_EQ(fs->fcntl(p[0], F_GETFD), 0);
	T_OK(fs->fstat(p[0], &st));
	T_TRUE(S_ISFIFO(st.st_mode));
	T_EQ(fs->write(p[1], "hello", 5), 5);
	T_OK(fs->ioctl(p[0], FIONREAD, &n));
	T_EQ(n, 5);
	pf[0].fd = p[0];
	pf[0].events = POLLIN;
	pf[1].fd = p[1];
	pf[1].events = POLLOUT;
	T_EQ(fs->poll(pf, 2, 0), 2);
	T_EQ(pf[0].revents, POLLIN);
	T_EQ(pf[1].revents, POLLOUT);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &r);
	FD_SET(p[1], &w);
	T_EQ(fs->select((p[0] > p[1] ? p[0] : p[1]) + 1, &r, &w, NULL, &tv), 2);
	T_TRUE(FD_ISSET(p[0], &r) && !FD_ISSET(p[1], &r));
	T_TRUE(FD_ISSET(p[1], &w));
	T_EQ(fs->read(p[0], buf, sizeof(buf)), 5);
	T_MEM(buf, "hello", 5);
	T_EQ(fs->poll(pf, 1, 0), 0);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv.tv_usec = 1000;
	T_EQ(fs->select(p[0] + 1, &r, NULL, NULL, &tv), 0);
	T_TRUE(!FD_ISSET(p[0], &r));
	T_ERR(fs->read(p[1], buf, 1), EBADF);
	T_ERR(fs->write(p[0], "x", 1), EBADF);
	/* The writer gone: the rest, then end of file and POLLHUP. */
	T_EQ(fs->write(p[1], "ab", 2), 2);
	T_OK(fs->close(p[1]));
	T_EQ(fs->read(p[0], buf, sizeof(buf)), 2);
	T_EQ(fs->read(p[0], buf, sizeof(buf)), 0);
	T_EQ(fs->poll(pf, 1, 0), 1);
	T_TRUE(pf[0].revents & POLLHUP);
	T_OK(fs->close(p[0]));

	/* Without a reader: EPIPE (the host oracle ignores SIGPIPE). */
	T_OK(fs->pipe2(p, O_CLOEXEC | O_NONBLOCK));
	T_EQ(fs->fcntl(p[0], F_GETFD), FD_CLOEXEC);
	T_EQ(fs->fcntl(p[1], F_GETFD), FD_CLOEXEC);
	T_TRUE(fs->fcntl(p[0], F_GETFL) & O_NONBLOCK);
	T_ERR(fs->read(p[0], buf, 1), EAGAIN);
	T_OK(fs->close(p[0]));
	T_ERR(fs->write(p[1], "x", 1), EPIPE);
	pf[0].fd = p[1];
	pf[0].events = POLLOUT;
	T_EQ(fs->poll(pf, 1, 0), 1);
	T_TRUE(pf[0].revents & POLLERR);
	T_OK(fs->close(p[1]));
	T_ERR(fs->pipe2(p, O_APPEND), EINVAL);
}

static void fd_pipe_full(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	static char buf[4096];
	struct pollfd pf;
	long total = 0;
	ssize_t n;
	int p[2];

	/* A non-blocking writer fills the pipe, then gets EAGAIN. */
	T_OK(fs->pipe2(p, O_NONBLOCK));
	memset(buf, 'p', sizeof(buf));
	for (;;) {
		fs->set_errno(0);
		n = fs->write(p[1], buf, sizeof(buf));
		if (n < 0)
			break;
		total += n;
		T_TRUE(total <= 16 * 1024 * 1024);
	}
	T_EQ(fs->get_errno(), EAGAIN);
	T_TRUE(total >= 4096); /* PIPE_BUF at least */
	pf.fd = p[1];
	pf.events = POLLOUT;
	T_EQ(fs->poll(&pf, 1, 0), 0);
	/* Everything written comes out, in order. */
	while (total > 0) {
		n = T_OK(fs->read(p[0], buf, sizeof(buf)));
		T_TRUE(n > 0);
		T_EQ(buf[0], 'p');
		total -= n;
	}
	T_EQ(total, 0);
	T_ERR(fs->read(p[0], buf, 1), EAGAIN);
	T_EQ(fs->poll(&pf, 1, 0), 1);
	T_OK(fs->close(p[0]));
	T_OK(fs->close(p[1]));
}

static void fd_fifo(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat st;
	char buf[8];
	int r, w;

	T_OK(fs->mkfifo("p", 0666));
	st = pt_stat(t, "p");
	T_TRUE(S_ISFIFO(st.st_mode));
	T_EQ(st.st_mode & 07777, 0644); /* the umask applies */
	T_ERR(fs->mkfifo("p", 0644), EEXIST);
	T_ERR(fs->mkfifo("nodir/p", 0644), ENOENT);
	/* No reader yet: a non-blocking writer gets ENXIO. */
	T_ERR(fs->open("p", O_WRONLY | O_NONBLOCK), ENXIO);
	r = T_OK(fs->open("p", O_RDONLY | O_NONBLOCK));
	w = T_OK(fs->open("p", O_WRONLY | O_NONBLOCK));
	T_ERR(fs->read(r, buf, 1), EAGAIN);
	T_EQ(fs->write(w, "fifo", 4), 4);
	T_EQ(fs->read(r, buf, sizeof(buf)), 4);
	T_MEM(buf, "fifo", 4);
	T_ERR(fs->lseek(r, 0, SEEK_SET), ESPIPE);
	T_OK(fs->close(w));
	T_EQ(fs->read(r, buf, sizeof(buf)), 0);
	T_OK(fs->close(r));
	/* Nothing was stored in the file system. */
	T_EQ(pt_stat(t, "p").st_size, 0);
	T_OK(fs->unlink("p"));
}

static void fd_mknod(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat st;

	T_OK(fs->mknod("fifo", S_IFIFO | 0600, 0));
	T_TRUE(S_ISFIFO(pt_stat(t, "fifo").st_mode));
	/* Linux makes a regular file for S_IFREG and for type 0. */
	T_OK(fs->mknod("reg", S_IFREG | 0640, 0));
	st = pt_stat(t, "reg");
	T_EQ(st.st_mode, S_IFREG | 0640);
	T_EQ(st.st_size, 0);
	T_OK(fs->mknod("reg0", 0600, 0));
	T_TRUE(S_ISREG(pt_stat(t, "reg0").st_mode));
	T_ERR(fs->mknod("reg", S_IFREG | 0644, 0), EEXIST);
	T_ERR(fs->mknod("nodir/x", S_IFIFO | 0644, 0), ENOENT);
	if (fs->caps & FS_CAN_MKNOD_DEV) {
		T_OK(fs->mknod("chr", S_IFCHR | 0666, makedev(1, 3)));
		st = pt_stat(t, "chr");
		T_TRUE(S_ISCHR(st.st_mode));
		T_EQ(st.st_mode & 07777, 0644);
		T_EQ(major(st.st_rdev), 1);
		T_EQ(minor(st.st_rdev), 3);
		T_OK(fs->mknod("blk", S_IFBLK | 0600, makedev(7, 300)));
		st = pt_stat(t, "blk");
		T_TRUE(S_ISBLK(st.st_mode));
		T_EQ(major(st.st_rdev), 7);
		T_EQ(minor(st.st_rdev), 300);
	}
}

static void fd_poll_select(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct pollfd pf[4];
	struct timeval tv = {0, 0};
	fd_set r, w;
	int fd, dfd;

	pt_mkfile(t, "f", 0644, "x");
	fd = T_OK(fs->open("f", O_RDWR));
	dfd = T_OK(fs->open(".", O_RDONLY));
	/* Regular files and directories are always ready. */
	memset(pf, 0, sizeof(pf));
	pf[0].fd = fd;
	pf[0].events = POLLIN | POLLOUT;
	pf[1].fd = dfd;
	pf[1].events = POLLIN;
	pf[2].fd = -1; /* ignored */
	pf[2].events = POLLIN;
	pf[3].fd = fs->max_fds + 3; /* not open */
	pf[3].events = POLLIN;
	T_EQ(fs->poll(pf, 4, -1), 3);
	T_EQ(pf[0].revents, POLLIN | POLLOUT);
	T_EQ(pf[1].revents, POLLIN);
	T_EQ(pf[2].revents, 0);
	T_EQ(pf[3].revents, POLLNVAL);
	T_EQ(fs->poll(pf, 0, 0), 0);
	/* At the end of the file too. */
	T_EQ(fs->lseek(fd, 0, SEEK_END), 1);
	T_EQ(fs->poll(pf, 1, 1000), 1);

	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(fd, &r);
	FD_SET(fd, &w);
	T_EQ(fs->select(fd + 1, &r, &w, NULL, &tv), 2);
	T_TRUE(FD_ISSET(fd, &r) && FD_ISSET(fd, &w));
	T_EQ(fs->select(0, NULL, NULL, NULL, &tv), 0);
	T_ERR(fs->select(-1, NULL, NULL, NULL, &tv), EINVAL);
	T_OK(fs->close(fd));
	FD_ZERO(&r);
	FD_SET(fd, &r);
	T_ERR(fs->select(fd + 1, &r, NULL, NULL, &tv), EBADF);
	T_OK(fs->close(dfd));
}

static void fd_ioctl(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	int fd, n, on;

	pt_mkfile(t, "f", 0644, "0123456789");
	fd = T_OK(fs->open("f", O_RDONLY));
	/* Linux: FIONREAD on a regular file is the bytes after the
	 * offset. */
	T_OK(fs->ioctl(fd, FIONREAD, &n));
	T_EQ(n, 10);
	T_EQ(fs->lseek(fd, 4, SEEK_SET), 4);
	T_OK(fs->ioctl(fd, FIONREAD, &n));
	T_EQ(n, 6);
	on = 1;
	T_OK(fs->ioctl(fd, FIONBIO, &on));
	T_TRUE(fs->fcntl(fd, F_GETFL) & O_NONBLOCK);
	on = 0;
	T_OK(fs->ioctl(fd, FIONBIO, &on));
	T_TRUE(!(fs->fcntl(fd, F_GETFL) & O_NONBLOCK));
	/* A request the file does not know. */
	T_ERR(fs->ioctl(fd, TIOCGWINSZ, &n), ENOTTY);
	T_OK(fs->close(fd));
}

const struct posix_test posix_fd_tests[] = {
	{"dup", fd_dup, 0},
	{"dup2_dup3", fd_dup2_dup3, 0},
	{"fcntl", fd_fcntl, 0},
	{"ebadf", fd_ebadf, 0},
	{"emfile", fd_emfile, 0},
	{"record_locks", fd_record_locks, FS_CAN_OTHER_PROCESS},
	{"flock", fd_flock_test, 0},
	{"pipe", fd_pipe, 0},
	{"pipe_full", fd_pipe_full, 0},
	{"fifo", fd_fifo, 0},
	{"mknod", fd_mknod, 0},
	{"poll_select", fd_poll_select, 0},
	{"ioctl", fd_ioctl, 0},
	{NULL, NULL, 0},
};
