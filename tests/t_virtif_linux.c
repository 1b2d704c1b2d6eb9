/*
 * t_virtif_linux.c -- rumpkit against Linux over a tap device.  The
 * program makes its own network namespace (rk<pid>), runs itself again
 * inside it, and there creates virt0 on the tap rktap0 (10.77.0.2/24,
 * Linux 10.77.0.1/24): ping both ways, curl from a rump_sys_* HTTP
 * server, a rumpkit client of a Linux HTTP server, bulk TCP both ways
 * with a CRC-32, then again with 2% of packets dropped each way by
 * iptables on the Linux side.  The namespace is deleted whatever happens.
 * Needs root; no traffic leaves the namespace.
 */
/* hosts: posix */
#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <pthread.h>
#include <stdarg.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rump/netconfig.h>

#include "net/interop.c"
#include "testlib.h"

#define HTTP_PORT 8080
#define PYHTTP_PORT 8000
#define BULK_PORT 9000

static char peer_script[PATH_MAX + 64];

/* CRC-32 (the one of zlib.crc32), a byte at a time through a table. */
static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t len)
{
	crc = ~crc;
	while (len-- > 0)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void write_all(int s, const void *buf, size_t len)
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
static int connect_linux(uint16_t port)
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

/* --- the checks ------------------------------------------------------ */

static void ping_from_linux(void)
{
	iop_sh("ping -c 3 -W 2 " RUMP_ADDR " >/dev/null");
	test_log("Linux pings rumpkit");
}

static void ping_from_rump(void)
{
	struct sockaddr_in to = iop_addr(LINUX_ADDR, 0), from;
	int s = (int)CHECK_SYS(
		rump_sys_socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));

	for (int seq = 1; seq <= 3; seq++) {
		uint8_t req[64] = {0}, buf[256];
		struct icmphdr *icp = (struct icmphdr *)req;
		socklen_t flen = sizeof(from);
		ssize_t n;

		icp->type = ICMP_ECHO;
		icp->un.echo.sequence = htons((uint16_t)seq);
		memset(req + 8, 'v', sizeof(req) - 8);
		/* The stack fills the identifier and the checksum. */
		CHECK_EQ(rump_sys_sendto(s, req, sizeof(req), 0,
					 (struct sockaddr *)&to, sizeof(to)),
			 (ssize_t)sizeof(req));
		n = rump_sys_recvfrom(s, buf, sizeof(buf), 0,
				      (struct sockaddr *)&from, &flen);
		CHECK_EQ(n, (ssize_t)sizeof(req));
		icp = (struct icmphdr *)buf;
		CHECK_EQ(icp->type, ICMP_ECHOREPLY);
		CHECK_EQ(ntohs(icp->un.echo.sequence), seq);
		CHECK(memcmp(buf + 8, req + 8, sizeof(req) - 8) == 0);
		CHECK_EQ(from.sin_addr.s_addr, to.sin_addr.s_addr);
	}
	CHECK_SYS(rump_sys_close(s));
	test_log("rumpkit pings Linux");
}

/* The tiny HTTP server: answers each GET with the same page. */
static const char http_page[] =
	"<html><body>rumpkit virt0 over a tap</body></html>\n";
static pthread_mutex_t http_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t http_cv = PTHREAD_COND_INITIALIZER;
static int http_ready;

