/*
 * vfs_private.h -- what the files of the VFS faction share and nobody else
 * sees: the vnode cache's internal flags, the VOP_* call wrappers, path
 * lookup (nameidata), the name cache, the mount table, per-process state
 * (working directory, root, umask), vnode files and advisory locks.
 * Locking rules are stated at each declaration; docs/vfs.md has the model.
 */
#ifndef RUMPKERN_VFS_PRIVATE_H_
#define RUMPKERN_VFS_PRIVATE_H_
#include <sys/abi.h>
#include <sys/atomic.h>
#include <sys/devsw.h>
#include <sys/file.h>
#include <sys/kmem.h>
#include <sys/proc.h>
#include <sys/systm.h>
#include <sys/vnode.h>

KMEM_TYPE_DECLARE(M_VNODE);
KMEM_TYPE_DECLARE(M_MOUNT);
KMEM_TYPE_DECLARE(M_PATHBUF);

/* Vnode cache states in v_cstate, under vcache_lock. */
#define VS_LOADING 0x01	   /* vfs_loadvnode is filling it in */
#define VS_RECLAIMING 0x02 /* leaving the cache: lookups wait */
#define VS_INACTIVE 0x04   /* the last release runs vop_inactive */
#define VS_REUSED 0x08	   /* referenced again while VS_INACTIVE */

/* The root of the root file system (referenced by the mount) and its mount. */
extern struct vnode *rootvnode;
extern struct mount *rootmount;

/*
 * Calls into a file system.  The caller holds the locks the op wants
 * (sys/vnode.h); a dead vnode has dead_vnodeops, which fail with EBADF.
 */
extern const struct vnodeops dead_vnodeops;
#define VOP_LOOKUP(dvp, cnp, vpp) ((dvp)->v_op->vop_lookup((dvp), (cnp), (vpp)))
#define VOP_CREATE(dvp, cnp, va, vpp)                                          \
	((dvp)->v_op->vop_create((dvp), (cnp), (va), (vpp)))
#define VOP_MKDIR(dvp, cnp, va, vpp)                                           \
	((dvp)->v_op->vop_mkdir((dvp), (cnp), (va), (vpp)))
#define VOP_SYMLINK(dvp, cnp, va, target, vpp)                                 \
	((dvp)->v_op->vop_symlink((dvp), (cnp), (va), (target), (vpp)))
#define VOP_REMOVE(dvp, vp, cnp) ((dvp)->v_op->vop_remove((dvp), (vp), (cnp)))
#define VOP_RMDIR(dvp, vp, cnp) ((dvp)->v_op->vop_rmdir((dvp), (vp), (cnp)))
#define VOP_LINK(dvp, vp, cnp) ((dvp)->v_op->vop_link((dvp), (vp), (cnp)))
#define VOP_RENAME(fdvp, fvp, fcnp, tdvp, tvp, tcnp)                           \
	((fdvp)->v_op->vop_rename((fdvp), (fvp), (fcnp), (tdvp), (tvp), (tcnp)))
#define VOP_GETATTR(vp, va) ((vp)->v_op->vop_getattr((vp), (va)))
#define VOP_SETATTR(vp, va) ((vp)->v_op->vop_setattr((vp), (va)))
#define VOP_READ(vp, uio, ioflag) ((vp)->v_op->vop_read((vp), (uio), (ioflag)))
#define VOP_WRITE(vp, uio, ioflag)                                             \
	((vp)->v_op->vop_write((vp), (uio), (ioflag)))
#define VOP_READDIR(vp, uio, eofp)                                             \
	((vp)->v_op->vop_readdir((vp), (uio), (eofp)))
int VOP_READLINK(struct vnode *vp, struct uio *uio);
int VOP_FSYNC(struct vnode *vp, int flags);
int VOP_FALLOCATE(struct vnode *vp, off_t off, off_t len);
int VOP_SEEKDATA(struct vnode *vp, off_t off, int whence, off_t *resultp);
/* vop_strategy, or ENXIO through biodone where there is none. */
int VOP_STRATEGY(struct vnode *vp, struct buf *bp);

