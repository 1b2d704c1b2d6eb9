/* hosts: posix */
/*
 * t_ext2_crash.c -- power cuts on ext2 without a journal, e2fsprogs as the
 * judge (mkfs.ext2 images, 1 KiB and 4 KiB blocks).  A metadata-heavy
 * workload in a child process (phases of mkdir, creates, writes, fsync,
 * renames, unlinks also while open, truncates, links, symlinks, each
 * phase ending in sync) runs with RUMP_FAULT_POWERCUT=N, N sampled with a
 * fixed seed over the workload's block writes (half of the points also
 * with RUMP_FAULT_REORDER: writes not covered by a flush are dropped or
 * reordered).  Every resulting image: the kernel mounts it unrepaired,
 * read-only and read-write, walks, reads and writes it without a crash
 * or a leak (errors are allowed); `e2fsck -fy` repairs it (exit 0 or 1)
 * and `e2fsck -fn` then calls it clean; and nothing synced is lost: every
 * phase whose sync returned before the cut, and every file whose fsync
 * returned before it, is there with exactly its names and contents.
 * SCALE multiplies the number of points (`make crash-sweep` runs a long
 * sweep of this and of t_jbd2_mount's journal cuts).
 */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ext2/walk.c"
#include "powercut.h"
#include "testlib.h"

#define NPHASE 6
#define NFILE 12

static char dir[64];
static char img[128];

static const char *mkfs_cmd(int conf)
{
	static const char *const cmds[] = {
		"mkfs.ext2 -q -F -b 1024",
		"mkfs.ext2 -q -F -b 4096",
	};
	return cmds[conf];
}

/* The bytes of a file: a pattern seeded by seed. */
static void fill(char *buf, size_t len, int seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(seed * 7 + i * 13 + (i >> 9));
}

static size_t fsize(int p, int i)
{
	return (size_t)((p * 7919 + i * 3571) % 20000);
}

static size_t keepsize(int p)
{
	return 5000 + (size_t)p * 1100;
}

static void mount_img(const char *path, int flags)
{
	static int n;
	char dev[32];

	snprintf(dev, sizeof(dev), "/dev/cd%d", n++);
	CHECK_EQ(rump_pub_etfs_register(dev, path, RUMP_ETFS_BLK), 0);
	(void)rump_sys_mkdir("/mnt", 0755);
	CHECK_SYS(rump_sys_mount(dev, "/mnt", "ext2", flags, ""));
}

static void write_file(const char *path, int seed, size_t len, bool sync)
{
	static char buf[32768];
	int fd = (int)CHECK_SYS(
		rump_sys_open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644));

	fill(buf, len, seed);
	CHECK_EQ(rump_sys_write(fd, buf, len), (ssize_t)len);
	if (sync)
		CHECK_SYS(rump_sys_fsync(fd));
	CHECK_SYS(rump_sys_close(fd));
}

/* A marker on stderr, unbuffered: ordered with the shim's "power cut". */
static void mark(const char *what, int p)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "%s %d\n", what, p);

	CHECK_EQ(write(2, line, (size_t)n), (ssize_t)n);
}

