/*
 * t_vfs_lookup.c -- path name lookup in the VFS: absolute and relative
 * paths, "." and "..", symbolic links (relative, absolute, dangling,
 * loops and Linux's limit of 40), trailing-slash rules, NAME_MAX and
 * PATH_MAX, the *at() calls with directory descriptors and AT_EMPTY_PATH,
 * search permission with root's override, and the name cache staying
 * true (negative entries) across create, remove and rename.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

extern int rump_component_link_vfs;

static ino_t ino_of(const char *path)
{
	struct stat st;

	CHECK_SYS(rump_sys_stat(path, &st));
	return st.st_ino;
}

static void touch(const char *path)
{
	CHECK_SYS(rump_sys_mknod(path, S_IFREG | 0644, 0));
}

static void basics(void)
{
	struct stat st;

	CHECK_SYS(rump_sys_mkdir("/a", 0755));
	CHECK_SYS(rump_sys_mkdir("/a/b", 0755));
	CHECK_SYS(rump_sys_stat("/a/b", &st));
	CHECK(S_ISDIR(st.st_mode));
	CHECK_EQ(ino_of("/a/./b/../b//"), st.st_ino);
	CHECK_EQ(ino_of("//a///b"), st.st_ino);
	/* ".." of the root is the root. */
	CHECK_EQ(ino_of("/.."), ino_of("/"));
	CHECK_EQ(ino_of("/../../a/.."), ino_of("/"));
	CHECK_ERRNO(rump_sys_stat("", &st), ENOENT);
	CHECK_ERRNO(rump_sys_stat("/nonexistent", &st), ENOENT);
	CHECK_ERRNO(rump_sys_stat("/nonexistent/x", &st), ENOENT);
	CHECK_ERRNO(rump_sys_stat(NULL, &st), EFAULT);
	CHECK_ERRNO(rump_sys_stat("/", NULL), EFAULT);
	/* /dev exists at boot, and the root is writable. */
	CHECK_SYS(rump_sys_stat("/dev", &st));
	CHECK(S_ISDIR(st.st_mode));

	/* Relative paths start at the working directory. */
	CHECK_SYS(rump_sys_chdir("/a"));
	CHECK_EQ(ino_of("b"), ino_of("/a/b"));
	CHECK_EQ(ino_of("../a/b"), ino_of("/a/b"));
	CHECK_EQ(ino_of("."), ino_of("/a"));
	CHECK_SYS(rump_sys_chdir("/"));
}

static void trailing_slashes(void)
{
	struct stat st;

	touch("/a/f");
	CHECK_ERRNO(rump_sys_stat("/a/f/", &st), ENOTDIR);
	CHECK_ERRNO(rump_sys_stat("/a/f/x", &st), ENOTDIR);
	CHECK_ERRNO(rump_sys_stat("/a/f/.", &st), ENOTDIR);
	CHECK_ERRNO(rump_sys_open("/a/f/", O_RDONLY), ENOTDIR);
	CHECK_ERRNO(rump_sys_open("/a/new/", O_CREAT | O_RDWR, 0644), EISDIR);
	CHECK_ERRNO(rump_sys_open("/a/f/", O_CREAT | O_RDWR, 0644), EISDIR);
	CHECK_ERRNO(rump_sys_stat("/a/new", &st), ENOENT);
	/* A trailing slash asks for a directory: mkdir and rmdir take it. */
	CHECK_SYS(rump_sys_mkdir("/a/c/", 0755));
	CHECK_SYS(rump_sys_stat("/a/c/", &st));
	CHECK_SYS(rump_sys_rmdir("/a/c/"));
	CHECK_ERRNO(rump_sys_unlink("/a/f/"), ENOTDIR);
	CHECK_ERRNO(rump_sys_mknod("/a/g/", S_IFREG | 0644, 0), ENOENT);
	CHECK_ERRNO(rump_sys_mknod("/a/f/", S_IFREG | 0644, 0), EEXIST);
	CHECK_ERRNO(rump_sys_symlink("x", "/a/h/"), ENOENT);
	CHECK_ERRNO(rump_sys_rename("/a/f/", "/a/g"), ENOTDIR);
	CHECK_ERRNO(rump_sys_rename("/a/f", "/a/g/"), ENOTDIR);
	CHECK_SYS(rump_sys_rename("/a/b/", "/a/b2/"));
	CHECK_SYS(rump_sys_rename("/a/b2", "/a/b"));

	/* Names that cannot be made or removed. */
	CHECK_ERRNO(rump_sys_unlink("/a/b"), EISDIR);
	CHECK_ERRNO(rump_sys_rmdir("/a/f"), ENOTDIR);
	CHECK_ERRNO(rump_sys_rmdir("/a/b/."), EINVAL);
	CHECK_ERRNO(rump_sys_rmdir("/a/b/.."), ENOTEMPTY);
	CHECK_ERRNO(rump_sys_rmdir("/"), EBUSY);
	CHECK_ERRNO(rump_sys_unlink("/"), EISDIR);
	CHECK_ERRNO(rump_sys_mkdir("/a", 0755), EEXIST);
	CHECK_ERRNO(rump_sys_mkdir("/", 0755), EEXIST);
	CHECK_ERRNO(rump_sys_mkdir("/a/b/.", 0755), EEXIST);
	CHECK_ERRNO(rump_sys_rename("/a/b/.", "/a/x"), EBUSY);
	CHECK_ERRNO(rump_sys_rename("/a/f", "/"), EBUSY);
}

