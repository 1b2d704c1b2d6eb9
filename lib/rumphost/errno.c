/*
 * errno.c -- errno translation between the kernel's numbering (NetBSD's,
 * RUMP_E* in <rump/rumpdefs.h>) and the host's, exported for host code
 * outside the tree's build (the remote client, the hijack library,
 * programs), which sees only the installed headers.  Both directions are
 * total: a value with no counterpart becomes EIO.
 */
#include <rump/rumphost.h>

#include "errno_map.h"

int rumphost_errno_host(int kernel_errno)
{
	return rumphost_errno_to_host(kernel_errno);
}

int rumphost_errno_kernel(int host_errno)
{
	return rumphost_errno_to_kernel(host_errno);
}
