/*
 * etfs_vnops.c -- the etfs file system: vnodes for a host file (regular,
 * block or character device) or a host directory and what lies below it.
 * File data goes through rumpuser_iovread/iovwrite, device data through
 * rumpuser_bio, inside the registration's [begin, begin+size) window.
 * Listing a directory and truncating a file go through etfs's host glue
 * (etfs_host.h), since the hypercall interface has no calls for them.
 */
#include <rump/rumpuser.h>
#include <sys/devsw.h>

#include "etfs.h"
#include "etfs_host.h"

static uint64_t etfs_nextrdev = 0x7000;

static struct etfs_node *etfs_node_new(struct etfs_mount *em,
				       struct etfs_node *parent,
				       const char *hostpath, enum vtype type)
{
	struct etfs_node *en = kmem_zalloc(sizeof(*en), &M_ETFS);

	if (en == NULL)
		return NULL;
	if ((en->en_hostpath = kmem_strdup(hostpath, &M_ETFS)) == NULL) {
		kmem_free(en, sizeof(*en), &M_ETFS);
		return NULL;
	}
	mutex_init(&en->en_lock, MUTEX_DEFAULT);
	en->en_parent = parent;
	en->en_type = type;
	en->en_fd = -1;
	en->en_mode = type == VDIR ? 0755 : (type == VREG ? 0644 : 0600);
	vfs_timestamp(&en->en_mtime);
	en->en_atime = en->en_ctime = en->en_mtime;
	en->en_key = em->em_nextkey++;
	list_push_back(&em->em_nodes, &en->en_node);
	return en;
}

static void etfs_node_free(struct etfs_node *en)
{
	if (en->en_fd >= 0)
		rumpuser_close(en->en_fd);
	list_remove(&en->en_node);
	mutex_destroy(&en->en_lock);
	kmem_strfree(en->en_hostpath, &M_ETFS);
	kmem_free(en, sizeof(*en), &M_ETFS);
}

/* Opens the host file on first use: read-write, else read-only. */
static int etfs_node_open(struct etfs_node *en)
{
	int flags = en->en_type == VREG ? 0 : RUMPUSER_OPEN_BIO;
	int error = 0, fd;

	mutex_enter(&en->en_lock);
	if (en->en_fd < 0) {
		error = rumpuser_open(en->en_hostpath,
				      RUMPUSER_OPEN_RDWR | flags, &fd);
		if (error == EACCES || error == EROFS || error == EPERM) {
			error = rumpuser_open(en->en_hostpath,
					      RUMPUSER_OPEN_RDONLY | flags,
					      &fd);
			en->en_rdonly = error == 0;
		}
		if (error == 0)
			en->en_fd = fd;
	}
	mutex_exit(&en->en_lock);
	return error;
}

/* The size seen inside; a whole regular file follows the host's. */
static uint64_t etfs_node_size(struct etfs_node *en)
{
	uint64_t size;
	int type;

	mutex_enter(&en->en_lock);
	if (!en->en_fixedsize &&
	    rumpuser_getfileinfo(en->en_hostpath, &size, &type) == 0 &&
	    size >= en->en_begin)
		en->en_size = size - en->en_begin;
	size = en->en_size;
	mutex_exit(&en->en_lock);
	return size;
}

/*
 * Completion of one rumpuser_bio request.  biodone runs on a host thread
 * (or fiber) without a virtual CPU and perhaps without an lwp, so the
 * handshake uses the host's own mutex and condition variable.
 */
struct etfs_bio {
	struct rumpuser_mtx *eb_mtx;
	struct rumpuser_cv *eb_cv;
	int eb_done;
	size_t eb_count;
	int eb_error;
};

static void etfs_biodone(void *arg, size_t done, int error)
{
	struct etfs_bio *eb = arg;

	rumpuser_mutex_enter_nowrap(eb->eb_mtx);
	eb->eb_count = done;
	eb->eb_error = error;
	eb->eb_done = 1;
	rumpuser_cv_signal(eb->eb_cv);
	rumpuser_mutex_exit(eb->eb_mtx);
}

