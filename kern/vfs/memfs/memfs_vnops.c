/*
 * memfs_vnops.c -- the vnode operations of the in-memory file system:
 * names (lookup, create, mkdir, symlink, link, remove, rmdir, rename),
 * attributes, and data (read, write, readdir, readlink, fallocate,
 * SEEK_DATA/SEEK_HOLE), plus the end of a node's life (inactive,
 * reclaim).  The VFS calls each op with the vnode locks that sys/vnode.h
 * states and has checked permissions; these check what only the file
 * system knows and keep every timestamp as POSIX and Linux tmpfs do.  An
 * op that fails changes nothing.
 */
#include <sys/proc.h>

#include "memfs_int.h"

static bool name_is_dot(const struct componentname *cnp)
{
	return (cnp->cn_namelen == 1 && cnp->cn_name[0] == '.') ||
	       (cnp->cn_namelen == 2 && cnp->cn_name[0] == '.' &&
		cnp->cn_name[1] == '.');
}

static int memfs_lookup(struct vnode *dvp, const struct componentname *cnp,
			struct vnode **vpp)
{
	struct memfs_node *dn = VTOMEMFS(dvp);
	struct memfs_dirent *de;

	if (dn->n_type != VDIR)
		return ENOTDIR;
	if (name_is_dot(cnp)) {
		/* The VFS resolves these itself; answer anyway. */
		if (cnp->cn_namelen == 1)
			return memfs_node_vget(dn, vpp);
		if (dn->n_dir.dir_parent == NULL)
			return ENOENT;
		return memfs_node_vget(dn->n_dir.dir_parent, vpp);
	}
	de = memfs_dir_lookup(dn, cnp->cn_name, cnp->cn_namelen);
	if (de == NULL)
		return ENOENT;
	return memfs_node_vget(de->de_node, vpp);
}

/*
 * Owner, group and mode of a new node in dn: the attributes' if given,
 * else the creator's; a set-group-id directory passes on its group (and
 * to directories the bit itself), and a creator outside the group loses
 * the set-group-id bit it asked for, as in Linux.
 */
static void new_owner(struct memfs_node *dn, const struct vattr *va,
		      kauth_cred_t cred, enum vtype type, uid_t *uidp,
		      gid_t *gidp, mode_t *modep)
{
	mode_t mode = va->va_mode == (mode_t)VNOVAL ? 0 : va->va_mode;
	gid_t gid;

	mode &= ALLPERMS;
	*uidp = va->va_uid != (uid_t)VNOVAL ? va->va_uid
		: cred != NULL		    ? cred->cr_euid
					    : 0;
	if (va->va_gid != (gid_t)VNOVAL)
		gid = va->va_gid;
	else if (dn->n_mode & S_ISGID)
		gid = dn->n_gid;
	else
		gid = cred != NULL ? cred->cr_egid : 0;
	if (type == VDIR && (dn->n_mode & S_ISGID))
		mode |= S_ISGID;
	else if (type != VDIR && (mode & S_ISGID) && cred != NULL &&
		 !cred_is_root(cred) && !cred_groupmember(gid, cred))
		mode &= ~S_ISGID;
	*gidp = gid;
	*modep = mode;
}