/* Child: the workload; phase p works in /mnt/dp only. */
static int child_workload(void)
{
	static char buf[6000];
	char a[64], b[64];
	int fd;

	test_boot();
	mount_img(img, 0);
	for (int p = 0; p < NPHASE; p++) {
		snprintf(a, sizeof(a), "/mnt/d%d", p);
		CHECK_SYS(rump_sys_mkdir(a, 0755));
		for (int i = 0; i < NFILE; i++) {
			snprintf(a, sizeof(a), "/mnt/d%d/f%d", p, i);
			write_file(a, p * 100 + i, fsize(p, i), false);
		}
		snprintf(a, sizeof(a), "/mnt/d%d/keep", p);
		write_file(a, p * 100 + 99, keepsize(p), true);
		mark("fsync", p);
		for (int i = 0; i < NFILE; i++) {
			snprintf(a, sizeof(a), "/mnt/d%d/f%d", p, i);
			snprintf(b, sizeof(b), "/mnt/d%d/r%d", p, i);
			if (i % 4 == 0)
				CHECK_SYS(rump_sys_rename(a, b));
			else if (i % 4 == 1)
				CHECK_SYS(rump_sys_unlink(a));
			else if (i % 4 == 2)
				CHECK_SYS(rump_sys_truncate(
					a, (off_t)fsize(p, i) / 2));
		}
		snprintf(a, sizeof(a), "/mnt/d%d/s", p);
		CHECK_SYS(rump_sys_symlink("f3", a));
		/* A file unlinked while open, written after that. */
		snprintf(a, sizeof(a), "/mnt/d%d/tmp", p);
		fd = (int)CHECK_SYS(rump_sys_open(a, O_CREAT | O_RDWR, 0600));
		fill(buf, sizeof(buf), p);
		CHECK_EQ(rump_sys_write(fd, buf, 3000), 3000);
		CHECK_SYS(rump_sys_unlink(a));
		CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)),
			 (ssize_t)sizeof(buf));
		CHECK_SYS(rump_sys_close(fd));
		snprintf(a, sizeof(a), "/mnt/d%d/sub", p);
		CHECK_SYS(rump_sys_mkdir(a, 0755));
		snprintf(a, sizeof(a), "/mnt/d%d/sub/x", p);
		write_file(a, p * 100 + 50, 777, false);
		snprintf(b, sizeof(b), "/mnt/d%d/x2", p);
		CHECK_SYS(rump_sys_rename(a, b));
		snprintf(a, sizeof(a), "/mnt/d%d/f3", p);
		snprintf(b, sizeof(b), "/mnt/d%d/h3", p);
		CHECK_SYS(rump_sys_link(a, b));
		rump_sys_sync();
		mark("sync", p);
	}
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	test_halt();
	return 0;
}

/* Child: the unrepaired image (a copy), read-only and read-write. */
static int child_unrepaired(void)
{
	struct walk_stats w = {.budget = 20000};
	char path[160];
	int fd;

	snprintf(path, sizeof(path), "%s.raw", img);
	test_boot();
	mount_img(path, MS_RDONLY);
	walk_tree(&w, "/mnt", 0);
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	mount_img(path, 0);
	w.ops = 0;
	walk_tree(&w, "/mnt", 0);
	/* Writing into a damaged image: any error, but no crash. */
	(void)rump_sys_mkdir("/mnt/after", 0755);
	fd = rump_sys_open("/mnt/after/f", O_CREAT | O_WRONLY, 0644);
	if (fd >= 0) {
		static char buf[9000];

		(void)rump_sys_write(fd, buf, sizeof(buf));
		rump_sys_close(fd);
	}
	(void)rump_sys_rename("/mnt/d0", "/mnt/after/d0");
	(void)rump_sys_unlink("/mnt/after/f");
	rump_sys_sync();
	/* A failing unmount keeps the mount; a forced one always goes. */
	if (rump_sys_unmount("/mnt", 0) != 0)
		CHECK_SYS(rump_sys_unmount("/mnt", MNT_FORCE));
	test_halt();
	return 0;
}

static bool file_is(const char *path, int seed, size_t len)
{
	static char want[32768], got[32768];
	ssize_t n;
	int fd = rump_sys_open(path, O_RDONLY);

	if (fd < 0)
		return false;
	n = rump_sys_read(fd, got, sizeof(got));
	rump_sys_close(fd);
	fill(want, len, seed);
	return n == (ssize_t)len && memcmp(got, want, len) == 0;
}

