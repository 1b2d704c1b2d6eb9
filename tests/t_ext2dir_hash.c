/* hosts: posix */
/*
 * t_ext2dir_hash.c -- ext2fs directory hashes agree with e2fsprogs: for
 * names of many lengths (past the 16- and 32-byte blocks of TEA and
 * half-MD4, with bytes above 127 that tell signed from unsigned), every
 * hash version, with the default and a given seed, the kernel's value
 * equals what `debugfs -R "dx_hash -h V -s SEED name"` prints.  Then the
 * block-level directory checks inside the kernel.
 */
#include <unistd.h>

#include "testlib.h"

static const char *const names[] = {
	"a",
	"hello",
	"lost+found",
	"0123456789abcdef",
	"0123456789abcdefg",
	"file_with_a_name_of_exactly_32b",
	("a_longer_name_that_spans_more_than_"
	 "two_blocks_of_thirty_two_bytes.txt"),
	"\xc3\xa9\xe2\x82\xac\xc3\xbc",
	"x\xff\x80y",
	"f12345",
};

static const char *const seeds[] = {
	NULL,
	"01234567-89ab-cdef-0123-456789abcdef",
	"be114219-6e03-4ab3-b8e9-160e4c6f485b",
};

static void seed_words(const char *uuid, uint32_t w[4])
{
	unsigned char b[16];
	int n = 0;

	memset(w, 0, 16);
	if (uuid == NULL)
		return;
	for (const char *p = uuid; *p != 0 && n < 16; p++) {
		if (*p == '-')
			continue;
		sscanf(p, "%2hhx", &b[n++]);
		p++;
	}
	memcpy(w, b, 16); /* little-endian words, as the superblock */
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/t_ext2dir_hashXXXXXX", img[64], cmd[512], line[256];
	uint32_t seed[4], major, minor;
	unsigned int dmaj, dmin;
	int checked = 0;
	FILE *f;

	test_init(argc, argv);
	test_watchdog(300);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(img, sizeof(img), "%s/img", dir);
	snprintf(cmd, sizeof(cmd), "mkfs.ext4 -q -F %s 2M >/dev/null 2>&1",
		 img);
	CHECK(system(cmd) == 0);
	test_boot();
	for (size_t s = 0; s < sizeof(seeds) / sizeof(seeds[0]); s++)
		for (int ver = 0; ver <= 5; ver++)
			for (size_t i = 0; i < sizeof(names) / sizeof(names[0]);
			     i++) {
				snprintf(cmd, sizeof(cmd),
					 "debugfs -R 'dx_hash -h %d%s%s %s' %s "
					 "2>/dev/null",
					 ver, seeds[s] ? " -s " : "",
					 seeds[s] ? seeds[s] : "", names[i],
					 img);
				CHECK((f = popen(cmd, "r")) != NULL);
				CHECK(fgets(line, sizeof(line), f) != NULL);
				pclose(f);
				CHECK(sscanf(strstr(line, " is "),
					     " is 0x%x (minor 0x%x)", &dmaj,
					     &dmin) == 2);
				seed_words(seeds[s], seed);
				CHECK_KERN(rump_test_ext2dir_hash(
					names[i], ver, seed, &major, &minor));
				if (major != dmaj || minor != dmin)
					test_fail(__FILE__, __LINE__,
						  "%s v%d seed %s: kernel "
						  "%#x/%#x, debugfs %#x/%#x",
						  names[i], ver,
						  seeds[s] ? seeds[s] : "0",
						  major, minor, dmaj, dmin);
				checked++;
			}
	test_log("%d hashes agree with debugfs\n", checked);
	CHECK_KERN(rump_test_ext2dir_blocks(1));
	CHECK_KERN(rump_test_ext2dir_blocks(12345));
	test_halt();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	printf("t_ext2dir_hash: ok\n");
	return 0;
}
