/*
 * vfs_syscalls_attr.c -- system calls that read or change attributes:
 * the stat family, access, chmod, chown, the time setters, truncate and
 * umask.  Changes check, in Linux's order, a read-only mount (EROFS),
 * then ownership (EPERM) or access (EACCES), with root's override; the
 * file system applies them under the vnode lock.
 */
#include <sys/sysargs.h>
#include <sys/sysproto.h>

#include "vfs_private.h"

#define NSEC_PER_SEC_ 1000000000L

/* Is the path argument an empty string?  EFAULT for a bad pointer. */
static int path_is_empty(const char *path, bool *emptyp)
{
	char c;
	int error = copyin(path, &c, 1);

	*emptyp = error == 0 && c == '\0';
	return error;
}

/*
 * The vnode a *at() call names: path under dirfd, following a final
 * link unless AT_SYMLINK_NOFOLLOW, or dirfd itself for "" with
 * AT_EMPTY_PATH.
 */
static int vfs_atvnode(int dirfd, const char *path, int atflags,
		       kauth_cred_t cred, struct vnode **vpp)
{
	int niflags = 0;

	if (!(atflags & AT_SYMLINK_NOFOLLOW))
		niflags |= NI_FOLLOW;
	if (atflags & AT_EMPTY_PATH)
		niflags |= NI_EMPTYPATH;
	return namei_simple(dirfd, path, niflags, cred, vpp);
}

static int stat_out(struct vnode *vp, struct rump_stat *usb)
{
	struct rump_stat sb;
	int error = vn_stat(vp, &sb);

	if (error == 0)
		error = copyout(&sb, usb, sizeof(sb));
	return error;
}

static int vfs_fstat(int fd, struct rump_stat *usb)
{
	struct rump_stat sb;
	struct file *fp;
	int error;

	if ((error = fd_getfile(fd, &fp)) != 0)
		return error;
	if (fp->f_ops->fo_stat == NULL)
		error = EINVAL;
	else
		error = fp->f_ops->fo_stat(fp, &sb);
	file_rele(fp);
	if (error == 0)
		error = copyout(&sb, usb, sizeof(sb));
	return error;
}

