/*
 * host_oracle.c -- posix-host: the POSIX conformance suite run against
 * the host's Linux kernel through libc (backend_host.c), to show that
 * every test asserts what Linux really does.  It runs in a new directory
 * below /dev/shm (Linux tmpfs; another parent may be given as argv[1]),
 * and as root also in a small tmpfs it mounts there, which the size and
 * inode limit tests need.  Permission, mount and device node tests need
 * root and are skipped without it.  Exits 1 if any test failed.
 *
 *	posix-host [PARENT-DIRECTORY]		(POSIX_ONLY=substring: a subset)
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend_host.h"

static int run_instance(const char *name, const char *scratch, unsigned caps)
{
	struct fsops fs = host_fsops;

	if (mkdir(scratch, 0755) != 0 || chmod(scratch, 0755) != 0) {
		fprintf(stderr, "posix-host: %s: %s\n", scratch,
			strerror(errno));
		return 1;
	}
	fs.name = name;
	fs.scratch = scratch;
	fs.caps = caps;
	return posix_run(&fs) != 0;
}

int main(int argc, char **argv)
{
	const char *parent = argc > 1 ? argv[1] : "/dev/shm";
	char base[4096], shm[4200], mnt[4200], small[4300];
	struct rlimit rl;
	unsigned caps = FS_CAN_OTHER_PROCESS | FS_NULL_EFAULT;
	bool root = geteuid() == 0;
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	/* EMFILE where a rump kernel has it. */
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_max < HOST_MAX_FDS) {
		fprintf(stderr, "posix-host: RLIMIT_NOFILE below %d\n",
			HOST_MAX_FDS);
		return 1;
	}
	rl.rlim_cur = HOST_MAX_FDS;
	setrlimit(RLIMIT_NOFILE, &rl);
	umask(022);

	snprintf(base, sizeof(base), "%s/rumpkit-posix.XXXXXX", parent);
	if (mkdtemp(base) == NULL || chmod(base, 0755) != 0) {
		fprintf(stderr, "posix-host: %s: %s\n", base, strerror(errno));
		return 1;
	}
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	/* The sanitizers' libc interceptors read through NULL pointers
	 * before the system call can say EFAULT. */
	caps &= ~FS_NULL_EFAULT;
#endif
	if (root)
		caps |= FS_ROOT | FS_CAN_SWITCH_USER | FS_CAN_MOUNT |
			FS_CAN_MKNOD_DEV;
	else
		printf("posix-host: not root: permission, mount and device "
		       "tests are skipped\n");

	snprintf(shm, sizeof(shm), "%s/shm", base);
	failed |= run_instance("host-shm", shm, caps);
	rmdir(shm);

	snprintf(mnt, sizeof(mnt), "%s/tmpfs", base);
	snprintf(small, sizeof(small), "%s/scratch", mnt);
	if (root && mkdir(mnt, 0755) == 0 &&
	    mount("tmpfs", mnt, "tmpfs", 0, POSIX_SMALL_TMPFS_OPTS) == 0) {
		failed |= run_instance("host-tmpfs", small,
				       caps | FS_HAS_ENOSPC_LIMIT |
					       FS_HAS_INODE_LIMIT);
		rmdir(small);
		if (umount2(mnt, 0) != 0)
			perror("posix-host: umount");
	} else {
		printf("posix-host: no small tmpfs (%s): its instance is "
		       "skipped\n",
		       root ? strerror(errno) : "not root");
	}
	rmdir(mnt);
	if (rmdir(base) != 0)
		fprintf(stderr, "posix-host: %s left behind: %s\n", base,
			strerror(errno));
	return failed;
}
