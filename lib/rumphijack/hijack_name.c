/*
 * hijack_name.c -- calls that name a file: the *at calls and their older
 * forms (mkdir is mkdirat at AT_FDCWD, and so on), with the routing of
 * hijack_path.c.  A call naming two files (rename, link) on two sides
 * fails with EXDEV, which is what programs expect of two file systems.
 * The stat family, statx and statfs are in hijack_stat.c.
 */
#include <sys/time.h>
#include <utime.h>

#include "hijack.h"

/* host call when (dirfd, path) is the host's; sets kd_ and kp_ otherwise */
#define HIJACK_ATCALL(dirfd, path, hostexpr)                                   \
	const char *kp_;                                                       \
	int kd_;                                                               \
	if (HIJACK_BYPASS() ||                                                 \
	    hijack_route_at(dirfd, path, &kd_, &kp_) == HIJACK_HOST)           \
		return hostexpr;

/* the host's *at functions, looked up once here (not used elsewhere) */

int faccessat(int dirfd, const char *path, int mode, int flags)
{
	HIJACK_ATCALL(dirfd, path, HOST(faccessat)(dirfd, path, mode, flags));
	return KCALL(rump_sys_faccessat(kd_, kp_, mode, flags));
}

int access(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, 0);
}

int eaccess(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, AT_EACCESS);
}
HIJACK_ALIAS(euidaccess, eaccess);

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	HIJACK_ATCALL(dirfd, path, HOST(mkdirat)(dirfd, path, mode));
	return KCALL(rump_sys_mkdirat(kd_, kp_, mode));
}

int mkdir(const char *path, mode_t mode)
{
	return mkdirat(AT_FDCWD, path, mode);
}

int unlinkat(int dirfd, const char *path, int flags)
{
	HIJACK_ATCALL(dirfd, path, HOST(unlinkat)(dirfd, path, flags));
	return KCALL(rump_sys_unlinkat(kd_, kp_, flags));
}

int unlink(const char *path)
{
	return unlinkat(AT_FDCWD, path, 0);
}

int rmdir(const char *path)
{
	return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

int mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	HIJACK_ATCALL(dirfd, path, HOST(mknodat)(dirfd, path, mode, dev));
	/* the kernel has no mknodat: relative to a directory fd is refused */
	if (kd_ != AT_FDCWD)
		return hijack_fail(ENOTSUP);
	if (S_ISFIFO(mode))
		return KCALL(rump_sys_mkfifo(kp_, mode & 07777));
	return KCALL(rump_sys_mknod(kp_, mode, dev));
}

int mknod(const char *path, mode_t mode, dev_t dev)
{
	return mknodat(AT_FDCWD, path, mode, dev);
}

int mkfifoat(int dirfd, const char *path, mode_t mode)
{
	return mknodat(dirfd, path, (mode & 07777) | S_IFIFO, 0);
}

int mkfifo(const char *path, mode_t mode)
{
	return mkfifoat(AT_FDCWD, path, mode);
}

/*
 * Two names: both on one side, or EXDEV.  For the kernel, *kd and *kp
 * are filled for both names.
 */
static int hijack_route_two(int d1, const char *p1, int d2, const char *p2,
			    int kd[2], const char *kp[2])
{
	enum hijack_route r1, r2;

	if (HIJACK_BYPASS())
		return HIJACK_HOST;
	r1 = hijack_route_at(d1, p1, &kd[0], &kp[0]);
	r2 = hijack_route_at(d2, p2, &kd[1], &kp[1]);
	if (r1 != r2)
		return -1;
	return r1;
}

int renameat2(int d1, const char *p1, int d2, const char *p2, unsigned fl)
{
	const char *kp[2];
	int kd[2], r = hijack_route_two(d1, p1, d2, p2, kd, kp);

	if (r == HIJACK_HOST)
		return HOST(renameat2)(d1, p1, d2, p2, fl);
	if (r == -1)
		return hijack_fail(EXDEV);
	if (fl != 0)
		return hijack_fail(EINVAL); /* the kernel has plain rename */
	return KCALL(rump_sys_renameat(kd[0], kp[0], kd[1], kp[1]));
}

int renameat(int d1, const char *p1, int d2, const char *p2)
{
	const char *kp[2];
	int kd[2], r = hijack_route_two(d1, p1, d2, p2, kd, kp);

	if (r == HIJACK_HOST)
		return HOST(renameat)(d1, p1, d2, p2);
	if (r == -1)
		return hijack_fail(EXDEV);
	return KCALL(rump_sys_renameat(kd[0], kp[0], kd[1], kp[1]));
}

int rename(const char *from, const char *to)
{
	return renameat(AT_FDCWD, from, AT_FDCWD, to);
}

