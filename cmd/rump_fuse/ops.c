/*
 * ops.c -- the FUSE operations of rump_fuse: each one is the matching
 * rump_sys_* call on the image mounted at FSIMAGE_MNT in the embedded
 * kernel, from libfuse's worker threads (the implicit context of kernel
 * process 1, which runs as root with umask 0).  The host kernel checks
 * permissions (default_permissions) and applies the caller's umask; here
 * a new file is given to the calling user and group afterwards, as Linux
 * would have made it.  Errors are the host's errno values (the kernel's
 * host entry layer translates), returned negated as libfuse wants.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "../common/fsimage.h"
#include "rump_fuse.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

/* Name-creating operations hold it shared; a rename with
 * RENAME_NOREPLACE holds it exclusive across its check and rename, so no
 * name appears in between (the kernel has no renameat2). */
static pthread_rwlock_t ns_lock = PTHREAD_RWLOCK_INITIALIZER;

/* The kernel path of a FUSE path ("/a/b" -> "/image/a/b"). */
struct kpath {
	char p[PATH_MAX + sizeof(FSIMAGE_MNT)];
};

static int kp(struct kpath *k, const char *path)
{
	if (path == NULL)
		return -ENOENT;
	if (snprintf(k->p, sizeof(k->p), "%s%s", FSIMAGE_MNT, path) >=
	    (int)sizeof(k->p))
		return -ENAMETOOLONG;
	return 0;
}

