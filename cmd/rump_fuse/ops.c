/*
 * ops.c -- the low-level FUSE operations of rump_fuse on names and
 * attributes (files and directories: ops_io.c): each is the
 * matching rump_sys_* call on the image mounted at FSIMAGE_MNT in the
 * embedded kernel, from libfuse's worker threads (the implicit context
 * of kernel process 1: root, umask 0).  Nodes are reached by the path of
 * a name (nodes.c), or by a descriptor the host holds open when they
 * have none left (unlinked, open files and directories).  The host
 * kernel checks permissions (default_permissions) and applies the
 * caller's umask; a new file is given to the caller's user and group
 * afterwards, as Linux makes it.  Errors are the host's errno values (the
 * kernel's host entry layer translates them).
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

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

/*
 * Name-creating operations hold it shared.  Removals and renames hold it
 * exclusive from their lstat to the node table's update: an inode they
 * free can then not be reused by a create in between (the table, keyed by
 * inode number, would take the new file for the old one), and with
 * RENAME_NOREPLACE no name appears between check and rename (the kernel
 * has no renameat2).
 */
pthread_rwlock_t rf_ns_lock = PTHREAD_RWLOCK_INITIALIZER;

#define NODE(id) rf_node_of(id)

/* How long the host may keep attributes and names (-o timeout=). Every
 * change goes through this bridge and hard links share one node, so the
 * host's cache goes stale only for what the driver changes on its own
 * (the access time of a read). */
double rfuse_timeout = 1.0;

int rfuse_start(void)
{
	struct stat st;

	if (rump_sys_lstat(FSIMAGE_MNT, &st) == -1)
		return errno;
	rf_nodes_init(st.st_ino);
	return 0;
}

void rfuse_close_all(void)
{
	for (int fd = 0; fd < 4096; fd++)
		rump_sys_close(fd);
}

int rf_node_path_ino(struct rf_node *n, struct rf_path *p, struct stat *st)
{
	int error;

	for (;;) {
		if ((error = rf_node_path(n, NULL, p)) != 0)
			return error;
		if (rump_sys_lstat(p->p, st) == -1)
			return errno;
		if (st->st_ino == n->ino)
			return 0;
		rf_node_stale(n, p);
	}
}

/* Attributes of a node: through its name, else an open descriptor. */
int rf_node_stat(struct rf_node *n, struct stat *st)
{
	struct rf_path p;
	int error, fd;

	error = rf_node_path_ino(n, &p, st);
	if (error == 0)
		return 0;
	fd = rf_node_anyfd(n);
	if (fd != -1 && rump_sys_fstat(fd, st) == 0)
		return 0;
	return error;
}

void rf_reply_entry(fuse_req_t req, struct rf_node *parent, const char *name,
		    const struct stat *st)
{
	struct fuse_entry_param e;
	struct rf_node *n = rf_node_get(parent, name, st->st_ino);

	if (n == NULL) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	memset(&e, 0, sizeof(e));
	e.ino = rf_node_id(n);
	e.attr_timeout = e.entry_timeout = rfuse_timeout;
	e.generation = rf_node_gen(n);
	e.attr = *st;
	if (fuse_reply_entry(req, &e) != 0)
		rf_node_forget(n, 1); /* the host was interrupted */
}