static void *http_serve(void *arg)
{
	int nreq = *(int *)arg;
	struct sockaddr_in me = iop_addr(RUMP_ADDR, HTTP_PORT);
	int one = 1;
	int ls = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_STREAM, 0));

	CHECK_SYS(rump_sys_setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one,
				      sizeof(one)));
	CHECK_SYS(rump_sys_bind(ls, (struct sockaddr *)&me, sizeof(me)));
	CHECK_SYS(rump_sys_listen(ls, 4));
	pthread_mutex_lock(&http_lock);
	http_ready = 1;
	pthread_cond_signal(&http_cv);
	pthread_mutex_unlock(&http_lock);
	for (int i = 0; i < nreq; i++) {
		char req[2048], hdr[256];
		size_t have = 0;
		int s = (int)CHECK_SYS(rump_sys_accept(ls, NULL, NULL));

		/* The request, up to its blank line. */
		while (have < sizeof(req) - 1) {
			ssize_t n = rump_sys_read(s, req + have,
						  sizeof(req) - 1 - have);
			CHECK(n > 0);
			have += (size_t)n;
			req[have] = '\0';
			if (strstr(req, "\r\n\r\n") != NULL)
				break;
		}
		CHECK(strncmp(req, "GET /", 5) == 0);
		snprintf(hdr, sizeof(hdr),
			 "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
			 sizeof(http_page) - 1);
		write_all(s, hdr, strlen(hdr));
		write_all(s, http_page, sizeof(http_page) - 1);
		CHECK_SYS(rump_sys_close(s));
	}
	CHECK_SYS(rump_sys_close(ls));
	return NULL;
}

static void curl_from_linux(void)
{
	static int nreq = 3;
	pthread_t t;

	http_ready = 0;
	CHECK_EQ(pthread_create(&t, NULL, http_serve, &nreq), 0);
	pthread_mutex_lock(&http_lock);
	while (!http_ready)
		pthread_cond_wait(&http_cv, &http_lock);
	pthread_mutex_unlock(&http_lock);
	for (int i = 0; i < nreq; i++) {
		struct iop_peer p;
		char got[256] = "";

		iop_peer_start(&p,
			       "curl -sS --max-time 120 http://" RUMP_ADDR
			       ":%d/index.html",
			       HTTP_PORT);
		size_t n = fread(got, 1, sizeof(got) - 1, p.out);
		got[n] = '\0';
		CHECK_EQ(iop_peer_end(&p), 0);
		CHECK(strcmp(got, http_page) == 0);
	}
	CHECK_EQ(pthread_join(t, NULL), 0);
	test_log("curl fetched %d pages from a rump_sys_* server", nreq);
}

static void fetch_from_linux(void)
{
	char dir[] = "/tmp/rkvirtXXXXXX", path[PATH_MAX], line[256];
	char resp[8192], body[4096];
	size_t have = 0;
	struct iop_peer p;
	FILE *f;
	int s;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/page.txt", dir);
	CHECK((f = fopen(path, "w")) != NULL);
	for (size_t i = 0; i < sizeof(body) - 1; i++)
		body[i] = (char)('a' + (char)(i * 7 % 26));
	body[sizeof(body) - 1] = '\0';
	fputs(body, f);
	fclose(f);

	iop_peer_start(&p,
		       "exec python3 -u -m http.server %d --bind " LINUX_ADDR
		       " --directory %s 2>/dev/null",
		       PYHTTP_PORT, dir);
	iop_peer_line(&p, line, sizeof(line)); /* "Serving HTTP on ..." */
	s = connect_linux(PYHTTP_PORT);
	{
		const char *req = "GET /page.txt HTTP/1.0\r\nHost: " LINUX_ADDR
				  "\r\n\r\n";
		write_all(s, req, strlen(req));
	}
	for (;;) {
		ssize_t n =
			rump_sys_read(s, resp + have, sizeof(resp) - 1 - have);
		CHECK(n >= 0);
		if (n == 0)
			break;
		have += (size_t)n;
		CHECK(have < sizeof(resp) - 1);
	}
	resp[have] = '\0';
	CHECK_SYS(rump_sys_close(s));
	CHECK(strncmp(resp, "HTTP/1.0 200", 12) == 0);
	{
		char *b = strstr(resp, "\r\n\r\n");
		CHECK(b != NULL);
		CHECK(strcmp(b + 4, body) == 0);
	}
	kill(p.pid, SIGTERM);
	iop_peer_end(&p);
	unlink(path);
	rmdir(dir);
	test_log("rumpkit fetched a page from python3 -m http.server");
}

