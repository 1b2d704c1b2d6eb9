/*
 * t_abi_xlate.c -- librumphost's translators, table by table, without a
 * kernel: every host flag maps to the right RUMP_* value and back, values
 * the kernel cannot honour are refused with the documented errno, and
 * structures keep every field (times with nanoseconds) both ways.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include <rump/rumpabi.h>
#include <rump/rumpdefs.h>
#include <rump/rumphost.h>

#include "abitest.h"

#define N(t) (sizeof(t) / sizeof((t)[0]))

struct pair {
	int64_t host;
	int64_t kernel;
};

static const struct pair oflags[] = {
	{O_NONBLOCK, RUMP_O_NONBLOCK}, {O_APPEND, RUMP_O_APPEND},
	{O_SYNC, RUMP_O_SYNC},	       {O_DSYNC, RUMP_O_DSYNC},
	{O_NOFOLLOW, RUMP_O_NOFOLLOW}, {O_CREAT, RUMP_O_CREAT},
	{O_TRUNC, RUMP_O_TRUNC},       {O_EXCL, RUMP_O_EXCL},
	{O_NOCTTY, RUMP_O_NOCTTY},     {O_DIRECTORY, RUMP_O_DIRECTORY},
	{O_CLOEXEC, RUMP_O_CLOEXEC},   {O_DIRECT, RUMP_O_DIRECT},
	{O_NOATIME, RUMP_O_NOATIME},
};
static const struct pair accmodes[] = {
	{O_RDONLY, RUMP_O_RDONLY},
	{O_WRONLY, RUMP_O_WRONLY},
	{O_RDWR, RUMP_O_RDWR},
};

static void test_oflags(void)
{
	int64_t k;
	int h;

	for (size_t m = 0; m < N(accmodes); m++) {
		for (size_t i = 0; i < N(oflags); i++) {
			int host = (int)(accmodes[m].host | oflags[i].host);
			CHECK_EQ(rumphost_oflags_to_kernel(host, &k), 0);
			CHECK_EQ(k, accmodes[m].kernel | oflags[i].kernel);
			CHECK_EQ(rumphost_oflags_to_host(k, &h), 0);
			CHECK_EQ(h, host);
		}
	}
	/* All at once, both ways. */
	int all = O_RDWR;
	int64_t kall = RUMP_O_RDWR;
	for (size_t i = 0; i < N(oflags); i++) {
		all |= (int)oflags[i].host;
		kall |= oflags[i].kernel;
	}
	/* O_SYNC's bits hide O_DSYNC's (Linux: O_SYNC is __O_SYNC|O_DSYNC). */
	CHECK_EQ(rumphost_oflags_to_kernel(all, &k), 0);
	CHECK_EQ(k, kall & ~RUMP_O_DSYNC);
	CHECK_EQ(rumphost_oflags_to_host(kall, &h), 0);
	CHECK_EQ(h, all);
	/* Linux's O_SYNC includes O_DSYNC's bit: only RUMP_O_SYNC results. */
	CHECK_EQ(rumphost_oflags_to_kernel(O_WRONLY | O_SYNC, &k), 0);
	CHECK_EQ(k, RUMP_O_WRONLY | RUMP_O_SYNC);
	/* Refused: O_PATH, O_TMPFILE, O_ASYNC, access mode 3, unknown bits. */
	k = 12345;
	CHECK_EQ(rumphost_oflags_to_kernel(O_PATH, &k), EINVAL);
	CHECK_EQ(rumphost_oflags_to_kernel(O_RDWR | O_TMPFILE, &k), EINVAL);
	CHECK_EQ(rumphost_oflags_to_kernel(O_RDONLY | O_ASYNC, &k), EINVAL);
	CHECK_EQ(rumphost_oflags_to_kernel(O_ACCMODE, &k), EINVAL);
	CHECK_EQ(rumphost_oflags_to_kernel(0x40000000, &k), EINVAL);
	CHECK_EQ(k, 12345); /* untouched on failure */
	/* O_LARGEFILE means nothing to a 64-bit off_t: dropped. */
	CHECK_EQ(rumphost_oflags_to_kernel(O_RDONLY | O_LARGEFILE, &k), 0);
	CHECK_EQ(k, RUMP_O_RDONLY);
	/* O_RSYNC: on Linux the same as O_SYNC. */
	CHECK_EQ(rumphost_oflags_to_kernel(O_RSYNC, &k), 0);
	CHECK((k & RUMP_O_SYNC) != 0);
	/* Kernel bits the host lacks are dropped on the way back. */
	CHECK_EQ(rumphost_oflags_to_host(RUMP_O_RDONLY | 0x40000000, &h), 0);
	CHECK_EQ(h, O_RDONLY);
}

