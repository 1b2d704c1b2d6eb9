/*
 * t_unix_pair.c -- socketpair(AF_UNIX) on one thread (so on both hosts):
 * stream data integrity through odd-sized sends and receives until the
 * buffer pushes back (EAGAIN), datagram and seqpacket record boundaries
 * and MSG_TRUNC, MSG_PEEK, MSG_DONTWAIT, FIONREAD, half close with
 * shutdown, end of file, EPIPE without a signal, ECONNRESET when the
 * peer closes with unread data, poll events, fstat, SO_TYPE, SO_ERROR,
 * SO_PEERCRED, getsockname/getpeername of unnamed sockets, select
 * over a socket and a pipe.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "testlib.h"

static unsigned char pattern(uint64_t i)
{
	return (unsigned char)(i * 131 + (i >> 9) * 7 + 5);
}

static int revents(int fd, short events)
{
	struct pollfd p = {.fd = fd, .events = events};

	CHECK(rump_sys_poll(&p, 1, 0) >= 0);
	return p.revents;
}

static void stream_integrity(void)
{
	static unsigned char buf[70000];
	uint64_t wpos = 0, rpos = 0, target = 8ull << 20;
	size_t wsize = 1, rsize = 3;
	int sv[2];

	target *= (uint64_t)test_scale();
	CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
				      sv));
	while (rpos < target) {
		for (;;) {
			ssize_t n;

			for (size_t i = 0; i < wsize; i++)
				buf[i] = pattern(wpos + i);
			n = rump_sys_send(sv[0], buf, wsize, 0);
			if (n < 0) {
				CHECK_EQ(errno, EAGAIN);
				CHECK(!(revents(sv[0], POLLOUT) & POLLOUT) ||
				      wsize > 2048);
				break;
			}
			CHECK(n > 0 && (size_t)n <= wsize);
			wpos += (uint64_t)n;
			wsize = wsize * 7 % 65521 + 1;
		}
		CHECK(revents(sv[1], POLLIN) & POLLIN);
		for (;;) {
			int avail = -1;
			ssize_t n;

			CHECK_SYS(rump_sys_ioctl(sv[1], FIONREAD, &avail));
			CHECK_EQ(avail, wpos - rpos);
			n = rump_sys_recv(sv[1], buf, rsize, 0);
			if (n < 0) {
				CHECK_EQ(errno, EAGAIN);
				break;
			}
			for (ssize_t i = 0; i < n; i++)
				if (buf[i] != pattern(rpos + (uint64_t)i))
					test_fail(
						__FILE__, __LINE__,
						"byte %llu differs",
						(unsigned long long)(rpos + i));
			rpos += (uint64_t)n;
			rsize = rsize * 5 % 69997 + 1;
		}
		CHECK_EQ(rpos, wpos);
	}
	CHECK_SYS(rump_sys_close(sv[0]));
	CHECK_SYS(rump_sys_close(sv[1]));
}

static void stream_close_semantics(void)
{
	char buf[16];
	int sv[2], type = 0, err = -1;
	socklen_t len = sizeof(type);
	struct stat st;

	CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_SYS(rump_sys_getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &len));
	CHECK_EQ(type, SOCK_STREAM);
	CHECK_EQ(len, sizeof(int));
	len = sizeof(err);
	CHECK_SYS(rump_sys_getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &err, &len));
	CHECK_EQ(err, 0);
	CHECK_SYS(rump_sys_fstat(sv[0], &st));
	CHECK(S_ISSOCK(st.st_mode));
	CHECK_EQ(revents(sv[0], POLLIN | POLLOUT), POLLOUT);

	/* Half close: our SHUT_WR is the peer's end of file. */
	CHECK_EQ(rump_sys_write(sv[0], "abc", 3), 3);
	CHECK_SYS(rump_sys_shutdown(sv[0], SHUT_WR));
	CHECK_ERRNO(rump_sys_write(sv[0], "x", 1), EPIPE);
	CHECK_ERRNO(rump_sys_send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK_EQ(rump_sys_read(sv[1], buf, sizeof(buf)), 3);
	CHECK_EQ(rump_sys_read(sv[1], buf, sizeof(buf)), 0);
	CHECK(revents(sv[1], POLLIN) & POLLIN);
	/* The other direction still works. */
	CHECK_EQ(rump_sys_write(sv[1], "back", 4), 4);
	CHECK_EQ(rump_sys_read(sv[0], buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "back", 4) == 0);
	CHECK_SYS(rump_sys_close(sv[1]));
	/* Peer gone: end of file, EPIPE, POLLHUP. */
	CHECK_EQ(rump_sys_read(sv[0], buf, sizeof(buf)), 0);
	CHECK(revents(sv[0], POLLIN) & POLLHUP);
	CHECK_SYS(rump_sys_close(sv[0]));

	/* A peer that closes with our data unread: ECONNRESET, then EOF. */
	CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_EQ(rump_sys_write(sv[0], "lost", 4), 4);
	CHECK_EQ(rump_sys_write(sv[1], "kept", 4), 4);
	CHECK_SYS(rump_sys_close(sv[1]));
	CHECK_EQ(rump_sys_read(sv[0], buf, sizeof(buf)), 4);
	CHECK_ERRNO(rump_sys_read(sv[0], buf, sizeof(buf)), ECONNRESET);
	CHECK_EQ(rump_sys_read(sv[0], buf, sizeof(buf)), 0);
	CHECK_SYS(rump_sys_close(sv[0]));
}

