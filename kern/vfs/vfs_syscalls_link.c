/*
 * vfs_syscalls_link.c -- system calls that make and remove names: mkdir,
 * mknod, mkfifo, symlink, link, unlink, rmdir, rename and readlink, with
 * their *at variants.  Errors follow Linux for a local file system (e.g.
 * unlink of a directory is EISDIR, a trailing slash on a new non-directory
 * ENOENT).  Rename runs under the mount's rename lock and locks the two
 * directories ancestor first, then the two entries.
 */
#include <sys/sysargs.h>
#include <sys/sysproto.h>

#include "vfs_private.h"

/*
 * Makes the last component of path a new node of type (a directory, a
 * symbolic link to target, or a file, fifo, socket or device node).
 */
int vfs_makenode(int dirfd, const char *path, int niflags, enum vtype type,
		 mode_t mode, dev_t rdev, const char *target)
{
	kauth_cred_t cred = cred_get(curproc);
	struct nameidata nd;
	struct vnode *dvp, *vp;
	struct vattr va;
	int error;

	namei_init(&nd, dirfd, path, NI_CREATE, niflags, cred);
	if ((error = namei(&nd)) != 0)
		goto out;
	dvp = nd.ni_dvp;
	if (nd.ni_lastkind != LAST_NORM || nd.ni_vp != NULL)
		error = EEXIST;
	else if (nd.ni_trailslash && type != VDIR)
		error = ENOENT; /* a trailing slash asks for a directory */
	else if (vn_rdonly(dvp))
		error = EROFS;
	else
		error = vn_access_locked(dvp, VWRITE | VEXEC, cred);
	if (error != 0)
		goto done;
	vattr_null(&va);
	va.va_type = type;
	va.va_mode = type == VLNK ? ACCESSPERMS : mode & ~vfs_cmask();
	if (type == VBLK || type == VCHR)
		va.va_rdev = rdev;
	switch (type) {
	case VDIR:
		error = VOP_MKDIR(dvp, &nd.ni_cn, &va, &vp);
		break;
	case VLNK:
		error = VOP_SYMLINK(dvp, &nd.ni_cn, &va, target, &vp);
		break;
	default:
		error = VOP_CREATE(dvp, &nd.ni_cn, &va, &vp);
		break;
	}
	if (error == 0) {
		ncache_enter(dvp, nd.ni_cn.cn_name, nd.ni_cn.cn_namelen, vp);
		vrele(vp);
	}
done:
	namei_done(&nd);
out:
	cred_free(cred);
	return error;
}

int sys_mkdir(struct lwp *l, const struct sys_mkdir_args *uap,
	      register_t *retval)
{
	return vfs_makenode(AT_FDCWD, SCARG(uap, path), 0, VDIR,
			    SCARG(uap, mode) & (ACCESSPERMS | S_ISVTX), 0,
			    NULL);
}

int sys_mkdirat(struct lwp *l, const struct sys_mkdirat_args *uap,
		register_t *retval)
{
	return vfs_makenode((int)SCARG(uap, dirfd), SCARG(uap, path), 0, VDIR,
			    SCARG(uap, mode) & (ACCESSPERMS | S_ISVTX), 0,
			    NULL);
}

int sys_mknod(struct lwp *l, const struct sys_mknod_args *uap,
	      register_t *retval)
{
	mode_t mode = (mode_t)SCARG(uap, mode);
	enum vtype type;

	switch (mode & S_IFMT) {
	case 0:
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFCHR:
	case S_IFBLK:
		if (!vfs_suser())
			return EPERM;
		break;
	case S_IFDIR:
		return EPERM;
	default:
		return EINVAL;
	}
	type = ifmt_to_vtype(mode);
	return vfs_makenode(AT_FDCWD, SCARG(uap, path), 0, type,
			    mode & ALLPERMS, (dev_t)SCARG(uap, dev), NULL);
}

int sys_mkfifo(struct lwp *l, const struct sys_mkfifo_args *uap,
	       register_t *retval)
{
	return vfs_makenode(AT_FDCWD, SCARG(uap, path), 0, VFIFO,
			    SCARG(uap, mode) & ALLPERMS, 0, NULL);
}

