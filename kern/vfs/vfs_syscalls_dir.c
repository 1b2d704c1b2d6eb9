/*
 * vfs_syscalls_dir.c -- system calls about directories as places: chdir,
 * fchdir, chroot, getcwd, and reading a directory's entries (getdents,
 * getdents64, records in Linux's struct dirent64 layout).  getcwd walks
 * ".." up to the process root, finding each name through the name cache
 * or by reading the parent directory.
 */
#include <sys/sysargs.h>
#include <sys/sysproto.h>

#include "vfs_private.h"

/* A directory the caller may search: the new cwd or root. */
static int dir_usable(struct vnode *vp, kauth_cred_t cred)
{
	if (vp->v_type != VDIR)
		return ENOTDIR;
	return vn_access(vp, VEXEC, cred);
}

int sys_chdir(struct lwp *l, const struct sys_chdir_args *uap,
	      register_t *retval)
{
	kauth_cred_t cred = cred_get(l->l_proc);
	struct vnode *vp;
	int error;

	error = namei_simple(AT_FDCWD, SCARG(uap, path), NI_FOLLOW, cred, &vp);
	if (error == 0 && (error = dir_usable(vp, cred)) != 0)
		vrele(vp);
	if (error == 0)
		cwd_setcdir(l->l_proc, vp);
	cred_free(cred);
	return error;
}

int sys_fchdir(struct lwp *l, const struct sys_fchdir_args *uap,
	       register_t *retval)
{
	kauth_cred_t cred = cred_get(l->l_proc);
	struct vnode *vp;
	int error;

	error = fd_getvnode((int)SCARG(uap, fd), NULL, &vp);
	if (error == EINVAL)
		error = ENOTDIR;
	if (error == 0 && (error = dir_usable(vp, cred)) != 0)
		vrele(vp);
	if (error == 0)
		cwd_setcdir(l->l_proc, vp);
	cred_free(cred);
	return error;
}

int sys_chroot(struct lwp *l, const struct sys_chroot_args *uap,
	       register_t *retval)
{
	kauth_cred_t cred = cred_get(l->l_proc);
	struct vnode *vp;
	int error;

	error = namei_simple(AT_FDCWD, SCARG(uap, path), NI_FOLLOW, cred, &vp);
	if (error == 0) {
		error = dir_usable(vp, cred);
		if (error == 0 && !cred_is_root(cred))
			error = EPERM;
		if (error == 0)
			cwd_setrdir(l->l_proc, vp);
		else
			vrele(vp);
	}
	cred_free(cred);
	return error;
}

/*
 * The name of dir in parent: from the name cache, else by reading
 * parent for the entry with dir's inode number.  ENOENT if not there.
 */
static int getcwd_name(struct vnode *parent, struct vnode *dir, char *name,
		       size_t *lenp)
{
	struct rump_dirent *dp;
	struct rump_iovec iov;
	struct uio uio;
	struct vattr va;
	const size_t bufsize = 8192;
	char *buf;
	bool eof = false;
	int error;

	if (ncache_revlookup(dir, parent, name, lenp) == 0)
		return 0;
	if ((error = vn_getattr(dir, &va)) != 0)
		return error;
	if ((buf = kmem_alloc(bufsize, &M_PATHBUF)) == NULL)
		return ENOMEM;
	uio.uio_offset = 0;
	error = ENOENT;
	while (!eof) {
		size_t got, pos;
		int rerror;

		iov.iov_base = buf;
		iov.iov_len = bufsize;
		uio.uio_iov = &iov;
		uio.uio_iovcnt = 1;
		uio.uio_resid = bufsize;
		uio.uio_rw = UIO_READ;
		uio.uio_kernelspace = true;
		vn_lock(parent, RW_READER);
		rerror = VOP_READDIR(parent, &uio, &eof);
		vn_unlock(parent);
		if (rerror != 0) {
			error = rerror;
			break;
		}
		got = bufsize - uio.uio_resid;
		if (got == 0)
			break;
		for (pos = 0; pos < got; pos += dp->d_reclen) {
			size_t nlen;

			dp = (struct rump_dirent *)(buf + pos);
			if (dp->d_reclen == 0)
				break;
			nlen = strlen(dp->d_name);
			if (dp->d_ino != va.va_fileid ||
			    (nlen == 1 && dp->d_name[0] == '.') ||
			    (nlen == 2 && dp->d_name[0] == '.' &&
			     dp->d_name[1] == '.'))
				continue;
			memcpy(name, dp->d_name, nlen);
			*lenp = nlen;
			error = 0;
			eof = true;
			break;
		}
	}
	kmem_free(buf, bufsize, &M_PATHBUF);
	return error;
}

