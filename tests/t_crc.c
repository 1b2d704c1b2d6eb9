/*
 * t_crc.c -- the kernel's crc32c and crc16 (used by ext4 metadata_csum,
 * jbd2 and uninit_bg) give the standard check values.
 */
#include "testlib.h"

int main(void)
{
	test_boot();
	CHECK_KERN(rump_test_crc());
	test_halt();
	return 0;
}