static bool in_groups(gid_t gid)
{
	struct fuse_context *ctx = fuse_get_context();
	gid_t groups[64];
	int n;

	if (ctx->gid == gid)
		return true;
	n = fuse_getgroups(64, groups);
	for (int i = 0; i < n && i < 64; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/*
 * The kernel made k as root: give it to the caller.  The group is the
 * caller's, or the parent's when the parent is set-group-ID (the kernel
 * already did that); a file of a caller outside that group loses
 * S_ISGID, as Linux's inode_init_owner does.  chown clears set-id bits,
 * so the mode is put back after it.
 */
static int give_owner(const char *k)
{
	struct fuse_context *ctx = fuse_get_context();
	struct kpath parent;
	struct stat st, pst;
	gid_t gid = ctx->gid;
	mode_t want;
	char *slash;

	if (rump_sys_lstat(k, &st) == -1)
		return -errno;
	snprintf(parent.p, sizeof(parent.p), "%s", k);
	slash = strrchr(parent.p, '/');
	if (slash != NULL)
		*slash = '\0';
	if (rump_sys_stat(parent.p, &pst) == -1)
		return -errno;
	if (pst.st_mode & S_ISGID)
		gid = pst.st_gid;
	want = st.st_mode & 07777;
	if (!S_ISDIR(st.st_mode) && (want & S_ISGID) && ctx->uid != 0 &&
	    !in_groups(gid))
		want &= ~S_ISGID;
	if (st.st_uid != ctx->uid || st.st_gid != gid) {
		if (rump_sys_lchown(k, ctx->uid, gid) == -1)
			return -errno;
		if (!S_ISLNK(st.st_mode) && rump_sys_lstat(k, &st) == 0 &&
		    (st.st_mode & 07777) != want &&
		    rump_sys_chmod(k, want) == -1)
			return -errno;
	} else if (want != (st.st_mode & 07777) &&
		   rump_sys_chmod(k, want) == -1) {
		return -errno;
	}
	return 0;
}

/* give_owner, and on failure take the new name away again. */
static int finish_create(const char *k, bool dir)
{
	int error = give_owner(k);

	if (error != 0) {
		if (dir)
			rump_sys_rmdir(k);
		else
			rump_sys_unlink(k);
	}
	return error;
}

static void *rf_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	cfg->use_ino = 1;
	cfg->readdir_ino = 1;
	cfg->hard_remove = 1; /* the kernel keeps unlinked open files */
	cfg->nullpath_ok = 1;
	return NULL;
}

static int rf_getattr(const char *path, struct stat *st,
		      struct fuse_file_info *fi)
{
	struct kpath k;
	int error;

	if (fi != NULL)
		return rump_sys_fstat((int)fi->fh, st) == -1 ? -errno : 0;
	if ((error = kp(&k, path)) != 0)
		return error;
	return rump_sys_lstat(k.p, st) == -1 ? -errno : 0;
}

static int rf_readlink(const char *path, char *buf, size_t size)
{
	struct kpath k;
	ssize_t n;
	int error;

	if ((error = kp(&k, path)) != 0)
		return error;
	if (size == 0)
		return -EINVAL;
	n = rump_sys_readlink(k.p, buf, size - 1);
	if (n == -1)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static int rf_mknod(const char *path, mode_t mode, dev_t rdev)
{
	struct kpath k;
	int error;

	if ((error = kp(&k, path)) != 0)
		return error;
	pthread_rwlock_rdlock(&ns_lock);
	if (rump_sys_mknod(k.p, mode, rdev) == -1)
		error = -errno;
	else
		error = finish_create(k.p, false);
	pthread_rwlock_unlock(&ns_lock);
	return error;
}

static int rf_mkdir(const char *path, mode_t mode)
{
	struct kpath k;
	int error;

	if ((error = kp(&k, path)) != 0)
		return error;
	pthread_rwlock_rdlock(&ns_lock);
	if (rump_sys_mkdir(k.p, mode) == -1)
		error = -errno;
	else
		error = finish_create(k.p, true);
	pthread_rwlock_unlock(&ns_lock);
	return error;
}

static int rf_unlink(const char *path)
{
	struct kpath k;
	int error;

	if ((error = kp(&k, path)) != 0)
		return error;
	return rump_sys_unlink(k.p) == -1 ? -errno : 0;
}

static int rf_rmdir(const char *path)
{
	struct kpath k;
	int error;

	if ((error = kp(&k, path)) != 0)
		return error;
	return rump_sys_rmdir(k.p) == -1 ? -errno : 0;
}

static int rf_symlink(const char *target, const char *path)
{
	struct kpath k;
	int error;

	if ((error = kp(&k, path)) != 0)
		return error;
	pthread_rwlock_rdlock(&ns_lock);
	if (rump_sys_symlink(target, k.p) == -1)
		error = -errno;
	else
		error = finish_create(k.p, false);
	pthread_rwlock_unlock(&ns_lock);
	return error;
}

static int rf_rename(const char *from, const char *to, unsigned int flags)
{
	struct kpath kf, kt;
	struct stat st;
	int error;

	if ((error = kp(&kf, from)) != 0 || (error = kp(&kt, to)) != 0)
		return error;
	/* RENAME_EXCHANGE and RENAME_WHITEOUT need renameat2, which the
	 * kernel lacks: EINVAL, what Linux says for a file system without
	 * them. */
	if ((flags & ~(unsigned)RENAME_NOREPLACE) != 0)
		return -EINVAL;
	if (flags & RENAME_NOREPLACE) {
		pthread_rwlock_wrlock(&ns_lock);
		if (rump_sys_lstat(kt.p, &st) == 0)
			error = -EEXIST;
		else if (errno != ENOENT)
			error = -errno;
	} else {
		pthread_rwlock_rdlock(&ns_lock);
	}
	if (error == 0 && rump_sys_rename(kf.p, kt.p) == -1)
		error = -errno;
	pthread_rwlock_unlock(&ns_lock);
	return error;
}

static int rf_link(const char *from, const char *to)
{
	struct kpath kf, kt;
	int error;

	if ((error = kp(&kf, from)) != 0 || (error = kp(&kt, to)) != 0)
		return error;
	pthread_rwlock_rdlock(&ns_lock);
	error = rump_sys_link(kf.p, kt.p) == -1 ? -errno : 0;
	pthread_rwlock_unlock(&ns_lock);
	return error;
}

static int rf_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	struct kpath k;
	int error;

	if (fi != NULL)
		return rump_sys_fchmod((int)fi->fh, mode) == -1 ? -errno : 0;
	if ((error = kp(&k, path)) != 0)
		return error;
	return rump_sys_chmod(k.p, mode) == -1 ? -errno : 0;
}

static int rf_chown(const char *path, uid_t uid, gid_t gid,
		    struct fuse_file_info *fi)
{
	struct kpath k;
	int error;

	if (fi != NULL)
		return rump_sys_fchown((int)fi->fh, uid, gid) == -1 ? -errno
								    : 0;
	if ((error = kp(&k, path)) != 0)
		return error;
	return rump_sys_lchown(k.p, uid, gid) == -1 ? -errno : 0;
}

static int rf_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	struct kpath k;
	int error;

	if (fi != NULL)
		return rump_sys_ftruncate((int)fi->fh, size) == -1 ? -errno : 0;
	if ((error = kp(&k, path)) != 0)
		return error;
	return rump_sys_truncate(k.p, size) == -1 ? -errno : 0;
}

