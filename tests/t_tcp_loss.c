/*
 * t_tcp_loss.c -- TCP over a lossy lo0: segments dropped, duplicated and
 * reordered by a seeded filter in front of ip_output (test_tcp_loss.c),
 * with a 1400-byte MSS so that windows hold many segments.  Transfers in
 * both directions must arrive intact (checksums), and TCP's counters must
 * show that retransmission, fast recovery and reassembly ran.
 */
#include "kern/tcptest.h"
#include "tcp_testutil.h"

/* size bytes each way over one connection, from one thread with poll. */
static void lossy_transfer(size_t size)
{
	uint16_t port;
	int l = tcpt_listen(1, &port), c, s, mss = 1400;
	struct sockaddr_in sin = tcpt_addr(port);
	static unsigned char out[32768], in[32768];
	uint64_t hout[2] = {TCPT_FNV_INIT, TCPT_FNV_INIT};
	uint64_t hin[2] = {TCPT_FNV_INIT, TCPT_FNV_INIT};
	size_t sent[2] = {0, 0}, got[2] = {0, 0};
	int fd[2];

	c = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_STREAM, 0));
	CHECK_SYS(rump_sys_setsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &mss,
				      sizeof(mss)));
	CHECK_SYS(rump_sys_connect(c, (struct sockaddr *)&sin, sizeof(sin)));
	s = (int)CHECK_SYS(rump_sys_accept(l, NULL, NULL));
	tcpt_nonblock(c, true);
	tcpt_nonblock(s, true);
	fd[0] = c; /* direction 0: c -> s; direction 1: s -> c */
	fd[1] = s;
	while (got[0] < size || got[1] < size) {
		struct pollfd p[2];
		for (int d = 0; d < 2; d++) {
			p[d].fd = fd[d];
			p[d].events = (short)((sent[d] < size ? POLLOUT : 0) |
					      (got[1 - d] < size ? POLLIN : 0));
			p[d].revents = 0;
		}
		CHECK(CHECK_SYS(rump_sys_poll(p, 2, 30000)) > 0);
		for (int d = 0; d < 2; d++) {
			if ((p[d].revents & POLLOUT) && sent[d] < size) {
				size_t n = size - sent[d] < sizeof(out)
						   ? size - sent[d]
						   : sizeof(out);
				ssize_t w;
				for (size_t i = 0; i < n; i++)
					out[i] = tcpt_pattern(sent[d] + i,
							      (unsigned)d + 1);
				w = rump_sys_write(fd[d], out, n);
				if (w < 0)
					CHECK_EQ(errno, EAGAIN);
				else {
					hout[d] = tcpt_fnv(hout[d], out,
							   (size_t)w);
					sent[d] += (size_t)w;
				}
			}
			if (p[d].revents & POLLIN) {
				/* fd[d] receives direction 1 - d. */
				int dir = 1 - d;
				ssize_t r =
					rump_sys_read(fd[d], in, sizeof(in));
				if (r < 0)
					CHECK_EQ(errno, EAGAIN);
				else {
					CHECK(r > 0);
					for (ssize_t i = 0; i < r; i++)
						if (in[i] !=
						    tcpt_pattern(
							    got[dir] +
								    (size_t)i,
							    (unsigned)dir + 1))
							test_fail(
								__FILE__,
								__LINE__,
								"dir %d byte "
								"%zu differs",
								dir,
								got[dir] +
									(size_t)i);
					hin[dir] = tcpt_fnv(hin[dir], in,
							    (size_t)r);
					got[dir] += (size_t)r;
				}
			}
		}
	}
	CHECK_EQ(hin[0], hout[0]);
	CHECK_EQ(hin[1], hout[1]);
	CHECK_SYS(rump_sys_close(c));
	CHECK_SYS(rump_sys_close(s));
	CHECK_SYS(rump_sys_close(l));
}

int main(int argc, char **argv)
{
	struct rump_tcp_counters k;

	test_init(argc, argv);
	test_watchdog(110);
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);

	/* 2% dropped, 1% duplicated, 2% reordered. */
	CHECK_KERN(rump_test_tcp_loss(20, 10, 20, 0x5eed));
	lossy_transfer((size_t)4 << 20);
	CHECK_KERN(rump_test_tcp_loss(-1, 0, 0, 0));
	CHECK_KERN(rump_test_tcp_counters(&k));
	test_log("dropped %llu duplicated %llu reordered %llu; retransmitted "
		 "%llu bytes, %llu timeouts, %llu fast retransmits, %llu "
		 "SACK retransmissions; %llu out of order, %llu duplicate",
		 (unsigned long long)k.dropped,
		 (unsigned long long)k.duplicated,
		 (unsigned long long)k.reordered,
		 (unsigned long long)k.sndrexmitbyte,
		 (unsigned long long)k.rexmttimeo,
		 (unsigned long long)k.fastrexmit,
		 (unsigned long long)k.sack_rexmits,
		 (unsigned long long)k.rcvoopack,
		 (unsigned long long)k.rcvduppack);
	CHECK(k.dropped > 0 && k.duplicated > 0 && k.reordered > 0);
	CHECK(k.sndrexmitbyte > 0);
	CHECK(k.fastrexmit > 0);
	CHECK(k.rcvoopack > 0);

	rump_pub_lwproc_releaselwp();
	test_halt();
	test_log("ok");
	return 0;
}
