/*
 * t_file.c -- descriptor tables through the system calls, with the host's
 * own constants: lowest-free allocation, growth and EMFILE at the limit,
 * EBADF for every bad descriptor in every call, dup/dup2/dup3 and
 * close-on-exec, fcntl flag round trips, tables shared, copied or
 * emptied by rfork, and a process's exit closing what it held.  Pipes are
 * the files (the VFS is not linked).  No file may be left at the end.
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/uio.h>
#include <unistd.h>

#include "testlib.h"

static struct lwp *newproc(int flags)
{
	CHECK_EQ(rump_pub_lwproc_rfork(flags), 0);
	return rump_pub_lwproc_curlwp();
}

static void endproc(void)
{
	rump_pub_lwproc_releaselwp();
	CHECK(rump_pub_lwproc_curlwp() == NULL);
}

static void no_files_left(void)
{
	CHECK_EQ(rump_test_files_live(), 0);
}

static void alloc_order(void)
{
	int a[2], b[2];

	newproc(RUMP_RFCFDG);
	CHECK_SYS(rump_sys_pipe(a));
	CHECK_EQ(a[0], 0);
	CHECK_EQ(a[1], 1);
	CHECK_SYS(rump_sys_pipe(b));
	CHECK_EQ(b[0], 2);
	CHECK_EQ(b[1], 3);
	CHECK_SYS(rump_sys_close(1));
	CHECK_SYS(rump_sys_close(2));
	CHECK_EQ(CHECK_SYS(rump_sys_dup(0)), 1);
	CHECK_EQ(CHECK_SYS(rump_sys_dup(0)), 2);
	CHECK_EQ(CHECK_SYS(rump_sys_dup(0)), 4);
	/* Far above the table's first size: it grows; lowest stays 5. */
	CHECK_EQ(CHECK_SYS(rump_sys_dup2(0, 900)), 900);
	CHECK_EQ(CHECK_SYS(rump_sys_dup(0)), 5);
	CHECK_EQ(CHECK_SYS(rump_sys_fcntl(0, F_DUPFD, 50)), 50);
	CHECK_EQ(CHECK_SYS(rump_sys_fcntl(0, F_DUPFD, 50)), 51);
	CHECK_EQ(CHECK_SYS(rump_sys_fcntl(0, F_DUPFD, 900)), 901);
	CHECK_EQ(CHECK_SYS(rump_sys_fcntl(0, F_DUPFD, 0)), 6);
	endproc();
	no_files_left();
}

static void emfile(void)
{
	int fds[2], n = 0;

	newproc(RUMP_RFCFDG);
	for (;;) {
		if (rump_sys_pipe(fds) != 0) {
			CHECK_EQ(errno, EMFILE);
			break;
		}
		n += 2;
		CHECK(n <= RUMP_OPEN_MAX);
	}
	CHECK_EQ(n, RUMP_OPEN_MAX);
	CHECK_ERRNO(rump_sys_dup(0), EMFILE);
	CHECK_ERRNO(rump_sys_fcntl(0, F_DUPFD, 0), EMFILE);
	CHECK_ERRNO(rump_sys_fcntl(0, F_DUPFD, RUMP_OPEN_MAX), EINVAL);
	CHECK_ERRNO(rump_sys_fcntl(0, F_DUPFD, -1), EINVAL);
	CHECK_ERRNO(rump_sys_dup2(0, RUMP_OPEN_MAX), EBADF);
	/* Replacing needs no free slot. */
	CHECK_EQ(CHECK_SYS(rump_sys_dup2(0, RUMP_OPEN_MAX - 1)),
		 RUMP_OPEN_MAX - 1);
	/* One free slot: pipe needs two and leaves nothing behind. */
	CHECK_SYS(rump_sys_close(17));
	CHECK_ERRNO(rump_sys_pipe(fds), EMFILE);
	CHECK_EQ(CHECK_SYS(rump_sys_dup(0)), 17);
	CHECK_ERRNO(rump_sys_dup(0), EMFILE);
	/* Two descriptors became duplicates of descriptor 0. */
	CHECK_EQ(rump_test_files_live(), RUMP_OPEN_MAX - 2);
	endproc(); /* its exit closes them all */
	no_files_left();
}