/* create, mkdir, symlink: a new node of type under the name cnp in dvp. */
static int memfs_newnode(struct vnode *dvp, const struct componentname *cnp,
			 const struct vattr *va, enum vtype type,
			 const char *target, struct vnode **vpp)
{
	struct memfs_node *dn = VTOMEMFS(dvp), *n;
	struct memfs_mount *mm = dn->n_mount;
	struct memfs_dirent *de;
	struct timespec now;
	size_t tlen = 0;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	int error;

	if (dn->n_type != VDIR)
		return ENOTDIR;
	if (dn->n_nlink == 0)
		return ENOENT;
	if (name_is_dot(cnp) ||
	    memfs_dir_lookup(dn, cnp->cn_name, cnp->cn_namelen) != NULL)
		return EEXIST;
	if (type == VDIR && dn->n_nlink >= MEMFS_LINK_MAX)
		return EMLINK;
	if (type == VLNK) {
		tlen = strnlen(target, PATH_MAX);
		if (tlen == 0)
			return ENOENT;
		if (tlen >= PATH_MAX)
			return ENAMETOOLONG;
	}
	new_owner(dn, va, cnp->cn_cred, type, &uid, &gid, &mode);
	if ((error = memfs_node_alloc(mm, type, mode, uid, gid, &n)) != 0)
		return error;
	switch (type) {
	case VDIR:
		memfs_dir_init(n, dn);
		break;
	case VLNK:
		error = memfs_link_set(n, target, tlen);
		break;
	case VCHR:
	case VBLK:
		n->n_rdev = va->va_rdev;
		break;
	default:
		break;
	}
	if (error == 0)
		error = memfs_dirent_alloc(cnp->cn_name, cnp->cn_namelen, &de);
	if (error != 0) {
		memfs_node_discard(n);
		return error;
	}
	if ((error = memfs_dir_prepare(dn)) != 0) {
		memfs_dirent_free(de);
		memfs_node_discard(n);
		return error;
	}
	memfs_node_insert(mm, n);
	if ((error = memfs_node_vget(n, vpp)) != 0) {
		memfs_dirent_free(de);
		memfs_node_discard(n);
		return error;
	}
	de->de_node = n;
	memfs_dir_insert(dn, de);
	if (type == VDIR)
		dn->n_nlink++;
	now = n->n_ctime;
	memfs_touch(dn, MEMFS_MTIME | MEMFS_CTIME, &now);
	return 0;
}

static int memfs_create(struct vnode *dvp, const struct componentname *cnp,
			const struct vattr *va, struct vnode **vpp)
{
	switch (va->va_type) {
	case VREG:
	case VFIFO:
	case VCHR:
	case VBLK:
	case VSOCK:
		return memfs_newnode(dvp, cnp, va, va->va_type, NULL, vpp);
	default:
		return EINVAL;
	}
}

static int memfs_mkdir(struct vnode *dvp, const struct componentname *cnp,
		       const struct vattr *va, struct vnode **vpp)
{
	return memfs_newnode(dvp, cnp, va, VDIR, NULL, vpp);
}

static int memfs_symlink(struct vnode *dvp, const struct componentname *cnp,
			 const struct vattr *va, const char *target,
			 struct vnode **vpp)
{
	return memfs_newnode(dvp, cnp, va, VLNK, target, vpp);
}

/* The entry cnp of dn, which must name n. */
static struct memfs_dirent *entry_of(struct memfs_node *dn,
				     const struct componentname *cnp,
				     struct memfs_node *n)
{
	struct memfs_dirent *de;

	de = memfs_dir_lookup(dn, cnp->cn_name, cnp->cn_namelen);
	return de != NULL && de->de_node == n ? de : NULL;
}

static int memfs_remove(struct vnode *dvp, struct vnode *vp,
			const struct componentname *cnp)
{
	struct memfs_node *dn = VTOMEMFS(dvp), *n = VTOMEMFS(vp);
	struct memfs_dirent *de;
	struct timespec now;

	if (n->n_type == VDIR)
		return EISDIR;
	if ((de = entry_of(dn, cnp, n)) == NULL)
		return ENOENT;
	memfs_dir_remove(dn, de);
	memfs_dirent_free(de);
	n->n_nlink--;
	vfs_timestamp(&now);
	memfs_touch(n, MEMFS_CTIME, &now);
	memfs_touch(dn, MEMFS_MTIME | MEMFS_CTIME, &now);
	return 0;
}

static int memfs_rmdir(struct vnode *dvp, struct vnode *vp,
		       const struct componentname *cnp)
{
	struct memfs_node *dn = VTOMEMFS(dvp), *n = VTOMEMFS(vp);
	struct memfs_dirent *de;
	struct timespec now;

	if (n->n_type != VDIR)
		return ENOTDIR;
	if (name_is_dot(cnp))
		return EINVAL;
	if ((de = entry_of(dn, cnp, n)) == NULL)
		return ENOENT;
	if (n->n_dir.dir_count != 0)
		return ENOTEMPTY;
	memfs_dir_remove(dn, de);
	memfs_dirent_free(de);
	n->n_nlink = 0;
	n->n_dir.dir_parent = NULL;
	dn->n_nlink--;
	vfs_timestamp(&now);
	memfs_touch(n, MEMFS_CTIME, &now);
	memfs_touch(dn, MEMFS_MTIME | MEMFS_CTIME, &now);
	return 0;
}

