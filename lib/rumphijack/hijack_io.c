/*
 * hijack_io.c -- calls on an open descriptor: read and write in all their
 * forms, lseek, fstat and friends, sync, truncate, modes, owners, times,
 * locks, space and advice.  A host descriptor goes to the host's function;
 * a kernel one to rump_sys_*.  Calls that would join a kernel and a host
 * descriptor in one operation (copy_file_range, splice) say EXDEV so the
 * program falls back to reading and writing; sendfile is done that way
 * here.  mmap of a kernel file is a private copy (MAP_PRIVATE) or ENOTSUP.
 */
#include <stdlib.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/time.h>

#include "hijack.h"

/* the kernel descriptor of fd, or a host call with the same arguments */
#define HIJACK_FDCALL(name, fd, ...)                                           \
	int kfd_ = hijack_kfd(fd);                                             \
	if (kfd_ < 0)                                                          \
		return HOST(name)(fd, __VA_ARGS__);

ssize_t read(int fd, void *buf, size_t n)
{
	HIJACK_FDCALL(read, fd, buf, n);
	return KCALL(rump_sys_read(kfd_, buf, n));
}

ssize_t write(int fd, const void *buf, size_t n)
{
	HIJACK_FDCALL(write, fd, buf, n);
	return KCALL(rump_sys_write(kfd_, buf, n));
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	HIJACK_FDCALL(pread, fd, buf, n, off);
	return KCALL(rump_sys_pread(kfd_, buf, n, off));
}
HIJACK_ALIAS(pread64, pread);

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	HIJACK_FDCALL(pwrite, fd, buf, n, off);
	return KCALL(rump_sys_pwrite(kfd_, buf, n, off));
}
HIJACK_ALIAS(pwrite64, pwrite);

ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
	HIJACK_FDCALL(readv, fd, iov, cnt);
	return KCALL(rump_sys_readv(kfd_, iov, cnt));
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	HIJACK_FDCALL(writev, fd, iov, cnt);
	return KCALL(rump_sys_writev(kfd_, iov, cnt));
}

ssize_t preadv(int fd, const struct iovec *iov, int cnt, off_t off)
{
	HIJACK_FDCALL(preadv, fd, iov, cnt, off);
	return KCALL(rump_sys_preadv(kfd_, iov, cnt, off));
}
HIJACK_ALIAS(preadv64, preadv);

ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	HIJACK_FDCALL(pwritev, fd, iov, cnt, off);
	return KCALL(rump_sys_pwritev(kfd_, iov, cnt, off));
}
HIJACK_ALIAS(pwritev64, pwritev);

off_t lseek(int fd, off_t off, int whence)
{
	HIJACK_FDCALL(lseek, fd, off, whence);
	return KCALL(rump_sys_lseek(kfd_, off, whence));
}
HIJACK_ALIAS(lseek64, lseek);

int hijack_fstat(int fd, struct stat *st)
{
	HIJACK_FDCALL(fstat, fd, st);
	return KCALL(rump_sys_fstat(kfd_, st));
}

int fstat(int fd, struct stat *st)
{
	return hijack_fstat(fd, st);
}
HIJACK_ALIAS(fstat64, fstat);

int fstatvfs(int fd, struct statvfs *sv)
{
	HIJACK_FDCALL(fstatvfs, fd, sv);
	return KCALL(rump_sys_fstatvfs(kfd_, sv));
}
HIJACK_ALIAS(fstatvfs64, fstatvfs);

int fstatfs(int fd, struct statfs *sf)
{
	struct statvfs sv;

	HIJACK_FDCALL(fstatfs, fd, sf);
	if (KCALL(rump_sys_fstatvfs(kfd_, &sv)) == -1)
		return -1;
	hijack_statvfs_to_statfs(&sv, sf);
	return 0;
}
HIJACK_ALIAS(fstatfs64, fstatfs);

int fsync(int fd)
{
	int kfd = hijack_kfd(fd);

	return kfd < 0 ? HOST(fsync)(fd) : KCALL(rump_sys_fsync(kfd));
}

int fdatasync(int fd)
{
	int kfd = hijack_kfd(fd);

	return kfd < 0 ? HOST(fdatasync)(fd) : KCALL(rump_sys_fdatasync(kfd));
}

int syncfs(int fd)
{
	int kfd = hijack_kfd(fd);

	if (kfd < 0)
		return HOST(syncfs)(fd);
	KCALL((rump_sys_sync(), 0));
	return 0;
}

int ftruncate(int fd, off_t len)
{
	HIJACK_FDCALL(ftruncate, fd, len);
	return KCALL(rump_sys_ftruncate(kfd_, len));
}
HIJACK_ALIAS(ftruncate64, ftruncate);

int fchmod(int fd, mode_t mode)
{
	HIJACK_FDCALL(fchmod, fd, mode);
	return KCALL(rump_sys_fchmod(kfd_, mode));
}

int fchown(int fd, uid_t uid, gid_t gid)
{
	HIJACK_FDCALL(fchown, fd, uid, gid);
	return KCALL(rump_sys_fchown(kfd_, uid, gid));
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;
	int kfd;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	kfd = hijack_kfd(fd);
	if (kfd < 0)
		return HOST(ioctl)(fd, req, arg);
	return KCALL(rump_sys_ioctl(kfd, req, arg));
}

int futimens(int fd, const struct timespec ts[2])
{
	HIJACK_FDCALL(futimens, fd, ts);
	return KCALL(rump_sys_futimens(kfd_, ts));
}

