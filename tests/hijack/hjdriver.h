/*
 * hjdriver.h -- the body of a t_hijack_* test program: it runs one script
 * of tests/hijack/ as "sh SCRIPT ROOT BUILD" (found from this program's
 * own path, <root>/<build>/tests/posix/t_hijack_x), shows its output and
 * passes when the script exits 0.  The scripts start their own
 * rump_server and run unmodified programs under librumphijack.so.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../testlib.h"

static void hj_paths(char *root, char *build, size_t len)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int i;

	CHECK(n > 0);
	self[n] = '\0';
	for (i = 0; i < 3; i++) {
		slash = strrchr(self, '/');
		CHECK(slash != NULL);
		*slash = '\0';
	}
	snprintf(build, len, "%s", self);
	slash = strrchr(self, '/');
	CHECK(slash != NULL);
	*slash = '\0';
	snprintf(root, len, "%s", self);
}

static int hj_run_script(int argc, char **argv, const char *script)
{
	char root[PATH_MAX], build[PATH_MAX];
	int rc;

	test_init(argc, argv);
	hj_paths(root, build, sizeof(root));
	rc = test_sh("sh '%s/tests/hijack/%s' '%s' '%s' 2>&1", root, script,
		     root, build);
	test_log("%s exited with %d", script, rc);
	CHECK_EQ(rc, 0);
	return 0;
}