static int etfs_hostio(struct etfs_node *en, enum uio_rw rw, void *buf,
		       size_t len, uint64_t off, size_t *donep)
{
	struct rumpuser_iovec iov = {buf, len};
	struct etfs_bio eb;

	if (en->en_type == VREG) {
		if (rw == UIO_READ)
			return rumpuser_iovread(en->en_fd, &iov, 1,
						(int64_t)off, donep);
		return rumpuser_iovwrite(en->en_fd, &iov, 1, (int64_t)off,
					 donep);
	}
	memset(&eb, 0, sizeof(eb));
	rumpuser_mutex_init(&eb.eb_mtx, 0);
	rumpuser_cv_init(&eb.eb_cv);
	rumpuser_bio(en->en_fd,
		     rw == UIO_READ ? RUMPUSER_BIO_READ : RUMPUSER_BIO_WRITE,
		     buf, len, (int64_t)off, etfs_biodone, &eb);
	/* Both may block: they give the virtual CPU up meanwhile. */
	rumpuser_mutex_enter(eb.eb_mtx);
	while (!eb.eb_done)
		rumpuser_cv_wait(eb.eb_cv, eb.eb_mtx);
	rumpuser_mutex_exit(eb.eb_mtx);
	rumpuser_cv_destroy(eb.eb_cv);
	rumpuser_mutex_destroy(eb.eb_mtx);
	*donep = eb.eb_count;
	return eb.eb_error;
}

static int etfs_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct etfs_node *en = vp->v_data;
	uint64_t size;
	char *buf;
	int error;

	if (en->en_type == VDIR)
		return EISDIR;
	if (uio->uio_offset < 0)
		return EINVAL;
	if ((error = etfs_node_open(en)) != 0)
		return error;
	size = etfs_node_size(en);
	if ((buf = kmem_alloc(ETFS_CHUNK, &M_ETFS)) == NULL)
		return ENOMEM;
	while (uio->uio_resid > 0 && (uint64_t)uio->uio_offset < size) {
		size_t n = MIN(uio->uio_resid, ETFS_CHUNK), done = 0;

		n = (size_t)MIN((uint64_t)n, size - (uint64_t)uio->uio_offset);
		error = etfs_hostio(en, UIO_READ, buf, n,
				    en->en_begin + (uint64_t)uio->uio_offset,
				    &done);
		if (error != 0 || done == 0)
			break;
		if ((error = uiomove(buf, done, uio)) != 0)
			break;
	}
	kmem_free(buf, ETFS_CHUNK, &M_ETFS);
	return error;
}

static int etfs_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct etfs_node *en = vp->v_data;
	uint64_t size, limit;
	char *buf;
	int error;

	if (en->en_type == VDIR)
		return EISDIR;
	if ((error = etfs_node_open(en)) != 0)
		return error;
	if (en->en_rdonly)
		return EROFS;
	size = etfs_node_size(en);
	if (ioflag & IO_APPEND)
		uio->uio_offset = (off_t)size;
	if (uio->uio_offset < 0)
		return EINVAL;
	limit = en->en_fixedsize ? size : (uint64_t)INT64_MAX;
	if (uio->uio_resid > 0 && (uint64_t)uio->uio_offset >= limit)
		return ENOSPC;
	if ((buf = kmem_alloc(ETFS_CHUNK, &M_ETFS)) == NULL)
		return ENOMEM;
	while (uio->uio_resid > 0 && (uint64_t)uio->uio_offset < limit) {
		size_t n = MIN(uio->uio_resid, ETFS_CHUNK), done = 0;
		uint64_t off = (uint64_t)uio->uio_offset;

		n = (size_t)MIN((uint64_t)n, limit - off);
		if ((error = uiomove(buf, n, uio)) != 0)
			break;
		error = etfs_hostio(en, UIO_WRITE, buf, n, en->en_begin + off,
				    &done);
		if (error == 0 && done < n)
			error = EIO;
		if (error != 0)
			break;
		mutex_enter(&en->en_lock);
		if (!en->en_fixedsize && off + done > en->en_size)
			en->en_size = off + done;
		vfs_timestamp(&en->en_mtime);
		en->en_ctime = en->en_mtime;
		mutex_exit(&en->en_lock);
	}
	kmem_free(buf, ETFS_CHUNK, &M_ETFS);
	return error;
}