int futimes(int fd, const struct timeval tv[2])
{
	HIJACK_FDCALL(futimes, fd, tv);
	return KCALL(rump_sys_futimes(kfd_, tv));
}

int flock(int fd, int op)
{
	HIJACK_FDCALL(flock, fd, op);
	return KCALL(rump_sys_flock(kfd_, op));
}

int fallocate(int fd, int mode, off_t off, off_t len)
{
	HIJACK_FDCALL(fallocate, fd, mode, off, len);
	return KCALL(rump_sys_fallocate(kfd_, mode, off, len));
}
HIJACK_ALIAS(fallocate64, fallocate);

int posix_fallocate(int fd, off_t off, off_t len)
{
	HIJACK_FDCALL(posix_fallocate, fd, off, len);
	return KCALL(rump_sys_posix_fallocate(kfd_, off, len));
}
HIJACK_ALIAS(posix_fallocate64, posix_fallocate);

/* Advice changes nothing the kernel promises; a kernel file takes it. */
int posix_fadvise(int fd, off_t off, off_t len, int advice)
{
	HIJACK_FDCALL(posix_fadvise, fd, off, len, advice);
	return 0;
}
HIJACK_ALIAS(posix_fadvise64, posix_fadvise);

ssize_t preadv2(int fd, const struct iovec *iov, int cnt, off_t off, int fl)
{
	HIJACK_FDCALL(preadv2, fd, iov, cnt, off, fl);
	if (fl != 0)
		return hijack_fail(EOPNOTSUPP);
	return off == -1 ? KCALL(rump_sys_readv(kfd_, iov, cnt))
			 : KCALL(rump_sys_preadv(kfd_, iov, cnt, off));
}
HIJACK_ALIAS(preadv64v2, preadv2);

ssize_t pwritev2(int fd, const struct iovec *iov, int cnt, off_t off, int fl)
{
	HIJACK_FDCALL(pwritev2, fd, iov, cnt, off, fl);
	if (fl != 0)
		return hijack_fail(EOPNOTSUPP);
	return off == -1 ? KCALL(rump_sys_writev(kfd_, iov, cnt))
			 : KCALL(rump_sys_pwritev(kfd_, iov, cnt, off));
}
HIJACK_ALIAS(pwritev64v2, pwritev2);

/* Between a kernel and a host file, or two kernel files: the program's
 * own read/write fallback (every user of it has one) does the copy. */
ssize_t copy_file_range(int in, off_t *inoff, int out, off_t *outoff,
			size_t len, unsigned int flags)
{
	if (hijack_kfd(in) < 0 && hijack_kfd(out) < 0)
		return HOST(copy_file_range)(in, inoff, out, outoff, len,
					     flags);
	return hijack_fail(EXDEV);
}

ssize_t splice(int in, off_t *inoff, int out, off_t *outoff, size_t len,
	       unsigned int flags)
{
	if (hijack_kfd(in) < 0 && hijack_kfd(out) < 0)
		return HOST(splice)(in, inoff, out, outoff, len, flags);
	return hijack_fail(EINVAL);
}

/* sendfile is used without a fallback, so it is done here by copying. */
ssize_t sendfile(int out, int in, off_t *off, size_t count)
{
	char buf[16384];
	size_t done = 0;

	if (hijack_kfd(in) < 0 && hijack_kfd(out) < 0)
		return HOST(sendfile)(out, in, off, count);
	while (done < count) {
		size_t want =
			count - done < sizeof(buf) ? count - done : sizeof(buf);
		ssize_t got, put;

		got = off != NULL ? pread(in, buf, want, *off)
				  : read(in, buf, want);
		if (got <= 0) {
			if (got < 0 && done == 0)
				return -1;
			break;
		}
		put = write(out, buf, (size_t)got);
		if (put <= 0) {
			if (done == 0)
				return -1;
			break;
		}
		if (off != NULL)
			*off += put;
		else if (put < got)
			lseek(in, put - got, SEEK_CUR);
		done += (size_t)put;
		if (put < got)
			break;
	}
	return (ssize_t)done;
}
HIJACK_ALIAS(sendfile64, sendfile);

/*
 * The kernel's pages cannot be mapped into this process.  A private
 * mapping is a copy read at mmap time, which is what MAP_PRIVATE promises
 * as long as nobody writes the file meanwhile; a shared one is ENOTSUP.
 */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	int kfd = (flags & MAP_ANONYMOUS) != 0 ? -1 : hijack_kfd(fd);
	size_t done = 0;
	void *p;

	if (kfd < 0)
		return HOST(mmap)(addr, len, prot, flags, fd, off);
	if ((flags & MAP_TYPE) != MAP_PRIVATE) {
		errno = ENOTSUP;
		return MAP_FAILED;
	}
	p = HOST(mmap)(addr, len, PROT_READ | PROT_WRITE,
		       (flags & ~MAP_TYPE) | MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);
	if (p == MAP_FAILED)
		return p;
	while (done < len) {
		ssize_t got = KCALL(rump_sys_pread(
			kfd, (char *)p + done, len - done, off + (off_t)done));

		if (got == -1) {
			int e = errno;

			munmap(p, len);
			errno = e;
			return MAP_FAILED;
		}
		if (got == 0)
			break;
		done += (size_t)got;
	}
	if (prot != (PROT_READ | PROT_WRITE) && mprotect(p, len, prot) == -1) {
		int e = errno;

		munmap(p, len);
		errno = e;
		return MAP_FAILED;
	}
	return p;
}
HIJACK_ALIAS(mmap64, mmap);
