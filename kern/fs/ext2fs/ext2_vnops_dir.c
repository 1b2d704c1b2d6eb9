/*
 * ext2_vnops_dir.c -- the directory vnode ops of ext2/3/4: lookup,
 * create (files, fifos, devices, sockets), mkdir, symlink (fast ones in
 * i_block, slow ones in a block), remove, rmdir, readdir and readlink.
 * The VFS holds the locks docs/vfs.md describes and has checked
 * permissions and name lengths; these check what only the file system
 * knows (EEXIST, ENOTEMPTY, EMLINK, a removed directory) and make every
 * metadata change inside one transaction.  A file whose last link goes
 * is put on the orphan list; its storage goes in vop_inactive.
 */
#include <sys/buf.h>
#include <sys/file.h>
#include <sys/proc.h>
#include <sys/systm.h>

#include "ext2_dir.h"

static bool name_is(const struct componentname *cnp, const char *s)
{
	size_t len = strlen(s);

	return cnp->cn_namelen == len && memcmp(cnp->cn_name, s, len) == 0;
}

bool ext2_dir_name_is_dot(const struct componentname *cnp)
{
	return name_is(cnp, ".") || name_is(cnp, "..");
}

void ext2_dir_link_inc(struct ext2_inode *dp)
{
	uint32_t n = dp->i_din->i_links_count;

	/* dir_nlink: past the limit a directory counts 1 ("many"). */
	if (n == 1 && ext2_isdir(dp))
		return;
	if (n + 1 > EXT2_LINK_MAX)
		n = 0;
	dp->i_din->i_links_count = (uint16_t)(n + 1);
}

void ext2_dir_link_dec(struct ext2_inode *dp)
{
	uint32_t n = dp->i_din->i_links_count;

	if (!ext2_isdir(dp) || n > 2)
		dp->i_din->i_links_count = (uint16_t)(n - 1);
}

bool ext2_dir_link_full(struct ext2_inode *dp)
{
	return dp->i_din->i_links_count >= EXT2_LINK_MAX &&
	       !ext2_has_ro_compat(dp->i_mount,
				   EXT4_FEATURE_RO_COMPAT_DIR_NLINK);
}

int ext2_vop_lookup(struct vnode *dvp, const struct componentname *cnp,
		    struct vnode **vpp)
{
	struct ext2_inode *dp = VTOI(dvp);
	struct ext2_dirpos pos;
	int error;

	*vpp = NULL;
	if (!ext2_isdir(dp))
		return ENOTDIR;
	error = ext2_dir_find(dp, cnp->cn_name, cnp->cn_namelen, &pos);
	if (error != 0)
		return error;
	if (pos.p_ino == dp->i_number) {
		/* Only the root's ".." may name the directory itself. */
		if (!name_is(cnp, "..") || dp->i_number != EXT2_ROOT_INO) {
			printf("ext2fs: directory inode %u: entry names the "
			       "directory itself\n",
			       dp->i_number);
			return EIO;
		}
		vref(dvp);
		*vpp = dvp;
		return 0;
	}
	return ext2_iget(dp->i_mount, pos.p_ino, vpp);
}

/*
 * Owner, group and mode of a new inode in dp: the attributes' if given,
 * else the creator's; a set-group-id directory passes on its group (and
 * to directories the bit), and a creator outside the group loses a
 * set-group-id bit it asked for, as in Linux.
 */
static void new_owner(struct ext2_inode *dp, const struct vattr *va,
		      kauth_cred_t cred, bool dir, uid_t *uidp, gid_t *gidp,
		      uint16_t *permp)
{
	mode_t mode = va->va_mode == (mode_t)VNOVAL ? 0 : va->va_mode;
	uint16_t dmode = ext2_imode(dp);
	gid_t gid;

	mode &= ALLPERMS;
	*uidp = va->va_uid != (uid_t)VNOVAL ? va->va_uid
		: cred != NULL		    ? cred->cr_euid
					    : 0;
	if (va->va_gid != (gid_t)VNOVAL)
		gid = va->va_gid;
	else if (dmode & S_ISGID)
		gid = ext2_inode_gid(dp);
	else
		gid = cred != NULL ? cred->cr_egid : 0;
	if (dir && (dmode & S_ISGID))
		mode |= S_ISGID;
	else if (!dir && (mode & S_ISGID) && cred != NULL &&
		 !cred_is_root(cred) && !cred_groupmember(gid, cred))
		mode &= ~S_ISGID;
	*gidp = gid;
	*permp = (uint16_t)mode;
}

