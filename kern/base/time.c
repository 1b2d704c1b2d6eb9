/*
 * time.c -- the kernel's clocks and sleep, read straight from the host's
 * clocks (a host with a virtual clock makes them deterministic).
 */
#include <rump/rumpuser.h>
#include <sys/systm.h>
#include <sys/time.h>

void getnanotime(struct timespec *ts)
{
	int64_t sec;
	long nsec;

	if (rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &sec, &nsec) != 0)
		sec = nsec = 0;
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
}

uint64_t getnsmono(void)
{
	int64_t sec;
	long nsec;

	if (rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &sec, &nsec) != 0)
		return 0;
	return (uint64_t)sec * NSEC_PER_SEC + (uint64_t)nsec;
}

int kpause_ns(uint64_t nsec)
{
	return rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL,
				    (int64_t)(nsec / NSEC_PER_SEC),
				    (long)(nsec % NSEC_PER_SEC));
}