static int etfs_getattr(struct vnode *vp, struct vattr *va)
{
	struct etfs_node *en = vp->v_data;
	uint64_t size = en->en_type == VDIR ? 512 : etfs_node_size(en);

	memset(va, 0, sizeof(*va));
	va->va_type = en->en_type;
	mutex_enter(&en->en_lock);
	va->va_mode = en->en_mode;
	va->va_uid = en->en_uid;
	va->va_gid = en->en_gid;
	va->va_atime = en->en_atime;
	va->va_mtime = en->en_mtime;
	va->va_ctime = en->en_ctime;
	mutex_exit(&en->en_lock);
	va->va_birthtime = va->va_ctime;
	va->va_nlink = en->en_type == VDIR ? 2 : 1;
	va->va_fsid = vp->v_mount->mnt_fsid;
	va->va_fileid = en->en_key + 1;
	va->va_size = (int64_t)size;
	va->va_bytes = (int64_t)size;
	va->va_blocksize = en->en_type == VREG ? 4096 : 512;
	va->va_rdev = vp->v_rdev;
	return 0;
}

/* A size change truncates the host file; a window's size is fixed. */
static int etfs_setattr(struct vnode *vp, const struct vattr *va)
{
	struct etfs_node *en = vp->v_data;
	int error;

	if (va->va_size != VNOVAL &&
	    (uint64_t)va->va_size != etfs_node_size(en)) {
		if (en->en_type != VREG || en->en_fixedsize)
			return EOPNOTSUPP;
		if ((error = etfs_node_open(en)) != 0)
			return error;
		if (en->en_rdonly)
			return EROFS;
		if ((error = etfs_host_truncate(en->en_fd,
						(uint64_t)va->va_size)) != 0)
			return error;
		mutex_enter(&en->en_lock);
		en->en_size = (uint64_t)va->va_size;
		vfs_timestamp(&en->en_mtime);
		mutex_exit(&en->en_lock);
	}
	mutex_enter(&en->en_lock);
	if (va->va_mode != (mode_t)VNOVAL)
		en->en_mode = va->va_mode & ALLPERMS;
	if (va->va_uid != (uid_t)VNOVAL)
		en->en_uid = va->va_uid;
	if (va->va_gid != (gid_t)VNOVAL)
		en->en_gid = va->va_gid;
	if (va->va_atime.tv_sec != VNOVAL_TIME)
		en->en_atime = va->va_atime;
	if (va->va_mtime.tv_sec != VNOVAL_TIME)
		en->en_mtime = va->va_mtime;
	vfs_timestamp(&en->en_ctime);
	mutex_exit(&en->en_lock);
	return 0;
}

/*
 * The node for name in host directory dn, made on first use: *keyp is
 * its vcache key.  ENOENT for a host object etfs does not show (a
 * subdirectory unless the registration allows them, a socket, ...).
 */
static int etfs_child(struct etfs_mount *em, struct etfs_node *dn,
		      const char *name, size_t namelen, uint64_t *keyp,
		      enum vtype *typep)
{
	size_t dlen = strlen(dn->en_hostpath);
	struct etfs_node *en = NULL;
	enum vtype type;
	uint64_t size;
	char *path;
	int ftype, error;