static int vfs_symlinkat(const char *utarget, int dirfd, const char *path)
{
	char *target = kmem_alloc(PATH_MAX, &M_PATHBUF);
	int error;

	if (target == NULL)
		return ENOMEM;
	error = copyinstr(utarget, target, PATH_MAX, NULL);
	if (error == 0 && target[0] == '\0')
		error = ENOENT;
	if (error == 0)
		error = vfs_makenode(dirfd, path, 0, VLNK, 0, 0, target);
	kmem_free(target, PATH_MAX, &M_PATHBUF);
	return error;
}

int sys_symlink(struct lwp *l, const struct sys_symlink_args *uap,
		register_t *retval)
{
	return vfs_symlinkat(SCARG(uap, target), AT_FDCWD,
			     SCARG(uap, linkpath));
}

int sys_symlinkat(struct lwp *l, const struct sys_symlinkat_args *uap,
		  register_t *retval)
{
	return vfs_symlinkat(SCARG(uap, target), (int)SCARG(uap, newdirfd),
			     SCARG(uap, linkpath));
}

/* unlink (isdir false) and rmdir (true). */
int vfs_removenode(int dirfd, const char *path, int niflags, bool isdir)
{
	kauth_cred_t cred = cred_get(curproc);
	struct nameidata nd;
	struct vnode *dvp, *vp;
	int error;

	namei_init(&nd, dirfd, path, NI_DELETE, niflags, cred);
	if ((error = namei(&nd)) != 0)
		goto out;
	dvp = nd.ni_dvp;
	vp = nd.ni_vp;
	if (nd.ni_lastkind != LAST_NORM) {
		if (!isdir)
			error = EISDIR;
		else if (nd.ni_lastkind == LAST_DOT)
			error = EINVAL;
		else if (nd.ni_lastkind == LAST_DOTDOT)
			error = ENOTEMPTY;
		else
			error = EBUSY;
		goto done;
	}
	if (vn_rdonly(dvp))
		error = EROFS;
	else if (vp == NULL)
		error = ENOENT;
	else if (!isdir && vp->v_type == VDIR)
		error = EISDIR;
	else if (!isdir && nd.ni_trailslash)
		error = ENOTDIR;
	else if (isdir && vp->v_type != VDIR)
		error = ENOTDIR;
	else if (vn_mountedhere(vp) != NULL || vn_isroot(vp))
		error = EBUSY;
	else
		error = vn_access_locked(dvp, VWRITE | VEXEC, cred);
	if (error != 0)
		goto done;
	vn_lock(vp, RW_WRITER);
	error = vn_sticky_check(dvp, vp, cred);
	if (error == 0)
		error = isdir ? VOP_RMDIR(dvp, vp, &nd.ni_cn)
			      : VOP_REMOVE(dvp, vp, &nd.ni_cn);
	if (error == 0) {
		ncache_remove(dvp, nd.ni_cn.cn_name, nd.ni_cn.cn_namelen);
		if (isdir)
			ncache_purge(vp);
	}
	vn_unlock(vp);
done:
	namei_done(&nd);
out:
	cred_free(cred);
	return error;
}

int sys_unlink(struct lwp *l, const struct sys_unlink_args *uap,
	       register_t *retval)
{
	return vfs_removenode(AT_FDCWD, SCARG(uap, path), 0, false);
}

int sys_rmdir(struct lwp *l, const struct sys_rmdir_args *uap,
	      register_t *retval)
{
	return vfs_removenode(AT_FDCWD, SCARG(uap, path), 0, true);
}

int sys_unlinkat(struct lwp *l, const struct sys_unlinkat_args *uap,
		 register_t *retval)
{
	int flags = (int)SCARG(uap, flags);

	if (flags & ~AT_REMOVEDIR)
		return EINVAL;
	return vfs_removenode((int)SCARG(uap, dirfd), SCARG(uap, path), 0,
			      (flags & AT_REMOVEDIR) != 0);
}

