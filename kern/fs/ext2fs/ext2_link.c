/*
 * ext2_link.c -- hard links: a new name in a directory for an existing
 * file (not a directory).  dvp and vp locked by the VFS; EMLINK at
 * EXT2_LINK_MAX (65000) links, EEXIST for a name taken, ENOENT in a
 * removed directory or for a file whose last link is gone.
 */
#include <sys/systm.h>

#include "ext2_dir.h"

int ext2_vop_link(struct vnode *dvp, struct vnode *vp,
		  const struct componentname *cnp)
{
	struct ext2_inode *dp = VTOI(dvp), *ip = VTOI(vp);
	struct ext2_dirpos pos;
	struct ext2_trans *tp;
	int error, e2;

	if (!ext2_isdir(dp))
		return ENOTDIR;
	if (ext2_isdir(ip))
		return EPERM;
	if (dvp->v_mount != vp->v_mount)
		return EXDEV;
	if (dp->i_din->i_links_count == 0 || ip->i_din->i_links_count == 0)
		return ENOENT;
	if (ip->i_din->i_links_count >= EXT2_LINK_MAX)
		return EMLINK;
	if (ext2_dir_name_is_dot(cnp))
		return EEXIST;
	error = ext2_dir_find(dp, cnp->cn_name, cnp->cn_namelen, &pos);
	if (error != ENOENT)
		return error == 0 ? EEXIST : error;
	if ((error = ext2_trans_begin(dp->i_mount, EXT2_DIR_CREDITS, &tp)) != 0)
		return error;
	error = ext2_dir_add(tp, dp, cnp->cn_name, cnp->cn_namelen,
			     ip->i_number, ext2_dir_mode_to_ft(ext2_imode(ip)));
	if (error == 0) {
		ip->i_din->i_links_count++;
		ext2_itimes(ip, EXT2_ICHG);
		error = ext2_iupdate(tp, ip);
	}
	if (error == 0) {
		ext2_itimes(dp, EXT2_IMOD | EXT2_ICHG);
		error = ext2_iupdate(tp, dp);
	}
	e2 = ext2_trans_end(tp);
	return error != 0 ? error : e2;
}