static void test_at(void)
{
	int64_t k;

	CHECK_EQ(rumphost_dirfd_to_kernel(AT_FDCWD, &k), 0);
	CHECK_EQ(k, RUMP_AT_FDCWD);
	CHECK_EQ(rumphost_dirfd_to_kernel(7, &k), 0);
	CHECK_EQ(k, 7);
	CHECK_EQ(rumphost_dirfd_to_kernel(-1, &k), 0);
	CHECK_EQ(k, -1);

	CHECK_EQ(rumphost_atflags_to_kernel(0, &k), 0);
	CHECK_EQ(k, 0);
	CHECK_EQ(rumphost_atflags_to_kernel(AT_SYMLINK_NOFOLLOW, &k), 0);
	CHECK_EQ(k, RUMP_AT_SYMLINK_NOFOLLOW);
	CHECK_EQ(rumphost_atflags_to_kernel(AT_SYMLINK_FOLLOW, &k), 0);
	CHECK_EQ(k, RUMP_AT_SYMLINK_FOLLOW);
	CHECK_EQ(rumphost_atflags_to_kernel(AT_EMPTY_PATH, &k), 0);
	CHECK_EQ(k, RUMP_AT_EMPTY_PATH);
	CHECK_EQ(rumphost_atflags_to_kernel(
			 AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
			 &k),
		 0);
	CHECK_EQ(k, RUMP_AT_EMPTY_PATH | RUMP_AT_SYMLINK_NOFOLLOW);
	/* AT_REMOVEDIR (== AT_EACCESS on Linux) is not a general flag. */
	CHECK_EQ(rumphost_atflags_to_kernel(AT_REMOVEDIR, &k), EINVAL);

	/* One Linux value, two kernel flags, told apart by the call. */
	CHECK_EQ(AT_EACCESS, AT_REMOVEDIR);
	CHECK_EQ(rumphost_faccessatflags_to_kernel(AT_EACCESS, &k), 0);
	CHECK_EQ(k, RUMP_AT_EACCESS);
	CHECK_EQ(rumphost_faccessatflags_to_kernel(
			 AT_EACCESS | AT_SYMLINK_NOFOLLOW, &k),
		 0);
	CHECK_EQ(k, RUMP_AT_EACCESS | RUMP_AT_SYMLINK_NOFOLLOW);
	CHECK_EQ(rumphost_unlinkatflags_to_kernel(AT_REMOVEDIR, &k), 0);
	CHECK_EQ(k, RUMP_AT_REMOVEDIR);
	CHECK_EQ(rumphost_unlinkatflags_to_kernel(AT_SYMLINK_NOFOLLOW, &k),
		 EINVAL);
	CHECK_EQ(rumphost_faccessatflags_to_kernel(0x8000000, &k), EINVAL);
}

