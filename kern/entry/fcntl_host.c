/*
 * fcntl_host.c -- rump_sys_fcntl(), the custom entry point of fcntl (see
 * sys/syscalls.master): the type of its third argument depends on the
 * command, so it cannot be generated.  The command is translated to
 * RUMP_F_*; an int argument travels in the argument slot as a 64-bit
 * integer (descriptor flags and status flags translated), a struct flock
 * as a kernel-layout copy.  Results that carry flags are translated back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>

#include <rump/rump_syscalls.h>
#include <rump/rumphost.h>
#include <rump/rumpkern.h>

#include "errno_map.h"
#include "sysargs_host.h"

/* The kernel's argument for cmd, read from ap; 0 or a host errno. */
static int fcntl_arg(int cmd, va_list ap, struct sys_fcntl_args *args,
		     struct flock **flp, struct rump_flock *kfl)
{
	int64_t k = 0;
	int error = 0;

	switch (cmd) {
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
		*flp = va_arg(ap, struct flock *);
		if (*flp == NULL)
			return 0; /* the kernel says EFAULT */
		error = rumphost_flock_to_kernel(*flp, kfl);
		args->arg = kfl;
		return error;
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		k = va_arg(ap, int);
		break;
	case F_SETFD:
		error = rumphost_fdflags_to_kernel(va_arg(ap, int), &k);
		break;
	case F_SETFL:
		error = rumphost_oflags_to_kernel(va_arg(ap, int), &k);
		break;
	default: /* F_GETFD, F_GETFL: no argument */
		break;
	}
	args->arg_slot_ = (uint64_t)k;
	return error;
}

/* The host's view of the kernel's result for cmd. */
static int fcntl_result(int cmd, int64_t kernel, struct flock *fl,
			const struct rump_flock *kfl, int *result)
{
	switch (cmd) {
	case F_GETFD:
		return rumphost_fdflags_to_host(kernel, result);
	case F_GETFL:
		return rumphost_oflags_to_host(kernel, result);
	case F_GETLK:
		*result = (int)kernel;
		return rumphost_flock_to_host(kfl, fl);
	default:
		*result = (int)kernel;
		return 0;
	}
}

int rump_sys_fcntl(int fd, int cmd, ...)
{
	struct sys_fcntl_args args = {
		.fd = fd,
		.arg_slot_ = 0,
	};
	struct rump_flock kfl;
	struct flock *fl = NULL;
	int64_t retval[2] = {0, 0};
	int64_t kcmd;
	va_list ap;
	int error, result = -1;

	error = rumphost_fcntlcmd_to_kernel(cmd, &kcmd);
	if (error != 0)
		goto out;
	args.cmd = kcmd;
	va_start(ap, cmd);
	error = fcntl_arg(cmd, ap, &args, &fl, &kfl);
	va_end(ap);
	if (error != 0)
		goto out;
	error = rump_kern_syscall(RUMP_SYS_FCNTL, &args, sizeof(args), retval);
	if (error != 0) {
		error = rumphost_errno_to_host(error);
		goto out;
	}
	error = fcntl_result(cmd, retval[0], fl, &kfl, &result);
out:
	if (error != 0) {
		errno = error;
		return -1;
	}
	return result;
}
