/*
 * p_dir.c -- directories: mkdir, mkdirat, rmdir and unlinkat with
 * AT_REMOVEDIR and their errors; getdents64 listing every entry of a
 * directory of more than 1,000 once, with . and .., inode numbers and
 * types, buffer sizes, rewinding and resuming at d_off; link counts;
 * chdir, fchdir and getcwd; "." and ".." including ".." across a mount
 * point; chroot.
 */
#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "suite.h"

struct dir_entry {
	char name[256];
	uint64_t ino;
	int64_t off;
	unsigned char type;
};

/* Read fd's entries from its offset on with getdents64 in bufsize-byte
 * calls; returns how many (at most max) were stored in out. */
static size_t dir_read(struct posix_ctx *t, int fd, size_t bufsize,
		       struct dir_entry *out, size_t max)
{
	char *buf = malloc(bufsize);
	size_t count = 0;
	ssize_t n;

	while ((n = T_OK(t->fs->getdents64(fd, buf, bufsize))) > 0) {
		for (ssize_t at = 0; at < n;) {
			struct pt_dirent64 *d = (void *)(buf + at);

			size_t len = strlen(d->d_name);

			T_TRUE(d->d_reclen % 8 == 0);
			T_TRUE(at + d->d_reclen <= n);
			T_TRUE(len >= 1 && len <= 255);
			T_TRUE(offsetof(struct pt_dirent64, d_name) + len <
			       d->d_reclen);
			if (count < max) {
				memcpy(out[count].name, d->d_name, len + 1);
				out[count].ino = d->d_ino;
				out[count].off = d->d_off;
				out[count].type = d->d_type;
			}
			count++;
			at += d->d_reclen;
		}
	}
	free(buf);
	return count < max ? count : max;
}

static size_t dir_list(struct posix_ctx *t, const char *path, size_t bufsize,
		       struct dir_entry *out, size_t max)
{
	int fd = T_OK(t->fs->open(path, O_RDONLY | O_DIRECTORY));
	size_t n = dir_read(t, fd, bufsize, out, max);

	T_OK(t->fs->close(fd));
	return n;
}

static const struct dir_entry *dir_find(const struct dir_entry *e, size_t n,
					const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i].name, name) == 0)
			return &e[i];
	return NULL;
}

static void dir_mkdir_rmdir(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat st;
	int dfd;

	T_OK(fs->mkdir("d", 0777));
	st = pt_stat(t, "d");
	T_TRUE(S_ISDIR(st.st_mode));
	T_EQ(st.st_mode & 07777, 0755);
	T_EQ(st.st_nlink, 2);
	T_EQ(st.st_uid, fs->geteuid());
	T_EQ(pt_stat(t, ".").st_nlink, 3);
	T_ERR(fs->mkdir("d", 0755), EEXIST);
	pt_mkfile(t, "f", 0644, NULL);
	T_ERR(fs->mkdir("f", 0755), EEXIST);
	T_OK(fs->symlink("nowhere", "dangling"));
	T_ERR(fs->mkdir("dangling", 0755), EEXIST);
	T_ERR(fs->mkdir("a/b", 0755), ENOENT);
	T_ERR(fs->mkdir("f/b", 0755), ENOTDIR);
	T_ERR(fs->mkdir("", 0755), ENOENT);
	T_ERR(fs->mkdir(".", 0755), EEXIST);
	T_ERR(fs->mkdir("..", 0755), EEXIST);
	/* A trailing slash is fine for directories. */
	T_OK(fs->mkdir("e/", 0700));
	T_EQ(pt_stat(t, "e").st_mode & 07777, 0700);
	/* Linux keeps the sticky bit of mkdir's mode, not set-id bits. */
	fs->umask(0);
	T_OK(fs->mkdir("s", 07777));
	T_EQ(pt_stat(t, "s").st_mode & 07777, 01777);
	fs->umask(022);

	pt_mkfile(t, "d/x", 0644, NULL);
	T_ERR(fs->rmdir("d"), ENOTEMPTY);
	T_OK(fs->unlink("d/x"));
	T_ERR(fs->rmdir("f"), ENOTDIR);
	T_ERR(fs->rmdir("nope"), ENOENT);
	T_ERR(fs->rmdir(""), ENOENT);
	T_ERR(fs->rmdir("."), EINVAL);
	T_ERR(fs->rmdir("d/."), EINVAL);
	/* Linux: ".." as the last component is ENOTEMPTY. */
	T_ERR(fs->rmdir("d/.."), ENOTEMPTY);
	T_ERR(fs->rmdir("f/"), ENOTDIR);
	T_ERR(fs->rmdir("dangling"), ENOTDIR);
	T_OK(fs->rmdir("d/"));
	T_TRUE(!pt_exists(t, "d"));
	T_OK(fs->rmdir("e"));
	T_EQ(pt_stat(t, ".").st_nlink, 3); /* s is left */

	/* The *at forms. */
	dfd = T_OK(fs->open("s", O_RDONLY | O_DIRECTORY));
	T_OK(fs->mkdirat(dfd, "sub", 0750));
	T_EQ(pt_stat(t, "s/sub").st_mode & 07777, 0750);
	T_ERR(fs->mkdirat(dfd, "sub", 0750), EEXIST);
	T_ERR(fs->unlinkat(dfd, "sub", 0), EISDIR);
	T_ERR(fs->unlinkat(dfd, "sub", 0x40000000), EINVAL);
	T_OK(fs->unlinkat(dfd, "sub", AT_REMOVEDIR));
	T_TRUE(!pt_exists(t, "s/sub"));
	pt_mkfile(t, "s/file", 0644, NULL);
	T_ERR(fs->unlinkat(dfd, "file", AT_REMOVEDIR), ENOTDIR);
	T_OK(fs->unlinkat(dfd, "file", 0));
	T_OK(fs->mkdirat(AT_FDCWD, "s/sub2", 0755));
	T_OK(fs->unlinkat(AT_FDCWD, "s/sub2", AT_REMOVEDIR));
	T_OK(fs->close(dfd));
	T_ERR(fs->mkdirat(dfd, "x", 0755), EBADF);
	T_ERR(fs->unlinkat(dfd, "x", AT_REMOVEDIR), EBADF);
}