static bool in_groups(fuse_req_t req, gid_t gid)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	gid_t groups[64];
	int n;

	if (ctx->gid == gid)
		return true;
	n = fuse_req_getgroups(req, 64, groups);
	for (int i = 0; i < n && i < 64; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/*
 * The kernel made path k as root: give it to the caller.  The group is
 * the caller's, or the parent's when the parent is set-group-ID (the
 * kernel did that already); a file of a caller outside that group loses
 * S_ISGID, as Linux's inode_init_owner does.  chown clears set-id bits,
 * so the mode is put back after it.  st gets the final attributes.
 */
int rf_give_owner(fuse_req_t req, struct rf_node *parent, const char *k,
		  struct stat *st)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct stat pst;
	gid_t gid = ctx->gid;
	mode_t want;

	if (rump_sys_lstat(k, st) == -1)
		return errno;
	/* The common case (the caller's ids already, no S_ISGID to judge)
	 * needs no look at the parent. */
	if (st->st_uid == ctx->uid && st->st_gid == ctx->gid &&
	    (ctx->uid == 0 || !(st->st_mode & S_ISGID)))
		return 0;
	if (rf_node_stat(parent, &pst) != 0)
		return ENOENT;
	if (pst.st_mode & S_ISGID)
		gid = pst.st_gid;
	want = st->st_mode & 07777;
	if (!S_ISDIR(st->st_mode) && (want & S_ISGID) && ctx->uid != 0 &&
	    !in_groups(req, gid))
		want &= ~S_ISGID;
	if (st->st_uid != ctx->uid || st->st_gid != gid) {
		if (rump_sys_lchown(k, ctx->uid, gid) == -1)
			return errno;
		if (rump_sys_lstat(k, st) == -1)
			return errno;
	}
	if (!S_ISLNK(st->st_mode) && (st->st_mode & 07777) != want) {
		if (rump_sys_chmod(k, want) == -1 ||
		    rump_sys_lstat(k, st) == -1)
			return errno;
	}
	return 0;
}

/* After the kernel made name in parent: owner, then the entry reply;
 * on failure the name goes again. */
static void finish_create(fuse_req_t req, struct rf_node *parent,
			  const char *name, const char *k, bool dir)
{
	struct stat st;
	int error = rf_give_owner(req, parent, k, &st);

	if (error != 0) {
		if (dir)
			rump_sys_rmdir(k);
		else
			rump_sys_unlink(k);
		fuse_reply_err(req, error);
		return;
	}
	rf_reply_entry(req, parent, name, &st);
}

void rf_init(void *data, struct fuse_conn_info *conn)
{
	(void)data;
	/* Locks stay with the host kernel (see rfuse_ops below). */
	conn->want &= ~(unsigned)(FUSE_CAP_POSIX_LOCKS | FUSE_CAP_FLOCK_LOCKS);
}

void rf_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct rf_path p;
	struct stat st;
	int error;

	if ((error = rf_node_path(NODE(parent), name, &p)) != 0)
		fuse_reply_err(req, error);
	else if (rump_sys_lstat(p.p, &st) == -1)
		fuse_reply_err(req, errno);
	else
		rf_reply_entry(req, NODE(parent), name, &st);
}

void rf_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	rf_node_forget(NODE(ino), nlookup);
	fuse_reply_none(req);
}

void rf_forget_multi(fuse_req_t req, size_t count,
		     struct fuse_forget_data *forgets)
{
	for (size_t i = 0; i < count; i++)
		rf_node_forget(NODE(forgets[i].ino), forgets[i].nlookup);
	fuse_reply_none(req);
}

void rf_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct stat st;
	int error;

	if (fi != NULL && rump_sys_fstat((int)fi->fh, &st) == 0)
		error = 0;
	else
		error = rf_node_stat(NODE(ino), &st);
	if (error != 0)
		fuse_reply_err(req, error);
	else
		fuse_reply_attr(req, &st, rfuse_timeout);
}

/* One attribute change through the path, or else a descriptor. */
static int setattr_one(struct rf_node *n, int fd, const struct stat *attr,
		       int which, const struct timespec *ts)
{
	struct rf_path p;
	struct stat cur;
	int error = rf_node_path_ino(n, &p, &cur), r;

	if (error != 0 && fd == -1)
		fd = rf_node_anyfd(n);
	if (error != 0 && fd == -1)
		return error;
	if (error == 0) {
		switch (which) {
		case FUSE_SET_ATTR_MODE:
			r = rump_sys_chmod(p.p, attr->st_mode & 07777);
			break;
		case FUSE_SET_ATTR_UID:
			r = rump_sys_lchown(p.p, attr->st_uid, attr->st_gid);
			break;
		case FUSE_SET_ATTR_SIZE:
			r = rump_sys_truncate(p.p, attr->st_size);
			break;
		default:
			r = rump_sys_utimensat(AT_FDCWD, p.p, ts,
					       AT_SYMLINK_NOFOLLOW);
			break;
		}
	} else {
		switch (which) {
		case FUSE_SET_ATTR_MODE:
			r = rump_sys_fchmod(fd, attr->st_mode & 07777);
			break;
		case FUSE_SET_ATTR_UID:
			r = rump_sys_fchown(fd, attr->st_uid, attr->st_gid);
			break;
		case FUSE_SET_ATTR_SIZE:
			r = rump_sys_ftruncate(fd, attr->st_size);
			break;
		default:
			r = rump_sys_futimens(fd, ts);
			break;
		}
	}
	return r == -1 ? errno : 0;
}

