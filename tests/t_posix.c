/*
 * t_posix.c -- the POSIX conformance suite (tests/posix/) on the rump
 * kernel: once on the root file system (in /posix-root) and once on a
 * small tmpfs mounted at /posix-tmpfs, through rump_sys_* calls
 * (posix/backend_rump.c).  Exits 1 if any test failed.  While the VFS
 * faction is not linked (rump_sys_open gives ENOSYS), the calls the runner
 * itself needs are missing, or the calls are not declared yet, the whole
 * suite is skipped with a message, and the program passes.  POSIX_ONLY=text
 * runs only the tests whose name contains text.
 *
 * The suite is compiled into this program as one translation unit
 * (posix/suite.c), since the test rules build each t_*.c on its own.
 */
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "testlib.h"

#ifdef RUMP_SYS_GETDENTS64
#include "posix/backend_rump.c"
#include "posix/suite.c"

#define POSIX_ROOT_SCRATCH "/posix-root"
#define POSIX_TMPFS_MOUNT "/posix-tmpfs"
#define POSIX_TMPFS_SCRATCH POSIX_TMPFS_MOUNT "/scratch"

/*
 * The suite needs at least these calls to run at all; while any says
 * ENOSYS (the VFS faction or the descriptor layer is not linked or not
 * finished), say which and skip.  Each is called so that it fails
 * before doing anything.
 */
static bool posix_rump_missing(void)
{
	char missing[256] = "";
	struct stat st;
	char buf[64];

#define PROBE(name, call)                                                      \
	do {                                                                   \
		errno = 0;                                                     \
		if ((call) == -1 && errno == ENOSYS)                           \
			strcat(missing, " " name);                             \
	} while (0)
	PROBE("open", rump_sys_open("", O_RDONLY));
	PROBE("close", rump_sys_close(-1));
	PROBE("read", rump_sys_read(-1, buf, 1));
	PROBE("write", rump_sys_write(-1, buf, 1));
	PROBE("fstat", rump_sys_fstat(-1, &st));
	PROBE("lstat", rump_sys_lstat("", &st));
	PROBE("mkdir", rump_sys_mkdir("", 0755));
	PROBE("rmdir", rump_sys_rmdir(""));
	PROBE("unlink", rump_sys_unlink(""));
	PROBE("chdir", rump_sys_chdir(""));
	PROBE("chmod", rump_sys_chmod("", 0755));
	PROBE("getdents64", rump_sys_getdents64(-1, buf, sizeof(buf)));
#undef PROBE
	if (missing[0] == '\0')
		return false;
	test_log("SKIP: the VFS is not there yet; ENOSYS from%s", missing);
	return true;
}

static int posix_rump_run(const char *name, const char *scratch, unsigned caps)
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
	int fd, failed = 0;

	test_init(argc, argv);
	test_watchdog(110);
	test_boot();

	if (posix_rump_missing()) {
		test_halt();
		return 0;
	}
	fd = CHECK_SYS(rump_sys_open("/", O_RDONLY | O_DIRECTORY));
	CHECK_SYS(rump_sys_close(fd));

	failed += posix_rump_run("rump-rootfs", POSIX_ROOT_SCRATCH,
				 caps | FS_IS_ROOT_FS);

	CHECK_SYS(rump_sys_mkdir(POSIX_TMPFS_MOUNT, 0755));
	CHECK_SYS(rump_sys_mount("tmpfs", POSIX_TMPFS_MOUNT, "tmpfs", 0,
				 POSIX_SMALL_TMPFS_OPTS));
	failed +=
		posix_rump_run("rump-tmpfs", POSIX_TMPFS_SCRATCH,
			       caps | FS_HAS_ENOSPC_LIMIT | FS_HAS_INODE_LIMIT);
	CHECK_SYS(rump_sys_unmount(POSIX_TMPFS_MOUNT, 0));
	CHECK_SYS(rump_sys_rmdir(POSIX_TMPFS_MOUNT));

	test_halt();
	if (failed != 0) {
		test_log("%d tests failed", failed);
		return 1;
	}
	test_log("ok");
	return 0;
}
#else
int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_log("SKIP: <rump/rump_syscalls.h> has no file system calls yet");
	return 0;
}
#endif