static int vfs_linkat(int olddirfd, const char *oldpath, int newdirfd,
		      const char *newpath, int flags)
{
	kauth_cred_t cred;
	struct nameidata ond, nnd;
	struct vnode *vp, *dvp;
	int error;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return EINVAL;
	cred = cred_get(curproc);
	namei_init(&ond, olddirfd, oldpath, NI_LOOKUP,
		   ((flags & AT_SYMLINK_FOLLOW) ? NI_FOLLOW : 0) |
			   ((flags & AT_EMPTY_PATH) ? NI_EMPTYPATH : 0),
		   cred);
	if ((error = namei(&ond)) != 0)
		goto out;
	vp = ond.ni_vp;
	ond.ni_vp = NULL;
	namei_done(&ond);
	if (vp->v_type == VDIR) {
		error = EPERM;
		goto relevp;
	}
	namei_init(&nnd, newdirfd, newpath, NI_CREATE, 0, cred);
	if ((error = namei(&nnd)) != 0)
		goto relevp;
	dvp = nnd.ni_dvp;
	if (nnd.ni_lastkind != LAST_NORM || nnd.ni_vp != NULL)
		error = EEXIST;
	else if (nnd.ni_trailslash)
		error = ENOENT;
	else if (vn_mount(dvp) != vn_mount(vp))
		error = EXDEV;
	else if (vn_rdonly(dvp))
		error = EROFS;
	else
		error = vn_access_locked(dvp, VWRITE | VEXEC, cred);
	if (error == 0) {
		/* vp is no directory, so no ancestor of dvp: order is safe. */
		vn_lock(vp, RW_WRITER);
		error = VOP_LINK(dvp, vp, &nnd.ni_cn);
		vn_unlock(vp);
	}
	if (error == 0)
		ncache_enter(dvp, nnd.ni_cn.cn_name, nnd.ni_cn.cn_namelen, vp);
	namei_done(&nnd);
relevp:
	vrele(vp);
out:
	cred_free(cred);
	return error;
}

int sys_link(struct lwp *l, const struct sys_link_args *uap, register_t *retval)
{
	return vfs_linkat(AT_FDCWD, SCARG(uap, oldpath), AT_FDCWD,
			  SCARG(uap, newpath), 0);
}

int sys_linkat(struct lwp *l, const struct sys_linkat_args *uap,
	       register_t *retval)
{
	return vfs_linkat((int)SCARG(uap, olddirfd), SCARG(uap, oldpath),
			  (int)SCARG(uap, newdirfd), SCARG(uap, newpath),
			  (int)SCARG(uap, flags));
}

/* The entries of a rename, found with the rename lock held. */
struct renamestate {
	struct vnode *fdvp, *fvp, *tdvp, *tvp;
	const struct componentname *fcn, *tcn;
	bool fslash, tslash;
};

/* Checks that need no vnode lock: types, mount points, ancestry. */
static int rename_check(struct renamestate *rs)
{
	bool anc;
	int error;

	if (rs->fvp->v_type != VDIR && (rs->fslash || rs->tslash))
		return ENOTDIR;
	if (vn_isroot(rs->fvp) || vn_mountedhere(rs->fvp) != NULL)
		return EBUSY;
	if (rs->fvp->v_type == VDIR) {
		if ((error = vn_isancestor(rs->fvp, rs->tdvp, &anc)) != 0)
			return error;
		if (anc)
			return EINVAL; /* into itself */
	}
	if (rs->tvp == NULL || rs->tvp == rs->fvp)
		return 0;
	if (rs->fvp->v_type == VDIR && rs->tvp->v_type != VDIR)
		return ENOTDIR;
	if (rs->fvp->v_type != VDIR && rs->tvp->v_type == VDIR)
		return EISDIR;
	if (vn_isroot(rs->tvp) || vn_mountedhere(rs->tvp) != NULL)
		return EBUSY;
	if (rs->tvp->v_type == VDIR) {
		/* A target directory above the source is not empty. */
		if ((error = vn_isancestor(rs->tvp, rs->fdvp, &anc)) != 0)
			return error;
		if (anc)
			return ENOTEMPTY;
	}
	return 0;
}

/* Locks fdvp and tdvp, an ancestor before its descendant. */
static int rename_lockdirs(struct renamestate *rs, struct vnode **firstp,
			   struct vnode **secondp)
{
	bool anc;
	int error;

