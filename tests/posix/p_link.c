/*
 * p_link.c -- names of files: hard links and their counts (link,
 * linkat), unlink and unlinkat, symbolic links (symlink, symlinkat,
 * readlink, readlinkat): relative and absolute targets, dangling links,
 * the loop limit (ELOOP), and the trailing-slash rules of path lookup.
 */
#include <stdio.h>

#include "suite.h"

static void link_hard(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char buf[16];
	int fd;

	pt_mkfile(t, "a", 0644, "shared");
	T_OK(fs->mkdir("d", 0755));
	T_OK(fs->link("a", "b"));
	T_OK(fs->link("a", "d/c"));
	T_EQ(pt_stat(t, "a").st_nlink, 3);
	T_EQ(pt_stat(t, "b").st_ino, pt_stat(t, "a").st_ino);
	T_EQ(pt_stat(t, "d/c").st_ino, pt_stat(t, "a").st_ino);
	/* One file: a write through one name shows through the others. */
	fd = T_OK(fs->open("b", O_WRONLY));
	T_EQ(fs->write(fd, "SH", 2), 2);
	T_OK(fs->close(fd));
	T_EQ(pt_readfile(t, "d/c", buf, sizeof(buf)), 6);
	T_STR(buf, "SHared");
	T_OK(fs->unlink("a"));
	T_EQ(pt_stat(t, "b").st_nlink, 2);
	T_OK(fs->unlink("d/c"));
	T_EQ(pt_stat(t, "b").st_nlink, 1);

	T_ERR(fs->link("b", "b"), EEXIST);
	pt_mkfile(t, "other", 0644, NULL);
	T_ERR(fs->link("b", "other"), EEXIST);
	T_ERR(fs->link("nope", "x"), ENOENT);
	T_ERR(fs->link("b", "nodir/x"), ENOENT);
	T_ERR(fs->link("b", "other/x"), ENOTDIR);
	T_ERR(fs->link("", "x"), ENOENT);
	T_ERR(fs->link("b", ""), ENOENT);
	/* No hard links to directories. */
	T_ERR(fs->link("d", "d2"), EPERM);
	T_ERR(fs->link("b", "x/"), ENOENT);
}

static void link_at(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	int dfd;

	pt_mkfile(t, "f", 0644, NULL);
	T_OK(fs->symlink("f", "l"));
	T_OK(fs->mkdir("d", 0755));
	dfd = T_OK(fs->open("d", O_RDONLY | O_DIRECTORY));
	T_OK(fs->linkat(AT_FDCWD, "f", dfd, "f2", 0));
	T_EQ(pt_stat(t, "d/f2").st_ino, pt_stat(t, "f").st_ino);
	/* Without AT_SYMLINK_FOLLOW the link itself gets a new name. */
	T_OK(fs->linkat(AT_FDCWD, "l", dfd, "l2", 0));
	T_TRUE(S_ISLNK(pt_lstat(t, "d/l2").st_mode));
	T_EQ(pt_lstat(t, "d/l2").st_ino, pt_lstat(t, "l").st_ino);
	T_OK(fs->linkat(AT_FDCWD, "l", dfd, "f3", AT_SYMLINK_FOLLOW));
	T_TRUE(S_ISREG(pt_lstat(t, "d/f3").st_mode));
	T_EQ(pt_stat(t, "f").st_nlink, 3);
	T_ERR(fs->linkat(AT_FDCWD, "f", dfd, "f4", 0x40000000), EINVAL);
	T_ERR(fs->linkat(-1, "f", dfd, "f4", 0), EBADF);
	T_OK(fs->close(dfd));
}

static void link_unlink(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	int dfd;

	pt_mkfile(t, "f", 0644, NULL);
	T_OK(fs->mkdir("d", 0755));
	T_OK(fs->symlink("f", "l"));
	/* Unlinking a link removes the link only. */
	T_OK(fs->unlink("l"));
	T_TRUE(pt_exists(t, "f"));
	T_OK(fs->unlink("f"));
	T_TRUE(!pt_exists(t, "f"));
	T_ERR(fs->unlink("f"), ENOENT);
	T_ERR(fs->unlink(""), ENOENT);
	T_ERR(fs->unlink("nodir/f"), ENOENT);
	/* Linux says EISDIR for a directory (POSIX: EPERM). */
	T_ERR(fs->unlink("d"), EISDIR);
	pt_mkfile(t, "g", 0644, NULL);
	T_ERR(fs->unlink("g/"), ENOTDIR);
	T_ERR(fs->unlink("g/x"), ENOTDIR);
	dfd = T_OK(fs->open("d", O_RDONLY | O_DIRECTORY));
	pt_mkfile(t, "d/h", 0644, NULL);
	T_OK(fs->unlinkat(dfd, "h", 0));
	T_TRUE(!pt_exists(t, "d/h"));
	T_ERR(fs->unlinkat(dfd, "h", 0), ENOENT);
	T_OK(fs->close(dfd));
}

