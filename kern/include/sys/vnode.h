/*
 * sys/vnode.h -- the VFS faction's contract with file systems: vnodes (an
 * in-kernel file, directory, link or device), their ops table, attributes,
 * mounts and the file system ops table.  A file system implements
 * struct vnodeops and struct vfsops and registers with vfs_register() at
 * its component's init; the VFS does path lookup, permissions, the vnode
 * cache, descriptors and the system calls.  Every op returns 0 or a kernel
 * errno.  Locking rules are stated at each op; docs/vfs.md has the model.
 *
 * Changes to the first contract: vop_lookup answers ".." (the VFS still
 * never passes "."), the name cache lists and v_cstate in struct vnode,
 * v_interlock left to the file system, and dead_mount for dead vnodes.
 */
#ifndef RUMPKERN_SYS_VNODE_H_
#define RUMPKERN_SYS_VNODE_H_
#include <rump/rumpabi.h>
#include <sys/abi.h>
#include <sys/file.h>
#include <sys/mutex.h>
#include <sys/queue.h>
#include <sys/types.h>

enum vtype { VNON, VREG, VDIR, VBLK, VCHR, VLNK, VSOCK, VFIFO, VBAD };

/*
 * Attributes.  getattr fills every field; setattr changes only the fields
 * that are not VNOVAL (VNOVAL_TIME for times), after the VFS checked the
 * caller's right to change them.
 */
#define VNOVAL (-1)
struct vattr {
	enum vtype va_type;
	mode_t va_mode; /* permission and set-id bits only */
	nlink_t va_nlink;
	uid_t va_uid;
	gid_t va_gid;
	uint64_t va_fsid;
	ino_t va_fileid;
	int64_t va_size;
	int64_t va_bytes; /* space used, for st_blocks */
	int32_t va_blocksize;
	struct timespec va_atime, va_mtime, va_ctime, va_birthtime;
	dev_t va_rdev;
};
#define VNOVAL_TIME (-1) /* in tv_sec: leave this time alone */
/* A vattr with every field VNOVAL (for setattr). */
void vattr_null(struct vattr *va);

struct vnode;
struct mount;
struct componentname {
	const char *cn_name; /* not NUL-terminated */
	size_t cn_namelen;
	kauth_cred_t cn_cred;
};

/*
 * Vnode ops.  "dvp locked" means the caller holds dvp's vnode lock
 * exclusively (rw_enter(&dvp->v_lock, RW_WRITER)); "vp locked" likewise.
 * Ops that return a vnode in *vpp return it referenced and unlocked.
 * lookup holds dvp shared or exclusive and never sees ".": the VFS
 * resolves it itself, and resolves ".." across mount points and at the
 * process root; lookup of ".." in any other directory returns its parent
 * in the same file system.  The VFS has checked permissions and name
 * lengths (ENAMETOOLONG) before calling; file systems check what only
 * they know (EEXIST, ENOTEMPTY, ENOSPC, EMLINK).
 */