	*firstp = rs->fdvp;
	*secondp = rs->tdvp == rs->fdvp ? NULL : rs->tdvp;
	if (*secondp != NULL) {
		if ((error = vn_isancestor(rs->tdvp, rs->fdvp, &anc)) != 0)
			return error;
		if (anc) {
			*firstp = rs->tdvp;
			*secondp = rs->fdvp;
		}
	}
	vn_lock(*firstp, RW_WRITER);
	if (*secondp != NULL)
		vn_lock(*secondp, RW_WRITER);
	return 0;
}

/* With both directories locked: are the entries still those checked? */
static int rename_relookup(struct renamestate *rs, kauth_cred_t cred,
			   bool *samep)
{
	struct vnode *vp;
	struct componentname fcn = *rs->fcn, tcn = *rs->tcn;
	int error;

	fcn.cn_cred = tcn.cn_cred = cred;
	error = VOP_LOOKUP(rs->fdvp, &fcn, &vp);
	if (error != 0)
		return error;
	*samep = vp == rs->fvp;
	vrele(vp);
	error = VOP_LOOKUP(rs->tdvp, &tcn, &vp);
	if (error == ENOENT) {
		*samep = *samep && rs->tvp == NULL;
		return 0;
	}
	if (error != 0)
		return error;
	*samep = *samep && vp == rs->tvp;
	vrele(vp);
	return 0;
}

/* Everything locked: permissions, then the file system's rename. */
static int rename_locked(struct renamestate *rs, kauth_cred_t cred)
{
	int error;

	if ((error = vn_access_locked(rs->fdvp, VWRITE | VEXEC, cred)) != 0 ||
	    (error = vn_access_locked(rs->tdvp, VWRITE | VEXEC, cred)) != 0)
		return error;
	vn_lock(rs->fvp, RW_WRITER);
	if (rs->tvp != NULL)
		vn_lock(rs->tvp, RW_WRITER);
	error = vn_sticky_check(rs->fdvp, rs->fvp, cred);
	if (error == 0 && rs->tvp != NULL)
		error = vn_sticky_check(rs->tdvp, rs->tvp, cred);
	/* A directory changing parents changes its "..": write on it. */
	if (error == 0 && rs->fvp->v_type == VDIR && rs->fdvp != rs->tdvp)
		error = vn_access_locked(rs->fvp, VWRITE, cred);
	if (error == 0)
		error = VOP_RENAME(rs->fdvp, rs->fvp, rs->fcn, rs->tdvp,
				   rs->tvp, rs->tcn);
	if (error == 0) {
		ncache_remove(rs->fdvp, rs->fcn->cn_name, rs->fcn->cn_namelen);
		ncache_remove(rs->tdvp, rs->tcn->cn_name, rs->tcn->cn_namelen);
		if (rs->tvp != NULL)
			ncache_purge(rs->tvp);
	}
	if (rs->tvp != NULL)
		vn_unlock(rs->tvp);
	vn_unlock(rs->fvp);
	return error;
}

/* Under the rename lock: look up, check, lock, rename. */
static int rename_entries(struct renamestate *rs, kauth_cred_t cred)
{
	struct vnode *first, *second;
	bool same;
	int error, tries;

	for (tries = 0;; tries++) {
		rs->fvp = rs->tvp = NULL;
		error = lookup_name(rs->fdvp, rs->fcn->cn_name,
				    rs->fcn->cn_namelen, cred, &rs->fvp);
		if (error != 0)
			return error;
		error = lookup_name(rs->tdvp, rs->tcn->cn_name,
				    rs->tcn->cn_namelen, cred, &rs->tvp);
		if (error == ENOENT) {
			rs->tvp = NULL;
			error = 0;
		}
		if (error == 0)
			error = rename_check(rs);
		if (error == 0 && rs->tvp == rs->fvp)
			goto release; /* two names of one file: nothing to do */
		if (error == 0)
			error = rename_lockdirs(rs, &first, &second);
		if (error != 0)
			goto release;
		error = rename_relookup(rs, cred, &same);
		if (error == 0 && same)
			error = rename_locked(rs, cred);
		if (second != NULL)
			vn_unlock(second);
		vn_unlock(first);
		if (error != 0 || same || tries >= 100)
			goto release;
		/* An entry changed between the lookup and the locks. */
		vrele(rs->fvp);
		if (rs->tvp != NULL)
			vrele(rs->tvp);
	}
release:
	vrele(rs->fvp);
	if (rs->tvp != NULL)
		vrele(rs->tvp);
	return error;
}