static uint16_t vtype_to_ifmt(enum vtype type)
{
	switch (type) {
	case VREG:
		return EXT2_S_IFREG;
	case VDIR:
		return EXT2_S_IFDIR;
	case VLNK:
		return EXT2_S_IFLNK;
	case VCHR:
		return EXT2_S_IFCHR;
	case VBLK:
		return EXT2_S_IFBLK;
	case VFIFO:
		return EXT2_S_IFIFO;
	case VSOCK:
		return EXT2_S_IFSOCK;
	default:
		return 0;
	}
}

/* The target of a new symbolic link: in i_block or in block 0. */
static int symlink_store(struct ext2_trans *tp, struct ext2_inode *ip,
			 const char *target, size_t tlen)
{
	struct buf *bp;
	uint64_t pblk;
	int error;

	if (tlen <= EXT2_FAST_SYMLINK_MAX) {
		ip->i_flags &= ~EXT4_EXTENTS_FL;
		ip->i_din->i_flags &= ~EXT4_EXTENTS_FL;
		memset(ip->i_din->i_block, 0, sizeof(ip->i_din->i_block));
		memcpy(ip->i_din->i_block, target, tlen);
	} else {
		if (tlen >= ip->i_mount->em_bsize)
			return ENAMETOOLONG;
		/*
		 * Without blocks the inode still looks like a fast link to
		 * the block map code: place block 0 by hand (block-mapped,
		 * as e2fsck accepts on any file system).
		 */
		ip->i_flags &= ~EXT4_EXTENTS_FL;
		ip->i_din->i_flags &= ~EXT4_EXTENTS_FL;
		memset(ip->i_din->i_block, 0, sizeof(ip->i_din->i_block));
		if ((error = ext2_blkalloc(tp, ip, 0, &pblk)) != 0)
			return error;
		if (pblk > UINT32_MAX) {
			(void)ext2_blkfree(tp, pblk, 1, false);
			return ENOSPC;
		}
		ip->i_din->i_block[0] = (uint32_t)pblk;
		ext2_inode_add_blocks(ip, 1);
		if ((error = ext2_getblk(ip->i_mount, pblk, &bp)) != 0)
			return error;
		memset(bp->b_data, 0, ip->i_mount->em_bsize);
		memcpy(bp->b_data, target, tlen);
		ext2_trans_dirty(tp, bp);
	}
	ext2_setsize(ip, tlen);
	return 0;
}