void rf_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
		struct fuse_file_info *fi)
{
	struct rf_node *n = NODE(ino);
	int fd = fi != NULL ? (int)fi->fh : -1, error = 0;
	struct stat own = *attr, st;

	/* A size change on an open file uses its descriptor (the host may
	 * truncate a file it opened for writing but may no longer name). */
	if (to_set & FUSE_SET_ATTR_MODE)
		error = setattr_one(n, -1, attr, FUSE_SET_ATTR_MODE, NULL);
	if (error == 0 && (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID))) {
		if (!(to_set & FUSE_SET_ATTR_UID))
			own.st_uid = (uid_t)-1;
		if (!(to_set & FUSE_SET_ATTR_GID))
			own.st_gid = (gid_t)-1;
		error = setattr_one(n, -1, &own, FUSE_SET_ATTR_UID, NULL);
	}
	if (error == 0 && (to_set & FUSE_SET_ATTR_SIZE)) {
		if (fd != -1)
			error = rump_sys_ftruncate(fd, attr->st_size) == -1
					? errno
					: 0;
		else
			error = setattr_one(n, -1, attr, FUSE_SET_ATTR_SIZE,
					    NULL);
	}
	if (error == 0 &&
	    (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME |
		       FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW))) {
		struct timespec ts[2];

		ts[0].tv_nsec = UTIME_OMIT;
		ts[1].tv_nsec = UTIME_OMIT;
		if (to_set & FUSE_SET_ATTR_ATIME_NOW)
			ts[0].tv_nsec = UTIME_NOW;
		else if (to_set & FUSE_SET_ATTR_ATIME)
			ts[0] = attr->st_atim;
		if (to_set & FUSE_SET_ATTR_MTIME_NOW)
			ts[1].tv_nsec = UTIME_NOW;
		else if (to_set & FUSE_SET_ATTR_MTIME)
			ts[1] = attr->st_mtim;
		error = setattr_one(n, -1, attr, 0, ts);
	}
	if (error == 0)
		error = fd != -1 && rump_sys_fstat(fd, &st) == 0
				? 0
				: rf_node_stat(n, &st);
	if (error != 0)
		fuse_reply_err(req, error);
	else
		fuse_reply_attr(req, &st, rfuse_timeout);
}

void rf_readlink(fuse_req_t req, fuse_ino_t ino)
{
	char buf[PATH_MAX + 1];
	struct rf_path p;
	struct stat st;
	ssize_t n;
	int error;

	if ((error = rf_node_path_ino(NODE(ino), &p, &st)) != 0) {
		fuse_reply_err(req, error);
		return;
	}
	n = rump_sys_readlink(p.p, buf, sizeof(buf) - 1);
	if (n == -1) {
		fuse_reply_err(req, errno);
		return;
	}
	buf[n] = '\0';
	fuse_reply_readlink(req, buf);
}

void rf_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
	      dev_t rdev)
{
	struct rf_path p;
	int error;

	if ((error = rf_node_path(NODE(parent), name, &p)) != 0) {
		fuse_reply_err(req, error);
		return;
	}
	pthread_rwlock_rdlock(&rf_ns_lock);
	if (rump_sys_mknod(p.p, mode, rdev) == -1)
		fuse_reply_err(req, errno);
	else
		finish_create(req, NODE(parent), name, p.p, false);
	pthread_rwlock_unlock(&rf_ns_lock);
}

