/*
 * init_host.c -- the public boot and process-context calls of <rump/rump.h>
 * that can fail, compiled with the host's headers: each calls the kernel's
 * rump_kern_* counterpart and returns its error in the host's errno
 * numbering.  Flags (RUMP_RFFDG, RUMP_RFCFDG) are the kernel's own and pass
 * unchanged, as in NetBSD.
 */
#include <stdint.h>
#include <sys/types.h>

#include <rump/rump.h>
#include <rump/rumpkern.h>

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