static void ebadf_one(int fd, bool closed)
{
	struct iovec iov = {.iov_base = NULL, .iov_len = 0};
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
	char buf[4];
	int n = 0;

	CHECK_ERRNO(rump_sys_close(fd), EBADF);
	CHECK_ERRNO(rump_sys_dup(fd), EBADF);
	CHECK_ERRNO(rump_sys_dup2(fd, 5), EBADF);
	CHECK_ERRNO(rump_sys_dup3(fd, 5, 0), EBADF);
	CHECK_ERRNO(rump_sys_dup3(fd, 5, O_CLOEXEC), EBADF);
	CHECK_ERRNO(rump_sys_read(fd, buf, 1), EBADF);
	CHECK_ERRNO(rump_sys_write(fd, buf, 1), EBADF);
	CHECK_ERRNO(rump_sys_pread(fd, buf, 1, 0), EBADF);
	CHECK_ERRNO(rump_sys_pwrite(fd, buf, 1, 0), EBADF);
	CHECK_ERRNO(rump_sys_readv(fd, &iov, 1), EBADF);
	CHECK_ERRNO(rump_sys_writev(fd, &iov, 1), EBADF);
	CHECK_ERRNO(rump_sys_preadv(fd, &iov, 1, 0), EBADF);
	CHECK_ERRNO(rump_sys_pwritev(fd, &iov, 1, 0), EBADF);
	CHECK_ERRNO(rump_sys_lseek(fd, 0, SEEK_SET), EBADF);
	CHECK_ERRNO(rump_sys_fcntl(fd, F_GETFD), EBADF);
	CHECK_ERRNO(rump_sys_fcntl(fd, F_SETFD, FD_CLOEXEC), EBADF);
	CHECK_ERRNO(rump_sys_fcntl(fd, F_GETFL), EBADF);
	CHECK_ERRNO(rump_sys_fcntl(fd, F_SETFL, O_NONBLOCK), EBADF);
	CHECK_ERRNO(rump_sys_fcntl(fd, F_DUPFD, 0), EBADF);
	CHECK_ERRNO(rump_sys_fcntl(fd, F_DUPFD_CLOEXEC, 0), EBADF);
	CHECK_ERRNO(rump_sys_fcntl(fd, F_GETLK, &fl), EBADF);
	CHECK_ERRNO(rump_sys_fcntl(fd, F_SETLK, &fl), EBADF);
	CHECK_ERRNO(rump_sys_ioctl(fd, FIONREAD, &n), EBADF);
	CHECK_ERRNO(rump_sys_ioctl(fd, FIONBIO, &n), EBADF);
	if (fd >= 0 && fd < FD_SETSIZE) {
		struct timeval tv = {0, 0};
		fd_set set;
		FD_ZERO(&set);
		FD_SET(fd, &set);
		CHECK_ERRNO(rump_sys_select(fd + 1, &set, NULL, NULL, &tv),
			    EBADF);
		FD_ZERO(&set);
		FD_SET(fd, &set);
		CHECK_ERRNO(rump_sys_select(fd + 1, NULL, &set, NULL, NULL),
			    EBADF);
	}
	/* poll: POLLNVAL for a descriptor not open, nothing for fd < 0. */
	CHECK_EQ(CHECK_SYS(rump_sys_poll(&pfd, 1, 0)), fd >= 0 ? 1 : 0);
	CHECK_EQ(pfd.revents, fd >= 0 ? POLLNVAL : 0);
	/* As a target: negative or over the limit; a closed one is fine. */
	if (!closed) {
		CHECK_ERRNO(rump_sys_dup2(0, fd), EBADF);
		CHECK_ERRNO(rump_sys_dup3(0, fd, 0), EBADF);
	}
}

static void ebadf(void)
{
	static const int bad[] = {-1,
				  -2,
				  -1000,
				  INT_MIN,
				  RUMP_OPEN_MAX,
				  RUMP_OPEN_MAX + 1,
				  1 << 20,
				  INT_MAX};
	int fds[2];

	newproc(RUMP_RFCFDG);
	CHECK_SYS(rump_sys_pipe(fds));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ebadf_one(bad[i], false);
	/* Never opened, and closed. */
	ebadf_one(7, true);
	CHECK_SYS(rump_sys_close(fds[1]));
	ebadf_one(fds[1], true);
	endproc();
	no_files_left();
}

static int getfd(int fd)
{
	return (int)CHECK_SYS(rump_sys_fcntl(fd, F_GETFD));
}

