/*
 * t_ext2_posix.c -- the POSIX conformance suite (tests/posix/), unchanged,
 * area by area, on ext2, ext3 and ext4 images made by the host's mkfs
 * with 1 KiB and 4 KiB blocks (16 MiB and 2048 inodes like the small
 * tmpfs, so filling one gives ENOSPC).  "limit." runs on 4 KiB blocks
 * only: with 1 KiB blocks a link target of PATH_MAX - 1 bytes is
 * ENAMETOOLONG, as on Linux.  After each image's run it is unmounted and
 * `e2fsck -fn` must call it clean.  T_EXT2_ONLY=N runs only image N.
 * It runs on the fiber host only: on the posix host t_ext2_posix_<type>
 * (tests/ext2/posix_ext2.c) runs the same suite on the same kinds of
 * images one test per mount, with e2fsck after every test; this program
 * keeps the fiber host's coverage and that of many tests in one mount.
 */
/* hosts: fiber */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

#include "posix/backend_rump.c"
#include "posix/suite.c"

#define AREAS "dir. link. rename. open. perm. fd. io. stat."
static const struct {
	const char *mkfs, *type, *areas;
} images[] = {
	{"mkfs.ext2 -b 1024", "ext2", AREAS},
	{"mkfs.ext2 -b 4096", "ext2", AREAS " limit."},
	{"mkfs.ext3 -b 4096", "ext3", AREAS " limit."},
	{"mkfs.ext4 -b 1024", "ext4", AREAS},
	{"mkfs.ext4 -b 4096", "ext4", AREAS " limit."},
};

int main(int argc, char **argv)
{
	const unsigned caps = FS_ROOT | FS_CAN_SWITCH_USER |
			      FS_CAN_OTHER_PROCESS | FS_CAN_MOUNT |
			      FS_CAN_MKNOD_DEV | FS_NULL_EFAULT |
			      FS_HAS_ENOSPC_LIMIT | FS_HAS_INODE_LIMIT;
	char dir[] = "/tmp/t_ext2_posix.XXXXXX", img[300], dev[32], name[64];
	const char *only = getenv("T_EXT2_ONLY");
	int failed = 0, unclean = 0;

	test_init(argc, argv);
	if (test_sh("command -v mkfs.ext4 e2fsck >/dev/null") != 0) {
		printf("e2fsprogs missing: install it (CI does)\n");
		return 1;
	}
	CHECK(mkdtemp(dir) != NULL);
	test_boot();
	CHECK_SYS(rump_sys_mkdir("/mnt", 0755));
	for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
		struct fsops fs = rump_fsops;
		int n;

		if (only != NULL && (size_t)atoi(only) != i)
			continue;
		snprintf(img, sizeof(img), "%s/img%zu", dir, i);
		snprintf(dev, sizeof(dev), "/dev/disk%zu", i);
		snprintf(name, sizeof(name), "%s (%s)", images[i].mkfs,
			 images[i].type);
		CHECK_EQ(test_sh("%s -q -F -N 2048 %s 16M >/dev/null 2>&1",
				 images[i].mkfs, img),
			 0);
		CHECK_EQ(rump_pub_etfs_register(dev, img, RUMP_ETFS_BLK), 0);
		CHECK_SYS(rump_sys_mount(dev, "/mnt", images[i].type, 0, ""));
		CHECK_SYS(rump_sys_mkdir("/mnt/scratch", 0755));
		fs.name = name;
		fs.scratch = "/mnt/scratch";
		fs.caps = caps;
		n = 0;
		for (const char *a = images[i].areas; *a != '\0';) {
			char area[32];
			size_t len = strcspn(a, " ");

			snprintf(area, sizeof(area), "%.*s", (int)len, a);
			setenv("POSIX_ONLY", area, 1);
			n += posix_run(&fs);
			a += len;
			a += strspn(a, " ");
		}
		unsetenv("POSIX_ONLY");
		failed += n;
		CHECK_SYS(rump_sys_rmdir("/mnt/scratch"));
		CHECK_SYS(rump_sys_unmount("/mnt", 0));
		if (test_sh("e2fsck -fn %s > %s/fsck.log 2>&1", img, dir) !=
		    0) {
			test_sh("cat %s/fsck.log", dir);
			test_log("%s: e2fsck -fn: not clean", name);
			unclean++;
		}
		test_log("%s: %d failed", name, n);
	}
	test_halt();
	test_sh("rm -rf %s", dir);
	if (failed != 0 || unclean != 0) {
		test_log("%d tests failed, %d images not clean", failed,
			 unclean);
		return 1;
	}
	return 0;
}
