/*
 * t_memfs.c -- memfs internals from inside the kernel: its radix tree
 * (file pages, directory cookies) against a plain array under random
 * inserts, lookups and removals.  File system behaviour is the POSIX
 * suite's (t_posix).
 */
#include "kern/rumptest.h"
#include "testlib.h"

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(100);
	test_boot();
	CHECK_KERN(rump_test_memfs_radix(200000 * test_scale(), 1));
	CHECK_KERN(rump_test_memfs_radix(20000 * test_scale(), 42));
	test_halt();
	printf("t_memfs: ok\n");
	return 0;
}
