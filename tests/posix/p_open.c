/*
 * p_open.c -- open, openat, creat and close: creation with O_CREAT and
 * O_EXCL, modes under the umask, access modes, O_TRUNC, O_APPEND,
 * O_CLOEXEC, O_NOFOLLOW and O_DIRECTORY, creation through a dangling
 * symbolic link, the directory descriptor rules of openat, and the errors
 * each can give on a local file system.
 */
#include "suite.h"

static void open_creat_excl(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat st;
	char buf[8];
	int fd;

	fd = T_OK(fs->open("f", O_RDWR | O_CREAT | O_EXCL, 0666));
	T_EQ(fd, t->fdbase);
	T_EQ(fs->write(fd, "abc", 3), 3);
	T_OK(fs->close(fd));
	st = pt_stat(t, "f");
	T_TRUE(S_ISREG(st.st_mode));
	T_EQ(st.st_mode & 07777, 0644); /* 0666 under umask 022 */
	T_EQ(st.st_size, 3);
	T_EQ(st.st_nlink, 1);
	T_EQ(st.st_uid, fs->geteuid());

	T_ERR(fs->open("f", O_RDWR | O_CREAT | O_EXCL, 0666), EEXIST);
	/* O_CREAT alone opens what is there and keeps its contents. */
	fd = T_OK(fs->open("f", O_RDWR | O_CREAT, 0600));
	T_EQ(fs->read(fd, buf, sizeof(buf)), 3);
	T_OK(fs->close(fd));
	T_EQ(pt_stat(t, "f").st_mode & 07777, 0644);

	/* An existing directory, symbolic link or fifo is there too. */
	T_OK(fs->mkdir("d", 0755));
	T_ERR(fs->open("d", O_RDONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	T_OK(fs->symlink("nowhere", "dangling"));
	T_ERR(fs->open("dangling", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	T_TRUE(!pt_exists(t, "nowhere"));

	/* creat is open(O_WRONLY | O_CREAT | O_TRUNC). */
	fd = T_OK(fs->creat("f", 0600));
	T_ERR(fs->read(fd, buf, 1), EBADF);
	T_EQ(fs->write(fd, "x", 1), 1);
	T_OK(fs->close(fd));
	T_EQ(pt_stat(t, "f").st_size, 1);
	fd = T_OK(fs->creat("g", 0640));
	T_OK(fs->close(fd));
	T_EQ(pt_stat(t, "g").st_mode & 07777, 0640);
}

static void open_umask(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	int fd;

	T_EQ(fs->umask(0), 022);
	T_EQ(fs->umask(077), 0);
	fd = T_OK(fs->open("a", O_WRONLY | O_CREAT, 0666));
	T_OK(fs->close(fd));
	T_EQ(pt_stat(t, "a").st_mode & 07777, 0600);
	T_OK(fs->mkdir("da", 0777));
	T_EQ(pt_stat(t, "da").st_mode & 07777, 0700);

	T_EQ(fs->umask(0), 077);
	fd = T_OK(fs->open("b", O_WRONLY | O_CREAT, 0777));
	T_OK(fs->close(fd));
	T_EQ(pt_stat(t, "b").st_mode & 07777, 0777);
	/* Only the permission bits of the mask count. */
	T_EQ(fs->umask(07027), 0);
	T_EQ(fs->umask(022), 027);
	/* The special bits survive creation by root. */
	T_EQ(fs->umask(0), 022);
	fd = T_OK(fs->open("c", O_WRONLY | O_CREAT, 04755));
	T_OK(fs->close(fd));
	T_EQ(pt_stat(t, "c").st_mode & 07777, 04755);
	fs->umask(022);
}

static void open_errors(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;

	pt_mkfile(t, "f", 0644, "data");
	T_OK(fs->mkdir("d", 0755));

	T_ERR(fs->open("nope", O_RDONLY), ENOENT);
	T_ERR(fs->open("", O_RDONLY), ENOENT);
	T_ERR(fs->open("", O_RDWR | O_CREAT, 0644), ENOENT);
	T_ERR(fs->open("nodir/f", O_RDWR | O_CREAT, 0644), ENOENT);
	T_ERR(fs->open("f/x", O_RDONLY), ENOTDIR);
	T_ERR(fs->open("f/x", O_RDWR | O_CREAT, 0644), ENOTDIR);
	T_ERR(fs->open("f/", O_RDONLY), ENOTDIR);
	T_ERR(fs->open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);

	/* Directories open for reading only. */
	T_OK(fs->close(T_OK(fs->open("d", O_RDONLY))));
	T_OK(fs->close(T_OK(fs->open("d/", O_RDONLY | O_DIRECTORY))));
	T_ERR(fs->open("d", O_WRONLY), EISDIR);
	T_ERR(fs->open("d", O_RDWR), EISDIR);
	T_ERR(fs->open("d", O_RDONLY | O_CREAT, 0644), EISDIR);
	T_ERR(fs->open("d", O_RDONLY | O_TRUNC), EISDIR);
	/* Linux: a new name with a trailing slash cannot be a file. */
	T_ERR(fs->open("new/", O_RDWR | O_CREAT, 0644), EISDIR);
	T_TRUE(!pt_exists(t, "new"));
}

static void open_access_modes(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char buf[8];
	int fd;

	pt_mkfile(t, "f", 0644, "hello");
	fd = T_OK(fs->open("f", O_RDONLY));
	T_ERR(fs->write(fd, "x", 1), EBADF);
	T_EQ(fs->fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	T_EQ(fs->read(fd, buf, 5), 5);
	T_OK(fs->close(fd));

	fd = T_OK(fs->open("f", O_WRONLY));
	T_ERR(fs->read(fd, buf, 1), EBADF);
	T_EQ(fs->fcntl(fd, F_GETFL) & O_ACCMODE, O_WRONLY);
	T_EQ(fs->write(fd, "J", 1), 1);
	T_OK(fs->close(fd));

	fd = T_OK(fs->open("f", O_RDWR));
	T_EQ(fs->fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	T_EQ(fs->read(fd, buf, 5), 5);
	T_MEM(buf, "Jello", 5);
	T_OK(fs->close(fd));
}

static void open_trunc(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char buf[16];
	int fd;

	pt_mkfile(t, "f", 0644, "0123456789");
	fd = T_OK(fs->open("f", O_RDWR | O_TRUNC));
	T_EQ(pt_stat(t, "f").st_size, 0);
	T_EQ(fs->read(fd, buf, sizeof(buf)), 0);
	T_EQ(fs->write(fd, "ab", 2), 2);
	T_OK(fs->close(fd));
	T_EQ(pt_readfile(t, "f", buf, sizeof(buf)), 2);
	T_STR(buf, "ab");
	/* O_TRUNC on a fifo is ignored, not an error. */
	T_OK(fs->mkfifo("p", 0644));
	fd = T_OK(fs->open("p", O_RDONLY | O_NONBLOCK | O_TRUNC));
	T_OK(fs->close(fd));
}

static void open_append(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char buf[32];
	int fd;

	pt_mkfile(t, "f", 0644, "abc");
	fd = T_OK(fs->open("f", O_RDWR | O_APPEND));
	T_TRUE((fs->fcntl(fd, F_GETFL) & O_APPEND) != 0);
	T_EQ(fs->lseek(fd, 0, SEEK_SET), 0);
	T_EQ(fs->write(fd, "de", 2), 2);
	/* Every write goes to the end and leaves the offset there. */
	T_EQ(fs->lseek(fd, 0, SEEK_CUR), 5);
	T_EQ(fs->lseek(fd, 1, SEEK_SET), 1);
	T_EQ(fs->read(fd, buf, 2), 2);
	T_MEM(buf, "bc", 2);
	T_EQ(fs->write(fd, "f", 1), 1);
	T_EQ(fs->lseek(fd, 0, SEEK_CUR), 6);
	/* Linux (pwrite(2), BUGS): pwrite on an O_APPEND descriptor
	 * appends whatever the offset says. */
	T_EQ(fs->pwrite(fd, "g", 1, 0), 1);
	T_OK(fs->close(fd));
	T_EQ(pt_readfile(t, "f", buf, sizeof(buf)), 7);
	T_STR(buf, "abcdefg");
}

static void open_cloexec(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	int fd, fd2;

	pt_mkfile(t, "f", 0644, NULL);
	fd = T_OK(fs->open("f", O_RDONLY | O_CLOEXEC));
	T_EQ(fs->fcntl(fd, F_GETFD), FD_CLOEXEC);
	fd2 = T_OK(fs->open("f", O_RDONLY));
	T_EQ(fs->fcntl(fd2, F_GETFD), 0);
	T_OK(fs->close(fd2));
	T_OK(fs->close(fd));
}

static void open_nofollow(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	int fd;

	pt_mkfile(t, "f", 0644, "x");
	T_OK(fs->mkdir("d", 0755));
	pt_mkfile(t, "d/g", 0644, "y");
	T_OK(fs->symlink("f", "lf"));
	T_OK(fs->symlink("d", "ld"));
	/* Linux gives ELOOP for a final symbolic link with O_NOFOLLOW. */
	T_ERR(fs->open("lf", O_RDONLY | O_NOFOLLOW), ELOOP);
	T_ERR(fs->open("lf", O_RDWR | O_CREAT | O_NOFOLLOW, 0644), ELOOP);
	/* Links before the last component are followed. */
	fd = T_OK(fs->open("ld/g", O_RDONLY | O_NOFOLLOW));
	T_OK(fs->close(fd));
	fd = T_OK(fs->open("f", O_RDONLY | O_NOFOLLOW));
	T_OK(fs->close(fd));
	/* O_DIRECTORY follows a link to a directory. */
	fd = T_OK(fs->open("ld", O_RDONLY | O_DIRECTORY));
	T_OK(fs->close(fd));
	T_ERR(fs->open("lf", O_RDONLY | O_DIRECTORY), ENOTDIR);
}

static void open_through_dangling(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char buf[8];
	int fd;

	T_OK(fs->symlink("target", "l"));
	/* O_CREAT through a dangling link creates its target. */
	fd = T_OK(fs->open("l", O_WRONLY | O_CREAT, 0600));
	T_EQ(fs->write(fd, "t", 1), 1);
	T_OK(fs->close(fd));
	T_TRUE(S_ISLNK(pt_lstat(t, "l").st_mode));
	T_EQ(pt_stat(t, "target").st_mode & 07777, 0600);
	T_EQ(pt_readfile(t, "target", buf, sizeof(buf)), 1);
	/* A link to a missing directory cannot lead to a file. */
	T_OK(fs->symlink("nodir/x", "l2"));
	T_ERR(fs->open("l2", O_WRONLY | O_CREAT, 0600), ENOENT);
}

static void open_at(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char buf[8];
	int dfd, ffd, fd;

	T_OK(fs->mkdir("d", 0755));
	pt_mkfile(t, "d/f", 0644, "in d");
	pt_mkfile(t, "f", 0644, "top");
	dfd = T_OK(fs->open("d", O_RDONLY | O_DIRECTORY));

	fd = T_OK(fs->openat(dfd, "f", O_RDONLY));
	T_EQ(fs->read(fd, buf, 4), 4);
	T_MEM(buf, "in d", 4);
	T_OK(fs->close(fd));
	fd = T_OK(fs->openat(AT_FDCWD, "f", O_RDONLY));
	T_EQ(fs->read(fd, buf, 3), 3);
	T_MEM(buf, "top", 3);
	T_OK(fs->close(fd));
	fd = T_OK(fs->openat(dfd, "new", O_RDWR | O_CREAT | O_EXCL, 0644));
	T_OK(fs->close(fd));
	T_TRUE(pt_exists(t, "d/new"));

	/* An absolute path ignores the directory descriptor. */
	fd = T_OK(fs->openat(dfd, pt_path(t, "f"), O_RDONLY));
	T_OK(fs->close(fd));
	fd = T_OK(fs->openat(-1, pt_path(t, "f"), O_RDONLY));
	T_OK(fs->close(fd));

	/* A relative path needs a directory descriptor. */
	ffd = T_OK(fs->open("f", O_RDONLY));
	T_ERR(fs->openat(ffd, "x", O_RDONLY), ENOTDIR);
	T_ERR(fs->openat(-1, "f", O_RDONLY), EBADF);
	T_ERR(fs->openat(fs->max_fds + 5, "f", O_RDONLY), EBADF);
	T_OK(fs->close(ffd));

	/* The descriptor follows the directory when it moves. */
	T_OK(fs->rename("d", "moved"));
	fd = T_OK(fs->openat(dfd, "f", O_RDONLY));
	T_OK(fs->close(fd));
	T_OK(fs->close(dfd));
}

static void open_close(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	int a, b, c;

	pt_mkfile(t, "f", 0644, NULL);
	a = T_OK(fs->open("f", O_RDONLY));
	b = T_OK(fs->open("f", O_RDONLY));
	c = T_OK(fs->open("f", O_RDONLY));
	T_EQ(b, a + 1);
	T_EQ(c, a + 2);
	/* The lowest free descriptor is reused first. */
	T_OK(fs->close(b));
	T_EQ(T_OK(fs->open("f", O_RDONLY)), b);
	T_OK(fs->close(a));
	T_OK(fs->close(b));
	T_OK(fs->close(c));
	T_ERR(fs->close(c), EBADF);
	T_ERR(fs->close(-1), EBADF);
	T_ERR(fs->close(fs->max_fds + 10), EBADF);
}

const struct posix_test posix_open_tests[] = {
	{"creat_excl", open_creat_excl, 0},
	{"umask", open_umask, 0},
	{"errors", open_errors, 0},
	{"access_modes", open_access_modes, 0},
	{"trunc", open_trunc, 0},
	{"append", open_append, 0},
	{"cloexec", open_cloexec, 0},
	{"nofollow", open_nofollow, 0},
	{"through_dangling", open_through_dangling, 0},
	{"at", open_at, 0},
	{"close", open_close, 0},
	{NULL, NULL, 0},
};
