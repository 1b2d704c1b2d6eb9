/*
 * test_component.c -- four components that record when they start, so
 * t_component can check the registry: stages in order, dependencies
 * before dependents within a stage, a failing init failing the boot and
 * stopping what had started.  They do nothing else, so every test program
 * may link them.  RUMPTEST_COMPONENT_FAIL=<name> makes that component's
 * init fail with EIO; RUMPTEST_COMPONENT_TRACE=1 prints each init and fini.
 */
#include <rump/rumpuser.h>
#include <sys/component.h>

#include "testkern.h"

static char started[128];

static bool param_is(const char *name, const char *value)
{
	char buf[32];

	return rumpuser_getparam(name, buf, sizeof(buf)) == 0 &&
	       strcmp(buf, value) == 0;
}

static int testc_init(const char *name)
{
	if (param_is("RUMPTEST_COMPONENT_TRACE", "1"))
		printf("testc: init %s\n", name);
	if (param_is("RUMPTEST_COMPONENT_FAIL", name))
		return EIO;
	if (started[0] != '\0')
		strlcat(started, " ", sizeof(started));
	strlcat(started, name, sizeof(started));
	return 0;
}

static void testc_fini(const char *name)
{
	if (param_is("RUMPTEST_COMPONENT_TRACE", "1"))
		printf("testc: fini %s\n", name);
}

/* The base-stage one runs first at every boot and starts a new record. */
static int testc_base_init(void)
{
	started[0] = '\0';
	return testc_init("testc_base");
}

#define TESTC_FUNCS(name)                                                      \
	static int name##_init(void)                                           \
	{                                                                      \
		return testc_init(#name);                                      \
	}
TESTC_FUNCS(testc_vfs)
TESTC_FUNCS(testc_a)
TESTC_FUNCS(testc_b)

static void testc_base_fini(void)
{
	testc_fini("testc_base");
}
static void testc_vfs_fini(void)
{
	testc_fini("testc_vfs");
}
static void testc_a_fini(void)
{
	testc_fini("testc_a");
}
static void testc_b_fini(void)
{
	testc_fini("testc_b");
}

/* testc_a sorts first by name but needs testc_b of the same stage. */
static const char *const testc_a_deps[] = {"testc_b", NULL};
static const char *const testc_b_deps[] = {"testc_vfs", NULL};

RUMP_COMPONENT(testc_base, RUMP_STAGE_BASE, NULL, testc_base_init,
	       testc_base_fini)
RUMP_COMPONENT(testc_vfs, RUMP_STAGE_VFS, NULL, testc_vfs_init, testc_vfs_fini)
RUMP_COMPONENT(testc_a, RUMP_STAGE_DRIVER, testc_a_deps, testc_a_init,
	       testc_a_fini)
RUMP_COMPONENT(testc_b, RUMP_STAGE_DRIVER, testc_b_deps, testc_b_init,
	       testc_b_fini)

int rump_test_component_order(char *buf, size_t len)
{
	if (len == 0)
		return EINVAL;
	strlcpy(buf, started, len);
	return 0;
}
