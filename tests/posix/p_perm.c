/*
 * p_perm.c -- permission checks as a non-root process (fsops
 * become_user): search permission on every directory of a path, read and
 * write permission with owner, group (primary and supplementary) and
 * other classes, write permission on directories for every call that
 * changes one, sticky directories, ownership changes (EPERM), times,
 * owner and group of new files, and root's override.  Linux's semantics
 * where POSIX leaves a choice; see each comment.  The test directory is
 * 0755 and owned by root, so users create things in subdirectories made
 * writable for them.
 */
#include <sys/sysmacros.h>

#include "suite.h"

/* A directory every user may write in. */
static void perm_mkdir_open(struct posix_ctx *t, const char *path)
{
	T_OK(t->fs->mkdir(path, 0755));
	T_OK(t->fs->chmod(path, 0777));
}

static void perm_search(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat st;
	int fd;

	T_OK(fs->mkdir("d", 0700));
	pt_mkfile(t, "d/f", 0644, "x");
	pt_become(t, PT_UID1, PT_GID1);
	T_ERR(fs->stat("d/f", &st), EACCES);
	T_ERR(fs->open("d/f", O_RDONLY), EACCES);
	T_ERR(fs->access("d/f", F_OK), EACCES);
	T_ERR(fs->chdir("d"), EACCES);
	T_ERR(fs->open("d", O_RDONLY), EACCES);
	/* Even a name that does not exist: the search fails first. */
	T_ERR(fs->stat("d/nope", &st), EACCES);
	T_OK(fs->stat("d", &st));
	pt_root(t);

	/* Read but no search: names can be listed, not looked up. */
	T_OK(fs->chmod("d", 0744));
	pt_become(t, PT_UID1, PT_GID1);
	T_ERR(fs->stat("d/f", &st), EACCES);
	fd = T_OK(fs->open("d", O_RDONLY | O_DIRECTORY));
	T_OK(fs->close(fd));
	pt_root(t);

	/* Search but no read: names can be looked up, not listed. */
	T_OK(fs->chmod("d", 0711));
	pt_become(t, PT_UID1, PT_GID1);
	T_OK(fs->stat("d/f", &st));
	fd = T_OK(fs->open("d/f", O_RDONLY));
	T_OK(fs->close(fd));
	T_ERR(fs->open("d", O_RDONLY), EACCES);
	T_OK(fs->chdir("d"));
	T_OK(fs->stat("f", &st));
	pt_root(t);
}

static void perm_read_write(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	const gid_t groups[] = {PT_GID1};
	int fd;

	pt_mkfile(t, "secret", 0600, "s");
	pt_mkfile(t, "pub", 0644, "p");
	pt_mkfile(t, "open", 0666, "o");
	pt_mkfile(t, "grp", 0640, "g");
	T_OK(fs->chown("grp", 0, PT_GID1));
	/* The owner's class decides for the owner, even if it gives less
	 * than the others' bits. */
	pt_mkfile(t, "own", 0077, "o");
	T_OK(fs->chown("own", PT_UID1, PT_GID_OTHER));

	pt_become(t, PT_UID1, PT_GID1);
	T_ERR(fs->open("secret", O_RDONLY), EACCES);
	T_ERR(fs->open("secret", O_WRONLY), EACCES);
	T_ERR(fs->access("secret", R_OK), EACCES);
	T_OK(fs->access("secret", F_OK));
	fd = T_OK(fs->open("pub", O_RDONLY));
	T_OK(fs->close(fd));
	T_ERR(fs->open("pub", O_WRONLY), EACCES);
	T_ERR(fs->open("pub", O_RDWR), EACCES);
	T_ERR(fs->open("pub", O_RDONLY | O_TRUNC), EACCES);
	T_ERR(fs->truncate("pub", 0), EACCES);
	T_OK(fs->access("pub", R_OK));
	T_ERR(fs->access("pub", W_OK), EACCES);
	T_ERR(fs->access("pub", X_OK), EACCES);
	T_ERR(fs->faccessat(AT_FDCWD, "pub", W_OK, AT_EACCESS), EACCES);
	fd = T_OK(fs->open("open", O_RDWR));
	T_EQ(fs->write(fd, "O", 1), 1);
	T_OK(fs->close(fd));
	T_OK(fs->truncate("open", 0));
	/* Group class through the primary group. */
	fd = T_OK(fs->open("grp", O_RDONLY));
	T_OK(fs->close(fd));
	T_ERR(fs->open("grp", O_WRONLY), EACCES);
	T_ERR(fs->open("own", O_RDONLY), EACCES);
	T_ERR(fs->access("own", R_OK), EACCES);
	pt_root(t);

	/* Group class through a supplementary group. */
	pt_become_groups(t, PT_UID2, PT_GID2, 1, groups);
	fd = T_OK(fs->open("grp", O_RDONLY));
	T_OK(fs->close(fd));
	pt_root(t);
	pt_become(t, PT_UID2, PT_GID2);
	T_ERR(fs->open("grp", O_RDONLY), EACCES);
	pt_root(t);
}

