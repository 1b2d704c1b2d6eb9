/*
 * hijack_open.c -- making, duplicating and closing descriptors: open and
 * its glibc names (open64, __open_2, openat64 ...), creat, close,
 * close_range, dup, dup2, dup3 and fcntl, which also duplicates.  A kernel
 * descriptor gets its host number from hijack_fd_attach(); a dup of one is
 * a kernel dup behind a host dup of the placeholder, so each number has
 * its own descriptor flags and both share the open file, as on the host.
 */
#include <stdlib.h>

#include "hijack.h"

static mode_t hijack_open_mode(int flags, va_list ap)
{
	return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE
		       ? (mode_t)va_arg(ap, int)
		       : 0;
}

/*
 * The kernel has no O_PATH.  Programs open a path that way only to name
 * it for *at calls, fstat or fchdir (cp and mv open their target
 * directory so), which a read-only open gives too; the client is root in
 * the kernel, so the read permission O_PATH would not need is there, and
 * O_NONBLOCK keeps a fifo from blocking the open.  What differs: a
 * symbolic link with O_NOFOLLOW is ELOOP, not a descriptor for the link.
 */
static int hijack_open_flags(int flags)
{
	if ((flags & O_PATH) == 0)
		return flags;
	return O_RDONLY | O_NONBLOCK |
	       (flags & (O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
}

static int hijack_openat_kernel(int kdirfd, const char *kpath, int flags,
				mode_t mode)
{
	int kfd;

	flags = hijack_open_flags(flags);
	kfd = KCALL(rump_sys_openat(kdirfd, kpath, flags, mode));

	if (kfd == -1)
		return -1;
	return hijack_fd_attach(kfd, (flags & O_CLOEXEC) != 0);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	const char *kpath;
	va_list ap;
	mode_t mode;
	int kdirfd;

	va_start(ap, flags);
	mode = hijack_open_mode(flags, ap);
	va_end(ap);
	if (HIJACK_BYPASS() ||
	    hijack_route_at(dirfd, path, &kdirfd, &kpath) == HIJACK_HOST)
		return HOST(openat)(dirfd, path, flags, mode);
	return hijack_openat_kernel(kdirfd, kpath, flags, mode);
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = hijack_open_mode(flags, ap);
	va_end(ap);
	return openat(AT_FDCWD, path, flags, mode);
}

HIJACK_ALIAS(open64, open);
HIJACK_ALIAS(openat64, openat);

int creat(const char *path, mode_t mode)
{
	return openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}
HIJACK_ALIAS(creat64, creat);

/* The _FORTIFY_SOURCE entry points: no mode, since O_CREAT has one. */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
int __open_2(const char *path, int flags)
{
	if ((flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE)
		abort();
	return openat(AT_FDCWD, path, flags);
}
int __openat_2(int dirfd, const char *path, int flags)
{
	if ((flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE)
		abort();
	return openat(dirfd, path, flags);
}
HIJACK_ALIAS(__open64_2, __open_2);
HIJACK_ALIAS(__openat64_2, __openat_2);

/*
 * The connection to the kernel is a host descriptor of librumpclient's;
 * the program must not close it or dup2 over it (a program closing every
 * descriptor it did not open, for instance).  It is not the program's, so
 * for the program it is not open.
 */
static bool hijack_is_client_fd(int fd)
{
	return hijack_bypass == 0 && fd >= 0 && hijack_ready() &&
	       fd == KCALL(rumpclient__fd());
}

int close(int fd)
{
	int kfd, rv;

	if (hijack_is_client_fd(fd))
		return hijack_fail(EBADF);
	kfd = hijack_fd_forget(fd);
	if (kfd < 0)
		return HOST(close)(fd);
	rv = KCALL(rump_sys_close(kfd));
	HOST(close)(fd);
	return rv;
}

int close_range(unsigned int first, unsigned int last, int flags)
{
	unsigned int fd;
	int cfd = hijack_ready() ? KCALL(rumpclient__fd()) : -1;

	if (cfd >= 0 && (unsigned)cfd >= first && (unsigned)cfd <= last) {
		/* around the connection: [first, cfd) and (cfd, last] */
		if ((unsigned)cfd > first &&
		    close_range(first, (unsigned)cfd - 1, flags) == -1)
			return -1;
		if ((unsigned)cfd == last)
			return 0;
		first = (unsigned)cfd + 1;
	}
	if ((flags & CLOSE_RANGE_CLOEXEC) == 0)
		for (fd = first; fd <= last && fd < HIJACK_MAXFD; fd++)
			hijack_fd_release((int)fd);
	return HOST(close_range)(first, last, flags);
}

void closefrom(int lowfd)
{
	close_range(lowfd < 0 ? 0 : (unsigned)lowfd, ~0U, 0);
}

/*
 * Host number `newfd` (already made by the host) now stands for a dup of
 * kernel descriptor kfd; what newfd stood for before is closed.
 */
static int hijack_dup_finish(int newfd, int kfd)
{
	int nkfd = KCALL(rump_sys_dup(kfd)), e;

	if (nkfd == -1) {
		e = errno;
		hijack_fd_release(newfd);
		HOST(close)(newfd);
		return hijack_fail(e);
	}
	hijack_fd_release(newfd);
	hijack_fd_set(newfd, nkfd);
	hijack_stdio_adopt(newfd);
	return newfd;
}

int dup(int fd)
{
	int kfd = hijack_kfd(fd), nfd;

	if (kfd < 0)
		return HOST(dup)(fd);
	nfd = HOST(dup)(fd);
	if (nfd == -1)
		return -1;
	return hijack_dup_finish(nfd, kfd);
}

int dup3(int oldfd, int newfd, int flags)
{
	int kfd = hijack_kfd(oldfd), rv;

	if (oldfd == newfd)
		return flags == -1 ? newfd : hijack_fail(EINVAL);
	if (hijack_is_client_fd(newfd))
		return hijack_fail(EBUSY);
	rv = flags == -1 ? HOST(dup2)(oldfd, newfd)
			 : HOST(dup3)(oldfd, newfd, flags);
	if (rv == -1)
		return -1;
	if (kfd < 0) {
		/* a host descriptor replaced whatever newfd was */
		hijack_fd_release(newfd);
		return rv;
	}
	return hijack_dup_finish(newfd, kfd);
}

int dup2(int oldfd, int newfd)
{
	if (oldfd == newfd) {
		if (hijack_kfd(oldfd) >= 0)
			return newfd;
		return HOST(dup2)(oldfd, newfd);
	}
	return dup3(oldfd, newfd, -1);
}

static int hijack_fcntl_kernel(int fd, int kfd, int cmd, void *arg)
{
	int nfd;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		nfd = HOST(fcntl)(fd, cmd, arg);
		if (nfd == -1)
			return -1;
		return hijack_dup_finish(nfd, kfd);
	case F_GETFD:
	case F_SETFD:
		/* close-on-exec lives on the placeholder, which exec closes */
		return HOST(fcntl)(fd, cmd, arg);
	default:
		return KCALL(rump_sys_fcntl(kfd, cmd, arg));
	}
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;
	int kfd;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	kfd = hijack_kfd(fd);
	if (kfd < 0)
		return HOST(fcntl)(fd, cmd, arg);
	return hijack_fcntl_kernel(fd, kfd, cmd, arg);
}
HIJACK_ALIAS(fcntl64, fcntl);
