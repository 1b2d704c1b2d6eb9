/*
 * t_jbd2_format.c -- the jbd2 on-disk format without I/O (test_jbd2.c):
 * crc32c, journal superblock validation (every bad field refused with
 * EINVAL, a bad checksum with EIO), descriptor tags in all five sizes
 * with escaping, SAME_UUID and LAST_TAG, revoke and commit blocks and
 * their checksums, walks over garbage that stay inside the block.
 */
#include "testlib.h"

int rump_test_jbd2_format(void);

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_boot();
	CHECK_KERN(rump_test_jbd2_format());
	test_halt();
	return 0;
}
