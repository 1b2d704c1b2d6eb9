/*
 * remote_fuzz.c -- libFuzzer target for the remote-syscall protocol: the
 * kernel serves itself (rump_init_server on a unix socket in a fresh
 * directory) and every input is sent over a new connection.  An input
 * whose first byte is even is the stream after a handshake that the
 * target makes itself, as a process that then drops root (setuid 1000),
 * so the fuzzer reaches the request parser, the buffers, the fallback
 * copies and the calls without halting the kernel; an odd first byte
 * sends the first frame of the rest, the handshake.  Seeds cover every
 * client frame, SP_INTERRUPT of a blocked call included.  The target reads
 * what the server answers until it closes or falls quiet.
 * RFUZZ_SEEDS=dir writes a seed corpus there and exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "../lib/sp/sp_proto.h"

static struct sockaddr_un fuzz_sun = {.sun_family = AF_UNIX};

/* Read and drop whatever comes, until the close or a quiet 50 ms. */
static void fuzz_drain(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};
	char buf[65536];

	while (poll(&p, 1, 50) == 1 && read(fd, buf, sizeof(buf)) > 0)
		;
}

static void fuzz_put(const char *dir, const char *name, const void *a,
		     size_t alen, const void *b, size_t blen)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL) {
		perror(path);
		exit(1);
	}
	fwrite(a, 1, alen, f);
	if (b != NULL)
		fwrite(b, 1, blen, f);
	fclose(f);
}

/* Seeds: one well-formed message of each kind, after the even byte. */
static void fuzz_seeds(const char *dir)
{
	struct {
		uint8_t mode;
		struct sp_hdr h;
		struct sp_syscall sc;
		uint64_t slots[3];
		struct sp_buf b;
		char data[8];
	} __attribute__((packed)) w = {0,
				       {sizeof(w) - 1, SP_SYSCALL, 0, 9},
				       {RUMP_SYS_WRITE, 24, 1, 0},
				       {0, 0, 8},
				       {1, SP_BUF_IN, 8, 0},
				       "abcdefg"};
	struct {
		uint8_t mode;
		struct sp_hdr h;
		struct sp_syscall sc;
	} __attribute__((packed))
	g = {0, {sizeof(g) - 1, SP_SYSCALL, 0, 3}, {RUMP_SYS_GETPID, 0, 0, 0}};
	struct {
		uint8_t mode;
		struct sp_hdr h;
		struct sp_syscall sc;
		uint64_t slots[3];
		struct sp_buf b;
	} __attribute__((packed)) r = {0,
				       {sizeof(r) - 1, SP_SYSCALL, 0, 4},
				       {RUMP_SYS_READ, 24, 1, 0},
				       {0, 0, 64},
				       {1, SP_BUF_OUT, 64, 1}};
	struct {
		uint8_t mode;
		struct sp_hdr h;
		struct sp_syscall sc;
		uint64_t slots[2];
	} __attribute__((packed)) st = {0,
					{sizeof(st) - 1, SP_SYSCALL, 0, 5},
					{RUMP_SYS_STAT, 16, 0, 0},
					{0x10000, 0x20000}};
	struct {
		uint8_t mode;
		struct sp_hdr h;
		struct sp_handshake hs;
	} __attribute__((packed)) hs = {1,
					{sizeof(hs) - 1, SP_HANDSHAKE, 0, 1},
					{SP_VERSION, SP_HS_NEW, 0, "seed"}};
	struct {
		uint8_t mode;
		struct sp_hdr h;
	} __attribute__((packed)) pf = {0, {sizeof(pf) - 1, SP_PREFORK, 0, 2}},
				  ss = {0, {sizeof(ss) - 1, SP_STATS, 0, 2}};

	/* A read blocked on an empty pipe, interrupted; then interrupts
	 * that are stale (answered), unknown, or carry a body. */
	struct {
		uint8_t mode;
		struct {
			struct sp_hdr h;
			struct sp_syscall sc;
			uint64_t slots[1];
		} __attribute__((packed)) pipe;
		struct {
			struct sp_hdr h;
			struct sp_syscall sc;
			uint64_t slots[3];
			struct sp_buf b;
		} __attribute__((packed)) rd;
		struct sp_hdr intr, stale, unknown;
		struct {
			struct sp_hdr h;
			uint64_t body;
		} __attribute__((packed)) bodied;
		struct {
			struct sp_hdr h;
			struct sp_syscall sc;
		} __attribute__((packed)) gp;
	} __attribute__((packed)) in = {
		0,
		{{sizeof(in.pipe), SP_SYSCALL, 0, 3},
		 {RUMP_SYS_PIPE, 8, 0, 0},
		 {0x10000}},
		{{sizeof(in.rd), SP_SYSCALL, 0, 4},
		 {RUMP_SYS_READ, 24, 1, 0},
		 {0, 0, 8},
		 {1, SP_BUF_OUT, 8, 1}},
		{sizeof(struct sp_hdr), SP_INTERRUPT, 0, 4},
		{sizeof(struct sp_hdr), SP_INTERRUPT, 0, 3},
		{sizeof(struct sp_hdr), SP_INTERRUPT, 0, 77},
		{{sizeof(in.bodied), SP_INTERRUPT, 0, 4}, 0},
		{{sizeof(in.gp), SP_SYSCALL, 0, 5}, {RUMP_SYS_GETPID, 0, 0, 0}},
	};

	fuzz_put(dir, "write", &w, sizeof(w), NULL, 0);
	fuzz_put(dir, "interrupt", &in, sizeof(in), NULL, 0);
	fuzz_put(dir, "getpid", &g, sizeof(g), NULL, 0);
	fuzz_put(dir, "read", &r, sizeof(r), NULL, 0);
	fuzz_put(dir, "stat-fallback", &st, sizeof(st), NULL, 0);
	fuzz_put(dir, "handshake", &hs, sizeof(hs), NULL, 0);
	fuzz_put(dir, "prefork", &pf, sizeof(pf), NULL, 0);
	fuzz_put(dir, "stats", &ss, sizeof(ss), NULL, 0);
	fuzz_put(dir, "two", &g, sizeof(g), (char *)&w + 1, sizeof(w) - 1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/remote_fuzzXXXXXX", url[256];
	const char *seeds = getenv("RFUZZ_SEEDS");

	(void)argc;
	(void)argv;
	if (seeds != NULL) {
		fuzz_seeds(seeds);
		exit(0);
	}
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(fuzz_sun.sun_path, sizeof(fuzz_sun.sun_path), "%s/sock", dir);
	snprintf(url, sizeof(url), "unix://%s", fuzz_sun.sun_path);
	if (rump_init_server(url) != 0) {
		fprintf(stderr, "remote_fuzz: cannot serve %s\n", url);
		exit(1);
	}
	return 0;
}

/* Connect, read the banner; -1 if the server is not there. */
static int fuzz_connect(void)
{
	char banner[sizeof(SP_BANNER) - 1];
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0 ||
	    connect(fd, (struct sockaddr *)&fuzz_sun, sizeof(fuzz_sun)) < 0 ||
	    sp_read_all(fd, banner, sizeof(banner)) != 0 ||
	    memcmp(banner, SP_BANNER, sizeof(banner)) != 0) {
		fprintf(stderr, "remote_fuzz: the server is gone\n");
		abort();
	}
	return fd;
}

