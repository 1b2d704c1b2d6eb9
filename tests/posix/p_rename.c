/*
 * p_rename.c -- rename and renameat: a file to a new name and over an
 * existing file (an open descriptor of the replaced file keeps working),
 * a directory over an empty and a non-empty directory, a directory into
 * its own subdirectory (EINVAL), the same file under two names (a no-op),
 * type mismatches, "." and "..", link counts and ".." of a moved
 * directory, and EXDEV across a mount.
 */
#include "suite.h"

static void rename_file(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat a, b;
	char buf[16];
	int fd;

	pt_mkfile(t, "a", 0644, "AAA");
	a = pt_stat(t, "a");
	T_OK(fs->rename("a", "b"));
	T_TRUE(!pt_exists(t, "a"));
	b = pt_stat(t, "b");
	T_EQ(b.st_ino, a.st_ino);
	T_EQ(b.st_nlink, 1);
	T_EQ(pt_readfile(t, "b", buf, sizeof(buf)), 3);

	/* Over an existing file, which goes away once closed. */
	pt_mkfile(t, "c", 0644, "CCCCC");
	fd = T_OK(fs->open("c", O_RDONLY));
	T_OK(fs->rename("b", "c"));
	T_TRUE(!pt_exists(t, "b"));
	T_EQ(pt_stat(t, "c").st_ino, a.st_ino);
	T_EQ(pt_readfile(t, "c", buf, sizeof(buf)), 3);
	T_EQ(fs->read(fd, buf, sizeof(buf)), 5);
	T_MEM(buf, "CCCCC", 5);
	T_OK(fs->fstat(fd, &b));
	T_EQ(b.st_nlink, 0);
	T_OK(fs->close(fd));

	/* Into another directory, through the *at form. */
	T_OK(fs->mkdir("d", 0755));
	fd = T_OK(fs->open("d", O_RDONLY | O_DIRECTORY));
	T_OK(fs->renameat(AT_FDCWD, "c", fd, "moved"));
	T_EQ(pt_stat(t, "d/moved").st_ino, a.st_ino);
	T_OK(fs->renameat(fd, "moved", AT_FDCWD, "back"));
	T_EQ(pt_stat(t, "back").st_ino, a.st_ino);
	T_ERR(fs->renameat(-1, "back", fd, "x"), EBADF);
	T_OK(fs->close(fd));

	/* A link is renamed, not its target. */
	T_OK(fs->symlink("back", "l"));
	T_OK(fs->rename("l", "l2"));
	T_TRUE(S_ISLNK(pt_lstat(t, "l2").st_mode));
	T_EQ(pt_stat(t, "l2").st_ino, a.st_ino);
	T_TRUE(pt_exists(t, "back"));
}

static void rename_same(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat st;

	pt_mkfile(t, "a", 0644, "x");
	T_OK(fs->link("a", "b"));
	/* Two names of one file: success, and nothing changes. */
	T_OK(fs->rename("a", "b"));
	T_TRUE(pt_exists(t, "a"));
	T_TRUE(pt_exists(t, "b"));
	T_EQ(pt_stat(t, "a").st_nlink, 2);
	T_OK(fs->rename("a", "a"));
	T_EQ(pt_stat(t, "a").st_nlink, 2);
	T_OK(fs->mkdir("d", 0755));
	T_OK(fs->rename("d", "d"));
	T_OK(fs->rename("d", "./d/"));
	T_TRUE(S_ISDIR(pt_stat(t, "d").st_mode));
	T_ERR(fs->stat("nope", &st), ENOENT);
}

