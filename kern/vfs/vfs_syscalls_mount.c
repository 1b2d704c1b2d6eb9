/*
 * vfs_syscalls_mount.c -- system calls on whole file systems: mount with
 * Linux's arguments (the data argument is the file system's option
 * string), unmount (umount2), sync, statvfs, fstatvfs and getvfsstat
 * (every mount's statvfs).  Only root may mount or unmount; the mount
 * table itself is vfs_mount.c.
 */
#include <sys/sysargs.h>
#include <sys/sysproto.h>

#include "vfs_private.h"

#define MOUNT_OPTS_MAX 4096

KMEM_TYPE_DEFINE(M_VFSSTAT, "getvfsstat");

/* An optional string argument (NULL stays NULL) in a new buffer. */
static int copyin_optstr(const char *ustr, size_t max, char **strp,
			 size_t *allocp)
{
	char *s;
	int error;

	*strp = NULL;
	*allocp = 0;
	if (ustr == NULL)
		return 0;
	if ((s = kmem_alloc(max, &M_PATHBUF)) == NULL)
		return ENOMEM;
	if ((error = copyinstr(ustr, s, max, NULL)) != 0) {
		kmem_free(s, max, &M_PATHBUF);
		return error;
	}
	*strp = s;
	*allocp = max;
	return 0;
}

static void free_optstr(char *s, size_t alloc)
{
	if (s != NULL)
		kmem_free(s, alloc, &M_PATHBUF);
}

int sys_mount(struct lwp *l, const struct sys_mount_args *uap,
	      register_t *retval)
{
	const int known = MNT_RDONLY | MNT_SYNCHRONOUS | MNT_NOEXEC |
			  MNT_NOSUID | MNT_NODEV | MNT_NOATIME;
	char type[RUMP_MFSNAMELEN];
	char *source = NULL, *opts = NULL, *onname = NULL;
	size_t salloc = 0, oalloc = 0, nalloc = 0;
	kauth_cred_t cred = cred_get(l->l_proc);
	struct vnode *vp = NULL;
	int error;

	if (!cred_is_root(cred)) {
		error = EPERM;
		goto out;
	}
	if ((error = copyin_optstr(SCARG(uap, target), RUMP_MNAMELEN, &onname,
				   &nalloc)) != 0)
		goto out;
	if (onname == NULL) {
		error = EFAULT;
		goto out;
	}
	if ((error = copyin_optstr(SCARG(uap, source), RUMP_MNAMELEN, &source,
				   &salloc)) != 0 ||
	    (error = copyin_optstr(SCARG(uap, data), MOUNT_OPTS_MAX, &opts,
				   &oalloc)) != 0)
		goto out;
	error = namei_simple(AT_FDCWD, onname, NI_FOLLOW | NI_KERNPATH, cred,
			     &vp);
	if (error != 0)
		goto out;
	error = copyinstr(SCARG(uap, filesystemtype), type, sizeof(type), NULL);
	if (error == ENAMETOOLONG || (error == 0 && vfs_getops(type) == NULL))
		error = ENODEV;
	if (error == 0 && vp->v_type != VDIR)
		error = ENOTDIR;
	if (error == 0)
		error = vfs_domount(vp, type, source, opts,
				    (int)SCARG(uap, mountflags) & known, onname,
				    NULL);
out:
	if (vp != NULL)
		vrele(vp);
	free_optstr(source, salloc);
	free_optstr(opts, oalloc);
	free_optstr(onname, nalloc);
	cred_free(cred);
	return error;
}

int sys_unmount(struct lwp *l, const struct sys_unmount_args *uap,
		register_t *retval)
{
	kauth_cred_t cred = cred_get(l->l_proc);
	int flags = (int)SCARG(uap, flags);
	struct vnode *vp;
	int error;

	if (!cred_is_root(cred))
		error = EPERM;
	else if (flags & ~MNT_FORCE)
		error = EINVAL;
	else
		error = namei_simple(AT_FDCWD, SCARG(uap, target), NI_FOLLOW,
				     cred, &vp);
	cred_free(cred);
	if (error == 0)
		error = vfs_dounmount(vp, flags);
	return error;
}

int sys_sync(struct lwp *l, const struct sys_sync_args *uap, register_t *retval)
{
	vfs_syncall();
	return 0;
}

static int statvfs_out(struct vnode *vp, struct rump_statvfs *ubuf)
{
	struct rump_statvfs sb;
	struct mount *mp = vn_mount(vp);
	int error;

	if (mp == &dead_mount)
		return EBADF;
	if ((error = vfs_statvfs(mp, &sb)) == 0)
		error = copyout(&sb, ubuf, sizeof(sb));
	return error;
}

int sys_statvfs(struct lwp *l, const struct sys_statvfs_args *uap,
		register_t *retval)
{
	kauth_cred_t cred = cred_get(l->l_proc);
	struct vnode *vp;
	int error;

	error = namei_simple(AT_FDCWD, SCARG(uap, path), NI_FOLLOW, cred, &vp);
	cred_free(cred);
	if (error == 0) {
		error = statvfs_out(vp, SCARG(uap, buf));
		vrele(vp);
	}
	return error;
}

int sys_fstatvfs(struct lwp *l, const struct sys_fstatvfs_args *uap,
		 register_t *retval)
{
	struct vnode *vp;
	int error;

	if ((error = fd_getvnode((int)SCARG(uap, fd), NULL, &vp)) == 0) {
		error = statvfs_out(vp, SCARG(uap, buf));
		vrele(vp);
	}
	return error;
}

/*
 * getvfsstat: the records are gathered under the mount lock into a
 * kernel buffer and copied out after it, since a remote caller's copyout
 * may wait for the client.  A buffer larger than the mounts needs only
 * what they fill.
 */
int sys_getvfsstat(struct lwp *l, const struct sys_getvfsstat_args *uap,
		   register_t *retval)
{
	const size_t recsize = sizeof(struct rump_statvfs);
	int64_t flags = SCARG(uap, flags);
	uint64_t max = SCARG(uap, bufsize) / recsize;
	struct rump_statvfs *sbs;
	int n, nmounts, error;

	if (flags != ST_WAIT && flags != ST_NOWAIT)
		return EINVAL;
	nmounts = vfs_mountcount();
	if (SCARG(uap, buf) == NULL) {
		retval[0] = nmounts;
		return 0;
	}
	if (max > (uint64_t)nmounts)
		max = (uint64_t)nmounts;
	if (max == 0) {
		retval[0] = 0;
		return 0;
	}
	if ((sbs = kmem_alloc(max * recsize, &M_VFSSTAT)) == NULL)
		return ENOMEM;
	n = vfs_statvfs_all(sbs, (int)max);
	error = n > 0 ? copyout(sbs, SCARG(uap, buf), (size_t)n * recsize) : 0;
	kmem_free(sbs, max * recsize, &M_VFSSTAT);
	if (error == 0)
		retval[0] = n;
	return error;
}
