/*
 * p_limits.c -- limits and mounts: NAME_MAX (255) and PATH_MAX (4096,
 * counting the NUL) give ENAMETOOLONG; NULL pointers give EFAULT; a full
 * file system gives ENOSPC and a failed write changes nothing it reported
 * unwritten; the inode limit gives ENOSPC on create; a read-only mount
 * gives EROFS; unmounting what is in use gives EBUSY; tmpfs mount options
 * and flags as statvfs and stat report them; mount and unmount errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>

#include "suite.h"

static void limit_name_max(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char n255[256], n256[257], path[300];
	struct stat st;
	int fd;

	memset(n255, 'n', 255);
	n255[255] = '\0';
	memset(n256, 'n', 256);
	n256[256] = '\0';
	fd = T_OK(fs->open(n255, O_RDWR | O_CREAT | O_EXCL, 0644));
	T_OK(fs->close(fd));
	T_OK(fs->stat(n255, &st));
	T_OK(fs->rename(n255, "short"));
	T_OK(fs->mkdir(n255, 0755));
	T_OK(fs->rmdir(n255));
	T_OK(fs->symlink("short", n255));
	T_OK(fs->unlink(n255));

	T_ERR(fs->open(n256, O_RDWR | O_CREAT, 0644), ENAMETOOLONG);
	T_ERR(fs->open(n256, O_RDONLY), ENAMETOOLONG);
	T_ERR(fs->stat(n256, &st), ENAMETOOLONG);
	T_ERR(fs->lstat(n256, &st), ENAMETOOLONG);
	T_ERR(fs->mkdir(n256, 0755), ENAMETOOLONG);
	T_ERR(fs->rmdir(n256), ENAMETOOLONG);
	T_ERR(fs->unlink(n256), ENAMETOOLONG);
	T_ERR(fs->symlink("short", n256), ENAMETOOLONG);
	T_ERR(fs->link("short", n256), ENAMETOOLONG);
	T_ERR(fs->rename("short", n256), ENAMETOOLONG);
	T_ERR(fs->mkfifo(n256, 0644), ENAMETOOLONG);
	T_ERR(fs->chdir(n256), ENAMETOOLONG);
	/* Any component, not only the last. */
	snprintf(path, sizeof(path), "%s/x", n256);
	T_ERR(fs->stat(path, &st), ENAMETOOLONG);
	T_ERR(fs->open(path, O_RDWR | O_CREAT, 0644), ENAMETOOLONG);
	T_TRUE(pt_exists(t, "short"));
}

/* A relative path of exactly len bytes that names "f": "././.../f". */
static void limit_path_of(char *buf, size_t len)
{
	size_t at = 0;

	if ((len - 1) % 2 != 0) {
		memcpy(buf, ".//", 3);
		at = 3;
	}
	while (at < len - 1) {
		memcpy(buf + at, "./", 2);
		at += 2;
	}
	buf[at++] = 'f';
	buf[at] = '\0';
}

static void limit_path_max(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	static char path[PATH_MAX + 16], target[PATH_MAX + 16];
	struct stat st;
	int fd, max;

	pt_mkfile(t, "f", 0644, NULL);
	/* 4095 bytes (PATH_MAX with the NUL) is fine... */
	limit_path_of(path, PATH_MAX - 1);
	T_EQ(strlen(path), PATH_MAX - 1);
	T_OK(fs->stat(path, &st));
	fd = T_OK(fs->open(path, O_RDONLY));
	T_OK(fs->close(fd));
	limit_path_of(path, PATH_MAX - 2);
	T_OK(fs->stat(path, &st));
	/* ...one byte more is not. */
	limit_path_of(path, PATH_MAX);
	T_EQ(strlen(path), PATH_MAX);
	T_ERR(fs->stat(path, &st), ENAMETOOLONG);
	T_ERR(fs->open(path, O_RDONLY), ENAMETOOLONG);
	T_ERR(fs->mkdir(path, 0755), ENAMETOOLONG);
	T_ERR(fs->unlink(path), ENAMETOOLONG);
	T_ERR(fs->chdir(path), ENAMETOOLONG);
	limit_path_of(path, PATH_MAX + 10);
	T_ERR(fs->stat(path, &st), ENAMETOOLONG);

	/* A link's target: 4095 bytes at most (less on some file systems,
	 * as on Linux: ext2/3/4 with 1 KiB blocks stores 1023). */
	max = fs->symlink_max > 0 ? fs->symlink_max : PATH_MAX - 1;
	memset(target, 't', (size_t)max);
	target[max] = '\0';
	T_OK(fs->symlink(target, "long"));
	T_EQ(pt_lstat(t, "long").st_size, max);
	memset(path, 0, sizeof(path));
	T_EQ(fs->readlink("long", path, sizeof(path)), max);
	T_MEM(path, target, (size_t)max);
	target[max] = 't';
	target[max + 1] = '\0';
	T_ERR(fs->symlink(target, "longer"), ENAMETOOLONG);
}

