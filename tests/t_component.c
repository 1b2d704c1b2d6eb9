/*
 * t_component.c -- the component registry, through the four test
 * components of tests/kern/test_component.c: they start stage by stage and
 * dependencies first, stop in reverse order at shutdown, and a component
 * whose init fails fails rump_init() with its error and a message naming
 * it, after stopping those that had started; the boot may then be retried.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "kern/rumptest.h"
#include "testlib.h"

#define ORDER "testc_base testc_vfs testc_b testc_a"

static void check_order(void)
{
	char order[128];

	CHECK_EQ(rump_test_component_order(order, sizeof(order)), 0);
	test_log("components started: %s", order);
	CHECK(strcmp(order, ORDER) == 0);
}

/* Child: boot and halt with tracing, so the parent sees init and fini. */
static int child_trace(void)
{
	test_boot();
	check_order();
	test_halt();
	return 0;
}

/* Child: testc_b fails; the boot fails, then succeeds without the fault. */
static int child_fail(void)
{
	CHECK_EQ(rump_init(), EIO);
	CHECK_ERRNO(rump_sys_getpid(), ENOSYS);
	CHECK_EQ(unsetenv("RUMPTEST_COMPONENT_FAIL"), 0);
	test_boot();
	check_order();
	test_halt();
	printf("retried boot: ok\n");
	return 0;
}

/* Positions of the lines in out, which must all be there, in this order. */
static void check_sequence(const char *out, const char *const *lines)
{
	const char *at = out;

	for (; *lines != NULL; lines++) {
		const char *p = strstr(at, *lines);
		if (p == NULL)
			test_fail(__FILE__, __LINE__,
				  "\"%s\" missing or out of order in:\n%s",
				  *lines, out);
		at = p + strlen(*lines);
	}
}

int main(int argc, char **argv)
{
	static const char *const trace_env[] = {"RUMPTEST_COMPONENT_TRACE=1",
						NULL};
	static const char *const fail_env[] = {
		"RUMPTEST_COMPONENT_TRACE=1", "RUMPTEST_COMPONENT_FAIL=testc_b",
		NULL};
	static const char *const trace_seq[] = {
		"init testc_base", "init testc_vfs",  "init testc_b",
		"init testc_a",	   "fini testc_a",    "fini testc_b",
		"fini testc_vfs",  "fini testc_base", NULL};
	/* testc_b fails: what started stops, testc_a never starts. */
	static const char *const fail_seq[] = {
		"init testc_base",
		"init testc_vfs",
		"init testc_b",
		"component testc_b failed to start",
		"fini testc_vfs",
		"fini testc_base",
		"init testc_base",
		"retried boot: ok",
		NULL};
	char out[8192];
	int status;

	test_init(argc, argv);
	if (argc > 1 && strcmp(argv[1], "trace") == 0)
		return child_trace();
	if (argc > 1 && strcmp(argv[1], "fail") == 0)
		return child_fail();
	test_watchdog(100);

	test_boot();
	check_order();
	test_halt();

	status = test_child("trace", trace_env, out, sizeof(out), 60);
	CHECK(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	check_sequence(out, trace_seq);

	status = test_child("fail", fail_env, out, sizeof(out), 60);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		test_fail(__FILE__, __LINE__, "fail child: %s:\n%s",
			  test_status_str(status), out);
	check_sequence(out, fail_seq);
	/* Before the failure, testc_a (which needs testc_b) did not start. */
	*strstr(out, "component testc_b failed") = '\0';
	CHECK(strstr(out, "init testc_a") == NULL);
	printf("t_component: ok\n");
	return 0;
}