struct vnodeops {
	/* dvp shared or exclusive: the child named cnp (".." its parent),
	 * or ENOENT. */
	int (*vop_lookup)(struct vnode *dvp, const struct componentname *cnp,
			  struct vnode **vpp);
	/* dvp locked: a new regular file, fifo, device or socket node. */
	int (*vop_create)(struct vnode *dvp, const struct componentname *cnp,
			  const struct vattr *va, struct vnode **vpp);
	int (*vop_mkdir)(struct vnode *dvp, const struct componentname *cnp,
			 const struct vattr *va, struct vnode **vpp);
	int (*vop_symlink)(struct vnode *dvp, const struct componentname *cnp,
			   const struct vattr *va, const char *target,
			   struct vnode **vpp);
	/* dvp and vp locked, vp the entry named cnp (not a directory). */
	int (*vop_remove)(struct vnode *dvp, struct vnode *vp,
			  const struct componentname *cnp);
	/* dvp and vp locked, vp an empty directory (else ENOTEMPTY). */
	int (*vop_rmdir)(struct vnode *dvp, struct vnode *vp,
			 const struct componentname *cnp);
	/* dvp and vp locked: a new name for vp in dvp (EEXIST if taken). */
	int (*vop_link)(struct vnode *dvp, struct vnode *vp,
			const struct componentname *cnp);
	/*
	 * All of one mount, under its rename lock (mnt_renamelock), with
	 * fdvp, fvp, tdvp and tvp (if any) locked by the VFS in a fixed
	 * order.  The VFS has checked: tvp's type matches fvp's, tvp is an
	 * empty directory if a directory, fvp is not an ancestor of tdvp,
	 * and fvp != tvp.
	 */
	int (*vop_rename)(struct vnode *fdvp, struct vnode *fvp,
			  const struct componentname *fcnp, struct vnode *tdvp,
			  struct vnode *tvp, const struct componentname *tcnp);
	/* vp shared: data and attributes. */
	int (*vop_getattr)(struct vnode *vp, struct vattr *va);
	/* vp locked.  va_size changes the length (zero fill, free blocks). */
	int (*vop_setattr)(struct vnode *vp, const struct vattr *va);
	/* vp shared for read, locked for write.  ioflag: IO_* below. */
	int (*vop_read)(struct vnode *vp, struct uio *uio, int ioflag);
	int (*vop_write)(struct vnode *vp, struct uio *uio, int ioflag);
	/*
	 * vp shared: directory records (struct rump_dirent, 8-byte padded)
	 * from cookie uio->uio_offset; sets uio_offset to the cookie after
	 * the last whole record and *eofp at the end.  "." and ".." are the
	 * first two records.
	 */
	int (*vop_readdir)(struct vnode *vp, struct uio *uio, bool *eofp);
	/* vp shared: the target of a symbolic link. */
	int (*vop_readlink)(struct vnode *vp, struct uio *uio);
	/* vp locked: to stable storage (data only with FSYNC_DATAONLY). */
	int (*vop_fsync)(struct vnode *vp, int flags);
	/* vp locked: allocate [off, off+len), extending the size (mode 0). */
	int (*vop_fallocate)(struct vnode *vp, off_t off, off_t len);
	/* vp locked: SEEK_DATA/SEEK_HOLE from off; ENXIO past the end. */
	int (*vop_seekdata)(struct vnode *vp, off_t off, int whence,
			    off_t *resultp);
	/*
	 * Last reference gone (vp locked): a file with no links left frees
	 * its storage here.  May be NULL.
	 */
	void (*vop_inactive)(struct vnode *vp);
	/* The vnode is leaving the cache: drop v_data. */
	void (*vop_reclaim)(struct vnode *vp);
};
#define IO_APPEND 0x01 /* write at the end */
#define IO_SYNC 0x02   /* write through to stable storage */
#define IO_DSYNC 0x04
#define IO_NOATIME 0x08 /* read without updating the access time */
#define FSYNC_DATAONLY 0x01

struct vnode {
	krwlock_t v_lock;     /* the vnode lock (see the ops) */
	kmutex_t v_interlock; /* free for the file system's own use */
	int64_t v_usecount;   /* references; 0: in the free list */
	enum vtype v_type;
	int v_flags;	       /* VV_*, VI_*: see vfs_vnode.c */
	struct mount *v_mount; /* &dead_mount for a dead vnode */
	const struct vnodeops *v_op;
	void *v_data;		     /* the file system's node */
	struct mount *v_mountedhere; /* a mount covering this directory */
	dev_t v_rdev;		     /* devices */
	void *v_fifo;		     /* fifos: the pipe while open */
	void *v_socket; /* socket nodes: the net faction's (sys/sockvfs.h) */
	void *v_locks;		     /* advisory locks (vfs_lockf.c) */
	/* vnode cache linkage */
	uint64_t v_key;
	struct list_node v_hash;
	struct list_node v_lru;
	struct list_node v_mntnode;
	/* name cache (vfs_cache.c): entries in this directory, and the
	 * entries that name this vnode */
	struct list_head v_ncdir;
	struct list_head v_ncnames;
	int v_cstate; /* vnode cache state (vfs_vnode.c) */
};
#define VV_ROOT 0x01	  /* the root of its mount */
#define VI_RECLAIMED 0x10 /* dead: v_data gone, every op fails EBADF */

