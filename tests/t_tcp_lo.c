/*
 * t_tcp_lo.c -- TCP inside one kernel over lo0 through rump_sys_* with the
 * host's constants: client and server, a non-blocking connect (EINPROGRESS,
 * poll, SO_ERROR), RST from a closed port (ECONNREFUSED both ways),
 * half-close with shutdown, SO_LINGER 0 (ECONNRESET at the peer), listen
 * backlog overflow (the accept queue holds backlog + 1, the rest get in
 * later), TCP socket options, and a large transfer with a checksum driven
 * by poll from one thread.
 */
#include "tcp_testutil.h"

static void test_client_server(void)
{
	uint16_t port;
	int l = tcpt_listen(4, &port), c, s;
	struct sockaddr_in sin = tcpt_addr(port), peer;
	socklen_t plen = sizeof(peer);
	char buf[64];

	c = (int)CHECK_SYS(
		rump_sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
	CHECK_ERRNO(rump_sys_connect(c, (struct sockaddr *)&sin, sizeof(sin)),
		    EINPROGRESS);
	CHECK(tcpt_wait(c, POLLOUT, 10000) & POLLOUT);
	CHECK_EQ(tcpt_soerror(c), 0);
	s = (int)CHECK_SYS(rump_sys_accept(l, (struct sockaddr *)&peer, &plen));
	CHECK_EQ(plen, sizeof(peer));
	CHECK_EQ(peer.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	CHECK_EQ(ntohs(peer.sin_port), tcpt_port_of(c));
	plen = sizeof(peer);
	CHECK_SYS(rump_sys_getpeername(c, (struct sockaddr *)&peer, &plen));
	CHECK_EQ(ntohs(peer.sin_port), port);

	/* Nothing to read yet: EAGAIN on the non-blocking side. */
	CHECK_ERRNO(rump_sys_read(c, buf, sizeof(buf)), EAGAIN);
	tcpt_write_all(s, "hello client", 12);
	CHECK(tcpt_wait(c, POLLIN, 10000) & POLLIN);
	CHECK_EQ(rump_sys_read(c, buf, sizeof(buf)), 12);
	CHECK(memcmp(buf, "hello client", 12) == 0);
	CHECK_EQ(rump_sys_send(c, "hello server", 12, 0), 12);
	tcpt_read_all(s, buf, 12);
	CHECK(memcmp(buf, "hello server", 12) == 0);

	CHECK_SYS(rump_sys_close(c));
	CHECK_EQ(rump_sys_read(s, buf, sizeof(buf)), 0); /* the FIN */
	CHECK_SYS(rump_sys_close(s));
	CHECK_SYS(rump_sys_close(l));
}

static void test_refused(void)
{
	uint16_t port;
	int l = tcpt_listen(1, &port), c;
	struct sockaddr_in sin = tcpt_addr(port);

	/* Nobody listens on the port any more: the SYN gets an RST. */
	CHECK_SYS(rump_sys_close(l));
	c = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_STREAM, 0));
	CHECK_ERRNO(rump_sys_connect(c, (struct sockaddr *)&sin, sizeof(sin)),
		    ECONNREFUSED);
	CHECK_SYS(rump_sys_close(c));

	c = (int)CHECK_SYS(
		rump_sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
	CHECK_ERRNO(rump_sys_connect(c, (struct sockaddr *)&sin, sizeof(sin)),
		    EINPROGRESS);
	CHECK(tcpt_wait(c, POLLOUT, 10000) != 0);
	CHECK_EQ(tcpt_soerror(c), ECONNREFUSED);
	CHECK_SYS(rump_sys_close(c));
}

static void test_half_close(void)
{
	uint16_t port;
	int l = tcpt_listen(1, &port), c = tcpt_connect(port), s;
	char buf[32];

	s = (int)CHECK_SYS(rump_sys_accept(l, NULL, NULL));
	tcpt_write_all(c, "request", 7);
	CHECK_SYS(rump_sys_shutdown(c, SHUT_WR));
	tcpt_read_all(s, buf, 7);
	CHECK(memcmp(buf, "request", 7) == 0);
	CHECK_EQ(rump_sys_read(s, buf, sizeof(buf)), 0); /* EOF */
	/* The other direction still works after the peer's FIN. */
	tcpt_write_all(s, "response", 8);
	CHECK_SYS(rump_sys_shutdown(s, SHUT_WR));
	tcpt_read_all(c, buf, 8);
	CHECK(memcmp(buf, "response", 8) == 0);
	CHECK_EQ(rump_sys_read(c, buf, sizeof(buf)), 0);
	/* Writing after shutdown(SHUT_WR) is EPIPE. */
	CHECK_ERRNO(rump_sys_send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK_SYS(rump_sys_close(c));
	CHECK_SYS(rump_sys_close(s));
	CHECK_SYS(rump_sys_close(l));
}

static void test_linger_abort(void)
{
	uint16_t port;
	int l = tcpt_listen(1, &port), c = tcpt_connect(port), s;
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	char buf[8];

	s = (int)CHECK_SYS(rump_sys_accept(l, NULL, NULL));
	tcpt_write_all(c, "abc", 3);
	tcpt_read_all(s, buf, 3);
	CHECK_SYS(
		rump_sys_setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	CHECK_SYS(rump_sys_close(c));
	/* The peer sees the RST, not a FIN. */
	CHECK(tcpt_wait(s, POLLIN, 10000) != 0);
	CHECK_ERRNO(rump_sys_read(s, buf, sizeof(buf)), ECONNRESET);
	CHECK_SYS(rump_sys_close(s));
	CHECK_SYS(rump_sys_close(l));
}

/*
 * backlog 1: the queue takes two (Linux's backlog + 1); further SYNs are
 * dropped and retried by the clients, so all get in once accepted.
 */
static void test_backlog(void)
{
	enum { N = 5 };
	uint16_t port;
	int l = tcpt_listen(1, &port), c[N], s[N], nacc = 0;
	struct sockaddr_in sin = tcpt_addr(port);

	for (int i = 0; i < N; i++) {
		c[i] = (int)CHECK_SYS(rump_sys_socket(
			AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
		CHECK_ERRNO(rump_sys_connect(c[i], (struct sockaddr *)&sin,
					     sizeof(sin)),
			    EINPROGRESS);
	}
	/* Wait until the queue is full, then see that it holds just two. */
	CHECK(tcpt_wait(l, POLLIN, 10000) & POLLIN);
	tcpt_nonblock(l, true);
	for (int tries = 0; tries < 100; tries++) {
		int fd;
		/* Give the handshakes in flight time to land. */
		tcpt_wait(c[N - 1], POLLIN, 20);
		fd = rump_sys_accept(l, NULL, NULL);
		if (fd < 0) {
			CHECK_EQ(errno, EAGAIN);
			if (nacc == 2)
				break;
			continue;
		}
		s[nacc++] = fd;
		if (nacc == 2)
			continue;
	}
	CHECK_EQ(nacc, 2);
	/* The rest get in as their SYNs are retried. */
	tcpt_nonblock(l, false);
	while (nacc < N)
		s[nacc++] = (int)CHECK_SYS(rump_sys_accept(l, NULL, NULL));
	tcpt_nonblock(l, true);
	CHECK_ERRNO(rump_sys_accept(l, NULL, NULL), EAGAIN);
	/* Every connection works, and each client is someone's peer. */
	for (int i = 0; i < N; i++) {
		char b = (char)('a' + i);
		CHECK(tcpt_wait(c[i], POLLOUT, 10000) & POLLOUT);
		CHECK_EQ(tcpt_soerror(c[i]), 0);
		CHECK_EQ(rump_sys_write(c[i], &b, 1), 1);
	}
	for (int i = 0; i < N; i++) {
		char r;
		CHECK(tcpt_wait(s[i], POLLIN, 10000) & POLLIN);
		CHECK_EQ(rump_sys_read(s[i], &r, 1), 1);
		CHECK(r >= 'a' && r < 'a' + N);
	}
	for (int i = 0; i < N; i++) {
		CHECK_SYS(rump_sys_close(c[i]));
		CHECK_SYS(rump_sys_close(s[i]));
	}
	CHECK_SYS(rump_sys_close(l));
}

static void test_options(void)
{
	uint16_t port;
	int l = tcpt_listen(1, &port), c, s, v;
	socklen_t len = sizeof(v);

	c = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_STREAM, 0));
	CHECK_SYS(rump_sys_getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &len));
	CHECK_EQ(v, 0);
	v = 1;
	CHECK_SYS(rump_sys_setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v,
				      sizeof(v)));
	len = sizeof(v);
	CHECK_SYS(rump_sys_getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &len));
	CHECK(v != 0);
	v = 1000;
	CHECK_SYS(
		rump_sys_setsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof(v)));
	v = 1;
	CHECK_SYS(rump_sys_setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &v,
				      sizeof(v)));
	v = 10;
	CHECK_ERRNO(
		rump_sys_setsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof(v)),
		EINVAL);
	{
		struct sockaddr_in sin = tcpt_addr(port);
		CHECK_SYS(rump_sys_connect(c, (struct sockaddr *)&sin,
					   sizeof(sin)));
	}
	s = (int)CHECK_SYS(rump_sys_accept(l, NULL, NULL));
	/* The MSS the user asked for caps what the handshake agreed. */
	len = sizeof(v);
	CHECK_SYS(rump_sys_getsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &v, &len));
	CHECK(v > 0 && v <= 1000);
	len = sizeof(v);
	CHECK_SYS(rump_sys_getsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &v, &len));
	CHECK(v > 0 && v <= 1000); /* the peer announced at most 1000 */
	CHECK_SYS(rump_sys_close(c));
	CHECK_SYS(rump_sys_close(s));
	CHECK_SYS(rump_sys_close(l));
}

