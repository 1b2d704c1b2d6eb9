/*
 * t_tcp_info.c -- getsockopt(IPPROTO_TCP, TCP_INFO) through rump_sys_* with
 * the host's struct tcp_info: an established lo0 connection after a
 * transfer (Linux state numbers, MSS, RTT, window, SACK and timestamps, no
 * retransmission), a listener and a fresh socket, a short buffer cut to
 * its length, and a UDP socket refused as Linux refuses it.
 */
#include <string.h>

#include "tcp_testutil.h"

static void tcpinfo_get(int fd, struct tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	memset(ti, 0xa5, sizeof(*ti));
	CHECK_SYS(rump_sys_getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &len));
	CHECK_EQ(len, sizeof(*ti));
}

static void test_established(void)
{
	static char buf[256 << 10];
	struct tcp_info ti;
	uint16_t port;
	int l, c, s, fd;

	l = tcpt_listen(4, &port);
	tcpinfo_get(l, &ti);
	CHECK_EQ(ti.tcpi_state, TCP_LISTEN);
	c = tcpt_connect(port);
	s = (int)CHECK_SYS(rump_sys_accept(l, NULL, NULL));
	memset(buf, 'x', sizeof(buf));
	tcpt_write_all(c, buf, sizeof(buf));
	tcpt_read_all(s, buf, sizeof(buf));
	tcpt_write_all(s, "ok", 2);
	tcpt_read_all(c, buf, 2);
	/* Its ACK of "ok" gives the server side an RTT sample too. */
	tcpt_write_all(c, "k", 1);
	tcpt_read_all(s, buf, 1);
	for (int i = 0; i < 2; i++) {
		fd = i == 0 ? c : s;
		tcpinfo_get(fd, &ti);
		CHECK_EQ(ti.tcpi_state, TCP_ESTABLISHED);
		CHECK(ti.tcpi_snd_mss > 0 && ti.tcpi_snd_mss <= 65495);
		CHECK(ti.tcpi_rcv_mss > 0 && ti.tcpi_rcv_mss <= 65495);
		CHECK(ti.tcpi_rtt > 0);
		CHECK(ti.tcpi_rto > 0);
		CHECK(ti.tcpi_snd_cwnd >= 1);
		CHECK(ti.tcpi_options & TCPI_OPT_SACK);
		CHECK(ti.tcpi_options & TCPI_OPT_TIMESTAMPS);
		CHECK_EQ(ti.tcpi_total_retrans, 0);
		CHECK_EQ(ti.tcpi_retransmits, 0);
		CHECK_EQ(ti.tcpi_retrans, 0);
		CHECK_EQ(ti.tcpi_lost, 0);
		CHECK_EQ(ti.tcpi_pmtu, 65535); /* lo0's MTU */
		CHECK_EQ(ti.tcpi_reordering, 3);
		CHECK(ti.tcpi_rcv_ssthresh > 0);
		CHECK(ti.tcpi_rttvar > 0 || ti.tcpi_rtt > 0);
	}
	CHECK_SYS(rump_sys_close(c));
	CHECK_SYS(rump_sys_close(s));
	CHECK_SYS(rump_sys_close(l));
}

static void test_fresh_short_udp(void)
{
	struct tcp_info ti, full;
	socklen_t len;
	int t, u;

	t = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_STREAM, 0));
	tcpinfo_get(t, &full);
	CHECK_EQ(full.tcpi_state, TCP_CLOSE);
	/* Linux cuts the struct to the buffer and says so in optlen. */
	memset(&ti, 0xa5, sizeof(ti));
	len = 8;
	CHECK_SYS(rump_sys_getsockopt(t, IPPROTO_TCP, TCP_INFO, &ti, &len));
	CHECK_EQ(len, 8);
	CHECK(memcmp(&ti, &full, 8) == 0);
	CHECK_EQ(((unsigned char *)&ti)[8], 0xa5);
	len = 0;
	CHECK_SYS(rump_sys_getsockopt(t, IPPROTO_TCP, TCP_INFO, &ti, &len));
	CHECK_EQ(len, 0);
	CHECK_SYS(rump_sys_close(t));

	u = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));
	len = sizeof(ti);
	CHECK_ERRNO(rump_sys_getsockopt(u, IPPROTO_TCP, TCP_INFO, &ti, &len),
		    EOPNOTSUPP);
	CHECK_SYS(rump_sys_close(u));
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(110);
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);

	test_established();
	test_fresh_short_udp();

	rump_pub_lwproc_releaselwp();
	test_halt();
	test_log("ok");
	return 0;
}
