/*
 * hijack_stdio.c -- stdio streams on kernel files.  glibc's fopen and a
 * FILE's reads and writes use internal system calls that an LD_PRELOAD
 * library cannot see, so a stream on a kernel file is a fopencookie()
 * stream whose functions call the hijacked read/write/lseek/close, with
 * the stream's descriptor number set so that fileno() names the kernel
 * descriptor.  stdin/stdout/stderr inherited as kernel descriptors (a
 * shell's redirection into /rump) are replaced the same way at start-up,
 * and when the program makes 0, 1 or 2 a kernel descriptor later (sort
 * -o opens its output and moves it onto 1, then writes to stdout).
 */
#include <stdio_ext.h>
#include <stdint.h>
#include <string.h>

#include "hijack.h"

static ssize_t hijack_cookie_read(void *c, char *buf, size_t n)
{
	return read((int)(intptr_t)c, buf, n);
}

static ssize_t hijack_cookie_write(void *c, const char *buf, size_t n)
{
	ssize_t w = write((int)(intptr_t)c, buf, n);

	/* fopencookie's write reports an error by returning 0 */
	return w < 0 ? 0 : w;
}

static int hijack_cookie_seek(void *c, off64_t *off, int whence)
{
	off_t r = lseek((int)(intptr_t)c, *off, whence);

	if (r == -1)
		return -1;
	*off = r;
	return 0;
}

static int hijack_cookie_close(void *c)
{
	return close((int)(intptr_t)c);
}

int hijack_stdio_modeflags(const char *mode, int *flags)
{
	int f;

	switch (mode[0]) {
	case 'r':
		f = mode[1] == '+' || strchr(mode, '+') ? O_RDWR : O_RDONLY;
		break;
	case 'w':
		f = (strchr(mode, '+') ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC;
		break;
	case 'a':
		f = (strchr(mode, '+') ? O_RDWR : O_WRONLY) | O_CREAT |
		    O_APPEND;
		break;
	default:
		return hijack_fail(EINVAL);
	}
	if (strchr(mode, 'e') != NULL)
		f |= O_CLOEXEC;
	if (strchr(mode, 'x') != NULL)
		f |= O_EXCL;
	*flags = f;
	return 0;
}

FILE *hijack_stdio_open(int fd, const char *mode)
{
	static const cookie_io_functions_t io = {
		.read = hijack_cookie_read,
		.write = hijack_cookie_write,
		.seek = hijack_cookie_seek,
		.close = hijack_cookie_close,
	};
	FILE *fp = fopencookie((void *)(intptr_t)fd, mode, io);

	if (fp != NULL)
		fp->_fileno = fd; /* fileno(), fstat(fileno(fp)) */
	return fp;
}

FILE *fopen(const char *path, const char *mode)
{
	const char *kp;
	FILE *fp;
	int flags, fd, e;

	if (HIJACK_BYPASS() || hijack_route_path(path, &kp) == HIJACK_HOST)
		return HOST(fopen)(path, mode);
	if (hijack_stdio_modeflags(mode, &flags) == -1)
		return NULL;
	fd = open(path, flags, 0666);
	if (fd == -1)
		return NULL;
	fp = hijack_stdio_open(fd, mode);
	if (fp == NULL) {
		e = errno;
		close(fd);
		errno = e;
	}
	return fp;
}
HIJACK_ALIAS(fopen64, fopen);

FILE *fdopen(int fd, const char *mode)
{
	int flags;

	if (hijack_kfd(fd) < 0)
		return HOST(fdopen)(fd, mode);
	if (hijack_stdio_modeflags(mode, &flags) == -1)
		return NULL;
	return hijack_stdio_open(fd, mode);
}

/* Reopening onto or from a kernel file is not done (ENOTSUP). */
FILE *freopen(const char *path, const char *mode, FILE *fp)
{
	const char *kp;

	if (HIJACK_BYPASS() ||
	    ((path == NULL || hijack_route_path(path, &kp) == HIJACK_HOST) &&
	     hijack_kfd(fileno(fp)) < 0))
		return HOST(freopen)(path, mode, fp);
	errno = ENOTSUP;
	return NULL;
}
HIJACK_ALIAS(freopen64, freopen);

/* the streams this file put in the std slots, which need no change */
static FILE *hijack_stdfp[3];

/*
 * std stream `fd` on the kernel descriptor of that number.  What the old
 * stream held for output is moved over (it would have been written to
 * the new descriptor); one holding unread input is left alone.
 */
void hijack_stdio_adopt(int fd)
{
	FILE **slot, *old, *fp;
	size_t pend;

	if (fd < 0 || fd > 2 || !hijack_ready() || hijack_bypass != 0)
		return;
	slot = fd == 0 ? &stdin : fd == 1 ? &stdout : &stderr;
	old = *slot;
	if (old == NULL || old == hijack_stdfp[fd] || old->_fileno != fd ||
	    (fd == 0 && old->_IO_read_ptr != old->_IO_read_end))
		return;
	fp = hijack_stdio_open(fd, fd == 0 ? "r" : "w");
	if (fp == NULL)
		return;
	if (fd == 2)
		setvbuf(fp, NULL, _IONBF, 0);
	pend = fd == 0 ? 0 : __fpending(old);
	if (pend > 0)
		fwrite(old->_IO_write_base, 1, pend, fp);
	__fpurge(old);
	hijack_stdfp[fd] = fp;
	*slot = fp;
}

void hijack_stdio_fixstd(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (hijack_kfd(fd) >= 0)
			hijack_stdio_adopt(fd);
}
