/*
 * file.c -- host files: information, open/close, synchronous scatter/gather
 * I/O and flushes.  Transfers loop over short counts and EINTR and fail only
 * when nothing moved; they and the flushes release the virtual CPU.
 */
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "host.h"

static int file_blksize(const char *name, uint64_t *sizep)
{
	int fd, error = 0;

	if ((fd = open(name, O_RDONLY | O_CLOEXEC)) == -1)
		return errno;
	if (ioctl(fd, BLKGETSIZE64, sizep) == -1)
		error = errno;
	close(fd);
	return error;
}

int rumpuser_getfileinfo(const char *name, uint64_t *sizep, int *typep)
{
	struct stat sb;
	uint64_t size = 0;
	int type, error = 0;

	if (stat(name, &sb) == -1)
		return rumpuser__kerrno(errno);
	type = S_ISDIR(sb.st_mode)   ? RUMPUSER_FT_DIR
	       : S_ISREG(sb.st_mode) ? RUMPUSER_FT_REG
	       : S_ISBLK(sb.st_mode) ? RUMPUSER_FT_BLK
	       : S_ISCHR(sb.st_mode) ? RUMPUSER_FT_CHR
				     : RUMPUSER_FT_OTHER;
	if (type == RUMPUSER_FT_REG)
		size = (uint64_t)sb.st_size;
	else if (type == RUMPUSER_FT_BLK)
		error = file_blksize(name, &size);
	if (error != 0)
		return rumpuser__kerrno(error);
	if (sizep != NULL)
		*sizep = size;
	if (typep != NULL)
		*typep = type;
	return 0;
}

/* RUMPUSER_OPEN_BIO needs nothing here: O_DIRECT would demand alignment. */
int rumpuser_open(const char *name, int mode, int *fdp)
{
	static const int access[] = {O_RDONLY, O_WRONLY, O_RDWR};
	int flags, fd;

	if ((mode & RUMPUSER_OPEN_ACCMODE) == RUMPUSER_OPEN_ACCMODE)
		return RUMP_EINVAL;
	flags = access[mode & RUMPUSER_OPEN_ACCMODE] | O_CLOEXEC;
	if (mode & RUMPUSER_OPEN_CREATE)
		flags |= O_CREAT;
	if (mode & RUMPUSER_OPEN_EXCL)
		flags |= O_EXCL;
	if ((fd = open(name, flags, 0644)) == -1)
		return rumpuser__kerrno(errno);
	*fdp = fd;
	return 0;
}

/* After EINTR the descriptor is gone on Linux, so that is success. */
int rumpuser_close(int fd)
{
	if (close(fd) == -1 && errno != EINTR)
		return rumpuser__kerrno(errno);
	return 0;
}

#define FILE_IOV_BATCH 64

/* Move bytes between fd and riov, resuming after partial transfers. */
static int file_rw(int fd, const struct rumpuser_iovec *riov, size_t iovcnt,
		   int64_t offset, size_t *retp, int out)
{
	struct iovec iov[FILE_IOV_BATCH];
	size_t i = 0, skip = 0, done = 0, left;
	ssize_t n = 0;
	int cnt;

	rumpuser__block_begin();
	while (i < iovcnt) {
		/* The next batch starts skip bytes into riov[i]. */
		for (cnt = 0; cnt < FILE_IOV_BATCH && i + cnt < iovcnt; cnt++) {
			iov[cnt].iov_base = riov[i + cnt].iov_base;
			iov[cnt].iov_len = riov[i + cnt].iov_len;
		}
		iov[0].iov_base = (char *)iov[0].iov_base + skip;
		iov[0].iov_len -= skip;
		if (out)
			n = pwritev(fd, iov, cnt, (off_t)(offset + done));
		else
			n = preadv(fd, iov, cnt, (off_t)(offset + done));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* an error, or end of file */
		done += (size_t)n;
		left = (size_t)n;
		for (; i < iovcnt && left >= riov[i].iov_len - skip;
		     i++, skip = 0)
			left -= riov[i].iov_len - skip;
		skip += left;
	}
	rumpuser__block_end();
	*retp = done;
	return done > 0 || n != -1 ? 0 : rumpuser__kerrno(errno);
}

int rumpuser_iovread(int fd, struct rumpuser_iovec *iov, size_t iovcnt,
		     int64_t offset, size_t *retp)
{
	return file_rw(fd, iov, iovcnt, offset, retp, 0);
}

int rumpuser_iovwrite(int fd, const struct rumpuser_iovec *iov, size_t iovcnt,
		      int64_t offset, size_t *retp)
{
	return file_rw(fd, iov, iovcnt, offset, retp, 1);
}

/*
 * Written data is already ordered in the host's page cache, so a barrier
 * or a write flush is fdatasync(); SYNC also flushes metadata.  The range
 * is not used: flushing more than asked is always correct.
 */
int rumpuser_syncfd(int fd, int flags, uint64_t start, uint64_t len)
{
	int rv = 0;

	(void)start;
	(void)len;
	rumpuser__block_begin();
	if (flags & RUMPUSER_SYNCFD_SYNC)
		rv = fsync(fd);
	else if (flags & (RUMPUSER_SYNCFD_WRITE | RUMPUSER_SYNCFD_BARRIER))
		rv = fdatasync(fd);
	rumpuser__block_end();
	return rv == -1 ? rumpuser__kerrno(errno) : 0;
}
