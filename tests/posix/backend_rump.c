/*
 * backend_rump.c -- the rump kernel's front end for the POSIX suite:
 * every operation is the rump_sys_* call of the same name (they take the
 * host's constants and structures and set the host's errno, so they have
 * libc's signatures).  Becoming a user is a child process made with
 * rump_pub_lwproc_rfork (descriptors copied) that sets its ids; another
 * process is an rforked child with a clean descriptor table, run on the
 * same host thread.  The caller has booted the kernel.
 *
 * getdents has NetBSD's prototype (char buffer, int result) but fills
 * the same Linux dirent64 records as getdents64; a wrapper adapts it.
 */
#include <errno.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>

#include "fsops.h"

/* The lwp that was current before become_user (NULL: process 1). */
static struct lwp *rump_backend_parent;
static const struct fsops rump_fsops;

static ssize_t rump_backend_getdents(int fd, void *buf, size_t n)
{
	return rump_sys_getdents(fd, buf, n);
}

static int rump_backend_get_errno(void)
{
	return errno;
}

static void rump_backend_set_errno(int error)
{
	errno = error;
}

static int rump_backend_become_user(uid_t uid, gid_t gid, size_t ngroups,
				    const gid_t *groups)
{
	struct lwp *parent = rump_pub_lwproc_curlwp();
	int error;

	error = rump_pub_lwproc_rfork(RUMP_RFFDG);
	if (error != 0)
		return error;
	if (rump_sys_setgroups(ngroups, groups) != 0 ||
	    rump_sys_setgid(gid) != 0 || rump_sys_setuid(uid) != 0) {
		error = errno;
		rump_pub_lwproc_releaselwp();
		rump_pub_lwproc_switch(parent);
		return error;
	}
	rump_backend_parent = parent;
	return 0;
}

/* The user's process ends; its descriptors (copies) go with it. */
static void rump_backend_become_root(void)
{
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(rump_backend_parent);
	rump_backend_parent = NULL;
}

static int rump_backend_other(int (*fn)(const struct fsops *, void *),
			      void *arg, size_t size)
{
	struct lwp *parent = rump_pub_lwproc_curlwp();
	int result;

	(void)size; /* same address space: arg is shared already */
	if (rump_pub_lwproc_rfork(RUMP_RFCFDG) != 0)
		return 255;
	result = fn(&rump_fsops, arg) & 0xff;
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(parent);
	return result;
}

/* Name, scratch directory and capabilities are set per file system. */
static const struct fsops rump_fsops = {
	.max_fds = 1024, /* the kernel's OPEN_MAX */
	.get_errno = rump_backend_get_errno,
	.set_errno = rump_backend_set_errno,
	.become_user = rump_backend_become_user,
	.become_root = rump_backend_become_root,
	.other_process = rump_backend_other,

	.open = rump_sys_open,
	.openat = rump_sys_openat,
	.creat = rump_sys_creat,
	.close = rump_sys_close,
	.read = rump_sys_read,
	.write = rump_sys_write,
	.pread = rump_sys_pread,
	.pwrite = rump_sys_pwrite,
	.readv = rump_sys_readv,
	.writev = rump_sys_writev,
	.preadv = rump_sys_preadv,
	.pwritev = rump_sys_pwritev,
	.lseek = rump_sys_lseek,
	.dup = rump_sys_dup,
	.dup2 = rump_sys_dup2,
	.dup3 = rump_sys_dup3,
	.fcntl = rump_sys_fcntl,
	.ioctl = rump_sys_ioctl,
	.flock = rump_sys_flock,
	.pipe = rump_sys_pipe,
	.pipe2 = rump_sys_pipe2,
	.poll = rump_sys_poll,
	.select = rump_sys_select,
	.fsync = rump_sys_fsync,
	.fdatasync = rump_sys_fdatasync,
	.sync = rump_sys_sync,
	.ftruncate = rump_sys_ftruncate,
	.truncate = rump_sys_truncate,
	.fallocate = rump_sys_fallocate,
	.posix_fallocate = rump_sys_posix_fallocate,

	.stat = rump_sys_stat,
	.fstat = rump_sys_fstat,
	.lstat = rump_sys_lstat,
	.fstatat = rump_sys_fstatat,
	.access = rump_sys_access,
	.faccessat = rump_sys_faccessat,
	.chmod = rump_sys_chmod,
	.fchmod = rump_sys_fchmod,
	.fchmodat = rump_sys_fchmodat,
	.chown = rump_sys_chown,
	.fchown = rump_sys_fchown,
	.lchown = rump_sys_lchown,
	.fchownat = rump_sys_fchownat,
	.utimes = rump_sys_utimes,
	.futimes = rump_sys_futimes,
	.utimensat = rump_sys_utimensat,
	.futimens = rump_sys_futimens,
	.statvfs = rump_sys_statvfs,
	.fstatvfs = rump_sys_fstatvfs,
	.umask = rump_sys_umask,

	.mkdir = rump_sys_mkdir,
	.mkdirat = rump_sys_mkdirat,
	.rmdir = rump_sys_rmdir,
	.unlink = rump_sys_unlink,
	.unlinkat = rump_sys_unlinkat,
	.rename = rump_sys_rename,
	.renameat = rump_sys_renameat,
	.link = rump_sys_link,
	.linkat = rump_sys_linkat,
	.symlink = rump_sys_symlink,
	.symlinkat = rump_sys_symlinkat,
	.readlink = rump_sys_readlink,
	.readlinkat = rump_sys_readlinkat,
	.mknod = rump_sys_mknod,
	.mkfifo = rump_sys_mkfifo,
	.getdents64 = rump_sys_getdents64,
	.getdents = rump_backend_getdents,

	.chdir = rump_sys_chdir,
	.fchdir = rump_sys_fchdir,
	.getcwd = rump_sys_getcwd,
	.chroot = rump_sys_chroot,

	.mount = rump_sys_mount,
	.umount2 = rump_sys_umount2,

	.getpid = rump_sys_getpid,
	.geteuid = rump_sys_geteuid,
	.getegid = rump_sys_getegid,
	.setuid = rump_sys_setuid,
	.seteuid = rump_sys_seteuid,
	.setgid = rump_sys_setgid,
	.setgroups = rump_sys_setgroups,
};