static void test_fcntl_values(void)
{
	static const struct pair cmds[] = {
		{F_DUPFD, RUMP_F_DUPFD},
		{F_DUPFD_CLOEXEC, RUMP_F_DUPFD_CLOEXEC},
		{F_GETFD, RUMP_F_GETFD},
		{F_SETFD, RUMP_F_SETFD},
		{F_GETFL, RUMP_F_GETFL},
		{F_SETFL, RUMP_F_SETFL},
		{F_GETLK, RUMP_F_GETLK},
		{F_SETLK, RUMP_F_SETLK},
		{F_SETLKW, RUMP_F_SETLKW},
	};
	static const struct pair whences[] = {
		{SEEK_SET, RUMP_SEEK_SET},   {SEEK_CUR, RUMP_SEEK_CUR},
		{SEEK_END, RUMP_SEEK_END},   {SEEK_DATA, RUMP_SEEK_DATA},
		{SEEK_HOLE, RUMP_SEEK_HOLE},
	};
	int64_t k;
	int h;

	for (size_t i = 0; i < N(cmds); i++) {
		CHECK_EQ(rumphost_fcntlcmd_to_kernel((int)cmds[i].host, &k), 0);
		CHECK_EQ(k, cmds[i].kernel);
	}
	CHECK_EQ(rumphost_fcntlcmd_to_kernel(F_OFD_GETLK, &k), EINVAL);
	CHECK_EQ(rumphost_fcntlcmd_to_kernel(F_SETPIPE_SZ, &k), EINVAL);
	CHECK_EQ(rumphost_fcntlcmd_to_kernel(-1, &k), EINVAL);

	for (size_t i = 0; i < N(whences); i++) {
		CHECK_EQ(rumphost_whence_to_kernel((int)whences[i].host, &k),
			 0);
		CHECK_EQ(k, whences[i].kernel);
		CHECK_EQ(rumphost_whence_to_host(k, &h), 0);
		CHECK_EQ(h, whences[i].host);
	}
	CHECK_EQ(rumphost_whence_to_kernel(5, &k), EINVAL);
	CHECK_EQ(rumphost_whence_to_kernel(-1, &k), EINVAL);

	CHECK_EQ(rumphost_fdflags_to_kernel(FD_CLOEXEC, &k), 0);
	CHECK_EQ(k, RUMP_FD_CLOEXEC);
	CHECK_EQ(rumphost_fdflags_to_kernel(0, &k), 0);
	CHECK_EQ(k, 0);
	CHECK_EQ(rumphost_fdflags_to_host(RUMP_FD_CLOEXEC, &h), 0);
	CHECK_EQ(h, FD_CLOEXEC);

	CHECK_EQ(rumphost_lockop_to_kernel(LOCK_SH, &k), 0);
	CHECK_EQ(k, RUMP_LOCK_SH);
	CHECK_EQ(rumphost_lockop_to_kernel(LOCK_EX | LOCK_NB, &k), 0);
	CHECK_EQ(k, RUMP_LOCK_EX | RUMP_LOCK_NB);
	CHECK_EQ(rumphost_lockop_to_kernel(LOCK_UN, &k), 0);
	CHECK_EQ(k, RUMP_LOCK_UN);
	CHECK_EQ(rumphost_lockop_to_kernel(0x40, &k), EINVAL);

	uint64_t req;
	CHECK_EQ(rumphost_ioctl_to_kernel(FIONREAD, &req), 0);
	CHECK_EQ(req, RUMP_FIONREAD);
	CHECK_EQ(rumphost_ioctl_to_kernel(FIONBIO, &req), 0);
	CHECK_EQ(req, RUMP_FIONBIO);
	CHECK_EQ(rumphost_ioctl_to_kernel(TIOCGWINSZ, &req), ENOTTY);
}

static void test_flock(void)
{
	static const struct pair types[] = {
		{F_RDLCK, RUMP_F_RDLCK},
		{F_WRLCK, RUMP_F_WRLCK},
		{F_UNLCK, RUMP_F_UNLCK},
	};
	struct rump_flock k;
	struct flock h, back;

	for (size_t i = 0; i < N(types); i++) {
		memset(&h, 0, sizeof(h));
		h.l_type = (short)types[i].host;
		h.l_whence = SEEK_END;
		h.l_start = -4096;
		h.l_len = (off_t)1 << 40;
		h.l_pid = 4242;
		CHECK_EQ(rumphost_flock_to_kernel(&h, &k), 0);
		CHECK_EQ(k.l_type, types[i].kernel);
		CHECK_EQ(k.l_whence, RUMP_SEEK_END);
		CHECK_EQ(k.l_start, -4096);
		CHECK_EQ(k.l_len, (int64_t)1 << 40);
		CHECK_EQ(k.l_pid, 4242);
		CHECK_EQ(rumphost_flock_to_host(&k, &back), 0);
		CHECK_EQ(back.l_type, h.l_type);
		CHECK_EQ(back.l_whence, h.l_whence);
		CHECK_EQ(back.l_start, h.l_start);
		CHECK_EQ(back.l_len, h.l_len);
		CHECK_EQ(back.l_pid, h.l_pid);
	}
	h.l_type = 77;
	CHECK_EQ(rumphost_flock_to_kernel(&h, &k), EINVAL);
	h.l_type = F_RDLCK;
	h.l_whence = 9;
	CHECK_EQ(rumphost_flock_to_kernel(&h, &k), EINVAL);
}

