/*
 * ext2_vfsops.c -- the ext2/ext3/ext4 file system type (names ext2fs,
 * ext2, ext3, ext4) and its component.  Mount opens the block device,
 * checks the superblock and descriptors, opens (and replays) the journal,
 * marks the file system in use as Linux does (state, mount count) and
 * settles the orphan list; unmount writes everything back and marks it
 * clean again.  statvfs reports the superblock's view of the counts.
 * docs/ext2fs.md lists options, features and limits.
 */
#include <sys/buf.h>
#include <sys/component.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/systm.h>

#include "ext2fs.h"

KMEM_TYPE_DEFINE(M_EXT2MNT, "ext2fs mount");

#define EXT2_DFL_MAX_MNT_COUNT 20

/* Options: none yet; anything else is refused by name. */
static int mount_opts(const char *opts)
{
	const char *p = opts, *end;

	while (p != NULL && *p != '\0') {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		if (end != p && !(end - p == 2 && memcmp(p, "rw", 2) == 0) &&
		    !(end - p == 2 && memcmp(p, "ro", 2) == 0)) {
			printf("ext2fs: unknown mount option \"%.*s\"\n",
			       (int)(end - p), p);
			return EINVAL;
		}
		p = *end == ',' ? end + 1 : end;
	}
	return 0;
}

static void ext2_mount_free(struct ext2_mount *em)
{
	ext2_gd_unload(em);
	mutex_destroy(&em->em_lock);
	mutex_destroy(&em->em_orphan_lock);
	kmem_free(em, sizeof(*em), &M_EXT2MNT);
}

/* Marks a read-write mount in use: state, mount count, times. */
static int mount_mark(struct ext2_mount *em)
{
	struct ext2_super *sb = &em->em_sb;
	struct ext2_trans *tp;
	struct timespec now;
	int error;

	if (!(sb->s_state & EXT2_VALID_FS))
		printf("ext2fs: warning: mounting an unchecked file system; "
		       "run e2fsck\n");
	else if (sb->s_state & EXT2_ERROR_FS)
		printf("ext2fs: warning: mounting a file system with errors; "
		       "run e2fsck\n");
	em->em_mount_state = sb->s_state;
	if ((error = ext2_trans_begin(em, 2, &tp)) != 0)
		return error;
	vfs_timestamp(&now);
	mutex_enter(&em->em_lock);
	if (em->em_journal == NULL)
		sb->s_state &= (uint16_t)~EXT2_VALID_FS;
	if (sb->s_max_mnt_count == 0)
		sb->s_max_mnt_count = EXT2_DFL_MAX_MNT_COUNT;
	sb->s_mnt_count++;
	sb->s_mtime = (uint32_t)now.tv_sec;
	sb->s_mtime_hi = (uint8_t)((uint64_t)now.tv_sec >> 32);
	error = ext2_sb_write(tp, em);
	mutex_exit(&em->em_lock);
	ext2_trans_end(tp);
	if (error == 0)
		error = ext2_trans_sync(em);
	return error;
}

static int ext2_mount(struct mount *mp, const char *source, const char *opts)
{
	bool ronly = (mp->mnt_flag & MNT_RDONLY) != 0, force_ro;
	struct ext2_mount *em;
	struct bdev_info bi;
	struct vnode *devvp, *rootvp;
	int error;

	if ((error = mount_opts(opts)) != 0)
		return error;
	if (source == NULL)
		return EINVAL;
	if ((error = bdev_open_mount(source, ronly, &devvp)) != 0)
		return error;
	if ((em = kmem_zalloc(sizeof(*em), &M_EXT2MNT)) == NULL) {
		bdev_close_mount(devvp);
		return ENOMEM;
	}
	mutex_init(&em->em_lock, MUTEX_DEFAULT);
	mutex_init(&em->em_orphan_lock, MUTEX_DEFAULT);
	em->em_mp = mp;
	em->em_devvp = devvp;
	em->em_ronly = ronly;
	mp->mnt_data = em;
	if ((error = bdev_getinfo(devvp, &bi)) != 0 ||
	    (error = ext2_sb_read(devvp, &em->em_sb)) != 0 ||
	    (error = ext2_sb_check(&em->em_sb, ronly, &force_ro)) != 0)
		goto fail;
	if (force_ro) {
		em->em_ronly = true;
		mp->mnt_flag |= MNT_RDONLY;
	}
	ext2_sb_geometry(em);
	if (em->em_nblocks > bi.bi_size >> em->em_bshift) {
		printf("ext2fs: %s: the device (%llu bytes) is smaller than "
		       "the "
		       "file system\n",
		       source, (unsigned long long)bi.bi_size);
		error = EINVAL;
		goto fail;
	}
	if ((error = ext2_gd_load(em)) != 0)
		goto fail;
	if (ext2_has_compat(em, EXT3_FEATURE_COMPAT_HAS_JOURNAL) &&
	    (error = ext2_journal_open(em)) != 0)
		goto fail_gd;
	if ((error = ext2_iget(em, EXT2_ROOT_INO, &rootvp)) != 0)
		goto fail_journal;
	if (rootvp->v_type != VDIR) {
		vrele(rootvp);
		error = ext2_corrupt(em, "root directory inode", EXT2_ROOT_INO);
		goto fail_journal;
	}
	vrele(rootvp);
	if (!em->em_ronly) {
		if ((error = mount_mark(em)) != 0)
			goto fail_journal;
		if ((error = ext2_orphan_process(em)) != 0)
			printf("ext2fs: orphan list not settled (error %d); "
			       "run e2fsck\n",
			       error);
	}
	return 0;
fail_journal:
	if (em->em_journal != NULL)
		(void)ext2_journal_close(em);
fail_gd:
	/* Vnodes loaded so far go with the failed mount (vflush). */
	vflush(mp, MNT_FORCE, false);
fail:
	bdev_close_mount(devvp);
	ext2_mount_free(em);
	mp->mnt_data = NULL;
	return error;
}

