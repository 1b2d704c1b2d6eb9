/*
 * tcp_testutil.h -- helpers the TCP test programs share: loopback
 * addresses, listeners on ephemeral ports, non-blocking connects, bounded
 * poll waits and whole-buffer reads and writes through rump_sys_*, all
 * with the host's own constants.
 */
#ifndef RUMPTEST_TCP_TESTUTIL_H_
#define RUMPTEST_TCP_TESTUTIL_H_
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include "testlib.h"

static inline struct sockaddr_in tcpt_addr(uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

static inline uint16_t tcpt_port_of(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	CHECK_SYS(rump_sys_getsockname(fd, (struct sockaddr *)&sin, &len));
	CHECK_EQ(len, sizeof(sin));
	CHECK_EQ(sin.sin_family, AF_INET);
	return ntohs(sin.sin_port);
}

/* A listener on 127.0.0.1 at an ephemeral port (*portp). */
static inline int tcpt_listen(int backlog, uint16_t *portp)
{
	struct sockaddr_in sin = tcpt_addr(0);
	int fd = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_STREAM, 0));

	CHECK_SYS(rump_sys_bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	CHECK_SYS(rump_sys_listen(fd, backlog));
	*portp = tcpt_port_of(fd);
	return fd;
}

static inline void tcpt_nonblock(int fd, bool on)
{
	int fl = (int)CHECK_SYS(rump_sys_fcntl(fd, F_GETFL));

	CHECK_SYS(rump_sys_fcntl(fd, F_SETFL,
				 on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK));
}

/* Waits (at most ms) for events on fd; returns revents (0: timeout). */
static inline int tcpt_wait(int fd, short events, int ms)
{
	struct pollfd p = {.fd = fd, .events = events};
	int n = (int)CHECK_SYS(rump_sys_poll(&p, 1, ms));

	return n == 0 ? 0 : p.revents;
}

static inline int tcpt_soerror(int fd)
{
	int err = -1;
	socklen_t len = sizeof(err);

	CHECK_SYS(rump_sys_getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len));
	return err;
}

/* A blocking connect to 127.0.0.1:port; returns the descriptor. */
static inline int tcpt_connect(uint16_t port)
{
	struct sockaddr_in sin = tcpt_addr(port);
	int fd = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_STREAM, 0));

	CHECK_SYS(rump_sys_connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	return fd;
}

static inline void tcpt_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = rump_sys_write(fd, p, len);
		if (n < 0)
			test_fail(__FILE__, __LINE__, "write: %s",
				  strerror(errno));
		p += n;
		len -= (size_t)n;
	}
}

static inline void tcpt_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = rump_sys_read(fd, p, len);
		if (n <= 0)
			test_fail(__FILE__, __LINE__, "read: %zd %s", n,
				  n < 0 ? strerror(errno) : "EOF");
		p += n;
		len -= (size_t)n;
	}
}

/* FNV-1a, 64 bits, continued from h. */
static inline uint64_t tcpt_fnv(uint64_t h, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}
#define TCPT_FNV_INIT 0xcbf29ce484222325ull

/* The byte at offset i of a test stream with seed s. */
static inline unsigned char tcpt_pattern(uint64_t i, unsigned s)
{
	return (unsigned char)(i * 131 + (i >> 9) * 7 + s);
}
#endif
