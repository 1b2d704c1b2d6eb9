/*
 * t_ext2_faults.c -- injected failures on ext2 and ext4 images: the Nth
 * block I/O request fails (once, and from then on), or the Nth kernel
 * allocation fails, in the middle of a metadata-heavy workload (create,
 * write, mkdir, rename, truncate, unlink, unmount).  Each case runs in a
 * child kernel: it must not crash, hang or leak (the runner's leak
 * check), errors must reach the caller, and afterwards `e2fsck -fy`
 * repairs the image so that `e2fsck -fn` calls it clean.  A sample of N
 * per mode; SCALE widens it.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

/* The child: the workload on image path, every error tolerated. */
static int workload(const char *img, const char *type)
{
	static char buf[20000];
	char name[64];
	int fd, i, errors = 0;

	if (rump_init() != 0)
		return 0; /* an allocation failed during boot */
	if (rump_pub_etfs_register("/dev/disk0", img, RUMP_ETFS_BLK) != 0 ||
	    rump_sys_mkdir("/mnt", 0755) != 0)
		goto out;
	if (rump_sys_mount("/dev/disk0", "/mnt", type, 0, "") != 0) {
		errors++;
		goto out;
	}
	memset(buf, 'w', sizeof(buf));
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "/mnt/d%d", i % 4);
		if (i < 4)
			errors += rump_sys_mkdir(name, 0755) != 0;
		snprintf(name, sizeof(name), "/mnt/d%d/f%d", i % 4, i);
		if ((fd = rump_sys_open(name, O_CREAT | O_RDWR, 0644)) < 0) {
			errors++;
			continue;
		}
		errors += rump_sys_write(fd, buf, (size_t)(i * 500)) < 0;
		errors += rump_sys_fsync(fd) != 0;
		errors += rump_sys_close(fd) != 0;
		if (i % 3 == 0)
			errors += rump_sys_truncate(name, 100) != 0;
		if (i % 5 == 0)
			errors += rump_sys_unlink(name) != 0;
	}
	errors += rump_sys_rename("/mnt/d1", "/mnt/d0/moved") != 0;
	errors += rump_sys_unmount("/mnt", 0) != 0;
out:
	printf("workload: %d errors\n", errors);
	test_halt();
	return 0;
}

static char dir[] = "/tmp/t_ext2_faults.XXXXXX";

static void run_case(const char *mkfs, const char *type, const char *var,
		     const char *val)
{
	static char out[1 << 16];
	char env1[64], env2[400], arg[64];
	const char *envv[] = {env1, env2, NULL};
	int st;

	CHECK_EQ(test_sh("%s -q -F %s/img 8M >/dev/null 2>&1", mkfs, dir), 0);
	snprintf(env1, sizeof(env1), "%s=%s", var, val);
	snprintf(env2, sizeof(env2), "T_EXT2_IMG=%s/img", dir);
	snprintf(arg, sizeof(arg), "child-%s", type);
	st = test_child(arg, envv, out, sizeof(out), 60);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fputs(out, stdout);
		test_fail(__FILE__, __LINE__, "%s %s=%s: child %s", mkfs, var,
			  val, test_status_str(st));
	}
	test_sh("e2fsck -fy %s/img >/dev/null 2>&1", dir);
	if (test_sh("e2fsck -fn %s/img > %s/fsck.log 2>&1", dir, dir) != 0) {
		test_sh("cat %s/fsck.log", dir);
		test_fail(__FILE__, __LINE__, "%s %s=%s: not repairable", mkfs,
			  var, val);
	}
}

int main(int argc, char **argv)
{
	static const struct {
		const char *mkfs, *type;
	} fs[] = {{"mkfs.ext2", "ext2"}, {"mkfs.ext4", "ext4"}};
	char val[32];
	int scale, n;

	test_init(argc, argv);
	if (argc > 1 && strncmp(argv[1], "child-", 6) == 0)
		return workload(getenv("T_EXT2_IMG"), argv[1] + 6);
	if (test_sh("command -v mkfs.ext4 e2fsck >/dev/null") != 0) {
		printf("e2fsprogs missing: install it (CI does)\n");
		return 1;
	}
	CHECK(mkdtemp(dir) != NULL);
	scale = test_scale();
	for (size_t k = 0; k < sizeof(fs) / sizeof(fs[0]); k++) {
		for (n = 1; n < 400; n += 37 / scale + 1) {
			snprintf(val, sizeof(val), "%d", n);
			run_case(fs[k].mkfs, fs[k].type, "RUMP_FAULT_BIO", val);
			snprintf(val, sizeof(val), "%d+", n);
			run_case(fs[k].mkfs, fs[k].type, "RUMP_FAULT_BIO", val);
		}
		for (n = 50; n < 3000; n += 149 / scale + 1) {
			snprintf(val, sizeof(val), "%d", n);
			run_case(fs[k].mkfs, fs[k].type, "RUMP_FAULT_MALLOC",
				 val);
		}
		test_log("%s: done", fs[k].mkfs);
	}
	test_sh("rm -rf %s", dir);
	return 0;
}
