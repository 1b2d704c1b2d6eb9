/*
 * mount.c -- mount(2) and umount2(2) flags, fallocate's mode and struct
 * statvfs.  Linux's MS_* flags mix per-mount options, which map to
 * RUMP_MNT_*, with operations (remount, bind, move, propagation) that a
 * rump kernel's mount does not have: those are EINVAL.
 */
#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <rump/rumpdefs.h>
#include <rump/rumphost.h>

#include "bits.h"

/* The magic number that old programs put in the high 16 bits of flags. */
#define HOST_MS_MGC_MSK 0xffff0000UL
#define HOST_MS_MGC_VAL 0xc0ed0000UL

static const struct rumphost_bits mountflags[] = {
	{MS_RDONLY, RUMP_MNT_RDONLY},
	{MS_NOSUID, RUMP_MNT_NOSUID},
	{MS_NODEV, RUMP_MNT_NODEV},
	{MS_NOEXEC, RUMP_MNT_NOEXEC},
	{MS_SYNCHRONOUS, RUMP_MNT_SYNCHRONOUS},
	{MS_NOATIME, RUMP_MNT_NOATIME},
	{MS_SILENT, 0},
};

static const struct rumphost_bits statvfsflags[] = {
	{ST_RDONLY, RUMP_MNT_RDONLY},
	{ST_NOSUID, RUMP_MNT_NOSUID},
#ifdef ST_NODEV
	{ST_NODEV, RUMP_MNT_NODEV},
#endif
#ifdef ST_NOEXEC
	{ST_NOEXEC, RUMP_MNT_NOEXEC},
#endif
#ifdef ST_SYNCHRONOUS
	{ST_SYNCHRONOUS, RUMP_MNT_SYNCHRONOUS},
#endif
#ifdef ST_NOATIME
	{ST_NOATIME, RUMP_MNT_NOATIME},
#endif
};

int rumphost_mountflags_to_kernel(unsigned long host, uint64_t *kernel)
{
	if ((host & HOST_MS_MGC_MSK) == HOST_MS_MGC_VAL)
		host &= ~HOST_MS_MGC_MSK;
	return rumphost_bits_to_kernel(mountflags, RUMPHOST_NBITS(mountflags),
				       host, kernel);
}

int rumphost_umountflags_to_kernel(int host, int64_t *kernel)
{
	if ((host & ~MNT_FORCE) != 0)
		return EINVAL;
	*kernel = (host & MNT_FORCE) != 0 ? RUMP_MNT_FORCE : 0;
	return 0;
}

int rumphost_fallocmode_to_kernel(int host, int64_t *kernel)
{
	if (host != 0)
		return EOPNOTSUPP;
	*kernel = 0;
	return 0;
}

int rumphost_statvfs_to_kernel(const struct statvfs *host,
			       struct rump_statvfs *kernel)
{
	uint64_t known = 0, flag = 0;

	/* ST_* bits the kernel lacks (ST_RELATIME ...) are left out. */
	for (size_t i = 0; i < RUMPHOST_NBITS(statvfsflags); i++)
		known |= statvfsflags[i].host;
	(void)rumphost_bits_to_kernel(statvfsflags,
				      RUMPHOST_NBITS(statvfsflags),
				      host->f_flag & known, &flag);
	memset(kernel, 0, sizeof(*kernel));
	kernel->f_flag = flag;
	kernel->f_bsize = host->f_bsize;
	kernel->f_frsize = host->f_frsize;
	kernel->f_blocks = host->f_blocks;
	kernel->f_bfree = host->f_bfree;
	kernel->f_bavail = host->f_bavail;
	kernel->f_files = host->f_files;
	kernel->f_ffree = host->f_ffree;
	kernel->f_favail = host->f_favail;
	kernel->f_fsid = host->f_fsid;
	kernel->f_namemax = host->f_namemax;
	return 0;
}

int rumphost_statvfs_to_host(const struct rump_statvfs *kernel,
			     struct statvfs *host)
{
	int overflow = 0;

	memset(host, 0, sizeof(*host));
	host->f_flag = rumphost_bits_to_host(
		statvfsflags, RUMPHOST_NBITS(statvfsflags), kernel->f_flag);
	RUMPHOST_ASSIGN_U(host->f_bsize, kernel->f_bsize, overflow);
	RUMPHOST_ASSIGN_U(host->f_frsize, kernel->f_frsize, overflow);
	RUMPHOST_ASSIGN_U(host->f_blocks, kernel->f_blocks, overflow);
	RUMPHOST_ASSIGN_U(host->f_bfree, kernel->f_bfree, overflow);
	RUMPHOST_ASSIGN_U(host->f_bavail, kernel->f_bavail, overflow);
	RUMPHOST_ASSIGN_U(host->f_files, kernel->f_files, overflow);
	RUMPHOST_ASSIGN_U(host->f_ffree, kernel->f_ffree, overflow);
	RUMPHOST_ASSIGN_U(host->f_favail, kernel->f_favail, overflow);
	/* f_fsid is an identifier, not a quantity: truncate, never fail. */
	host->f_fsid = (unsigned long)kernel->f_fsid;
	RUMPHOST_ASSIGN_U(host->f_namemax, kernel->f_namemax, overflow);
	return overflow;
}