static void limit_efault(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat st;
	char buf[16];
	int fd, dfd;

	/* Not statvfs(path, NULL) nor fstatvfs(fd, NULL): glibc converts
	 * into the NULL buffer itself and crashes the host oracle. */
	pt_mkfile(t, "f", 0644, "0123456789");
	T_OK(fs->symlink("f", "l"));
	fd = T_OK(fs->open("f", O_RDWR));
	dfd = T_OK(fs->open(".", O_RDONLY));
	T_ERR(fs->open(NULL, O_RDONLY), EFAULT);
	T_ERR(fs->open(NULL, O_RDWR | O_CREAT, 0644), EFAULT);
	T_ERR(fs->openat(dfd, NULL, O_RDONLY), EFAULT);
	T_ERR(fs->creat(NULL, 0644), EFAULT);
	T_ERR(fs->stat(NULL, &st), EFAULT);
	T_ERR(fs->stat("f", NULL), EFAULT);
	T_ERR(fs->lstat(NULL, &st), EFAULT);
	T_ERR(fs->lstat("l", NULL), EFAULT);
	T_ERR(fs->fstat(fd, NULL), EFAULT);
	T_ERR(fs->fstatat(dfd, "f", NULL, 0), EFAULT);
	T_ERR(fs->read(fd, NULL, 4), EFAULT);
	T_ERR(fs->write(fd, NULL, 4), EFAULT);
	T_ERR(fs->pread(fd, NULL, 4, 0), EFAULT);
	T_ERR(fs->pwrite(fd, NULL, 4, 0), EFAULT);
	T_ERR(fs->readv(fd, NULL, 1), EFAULT);
	T_ERR(fs->writev(fd, NULL, 1), EFAULT);
	T_ERR(fs->readlink("l", NULL, sizeof(buf)), EFAULT);
	T_ERR(fs->readlink(NULL, buf, sizeof(buf)), EFAULT);
	T_ERR(fs->mkdir(NULL, 0755), EFAULT);
	T_ERR(fs->rmdir(NULL), EFAULT);
	T_ERR(fs->unlink(NULL), EFAULT);
	T_ERR(fs->rename(NULL, "x"), EFAULT);
	T_ERR(fs->rename("f", NULL), EFAULT);
	T_ERR(fs->link(NULL, "x"), EFAULT);
	T_ERR(fs->link("f", NULL), EFAULT);
	T_ERR(fs->symlink(NULL, "x"), EFAULT);
	T_ERR(fs->symlink("x", NULL), EFAULT);
	T_ERR(fs->chmod(NULL, 0644), EFAULT);
	T_ERR(fs->chown(NULL, 0, 0), EFAULT);
	T_ERR(fs->access(NULL, F_OK), EFAULT);
	T_ERR(fs->truncate(NULL, 0), EFAULT);
	T_ERR(fs->chdir(NULL), EFAULT);
	T_ERR(fs->mkfifo(NULL, 0644), EFAULT);
	T_ERR(fs->statvfs(NULL, &(struct statvfs){0}), EFAULT);
	T_ERR(fs->pipe(NULL), EFAULT);
	T_ERR(fs->pipe2(NULL, 0), EFAULT);
	T_ERR(fs->getdents64(dfd, NULL, 4096), EFAULT);
	T_ERR(fs->poll(NULL, 1, 0), EFAULT);
	T_ERR(fs->fcntl(fd, F_SETLK, (struct flock *)NULL), EFAULT);
	T_ERR(fs->fcntl(fd, F_GETLK, (struct flock *)NULL), EFAULT);
	T_ERR(fs->ioctl(fd, FIONREAD, (int *)NULL), EFAULT);
	/* Nothing changed. */
	T_EQ(pt_readfile(t, "f", buf, sizeof(buf)), 10);
	T_STR(buf, "0123456789");
	T_OK(fs->close(fd));
	T_OK(fs->close(dfd));
}

