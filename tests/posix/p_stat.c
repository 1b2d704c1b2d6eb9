/*
 * p_stat.c -- attributes: stat, fstat, lstat and fstatat; access and
 * faccessat as root; chmod and chown as root; timestamps with nanoseconds
 * (utimensat, futimens, utimes, futimes) and the calls that must update
 * them; statvfs and fstatvfs.  Only what POSIX and Linux guarantee is
 * asserted: times are compared with the host clock within a second, and
 * "updated" is shown against a time set in the past or after a pause
 * longer than a clock tick.
 */
#include <time.h>

#include "suite.h"

/* 2001-09-09, with nanoseconds that no clock would round to. */
static const struct timespec stat_past[2] = {
	{1000000000, 123456789},
	{1000000100, 987654321},
};

static bool ts_eq(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* ts lies between before (less a second) and now (plus a second). */
static void stat_near_now(struct posix_ctx *t, int line, const char *what,
			  struct timespec ts, struct timespec before)
{
	struct timespec now = pt_now();

	if (pt_ts_diff(ts, before) < -1000000000LL ||
	    pt_ts_diff(ts, now) > 1000000000LL)
		pt_fail(t, __FILE__, line,
			"%s %lld.%09ld is not between %lld.%09ld and "
			"%lld.%09ld",
			what, (long long)ts.tv_sec, ts.tv_nsec,
			(long long)before.tv_sec, before.tv_nsec,
			(long long)now.tv_sec, now.tv_nsec);
}
#define T_NOW(ts, before) stat_near_now(t, __LINE__, #ts, ts, before)

/* Longer than any file system clock's tick (Linux: a jiffy). */
static void stat_pause(void)
{
	struct timespec ts = {0, 30 * 1000 * 1000};

	nanosleep(&ts, NULL);
}

static void stat_set_past(struct posix_ctx *t, const char *path)
{
	struct stat st;

	T_OK(t->fs->utimensat(AT_FDCWD, path, stat_past, AT_SYMLINK_NOFOLLOW));
	st = pt_lstat(t, path);
	T_TRUE(ts_eq(st.st_atim, stat_past[0]));
	T_TRUE(ts_eq(st.st_mtim, stat_past[1]));
}

static void stat_basic(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat f, g, d, l, s, self;
	struct timespec before = pt_now();
	int fd;

	pt_mkfile(t, "f", 0640, "twelve bytes");
	pt_mkfile(t, "g", 0600, NULL);
	T_OK(fs->mkdir("d", 0750));
	T_OK(fs->symlink("f", "l"));
	f = pt_stat(t, "f");
	T_TRUE(S_ISREG(f.st_mode));
	T_EQ(f.st_mode & 07777, 0640);
	T_EQ(f.st_nlink, 1);
	T_EQ(f.st_uid, fs->geteuid());
	T_EQ(f.st_gid, fs->getegid());
	T_EQ(f.st_size, 12);
	T_TRUE(f.st_blksize > 0);
	T_TRUE(f.st_blocks >= 0);
	T_NOW(f.st_mtim, before);
	T_NOW(f.st_ctim, before);
	T_NOW(f.st_atim, before);
	g = pt_stat(t, "g");
	T_EQ(g.st_size, 0);
	T_TRUE(g.st_ino != f.st_ino);
	T_EQ(g.st_dev, f.st_dev);

	d = pt_stat(t, "d");
	T_TRUE(S_ISDIR(d.st_mode));
	T_EQ(d.st_mode & 07777, 0750);
	T_EQ(d.st_nlink, 2);
	T_EQ(d.st_dev, f.st_dev);
	self = pt_stat(t, ".");
	T_EQ(self.st_ino, pt_stat(t, t->dir).st_ino);
	T_EQ(self.st_nlink, 3); /* ., its name and d's .. */

	/* lstat sees the link; stat what it points to. */
	l = pt_lstat(t, "l");
	T_TRUE(S_ISLNK(l.st_mode));
	T_EQ(l.st_size, 1); /* strlen("f") */
	T_TRUE(l.st_ino != f.st_ino);
	s = pt_stat(t, "l");
	T_EQ(s.st_ino, f.st_ino);
	T_EQ(pt_lstat(t, "f").st_ino, f.st_ino);

	fd = T_OK(fs->open("f", O_RDONLY));
	T_OK(fs->fstat(fd, &s));
	T_EQ(s.st_ino, f.st_ino);
	T_EQ(s.st_dev, f.st_dev);
	T_EQ(s.st_mode, f.st_mode);
	T_EQ(s.st_size, f.st_size);
	T_TRUE(ts_eq(s.st_mtim, f.st_mtim));
	T_OK(fs->close(fd));
	T_ERR(fs->fstat(fd, &s), EBADF);
	T_ERR(fs->fstat(-1, &s), EBADF);
}

static void stat_errors(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat st;

	pt_mkfile(t, "f", 0644, NULL);
	T_OK(fs->symlink("nowhere", "dangling"));
	T_ERR(fs->stat("nope", &st), ENOENT);
	T_ERR(fs->lstat("nope", &st), ENOENT);
	T_ERR(fs->stat("", &st), ENOENT);
	T_ERR(fs->lstat("", &st), ENOENT);
	T_ERR(fs->stat("nodir/f", &st), ENOENT);
	T_ERR(fs->stat("f/x", &st), ENOTDIR);
	T_ERR(fs->stat("f/", &st), ENOTDIR);
	T_ERR(fs->lstat("f/", &st), ENOTDIR);
	T_ERR(fs->stat("dangling", &st), ENOENT);
	T_OK(fs->lstat("dangling", &st));
}

static void stat_at(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat st;
	int dfd, ffd;

	T_OK(fs->mkdir("d", 0755));
	pt_mkfile(t, "d/f", 0644, "abc");
	T_OK(fs->symlink("f", "d/l"));
	dfd = T_OK(fs->open("d", O_RDONLY | O_DIRECTORY));
	T_OK(fs->fstatat(dfd, "f", &st, 0));
	T_EQ(st.st_size, 3);
	T_OK(fs->fstatat(dfd, "l", &st, 0));
	T_TRUE(S_ISREG(st.st_mode));
	T_OK(fs->fstatat(dfd, "l", &st, AT_SYMLINK_NOFOLLOW));
	T_TRUE(S_ISLNK(st.st_mode));
	T_OK(fs->fstatat(AT_FDCWD, "d/f", &st, 0));
	T_EQ(st.st_size, 3);
	T_OK(fs->fstatat(-1, pt_path(t, "d/f"), &st, 0));
	T_ERR(fs->fstatat(dfd, "nope", &st, 0), ENOENT);
	T_ERR(fs->fstatat(dfd, "f", &st, 0x40000000), EINVAL);
	T_ERR(fs->fstatat(-1, "f", &st, 0), EBADF);
	ffd = T_OK(fs->open("d/f", O_RDONLY));
	T_ERR(fs->fstatat(ffd, "x", &st, 0), ENOTDIR);
	T_OK(fs->close(ffd));
	T_OK(fs->close(dfd));
}

static void stat_set_times(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct timespec ts[2], before;
	struct timeval tv[2];
	struct stat st;
	int fd;

	pt_mkfile(t, "f", 0644, NULL);
	T_OK(fs->symlink("f", "l"));
	/* Nanoseconds are kept exactly. */
	T_OK(fs->utimensat(AT_FDCWD, "f", stat_past, 0));
	st = pt_stat(t, "f");
	T_TRUE(ts_eq(st.st_atim, stat_past[0]));
	T_TRUE(ts_eq(st.st_mtim, stat_past[1]));

	/* UTIME_OMIT leaves one, UTIME_NOW sets the current time. */
	before = pt_now();
	ts[0].tv_sec = 0;
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = 0;
	ts[1].tv_nsec = UTIME_NOW;
	T_OK(fs->utimensat(AT_FDCWD, "f", ts, 0));
	st = pt_stat(t, "f");
	T_TRUE(ts_eq(st.st_atim, stat_past[0]));
	T_NOW(st.st_mtim, before);
	T_NOW(st.st_ctim, before);
	/* NULL: both now. */
	T_OK(fs->utimensat(AT_FDCWD, "f", stat_past, 0));
	T_OK(fs->utimensat(AT_FDCWD, "f", NULL, 0));
	st = pt_stat(t, "f");
	T_NOW(st.st_atim, before);
	T_NOW(st.st_mtim, before);

	/* Through a descriptor. */
	fd = T_OK(fs->open("f", O_RDONLY));
	T_OK(fs->futimens(fd, stat_past));
	st = pt_stat(t, "f");
	T_TRUE(ts_eq(st.st_mtim, stat_past[1]));
	T_OK(fs->futimens(fd, NULL));
	T_NOW(pt_stat(t, "f").st_mtim, before);

	/* Microseconds through utimes and futimes. */
	tv[0].tv_sec = 1200000000;
	tv[0].tv_usec = 123456;
	tv[1].tv_sec = 1300000000;
	tv[1].tv_usec = 654321;
	T_OK(fs->utimes("f", tv));
	st = pt_stat(t, "f");
	T_EQ(st.st_atim.tv_sec, 1200000000);
	T_EQ(st.st_atim.tv_nsec, 123456000);
	T_EQ(st.st_mtim.tv_sec, 1300000000);
	T_EQ(st.st_mtim.tv_nsec, 654321000);
	tv[1].tv_sec = 1400000000;
	T_OK(fs->futimes(fd, tv));
	T_EQ(pt_stat(t, "f").st_mtim.tv_sec, 1400000000);
	T_OK(fs->utimes("f", NULL));
	T_NOW(pt_stat(t, "f").st_mtim, before);
	T_OK(fs->close(fd));

	/* The link itself, not what it points to. */
	T_OK(fs->utimensat(AT_FDCWD, "f", NULL, 0));
	T_OK(fs->utimensat(AT_FDCWD, "l", stat_past, AT_SYMLINK_NOFOLLOW));
	T_TRUE(ts_eq(pt_lstat(t, "l").st_mtim, stat_past[1]));
	T_TRUE(!ts_eq(pt_stat(t, "f").st_mtim, stat_past[1]));

	/* Times before 1970 and far after 2038. */
	ts[0].tv_sec = -1000000;
	ts[0].tv_nsec = 5;
	ts[1].tv_sec = 5000000000LL;
	ts[1].tv_nsec = 999999999;
	T_OK(fs->utimensat(AT_FDCWD, "f", ts, 0));
	st = pt_stat(t, "f");
	T_TRUE(ts_eq(st.st_atim, ts[0]));
	T_TRUE(ts_eq(st.st_mtim, ts[1]));

	ts[0].tv_nsec = 1000000000;
	T_ERR(fs->utimensat(AT_FDCWD, "f", ts, 0), EINVAL);
	ts[0].tv_nsec = -2;
	T_ERR(fs->utimensat(AT_FDCWD, "f", ts, 0), EINVAL);
	tv[0].tv_usec = 1000000;
	T_ERR(fs->utimes("f", tv), EINVAL);
	T_ERR(fs->utimensat(AT_FDCWD, "f", NULL, 0x40000000), EINVAL);
	T_ERR(fs->utimensat(AT_FDCWD, "nope", NULL, 0), ENOENT);
	T_ERR(fs->utimes("nope", NULL), ENOENT);
	T_ERR(fs->futimens(-1, NULL), EBADF);
	T_ERR(fs->futimes(-1, NULL), EBADF);
}

static void stat_times_write(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct timespec before;
	struct stat st;
	int fd;

	pt_mkfile(t, "f", 0644, "abc");
	stat_set_past(t, "f");
	before = pt_now();
	fd = T_OK(fs->open("f", O_WRONLY));
	/* Opening for writing changes nothing by itself. */
	T_TRUE(ts_eq(pt_stat(t, "f").st_mtim, stat_past[1]));
	T_EQ(fs->write(fd, "x", 1), 1);
	T_OK(fs->close(fd));
	st = pt_stat(t, "f");
	T_NOW(st.st_mtim, before);
	T_NOW(st.st_ctim, before);
	T_TRUE(ts_eq(st.st_atim, stat_past[0])); /* writing is no access */

	/* Through pwrite and writev as well. */
	stat_set_past(t, "f");
	fd = T_OK(fs->open("f", O_WRONLY));
	T_EQ(fs->pwrite(fd, "y", 1, 10), 1);
	T_NOW(pt_stat(t, "f").st_mtim, before);
	T_OK(fs->close(fd));

	/* Truncation that changes the size; open with O_TRUNC. */
	stat_set_past(t, "f");
	T_OK(fs->truncate("f", 2));
	st = pt_stat(t, "f");
	T_NOW(st.st_mtim, before);
	T_NOW(st.st_ctim, before);
	stat_set_past(t, "f");
	fd = T_OK(fs->open("f", O_WRONLY | O_TRUNC));
	T_OK(fs->close(fd));
	T_NOW(pt_stat(t, "f").st_mtim, before);
	pt_mkfile(t, "f", 0644, "abc");
	stat_set_past(t, "f");
	fd = T_OK(fs->open("f", O_WRONLY));
	T_OK(fs->ftruncate(fd, 100));
	T_NOW(pt_stat(t, "f").st_mtim, before);
	T_OK(fs->close(fd));
}

static void stat_times_read(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct timespec before;
	struct statvfs sv;
	struct stat st;
	char buf[4];
	int fd;

	pt_mkfile(t, "f", 0644, "abc");
	T_OK(fs->statvfs("f", &sv));
	stat_set_past(t, "f");
	before = pt_now();
	fd = T_OK(fs->open("f", O_RDONLY));
	T_EQ(fs->read(fd, buf, 3), 3);
	T_OK(fs->close(fd));
	st = pt_stat(t, "f");
	/* Reading never changes mtime.  Linux's relatime still updates an
	 * atime that is older than the mtime (or a day old). */
	T_TRUE(ts_eq(st.st_mtim, stat_past[1]));
	if (!(sv.f_flag & ST_NOATIME))
		T_NOW(st.st_atim, before);
}

static void stat_times_ctime(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat st, st2;

	pt_mkfile(t, "f", 0644, "abc");
	stat_set_past(t, "f");
	st = pt_stat(t, "f");
	/* chmod, chown, link and unlink change ctime only. */
	stat_pause();
	T_OK(fs->chmod("f", 0600));
	st2 = pt_stat(t, "f");
	T_TRUE(pt_ts_diff(st2.st_ctim, st.st_ctim) > 0);
	T_TRUE(ts_eq(st2.st_mtim, stat_past[1]));
	T_TRUE(ts_eq(st2.st_atim, stat_past[0]));
	st = st2;
	stat_pause();
	T_OK(fs->chown("f", 5, 6));
	st2 = pt_stat(t, "f");
	T_TRUE(pt_ts_diff(st2.st_ctim, st.st_ctim) > 0);
	T_TRUE(ts_eq(st2.st_mtim, stat_past[1]));
	st = st2;
	stat_pause();
	T_OK(fs->link("f", "g"));
	st2 = pt_stat(t, "f");
	T_TRUE(pt_ts_diff(st2.st_ctim, st.st_ctim) > 0);
	T_TRUE(ts_eq(st2.st_mtim, stat_past[1]));
	st = st2;
	stat_pause();
	T_OK(fs->unlink("g"));
	st2 = pt_stat(t, "f");
	T_TRUE(pt_ts_diff(st2.st_ctim, st.st_ctim) > 0);
	T_TRUE(ts_eq(st2.st_mtim, stat_past[1]));
	/* A failed call changes nothing. */
	st = st2;
	stat_pause();
	T_ERR(fs->link("f", "f"), EEXIST);
	T_TRUE(ts_eq(pt_stat(t, "f").st_ctim, st.st_ctim));
}

static void stat_times_dir(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct timespec before = pt_now();
	struct stat st;
	int fd;

	T_OK(fs->mkdir("d", 0755));
	T_OK(fs->mkdir("e", 0755));
#define DIR_CHANGED(path)                                                      \
	do {                                                                   \
		st = pt_stat(t, path);                                         \
		T_NOW(st.st_mtim, before);                                     \
		T_NOW(st.st_ctim, before);                                     \
	} while (0)
	stat_set_past(t, "d");
	fd = T_OK(fs->open("d/f", O_WRONLY | O_CREAT, 0644));
	T_OK(fs->close(fd));
	DIR_CHANGED("d");
	stat_set_past(t, "d");
	T_OK(fs->mkdir("d/sub", 0755));
	DIR_CHANGED("d");
	stat_set_past(t, "d");
	T_OK(fs->symlink("x", "d/l"));
	DIR_CHANGED("d");
	stat_set_past(t, "d");
	T_OK(fs->rmdir("d/sub"));
	DIR_CHANGED("d");
	stat_set_past(t, "d");
	stat_set_past(t, "e");
	T_OK(fs->rename("d/f", "e/f"));
	DIR_CHANGED("d");
	DIR_CHANGED("e");
	stat_set_past(t, "e");
	T_OK(fs->unlink("e/f"));
	DIR_CHANGED("e");
	/* Reading a directory changes no mtime. */
	stat_set_past(t, "d");
	fd = T_OK(fs->open("d", O_RDONLY));
	T_OK(fs->close(fd));
	T_TRUE(ts_eq(pt_stat(t, "d").st_mtim, stat_past[1]));
#undef DIR_CHANGED
}

static void stat_chmod(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	int fd, dfd;

	pt_mkfile(t, "f", 0644, NULL);
	T_OK(fs->mkdir("d", 0755));
	T_OK(fs->symlink("f", "l"));
	T_OK(fs->chmod("f", 0));
	T_EQ(pt_stat(t, "f").st_mode & 07777, 0);
	T_OK(fs->chmod("f", 07777));
	T_EQ(pt_stat(t, "f").st_mode & 07777, 07777);
	/* The type bits of the argument are ignored. */
	T_OK(fs->chmod("f", S_IFDIR | 0640));
	T_EQ(pt_stat(t, "f").st_mode, S_IFREG | 0640);
	/* chmod follows links. */
	T_OK(fs->chmod("l", 0604));
	T_EQ(pt_stat(t, "f").st_mode & 07777, 0604);
	T_TRUE(S_ISLNK(pt_lstat(t, "l").st_mode));
	T_OK(fs->chmod("d", 01777));
	T_EQ(pt_stat(t, "d").st_mode, S_IFDIR | 01777);

	fd = T_OK(fs->open("f", O_RDONLY));
	T_OK(fs->fchmod(fd, 0611));
	T_EQ(pt_stat(t, "f").st_mode & 07777, 0611);
	T_OK(fs->close(fd));
	T_ERR(fs->fchmod(fd, 0644), EBADF);
	dfd = T_OK(fs->open(".", O_RDONLY));
	T_OK(fs->fchmodat(dfd, "f", 0640, 0));
	T_EQ(pt_stat(t, "f").st_mode & 07777, 0640);
	T_OK(fs->fchmodat(AT_FDCWD, "d", 0700, 0));
	T_EQ(pt_stat(t, "d").st_mode & 07777, 0700);
	T_OK(fs->close(dfd));

	T_ERR(fs->chmod("nope", 0644), ENOENT);
	T_ERR(fs->chmod("", 0644), ENOENT);
	T_ERR(fs->chmod("f/x", 0644), ENOTDIR);
}

static void stat_chown(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat st;
	int fd;

	pt_mkfile(t, "f", 0644, NULL);
	T_OK(fs->symlink("f", "l"));
	/* Root gives files to anyone; -1 keeps an id. */
	T_OK(fs->chown("f", 1234, 5678));
	st = pt_stat(t, "f");
	T_EQ(st.st_uid, 1234);
	T_EQ(st.st_gid, 5678);
	T_OK(fs->chown("f", (uid_t)-1, 42));
	st = pt_stat(t, "f");
	T_EQ(st.st_uid, 1234);
	T_EQ(st.st_gid, 42);
	T_OK(fs->chown("f", 7, (gid_t)-1));
	T_EQ(pt_stat(t, "f").st_uid, 7);
	T_EQ(pt_stat(t, "f").st_gid, 42);

	/* chown follows links; lchown and AT_SYMLINK_NOFOLLOW do not. */
	T_OK(fs->chown("l", 8, 9));
	T_EQ(pt_stat(t, "f").st_uid, 8);
	T_EQ(pt_lstat(t, "l").st_uid, 0);
	T_OK(fs->lchown("l", 10, 11));
	T_EQ(pt_lstat(t, "l").st_uid, 10);
	T_EQ(pt_lstat(t, "l").st_gid, 11);
	T_EQ(pt_stat(t, "f").st_uid, 8);
	T_OK(fs->fchownat(AT_FDCWD, "l", 12, 13, AT_SYMLINK_NOFOLLOW));
	T_EQ(pt_lstat(t, "l").st_uid, 12);
	T_OK(fs->fchownat(AT_FDCWD, "l", 14, 15, 0));
	T_EQ(pt_stat(t, "f").st_uid, 14);
	fd = T_OK(fs->open("f", O_RDONLY));
	T_OK(fs->fchown(fd, 16, 17));
	T_EQ(pt_stat(t, "f").st_gid, 17);
	T_OK(fs->close(fd));
	T_ERR(fs->fchown(fd, 0, 0), EBADF);

	/* Linux clears set-user-ID on a chown of an executable file even
	 * by root (POSIX leaves it to the implementation for root). */
	T_OK(fs->chmod("f", 04755));
	T_OK(fs->chown("f", 20, 21));
	T_EQ(pt_stat(t, "f").st_mode & 07777, 0755);

	T_ERR(fs->chown("nope", 0, 0), ENOENT);
	T_ERR(fs->lchown("nope", 0, 0), ENOENT);
	T_ERR(fs->chown("", 0, 0), ENOENT);
	T_ERR(fs->fchownat(AT_FDCWD, "f", 0, 0, 0x40000000), EINVAL);
}

static void stat_access_root(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	int dfd;

	pt_mkfile(t, "none", 0, NULL);
	pt_mkfile(t, "rw", 0644, NULL);
	pt_mkfile(t, "ox", 0001, NULL);
	T_OK(fs->mkdir("d", 0));
	T_OK(fs->symlink("nowhere", "dangling"));
	T_OK(fs->access("none", F_OK));
	/* Root reads and writes anything... */
	T_OK(fs->access("none", R_OK | W_OK));
	T_OK(fs->access("d", R_OK | W_OK | X_OK));
	/* ...but executes a file only if some x bit is set. */
	T_ERR(fs->access("rw", X_OK), EACCES);
	T_ERR(fs->access("none", X_OK), EACCES);
	T_OK(fs->access("ox", X_OK));
	T_ERR(fs->access("nope", F_OK), ENOENT);
	T_ERR(fs->access("dangling", F_OK), ENOENT);
	T_ERR(fs->access("rw/x", F_OK), ENOTDIR);
	T_ERR(fs->access("", F_OK), ENOENT);
	T_ERR(fs->access("rw", 0100), EINVAL);

	dfd = T_OK(fs->open(".", O_RDONLY));
	T_OK(fs->faccessat(dfd, "rw", R_OK | W_OK, 0));
	T_OK(fs->faccessat(dfd, "rw", R_OK | W_OK, AT_EACCESS));
	T_ERR(fs->faccessat(dfd, "rw", X_OK, AT_EACCESS), EACCES);
	T_ERR(fs->faccessat(dfd, "nope", F_OK, 0), ENOENT);
	T_ERR(fs->faccessat(dfd, "rw", F_OK, 0x40000000), EINVAL);
	T_OK(fs->close(dfd));
	T_ERR(fs->faccessat(dfd, "rw", F_OK, 0), EBADF);
}

static void stat_statvfs(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct statvfs a, b, c;
	static char buf[1024 * 1024];
	int fd;

	T_OK(fs->statvfs(".", &a));
	T_TRUE(a.f_bsize > 0);
	T_TRUE(a.f_frsize > 0);
	T_TRUE(a.f_blocks >= a.f_bfree);
	T_TRUE(a.f_bfree >= a.f_bavail);
	T_TRUE(a.f_files >= a.f_ffree);
	T_EQ(a.f_namemax, 255);
	T_TRUE(!(a.f_flag & ST_RDONLY));
	pt_mkfile(t, "f", 0644, NULL);
	fd = T_OK(fs->open("f", O_RDWR));
	T_OK(fs->fstatvfs(fd, &b));
	T_EQ(b.f_fsid, a.f_fsid);
	T_EQ(b.f_blocks, a.f_blocks);
	T_EQ(b.f_namemax, 255);
	if (fs->caps & FS_HAS_ENOSPC_LIMIT) {
		/* A small file system counts what a write takes. */
		memset(buf, 'x', sizeof(buf));
		T_EQ(fs->write(fd, buf, sizeof(buf)), sizeof(buf));
		T_OK(fs->fstatvfs(fd, &c));
		T_TRUE((b.f_bfree - c.f_bfree) * c.f_frsize >= sizeof(buf));
		T_TRUE(c.f_ffree < a.f_ffree);
	}
	T_OK(fs->close(fd));
	T_ERR(fs->fstatvfs(fd, &b), EBADF);
	T_ERR(fs->statvfs("nope", &b), ENOENT);
	T_ERR(fs->statvfs("", &b), ENOENT);
	T_ERR(fs->statvfs("f/x", &b), ENOTDIR);
}

const struct posix_test posix_stat_tests[] = {
	{"basic", stat_basic, 0},
	{"errors", stat_errors, 0},
	{"at", stat_at, 0},
	{"set_times", stat_set_times, 0},
	{"times_write", stat_times_write, 0},
	{"times_read", stat_times_read, 0},
	{"times_ctime", stat_times_ctime, FS_ROOT},
	{"times_dir", stat_times_dir, 0},
	{"chmod", stat_chmod, 0},
	{"chown", stat_chown, FS_ROOT},
	{"access_root", stat_access_root, FS_ROOT},
	{"statvfs", stat_statvfs, 0},
	{NULL, NULL, 0},
};