static int vfs_renameat(int fromfd, const char *from, int tofd, const char *to)
{
	kauth_cred_t cred = cred_get(curproc);
	struct nameidata fnd, tnd;
	struct renamestate rs;
	struct mount *mp;
	int error;

	namei_init(&fnd, fromfd, from, NI_RENAME, 0, cred);
	if ((error = namei(&fnd)) != 0)
		goto out;
	namei_init(&tnd, tofd, to, NI_RENAME, 0, cred);
	if ((error = namei(&tnd)) != 0)
		goto donefrom;
	if (fnd.ni_lastkind != LAST_NORM || tnd.ni_lastkind != LAST_NORM) {
		error = EBUSY;
		goto done;
	}
	memset(&rs, 0, sizeof(rs));
	rs.fdvp = fnd.ni_dvp;
	rs.tdvp = tnd.ni_dvp;
	rs.fcn = &fnd.ni_cn;
	rs.tcn = &tnd.ni_cn;
	rs.fslash = fnd.ni_trailslash;
	rs.tslash = tnd.ni_trailslash;
	mp = vn_mount(rs.fdvp);
	if (mp != vn_mount(rs.tdvp)) {
		error = EXDEV;
		goto done;
	}
	if (mp->mnt_flag & MNT_RDONLY) {
		error = EROFS;
		goto done;
	}
	mutex_enter(&mp->mnt_renamelock);
	error = rename_entries(&rs, cred);
	mutex_exit(&mp->mnt_renamelock);
done:
	namei_done(&tnd);
donefrom:
	namei_done(&fnd);
out:
	cred_free(cred);
	return error;
}

int sys_rename(struct lwp *l, const struct sys_rename_args *uap,
	       register_t *retval)
{
	return vfs_renameat(AT_FDCWD, SCARG(uap, oldpath), AT_FDCWD,
			    SCARG(uap, newpath));
}

int sys_renameat(struct lwp *l, const struct sys_renameat_args *uap,
		 register_t *retval)
{
	return vfs_renameat((int)SCARG(uap, olddirfd), SCARG(uap, oldpath),
			    (int)SCARG(uap, newdirfd), SCARG(uap, newpath));
}

static int vfs_readlinkat(int dirfd, const char *path, char *buf, size_t bufsiz,
			  register_t *retval)
{
	kauth_cred_t cred;
	struct nameidata nd;
	struct rump_iovec iov;
	struct uio uio;
	int error;

	if ((int64_t)bufsiz <= 0)
		return EINVAL;
	cred = cred_get(curproc);
	namei_init(&nd, dirfd, path, NI_LOOKUP, 0, cred);
	if ((error = namei(&nd)) == 0) {
		struct vnode *vp = nd.ni_vp;

		if (vp->v_type != VLNK) {
			error = EINVAL;
		} else {
			iov.iov_base = buf;
			iov.iov_len = bufsiz;
			uio = (struct uio){&iov, 1, 0, bufsiz, UIO_READ, false};
			vn_lock(vp, RW_READER);
			error = VOP_READLINK(vp, &uio);
			vn_unlock(vp);
			if (error == 0)
				*retval = (register_t)(bufsiz - uio.uio_resid);
		}
		namei_done(&nd);
	}
	cred_free(cred);
	return error;
}

int sys_readlink(struct lwp *l, const struct sys_readlink_args *uap,
		 register_t *retval)
{
	return vfs_readlinkat(AT_FDCWD, SCARG(uap, path), SCARG(uap, buf),
			      SCARG(uap, bufsiz), retval);
}

int sys_readlinkat(struct lwp *l, const struct sys_readlinkat_args *uap,
		   register_t *retval)
{
	return vfs_readlinkat((int)SCARG(uap, dirfd), SCARG(uap, path),
			      SCARG(uap, buf), SCARG(uap, bufsiz), retval);
}
