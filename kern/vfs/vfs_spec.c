/*
 * vfs_spec.c -- device nodes (made by mknod in any file system) served by
 * drivers through the kernel base's device switch (sys/devsw.h).  The
 * node's file system keeps its name and attributes; open, close, read,
 * write, ioctl and strategy go to the driver of v_rdev, ENXIO when no
 * driver has that major number.  Character devices read and write
 * directly; block devices through the buffer cache, in blocks of
 * SPEC_BSIZE (smaller at the end of the device), writes written through.  etfs
 * device nodes serve themselves (their own vop_strategy) and never come here.
 */
#include "vfs_bio.h"

#define SPEC_BSIZE 4096

bool spec_isdev(struct vnode *vp)
{
	return (vp->v_type == VBLK || vp->v_type == VCHR) &&
	       atomic_load_relaxed(&vp->v_op)->vop_strategy == NULL;
}

int spec_open(struct vnode *vp, int fflag)
{
	if (vp->v_type == VBLK) {
		const struct bdevsw *d = bdevsw_lookup(vp->v_rdev);
		return d == NULL ? ENXIO : d->d_open(vp->v_rdev, fflag);
	} else {
		const struct cdevsw *d = cdevsw_lookup(vp->v_rdev);
		return d == NULL ? ENXIO : d->d_open(vp->v_rdev, fflag);
	}
}

int spec_close(struct vnode *vp, int fflag)
{
	int error = 0;

	if (vp->v_type == VBLK) {
		const struct bdevsw *d = bdevsw_lookup(vp->v_rdev);
		/* A writer's data goes to the disk before it closes. */
		if (fflag & FWRITE)
			error = vflushbuf(vp, true);
		if (d != NULL) {
			int cerr = d->d_close(vp->v_rdev, fflag);
			if (error == 0)
				error = cerr;
		}
	} else {
		const struct cdevsw *d = cdevsw_lookup(vp->v_rdev);
		if (d != NULL)
			error = d->d_close(vp->v_rdev, fflag);
	}
	return error;
}

int spec_ioctl(struct vnode *vp, unsigned long cmd, void *data, int fflag)
{
	if (vp->v_type == VBLK) {
		const struct bdevsw *d = bdevsw_lookup(vp->v_rdev);
		return d == NULL ? ENXIO
				 : d->d_ioctl(vp->v_rdev, cmd, data, fflag);
	} else {
		const struct cdevsw *d = cdevsw_lookup(vp->v_rdev);
		return d == NULL ? ENXIO
				 : d->d_ioctl(vp->v_rdev, cmd, data, fflag);
	}
}

int spec_strategy(struct vnode *vp, struct buf *bp)
{
	const struct bdevsw *d = bdevsw_lookup(vp->v_rdev);

	bp->b_dev = vp->v_rdev;
	if (d == NULL) {
		bp->b_error = ENXIO;
		bp->b_resid = bp->b_bcount;
		biodone(bp);
		return ENXIO;
	}
	return d->d_strategy(bp);
}

int spec_getinfo(struct vnode *vp, struct bdev_info *bi)
{
	struct disk_info di;
	int error;

	memset(&di, 0, sizeof(di));
	if ((error = spec_ioctl(vp, DIOCGDISKINFO, &di, FREAD)) != 0)
		return error;
	bi->bi_size = di.di_size;
	bi->bi_secsize = di.di_secsize != 0 ? di.di_secsize : DEV_BSIZE;
	bi->bi_rdonly = di.di_rdonly;
	return 0;
}

/* Block devices: read and write through the buffer cache. */
static int spec_blkrw(struct vnode *vp, struct uio *uio, int ioflag)
{
	bool write = uio->uio_rw == UIO_WRITE;
	struct bdev_info bi;
	struct buf *bp;
	int error;

	if (uio->uio_offset < 0)
		return EINVAL;
	if ((error = spec_getinfo(vp, &bi)) != 0)
		return error;
	if (write && bi.bi_rdonly)
		return EROFS;
	if (write && uio->uio_resid > 0 &&
	    (uint64_t)uio->uio_offset >= bi.bi_size)
		return ENOSPC;
	while (uio->uio_resid > 0 && (uint64_t)uio->uio_offset < bi.bi_size) {
		uint64_t off = (uint64_t)uio->uio_offset;
		uint64_t bsize = MAX(SPEC_BSIZE, bi.bi_secsize);
		uint64_t bn = off / bsize * bsize, on = off - bn;
		uint64_t len = MIN(bsize, roundup(bi.bi_size - bn, DEV_BSIZE));
		size_t n = (size_t)MIN(MIN(len - on, uio->uio_resid),
				       bi.bi_size - off);

		if (write && on == 0 && n == len)
			error = getblk(vp, btodb(bn), (int)len, &bp);
		else
			error = bread(vp, btodb(bn), (int)len, 0, &bp);
		if (error != 0)
			break;
		if ((error = uiomove((char *)bp->b_data + on, n, uio)) != 0) {
			brelse(bp);
			break;
		}
		/* Written through: a write on a disk node is on the disk when
		 * it returns, as etfs device writes are. */
		if (!write)
			brelse(bp);
		else
			error = bwrite(bp);
		if (error != 0)
			break;
	}
	return error;
}

int spec_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	const struct cdevsw *d;

	if (vp->v_type == VBLK)
		return spec_blkrw(vp, uio, ioflag);
	if ((d = cdevsw_lookup(vp->v_rdev)) == NULL)
		return ENXIO;
	return d->d_read(vp->v_rdev, uio, ioflag);
}

int spec_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	const struct cdevsw *d;

	if (vp->v_type == VBLK)
		return spec_blkrw(vp, uio, ioflag);
	if ((d = cdevsw_lookup(vp->v_rdev)) == NULL)
		return ENXIO;
	return d->d_write(vp->v_rdev, uio, ioflag);
}