static int vfs_fstatat(int dirfd, const char *path, struct rump_stat *usb,
		       int flags)
{
	kauth_cred_t cred;
	struct vnode *vp;
	bool empty;
	int error;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return EINVAL;
	if ((error = path_is_empty(path, &empty)) != 0)
		return error;
	/* Any descriptor, a socket or pipe included. */
	if (empty && (flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD)
		return vfs_fstat(dirfd, usb);
	cred = cred_get(curproc);
	error = vfs_atvnode(dirfd, path, flags, cred, &vp);
	cred_free(cred);
	if (error == 0) {
		error = stat_out(vp, usb);
		vrele(vp);
	}
	return error;
}

int sys_stat(struct lwp *l, const struct sys_stat_args *uap, register_t *retval)
{
	return vfs_fstatat(AT_FDCWD, SCARG(uap, path), SCARG(uap, sb), 0);
}

int sys_lstat(struct lwp *l, const struct sys_lstat_args *uap,
	      register_t *retval)
{
	return vfs_fstatat(AT_FDCWD, SCARG(uap, path), SCARG(uap, sb),
			   AT_SYMLINK_NOFOLLOW);
}

int sys_fstatat(struct lwp *l, const struct sys_fstatat_args *uap,
		register_t *retval)
{
	return vfs_fstatat((int)SCARG(uap, dirfd), SCARG(uap, path),
			   SCARG(uap, sb), (int)SCARG(uap, flags));
}

int sys_fstat(struct lwp *l, const struct sys_fstat_args *uap,
	      register_t *retval)
{
	return vfs_fstat((int)SCARG(uap, fd), SCARG(uap, sb));
}

static int vfs_faccessat(int dirfd, const char *path, int mode, int flags)
{
	kauth_cred_t cred, rcred;
	struct vnode *vp;
	int acc = 0, error;

	if (mode & ~(R_OK | W_OK | X_OK))
		return EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return EINVAL;
	cred = cred_get(curproc);
	if (!(flags & AT_EACCESS)) {
		/* access(2) asks with the real ids. */
		if ((rcred = cred_alloc()) == NULL) {
			cred_free(cred);
			return ENOMEM;
		}
		memcpy(rcred, cred, sizeof(*rcred));
		rcred->cr_refcnt = 1;
		rcred->cr_euid = cred->cr_uid;
		rcred->cr_egid = cred->cr_gid;
		cred_free(cred);
		cred = rcred;
	}
	error = vfs_atvnode(dirfd, path, flags, cred, &vp);
	if (error == 0) {
		if (mode & R_OK)
			acc |= VREAD;
		if (mode & W_OK)
			acc |= VWRITE;
		if (mode & X_OK)
			acc |= VEXEC;
		if ((acc & VWRITE) && vn_rdonly(vp) &&
		    (vp->v_type == VREG || vp->v_type == VDIR ||
		     vp->v_type == VLNK))
			error = EROFS;
		else if (acc != 0)
			error = vn_access(vp, acc, cred);
		vrele(vp);
	}
	cred_free(cred);
	return error;
}

int sys_access(struct lwp *l, const struct sys_access_args *uap,
	       register_t *retval)
{
	return vfs_faccessat(AT_FDCWD, SCARG(uap, path), (int)SCARG(uap, mode),
			     0);
}

int sys_faccessat(struct lwp *l, const struct sys_faccessat_args *uap,
		  register_t *retval)
{
	return vfs_faccessat((int)SCARG(uap, dirfd), SCARG(uap, path),
			     (int)SCARG(uap, mode), (int)SCARG(uap, flags));
}

/* Applies va to vp after the read-only check; vp unlocked. */
typedef int (*setattr_check_t)(struct vattr *va, const struct vattr *cur,
			       kauth_cred_t cred, const void *arg);

static int setattr_checked(struct vnode *vp, struct vattr *va,
			   setattr_check_t check, const void *arg)
{
	kauth_cred_t cred = cred_get(curproc);
	struct vattr cur;
	int error;

	vn_lock(vp, RW_WRITER);
	if (vn_rdonly(vp))
		error = EROFS;
	else
		error = VOP_GETATTR(vp, &cur);
	if (error == 0)
		error = check(va, &cur, cred, arg);
	if (error == 0)
		error = VOP_SETATTR(vp, va);
	vn_unlock(vp);
	cred_free(cred);
	return error;
}

static int chmod_check(struct vattr *va, const struct vattr *cur,
		       kauth_cred_t cred, const void *arg)
{
	if (cred_is_root(cred))
		return 0;
	if (cred->cr_euid != cur->va_uid)
		return EPERM;
	/* Outside the file's group, the set-group-id bit silently goes. */
	if ((va->va_mode & S_ISGID) && !cred_groupmember(cur->va_gid, cred))
		va->va_mode &= ~S_ISGID;
	return 0;
}

static int vfs_chmod(struct vnode *vp, mode_t mode)
{
	struct vattr va;

	vattr_null(&va);
	va.va_mode = mode & ALLPERMS;
	return setattr_checked(vp, &va, chmod_check, NULL);
}

static int chown_check(struct vattr *va, const struct vattr *cur,
		       kauth_cred_t cred, const void *arg)
{
	bool newuid = va->va_uid != (uid_t)VNOVAL;
	bool newgid = va->va_gid != (gid_t)VNOVAL;

	if (!newuid && !newgid)
		return 0;
	if (!cred_is_root(cred)) {
		if (newuid && va->va_uid != cur->va_uid)
			return EPERM;
		if (newgid && va->va_gid != cur->va_gid &&
		    (cred->cr_euid != cur->va_uid ||
		     !cred_groupmember(va->va_gid, cred)))
			return EPERM;
		if (newuid && cred->cr_euid != cur->va_uid)
			return EPERM;
	}
	/* Set-id bits of a non-directory do not survive a change of owner. */
	if (cur->va_type != VDIR && (cur->va_mode & (S_ISUID | S_ISGID)) != 0) {
		mode_t m = cur->va_mode & ~S_ISUID;
		if (m & 0010)
			m &= ~S_ISGID;
		if (m != cur->va_mode)
			va->va_mode = m;
	}
	return 0;
}

static int vfs_chown(struct vnode *vp, uid_t uid, gid_t gid)
{
	struct vattr va;

	vattr_null(&va);
	va.va_uid = uid;
	va.va_gid = gid;
	return setattr_checked(vp, &va, chown_check, NULL);
}

static int vfs_pathop(int dirfd, const char *path, int atflags,
		      int (*op)(struct vnode *, const void *), const void *arg)
{
	kauth_cred_t cred = cred_get(curproc);
	struct vnode *vp;
	int error = vfs_atvnode(dirfd, path, atflags, cred, &vp);

	cred_free(cred);
	if (error == 0) {
		error = op(vp, arg);
		vrele(vp);
	}
	return error;
}

static int vfs_fdop(int fd, int (*op)(struct vnode *, const void *),
		    const void *arg)
{
	struct vnode *vp;
	int error = fd_getvnode(fd, NULL, &vp);

	if (error == 0) {
		error = op(vp, arg);
		vrele(vp);
	}
	return error;
}

static int chmod_op(struct vnode *vp, const void *arg)
{
	if (vp->v_type == VLNK)
		return EOPNOTSUPP; /* fchmodat AT_SYMLINK_NOFOLLOW */
	return vfs_chmod(vp, *(const mode_t *)arg);
}

int sys_chmod(struct lwp *l, const struct sys_chmod_args *uap,
	      register_t *retval)
{
	mode_t mode = (mode_t)SCARG(uap, mode);

	return vfs_pathop(AT_FDCWD, SCARG(uap, path), 0, chmod_op, &mode);
}

int sys_fchmod(struct lwp *l, const struct sys_fchmod_args *uap,
	       register_t *retval)
{
	mode_t mode = (mode_t)SCARG(uap, mode);

	return vfs_fdop((int)SCARG(uap, fd), chmod_op, &mode);
}

int sys_fchmodat(struct lwp *l, const struct sys_fchmodat_args *uap,
		 register_t *retval)
{
	mode_t mode = (mode_t)SCARG(uap, mode);
	int flags = (int)SCARG(uap, flags);

	if (flags & ~AT_SYMLINK_NOFOLLOW)
		return EINVAL;
	return vfs_pathop((int)SCARG(uap, dirfd), SCARG(uap, path), flags,
			  chmod_op, &mode);
}

struct ids {
	uid_t uid;
	gid_t gid;
};

static int chown_op(struct vnode *vp, const void *arg)
{
	const struct ids *ids = arg;

	return vfs_chown(vp, ids->uid, ids->gid);
}

int sys_chown(struct lwp *l, const struct sys_chown_args *uap,
	      register_t *retval)
{
	struct ids ids = {(uid_t)SCARG(uap, owner), (gid_t)SCARG(uap, group)};

	return vfs_pathop(AT_FDCWD, SCARG(uap, path), 0, chown_op, &ids);
}

int sys_lchown(struct lwp *l, const struct sys_lchown_args *uap,
	       register_t *retval)
{
	struct ids ids = {(uid_t)SCARG(uap, owner), (gid_t)SCARG(uap, group)};

	return vfs_pathop(AT_FDCWD, SCARG(uap, path), AT_SYMLINK_NOFOLLOW,
			  chown_op, &ids);
}

int sys_fchown(struct lwp *l, const struct sys_fchown_args *uap,
	       register_t *retval)
{
	struct ids ids = {(uid_t)SCARG(uap, owner), (gid_t)SCARG(uap, group)};

	return vfs_fdop((int)SCARG(uap, fd), chown_op, &ids);
}

int sys_fchownat(struct lwp *l, const struct sys_fchownat_args *uap,
		 register_t *retval)
{
	struct ids ids = {(uid_t)SCARG(uap, owner), (gid_t)SCARG(uap, group)};
	int flags = (int)SCARG(uap, flags);

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return EINVAL;
	return vfs_pathop((int)SCARG(uap, dirfd), SCARG(uap, path), flags,
			  chown_op, &ids);
}

/* The two times of a utimensat call; NULL means both now. */
struct utimes_arg {
	struct timespec ts[2];
	bool explicit; /* a time other than UTIME_NOW was given */
};

static int utimes_check(struct vattr *va, const struct vattr *cur,
			kauth_cred_t cred, const void *arg)
{
	const struct utimes_arg *ua = arg;

	if (cred_is_root(cred) || cred->cr_euid == cur->va_uid)
		return 0;
	if (ua->explicit)
		return EPERM;
	/* Both "now": write permission is enough. */
	return vaccess(cur->va_type, cur->va_mode, cur->va_uid, cur->va_gid,
		       VWRITE, cred);
}

static int utimes_op(struct vnode *vp, const void *arg)
{
	const struct utimes_arg *ua = arg;
	struct timespec now;
	struct vattr va;

	vfs_timestamp(&now);
	vattr_null(&va);
	for (int i = 0; i < 2; i++) {
		struct timespec *t = i == 0 ? &va.va_atime : &va.va_mtime;
		if (ua->ts[i].tv_nsec == UTIME_NOW)
			*t = now;
		else if (ua->ts[i].tv_nsec != UTIME_OMIT)
			*t = ua->ts[i];
	}
	return setattr_checked(vp, &va, utimes_check, ua);
}

/* Copies the times in; 1 when there is nothing to do (both omitted). */
static int utimens_in(const struct rump_timespec *uts, struct utimes_arg *ua)
{
	struct rump_timespec ts[2];
	int error;

	ua->explicit = false;
	if (uts == NULL) {
		ua->ts[0].tv_nsec = ua->ts[1].tv_nsec = UTIME_NOW;
		return 0;
	}
	if ((error = copyin(uts, ts, sizeof(ts))) != 0)
		return error;
	for (int i = 0; i < 2; i++) {
		int64_t ns = ts[i].tv_nsec;
		if (ns != UTIME_NOW && ns != UTIME_OMIT &&
		    (ns < 0 || ns >= NSEC_PER_SEC_))
			return EINVAL;
		if (ns != UTIME_NOW && ns != UTIME_OMIT)
			ua->explicit = true;
		ua->ts[i].tv_sec = ts[i].tv_sec;
		ua->ts[i].tv_nsec = ns;
	}
	if (ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT)
		return -1;
	/* One now and one omitted still needs only write permission. */
	return 0;
}

static int utimes_in(const struct rump_timeval *utv, struct utimes_arg *ua)
{
	struct rump_timeval tv[2];
	int error;

	if (utv == NULL)
		return utimens_in(NULL, ua);
	if ((error = copyin(utv, tv, sizeof(tv))) != 0)
		return error;
	for (int i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return EINVAL;
		ua->ts[i].tv_sec = tv[i].tv_sec;
		ua->ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	ua->explicit = true;
	return 0;
}

int sys_utimensat(struct lwp *l, const struct sys_utimensat_args *uap,
		  register_t *retval)
{
	int flags = (int)SCARG(uap, flags), error;
	struct utimes_arg ua;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return EINVAL;
	if ((error = utimens_in(SCARG(uap, times), &ua)) != 0)
		return error < 0 ? 0 : error;
	/* Linux: a NULL path means the descriptor itself. */
	if (SCARG(uap, path) == NULL)
		return vfs_fdop((int)SCARG(uap, dirfd), utimes_op, &ua);
	return vfs_pathop((int)SCARG(uap, dirfd), SCARG(uap, path), flags,
			  utimes_op, &ua);
}

int sys_futimens(struct lwp *l, const struct sys_futimens_args *uap,
		 register_t *retval)
{
	struct utimes_arg ua;
	int error;

	if ((error = utimens_in(SCARG(uap, times), &ua)) != 0) {
		if (error < 0) {
			struct vnode *vp;
			/* Nothing to change, but the descriptor must be. */
			if ((error = fd_getvnode((int)SCARG(uap, fd), NULL,
						 &vp)) == 0)
				vrele(vp);
		}
		return error;
	}
	return vfs_fdop((int)SCARG(uap, fd), utimes_op, &ua);
}

int sys_utimes(struct lwp *l, const struct sys_utimes_args *uap,
	       register_t *retval)
{
	struct utimes_arg ua;
	int error;

	if ((error = utimes_in(SCARG(uap, times), &ua)) != 0)
		return error;
	return vfs_pathop(AT_FDCWD, SCARG(uap, path), 0, utimes_op, &ua);
}

int sys_futimes(struct lwp *l, const struct sys_futimes_args *uap,
		register_t *retval)
{
	struct utimes_arg ua;
	int error;

	if ((error = utimes_in(SCARG(uap, times), &ua)) != 0)
		return error;
	return vfs_fdop((int)SCARG(uap, fd), utimes_op, &ua);
}

static int truncate_check(struct vattr *va, const struct vattr *cur,
			  kauth_cred_t cred, const void *arg)
{
	return vaccess(cur->va_type, cur->va_mode, cur->va_uid, cur->va_gid,
		       VWRITE, cred);
}

static int vfs_truncate(struct vnode *vp, off_t length, bool checkaccess)
{
	struct vattr va;
	int error;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EINVAL;
	vattr_null(&va);
	va.va_size = length;
	if (checkaccess)
		return setattr_checked(vp, &va, truncate_check, NULL);
	vn_lock(vp, RW_WRITER);
	error = VOP_SETATTR(vp, &va);
	vn_unlock(vp);
	return error;
}

int sys_truncate(struct lwp *l, const struct sys_truncate_args *uap,
		 register_t *retval)
{
	kauth_cred_t cred;
	struct vnode *vp;
	int error;

	if (SCARG(uap, length) < 0)
		return EINVAL;
	cred = cred_get(curproc);
	error = namei_simple(AT_FDCWD, SCARG(uap, path), NI_FOLLOW, cred, &vp);
	cred_free(cred);
	if (error == 0) {
		error = vfs_truncate(vp, SCARG(uap, length), true);
		vrele(vp);
	}
	return error;
}

int sys_ftruncate(struct lwp *l, const struct sys_ftruncate_args *uap,
		  register_t *retval)
{
	struct file *fp;
	struct vnode *vp;
	int error;

	if (SCARG(uap, length) < 0)
		return EINVAL;
	if ((error = fd_getvnode((int)SCARG(uap, fd), &fp, &vp)) != 0)
		return error;
	/* The descriptor, not the file's mode, grants the write. */
	if (!(atomic_load_relaxed(&fp->f_flag) & FWRITE))
		error = EINVAL;
	else if (vn_rdonly(vp))
		error = EROFS;
	else
		error = vfs_truncate(vp, SCARG(uap, length), false);
	vrele(vp);
	file_rele(fp);
	return error;
}

int sys_umask(struct lwp *l, const struct sys_umask_args *uap,
	      register_t *retval)
{
	struct cwdinfo *cwi = cwd_get(l->l_proc);

	mutex_enter(&cwi->cwi_lock);
	*retval = cwi->cwi_cmask;
	cwi->cwi_cmask = (mode_t)SCARG(uap, mask) & ACCESSPERMS;
	mutex_exit(&cwi->cwi_lock);
	return 0;
}
