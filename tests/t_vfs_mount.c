/*
 * t_vfs_mount.c -- the mount table: mounting tmpfs (root only, a
 * directory target, known types), ".." across mount points, stacked
 * mounts, EBUSY while a working directory or an open file is inside,
 * forced unmount (the open file's vnode goes dead), nested mounts,
 * read-only mounts (EROFS), statvfs, EXDEV between mounts, and a kernel
 * halted with mounts and files left, which must still free everything.
 */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "testlib.h"

extern int rump_component_link_vfs, rump_component_link_tmpfs;

static void stat_of(const char *path, struct stat *st)
{
	CHECK_SYS(rump_sys_stat(path, st));
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	stat_of(a, &sa);
	stat_of(b, &sb);
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void mount_errors(void)
{
	CHECK_SYS(rump_sys_mkdir("/mnt", 0755));
	CHECK_SYS(rump_sys_mknod("/file", S_IFREG | 0644, 0));
	CHECK_ERRNO(rump_sys_mount("x", "/mnt", "nosuchfs", 0, NULL), ENODEV);
	CHECK_ERRNO(rump_sys_mount("x", "/nonexistent", "tmpfs", 0, NULL),
		    ENOENT);
	CHECK_ERRNO(rump_sys_mount("x", "/file", "tmpfs", 0, NULL), ENOTDIR);
	CHECK_ERRNO(rump_sys_mount("x", NULL, "tmpfs", 0, NULL), EFAULT);
	CHECK_ERRNO(rump_sys_mount("x", "/mnt", "tmpfs", 0, "bogus=1"), EINVAL);
	CHECK_ERRNO(rump_sys_umount2("/dev", 0), EINVAL);
	CHECK_ERRNO(rump_sys_umount2("/", 0), EBUSY);
	CHECK_ERRNO(rump_sys_mount("x", "/", "tmpfs", 0, NULL), EBUSY);
	CHECK_ERRNO(rump_sys_umount2("/nonexistent", 0), ENOENT);

	/* Only root mounts and unmounts. */
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	CHECK_SYS(rump_sys_setuid(1000));
	CHECK_ERRNO(rump_sys_mount("x", "/mnt", "tmpfs", 0, NULL), EPERM);
	CHECK_ERRNO(rump_sys_umount2("/", 0), EPERM);
	rump_pub_lwproc_releaselwp();
}

static void dotdot_and_busy(void)
{
	struct stat sroot, smnt;
	char buf[256];

	CHECK_SYS(rump_sys_mount("tmpfs", "/mnt", "tmpfs", 0, "size=1m"));
	stat_of("/", &sroot);
	stat_of("/mnt", &smnt);
	CHECK(smnt.st_dev != sroot.st_dev);
	CHECK_SYS(rump_sys_mkdir("/mnt/d", 0755));
	CHECK(same_file("/mnt/d/..", "/mnt"));
	CHECK(same_file("/mnt/..", "/"));
	CHECK(same_file("/mnt/d/../../dev", "/dev"));

	/* A working directory inside keeps it busy. */
	CHECK_SYS(rump_sys_chdir("/mnt/d"));
	CHECK(rump_sys_getcwd(buf, sizeof(buf)) != NULL);
	CHECK(strcmp(buf, "/mnt/d") == 0);
	CHECK(same_file("../..", "/"));
	CHECK_ERRNO(rump_sys_umount2("/mnt", 0), EBUSY);
	CHECK_SYS(rump_sys_chdir("/"));
	CHECK_SYS(rump_sys_umount2("/mnt", 0));
	CHECK_ERRNO(rump_sys_stat("/mnt/d", &smnt), ENOENT);
	CHECK(same_file("/mnt/..", "/"));
	stat_of("/mnt", &smnt);
	CHECK_EQ(smnt.st_dev, sroot.st_dev);
}

static void open_file_busy(void)
{
	struct lwp *parent, *child;
	struct stat st;
	int fd;

	CHECK_SYS(rump_sys_mount("tmpfs", "/mnt", "tmpfs", 0, NULL));
	parent = rump_pub_lwproc_curlwp();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	child = rump_pub_lwproc_curlwp();
	fd = (int)CHECK_SYS(rump_sys_open("/mnt/f", O_CREAT | O_RDWR, 0644));
	rump_pub_lwproc_switch(parent);
	CHECK_ERRNO(rump_sys_umount2("/mnt", 0), EBUSY);
	/* Forced: the open file's vnode is dead, the mount gone. */
	CHECK_SYS(rump_sys_unmount("/mnt", RUMP_MNT_FORCE));
	CHECK_ERRNO(rump_sys_stat("/mnt/f", &st), ENOENT);
	rump_pub_lwproc_switch(child);
	CHECK_ERRNO(rump_sys_fstat(fd, &st), EBADF);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(parent);

	/* The same with the process exiting first: then it is free. */
	CHECK_SYS(rump_sys_mount("tmpfs", "/mnt", "tmpfs", 0, NULL));
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	CHECK_SYS(rump_sys_open("/mnt/f", O_CREAT | O_RDWR, 0644));
	CHECK_SYS(rump_sys_chdir("/mnt"));
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(parent);
	CHECK_SYS(rump_sys_umount2("/mnt", 0));
}

static void stacked_and_nested(void)
{
	struct stat s1, s2, s3;

	CHECK_SYS(rump_sys_mount("one", "/mnt", "tmpfs", 0, NULL));
	CHECK_SYS(rump_sys_mkdir("/mnt/one", 0755));
	stat_of("/mnt", &s1);
	CHECK_SYS(rump_sys_mount("two", "/mnt", "tmpfs", 0, NULL));
	stat_of("/mnt", &s2);
	CHECK(s1.st_dev != s2.st_dev);
	CHECK_ERRNO(rump_sys_stat("/mnt/one", &s3), ENOENT);
	CHECK(same_file("/mnt/..", "/"));
	/* A mount inside the top one keeps both busy. */
	CHECK_SYS(rump_sys_mkdir("/mnt/sub", 0755));
	CHECK_SYS(rump_sys_mount("three", "/mnt/sub", "tmpfs", 0, NULL));
	CHECK(same_file("/mnt/sub/..", "/mnt"));
	CHECK_ERRNO(rump_sys_umount2("/mnt", 0), EBUSY);
	CHECK_ERRNO(rump_sys_umount2("/mnt", MNT_FORCE), EBUSY);
	CHECK_SYS(rump_sys_umount2("/mnt/sub", 0));
	CHECK_SYS(rump_sys_umount2("/mnt", 0));
	CHECK_SYS(rump_sys_stat("/mnt/one", &s3));
	CHECK_SYS(rump_sys_umount2("/mnt", 0));
	stat_of("/mnt", &s3);
	stat_of("/", &s1);
	CHECK_EQ(s3.st_dev, s1.st_dev);
}

static void readonly_and_statvfs(void)
{
	struct statvfs sv, svroot;
	struct stat st;

	CHECK_SYS(rump_sys_mount("tmpfs", "/mnt", "tmpfs", 0, "size=4m"));
	CHECK_SYS(rump_sys_mkdir("/mnt/d", 0755));
	CHECK_SYS(rump_sys_mknod("/mnt/f", S_IFREG | 0644, 0));
	CHECK_SYS(rump_sys_statvfs("/mnt/d", &sv));
	CHECK_SYS(rump_sys_statvfs("/", &svroot));
	CHECK(sv.f_fsid != svroot.f_fsid);
	CHECK(sv.f_bsize > 0);
	CHECK(sv.f_blocks > 0);
	CHECK(!(sv.f_flag & ST_RDONLY));
	CHECK_EQ(sv.f_namemax, 255);
	/* EXDEV between mounts. */
	CHECK_ERRNO(rump_sys_rename("/mnt/f", "/f2"), EXDEV);
	CHECK_ERRNO(rump_sys_link("/mnt/f", "/f2"), EXDEV);
	CHECK_ERRNO(rump_sys_rename("/mnt", "/mnt2"), EBUSY);
	CHECK_ERRNO(rump_sys_rmdir("/mnt"), EBUSY);
	CHECK_SYS(rump_sys_umount2("/mnt", 0));

	CHECK_SYS(rump_sys_mkdir("/ro", 0755));
	CHECK_SYS(rump_sys_mount("tmpfs", "/ro", "tmpfs", MS_RDONLY, NULL));
	CHECK_SYS(rump_sys_statvfs("/ro", &sv));
	CHECK(sv.f_flag & ST_RDONLY);
	CHECK_ERRNO(rump_sys_mkdir("/ro/x", 0755), EROFS);
	CHECK_ERRNO(rump_sys_open("/ro/x", O_CREAT | O_RDWR, 0644), EROFS);
	CHECK_ERRNO(rump_sys_mknod("/ro/x", S_IFIFO | 0644, 0), EROFS);
	CHECK_ERRNO(rump_sys_symlink("a", "/ro/x"), EROFS);
	CHECK_ERRNO(rump_sys_unlink("/ro/x"), EROFS);
	CHECK_ERRNO(rump_sys_chmod("/ro", 0777), EROFS);
	CHECK_ERRNO(rump_sys_chown("/ro", 1, 1), EROFS);
	CHECK_ERRNO(rump_sys_utimes("/ro", NULL), EROFS);
	CHECK_ERRNO(rump_sys_open("/ro", O_RDWR), EISDIR);
	CHECK_ERRNO(rump_sys_access("/ro", W_OK), EROFS);
	CHECK_SYS(rump_sys_access("/ro", R_OK | X_OK));
	CHECK_SYS(rump_sys_open("/ro", O_RDONLY | O_DIRECTORY));
	CHECK_SYS(rump_sys_stat("/ro", &st));
	/* Left mounted, with a descriptor open: shutdown unmounts it. */
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(120);
	CHECK(rump_component_link_vfs && rump_component_link_tmpfs);
	test_boot();
	mount_errors();
	dotdot_and_busy();
	open_file_busy();
	stacked_and_nested();
	readonly_and_statvfs();
	/* Mounts and files left behind on purpose. */
	CHECK_SYS(rump_sys_mkdir("/left", 0755));
	CHECK_SYS(rump_sys_mount("tmpfs", "/left", "tmpfs", 0, NULL));
	CHECK_SYS(rump_sys_open("/left/f", O_CREAT | O_RDWR, 0644));
	CHECK_SYS(rump_sys_chdir("/left"));
	test_halt();
	test_log("ok");
	return 0;
}