/* vfs_vnode.c: the vnode cache. */
size_t vfs_hash_maxbuckets(void);
int vcache_init(void);
void vcache_fini(void);
/*
 * A reference to vp found without one (a name cache entry): true, or
 * false if vp is leaving the cache.  Called with the name cache lock.
 */
bool vcache_tryget(struct vnode *vp);
/* Reclaims free vnodes beyond RUMP_NVNODES; the caller holds no locks. */
void vcache_drain(void);
/*
 * Reclaims every vnode of mp.  Without MNT_FORCE: EBUSY if one is
 * referenced (other than the root's one reference, if keeproot).  With
 * it, referenced vnodes become dead.
 */
int vflush(struct mount *mp, int flags, bool keeproot);
/* Marks a mount's root vnode (VV_ROOT). */
void vnode_setroot(struct vnode *vp);
/* RUMP_NVNODES: how many vnodes the cache keeps at most when free. */
uint64_t vcache_limit(void);
/* Vnodes in the cache, and how many of them are free. */
uint64_t vcache_count(void);
uint64_t vcache_freecount(void);
/* A vnode's mount, read without its lock (forced unmount may change it). */
static inline struct mount *vn_mount(struct vnode *vp)
{
	return atomic_load_relaxed(&vp->v_mount);
}
static inline bool vn_rdonly(struct vnode *vp)
{
	return (vn_mount(vp)->mnt_flag & MNT_RDONLY) != 0;
}
/* The root of its mount?  (v_flags change under the vcache lock.) */
static inline bool vn_isroot(struct vnode *vp)
{
	return (atomic_load_relaxed(&vp->v_flags) & VV_ROOT) != 0;
}
static inline struct mount *vn_mountedhere(struct vnode *vp)
{
	return atomic_load_acquire(&vp->v_mountedhere);
}

/* vfs_subr.c: attributes, permissions, vnode kernel I/O. */
int vn_getattr(struct vnode *vp, struct vattr *va); /* locks vp shared */
/* Permission check on vp for acc_mode (VREAD|VWRITE|VEXEC); locks vp. */
int vn_access(struct vnode *vp, int acc_mode, kauth_cred_t cred);
/* The same with vp already locked. */
int vn_access_locked(struct vnode *vp, int acc_mode, kauth_cred_t cred);
/* Fills a stat record from vp's attributes (vp locked shared). */
int vn_stat_locked(struct vnode *vp, struct rump_stat *sb);
int vn_stat(struct vnode *vp, struct rump_stat *sb);
/* Kernel-buffer read or write of a locked vnode; *residp if not NULL. */
int vn_rdwr(enum uio_rw rw, struct vnode *vp, void *buf, size_t len, off_t off,
	    int ioflag, size_t *residp);
/* The file type bits (S_IF*) of a vnode type, and back. */
mode_t vtype_to_ifmt(enum vtype t);
enum vtype ifmt_to_vtype(mode_t mode);
/* Is the calling process privileged (effective uid 0)? */
bool vfs_suser(void);
/* The sticky-bit rule: may cred remove or rename vp out of dvp?  Locked. */
int vn_sticky_check(struct vnode *dvp, struct vnode *vp, kauth_cred_t cred);

/* vfs_cache.c: the name cache, with negative entries. */
int ncache_init(void);
void ncache_fini(void);
/*
 * Looks (dvp, name) up: 0 and a referenced *vpp on a hit, ENOENT on a
 * negative hit, -1 on a miss.  The caller holds dvp locked (any mode).
 */
int ncache_lookup(struct vnode *dvp, const char *name, size_t len,
		  struct vnode **vpp);
/* Records (dvp, name) -> vp (NULL: does not exist); dvp locked. */
void ncache_enter(struct vnode *dvp, const char *name, size_t len,
		  struct vnode *vp);
/* Forgets (dvp, name); dvp locked exclusive. */
void ncache_remove(struct vnode *dvp, const char *name, size_t len);
/* A name of vp in dvp (at most NAME_MAX bytes, no NUL), or ENOENT. */
int ncache_revlookup(struct vnode *vp, struct vnode *dvp, char *name,
		     size_t *lenp);
