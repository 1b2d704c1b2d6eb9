/*
 * t_vfs_cwd.c -- per-process VFS state: the working directory (chdir,
 * fchdir, getcwd and its errors, a removed working directory), the file
 * creation mask, both inherited by rfork children and changed apart from
 * the parent's, and chroot: paths, "..", absolute symbolic links and
 * getcwd all stay inside the new root.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

extern int rump_component_link_vfs;

static void cwd_is(const char *want)
{
	char buf[512];

	CHECK(rump_sys_getcwd(buf, sizeof(buf)) != NULL);
	if (strcmp(buf, want) != 0)
		test_fail(__FILE__, __LINE__, "getcwd: \"%s\", want \"%s\"",
			  buf, want);
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	CHECK_SYS(rump_sys_stat(a, &sa));
	CHECK_SYS(rump_sys_stat(b, &sb));
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void working_directory(void)
{
	char buf[6]; /* one short of "/w/x/y" and its NUL */
	int fd;

	cwd_is("/");
	CHECK_SYS(rump_sys_mkdir("/w", 0755));
	CHECK_SYS(rump_sys_mkdir("/w/x", 0755));
	CHECK_SYS(rump_sys_mkdir("/w/x/y", 0755));
	CHECK_SYS(rump_sys_chdir("/w/x/y"));
	cwd_is("/w/x/y");
	CHECK_SYS(rump_sys_chdir(".."));
	cwd_is("/w/x");
	CHECK_SYS(rump_sys_chdir("y/../../x/./y"));
	cwd_is("/w/x/y");
	/* Too small a buffer, or none. */
	errno = 0;
	CHECK(rump_sys_getcwd(buf, sizeof(buf)) == NULL);
	CHECK_EQ(errno, ERANGE);
	errno = 0;
	CHECK(rump_sys_getcwd(buf, 0) == NULL);
	CHECK_EQ(errno, EINVAL);

	CHECK_SYS(rump_sys_mknod("/w/file", S_IFREG | 0644, 0));
	CHECK_ERRNO(rump_sys_chdir("/w/file"), ENOTDIR);
	CHECK_ERRNO(rump_sys_chdir("/w/none"), ENOENT);
	CHECK_ERRNO(rump_sys_chdir(""), ENOENT);
	cwd_is("/w/x/y");

	fd = (int)CHECK_SYS(rump_sys_open("/w", O_RDONLY | O_DIRECTORY));
	CHECK_SYS(rump_sys_fchdir(fd));
	cwd_is("/w");
	fd = (int)CHECK_SYS(rump_sys_open("/w/file", O_RDONLY));
	CHECK_ERRNO(rump_sys_fchdir(fd), ENOTDIR);
	CHECK_ERRNO(rump_sys_fchdir(777), EBADF);

	/* A removed working directory: lookups and getcwd fail. */
	CHECK_SYS(rump_sys_chdir("/w/x/y"));
	CHECK_SYS(rump_sys_rmdir("/w/x/y"));
	errno = 0;
	CHECK(rump_sys_getcwd(buf, sizeof(buf)) == NULL);
	CHECK_EQ(errno, ENOENT);
	CHECK_ERRNO(rump_sys_mkdir("z", 0755), ENOENT);
	CHECK_SYS(rump_sys_chdir("/"));
	cwd_is("/");
}

static void umask_and_inheritance(void)
{
	struct lwp *parent = rump_pub_lwproc_curlwp();
	struct stat st;

	CHECK_EQ(rump_sys_umask(077), 022);
	CHECK_SYS(rump_sys_mkdir("/u1", 0777));
	CHECK_SYS(rump_sys_stat("/u1", &st));
	CHECK_EQ(st.st_mode & 0777, 0700);
	CHECK_SYS(rump_sys_chdir("/w"));

	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	cwd_is("/w");
	CHECK_EQ(rump_sys_umask(002), 077);
	CHECK_SYS(rump_sys_chdir("/"));
	CHECK_SYS(rump_sys_mkdir("/u2", 0777));
	CHECK_SYS(rump_sys_stat("/u2", &st));
	CHECK_EQ(st.st_mode & 0777, 0775);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(parent);

	/* The parent kept its own. */
	cwd_is("/w");
	CHECK_EQ(rump_sys_umask(022), 077);
	CHECK_SYS(rump_sys_chdir("/"));
}

static void change_root(void)
{
	char buf[64];
	struct stat st;

	CHECK_SYS(rump_sys_mkdir("/jail", 0755));
	CHECK_SYS(rump_sys_mkdir("/jail/sub", 0755));
	CHECK_SYS(rump_sys_mknod("/jail/inside", S_IFREG | 0644, 0));
	CHECK_SYS(rump_sys_mknod("/outside", S_IFREG | 0644, 0));
	CHECK_SYS(rump_sys_symlink("/", "/jail/sub/up"));

	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	CHECK_ERRNO(rump_sys_chroot("/outside"), ENOTDIR);
	CHECK_ERRNO(rump_sys_chroot("/none"), ENOENT);
	CHECK_SYS(rump_sys_chroot("/jail"));
	CHECK_SYS(rump_sys_chdir("/"));
	cwd_is("/");
	CHECK_SYS(rump_sys_stat("/inside", &st));
	CHECK_ERRNO(rump_sys_stat("/outside", &st), ENOENT);
	CHECK_ERRNO(rump_sys_stat("/../outside", &st), ENOENT);
	CHECK_ERRNO(rump_sys_stat("/sub/../../../outside", &st), ENOENT);
	CHECK(same_file("/..", "/"));
	CHECK(same_file("/sub/up", "/"));
	CHECK(same_file("/sub/up/sub/up/inside", "/inside"));
	CHECK_SYS(rump_sys_chdir("/sub"));
	cwd_is("/sub");
	CHECK(rump_sys_getcwd(buf, sizeof(buf)) != NULL);
	CHECK(same_file("../..", "/"));
	rump_pub_lwproc_releaselwp();

	/* The parent sees the whole tree still. */
	CHECK_SYS(rump_sys_stat("/outside", &st));
	CHECK_SYS(rump_sys_stat("/jail/inside", &st));
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(120);
	CHECK(rump_component_link_vfs);
	test_boot();
	working_directory();
	umask_and_inheritance();
	change_root();
	test_halt();
	test_log("ok");
	return 0;
}
