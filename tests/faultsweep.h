/*
 * faultsweep.h -- the allocation-failure sweep that t_sock_faultinj and
 * t_vfs_faultinj share, and how a child tells whether its fault was hit
 * (also t_faultinj).  For N = 1, 2, ... a child boots with
 * RUMP_FAULT_MALLOC=N (the Nth allocation fails once) and runs the
 * program's workload; the sweep ends at the first child that never
 * reached its fault, then eight fail-forever runs (N+) spread over that
 * range follow.  A child exits with one of the FAULTSWEEP_* codes; any
 * other end (a crash, a failed check, a leak at halt) fails the test.
 * Included by one test program each (static functions).
 */
#ifndef RUMPKIT_TESTS_FAULTSWEEP_H
#define RUMPKIT_TESTS_FAULTSWEEP_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <rump/rump.h>
#include <rump/rumpuser.h>

#include "testlib.h"

/* A program may use only some of these. */
#define FAULTSWEEP_UNUSED __attribute__((__unused__))

enum {
	FAULTSWEEP_ENOMEM = 10, /* the boot itself failed with ENOMEM */
	FAULTSWEEP_HIT = 11,	/* booted, and the fault was reached */
	FAULTSWEEP_CLEAN = 12,	/* booted, the fault was never reached */
};

/*
 * After the kernel is gone, ask the injector whether the fault was hit:
 * in N mode call N is still to come iff one of the next N checks fails;
 * in N+ mode iff the next check does not fail (a run that made exactly
 * N-1 calls counts as hit, which only costs one more round); a random
 * setting counts as hit.
 */
static FAULTSWEEP_UNUSED bool faultsweep_was_hit(const char *setting)
{
	char *end;
	unsigned long n = strtoul(setting, &end, 10);

	if (*end == '+')
		return rumpuser_fault_check(RUMPUSER_FAULT_MALLOC) != 0;
	if (*end != '\0')
		return true;
	for (unsigned long i = 0; i < n; i++)
		if (rumpuser_fault_check(RUMPUSER_FAULT_MALLOC))
			return false;
	return true;
}

/*
 * The child: boot, run workload (false when a call failed for want of
 * memory); with a one-time fault repeat it until a pass is clean, then
 * verify (may be NULL) that the clean pass left what it should.
 */
static FAULTSWEEP_UNUSED int faultsweep_child(bool (*workload)(void),
					      void (*verify)(void))
{
	const char *setting = getenv("RUMP_FAULT_MALLOC");
	int error;

	CHECK(setting != NULL);
	error = rump_init();
	if (error == ENOMEM)
		return FAULTSWEEP_ENOMEM;
	CHECK_EQ(error, 0);
	workload();
	if (strchr(setting, '+') == NULL) {
		/* The one fault may hit a repeat too: go on until clean. */
		for (int pass = 0; !workload(); pass++)
			CHECK(pass < 3);
		if (verify != NULL)
			verify();
	}
	test_halt();
	return faultsweep_was_hit(setting) ? FAULTSWEEP_HIT : FAULTSWEEP_CLEAN;
}

/* One child (argument "child") with the setting; its FAULTSWEEP_* code. */
static FAULTSWEEP_UNUSED int faultsweep_run(const char *setting)
{
	const char *env[] = {NULL, NULL};
	char var[64], out[16384];
	int status;

	snprintf(var, sizeof(var), "RUMP_FAULT_MALLOC=%s", setting);
	env[0] = var;
	status = test_child("child", env, out, sizeof(out), 60);
	if (status < 0 || !WIFEXITED(status) ||
	    (WEXITSTATUS(status) != FAULTSWEEP_ENOMEM &&
	     WEXITSTATUS(status) != FAULTSWEEP_HIT &&
	     WEXITSTATUS(status) != FAULTSWEEP_CLEAN))
		test_fail(__FILE__, __LINE__, "%s: %s\n%s", var,
			  test_status_str(status), out);
	return WEXITSTATUS(status);
}

/* The whole sweep, at most max_n one-time faults. */
static FAULTSWEEP_UNUSED void faultsweep(int max_n)
{
	char setting[32];
	int n, last = 0;

	for (n = 1; n <= max_n; n++) {
		snprintf(setting, sizeof(setting), "%d", n);
		if ((last = faultsweep_run(setting)) == FAULTSWEEP_CLEAN)
			break;
	}
	CHECK(last == FAULTSWEEP_CLEAN);
	test_log("%d allocations fail-once", n - 1);
	for (int i = 1; i <= 8; i++) {
		snprintf(setting, sizeof(setting), "%d+", n * i / 8);
		faultsweep_run(setting);
	}
}

#endif