/* create, mkdir, symlink: a new inode of type under cnp in dvp. */
static int dir_newnode(struct vnode *dvp, const struct componentname *cnp,
		       const struct vattr *va, enum vtype type,
		       const char *target, struct vnode **vpp)
{
	struct ext2_inode *dp = VTOI(dvp), *ip;
	struct ext2_mount *em = dp->i_mount;
	struct ext2_dirpos pos;
	struct ext2_trans *tp;
	uint16_t ifmt = vtype_to_ifmt(type), perm;
	size_t tlen = 0;
	uid_t uid;
	gid_t gid;
	int error, e2;

	*vpp = NULL;
	if (!ext2_isdir(dp))
		return ENOTDIR;
	if (dp->i_din->i_links_count == 0)
		return ENOENT;
	if (ifmt == 0)
		return EINVAL;
	if (cnp->cn_namelen == 0 || cnp->cn_namelen > EXT2_NAME_LEN)
		return cnp->cn_namelen == 0 ? ENOENT : ENAMETOOLONG;
	if (ext2_dir_name_is_dot(cnp))
		return EEXIST;
	if (type == VLNK) {
		tlen = strnlen(target, PATH_MAX);
		if (tlen == 0)
			return ENOENT;
		if (tlen >= PATH_MAX || tlen >= em->em_bsize)
			return ENAMETOOLONG;
	}
	error = ext2_dir_find(dp, cnp->cn_name, cnp->cn_namelen, &pos);
	if (error != ENOENT)
		return error == 0 ? EEXIST : error;
	if (type == VDIR && ext2_dir_link_full(dp))
		return EMLINK;
	new_owner(dp, va, cnp->cn_cred, type == VDIR, &uid, &gid, &perm);
	if ((error = ext2_trans_begin(em, EXT2_DIR_CREDITS, &tp)) != 0)
		return error;
	if ((error = ext2_ialloc(tp, dp, ifmt | perm, &ip)) != 0)
		goto out;
	ext2_inode_set_uid(ip, uid);
	ext2_inode_set_gid(ip, gid);
	ip->i_din->i_links_count = type == VDIR ? 2 : 1;
	if (type == VCHR || type == VBLK)
		ext2_inode_set_rdev(ip, va->va_rdev);
	if (type == VDIR)
		error = ext2_dir_init(tp, ip, dp->i_number);
	else if (type == VLNK)
		error = symlink_store(tp, ip, target, tlen);
	if (error == 0)
		error = ext2_iupdate(tp, ip);
	if (error == 0)
		error = ext2_dir_add(tp, dp, cnp->cn_name, cnp->cn_namelen,
				     ip->i_number, ext2_dir_mode_to_ft(ifmt));
	if (error != 0) {
		/* vop_inactive frees an inode without links. */
		ip->i_din->i_links_count = 0;
		(void)ext2_iupdate(tp, ip);
		(void)ext2_trans_end(tp);
		vrele(ITOV(ip));
		return error;
	}
	if (type == VDIR)
		ext2_dir_link_inc(dp);
	ext2_itimes(dp, EXT2_IMOD | EXT2_ICHG);
	error = ext2_iupdate(tp, dp);
	*vpp = ITOV(ip);
out:
	e2 = ext2_trans_end(tp);
	if (error == 0)
		error = e2;
	if (error != 0 && *vpp != NULL) {
		vrele(*vpp);
		*vpp = NULL;
	}
	return error;
}

int ext2_vop_create(struct vnode *dvp, const struct componentname *cnp,
		    const struct vattr *va, struct vnode **vpp)
{
	switch (va->va_type) {
	case VREG:
	case VFIFO:
	case VCHR:
	case VBLK:
	case VSOCK:
		return dir_newnode(dvp, cnp, va, va->va_type, NULL, vpp);
	default:
		return EINVAL;
	}
}

int ext2_vop_mkdir(struct vnode *dvp, const struct componentname *cnp,
		   const struct vattr *va, struct vnode **vpp)
{
	return dir_newnode(dvp, cnp, va, VDIR, NULL, vpp);
}

int ext2_vop_symlink(struct vnode *dvp, const struct componentname *cnp,
		     const struct vattr *va, const char *target,
		     struct vnode **vpp)
{
	return dir_newnode(dvp, cnp, va, VLNK, target, vpp);
}

/* The entry cnp of dp, which must name ip. */
int ext2_dir_find_of(struct ext2_inode *dp, const struct componentname *cnp,
		     struct ext2_inode *ip, struct ext2_dirpos *pos)
{
	int error = ext2_dir_find(dp, cnp->cn_name, cnp->cn_namelen, pos);

	if (error == 0 && pos->p_ino != ip->i_number)
		error = ENOENT;
	return error;
}

/* ip lost a link (to 0: it becomes an orphan until its last close). */
int ext2_dir_unlinked(struct ext2_trans *tp, struct ext2_inode *ip)
{
	ext2_itimes(ip, EXT2_ICHG);
	if (ip->i_din->i_links_count == 0 && !ip->i_orphan) {
		int error = ext2_orphan_add(tp, ip);
		if (error != 0)
			return error;
	}
	return ext2_iupdate(tp, ip);
}