/* size bytes from c to s, and back the other way, from one thread. */
static void test_bulk(size_t size)
{
	uint16_t port;
	int l = tcpt_listen(1, &port), c = tcpt_connect(port), s;
	static unsigned char out[65536], in[65536];
	uint64_t hout = TCPT_FNV_INIT, hin = TCPT_FNV_INIT;
	size_t sent = 0, got = 0;

	s = (int)CHECK_SYS(rump_sys_accept(l, NULL, NULL));
	tcpt_nonblock(c, true);
	tcpt_nonblock(s, true);
	while (got < size) {
		struct pollfd p[2] = {{.fd = c, .events = POLLOUT},
				      {.fd = s, .events = POLLIN}};
		if (sent == size)
			p[0].events = 0;
		CHECK(CHECK_SYS(rump_sys_poll(p, 2, 10000)) > 0);
		if (p[0].revents & POLLOUT) {
			size_t n = size - sent < sizeof(out) ? size - sent
							     : sizeof(out);
			ssize_t w;
			for (size_t i = 0; i < n; i++)
				out[i] = tcpt_pattern(sent + i, 3);
			w = rump_sys_write(c, out, n);
			if (w < 0)
				CHECK_EQ(errno, EAGAIN);
			else {
				hout = tcpt_fnv(hout, out, (size_t)w);
				sent += (size_t)w;
			}
		}
		if (p[1].revents & POLLIN) {
			ssize_t r = rump_sys_read(s, in, sizeof(in));
			if (r < 0)
				CHECK_EQ(errno, EAGAIN);
			else {
				CHECK(r > 0);
				for (ssize_t i = 0; i < r; i++)
					if (in[i] !=
					    tcpt_pattern(got + (size_t)i, 3))
						test_fail(__FILE__, __LINE__,
							  "byte %zu differs",
							  got + (size_t)i);
				hin = tcpt_fnv(hin, in, (size_t)r);
				got += (size_t)r;
			}
		}
	}
	CHECK_EQ(hin, hout);
	CHECK_SYS(rump_sys_close(c));
	tcpt_nonblock(s, false);
	CHECK_EQ(rump_sys_read(s, in, sizeof(in)), 0);
	CHECK_SYS(rump_sys_close(s));
	CHECK_SYS(rump_sys_close(l));
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(110);
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);

	test_client_server();
	test_refused();
	test_half_close();
	test_linger_abort();
	test_options();
	test_bulk((size_t)16 << 20);
	test_backlog();

	rump_pub_lwproc_releaselwp();
	test_halt();
	test_log("ok");
	return 0;
}
