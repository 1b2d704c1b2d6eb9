/*
 * interop.c -- what the tests against Linux over a tap share (included
 * by t_virtif_linux, t_virtif_interop, t_virtif_bulk, t_virtif_offload):
 * running the program again inside a fresh network namespace (deleted whatever
 * happens), shell commands and background peers, rumpkit's virt0 on the tap
 * rktap0 (10.77.0.2/24, Linux 10.77.0.1/24), and SHA-256-checked bulk transfers
 * against tests/net/interop_peer.py. Needs root; no traffic leaves the
 * namespace.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rump/netconfig.h>

#include "../testlib.h"
#include "sha256.c"

/* Each program uses some of these. */
#define IOP_UNUSED __attribute__((__unused__))

#define TAP "rktap0"
#define LINUX_ADDR "10.77.0.1"
#define RUMP_ADDR "10.77.0.2"

static char iop_nsname[32];
static char iop_root[PATH_MAX]; /* the source tree */

static IOP_UNUSED void iop_ns_delete(void)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "ip netns delete %s 2>/dev/null",
		 iop_nsname);
	(void)!system(cmd);
}

static IOP_UNUSED void iop_ns_on_signal(int sig)
{
	iop_ns_delete();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Runs this program with --inns inside a fresh namespace; 0 if it passed. */
static IOP_UNUSED int iop_run_in_namespace(void)
{
	char self[PATH_MAX], cmd[96];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int status;
	pid_t pid;

	CHECK(n > 0);
	self[n] = '\0';
	snprintf(iop_nsname, sizeof(iop_nsname), "rk%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "ip netns add %s", iop_nsname);
	CHECK_EQ(system(cmd), 0);
	atexit(iop_ns_delete);
	signal(SIGINT, iop_ns_on_signal);
	signal(SIGTERM, iop_ns_on_signal);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		execlp("ip", "ip", "netns", "exec", iop_nsname, self, "--inns",
		       (char *)NULL);
		_exit(127);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	iop_ns_delete();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "inside the namespace: %s\n",
			test_status_str(status));
		return 1;
	}
	return 0;
}

/*
 * The main of such a program: outside, run itself with --inns inside a
 * fresh namespace; inside, in_namespace under a 115 s watchdog.
 */
static IOP_UNUSED int iop_main(int argc, char **argv,
			       void (*in_namespace)(void))
{
	test_init(argc, argv);
	if (argc > 1 && strcmp(argv[1], "--inns") == 0) {
		test_watchdog(115);
		in_namespace();
		test_log("ok");
		return 0;
	}
	if (iop_run_in_namespace() != 0)
		return 1;
	test_log("ok");
	return 0;
}

static IOP_UNUSED void iop_sh(const char *fmt, ...)
	__attribute__((__format__(__printf__, 1, 2)));
static IOP_UNUSED void iop_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int rv;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rv = system(cmd);
	if (rv != 0)
		test_fail(__FILE__, __LINE__, "'%s' failed: %d", cmd, rv);
}

/* A background command whose stdout the test reads. */
struct iop_peer {
	pid_t pid;
	FILE *out;
};

static IOP_UNUSED void iop_peer_start(struct iop_peer *p, const char *fmt, ...)
	__attribute__((__format__(__printf__, 2, 3)));
