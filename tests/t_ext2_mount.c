/*
 * t_ext2_mount.c -- mounting ext2/3/4 images in the corner cases: an
 * unknown or unsupported incompat feature refuses the mount; an unknown
 * ro_compat feature allows read-only mounts only; bad superblock,
 * descriptor and inode checksums give EIO (descriptors: read-only still
 * mounts); a read-only mount writes nothing; revision 0, 2 KiB and
 * 64 KiB blocks read; blocks and inodes running out give ENOSPC with the
 * image still clean; a user's writes stop at the reserved blocks, root's
 * do not; an orphan left by a crash is freed at mount; a
 * truncated image is refused.  e2fsck -fn judges every image written.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

static char dir[] = "/tmp/t_ext2_mount.XXXXXX";
static int ndisk;

/* A fresh image name in dir made by the shell command mkfs, every %s
 * in it replaced by the image's path. */
static const char *image(const char *name, const char *mkfs)
{
	static char path[400];
	char cmd[2048];
	size_t n = 0;
	const char *p;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (p = mkfs; *p != '\0' && n + sizeof(path) < sizeof(cmd); p++) {
		if (p[0] == '%' && p[1] == 's') {
			n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, "%s",
					      path);
			p++;
		} else {
			cmd[n++] = *p;
		}
	}
	cmd[n] = '\0';
	if (test_sh("(%s) >/dev/null 2>&1", cmd) != 0)
		test_fail(__FILE__, __LINE__, "failed: %s", cmd);
	return path;
}

/* Registers img as a new disk; returns its device path. */
static const char *disk(const char *img)
{
	static char dev[64];

	snprintf(dev, sizeof(dev), "/dev/disk%d", ndisk++);
	CHECK_EQ(rump_pub_etfs_register(dev, img, RUMP_ETFS_BLK), 0);
	return dev;
}

static void fsck_clean(const char *img)
{
	if (test_sh("e2fsck -fn %s >%s/fsck.log 2>&1", img, dir) != 0) {
		test_sh("cat %s/fsck.log", dir);
		test_fail(__FILE__, __LINE__, "%s not clean", img);
	}
}

static void test_features(void)
{
	const char *img, *dev;
	char buf[8];
	int fd;

	/* An unknown incompat bit. */
	img = image("incompat", "mkfs.ext2 -q -F %s 8M");
	CHECK_EQ(test_sh("debugfs -w -R 'ssv feature_incompat 0x40002' %s "
			 ">/dev/null 2>&1",
			 img),
		 0);
	dev = disk(img);
	CHECK_ERRNO(rump_sys_mount(dev, "/mnt", "ext2", 0, ""), EINVAL);
	CHECK_ERRNO(rump_sys_mount(dev, "/mnt", "ext2", MS_RDONLY, ""), EINVAL);
	/* A known one this kernel does not implement. */
	img = image("inline", "mkfs.ext4 -q -F -O inline_data %s 8M");
	CHECK_ERRNO(rump_sys_mount(disk(img), "/mnt", "ext4", 0, ""), EINVAL);
	/* An unknown ro_compat bit: read-only only. */
	img = image("rocompat",
		    "mkfs.ext4 -q -F %s 8M && echo hello > %s.f && debugfs "
		    "-w -R 'write %s.f f' %s");
	/* (mkfs above wrote img.f into /f) */
	CHECK_EQ(test_sh("debugfs -w -R 'ssv feature_ro_compat 0x4000046b' %s "
			 ">/dev/null 2>&1",
			 img),
		 0);
	dev = disk(img);
	CHECK_ERRNO(rump_sys_mount(dev, "/mnt", "ext4", 0, ""), EROFS);
	CHECK_SYS(rump_sys_mount(dev, "/mnt", "ext4", MS_RDONLY, ""));
	CHECK_SYS(fd = rump_sys_open("/mnt/f", O_RDONLY));
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 6);
	CHECK(memcmp(buf, "hello\n", 6) == 0);
	CHECK_SYS(rump_sys_close(fd));
	CHECK_ERRNO(rump_sys_open("/mnt/g", O_CREAT | O_WRONLY, 0644), EROFS);
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	/* Unknown mount options are refused. */
	img = image("opts", "mkfs.ext2 -q -F %s 8M");
	CHECK_ERRNO(rump_sys_mount(disk(img), "/mnt", "ext2", 0, "bogus=1"),
		    EINVAL);
}

