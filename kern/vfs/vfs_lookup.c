/*
 * vfs_lookup.c -- path name lookup (namei).  A path is walked one
 * component at a time from the process root, its working directory or a
 * directory descriptor, checking search permission on every directory,
 * resolving "." and ".." itself (across mount points, never above the
 * process root), following at most MAXSYMLINKS (40, as Linux) symbolic
 * links and crossing into mounted file systems.  At most one vnode lock is
 * held at a time, except that CREATE and DELETE return the parent locked
 * exclusive.
 */
#include "vfs_private.h"

KMEM_TYPE_DEFINE(M_PATHBUF, "pathbuf");

void namei_init(struct nameidata *nd, int dirfd, const char *path,
		enum nameiop op, int flags, kauth_cred_t cred)
{
	memset(nd, 0, sizeof(*nd));
	nd->ni_dirfd = dirfd;
	nd->ni_path = path;
	nd->ni_op = op;
	nd->ni_flags = flags;
	nd->ni_cred = cred;
}

void namei_free(struct nameidata *nd)
{
	if (nd->ni_pnbuf != NULL)
		kmem_free(nd->ni_pnbuf, PATH_MAX, &M_PATHBUF);
	if (nd->ni_linkbuf != NULL)
		kmem_free(nd->ni_linkbuf, PATH_MAX, &M_PATHBUF);
	nd->ni_pnbuf = nd->ni_linkbuf = NULL;
}

void namei_done(struct nameidata *nd)
{
	if (nd->ni_dvp != NULL) {
		if (nd->ni_op == NI_CREATE || nd->ni_op == NI_DELETE)
			vn_unlock(nd->ni_dvp);
		vrele(nd->ni_dvp);
	}
	if (nd->ni_vp != NULL)
		vrele(nd->ni_vp);
	nd->ni_dvp = nd->ni_vp = NULL;
	namei_free(nd);
}

int namei_simple(int dirfd, const char *path, int flags, kauth_cred_t cred,
		 struct vnode **vpp)
{
	struct nameidata nd;
	int error;

	namei_init(&nd, dirfd, path, NI_LOOKUP, flags, cred);
	if ((error = namei(&nd)) != 0)
		return error;
	*vpp = nd.ni_vp;
	nd.ni_vp = NULL;
	namei_done(&nd);
	return 0;
}

int fd_getvnode(int fd, struct file **fpp, struct vnode **vpp)
{
	struct file *fp;
	int error;

	if ((error = fd_getfile(fd, &fp)) != 0)
		return error;
	if (!file_is_vnode(fp)) {
		file_rele(fp);
		return EINVAL;
	}
	*vpp = fp->f_data;
	vref(*vpp);
	if (fpp != NULL)
		*fpp = fp;
	else
		file_rele(fp);
	return 0;
}

int fd_getdirvnode(int fd, struct vnode **vpp)
{
	int error = fd_getvnode(fd, NULL, vpp);

	if (error == EINVAL)
		return ENOTDIR;
	if (error == 0 && (*vpp)->v_type != VDIR) {
		vrele(*vpp);
		error = ENOTDIR;
	}
	if (error != 0)
		*vpp = NULL;
	return error;
}

void lookup_crossmounts(struct vnode **vpp)
{
	struct vnode *vp = *vpp, *root;
	struct mount *mp;

	/* v_mountedhere changes only under the covered vnode's lock. */
	while (vn_mountedhere(vp) != NULL) {
		vn_lock(vp, RW_READER);
		if ((mp = vp->v_mountedhere) == NULL) {
			vn_unlock(vp);
			break;
		}
		root = mp->mnt_root;
		vref(root);
		vn_unlock(vp);
		vrele(vp);
		vp = root;
	}
	*vpp = vp;
}

/* One name in a locked directory, through the name cache. */
static int lookup_locked(struct vnode *dir, const char *name, size_t len,
			 kauth_cred_t cred, struct vnode **vpp)
{
	struct componentname cn = {name, len, cred};
	int error;

	error = ncache_lookup(dir, name, len, vpp);
	if (error >= 0)
		return error;
	error = VOP_LOOKUP(dir, &cn, vpp);
	if (error == 0)
		ncache_enter(dir, name, len, *vpp);
	else if (error == ENOENT)
		ncache_enter(dir, name, len, NULL);
	return error;
}

int lookup_name(struct vnode *dir, const char *name, size_t len,
		kauth_cred_t cred, struct vnode **vpp)
{
	int error;

	if (dir->v_type != VDIR)
		return ENOTDIR;
	vn_lock(dir, RW_READER);
	error = vn_access_locked(dir, VEXEC, cred);
	if (error == 0)
		error = lookup_locked(dir, name, len, cred, vpp);
	vn_unlock(dir);
	return error;
}

struct vnode *vn_covered(struct vnode *root)
{
	struct vnode *covered;

	/* Under root's lock its mount cannot go away (unmount needs it). */
	vn_lock(root, RW_READER);
	covered = vn_mount(root)->mnt_vnodecovered;
	if (covered != NULL)
		vref(covered);
	vn_unlock(root);
	return covered;
}

