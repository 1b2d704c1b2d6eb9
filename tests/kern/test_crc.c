/*
 * test_crc.c -- the kernel libc checksums: the published check values of
 * CRC-32C ("123456789" gives 0xE3069283), its RFC 3720 vectors, ARC/ANSI
 * crc16 ("123456789" gives 0xBB3D), and that a buffer checksummed in
 * pieces gives the same result as in one call.
 */
#include <sys/crc.h>

#include "testkern.h"

int rump_test_crc(void)
{
	int start = test_failures;
	static const char check[] = "123456789";
	unsigned char buf[48];
	uint32_t whole, split;
	size_t i, cut;

	rump_schedule();
	TCHECK(~crc32c(~0u, check, 9) == 0xE3069283u);
	TCHECK(crc16(0, check, 9) == 0xBB3D);
	/* RFC 3720 B.4: 32 bytes of zeros, of ones, ascending. */
	memset(buf, 0, 32);
	TCHECK(~crc32c(~0u, buf, 32) == 0x8A9136AAu);
	memset(buf, 0xff, 32);
	TCHECK(~crc32c(~0u, buf, 32) == 0x62A8AB43u);
	for (i = 0; i < 32; i++)
		buf[i] = (unsigned char)i;
	TCHECK(~crc32c(~0u, buf, 32) == 0x46DD794Eu);
	TCHECK(crc32c(0x1234u, buf, 0) == 0x1234u);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 37 + 11);
	whole = crc32c(~0u, buf, sizeof(buf));
	for (cut = 0; cut <= sizeof(buf); cut++) {
		split = crc32c(crc32c(~0u, buf, cut), buf + cut,
			       sizeof(buf) - cut);
		TCHECK(split == whole);
	}
	/* The instruction path (if any) and the table agree everywhere. */
	for (i = 0; i < sizeof(buf); i++)
		for (cut = 0; cut + i <= sizeof(buf); cut++)
			TCHECK(crc32c(0x12345678u + (uint32_t)cut, buf + i,
				      cut) ==
			       crc32c_sw(0x12345678u + (uint32_t)cut, buf + i,
					 cut));
	TCHECK(~crc32c_sw(~0u, check, 9) == 0xE3069283u);
	rump_unschedule();
	return test_failures == start ? 0 : RUMP_TEST_FAILED;
}
