/*
 * newcomer.c -- the program a newcomer writes against the installed
 * headers and pkg-config (scripts/check-install.sh builds it statically and
 * dynamically, with the default host and with rump_fiber): boot a kernel,
 * create two processes with rump_pub_lwproc_rfork, switch between them,
 * compare what rump_sys_getpid() says, release them.  Exits 0 only if the
 * two processes have distinct pids, children of the implicit process 1.
 */
#include <stdio.h>
#include <string.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

static int failures;

static void expect(int ok, const char *what)
{
	printf("  %-52s %s\n", what, ok ? "ok" : "WRONG");
	if (!ok)
		failures++;
}

int main(void)
{
	struct lwp *first, *second;
	pid_t pid1, pid2, implicit;
	int error;

	error = rump_init();
	if (error != 0) {
		printf("rump_init: %s\n", strerror(error));
		return 1;
	}
	implicit = rump_sys_getpid();
	printf("booted; the implicit context is process %d\n", (int)implicit);
	expect(implicit == 1, "implicit context is process 1");

	error = rump_pub_lwproc_rfork(RUMP_RFCFDG);
	if (error != 0) {
		printf("rfork: %s\n", strerror(error));
		return 1;
	}
	first = rump_pub_lwproc_curlwp();
	pid1 = rump_sys_getpid();
	printf("rfork: first process %d (parent %d)\n", (int)pid1,
	       (int)rump_sys_getppid());
	expect(rump_sys_getppid() == implicit, "first process's parent is 1");

	rump_pub_lwproc_switch(NULL);
	error = rump_pub_lwproc_rfork(RUMP_RFCFDG);
	if (error != 0) {
		printf("rfork: %s\n", strerror(error));
		return 1;
	}
	second = rump_pub_lwproc_curlwp();
	pid2 = rump_sys_getpid();
	printf("rfork: second process %d (parent %d)\n", (int)pid2,
	       (int)rump_sys_getppid());
	expect(rump_sys_getppid() == implicit, "second process's parent is 1");

	expect(first != NULL && second != NULL && first != second,
	       "two distinct threads");
	expect(pid1 > 1 && pid2 > 1 && pid1 != pid2, "two new, distinct pids");

	rump_pub_lwproc_switch(first);
	printf("switch to first: getpid %d\n", (int)rump_sys_getpid());
	expect(rump_sys_getpid() == pid1, "first process after switch");
	rump_pub_lwproc_switch(second);
	printf("switch to second: getpid %d\n", (int)rump_sys_getpid());
	expect(rump_sys_getpid() == pid2, "second process after switch");

	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(first);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(NULL);
	printf("released both; back in process %d\n", (int)rump_sys_getpid());
	expect(rump_sys_getpid() == implicit, "implicit context after release");

	printf("%s\n", failures == 0 ? "newcomer: ok" : "newcomer: FAILED");
	return failures == 0 ? 0 : 1;
}
