/*
 * t_inet_fuzz.c -- the network fuzz target's harness without libFuzzer:
 * replays every input saved under tests/net/regress/ (crashes the fuzzer
 * found, kept after their fix) and then a few thousand inputs made by
 * mutating hand-built ones with a seeded generator, through the same
 * kernel path (tests/net/netfuzz.c, tests/kern/test_inet_fuzz.c).  Every
 * input must pass the kernel's checks; the halt checks for leaks.
 */
#include <dirent.h>
#include <limits.h>
#include <unistd.h>

#include "testlib.h"

#include "net/netfuzz.c"

/* The regress directory, from the source tree (cwd or the binary's). */
static DIR *open_regress(char *path, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;
	DIR *d;

	snprintf(path, len, "tests/net/regress");
	if ((d = opendir(path)) != NULL)
		return d;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	/* BUILD/tests/<host>/t_inet_fuzz, BUILD directly in the tree. */
	for (int up = 0; up < 4; up++) {
		char *slash = strrchr(exe, '/');
		if (slash == NULL)
			return NULL;
		*slash = '\0';
	}
	snprintf(path, len, "%s/tests/net/regress", exe);
	return opendir(path);
}

static int replay_regress(void)
{
	char dir[PATH_MAX + 32], file[2 * PATH_MAX];
	static uint8_t buf[65536];
	struct dirent *de;
	int count = 0;
	DIR *d = open_regress(dir, sizeof(dir));

	CHECK(d != NULL);
	while ((de = readdir(d)) != NULL) {
		FILE *f;
		size_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, de->d_name);
		f = fopen(file, "rb");
		CHECK(f != NULL);
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		test_log("regress/%s (%zu bytes)", de->d_name, n);
		CHECK_EQ(netfuzz_one(buf, n), 0);
		count++;
	}
	closedir(d);
	return count;
}

static uint32_t xs(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* A record: flags, length, IPv4 + TCP with relative seq/ack, data. */
static size_t put_tcp(uint8_t *p, uint32_t seq, uint8_t flags, int dlen)
{
	uint8_t *ip = p + 3;
	size_t body = 20 + 20 + (size_t)dlen;

	p[0] = 0x0f; /* Ethernet, fix IP and TCP, the connection */
	p[1] = (uint8_t)body;
	p[2] = (uint8_t)(body >> 8);
	memset(ip, 0, body);
	ip[0] = 0x45;
	ip[8] = 64;
	ip[9] = 6;
	ip[20 + 4] = (uint8_t)(seq >> 24);
	ip[20 + 5] = (uint8_t)(seq >> 16);
	ip[20 + 6] = (uint8_t)(seq >> 8);
	ip[20 + 7] = (uint8_t)seq;
	ip[20 + 12] = 5 << 4;
	ip[20 + 13] = flags;
	ip[20 + 14] = 0xff;
	ip[20 + 15] = 0xff;
	memset(ip + 40, 'd', (size_t)dlen);
	return 3 + body;
}

static void mutated_inputs(int n, uint32_t seed)
{
	static uint8_t in[4096];

	for (int i = 0; i < n; i++) {
		size_t len = 1;

		in[0] = (uint8_t)xs(&seed);
		for (int r = 0; r < 4; r++)
			len += put_tcp(in + len, xs(&seed) % 3000,
				       (uint8_t)(0x10 | (xs(&seed) & 0x0f)),
				       (int)(xs(&seed) % 600));
		/* Flip bits anywhere, flags and lengths included. */
		for (int k = (int)(xs(&seed) % 8); k > 0; k--)
			in[xs(&seed) % len] ^= (uint8_t)(1u << (xs(&seed) % 8));
		CHECK_EQ(netfuzz_one(in, len), 0);
	}
}

int main(int argc, char **argv)
{
	int n;

	test_init(argc, argv);
	test_watchdog(100);
	test_boot();
	CHECK_EQ(netfuzz_setup(), 0);
	n = replay_regress();
	test_log("%d saved inputs replayed", n);
	mutated_inputs(500 * test_scale(), 4242);
	test_log("%lu connections accepted", netfuzz_accepted);
	/* The handshake of most inputs survives their mutations. */
	CHECK(netfuzz_accepted >= 250);
	netfuzz_teardown();
	test_halt();
	return 0;
}
