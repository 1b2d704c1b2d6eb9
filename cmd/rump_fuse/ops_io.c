/*
 * ops_io.c -- rump_fuse's FUSE operations on open files and directories
 * (open, create, read, write, release, fsync, statfs, fallocate, lseek,
 * and the directory handles), and the operations table with those of
 * ops.c.  A file handle is the kernel descriptor; a directory handle
 * holds its descriptor and the entries read at offset 0.  Every
 * descriptor is also recorded on its node (nodes.c), which reaches the
 * node when it has no name left.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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

#define NODE(id) rf_node_of(id)

/* The open(2) flags that reach the kernel: the host kernel did
 * O_CREAT/O_EXCL/O_NOCTTY, and computes O_APPEND's offsets itself. */
static int open_flags(int flags)
{
	return flags & (O_ACCMODE | O_TRUNC | O_SYNC | O_DSYNC | O_NONBLOCK |
			O_NOATIME);
}

static void opened(fuse_req_t req, struct rf_node *n, int fd,
		   struct fuse_file_info *fi, const struct fuse_entry_param *e)
{
	int error = rf_node_addfd(n, fd);

	if (error != 0) {
		rump_sys_close(fd);
		fuse_reply_err(req, error);
		return;
	}
	fi->fh = (uint64_t)fd;
	if ((e != NULL ? fuse_reply_create(req, e, fi)
		       : fuse_reply_open(req, fi)) != 0) {
		rf_node_delfd(n, fd);
		rump_sys_close(fd);
	}
}

static void rf_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct rf_path p;
	struct stat st;
	int error, fd;

	if ((error = rf_node_path_ino(NODE(ino), &p, &st)) != 0) {
		fuse_reply_err(req, error);
		return;
	}
	fd = rump_sys_open(p.p, open_flags(fi->flags) | O_NOFOLLOW);
	if (fd == -1)
		fuse_reply_err(req, errno);
	else
		opened(req, NODE(ino), fd, fi, NULL);
}

static void rf_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, struct fuse_file_info *fi)
{
	struct fuse_entry_param e;
	struct rf_node *n;
	struct rf_path p;
	struct stat st;
	int error, fd;

	if ((error = rf_node_path(NODE(parent), name, &p)) != 0) {
		fuse_reply_err(req, error);
		return;
	}
	pthread_rwlock_rdlock(&rf_ns_lock);
	fd = rump_sys_open(p.p, open_flags(fi->flags) | O_CREAT | O_EXCL, mode);
	if (fd != -1) {
		error = rf_give_owner(req, NODE(parent), p.p, &st);
		if (error != 0) {
			rump_sys_close(fd);
			rump_sys_unlink(p.p);
		}
	} else if (errno == EEXIST && !(fi->flags & O_EXCL)) {
		/* Made since the host looked: open what is there. */
		fd = rump_sys_open(p.p, open_flags(fi->flags) | O_NOFOLLOW);
		error = fd == -1 || rump_sys_fstat(fd, &st) == -1 ? errno : 0;
	} else {
		error = errno;
	}
	pthread_rwlock_unlock(&rf_ns_lock);
	if (error != 0) {
		if (fd != -1)
			rump_sys_close(fd);
		fuse_reply_err(req, error);
		return;
	}
	n = rf_node_get(NODE(parent), name, st.st_ino);
	if (n == NULL) {
		rump_sys_close(fd);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	memset(&e, 0, sizeof(e));
	e.ino = rf_node_id(n);
	e.attr_timeout = e.entry_timeout = rfuse_timeout;
	e.generation = rf_node_gen(n);
	e.attr = st;
	opened(req, n, fd, fi, &e);
}

static void rf_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	char *buf = malloc(size != 0 ? size : 1);
	size_t done = 0;
	ssize_t n;

	if (buf == NULL) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	/* A short count is end of file to FUSE: read until full or EOF. */
	while (done < size) {
		n = rump_sys_pread((int)fi->fh, buf + done, size - done,
				   off + (off_t)done);
		if (n == -1) {
			if (done == 0) {
				fuse_reply_err(req, errno);
				free(buf);
				return;
			}
			break;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	fuse_reply_buf(req, buf, done);
	free(buf);
}

static void rf_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		     size_t size, off_t off, struct fuse_file_info *fi)
{
	size_t done = 0;
	ssize_t n;

	while (done < size) {
		n = rump_sys_pwrite((int)fi->fh, buf + done, size - done,
				    off + (off_t)done);
		if (n == -1) {
			if (done == 0) {
				fuse_reply_err(req, errno);
				return;
			}
			break;
		}
		done += (size_t)n;
	}
	fuse_reply_write(req, done);
}

static void rf_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	fuse_reply_err(req, 0);
}

static void rf_release(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	int fd = (int)fi->fh;

	rf_node_delfd(NODE(ino), fd);
	fuse_reply_err(req, rump_sys_close(fd) == -1 ? errno : 0);
}

static void rf_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		     struct fuse_file_info *fi)
{
	int fd = (int)fi->fh;

	fuse_reply_err(req, (datasync ? rump_sys_fdatasync(fd)
				      : rump_sys_fsync(fd)) == -1
				    ? errno
				    : 0);
}