static void name_limits(void)
{
	char name[300], *path;
	struct stat st;
	int i;

	memset(name, 'n', sizeof(name));
	name[0] = '/';
	name[256] = '\0'; /* "/" and 255 bytes: NAME_MAX */
	touch(name);
	CHECK_SYS(rump_sys_stat(name, &st));
	CHECK_SYS(rump_sys_unlink(name));
	name[256] = 'n';
	name[257] = '\0';
	CHECK_ERRNO(rump_sys_stat(name, &st), ENAMETOOLONG);
	CHECK_ERRNO(rump_sys_mkdir(name, 0755), ENAMETOOLONG);

	/* PATH_MAX counts the NUL: 4095 bytes resolve, 4096 do not. */
	path = malloc(8192);
	CHECK(path != NULL);
	path[0] = '/';
	for (i = 1; i < 4095; i++)
		path[i] = (i % 2) ? '.' : '/';
	path[4095] = '\0';
	CHECK_SYS(rump_sys_stat(path, &st));
	CHECK_EQ(st.st_ino, ino_of("/"));
	path[4095] = '/';
	path[4096] = '\0';
	CHECK_ERRNO(rump_sys_stat(path, &st), ENAMETOOLONG);
	free(path);
}

static void symlinks(void)
{
	char buf[64], name[32], target[32];
	struct stat st;
	int i;

	CHECK_SYS(rump_sys_symlink("b", "/a/lb"));
	CHECK_SYS(rump_sys_symlink("/a/b", "/a/labs"));
	CHECK_EQ(ino_of("/a/lb"), ino_of("/a/b"));
	CHECK_EQ(ino_of("/a/labs"), ino_of("/a/b"));
	CHECK_SYS(rump_sys_lstat("/a/lb", &st));
	CHECK(S_ISLNK(st.st_mode));
	CHECK_EQ(st.st_size, 1);
	/* A trailing slash follows even lstat's last link. */
	CHECK_SYS(rump_sys_lstat("/a/lb/", &st));
	CHECK(S_ISDIR(st.st_mode));
	CHECK_EQ(rump_sys_readlink("/a/lb", buf, sizeof(buf)), 1);
	CHECK_EQ(buf[0], 'b');
	CHECK_EQ(rump_sys_readlink("/a/labs", buf, 2), 2);
	CHECK_ERRNO(rump_sys_readlink("/a/b", buf, sizeof(buf)), EINVAL);
	CHECK_ERRNO(rump_sys_readlink("/a/lb", buf, 0), EINVAL);
	CHECK_ERRNO(rump_sys_symlink("", "/a/empty"), ENOENT);
	CHECK_ERRNO(rump_sys_symlink("b", "/a/lb"), EEXIST);

	/* Loops and Linux's limit: 40 links in a row resolve, 41 do not. */
	CHECK_SYS(rump_sys_symlink("loop1", "/a/loop2"));
	CHECK_SYS(rump_sys_symlink("loop2", "/a/loop1"));
	CHECK_ERRNO(rump_sys_stat("/a/loop1", &st), ELOOP);
	CHECK_ERRNO(rump_sys_stat("/a/loop1/x", &st), ELOOP);
	CHECK_SYS(rump_sys_lstat("/a/loop1", &st));
	CHECK_SYS(rump_sys_symlink("b", "/a/l0"));
	for (i = 1; i <= 40; i++) {
		snprintf(name, sizeof(name), "/a/l%d", i);
		snprintf(target, sizeof(target), "l%d", i - 1);
		CHECK_SYS(rump_sys_symlink(target, name));
	}
	CHECK_EQ(ino_of("/a/l39"), ino_of("/a/b"));
	CHECK_ERRNO(rump_sys_stat("/a/l40", &st), ELOOP);

	/* Dangling: stat fails, open(O_CREAT) makes the target. */
	CHECK_SYS(rump_sys_symlink("nothere", "/a/dang"));
	CHECK_ERRNO(rump_sys_stat("/a/dang", &st), ENOENT);
	CHECK_ERRNO(rump_sys_open("/a/dang", O_CREAT | O_EXCL | O_RDWR, 0644),
		    EEXIST);
	CHECK_ERRNO(
		rump_sys_open("/a/dang", O_CREAT | O_NOFOLLOW | O_RDWR, 0644),
		ELOOP);
	CHECK_SYS(rump_sys_open("/a/dang", O_CREAT | O_RDWR, 0644));
	CHECK_SYS(rump_sys_stat("/a/nothere", &st));
	CHECK(S_ISREG(st.st_mode));
	CHECK_ERRNO(rump_sys_open("/a/lb", O_RDONLY | O_NOFOLLOW), ELOOP);
	CHECK_SYS(rump_sys_open("/a/lb", O_RDONLY | O_DIRECTORY));
	CHECK_ERRNO(rump_sys_open("/a/f", O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK_ERRNO(rump_sys_open("/a/b", O_WRONLY), EISDIR);
	CHECK_ERRNO(rump_sys_open("/a/b", O_RDONLY | O_TRUNC), EISDIR);
	/* Removing a link removes the link, not its target. */
	CHECK_SYS(rump_sys_unlink("/a/labs"));
	CHECK_SYS(rump_sys_stat("/a/b", &st));
}

static void at_calls(void)
{
	struct stat st;
	int dfd, ffd;

	dfd = (int)CHECK_SYS(rump_sys_open("/a", O_RDONLY | O_DIRECTORY));
	ffd = (int)CHECK_SYS(rump_sys_open("/a/f", O_RDONLY));
	CHECK_SYS(rump_sys_fstatat(dfd, "b", &st, 0));
	CHECK_EQ(st.st_ino, ino_of("/a/b"));
	CHECK_SYS(rump_sys_fstatat(dfd, "lb", &st, AT_SYMLINK_NOFOLLOW));
	CHECK(S_ISLNK(st.st_mode));
	CHECK_ERRNO(rump_sys_fstatat(ffd, "x", &st, 0), ENOTDIR);
	CHECK_ERRNO(rump_sys_fstatat(999, "x", &st, 0), EBADF);
	CHECK_ERRNO(rump_sys_fstatat(-5, "x", &st, 0), EBADF);
	/* An absolute path ignores the descriptor. */
	CHECK_SYS(rump_sys_fstatat(999, "/a", &st, 0));
	CHECK_SYS(rump_sys_fstatat(AT_FDCWD, "a/b", &st, 0));
	/* AT_EMPTY_PATH names the descriptor itself, of any type. */
	CHECK_SYS(rump_sys_fstatat(dfd, "", &st, AT_EMPTY_PATH));
	CHECK_EQ(st.st_ino, ino_of("/a"));
	CHECK_SYS(rump_sys_fstatat(ffd, "", &st, AT_EMPTY_PATH));
	CHECK_EQ(st.st_ino, ino_of("/a/f"));
	CHECK_ERRNO(rump_sys_fstatat(dfd, "", &st, 0), ENOENT);
	CHECK_ERRNO(rump_sys_fstatat(dfd, "b", &st, 0x40000), EINVAL);
	CHECK_SYS(rump_sys_mkdirat(dfd, "m", 0755));
	CHECK_SYS(rump_sys_stat("/a/m", &st));
	CHECK_ERRNO(rump_sys_unlinkat(dfd, "m", 0), EISDIR);
	CHECK_SYS(rump_sys_unlinkat(dfd, "m", AT_REMOVEDIR));
	CHECK_ERRNO(rump_sys_openat(ffd, "x", O_RDONLY), ENOTDIR);
	CHECK_SYS(rump_sys_openat(dfd, "f", O_RDONLY));
	CHECK_SYS(rump_sys_symlinkat("f", dfd, "lf"));
	CHECK_SYS(rump_sys_linkat(dfd, "lf", dfd, "hardlf", 0));
	CHECK_SYS(rump_sys_fstatat(dfd, "hardlf", &st, AT_SYMLINK_NOFOLLOW));
	CHECK(S_ISLNK(st.st_mode)); /* linkat does not follow by default */
	CHECK_SYS(rump_sys_linkat(dfd, "lf", dfd, "hardf", AT_SYMLINK_FOLLOW));
	CHECK_EQ(ino_of("/a/hardf"), ino_of("/a/f"));
	CHECK_SYS(rump_sys_renameat(dfd, "hardf", AT_FDCWD, "/a/hardf2"));
	CHECK_SYS(rump_sys_faccessat(dfd, "hardf2", R_OK | W_OK, 0));
}

static void search_permission(void)
{
	struct stat st;

	CHECK_SYS(rump_sys_mkdir("/p", 0700));
	CHECK_SYS(rump_sys_mkdir("/p/q", 0755));
	CHECK_SYS(rump_sys_mkdir("/pub", 0777));
	CHECK_SYS(rump_sys_chmod("/pub", 0777)); /* past the umask */
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	CHECK_SYS(rump_sys_setuid(1000));
	CHECK_SYS(rump_sys_stat("/p", &st)); /* needs search of / only */
	CHECK_ERRNO(rump_sys_stat("/p/q", &st), EACCES);
	CHECK_ERRNO(rump_sys_stat("/p/../pub", &st), EACCES);
	CHECK_ERRNO(rump_sys_mkdir("/p/x", 0755), EACCES);
	CHECK_ERRNO(rump_sys_chdir("/p"), EACCES);
	CHECK_SYS(rump_sys_mkdir("/pub/mine", 0755));
	CHECK_ERRNO(rump_sys_mkdir("/dev/x", 0755), EACCES);
	CHECK_ERRNO(rump_sys_mknod("/pub/dev", S_IFCHR | 0600, 0), EPERM);
	CHECK_ERRNO(rump_sys_chroot("/pub"), EPERM);
	rump_pub_lwproc_releaselwp();
	/* Root searches anything. */
	CHECK_SYS(rump_sys_chmod("/p", 0));
	CHECK_SYS(rump_sys_stat("/p/q", &st));
	CHECK_SYS(rump_sys_chdir("/p"));
	CHECK_SYS(rump_sys_chdir("/"));
}

static void name_cache(void)
{
	struct stat st;

	CHECK_SYS(rump_sys_mkdir("/nc", 0755));
	for (int round = 0; round < 3; round++) {
		CHECK_ERRNO(rump_sys_stat("/nc/x", &st), ENOENT);
		CHECK_ERRNO(rump_sys_stat("/nc/x", &st), ENOENT);
		touch("/nc/x");
		CHECK_SYS(rump_sys_stat("/nc/x", &st));
		CHECK_SYS(rump_sys_rename("/nc/x", "/nc/y"));
		CHECK_ERRNO(rump_sys_stat("/nc/x", &st), ENOENT);
		CHECK_SYS(rump_sys_stat("/nc/y", &st));
		CHECK_SYS(rump_sys_mkdir("/nc/d", 0755));
		CHECK_SYS(rump_sys_rename("/nc/y", "/nc/d/y"));
		CHECK_SYS(rump_sys_stat("/nc/d/y", &st));
		CHECK_ERRNO(rump_sys_stat("/nc/y", &st), ENOENT);
		CHECK_SYS(rump_sys_unlink("/nc/d/y"));
		CHECK_ERRNO(rump_sys_stat("/nc/d/y", &st), ENOENT);
		CHECK_SYS(rump_sys_rmdir("/nc/d"));
		CHECK_ERRNO(rump_sys_stat("/nc/d", &st), ENOENT);
		/* A new directory of the old name starts empty. */
		CHECK_SYS(rump_sys_mkdir("/nc/d", 0755));
		CHECK_ERRNO(rump_sys_stat("/nc/d/y", &st), ENOENT);
		CHECK_SYS(rump_sys_rmdir("/nc/d"));
	}
	/* Rename over an existing name replaces what lookups find. */
	touch("/nc/s");
	touch("/nc/t");
	CHECK(ino_of("/nc/s") != ino_of("/nc/t"));
	{
		ino_t s = ino_of("/nc/s");
		CHECK_SYS(rump_sys_rename("/nc/s", "/nc/t"));
		CHECK_EQ(ino_of("/nc/t"), s);
	}
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(120);
	CHECK(rump_component_link_vfs);
	test_boot();
	basics();
	trailing_slashes();
	name_limits();
	symlinks();
	at_calls();
	search_permission();
	name_cache();
	test_halt();
	test_log("ok");
	return 0;
}
