/*
 * ext2_orphan.c -- the orphan list: inodes whose last link went while
 * they were still open, chained from s_last_orphan through i_dtime, so
 * that a crash cannot leak them.  An in-core list under em_orphan_lock
 * mirrors the on-disk chain (newest first); mount (read-write) finishes
 * what a crash interrupted: unlinked inodes are freed, others truncated
 * to their size.
 */
#include <sys/errno.h>
#include <sys/systm.h>

#include "ext2fs.h"

int ext2_orphan_add(struct ext2_trans *tp, struct ext2_inode *ip)
{
	struct ext2_mount *em = ip->i_mount;
	int error;

	mutex_enter(&em->em_orphan_lock);
	if (ip->i_orphan) {
		mutex_exit(&em->em_orphan_lock);
		return 0;
	}
	mutex_enter(&em->em_lock);
	ip->i_din->i_dtime = em->em_sb.s_last_orphan;
	em->em_sb.s_last_orphan = ip->i_number;
	error = ext2_sb_write(tp, em);
	mutex_exit(&em->em_lock);
	ip->i_orphan = true;
	ip->i_orphan_next = em->em_orphans;
	em->em_orphans = ip;
	if (error == 0)
		error = ext2_iupdate(tp, ip);
	mutex_exit(&em->em_orphan_lock);
	return error;
}

int ext2_orphan_del(struct ext2_trans *tp, struct ext2_inode *ip)
{
	struct ext2_mount *em = ip->i_mount;
	struct ext2_inode **pp, *prev = NULL;
	int error = 0;

	mutex_enter(&em->em_orphan_lock);
	if (!ip->i_orphan) {
		mutex_exit(&em->em_orphan_lock);
		return 0;
	}
	for (pp = &em->em_orphans; *pp != NULL && *pp != ip;
	     pp = &(*pp)->i_orphan_next)
		prev = *pp;
	if (*pp == ip)
		*pp = ip->i_orphan_next;
	if (prev == NULL) {
		mutex_enter(&em->em_lock);
		em->em_sb.s_last_orphan = ip->i_din->i_dtime;
		error = ext2_sb_write(tp, em);
		mutex_exit(&em->em_lock);
	} else {
		error = ext2_iupdate_dtime(tp, prev, ip->i_din->i_dtime);
	}
	ip->i_orphan = false;
	ip->i_orphan_next = NULL;
	ip->i_din->i_dtime = 0;
	if (error == 0)
		error = ext2_iupdate(tp, ip);
	mutex_exit(&em->em_orphan_lock);
	return error;
}

/*
 * Loads the on-disk chain into the in-core list (bounded: a looping
 * chain is corruption), then settles each inode.  The vnodes are held
 * while the list is built so that none is freed under the walk.
 */
int ext2_orphan_process(struct ext2_mount *em)
{
	struct ext2_inode *ip, *tail = NULL;
	uint32_t ino = em->em_sb.s_last_orphan, n = 0;
	struct vnode *vp;
	int error = 0;

	if (ino == 0 || em->em_ronly)
		return 0;
	printf("ext2fs: processing the orphan list\n");
	while (ino != 0) {
		if (++n > em->em_sb.s_inodes_count ||
		    (error = ext2_iget(em, ino, &vp)) != 0) {
			error = error != 0
					? error
					: ext2_corrupt(em, "orphan list", ino);
			break;
		}
		ip = VTOI(vp);
		if (ip->i_orphan) {
			vrele(vp);
			error = ext2_corrupt(em, "orphan list loop", ino);
			break;
		}
		ip->i_orphan = true;
		ip->i_orphan_next = NULL;
		if (tail == NULL)
			em->em_orphans = ip;
		else
			tail->i_orphan_next = ip;
		tail = ip;
		ino = ip->i_din->i_dtime;
	}
	/* Settle every loaded orphan, also after an error. */
	while ((ip = em->em_orphans) != NULL) {
		struct ext2_trans *tp;
		int err2 = 0;

		vp = ip->i_vnode;
		vn_lock(vp, RW_WRITER);
		if (ip->i_din->i_links_count != 0) {
			err2 = ext2_truncate(ip, ip->i_size);
			if (err2 == 0 &&
			    (err2 = ext2_trans_begin(em, 4, &tp)) == 0) {
				err2 = ext2_orphan_del(tp, ip);
				ext2_trans_end(tp);
			}
		} else if (error != 0) {
			/* Leave it on the disk's list for e2fsck. */
			em->em_orphans = ip->i_orphan_next;
			ip->i_orphan = false;
		}
		if (err2 != 0 && em->em_orphans == ip) {
			em->em_orphans = ip->i_orphan_next;
			ip->i_orphan = false;
		}
		if (error == 0)
			error = err2;
		/* An unlinked orphan is freed by the last reference. */
		vput(vp);
		if (em->em_orphans == ip) {
			/* inactive could not free it */
			em->em_orphans = ip->i_orphan_next;
			ip->i_orphan = false;
		}
	}
	return error;
}
