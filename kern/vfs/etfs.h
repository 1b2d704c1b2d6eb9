/*
 * etfs.h -- what the two halves of etfs share: etfs.c registers host
 * files and mounts them, etfs_vnops.c is the small file system (type
 * "etfs") whose vnodes read and write them.  A mount serves one
 * registration; its nodes live until it is unmounted.
 */
#ifndef RUMPKERN_VFS_ETFS_H_
#define RUMPKERN_VFS_ETFS_H_
#include <rump/rump.h>
#include <sys/devsw.h>

#include "vfs_private.h"

#define ETFS_CHUNK (64 * 1024) /* bytes moved per host call */
#define ETFS_ROOTKEY 1

KMEM_TYPE_DECLARE(M_ETFS);

/* One registration. */
struct etfs_entry {
	struct list_node ee_node;
	char *ee_key;
	char *ee_hostpath;
	enum rump_etfs_type ee_type;
	uint64_t ee_begin, ee_size; /* the window; size ENDOFF: the file */
	bool ee_created;	    /* the placeholder node is ours */
	/* A disk (librumpdev_disk): device nodes, no etfs mount. */
	const struct hostdisk_ops *ee_hd;
	dev_t ee_dev;  /* the whole disk */
	int ee_nparts; /* its partition nodes <key>p<N> */
	uint32_t *ee_partnums;
};

/* A host file or directory seen through a mount. */
struct etfs_node {
	struct list_node en_node;
	struct etfs_node *en_parent; /* NULL for the root */
	uint64_t en_key;
	enum vtype en_type;
	char *en_hostpath;
	kmutex_t en_lock; /* en_fd, en_rdonly, en_size, the attributes */
	int en_fd;	  /* -1 until opened */
	bool en_rdonly;
	bool en_fixedsize; /* a window, or a device: the size never grows */
	uint64_t en_begin, en_size;
	mode_t en_mode;
	uid_t en_uid;
	gid_t en_gid;
	struct timespec en_atime, en_mtime, en_ctime;
};

struct etfs_mount {
	struct etfs_entry *em_entry;
	kmutex_t em_lock; /* em_nodes, em_nextkey */
	struct list_head em_nodes;
	uint64_t em_nextkey;
};

/* The registration being mounted (under the registration lock). */
extern struct etfs_entry *etfs_mounting;
#endif
