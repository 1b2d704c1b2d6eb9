/*
 * hijack_stat.c -- the stat family under every name glibc binaries use:
 * stat/lstat/fstatat (and their 64 names), statx (built from the kernel's
 * stat: no birth time, so STATX_BTIME is never in stx_mask), the old
 * __xstat entry points, statfs/statvfs (statfs's f_type is 0, the kernel
 * has no Linux magic numbers), pathconf, and the extended attribute calls,
 * which kernel files do not have (ENOTSUP, as for a file system without).
 */
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "hijack.h"

static int hijack_fstatat_kernel(int kd, const char *kp, struct stat *st,
				 int flags)
{
	if ((flags & AT_EMPTY_PATH) != 0 && kp != NULL && kp[0] == '\0' &&
	    kd != AT_FDCWD)
		return KCALL(rump_sys_fstat(kd, st));
	return KCALL(rump_sys_fstatat(kd, kp, st, flags & ~AT_NO_AUTOMOUNT));
}

int hijack_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	const char *kp;
	int kd;

	if (HIJACK_BYPASS() ||
	    hijack_route_at(dirfd, path, &kd, &kp) == HIJACK_HOST)
		return HOST(fstatat)(dirfd, path, st, flags);
	return hijack_fstatat_kernel(kd, kp, st, flags);
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	return hijack_fstatat(dirfd, path, st, flags);
}
HIJACK_ALIAS(fstatat64, fstatat);
HIJACK_ALIAS(newfstatat, fstatat);

int stat(const char *path, struct stat *st)
{
	return hijack_fstatat(AT_FDCWD, path, st, 0);
}
HIJACK_ALIAS(stat64, stat);

int lstat(const char *path, struct stat *st)
{
	return hijack_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}
HIJACK_ALIAS(lstat64, lstat);

/* glibc before 2.33 linked stat calls to these; struct stat is version 1 */
int __xstat(int ver, const char *path, struct stat *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __fxstat(int ver, int fd, struct stat *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st,
	       int flags);
int __xstat(int ver, const char *path, struct stat *st)
{
	return hijack_fstatat(AT_FDCWD, path, st, 0);
}
int __lxstat(int ver, const char *path, struct stat *st)
{
	return hijack_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}
int __fxstat(int ver, int fd, struct stat *st)
{
	return hijack_fstat(fd, st);
}
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags)
{
	return hijack_fstatat(dirfd, path, st, flags);
}
HIJACK_ALIAS(__xstat64, __xstat);
HIJACK_ALIAS(__lxstat64, __lxstat);
HIJACK_ALIAS(__fxstat64, __fxstat);
HIJACK_ALIAS(__fxstatat64, __fxstatat);

static void hijack_stat_to_statx(const struct stat *st, struct statx *stx)
{
	memset(stx, 0, sizeof(*stx));
	stx->stx_mask = STATX_BASIC_STATS;
	stx->stx_blksize = (uint32_t)st->st_blksize;
	stx->stx_nlink = (uint32_t)st->st_nlink;
	stx->stx_uid = st->st_uid;
	stx->stx_gid = st->st_gid;
	stx->stx_mode = (uint16_t)st->st_mode;
	stx->stx_ino = st->st_ino;
	stx->stx_size = (uint64_t)st->st_size;
	stx->stx_blocks = (uint64_t)st->st_blocks;
	stx->stx_atime.tv_sec = st->st_atim.tv_sec;
	stx->stx_atime.tv_nsec = (uint32_t)st->st_atim.tv_nsec;
	stx->stx_mtime.tv_sec = st->st_mtim.tv_sec;
	stx->stx_mtime.tv_nsec = (uint32_t)st->st_mtim.tv_nsec;
	stx->stx_ctime.tv_sec = st->st_ctim.tv_sec;
	stx->stx_ctime.tv_nsec = (uint32_t)st->st_ctim.tv_nsec;
	stx->stx_rdev_major = major(st->st_rdev);
	stx->stx_rdev_minor = minor(st->st_rdev);
	stx->stx_dev_major = major(st->st_dev);
	stx->stx_dev_minor = minor(st->st_dev);
}

int statx(int dirfd, const char *path, int flags, unsigned int mask,
	  struct statx *stx)
{
	struct stat st;
	const char *kp;
	int kd;

	if (HIJACK_BYPASS() ||
	    hijack_route_at(dirfd, path, &kd, &kp) == HIJACK_HOST)
		return HOST(statx)(dirfd, path, flags, mask, stx);
	if ((mask & STATX__RESERVED) != 0)
		return hijack_fail(EINVAL);
	flags &= ~(AT_STATX_SYNC_TYPE | AT_NO_AUTOMOUNT);
	if (hijack_fstatat_kernel(kd, kp, &st, flags) == -1)
		return -1;
	hijack_stat_to_statx(&st, stx);
	return 0;
}

void hijack_statvfs_to_statfs(const struct statvfs *sv, struct statfs *sf)
{
	memset(sf, 0, sizeof(*sf));
	sf->f_type = 0;
	sf->f_bsize = (__fsword_t)sv->f_bsize;
	sf->f_frsize = (__fsword_t)sv->f_frsize;
	sf->f_blocks = sv->f_blocks;
	sf->f_bfree = sv->f_bfree;
	sf->f_bavail = sv->f_bavail;
	sf->f_files = sv->f_files;
	sf->f_ffree = sv->f_ffree;
	memcpy(&sf->f_fsid, &sv->f_fsid,
	       sizeof(sf->f_fsid) < sizeof(sv->f_fsid) ? sizeof(sf->f_fsid)
						       : sizeof(sv->f_fsid));
	sf->f_namelen = (__fsword_t)sv->f_namemax;
	sf->f_flags = (__fsword_t)sv->f_flag;
}