/* rumpkit sends nbytes of pseudo-random data to a Linux receiver. */
static void bulk_to_linux(uint64_t nbytes)
{
	static uint8_t buf[256 * 1024];
	uint64_t x = 0x9e3779b97f4a7c15ull ^ nbytes, left = nbytes;
	char line[128], want[128];
	uint32_t crc = 0;
	struct iop_peer p;
	int s;

	iop_peer_start(&p, "exec python3 -u %s recv " LINUX_ADDR " %d",
		       peer_script, BULK_PORT);
	iop_peer_line(&p, line, sizeof(line));
	CHECK(strcmp(line, "listening") == 0);
	s = connect_linux(BULK_PORT);
	while (left > 0) {
		size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);

		for (size_t i = 0; i < n; i += 8) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(buf + i, &x, 8);
		}
		crc = crc32_update(crc, buf, n);
		write_all(s, buf, n);
		left -= n;
	}
	CHECK_SYS(rump_sys_close(s));
	iop_peer_line(&p, line, sizeof(line));
	CHECK_EQ(iop_peer_end(&p), 0);
	snprintf(want, sizeof(want), "%08x %llu", crc,
		 (unsigned long long)nbytes);
	if (strcmp(line, want) != 0)
		test_fail(__FILE__, __LINE__, "Linux got '%s', sent '%s'", line,
			  want);
}

/* A Linux sender sends nbytes of random data to rumpkit. */
static void bulk_from_linux(uint64_t nbytes)
{
	static uint8_t buf[256 * 1024];
	struct sockaddr_in me = iop_addr(RUMP_ADDR, BULK_PORT);
	char line[128], got[128];
	uint64_t total = 0;
	uint32_t crc = 0;
	struct iop_peer p;
	int one = 1, ls, s;

	ls = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_STREAM, 0));
	CHECK_SYS(rump_sys_setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one,
				      sizeof(one)));
	CHECK_SYS(rump_sys_bind(ls, (struct sockaddr *)&me, sizeof(me)));
	CHECK_SYS(rump_sys_listen(ls, 1));
	iop_peer_start(&p, "exec python3 -u %s send " RUMP_ADDR " %d %llu",
		       peer_script, BULK_PORT, (unsigned long long)nbytes);
	s = (int)CHECK_SYS(rump_sys_accept(ls, NULL, NULL));
	for (;;) {
		ssize_t n = rump_sys_read(s, buf, sizeof(buf));

		CHECK(n >= 0);
		if (n == 0)
			break;
		crc = crc32_update(crc, buf, (size_t)n);
		total += (uint64_t)n;
	}
	CHECK_SYS(rump_sys_close(s));
	CHECK_SYS(rump_sys_close(ls));
	iop_peer_line(&p, line, sizeof(line));
	CHECK_EQ(iop_peer_end(&p), 0);
	snprintf(got, sizeof(got), "%08x %llu", crc, (unsigned long long)total);
	if (strcmp(line, got) != 0)
		test_fail(__FILE__, __LINE__, "Linux sent '%s', got '%s'", line,
			  got);
}

static void bulk(const char *what, uint64_t nbytes)
{
	bulk_to_linux(nbytes);
	test_log("%s: %llu MiB rumpkit -> Linux intact", what,
		 (unsigned long long)(nbytes >> 20));
	bulk_from_linux(nbytes);
	test_log("%s: %llu MiB Linux -> rumpkit intact", what,
		 (unsigned long long)(nbytes >> 20));
}

static void find_peer_script(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct stat st;

	CHECK(n > 0);
	self[n] = '\0';
	/* <root>/<build>/tests/<host>/t_virtif_linux */
	for (int i = 0; i < 4; i++) {
		char *slash = strrchr(self, '/');
		CHECK(slash != NULL);
		*slash = '\0';
	}
	snprintf(peer_script, sizeof(peer_script),
		 "%s/tests/net/virtif_peer.py", self);
	CHECK_EQ(stat(peer_script, &st), 0);
}