	if ((path = kmem_alloc(PATH_MAX, &M_ETFS)) == NULL)
		return ENOMEM;
	if (dlen + 1 + namelen >= PATH_MAX) {
		error = ENAMETOOLONG;
		goto out;
	}
	memcpy(path, dn->en_hostpath, dlen);
	path[dlen] = '/';
	memcpy(path + dlen + 1, name, namelen);
	path[dlen + 1 + namelen] = '\0';
	if ((error = rumpuser_getfileinfo(path, &size, &ftype)) != 0)
		goto out;
	switch (ftype) {
	case RUMPUSER_FT_DIR:
		type = VDIR;
		if (em->em_entry->ee_type != RUMP_ETFS_DIR_SUBDIRS) {
			error = ENOENT; /* only the registered directory */
			goto out;
		}
		break;
	case RUMPUSER_FT_REG:
	case RUMPUSER_FT_BLK:
	case RUMPUSER_FT_CHR:
		type = VREG;
		break;
	default:
		error = ENOENT;
		goto out;
	}
	mutex_enter(&em->em_lock);
	list_foreach(it, &em->em_nodes)
	{
		struct etfs_node *n = list_entry(it, struct etfs_node, en_node);
		if (n->en_parent == dn && strcmp(n->en_hostpath, path) == 0)
			en = n;
	}
	if (en == NULL && (en = etfs_node_new(em, dn, path, type)) == NULL)
		error = ENOMEM;
	if (en != NULL) {
		*keyp = en->en_key;
		*typep = en->en_type;
	}
	mutex_exit(&em->em_lock);
out:
	kmem_free(path, PATH_MAX, &M_ETFS);
	return error;
}

/* A name in a host directory: a node for hostdir/name, by host type. */
static int etfs_lookup(struct vnode *dvp, const struct componentname *cnp,
		       struct vnode **vpp)
{
	struct etfs_node *dn = dvp->v_data;
	enum vtype type;
	uint64_t key;
	int error;

	if (cnp->cn_namelen == 2 && memcmp(cnp->cn_name, "..", 2) == 0) {
		if (dn->en_parent == NULL)
			return ENOENT;
		return vcache_get(dvp->v_mount, dn->en_parent->en_key, vpp);
	}
	error = etfs_child(dvp->v_mount->mnt_data, dn, cnp->cn_name,
			   cnp->cn_namelen, &key, &type);
	if (error == 0)
		error = vcache_get(dvp->v_mount, key, vpp);
	return error;
}

static int etfs_notsupp_create(struct vnode *dvp,
			       const struct componentname *cnp,
			       const struct vattr *va, struct vnode **vpp)
{
	return EOPNOTSUPP;
}

static int etfs_notsupp_symlink(struct vnode *dvp,
				const struct componentname *cnp,
				const struct vattr *va, const char *target,
				struct vnode **vpp)
{
	return EOPNOTSUPP;
}

static int etfs_notsupp_remove(struct vnode *dvp, struct vnode *vp,
			       const struct componentname *cnp)
{
	return EOPNOTSUPP;
}

static int etfs_notsupp_rename(struct vnode *fdvp, struct vnode *fvp,
			       const struct componentname *fcnp,
			       struct vnode *tdvp, struct vnode *tvp,
			       const struct componentname *tcnp)
{
	return EOPNOTSUPP;
}

#define ETFS_DIRENT_HDR offsetof(struct rump_dirent, d_name)
#define ETFS_LIST_BATCH 8

/* One record into uio; *fitp false (nothing moved) if it does not fit. */
static int etfs_dirent_put(struct uio *uio, uint64_t ino, uint64_t next,
			   enum vtype type, const char *name, size_t len,
			   bool *fitp)
{
	char buf[roundup(ETFS_DIRENT_HDR + ETFS_HOST_NAMEMAX + 1, 8)];
	size_t reclen = roundup(ETFS_DIRENT_HDR + len + 1, 8);
	struct rump_dirent *d = (struct rump_dirent *)buf;

	*fitp = reclen <= uio->uio_resid;
	if (!*fitp)
		return 0;
	memset(buf, 0, reclen);
	d->d_ino = ino;
	d->d_off = (int64_t)next;
	d->d_reclen = (uint16_t)reclen;
	d->d_type = type == VDIR ? DT_DIR : DT_REG;
	memcpy(d->d_name, name, len);
	return uiomove(buf, reclen, uio);
}

