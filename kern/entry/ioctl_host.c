/*
 * ioctl_host.c -- rump_sys_ioctl(), the custom entry point of ioctl (see
 * sys/syscalls.master).  Linux and NetBSD encode requests differently, so
 * each supported request is translated by name (FIONREAD, FIONBIO, whose
 * argument is a pointer to an int on both sides and passes as it is); any
 * other request fails with ENOTTY without reaching the kernel.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>

#include <rump/rump_syscalls.h>
#include <rump/rumphost.h>
#include <rump/rumpkern.h>

#include "errno_map.h"
#include "sysargs_host.h"

int rump_sys_ioctl(int fd, unsigned long request, ...)
{
	struct sys_ioctl_args args = {
		.fd = fd,
	};
	int64_t retval[2] = {0, 0};
	uint64_t krequest;
	va_list ap;
	int error;

	error = rumphost_ioctl_to_kernel(request, &krequest);
	if (error != 0) {
		errno = error;
		return -1;
	}
	args.request = krequest;
	va_start(ap, request);
	args.data = va_arg(ap, void *);
	va_end(ap);
	error = rump_kern_syscall(RUMP_SYS_IOCTL, &args, sizeof(args), retval);
	if (error != 0) {
		errno = rumphost_errno_to_host(error);
		return -1;
	}
	return (int)retval[0];
}
