/* hosts: posix */
/*
 * t_ext2dir_nlink.c -- link count limits of ext2fs on real images: a file
 * takes 65000 links and the next is EMLINK; a directory with more than
 * 65000 subdirectories counts 1 link with dir_nlink (and keeps 1 after a
 * removal, as Linux), and refuses the 65001st link without the feature;
 * `e2fsck -fn` agrees each time.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ext2/ext2lib.c"
#include "testlib.h"

static char img[PATH_MAX + 16];

/* A file takes 65000 links, then EMLINK; e2fsck agrees with the count. */
static void max_links(void)
{
	char path[64];
	struct stat st;

	test_log("65000 links\n");
	ext2_run("rm -f %s && truncate -s 256M %s && mkfs.ext4 -q -F %s "
		 ">/dev/null "
		 "2>&1",
		 img, img, img);
	ext2_mount(img, "ext4", 0);
	CHECK_SYS(rump_sys_mkdir("/mnt/big", 0755));
	CHECK_SYS(rump_sys_close((int)CHECK_SYS(
		rump_sys_open("/mnt/big/l0", O_CREAT | O_WRONLY, 0644))));
	for (int i = 1; i < 65000; i++) {
		snprintf(path, sizeof(path), "/mnt/big/l%d", i);
		CHECK_SYS(rump_sys_link("/mnt/big/l0", path));
	}
	CHECK_SYS(rump_sys_stat("/mnt/big/l0", &st));
	CHECK_EQ(st.st_nlink, 65000);
	CHECK_ERRNO(rump_sys_link("/mnt/big/l0", "/mnt/big/over"), EMLINK);
	CHECK_SYS(rump_sys_unlink("/mnt/big/l17"));
	CHECK_SYS(rump_sys_link("/mnt/big/l0", "/mnt/big/again"));
	ext2_unmount();
	ext2_fsck_clean(img, "65000 links");
}

/*
 * dir_nlink: past 65000 subdirectories a directory's link count is 1, and
 * e2fsck agrees; without the feature the 65000th link is EMLINK.
 */
static void many_subdirs(const char *mkfs, bool dir_nlink)
{
	char path[64];
	struct stat st;
	int n = dir_nlink ? 65010 : 64998;

	test_log("%s: %d subdirectories\n", mkfs, n);
	ext2_run("rm -f %s && truncate -s 400M %s && %s -N 70000 %s >/dev/null "
		 "2>&1",
		 img, img, mkfs, img);
	ext2_mount(img, "ext4", 0);
	CHECK_SYS(rump_sys_mkdir("/mnt/big", 0755));
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/mnt/big/d%d", i);
		CHECK_SYS(rump_sys_mkdir(path, 0755));
	}
	CHECK_SYS(rump_sys_stat("/mnt/big", &st));
	if (dir_nlink) {
		CHECK_EQ(st.st_nlink, 1);
		CHECK_SYS(rump_sys_rmdir("/mnt/big/d7"));
		CHECK_SYS(rump_sys_stat("/mnt/big", &st));
		CHECK_EQ(st.st_nlink, 1);
	} else {
		CHECK_EQ(st.st_nlink, 65000);
		CHECK_ERRNO(rump_sys_mkdir("/mnt/big/over", 0755), EMLINK);
		CHECK_SYS(rump_sys_mkdir("/mnt/over", 0755));
		CHECK_ERRNO(rump_sys_rename("/mnt/over", "/mnt/big/over"),
			    EMLINK);
	}
	ext2_unmount();
	ext2_fsck_clean(img, mkfs);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(1200);
	ext2_setup();
	snprintf(img, sizeof(img), "%s/img", ext2_work);
	test_boot();
	max_links();
	/* 65,000 directories take a minute under TSan: the other runs
	 * (gcc, clang, ASan) check them. */
	if (ext2_tsan_shrink() == 1) {
		many_subdirs("mkfs.ext4 -q -F -b 1024", true);
		many_subdirs("mkfs.ext4 -q -F -b 1024 -O ^dir_nlink", false);
	}
	test_halt();
	printf("t_ext2dir_nlink: ok\n");
	return 0;
}