static void limit_enospc(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	const size_t chunk = 1024 * 1024;
	char *buf = malloc(chunk), *got = malloc(chunk);
	struct statvfs before, full, after;
	off_t total = 0, size;
	ssize_t n;
	int fd, sp;

	T_OK(fs->statvfs(".", &before));
	T_TRUE((unsigned long long)before.f_bavail * before.f_frsize <
	       256ULL * 1024 * 1024);
	/* A second file with a hole, made while there is room. */
	sp = T_OK(fs->open("sparse", O_RDWR | O_CREAT, 0644));
	T_OK(fs->ftruncate(sp, chunk));

	fd = T_OK(fs->open("big", O_RDWR | O_CREAT, 0644));
	for (;;) {
		pt_pattern(buf, chunk, total);
		fs->set_errno(0);
		n = fs->write(fd, buf, chunk);
		if (n < 0) {
			T_EQ(fs->get_errno(), ENOSPC);
			break;
		}
		T_TRUE(n > 0);
		total += n;
		T_TRUE((unsigned long long)total <=
		       (unsigned long long)before.f_blocks * before.f_frsize);
	}
	T_TRUE(total > 0);
	/* Full: still ENOSPC, and the size is what the writes said. */
	T_ERR(fs->write(fd, buf, 1), ENOSPC);
	T_EQ(fs->lseek(fd, 0, SEEK_CUR), total);
	T_OK(fs->fstatvfs(fd, &full));
	T_TRUE(full.f_bavail * full.f_frsize < chunk);
	T_EQ(pt_stat(t, "big").st_size, total);
	for (off_t off = 0; off < total; off += (off_t)chunk) {
		size_t want = (size_t)(total - off) < chunk
				      ? (size_t)(total - off)
				      : chunk;

		T_EQ(fs->pread(fd, got, want, off), want);
		pt_pattern(buf, want, off);
		T_MEM(got, buf, want);
	}

	/* Filling a hole fails without changing the file; a partial
	 * write keeps exactly what it reported. */
	memset(buf, 'h', 65536);
	fs->set_errno(0);
	n = fs->pwrite(sp, buf, 65536, 4096);
	T_TRUE(n >= 0 || fs->get_errno() == ENOSPC);
	T_EQ(pt_stat(t, "sparse").st_size, chunk);
	memset(got, 'x', 65536);
	T_EQ(fs->pread(sp, got, 65536, 4096), 65536);
	for (ssize_t i = 0; i < 65536; i++)
		T_EQ(got[i], i < n ? 'h' : 0);
	/* Allocation beyond the space fails and leaves the size. */
	T_ERR(fs->fallocate(sp, 0, 0, 64 * chunk), ENOSPC);
	T_EQ(pt_stat(t, "sparse").st_size, chunk);
	T_RET(fs->posix_fallocate(sp, chunk, 64 * chunk), ENOSPC);
	T_EQ(pt_stat(t, "sparse").st_size, chunk);

	/* Removing the file gives the space back. */
	T_OK(fs->close(fd));
	T_OK(fs->unlink("big"));
	T_OK(fs->ftruncate(sp, 0));
	T_OK(fs->statvfs(".", &after));
	T_TRUE(after.f_bfree >= before.f_bfree);
	T_EQ(fs->pwrite(sp, buf, chunk, 0), chunk);
	size = pt_stat(t, "sparse").st_size;
	T_EQ(size, chunk);
	T_OK(fs->close(sp));
	free(buf);
	free(got);
}