/*
 * Megabytes for the clean and the lossy transfers: 256 and 64, less
 * under ThreadSanitizer, whose instrumentation would otherwise take the
 * run past tests/run.sh's timeout.
 */
#if defined(__SANITIZE_THREAD__)
#define TSAN_BUILD 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TSAN_BUILD 1
#endif
#endif
#ifdef TSAN_BUILD
#define BULK_MIB 64
#define LOSSY_MIB 16
#else
#define BULK_MIB 256
#define LOSSY_MIB 64
#endif

static void in_namespace(void)
{
	uint64_t mib = 1 << 20;

	find_peer_script();
	crc_init();
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	CHECK_EQ(rump_pub_netconfig_ifcreate("virt0"), 0);
	/* Up before a tap is bound: no wire yet. */
	CHECK_EQ(rump_pub_netconfig_ifup("virt0"), ENXIO);
	CHECK_EQ(rump_pub_netconfig_ifsetlinkstr("virt0", TAP), 0);
	CHECK_EQ(rump_pub_netconfig_ifsetlinkstr("virt0", TAP), EBUSY);
	CHECK_EQ(rump_pub_netconfig_ipv4_ifaddr_cidr("virt0", RUMP_ADDR, 24),
		 0);
	CHECK_EQ(rump_pub_netconfig_ifup("virt0"), 0);
	iop_sh("ip link set lo up && ip addr add " LINUX_ADDR "/24 dev " TAP
	       " && ip link set " TAP " up");

	ping_from_linux();
	ping_from_rump();
	curl_from_linux();
	fetch_from_linux();
	bulk("clean", BULK_MIB * mib * (uint64_t)test_scale());

	iop_sh("iptables -A INPUT -m statistic --mode random --probability "
	       "0.02 "
	       "-j DROP && iptables -A OUTPUT -m statistic --mode random "
	       "--probability 0.02 -j DROP");
	bulk("2% loss", LOSSY_MIB * mib * (uint64_t)test_scale());
	/* The rules did drop: both chains' DROP rules counted packets. */
	{
		struct iop_peer p;
		char line[256];
		int chains = 0;

		iop_peer_start(&p,
			       "iptables -nvxL INPUT; iptables -nvxL OUTPUT");
		while (fgets(line, sizeof(line), p.out) != NULL) {
			if (strstr(line, "DROP") == NULL)
				continue;
			CHECK(strtoull(line, NULL, 10) > 0);
			chains++;
		}
		CHECK_EQ(iop_peer_end(&p), 0);
		CHECK_EQ(chains, 2);
	}
	iop_sh("iptables -F INPUT && iptables -F OUTPUT");

	/* Destroyed while Linux floods it with pings: the receiver stops. */
	{
		struct iop_peer p;

		iop_peer_start(&p,
			       "exec ping -f -q " RUMP_ADDR " >/dev/null 2>&1");
		bulk_to_linux(4 * mib);
		CHECK_EQ(rump_pub_netconfig_ifdestroy("virt0"), 0);
		kill(p.pid, SIGTERM);
		iop_peer_end(&p);
	}
	/* A name the host cannot take, and an interface left for shutdown. */
	CHECK_EQ(rump_pub_netconfig_ifcreate("virt1"), 0);
	CHECK_EQ(rump_pub_netconfig_ifsetlinkstr("virt1", ""), EINVAL);
	CHECK_EQ(
		rump_pub_netconfig_ifsetlinkstr("virt1", "rktap_name_too_long"),
		EINVAL);
	CHECK_EQ(rump_pub_netconfig_ifsetlinkstr("virt1", "rktap1"), 0);
	CHECK_EQ(rump_pub_netconfig_ifup("virt1"), 0);
	iop_sh("ip link show rktap1 >/dev/null");
	rump_pub_lwproc_releaselwp();
	test_halt();
}

int main(int argc, char **argv)
{
	return iop_main(argc, argv, in_namespace);
}
