/*
 * hijack_fd.c -- the descriptor table.  Each kernel descriptor the program
 * holds is shown as a host descriptor number that a placeholder (an O_PATH
 * descriptor of /dev/null) keeps busy, so the host never gives that number
 * to anything else and dup2/F_DUPFD/exec work on it as on any host
 * descriptor; the table maps the number to the kernel's descriptor.  A
 * stray libc-internal call on a placeholder fails with EBADF (O_PATH)
 * instead of reading or writing the host.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "hijack.h"

/* kernel descriptor + 1 for each host number, 0 for host descriptors */
static _Atomic int hijack_fdmap[HIJACK_MAXFD];

int hijack_kfd(int fd)
{
	if (fd < 0 || fd >= HIJACK_MAXFD)
		return -1;
	return atomic_load_explicit(&hijack_fdmap[fd], memory_order_acquire) -
	       1;
}

void hijack_fd_set(int fd, int kfd)
{
	if (fd >= 0 && fd < HIJACK_MAXFD)
		atomic_store_explicit(&hijack_fdmap[fd], kfd + 1,
				      memory_order_release);
}

int hijack_fd_forget(int fd)
{
	if (fd < 0 || fd >= HIJACK_MAXFD)
		return -1;
	return atomic_exchange(&hijack_fdmap[fd], 0) - 1;
}

void hijack_fd_release(int fd)
{
	int kfd = hijack_fd_forget(fd);

	if (kfd >= 0)
		KCALL(rump_sys_close(kfd));
}

int hijack_fd_attach(int kfd, bool cloexec)
{
	int fd, e;

	fd = HOST(open)("/dev/null", O_PATH | (cloexec ? O_CLOEXEC : 0));
	if (fd == -1 || fd >= HIJACK_MAXFD) {
		e = fd == -1 ? errno : EMFILE;
		if (fd != -1)
			HOST(close)(fd);
		KCALL(rump_sys_close(kfd));
		return hijack_fail(e);
	}
	hijack_fd_set(fd, kfd);
	hijack_stdio_adopt(fd);
	return fd;
}

/* "h:k,h:k," for the placeholders that exec keeps (no FD_CLOEXEC). */
char *hijack_fd_export(void)
{
	size_t len = 0, cap = 256;
	char *out = malloc(cap);
	int fd;

	if (out == NULL)
		return NULL;
	out[0] = '\0';
	for (fd = 0; fd < HIJACK_MAXFD; fd++) {
		int kfd = hijack_kfd(fd), flags, n;

		if (kfd < 0)
			continue;
		flags = HOST(fcntl)(fd, F_GETFD);
		if (flags == -1 || (flags & FD_CLOEXEC) != 0) {
			/* the host closes it at exec: so does the kernel */
			hijack_fd_release(fd);
			continue;
		}
		if (len + 32 > cap) {
			char *bigger = realloc(out, cap * 2);

			if (bigger == NULL) {
				free(out);
				return NULL;
			}
			out = bigger;
			cap *= 2;
		}
		n = snprintf(out + len, cap - len, "%d:%d,", fd, kfd);
		len += (size_t)n;
	}
	return out;
}

void hijack_fd_import(const char *list)
{
	const char *p = list;

	while (*p != '\0') {
		char *end;
		long fd = strtol(p, &end, 10), kfd;

		if (*end != ':')
			return;
		kfd = strtol(end + 1, &end, 10);
		if (*end != ',')
			return;
		if (fd >= 0 && fd < HIJACK_MAXFD && kfd >= 0)
			hijack_fd_set((int)fd, (int)kfd);
		p = end + 1;
	}
}
