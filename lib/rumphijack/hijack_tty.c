/*
 * hijack_tty.c -- terminal queries on kernel descriptors.  glibc's isatty,
 * ttyname and tcgetattr issue TCGETS inside libc, which on a kernel
 * descriptor's placeholder (an O_PATH descriptor) fails with EBADF; the
 * kernel has no terminals, so a kernel descriptor is answered as what it
 * is, a file, pipe or socket: not a terminal (ENOTTY).
 */
#include "hijack.h"

int isatty(int fd)
{
	if (hijack_kfd(fd) < 0)
		return HOST(isatty)(fd);
	errno = ENOTTY;
	return 0;
}

int tcgetattr(int fd, struct termios *t)
{
	if (hijack_kfd(fd) < 0)
		return HOST(tcgetattr)(fd, t);
	return hijack_fail(ENOTTY);
}

char *ttyname(int fd)
{
	if (hijack_kfd(fd) < 0)
		return HOST(ttyname)(fd);
	errno = ENOTTY;
	return NULL;
}

int ttyname_r(int fd, char *buf, size_t len)
{
	if (hijack_kfd(fd) < 0)
		return HOST(ttyname_r)(fd, buf, len);
	return ENOTTY;
}
