/*
 * ext2bench.c -- one timed run of one workload of the ext2/3/4 benchmark
 * on one side, driven by bench/ext2/run.py:
 *
 *	ext2bench SIDE WORKLOAD IMAGE SRCDIR MOUNTPOINT
 *
 * SIDE is rump (the rump kernel in this process: etfs block device and
 * mount), host (the host kernel: mount -o loop, as root) or fuse (fuse2fs
 * in the foreground, then unmounted with fusermount -u and waited for).
 * WORKLOAD is unpack (copy SRCDIR into the image's root), walk (list,
 * lstat and read everything), seqwrite (one 1 GiB file in 1 MiB writes,
 * fsync) or seqread (read it back).  The same code does the work on
 * every side through a table of calls (rump_sys_* or libc), and the time
 * runs from before the mount to after the unmount, so that every side
 * has written everything into the image file when it stops (on every
 * side into the host's page cache: none syncs the host's disk).  Prints "bench: ns=N bytes=N files=N" or "bench: failed ...".
 * BENCH_SEQ_MIB changes the size of the sequential file (default 1024).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

struct bops {
	int (*open)(const char *path, int flags, ...);
	int (*close)(int fd);
	ssize_t (*read)(int fd, void *buf, size_t n);
	ssize_t (*write)(int fd, const void *buf, size_t n);
	int (*mkdir)(const char *path, mode_t mode);
	int (*symlink)(const char *target, const char *path);
	ssize_t (*readlink)(const char *path, char *buf, size_t n);
	int (*lstat)(const char *path, struct stat *st);
	int (*fsync)(int fd);
	ssize_t (*getdents64)(int fd, void *buf, size_t n);
};

static const struct bops bops_rump = {
	rump_sys_open,	rump_sys_close,	     rump_sys_read,	rump_sys_write,
	rump_sys_mkdir, rump_sys_symlink,    rump_sys_readlink, rump_sys_lstat,
	rump_sys_fsync, rump_sys_getdents64,
};

static const struct bops bops_host = {
	open,	 close,	   read,  write, mkdir,
	symlink, readlink, lstat, fsync, getdents64,
};

static const struct bops *o;
static long long nbytes, nfiles;
static char iobuf[1 << 20];

static void die(const char *what, const char *path)
{
	printf("bench: failed %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Copy the host directory src into dst (on the side's file system). */
static void unpack(const char *src, const char *dst)
{
	char s[4096], d[4096];
	struct dirent *de;
	struct stat st;
	DIR *dir = opendir(src);
	ssize_t n;
	int in, out;

	if (dir == NULL)
		die("opendir", src);
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(s, sizeof(s), "%s/%s", src, de->d_name);
		snprintf(d, sizeof(d), "%s/%s", dst, de->d_name);
		if (lstat(s, &st) != 0)
			die("lstat", s);
		if (S_ISDIR(st.st_mode)) {
			if (o->mkdir(d, st.st_mode & 07777) != 0)
				die("mkdir", d);
			unpack(s, d);
		} else if (S_ISLNK(st.st_mode)) {
			n = readlink(s, iobuf, sizeof(iobuf) - 1);
			if (n < 0)
				die("readlink", s);
			iobuf[n] = '\0';
			if (o->symlink(iobuf, d) != 0)
				die("symlink", d);
		} else if (S_ISREG(st.st_mode)) {
			in = open(s, O_RDONLY);
			out = o->open(d, O_WRONLY | O_CREAT | O_EXCL,
				      st.st_mode & 07777);
			if (in < 0 || out < 0)
				die("open", d);
			while ((n = read(in, iobuf, 256 << 10)) > 0) {
				if (o->write(out, iobuf, (size_t)n) != n)
					die("write", d);
				nbytes += n;
			}
			close(in);
			if (o->close(out) != 0)
				die("close", d);
			nfiles++;
		}
	}
	closedir(dir);
}

/* List, lstat and read everything below path. */
static void walk(const char *path)
{
	char *buf = malloc(32768), child[4096];
	struct stat st;
	ssize_t n, r;
	int fd = o->open(path, O_RDONLY | O_DIRECTORY);

	if (fd < 0 || buf == NULL)
		die("open", path);
	while ((n = o->getdents64(fd, buf, 32768)) > 0) {
		for (ssize_t at = 0; at < n;) {
			struct dirent64 *d = (void *)(buf + at);

			at += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0 ||
			    strcmp(d->d_name, "lost+found") == 0)
				continue;
			snprintf(child, sizeof(child), "%s/%s", path,
				 d->d_name);
			if (o->lstat(child, &st) != 0)
				die("lstat", child);
			if (S_ISDIR(st.st_mode)) {
				walk(child);
			} else if (S_ISLNK(st.st_mode)) {
				if (o->readlink(child, iobuf, 4096) < 0)
					die("readlink", child);
			} else if (S_ISREG(st.st_mode)) {
				int f = o->open(child, O_RDONLY);

				if (f < 0)
					die("open", child);
				while ((r = o->read(f, iobuf, 256 << 10)) > 0)
					nbytes += r;
				if (r < 0)
					die("read", child);
				o->close(f);
				nfiles++;
			}
		}
	}
	if (n < 0)
		die("getdents64", path);
	o->close(fd);
	free(buf);
}

