/*
 * vfs_mount.c -- file system types and the mount table.  A mount covers a
 * directory vnode (v_mountedhere), holds its root vnode referenced, and
 * is unmounted only when no vnode of it is in use (or forcibly: the busy
 * vnodes become dead).  Mounting and unmounting are serialized by one
 * lock; crossing into a mount needs only the covered vnode's lock, which
 * (un)mount holds exclusive while it changes v_mountedhere.
 */
#include <sys/mutex.h>

#include "vfs_private.h"

#define VFS_MAXTYPES 32

KMEM_TYPE_DEFINE(M_MOUNT, "mount");

struct vnode *rootvnode;
struct mount *rootmount;

static kmutex_t vfs_types_lock;
static const struct vfsops *vfs_types[VFS_MAXTYPES];
static kmutex_t mountop_lock; /* mount, unmount, sync, the mount list */
static struct list_head mountlist = LIST_HEAD_INIT(mountlist);
/*
 * Forcibly unmounted mounts, freed at shutdown: a thread that read a
 * vnode's v_mount just before the vnode went dead may still look at it.
 */
static struct list_head mountgrave = LIST_HEAD_INIT(mountgrave);
static uint64_t next_fsid = 0x100;
static int nmounts;

static bool vfsops_named(const struct vfsops *ops, const char *name)
{
	if (strcmp(ops->vfs_name, name) == 0)
		return true;
	for (const char *const *a = ops->vfs_aliases; a != NULL && *a != NULL;
	     a++)
		if (strcmp(*a, name) == 0)
			return true;
	return false;
}

static const struct vfsops *vfs_getops_locked(const char *name)
{
	for (int i = 0; i < VFS_MAXTYPES; i++)
		if (vfs_types[i] != NULL && vfsops_named(vfs_types[i], name))
			return vfs_types[i];
	return NULL;
}

const struct vfsops *vfs_getops(const char *name)
{
	const struct vfsops *ops;

	mutex_enter(&vfs_types_lock);
	ops = vfs_getops_locked(name);
	mutex_exit(&vfs_types_lock);
	return ops;
}

int vfs_register(const struct vfsops *ops)
{
	int free = -1;

	mutex_enter(&vfs_types_lock);
	if (vfs_getops_locked(ops->vfs_name) != NULL) {
		mutex_exit(&vfs_types_lock);
		return EEXIST;
	}
	for (const char *const *a = ops->vfs_aliases; a != NULL && *a != NULL;
	     a++) {
		if (vfs_getops_locked(*a) != NULL) {
			mutex_exit(&vfs_types_lock);
			return EEXIST;
		}
	}
	for (int i = 0; i < VFS_MAXTYPES && free < 0; i++)
		if (vfs_types[i] == NULL)
			free = i;
	if (free >= 0)
		vfs_types[free] = ops;
	mutex_exit(&vfs_types_lock);
	return free >= 0 ? 0 : ENOSPC;
}

/* The mount of type ops mounted last with nothing mounted inside it. */
static struct mount *mount_leaf(const struct vfsops *ops)
{
	for (struct list_node *n = mountlist.n.prev; n != &mountlist.n;
	     n = n->prev) {
		struct mount *mp = list_entry(n, struct mount, mnt_node);
		bool busy = false;

		if (ops != NULL && mp->mnt_op != ops)
			continue;
		list_foreach(it, &mountlist)
		{
			struct mount *m =
				list_entry(it, struct mount, mnt_node);
			if (m->mnt_vnodecovered != NULL &&
			    vn_mount(m->mnt_vnodecovered) == mp)
				busy = true;
		}
		if (!busy)
			return mp;
	}
	return NULL;
}

static int vfs_dounmount_locked(struct mount *mp, int flags);