int lookup_parent(struct vnode *dir, struct vnode *root, struct vnode **vpp)
{
	static const struct componentname dotdot = {"..", 2, NULL};
	struct vnode *d = dir, *covered;
	int error;

	vref(d);
	for (;;) {
		if (d == root || d == rootvnode)
			goto done;
		if (!vn_isroot(d))
			break;
		/* A mount's root: go on from the directory it covers. */
		if ((covered = vn_covered(d)) == NULL)
			goto done;
		vrele(d);
		d = covered;
	}
	vn_lock(d, RW_READER);
	error = VOP_LOOKUP(d, &dotdot, vpp);
	vn_unlock(d);
	vrele(d);
	return error;
done:
	*vpp = d;
	return 0;
}

int vn_isancestor(struct vnode *a, struct vnode *b, bool *resultp)
{
	static const struct componentname dotdot = {"..", 2, NULL};
	struct vnode *d = b, *parent;
	int error = 0;

	vref(d);
	for (;;) {
		if (d == a) {
			*resultp = true;
			break;
		}
		if (vn_isroot(d)) {
			*resultp = false;
			break;
		}
		vn_lock(d, RW_READER);
		error = VOP_LOOKUP(d, &dotdot, &parent);
		vn_unlock(d);
		if (error != 0)
			break;
		vrele(d);
		d = parent;
	}
	vrele(d);
	return error;
}

/* Replaces the path at *cpp by link's target followed by rest. */
static int namei_follow(struct nameidata *nd, struct vnode *link,
			const char *rest, int *nlinksp)
{
	struct rump_iovec iov;
	struct uio uio;
	size_t linklen, restlen;
	int error;

	if (++*nlinksp > MAXSYMLINKS) /* 40, as Linux */
		return ELOOP;
	if (nd->ni_linkbuf == NULL &&
	    (nd->ni_linkbuf = kmem_alloc(PATH_MAX, &M_PATHBUF)) == NULL)
		return ENOMEM;
	iov.iov_base = nd->ni_linkbuf;
	iov.iov_len = PATH_MAX;
	uio = (struct uio){&iov, 1, 0, PATH_MAX, UIO_READ, true};
	vn_lock(link, RW_READER);
	error = VOP_READLINK(link, &uio);
	vn_unlock(link);
	if (error != 0)
		return error;
	linklen = strnlen(nd->ni_linkbuf, PATH_MAX - uio.uio_resid);
	if (linklen == 0)
		return ENOENT;
	restlen = strlen(rest);
	if (linklen + restlen >= PATH_MAX)
		return ENAMETOOLONG;
	memmove(nd->ni_pnbuf + linklen, rest, restlen + 1);
	memcpy(nd->ni_pnbuf, nd->ni_linkbuf, linklen);
	return 0;
}

/* The starting directory of a relative path, referenced. */
static int namei_startdir(struct nameidata *nd, struct vnode *cdir,
			  struct vnode **dirp)
{
	if (nd->ni_dirfd == AT_FDCWD) {
		vref(cdir);
		*dirp = cdir;
		return 0;
	}
	return fd_getdirvnode(nd->ni_dirfd, dirp);
}

/* AT_EMPTY_PATH: the descriptor's own vnode, whatever its type. */
static int namei_emptypath(struct nameidata *nd, struct vnode *cdir)
{
	if (!(nd->ni_flags & NI_EMPTYPATH) || nd->ni_op != NI_LOOKUP)
		return ENOENT;
	nd->ni_lastkind = LAST_ROOT;
	if (nd->ni_dirfd == AT_FDCWD) {
		vref(cdir);
		nd->ni_vp = cdir;
		return 0;
	}
	return fd_getvnode(nd->ni_dirfd, NULL, &nd->ni_vp);
}

static enum lastkind name_kind(const char *cp, size_t len)
{
	if (len == 1 && cp[0] == '.')
		return LAST_DOT;
	if (len == 2 && cp[0] == '.' && cp[1] == '.')
		return LAST_DOTDOT;
	return LAST_NORM;
}

/*
 * The last component of a CREATE or DELETE: the parent is locked
 * exclusive and kept; the entry is looked up but not followed (except a
 * symbolic link that CREATE with NI_FOLLOW must follow: *followp).
 */
static int namei_lastlocked(struct nameidata *nd, struct vnode *dir,
			    bool *followp)
{
	struct vnode *vp = NULL;
	int error;

	vn_lock(dir, RW_WRITER);
	error = vn_access_locked(dir, VEXEC, nd->ni_cred);
	if (error == 0)
		error = lookup_locked(dir, nd->ni_cn.cn_name,
				      nd->ni_cn.cn_namelen, nd->ni_cred, &vp);
	if (error == ENOENT) {
		vp = NULL;
		error = 0;
	}
	if (error != 0) {
		vn_unlock(dir);
		return error;
	}
	if (vp != NULL && vp->v_type == VLNK && nd->ni_op == NI_CREATE &&
	    (nd->ni_flags & NI_FOLLOW)) {
		vn_unlock(dir);
		nd->ni_vp = vp;
		*followp = true;
		return 0;
	}
	nd->ni_dvp = dir;
	nd->ni_vp = vp;
	return 0;
}