static void link_symlink(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char buf[PATH_MAX];
	struct stat st;
	int dfd, fd;

	pt_mkfile(t, "f", 0644, "target");
	T_OK(fs->mkdir("d", 0755));
	T_OK(fs->symlink("f", "rel"));
	T_OK(fs->symlink(pt_path(t, "f"), "abs"));
	T_OK(fs->symlink("../f", "d/up"));
	T_OK(fs->symlink("d", "ld"));
	/* Linux: a link's mode is 0777 whatever the umask. */
	st = pt_lstat(t, "rel");
	T_EQ(st.st_mode, S_IFLNK | 0777);
	T_EQ(st.st_size, 1);
	T_EQ(st.st_uid, fs->geteuid());
	T_EQ(pt_lstat(t, "abs").st_size, strlen(pt_path(t, "f")));
	/* Relative targets start at the link's directory. */
	T_EQ(pt_stat(t, "rel").st_ino, pt_stat(t, "f").st_ino);
	T_EQ(pt_stat(t, "abs").st_ino, pt_stat(t, "f").st_ino);
	T_EQ(pt_stat(t, "d/up").st_ino, pt_stat(t, "f").st_ino);
	T_EQ(pt_stat(t, "ld/up").st_ino, pt_stat(t, "f").st_ino);
	fd = T_OK(fs->open("ld/up", O_RDONLY));
	T_EQ(fs->read(fd, buf, sizeof(buf)), 6);
	T_OK(fs->close(fd));

	/* readlink: no NUL, truncation to the buffer. */
	memset(buf, 'x', sizeof(buf));
	T_EQ(fs->readlink("d/up", buf, sizeof(buf)), 4);
	T_MEM(buf, "../fx", 5);
	T_EQ(fs->readlink("d/up", buf, 2), 2);
	T_MEM(buf, "..", 2);
	T_ERR(fs->readlink("d/up", buf, 0), EINVAL);
	T_ERR(fs->readlink("f", buf, sizeof(buf)), EINVAL);
	T_ERR(fs->readlink("d", buf, sizeof(buf)), EINVAL);
	T_ERR(fs->readlink("nope", buf, sizeof(buf)), ENOENT);
	T_ERR(fs->readlink("", buf, sizeof(buf)), ENOENT);
	/* A link through a link in the middle of the path. */
	T_EQ(fs->readlink("ld/up", buf, sizeof(buf)), 4);

	T_ERR(fs->symlink("x", "f"), EEXIST);
	T_ERR(fs->symlink("x", "rel"), EEXIST);
	T_ERR(fs->symlink("x", "d"), EEXIST);
	T_ERR(fs->symlink("x", "nodir/l"), ENOENT);
	T_ERR(fs->symlink("x", ""), ENOENT);
	/* Linux refuses an empty target. */
	T_ERR(fs->symlink("", "empty"), ENOENT);

	dfd = T_OK(fs->open("d", O_RDONLY | O_DIRECTORY));
	T_OK(fs->symlinkat("target-of-at", dfd, "at"));
	T_EQ(fs->readlinkat(dfd, "at", buf, sizeof(buf)), 12);
	T_MEM(buf, "target-of-at", 12);
	T_EQ(fs->readlinkat(AT_FDCWD, "d/at", buf, sizeof(buf)), 12);
	T_ERR(fs->readlinkat(dfd, "nope", buf, sizeof(buf)), ENOENT);
	T_ERR(fs->symlinkat("x", -1, "y"), EBADF);
	T_OK(fs->close(dfd));
}