/* A type leaves: its mounts go first, forcibly (the driver is stopping). */
void vfs_unregister(const struct vfsops *ops)
{
	struct mount *mp;
	bool mounted = true;

	mutex_enter(&mountop_lock);
	while (mounted) {
		mounted = false;
		list_foreach(it, &mountlist) if (list_entry(it, struct mount,
							    mnt_node)
							 ->mnt_op == ops)
			mounted = true;
		if (!mounted)
			break;
		/* Mounts of other types inside it must go first. */
		if ((mp = mount_leaf(ops)) == NULL)
			mp = mount_leaf(NULL);
		if (mp == NULL || mp == rootmount ||
		    vfs_dounmount_locked(mp, MNT_FORCE) != 0) {
			printf("vfs: %s: a mount of it stays\n", ops->vfs_name);
			break;
		}
	}
	mutex_exit(&mountop_lock);
	mutex_enter(&vfs_types_lock);
	for (int i = 0; i < VFS_MAXTYPES; i++)
		if (vfs_types[i] == ops)
			vfs_types[i] = NULL;
	mutex_exit(&vfs_types_lock);
}

static void mount_free(struct mount *mp)
{
	rw_destroy(&mp->mnt_unmounting);
	mutex_destroy(&mp->mnt_renamelock);
	kmem_free(mp, sizeof(*mp), &M_MOUNT);
}

static struct mount *mount_alloc(const struct vfsops *ops, const char *type,
				 const char *source, const char *onname,
				 int flags)
{
	struct mount *mp = kmem_zalloc(sizeof(*mp), &M_MOUNT);

	if (mp == NULL)
		return NULL;
	mp->mnt_op = ops;
	mp->mnt_flag = flags & (MNT_RDONLY | MNT_SYNCHRONOUS | MNT_NOEXEC |
				MNT_NOSUID | MNT_NODEV | MNT_NOATIME);
	rw_init(&mp->mnt_unmounting);
	mutex_init(&mp->mnt_renamelock, MUTEX_DEFAULT);
	list_init(&mp->mnt_vnodes);
	strlcpy(mp->mnt_stat_fstypename, type, sizeof(mp->mnt_stat_fstypename));
	strlcpy(mp->mnt_stat_mntonname, onname, sizeof(mp->mnt_stat_mntonname));
	strlcpy(mp->mnt_stat_mntfromname, source != NULL ? source : type,
		sizeof(mp->mnt_stat_mntfromname));
	return mp;
}

int vfs_domount(struct vnode *covered, const char *type, const char *source,
		const char *opts, int flags, const char *onname,
		struct mount **mpp)
{
	const struct vfsops *ops = vfs_getops(type);

	if (ops == NULL)
		return ENODEV;
	return vfs_domount_ops(covered, ops, type, source, opts, flags, onname,
			       mpp);
}

int vfs_domount_ops(struct vnode *covered, const struct vfsops *ops,
		    const char *type, const char *source, const char *opts,
		    int flags, const char *onname, struct mount **mpp)
{
	struct mount *mp;
	struct vnode *root;
	int error;

	if ((mp = mount_alloc(ops, type, source, onname, flags)) == NULL)
		return ENOMEM;
	/*
	 * Only (un)mount changes v_mountedhere, under mountop_lock, so the
	 * covered vnode need not be locked while the file system mounts
	 * (which may look paths up itself).
	 */
	mutex_enter(&mountop_lock);
	mp->mnt_fsid = next_fsid++;
	/* Lookups start at rootvnode itself: a mount on it would hide. */
	if (covered != NULL &&
	    (covered->v_mountedhere != NULL || covered == rootvnode)) {
		error = EBUSY;
		goto fail;
	}
	if (covered != NULL &&
	    (atomic_load_acquire(&covered->v_flags) & VI_RECLAIMED)) {
		error = ENOENT;
		goto fail;
	}
	if ((error = ops->vfs_mount(mp, source, opts)) != 0)
		goto fail;
	if ((error = ops->vfs_root(mp, &root)) != 0) {
		ops->vfs_unmount(mp, MNT_FORCE);
		vflush(mp, MNT_FORCE, false);
		goto fail;
	}
	vnode_setroot(root);
	mp->mnt_root = root;
	mp->mnt_vnodecovered = covered;
	if (covered != NULL) {
		vref(covered);
		vn_lock(covered, RW_WRITER);
		atomic_store_release(&covered->v_mountedhere, mp);
		vn_unlock(covered);
	}
	list_push_back(&mountlist, &mp->mnt_node);
	nmounts++;
	mutex_exit(&mountop_lock);
	if (mpp != NULL)
		*mpp = mp;
	return 0;
fail:
	mutex_exit(&mountop_lock);
	mount_free(mp);
	return error;
}