/* The open(2) flags that reach the kernel: the host kernel already did
 * O_CREAT/O_EXCL/O_NOCTTY, and computes O_APPEND's offsets itself. */
static int open_flags(int flags)
{
	return flags & (O_ACCMODE | O_TRUNC | O_SYNC | O_DSYNC | O_NONBLOCK |
			O_NOATIME);
}

static int rf_open(const char *path, struct fuse_file_info *fi)
{
	struct kpath k;
	int error, fd;

	if ((error = kp(&k, path)) != 0)
		return error;
	fd = rump_sys_open(k.p, open_flags(fi->flags) | O_NOFOLLOW);
	if (fd == -1)
		return -errno;
	fi->fh = (uint64_t)fd;
	return 0;
}

static int rf_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	struct kpath k;
	int error = 0, fd;

	if ((error = kp(&k, path)) != 0)
		return error;
	pthread_rwlock_rdlock(&ns_lock);
	fd = rump_sys_open(k.p, open_flags(fi->flags) | O_CREAT | O_EXCL, mode);
	if (fd != -1) {
		error = finish_create(k.p, false);
		if (error != 0) {
			rump_sys_close(fd);
			fd = -1;
		}
	} else if (errno == EEXIST && !(fi->flags & O_EXCL)) {
		/* Made since the host looked it up: open what is there. */
		fd = rump_sys_open(k.p, open_flags(fi->flags) | O_NOFOLLOW);
		error = fd == -1 ? -errno : 0;
	} else {
		error = -errno;
	}
	pthread_rwlock_unlock(&ns_lock);
	if (fd != -1)
		fi->fh = (uint64_t)fd;
	return error;
}

static int rf_read(const char *path, char *buf, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	size_t done = 0;
	ssize_t n;

	/* A short count is end of file to FUSE: read until full or EOF. */
	while (done < size) {
		n = rump_sys_pread((int)fi->fh, buf + done, size - done,
				   off + (off_t)done);
		if (n == -1)
			return done > 0 ? (int)done : -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (int)done;
}

static int rf_write(const char *path, const char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	size_t done = 0;
	ssize_t n;

	while (done < size) {
		n = rump_sys_pwrite((int)fi->fh, buf + done, size - done,
				    off + (off_t)done);
		if (n == -1)
			return done > 0 ? (int)done : -errno;
		done += (size_t)n;
	}
	return (int)done;
}

static int rf_statfs(const char *path, struct statvfs *sv)
{
	struct kpath k;
	int error;

	if ((error = kp(&k, path != NULL ? path : "/")) != 0)
		return error;
	return rump_sys_statvfs(k.p, sv) == -1 ? -errno : 0;
}

static int rf_release(const char *path, struct fuse_file_info *fi)
{
	return rump_sys_close((int)fi->fh) == -1 ? -errno : 0;
}

static int rf_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	int fd = (int)fi->fh;

	return (datasync ? rump_sys_fdatasync(fd) : rump_sys_fsync(fd)) == -1
		       ? -errno
		       : 0;
}