static void dir_nlink(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;

	/* A directory has 2 links (its name and .) plus one per
	 * subdirectory (its ..).  Linux tmpfs and ext* count so; POSIX
	 * does not require it. */
	T_OK(fs->mkdir("a", 0755));
	T_OK(fs->mkdir("b", 0755));
	for (int i = 0; i < 5; i++) {
		char name[16];

		snprintf(name, sizeof(name), "a/%d", i);
		T_OK(fs->mkdir(name, 0755));
	}
	pt_mkfile(t, "a/file", 0644, NULL);
	T_EQ(pt_stat(t, "a").st_nlink, 7);
	T_OK(fs->rename("a/0", "b/0"));
	T_EQ(pt_stat(t, "a").st_nlink, 6);
	T_EQ(pt_stat(t, "b").st_nlink, 3);
	T_EQ(pt_stat(t, "b/0/..").st_ino, pt_stat(t, "b").st_ino);
	T_OK(fs->rmdir("a/1"));
	T_EQ(pt_stat(t, "a").st_nlink, 5);
	T_EQ(pt_stat(t, ".").st_nlink, 4);
}

static void dir_getdents_many(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	const size_t nfiles = 1200, max = 1300;
	struct dir_entry *e = calloc(max, sizeof(*e));
	char *seen = calloc(nfiles, 1);
	char name[32];
	const struct dir_entry *x;
	size_t n;
	int fd;

	for (size_t i = 0; i < nfiles; i++) {
		snprintf(name, sizeof(name), "file-%04zu", i);
		fd = T_OK(fs->open(name, O_WRONLY | O_CREAT | O_EXCL, 0644));
		T_OK(fs->close(fd));
	}
	T_OK(fs->mkdir("subdir", 0755));
	T_OK(fs->symlink("file-0000", "link"));
	T_OK(fs->mkfifo("fifo", 0644));

	/* With a big buffer and a tiny one (one or two records a call). */
	for (int pass = 0; pass < 2; pass++) {
		size_t others = 0;

		memset(seen, 0, nfiles);
		n = dir_list(t, ".", pass == 0 ? 32768 : 48, e, max);
		T_EQ(n, nfiles + 5);
		for (size_t i = 0; i < n; i++) {
			unsigned k;

			if (sscanf(e[i].name, "file-%04u", &k) == 1) {
				T_TRUE(k < nfiles);
				T_EQ(seen[k], 0);
				seen[k] = 1;
				T_EQ(e[i].type, DT_REG);
			} else {
				others++;
			}
		}
		T_EQ(others, 5);
		x = dir_find(e, n, ".");
		T_TRUE(x != NULL);
		T_EQ(x->type, DT_DIR);
		T_EQ(x->ino, pt_stat(t, ".").st_ino);
		x = dir_find(e, n, "..");
		T_TRUE(x != NULL);
		T_EQ(x->type, DT_DIR);
		T_EQ(x->ino, pt_stat(t, "..").st_ino);
		T_EQ(dir_find(e, n, "subdir")->type, DT_DIR);
		T_EQ(dir_find(e, n, "link")->type, DT_LNK);
		T_EQ(dir_find(e, n, "fifo")->type, DT_FIFO);
	}
	/* Inode numbers are those of lstat. */
	for (size_t i = 0; i < n; i += 97)
		if (strcmp(e[i].name, "..") != 0)
			T_EQ(e[i].ino, pt_lstat(t, e[i].name).st_ino);

	/* Removing every other entry: the rest are still listed once. */
	for (size_t i = 0; i < nfiles; i += 2) {
		snprintf(name, sizeof(name), "file-%04zu", i);
		T_OK(fs->unlink(name));
	}
	n = dir_list(t, ".", 4096, e, max);
	T_EQ(n, nfiles / 2 + 5);
	T_TRUE(dir_find(e, n, "file-0000") == NULL);
	T_TRUE(dir_find(e, n, "file-1199") != NULL);
	free(e);
	free(seen);
}