/* Builds the working directory's path at the end of buf[0..size). */
static int getcwd_build(struct proc *p, char *buf, size_t size, char **startp)
{
	char name[NAME_MAX + 1];
	struct vnode *cdir, *root, *dir, *parent;
	char *cp = buf + size;
	size_t len;
	int error = 0;

	*--cp = '\0';
	cwd_getdirs(p, &cdir, &root);
	dir = cdir;
	vref(dir);
	for (;;) {
		if (dir == root || dir == rootvnode)
			break;
		if (vn_isroot(dir)) {
			struct vnode *covered = vn_covered(dir);
			if (covered == NULL) {
				error = ENOENT; /* a dead mount */
				break;
			}
			vrele(dir);
			dir = covered;
			continue;
		}
		if ((error = lookup_parent(dir, root, &parent)) != 0)
			break;
		error = getcwd_name(parent, dir, name, &len);
		vrele(dir);
		dir = parent;
		if (error != 0)
			break;
		if ((size_t)(cp - buf) < len + 1) {
			error = ENAMETOOLONG;
			break;
		}
		cp -= len;
		memcpy(cp, name, len);
		*--cp = '/';
	}
	vrele(dir);
	vrele(cdir);
	vrele(root);
	if (error == 0 && *cp == '\0')
		*--cp = '/';
	*startp = cp;
	return error;
}

int sys_getcwd(struct lwp *l, const struct sys_getcwd_args *uap,
	       register_t *retval)
{
	size_t size = SCARG(uap, size), len;
	char *buf, *start;
	int error;

	if (size == 0)
		return EINVAL;
	if ((buf = kmem_alloc(PATH_MAX, &M_PATHBUF)) == NULL)
		return ENOMEM;
	error = getcwd_build(l->l_proc, buf, PATH_MAX, &start);
	if (error == 0) {
		len = strlen(start) + 1;
		if (len > size)
			error = ERANGE;
		else
			error = copyout(start, SCARG(uap, buf), len);
		if (error == 0)
			*retval = (register_t)len;
	}
	kmem_free(buf, PATH_MAX, &M_PATHBUF);
	return error;
}

static int vfs_getdents(int fd, void *ubuf, size_t count, register_t *retval)
{
	struct rump_iovec iov;
	struct uio uio;
	struct file *fp;
	struct vnode *vp;
	bool eof = false;
	int error;

	if ((error = fd_getfile(fd, &fp)) != 0)
		return error;
	if (!file_is_vnode(fp) || (vp = fp->f_data)->v_type != VDIR) {
		file_rele(fp);
		return ENOTDIR;
	}
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	iov.iov_base = ubuf;
	iov.iov_len = count;
	uio.uio_iov = &iov;
	uio.uio_iovcnt = 1;
	uio.uio_resid = count;
	uio.uio_rw = UIO_READ;
	uio.uio_kernelspace = false;
	mutex_enter(&fp->f_offlock);
	uio.uio_offset = fp->f_offset;
	vn_lock(vp, RW_READER);
	error = VOP_READDIR(vp, &uio, &eof);
	vn_unlock(vp);
	fp->f_offset = uio.uio_offset;
	mutex_exit(&fp->f_offlock);
	file_rele(fp);
	if (error == 0 && uio.uio_resid == count && !eof)
		error = EINVAL; /* not even one record fits */
	if (error == 0)
		*retval = (register_t)(count - uio.uio_resid);
	return error;
}

int sys_getdents64(struct lwp *l, const struct sys_getdents64_args *uap,
		   register_t *retval)
{
	return vfs_getdents((int)SCARG(uap, fd), SCARG(uap, buf),
			    SCARG(uap, count), retval);
}

int sys_getdents(struct lwp *l, const struct sys_getdents_args *uap,
		 register_t *retval)
{
	return vfs_getdents((int)SCARG(uap, fd), SCARG(uap, buf),
			    SCARG(uap, count), retval);
}