/* Forgets every entry in or naming vp. */
void ncache_purge(struct vnode *vp);
uint64_t ncache_count(void);

/* vfs_lookup.c: from a path to a vnode. */
enum nameiop { NI_LOOKUP, NI_CREATE, NI_DELETE, NI_RENAME };
#define NI_FOLLOW 0x01	   /* follow a symbolic link in the last component */
#define NI_EMPTYPATH 0x02  /* "" names the directory descriptor itself */
#define NI_WANTPARENT 0x04 /* LOOKUP: return the parent referenced too */
#define NI_KERNPATH 0x08   /* ni_path is kernel memory */
enum lastkind { LAST_NORM, LAST_DOT, LAST_DOTDOT, LAST_ROOT };
struct nameidata {
	/* in */
	int ni_dirfd; /* AT_FDCWD or a directory descriptor */
	const char *ni_path;
	enum nameiop ni_op;
	int ni_flags;
	kauth_cred_t ni_cred;
	/*
	 * out.  CREATE and DELETE return the parent locked exclusive and the
	 * entry (if any) referenced and unlocked; RENAME the parent
	 * referenced, unlocked and the entry not looked up; LOOKUP the
	 * object referenced.  When the last component is not a plain name
	 * (lastkind != LAST_NORM), ni_dvp is NULL and ni_vp is the object.
	 */
	struct vnode *ni_dvp;
	struct vnode *ni_vp;
	struct componentname ni_cn; /* the last component */
	enum lastkind ni_lastkind;
	bool ni_trailslash; /* the path ended in '/' */
	char *ni_pnbuf;	    /* the path's kernel copy */
	char *ni_linkbuf;
};
/* Fills nd from the arguments; the caller sets ni_cred. */
void namei_init(struct nameidata *nd, int dirfd, const char *path,
		enum nameiop op, int flags, kauth_cred_t cred);
int namei(struct nameidata *nd);
/* Releases what a successful namei returned: unlocks, vreles, frees. */
void namei_done(struct nameidata *nd);
/* Frees the buffers only (the caller took the vnodes over). */
void namei_free(struct nameidata *nd);
/* A LOOKUP of path: the vnode, referenced. */
int namei_simple(int dirfd, const char *path, int flags, kauth_cred_t cred,
		 struct vnode **vpp);
/* A directory descriptor's vnode, referenced; EBADF, ENOTDIR. */
int fd_getdirvnode(int fd, struct vnode **vpp);
/* A descriptor's vnode, referenced (and the file held if fpp != NULL). */
int fd_getvnode(int fd, struct file **fpp, struct vnode **vpp);
/* The directory a mount's root covers, referenced, or NULL. */
struct vnode *vn_covered(struct vnode *root);
/* Looks up ".." of dir as namei does (mounts, the process root). */
int lookup_parent(struct vnode *dir, struct vnode *root, struct vnode **vpp);
/* Looks up one name in dir (not "." or ".."), with the name cache. */
int lookup_name(struct vnode *dir, const char *name, size_t len,
		kauth_cred_t cred, struct vnode **vpp);
/* Replaces *vpp by the root of what is mounted on it, repeatedly. */
void lookup_crossmounts(struct vnode **vpp);
/* Is a an ancestor of b (or b itself), within b's mount? */
int vn_isancestor(struct vnode *a, struct vnode *b, bool *resultp);

/* vfs_mount.c: the mount table. */
int vfs_mount_init(void);
void vfs_mount_fini(void);
const struct vfsops *vfs_getops(const char *name);
/* Mounts type on covered (NULL: the root); flags MNT_*. */
int vfs_domount(struct vnode *covered, const char *type, const char *source,
		const char *opts, int flags, const char *onname,
		struct mount **mpp);
/* The same with a type that is not in the table (etfs). */
int vfs_domount_ops(struct vnode *covered, const struct vfsops *ops,
		    const char *type, const char *source, const char *opts,
		    int flags, const char *onname, struct mount **mpp);