static void dups(void)
{
	int p[2], q[2], fd;
	char c;

	newproc(RUMP_RFCFDG);
	CHECK_SYS(rump_sys_pipe(p));
	CHECK_SYS(rump_sys_pipe(q));
	/* dup2 onto itself: the descriptor, flags untouched. */
	CHECK_SYS(rump_sys_fcntl(p[0], F_SETFD, FD_CLOEXEC));
	CHECK_EQ(CHECK_SYS(rump_sys_dup2(p[0], p[0])), p[0]);
	CHECK_EQ(getfd(p[0]), FD_CLOEXEC);
	CHECK_ERRNO(rump_sys_dup2(9, 9), EBADF);
	/* dup3 onto itself or with a bad flag: EINVAL. */
	CHECK_ERRNO(rump_sys_dup3(p[0], p[0], 0), EINVAL);
	CHECK_ERRNO(rump_sys_dup3(p[0], p[0], O_CLOEXEC), EINVAL);
	CHECK_ERRNO(rump_sys_dup3(p[0], 9, O_NONBLOCK), EINVAL);
	/* dup and dup2 give a descriptor without close-on-exec. */
	fd = (int)CHECK_SYS(rump_sys_dup(p[0]));
	CHECK_EQ(getfd(fd), 0);
	CHECK_SYS(rump_sys_fcntl(fd, F_SETFD, FD_CLOEXEC));
	CHECK_EQ(CHECK_SYS(rump_sys_dup2(p[0], fd)), fd);
	CHECK_EQ(getfd(fd), 0);
	CHECK_EQ(CHECK_SYS(rump_sys_dup3(p[0], fd, O_CLOEXEC)), fd);
	CHECK_EQ(getfd(fd), FD_CLOEXEC);
	CHECK_EQ(CHECK_SYS(rump_sys_dup3(p[0], fd, 0)), fd);
	CHECK_EQ(getfd(fd), 0);
	fd = (int)CHECK_SYS(rump_sys_fcntl(p[0], F_DUPFD_CLOEXEC, 0));
	CHECK_EQ(getfd(fd), FD_CLOEXEC);
	CHECK_SYS(rump_sys_close(fd));
	/* A duplicate shares the open file: status flags and all. */
	fd = (int)CHECK_SYS(rump_sys_dup(q[0]));
	CHECK_SYS(rump_sys_fcntl(q[0], F_SETFL, O_NONBLOCK));
	CHECK(CHECK_SYS(rump_sys_fcntl(fd, F_GETFL)) & O_NONBLOCK);
	CHECK_ERRNO(rump_sys_read(fd, &c, 1), EAGAIN);
	CHECK_SYS(rump_sys_close(fd));
	/* A duplicate of the write end keeps the pipe open for writing. */
	fd = (int)CHECK_SYS(rump_sys_dup(q[1]));
	CHECK_SYS(rump_sys_close(q[1]));
	CHECK_ERRNO(rump_sys_read(q[0], &c, 1), EAGAIN);
	CHECK_EQ(CHECK_SYS(rump_sys_write(fd, "z", 1)), 1);
	CHECK_EQ(CHECK_SYS(rump_sys_read(q[0], &c, 1)), 1);
	CHECK_EQ(c, 'z');
	/* dup2 onto it closes it: the last writer is gone, end of file. */
	CHECK_EQ(CHECK_SYS(rump_sys_dup2(p[0], fd)), fd);
	CHECK_EQ(CHECK_SYS(rump_sys_read(q[0], &c, 1)), 0);
	endproc();
	no_files_left();
}

