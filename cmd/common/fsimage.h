/*
 * fsimage.h -- what the image tools (rumpfs, rump_fuse) share: recognise
 * the file system in a host image file from its superblock, and attach it
 * to a booted rump kernel (etfs block device + mount) and detach it
 * cleanly.  Every function returns 0 or an errno and, on failure, writes
 * a one-line reason for the user into the caller's buffer.
 */
#ifndef RUMPKIT_CMD_FSIMAGE_H_
#define RUMPKIT_CMD_FSIMAGE_H_
#include <stdbool.h>
#include <stddef.h>

/* The device key and the mount point inside the kernel. */
#define FSIMAGE_DEV "/dev/fsimage0"
#define FSIMAGE_MNT "/image"

struct fsimage {
	const char *path; /* the host file */
	char fstype[8];	  /* "ext2", "ext3" or "ext4" (from the image) */
	bool rdonly;	  /* mounted read-only */
	bool mounted;
};

/* Recognise the file system of the host file path: fills fstype. */
int fsimage_detect(const char *path, char *fstype, size_t fstypelen, char *why,
		   size_t whylen);

/* Detect, register and mount im->path on FSIMAGE_MNT (the kernel must be
 * booted).  rdonly mounts read-only (the image file may then be
 * read-only on the host too). */
int fsimage_attach(struct fsimage *im, const char *path, bool rdonly, char *why,
		   size_t whylen);

/* Unmount and unregister; the file system is synced and clean after. */
int fsimage_detach(struct fsimage *im, char *why, size_t whylen);

#endif
