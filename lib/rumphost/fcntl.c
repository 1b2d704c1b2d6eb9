/*
 * fcntl.c -- the descriptor-level values of fcntl(2), lseek(2) and
 * flock(2): fcntl commands, descriptor flags, struct flock, whence and the
 * flock operation.  Linux and NetBSD agree on most of these numbers but
 * not on F_GETLK..F_SETLKW, F_DUPFD_CLOEXEC or the lock types, and the
 * tables say which by name on either side.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <rump/rumpdefs.h>
#include <rump/rumphost.h>

#include "bits.h"

static const struct rumphost_bits fcntlcmds[] = {
	{F_DUPFD, RUMP_F_DUPFD},   {F_DUPFD_CLOEXEC, RUMP_F_DUPFD_CLOEXEC},
	{F_GETFD, RUMP_F_GETFD},   {F_SETFD, RUMP_F_SETFD},
	{F_GETFL, RUMP_F_GETFL},   {F_SETFL, RUMP_F_SETFL},
	{F_GETLK, RUMP_F_GETLK},   {F_SETLK, RUMP_F_SETLK},
	{F_SETLKW, RUMP_F_SETLKW},
};

static const struct rumphost_bits locktypes[] = {
	{F_RDLCK, RUMP_F_RDLCK},
	{F_WRLCK, RUMP_F_WRLCK},
	{F_UNLCK, RUMP_F_UNLCK},
};

static const struct rumphost_bits whences[] = {
	{SEEK_SET, RUMP_SEEK_SET},   {SEEK_CUR, RUMP_SEEK_CUR},
	{SEEK_END, RUMP_SEEK_END},
#ifdef SEEK_DATA
	{SEEK_DATA, RUMP_SEEK_DATA},
#endif
#ifdef SEEK_HOLE
	{SEEK_HOLE, RUMP_SEEK_HOLE},
#endif
};

static const struct rumphost_bits lockops[] = {
	{LOCK_SH, RUMP_LOCK_SH},
	{LOCK_EX, RUMP_LOCK_EX},
	{LOCK_UN, RUMP_LOCK_UN},
	{LOCK_NB, RUMP_LOCK_NB},
};

static int value_to_kernel(const struct rumphost_bits *t, size_t n, int host,
			   int64_t *kernel)
{
	uint64_t k;
	int error;

	error = rumphost_value_to_kernel(t, n, (uint64_t)(int64_t)host, &k);
	if (error == 0)
		*kernel = (int64_t)k;
	return error;
}

static int value_to_host(const struct rumphost_bits *t, size_t n,
			 int64_t kernel, int *host)
{
	uint64_t h;
	int error;

	error = rumphost_value_to_host(t, n, (uint64_t)kernel, &h);
	if (error == 0)
		*host = (int)h;
	return error;
}

int rumphost_fcntlcmd_to_kernel(int host, int64_t *kernel)
{
	return value_to_kernel(fcntlcmds, RUMPHOST_NBITS(fcntlcmds), host,
			       kernel);
}

int rumphost_fdflags_to_kernel(int host, int64_t *kernel)
{
	*kernel = (host & FD_CLOEXEC) != 0 ? RUMP_FD_CLOEXEC : 0;
	return 0;
}

int rumphost_fdflags_to_host(int64_t kernel, int *host)
{
	*host = (kernel & RUMP_FD_CLOEXEC) != 0 ? FD_CLOEXEC : 0;
	return 0;
}

int rumphost_whence_to_kernel(int host, int64_t *kernel)
{
	return value_to_kernel(whences, RUMPHOST_NBITS(whences), host, kernel);
}

int rumphost_whence_to_host(int64_t kernel, int *host)
{
	return value_to_host(whences, RUMPHOST_NBITS(whences), kernel, host);
}

/* One of LOCK_SH, LOCK_EX, LOCK_UN, with or without LOCK_NB. */
int rumphost_lockop_to_kernel(int host, int64_t *kernel)
{
	uint64_t k;
	int error;

	error = rumphost_bits_to_kernel(lockops, RUMPHOST_NBITS(lockops),
					(unsigned)host, &k);
	if (error != 0)
		return error;
	*kernel = (int64_t)k;
	return 0;
}

int rumphost_flock_to_kernel(const struct flock *host,
			     struct rump_flock *kernel)
{
	int64_t type, whence;
	int error;

	error = value_to_kernel(locktypes, RUMPHOST_NBITS(locktypes),
				host->l_type, &type);
	if (error == 0)
		error = rumphost_whence_to_kernel(host->l_whence, &whence);
	if (error != 0)
		return error;
	memset(kernel, 0, sizeof(*kernel));
	kernel->l_start = host->l_start;
	kernel->l_len = host->l_len;
	kernel->l_pid = host->l_pid;
	kernel->l_type = (int16_t)type;
	kernel->l_whence = (int16_t)whence;
	return 0;
}

int rumphost_flock_to_host(const struct rump_flock *kernel, struct flock *host)
{
	int type, whence, overflow = 0;
	int error;

	error = value_to_host(locktypes, RUMPHOST_NBITS(locktypes),
			      kernel->l_type, &type);
	if (error == 0)
		error = rumphost_whence_to_host(kernel->l_whence, &whence);
	if (error != 0)
		return error;
	memset(host, 0, sizeof(*host));
	RUMPHOST_ASSIGN_S(host->l_start, kernel->l_start, overflow);
	RUMPHOST_ASSIGN_S(host->l_len, kernel->l_len, overflow);
	host->l_pid = kernel->l_pid;
	host->l_type = (short)type;
	host->l_whence = (short)whence;
	return overflow;
}
