/*
 * vfs_component.c -- the VFS faction as a component: at the VFS stage it
 * sets up the vnode and name caches, mounts the in-memory file system as
 * the writable root with /dev in it, gives every process a working
 * directory and binds the faction's system calls.  At shutdown (the
 * descriptor tables are closed by then) it syncs unless told not to and
 * unmounts everything, so that no vnode, mount or cache entry is left.
 */
#include <sys/component.h>
#include <sys/sockvfs.h>
#include <sys/syscall.h>

#include "memfs/memfs.h"
#include "vfs_private.h"

extern const struct syscall_binding vfs_syscall_bindings[];
extern const struct sockvfs_ops vfs_sockvfs_ops;

enum vfs_step {
	STEP_NONE,
	STEP_VCACHE,
	STEP_NCACHE,
	STEP_LOCKF,
	STEP_MOUNT,
	STEP_ETFS,
	STEP_ROOT,
	STEP_CWD,
	STEP_SYSCALLS
};
static enum vfs_step vfs_reached;

static void vfs_teardown(void)
{
	if (vfs_reached >= STEP_SYSCALLS) {
		sockvfs_unregister(&vfs_sockvfs_ops);
		syscall_disestablish(vfs_syscall_bindings);
	}
	if (vfs_reached >= STEP_CWD)
		cwd_fini();
	if (vfs_reached >= STEP_ETFS)
		etfs_fini();
	if (vfs_reached >= STEP_MOUNT)
		vfs_mount_fini();
	if (vfs_reached >= STEP_LOCKF)
		lf_fini();
	if (vfs_reached >= STEP_NCACHE)
		ncache_fini();
	if (vfs_reached >= STEP_VCACHE)
		vcache_fini();
	vfs_reached = STEP_NONE;
}

static int vfs_mountroot(void)
{
	int error;

	if ((error = vfs_register(&memfs_vfsops)) != 0)
		return error;
	error = vfs_domount(NULL, memfs_vfsops.vfs_name, "rumpfs", NULL, 0, "/",
			    &rootmount);
	if (error != 0) {
		printf("vfs: cannot mount the root file system: error %d\n",
		       error);
		return error;
	}
	rootvnode = rootmount->mnt_root;
	return 0;
}

static int vfs_init(void)
{
	int error;

	vfs_reached = STEP_NONE;
	if ((error = vcache_init()) != 0)
		goto fail;
	vfs_reached = STEP_VCACHE;
	if ((error = ncache_init()) != 0)
		goto fail;
	vfs_reached = STEP_NCACHE;
	if ((error = lf_init()) != 0)
		goto fail;
	vfs_reached = STEP_LOCKF;
	if ((error = vfs_mount_init()) != 0)
		goto fail;
	vfs_reached = STEP_MOUNT;
	if ((error = etfs_init()) != 0)
		goto fail;
	vfs_reached = STEP_ETFS;
	if ((error = vfs_mountroot()) != 0)
		goto fail;
	vfs_reached = STEP_ROOT;
	if ((error = cwd_init()) != 0)
		goto fail;
	vfs_reached = STEP_CWD;
	error = vfs_makenode(AT_FDCWD, "/dev", NI_KERNPATH, VDIR, 0755, 0,
			     NULL);
	if (error != 0)
		goto fail;
	if ((error = syscall_establish(vfs_syscall_bindings)) != 0)
		goto fail;
	vfs_reached = STEP_SYSCALLS;
	/* Local sockets may name themselves in the file system now. */
	sockvfs_register(&vfs_sockvfs_ops);
	return 0;
fail:
	vfs_teardown();
	return error;
}

static void vfs_fini(void)
{
	if (!(kern_shutdown_howto() & RB_NOSYNC))
		vfs_syncall();
	vfs_teardown();
}

RUMP_COMPONENT(vfs, RUMP_STAGE_VFS, NULL, vfs_init, vfs_fini)
