/*
 * t_tcp_reset.c -- how a reset connection reports its error, as Linux
 * does: the pending ECONNRESET goes to exactly one of recv, send or
 * SO_ERROR, whichever comes first; after it recv returns 0 (EOF) and
 * send EPIPE.  Data that arrived before the RST is read first.  A reset
 * in CLOSE_WAIT (the peer had sent its FIN) is EPIPE, as on Linux.
 */
#include <string.h>

#include "tcp_testutil.h"

/* A connected pair over lo0: *cp the client, *sp the server side. */
static void pair(int l, uint16_t port, int *cp, int *sp)
{
	*cp = tcpt_connect(port);
	*sp = (int)CHECK_SYS(rump_sys_accept(l, NULL, NULL));
}

/* s aborts (SO_LINGER 0): c gets an RST; waits until c has seen it. */
static void abort_from(int s, int c)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};

	CHECK_SYS(
		rump_sys_setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	CHECK_SYS(rump_sys_close(s));
	CHECK(tcpt_wait(c, POLLIN, 10000) & POLLERR);
}

static void test_recv_first(int l, uint16_t port)
{
	char buf[16];
	int c, s;

	pair(l, port, &c, &s);
	abort_from(s, c);
	CHECK_ERRNO(rump_sys_recvfrom(c, buf, sizeof(buf), 0, NULL, NULL),
		    ECONNRESET);
	CHECK_EQ(rump_sys_recvfrom(c, buf, sizeof(buf), 0, NULL, NULL), 0);
	CHECK_EQ(tcpt_soerror(c), 0);
	CHECK_ERRNO(rump_sys_sendto(c, "x", 1, MSG_NOSIGNAL, NULL, 0), EPIPE);
	CHECK(!(tcpt_wait(c, POLLIN, 0) & POLLERR));
	CHECK_SYS(rump_sys_close(c));
}

static void test_send_first(int l, uint16_t port)
{
	char buf[16];
	int c, s;

	pair(l, port, &c, &s);
	abort_from(s, c);
	CHECK_ERRNO(rump_sys_sendto(c, "x", 1, MSG_NOSIGNAL, NULL, 0),
		    ECONNRESET);
	CHECK_ERRNO(rump_sys_sendto(c, "x", 1, MSG_NOSIGNAL, NULL, 0), EPIPE);
	CHECK_EQ(rump_sys_recvfrom(c, buf, sizeof(buf), 0, NULL, NULL), 0);
	CHECK_EQ(tcpt_soerror(c), 0);
	CHECK_SYS(rump_sys_close(c));
}

static void test_soerror_first(int l, uint16_t port)
{
	char buf[16];
	int c, s;

	pair(l, port, &c, &s);
	abort_from(s, c);
	CHECK_EQ(tcpt_soerror(c), ECONNRESET);
	CHECK_EQ(tcpt_soerror(c), 0);
	CHECK_EQ(rump_sys_recvfrom(c, buf, sizeof(buf), 0, NULL, NULL), 0);
	CHECK_ERRNO(rump_sys_sendto(c, "x", 1, MSG_NOSIGNAL, NULL, 0), EPIPE);
	CHECK_SYS(rump_sys_close(c));
}

/* Data that arrived before the RST is read, then the error, then EOF. */
static void test_data_then_reset(int l, uint16_t port)
{
	char buf[16];
	int c, s;

	pair(l, port, &c, &s);
	tcpt_write_all(s, "abc", 3);
	CHECK(tcpt_wait(c, POLLIN, 10000) & POLLIN);
	abort_from(s, c);
	CHECK_EQ(rump_sys_recvfrom(c, buf, sizeof(buf), 0, NULL, NULL), 3);
	CHECK(memcmp(buf, "abc", 3) == 0);
	CHECK_ERRNO(rump_sys_recvfrom(c, buf, sizeof(buf), 0, NULL, NULL),
		    ECONNRESET);
	CHECK_EQ(rump_sys_recvfrom(c, buf, sizeof(buf), 0, NULL, NULL), 0);
	CHECK_SYS(rump_sys_close(c));
}

/* The peer's FIN came first (CLOSE_WAIT), then its RST: EPIPE. */
static void test_close_wait(int l, uint16_t port)
{
	char buf[16];
	int c, s;

	pair(l, port, &c, &s);
	CHECK_SYS(rump_sys_shutdown(s, SHUT_WR));
	CHECK_EQ(rump_sys_recvfrom(c, buf, sizeof(buf), 0, NULL, NULL), 0);
	abort_from(s, c);
	CHECK_EQ(tcpt_soerror(c), EPIPE);
	CHECK_EQ(tcpt_soerror(c), 0);
	CHECK_SYS(rump_sys_close(c));
}

int main(int argc, char **argv)
{
	uint16_t port;
	int l;

	test_init(argc, argv);
	test_watchdog(60);
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	l = tcpt_listen(8, &port);

	test_recv_first(l, port);
	test_send_first(l, port);
	test_soerror_first(l, port);
	test_data_then_reset(l, port);
	test_close_wait(l, port);

	CHECK_SYS(rump_sys_close(l));
	rump_pub_lwproc_releaselwp();
	test_halt();
	test_log("ok");
	return 0;
}