static void rf_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv;

	if (rump_sys_statvfs(FSIMAGE_MNT, &sv) == -1)
		fuse_reply_err(req, errno);
	else
		fuse_reply_statfs(req, &sv);
}

static void rf_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off,
			 off_t len, struct fuse_file_info *fi)
{
	fuse_reply_err(req,
		       rump_sys_fallocate((int)fi->fh, mode, off, len) == -1
			       ? errno
			       : 0);
}

static void rf_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
		     struct fuse_file_info *fi)
{
	off_t r = rump_sys_lseek((int)fi->fh, off, whence);

	if (r == -1)
		fuse_reply_err(req, errno);
	else
		fuse_reply_lseek(req, r);
}

/* ---------------------------------------------------------- directories */

/* An open directory: its descriptor and the entries read at offset 0. */
struct rf_dir {
	int fd;
	char *ents; /* struct dirent64 records back to back */
	size_t len;
};

struct rf_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static void rf_opendir(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct rf_path p;
	struct stat st;
	struct rf_dir *d;
	int error, fd;

	if ((error = rf_node_path_ino(NODE(ino), &p, &st)) != 0) {
		fuse_reply_err(req, error);
		return;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	fd = rump_sys_open(p.p, O_RDONLY | O_DIRECTORY);
	if (fd == -1 || (error = rf_node_addfd(NODE(ino), fd)) != 0) {
		error = fd == -1 ? errno : error;
		if (fd != -1)
			rump_sys_close(fd);
		free(d);
		fuse_reply_err(req, error);
		return;
	}
	d->fd = fd;
	fi->fh = (uint64_t)(uintptr_t)d;
	if (fuse_reply_open(req, fi) != 0) {
		rf_node_delfd(NODE(ino), fd);
		rump_sys_close(fd);
		free(d);
	}
}

/* Read the whole directory (again, at offset 0: a rewinddir). */
static int dir_fill(struct rf_dir *d)
{
	size_t cap = 65536;
	ssize_t n;

	free(d->ents);
	d->ents = NULL;
	d->len = 0;
	if (rump_sys_lseek(d->fd, 0, SEEK_SET) == -1)
		return errno;
	for (;;) {
		char *e = realloc(d->ents, d->len + cap);

		if (e == NULL)
			return ENOMEM;
		d->ents = e;
		n = rump_sys_getdents64(d->fd, d->ents + d->len, cap);
		if (n == -1)
			return errno;
		if (n == 0)
			return 0;
		d->len += (size_t)n;
	}
}

/* Entries from byte offset off of the records (the FUSE offset of an
 * entry is where the next one starts). */
static void rf_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct rf_dir *d = (struct rf_dir *)(uintptr_t)fi->fh;
	char *buf;
	size_t used = 0;
	int error;

	if (off == 0 && (error = dir_fill(d)) != 0) {
		fuse_reply_err(req, error);
		return;
	}
	buf = malloc(size);
	if (buf == NULL) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	for (size_t at = (size_t)off; at < d->len;) {
		struct rf_dirent64 *e = (void *)(d->ents + at);
		struct stat st;
		size_t need;

		memset(&st, 0, sizeof(st));
		st.st_ino = e->d_ino;
		st.st_mode = (mode_t)e->d_type << 12;
		need = fuse_add_direntry(req, buf + used, size - used,
					 e->d_name, &st,
					 (off_t)(at + e->d_reclen));
		if (need > size - used)
			break;
		used += need;
		at += e->d_reclen;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static void rf_releasedir(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct rf_dir *d = (struct rf_dir *)(uintptr_t)fi->fh;

	rf_node_delfd(NODE(ino), d->fd);
	rump_sys_close(d->fd);
	free(d->ents);
	free(d);
	fuse_reply_err(req, 0);
}

static void rf_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync,
			struct fuse_file_info *fi)
{
	struct rf_dir *d = (struct rf_dir *)(uintptr_t)fi->fh;

	fuse_reply_err(req, rump_sys_fsync(d->fd) == -1 ? errno : 0);
}

/*
 * Record locks and flock are not here on purpose: without them the host
 * kernel keeps the locks of the mount itself, and every process that can
 * lock these files is a process of that one host kernel.  Extended
 * attributes: the kernel has no system calls for them (ENOSYS to the
 * host, which then stops asking).
 */
const struct fuse_lowlevel_ops rfuse_ops = {
	.init = rf_init,
	.lookup = rf_lookup,
	.forget = rf_forget,
	.forget_multi = rf_forget_multi,
	.getattr = rf_getattr,
	.setattr = rf_setattr,
	.readlink = rf_readlink,
	.mknod = rf_mknod,
	.mkdir = rf_mkdir,
	.unlink = rf_unlink,
	.rmdir = rf_rmdir,
	.symlink = rf_symlink,
	.rename = rf_rename,
	.link = rf_link,
	.open = rf_open,
	.read = rf_read,
	.write = rf_write,
	.flush = rf_flush,
	.release = rf_release,
	.fsync = rf_fsync,
	.opendir = rf_opendir,
	.readdir = rf_readdir,
	.releasedir = rf_releasedir,
	.fsyncdir = rf_fsyncdir,
	.statfs = rf_statfs,
	.create = rf_create,
	.fallocate = rf_fallocate,
	.lseek = rf_lseek,
};
