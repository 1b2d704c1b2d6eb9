/*
 * getcwd_host.c -- rump_sys_getcwd(), the custom entry point of getcwd (see
 * sys/syscalls.master).  The kernel's handler returns the length of the
 * path with its NUL; this returns buf, or NULL and errno, as glibc's
 * getcwd does, including glibc's extension: with buf NULL it allocates the
 * buffer (size bytes, or as many as the path needs when size is 0), which
 * the caller frees.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>
#include <rump/rumphost.h>
#include <rump/rumpkern.h>

#include "errno_map.h"
#include "sysargs_host.h"

static int getcwd_kernel(char *buf, size_t size, int64_t *lenp)
{
	struct sys_getcwd_args args = {
		.buf = buf,
		.size = size,
	};
	int64_t retval[2] = {0, 0};
	int error;

	error = rump_kern_syscall(RUMP_SYS_GETCWD, &args, sizeof(args), retval);
	*lenp = retval[0];
	return rumphost_errno_to_host(error);
}

char *rump_sys_getcwd(char *buf, size_t size)
{
	size_t want = size != 0 ? size : RUMP_PATH_MAX;
	char *mine, *shrunk;
	int64_t len;
	int error;

	if (buf != NULL) {
		error = getcwd_kernel(buf, size, &len);
		if (error != 0) {
			errno = error;
			return NULL;
		}
		return buf;
	}
	mine = malloc(want);
	if (mine == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	error = getcwd_kernel(mine, want, &len);
	if (error != 0) {
		free(mine);
		errno = error;
		return NULL;
	}
	if (size == 0 && len > 0 && (shrunk = realloc(mine, (size_t)len)))
		mine = shrunk;
	return mine;
}