/* A handshake as a new process, then setuid(1000); both answered. */
static void fuzz_login(int fd)
{
	struct {
		struct sp_hdr h;
		struct sp_handshake hs;
	} m = {{sizeof(m), SP_HANDSHAKE, 0, 1},
	       {SP_VERSION, SP_HS_NEW, 0, "fuzz"}};
	struct {
		struct sp_hdr h;
		struct sp_syscall sc;
		uint64_t uid;
	} su = {{sizeof(su), SP_SYSCALL, 0, 2},
		{RUMP_SYS_SETUID, 8, 0, 0},
		1000};
	struct {
		struct sp_hdr h;
		struct sp_status st;
	} r1;
	struct {
		struct sp_hdr h;
		struct sp_sysreply r;
	} r2;

	if (sp_write_all(fd, &m, sizeof(m)) != 0 ||
	    sp_read_all(fd, &r1, sizeof(r1)) != 0 || r1.st.st_error != 0 ||
	    sp_write_all(fd, &su, sizeof(su)) != 0 ||
	    sp_read_all(fd, &r2, sizeof(r2)) != 0 || r2.r.sr_error != 0) {
		fprintf(stderr, "remote_fuzz: cannot log in\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = size - 1;
	struct sp_hdr h;
	int fd;

	if (size < 1)
		return 0;
	fd = fuzz_connect();
	if ((data[0] & 1) == 0)
		fuzz_login(fd);
	else if (len >= sizeof(h)) {
		/* Only the handshake frame: after it the process is root,
		 * and a root process may halt the kernel. */
		memcpy(&h, data + 1, sizeof(h));
		if (h.sh_len >= sizeof(h) && h.sh_len < len)
			len = h.sh_len;
	}
	(void)sp_write_all(fd, data + 1, len);
	shutdown(fd, SHUT_WR);
	fuzz_drain(fd);
	close(fd);
	return 0;
}