static void test_checksums(void)
{
	const char *img, *dev;
	struct stat st;

	/* Superblock: a byte of the volume name changes. */
	img = image("sbcsum", "mkfs.ext4 -q -F %s 16M");
	CHECK_EQ(test_sh("printf X | dd of=%s bs=1 seek=%d conv=notrunc "
			 "2>/dev/null",
			 img, 1024 + 0x78),
		 0);
	CHECK_ERRNO(rump_sys_mount(disk(img), "/mnt", "ext4", 0, ""), EIO);
	/* Group descriptor 0 (block 1 of a 4 KiB file system). */
	img = image("gdcsum", "mkfs.ext4 -q -F -b 4096 %s 16M");
	CHECK_EQ(test_sh("printf '\\377' | dd of=%s bs=1 seek=%d conv=notrunc "
			 "2>/dev/null",
			 img, 4096 + 0x10),
		 0);
	dev = disk(img);
	CHECK_ERRNO(rump_sys_mount(dev, "/mnt", "ext4", 0, ""), EIO);
	CHECK_SYS(rump_sys_mount(dev, "/mnt", "ext4", MS_RDONLY, ""));
	CHECK_SYS(rump_sys_stat("/mnt/lost+found", &st));
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	/* An inode: stat fails with EIO, nothing else breaks. */
	img = image("inocsum", "mkfs.ext4 -q -F -b 4096 %s 16M && echo x > "
			       "%s.f && debugfs -w -R 'write %s.f f' %s");
	CHECK_EQ(test_sh("off=$(debugfs -R 'imap /f' %s 2>/dev/null | "
			 "sed -n 's/.*located at block \\([0-9]*\\), offset "
			 "\\(0x[0-9a-f]*\\).*/\\1 \\2/p' | "
			 "(read b o; echo $((b * 4096 + o + 0x10)))) && "
			 "printf Z | dd of=%s bs=1 seek=$off conv=notrunc "
			 "2>/dev/null",
			 img, img),
		 0);
	CHECK_SYS(rump_sys_mount(disk(img), "/mnt", "ext4", 0, ""));
	CHECK_ERRNO(rump_sys_stat("/mnt/f", &st), EIO);
	CHECK_SYS(rump_sys_stat("/mnt/lost+found", &st));
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	/* A truncated image. */
	img = image("short", "mkfs.ext4 -q -F %s 16M && truncate -s 8M %s");
	CHECK_ERRNO(rump_sys_mount(disk(img), "/mnt", "ext4", 0, ""), EINVAL);
}

