/*
 * memfs.h -- the in-memory file system engine, seen from outside: the VFS
 * core mounts memfs_vfsops (type "rumpfs") as the root file system at
 * boot, and tmpfs (kern/fs/tmpfs) registers the same engine under its own
 * type name with tmpfs's defaults.  Both take the option string
 * "size=,nr_blocks=,nr_inodes=,mode=,uid=,gid=" (docs/tmpfs.md).
 */
#ifndef RUMPKERN_MEMFS_H_
#define RUMPKERN_MEMFS_H_
#include <sys/vnode.h>

/* "rumpfs": no limits by default, root directory mode 0755. */
extern const struct vfsops memfs_vfsops;
extern const struct vnodeops memfs_vnodeops;

/* What a mount starts from before its options are applied. */
struct memfs_args {
	uint64_t ma_maxbytes;  /* 0: no size limit */
	uint64_t ma_maxnodes;  /* 0: no inode limit */
	mode_t ma_rootmode;    /* permission bits of the root directory */
	const char *ma_fsname; /* for console messages: "tmpfs" */
};

/*
 * Mount with defaults args, then the option string opts; the root is owned
 * by the mounting process unless uid=/gid= say otherwise.  The other
 * vfsops are shared by every type the engine is registered under.
 */
int memfs_mount_args(struct mount *mp, const char *opts,
		     const struct memfs_args *args);
int memfs_unmount(struct mount *mp, int flags);
int memfs_root(struct mount *mp, struct vnode **vpp);
int memfs_statvfs(struct mount *mp, struct statvfs_fs *sfs);
int memfs_sync(struct mount *mp, bool waitfor);
int memfs_loadvnode(struct mount *mp, struct vnode *vp, uint64_t key);
#endif
