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
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

/*
 * Under ThreadSanitizer (CI's TSan run; these single-threaded programs
 * gain nothing from it) everything runs about five times slower: the
 * sizes shrink so that the program stays inside the runner's 120 s.
 */
#if defined(__SANITIZE_THREAD__)
#define EXT2DIR_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define EXT2DIR_TSAN 1
#endif
#endif
#ifdef EXT2DIR_TSAN
#define EXT2DIR_SHRINK 5
#else
#define EXT2DIR_SHRINK 1
#endif

static char tmpdir[] = "/tmp/t_ext2dir_nlinkXXXXXX";
static char img[128];

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st != 0)
		test_fail(__FILE__, __LINE__, "%s: status %d", cmd, st);
}

static void mount_img(const char *type)
{
	CHECK(rump_pub_etfs_register("/dev/disk0", img, RUMP_ETFS_BLK) == 0);
	CHECK(rump_sys_mkdir("/mnt", 0755) == 0 || errno == EEXIST);
	CHECK_SYS(rump_sys_mount("/dev/disk0", "/mnt", type, 0, ""));
}

static void umount_img(void)
{
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	CHECK(rump_pub_etfs_remove("/dev/disk0") == 0);
}

static void fsck_clean(const char *what)
{
	if (system("true") == 0) {
		char cmd[512];
		snprintf(cmd, sizeof(cmd), "e2fsck -fn %s >%s/fsck.out 2>&1",
			 img, tmpdir);
		if (system(cmd) != 0) {
			snprintf(cmd, sizeof(cmd), "head -50 %s/fsck.out",
				 tmpdir);
			(void)system(cmd);
			test_fail(__FILE__, __LINE__, "%s: e2fsck -fn", what);
		}
	}
}

/* A file takes 65000 links, then EMLINK; e2fsck agrees with the count. */
static void max_links(void)
{
	char path[64];
	struct stat st;

	test_log("65000 links\n");
	sh("rm -f %s && truncate -s 256M %s && mkfs.ext4 -q -F %s >/dev/null "
	   "2>&1",
	   img, img, img);
	mount_img("ext4");
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
	umount_img();
	fsck_clean("65000 links");
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
	sh("rm -f %s && truncate -s 400M %s && %s -N 70000 %s >/dev/null 2>&1",
	   img, img, mkfs, img);
	mount_img("ext4");
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
	umount_img();
	fsck_clean(mkfs);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(1200);
	CHECK(mkdtemp(tmpdir) != NULL);
	snprintf(img, sizeof(img), "%s/img", tmpdir);
	test_boot();
	max_links();
	/* 65,000 directories take a minute under TSan: the other runs
	 * (gcc, clang, ASan) check them. */
	if (EXT2DIR_SHRINK == 1) {
		many_subdirs("mkfs.ext4 -q -F -b 1024", true);
		many_subdirs("mkfs.ext4 -q -F -b 1024 -O ^dir_nlink", false);
	}
	test_halt();
	sh("rm -rf %s", tmpdir);
	printf("t_ext2dir_nlink: ok\n");
	return 0;
}