int statvfs(const char *path, struct statvfs *sv)
{
	const char *kp;

	if (HIJACK_BYPASS() || hijack_route_path(path, &kp) == HIJACK_HOST)
		return HOST(statvfs)(path, sv);
	return KCALL(rump_sys_statvfs(kp, sv));
}
HIJACK_ALIAS(statvfs64, statvfs);

int statfs(const char *path, struct statfs *sf)
{
	struct statvfs sv;
	const char *kp;

	if (HIJACK_BYPASS() || hijack_route_path(path, &kp) == HIJACK_HOST)
		return HOST(statfs)(path, sf);
	if (KCALL(rump_sys_statvfs(kp, &sv)) == -1)
		return -1;
	hijack_statvfs_to_statfs(&sv, sf);
	return 0;
}
HIJACK_ALIAS(statfs64, statfs);

/* POSIX limits of the kernel's file systems (names of 255 bytes). */
static long hijack_pathconf_kernel(int name)
{
	switch (name) {
	case _PC_LINK_MAX:
		return 32000;
	case _PC_NAME_MAX:
		return 255;
	case _PC_PATH_MAX:
		return 1024;
	case _PC_PIPE_BUF:
		return 4096;
	case _PC_CHOWN_RESTRICTED:
	case _PC_NO_TRUNC:
		return 1;
	case _PC_FILESIZEBITS:
		return 64;
	case _PC_MAX_CANON:
	case _PC_MAX_INPUT:
		return 255;
	case _PC_VDISABLE:
		return 0;
	case _PC_SYMLINK_MAX:
	case _PC_SYNC_IO:
	case _PC_ASYNC_IO:
	case _PC_PRIO_IO:
	case _PC_REC_INCR_XFER_SIZE:
	case _PC_REC_MAX_XFER_SIZE:
	case _PC_REC_MIN_XFER_SIZE:
	case _PC_REC_XFER_ALIGN:
	case _PC_ALLOC_SIZE_MIN:
	case _PC_2_SYMLINKS:
		return -1; /* no limit or no information, errno unchanged */
	default:
		return hijack_fail(EINVAL);
	}
}

long pathconf(const char *path, int name)
{
	struct stat st;
	const char *kp;

	if (HIJACK_BYPASS() || hijack_route_path(path, &kp) == HIJACK_HOST)
		return HOST(pathconf)(path, name);
	if (KCALL(rump_sys_stat(kp, &st)) == -1)
		return -1;
	return hijack_pathconf_kernel(name);
}

long fpathconf(int fd, int name)
{
	if (hijack_kfd(fd) < 0)
		return HOST(fpathconf)(fd, name);
	return hijack_pathconf_kernel(name);
}

/* A kernel path or descriptor: no extended attributes (ENOTSUP). */
#define HIJACK_XATTR_PATH(name, path, ...)                                     \
	const char *kp_;                                                       \
	if (HIJACK_BYPASS() || hijack_route_path(path, &kp_) == HIJACK_HOST)   \
		return HOST(name)(path, __VA_ARGS__);                          \
	return hijack_fail(ENOTSUP);
#define HIJACK_XATTR_FD(name, fd, ...)                                         \
	if (hijack_kfd(fd) < 0)                                                \
		return HOST(name)(fd, __VA_ARGS__);                            \
	return hijack_fail(ENOTSUP);

ssize_t getxattr(const char *p, const char *n, void *v, size_t s)
{
	HIJACK_XATTR_PATH(getxattr, p, n, v, s);
}
ssize_t lgetxattr(const char *p, const char *n, void *v, size_t s)
{
	HIJACK_XATTR_PATH(lgetxattr, p, n, v, s);
}
ssize_t fgetxattr(int fd, const char *n, void *v, size_t s)
{
	HIJACK_XATTR_FD(fgetxattr, fd, n, v, s);
}
int setxattr(const char *p, const char *n, const void *v, size_t s, int f)
{
	HIJACK_XATTR_PATH(setxattr, p, n, v, s, f);
}
int lsetxattr(const char *p, const char *n, const void *v, size_t s, int f)
{
	HIJACK_XATTR_PATH(lsetxattr, p, n, v, s, f);
}
int fsetxattr(int fd, const char *n, const void *v, size_t s, int f)
{
	HIJACK_XATTR_FD(fsetxattr, fd, n, v, s, f);
}
ssize_t listxattr(const char *p, char *l, size_t s)
{
	HIJACK_XATTR_PATH(listxattr, p, l, s);
}
ssize_t llistxattr(const char *p, char *l, size_t s)
{
	HIJACK_XATTR_PATH(llistxattr, p, l, s);
}
ssize_t flistxattr(int fd, char *l, size_t s)
{
	HIJACK_XATTR_FD(flistxattr, fd, l, s);
}
int removexattr(const char *p, const char *n)
{
	HIJACK_XATTR_PATH(removexattr, p, n);
}
int lremovexattr(const char *p, const char *n)
{
	HIJACK_XATTR_PATH(lremovexattr, p, n);
}
int fremovexattr(int fd, const char *n)
{
	HIJACK_XATTR_FD(fremovexattr, fd, n);
}
