/*
 * sleep.c -- rumpuser_clock_sleep() with the virtual CPU released.  A
 * relative sleep is on the wall clock's rate, an absolute one on the
 * monotonic clock.  Interrupted sleeps are resumed, so it never returns early.
 */
#include <time.h>

#include "posix.h"

int rumpuser_clock_sleep(int clock, int64_t sec, long nsec)
{
	struct timespec ts = {.tv_sec = sec, .tv_nsec = nsec};
	int rv;

	if (clock != RUMPUSER_CLOCK_RELWALL && clock != RUMPUSER_CLOCK_ABSMONO)
		return RUMP_EINVAL;
	if (nsec < 0 || nsec >= 1000000000)
		return RUMP_EINVAL;
	if (sec < 0)
		return 0; /* already past */
	rumpuser__sp_willblock();
	rumpuser__block_begin();
	if (clock == RUMPUSER_CLOCK_RELWALL) {
		while ((rv = nanosleep(&ts, &ts)) == -1 && errno == EINTR)
			continue;
		rv = rv == -1 ? errno : 0;
	} else {
		while ((rv = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
					     &ts, NULL)) == EINTR)
			continue;
	}
	rumpuser__block_end();
	return rumpuser__kerrno(rv);
}
