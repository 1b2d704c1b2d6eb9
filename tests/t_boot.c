/*
 * t_boot.c -- boot and shutdown.  rump_init() twice while running is
 * fine; after rump_sys_reboot(RUMP_RB_HALT) the process carries on, the
 * kernel refuses to boot again (ESHUTDOWN) and system calls fail with
 * ESHUTDOWN.  Child processes show that the leak check at shutdown really
 * catches a leak, and that the public calls are safe after a halt.
 */
#include <signal.h>
#include <sys/wait.h>

#include "testlib.h"

/* Child: leak kernel memory, then halt; must abort under RUMP_LEAKCHECK. */
static int child_leak(void)
{
	test_boot();
	CHECK_KERN(rump_test_leak(100));
	test_halt();
	printf("halted after the leak\n");
	return 0;
}

/* Child: every public call after a halt fails or does nothing, no crash. */
static int child_after_halt(void)
{
	test_boot();
	test_halt();
	/* Not specified beyond "an error": ESHUTDOWN is what we expect. */
	CHECK(rump_pub_lwproc_rfork(0) != 0);
	CHECK(rump_pub_lwproc_newlwp(1) != 0);
	CHECK(rump_pub_lwproc_curlwp() == NULL);
	rump_pub_lwproc_switch(NULL);
	CHECK_ERRNO(rump_sys_getuid(), ESHUTDOWN);
	printf("after-halt: ok\n");
	return 0;
}

static void leak_check_catches_leaks(void)
{
	/* The host's own leak checker (LeakSanitizer) would see it too. */
	static const char *const on[] = {"RUMP_LEAKCHECK=1",
					 "ASAN_OPTIONS=detect_leaks=0", NULL};
	static const char *const off[] = {"RUMP_LEAKCHECK=0",
					  "ASAN_OPTIONS=detect_leaks=0", NULL};
	char out[8192];
	int status;

	status = test_child("leak", on, out, sizeof(out), 60);
	test_log("leak child with RUMP_LEAKCHECK=1: %s",
		 test_status_str(status));
	if (status == -1 || (WIFEXITED(status) && WEXITSTATUS(status) == 0))
		test_fail(__FILE__, __LINE__,
			  "a leak at shutdown went unnoticed:\n%s", out);
	CHECK(strstr(out, "leak") != NULL);
	CHECK(strstr(out, "halted after the leak") == NULL);

	/* Without the check, the leak is reported and the host carries on. */
	status = test_child("leak", off, out, sizeof(out), 60);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		test_fail(__FILE__, __LINE__,
			  "leak child with RUMP_LEAKCHECK=0: %s:\n%s",
			  test_status_str(status), out);
	CHECK(strstr(out, "leak") != NULL);
	CHECK(strstr(out, "halted after the leak") != NULL);
}

static void public_calls_after_halt(void)
{
	char out[8192];
	int status = test_child("after-halt", NULL, out, sizeof(out), 60);

	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		test_fail(__FILE__, __LINE__, "after-halt child: %s:\n%s",
			  test_status_str(status), out);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	if (argc > 1 && strcmp(argv[1], "leak") == 0)
		return child_leak();
	if (argc > 1 && strcmp(argv[1], "after-halt") == 0)
		return child_after_halt();
	test_watchdog(100);

	/* No kernel yet: a system call fails, nothing crashes. */
	CHECK_EQ(rump_sys_getpid(), -1);

	CHECK_EQ(rump_init(), 0);
	CHECK_EQ(rump_init(), 0);
	CHECK_EQ(rump_sys_getpid(), 1);
	CHECK_EQ(rump_sys_getppid(), 0);
	CHECK_EQ(rump_sys_getuid(), 0);
	CHECK_EQ(rump_sys_geteuid(), 0);
	CHECK(rump_pub_lwproc_curlwp() == NULL);
	CHECK_EQ(rump_test_curlwp_implicit(), 1);
	CHECK(rump_test_ncpu() >= 1);
	CHECK_EQ(rump_test_printf_cases(), 0);
	/* Boot started no kernel thread that shutdown would have to stop. */
	test_log("kernel threads after boot: %lld",
		 (long long)rump_test_kthreads_live());

	/* A reboot that is refused leaves the kernel running. */
	CHECK_ERRNO(rump_sys_reboot(0x40000), EINVAL);
	CHECK_EQ(rump_pub_lwproc_rfork(0), 0);
	CHECK_SYS(rump_sys_setuid(1000));
	CHECK_ERRNO(rump_sys_reboot(RUMP_RB_HALT), EPERM);
	rump_pub_lwproc_releaselwp();
	CHECK_EQ(rump_sys_getpid(), 1);
	CHECK_EQ(rump_init(), 0);

	/* The real halt; the process carries on without a kernel. */
	CHECK_EQ(rump_sys_reboot(RUMP_RB_HALT), 0);
	CHECK_EQ(rump_init(), ESHUTDOWN);
	CHECK_ERRNO(rump_sys_getpid(), ESHUTDOWN);
	CHECK_ERRNO(rump_sys_reboot(RUMP_RB_HALT), ESHUTDOWN);
	CHECK(rump_pub_lwproc_curlwp() == NULL);

	leak_check_catches_leaks();
	public_calls_after_halt();
	test_log("ok");
	return 0;
}
