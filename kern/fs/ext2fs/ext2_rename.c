/*
 * ext2_rename.c -- rename within one ext2/3/4 file system, in one
 * transaction.  The VFS holds the mount's rename lock and the four vnodes
 * locked, and has checked types, emptiness of a replaced directory and
 * ancestry; this re-checks what the directories say (the entries still
 * name the vnodes), puts the new name in first (the only step that needs
 * room), then removes the old one.  Over an existing name the target's
 * entry is pointed at the moved inode and the target loses that link.  A
 * directory that changes parent gets its ".." rewritten and takes its
 * link from the old parent to the new.
 */
#include <sys/systm.h>

#include "ext2_dir.h"

/* The ".." entry of directory ip. */
static int rename_dotdot(struct ext2_inode *ip, struct ext2_dirpos *pos)
{
	int error = ext2_dir_find(ip, "..", 2, pos);

	return error == ENOENT ? EIO : error;
}

int ext2_vop_rename(struct vnode *fdvp, struct vnode *fvp,
		    const struct componentname *fcnp, struct vnode *tdvp,
		    struct vnode *tvp, const struct componentname *tcnp)
{
	struct ext2_inode *fdp = VTOI(fdvp), *fip = VTOI(fvp);
	struct ext2_inode *tdp = VTOI(tdvp), *tip = NULL;
	struct ext2_dirpos fpos, tpos, dpos;
	struct ext2_trans *tp;
	bool isdir, empty;
	int error, e2;

	if (fvp->v_mount != tdvp->v_mount || fdvp->v_mount != tdvp->v_mount ||
	    (tvp != NULL && tvp->v_mount != tdvp->v_mount))
		return EXDEV;
	if (ext2_dir_name_is_dot(fcnp) || ext2_dir_name_is_dot(tcnp))
		return EINVAL;
	if (!ext2_isdir(tdp) || !ext2_isdir(fdp))
		return ENOTDIR;
	if (tdp->i_din->i_links_count == 0)
		return ENOENT;
	if ((error = ext2_dir_find_of(fdp, fcnp, fip, &fpos)) != 0)
		return error;
	if (tvp != NULL) {
		tip = VTOI(tvp);
		if ((error = ext2_dir_find_of(tdp, tcnp, tip, &tpos)) != 0)
			return error;
	} else {
		error = ext2_dir_find(tdp, tcnp->cn_name, tcnp->cn_namelen,
				      &tpos);
		if (error != ENOENT)
			return error == 0 ? EEXIST : error;
	}
	if (fip == tip)
		return 0;
	isdir = ext2_isdir(fip);
	if (tip != NULL && isdir) {
		if (!ext2_isdir(tip))
			return ENOTDIR;
		if ((error = ext2_dir_isempty(tip, &empty)) != 0)
			return error;
		if (!empty)
			return ENOTEMPTY;
	} else if (tip != NULL && ext2_isdir(tip))
		return EISDIR;
	if (isdir && fdp != tdp && tip == NULL && ext2_dir_link_full(tdp))
		return EMLINK;
	if (isdir && fdp != tdp && (error = rename_dotdot(fip, &dpos)) != 0)
		return error;

	error = ext2_trans_begin(fdp->i_mount, 2 * EXT2_DIR_CREDITS, &tp);
	if (error != 0)
		return error;
	if (tip != NULL) {
		error = ext2_dir_retarget(tp, tdp, &tpos, fip->i_number,
					  ext2_dir_mode_to_ft(ext2_imode(fip)));
		if (error == 0) {
			if (ext2_isdir(tip)) {
				tip->i_din->i_links_count = 0;
				ext2_dir_link_dec(tdp);
			} else if (tip->i_din->i_links_count > 0)
				tip->i_din->i_links_count--;
			error = ext2_dir_unlinked(tp, tip);
		}
	} else
		error = ext2_dir_add(tp, tdp, tcnp->cn_name, tcnp->cn_namelen,
				     fip->i_number,
				     ext2_dir_mode_to_ft(ext2_imode(fip)));
	/* Adding may have split blocks of the same directory: find again. */
	if (error == 0 && fdp == tdp)
		error = ext2_dir_find_of(fdp, fcnp, fip, &fpos);
	if (error == 0)
		error = ext2_dir_remove(tp, fdp, &fpos);
	if (error == 0 && isdir && fdp != tdp) {
		error = ext2_dir_retarget(tp, fip, &dpos, tdp->i_number,
					  EXT2_DIR_FT_DIR);
		if (error == 0) {
			ext2_dir_link_dec(fdp);
			ext2_dir_link_inc(tdp);
		}
	}
	if (error == 0) {
		ext2_itimes(fip, EXT2_ICHG);
		error = ext2_iupdate(tp, fip);
	}
	if (error == 0) {
		ext2_itimes(fdp, EXT2_IMOD | EXT2_ICHG);
		error = ext2_iupdate(tp, fdp);
	}
	if (error == 0 && tdp != fdp) {
		ext2_itimes(tdp, EXT2_IMOD | EXT2_ICHG);
		error = ext2_iupdate(tp, tdp);
	}
	e2 = ext2_trans_end(tp);
	return error != 0 ? error : e2;
}
