/* hosts: posix */
/*
 * t_jbd2_mount.c -- the journal under the ext2fs driver, with e2fsprogs as
 * the judge (mkfs.ext4 and mkfs.ext3 images, 1 KiB and 4 KiB blocks):
 *  - a journal written by debugfs (jo/jw/jc) is replayed at mount: the
 *    logged block is what the file then reads, needs_recovery is gone;
 *  - files created, fsync'ed and then abandoned by a kernel that never
 *    unmounts (the process exits) come back at the next mount, and
 *    e2fsck's own replay of a copy gives the same files;
 *  - crash consistency: a metadata-heavy workload in a child process
 *    with RUMP_FAULT_POWERCUT=N (and RUMP_FAULT_REORDER for half of the
 *    points), N sampled with a fixed seed over the workload's writes;
 *    every image mounts (replaying its journal), unmounts, and
 *    e2fsck -fn calls it clean (also with a 1024-block journal that wraps);
 *    SCALE multiplies the number of points.  A bad journal superblock
 *    refuses the mount (EINVAL, EIO); a read-only mount that would need a
 *    replay is EROFS.
 */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "powercut.h"
#include "testlib.h"

static char dir[64];
static char img[128];

static void mount_img(const char *fstype, int flags)
{
	static int n;
	char dev[32];

	snprintf(dev, sizeof(dev), "/dev/ed%d", n++);
	CHECK_EQ(rump_pub_etfs_register(dev, img, RUMP_ETFS_BLK), 0);
	(void)rump_sys_mkdir("/mnt", 0755);
	CHECK_SYS(rump_sys_mount(dev, "/mnt", fstype, flags, ""));
}

static void write_file(const char *path, const char *data, size_t len,
		       bool sync)
{
	int fd = (int)CHECK_SYS(
		rump_sys_open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644));

	CHECK_EQ(rump_sys_write(fd, data, len), (ssize_t)len);
	if (sync)
		CHECK_SYS(rump_sys_fsync(fd));
	CHECK_SYS(rump_sys_close(fd));
}

static bool file_is(const char *path, const char *data, size_t len)
{
	static char buf[65536];
	ssize_t n;
	int fd = rump_sys_open(path, O_RDONLY);

	if (fd < 0)
		return false;
	n = rump_sys_read(fd, buf, sizeof(buf));
	rump_sys_close(fd);
	return n == (ssize_t)len && memcmp(buf, data, len) == 0;
}

static const char *mkfs_cmd(int conf)
{
	static const char *const cmds[] = {
		"mkfs.ext4 -q -F -b 1024",
		"mkfs.ext4 -q -F -b 4096",
		"mkfs.ext3 -q -F -b 1024",
		/* A 1024-block journal: the log wraps, checkpoints run. */
		"mkfs.ext4 -q -F -b 1024 -J size=1",
	};
	return cmds[conf];
}

static void make_image(int conf)
{
	CHECK_EQ(test_sh("rm -f %s && truncate -s 64M %s && %s %s", img, img,
			 mkfs_cmd(conf), img),
		 0);
}

/* ---- debugfs logs a block of /data; the mount replays it ---- */