static int rf_opendir(const char *path, struct fuse_file_info *fi)
{
	struct kpath k;
	int error, fd;

	if ((error = kp(&k, path)) != 0)
		return error;
	fd = rump_sys_open(k.p, O_RDONLY | O_DIRECTORY);
	if (fd == -1)
		return -errno;
	fi->fh = (uint64_t)fd;
	return 0;
}

struct rf_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* The whole directory at once (offset 0 to the filler): libfuse keeps
 * it for the host's later reads of the same open directory. */
static int rf_readdir(const char *path, void *buf, fuse_fill_dir_t filler,
		      off_t off, struct fuse_file_info *fi,
		      enum fuse_readdir_flags flags)
{
	int fd = (int)fi->fh;
	char *dbuf;
	ssize_t n;
	int error = 0;

	if (rump_sys_lseek(fd, 0, SEEK_SET) == -1)
		return -errno;
	dbuf = malloc(65536);
	if (dbuf == NULL)
		return -ENOMEM;
	while ((n = rump_sys_getdents64(fd, dbuf, 65536)) > 0) {
		for (ssize_t at = 0; at < n;) {
			struct rf_dirent64 *d = (void *)(dbuf + at);
			struct stat st;

			at += d->d_reclen;
			memset(&st, 0, sizeof(st));
			st.st_ino = d->d_ino;
			st.st_mode = (mode_t)d->d_type << 12;
			if (filler(buf, d->d_name, &st, 0, 0) != 0)
				goto out;
		}
	}
	if (n == -1)
		error = -errno;
out:
	free(dbuf);
	return error;
}

static int rf_releasedir(const char *path, struct fuse_file_info *fi)
{
	return rump_sys_close((int)fi->fh) == -1 ? -errno : 0;
}

static int rf_fsyncdir(const char *path, int datasync,
		       struct fuse_file_info *fi)
{
	return rf_fsync(path, datasync, fi);
}

static int rf_utimens(const char *path, const struct timespec ts[2],
		      struct fuse_file_info *fi)
{
	struct kpath k;
	int error;

	if (fi != NULL)
		return rump_sys_futimens((int)fi->fh, ts) == -1 ? -errno : 0;
	if ((error = kp(&k, path)) != 0)
		return error;
	return rump_sys_utimensat(AT_FDCWD, k.p, ts, AT_SYMLINK_NOFOLLOW) == -1
		       ? -errno
		       : 0;
}

static int rf_fallocate(const char *path, int mode, off_t off, off_t len,
			struct fuse_file_info *fi)
{
	return rump_sys_fallocate((int)fi->fh, mode, off, len) == -1 ? -errno
								     : 0;
}

static off_t rf_lseek(const char *path, off_t off, int whence,
		      struct fuse_file_info *fi)
{
	off_t r = rump_sys_lseek((int)fi->fh, off, whence);

	return r == -1 ? -errno : r;
}

void rfuse_close_all(void)
{
	for (int fd = 0; fd < 4096; fd++)
		rump_sys_close(fd);
}

/*
 * Record locks and flock are not here on purpose: without them the host
 * kernel keeps the locks of the mountpoint itself, and every process that
 * can lock these files is a process of that one host kernel.
 */
const struct fuse_operations rfuse_ops = {
	.init = rf_init,
	.getattr = rf_getattr,
	.readlink = rf_readlink,
	.mknod = rf_mknod,
	.mkdir = rf_mkdir,
	.unlink = rf_unlink,
	.rmdir = rf_rmdir,
	.symlink = rf_symlink,
	.rename = rf_rename,
	.link = rf_link,
	.chmod = rf_chmod,
	.chown = rf_chown,
	.truncate = rf_truncate,
	.open = rf_open,
	.read = rf_read,
	.write = rf_write,
	.statfs = rf_statfs,
	.release = rf_release,
	.fsync = rf_fsync,
	.opendir = rf_opendir,
	.readdir = rf_readdir,
	.releasedir = rf_releasedir,
	.fsyncdir = rf_fsyncdir,
	.create = rf_create,
	.utimens = rf_utimens,
	.fallocate = rf_fallocate,
	.lseek = rf_lseek,
};
