/*
 * time.c -- struct timeval and struct timespec.  In a timespec, tv_nsec
 * may be UTIME_NOW or UTIME_OMIT (utimensat, futimens); those are
 * translated by name, every other value passes as it is (the kernel
 * checks the range).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include <rump/rumpdefs.h>
#include <rump/rumphost.h>

#include "bits.h"

int rumphost_timeval_to_kernel(const struct timeval *host,
			       struct rump_timeval *kernel)
{
	memset(kernel, 0, sizeof(*kernel));
	kernel->tv_sec = host->tv_sec;
	kernel->tv_usec = host->tv_usec;
	return 0;
}

int rumphost_timeval_to_host(const struct rump_timeval *kernel,
			     struct timeval *host)
{
	int overflow = 0;

	memset(host, 0, sizeof(*host));
	RUMPHOST_ASSIGN_S(host->tv_sec, kernel->tv_sec, overflow);
	RUMPHOST_ASSIGN_S(host->tv_usec, kernel->tv_usec, overflow);
	return overflow;
}

int rumphost_timespec_to_kernel(const struct timespec *host,
				struct rump_timespec *kernel)
{
	memset(kernel, 0, sizeof(*kernel));
	kernel->tv_sec = host->tv_sec;
	if (host->tv_nsec == UTIME_NOW)
		kernel->tv_nsec = RUMP_UTIME_NOW;
	else if (host->tv_nsec == UTIME_OMIT)
		kernel->tv_nsec = RUMP_UTIME_OMIT;
	else
		kernel->tv_nsec = host->tv_nsec;
	return 0;
}

int rumphost_timespec_to_host(const struct rump_timespec *kernel,
			      struct timespec *host)
{
	int overflow = 0;

	memset(host, 0, sizeof(*host));
	RUMPHOST_ASSIGN_S(host->tv_sec, kernel->tv_sec, overflow);
	if (kernel->tv_nsec == RUMP_UTIME_NOW)
		host->tv_nsec = UTIME_NOW;
	else if (kernel->tv_nsec == RUMP_UTIME_OMIT)
		host->tv_nsec = UTIME_OMIT;
	else
		RUMPHOST_ASSIGN_S(host->tv_nsec, kernel->tv_nsec, overflow);
	return overflow;
}
