/*
 * shmif_util.h -- what the shmif tests share (static functions, one
 * includer per program): kernels as forked processes (the test program
 * itself boots none; each role forks, boots its own kernel and exits with
 * its verdict), the roles (a CRC-32 TCP sink, a router, a flooder), and
 * the client steps (ping, bulk TCP with a checksum), plus raw access to a
 * bus file for injecting frames the way a participant would.
 */
#ifndef SHMIF_UTIL_H_
#define SHMIF_UTIL_H_
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <signal.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rump/netconfig.h>
#include <rump/shmif.h>

#include "../kern/rumptest_inet.h"
#include "../testlib.h"

#define SINK_PORT 7000

/* --- processes ------------------------------------------------------ */

/* Forks a process that runs fn(arg) and exits 0 (fn fails by test_fail). */
static __attribute__((unused)) pid_t kern_fork(void (*fn)(void *), void *arg)
{
	pid_t parent = getpid(), pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		alarm(0);
		/* A failed test must not leave its kernels running. */
		CHECK_EQ(prctl(PR_SET_PDEATHSIG, SIGKILL), 0);
		if (getppid() != parent)
			_exit(1);
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	return pid;
}

static __attribute__((unused)) void kern_wait(pid_t pid, const char *what)
{
	int status;

	CHECK_EQ(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		test_fail(__FILE__, __LINE__, "%s: %s", what,
			  test_status_str(status));
}

/* Boots this process's kernel with a process context for the calls. */
static __attribute__((unused)) void kern_boot(void)
{
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
}

static __attribute__((unused)) void kern_halt(void)
{
	rump_pub_lwproc_releaselwp();
	test_halt();
}

static __attribute__((unused)) struct sockaddr_in sin_of(const char *a,
							 int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port)};

	CHECK_EQ(inet_pton(AF_INET, a, &sin.sin_addr), 1);
	return sin;
}

/* --- data ----------------------------------------------------------- */

static __attribute__((unused)) uint32_t crc_table[256];

static __attribute__((unused)) uint32_t
crc32_update(uint32_t crc, const uint8_t *p, size_t len)
{
	if (crc_table[1] == 0) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
			crc_table[i] = c;
		}
	}
	crc = ~crc;
	while (len-- > 0)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static __attribute__((unused)) void fill_random(uint8_t *buf, size_t len,
						uint64_t *state)
{
	for (size_t i = 0; i < len; i++) {
		*state ^= *state << 13;
		*state ^= *state >> 7;
		*state ^= *state << 17;
		buf[i] = (uint8_t)*state;
	}
}

/* --- roles ---------------------------------------------------------- */

struct shmif_role {
	const char *bus, *bus2;	  /* bus2: a router's second interface */
	const char *addr, *addr2; /* our addresses (/24) */
	const char *gw;		  /* default route, or NULL */
	int quitfd;		  /* router, flooder: run until EOF here */
	int otherfd;		  /* the pipe's other end, closed at start */
	const char *flood_to;	  /* flooder: broadcast address */
	void (*sink_done)(void);  /* sink: run before its kernel halts */
};

/* An interface on the bus with an address, by the public create call. */
static __attribute__((unused)) void role_attach(const char *bus,
						const char *addr)
{
	char ifname[16];
	int unit = -1;

	CHECK_EQ(rump_pub_shmif_create(bus, &unit), 0);
	CHECK(unit >= 0);
	snprintf(ifname, sizeof(ifname), "shmif%d", unit);
	CHECK_EQ(rump_pub_netconfig_ipv4_ifaddr_cidr(ifname, addr, 24), 0);
}

/*
 * The sink: for every TCP connection, reads to EOF and answers with the
 * byte count and CRC-32 (8 + 4 bytes, host order); a connection that
 * sends nothing ends the role.
 */
static __attribute__((unused)) void role_sink(void *arg)
{
	const struct shmif_role *r = arg;
	struct sockaddr_in sin = sin_of("0.0.0.0", SINK_PORT);
	static uint8_t buf[65536];
	int ls, on = 1;

	kern_boot();
	role_attach(r->bus, r->addr);
	if (r->gw != NULL)
		CHECK_EQ(rump_pub_netconfig_ipv4_gw(r->gw), 0);
	ls = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_STREAM, 0));
	CHECK_SYS(rump_sys_setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &on,
				      sizeof(on)));
	CHECK_SYS(rump_sys_bind(ls, (struct sockaddr *)&sin, sizeof(sin)));
	CHECK_SYS(rump_sys_listen(ls, 4));
	for (;;) {
		int s = (int)CHECK_SYS(rump_sys_accept(ls, NULL, NULL));
		uint64_t count = 0;
		uint32_t crc = 0;
		uint8_t answer[12];
		ssize_t n;

		while ((n = rump_sys_read(s, buf, sizeof(buf))) > 0) {
			crc = crc32_update(crc, buf, (size_t)n);
			count += (uint64_t)n;
		}
		CHECK(n == 0);
		memcpy(answer, &count, 8);
		memcpy(answer + 8, &crc, 4);
		CHECK_EQ(rump_sys_write(s, answer, sizeof(answer)), 12);
		CHECK_SYS(rump_sys_close(s));
		if (count == 0)
			break;
	}
	CHECK_SYS(rump_sys_close(ls));
	test_log("sink stats: ipackets %lld opackets %lld iqdrops %lld ierrors "
		 "%lld",
		 (long long)rump_test_if_stat("shmif0", "ipackets"),
		 (long long)rump_test_if_stat("shmif0", "opackets"),
		 (long long)rump_test_if_stat("shmif0", "iqdrops"),
		 (long long)rump_test_if_stat("shmif0", "ierrors"));
	if (r->sink_done != NULL)
		r->sink_done();
	kern_halt();
}