/* How many names /mnt/dp holds (without . and ..), or -1. */
static int count_names(const char *path)
{
	static char buf[16384];
	ssize_t n;
	int fd = rump_sys_open(path, O_RDONLY | O_DIRECTORY), count = 0;

	if (fd < 0)
		return -1;
	while ((n = rump_sys_getdents64(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t at = 0; at < n;) {
			struct walk_dirent64 *d = (void *)(buf + at);

			at += d->d_reclen;
			if (strcmp(d->d_name, ".") != 0 &&
			    strcmp(d->d_name, "..") != 0)
				count++;
		}
	}
	rump_sys_close(fd);
	return n < 0 ? -1 : count;
}

#define LOST(...)                                                              \
	do {                                                                   \
		fprintf(stderr, "synced but lost: " __VA_ARGS__);              \
		fprintf(stderr, "\n");                                         \
		lost++;                                                        \
	} while (0)

/* Child: the repaired image holds everything synced (CT_SYNCED ...). */
static int child_check(void)
{
	int synced = atoi(getenv("CT_SYNCED")),
	    fsynced = atoi(getenv("CT_FSYNCED")), lost = 0;
	char a[64], target[64];
	struct stat st;

	test_boot();
	mount_img(img, MS_RDONLY);
	for (int p = 0; p <= fsynced; p++) {
		snprintf(a, sizeof(a), "/mnt/d%d/keep", p);
		if (!file_is(a, p * 100 + 99, keepsize(p)))
			LOST("%s (fsync)", a);
	}
	for (int p = 0; p <= synced; p++) {
		int names = 5; /* keep, s, sub, x2, h3; tmp is gone */

		for (int i = 0; i < NFILE; i++) {
			size_t len = fsize(p, i);

			if (i % 4 == 1)
				continue;
			snprintf(a, sizeof(a), "/mnt/d%d/%c%d", p,
				 i % 4 == 0 ? 'r' : 'f', i);
			if (i % 4 == 2)
				len /= 2;
			names++;
			if (!file_is(a, p * 100 + i, len))
				LOST("%s", a);
		}
		snprintf(a, sizeof(a), "/mnt/d%d", p);
		if (count_names(a) != names)
			LOST("%s: %d names, not %d", a, count_names(a), names);
		snprintf(a, sizeof(a), "/mnt/d%d/s", p);
		memset(target, 0, sizeof(target));
		if (rump_sys_readlink(a, target, sizeof(target) - 1) != 2 ||
		    strcmp(target, "f3") != 0)
			LOST("%s", a);
		snprintf(a, sizeof(a), "/mnt/d%d/x2", p);
		if (!file_is(a, p * 100 + 50, 777))
			LOST("%s", a);
		snprintf(a, sizeof(a), "/mnt/d%d/h3", p);
		if (!file_is(a, p * 100 + 3, fsize(p, 3)) ||
		    rump_sys_lstat(a, &st) != 0 || st.st_nlink != 2)
			LOST("%s", a);
		snprintf(a, sizeof(a), "/mnt/d%d/sub", p);
		if (count_names(a) != 0)
			LOST("%s", a);
	}
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	test_halt();
	return lost == 0 ? 0 : 1;
}

static int run_child(const char *what, long cut, bool reorder, int synced,
		     int fsynced, char *out, size_t outlen)
{
	struct powercut_env pc;
	char e3[32], e4[32];
	const char *env[] = {pc.cut, pc.reorder, e3, e4, NULL};

	powercut_env_set(&pc, cut, reorder);
	snprintf(e3, sizeof(e3), "CT_SYNCED=%d", synced);
	snprintf(e4, sizeof(e4), "CT_FSYNCED=%d", fsynced);
	return test_child(what, env, out, outlen, 120);
}

/* The last phase whose marker what came before the cut, or -1. */
static int last_mark(const char *out, const char *what)
{
	const char *cut = strstr(out, "power cut"), *at = out;
	int last = -1;
	size_t len = strlen(what);

	while ((at = strstr(at, what)) != NULL && (cut == NULL || at < cut)) {
		if ((at == out || at[-1] == '\n') && at[len] == ' ')
			last = atoi(at + len + 1);
		at += len;
	}
	return last;
}

static char pristine[160];

/* The workload cut after cut writes, on a fresh copy of the image. */
static void workload_on_pristine(long cut, char *out, size_t outlen)
{
	int st;

	CHECK_EQ(test_sh("cp --sparse=always %s %s", pristine, img), 0);
	st = run_child("workload", cut, false, 0, 0, out, outlen);
	CHECK(WIFEXITED(st));
}

static void test_powercut(int conf)
{
	static char out[65536], out2[65536];
	long total;
	uint64_t seed = 777 + (uint64_t)conf;
	int points = 12 * test_scale(), st, synced, fsynced, checked = 0;

	CHECK_EQ(test_sh("rm -f %s && truncate -s 32M %s && %s %s", img, img,
			 mkfs_cmd(conf), img),
		 0);
	snprintf(pristine, sizeof(pristine), "%s.pristine", img);
	CHECK_EQ(test_sh("cp --sparse=always %s %s", img, pristine), 0);
	/* Uncut: clean, every phase there. */
	st = run_child("workload", -1, false, 0, 0, out, sizeof(out));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		test_fail(__FILE__, __LINE__, "workload: %s\n%s",
			  test_status_str(st), out);
	CHECK_EQ(test_sh("e2fsck -fn %s >/dev/null 2>&1", img), 0);
	st = run_child("check", -1, false, NPHASE - 1, NPHASE - 1, out,
		       sizeof(out));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		test_fail(__FILE__, __LINE__, "uncut check: %s\n%s",
			  test_status_str(st), out);
	total = powercut_count_writes(workload_on_pristine, out, sizeof(out));
	test_log("%s: workload does about %ld writes", mkfs_cmd(conf), total);
	for (int p = 0; p < points; p++) {
		bool reorder = p % 2 == 1;
		long n;

		n = powercut_next_point(&seed, total);
		CHECK_EQ(test_sh("cp --sparse=always %s %s", pristine, img), 0);
		st = run_child("workload", n, reorder, 0, 0, out, sizeof(out));
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			test_fail(__FILE__, __LINE__, "cut %ld: %s\n%s", n,
				  test_status_str(st), out);
		synced = last_mark(out, "sync");
		fsynced = last_mark(out, "fsync");
		/* The unrepaired image, on a copy: no crash, no leak. */
		CHECK_EQ(test_sh("cp --sparse=always %s %s.raw", img, img), 0);
		st = run_child("unrepaired", -1, false, 0, 0, out2,
			       sizeof(out2));
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			test_fail(__FILE__, __LINE__,
				  "cut %ld%s: the unrepaired image: %s\n%s", n,
				  reorder ? " (reordered)" : "",
				  test_status_str(st), out2);
		st = test_sh("e2fsck -fy %s >%s/fsck.out 2>&1", img, dir);
		if (st != 0 && st != 1) {
			test_sh("cat %s/fsck.out", dir);
			test_fail(__FILE__, __LINE__,
				  "cut %ld%s: e2fsck -fy exit %d", n,
				  reorder ? " (reordered)" : "", st);
		}
		if (test_sh("e2fsck -fn %s >%s/fsck.out 2>&1", img, dir) != 0) {
			test_sh("cat %s/fsck.out", dir);
			test_fail(__FILE__, __LINE__,
				  "cut %ld%s: not clean after e2fsck -fy", n,
				  reorder ? " (reordered)" : "");
		}
		st = run_child("check", -1, false, synced, fsynced, out2,
			       sizeof(out2));
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			test_sh("cat %s/fsck.out", dir);
			test_fail(__FILE__, __LINE__,
				  "cut %ld%s (synced phase %d, fsynced %d): "
				  "%s\n%s",
				  n, reorder ? " (reordered)" : "", synced,
				  fsynced, test_status_str(st), out2);
		}
		checked += synced + 1;
	}
	test_log("%d cuts, %d synced phases found whole after them", points,
		 checked);
	test_sh("rm -f %s %s.raw", pristine, img);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	if (getenv("CT_DIR") != NULL) {
		snprintf(img, sizeof(img), "%s/img", getenv("CT_DIR"));
		if (argc > 1 && strcmp(argv[1], "workload") == 0)
			return child_workload();
		if (argc > 1 && strcmp(argv[1], "unrepaired") == 0)
			return child_unrepaired();
		if (argc > 1 && strcmp(argv[1], "check") == 0)
			return child_check();
		return 2;
	}
	test_watchdog(1800 * (unsigned)test_scale());
	if (test_sh("command -v e2fsck >/dev/null && command -v mkfs.ext2 "
		    ">/dev/null") != 0) {
		printf("SKIP: e2fsprogs not installed\n");
		return 0;
	}
	snprintf(dir, sizeof(dir), "/tmp/t_ext2crash.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	setenv("CT_DIR", dir, 1);
	snprintf(img, sizeof(img), "%s/img", dir);
	for (int conf = 0; conf < 2; conf++)
		test_powercut(conf);
	test_sh("rm -rf %s", dir);
	return 0;
}
