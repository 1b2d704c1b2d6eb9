/*
 * t_abi_entry.c -- the generated and custom rump_sys_* entry points
 * (kern/entry/) over a fake kernel: rump_kern_syscall() here records the
 * call number and arguments the kernel would get, checks them in the
 * kernel's ABI and answers as a handler would, so the whole host side of a
 * call -- packing, translation both ways, errno -- is tested without a
 * kernel or its handlers.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>
#include <rump/rumpabi.h>
#include <rump/rumpdefs.h>
#include <rump/rumpkern.h>

#include "abitest.h"
#include "sysargs_host.h"

/*
 * The fake kernel: what the last call brought, and how to answer it.  The
 * argument structure is copied, since it lives in the entry point's frame;
 * what its pointers point to is checked by handlers during the call.
 */
static struct {
	int calls;
	int num;
	size_t argslen;
	uint64_t args[16];
	int (*handler)(void *args, int64_t retval[2]);
	int error;	/* kernel errno to return without a handler */
	int64_t result; /* retval[0] without a handler */
} fake;

int rump_kern_syscall(int num, void *args, size_t argslen, int64_t retval[2])
{
	fake.calls++;
	fake.num = num;
	CHECK(argslen <= sizeof(fake.args));
	if (argslen != 0)
		memcpy(fake.args, args, argslen);
	fake.argslen = argslen;
	if (fake.handler != NULL)
		return fake.handler(args, retval);
	retval[0] = fake.result;
	return fake.error;
}

static void reset(int (*handler)(void *, int64_t[2]))
{
	memset(&fake, 0, sizeof(fake));
	fake.handler = handler;
}

#define ARGS(name) ((struct sys_##name##_args *)fake.args)

