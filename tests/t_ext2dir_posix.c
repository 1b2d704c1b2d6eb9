/* hosts: posix */
/*
 * t_ext2dir_posix.c -- the POSIX conformance suite (tests/posix/) on
 * ext2fs images made by mkfs (ext4 with 4 KiB and 1 KiB blocks, ext2),
 * and `e2fsck -fn` clean on each image after the suite.  It exercises the
 * directory code hardest: lookups, creates, links, renames with all their
 * corner cases, readdir.  The areas run one by one (POSIX_ONLY); "stat."
 * is left to the ext2fs core's tests (atime on read is the core's), and
 * "limit." runs on 4 KiB blocks only: with 1 KiB blocks a symbolic link
 * target of PATH_MAX - 1 bytes is ENAMETOOLONG, as on Linux.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/mount.h>
#include <unistd.h>

#include "testlib.h"

#include "posix/backend_rump.c"
#include "posix/suite.c"

static char tmpdir[] = "/tmp/t_ext2dir_posixXXXXXX";

static int run_on(const char *mkfs, const char *type, bool limits)
{
	const unsigned caps = FS_ROOT | FS_CAN_SWITCH_USER |
			      FS_CAN_OTHER_PROCESS | FS_CAN_MOUNT |
			      FS_CAN_MKNOD_DEV | FS_NULL_EFAULT;
	struct fsops fs = rump_fsops;
	char cmd[512], img[128];
	int failed;

	snprintf(img, sizeof(img), "%s/img", tmpdir);
	snprintf(cmd, sizeof(cmd),
		 "rm -f %s && truncate -s 128M %s && %s %s >/dev/null 2>&1",
		 img, img, mkfs, img);
	CHECK(system(cmd) == 0);
	CHECK(rump_pub_etfs_register("/dev/disk0", img, RUMP_ETFS_BLK) == 0);
	CHECK(rump_sys_mkdir("/mnt", 0755) == 0 || errno == EEXIST);
	CHECK_SYS(rump_sys_mount("/dev/disk0", "/mnt", type, 0, ""));
	CHECK_SYS(rump_sys_mkdir("/mnt/scratch", 0755));
	fs.name = mkfs;
	fs.scratch = "/mnt/scratch";
	fs.caps = caps;
	static const char *const areas[] = {"dir.",  "link.", "rename.",
					    "open.", "perm.", "fd.",
					    "io.",   "limit."};
	failed = 0;
	for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]); i++) {
		if (!limits && strcmp(areas[i], "limit.") == 0)
			continue;
		setenv("POSIX_ONLY", areas[i], 1);
		failed += posix_run(&fs);
	}
	unsetenv("POSIX_ONLY");
	CHECK_SYS(rump_sys_rmdir("/mnt/scratch"));
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	CHECK(rump_pub_etfs_remove("/dev/disk0") == 0);
	snprintf(cmd, sizeof(cmd), "e2fsck -fn %s >/dev/null 2>&1", img);
	if (system(cmd) != 0) {
		snprintf(cmd, sizeof(cmd), "e2fsck -fn %s", img);
		(void)system(cmd);
		test_fail(__FILE__, __LINE__, "%s: e2fsck -fn not clean", mkfs);
	}
	return failed;
}

int main(int argc, char **argv)
{
	int failed = 0;

	test_init(argc, argv);
	test_watchdog(600);
	CHECK(mkdtemp(tmpdir) != NULL);
	test_boot();
	failed += run_on("mkfs.ext4 -q -F -b 4096", "ext4", true);
	failed += run_on("mkfs.ext4 -q -F -b 1024", "ext4", false);
	failed += run_on("mkfs.ext2 -q -F -b 1024", "ext2", false);
	failed += run_on("mkfs.ext3 -q -F -b 4096", "ext3", true);
	test_halt();
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		CHECK(system(cmd) == 0);
	}
	if (failed != 0) {
		test_log("%d tests failed", failed);
		return 1;
	}
	test_log("ok");
	return 0;
}
