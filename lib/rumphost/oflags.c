/*
 * oflags.c -- open(2) flags between the host's O_* and the kernel's
 * RUMP_O_* (NetBSD's values), for open, openat, pipe2, dup3 and fcntl's
 * F_SETFL/F_GETFL.  Host flags the kernel cannot honour are EINVAL rather
 * than silently ignored, so a program learns that O_PATH or O_TMPFILE did
 * not do what it asked.
 */
#include <errno.h>
#include <fcntl.h>

#include <rump/rumpdefs.h>
#include <rump/rumphost.h>

#include "bits.h"

/* O_SYNC before O_DSYNC: Linux's O_SYNC includes O_DSYNC's bit. */
static const struct rumphost_bits oflags[] = {
	{O_SYNC, RUMP_O_SYNC},
	{O_DSYNC, RUMP_O_DSYNC},
#if defined(O_RSYNC) && O_RSYNC != O_SYNC
	{O_RSYNC, RUMP_O_RSYNC},
#endif
	{O_NONBLOCK, RUMP_O_NONBLOCK},
	{O_APPEND, RUMP_O_APPEND},
	{O_NOFOLLOW, RUMP_O_NOFOLLOW},
	{O_CREAT, RUMP_O_CREAT},
	{O_TRUNC, RUMP_O_TRUNC},
	{O_EXCL, RUMP_O_EXCL},
	{O_NOCTTY, RUMP_O_NOCTTY},
	{O_DIRECTORY, RUMP_O_DIRECTORY},
	{O_CLOEXEC, RUMP_O_CLOEXEC},
#ifdef O_DIRECT
	{O_DIRECT, RUMP_O_DIRECT},
#endif
#ifdef O_NOATIME
	{O_NOATIME, RUMP_O_NOATIME},
#endif
#if defined(O_LARGEFILE) && O_LARGEFILE != 0
	{O_LARGEFILE, 0},
#endif
};

static const struct rumphost_bits accmodes[] = {
	{O_RDONLY, RUMP_O_RDONLY},
	{O_WRONLY, RUMP_O_WRONLY},
	{O_RDWR, RUMP_O_RDWR},
};

int rumphost_oflags_to_kernel(int host, int64_t *kernel)
{
	uint64_t mode, rest;
	int error;

#ifdef O_PATH
	if ((host & O_PATH) != 0)
		return EINVAL;
#endif
#ifdef O_TMPFILE
	if ((host & O_TMPFILE) == O_TMPFILE)
		return EINVAL;
#endif
	error = rumphost_value_to_kernel(accmodes, RUMPHOST_NBITS(accmodes),
					 (unsigned)host & O_ACCMODE, &mode);
	if (error != 0)
		return error;
	error = rumphost_bits_to_kernel(oflags, RUMPHOST_NBITS(oflags),
					(unsigned)host & ~(unsigned)O_ACCMODE,
					&rest);
	if (error != 0)
		return error;
	*kernel = (int64_t)(mode | rest);
	return 0;
}

int rumphost_oflags_to_host(int64_t kernel, int *host)
{
	uint64_t mode = O_RDWR, rest;

	/* A kernel access mode the host lacks (none today) reads as O_RDWR. */
	(void)rumphost_value_to_host(accmodes, RUMPHOST_NBITS(accmodes),
				     (uint64_t)kernel & RUMP_O_ACCMODE, &mode);
	rest = (uint64_t)kernel & ~(uint64_t)RUMP_O_ACCMODE;
	*host = (int)(mode | rumphost_bits_to_host(
				     oflags, RUMPHOST_NBITS(oflags), rest));
	return 0;
}