static int memfs_link(struct vnode *dvp, struct vnode *vp,
		      const struct componentname *cnp)
{
	struct memfs_node *dn = VTOMEMFS(dvp), *n = VTOMEMFS(vp);
	struct memfs_dirent *de;
	struct timespec now;
	int error;

	if (dvp->v_mount != vp->v_mount)
		return EXDEV;
	if (n->n_type == VDIR)
		return EPERM;
	if (dn->n_type != VDIR)
		return ENOTDIR;
	if (dn->n_nlink == 0 || n->n_nlink == 0)
		return ENOENT;
	if (n->n_nlink >= MEMFS_LINK_MAX)
		return EMLINK;
	if (name_is_dot(cnp) ||
	    memfs_dir_lookup(dn, cnp->cn_name, cnp->cn_namelen) != NULL)
		return EEXIST;
	if ((error = memfs_dirent_alloc(cnp->cn_name, cnp->cn_namelen, &de)))
		return error;
	if ((error = memfs_dir_prepare(dn)) != 0) {
		memfs_dirent_free(de);
		return error;
	}
	de->de_node = n;
	memfs_dir_insert(dn, de);
	n->n_nlink++;
	vfs_timestamp(&now);
	memfs_touch(n, MEMFS_CTIME, &now);
	memfs_touch(dn, MEMFS_MTIME | MEMFS_CTIME, &now);
	return 0;
}

/*
 * Rename.  Over an existing name the target's entry is reused (it keeps
 * its readdir position) and the target node loses that link; otherwise a
 * new entry is made first, the only step that can fail.  A directory that
 * changes parent takes its ".." link from the old parent to the new.
 */
static int memfs_rename(struct vnode *fdvp, struct vnode *fvp,
			const struct componentname *fcnp, struct vnode *tdvp,
			struct vnode *tvp, const struct componentname *tcnp)
{
	struct memfs_node *fdn = VTOMEMFS(fdvp), *fn = VTOMEMFS(fvp);
	struct memfs_node *tdn = VTOMEMFS(tdvp), *tn, *p;
	struct memfs_dirent *fde, *tde, *nde = NULL;
	struct memfs_mount *mm = fdn->n_mount;
	struct timespec now;
	int error;

	tn = tvp != NULL ? VTOMEMFS(tvp) : NULL;
	if (fvp->v_mount != tdvp->v_mount ||
	    (tvp != NULL && tvp->v_mount != tdvp->v_mount))
		return EXDEV;
	if (name_is_dot(fcnp) || name_is_dot(tcnp))
		return EINVAL;
	if (tdn->n_type != VDIR)
		return ENOTDIR;
	if ((fde = entry_of(fdn, fcnp, fn)) == NULL || tdn->n_nlink == 0)
		return ENOENT;
	tde = memfs_dir_lookup(tdn, tcnp->cn_name, tcnp->cn_namelen);
	if (tn != NULL ? tde == NULL || tde->de_node != tn : tde != NULL)
		return tn != NULL ? ENOENT : EEXIST;
	if (fn == tn)
		return 0;
	if (tn != NULL && fn->n_type == VDIR) {
		if (tn->n_type != VDIR)
			return ENOTDIR;
		if (tn->n_dir.dir_count != 0)
			return ENOTEMPTY;
	} else if (tn != NULL && tn->n_type == VDIR)
		return EISDIR;
	if (fn->n_type == VDIR && fdn != tdn) {
		/* Not into itself or below (the VFS checked too). */
		for (p = tdn; p != NULL && p != mm->mm_root;
		     p = p->n_dir.dir_parent)
			if (p == fn)
				return EINVAL;
		if (tn == NULL && tdn->n_nlink >= MEMFS_LINK_MAX)
			return EMLINK;
	}
	if (tn == NULL) {
		error = memfs_dirent_alloc(tcnp->cn_name, tcnp->cn_namelen,
					   &nde);
		if (error == 0 && (error = memfs_dir_prepare(tdn)) != 0)
			memfs_dirent_free(nde);
		if (error != 0)
			return error;
	}