/* Unmounts the mount whose root is root (the caller's reference goes). */
int vfs_dounmount(struct vnode *root, int flags);
/* Unmounts everything (shutdown), newest first, forcibly. */
void vfs_unmountall(void);
int vfs_statvfs(struct mount *mp, struct rump_statvfs *sb);
void vfs_syncall(void);
/* How many mounts there are. */
int vfs_mountcount(void);
/*
 * Statistics of up to max mounts, in mount order, into sbs; returns how
 * many it filled.  A mount whose file system fails its statvfs is left
 * out.
 */
int vfs_statvfs_all(struct rump_statvfs *sbs, int max);

/* vfs_cwd.c: per-process working directory, root, umask and locks. */
struct cwdinfo {
	kmutex_t cwi_lock; /* the pointers below */
	struct vnode *cwi_cdir;
	struct vnode *cwi_rdir; /* NULL: the global root */
	mode_t cwi_cmask;
	struct proc *cwi_proc;
	struct list_node cwi_all;
	struct list_head cwi_locks; /* POSIX record locks (vfs_lockf.c) */
	void *cwi_waitfor;	    /* the lock this process sleeps on */
};
int cwd_init(void);
void cwd_fini(void);
/* The current process's state (never NULL after init). */
struct cwdinfo *cwd_get(struct proc *p);
/* The same, or NULL once the process's exit hook ran. */
struct cwdinfo *cwd_lookup(struct proc *p);
/* The working directory and root, referenced. */
void cwd_getdirs(struct proc *p, struct vnode **cdirp, struct vnode **rdirp);
/* Sets the working directory or root; takes the caller's reference. */
void cwd_setcdir(struct proc *p, struct vnode *vp);
void cwd_setrdir(struct proc *p, struct vnode *vp);

/* vfs_syscalls_link.c: make a node (umask applied) or remove one. */
int vfs_makenode(int dirfd, const char *path, int niflags, enum vtype type,
		 mode_t mode, dev_t rdev, const char *target);
int vfs_removenode(int dirfd, const char *path, int niflags, bool isdir);

/* vfs_vnops.c: vnode files. */
extern const struct fileops vnops;
/* open(2) on a path: a new file for the opened vnode. */
int vn_open(int dirfd, const char *path, int oflags, mode_t mode,
	    struct file **fpp);
/* Is fp a vnode file of this faction (a fifo included)? */
bool file_is_vnode(struct file *fp);
/* The creation mask of the calling process. */
mode_t vfs_cmask(void);

/* vfs_lockf.c: advisory locks. */
int lf_init(void);
void lf_fini(void);
/* fo_advlock of vnode files (sys/file.h has the contract). */
int lf_advlock(struct file *fp, void *owner, int op, struct rump_flock *fl,
	       int flags);
/* flock(2): LOCK_SH, LOCK_EX, LOCK_UN, with LOCK_NB. */
int lf_flock(struct file *fp, int how);
/* fp's last reference is gone: its flock locks. */
void lf_close(struct file *fp, struct vnode *vp);
/* Process p exits: every POSIX lock it holds. */
void lf_procexit(struct cwdinfo *cwi);
/* vp is leaving: every lock on it. */
void lf_purge(struct vnode *vp);

/*
 * vfs_spec.c: device nodes served by drivers through the device switch.
 * spec_isdev: a VBLK or VCHR vnode whose file system does not serve it.
 */
bool spec_isdev(struct vnode *vp);
int spec_open(struct vnode *vp, int fflag);
int spec_close(struct vnode *vp, int fflag);
int spec_read(struct vnode *vp, struct uio *uio, int ioflag);
int spec_write(struct vnode *vp, struct uio *uio, int ioflag);
int spec_ioctl(struct vnode *vp, unsigned long cmd, void *data, int fflag);
int spec_strategy(struct vnode *vp, struct buf *bp);
int spec_getinfo(struct vnode *vp, struct bdev_info *bi);

/* etfs.c: host files inside the namespace. */
int etfs_init(void);
void etfs_fini(void);
void etfs_fini_disks(void); /* after every file system is unmounted */
extern const struct vfsops etfs_vfsops;
extern const struct vnodeops etfs_vnodeops;
#endif