static void test_mount(void)
{
	static const struct pair flags[] = {
		{MS_RDONLY, RUMP_MNT_RDONLY},
		{MS_NOSUID, RUMP_MNT_NOSUID},
		{MS_NODEV, RUMP_MNT_NODEV},
		{MS_NOEXEC, RUMP_MNT_NOEXEC},
		{MS_SYNCHRONOUS, RUMP_MNT_SYNCHRONOUS},
		{MS_NOATIME, RUMP_MNT_NOATIME},
	};
	static const unsigned long refused[] = {
		MS_REMOUNT,  MS_BIND,	  MS_MOVE,	 MS_REC,
		MS_PRIVATE,  MS_SHARED,	  MS_RELATIME,	 MS_DIRSYNC,
		MS_MANDLOCK, MS_LAZYTIME, MS_NODIRATIME, MS_STRICTATIME,
	};
	uint64_t k, all = 0;
	unsigned long hall = 0;
	int64_t ki;

	for (size_t i = 0; i < N(flags); i++) {
		CHECK_EQ(rumphost_mountflags_to_kernel(flags[i].host, &k), 0);
		CHECK_EQ(k, flags[i].kernel);
		hall |= flags[i].host;
		all |= flags[i].kernel;
	}
	CHECK_EQ(rumphost_mountflags_to_kernel(hall, &k), 0);
	CHECK_EQ(k, all);
	CHECK_EQ(rumphost_mountflags_to_kernel(MS_MGC_VAL | MS_RDONLY, &k), 0);
	CHECK_EQ(k, RUMP_MNT_RDONLY);
	CHECK_EQ(rumphost_mountflags_to_kernel(MS_SILENT, &k), 0);
	CHECK_EQ(k, 0);
	for (size_t i = 0; i < N(refused); i++)
		CHECK_EQ(rumphost_mountflags_to_kernel(refused[i], &k), EINVAL);

	CHECK_EQ(rumphost_umountflags_to_kernel(0, &ki), 0);
	CHECK_EQ(ki, 0);
	CHECK_EQ(rumphost_umountflags_to_kernel(MNT_FORCE, &ki), 0);
	CHECK_EQ(ki, RUMP_MNT_FORCE);
	CHECK_EQ(rumphost_umountflags_to_kernel(MNT_DETACH, &ki), EINVAL);
	CHECK_EQ(rumphost_umountflags_to_kernel(MNT_EXPIRE, &ki), EINVAL);
	CHECK_EQ(rumphost_umountflags_to_kernel(UMOUNT_NOFOLLOW, &ki), EINVAL);

	CHECK_EQ(rumphost_fallocmode_to_kernel(0, &ki), 0);
	CHECK_EQ(ki, 0);
	CHECK_EQ(rumphost_fallocmode_to_kernel(FALLOC_FL_KEEP_SIZE, &ki),
		 EOPNOTSUPP);
	CHECK_EQ(rumphost_fallocmode_to_kernel(
			 FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, &ki),
		 EOPNOTSUPP);
}

