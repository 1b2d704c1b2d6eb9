/*
 * t_faultinj.c -- boot under allocation failure (docs/faultinj.md).  For
 * N = 1, 2, 3, ... a fresh child boots with RUMP_FAULT_MALLOC=N (the Nth
 * kernel allocation fails) and RUMP_LEAKCHECK=1: it must either boot and
 * shut down cleanly or fail rump_init() with ENOMEM; never crash, hang or
 * leak.  The loop ends when a child booted without the fault ever being
 * hit, i.e. N passed the number of allocations a boot makes.  The same in
 * fail-forever mode (N+), and a few seeded random failure patterns.
 */
#include <sys/wait.h>

#include "faultsweep.h"
#include "testlib.h"

#define MAX_N 500

static int child_fault(void)
{
	const char *setting = getenv("RUMP_FAULT_MALLOC");
	int error = rump_init();

	CHECK(setting != NULL);
	if (error == ENOMEM) {
		printf("boot failed with ENOMEM\n");
		return FAULTSWEEP_ENOMEM;
	}
	CHECK_EQ(error, 0);
	CHECK_EQ(rump_sys_getpid(), 1);
	/* A little work that allocates; it may fail, but only with ENOMEM. */
	error = rump_pub_lwproc_rfork(RUMP_RFFDG);
	if (error == 0) {
		CHECK(rump_sys_getpid() > 1);
		rump_pub_lwproc_releaselwp();
	} else
		CHECK_EQ(error, ENOMEM);
	CHECK(rump_pub_lwproc_curlwp() == NULL);
	test_halt();
	return faultsweep_was_hit(setting) ? FAULTSWEEP_HIT : FAULTSWEEP_CLEAN;
}

static char out[16384];

/* Run one child with the setting; its exit code, failing on anything bad. */
static int run_child(const char *setting)
{
	char env0[64];
	const char *env[] = {env0, "RUMP_LEAKCHECK=1", NULL};
	int status;

	snprintf(env0, sizeof(env0), "RUMP_FAULT_MALLOC=%s", setting);
	status = test_child("fault", env, out, sizeof(out), 30);
	if (status == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) < FAULTSWEEP_ENOMEM ||
	    WEXITSTATUS(status) > FAULTSWEEP_CLEAN)
		test_fail(__FILE__, __LINE__,
			  "RUMP_FAULT_MALLOC=%s: child %s:\n%s", setting,
			  test_status_str(status), out);
	return WEXITSTATUS(status);
}

static void fault_loop(const char *suffix)
{
	int n, enomem = 0, hit = 0, done = 0;
	char setting[32];

	for (n = 1; n <= MAX_N && !done; n++) {
		snprintf(setting, sizeof(setting), "%d%s", n, suffix);
		switch (run_child(setting)) {
		case FAULTSWEEP_ENOMEM:
			enomem++;
			break;
		case FAULTSWEEP_HIT:
			hit++;
			break;
		default:
			done = 1;
		}
		/* The first allocation of a boot cannot be done without. */
		if (n == 1)
			CHECK(enomem == 1);
	}
	if (!done)
		test_fail(__FILE__, __LINE__,
			  "N%s: boot still hit the fault at N=%d", suffix,
			  MAX_N);
	test_log("N%s: clean boot at N=%d; %d boots failed with ENOMEM, %d "
		 "booted despite the failure",
		 suffix, n - 1, enomem, hit);
}

int main(int argc, char **argv)
{
	char setting[32];

	test_init(argc, argv);
	if (argc > 1 && strcmp(argv[1], "fault") == 0) {
		test_watchdog(20);
		return child_fault();
	}
	unsetenv("RUMP_FAULT_MALLOC");

	fault_loop("");
	fault_loop("+");
	for (int seed = 1; seed <= 10 * test_scale(); seed++) {
		snprintf(setting, sizeof(setting), "r0.05@%d", seed);
		run_child(setting);
	}

	/* And this process, without faults. */
	test_boot();
	test_halt();
	test_log("ok");
	return 0;
}