static void test_readonly_and_geometry(void)
{
	const char *img;
	char buf[16];
	int fd;

	/* Read-only: the image does not change at all. */
	img = image("ro", "mkfs.ext4 -q -F %s 16M && echo data > %s.f && "
			  "debugfs -w -R 'write %s.f f' %s");
	CHECK_EQ(test_sh("md5sum < %s > %s/ro.md5", img, dir), 0);
	CHECK_SYS(rump_sys_mount(disk(img), "/mnt", "ext4", MS_RDONLY, ""));
	CHECK_SYS(fd = rump_sys_open("/mnt/f", O_RDONLY));
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 5);
	CHECK_SYS(rump_sys_close(fd));
	CHECK_ERRNO(rump_sys_mkdir("/mnt/d", 0755), EROFS);
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	CHECK_EQ(test_sh("md5sum < %s | cmp -s - %s/ro.md5", img, dir), 0);
	/* Revision 0, 2 KiB and 64 KiB blocks: read, and write where the
	 * block size is one the cache takes. */
	static const char *const mk[] = {
		"mkfs.ext2 -q -F -r 0 %s 8M",
		"mkfs.ext3 -q -F -b 2048 %s 16M",
		"mkfs.ext4 -q -F -b 2048 %s 16M",
		"mkfs.ext2 -q -F -b 65536 %s 64M",
	};
	for (size_t i = 0; i < sizeof(mk) / sizeof(mk[0]); i++) {
		char name[16];

		snprintf(name, sizeof(name), "geo%zu", i);
		img = image(name, mk[i]);
		CHECK_SYS(rump_sys_mount(disk(img), "/mnt", "ext2fs", 0, ""));
		CHECK_SYS(
			fd = rump_sys_open("/mnt/x", O_CREAT | O_WRONLY, 0644));
		for (int k = 0; k < 300; k++)
			CHECK_EQ(rump_sys_write(fd, "0123456789abcdef", 16),
				 16);
		CHECK_SYS(rump_sys_close(fd));
		CHECK_SYS(fd = rump_sys_open("/mnt/x", O_RDONLY));
		CHECK_EQ(rump_sys_pread(fd, buf, 16, 4800 - 16), 16);
		CHECK(memcmp(buf, "0123456789abcdef", 16) == 0);
		CHECK_SYS(rump_sys_close(fd));
		CHECK_SYS(rump_sys_unmount("/mnt", 0));
		fsck_clean(img);
	}
}

static void fill(const char *path, bool *fullp)
{
	static char block[65536];
	ssize_t n;
	int fd;

	memset(block, 'q', sizeof(block));
	*fullp = false;
	CHECK_SYS(fd = rump_sys_open(path, O_CREAT | O_WRONLY, 0644));
	while ((n = rump_sys_write(fd, block, sizeof(block))) > 0)
		;
	CHECK_EQ(n, -1);
	CHECK_EQ(errno, ENOSPC);
	*fullp = true;
	CHECK_SYS(rump_sys_close(fd));
}

static void test_enospc(void)
{
	const char *img;
	struct statvfs sv;
	char name[32];
	bool full;
	int fd, i;

	static const char *const mk[] = {
		"mkfs.ext2 -q -F %s 4M",
		"mkfs.ext4 -q -F %s 8M",
		"mkfs.ext4 -q -F -b 4096 %s 16M",
	};
	for (size_t k = 0; k < sizeof(mk) / sizeof(mk[0]); k++) {
		snprintf(name, sizeof(name), "full%zu", k);
		img = image(name, mk[k]);
		CHECK_SYS(rump_sys_mount(disk(img), "/mnt", "ext4", 0, ""));
		fill("/mnt/big", &full);
		CHECK_SYS(rump_sys_statvfs("/mnt", &sv));
		CHECK(sv.f_bfree < 64);
		/* Space comes back when the file goes. */
		CHECK_SYS(rump_sys_unlink("/mnt/big"));
		CHECK_SYS(rump_sys_statvfs("/mnt", &sv));
		CHECK(sv.f_bfree > sv.f_blocks / 2);
		fill("/mnt/big2", &full);
		CHECK_SYS(rump_sys_unmount("/mnt", 0));
		fsck_clean(img);
	}
	/* Inodes run out. */
	img = image("inodes", "mkfs.ext4 -q -F -N 64 %s 8M");
	CHECK_SYS(rump_sys_mount(disk(img), "/mnt", "ext4", 0, ""));
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "/mnt/f%d", i);
		fd = rump_sys_open(name, O_CREAT | O_WRONLY, 0644);
		if (fd < 0)
			break;
		CHECK_SYS(rump_sys_close(fd));
	}
	CHECK(i < 1000);
	CHECK_EQ(errno, ENOSPC);
	CHECK_SYS(rump_sys_statvfs("/mnt", &sv));
	CHECK_EQ(sv.f_ffree, 0);
	CHECK_SYS(rump_sys_unlink("/mnt/f0"));
	CHECK_SYS(fd = rump_sys_open("/mnt/again", O_CREAT | O_WRONLY, 0644));
	CHECK_SYS(rump_sys_close(fd));
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	fsck_clean(img);
}

