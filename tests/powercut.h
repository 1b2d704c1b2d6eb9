/*
 * powercut.h -- the pieces the power-cut tests share (t_ext2_crash on
 * ext2 without a journal, t_jbd2_mount on ext3/4): the environment that
 * cuts a child's workload after N block writes (RUMP_FAULT_POWERCUT, and
 * RUMP_FAULT_REORDER for half of the points), the number of block writes
 * a whole workload does, and the sequence of cut points drawn from a
 * fixed seed.  Included by one test program each (static functions).
 */
#ifndef RUMPKIT_TESTS_POWERCUT_H
#define RUMPKIT_TESTS_POWERCUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"

/* Environment strings for a child: cut after cut writes (< 0: no cut). */
struct powercut_env {
	char cut[48];
	char reorder[48];
};

static void powercut_env_set(struct powercut_env *env, long cut, bool reorder)
{
	if (cut >= 0)
		snprintf(env->cut, sizeof(env->cut), "RUMP_FAULT_POWERCUT=%ld",
			 cut);
	else
		snprintf(env->cut, sizeof(env->cut), "RUMP_FAULT_POWERCUT");
	if (reorder)
		snprintf(env->reorder, sizeof(env->reorder),
			 "RUMP_FAULT_REORDER=%ld", cut);
	else
		snprintf(env->reorder, sizeof(env->reorder),
			 "RUMP_FAULT_REORDER");
}

/*
 * Runs the workload cut after cut writes on a fresh copy of the image;
 * returns its output in out (what says whether the cut was reached).
 */
typedef void (*powercut_workload_fn)(long cut, char *out, size_t outlen);

static bool powercut_was_cut(const char *out)
{
	return strstr(out, "power cut") != NULL;
}

/*
 * About how many block writes the whole workload does: the smallest cut
 * it finishes before (within 16), found by doubling a bound and then
 * bisecting.
 */
static long powercut_count_writes(powercut_workload_fn workload, char *out,
				  size_t outlen)
{
	long lo = 1, hi = 1;

	for (;;) {
		workload(hi, out, outlen);
		if (!powercut_was_cut(out))
			break;
		lo = hi;
		hi *= 2;
		CHECK(hi < 10000000);
	}
	while (hi - lo > 16) {
		long mid = (lo + hi) / 2;

		workload(mid, out, outlen);
		if (powercut_was_cut(out))
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

/* The next cut point in 1..total from a fixed-seed sequence. */
static long powercut_next_point(uint64_t *seed, long total)
{
	*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return 1 + (long)((*seed >> 33) % (uint64_t)total);
}

#endif