static void dir_getdents_rules(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct dir_entry e[16], again[16];
	char buf[4096];
	size_t n, m;
	int fd, ffd;

	T_OK(fs->mkdir("d", 0755));
	/* An empty directory has . and .. only. */
	n = dir_list(t, "d", sizeof(buf), e, 16);
	T_EQ(n, 2);
	T_TRUE(dir_find(e, n, ".") != NULL && dir_find(e, n, "..") != NULL);

	for (int i = 0; i < 6; i++) {
		snprintf(buf, sizeof(buf), "d/entry%d", i);
		pt_mkfile(t, buf, 0644, NULL);
	}
	fd = T_OK(fs->open("d", O_RDONLY | O_DIRECTORY));
	n = dir_read(t, fd, sizeof(buf), e, 16);
	T_EQ(n, 8);
	T_EQ(fs->getdents64(fd, buf, sizeof(buf)), 0); /* at the end */
	/* Rewinding lists the same entries. */
	T_EQ(fs->lseek(fd, 0, SEEK_SET), 0);
	m = dir_read(t, fd, sizeof(buf), again, 16);
	T_EQ(m, n);
	for (size_t i = 0; i < n; i++)
		T_STR(again[i].name, e[i].name);
	/* Seeking to an entry's d_off resumes after that entry. */
	T_EQ(fs->lseek(fd, e[2].off, SEEK_SET), e[2].off);
	m = dir_read(t, fd, sizeof(buf), again, 16);
	T_EQ(m, n - 3);
	for (size_t i = 0; i < m; i++)
		T_STR(again[i].name, e[i + 3].name);
	/* A buffer too small for one record. */
	T_EQ(fs->lseek(fd, 0, SEEK_SET), 0);
	T_ERR(fs->getdents64(fd, buf, 1), EINVAL);
	T_OK(fs->close(fd));
	T_ERR(fs->getdents64(fd, buf, sizeof(buf)), EBADF);

	ffd = T_OK(fs->open("d/entry0", O_RDONLY));
	T_ERR(fs->getdents64(ffd, buf, sizeof(buf)), ENOTDIR);
	T_OK(fs->close(ffd));

	/* getdents, where a front end has it, lists the same records. */
	if (fs->getdents != NULL) {
		ssize_t a, b;
		char buf2[4096];

		fd = T_OK(fs->open("d", O_RDONLY | O_DIRECTORY));
		a = T_OK(fs->getdents64(fd, buf, sizeof(buf)));
		T_EQ(fs->lseek(fd, 0, SEEK_SET), 0);
		b = T_OK(fs->getdents(fd, buf2, sizeof(buf2)));
		T_EQ(a, b);
		T_MEM(buf, buf2, (size_t)a);
		T_OK(fs->close(fd));
	}
}