/*
 * Cookie 0 is ".", 1 is "..", 2 + i the host's i'th other name.  A name
 * the host lists but etfs does not show (see etfs_child) is skipped.
 * Cookies index the host's order, so they stay valid only while the
 * host directory is unchanged.
 */
static int etfs_readdir(struct vnode *vp, struct uio *uio, bool *eofp)
{
	struct etfs_node *dn = vp->v_data;
	struct etfs_hostent *ents;
	uint64_t off, key, dotdot;
	enum vtype type;
	int error = 0, nrec = 0, n = 0;
	bool fit = true;

	*eofp = false;
	if (uio->uio_offset < 0)
		return EINVAL;
	off = (uint64_t)uio->uio_offset;
	if (off == 0) {
		error = etfs_dirent_put(uio, dn->en_key + 1, 1, VDIR, ".", 1,
					&fit);
		if (error != 0 || !fit)
			goto out;
		nrec++;
		off = 1;
	}
	if (off == 1) {
		dotdot = dn->en_parent != NULL ? dn->en_parent->en_key + 1
					       : dn->en_key + 1;
		error = etfs_dirent_put(uio, dotdot, 2, VDIR, "..", 2, &fit);
		if (error != 0 || !fit)
			goto out;
		nrec++;
		off = 2;
	}
	ents = kmem_alloc(ETFS_LIST_BATCH * sizeof(*ents), &M_ETFS);
	if (ents == NULL) {
		error = ENOMEM;
		goto out;
	}
	do {
		error = etfs_host_listdir(dn->en_hostpath, off - 2, ents,
					  ETFS_LIST_BATCH, &n);
		for (int i = 0; error == 0 && fit && i < n; i++) {
			int cerr = etfs_child(vp->v_mount->mnt_data, dn,
					      ents[i].eh_name,
					      ents[i].eh_namelen, &key, &type);
			if (cerr == 0) {
				error = etfs_dirent_put(uio, key + 1, off + 1,
							type, ents[i].eh_name,
							ents[i].eh_namelen,
							&fit);
				if (error != 0 || !fit)
					break;
				nrec++;
			} else if (cerr != ENOENT) {
				error = cerr;
				break;
			}
			off++;
		}
	} while (error == 0 && fit && n == ETFS_LIST_BATCH);
	if (error == 0 && fit)
		*eofp = true;
	kmem_free(ents, ETFS_LIST_BATCH * sizeof(*ents), &M_ETFS);
out:
	uio->uio_offset = (off_t)off;
	if (error == 0 && nrec == 0 && !fit)
		error = EINVAL;
	return error;
}

/* The host descriptor if the node is open for writing, else -1. */
static int etfs_node_wfd(struct etfs_node *en)
{
	int fd;

	mutex_enter(&en->en_lock);
	fd = en->en_rdonly ? -1 : en->en_fd;
	mutex_exit(&en->en_lock);
	return fd;
}

static int etfs_fsync(struct vnode *vp, int flags)
{
	int fd = etfs_node_wfd(vp->v_data);

	return fd < 0 ? 0 : rumpuser_syncfd(fd, RUMPUSER_SYNCFD_WRITE, 0, 0);
}

/* The end of a host transfer, in kernel context (bio_host_start). */
static void etfs_strategy_done(void *arg, size_t done, int error)
{
	struct buf *bp = arg;

	bp->b_resid = bp->b_bcount - (int)MIN(done, (size_t)bp->b_bcount);
	bp->b_error = error;
	if (error == 0 && bp->b_resid != 0)
		bp->b_error = EIO;
	biodone(bp);
}