void rf_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	struct rf_path p;
	int error;

	if ((error = rf_node_path(NODE(parent), name, &p)) != 0) {
		fuse_reply_err(req, error);
		return;
	}
	pthread_rwlock_rdlock(&rf_ns_lock);
	if (rump_sys_mkdir(p.p, mode) == -1)
		fuse_reply_err(req, errno);
	else
		finish_create(req, NODE(parent), name, p.p, true);
	pthread_rwlock_unlock(&rf_ns_lock);
}

void rf_symlink(fuse_req_t req, const char *target, fuse_ino_t parent,
		const char *name)
{
	struct rf_path p;
	int error;

	if ((error = rf_node_path(NODE(parent), name, &p)) != 0) {
		fuse_reply_err(req, error);
		return;
	}
	pthread_rwlock_rdlock(&rf_ns_lock);
	if (rump_sys_symlink(target, p.p) == -1)
		fuse_reply_err(req, errno);
	else
		finish_create(req, NODE(parent), name, p.p, false);
	pthread_rwlock_unlock(&rf_ns_lock);
}

/* unlink or rmdir name in parent. */
static void remove_name(fuse_req_t req, fuse_ino_t parent, const char *name,
			bool dir)
{
	struct rf_path p;
	struct stat st;
	int error;

	if ((error = rf_node_path(NODE(parent), name, &p)) != 0) {
		fuse_reply_err(req, error);
		return;
	}
	pthread_rwlock_wrlock(&rf_ns_lock);
	if (rump_sys_lstat(p.p, &st) == -1 ||
	    (dir ? rump_sys_rmdir(p.p) : rump_sys_unlink(p.p)) == -1)
		error = errno;
	else
		rf_node_unname(st.st_ino, NODE(parent), name,
			       dir || st.st_nlink <= 1);
	pthread_rwlock_unlock(&rf_ns_lock);
	fuse_reply_err(req, error);
}

void rf_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	remove_name(req, parent, name, false);
}

void rf_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	remove_name(req, parent, name, true);
}

void rf_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
	       fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	struct rf_path from, to;
	struct stat sst, tst;
	bool target = false;
	int error;

	if ((error = rf_node_path(NODE(parent), name, &from)) != 0 ||
	    (error = rf_node_path(NODE(newparent), newname, &to)) != 0) {
		fuse_reply_err(req, error);
		return;
	}
	/* RENAME_EXCHANGE and RENAME_WHITEOUT need renameat2, which the
	 * kernel lacks: EINVAL, Linux's answer for a file system without
	 * them. */
	if ((flags & ~(unsigned)RENAME_NOREPLACE) != 0) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	pthread_rwlock_wrlock(&rf_ns_lock);
	if (rump_sys_lstat(from.p, &sst) == -1) {
		error = errno;
	} else if (rump_sys_lstat(to.p, &tst) == 0) {
		target = sst.st_ino != tst.st_ino;
		if (flags & RENAME_NOREPLACE)
			error = EEXIST;
	} else if (errno != ENOENT) {
		error = errno;
	}
	if (error == 0 && rump_sys_rename(from.p, to.p) == -1)
		error = errno;
	if (error == 0) {
		if (target)
			rf_node_unname(tst.st_ino, NODE(newparent), newname,
				       S_ISDIR(tst.st_mode) ||
					       tst.st_nlink <= 1);
		rf_node_rename(sst.st_ino, NODE(parent), name, NODE(newparent),
			       newname);
	}
	pthread_rwlock_unlock(&rf_ns_lock);
	fuse_reply_err(req, error);
}

void rf_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
	     const char *newname)
{
	struct rf_path from, to;
	struct stat st;
	int error;

	if ((error = rf_node_path_ino(NODE(ino), &from, &st)) != 0 ||
	    (error = rf_node_path(NODE(newparent), newname, &to)) != 0) {
		fuse_reply_err(req, error);
		return;
	}
	pthread_rwlock_rdlock(&rf_ns_lock);
	if (rump_sys_link(from.p, to.p) == -1 ||
	    rump_sys_lstat(to.p, &st) == -1)
		fuse_reply_err(req, errno);
	else
		rf_reply_entry(req, NODE(newparent), newname, &st);
	pthread_rwlock_unlock(&rf_ns_lock);
}
