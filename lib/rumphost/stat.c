/*
 * stat.c -- struct stat between the host's layout and the kernel's struct
 * rump_stat.  Mode bits and file types have the same values on every Unix
 * and pass as they are; times keep their nanoseconds.  A kernel value that
 * the host's field cannot hold is EOVERFLOW, as stat(2) reports it.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <rump/rumphost.h>

#include "bits.h"

int rumphost_stat_to_kernel(const struct stat *host, struct rump_stat *kernel)
{
	memset(kernel, 0, sizeof(*kernel));
	kernel->st_dev = host->st_dev;
	kernel->st_ino = host->st_ino;
	kernel->st_mode = host->st_mode;
	kernel->st_nlink = (uint32_t)host->st_nlink;
	kernel->st_uid = host->st_uid;
	kernel->st_gid = host->st_gid;
	kernel->st_rdev = host->st_rdev;
	kernel->st_size = host->st_size;
	kernel->st_blocks = host->st_blocks;
	kernel->st_blksize = (int32_t)host->st_blksize;
	kernel->st_atim.tv_sec = host->st_atim.tv_sec;
	kernel->st_atim.tv_nsec = host->st_atim.tv_nsec;
	kernel->st_mtim.tv_sec = host->st_mtim.tv_sec;
	kernel->st_mtim.tv_nsec = host->st_mtim.tv_nsec;
	kernel->st_ctim.tv_sec = host->st_ctim.tv_sec;
	kernel->st_ctim.tv_nsec = host->st_ctim.tv_nsec;
	return 0;
}

int rumphost_stat_to_host(const struct rump_stat *kernel, struct stat *host)
{
	int overflow = 0;

	memset(host, 0, sizeof(*host));
	RUMPHOST_ASSIGN_U(host->st_dev, kernel->st_dev, overflow);
	RUMPHOST_ASSIGN_U(host->st_ino, kernel->st_ino, overflow);
	RUMPHOST_ASSIGN_U(host->st_mode, kernel->st_mode, overflow);
	RUMPHOST_ASSIGN_U(host->st_nlink, kernel->st_nlink, overflow);
	RUMPHOST_ASSIGN_U(host->st_uid, kernel->st_uid, overflow);
	RUMPHOST_ASSIGN_U(host->st_gid, kernel->st_gid, overflow);
	RUMPHOST_ASSIGN_U(host->st_rdev, kernel->st_rdev, overflow);
	RUMPHOST_ASSIGN_S(host->st_size, kernel->st_size, overflow);
	RUMPHOST_ASSIGN_S(host->st_blocks, kernel->st_blocks, overflow);
	RUMPHOST_ASSIGN_S(host->st_blksize, kernel->st_blksize, overflow);
	RUMPHOST_ASSIGN_S(host->st_atim.tv_sec, kernel->st_atim.tv_sec,
			  overflow);
	host->st_atim.tv_nsec = kernel->st_atim.tv_nsec;
	RUMPHOST_ASSIGN_S(host->st_mtim.tv_sec, kernel->st_mtim.tv_sec,
			  overflow);
	host->st_mtim.tv_nsec = kernel->st_mtim.tv_nsec;
	RUMPHOST_ASSIGN_S(host->st_ctim.tv_sec, kernel->st_ctim.tv_sec,
			  overflow);
	host->st_ctim.tv_nsec = kernel->st_ctim.tv_nsec;
	return overflow;
}
