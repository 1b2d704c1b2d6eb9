/*
 * posix_ext2.c -- the POSIX conformance suite (tests/posix/, unchanged)
 * on ext2/ext3/ext4 images made by this machine's mkfs with 1 KiB and
 * 4 KiB blocks, one test at a time: mount, run the test in a scratch
 * directory of the image, unmount, and e2fsck -fn must call the image
 * clean after every test (if not, the failure is counted, e2fsck -fy
 * repairs it and the next test goes on).  The images are small (32 MiB,
 * mkfs's default inode count for that) so that the size and inode limit
 * tests fill them.  Compiled into t_ext2_posix_<type>.c, which defines
 * EXT2_POSIX_TYPE.  POSIX_ONLY=text runs only the tests whose name
 * contains text.
 */
#include "../posix/backend_rump.c"
#include "../posix/suite.c"
#include "ext2lib.c"

#define EXT2_POSIX_SCRATCH EXT2_MNT "/posix"

static int posix_ext2_run(const char *type, int bs)
{
	const char *only = getenv("POSIX_ONLY");
	struct fsops fs = rump_fsops;
	char img[PATH_MAX], name[64], full[256];
	int count[3] = {0, 0, 0}, unclean = 0;
	bool stuck = false;
	struct stat st;

	snprintf(name, sizeof(name), "rump-%s-%d", type, bs);
	snprintf(img, sizeof(img), "%s", ext2_path(name));
	ext2_mkimage(type, bs, "32M", img, "", "", "");
	fs.name = name;
	fs.scratch = EXT2_POSIX_SCRATCH;
	fs.symlink_max = bs - 1; /* a slow symlink fills at most one block */
	fs.caps = FS_ROOT | FS_CAN_SWITCH_USER | FS_CAN_OTHER_PROCESS |
		  FS_CAN_MOUNT | FS_CAN_MKNOD_DEV | FS_NULL_EFAULT |
		  FS_HAS_ENOSPC_LIMIT | FS_HAS_INODE_LIMIT;
	for (size_t a = 0;
	     a < sizeof(posix_areas) / sizeof(posix_areas[0]) && !stuck; a++) {
		const struct posix_area *area = &posix_areas[a];

		for (const struct posix_test *test = area->tests;
		     test->name != NULL; test++) {
			snprintf(full, sizeof(full), "%s.%s", area->name,
				 test->name);
			if (only != NULL && strstr(full, only) == NULL)
				continue;
			ext2_mount(img, type, 0);
			if (rump_sys_stat(EXT2_POSIX_SCRATCH, &st) == -1)
				CHECK_SYS(rump_sys_mkdir(EXT2_POSIX_SCRATCH,
							 0755));
			count[pt_run_one(&fs, full, test)]++;
			/* A failed test may leave descriptors (its clean-up
			 * failed too): close all, so the unmount can work. */
			CHECK_SYS(rump_sys_chdir("/"));
			for (int fd = 0; fd < fs.max_fds; fd++)
				rump_sys_close(fd);
			if (rump_sys_unmount(EXT2_MNT, 0) == -1) {
				printf("FAIL %s %s: unmount after the test: "
				       "%s; "
				       "the rest of this image's tests are not "
				       "run\n",
				       name, full, strerror(errno));
				unclean++;
				stuck = true;
				break;
			}
			CHECK_EQ(rump_pub_etfs_remove(EXT2_DEV), 0);
			if (ext2_fsck(img, "-fn") != 0) {
				printf("FAIL %s %s: e2fsck -fn: the image is "
				       "not clean after the test (output "
				       "above)\n",
				       name, full);
				unclean++;
				ext2_fsck(img, "-fy");
			}
			fflush(stdout);
		}
	}
	printf("posix %s: %d passed, %d failed, %d skipped; e2fsck unclean "
	       "after %d\n",
	       name, count[0], count[1], count[2], unclean);
	if (count[1] + unclean == 0)
		ext2_sh(NULL, 0, "rm -f '%s'", img);
	if (stuck) {
		/* Still mounted: the next image cannot use the device. */
		ext2_keep = true;
		test_log("%d failures; images kept in %s", count[1] + unclean,
			 ext2_work);
		_exit(1);
	}
	return count[1] + unclean;
}

int main(int argc, char **argv)
{
	int failed = 0;

	test_init(argc, argv);
	test_watchdog(115);
	if (!ext2_driver_linked())
		return 0;
	ext2_setup();
	test_boot();
	failed += posix_ext2_run(EXT2_POSIX_TYPE, 1024);
	failed += posix_ext2_run(EXT2_POSIX_TYPE, 4096);
	test_halt();
	if (failed != 0) {
		ext2_keep = true;
		test_log("%d failures; images kept in %s", failed, ext2_work);
		return 1;
	}
	test_log("ok");
	return 0;
}