int ext2_vop_remove(struct vnode *dvp, struct vnode *vp,
		    const struct componentname *cnp)
{
	struct ext2_inode *dp = VTOI(dvp), *ip = VTOI(vp);
	struct ext2_dirpos pos;
	struct ext2_trans *tp;
	int error, e2;

	if (ext2_isdir(ip))
		return EISDIR;
	if ((error = ext2_dir_find_of(dp, cnp, ip, &pos)) != 0)
		return error;
	if ((error = ext2_trans_begin(dp->i_mount, EXT2_DIR_CREDITS, &tp)) != 0)
		return error;
	error = ext2_dir_remove(tp, dp, &pos);
	if (error == 0) {
		if (ip->i_din->i_links_count > 0)
			ip->i_din->i_links_count--;
		error = ext2_dir_unlinked(tp, ip);
	}
	if (error == 0) {
		ext2_itimes(dp, EXT2_IMOD | EXT2_ICHG);
		error = ext2_iupdate(tp, dp);
	}
	e2 = ext2_trans_end(tp);
	return error != 0 ? error : e2;
}

int ext2_vop_rmdir(struct vnode *dvp, struct vnode *vp,
		   const struct componentname *cnp)
{
	struct ext2_inode *dp = VTOI(dvp), *ip = VTOI(vp);
	struct ext2_dirpos pos;
	struct ext2_trans *tp;
	bool empty;
	int error, e2;

	if (!ext2_isdir(ip))
		return ENOTDIR;
	if (ext2_dir_name_is_dot(cnp))
		return name_is(cnp, ".") ? EINVAL : ENOTEMPTY;
	if ((error = ext2_dir_find_of(dp, cnp, ip, &pos)) != 0)
		return error;
	if ((error = ext2_dir_isempty(ip, &empty)) != 0)
		return error;
	if (!empty)
		return ENOTEMPTY;
	if ((error = ext2_trans_begin(dp->i_mount, EXT2_DIR_CREDITS, &tp)) != 0)
		return error;
	error = ext2_dir_remove(tp, dp, &pos);
	if (error == 0) {
		ip->i_din->i_links_count = 0;
		error = ext2_dir_unlinked(tp, ip);
	}
	if (error == 0) {
		ext2_dir_link_dec(dp);
		ext2_itimes(dp, EXT2_IMOD | EXT2_ICHG);
		error = ext2_iupdate(tp, dp);
	}
	e2 = ext2_trans_end(tp);
	return error != 0 ? error : e2;
}

int ext2_vop_readdir(struct vnode *vp, struct uio *uio, bool *eofp)
{
	struct ext2_inode *dp = VTOI(vp);
	int error;

	*eofp = false;
	if (!ext2_isdir(dp))
		return ENOTDIR;
	if (uio->uio_offset < 0)
		return EINVAL;
	if (dp->i_din->i_links_count == 0)
		return ENOENT;
	if (ext2_dir_is_indexed(dp)) {
		error = ext2_htree_readdir(dp, uio, eofp);
		if (error != ENOTSUP)
			return error;
	}
	return ext2_dir_readdir_linear(dp, uio, eofp);
}

int ext2_vop_readlink(struct vnode *vp, struct uio *uio)
{
	struct ext2_inode *ip = VTOI(vp);
	struct buf *bp;
	size_t len;
	int error;

	if ((ext2_imode(ip) & EXT2_S_IFMT) != EXT2_S_IFLNK)
		return EINVAL;
	len = (size_t)ip->i_size;
	if (len == 0 || len >= ip->i_mount->em_bsize || len >= PATH_MAX) {
		printf("ext2fs: symbolic link inode %u: bad size %llu\n",
		       ip->i_number, (unsigned long long)ip->i_size);
		return EIO;
	}
	if (ext2_is_fast_symlink(ip))
		return uiomove(ip->i_din->i_block, MIN(len, uio->uio_resid),
			       uio);
	if ((error = ext2_bread_file(NULL, ip, 0, false, &bp)) != 0)
		return error == ENOENT ? EIO : error;
	error = uiomove(bp->b_data, MIN(len, uio->uio_resid), uio);
	brelse(bp);
	return error;
}