static void perm_dir_write(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;

	T_OK(fs->mkdir("ro", 0755));
	pt_mkfile(t, "ro/f", 0644, NULL);
	T_OK(fs->mkdir("ro/sub", 0755));
	perm_mkdir_open(t, "w");
	pt_become(t, PT_UID1, PT_GID1);
	T_ERR(fs->open("ro/new", O_WRONLY | O_CREAT, 0644), EACCES);
	T_ERR(fs->mkdir("ro/new", 0755), EACCES);
	T_ERR(fs->symlink("x", "ro/new"), EACCES);
	T_ERR(fs->mkfifo("ro/new", 0644), EACCES);
	T_ERR(fs->unlink("ro/f"), EACCES);
	T_ERR(fs->rmdir("ro/sub"), EACCES);
	T_ERR(fs->rename("ro/f", "ro/g"), EACCES);
	T_ERR(fs->rename("ro/f", "w/f"), EACCES);
	pt_mkfile(t, "w/mine", 0644, NULL);
	T_ERR(fs->rename("w/mine", "ro/mine"), EACCES);
	T_ERR(fs->link("w/mine", "ro/h"), EACCES);
	/* Existing names can still be opened. */
	T_ERR(fs->open("ro/f", O_WRONLY), EACCES);
	T_OK(fs->close(T_OK(fs->open("ro/f", O_RDONLY))));
	/* Linux (rename(2)): moving a directory to another parent needs
	 * write permission on it, to update its "..". */
	T_OK(fs->mkdir("w/mydir", 0555));
	perm_mkdir_open(t, "w/other");
	T_ERR(fs->rename("w/mydir", "w/other/mydir"), EACCES);
	T_OK(fs->rename("w/mydir", "w/renamed"));
	pt_root(t);
	T_TRUE(pt_exists(t, "ro/f") && pt_exists(t, "ro/sub"));
}

static void perm_root_override(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char buf[8];
	int fd;

	/* Root reads and writes without permission bits, and searches and
	 * lists directories without them. */
	pt_mkfile(t, "none", 0, "data");
	T_OK(fs->mkdir("d", 0));
	fd = T_OK(fs->open("none", O_RDWR));
	T_EQ(fs->read(fd, buf, 4), 4);
	T_OK(fs->close(fd));
	pt_mkfile(t, "d/f", 0, NULL);
	T_OK(fs->chdir("d"));
	T_OK(fs->chdir(".."));
	fd = T_OK(fs->open("d", O_RDONLY));
	T_OK(fs->close(fd));
	T_OK(fs->unlink("d/f"));
	/* Root changes anything's mode and owner. */
	T_OK(fs->chown("none", PT_UID1, PT_GID1));
	T_OK(fs->chmod("none", 0644));
	T_OK(fs->chown("none", PT_UID2, PT_GID_OTHER));
}

