/*
 * tmpfs_component.c -- tmpfs: the in-memory file system engine of the VFS
 * faction (kern/vfs/memfs) registered under the type "tmpfs", with
 * tmpfs's root directory mode 1777.  Options: size= (bytes, k/m/g/t
 * suffixes, or N% of RUMP_MEMLIMIT), nr_blocks=, nr_inodes=, mode=
 * (octal), uid=, gid=; none means no limits.  docs/tmpfs.md has more.
 */
#include <sys/component.h>
#include <sys/systm.h>

#include "../../vfs/memfs/memfs.h"

static int tmpfs_mount(struct mount *mp, const char *source, const char *opts)
{
	static const struct memfs_args tmpfs_args = {
		.ma_maxbytes = 0,
		.ma_maxnodes = 0,
		.ma_rootmode = 01777,
		.ma_fsname = "tmpfs",
	};

	return memfs_mount_args(mp, opts, &tmpfs_args);
}

static const struct vfsops tmpfs_vfsops = {
	.vfs_name = "tmpfs",
	.vfs_mount = tmpfs_mount,
	.vfs_unmount = memfs_unmount,
	.vfs_root = memfs_root,
	.vfs_statvfs = memfs_statvfs,
	.vfs_sync = memfs_sync,
	.vfs_loadvnode = memfs_loadvnode,
	.vfs_aliases = NULL,
};

static int tmpfs_init(void)
{
	return vfs_register(&tmpfs_vfsops);
}

static void tmpfs_fini(void)
{
	vfs_unregister(&tmpfs_vfsops);
}

static const char *const tmpfs_depends[] = {"vfs", NULL};
RUMP_COMPONENT(tmpfs, RUMP_STAGE_DRIVER, tmpfs_depends, tmpfs_init, tmpfs_fini)
