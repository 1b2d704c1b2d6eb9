/*
 * t_lwproc.c -- process and thread contexts: rfork with each descriptor
 * flag and an invalid combination, process ids and parents, credentials
 * inherited by a child and changed independently with POSIX set*id
 * rules, switching between processes and back to the implicit context
 * (process 1), newlwp into existing and missing processes, and a process
 * ending with its last lwp.
 */
#include "testlib.h"

#define NGROUPS_KERNEL 16 /* the kernel's NGROUPS_MAX */

static pid_t fork_and_check(int flags, pid_t parent)
{
	pid_t pid;

	CHECK_EQ(rump_pub_lwproc_rfork(flags), 0);
	CHECK(rump_pub_lwproc_curlwp() != NULL);
	pid = rump_sys_getpid();
	CHECK(pid > 1);
	CHECK(pid != parent);
	CHECK_EQ(rump_sys_getppid(), parent);
	return pid;
}

static void rfork_flags(void)
{
	static const int flags[] = {0, RUMP_RFFDG, RUMP_RFCFDG};

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		pid_t pid = fork_and_check(flags[i], 1);

		rump_pub_lwproc_releaselwp();
		CHECK(rump_pub_lwproc_curlwp() == NULL);
		CHECK_EQ(rump_sys_getpid(), 1);
		/* Its last lwp released, the process is gone. */
		CHECK_EQ(rump_pub_lwproc_newlwp(pid), ESRCH);
	}
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG | RUMP_RFCFDG), EINVAL);
	CHECK_EQ(rump_pub_lwproc_rfork(0x40), EINVAL);
	CHECK_EQ(rump_pub_lwproc_rfork(-1), EINVAL);
	CHECK(rump_pub_lwproc_curlwp() == NULL);
	CHECK_EQ(rump_sys_getpid(), 1);
}

static void switching(void)
{
	struct lwp *la, *lb, *la2;
	pid_t a, b;

	CHECK(rump_pub_lwproc_curlwp() == NULL);
	a = fork_and_check(0, 1);
	la = rump_pub_lwproc_curlwp();
	b = fork_and_check(RUMP_RFFDG, a); /* a child of a */
	lb = rump_pub_lwproc_curlwp();
	CHECK(la != lb);

	rump_pub_lwproc_switch(la);
	CHECK(rump_pub_lwproc_curlwp() == la);
	CHECK_EQ(rump_sys_getpid(), a);
	rump_pub_lwproc_switch(lb);
	CHECK_EQ(rump_sys_getpid(), b);
	rump_pub_lwproc_switch(NULL);
	CHECK(rump_pub_lwproc_curlwp() == NULL);
	CHECK_EQ(rump_sys_getpid(), 1);
	CHECK_EQ(rump_test_curlwp_implicit(), 1);
	rump_pub_lwproc_switch(NULL); /* already implicit: nothing */
	CHECK_EQ(rump_sys_getpid(), 1);
	rump_pub_lwproc_switch(la);
	rump_pub_lwproc_switch(la); /* already current: nothing */
	CHECK_EQ(rump_sys_getpid(), a);
	CHECK_EQ(rump_test_curlwp_implicit(), 0);

	/* A second lwp in process a. */
	CHECK_EQ(rump_pub_lwproc_newlwp(a), 0);
	la2 = rump_pub_lwproc_curlwp();
	CHECK(la2 != NULL && la2 != la);
	CHECK_EQ(rump_sys_getpid(), a);
	CHECK_EQ(rump_sys_getppid(), 1);
	rump_pub_lwproc_releaselwp(); /* a keeps la */
	CHECK(rump_pub_lwproc_curlwp() == NULL);
	CHECK_EQ(rump_pub_lwproc_newlwp(a), 0);
	CHECK_EQ(rump_sys_getpid(), a);
	rump_pub_lwproc_releaselwp();

	/* No such process; process 0 is the kernel's own. */
	CHECK_EQ(rump_pub_lwproc_newlwp(29999), ESRCH);
	CHECK_EQ(rump_pub_lwproc_newlwp(-5), ESRCH);
	CHECK_EQ(rump_pub_lwproc_newlwp(0), ESRCH);
	CHECK(rump_pub_lwproc_curlwp() == NULL);

	/* Ending a by its last lwp orphans b, which goes to process 1. */
	rump_pub_lwproc_switch(la);
	rump_pub_lwproc_releaselwp();
	CHECK(rump_pub_lwproc_curlwp() == NULL);
	CHECK_EQ(rump_pub_lwproc_newlwp(a), ESRCH);
	rump_pub_lwproc_switch(lb);
	CHECK_EQ(rump_sys_getpid(), b);
	CHECK_EQ(rump_sys_getppid(), 1);
	rump_pub_lwproc_releaselwp();
	CHECK_EQ(rump_pub_lwproc_newlwp(b), ESRCH);

	/* An explicit lwp in process 1; releasing it leaves process 1. */
	CHECK_EQ(rump_pub_lwproc_newlwp(1), 0);
	CHECK(rump_pub_lwproc_curlwp() != NULL);
	CHECK_EQ(rump_sys_getpid(), 1);
	rump_pub_lwproc_releaselwp();
	CHECK(rump_pub_lwproc_curlwp() == NULL);
	CHECK_EQ(rump_sys_getpid(), 1);
	CHECK_EQ(rump_pub_lwproc_newlwp(1), 0);
	rump_pub_lwproc_releaselwp();
}