static void test_replay_debugfs(int conf)
{
	static char a[3000], b[8192];
	char path[160], line[256];
	uint64_t blk;
	int fd, bsize = conf == 1 ? 4096 : 1024;
	FILE *f;

	make_image(conf);
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = (char)('a' + i % 26);
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (char)('A' + i % 23);
	snprintf(path, sizeof(path), "%s/a", dir);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK(fd >= 0 && write(fd, a, sizeof(a)) == (ssize_t)sizeof(a));
	close(fd);
	snprintf(path, sizeof(path), "%s/b", dir);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK(fd >= 0 && write(fd, b, bsize) == bsize);
	close(fd);
	CHECK_EQ(test_sh("debugfs -w -R 'write %s/a data' %s >/dev/null 2>&1",
			 dir, img),
		 0);
	test_sh_line(line, sizeof(line),
		     "debugfs -R 'bmap /data 0' %s 2>/dev/null", img);
	blk = strtoull(line, NULL, 10);
	CHECK(blk > 0);
	snprintf(path, sizeof(path), "%s/cmds", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	fprintf(f, "jo%s\njw -b %llu %s/b\njc\n", conf < 2 ? " -c" : "",
		(unsigned long long)blk, dir);
	fclose(f);
	CHECK_EQ(test_sh("debugfs -w -f %s %s >/dev/null 2>&1", path, img), 0);
	CHECK_EQ(test_sh("dumpe2fs -h %s 2>/dev/null | grep -q needs_recovery",
			 img),
		 0);

	mount_img(conf == 2 ? "ext3" : "ext4", 0);
	/* The first block is the logged one, the rest as written. */
	memcpy(a, b, (size_t)bsize < sizeof(a) ? (size_t)bsize : sizeof(a));
	CHECK(file_is("/mnt/data", a, sizeof(a)));
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	CHECK_EQ(test_sh("dumpe2fs -h %s 2>/dev/null | grep -q needs_recovery",
			 img),
		 1);
	CHECK_EQ(test_sh("e2fsck -fn %s >/dev/null 2>&1", img), 0);
}

/* ---- A journal superblock that does not check out ---- */

static void corrupt_journal_sb(uint64_t off, uint8_t x)
{
	char line[256];
	uint64_t jblk;
	uint8_t c;
	int fd;

	test_sh_line(line, sizeof(line),
		     "debugfs -R 'bmap <8> 0' %s 2>/dev/null", img);
	jblk = strtoull(line, NULL, 10);
	CHECK(jblk > 0);
	fd = open(img, O_RDWR);
	CHECK(fd >= 0);
	CHECK_EQ(pread(fd, &c, 1, (off_t)(jblk * 1024 + off)), 1);
	c ^= x;
	CHECK_EQ(pwrite(fd, &c, 1, (off_t)(jblk * 1024 + off)), 1);
	close(fd);
}

static void test_bad_journal(void)
{
	static int n;
	char dev[32];

	/* Its magic: EINVAL.  Its checksum (csum v3 after a mount): EIO. */
	make_image(0);
	corrupt_journal_sb(0, 0xff);
	snprintf(dev, sizeof(dev), "/dev/bad%d", n++);
	CHECK_EQ(rump_pub_etfs_register(dev, img, RUMP_ETFS_BLK), 0);
	CHECK_ERRNO(rump_sys_mount(dev, "/mnt", "ext4", 0, ""), EINVAL);
	make_image(0);
	mount_img("ext4", 0);
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	corrupt_journal_sb(0x200, 0x01);
	snprintf(dev, sizeof(dev), "/dev/bad%d", n++);
	CHECK_EQ(rump_pub_etfs_register(dev, img, RUMP_ETFS_BLK), 0);
	CHECK_ERRNO(rump_sys_mount(dev, "/mnt", "ext4", 0, ""), EIO);
	/* A read-only mount of a journal that needs recovery: EROFS. */
	make_image(0);
	CHECK_EQ(
		test_sh("printf 'jo -c\\njw -b 60000 %s/b\\njc\\n' >%s/cmds && "
			"debugfs -w -f %s/cmds %s >/dev/null 2>&1",
			dir, dir, dir, img),
		0);
	snprintf(dev, sizeof(dev), "/dev/bad%d", n++);
	CHECK_EQ(rump_pub_etfs_register(dev, img, RUMP_ETFS_BLK), 0);
	CHECK_ERRNO(rump_sys_mount(dev, "/mnt", "ext4", MS_RDONLY, ""), EROFS);
	CHECK_SYS(rump_sys_mount(dev, "/mnt", "ext4", 0, ""));
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	CHECK_EQ(test_sh("e2fsck -fn %s >/dev/null 2>&1", img), 0);
}

/* ---- A kernel that never unmounts ---- */

static void fill(char *buf, size_t len, int seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(seed * 7 + i * 13);
}

/* Child: create files, fsync, exit without unmounting. */
static int child_abandon(void)
{
	static char buf[5000];
	char path[64];

	test_boot();
	mount_img(getenv("JT_FSTYPE"), 0);
	CHECK_SYS(rump_sys_mkdir("/mnt/dir", 0755));
	for (int i = 0; i < 20; i++) {
		fill(buf, sizeof(buf), i);
		snprintf(path, sizeof(path), "/mnt/dir/f%d", i);
		write_file(path, buf, 100 + i * 200, i == 19);
	}
	/* The process ends here: no unmount, no halt. */
	fflush(stdout);
	_exit(0);
}

static void test_abandon(int conf)
{
	static char buf[5000], out[8192];
	const char *env[] = {conf == 2 ? "JT_FSTYPE=ext3" : "JT_FSTYPE=ext4",
			     NULL};
	char path[160];
	int st;

	make_image(conf);
	st = test_child("abandon", env, out, sizeof(out), 60);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		test_fail(__FILE__, __LINE__, "child: %s\n%s",
			  test_status_str(st), out);
	CHECK_EQ(test_sh("dumpe2fs -h %s 2>/dev/null | grep -q needs_recovery",
			 img),
		 0);
	/* e2fsck replays a copy; debugfs sees the files there. */
	CHECK_EQ(test_sh("cp --sparse=always %s %s.fsck && e2fsck -fy %s.fsck "
			 ">/dev/null 2>&1; e2fsck -fn %s.fsck >/dev/null 2>&1",
			 img, img, img, img),
		 0);
	fill(buf, sizeof(buf), 19);
	snprintf(path, sizeof(path), "%s/f19", dir);
	CHECK_EQ(
		test_sh("debugfs -R 'dump /dir/f19 %s' %s.fsck >/dev/null 2>&1",
			path, img),
		0);
	{
		static char got[5000];
		int fd = open(path, O_RDONLY);
		CHECK(fd >= 0);
		CHECK_EQ(read(fd, got, sizeof(got)), 100 + 19 * 200);
		CHECK(memcmp(got, buf, 100 + 19 * 200) == 0);
		close(fd);
	}
	/* The kernel replays the original. */
	mount_img(conf == 2 ? "ext3" : "ext4", 0);
	for (int i = 0; i < 20; i++) {
		fill(buf, sizeof(buf), i);
		snprintf(path, sizeof(path), "/mnt/dir/f%d", i);
		CHECK(file_is(path, buf, 100 + i * 200));
	}
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	CHECK_EQ(test_sh("e2fsck -fn %s >/dev/null 2>&1", img), 0);
}

/* ---- Power cuts during a metadata-heavy workload ---- */

static int child_workload(void)
{
	static char buf[3000];
	char path[64], path2[64];
	int fd;

	test_boot();
	mount_img(getenv("JT_FSTYPE"), 0);
	for (int d = 0; d < 4; d++) {
		snprintf(path, sizeof(path), "/mnt/d%d", d);
		CHECK_SYS(rump_sys_mkdir(path, 0755));
		for (int i = 0; i < 25; i++) {
			snprintf(path, sizeof(path), "/mnt/d%d/f%d", d, i);
			fill(buf, sizeof(buf), d * 100 + i);
			write_file(path, buf, (size_t)(i * 97 % 3000),
				   i % 10 == 9);
		}
		for (int i = 0; i < 25; i += 3) {
			snprintf(path, sizeof(path), "/mnt/d%d/f%d", d, i);
			snprintf(path2, sizeof(path2), "/mnt/d%d/r%d", d, i);
			CHECK_SYS(rump_sys_rename(path, path2));
		}
		for (int i = 1; i < 25; i += 4) {
			snprintf(path, sizeof(path), "/mnt/d%d/f%d", d, i);
			if (i % 3 != 0)
				CHECK_SYS(rump_sys_unlink(path));
		}
		snprintf(path, sizeof(path), "/mnt/d%d/s", d);
		CHECK_SYS(rump_sys_symlink("f2", path));
		fd = (int)CHECK_SYS(
			rump_sys_open("/mnt/big", O_CREAT | O_WRONLY, 0644));
		fill(buf, sizeof(buf), d);
		for (int k = 0; k < 20; k++)
			CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)),
				 (ssize_t)sizeof(buf));
		CHECK_SYS(rump_sys_ftruncate(fd, 7000 * (4 - d)));
		CHECK_SYS(rump_sys_close(fd));
		rump_sys_sync();
	}
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	test_halt();
	return 0;
}