/*
 * Writes the superblock back in the state it had before the mount (clean)
 * and flushes it.  On failure the in-memory state is the mounted one
 * again, so a mount that stays keeps marking the disk in use.
 */
static int unmount_mark_clean(struct ext2_mount *em)
{
	struct ext2_trans *tp;
	uint16_t mounted;
	int error;

	if ((error = ext2_trans_begin(em, 2, &tp)) != 0)
		return error;
	mutex_enter(&em->em_lock);
	mounted = em->em_sb.s_state;
	em->em_sb.s_state = em->em_mount_state;
	error = ext2_sb_write(tp, em);
	mutex_exit(&em->em_lock);
	ext2_trans_end(tp);
	if (error == 0)
		error = ext2_trans_sync(em);
	if (error != 0) {
		mutex_enter(&em->em_lock);
		em->em_sb.s_state = mounted;
		mutex_exit(&em->em_lock);
	}
	return error;
}

/*
 * Unmount in two steps.  First everything is made stable (a journal
 * commit, or without a journal the clean superblock and a device flush):
 * if that fails and the unmount is not forced, the mount is left whole
 * and usable and the error returned (the VFS puts it back).  Then the
 * journal is closed and the device released: nothing can be undone from
 * there, so the mount is always freed (mnt_data NULL); an error on the
 * way is still returned, and the VFS reports it with the mount gone.
 */
static int ext2_unmount(struct mount *mp, int flags)
{
	struct ext2_mount *em = VFSTOEXT2(mp);
	bool force = (flags & MNT_FORCE) != 0;
	int error = 0, err2;

	if (!em->em_ronly) {
		if (em->em_journal != NULL)
			error = ext2_trans_sync(em);
		else
			error = unmount_mark_clean(em);
		if (error != 0 && !force)
			return error;
	}
	if (em->em_journal != NULL) {
		err2 = ext2_journal_close(em);
		if (error == 0)
			error = err2;
		if (!em->em_ronly && (err2 = unmount_mark_clean(em)) != 0 &&
		    error == 0)
			error = err2;
	}
	err2 = bdev_close_mount(em->em_devvp);
	if (error == 0)
		error = err2;
	if (error != 0)
		printf("ext2fs: unmount: error %d writing back; run e2fsck\n",
		       error);
	ext2_mount_free(em);
	mp->mnt_data = NULL;
	return error;
}

static int ext2_root(struct mount *mp, struct vnode **vpp)
{
	return ext2_iget(VFSTOEXT2(mp), EXT2_ROOT_INO, vpp);
}

static int ext2_statvfs(struct mount *mp, struct statvfs_fs *sfs)
{
	struct ext2_mount *em = VFSTOEXT2(mp);

	mutex_enter(&em->em_lock);
	sfs->bsize = em->em_bsize;
	sfs->frsize = em->em_bsize;
	sfs->blocks = em->em_nblocks;
	sfs->bfree = em->em_free_blocks;
	sfs->bavail = em->em_free_blocks > em->em_r_blocks
			      ? em->em_free_blocks - em->em_r_blocks
			      : 0;
	sfs->files = em->em_sb.s_inodes_count;
	sfs->ffree = em->em_free_inodes;
	sfs->favail = em->em_free_inodes;
	sfs->namemax = EXT2_NAME_LEN;
	mutex_exit(&em->em_lock);
	return 0;
}

static int ext2_sync(struct mount *mp, bool waitfor)
{
	struct ext2_mount *em = VFSTOEXT2(mp);
	struct ext2_trans *tp;
	int error;

	if (em->em_ronly)
		return 0;
	if ((error = ext2_trans_begin(em, 1, &tp)) != 0)
		return error;
	mutex_enter(&em->em_lock);
	error = ext2_sb_write(tp, em);
	mutex_exit(&em->em_lock);
	ext2_trans_end(tp);
	if (error == 0 && waitfor)
		error = ext2_trans_sync(em);
	return error;
}

static const char *const ext2_aliases[] = {"ext2", "ext3", "ext4", NULL};

static const struct vfsops ext2_vfsops = {
	.vfs_name = "ext2fs",
	.vfs_mount = ext2_mount,
	.vfs_unmount = ext2_unmount,
	.vfs_root = ext2_root,
	.vfs_statvfs = ext2_statvfs,
	.vfs_sync = ext2_sync,
	.vfs_loadvnode = ext2_loadvnode,
	.vfs_aliases = ext2_aliases,
};

static int ext2fs_init(void)
{
	return vfs_register(&ext2_vfsops);
}

static void ext2fs_fini(void)
{
	vfs_unregister(&ext2_vfsops);
}

static const char *const ext2fs_depends[] = {"vfs", NULL};
RUMP_COMPONENT(ext2fs, RUMP_STAGE_DRIVER, ext2fs_depends, ext2fs_init,
	       ext2fs_fini)
