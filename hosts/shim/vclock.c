/*
 * vclock.c -- the virtual clock, shared by every host like the fault
 * shims.  With RUMP_VIRTUAL_CLOCK=1 (read through rumpuser_getparam() at
 * the first clock read) both clocks stand still until the host moves them:
 * the fiber host, when every fiber waits, jumps to the earliest deadline
 * instead of sleeping (rumpuser__vclock_advance), so timers fire in a
 * fixed order at exact times however fast or loaded the machine is.  A
 * host that can do this defines rumpuser__vclock_capable; on any other the
 * setting, like a malformed one, aborts the process.  Single-threaded by
 * construction (the fiber host has one host thread).
 */
#include <stdint.h>

#include <rump/rumpdefs.h>
#include <rump/rumpuser.h>

#include "../common/host.h"

#define VCLOCK_PARAM "RUMP_VIRTUAL_CLOCK"
#define NSEC 1000000000LL
/* Where the virtual clocks start: 1000 s of uptime, 2026-01-01 wall. */
#define VCLOCK_MONO0 (1000LL * NSEC)
#define VCLOCK_WALL0 1767225600LL

extern const int rumpuser__vclock_capable __attribute__((weak));

static int vclock_state; /* 0 unread, 1 real clocks, 2 virtual */
static int64_t vclock_ns = VCLOCK_MONO0;

static int vclock_on(void)
{
	char v[16];
	int error;

	if (vclock_state != 0)
		return vclock_state == 2;
	error = rumpuser_getparam(VCLOCK_PARAM, v, sizeof(v));
	if (error == RUMP_ENOENT ||
	    (error == 0 && (v[0] == '\0' || (v[0] == '0' && !v[1]))))
		vclock_state = 1;
	else if (error == 0 && v[0] == '1' && !v[1] &&
		 &rumpuser__vclock_capable != NULL && rumpuser__vclock_capable)
		vclock_state = 2;
	else {
		rumpuser_putstr("rumpuser: " VCLOCK_PARAM " wants 0 or 1, and "
				"1 only on the fiber host (librumpuser_fiber)"
				"\n");
		rumpuser_exit(RUMPUSER_PANIC);
	}
	return vclock_state == 2;
}

int rumpuser__vclock_get(int clock, int64_t *secp, long *nsecp)
{
	if ((clock != RUMPUSER_CLOCK_RELWALL &&
	     clock != RUMPUSER_CLOCK_ABSMONO) ||
	    !vclock_on())
		return 0;
	*secp = vclock_ns / NSEC;
	*nsecp = (long)(vclock_ns % NSEC);
	if (clock == RUMPUSER_CLOCK_RELWALL)
		*secp += VCLOCK_WALL0 - VCLOCK_MONO0 / NSEC;
	return 1;
}

int rumpuser__vclock_advance(int64_t to_ns)
{
	if (!vclock_on())
		return 0;
	if (to_ns > vclock_ns)
		vclock_ns = to_ns;
	return 1;
}