/* Blocks until the orchestrator closes its end of quitfd. */
static __attribute__((unused)) void role_wait_quit(int quitfd)
{
	char c;

	while (read(quitfd, &c, 1) > 0)
		continue;
}

/* A router between two buses, forwarding on. */
static __attribute__((unused)) void role_router(void *arg)
{
	const struct shmif_role *r = arg;

	close(r->otherfd);
	kern_boot();
	role_attach(r->bus, r->addr);
	role_attach(r->bus2, r->addr2);
	rump_test_inet_setforwarding(1);
	role_wait_quit(r->quitfd);
	kern_halt();
}

/* Sends broadcast datagrams of 1400 bytes as fast as it can, forever. */
static __attribute__((unused)) void role_flooder(void *arg)
{
	const struct shmif_role *r = arg;
	struct sockaddr_in to = sin_of(r->flood_to, 9);
	static uint8_t buf[1400];
	int s, on = 1;

	kern_boot();
	role_attach(r->bus, r->addr);
	s = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));
	CHECK_SYS(rump_sys_setsockopt(s, SOL_SOCKET, SO_BROADCAST, &on,
				      sizeof(on)));
	/* Tell the orchestrator we are flooding, then never stop. */
	CHECK_EQ(write(r->quitfd, "f", 1), 1);
	for (;;)
		(void)rump_sys_sendto(s, buf, sizeof(buf), 0,
				      (struct sockaddr *)&to, sizeof(to));
}

/* --- client steps (in a booted kernel) ------------------------------ */

/* Echo requests until one is answered (ARP, a peer still booting). */
static __attribute__((unused)) void ping_until(const char *addr, int tries)
{
	struct sockaddr_in to = sin_of(addr, 0), from;
	struct timeval tv = {.tv_sec = 1};
	int s = (int)CHECK_SYS(
		rump_sys_socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));

	CHECK_SYS(rump_sys_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv,
				      sizeof(tv)));
	for (int seq = 1; seq <= tries; seq++) {
		uint8_t req[64] = {ICMP_ECHO}, buf[256];
		socklen_t flen = sizeof(from);
		ssize_t n;

		req[7] = (uint8_t)seq;
		for (int i = 8; i < 64; i++)
			req[i] = (uint8_t)(i * seq);
		CHECK_EQ(rump_sys_sendto(s, req, 64, 0, (struct sockaddr *)&to,
					 sizeof(to)),
			 64);
		while ((n = rump_sys_recvfrom(s, buf, sizeof(buf), 0,
					      (struct sockaddr *)&from,
					      &flen)) == 64) {
			if (buf[0] == ICMP_ECHOREPLY &&
			    buf[7] == (uint8_t)seq &&
			    memcmp(buf + 8, req + 8, 56) == 0 &&
			    from.sin_addr.s_addr == to.sin_addr.s_addr) {
				CHECK_SYS(rump_sys_close(s));
				return;
			}
			flen = sizeof(from);
		}
	}
	test_fail(__FILE__, __LINE__, "no echo reply from %s in %d tries", addr,
		  tries);
}

/* A TCP connection to the sink, retried while it is not listening yet. */
static __attribute__((unused)) int sink_connect(const char *addr)
{
	struct sockaddr_in to = sin_of(addr, SINK_PORT);

	for (int i = 0; i < 100; i++) {
		int s = (int)CHECK_SYS(
			rump_sys_socket(AF_INET, SOCK_STREAM, 0));

		if (rump_sys_connect(s, (struct sockaddr *)&to, sizeof(to)) ==
		    0)
			return s;
		CHECK(errno == ECONNREFUSED || errno == ETIMEDOUT ||
		      errno == EHOSTDOWN || errno == EHOSTUNREACH);
		CHECK_SYS(rump_sys_close(s));
		usleep(100000);
	}
	test_fail(__FILE__, __LINE__, "cannot connect to %s", addr);
}