static void perm_chown_chmod(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	const gid_t groups[] = {PT_GID2};
	int fd;

	pt_mkfile(t, "mine", 0644, NULL);
	T_OK(fs->chown("mine", PT_UID1, PT_GID1));
	pt_mkfile(t, "theirs", 0644, NULL);
	pt_mkfile(t, "setgid", 0644, NULL);
	T_OK(fs->chown("setgid", PT_UID1, PT_GID_OTHER));

	pt_become_groups(t, PT_UID1, PT_GID1, 1, groups);
	/* Linux's restricted chown: no giving files away. */
	T_ERR(fs->chown("mine", PT_UID2, (gid_t)-1), EPERM);
	T_OK(fs->chown("mine", PT_UID1, (gid_t)-1));
	/* A group of one's own only. */
	T_ERR(fs->chown("mine", (uid_t)-1, PT_GID_OTHER), EPERM);
	T_OK(fs->chown("mine", (uid_t)-1, PT_GID2));
	T_EQ(pt_stat(t, "mine").st_gid, PT_GID2);
	T_ERR(fs->chown("theirs", (uid_t)-1, PT_GID1), EPERM);
	T_ERR(fs->lchown("theirs", PT_UID1, (gid_t)-1), EPERM);
	fd = T_OK(fs->open("theirs", O_RDONLY));
	T_ERR(fs->fchown(fd, PT_UID1, PT_GID1), EPERM);
	T_ERR(fs->fchmod(fd, 0666), EPERM);
	T_OK(fs->close(fd));
	T_ERR(fs->chmod("theirs", 0666), EPERM);
	T_ERR(fs->fchmodat(AT_FDCWD, "theirs", 0666, 0), EPERM);
	T_OK(fs->chmod("mine", 0600));
	T_EQ(pt_stat(t, "mine").st_mode & 07777, 0600);
	/* The set-group-ID bit for a group one is not in is dropped. */
	T_OK(fs->chmod("setgid", 02755));
	T_EQ(pt_stat(t, "setgid").st_mode & 07777, 0755);
	/* A chown by a user clears set-user-ID (POSIX: shall). */
	T_OK(fs->chmod("mine", 04755));
	T_EQ(pt_stat(t, "mine").st_mode & 07777, 04755);
	T_OK(fs->chown("mine", (uid_t)-1, PT_GID1));
	T_EQ(pt_stat(t, "mine").st_mode & 07777, 0755);
	pt_root(t);
	T_EQ(pt_stat(t, "theirs").st_mode & 07777, 0644);
	T_EQ(pt_stat(t, "theirs").st_uid, 0);
}

