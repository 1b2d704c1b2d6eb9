/*
 * sys/sockvfs.h -- the hook through which local sockets name themselves
 * in the file system without either faction depending on the other: the
 * VFS faction registers these ops at init (and takes them back at fini);
 * the local domain uses them when they are there, and without the VFS
 * path names are ENOENT.  Nodes are opaque (vnodes).  The callers hold
 * no lock: these may sleep in the file system.
 */
#ifndef RUMPKERN_SYS_SOCKVFS_H_
#define RUMPKERN_SYS_SOCKVFS_H_
#include <sys/types.h>

struct sockvfs_ops {
	/*
	 * Makes a socket node at path (kernel memory; relative to the
	 * calling process's working directory; mode 0777 less its umask)
	 * and returns it referenced.  EADDRINUSE if path exists; path
	 * errors as mknod(2) (ENOENT, ENOTDIR, EACCES, EROFS ...).
	 */
	int (*sv_bind)(const char *path, void **nodep);
	/*
	 * The socket node at path, referenced, for connect or sendto:
	 * ECONNREFUSED if the file is no socket node, EACCES without
	 * write permission on it, path errors as open(2).
	 */
	int (*sv_lookup)(const char *path, void **nodep);
	/* Drops a reference sv_bind or sv_lookup returned. */
	void (*sv_rele)(void *node);
	/*
	 * The node's slot for the socket layer's pointer (the bound
	 * socket's protocol block, NULL when none): the local domain
	 * reads and writes it under softnet_lock.
	 */
	void **(*sv_slot)(void *node);
};

/* The registered ops, or NULL (read with atomic_load_acquire). */
extern const struct sockvfs_ops *volatile sockvfs;
void sockvfs_register(const struct sockvfs_ops *ops);
void sockvfs_unregister(const struct sockvfs_ops *ops);
#endif
