/*
 * backend_host.c -- the host oracle's front end: every operation of
 * struct fsops is the host libc's own call, so the suite runs against the
 * Linux kernel itself and shows what Linux really does.  Becoming a user
 * changes the real and effective ids while keeping saved-set ids 0 (so
 * that become_root can change them back); another process is fork().
 * Linux only (mount, fallocate, getdents64).
 */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend_host.h"

static int host_get_errno(void)
{
	return errno;
}

static void host_set_errno(int error)
{
	errno = error;
}

static int host_become_user(uid_t uid, gid_t gid, size_t ngroups,
			    const gid_t *groups)
{
	if (setgroups(ngroups, groups) != 0 || setresgid(gid, gid, 0) != 0 ||
	    setresuid(uid, uid, 0) != 0) {
		int error = errno;

		setresuid(0, 0, 0);
		setresgid(0, 0, 0);
		setgroups(0, NULL);
		return error;
	}
	return 0;
}

/* The saved-set uid 0 allows going back; with euid 0 the capabilities
 * are back, which the gid and group changes need. */
static void host_become_root(void)
{
	if (setresuid(0, 0, 0) != 0 || setresgid(0, 0, 0) != 0 ||
	    setgroups(0, NULL) != 0)
		abort();
}

static int host_other_process(int (*fn)(const struct fsops *, void *),
			      void *arg, size_t size)
{
	size_t len = size > 0 ? size : 1;
	void *shared;
	pid_t pid;
	int status, result;

	shared = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return 255;
	memcpy(shared, arg, size);
	pid = fork();
	if (pid == 0)
		_exit(fn(&host_fsops, shared) & 0xff);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		result = 255;
	else
		result = WEXITSTATUS(status);
	memcpy(arg, shared, size);
	munmap(shared, len);
	return result;
}

static int host_setgroups(size_t n, const gid_t *groups)
{
	return setgroups(n, groups);
}

static ssize_t host_getdents64(int fd, void *buf, size_t n)
{
	return getdents64(fd, buf, n);
}

/* Filled in by host_fsops_init: name, scratch, caps. */
struct fsops host_fsops = {
	.max_fds = HOST_MAX_FDS,
	.get_errno = host_get_errno,
	.set_errno = host_set_errno,
	.become_user = host_become_user,
	.become_root = host_become_root,
	.other_process = host_other_process,

	.open = open,
	.openat = openat,
	.creat = creat,
	.close = close,
	.read = read,
	.write = write,
	.pread = pread,
	.pwrite = pwrite,
	.readv = readv,
	.writev = writev,
	.preadv = preadv,
	.pwritev = pwritev,
	.lseek = lseek,
	.dup = dup,
	.dup2 = dup2,
	.dup3 = dup3,
	.fcntl = fcntl,
	.ioctl = ioctl,
	.flock = flock,
	.pipe = pipe,
	.pipe2 = pipe2,
	.poll = poll,
	.select = select,
	.fsync = fsync,
	.fdatasync = fdatasync,
	.sync = sync,
	.ftruncate = ftruncate,
	.truncate = truncate,
	.fallocate = fallocate,
	.posix_fallocate = posix_fallocate,

	.stat = stat,
	.fstat = fstat,
	.lstat = lstat,
	.fstatat = fstatat,
	.access = access,
	.faccessat = faccessat,
	.chmod = chmod,
	.fchmod = fchmod,
	.fchmodat = fchmodat,
	.chown = chown,
	.fchown = fchown,
	.lchown = lchown,
	.fchownat = fchownat,
	.utimes = utimes,
	.futimes = futimes,
	.utimensat = utimensat,
	.futimens = futimens,
	.statvfs = statvfs,
	.fstatvfs = fstatvfs,
	.umask = umask,

	.mkdir = mkdir,
	.mkdirat = mkdirat,
	.rmdir = rmdir,
	.unlink = unlink,
	.unlinkat = unlinkat,
	.rename = rename,
	.renameat = renameat,
	.link = link,
	.linkat = linkat,
	.symlink = symlink,
	.symlinkat = symlinkat,
	.readlink = readlink,
	.readlinkat = readlinkat,
	.mknod = mknod,
	.mkfifo = mkfifo,
	.getdents64 = host_getdents64,
	.getdents = NULL, /* Linux's getdents has another record layout */

	.chdir = chdir,
	.fchdir = fchdir,
	.getcwd = getcwd,
	.chroot = chroot,

	.mount = mount,
	.umount2 = umount2,

	.getpid = getpid,
	.geteuid = geteuid,
	.getegid = getegid,
	.setuid = setuid,
	.seteuid = seteuid,
	.setgid = setgid,
	.setgroups = host_setgroups,
};