/* Device nodes: the buffer cache's transfers, asynchronous. */
static int etfs_strategy(struct vnode *vp, struct buf *bp)
{
	struct etfs_node *en = vp->v_data;
	uint64_t off = dbtob(bp->b_blkno), size;
	int error, op;

	if (en == NULL || (en->en_type != VBLK && en->en_type != VCHR))
		error = ENXIO;
	else if ((error = etfs_node_open(en)) != 0)
		;
	else if (!(bp->b_flags & (B_READ | B_FLUSH)) && en->en_rdonly)
		error = EROFS;
	else if (!(bp->b_flags & B_FLUSH) &&
		 (size = etfs_node_size(en),
		  bp->b_blkno < 0 || bp->b_bcount < 0 || off > size ||
			  (uint64_t)bp->b_bcount > size - off))
		error = EIO; /* beyond the end of the device */
	if (error == 0) {
		if (bp->b_flags & B_FLUSH)
			op = RUMPUSER_BIO_SYNC;
		else
			op = (bp->b_flags & B_READ) ? RUMPUSER_BIO_READ
						    : RUMPUSER_BIO_WRITE;
		error = bio_host_start(
			en->en_fd, op,
			(bp->b_flags & B_FLUSH) ? NULL : bp->b_data,
			(size_t)bp->b_bcount, (int64_t)(en->en_begin + off),
			etfs_strategy_done, bp);
	}
	if (error != 0) {
		bp->b_error = error;
		bp->b_resid = bp->b_bcount;
		biodone(bp);
		return error;
	}
	return 0;
}

static void etfs_reclaim(struct vnode *vp)
{
	vp->v_data = NULL; /* the node stays with the mount */
}

const struct vnodeops etfs_vnodeops = {
	.vop_lookup = etfs_lookup,
	.vop_create = etfs_notsupp_create,
	.vop_mkdir = etfs_notsupp_create,
	.vop_symlink = etfs_notsupp_symlink,
	.vop_remove = etfs_notsupp_remove,
	.vop_rmdir = etfs_notsupp_remove,
	.vop_link = etfs_notsupp_remove,
	.vop_rename = etfs_notsupp_rename,
	.vop_getattr = etfs_getattr,
	.vop_setattr = etfs_setattr,
	.vop_read = etfs_read,
	.vop_write = etfs_write,
	.vop_readdir = etfs_readdir,
	.vop_readlink = NULL,
	.vop_fsync = etfs_fsync,
	.vop_fallocate = NULL,
	.vop_seekdata = NULL,
	.vop_inactive = NULL,
	.vop_reclaim = etfs_reclaim,
	.vop_strategy = etfs_strategy,
};

static int etfs_mount(struct mount *mp, const char *source, const char *opts)
{
	struct etfs_entry *ee = etfs_mounting;
	struct etfs_mount *em;
	struct etfs_node *root;
	enum vtype type;
	uint64_t size;
	int ftype, error;

	if (ee == NULL || source == NULL || strcmp(source, ee->ee_key) != 0)
		return EINVAL; /* only etfs registration mounts etfs */
	if ((error = rumpuser_getfileinfo(ee->ee_hostpath, &size, &ftype)) != 0)
		return error;
	switch (ee->ee_type) {
	case RUMP_ETFS_REG:
		type = VREG;
		break;
	case RUMP_ETFS_BLK:
		type = VBLK;
		break;
	case RUMP_ETFS_CHR:
		type = VCHR;
		break;
	default:
		type = VDIR;
		break;
	}
	if ((type == VDIR) != (ftype == RUMPUSER_FT_DIR))
		return type == VDIR ? ENOTDIR : EISDIR;
	if (type != VDIR && ee->ee_begin > size)
		return EINVAL;
	if ((em = kmem_zalloc(sizeof(*em), &M_ETFS)) == NULL)
		return ENOMEM;
	em->em_entry = ee;
	mutex_init(&em->em_lock, MUTEX_DEFAULT);
	list_init(&em->em_nodes);
	em->em_nextkey = ETFS_ROOTKEY;
	if ((root = etfs_node_new(em, NULL, ee->ee_hostpath, type)) == NULL) {
		mutex_destroy(&em->em_lock);
		kmem_free(em, sizeof(*em), &M_ETFS);
		return ENOMEM;
	}
	root->en_begin = ee->ee_begin;
	root->en_size = size - ee->ee_begin;
	root->en_fixedsize = type != VREG;
	if (type != VDIR && ee->ee_size != RUMP_ETFS_SIZE_ENDOFF) {
		root->en_fixedsize = true;
		root->en_size = MIN(ee->ee_size, size - ee->ee_begin);
	}
	if (type != VDIR && (error = etfs_node_open(root)) != 0) {
		etfs_node_free(root);
		mutex_destroy(&em->em_lock);
		kmem_free(em, sizeof(*em), &M_ETFS);
		return error;
	}
	if (root->en_rdonly)
		mp->mnt_flag |= MNT_RDONLY;
	mp->mnt_data = em;
	return 0;
}