/* Sends bytes of pseudo-random data; the sink's count and CRC must match. */
static __attribute__((unused)) void bulk_to_sink(const char *addr,
						 uint64_t bytes, uint64_t seed)
{
	static uint8_t buf[65536];
	uint64_t left = bytes, count;
	uint32_t crc = 0, rcrc;
	uint8_t answer[12];
	int s = sink_connect(addr);

	while (left > 0) {
		size_t len = left < sizeof(buf) ? (size_t)left : sizeof(buf);
		size_t off = 0;

		fill_random(buf, len, &seed);
		crc = crc32_update(crc, buf, len);
		while (off < len) {
			ssize_t n = rump_sys_write(s, buf + off, len - off);

			if (n <= 0)
				test_fail(__FILE__, __LINE__, "write: %s",
					  strerror(errno));
			off += (size_t)n;
		}
		left -= len;
	}
	CHECK_SYS(rump_sys_shutdown(s, SHUT_WR));
	CHECK_EQ(rump_sys_recv(s, answer, sizeof(answer), MSG_WAITALL), 12);
	memcpy(&count, answer, 8);
	memcpy(&rcrc, answer + 8, 4);
	CHECK_EQ(count, bytes);
	CHECK_EQ(rcrc, crc);
	CHECK_SYS(rump_sys_close(s));
}

/* Ends the sink role: a connection that sends nothing. */
static __attribute__((unused)) void sink_quit(const char *addr)
{
	uint8_t answer[12];
	int s = sink_connect(addr);

	CHECK_SYS(rump_sys_shutdown(s, SHUT_WR));
	CHECK_EQ(rump_sys_recv(s, answer, sizeof(answer), MSG_WAITALL), 12);
	CHECK_SYS(rump_sys_close(s));
}

/* --- the bus file, raw ---------------------------------------------- */

struct rawbus {
	struct shmif_bus_header *hdr;
	uint8_t *ring;
	size_t len;
};

static __attribute__((unused)) void rawbus_open(struct rawbus *rb,
						const char *path)
{
	int fd = open(path, O_RDWR);
	struct stat st;

	CHECK(fd >= 0);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK(st.st_size >= SHMIF_HDR_SIZE + SHMIF_RING_MIN);
	rb->len = (size_t)st.st_size;
	rb->hdr =
		mmap(NULL, rb->len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(rb->hdr != MAP_FAILED);
	close(fd);
	CHECK_EQ(rb->hdr->sb_magic, SHMIF_MAGIC);
	rb->ring = (uint8_t *)rb->hdr + SHMIF_HDR_SIZE;
}

static __attribute__((unused)) void rawbus_close(struct rawbus *rb)
{
	munmap(rb->hdr, rb->len);
}

static __attribute__((unused)) void rawbus_lock(struct rawbus *rb)
{
	uint32_t free_ = 0;

	while (!__atomic_compare_exchange_n(
		&rb->hdr->sb_lock, &free_, (uint32_t)getpid(), false,
		__ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		free_ = 0;
		sched_yield();
	}
}

static __attribute__((unused)) void rawbus_unlock(struct rawbus *rb)
{
	__atomic_store_n(&rb->hdr->sb_lock, 0, __ATOMIC_RELEASE);
}

static __attribute__((unused)) void rawbus_put(struct rawbus *rb, uint64_t off,
					       const void *p, size_t len)
{
	uint64_t size = rb->hdr->sb_ringsize;

	for (size_t i = 0; i < len; i++)
		rb->ring[(off + i) % size] = ((const uint8_t *)p)[i];
}

/*
 * Publishes a frame whose header claims claimed bytes, with the len
 * bytes of data (room for SHMIF_FRAME_SPACE(len)), as a participant
 * would, and wakes the readers.  Assumes the ring has room (a young bus).
 */
static __attribute__((unused)) void rawbus_inject(struct rawbus *rb,
						  uint32_t claimed,
						  const void *data,
						  uint32_t len)
{
	struct shmif_frame_header fh = {.sf_len = claimed, .sf_sender = 1};
	uint64_t next;

	rawbus_lock(rb);
	next = rb->hdr->sb_next;
	CHECK(next + SHMIF_FRAME_SPACE(len) - rb->hdr->sb_first <=
	      rb->hdr->sb_ringsize);
	rawbus_put(rb, next, &fh, sizeof(fh));
	rawbus_put(rb, next + sizeof(fh), data, len);
	__atomic_store_n(&rb->hdr->sb_next, next + SHMIF_FRAME_SPACE(len),
			 __ATOMIC_SEQ_CST);
	rawbus_unlock(rb);
	__atomic_add_fetch(&rb->hdr->sb_seq, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &rb->hdr->sb_seq, 1 /* FUTEX_WAKE */, 1 << 30, NULL,
		NULL, 0);
}
#endif