static void check_ids(uid_t uid, uid_t euid, gid_t gid, gid_t egid)
{
	CHECK_EQ(rump_sys_getuid(), uid);
	CHECK_EQ(rump_sys_geteuid(), euid);
	CHECK_EQ(rump_sys_getgid(), gid);
	CHECK_EQ(rump_sys_getegid(), egid);
}

static void check_groups(int n, const gid_t *want)
{
	gid_t buf[NGROUPS_KERNEL];

	CHECK_EQ(rump_sys_getgroups(0, NULL), n);
	CHECK_EQ(rump_sys_getgroups(NGROUPS_KERNEL, buf), n);
	for (int i = 0; i < n; i++)
		CHECK_EQ(buf[i], want[i]);
}

static void credentials(void)
{
	static const gid_t three[] = {10, 20, 30};
	gid_t buf[NGROUPS_KERNEL + 1];
	struct lwp *lp, *lc;
	pid_t p;
	int ngroups1;

	/* Process 1 is root. */
	check_ids(0, 0, 0, 0);
	ngroups1 = CHECK_SYS(rump_sys_getgroups(0, NULL));

	p = fork_and_check(RUMP_RFFDG, 1);
	lp = rump_pub_lwproc_curlwp();
	check_ids(0, 0, 0, 0);

	/* Root sets groups; getgroups sizes and pointers. */
	CHECK_SYS(rump_sys_setgroups(3, three));
	check_groups(3, three);
	CHECK_ERRNO(rump_sys_getgroups(2, buf), EINVAL);
	CHECK_ERRNO(rump_sys_getgroups(-1, buf), EINVAL);
	CHECK_EQ(rump_sys_getgroups(3, buf), 3);
	CHECK_ERRNO(rump_sys_getgroups(3, (gid_t *)8), EFAULT);
	CHECK_ERRNO(rump_sys_setgroups(3, (const gid_t *)8), EFAULT);
	for (int i = 0; i <= NGROUPS_KERNEL; i++)
		buf[i] = (gid_t)(100 + i);
	CHECK_ERRNO(rump_sys_setgroups(NGROUPS_KERNEL + 1, buf), EINVAL);
	check_groups(3, three);

	/* Root sets any ids: setgid all three, setegid the effective. */
	CHECK_SYS(rump_sys_setgid(100));
	check_ids(0, 0, 100, 100);
	CHECK_SYS(rump_sys_setegid(200));
	check_ids(0, 0, 100, 200);
	CHECK_ERRNO(rump_sys_setuid((uid_t)-1), EINVAL);

	/* A child inherits all of it. */
	fork_and_check(0, p);
	lc = rump_pub_lwproc_curlwp();
	check_ids(0, 0, 100, 200);
	check_groups(3, three);

	/* The child becomes user 1000 (root's setuid sets all three). */
	CHECK_SYS(rump_sys_setuid(1000));
	check_ids(1000, 1000, 100, 200);
	/* Not root now: only the real and saved ids are allowed. */
	CHECK_ERRNO(rump_sys_setuid(0), EPERM);
	CHECK_ERRNO(rump_sys_seteuid(0), EPERM);
	CHECK_ERRNO(rump_sys_setuid(2000), EPERM);
	CHECK_SYS(rump_sys_setuid(1000));
	CHECK_SYS(rump_sys_seteuid(1000));
	CHECK_ERRNO(rump_sys_setgid(300), EPERM);
	CHECK_ERRNO(rump_sys_setegid(300), EPERM);
	CHECK_SYS(rump_sys_setegid(100)); /* the real (and saved) gid */
	check_ids(1000, 1000, 100, 100);
	CHECK_SYS(rump_sys_setgid(100));
	CHECK_ERRNO(rump_sys_setegid(200), EPERM);
	CHECK_ERRNO(rump_sys_setgroups(1, three), EPERM);
	CHECK_ERRNO(rump_sys_setgroups(0, NULL), EPERM);
	check_groups(3, three);
	CHECK_ERRNO(rump_sys_reboot(RUMP_RB_HALT), EPERM);

	/* The parent did not change with its child. */
	rump_pub_lwproc_switch(lp);
	CHECK_EQ(rump_sys_getpid(), p);
	check_ids(0, 0, 100, 200);

	/* seteuid by root changes the effective uid only; the real and
	 * saved uid 0 let it come back. */
	CHECK_SYS(rump_sys_seteuid(1000));
	check_ids(0, 1000, 100, 200);
	CHECK_ERRNO(rump_sys_setgroups(1, three), EPERM);
	CHECK_ERRNO(rump_sys_setegid(5), EPERM);
	CHECK_ERRNO(rump_sys_seteuid(2000), EPERM);
	CHECK_SYS(rump_sys_seteuid(0));
	check_ids(0, 0, 100, 200);
	CHECK_SYS(rump_sys_setgroups(0, NULL));
	check_groups(0, NULL);

	/* And the child kept its own. */
	rump_pub_lwproc_switch(lc);
	check_ids(1000, 1000, 100, 100);
	check_groups(3, three);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(lp);
	rump_pub_lwproc_releaselwp();

	/* Process 1 untouched; its state persists between calls. */
	check_ids(0, 0, 0, 0);
	CHECK_EQ(rump_sys_getgroups(0, NULL), ngroups1);
	CHECK_SYS(rump_sys_setegid(7));
	check_ids(0, 0, 0, 7);
	fork_and_check(0, 1);
	check_ids(0, 0, 0, 7);
	rump_pub_lwproc_releaselwp();
	check_ids(0, 0, 0, 7);
	CHECK_SYS(rump_sys_setegid(0));
	check_ids(0, 0, 0, 0);
}