static void link_dangling(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat st;
	char buf[16];

	T_OK(fs->symlink("missing", "l"));
	T_ERR(fs->stat("l", &st), ENOENT);
	T_OK(fs->lstat("l", &st));
	T_ERR(fs->open("l", O_RDONLY), ENOENT);
	T_ERR(fs->chmod("l", 0644), ENOENT);
	T_EQ(fs->readlink("l", buf, sizeof(buf)), 7);
	/* Once the target exists the link leads to it. */
	pt_mkfile(t, "missing", 0644, "now");
	T_EQ(pt_readfile(t, "l", buf, sizeof(buf)), 3);
	T_OK(fs->unlink("missing"));
	T_ERR(fs->stat("l", &st), ENOENT);
	T_OK(fs->unlink("l"));
}

static void link_loops(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char name[16], target[16];
	struct stat st;
	int fd;

	T_OK(fs->symlink("self", "self"));
	T_ERR(fs->stat("self", &st), ELOOP);
	T_ERR(fs->open("self", O_RDONLY), ELOOP);
	T_ERR(fs->open("self", O_RDWR | O_CREAT, 0644), ELOOP);
	T_OK(fs->symlink("b", "a"));
	T_OK(fs->symlink("a", "b"));
	T_ERR(fs->stat("a", &st), ELOOP);
	T_ERR(fs->stat("a/x", &st), ELOOP);
	T_ERR(fs->chdir("b"), ELOOP);
	T_OK(fs->lstat("a", &st));

	/* Linux follows at most 40 links in one lookup (path_resolution(7)):
	 * l0 -> f takes one, l39 takes 40, l40 one too many. */
	pt_mkfile(t, "f", 0644, NULL);
	for (int i = 0; i <= 40; i++) {
		snprintf(name, sizeof(name), "l%d", i);
		if (i == 0)
			snprintf(target, sizeof(target), "f");
		else
			snprintf(target, sizeof(target), "l%d", i - 1);
		T_OK(fs->symlink(target, name));
	}
	fd = T_OK(fs->open("l39", O_RDONLY));
	T_OK(fs->close(fd));
	T_OK(fs->stat("l39", &st));
	T_ERR(fs->open("l40", O_RDONLY), ELOOP);
	T_ERR(fs->stat("l40", &st), ELOOP);
	T_OK(fs->lstat("l40", &st));
}

static void link_trailing_slash(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat st;

	T_OK(fs->mkdir("d", 0755));
	pt_mkfile(t, "f", 0644, NULL);
	T_OK(fs->symlink("d", "ld"));
	T_OK(fs->symlink("f", "lf"));
	T_OK(fs->symlink("nowhere", "dangling"));
	/* A trailing slash follows a final link and wants a directory. */
	st = pt_lstat(t, "ld/");
	T_TRUE(S_ISDIR(st.st_mode));
	T_EQ(st.st_ino, pt_stat(t, "d").st_ino);
	T_ERR(fs->lstat("lf/", &st), ENOTDIR);
	T_ERR(fs->stat("lf/", &st), ENOTDIR);
	T_ERR(fs->stat("f/", &st), ENOTDIR);
	T_ERR(fs->stat("dangling/", &st), ENOENT);
	T_ERR(fs->stat("nope/", &st), ENOENT);
	T_TRUE(S_ISDIR(pt_stat(t, "d/").st_mode));
	T_TRUE(S_ISDIR(pt_stat(t, "d//").st_mode));
	/* Linux: rmdir and unlink of "link/" name the link, which is no
	 * directory. */
	T_ERR(fs->rmdir("ld/"), ENOTDIR);
	T_ERR(fs->unlink("ld/"), ENOTDIR);
	T_ERR(fs->unlink("lf/"), ENOTDIR);
	T_TRUE(pt_exists(t, "ld") && pt_exists(t, "d"));
	/* Creating with a trailing slash: only directories. */
	T_OK(fs->mkdir("new/", 0755));
	T_ERR(fs->symlink("x", "sl/"), ENOENT);
	T_ERR(fs->mkfifo("fifo/", 0644), ENOENT);
	T_ERR(fs->link("f", "hard/"), ENOENT);
}

const struct posix_test posix_link_tests[] = {
	{"hard", link_hard, 0},
	{"at", link_at, 0},
	{"unlink", link_unlink, 0},
	{"symlink", link_symlink, 0},
	{"dangling", link_dangling, 0},
	{"loops", link_loops, 0},
	{"trailing_slash", link_trailing_slash, 0},
	{NULL, NULL, 0},
};