int linkat(int d1, const char *p1, int d2, const char *p2, int flags)
{
	const char *kp[2];
	int kd[2], r = hijack_route_two(d1, p1, d2, p2, kd, kp);

	if (r == HIJACK_HOST)
		return HOST(linkat)(d1, p1, d2, p2, flags);
	if (r == -1)
		return hijack_fail(EXDEV);
	return KCALL(rump_sys_linkat(kd[0], kp[0], kd[1], kp[1], flags));
}

int link(const char *from, const char *to)
{
	return linkat(AT_FDCWD, from, AT_FDCWD, to, 0);
}

/* The target is text stored in the link, kept as the program wrote it. */
int symlinkat(const char *target, int dirfd, const char *path)
{
	HIJACK_ATCALL(dirfd, path, HOST(symlinkat)(target, dirfd, path));
	return KCALL(rump_sys_symlinkat(target, kd_, kp_));
}

int symlink(const char *target, const char *path)
{
	return symlinkat(target, AT_FDCWD, path);
}

ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
	HIJACK_ATCALL(dirfd, path, HOST(readlinkat)(dirfd, path, buf, len));
	return KCALL(rump_sys_readlinkat(kd_, kp_, buf, len));
}

ssize_t readlink(const char *path, char *buf, size_t len)
{
	return readlinkat(AT_FDCWD, path, buf, len);
}

int fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	HIJACK_ATCALL(dirfd, path, HOST(fchmodat)(dirfd, path, mode, flags));
	return KCALL(rump_sys_fchmodat(kd_, kp_, mode, flags));
}

int chmod(const char *path, mode_t mode)
{
	return fchmodat(AT_FDCWD, path, mode, 0);
}

int lchmod(const char *path, mode_t mode)
{
	return fchmodat(AT_FDCWD, path, mode, AT_SYMLINK_NOFOLLOW);
}

int fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
	HIJACK_ATCALL(dirfd, path,
		      HOST(fchownat)(dirfd, path, uid, gid, flags));
	return KCALL(rump_sys_fchownat(kd_, kp_, uid, gid, flags));
}

int chown(const char *path, uid_t uid, gid_t gid)
{
	return fchownat(AT_FDCWD, path, uid, gid, 0);
}

int lchown(const char *path, uid_t uid, gid_t gid)
{
	return fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

int utimensat(int dirfd, const char *path, const struct timespec ts[2],
	      int flags)
{
	const char *p = path;

	/* glibc declares path nonnull, but Linux takes NULL (futimesat) */
	__asm__("" : "+r"(p));
	HIJACK_ATCALL(dirfd, p, HOST(utimensat)(dirfd, p, ts, flags));
	if (p == NULL)
		return KCALL(rump_sys_futimens(kd_, ts));
	return KCALL(rump_sys_utimensat(kd_, kp_, ts, flags));
}

static int hijack_utimes_at(int dirfd, const char *path,
			    const struct timeval tv[2], int flags)
{
	struct timespec ts[2];

	if (tv == NULL)
		return utimensat(dirfd, path, NULL, flags);
	ts[0].tv_sec = tv[0].tv_sec;
	ts[0].tv_nsec = tv[0].tv_usec * 1000;
	ts[1].tv_sec = tv[1].tv_sec;
	ts[1].tv_nsec = tv[1].tv_usec * 1000;
	if (tv[0].tv_usec < 0 || tv[0].tv_usec >= 1000000 ||
	    tv[1].tv_usec < 0 || tv[1].tv_usec >= 1000000)
		return hijack_fail(EINVAL);
	return utimensat(dirfd, path, ts, flags);
}

int utimes(const char *path, const struct timeval tv[2])
{
	return hijack_utimes_at(AT_FDCWD, path, tv, 0);
}

int lutimes(const char *path, const struct timeval tv[2])
{
	return hijack_utimes_at(AT_FDCWD, path, tv, AT_SYMLINK_NOFOLLOW);
}

int futimesat(int dirfd, const char *path, const struct timeval tv[2])
{
	return hijack_utimes_at(dirfd, path, tv, 0);
}

int utime(const char *path, const struct utimbuf *ub)
{
	struct timeval tv[2];

	if (ub == NULL)
		return hijack_utimes_at(AT_FDCWD, path, NULL, 0);
	tv[0].tv_sec = ub->actime;
	tv[0].tv_usec = 0;
	tv[1].tv_sec = ub->modtime;
	tv[1].tv_usec = 0;
	return hijack_utimes_at(AT_FDCWD, path, tv, 0);
}

int truncate(const char *path, off_t len)
{
	const char *kp;

	if (HIJACK_BYPASS() || hijack_route_path(path, &kp) == HIJACK_HOST)
		return HOST(truncate)(path, len);
	return KCALL(rump_sys_truncate(kp, len));
}
HIJACK_ALIAS(truncate64, truncate);
