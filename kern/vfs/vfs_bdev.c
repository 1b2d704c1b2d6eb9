/*
 * vfs_bdev.c -- block devices as file systems see them: opening the
 * device a mount names (exclusively: one mount per device), its size,
 * sector size and read-only-ness, and closing it again with its buffers
 * written back.  The device itself is any VBLK vnode with a vop_strategy
 * (an etfs block device, a device node served by a driver).
 */
#include "vfs_bio.h"

int bdev_getinfo(struct vnode *devvp, struct bdev_info *bi)
{
	struct vattr va;
	int error;

	if (devvp->v_type != VBLK)
		return ENOTBLK;
	if (spec_isdev(devvp)) {
		if ((error = spec_getinfo(devvp, bi)) != 0)
			return error;
		bi->bi_rdonly = bi->bi_rdonly || vn_rdonly(devvp);
		return 0;
	}
	if ((error = vn_getattr(devvp, &va)) != 0)
		return error;
	bi->bi_size = va.va_size > 0 ? (uint64_t)va.va_size : 0;
	bi->bi_secsize = DEV_BSIZE;
	if (va.va_blocksize >= DEV_BSIZE && va.va_blocksize <= 65536 &&
	    (va.va_blocksize & (va.va_blocksize - 1)) == 0)
		bi->bi_secsize = (uint32_t)va.va_blocksize;
	bi->bi_rdonly = vn_rdonly(devvp) || (va.va_mode & 0222) == 0;
	return 0;
}

int bdev_open_mount(const char *path, bool rdonly, struct vnode **devvpp)
{
	struct bdev_info bi;
	struct vnode *vp;
	kauth_cred_t cred;
	int error;

	*devvpp = NULL;
	if (path == NULL || *path == '\0')
		return ENOENT;
	cred = cred_get(curproc);
	error = namei_simple(AT_FDCWD, path, NI_FOLLOW | NI_KERNPATH, cred,
			     &vp);
	cred_free(cred);
	if (error != 0)
		return error;
	if (vp->v_type != VBLK) {
		error = ENOTBLK;
		goto fail;
	}
	if (spec_isdev(vp) &&
	    (error = spec_open(vp, rdonly ? FREAD : FREAD | FWRITE)) != 0)
		goto fail;
	if ((error = bdev_getinfo(vp, &bi)) != 0)
		goto failclose;
	if (!rdonly && bi.bi_rdonly) {
		error = EROFS;
		goto failclose;
	}
	mutex_enter(&bc_lock);
	if (vp->v_bufs.vb_mounted)
		error = EBUSY;
	else {
		vp->v_bufs.vb_mounted = true;
		vp->v_bufs.vb_mountrdonly = rdonly;
	}
	mutex_exit(&bc_lock);
	if (error != 0)
		goto failclose;
	*devvpp = vp;
	return 0;
failclose:
	if (spec_isdev(vp))
		(void)spec_close(vp, rdonly ? FREAD : FREAD | FWRITE);
fail:
	vrele(vp);
	return error;
}

int bdev_close_mount(struct vnode *devvp)
{
	int error = vinvalbuf(devvp);
	bool rdonly;

	mutex_enter(&bc_lock);
	devvp->v_bufs.vb_mounted = false;
	rdonly = devvp->v_bufs.vb_mountrdonly;
	mutex_exit(&bc_lock);
	if (spec_isdev(devvp)) {
		int cerr = spec_close(devvp, rdonly ? FREAD : FREAD | FWRITE);
		if (error == 0)
			error = cerr;
	}
	vrele(devvp);
	return error;
}
