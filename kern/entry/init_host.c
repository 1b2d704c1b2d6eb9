/*
 * init_host.c -- the public boot and process-context calls of <rump/rump.h>
 * that can fail, compiled with the host's headers: each calls the kernel's
 * rump_kern_* counterpart and returns its error in the host's errno
 * numbering.  Flags (RUMP_RFFDG, RUMP_RFCFDG) are the kernel's own and pass
 * unchanged, as in NetBSD.  rump_init_server() boots and serves the
 * kernel through the host's remote-syscall transport (docs/remote.md).
 */
#include <stdint.h>
#include <sys/types.h>

#include <rump/rump.h>
#include <rump/rumpkern.h>
#include <rump/rumpuser.h>

#include "errno_map.h"

_Static_assert(sizeof(pid_t) == sizeof(int32_t) && (pid_t)-1 < 0,
	       "host pid_t: the kernel's is 32-bit signed");

int rump_init(void)
{
	return rumphost_errno_to_host(rump_kern_init());
}

int rump_pub_lwproc_rfork(int flags)
{
	return rumphost_errno_to_host(rump_kern_lwproc_rfork(flags));
}

int rump_pub_lwproc_newlwp(pid_t pid)
{
	return rumphost_errno_to_host(rump_kern_lwproc_newlwp(pid));
}

int rump_init_server_flags(const char *url, int flags)
{
	int error;

	if (url == NULL || (flags & ~RUMP_SERVER_ANYADDR) != 0)
		return rumphost_errno_to_host(RUMP_EINVAL);
	if ((error = rump_kern_init()) != 0)
		return rumphost_errno_to_host(error);
	return rumphost_errno_to_host(rumpuser_sp_init(
		url, flags & RUMP_SERVER_ANYADDR ? RUMPUSER_SP_ANYADDR : 0));
}

int rump_init_server(const char *url)
{
	return rump_init_server_flags(url, 0);
}
