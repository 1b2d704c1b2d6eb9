/*
 * t_vfs_vcache.c -- the vnode cache's bound.  Under RUMP_NVNODES=64 a
 * workload over 1,000 files (create, stat twice, list, rename, unlink)
 * works and keeps the cache near 64 vnodes; referenced vnodes (open
 * files) may exceed the bound and are reclaimed once released.  A
 * malformed RUMP_NVNODES fails the boot with EINVAL.  The leak check at
 * halt covers every vnode, mount and name cache entry.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

extern int rump_component_link_vfs;

struct rump_test_vfs_counts {
	uint64_t vnodes, freevnodes, limit, ncache;
	int64_t mounts;
};
int rump_test_vfs_counts(struct rump_test_vfs_counts *c);

#define NFILES 1000
#define SLACK 8 /* vnodes a call may add before the next lookup drains */

static struct rump_test_vfs_counts counts(void)
{
	struct rump_test_vfs_counts c;

	CHECK_KERN(rump_test_vfs_counts(&c));
	return c;
}

static void check_bound(const char *when)
{
	struct rump_test_vfs_counts c = counts();

	if (c.vnodes > c.limit + SLACK)
		test_fail(__FILE__, __LINE__, "%s: %llu vnodes, limit %llu",
			  when, (unsigned long long)c.vnodes,
			  (unsigned long long)c.limit);
}

static int child_small(void)
{
	char name[64], to[64];
	char buf[4096];
	struct stat st;
	int fds[100], fd, n, total = 0;

	test_boot();
	CHECK_EQ(counts().limit, 64);
	CHECK_SYS(rump_sys_mkdir("/many", 0755));
	for (int i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "/many/f%d", i);
		fd = (int)CHECK_SYS(
			rump_sys_open(name, O_CREAT | O_WRONLY, 0644));
		CHECK_EQ(rump_sys_write(fd, name, strlen(name)),
			 (ssize_t)strlen(name));
		CHECK_SYS(rump_sys_close(fd));
		if (i % 100 == 0)
			check_bound("create");
	}
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < NFILES; i++) {
			snprintf(name, sizeof(name), "/many/f%d", i);
			CHECK_SYS(rump_sys_stat(name, &st));
			CHECK_EQ(st.st_size, (off_t)strlen(name));
		}
		check_bound("stat");
	}
	/* Reading back a file whose vnode was reclaimed gives its bytes. */
	fd = (int)CHECK_SYS(rump_sys_open("/many/f7", O_RDONLY));
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 8);
	CHECK(memcmp(buf, "/many/f7", 8) == 0);
	CHECK_SYS(rump_sys_close(fd));

	fd = (int)CHECK_SYS(rump_sys_open("/many", O_RDONLY | O_DIRECTORY));
	while ((n = (int)CHECK_SYS(rump_sys_getdents64(fd, buf, sizeof(buf)))) >
	       0) {
		for (int off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			if (d->d_name[0] == 'f')
				total++;
			off += d->d_reclen;
		}
	}
	CHECK_EQ(total, NFILES);
	CHECK_SYS(rump_sys_close(fd));

	/* Open files hold their vnodes past the bound. */
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "/many/f%d", i);
		fds[i] = (int)CHECK_SYS(rump_sys_open(name, O_RDONLY));
	}
	CHECK(counts().vnodes >= 100);
	for (int i = 0; i < 100; i++)
		CHECK_SYS(rump_sys_close(fds[i]));
	CHECK_SYS(rump_sys_stat("/", &st));
	check_bound("after closing");

	for (int i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "/many/f%d", i);
		snprintf(to, sizeof(to), "/many/g%d", i);
		CHECK_SYS(rump_sys_rename(name, to));
	}
	check_bound("rename");
	for (int i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "/many/g%d", i);
		CHECK_SYS(rump_sys_unlink(name));
		CHECK_ERRNO(rump_sys_stat(name, &st), ENOENT);
	}
	check_bound("unlink");
	CHECK(counts().ncache <= 1024);
	CHECK_SYS(rump_sys_rmdir("/many"));
	test_halt();
	return 0;
}

static int child_bad(void)
{
	CHECK_EQ(rump_init(), EINVAL);
	unsetenv("RUMP_NVNODES");
	test_boot();
	CHECK_EQ(counts().limit, 262144); /* the default */
	test_halt();
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const small_env[] = {"RUMP_NVNODES=64", NULL};
	static const char *const bad_env[] = {"RUMP_NVNODES=lots", NULL};
	char out[8192];
	int status;

	test_init(argc, argv);
	test_watchdog(240);
	CHECK(rump_component_link_vfs);
	if (argc > 1 && strcmp(argv[1], "small") == 0)
		return child_small();
	if (argc > 1 && strcmp(argv[1], "bad") == 0)
		return child_bad();

	status = test_child("small", small_env, out, sizeof(out), 200);
	if (status != 0)
		test_fail(__FILE__, __LINE__, "small: %s\n%s",
			  test_status_str(status), out);
	status = test_child("bad", bad_env, out, sizeof(out), 60);
	if (status != 0)
		test_fail(__FILE__, __LINE__, "bad: %s\n%s",
			  test_status_str(status), out);
	CHECK(strstr(out, "RUMP_NVNODES") != NULL);
	test_log("ok");
	return 0;
}