int namei(struct nameidata *nd)
{
	struct vnode *cdir, *root, *dir = NULL, *vp = NULL;
	char *cp, *ep, *np;
	int nlinks = 0, error;
	size_t len;
	bool last;

	nd->ni_dvp = nd->ni_vp = NULL;
	nd->ni_lastkind = LAST_NORM;
	vcache_drain();
	if ((nd->ni_pnbuf = kmem_alloc(PATH_MAX, &M_PATHBUF)) == NULL)
		return ENOMEM;
	if (nd->ni_flags & NI_KERNPATH) {
		len = strnlen(nd->ni_path, PATH_MAX);
		error = len == PATH_MAX ? ENAMETOOLONG : 0;
		if (error == 0)
			memcpy(nd->ni_pnbuf, nd->ni_path, len + 1);
	} else {
		error = copyinstr(nd->ni_path, nd->ni_pnbuf, PATH_MAX, NULL);
	}
	if (error != 0)
		goto fail_nodirs;

	cwd_getdirs(curproc, &cdir, &root);
	cp = nd->ni_pnbuf;
	if (*cp == '\0') {
		error = namei_emptypath(nd, cdir);
		goto out;
	}
	if (*cp == '/') {
		dir = root;
		vref(dir);
	} else if ((error = namei_startdir(nd, cdir, &dir)) != 0) {
		goto out;
	}

	for (;;) {
		bool follow = false;
		enum lastkind kind;

		while (*cp == '/')
			cp++;
		if (*cp == '\0') {
			/* "/" alone, or a link to it: the directory itself. */
			nd->ni_lastkind = LAST_ROOT;
			nd->ni_cn = (struct componentname){cp, 0, nd->ni_cred};
			nd->ni_vp = dir;
			dir = NULL;
			break;
		}
		for (ep = cp; *ep != '\0' && *ep != '/'; ep++)
			continue;
		len = (size_t)(ep - cp);
		for (np = ep; *np == '/'; np++)
			continue;
		last = *np == '\0';
		if (len > NAME_MAX) {
			error = ENAMETOOLONG;
			break;
		}
		if (dir->v_type != VDIR) {
			error = ENOTDIR;
			break;
		}
		kind = name_kind(cp, len);
		nd->ni_cn = (struct componentname){cp, len, nd->ni_cred};
		nd->ni_trailslash = last && ep != np;

		if (last && kind == LAST_NORM && nd->ni_op == NI_RENAME) {
			error = vn_access(dir, VEXEC, nd->ni_cred);
			if (error == 0) {
				nd->ni_dvp = dir;
				dir = NULL;
			}
			break;
		}
		if (last && kind == LAST_NORM &&
		    (nd->ni_op == NI_CREATE || nd->ni_op == NI_DELETE)) {
			error = namei_lastlocked(nd, dir, &follow);
			if (error != 0 || !follow) {
				if (error == 0)
					dir = NULL; /* now nd->ni_dvp */
				break;
			}
			vp = nd->ni_vp;
			nd->ni_vp = NULL;
		} else if (kind == LAST_DOT) {
			error = vn_access(dir, VEXEC, nd->ni_cred);
			if (error == 0) {
				vp = dir;
				vref(vp);
			}
		} else if (kind == LAST_DOTDOT) {
			error = vn_access(dir, VEXEC, nd->ni_cred);
			if (error == 0)
				error = lookup_parent(dir, root, &vp);
		} else {
			error = lookup_name(dir, cp, len, nd->ni_cred, &vp);
		}
		if (error != 0)
			break;

		/* A symbolic link to follow: its target replaces the name. */
		if (vp->v_type == VLNK &&
		    (!last || follow ||
		     (nd->ni_op == NI_LOOKUP &&
		      ((nd->ni_flags & NI_FOLLOW) || nd->ni_trailslash)))) {
			error = namei_follow(nd, vp, ep, &nlinks);
			vrele(vp);
			vp = NULL;
			if (error != 0)
				break;
			cp = nd->ni_pnbuf;
			if (*cp == '/') {
				vrele(dir);
				dir = root;
				vref(dir);
			}
			continue;
		}
		if (last && kind != LAST_NORM && nd->ni_op != NI_LOOKUP) {
			/* "." or ".." where a name must be made or removed. */
			nd->ni_lastkind = kind;
			nd->ni_vp = vp;
			break;
		}
		if (nd->ni_op == NI_LOOKUP || !last)
			lookup_crossmounts(&vp);
		if (last) {
			if (nd->ni_trailslash && vp->v_type != VDIR) {
				vrele(vp);
				error = ENOTDIR;
				break;
			}
			nd->ni_lastkind = kind;
			nd->ni_vp = vp;
			break;
		}
		vrele(dir);
		dir = vp;
		vp = NULL;
		cp = np;
	}
out:
	if (dir != NULL)
		vrele(dir);
	vrele(cdir);
	vrele(root);
	if (error == 0)
		return 0;
fail_nodirs:
	nd->ni_dvp = nd->ni_vp = NULL;
	namei_free(nd);
	return error;
}
