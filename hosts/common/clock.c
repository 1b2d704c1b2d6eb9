/*
 * clock.c -- reading the host's clocks: RUMPUSER_CLOCK_RELWALL names the
 * wall clock (time since the epoch), RUMPUSER_CLOCK_ABSMONO the monotonic
 * one.  Never blocks; fails only with EINVAL for an unknown clock.
 */
#include <time.h>

#include "host.h"

int rumpuser_clock_gettime(int clock, int64_t *secp, long *nsecp)
{
	struct timespec ts;
	clockid_t id;

	if (rumpuser__vclock_get(clock, secp, nsecp))
		return 0;
	if (clock == RUMPUSER_CLOCK_RELWALL)
		id = CLOCK_REALTIME;
	else if (clock == RUMPUSER_CLOCK_ABSMONO)
		id = CLOCK_MONOTONIC;
	else
		return RUMP_EINVAL;
	if (clock_gettime(id, &ts) == -1)
		return rumpuser__kerrno(errno);
	*secp = ts.tv_sec;
	*nsecp = ts.tv_nsec;
	return 0;
}