static void test_stat(void)
{
	struct rump_stat k, back;
	struct stat h;

	memset(&k, 0, sizeof(k));
	k.st_dev = 0x0102030405060708ULL;
	k.st_ino = 0x1112131415161718ULL;
	k.st_mode = RUMP_S_IFREG | 04755;
	k.st_nlink = 0x21222324;
	k.st_uid = 0xfffffffe;
	k.st_gid = 0x31323334;
	k.st_rdev = 0x4142434445464748ULL;
	k.st_size = (int64_t)5 << 32;
	k.st_blocks = 0x515253545556;
	k.st_blksize = 65536;
	k.st_atim.tv_sec = 1700000001;
	k.st_atim.tv_nsec = 111111111;
	k.st_mtim.tv_sec = -2; /* before 1970 */
	k.st_mtim.tv_nsec = 222222222;
	k.st_ctim.tv_sec = (int64_t)1 << 33; /* after 2038 */
	k.st_ctim.tv_nsec = 999999999;
	k.st_birthtim.tv_sec = 42;

	CHECK_EQ(rumphost_stat_to_host(&k, &h), 0);
	CHECK_EQ(h.st_dev, k.st_dev);
	CHECK_EQ(h.st_ino, k.st_ino);
	CHECK_EQ(h.st_mode, S_IFREG | S_ISUID | 0755);
	CHECK(S_ISREG(h.st_mode));
	CHECK_EQ(h.st_nlink, k.st_nlink);
	CHECK_EQ(h.st_uid, k.st_uid);
	CHECK_EQ(h.st_gid, k.st_gid);
	CHECK_EQ(h.st_rdev, k.st_rdev);
	CHECK_EQ(h.st_size, k.st_size);
	CHECK_EQ(h.st_blocks, k.st_blocks);
	CHECK_EQ(h.st_blksize, k.st_blksize);
	CHECK_EQ(h.st_atim.tv_sec, k.st_atim.tv_sec);
	CHECK_EQ(h.st_atim.tv_nsec, k.st_atim.tv_nsec);
	CHECK_EQ(h.st_mtim.tv_sec, k.st_mtim.tv_sec);
	CHECK_EQ(h.st_mtim.tv_nsec, k.st_mtim.tv_nsec);
	CHECK_EQ(h.st_ctim.tv_sec, k.st_ctim.tv_sec);
	CHECK_EQ(h.st_ctim.tv_nsec, k.st_ctim.tv_nsec);
	CHECK_EQ(h.st_atime, k.st_atim.tv_sec); /* the POSIX names */

	/* And back: everything but the birth time, which Linux lacks. */
	CHECK_EQ(rumphost_stat_to_kernel(&h, &back), 0);
	k.st_birthtim.tv_sec = 0;
	CHECK(memcmp(&k, &back, sizeof(k)) == 0);

	/* Every file type has the same bits on both sides. */
	static const struct pair types[] = {
		{S_IFIFO, RUMP_S_IFIFO},   {S_IFCHR, RUMP_S_IFCHR},
		{S_IFDIR, RUMP_S_IFDIR},   {S_IFBLK, RUMP_S_IFBLK},
		{S_IFREG, RUMP_S_IFREG},   {S_IFLNK, RUMP_S_IFLNK},
		{S_IFSOCK, RUMP_S_IFSOCK},
	};
	for (size_t i = 0; i < N(types); i++) {
		k.st_mode = (uint32_t)types[i].kernel | 0640;
		CHECK_EQ(rumphost_stat_to_host(&k, &h), 0);
		CHECK_EQ(h.st_mode & S_IFMT, types[i].host);
		CHECK_EQ(h.st_mode & 07777, 0640);
	}
}

static void test_statvfs(void)
{
	struct rump_statvfs k, back;
	struct statvfs h;

	memset(&k, 0, sizeof(k));
	k.f_flag = RUMP_MNT_RDONLY | RUMP_MNT_NOSUID | RUMP_MNT_NODEV |
		   RUMP_MNT_NOEXEC | RUMP_MNT_SYNCHRONOUS | RUMP_MNT_NOATIME;
	k.f_bsize = 4096;
	k.f_frsize = 1024;
	k.f_blocks = 0x100000001ULL;
	k.f_bfree = 1000;
	k.f_bavail = 900;
	k.f_files = 5000;
	k.f_ffree = 4000;
	k.f_favail = 3999;
	k.f_fsid = 0xabcdef;
	k.f_namemax = 255;
	strcpy(k.f_fstypename, "tmpfs");

	CHECK_EQ(rumphost_statvfs_to_host(&k, &h), 0);
	CHECK_EQ(h.f_flag, ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC |
				   ST_SYNCHRONOUS | ST_NOATIME);
	CHECK_EQ(h.f_bsize, 4096);
	CHECK_EQ(h.f_frsize, 1024);
	CHECK_EQ(h.f_blocks, 0x100000001ULL);
	CHECK_EQ(h.f_bfree, 1000);
	CHECK_EQ(h.f_bavail, 900);
	CHECK_EQ(h.f_files, 5000);
	CHECK_EQ(h.f_ffree, 4000);
	CHECK_EQ(h.f_favail, 3999);
	CHECK_EQ(h.f_fsid, 0xabcdef);
	CHECK_EQ(h.f_namemax, 255);

	CHECK_EQ(rumphost_statvfs_to_kernel(&h, &back), 0);
	k.f_fstypename[0] = '\0'; /* no Linux field: dropped */
	memset(k.f_fstypename, 0, sizeof(k.f_fstypename));
	CHECK(memcmp(&k, &back, sizeof(k)) == 0);

	/* ST_* flags the kernel lacks are left out, not refused. */
	h.f_flag = ST_RDONLY | ST_RELATIME;
	CHECK_EQ(rumphost_statvfs_to_kernel(&h, &back), 0);
	CHECK_EQ(back.f_flag, RUMP_MNT_RDONLY);
}