static int etfs_unmount(struct mount *mp, int flags)
{
	struct etfs_mount *em = mp->mnt_data;

	while (!list_empty(&em->em_nodes))
		etfs_node_free(list_entry(list_first(&em->em_nodes),
					  struct etfs_node, en_node));
	mutex_destroy(&em->em_lock);
	kmem_free(em, sizeof(*em), &M_ETFS);
	mp->mnt_data = NULL;
	return 0;
}

static int etfs_root(struct mount *mp, struct vnode **vpp)
{
	return vcache_get(mp, ETFS_ROOTKEY, vpp);
}

static int etfs_statvfs(struct mount *mp, struct statvfs_fs *sfs)
{
	struct etfs_mount *em = mp->mnt_data;
	struct etfs_node *root = list_entry(list_first(&em->em_nodes),
					    struct etfs_node, en_node);

	sfs->bsize = sfs->frsize = 512;
	if (root->en_type != VDIR)
		sfs->blocks = etfs_node_size(root) / 512;
	sfs->namemax = NAME_MAX;
	return 0;
}

static int etfs_sync(struct mount *mp, bool waitfor)
{
	struct etfs_mount *em = mp->mnt_data;

	mutex_enter(&em->em_lock);
	list_foreach(it, &em->em_nodes)
	{
		int fd = etfs_node_wfd(
			list_entry(it, struct etfs_node, en_node));
		if (fd >= 0)
			rumpuser_syncfd(fd, RUMPUSER_SYNCFD_WRITE, 0, 0);
	}
	mutex_exit(&em->em_lock);
	return 0;
}

static int etfs_loadvnode(struct mount *mp, struct vnode *vp, uint64_t key)
{
	struct etfs_mount *em = mp->mnt_data;
	struct etfs_node *en = NULL;

	mutex_enter(&em->em_lock);
	list_foreach(it, &em->em_nodes)
	{
		struct etfs_node *n = list_entry(it, struct etfs_node, en_node);
		if (n->en_key == key)
			en = n;
	}
	mutex_exit(&em->em_lock);
	if (en == NULL)
		return ENOENT;
	vp->v_type = en->en_type;
	vp->v_op = &etfs_vnodeops;
	vp->v_data = en;
	if (en->en_type == VBLK || en->en_type == VCHR)
		vp->v_rdev = atomic_inc_nv(&etfs_nextrdev);
	return 0;
}

const struct vfsops etfs_vfsops = {
	.vfs_name = "etfs",
	.vfs_mount = etfs_mount,
	.vfs_unmount = etfs_unmount,
	.vfs_root = etfs_root,
	.vfs_statvfs = etfs_statvfs,
	.vfs_sync = etfs_sync,
	.vfs_loadvnode = etfs_loadvnode,
	.vfs_aliases = NULL,
};
