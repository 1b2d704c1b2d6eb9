/* hosts: posix */
/*
 * t_ext2_threads.c -- several host threads work in one ext4 mount at
 * once (each in its own directory and in a shared one: create, write,
 * read back, truncate, unlink), so allocation, inode table blocks,
 * descriptors and the journal are shared under contention; every file
 * reads back what its thread wrote, and after unmount `e2fsck -fn` is
 * clean and the free counts match dumpe2fs.  Run under TSan in CI.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

#define NTHREADS 4
#define NFILES 40

static int sh(const char *fmt, ...) __attribute__((__format__(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg, fd, i;
	static __thread char buf[30000], back[30000];
	char name[64];

	snprintf(name, sizeof(name), "/mnt/t%d", id);
	CHECK_SYS(rump_sys_mkdir(name, 0755));
	for (i = 0; i < NFILES; i++) {
		size_t len = (size_t)(1000 * (i % 30) + id);

		memset(buf, 'a' + id, len);
		snprintf(name, sizeof(name),
			 i % 2 ? "/mnt/t%d/f%d" : "/mnt/shared/t%d-f%d", id, i);
		CHECK_SYS(fd = rump_sys_open(name, O_CREAT | O_RDWR, 0644));
		CHECK_EQ(rump_sys_write(fd, buf, len), (ssize_t)len);
		CHECK_EQ(rump_sys_pread(fd, back, len, 0), (ssize_t)len);
		CHECK(memcmp(buf, back, len) == 0);
		if (i % 3 == 0)
			CHECK_SYS(rump_sys_ftruncate(fd, (off_t)len / 2));
		CHECK_SYS(rump_sys_close(fd));
		if (i % 4 == 0)
			CHECK_SYS(rump_sys_unlink(name));
	}
	return NULL;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/t_ext2_threads.XXXXXX", img[300];
	pthread_t t[NTHREADS];
	struct statvfs sv;
	unsigned long long bfree = 0;
	char line[400];
	FILE *f;

	test_init(argc, argv);
	test_watchdog(110);
	if (sh("command -v mkfs.ext4 e2fsck >/dev/null") != 0) {
		printf("e2fsprogs missing: install it (CI does)\n");
		return 1;
	}
	CHECK(mkdtemp(dir) != NULL);
	snprintf(img, sizeof(img), "%s/img", dir);
	CHECK_EQ(sh("mkfs.ext4 -q -F -b 1024 %s 32M", img), 0);
	test_boot();
	CHECK_EQ(rump_pub_etfs_register("/dev/disk0", img, RUMP_ETFS_BLK), 0);
	CHECK_SYS(rump_sys_mkdir("/mnt", 0755));
	CHECK_SYS(rump_sys_mount("/dev/disk0", "/mnt", "ext4", 0, ""));
	CHECK_SYS(rump_sys_mkdir("/mnt/shared", 0755));
	for (int i = 0; i < NTHREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, worker,
					(void *)(intptr_t)i),
			 0);
	for (int i = 0; i < NTHREADS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_SYS(rump_sys_statvfs("/mnt", &sv));
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	test_halt();
	if (sh("e2fsck -fn %s > %s/fsck.log 2>&1", img, dir) != 0) {
		sh("cat %s/fsck.log", dir);
		test_fail(__FILE__, __LINE__, "not clean");
	}
	snprintf(line, sizeof(line), "dumpe2fs -h %s 2>/dev/null", img);
	CHECK((f = popen(line, "r")) != NULL);
	while (fgets(line, sizeof(line), f) != NULL)
		sscanf(line, "Free blocks: %llu", &bfree);
	pclose(f);
	CHECK_EQ((unsigned long long)sv.f_bfree, bfree);
	sh("rm -rf %s", dir);
	return 0;
}