static void test_time(void)
{
	struct rump_timespec ks;
	struct rump_timeval kv;
	struct timespec ts, tsb;
	struct timeval tv, tvb;

	tv.tv_sec = 1234567890;
	tv.tv_usec = 999999;
	CHECK_EQ(rumphost_timeval_to_kernel(&tv, &kv), 0);
	CHECK_EQ(kv.tv_sec, 1234567890);
	CHECK_EQ(kv.tv_usec, 999999);
	CHECK_EQ(rumphost_timeval_to_host(&kv, &tvb), 0);
	CHECK_EQ(tvb.tv_sec, tv.tv_sec);
	CHECK_EQ(tvb.tv_usec, tv.tv_usec);

	ts.tv_sec = -5;
	ts.tv_nsec = 123456789;
	CHECK_EQ(rumphost_timespec_to_kernel(&ts, &ks), 0);
	CHECK_EQ(ks.tv_sec, -5);
	CHECK_EQ(ks.tv_nsec, 123456789);
	CHECK_EQ(rumphost_timespec_to_host(&ks, &tsb), 0);
	CHECK_EQ(tsb.tv_sec, -5);
	CHECK_EQ(tsb.tv_nsec, 123456789);

	ts.tv_nsec = UTIME_NOW;
	CHECK_EQ(rumphost_timespec_to_kernel(&ts, &ks), 0);
	CHECK_EQ(ks.tv_nsec, RUMP_UTIME_NOW);
	CHECK_EQ(rumphost_timespec_to_host(&ks, &tsb), 0);
	CHECK_EQ(tsb.tv_nsec, UTIME_NOW);
	ts.tv_nsec = UTIME_OMIT;
	CHECK_EQ(rumphost_timespec_to_kernel(&ts, &ks), 0);
	CHECK_EQ(ks.tv_nsec, RUMP_UTIME_OMIT);
	CHECK_EQ(rumphost_timespec_to_host(&ks, &tsb), 0);
	CHECK_EQ(tsb.tv_nsec, UTIME_OMIT);
}

static void test_poll(void)
{
	static const struct pair bits[] = {
		{POLLIN, RUMP_POLLIN},	       {POLLPRI, RUMP_POLLPRI},
		{POLLOUT, RUMP_POLLOUT},       {POLLRDNORM, RUMP_POLLRDNORM},
		{POLLRDBAND, RUMP_POLLRDBAND}, {POLLWRBAND, RUMP_POLLWRBAND},
		{POLLERR, RUMP_POLLERR},       {POLLHUP, RUMP_POLLHUP},
		{POLLNVAL, RUMP_POLLNVAL},
	};
	struct rump_pollfd k;
	struct pollfd h;

	for (size_t i = 0; i < N(bits); i++) {
		h.fd = 9;
		h.events = (short)bits[i].host;
		h.revents = -1;
		CHECK_EQ(rumphost_pollfd_to_kernel(&h, &k), 0);
		CHECK_EQ(k.fd, 9);
		CHECK_EQ(k.events, bits[i].kernel);
		CHECK_EQ(k.revents, 0);
		k.revents = (int16_t)bits[i].kernel;
		CHECK_EQ(rumphost_pollfd_to_host(&k, &h), 0);
		CHECK_EQ(h.revents, bits[i].host);
		CHECK_EQ(h.fd, 9);
		CHECK_EQ(h.events, bits[i].host); /* the caller's, untouched */
	}
	/* POLLWRNORM is the kernel's POLLOUT, reported as it was asked. */
	h.events = POLLWRNORM;
	CHECK_EQ(rumphost_pollfd_to_kernel(&h, &k), 0);
	CHECK_EQ(k.events, RUMP_POLLOUT);
	k.revents = RUMP_POLLOUT;
	CHECK_EQ(rumphost_pollfd_to_host(&k, &h), 0);
	CHECK_EQ(h.revents, POLLWRNORM);
	h.events = POLLOUT | POLLWRNORM;
	CHECK_EQ(rumphost_pollfd_to_host(&k, &h), 0);
	CHECK_EQ(h.revents, POLLOUT | POLLWRNORM);
	h.events = POLLIN; /* POLLOUT never asked: still reported as POLLOUT */
	CHECK_EQ(rumphost_pollfd_to_host(&k, &h), 0);
	CHECK_EQ(h.revents, POLLOUT);
	/* Linux-only events are dropped, not refused. */
	h.events = POLLIN | POLLRDHUP | POLLMSG;
	CHECK_EQ(rumphost_pollfd_to_kernel(&h, &k), 0);
	CHECK_EQ(k.events, RUMP_POLLIN);
	CHECK_EQ(h.events, POLLIN | POLLRDHUP | POLLMSG);
}

