/*
 * t_remote_posix.c -- the POSIX conformance suite (tests/posix/), as
 * tests/t_posix.c runs it on a local kernel, through librumpclient
 * against a rump_server (tests/posix/backend_remote.c): on the server's
 * root file system and on a small tmpfs.  Exits 1 if any test failed.
 * POSIX_ONLY=text runs only the tests whose name contains text.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "rtest.h"

#include "../posix/backend_remote.c"
#include "../posix/suite.c"

#define POSIX_ROOT_SCRATCH "/posix-root"
#define POSIX_TMPFS_MOUNT "/posix-tmpfs"
#define POSIX_TMPFS_SCRATCH POSIX_TMPFS_MOUNT "/scratch"

static int remote_posix_run(const char *name, const char *scratch,
			    unsigned caps)
{
	struct fsops fs = rump_fsops;
	int failed;

	CHECK_SYS(rump_sys_mkdir(scratch, 0755));
	fs.name = name;
	fs.scratch = scratch;
	fs.caps = caps;
	failed = posix_run(&fs);
	CHECK_SYS(rump_sys_rmdir(scratch));
	return failed;
}

int main(int argc, char **argv)
{
	const unsigned caps = FS_ROOT | FS_CAN_SWITCH_USER |
			      FS_CAN_OTHER_PROCESS | FS_CAN_MOUNT |
			      FS_CAN_MKNOD_DEV | FS_NULL_EFAULT;
	struct rumpclient_stats base;
	struct rserver srv;
	int failed = 0;

	test_init(argc, argv);
	test_watchdog(110);
	rserver_start(&srv, NULL);
	rserver_stats(&base);

	failed += remote_posix_run("remote-rootfs", POSIX_ROOT_SCRATCH,
				   caps | FS_IS_ROOT_FS);
	CHECK_SYS(rump_sys_mkdir(POSIX_TMPFS_MOUNT, 0755));
	CHECK_SYS(rump_sys_mount("tmpfs", POSIX_TMPFS_MOUNT, "tmpfs", 0,
				 POSIX_SMALL_TMPFS_OPTS));
	failed += remote_posix_run("remote-tmpfs", POSIX_TMPFS_SCRATCH,
				   caps | FS_HAS_ENOSPC_LIMIT |
					   FS_HAS_INODE_LIMIT);
	CHECK_SYS(rump_sys_unmount(POSIX_TMPFS_MOUNT, 0));
	CHECK_SYS(rump_sys_rmdir(POSIX_TMPFS_MOUNT));

	rserver_wait_baseline(&base);
	rserver_halt(&srv);
	if (failed != 0) {
		test_log("%d tests failed", failed);
		return 1;
	}
	test_log("ok");
	return 0;
}