	/* Nothing below can fail.  The new entry goes in first (prepare). */
	vfs_timestamp(&now);
	if (tn != NULL) {
		tde->de_node = fn;
		if (tn->n_type == VDIR) {
			tn->n_nlink = 0;
			tn->n_dir.dir_parent = NULL;
			tdn->n_nlink--;
		} else
			tn->n_nlink--;
		memfs_touch(tn, MEMFS_CTIME, &now);
	} else {
		nde->de_node = fn;
		memfs_dir_insert(tdn, nde);
	}
	memfs_dir_remove(fdn, fde);
	memfs_dirent_free(fde);
	if (fn->n_type == VDIR && fdn != tdn) {
		fn->n_dir.dir_parent = tdn;
		fdn->n_nlink--;
		tdn->n_nlink++;
	}
	memfs_touch(fn, MEMFS_CTIME, &now);
	memfs_touch(fdn, MEMFS_MTIME | MEMFS_CTIME, &now);
	memfs_touch(tdn, MEMFS_MTIME | MEMFS_CTIME, &now);
	return 0;
}

static int memfs_getattr(struct vnode *vp, struct vattr *va)
{
	struct memfs_node *n = VTOMEMFS(vp);
	kmutex_t *lock = memfs_nodelock(n);

	va->va_type = n->n_type;
	va->va_mode = n->n_mode & ALLPERMS;
	va->va_nlink = n->n_nlink;
	va->va_uid = n->n_uid;
	va->va_gid = n->n_gid;
	va->va_fsid = vp->v_mount->mnt_fsid;
	va->va_fileid = n->n_ino;
	va->va_size = 0;
	va->va_bytes = 0;
	va->va_rdev = 0;
	switch (n->n_type) {
	case VREG:
		va->va_size = n->n_size;
		va->va_bytes = (int64_t)(n->n_pages.pg_count * MEMFS_PAGE_SIZE);
		break;
	case VDIR:
		va->va_size = ((int64_t)n->n_dir.dir_count + 2) *
			      MEMFS_DIRENT_BOGOSIZE;
		break;
	case VLNK:
		va->va_size = n->n_size;
		break;
	case VCHR:
	case VBLK:
		va->va_rdev = n->n_rdev;
		break;
	default:
		break;
	}
	va->va_blocksize = MEMFS_PAGE_SIZE;
	mutex_enter(lock);
	va->va_atime = n->n_atime;
	va->va_mtime = n->n_mtime;
	va->va_ctime = n->n_ctime;
	va->va_birthtime = n->n_birthtime;
	mutex_exit(lock);
	return 0;
}

/* Set *tp from a setattr time unless it says to leave it; true if set. */
static bool set_time(struct timespec *tp, const struct timespec *want,
		     const struct timespec *now)
{
	if (want->tv_sec == VNOVAL_TIME || want->tv_nsec == UTIME_OMIT)
		return false;
	*tp = want->tv_nsec == UTIME_NOW ? *now : *want;
	return true;
}

/* Size first: it is the one change that can fail. */
static int memfs_setattr(struct vnode *vp, const struct vattr *va)
{
	struct memfs_node *n = VTOMEMFS(vp);
	struct timespec now;
	bool changed = false;
	int error;

	vfs_timestamp(&now);
	if (va->va_size != VNOVAL) {
		switch (n->n_type) {
		case VREG:
			if ((error = memfs_data_truncate(n, va->va_size)) != 0)
				return error;
			memfs_touch(n, MEMFS_MTIME, &now);
			changed = true;
			break;
		case VDIR:
			return EISDIR;
		case VLNK:
			return EINVAL;
		default: /* a fifo or device has no data to cut */
			break;
		}
	}
	if (va->va_mode != (mode_t)VNOVAL) {
		n->n_mode = va->va_mode & ALLPERMS;
		changed = true;
	}
	if (va->va_uid != (uid_t)VNOVAL) {
		n->n_uid = va->va_uid;
		changed = true;
	}
	if (va->va_gid != (gid_t)VNOVAL) {
		n->n_gid = va->va_gid;
		changed = true;
	}
	changed |= set_time(&n->n_atime, &va->va_atime, &now);
	changed |= set_time(&n->n_mtime, &va->va_mtime, &now);
	changed |= set_time(&n->n_birthtime, &va->va_birthtime, &now);
	if (!set_time(&n->n_ctime, &va->va_ctime, &now) && changed)
		n->n_ctime = now;
	return 0;
}

static int memfs_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct memfs_node *n = VTOMEMFS(vp);
	int error;

	if (n->n_type == VDIR)
		return EISDIR;
	if (n->n_type != VREG)
		return EINVAL;
	if (uio->uio_resid == 0)
		return 0;
	error = memfs_data_read(n, uio);
	if (!(ioflag & IO_NOATIME))
		memfs_touch_atime(n);
	return error;
}