static void dir_removed(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char buf[4096];
	ssize_t n;
	int fd;

	T_OK(fs->mkdir("d", 0755));
	fd = T_OK(fs->open("d", O_RDONLY | O_DIRECTORY));
	T_OK(fs->chdir("d"));
	T_OK(fs->rmdir(pt_path(t, "d")));
	/* Nothing can be created in a removed directory. */
	T_ERR(fs->open("f", O_RDWR | O_CREAT, 0644), ENOENT);
	T_ERR(fs->mkdir("sub", 0755), ENOENT);
	T_EQ(pt_stat(t, ".").st_nlink, 0);
	/* Linux: getcwd says ENOENT. */
	T_NULL(fs->getcwd(buf, sizeof(buf)), ENOENT);
	/* It lists nothing: Linux fails with ENOENT, POSIX lets readdir
	 * return no entries. */
	t->fs->set_errno(0);
	n = fs->getdents64(fd, buf, sizeof(buf));
	T_TRUE(n == 0 || (n == -1 && fs->get_errno() == ENOENT));
	T_OK(fs->chdir(t->dir));
	T_OK(fs->close(fd));
}

static void dir_cwd(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char buf[PATH_MAX], want[PATH_MAX + 8];
	size_t len = strlen(t->dir);
	int dfd, ffd;

	T_STR(T_PTR(fs->getcwd(buf, sizeof(buf))), t->dir);
	T_OK(fs->mkdir("sub", 0755));
	pt_mkfile(t, "f", 0644, NULL);
	T_OK(fs->chdir("sub"));
	snprintf(want, sizeof(want), "%s/sub", t->dir);
	T_STR(T_PTR(fs->getcwd(buf, sizeof(buf))), want);
	/* Relative paths start here now. */
	pt_mkfile(t, "in-sub", 0644, NULL);
	T_TRUE(pt_exists(t, pt_path(t, "sub/in-sub")));
	T_OK(fs->chdir(".."));
	T_STR(T_PTR(fs->getcwd(buf, sizeof(buf))), t->dir);

	dfd = T_OK(fs->open("sub", O_RDONLY | O_DIRECTORY));
	T_OK(fs->fchdir(dfd));
	T_STR(T_PTR(fs->getcwd(buf, sizeof(buf))), want);
	T_OK(fs->chdir(t->dir));
	/* The buffer: exactly big enough, one byte short, zero. */
	T_STR(T_PTR(fs->getcwd(buf, len + 1)), t->dir);
	T_NULL(fs->getcwd(buf, len), ERANGE);
	T_NULL(fs->getcwd(buf, 1), ERANGE);
	T_NULL(fs->getcwd(buf, 0), EINVAL);

	T_ERR(fs->chdir("f"), ENOTDIR);
	T_ERR(fs->chdir("nope"), ENOENT);
	T_ERR(fs->chdir(""), ENOENT);
	ffd = T_OK(fs->open("f", O_RDONLY));
	T_ERR(fs->fchdir(ffd), ENOTDIR);
	T_OK(fs->close(ffd));
	T_OK(fs->close(dfd));
	T_ERR(fs->fchdir(dfd), EBADF);
	T_STR(T_PTR(fs->getcwd(buf, sizeof(buf))), t->dir);
}

static void dir_dots(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat root, up;

	T_OK(fs->mkdir("a", 0755));
	T_OK(fs->mkdir("a/b", 0755));
	pt_mkfile(t, "f", 0644, NULL);
	T_EQ(pt_stat(t, "a/b/..").st_ino, pt_stat(t, "a").st_ino);
	T_EQ(pt_stat(t, "a/./b/../..").st_ino, pt_stat(t, ".").st_ino);
	T_EQ(pt_stat(t, "a//b").st_ino, pt_stat(t, "a/b").st_ino);
	T_EQ(pt_stat(t, "./a/b/.").st_ino, pt_stat(t, "a/b").st_ino);
	T_ERR(fs->stat("f/..", &up), ENOTDIR);
	T_ERR(fs->stat("f/.", &up), ENOTDIR);
	T_ERR(fs->stat("nope/..", &up), ENOENT);
	/* ".." of the root is the root. */
	root = pt_stat(t, "/");
	up = pt_stat(t, "/..");
	T_EQ(up.st_ino, root.st_ino);
	T_EQ(up.st_dev, root.st_dev);
	T_EQ(pt_stat(t, "/../../.").st_ino, root.st_ino);
	if (fs->caps & FS_IS_ROOT_FS)
		T_EQ(pt_stat(t, ".").st_dev, root.st_dev);
}