static void limit_inodes(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct statvfs before, full;
	char name[32];
	long n = 0;
	int fd;

	T_OK(fs->statvfs(".", &before));
	T_TRUE(before.f_ffree > 0 && before.f_ffree < 100000);
	for (;;) {
		snprintf(name, sizeof(name), "i%ld", n);
		fs->set_errno(0);
		fd = fs->open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0) {
			T_EQ(fs->get_errno(), ENOSPC);
			break;
		}
		T_OK(fs->close(fd));
		n++;
		T_TRUE(n <= (long)before.f_ffree);
	}
	T_TRUE(n > 0);
	T_TRUE(!pt_exists(t, name));
	T_OK(fs->statvfs(".", &full));
	T_EQ(full.f_ffree, 0);
	T_ERR(fs->mkdir("d", 0755), ENOSPC);
	T_ERR(fs->symlink("x", "l"), ENOSPC);
	T_ERR(fs->mkfifo("p", 0644), ENOSPC);
	T_ERR(fs->mknod("r", S_IFREG | 0644, 0), ENOSPC);
	/* One freed, one can be made. */
	T_OK(fs->unlink("i0"));
	T_OK(fs->mkdir("d", 0755));
	T_ERR(fs->open("again", O_WRONLY | O_CREAT, 0644), ENOSPC);
	T_OK(fs->rmdir("d"));
	fd = T_OK(fs->open("again", O_WRONLY | O_CREAT, 0644));
	T_OK(fs->close(fd));
	for (long i = 1; i < n; i++) {
		snprintf(name, sizeof(name), "i%ld", i);
		T_OK(fs->unlink(name));
	}
}

static void limit_erofs(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct statvfs sv;
	int fd;

	pt_mkfile(t, "f", 0644, NULL);
	pt_mount_tmpfs(t, "ro", MS_RDONLY, "size=1m");
	T_OK(fs->statvfs("ro", &sv));
	T_TRUE(sv.f_flag & ST_RDONLY);
	T_ERR(fs->open("ro/f", O_WRONLY | O_CREAT, 0644), EROFS);
	T_ERR(fs->creat("ro/f", 0644), EROFS);
	T_ERR(fs->mkdir("ro/d", 0755), EROFS);
	T_ERR(fs->symlink("x", "ro/l"), EROFS);
	T_ERR(fs->mkfifo("ro/p", 0644), EROFS);
	T_ERR(fs->mknod("ro/r", S_IFREG | 0644, 0), EROFS);
	T_ERR(fs->chmod("ro", 0777), EROFS);
	T_ERR(fs->chown("ro", 1, 1), EROFS);
	T_ERR(fs->utimensat(AT_FDCWD, "ro", NULL, 0), EROFS);
	T_ERR(fs->utimes("ro", NULL), EROFS);
	T_ERR(fs->access("ro", W_OK), EROFS);
	T_OK(fs->access("ro", R_OK | X_OK));
	fd = T_OK(fs->open("ro", O_RDONLY | O_DIRECTORY));
	T_ERR(fs->fchmod(fd, 0700), EROFS);
	T_ERR(fs->fchown(fd, 1, 1), EROFS);
	T_ERR(fs->futimens(fd, NULL), EROFS);
	T_OK(fs->close(fd));
	/* The file system around it is still writable. */
	T_OK(fs->chmod("f", 0600));
	T_OK(fs->umount2(pt_path(t, "ro"), 0));
}