void vref(struct vnode *vp);  /* one more reference */
void vrele(struct vnode *vp); /* drop one; the last goes inactive */
void vput(struct vnode *vp);  /* unlock and drop */
void vn_lock(struct vnode *vp, krw_t how);
void vn_unlock(struct vnode *vp);

/*
 * The vnode cache: at most one vnode per (mount, key).  vcache_get
 * returns the cached one, or a new one that the file system's
 * vfs_loadvnode fills in (type, ops, data).  Unreferenced vnodes stay
 * cached on an LRU list up to the RUMP_NVNODES limit (default 64k), then
 * the oldest are reclaimed.  A file system must call it for every vnode
 * it hands out, so the same file is always the same vnode.
 */
int vcache_get(struct mount *mp, uint64_t key, struct vnode **vpp);

/* File systems. */
struct statvfs_fs {
	uint64_t bsize, frsize, blocks, bfree, bavail, files, ffree, favail;
	uint64_t namemax;
};
struct vfsops {
	const char *vfs_name; /* the mount(2) type: "tmpfs", "ext2fs" */
	/*
	 * Mount: parse the option string opts (NULL or ""), set up
	 * mp->mnt_data; source is the mount(2) source (a device path, or
	 * anything for memory file systems).  Errors: EINVAL for a bad
	 * option (with a console message naming it), others as they arise.
	 */
	int (*vfs_mount)(struct mount *mp, const char *source,
			 const char *opts);
	/* No vnode of mp is referenced unless flags has MNT_FORCE. */
	int (*vfs_unmount)(struct mount *mp, int flags);
	/* The root vnode, referenced. */
	int (*vfs_root)(struct mount *mp, struct vnode **vpp);
	int (*vfs_statvfs)(struct mount *mp, struct statvfs_fs *sfs);
	/* Write back everything dirty; wait when waitfor. */
	int (*vfs_sync)(struct mount *mp, bool waitfor);
	/* Fill in a vnode the cache created for key (see vcache_get). */
	int (*vfs_loadvnode)(struct mount *mp, struct vnode *vp, uint64_t key);
	const char *const *vfs_aliases; /* further type names, or NULL */
};
int vfs_register(const struct vfsops *ops);
void vfs_unregister(const struct vfsops *ops);

struct mount {
	const struct vfsops *mnt_op;
	struct vnode *mnt_vnodecovered; /* the directory mounted on */
	struct vnode *mnt_root;		/* referenced while mounted */
	int mnt_flag;			/* MNT_* */
	void *mnt_data;			/* the file system's */
	uint64_t mnt_fsid;
	krwlock_t mnt_unmounting; /* held as reader by operations in it */
	kmutex_t mnt_renamelock;
	struct list_head mnt_vnodes;
	struct list_node mnt_node;
	char mnt_stat_fstypename[RUMP_MFSNAMELEN];
	char mnt_stat_mntonname[RUMP_MNAMELEN];
	char mnt_stat_mntfromname[RUMP_MNAMELEN];
};
/* What a dead vnode's v_mount points to: read-only, no file system. */
extern struct mount dead_mount;

/* Permission check on generic attributes (owner, group, other, root). */
int vaccess(enum vtype type, mode_t file_mode, uid_t uid, gid_t gid,
	    int acc_mode, kauth_cred_t cred);
#define VREAD 0x04
#define VWRITE 0x02
#define VEXEC 0x01

/* The current time for timestamps (wall clock, nanoseconds). */
void vfs_timestamp(struct timespec *ts);
#endif