static void rename_dirs(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat d;

	T_OK(fs->mkdir("d", 0755));
	T_OK(fs->mkdir("d/sub", 0755));
	T_OK(fs->mkdir("empty", 0755));
	T_OK(fs->mkdir("full", 0755));
	pt_mkfile(t, "full/x", 0644, NULL);
	pt_mkfile(t, "f", 0644, NULL);
	d = pt_stat(t, "d");

	/* A directory over an empty directory replaces it. */
	T_OK(fs->rename("d", "empty"));
	T_TRUE(!pt_exists(t, "d"));
	T_EQ(pt_stat(t, "empty").st_ino, d.st_ino);
	T_TRUE(pt_exists(t, "empty/sub"));
	/* Over a non-empty one: Linux says ENOTEMPTY (POSIX allows
	 * EEXIST). */
	T_ERR(fs->rename("empty", "full"), ENOTEMPTY);
	/* Types must match. */
	T_ERR(fs->rename("empty", "f"), ENOTDIR);
	T_ERR(fs->rename("f", "empty"), EISDIR);
	/* Not into itself or below itself. */
	T_ERR(fs->rename("empty", "empty/sub/deeper"), EINVAL);
	T_ERR(fs->rename("empty", "empty/new"), EINVAL);
	T_ERR(fs->rename("empty", "empty/sub"), EINVAL);
	/* Nor over its own ancestor (not empty). */
	T_ERR(fs->rename("empty/sub", "empty"), ENOTEMPTY);
	/* "." and ".." as either name: Linux says EBUSY, or EINVAL where
	 * the target lies inside the source. */
	T_ERR(fs->rename(".", "x"), EBUSY);
	T_ERR(fs->rename("empty/sub/..", "x"), EBUSY);
	T_ERR(fs->rename("f", "empty/."), EBUSY);
	/* A trailing slash on a file. */
	T_ERR(fs->rename("f/", "g"), ENOTDIR);
	T_ERR(fs->rename("f", "g/"), ENOTDIR);
	T_TRUE(pt_exists(t, "f"));

	/* Moving a directory fixes ".." and the link counts. */
	T_EQ(pt_stat(t, "full").st_nlink, 2);
	T_EQ(pt_stat(t, "empty").st_nlink, 3);
	T_OK(fs->rename("empty/sub", "full/sub/"));
	T_EQ(pt_stat(t, "full/sub/..").st_ino, pt_stat(t, "full").st_ino);
	T_EQ(pt_stat(t, "full").st_nlink, 3);
	T_EQ(pt_stat(t, "empty").st_nlink, 2);
	T_OK(fs->rename("full/sub", "top"));
	T_EQ(pt_stat(t, "top/..").st_ino, pt_stat(t, ".").st_ino);
}

static void rename_errors(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;

	pt_mkfile(t, "f", 0644, NULL);
	T_OK(fs->mkdir("d", 0755));
	T_ERR(fs->rename("nope", "x"), ENOENT);
	T_ERR(fs->rename("nodir/x", "y"), ENOENT);
	T_ERR(fs->rename("f", "nodir/x"), ENOENT);
	T_ERR(fs->rename("f", "f/x"), ENOTDIR);
	T_ERR(fs->rename("f/x", "y"), ENOTDIR);
	T_ERR(fs->rename("", "x"), ENOENT);
	T_ERR(fs->rename("f", ""), ENOENT);
	/* Nothing moved. */
	T_TRUE(pt_exists(t, "f"));
	T_TRUE(pt_exists(t, "d"));
}

static void rename_exdev(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;

	pt_mkfile(t, "f", 0644, "x");
	T_OK(fs->mkdir("d", 0755));
	pt_mount_tmpfs(t, "m", 0, "size=1m");
	T_ERR(fs->rename("f", "m/f"), EXDEV);
	T_ERR(fs->rename("d", "m/d"), EXDEV);
	T_ERR(fs->link("f", "m/f"), EXDEV);
	pt_mkfile(t, "m/g", 0644, NULL);
	T_ERR(fs->rename("m/g", "g"), EXDEV);
	T_ERR(fs->rename("m/g", "f"), EXDEV);
	T_TRUE(pt_exists(t, "f"));
	T_TRUE(pt_exists(t, "m/g"));
	/* The mount point itself cannot move or be replaced. */
	T_ERR(fs->rename("m", "m2"), EBUSY);
	T_ERR(fs->rename("d", "m"), EBUSY);
	T_OK(fs->unlink("m/g"));
	T_OK(fs->umount2(pt_path(t, "m"), 0));
}

const struct posix_test posix_rename_tests[] = {
	{"file", rename_file, 0},
	{"same", rename_same, 0},
	{"dirs", rename_dirs, 0},
	{"errors", rename_errors, 0},
	{"exdev", rename_exdev, FS_CAN_MOUNT},
	{NULL, NULL, 0},
};