static void fcntl_flags(void)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	int p[2], fl0;

	newproc(RUMP_RFCFDG);
	CHECK_SYS(rump_sys_pipe(p));
	CHECK_EQ(CHECK_SYS(rump_sys_fcntl(p[0], F_GETFL)) & O_ACCMODE,
		 O_RDONLY);
	CHECK_EQ(CHECK_SYS(rump_sys_fcntl(p[1], F_GETFL)) & O_ACCMODE,
		 O_WRONLY);
	CHECK_EQ(getfd(p[0]), 0);
	CHECK_SYS(rump_sys_fcntl(p[0], F_SETFD, FD_CLOEXEC));
	CHECK_EQ(getfd(p[0]), FD_CLOEXEC);
	CHECK_EQ(getfd(p[1]), 0);
	CHECK_SYS(rump_sys_fcntl(p[0], F_SETFD, 0));
	CHECK_EQ(getfd(p[0]), 0);
	/* Status flags: O_NONBLOCK and O_APPEND change, the mode never. */
	fl0 = (int)CHECK_SYS(rump_sys_fcntl(p[1], F_GETFL));
	CHECK_EQ(fl0 & (O_NONBLOCK | O_APPEND), 0);
	CHECK_SYS(
		rump_sys_fcntl(p[1], F_SETFL, O_NONBLOCK | O_APPEND | O_RDWR));
	CHECK_EQ(CHECK_SYS(rump_sys_fcntl(p[1], F_GETFL)),
		 fl0 | O_NONBLOCK | O_APPEND);
	CHECK_SYS(rump_sys_fcntl(p[1], F_SETFL, 0));
	CHECK_EQ(CHECK_SYS(rump_sys_fcntl(p[1], F_GETFL)), fl0);
	/* FIONBIO is the same flag. */
	fl0 = 1;
	CHECK_SYS(rump_sys_ioctl(p[0], FIONBIO, &fl0));
	CHECK(CHECK_SYS(rump_sys_fcntl(p[0], F_GETFL)) & O_NONBLOCK);
	fl0 = 0;
	CHECK_SYS(rump_sys_ioctl(p[0], FIONBIO, &fl0));
	CHECK_EQ(CHECK_SYS(rump_sys_fcntl(p[0], F_GETFL)) & O_NONBLOCK, 0);
	/* pipe2 flags. */
	CHECK_SYS(rump_sys_close(p[0]));
	CHECK_SYS(rump_sys_close(p[1]));
	CHECK_SYS(rump_sys_pipe2(p, O_CLOEXEC));
	CHECK_EQ(getfd(p[0]), FD_CLOEXEC);
	CHECK_EQ(getfd(p[1]), FD_CLOEXEC);
	CHECK_EQ(CHECK_SYS(rump_sys_fcntl(p[0], F_GETFL)) & O_NONBLOCK, 0);
	CHECK_SYS(rump_sys_close(p[0]));
	CHECK_SYS(rump_sys_close(p[1]));
	CHECK_SYS(rump_sys_pipe2(p, O_NONBLOCK));
	CHECK_EQ(getfd(p[0]), 0);
	CHECK(CHECK_SYS(rump_sys_fcntl(p[0], F_GETFL)) & O_NONBLOCK);
	CHECK(CHECK_SYS(rump_sys_fcntl(p[1], F_GETFL)) & O_NONBLOCK);
	CHECK_ERRNO(rump_sys_pipe2(p, O_APPEND), EINVAL);
	/* Record locks: a pipe cannot be locked; the mode is checked. */
	CHECK_ERRNO(rump_sys_fcntl(p[1], F_SETLK, &fl), EINVAL);
	CHECK_ERRNO(rump_sys_fcntl(p[1], F_GETLK, &fl), EINVAL);
	CHECK_ERRNO(rump_sys_fcntl(p[0], F_SETLK, &fl), EBADF);
	CHECK_ERRNO(rump_sys_fcntl(p[0], F_SETLKW, &fl), EBADF);
	fl.l_type = F_RDLCK;
	CHECK_ERRNO(rump_sys_fcntl(p[1], F_SETLK, &fl), EBADF);
	CHECK_ERRNO(rump_sys_fcntl(p[0], F_SETLK, NULL), EFAULT);
	/* An unknown command. */
	CHECK_ERRNO(rump_sys_fcntl(p[0], 12345), EINVAL);
	/* ioctl: what a pipe does not know. */
	CHECK_ERRNO(rump_sys_ioctl(p[0], TIOCGWINSZ, &fl), ENOTTY);
	endproc();
	no_files_left();
}

