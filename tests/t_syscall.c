/*
 * t_syscall.c -- the system call entry in the kernel's ABI
 * (rump_kern_syscall): an unknown number gives ENOSYS, a wrong argument
 * size EINVAL, the right size works; a call in the table whose faction is
 * not linked gives ENOSYS through its rump_sys_* wrapper too.
 */
#include <rump/rumpkern.h>

#include "testlib.h"

int main(int argc, char **argv)
{
	int64_t rv[2];
	uint64_t args[4] = {0, 0, 0, 0};
	int64_t size;
	int unbound;

	test_init(argc, argv);
	test_watchdog(60);
	test_boot();

	/* Numbers that are no system call. */
	CHECK_EQ(rump_kern_syscall(-1, NULL, 0, rv), RUMP_ENOSYS);
	CHECK_EQ(rump_kern_syscall(RUMP_SYS_MAXSYSCALL, NULL, 0, rv),
		 RUMP_ENOSYS);
	CHECK_EQ(rump_kern_syscall(100000, NULL, 0, rv), RUMP_ENOSYS);
	CHECK_EQ(rump_kern_syscall(0x7fffffff, args, sizeof(args), rv),
		 RUMP_ENOSYS);
	CHECK_EQ(rump_test_syscall_argsize(100000), -1);

	/* getpid has no arguments: size 0 works, anything else does not. */
	CHECK_EQ(rump_test_syscall_argsize(RUMP_SYS_GETPID), 0);
	rv[0] = rv[1] = -7;
	CHECK_EQ(rump_kern_syscall(RUMP_SYS_GETPID, NULL, 0, rv), 0);
	CHECK_EQ(rv[0], 1);
	CHECK_EQ(rump_kern_syscall(RUMP_SYS_GETPID, args, 8, rv), RUMP_EINVAL);

	/* setuid has one 64-bit slot. */
	size = rump_test_syscall_argsize(RUMP_SYS_SETUID);
	CHECK_EQ(size, 8);
	CHECK_EQ(rump_kern_syscall(RUMP_SYS_SETUID, args, 3, rv), RUMP_EINVAL);
	CHECK_EQ(rump_kern_syscall(RUMP_SYS_SETUID, args, 0, rv), RUMP_EINVAL);
	CHECK_EQ(rump_kern_syscall(RUMP_SYS_SETUID, args, (size_t)size + 8, rv),
		 RUMP_EINVAL);
	args[0] = 0; /* setuid(0) as root */
	CHECK_EQ(rump_kern_syscall(RUMP_SYS_SETUID, args, (size_t)size, rv), 0);
	CHECK_EQ(rump_sys_getuid(), 0);

	/* A listed call without a handler (its faction is not linked). */
	unbound = rump_test_syscall_unbound();
	if (unbound >= 0) {
		test_log("call %d has no handler here", unbound);
		CHECK_EQ(rump_kern_syscall(unbound, args, 0, rv), RUMP_ENOSYS);
	}

	/* Still fine afterwards. */
	CHECK_EQ(rump_sys_getpid(), 1);
	test_halt();
	test_log("ok");
	return 0;
}