/* select over a pipe and a socket: only the one with data is ready. */
static void select_mixed(void)
{
	struct timeval tv = {0, 0};
	fd_set rd, wr;
	int sv[2], p[2], maxfd;

	CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_SYS(rump_sys_pipe(p));
	maxfd = 0;
	for (int i = 0; i < 2; i++) {
		maxfd = sv[i] > maxfd ? sv[i] : maxfd;
		maxfd = p[i] > maxfd ? p[i] : maxfd;
	}
	FD_ZERO(&rd);
	FD_SET(sv[1], &rd);
	FD_SET(p[0], &rd);
	CHECK_EQ(rump_sys_select(maxfd + 1, &rd, NULL, NULL, &tv), 0);
	CHECK_EQ(rump_sys_write(sv[0], "s", 1), 1);
	FD_ZERO(&rd);
	FD_SET(sv[1], &rd);
	FD_SET(p[0], &rd);
	FD_ZERO(&wr);
	FD_SET(sv[0], &wr);
	FD_SET(p[1], &wr);
	tv.tv_sec = 1;
	CHECK_EQ(rump_sys_select(maxfd + 1, &rd, &wr, NULL, &tv), 3);
	CHECK(FD_ISSET(sv[1], &rd) && !FD_ISSET(p[0], &rd));
	CHECK(FD_ISSET(sv[0], &wr) && FD_ISSET(p[1], &wr));
	for (int i = 0; i < 2; i++) {
		CHECK_SYS(rump_sys_close(sv[i]));
		CHECK_SYS(rump_sys_close(p[i]));
	}
}

static void names_and_creds(void)
{
	struct sockaddr_un sun;
	struct ucred uc;
	socklen_t len;
	int sv[2];

	CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	len = sizeof(sun);
	memset(&sun, 0xa5, sizeof(sun));
	CHECK_SYS(rump_sys_getsockname(sv[0], (struct sockaddr *)&sun, &len));
	CHECK_EQ(len, sizeof(sa_family_t));
	CHECK_EQ(sun.sun_family, AF_UNIX);
	len = sizeof(sun);
	CHECK_SYS(rump_sys_getpeername(sv[0], (struct sockaddr *)&sun, &len));
	CHECK_EQ(len, sizeof(sa_family_t));
	len = sizeof(uc);
	CHECK_SYS(
		rump_sys_getsockopt(sv[1], SOL_SOCKET, SO_PEERCRED, &uc, &len));
	CHECK_EQ(len, sizeof(uc));
	CHECK_EQ(uc.pid, rump_sys_getpid());
	CHECK_EQ(uc.uid, rump_sys_geteuid());
	CHECK_SYS(rump_sys_close(sv[0]));
	CHECK_SYS(rump_sys_close(sv[1]));
}

static void records(int type)
{
	char buf[64];
	int sv[2], avail;
	struct msghdr msg;
	struct iovec iov;

	CHECK_SYS(rump_sys_socketpair(AF_UNIX, type, 0, sv));
	CHECK_EQ(rump_sys_send(sv[0], "first", 5, 0), 5);
	CHECK_EQ(rump_sys_send(sv[0], "", 0, 0), 0);
	CHECK_EQ(rump_sys_send(sv[0], "third message", 13, 0), 13);
	CHECK_SYS(rump_sys_ioctl(sv[1], FIONREAD, &avail));
	CHECK_EQ(avail, 5);
	/* Peeking leaves the message. */
	CHECK_EQ(rump_sys_recv(sv[1], buf, 3, MSG_PEEK), 3);
	CHECK_EQ(rump_sys_recv(sv[1], buf, sizeof(buf), 0), 5);
	CHECK(memcmp(buf, "first", 5) == 0);
	CHECK_EQ(rump_sys_recv(sv[1], buf, sizeof(buf), 0), 0);
	/* A short buffer truncates the message (MSG_TRUNC) and drops the rest.
	 */
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = buf;
	iov.iov_len = 5;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	CHECK_EQ(rump_sys_recvmsg(sv[1], &msg, 0), 5);
	CHECK(msg.msg_flags & MSG_TRUNC);
	CHECK(memcmp(buf, "third", 5) == 0);
	CHECK_ERRNO(rump_sys_recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT),
		    EAGAIN);
	CHECK_SYS(rump_sys_close(sv[0]));
	CHECK_SYS(rump_sys_close(sv[1]));
}

static void dgram_pushback(void)
{
	static char big[8192];
	int sv[2], n = 0;

	CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	/* The receiver fills up: the sender gets EAGAIN, not a loss. */
	while (rump_sys_send(sv[0], big, sizeof(big), MSG_DONTWAIT) ==
	       (ssize_t)sizeof(big))
		n++;
	CHECK_EQ(errno, EAGAIN);
	CHECK(n > 4);
	for (int i = 0; i < n; i++)
		CHECK_EQ(rump_sys_recv(sv[1], big, sizeof(big), 0),
			 sizeof(big));
	CHECK_ERRNO(rump_sys_recv(sv[1], big, sizeof(big), MSG_DONTWAIT),
		    EAGAIN);
	/* A message larger than the send buffer never fits. */
	{
		static char huge[300000];
		CHECK_ERRNO(rump_sys_send(sv[0], huge, sizeof(huge), 0),
			    EMSGSIZE);
	}
	CHECK_SYS(rump_sys_close(sv[1]));
	CHECK_ERRNO(rump_sys_send(sv[0], "x", 1, 0), ECONNREFUSED);
	CHECK_SYS(rump_sys_close(sv[0]));
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(110);
	test_boot();

	stream_integrity();
	stream_close_semantics();
	names_and_creds();
	select_mixed();
	records(SOCK_DGRAM);
	records(SOCK_SEQPACKET);
	dgram_pushback();
	CHECK_EQ(rump_test_files_live(), 0);

	test_halt();
	return 0;
}