static void rfork_tables(void)
{
	struct lwp *parent, *child;
	int a[2], b[2], c[2];
	char ch;

	parent = newproc(RUMP_RFCFDG);
	CHECK_SYS(rump_sys_pipe(a)); /* 0, 1 */

	/* rfork(0) shares: what the child opens the parent sees. */
	child = newproc(0);
	CHECK(child != parent);
	CHECK_EQ(getfd(a[0]), 0);
	CHECK_SYS(rump_sys_pipe(b)); /* 2, 3 */
	CHECK_EQ(b[0], 2);
	CHECK_SYS(rump_sys_close(a[1]));
	rump_pub_lwproc_switch(parent);
	CHECK_EQ(getfd(b[0]), 0);
	CHECK_EQ(getfd(b[1]), 0);
	CHECK_ERRNO(rump_sys_fcntl(a[1], F_GETFD), EBADF);
	/* The child's exit leaves the shared table to the parent. */
	rump_pub_lwproc_switch(child);
	endproc();
	rump_pub_lwproc_switch(parent);
	CHECK_EQ(getfd(b[0]), 0);
	CHECK_EQ(CHECK_SYS(rump_sys_write(b[1], "s", 1)), 1);

	/* RFFDG copies: the child has the parent's files, not its later
	 * ones, and the parent never sees the child's. */
	child = newproc(RUMP_RFFDG);
	CHECK_EQ(getfd(b[0]), 0);
	CHECK_ERRNO(rump_sys_fcntl(a[1], F_GETFD), EBADF);
	CHECK_SYS(rump_sys_pipe(c));
	CHECK_EQ(c[0], 1);
	CHECK_EQ(c[1], 4);
	CHECK_SYS(rump_sys_close(b[1]));
	/* The same open file: the byte the parent wrote is here. */
	CHECK_EQ(CHECK_SYS(rump_sys_read(b[0], &ch, 1)), 1);
	CHECK_EQ(ch, 's');
	rump_pub_lwproc_switch(parent);
	CHECK_ERRNO(rump_sys_fcntl(c[0], F_GETFD), EBADF);
	CHECK_ERRNO(rump_sys_fcntl(c[1], F_GETFD), EBADF);
	CHECK_EQ(getfd(b[1]), 0);
	CHECK_EQ(CHECK_SYS(rump_sys_dup(b[0])), 1);
	CHECK_SYS(rump_sys_close(1));

	/* The child's exit closes its copies: once the parent closes its
	 * own write end, the child's was the last, and reads see EOF. */
	CHECK_SYS(rump_sys_fcntl(b[0], F_SETFL, O_NONBLOCK));
	rump_pub_lwproc_switch(child);
	CHECK_SYS(rump_sys_close(b[0]));
	CHECK_SYS(rump_sys_pipe(c)); /* keeps the child busy with files */
	rump_pub_lwproc_switch(parent);
	CHECK_ERRNO(rump_sys_read(b[0], &ch, 1), EAGAIN);
	CHECK_SYS(rump_sys_close(b[1]));
	CHECK_EQ(CHECK_SYS(rump_sys_read(b[0], &ch, 1)), 0);
	rump_pub_lwproc_switch(child);
	endproc();

	/* RFCFDG: an empty table. */
	rump_pub_lwproc_switch(parent);
	child = newproc(RUMP_RFCFDG);
	CHECK_ERRNO(rump_sys_fcntl(0, F_GETFD), EBADF);
	CHECK_ERRNO(rump_sys_fcntl(2, F_GETFD), EBADF);
	CHECK_SYS(rump_sys_pipe(c));
	CHECK_EQ(c[0], 0);
	CHECK_EQ(c[1], 1);
	endproc();
	rump_pub_lwproc_switch(parent);
	CHECK_EQ(getfd(b[0]), 0);
	endproc();
	no_files_left();
}

/* A write end held only by a child: the child's exit is end of file. */
static void exit_closes(void)
{
	struct lwp *parent, *child;
	int p[2];
	char ch;

	parent = newproc(RUMP_RFCFDG);
	CHECK_SYS(rump_sys_pipe(p));
	child = newproc(RUMP_RFFDG);
	rump_pub_lwproc_switch(parent);
	CHECK_SYS(rump_sys_close(p[1]));
	rump_pub_lwproc_switch(child);
	CHECK_EQ(CHECK_SYS(rump_sys_write(p[1], "x", 1)), 1);
	endproc();
	rump_pub_lwproc_switch(parent);
	CHECK_EQ(CHECK_SYS(rump_sys_read(p[0], &ch, 1)), 1);
	CHECK_EQ(ch, 'x');
	CHECK_EQ(CHECK_SYS(rump_sys_read(p[0], &ch, 1)), 0);
	endproc();
	no_files_left();
}

/* Descriptors of the implicit process 1 are left open: shutdown closes
 * them (the leak check at halt would catch a file left over). */
static void left_for_shutdown(void)
{
	int p[2];

	CHECK_SYS(rump_sys_pipe(p));
	CHECK_SYS(rump_sys_dup(p[0]));
	CHECK_EQ(rump_test_files_live(), 2);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(110);
	test_boot();

	alloc_order();
	emfile();
	ebadf();
	dups();
	fcntl_flags();
	rfork_tables();
	exit_closes();
	newproc(RUMP_RFCFDG);
	CHECK_KERN(rump_test_fd_install());
	endproc();
	no_files_left();
	newproc(RUMP_RFCFDG);
	CHECK_KERN(rump_test_fcntl_locks());
	endproc();
	no_files_left();
	CHECK_KERN(rump_test_uiomove());
	left_for_shutdown();

	test_halt();
	test_log("ok");
	return 0;
}
