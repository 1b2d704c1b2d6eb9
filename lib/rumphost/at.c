/*
 * at.c -- the directory descriptor and the AT_* flags of the *at() calls.
 * Linux gives AT_EACCESS (faccessat) and AT_REMOVEDIR (unlinkat) the same
 * value, so each of those calls has its own flag set; the other calls share
 * one.  The kernel checks which flags a call accepts (EINVAL otherwise).
 */
#include <errno.h>
#include <fcntl.h>

#include <rump/rumpdefs.h>
#include <rump/rumphost.h>

#include "bits.h"

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0
#endif

/* AT_NO_AUTOMOUNT maps to nothing: a rump kernel has no automounts. */
static const struct rumphost_bits atflags[] = {
	{AT_SYMLINK_NOFOLLOW, RUMP_AT_SYMLINK_NOFOLLOW},
	{AT_SYMLINK_FOLLOW, RUMP_AT_SYMLINK_FOLLOW},
	{AT_EMPTY_PATH, RUMP_AT_EMPTY_PATH},
#ifdef AT_NO_AUTOMOUNT
	{AT_NO_AUTOMOUNT, 0},
#endif
};

static const struct rumphost_bits faccessatflags[] = {
	{AT_EACCESS, RUMP_AT_EACCESS},
	{AT_SYMLINK_NOFOLLOW, RUMP_AT_SYMLINK_NOFOLLOW},
	{AT_EMPTY_PATH, RUMP_AT_EMPTY_PATH},
};

static const struct rumphost_bits unlinkatflags[] = {
	{AT_REMOVEDIR, RUMP_AT_REMOVEDIR},
};

int rumphost_dirfd_to_kernel(int host, int64_t *kernel)
{
	*kernel = host == AT_FDCWD ? RUMP_AT_FDCWD : host;
	return 0;
}

static int flags_to_kernel(const struct rumphost_bits *t, size_t n, int host,
			   int64_t *kernel)
{
	uint64_t k;
	int error;

	error = rumphost_bits_to_kernel(t, n, (unsigned)host, &k);
	if (error == 0)
		*kernel = (int64_t)k;
	return error;
}

int rumphost_atflags_to_kernel(int host, int64_t *kernel)
{
	return flags_to_kernel(atflags, RUMPHOST_NBITS(atflags), host, kernel);
}

int rumphost_faccessatflags_to_kernel(int host, int64_t *kernel)
{
	return flags_to_kernel(faccessatflags, RUMPHOST_NBITS(faccessatflags),
			       host, kernel);
}

int rumphost_unlinkatflags_to_kernel(int host, int64_t *kernel)
{
	return flags_to_kernel(unlinkatflags, RUMPHOST_NBITS(unlinkatflags),
			       host, kernel);
}