/* Puts a mount whose unmount failed back as it was; covered locked. */
static int mount_restore(struct mount *mp)
{
	struct vnode *root;
	int error = mp->mnt_op->vfs_root(mp, &root);

	if (error != 0) {
		printf("vfs: %s: root lost after a failed unmount\n",
		       mp->mnt_stat_mntonname);
		return error;
	}
	vnode_setroot(root);
	mp->mnt_root = root;
	if (mp->mnt_vnodecovered != NULL)
		atomic_store_release(&mp->mnt_vnodecovered->v_mountedhere, mp);
	return 0;
}

static int vfs_dounmount_locked(struct mount *mp, int flags)
{
	struct vnode *covered = mp->mnt_vnodecovered;
	bool force = (flags & MNT_FORCE) != 0;
	int error;

	list_foreach(it, &mountlist)
	{
		struct mount *m = list_entry(it, struct mount, mnt_node);
		if (m->mnt_vnodecovered != NULL &&
		    vn_mount(m->mnt_vnodecovered) == mp)
			return EBUSY;
	}
	if (covered != NULL)
		vn_lock(covered, RW_WRITER);
	if (!force && (error = vflush(mp, 0, true)) != 0)
		goto out;
	rw_enter(&mp->mnt_unmounting, RW_WRITER);
	if (!force && !(mp->mnt_flag & MNT_RDONLY) &&
	    (error = mp->mnt_op->vfs_sync(mp, true)) != 0) {
		rw_exit(&mp->mnt_unmounting);
		goto out;
	}
	/* Nobody can cross into it any more: let go of the root. */
	if (covered != NULL)
		atomic_store_release(&covered->v_mountedhere, NULL);
	vrele(mp->mnt_root);
	mp->mnt_root = NULL;
	error = vflush(mp, flags, false);
	if (error == 0)
		error = mp->mnt_op->vfs_unmount(mp, flags);
	/* A file system that failed but went all the way (mnt_data NULL)
	 * cannot be put back: the unmount completes, with its error. */
	if (error != 0 && !force && mp->mnt_data != NULL) {
		vflush(mp, 0, false);
		mount_restore(mp);
		rw_exit(&mp->mnt_unmounting);
		goto out;
	}
	if (error != 0)
		printf("vfs: unmount of %s: error %d\n",
		       mp->mnt_stat_mntonname, error);
	if (force)
		error = 0;
	/* Anything the failed file system left behind goes now. */
	vflush(mp, MNT_FORCE, false);
	rw_exit(&mp->mnt_unmounting);
	list_remove(&mp->mnt_node);
	nmounts--;
	if (covered != NULL) {
		vn_unlock(covered);
		vrele(covered);
	}
	if (mp == rootmount) {
		rootmount = NULL;
		rootvnode = NULL;
	}
	if (force && mp != rootmount)
		list_push_back(&mountgrave, &mp->mnt_node);
	else
		mount_free(mp);
	return error;
out:
	if (covered != NULL)
		vn_unlock(covered);
	return error;
}

int vfs_dounmount(struct vnode *root, int flags)
{
	struct mount *mp;
	int error;

	mutex_enter(&mountop_lock);
	mp = vn_mount(root);
	if (!vn_isroot(root) || mp->mnt_root != root)
		error = EINVAL; /* not a mount point (any more) */
	else if (mp == rootmount)
		error = EBUSY;
	else
		error = 0;
	/* The caller's reference must not count as a use. */
	vrele(root);
	if (error == 0)
		error = vfs_dounmount_locked(mp, flags);
	mutex_exit(&mountop_lock);
	return error;
}

void vfs_unmountall(void)
{
	struct mount *mp;

	mutex_enter(&mountop_lock);
	while ((mp = mount_leaf(NULL)) != NULL) {
		if (vfs_dounmount_locked(mp, MNT_FORCE) != 0) {
			printf("vfs: cannot unmount %s\n",
			       mp->mnt_stat_mntonname);
			break;
		}
	}
	mutex_exit(&mountop_lock);
}