static IOP_UNUSED void iop_peer_start(struct iop_peer *p, const char *fmt, ...)
{
	char cmd[1024];
	int fds[2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	CHECK_EQ(pipe(fds), 0);
	p->pid = fork();
	CHECK(p->pid >= 0);
	if (p->pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	p->out = fdopen(fds[0], "r");
	CHECK(p->out != NULL);
}

static IOP_UNUSED void iop_peer_line(struct iop_peer *p, char *buf, size_t len)
{
	CHECK(fgets(buf, (int)len, p->out) != NULL);
	buf[strcspn(buf, "\n")] = '\0';
}

static IOP_UNUSED int iop_peer_end(struct iop_peer *p)
{
	int status;

	fclose(p->out);
	CHECK_EQ(waitpid(p->pid, &status, 0), p->pid);
	return status;
}

static IOP_UNUSED struct sockaddr_in iop_addr(const char *a, uint16_t port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(port)};

	CHECK_EQ(inet_pton(AF_INET, a, &sin.sin_addr), 1);
	return sin;
}

/* The source tree, from <root>/<build>/tests/<host>/<program>. */
static IOP_UNUSED void iop_find_root(void)
{
	char script[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", iop_root, sizeof(iop_root) - 1);
	struct stat st;

	CHECK(n > 0);
	iop_root[n] = '\0';
	for (int i = 0; i < 4; i++) {
		char *slash = strrchr(iop_root, '/');
		CHECK(slash != NULL);
		*slash = '\0';
	}
	snprintf(script, sizeof(script), "%s/tests/net/interop_peer.py",
		 iop_root);
	CHECK_EQ(stat(script, &st), 0);
}

/* Boots, makes virt0 on the tap and gives both ends their addresses. */
static IOP_UNUSED void iop_boot_virt0(void)
{
	iop_find_root();
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	CHECK_EQ(rump_pub_netconfig_ifcreate("virt0"), 0);
	CHECK_EQ(rump_pub_netconfig_ifsetlinkstr("virt0", TAP), 0);
	CHECK_EQ(rump_pub_netconfig_ipv4_ifaddr_cidr("virt0", RUMP_ADDR, 24),
		 0);
	CHECK_EQ(rump_pub_netconfig_ifup("virt0"), 0);
	iop_sh("ip link set lo up && ip addr add " LINUX_ADDR "/24 dev " TAP
	       " && ip link set " TAP " up");
}

static IOP_UNUSED void iop_write_all(int s, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = rump_sys_write(s, p, len);

		if (n < 0)
			test_fail(__FILE__, __LINE__, "write: %s",
				  strerror(errno));
		p += n;
		len -= (size_t)n;
	}
}

/* Connects to Linux at port, retrying while the listener is not up yet. */
static IOP_UNUSED int iop_connect_linux(uint16_t port)
{
	struct sockaddr_in to = iop_addr(LINUX_ADDR, port);

	for (int tries = 0;; tries++) {
		int s = (int)CHECK_SYS(
			rump_sys_socket(AF_INET, SOCK_STREAM, 0));

		if (rump_sys_connect(s, (struct sockaddr *)&to, sizeof(to)) ==
		    0)
			return s;
		CHECK_EQ(errno, ECONNREFUSED);
		CHECK(tries < 600);
		rump_sys_close(s);
		usleep(50000);
	}
}

/* rumpkit sends nbytes of pseudo-random data to a Linux receiver. */
static IOP_UNUSED void iop_bulk_to_linux(uint16_t port, uint64_t nbytes)
{
	static uint8_t buf[256 * 1024];
	uint64_t x = 0x9e3779b97f4a7c15ull ^ nbytes, left = nbytes;
	char line[160], want[160], hex[65];
	struct iop_peer p;
	struct sha256 h;
	int s;

	iop_peer_start(
		&p,
		"exec python3 -u %s/tests/net/interop_peer.py recv " LINUX_ADDR
		" %d",
		iop_root, port);
	iop_peer_line(&p, line, sizeof(line));
	CHECK(strcmp(line, "listening") == 0);
	sha256_init(&h);
	s = iop_connect_linux(port);
	while (left > 0) {
		size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);

		for (size_t i = 0; i < n; i += 8) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(buf + i, &x, 8);
		}
		sha256_update(&h, buf, n);
		iop_write_all(s, buf, n);
		left -= n;
	}
	CHECK_SYS(rump_sys_close(s));
	iop_peer_line(&p, line, sizeof(line));
	CHECK_EQ(iop_peer_end(&p), 0);
	sha256_hex(&h, hex);
	snprintf(want, sizeof(want), "%s %llu", hex,
		 (unsigned long long)nbytes);
	if (strcmp(line, want) != 0)
		test_fail(__FILE__, __LINE__, "Linux got '%s', sent '%s'", line,
			  want);
}

/* A Linux sender sends nbytes of random data to rumpkit. */
static IOP_UNUSED void iop_bulk_from_linux(uint16_t port, uint64_t nbytes)
{
	static uint8_t buf[256 * 1024];
	struct sockaddr_in me = iop_addr(RUMP_ADDR, port);
	char line[160], got[160], hex[65];
	uint64_t total = 0;
	struct iop_peer p;
	struct sha256 h;
	int one = 1, ls, s;

	ls = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_STREAM, 0));
	CHECK_SYS(rump_sys_setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one,
				      sizeof(one)));
	CHECK_SYS(rump_sys_bind(ls, (struct sockaddr *)&me, sizeof(me)));
	CHECK_SYS(rump_sys_listen(ls, 1));
	iop_peer_start(
		&p,
		"exec python3 -u %s/tests/net/interop_peer.py send " RUMP_ADDR
		" %d %llu",
		iop_root, port, (unsigned long long)nbytes);
	s = (int)CHECK_SYS(rump_sys_accept(ls, NULL, NULL));
	sha256_init(&h);
	for (;;) {
		ssize_t n = rump_sys_read(s, buf, sizeof(buf));

		CHECK(n >= 0);
		if (n == 0)
			break;
		sha256_update(&h, buf, (size_t)n);
		total += (uint64_t)n;
	}
	CHECK_SYS(rump_sys_close(s));
	CHECK_SYS(rump_sys_close(ls));
	iop_peer_line(&p, line, sizeof(line));
	CHECK_EQ(iop_peer_end(&p), 0);
	sha256_hex(&h, hex);
	snprintf(got, sizeof(got), "%s %llu", hex, (unsigned long long)total);
	if (strcmp(line, got) != 0)
		test_fail(__FILE__, __LINE__, "Linux sent '%s', got '%s'", line,
			  got);
}

/* Whether this is a sanitizer build (they take several times longer). */
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define IOP_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define IOP_SANITIZED 1
#endif
#endif
#ifndef IOP_SANITIZED
#define IOP_SANITIZED 0
#endif
