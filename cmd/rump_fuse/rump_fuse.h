/*
 * rump_fuse.h -- the FUSE bridge (docs/rump_fuse.md): the low-level FUSE
 * operations that serve the image mounted in the embedded rump kernel
 * (ops.c), and the table of nodes the host knows (nodes.c).
 */
#ifndef RUMPKIT_CMD_RUMP_FUSE_H_
#define RUMPKIT_CMD_RUMP_FUSE_H_
#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

/* The operations (ops.c). */
extern const struct fuse_lowlevel_ops rfuse_ops;
/* Seconds the host may cache attributes and names (-o timeout=). */
extern double rfuse_timeout;

/* Prepare the operations once the image is mounted (the root's inode);
 * returns 0 or an errno. */
int rfuse_start(void);
/* Close every descriptor the bridge still holds in the kernel (files
 * the host left open at unmount), so the image can be unmounted. */
void rfuse_close_all(void);

/* One name of a node: a directory node and a name in it. */
struct rf_name {
	struct rf_node *parent;
	struct rf_name *next;
	char name[];
};

struct rf_node {
	uint64_t ino;	  /* in the image */
	uint64_t nlookup; /* the host's lookup count */
	uint64_t gen;	  /* FUSE generation: unique per node */
	struct rf_name *names;
	int *fds; /* descriptors the host holds open on it */
	int nfds, capfds;
	int refs; /* names of other nodes in this directory */
	bool hashed;
	struct rf_node *hnext;
};

/* A kernel path built from a node. */
struct rf_path {
	char buf[PATH_MAX + 64];
	char *p;
	const struct rf_name *used; /* the node's name it went through */
};

/* What ops.c shares with ops_io.c: the lock of name-creating operations
 * (exclusive for RENAME_NOREPLACE), a node's attributes (by name, else
 * an open descriptor), an entry reply for name in parent, and giving a
 * new file to the caller (k: its kernel path; st: its attributes). */
extern pthread_rwlock_t rf_ns_lock;
struct rf_node;
int rf_node_stat(struct rf_node *n, struct stat *st);
/* The path of one of n's names that leads to n (checked with lstat,
 * which fills st): 0 or an errno (ENOENT: none). */
int rf_node_path_ino(struct rf_node *n, struct rf_path *p, struct stat *st);
void rf_reply_entry(fuse_req_t req, struct rf_node *parent, const char *name,
		    const struct stat *st);
int rf_give_owner(fuse_req_t req, struct rf_node *parent, const char *k,
		  struct stat *st);
/* The operations of ops.c, for the table in ops_io.c. */
void rf_init(void *data, struct fuse_conn_info *conn);
void rf_lookup(fuse_req_t req, fuse_ino_t parent, const char *name);
void rf_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void rf_forget_multi(fuse_req_t req, size_t count,
		     struct fuse_forget_data *forgets);
void rf_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void rf_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
		struct fuse_file_info *fi);
void rf_readlink(fuse_req_t req, fuse_ino_t ino);
void rf_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
	      dev_t rdev);
void rf_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode);
void rf_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void rf_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);
void rf_symlink(fuse_req_t req, const char *target, fuse_ino_t parent,
		const char *name);
void rf_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
	       fuse_ino_t newparent, const char *newname, unsigned int flags);
void rf_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
	     const char *newname);

void rf_nodes_init(uint64_t root_ino);
struct rf_node *rf_node_of(fuse_ino_t id);
fuse_ino_t rf_node_id(const struct rf_node *n);
uint64_t rf_node_gen(const struct rf_node *n);
/* The node of inode ino, seen as name in parent; one more lookup.
 * NULL: no memory. */
struct rf_node *rf_node_get(struct rf_node *parent, const char *name,
			    uint64_t ino);
void rf_node_forget(struct rf_node *n, uint64_t count);
/* Name removed (unlink, rmdir, replaced by a rename); gone: it was the
 * inode's last link. */
void rf_node_unname(uint64_t ino, struct rf_node *parent, const char *name,
		    bool gone);
void rf_node_rename(uint64_t ino, struct rf_node *oldp, const char *oldname,
		    struct rf_node *newp, const char *newname);
/* The kernel path of n (+ "/" name if name is not NULL): 0 or errno. */
int rf_node_path(struct rf_node *n, const char *name, struct rf_path *p);
/* The name p went through does not lead to n any more (a lookup that
 * raced with an unlink or rename recorded it): forget it. */
void rf_node_stale(struct rf_node *n, const struct rf_path *p);
int rf_node_addfd(struct rf_node *n, int fd);
void rf_node_delfd(struct rf_node *n, int fd);
/* A descriptor open on n, or -1. */
int rf_node_anyfd(struct rf_node *n);

#endif