int vfs_mountcount(void)
{
	int n;

	mutex_enter(&mountop_lock);
	n = nmounts;
	mutex_exit(&mountop_lock);
	return n;
}

int vfs_statvfs(struct mount *mp, struct rump_statvfs *sb)
{
	struct statvfs_fs sfs;
	int error;

	memset(&sfs, 0, sizeof(sfs));
	rw_enter(&mp->mnt_unmounting, RW_READER);
	error = mp->mnt_op->vfs_statvfs(mp, &sfs);
	rw_exit(&mp->mnt_unmounting);
	if (error != 0)
		return error;
	memset(sb, 0, sizeof(*sb));
	sb->f_flag = (uint64_t)mp->mnt_flag;
	sb->f_bsize = sfs.bsize;
	sb->f_frsize = sfs.frsize != 0 ? sfs.frsize : sfs.bsize;
	sb->f_blocks = sfs.blocks;
	sb->f_bfree = sfs.bfree;
	sb->f_bavail = sfs.bavail;
	sb->f_files = sfs.files;
	sb->f_ffree = sfs.ffree;
	sb->f_favail = sfs.favail;
	sb->f_fsid = mp->mnt_fsid;
	sb->f_namemax = sfs.namemax != 0 ? sfs.namemax : NAME_MAX;
	strlcpy(sb->f_fstypename, mp->mnt_stat_fstypename,
		sizeof(sb->f_fstypename));
	strlcpy(sb->f_mntonname, mp->mnt_stat_mntonname,
		sizeof(sb->f_mntonname));
	strlcpy(sb->f_mntfromname, mp->mnt_stat_mntfromname,
		sizeof(sb->f_mntfromname));
	return 0;
}

int vfs_statvfs_all(struct rump_statvfs *sbs, int max)
{
	int n = 0;

	/* The list cannot change under mountop_lock (vfs_syncall's order:
	 * mountop_lock, then a mount's mnt_unmounting). */
	mutex_enter(&mountop_lock);
	list_foreach(it, &mountlist)
	{
		struct mount *mp = list_entry(it, struct mount, mnt_node);
		if (n == max)
			break;
		if (vfs_statvfs(mp, &sbs[n]) == 0)
			n++;
	}
	mutex_exit(&mountop_lock);
	return n;
}

void vfs_syncall(void)
{
	mutex_enter(&mountop_lock);
	list_foreach(it, &mountlist)
	{
		struct mount *mp = list_entry(it, struct mount, mnt_node);
		if (mp->mnt_flag & MNT_RDONLY)
			continue;
		rw_enter(&mp->mnt_unmounting, RW_READER);
		mp->mnt_op->vfs_sync(mp, true);
		rw_exit(&mp->mnt_unmounting);
	}
	mutex_exit(&mountop_lock);
}

int vfs_mount_init(void)
{
	mutex_init(&vfs_types_lock, MUTEX_DEFAULT);
	mutex_init(&mountop_lock, MUTEX_DEFAULT);
	list_init(&mountlist);
	list_init(&mountgrave);
	nmounts = 0;
	return 0;
}

/* Unmounts everything, the root last (shutdown). */
void vfs_mount_fini(void)
{
	vfs_unmountall();
	mutex_enter(&mountop_lock);
	if (rootmount != NULL && nmounts == 1)
		vfs_dounmount_locked(rootmount, MNT_FORCE);
	mutex_exit(&mountop_lock);
	KASSERTMSG(nmounts == 0, "vfs: %d mounts left at shutdown", nmounts);
	while (!list_empty(&mountgrave)) {
		struct mount *mp = list_entry(list_first(&mountgrave),
					      struct mount, mnt_node);
		list_remove(&mp->mnt_node);
		mount_free(mp);
	}
	mutex_destroy(&mountop_lock);
	mutex_destroy(&vfs_types_lock);
	memset(vfs_types, 0, sizeof(vfs_types));
}
