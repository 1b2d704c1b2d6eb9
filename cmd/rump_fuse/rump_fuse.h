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
#include <stdbool.h>
#include <stdint.h>

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
};

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
int rf_node_addfd(struct rf_node *n, int fd);
void rf_node_delfd(struct rf_node *n, int fd);
/* A descriptor open on n, or -1. */
int rf_node_anyfd(struct rf_node *n);

#endif