static void seq(const char *mnt, bool writing)
{
	const char *mib = getenv("BENCH_SEQ_MIB");
	long long total = (mib != NULL ? atoll(mib) : 1024) << 20;
	char path[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/sequential", mnt);
	fd = writing ? o->open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)
		     : o->open(path, O_RDONLY);
	if (fd < 0)
		die("open", path);
	if (writing) {
		memset(iobuf, 0x5a, sizeof(iobuf));
		for (long long at = 0; at < total;
		     at += (long long)sizeof(iobuf)) {
			iobuf[0] = (char)at;
			if (o->write(fd, iobuf, sizeof(iobuf)) !=
			    (ssize_t)sizeof(iobuf))
				die("write", path);
		}
		nbytes = total;
		if (o->fsync(fd) != 0)
			die("fsync", path);
	} else {
		while ((n = o->read(fd, iobuf, sizeof(iobuf))) > 0)
			nbytes += n;
		if (n < 0)
			die("read", path);
	}
	if (o->close(fd) != 0)
		die("close", path);
	nfiles = 1;
}

static pid_t fuse_pid;

static void run(const char *cmd)
{
	if (system(cmd) != 0) {
		errno = EIO;
		die("running", cmd);
	}
}

/* Mount the image for the side; returns the directory to work in. */
static const char *side_mount(const char *side, const char *img,
			      const char *mnt)
{
	char cmd[8192];
	struct stat st, parent;
	int error;

	if (strcmp(side, "rump") == 0) {
		o = &bops_rump;
		error = rump_pub_etfs_register("/dev/disk0", img,
					       RUMP_ETFS_BLK);
		if (error != 0) {
			errno = error;
			die("etfs_register", img);
		}
		if (rump_sys_mkdir("/mnt", 0755) != 0)
			die("mkdir", "/mnt");
		if (rump_sys_mount("/dev/disk0", "/mnt", "ext4", 0, "") != 0)
			die("mount ext4", img);
		return "/mnt";
	}
	o = &bops_host;
	if (strcmp(side, "host") == 0) {
		snprintf(cmd, sizeof(cmd), "mount -o loop -t ext4 '%s' '%s'",
			 img, mnt);
		run(cmd);
		return mnt;
	}
	if (strcmp(side, "fuse") != 0) {
		errno = EINVAL;
		die("side", side);
	}
	fuse_pid = fork();
	if (fuse_pid == 0) {
		execlp("fuse2fs", "fuse2fs", img, mnt, "-f", "-o", "rw",
		       (char *)NULL);
		_exit(127);
	}
	/* Mounted when the mount point's device differs from its parent's. */
	snprintf(cmd, sizeof(cmd), "%s/..", mnt);
	for (int i = 0; i < 10000; i++) {
		if (stat(mnt, &st) == 0 && stat(cmd, &parent) == 0 &&
		    st.st_dev != parent.st_dev)
			return mnt;
		usleep(1000);
	}
	errno = ETIMEDOUT;
	die("fuse2fs mount", mnt);
	return NULL;
}

static void side_unmount(const char *side, const char *mnt)
{
	char cmd[8192];
	int status;

	if (strcmp(side, "rump") == 0) {
		if (rump_sys_unmount("/mnt", 0) != 0)
			die("unmount", "/mnt");
		if (rump_pub_etfs_remove("/dev/disk0") != 0)
			die("etfs_remove", "/dev/disk0");
		return;
	}
	/* The unmount writes everything back (through the loop device or
	 * fuse2fs) into the image file, as the rump side's does; no global
	 * sync(), which would also flush the rest of the machine. */
	if (strcmp(side, "host") == 0) {
		snprintf(cmd, sizeof(cmd), "umount '%s'", mnt);
		run(cmd);
		return;
	}
	snprintf(cmd, sizeof(cmd), "fusermount -u '%s'", mnt);
	run(cmd);
	/* fuse2fs writes everything back before it exits. */
	if (waitpid(fuse_pid, &status, 0) != fuse_pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		errno = EIO;
		die("fuse2fs exit", mnt);
	}
}

int main(int argc, char **argv)
{
	const char *side, *work, *img, *src, *mnt, *dir;
	uint64_t t0, t1;

	if (argc != 6) {
		fprintf(stderr, "usage: ext2bench rump|host|fuse "
				"unpack|walk|seqwrite|seqread IMAGE SRCDIR "
				"MOUNTPOINT\n");
		return 2;
	}
	side = argv[1];
	work = argv[2];
	img = argv[3];
	src = argv[4];
	mnt = argv[5];
	if (strcmp(side, "rump") == 0 && rump_init() != 0) {
		errno = EIO;
		die("rump_init", "");
	}
	t0 = now_ns();
	dir = side_mount(side, img, mnt);
	if (strcmp(work, "unpack") == 0)
		unpack(src, dir);
	else if (strcmp(work, "walk") == 0)
		walk(dir);
	else if (strcmp(work, "seqwrite") == 0)
		seq(dir, true);
	else if (strcmp(work, "seqread") == 0)
		seq(dir, false);
	else {
		errno = EINVAL;
		die("workload", work);
	}
	side_unmount(side, mnt);
	t1 = now_ns();
	printf("bench: ns=%llu bytes=%lld files=%lld\n",
	       (unsigned long long)(t1 - t0), nbytes, nfiles);
	if (strcmp(side, "rump") == 0)
		rump_sys_reboot(RUMP_RB_HALT);
	return 0;
}