static void test_open(void)
{
	reset(NULL);
	fake.result = 5;
	CHECK_EQ(rump_sys_open("/f", O_CREAT | O_EXCL | O_WRONLY, 0640), 5);
	CHECK_EQ(fake.num, RUMP_SYS_OPEN);
	CHECK_EQ(fake.argslen, sizeof(struct sys_open_args));
	CHECK(strcmp(ARGS(open)->path, "/f") == 0);
	CHECK_EQ(ARGS(open)->flags, RUMP_O_CREAT | RUMP_O_EXCL | RUMP_O_WRONLY);
	CHECK_EQ(ARGS(open)->mode, 0640);

	reset(NULL);
	CHECK_EQ(rump_sys_open("/f", O_RDONLY | O_DIRECTORY), 0);
	CHECK_EQ(ARGS(open)->flags, RUMP_O_RDONLY | RUMP_O_DIRECTORY);
	CHECK_EQ(ARGS(open)->mode, 0); /* not read without O_CREAT */

	/* The kernel's errno, in the host's numbering. */
	reset(NULL);
	fake.error = RUMP_EEXIST;
	errno = 0;
	CHECK_EQ(rump_sys_open("/f", O_CREAT | O_EXCL | O_RDWR, 0600), -1);
	CHECK_EQ(errno, EEXIST);

	/* Refused on the host side: the kernel never sees the call. */
	reset(NULL);
	errno = 0;
	CHECK_EQ(rump_sys_open("/f", O_PATH), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(rump_sys_open("/d", O_TMPFILE | O_RDWR, 0600), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(fake.calls, 0);

	reset(NULL);
	CHECK_EQ(rump_sys_openat(AT_FDCWD, "f", O_RDWR | O_CREAT, 0755), 0);
	CHECK_EQ(fake.num, RUMP_SYS_OPENAT);
	CHECK_EQ(ARGS(openat)->dirfd, RUMP_AT_FDCWD);
	CHECK_EQ(ARGS(openat)->flags, RUMP_O_RDWR | RUMP_O_CREAT);
	CHECK_EQ(ARGS(openat)->mode, 0755);

	reset(NULL);
	CHECK_EQ(rump_sys_unlinkat(3, "d", AT_REMOVEDIR), 0);
	CHECK_EQ(ARGS(unlinkat)->dirfd, 3);
	CHECK_EQ(ARGS(unlinkat)->flags, RUMP_AT_REMOVEDIR);
	reset(NULL);
	CHECK_EQ(rump_sys_faccessat(AT_FDCWD, "f", R_OK, AT_EACCESS), 0);
	CHECK_EQ(ARGS(faccessat)->flags, RUMP_AT_EACCESS);
	CHECK_EQ(ARGS(faccessat)->mode, RUMP_R_OK);
}

static int stat_handler(void *a, int64_t retval[2])
{
	struct sys_fstatat_args *args = a;

	CHECK_EQ(args->dirfd, RUMP_AT_FDCWD);
	CHECK_EQ(args->flags, RUMP_AT_SYMLINK_NOFOLLOW);
	if (args->sb == NULL)
		return RUMP_EFAULT;
	memset(args->sb, 0, sizeof(*args->sb));
	args->sb->st_mode = RUMP_S_IFLNK | 0777;
	args->sb->st_size = (int64_t)1 << 40;
	args->sb->st_mtim.tv_sec = 1700000000;
	args->sb->st_mtim.tv_nsec = 123456789;
	return 0;
}

static void test_stat(void)
{
	struct stat sb;

	reset(stat_handler);
	memset(&sb, 0xa5, sizeof(sb));
	CHECK_EQ(rump_sys_fstatat(AT_FDCWD, "l", &sb, AT_SYMLINK_NOFOLLOW), 0);
	CHECK(S_ISLNK(sb.st_mode));
	CHECK_EQ(sb.st_size, (off_t)1 << 40);
	CHECK_EQ(sb.st_mtim.tv_sec, 1700000000);
	CHECK_EQ(sb.st_mtim.tv_nsec, 123456789);
	CHECK_EQ(sb.st_nlink, 0); /* fully written, no stale bytes */

	/* NULL stays NULL, and the kernel's EFAULT comes back. */
	reset(stat_handler);
	errno = 0;
	CHECK_EQ(rump_sys_fstatat(AT_FDCWD, "l", NULL, AT_SYMLINK_NOFOLLOW),
		 -1);
	CHECK_EQ(errno, EFAULT);

	/* A failed call leaves the caller's structure alone. */
	reset(NULL);
	fake.error = RUMP_ENOENT;
	memset(&sb, 0xa5, sizeof(sb));
	CHECK_EQ(rump_sys_stat("/none", &sb), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(sb.st_size, (off_t)0xa5a5a5a5a5a5a5a5ULL);
}

static int poll_handler(void *a, int64_t retval[2])
{
	struct sys_poll_args *args = a;
	int ready = 0;

	for (uint64_t i = 0; i < args->nfds; i++) {
		struct rump_pollfd *p = &args->fds[i];
		CHECK_EQ(p->fd, (int32_t)i);
		CHECK_EQ(p->revents, 0);
		p->revents = p->events & (RUMP_POLLIN | RUMP_POLLOUT);
		if (p->revents != 0)
			ready++;
	}
	retval[0] = ready;
	return 0;
}

static void test_poll(void)
{
	struct pollfd fds[40];

	/* 3 fit the entry point's stack buffer; 40 are allocated. */
	for (int n = 3; n <= 40; n += 37) {
		for (int i = 0; i < n; i++) {
			fds[i].fd = i;
			fds[i].events = i % 2 ? POLLWRNORM : POLLIN | POLLRDHUP;
			fds[i].revents = -1;
		}
		reset(poll_handler);
		CHECK_EQ(rump_sys_poll(fds, (nfds_t)n, 0), n);
		CHECK_EQ(fake.num, RUMP_SYS_POLL);
		for (int i = 0; i < n; i++) {
			CHECK_EQ(fds[i].revents, i % 2 ? POLLWRNORM : POLLIN);
			CHECK_EQ(fds[i].events,
				 i % 2 ? POLLWRNORM : POLLIN | POLLRDHUP);
		}
	}
	/* poll(NULL, 0, t) is a sleep: NULL goes through. */
	reset(NULL);
	CHECK_EQ(rump_sys_poll(NULL, 0, 10), 0);
	CHECK(ARGS(poll)->fds == NULL);
	/* A count no host could mean is EINVAL before the kernel. */
	reset(NULL);
	errno = 0;
	CHECK_EQ(rump_sys_poll(fds, (nfds_t)-1, 0), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(fake.calls, 0);
}

static int select_handler(void *a, int64_t retval[2])
{
	struct sys_select_args *args = a;

	CHECK_EQ(args->nfds, 70);
	CHECK(args->writefds == NULL);
	CHECK_EQ(args->readfds->fds_bits[0], (1ULL << 3) | (1ULL << 5));
	CHECK_EQ(args->readfds->fds_bits[1], 1ULL << 5);
	CHECK_EQ(args->exceptfds->fds_bits[0], 0);
	CHECK_EQ(args->timeout->tv_sec, 2);
	CHECK_EQ(args->timeout->tv_usec, 500000);
	args->readfds->fds_bits[0] = 1ULL << 5; /* only 5 and 69 ready */
	args->timeout->tv_sec = 1;		/* time left, as Linux does */
	retval[0] = 2;
	return 0;
}

static void test_select(void)
{
	struct timeval tv = {2, 500000};
	fd_set rd, ex;

	FD_ZERO(&rd);
	FD_ZERO(&ex);
	FD_SET(3, &rd);
	FD_SET(5, &rd);
	FD_SET(69, &rd);
	reset(select_handler);
	CHECK_EQ(rump_sys_select(70, &rd, NULL, &ex, &tv), 2);
	CHECK(!FD_ISSET(3, &rd));
	CHECK(FD_ISSET(5, &rd));
	CHECK(FD_ISSET(69, &rd));
	CHECK_EQ(tv.tv_sec, 1);
	CHECK_EQ(tv.tv_usec, 500000);
}

static int readv_handler(void *a, int64_t retval[2])
{
	struct sys_readv_args *args = a;
	int64_t total = 0;

	for (int64_t i = 0; i < args->iovcnt; i++) {
		memset(args->iov[i].iov_base, 'a' + (int)i,
		       args->iov[i].iov_len);
		total += (int64_t)args->iov[i].iov_len;
	}
	retval[0] = total;
	return 0;
}

static void test_readv(void)
{
	char a[3], b[5];
	struct iovec iov[2] = {{a, sizeof(a)}, {b, sizeof(b)}};

	reset(readv_handler);
	CHECK_EQ(rump_sys_readv(4, iov, 2), 8);
	CHECK_EQ(fake.num, RUMP_SYS_READV);
	CHECK(memcmp(a, "aaa", 3) == 0 && memcmp(b, "bbbbb", 5) == 0);
	reset(NULL);
	errno = 0;
	CHECK_EQ(rump_sys_readv(4, iov, -1), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(fake.calls, 0);
}

static int fcntl_handler(void *a, int64_t retval[2])
{
	struct sys_fcntl_args *args = a;
	struct rump_flock *fl = args->arg;

	switch (args->cmd) {
	case RUMP_F_GETFL:
		retval[0] = RUMP_O_RDWR | RUMP_O_APPEND | RUMP_O_NONBLOCK;
		return 0;
	case RUMP_F_GETFD:
		retval[0] = RUMP_FD_CLOEXEC;
		return 0;
	case RUMP_F_SETFL:
		CHECK_EQ(args->arg_slot_, RUMP_O_NONBLOCK | RUMP_O_APPEND);
		return 0;
	case RUMP_F_SETFD:
		CHECK_EQ(args->arg_slot_, RUMP_FD_CLOEXEC);
		return 0;
	case RUMP_F_DUPFD_CLOEXEC:
		CHECK_EQ(args->arg_slot_, 10);
		retval[0] = 11;
		return 0;
	case RUMP_F_SETLKW:
		CHECK_EQ(fl->l_type, RUMP_F_WRLCK);
		CHECK_EQ(fl->l_whence, RUMP_SEEK_CUR);
		CHECK_EQ(fl->l_start, 100);
		CHECK_EQ(fl->l_len, 0);
		return 0;
	case RUMP_F_GETLK:
		CHECK_EQ(fl->l_type, RUMP_F_RDLCK);
		fl->l_type = RUMP_F_WRLCK; /* a conflicting lock */
		fl->l_whence = RUMP_SEEK_SET;
		fl->l_start = 7;
		fl->l_len = 9;
		fl->l_pid = 77;
		return 0;
	default:
		return RUMP_EINVAL;
	}
}

static void test_fcntl(void)
{
	struct flock fl;

	reset(fcntl_handler);
	CHECK_EQ(rump_sys_fcntl(3, F_GETFL), O_RDWR | O_APPEND | O_NONBLOCK);
	CHECK_EQ(fake.num, RUMP_SYS_FCNTL);
	CHECK_EQ(ARGS(fcntl)->fd, 3);
	CHECK_EQ(rump_sys_fcntl(3, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(rump_sys_fcntl(3, F_SETFL, O_NONBLOCK | O_APPEND), 0);
	CHECK_EQ(rump_sys_fcntl(3, F_SETFD, FD_CLOEXEC), 0);
	CHECK_EQ(rump_sys_fcntl(3, F_DUPFD_CLOEXEC, 10), 11);

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_CUR;
	fl.l_start = 100;
	CHECK_EQ(rump_sys_fcntl(3, F_SETLKW, &fl), 0);

	fl.l_type = F_RDLCK;
	CHECK_EQ(rump_sys_fcntl(3, F_GETLK, &fl), 0);
	CHECK_EQ(fl.l_type, F_WRLCK);
	CHECK_EQ(fl.l_whence, SEEK_SET);
	CHECK_EQ(fl.l_start, 7);
	CHECK_EQ(fl.l_len, 9);
	CHECK_EQ(fl.l_pid, 77);

	reset(fcntl_handler);
	errno = 0;
	CHECK_EQ(rump_sys_fcntl(3, F_SETPIPE_SZ, 4096), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(rump_sys_fcntl(3, F_SETFL, O_ASYNC), -1);
	CHECK_EQ(errno, EINVAL);
	fl.l_type = 99;
	CHECK_EQ(rump_sys_fcntl(3, F_SETLK, &fl), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(fake.calls, 0);
}

static void test_ioctl(void)
{
	int n = 0;

	reset(NULL);
	CHECK_EQ(rump_sys_ioctl(3, FIONREAD, &n), 0);
	CHECK_EQ(fake.num, RUMP_SYS_IOCTL);
	CHECK_EQ(ARGS(ioctl)->request, RUMP_FIONREAD);
	CHECK(ARGS(ioctl)->data == &n);
	reset(NULL);
	CHECK_EQ(rump_sys_ioctl(3, FIONBIO, &n), 0);
	CHECK_EQ(ARGS(ioctl)->request, RUMP_FIONBIO);
	reset(NULL);
	errno = 0;
	CHECK_EQ(rump_sys_ioctl(3, TIOCGWINSZ, &n), -1);
	CHECK_EQ(errno, ENOTTY);
	CHECK_EQ(fake.calls, 0);
}

static int getcwd_handler(void *a, int64_t retval[2])
{
	struct sys_getcwd_args *args = a;

	if (args->size < 5)
		return RUMP_ERANGE;
	memcpy(args->buf, "/a/b", 5);
	retval[0] = 5;
	return 0;
}

static void test_getcwd(void)
{
	char buf[16], *p;

	reset(getcwd_handler);
	CHECK(rump_sys_getcwd(buf, sizeof(buf)) == buf);
	CHECK(strcmp(buf, "/a/b") == 0);
	errno = 0;
	CHECK(rump_sys_getcwd(buf, 3) == NULL);
	CHECK_EQ(errno, ERANGE);
	p = rump_sys_getcwd(NULL, 0);
	CHECK(p != NULL && strcmp(p, "/a/b") == 0);
	free(p);
	p = rump_sys_getcwd(NULL, 64);
	CHECK(p != NULL && strcmp(p, "/a/b") == 0);
	free(p);
}

static void test_mount(void)
{
	reset(NULL);
	CHECK_EQ(rump_sys_mount("tmpfs", "/mnt", "tmpfs", MS_RDONLY | MS_NOSUID,
				"size=1m"),
		 0);
	CHECK_EQ(fake.num, RUMP_SYS_MOUNT);
	CHECK_EQ(ARGS(mount)->mountflags, RUMP_MNT_RDONLY | RUMP_MNT_NOSUID);
	CHECK(strcmp(ARGS(mount)->data, "size=1m") == 0);
	reset(NULL);
	CHECK_EQ(rump_sys_mount(NULL, "/mnt", "tmpfs", 0, NULL), 0);
	CHECK(ARGS(mount)->source == NULL && ARGS(mount)->data == NULL);
	reset(NULL);
	errno = 0;
	CHECK_EQ(rump_sys_mount("x", "/mnt", "tmpfs", MS_BIND, NULL), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(fake.calls, 0);

	/* umount2 is unmount with Linux's flags. */
	reset(NULL);
	CHECK_EQ(rump_sys_umount2("/mnt", MNT_FORCE), 0);
	CHECK_EQ(fake.num, RUMP_SYS_UNMOUNT);
	CHECK_EQ(fake.argslen, sizeof(struct sys_unmount_args));
	CHECK_EQ(ARGS(unmount)->flags, RUMP_MNT_FORCE);
	reset(NULL);
	CHECK_EQ(rump_sys_unmount("/mnt", RUMP_MNT_FORCE), 0);
	CHECK_EQ(ARGS(unmount)->flags, RUMP_MNT_FORCE);
	reset(NULL);
	errno = 0;
	CHECK_EQ(rump_sys_umount2("/mnt", MNT_DETACH), -1);
	CHECK_EQ(errno, EINVAL);
}

static int statvfs_handler(void *a, int64_t retval[2])
{
	struct sys_statvfs_args *args = a;

	memset(args->buf, 0, sizeof(*args->buf));
	args->buf->f_flag = RUMP_MNT_RDONLY;
	args->buf->f_bsize = 4096;
	args->buf->f_namemax = 255;
	return 0;
}

static int utimensat_handler(void *a, int64_t retval[2])
{
	struct sys_utimensat_args *args = a;

	CHECK_EQ(args->times[0].tv_nsec, RUMP_UTIME_OMIT);
	CHECK_EQ(args->times[1].tv_nsec, RUMP_UTIME_NOW);
	CHECK_EQ(args->times[1].tv_sec, 5);
	return 0;
}

static void test_misc(void)
{
	struct statvfs sv;
	struct timespec ts[2] = {{0, UTIME_OMIT}, {5, UTIME_NOW}};
	off_t big = (off_t)3 << 32;

	reset(NULL);
	fake.result = big + 1;
	CHECK_EQ(rump_sys_lseek(3, big, SEEK_HOLE), big + 1);
	CHECK_EQ(ARGS(lseek)->whence, RUMP_SEEK_HOLE);
	CHECK_EQ(ARGS(lseek)->offset, big);

	reset(statvfs_handler);
	CHECK_EQ(rump_sys_statvfs("/", &sv), 0);
	CHECK_EQ(sv.f_flag, ST_RDONLY);
	CHECK_EQ(sv.f_bsize, 4096);
	CHECK_EQ(sv.f_namemax, 255);

	reset(utimensat_handler);
	CHECK_EQ(rump_sys_utimensat(AT_FDCWD, "f", ts, AT_SYMLINK_NOFOLLOW), 0);
	CHECK_EQ(ARGS(utimensat)->flags, RUMP_AT_SYMLINK_NOFOLLOW);
	reset(NULL);
	CHECK_EQ(rump_sys_futimens(3, NULL), 0);
	CHECK(ARGS(futimens)->times == NULL);

	/* posix_fallocate returns the error number and leaves errno. */
	reset(NULL);
	fake.error = RUMP_ENOSPC;
	errno = 1234;
	CHECK_EQ(rump_sys_posix_fallocate(3, 0, 100), ENOSPC);
	CHECK_EQ(errno, 1234);
	reset(NULL);
	CHECK_EQ(rump_sys_posix_fallocate(3, 0, 100), 0);
	reset(NULL);
	errno = 0;
	CHECK_EQ(rump_sys_fallocate(3, FALLOC_FL_KEEP_SIZE, 0, 10), -1);
	CHECK_EQ(errno, EOPNOTSUPP);
	CHECK_EQ(fake.calls, 0);

	reset(NULL);
	CHECK_EQ(rump_sys_flock(3, LOCK_EX | LOCK_NB), 0);
	CHECK_EQ(ARGS(flock)->operation, RUMP_LOCK_EX | RUMP_LOCK_NB);

	reset(NULL);
	fake.result = 0022;
	CHECK_EQ(rump_sys_umask(077), 0022);
	CHECK_EQ(ARGS(umask)->mask, 077);

	int pfd[2];
	reset(NULL);
	CHECK_EQ(rump_sys_pipe2(pfd, O_CLOEXEC | O_NONBLOCK), 0);
	CHECK_EQ(ARGS(pipe2)->flags, RUMP_O_CLOEXEC | RUMP_O_NONBLOCK);
	CHECK(ARGS(pipe2)->pipefd == pfd);

	/* A void call still reports through errno. */
	reset(NULL);
	rump_sys_sync();
	CHECK_EQ(fake.num, RUMP_SYS_SYNC);
	CHECK_EQ(fake.argslen, 0);
}

int main(void)
{
	test_open();
	test_stat();
	test_poll();
	test_select();
	test_readv();
	test_fcntl();
	test_ioctl();
	test_getcwd();
	test_mount();
	test_misc();
	printf("t_abi_entry: ok\n");
	return 0;
}