/* Many processes at once: distinct pids, all released. */
static void many_processes(int n)
{
	struct lwp **ls = calloc((size_t)n, sizeof(*ls));
	pid_t *pids = calloc((size_t)n, sizeof(*pids));

	CHECK(ls != NULL && pids != NULL);
	for (int i = 0; i < n; i++) {
		rump_pub_lwproc_switch(NULL);
		pids[i] = fork_and_check(i % 3 == 0 ? 0 : RUMP_RFCFDG, 1);
		ls[i] = rump_pub_lwproc_curlwp();
		for (int j = 0; j < i; j++)
			CHECK(pids[j] != pids[i]);
	}
	for (int i = n - 1; i >= 0; i--) {
		rump_pub_lwproc_switch(ls[i]);
		CHECK_EQ(rump_sys_getpid(), pids[i]);
		rump_pub_lwproc_releaselwp();
	}
	CHECK(rump_pub_lwproc_curlwp() == NULL);
	free(ls);
	free(pids);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(110);
	test_boot();

	CHECK(rump_pub_lwproc_curlwp() == NULL);
	rfork_flags();
	switching();
	credentials();
	many_processes(100 * test_scale());

	/* A process still alive at shutdown is the kernel's to free. */
	fork_and_check(0, 1);
	rump_pub_lwproc_switch(NULL);
	test_halt();
	test_log("ok");
	return 0;
}
