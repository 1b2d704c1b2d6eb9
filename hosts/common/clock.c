/*
 * clock.c -- reading the host's clocks: RUMPUSER_CLOCK_RELWALL names the
 * wall clock (time since the epoch), RUMPUSER_CLOCK_ABSMONO the monotonic
 * one.  Never blocks; fails only with EINVAL for an unknown clock.
 *
 * With RUMP_VIRTUAL_CLOCK=1 (read at the first call) both clocks are
 * virtual and stand still until the host moves them: the fiber host, when
 * every fiber waits, jumps to the earliest deadline instead of sleeping
 * (rumpuser__vclock_advance), so timers fire in a fixed order at exact
 * times however fast the machine is.  Only a host that can do that sets
 * rumpuser__vclock_capable; on another the setting aborts the process.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host.h"

#define VCLOCK_PARAM "RUMP_VIRTUAL_CLOCK"
/* Where the virtual clocks start: 1000 s of uptime, 2026-01-01 wall. */
#define VCLOCK_MONO0 (1000LL * 1000000000LL)
#define VCLOCK_WALL0 1767225600LL

/* Defined only by a host that can run on the virtual clock. */
extern const int rumpuser__vclock_capable __attribute__((weak));

static int vclock_state; /* 0 unread, 1 real clocks, 2 virtual */
static int64_t vclock_ns = VCLOCK_MONO0;

int rumpuser__vclock(void)
{
	if (vclock_state == 0) {
		const char *v = getenv(VCLOCK_PARAM);

		if (v == NULL || *v == '\0' || strcmp(v, "0") == 0)
			vclock_state = 1;
		else if (strcmp(v, "1") == 0 &&
			 &rumpuser__vclock_capable != NULL &&
			 rumpuser__vclock_capable)
			vclock_state = 2;
		else {
			fprintf(stderr,
				"rumpuser: %s=\"%s\": want 0 or 1, and 1 only "
				"on the fiber host (librumpuser_fiber)\n",
				VCLOCK_PARAM, v);
			rumpuser_exit(RUMPUSER_PANIC);
		}
	}
	return vclock_state == 2;
}

void rumpuser__vclock_advance(int64_t to_ns)
{
	if (to_ns > vclock_ns)
		vclock_ns = to_ns;
}

int rumpuser_clock_gettime(int clock, int64_t *secp, long *nsecp)
{
	struct timespec ts;
	clockid_t id;

	if (clock != RUMPUSER_CLOCK_RELWALL && clock != RUMPUSER_CLOCK_ABSMONO)
		return RUMP_EINVAL;
	if (rumpuser__vclock()) {
		*secp = vclock_ns / 1000000000LL;
		*nsecp = (long)(vclock_ns % 1000000000LL);
		if (clock == RUMPUSER_CLOCK_RELWALL)
			*secp += VCLOCK_WALL0 - VCLOCK_MONO0 / 1000000000LL;
		return 0;
	}
	id = clock == RUMPUSER_CLOCK_RELWALL ? CLOCK_REALTIME : CLOCK_MONOTONIC;
	if (clock_gettime(id, &ts) == -1)
		return rumpuser__kerrno(errno);
	*secp = ts.tv_sec;
	*nsecp = ts.tv_nsec;
	return 0;
}