static void test_fd_set(void)
{
	static const int fds[] = {0, 1, 63, 64, 65, 511, 1022, 1023};
	struct rump_fd_set k;
	fd_set h, back;

	FD_ZERO(&h);
	for (size_t i = 0; i < N(fds); i++)
		FD_SET(fds[i], &h);
	CHECK_EQ(rumphost_fd_set_to_kernel(&h, &k), 0);
	CHECK_EQ(k.fds_bits[0], 0x8000000000000003ULL);
	CHECK_EQ(k.fds_bits[1], 0x3);
	CHECK_EQ(k.fds_bits[7], 0x8000000000000000ULL);
	CHECK_EQ(k.fds_bits[15], 0xc000000000000000ULL);
	CHECK_EQ(k.fds_bits[2], 0);
	memset(&back, 0xff, sizeof(back));
	CHECK_EQ(rumphost_fd_set_to_host(&k, &back), 0);
	for (int fd = 0; fd < FD_SETSIZE; fd++)
		CHECK_EQ(FD_ISSET(fd, &back) != 0, FD_ISSET(fd, &h) != 0);
}

static void test_iovec(void)
{
	char buf[8];
	struct iovec h = {buf, sizeof(buf)}, back;
	struct rump_iovec k;

	CHECK_EQ(rumphost_iovec_to_kernel(&h, &k), 0);
	CHECK(k.iov_base == buf);
	CHECK_EQ(k.iov_len, sizeof(buf));
	CHECK_EQ(rumphost_iovec_to_host(&k, &back), 0);
	CHECK(back.iov_base == buf);
	CHECK_EQ(back.iov_len, sizeof(buf));
}

static void test_array(void)
{
	uint64_t stack[4];
	void *a;

	CHECK_EQ(rumphost_array_alloc(&a, stack, sizeof(stack), 4, 8), 0);
	CHECK(a == stack);
	rumphost_array_free(a, stack);
	CHECK_EQ(rumphost_array_alloc(&a, stack, sizeof(stack), 0, 8), 0);
	CHECK(a == stack);
	CHECK_EQ(rumphost_array_alloc(&a, stack, sizeof(stack), 5, 8), 0);
	CHECK(a != stack && a != NULL);
	memset(a, 0, 5 * 8);
	rumphost_array_free(a, stack);
	CHECK_EQ(rumphost_array_alloc(&a, stack, sizeof(stack),
				      RUMPHOST_ARRAY_MAX + 1, 8),
		 EINVAL);
	CHECK_EQ(rumphost_array_alloc(&a, stack, sizeof(stack),
				      (uint64_t)(int64_t)-1, 8),
		 EINVAL);
}

static void test_errno(void)
{
	CHECK_EQ(rumphost_errno_host(0), 0);
	CHECK_EQ(rumphost_errno_host(RUMP_EAGAIN), EAGAIN);
	CHECK_EQ(rumphost_errno_kernel(EAGAIN), RUMP_EAGAIN);
	CHECK_EQ(rumphost_errno_host(RUMP_ENOTEMPTY), ENOTEMPTY);
	CHECK_EQ(rumphost_errno_host(RUMP_ELOOP), ELOOP);
	CHECK_EQ(rumphost_errno_kernel(EOPNOTSUPP), RUMP_EOPNOTSUPP);
}

int main(void)
{
	test_oflags();
	test_at();
	test_fcntl_values();
	test_flock();
	test_mount();
	test_stat();
	test_statvfs();
	test_time();
	test_poll();
	test_fd_set();
	test_iovec();
	test_array();
	test_errno();
	printf("t_abi_xlate: ok\n");
	return 0;
}