/*
 * The reserved blocks (mkfs -m): an ordinary user's writes end in ENOSPC
 * where the reserve starts (statvfs: f_bavail 0, the reserve still
 * free); root's writes go on into it.  e2fsck calls the image clean.
 */
static void test_reserve(void)
{
	struct lwp *parent = rump_pub_lwproc_curlwp();
	const char *img = image("reserve", "mkfs.ext4 -q -F -m 20 %s 8M");
	struct statvfs sv;
	uint64_t reserve;
	bool full;

	CHECK_SYS(rump_sys_mount(disk(img), "/mnt", "ext4", 0, ""));
	CHECK_SYS(rump_sys_chmod("/mnt", 0777));
	CHECK_SYS(rump_sys_statvfs("/mnt", &sv));
	reserve = sv.f_bfree - sv.f_bavail;
	CHECK(reserve > sv.f_blocks / 10);
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	CHECK_SYS(rump_sys_setgid(1000));
	CHECK_SYS(rump_sys_setuid(1000));
	fill("/mnt/user", &full);
	CHECK_SYS(rump_sys_statvfs("/mnt", &sv));
	CHECK_EQ(sv.f_bavail, 0);
	CHECK(sv.f_bfree >= reserve);
	CHECK(sv.f_bfree < reserve + 64);
	CHECK_ERRNO(rump_sys_mkdir("/mnt/userdir", 0755), ENOSPC);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(parent);
	/* Root takes the reserve. */
	fill("/mnt/root", &full);
	CHECK_SYS(rump_sys_statvfs("/mnt", &sv));
	CHECK(sv.f_bfree < 64);
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	fsck_clean(img);
}

/* An inode on the orphan list with no links (a crash after unlink). */
static void test_orphan(void)
{
	const char *img;
	struct statvfs sv0, sv1;

	img = image("orphan",
		    "mkfs.ext4 -q -F %s 16M && head -c 300000 /dev/zero > "
		    "%s.f && debugfs -w -R 'write %s.f f' %s");
	CHECK_EQ(test_sh("debugfs -w -f - %s >/dev/null 2>&1 <<EOF\n"
			 "sif /f links_count 0\n"
			 "ssv last_orphan 12\n"
			 "unlink /f\n"
			 "EOF",
			 img),
		 0);
	CHECK_EQ(test_sh("debugfs -R 'stat <12>' %s 2>/dev/null | grep -q "
			 "'Size: "
			 "300000'",
			 img),
		 0);
	CHECK_SYS(rump_sys_mount(disk(img), "/mnt", "ext4", 0, ""));
	CHECK_SYS(rump_sys_statvfs("/mnt", &sv0));
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	fsck_clean(img);
	CHECK_EQ(test_sh("dumpe2fs -h %s 2>/dev/null | grep -q 'First orphan'",
			 img),
		 1);
	CHECK_SYS(rump_sys_mount(disk(img), "/mnt", "ext4", 0, ""));
	CHECK_SYS(rump_sys_statvfs("/mnt", &sv1));
	CHECK_EQ(sv0.f_bfree, sv1.f_bfree);
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	if (test_sh("command -v mkfs.ext4 e2fsck debugfs dumpe2fs "
		    ">/dev/null") != 0) {
		printf("e2fsprogs missing: install it (CI does)\n");
		return 1;
	}
	CHECK(mkdtemp(dir) != NULL);
	test_boot();
	CHECK_SYS(rump_sys_mkdir("/mnt", 0755));
	test_features();
	test_checksums();
	test_readonly_and_geometry();
	test_enospc();
	test_reserve();
	test_orphan();
	test_halt();
	test_sh("rm -rf %s", dir);
	return 0;
}