static void dir_mount_point(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat here, m, mup;
	struct dir_entry e[4];
	size_t n;

	here = pt_stat(t, ".");
	pt_mount_tmpfs(t, "m", 0, "size=1m");
	m = pt_stat(t, "m");
	T_TRUE(m.st_dev != here.st_dev);
	/* ".." of a mounted root is the directory above the mount point. */
	mup = pt_stat(t, "m/..");
	T_EQ(mup.st_ino, here.st_ino);
	T_EQ(mup.st_dev, here.st_dev);
	T_OK(fs->chdir("m"));
	T_EQ(pt_stat(t, "..").st_ino, here.st_ino);
	T_EQ(pt_stat(t, "..").st_dev, here.st_dev);
	T_OK(fs->chdir(".."));
	T_EQ(pt_stat(t, ".").st_ino, here.st_ino);
	pt_mkfile(t, "m/f", 0644, "on tmpfs");
	n = dir_list(t, "m", 4096, e, 4);
	T_EQ(n, 3);
	T_TRUE(dir_find(e, n, "f") != NULL);
	T_EQ(pt_stat(t, "m/f").st_dev, m.st_dev);
	T_ERR(fs->rmdir("m"), EBUSY);
	T_OK(fs->unlink("m/f"));
	T_OK(fs->umount2(pt_path(t, "m"), 0));
	/* The directory underneath is back, empty. */
	m = pt_stat(t, "m");
	T_EQ(m.st_dev, here.st_dev);
	T_EQ(dir_list(t, "m", 4096, e, 4), 2);
	T_OK(fs->rmdir("m"));
}

/* In another process: chroot to the path in arg and look around. */
static int dir_chrooted(const struct fsops *fs, void *arg)
{
	struct stat st, root;
	char buf[64];

	if (fs->chroot((const char *)arg) != 0)
		return 1;
	if (fs->chdir("/") != 0)
		return 2;
	if (fs->stat("/inside", &st) != 0 || !S_ISREG(st.st_mode))
		return 3;
	if (fs->stat("/", &root) != 0 || fs->stat("/..", &st) != 0 ||
	    st.st_ino != root.st_ino)
		return 4;
	/* ".." cannot climb out, nor can a link that points above. */
	if (fs->stat("/../../inside", &st) != 0)
		return 5;
	if (fs->stat("/up/inside", &st) != 0)
		return 6;
	if (fs->getcwd(buf, sizeof(buf)) == NULL || strcmp(buf, "/") != 0)
		return 7;
	if (fs->stat("/outside", &st) == 0)
		return 8;
	return 0;
}

static void dir_chroot(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char path[PATH_MAX];

	T_NEED(chroot);
	T_OK(fs->mkdir("jail", 0755));
	pt_mkfile(t, "jail/inside", 0644, NULL);
	pt_mkfile(t, "outside", 0644, NULL);
	T_OK(fs->symlink("../..", "jail/up"));
	snprintf(path, sizeof(path), "%s", pt_path(t, "jail"));
	T_EQ(fs->other_process(dir_chrooted, path, sizeof(path)), 0);
	/* This process is not affected. */
	T_TRUE(pt_exists(t, pt_path(t, "outside")));
	T_ERR(fs->chroot("outside"), ENOTDIR);
	T_ERR(fs->chroot("nope"), ENOENT);
}

const struct posix_test posix_dir_tests[] = {
	{"mkdir_rmdir", dir_mkdir_rmdir, 0},
	{"nlink", dir_nlink, 0},
	{"getdents_many", dir_getdents_many, 0},
	{"getdents_rules", dir_getdents_rules, 0},
	{"removed", dir_removed, 0},
	{"cwd", dir_cwd, 0},
	{"dots", dir_dots, 0},
	{"mount_point", dir_mount_point, FS_CAN_MOUNT},
	{"chroot", dir_chroot, FS_CAN_OTHER_PROCESS | FS_ROOT},
	{NULL, NULL, 0},
};