static void limit_ebusy(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	const char *m = pt_path(t, "m");
	struct stat st;
	int fd;

	pt_mount_tmpfs(t, "m", 0, "size=1m");
	pt_mkfile(t, "m/f", 0644, "x");
	T_OK(fs->mkdir("m/sub", 0755));
	/* An open file, a working directory, a mount below: in use. */
	fd = T_OK(fs->open("m/f", O_RDONLY));
	T_ERR(fs->umount2(m, 0), EBUSY);
	T_OK(fs->close(fd));
	fd = T_OK(fs->open("m", O_RDONLY | O_DIRECTORY));
	T_ERR(fs->umount2(m, 0), EBUSY);
	T_OK(fs->close(fd));
	T_OK(fs->chdir("m/sub"));
	T_ERR(fs->umount2(m, 0), EBUSY);
	T_OK(fs->chdir(t->dir));
	pt_mount_tmpfs(t, "m/sub", 0, "size=1m");
	T_ERR(fs->umount2(m, 0), EBUSY);
	T_OK(fs->umount2(pt_path(t, "m/sub"), 0));
	/* A mount point cannot be removed or replaced. */
	T_ERR(fs->rmdir("m"), EBUSY);
	/* Unused now: it goes, and its files with it. */
	T_OK(fs->umount2(m, 0));
	T_ERR(fs->stat("m/f", &st), ENOENT);
	T_ERR(fs->umount2(m, 0), EINVAL);
}

static void limit_mount_options(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct statvfs sv;
	struct stat st;

	pt_mount_tmpfs(t, "a", 0,
		       "size=1m,nr_inodes=100,mode=0710,uid=5,gid=6");
	st = pt_stat(t, "a");
	T_EQ(st.st_mode, S_IFDIR | 0710);
	T_EQ(st.st_uid, 5);
	T_EQ(st.st_gid, 6);
	T_OK(fs->statvfs("a", &sv));
	T_EQ((unsigned long long)sv.f_blocks * sv.f_frsize, 1024 * 1024);
	T_EQ(sv.f_files, 100);
	T_EQ(sv.f_namemax, 255);
	T_TRUE(!(sv.f_flag & (ST_RDONLY | ST_NOSUID | ST_NOEXEC)));
	T_OK(fs->umount2(pt_path(t, "a"), 0));
	/* tmpfs(5): the root is 1777 by default. */
	pt_mount_tmpfs(t, "b", MS_NOSUID | MS_NOEXEC, "size=1m");
	T_EQ(pt_stat(t, "b").st_mode, S_IFDIR | 01777);
	T_OK(fs->statvfs("b", &sv));
	T_TRUE(sv.f_flag & ST_NOSUID);
	T_TRUE(sv.f_flag & ST_NOEXEC);
	T_TRUE(!(sv.f_flag & ST_RDONLY));
	T_OK(fs->umount2(pt_path(t, "b"), 0));
}

static void limit_mount_errors(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;

	pt_mkfile(t, "f", 0644, NULL);
	T_OK(fs->mkdir("d", 0755));
	T_ERR(fs->mount("tmpfs", pt_path(t, "nope"), "tmpfs", 0, "size=1m"),
	      ENOENT);
	T_ERR(fs->mount("tmpfs", pt_path(t, "f"), "tmpfs", 0, "size=1m"),
	      ENOTDIR);
	T_ERR(fs->mount("x", pt_path(t, "d"), "no-such-fs", 0, ""), ENODEV);
	T_ERR(fs->mount("tmpfs", pt_path(t, "d"), "tmpfs", 0, "size=banana"),
	      EINVAL);
	T_ERR(fs->mount("tmpfs", pt_path(t, "d"), "tmpfs", 0, "no-such-opt=1"),
	      EINVAL);
	T_ERR(fs->umount2(pt_path(t, "d"), 0), EINVAL);
	T_ERR(fs->umount2(pt_path(t, "nope"), 0), ENOENT);
	T_ERR(fs->umount2(pt_path(t, "f"), 0), EINVAL);
	/* None of it left a mount behind. */
	T_OK(fs->rmdir("d"));
}

const struct posix_test posix_limit_tests[] = {
	{"name_max", limit_name_max, 0},
	{"path_max", limit_path_max, 0},
	{"efault", limit_efault, FS_NULL_EFAULT},
	{"enospc", limit_enospc, FS_HAS_ENOSPC_LIMIT},
	{"inodes", limit_inodes, FS_HAS_INODE_LIMIT},
	{"erofs", limit_erofs, FS_CAN_MOUNT},
	{"ebusy", limit_ebusy, FS_CAN_MOUNT},
	{"mount_options", limit_mount_options, FS_CAN_MOUNT},
	{"mount_errors", limit_mount_errors, FS_CAN_MOUNT},
	{NULL, NULL, 0},
};