/*
 * Writing drops the set-user-id bit, and set-group-id with group execute,
 * unless the writer is root (Linux's file_remove_privs).
 */
static void write_killpriv(struct memfs_node *n)
{
	kauth_cred_t cred;

	if (!(n->n_mode & S_ISUID) &&
	    (n->n_mode & (S_ISGID | S_IXGRP)) != (S_ISGID | S_IXGRP))
		return;
	cred = cred_get(curproc);
	if (!cred_is_root(cred)) {
		n->n_mode &= ~S_ISUID;
		if (n->n_mode & S_IXGRP)
			n->n_mode &= ~S_ISGID;
	}
	cred_free(cred);
}

static int memfs_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct memfs_node *n = VTOMEMFS(vp);
	size_t resid = uio->uio_resid;
	struct timespec now;
	int error;

	if (n->n_type == VDIR)
		return EISDIR;
	if (n->n_type != VREG)
		return EINVAL;
	error = memfs_data_write(n, uio, ioflag);
	if (uio->uio_resid != resid) {
		write_killpriv(n);
		vfs_timestamp(&now);
		memfs_touch(n, MEMFS_MTIME | MEMFS_CTIME, &now);
	}
	return error;
}

static int memfs_readdir(struct vnode *vp, struct uio *uio, bool *eofp)
{
	struct memfs_node *n = VTOMEMFS(vp);

	if (n->n_type != VDIR)
		return ENOTDIR;
	return memfs_dir_readdir(n, uio, eofp);
}

static int memfs_readlink(struct vnode *vp, struct uio *uio)
{
	struct memfs_node *n = VTOMEMFS(vp);
	int error;

	if (n->n_type != VLNK)
		return EINVAL;
	error = uiomove(n->n_link.lk_target,
			MIN((size_t)n->n_size, uio->uio_resid), uio);
	memfs_touch_atime(n);
	return error;
}

static int memfs_fsync(struct vnode *vp, int flags)
{
	return 0; /* memory is as stable as it gets */
}

static int memfs_fallocate(struct vnode *vp, off_t off, off_t len)
{
	struct memfs_node *n = VTOMEMFS(vp);
	int64_t size = n->n_size;
	struct timespec now;
	int error;

	if (n->n_type == VDIR)
		return EISDIR;
	if (n->n_type != VREG)
		return ENODEV;
	if ((error = memfs_data_fallocate(n, off, len)) != 0)
		return error;
	vfs_timestamp(&now);
	memfs_touch(n,
		    n->n_size != size ? MEMFS_MTIME | MEMFS_CTIME : MEMFS_CTIME,
		    &now);
	return 0;
}

static int memfs_seekdata(struct vnode *vp, off_t off, int whence,
			  off_t *resultp)
{
	struct memfs_node *n = VTOMEMFS(vp);

	if (n->n_type != VREG)
		return EINVAL;
	return memfs_data_seek(n, off, whence, resultp);
}

/* The last reference went: a node without links frees its storage. */
static void memfs_inactive(struct vnode *vp)
{
	struct memfs_node *n = VTOMEMFS(vp);

	if (n != NULL && n->n_nlink == 0)
		memfs_node_kill(n);
}

static void memfs_reclaim(struct vnode *vp)
{
	struct memfs_node *n = VTOMEMFS(vp);

	vp->v_data = NULL;
	if (n != NULL)
		memfs_node_reclaim(n, vp);
}

const struct vnodeops memfs_vnodeops = {
	.vop_lookup = memfs_lookup,
	.vop_create = memfs_create,
	.vop_mkdir = memfs_mkdir,
	.vop_symlink = memfs_symlink,
	.vop_remove = memfs_remove,
	.vop_rmdir = memfs_rmdir,
	.vop_link = memfs_link,
	.vop_rename = memfs_rename,
	.vop_getattr = memfs_getattr,
	.vop_setattr = memfs_setattr,
	.vop_read = memfs_read,
	.vop_write = memfs_write,
	.vop_readdir = memfs_readdir,
	.vop_readlink = memfs_readlink,
	.vop_fsync = memfs_fsync,
	.vop_fallocate = memfs_fallocate,
	.vop_seekdata = memfs_seekdata,
	.vop_inactive = memfs_inactive,
	.vop_reclaim = memfs_reclaim,
};