static void perm_times(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	const struct timespec past[2] = {{1000, 0}, {2000, 0}};
	const struct timespec now[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
	const struct timespec omit[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
	int fd;

	pt_mkfile(t, "w", 0666, NULL);
	pt_mkfile(t, "r", 0644, NULL);
	pt_mkfile(t, "mine", 0444, NULL);
	T_OK(fs->chown("mine", PT_UID1, PT_GID1));
	pt_become(t, PT_UID1, PT_GID1);
	/* "Now" needs write permission; other times need ownership. */
	T_OK(fs->utimensat(AT_FDCWD, "w", NULL, 0));
	T_OK(fs->utimensat(AT_FDCWD, "w", now, 0));
	T_OK(fs->utimes("w", NULL));
	T_ERR(fs->utimensat(AT_FDCWD, "w", past, 0), EPERM);
	T_ERR(fs->utimensat(AT_FDCWD, "r", NULL, 0), EACCES);
	T_ERR(fs->utimes("r", NULL), EACCES);
	T_ERR(fs->utimensat(AT_FDCWD, "r", past, 0), EPERM);
	T_OK(fs->utimensat(AT_FDCWD, "mine", past, 0));
	T_OK(fs->utimensat(AT_FDCWD, "mine", NULL, 0));
	/* Omitting both changes nothing and needs nothing. */
	T_OK(fs->utimensat(AT_FDCWD, "r", omit, 0));
	fd = T_OK(fs->open("w", O_WRONLY));
	T_OK(fs->futimens(fd, NULL));
	T_ERR(fs->futimens(fd, past), EPERM);
	T_OK(fs->close(fd));
	pt_root(t);
}

static void perm_sticky(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;

	T_OK(fs->mkdir("st", 0755));
	T_OK(fs->chmod("st", 01777));
	pt_become(t, PT_UID1, PT_GID1);
	pt_mkfile(t, "st/one", 0666, NULL);
	T_OK(fs->mkdir("st/onedir", 0777));
	pt_become(t, PT_UID2, PT_GID2);
	/* Only the owner of the file (or of the directory) removes it. */
	T_ERR(fs->unlink("st/one"), EPERM);
	T_ERR(fs->rename("st/one", "st/x"), EPERM);
	T_ERR(fs->rmdir("st/onedir"), EPERM);
	pt_mkfile(t, "st/two", 0644, NULL);
	T_ERR(fs->rename("st/two", "st/one"), EPERM);
	T_OK(fs->rename("st/two", "st/three"));
	T_OK(fs->unlink("st/three"));
	/* Writing into the other's file is a matter of its mode. */
	T_OK(fs->truncate("st/one", 0));
	pt_become(t, PT_UID1, PT_GID1);
	T_OK(fs->rename("st/one", "st/one2"));
	T_OK(fs->unlink("st/one2"));
	pt_root(t);
	T_OK(fs->rmdir("st/onedir"));
}

static void perm_new_files(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	struct stat st;
	int fd;

	perm_mkdir_open(t, "w");
	T_OK(fs->mkdir("sg", 0755));
	T_OK(fs->chown("sg", 0, PT_GID_OTHER));
	T_OK(fs->chmod("sg", 02777));
	pt_become(t, PT_UID1, PT_GID1);
	/* Linux: a new file's group is the creator's effective group... */
	pt_mkfile(t, "w/f", 0644, NULL);
	st = pt_stat(t, "w/f");
	T_EQ(st.st_uid, PT_UID1);
	T_EQ(st.st_gid, PT_GID1);
	T_OK(fs->mkdir("w/d", 0755));
	T_EQ(pt_stat(t, "w/d").st_gid, PT_GID1);
	T_OK(fs->symlink("x", "w/l"));
	T_EQ(pt_lstat(t, "w/l").st_uid, PT_UID1);
	/* ...unless the directory is set-group-ID: then its group, and a
	 * new subdirectory is set-group-ID too. */
	pt_mkfile(t, "sg/f", 0644, NULL);
	T_EQ(pt_stat(t, "sg/f").st_gid, PT_GID_OTHER);
	T_EQ(pt_stat(t, "sg/f").st_uid, PT_UID1);
	T_OK(fs->mkdir("sg/d", 0755));
	st = pt_stat(t, "sg/d");
	T_EQ(st.st_gid, PT_GID_OTHER);
	T_EQ(st.st_mode & 07777, 02755);

	/* The creator may use a new file whatever its mode says. */
	fd = T_OK(fs->open("w/zero", O_RDWR | O_CREAT | O_EXCL, 0));
	T_EQ(fs->write(fd, "x", 1), 1);
	T_OK(fs->close(fd));
	T_EQ(pt_stat(t, "w/zero").st_mode & 07777, 0);
	T_ERR(fs->open("w/zero", O_RDONLY), EACCES);
	pt_root(t);
}

static void perm_privileged(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	const gid_t groups[] = {0};

	perm_mkdir_open(t, "w");
	if (fs->caps & FS_CAN_MOUNT)
		pt_mount_tmpfs(t, "m", 0, "size=1m");
	pt_become(t, PT_UID1, PT_GID1);
	T_ERR(fs->mknod("w/chr", S_IFCHR | 0644, makedev(1, 3)), EPERM);
	T_ERR(fs->mknod("w/blk", S_IFBLK | 0644, makedev(7, 0)), EPERM);
	T_OK(fs->mkfifo("w/fifo", 0644));
	T_OK(fs->mknod("w/fifo2", S_IFIFO | 0644, 0));
	if (fs->chroot != NULL)
		T_ERR(fs->chroot("w"), EPERM);
	/* Not setuid(0): a host oracle's user keeps saved-set uid 0 so
	 * that it can become root again. */
	T_ERR(fs->setgroups(1, groups), EPERM);
	if (fs->caps & FS_CAN_MOUNT) {
		T_OK(fs->mkdir("w/m2", 0755));
		T_ERR(fs->mount("tmpfs", pt_path(t, "w/m2"), "tmpfs", 0,
				"size=1m"),
		      EPERM);
		T_ERR(fs->umount2(pt_path(t, "m"), 0), EPERM);
	}
	pt_root(t);
	if (fs->caps & FS_CAN_MOUNT)
		T_OK(fs->umount2(pt_path(t, "m"), 0));
}

const struct posix_test posix_perm_tests[] = {
	{"search", perm_search, FS_CAN_SWITCH_USER},
	{"read_write", perm_read_write, FS_CAN_SWITCH_USER},
	{"dir_write", perm_dir_write, FS_CAN_SWITCH_USER},
	{"root_override", perm_root_override, FS_ROOT},
	{"chown_chmod", perm_chown_chmod, FS_CAN_SWITCH_USER},
	{"times", perm_times, FS_CAN_SWITCH_USER},
	{"sticky", perm_sticky, FS_CAN_SWITCH_USER},
	{"new_files", perm_new_files, FS_CAN_SWITCH_USER},
	{"privileged", perm_privileged, FS_CAN_SWITCH_USER},
	{NULL, NULL, 0},
};