/* Child: mount (replaying), walk the root, unmount. */
static int child_check(void)
{
	int fd;

	test_boot();
	mount_img(getenv("JT_FSTYPE"), 0);
	fd = (int)CHECK_SYS(rump_sys_open("/mnt", O_RDONLY | O_DIRECTORY));
	CHECK_SYS(rump_sys_close(fd));
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	test_halt();
	return 0;
}

static int run_child(const char *what, const char *fstype, long cut,
		     bool reorder, char *out, size_t outlen)
{
	struct powercut_env pc;
	char e1[32];
	const char *env[] = {e1, pc.cut, pc.reorder, NULL};

	snprintf(e1, sizeof(e1), "JT_FSTYPE=%s", fstype);
	powercut_env_set(&pc, cut, reorder);
	return test_child(what, env, out, outlen, 120);
}

static char pristine[160];
static const char *cut_fstype;

/* The workload cut after cut writes, on a fresh copy of the image. */
static void workload_on_pristine(long cut, char *out, size_t outlen)
{
	int st;

	CHECK_EQ(test_sh("cp --sparse=always %s %s", pristine, img), 0);
	st = run_child("workload", cut_fstype, cut, false, out, outlen);
	CHECK(WIFEXITED(st));
}

static void test_powercut(int conf)
{
	static char out[65536];
	const char *fstype = conf == 2 ? "ext3" : "ext4";
	long total;
	uint64_t seed = 12345 + (uint64_t)conf;
	int points = 12 * test_scale(), st;

	make_image(conf);
	snprintf(pristine, sizeof(pristine), "%s.pristine", img);
	CHECK_EQ(test_sh("cp --sparse=always %s %s", img, pristine), 0);
	/* The whole workload, uncut: clean, and how many writes it does. */
	st = run_child("workload", fstype, -1, false, out, sizeof(out));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		test_fail(__FILE__, __LINE__, "workload: %s\n%s",
			  test_status_str(st), out);
	CHECK_EQ(test_sh("e2fsck -fn %s >/dev/null 2>&1", img), 0);
	cut_fstype = fstype;
	total = powercut_count_writes(workload_on_pristine, out, sizeof(out));
	test_log("%s: workload does about %ld writes", mkfs_cmd(conf), total);
	for (int p = 0; p < points; p++) {
		long n;
		bool reorder = p % 2 == 1;

		n = powercut_next_point(&seed, total);
		CHECK_EQ(test_sh("cp --sparse=always %s %s", pristine, img), 0);
		st = run_child("workload", fstype, n, reorder, out,
			       sizeof(out));
		if (!WIFEXITED(st))
			test_fail(__FILE__, __LINE__, "cut %ld: %s\n%s", n,
				  test_status_str(st), out);
		st = run_child("check", fstype, -1, false, out, sizeof(out));
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			test_fail(__FILE__, __LINE__,
				  "cut %ld%s: mount after the cut: %s\n%s", n,
				  reorder ? " (reordered)" : "",
				  test_status_str(st), out);
		if (test_sh("e2fsck -fn %s >%s/fsck.out 2>&1", img, dir) != 0) {
			test_sh("cat %s/fsck.out", dir);
			test_fail(__FILE__, __LINE__,
				  "cut %ld%s: e2fsck -fn is not clean", n,
				  reorder ? " (reordered)" : "");
		}
	}
	test_sh("rm -f %s", pristine);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	if (getenv("JT_DIR") != NULL) {
		snprintf(img, sizeof(img), "%s/img", getenv("JT_DIR"));
		if (argc > 1 && strcmp(argv[1], "abandon") == 0)
			return child_abandon();
		if (argc > 1 && strcmp(argv[1], "workload") == 0)
			return child_workload();
		if (argc > 1 && strcmp(argv[1], "check") == 0)
			return child_check();
		return 2;
	}
	test_watchdog(1200 * (unsigned)test_scale());
	if (test_sh("command -v debugfs >/dev/null && command -v mkfs.ext4 "
		    ">/dev/null") != 0) {
		printf("SKIP: e2fsprogs not installed\n");
		return 0;
	}
	snprintf(dir, sizeof(dir), "/tmp/t_jbd2m.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	setenv("JT_DIR", dir, 1);
	snprintf(img, sizeof(img), "%s/img", dir);
	test_boot();
	for (int conf = 0; conf < 3; conf++) {
		test_log("%s", mkfs_cmd(conf));
		test_replay_debugfs(conf);
		test_abandon(conf);
	}
	test_bad_journal();
	test_halt();
	for (int conf = 0; conf < 4; conf++)
		test_powercut(conf);
	test_sh("rm -rf %s", dir);
	return 0;
}
