/*
 * fsimage.c -- recognise an ext2/ext3/ext4 image by its superblock and
 * attach it to the running rump kernel through etfs (a block device on
 * the host file) and mount(2); detach unmounts and unregisters, so the
 * driver writes everything back and the image is clean on the host.
 * Only the superblock's magic and feature words are read here; the
 * driver itself judges the rest when it mounts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "fsimage.h"

/* The ext2 superblock: 1024 bytes at offset 1024. */
#define SB_OFFSET 1024
#define SB_MAGIC_OFF 0x38
#define SB_MAGIC 0xef53
#define SB_COMPAT_OFF 0x5c
#define SB_INCOMPAT_OFF 0x60
#define SB_ROCOMPAT_OFF 0x64
#define COMPAT_HAS_JOURNAL 0x4u
/* Features only ext4 has: extents, 64bit, mmp, flex_bg, ... */
#define INCOMPAT_EXT4 (0x40u | 0x80u | 0x100u | 0x200u | 0x400u | 0x1000u)
/* huge_file, gdt_csum, dir_nlink, extra_isize, metadata_csum */
#define ROCOMPAT_EXT4 (0x8u | 0x10u | 0x20u | 0x40u | 0x400u)

static uint32_t get_le(const unsigned char *p, int n)
{
	uint32_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

int fsimage_detect(const char *path, char *fstype, size_t fstypelen, char *why,
		   size_t whylen)
{
	unsigned char sb[1024];
	struct stat st;
	ssize_t n;
	int fd, error;
	uint32_t compat, incompat, rocompat;
	const char *t;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		error = errno;
		snprintf(why, whylen, "%s: %s", path, strerror(error));
		return error;
	}
	if (fstat(fd, &st) == -1 ||
	    (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
		close(fd);
		snprintf(why, whylen, "%s: not a regular file or block device",
			 path);
		return EINVAL;
	}
	n = pread(fd, sb, sizeof(sb), SB_OFFSET);
	error = errno;
	close(fd);
	if (n == -1) {
		snprintf(why, whylen, "%s: reading the superblock: %s", path,
			 strerror(error));
		return error;
	}
	if (n != (ssize_t)sizeof(sb)) {
		snprintf(why, whylen,
			 "%s: too small for a file system image (%lld bytes)",
			 path, (long long)st.st_size);
		return EINVAL;
	}
	if (get_le(sb + SB_MAGIC_OFF, 2) != SB_MAGIC) {
		snprintf(why, whylen,
			 "%s: unknown file system (no ext2/ext3/ext4 "
			 "superblock magic)",
			 path);
		return EINVAL;
	}
	compat = get_le(sb + SB_COMPAT_OFF, 4);
	incompat = get_le(sb + SB_INCOMPAT_OFF, 4);
	rocompat = get_le(sb + SB_ROCOMPAT_OFF, 4);
	if ((incompat & INCOMPAT_EXT4) != 0 || (rocompat & ROCOMPAT_EXT4) != 0)
		t = "ext4";
	else if ((compat & COMPAT_HAS_JOURNAL) != 0)
		t = "ext3";
	else
		t = "ext2";
	snprintf(fstype, fstypelen, "%s", t);
	return 0;
}

int fsimage_attach(struct fsimage *im, const char *path, bool rdonly, char *why,
		   size_t whylen)
{
	struct stat st;
	int error;

	memset(im, 0, sizeof(*im));
	im->path = path;
	im->rdonly = rdonly;
	error = fsimage_detect(path, im->fstype, sizeof(im->fstype), why,
			       whylen);
	if (error != 0)
		return error;
	if (!rdonly && access(path, W_OK) == -1) {
		error = errno;
		snprintf(why, whylen, "%s: not writable: %s", path,
			 strerror(error));
		return error;
	}
	error = rump_pub_etfs_register(FSIMAGE_DEV, path, RUMP_ETFS_BLK);
	if (error != 0) {
		snprintf(why, whylen, "%s: cannot attach as a disk: %s", path,
			 strerror(error));
		return error;
	}
	if (rump_sys_stat(FSIMAGE_MNT, &st) == -1 &&
	    rump_sys_mkdir(FSIMAGE_MNT, 0755) == -1) {
		error = errno;
		snprintf(why, whylen, "mkdir %s in the kernel: %s", FSIMAGE_MNT,
			 strerror(error));
		rump_pub_etfs_remove(FSIMAGE_DEV);
		return error;
	}
	if (rump_sys_mount(FSIMAGE_DEV, FSIMAGE_MNT, im->fstype,
			   rdonly ? MS_RDONLY : 0, "") == -1) {
		error = errno;
		snprintf(why, whylen,
			 "%s: cannot mount as %s%s: %s (corrupt image or "
			 "unsupported features?)",
			 path, im->fstype, rdonly ? " (read-only)" : "",
			 strerror(error));
		rump_pub_etfs_remove(FSIMAGE_DEV);
		return error;
	}
	im->mounted = true;
	return 0;
}

int fsimage_detach(struct fsimage *im, char *why, size_t whylen)
{
	int error;

	if (!im->mounted)
		return 0;
	if (rump_sys_unmount(FSIMAGE_MNT, 0) == -1) {
		error = errno;
		snprintf(why, whylen, "%s: unmount: %s", im->path,
			 strerror(error));
		/* Still mounted: the shutdown will try again. */
		return error;
	}
	im->mounted = false;
	error = rump_pub_etfs_remove(FSIMAGE_DEV);
	if (error != 0) {
		snprintf(why, whylen, "%s: detach: %s", im->path,
			 strerror(error));
		return error;
	}
	return 0;
}
