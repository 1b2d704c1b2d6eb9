/*
 * posix_fuse.c -- posix-fuse: the POSIX conformance suite (tests/posix/,
 * unchanged) through ordinary host system calls (backend_host.c) in a
 * directory of a FUSE mount served by rump_fuse.  As root it runs the
 * permission tests too (it switches users itself; the mount needs
 * allow_other); as another user only what a user may do.  With "limits"
 * the image is small enough (32 MiB) for the ENOSPC and inode limit
 * tests.  Exits 1 if any test failed.  Used by tests/tools/t_fuse_*.sh.
 *
 *	posix-fuse SCRATCH NAME SYMLINK_MAX [limits]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../posix/backend_host.h"

int main(int argc, char **argv)
{
	struct fsops fs = host_fsops;
	struct rlimit rl;
	unsigned caps = FS_CAN_OTHER_PROCESS | FS_NULL_EFAULT;

	if (argc < 4 || argc > 5 ||
	    (argc == 5 && strcmp(argv[4], "limits") != 0)) {
		fprintf(stderr, "usage: posix-fuse SCRATCH NAME SYMLINK_MAX "
				"[limits]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_max < HOST_MAX_FDS) {
		fprintf(stderr, "posix-fuse: RLIMIT_NOFILE below %d\n",
			HOST_MAX_FDS);
		return 1;
	}
	rl.rlim_cur = HOST_MAX_FDS;
	setrlimit(RLIMIT_NOFILE, &rl);
	umask(022);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	caps &= ~FS_NULL_EFAULT; /* the interceptors read through NULL */
#endif
	if (geteuid() == 0)
		caps |= FS_ROOT | FS_CAN_SWITCH_USER | FS_CAN_MOUNT |
			FS_CAN_MKNOD_DEV;
	if (argc == 5)
		caps |= FS_HAS_ENOSPC_LIMIT | FS_HAS_INODE_LIMIT;
	fs.name = argv[2];
	fs.scratch = argv[1];
	fs.symlink_max = atoi(argv[3]);
	fs.caps = caps;
	return posix_run(&fs) != 0;
}
