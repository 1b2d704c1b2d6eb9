/*
 * t_sock_errors.c -- bad arguments and wrong states of the socket calls,
 * with Linux as the oracle: every case runs twice, once on the host's
 * own AF_UNIX sockets (libc) and once on rump_sys_*, and the sequence of
 * results (a return value, or the errno) must be the same.  Descriptor
 * numbers differ between the two and are recorded as "a descriptor".
 * The known differences are listed in docs/net.md and left out here.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "testlib.h"

struct ops {
	const char *name;
	char dir[64]; /* a directory for path names */
	char tag[16]; /* makes abstract names unique on the host */
	int (*socket)(int, int, int);
	int (*socketpair)(int, int, int, int *);
	int (*bind)(int, const struct sockaddr *, socklen_t);
	int (*listen)(int, int);
	int (*accept4)(int, struct sockaddr *, socklen_t *, int);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	ssize_t (*send)(int, const void *, size_t, int);
	ssize_t (*recv)(int, void *, size_t, int);
	ssize_t (*sendto)(int, const void *, size_t, int,
			  const struct sockaddr *, socklen_t);
	ssize_t (*sendmsg)(int, const struct msghdr *, int);
	ssize_t (*recvmsg)(int, struct msghdr *, int);
	int (*shutdown)(int, int);
	int (*getsockopt)(int, int, int, void *, socklen_t *);
	int (*setsockopt)(int, int, int, const void *, socklen_t);
	int (*getsockname)(int, struct sockaddr *, socklen_t *);
	int (*getpeername)(int, struct sockaddr *, socklen_t *);
	int (*close)(int);
	int (*pipe)(int *);
	int (*open)(const char *, int, ...);
	int (*unlink)(const char *);
	ssize_t (*write)(int, const void *, size_t);
	ssize_t (*read)(int, void *, size_t);
	int (*poll)(struct pollfd *, nfds_t, int);
};

static struct ops host_ops = {
	"linux",     "",      "",	socket,	    socketpair, bind,
	listen,	     accept4, connect,	send,	    recv,	sendto,
	sendmsg,     recvmsg, shutdown, getsockopt, setsockopt, getsockname,
	getpeername, close,   pipe,	open,	    unlink,	write,
	read,	     poll,
};

static struct ops rump_ops = {
	"rumpkit",
	"/tmp",
	"",
	rump_sys_socket,
	rump_sys_socketpair,
	rump_sys_bind,
	rump_sys_listen,
	rump_sys_accept4,
	rump_sys_connect,
	rump_sys_send,
	rump_sys_recv,
	rump_sys_sendto,
	rump_sys_sendmsg,
	rump_sys_recvmsg,
	rump_sys_shutdown,
	rump_sys_getsockopt,
	rump_sys_setsockopt,
	rump_sys_getsockname,
	rump_sys_getpeername,
	rump_sys_close,
	rump_sys_pipe,
	rump_sys_open,
	rump_sys_unlink,
	rump_sys_write,
	rump_sys_read,
	rump_sys_poll,
};

#define MAXRES 64
struct res {
	int n;
	long long v[MAXRES];
	int line[MAXRES];
};

/* Records a call's result: its value, or -errno. */
#define R(call)                                                                \
	__extension__({                                                        \
		long long r_v_;                                                \
		errno = 0;                                                     \
		r_v_ = (long long)(call);                                      \
		if (r_v_ < 0)                                                  \
			r_v_ = -errno;                                         \
		res->line[res->n] = __LINE__;                                  \
		res->v[res->n++] = r_v_;                                       \
		r_v_;                                                          \
	})
/* The same for calls returning a new descriptor: recorded as 0. */
#define RFD(call)                                                              \
	__extension__({                                                        \
		long long r_v_;                                                \
		errno = 0;                                                     \
		r_v_ = (long long)(call);                                      \
		res->line[res->n] = __LINE__;                                  \
		res->v[res->n++] = r_v_ < 0 ? -errno : 0;                      \
		(int)r_v_;                                                     \
	})

static socklen_t abstract(const struct ops *o, struct sockaddr_un *sun,
			  const char *name)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1, "%s%s", o->tag,
		 name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			   strlen(sun->sun_path + 1));
}

static socklen_t pathaddr(const struct ops *o, struct sockaddr_un *sun,
			  const char *name)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	snprintf(sun->sun_path, sizeof(sun->sun_path), "%s/%s", o->dir, name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
			   strlen(sun->sun_path) + 1);
}

static void case_socket(const struct ops *o, struct res *res)
{
	int fd, sv[2];

	RFD(o->socket(AF_UNIX, 99, 0));
	RFD(o->socket(AF_UNIX, -1, 0));
	RFD(o->socket(12345, SOCK_STREAM, 0));
	RFD(o->socket(-1, SOCK_STREAM, 0));
	RFD(o->socket(AF_UNIX, SOCK_STREAM, 7));
	RFD(o->socket(AF_UNIX, SOCK_STREAM | 0x100000, 0));
	RFD(o->socket(AF_UNIX, SOCK_RDM, 0));
	fd = RFD(o->socket(AF_UNIX, SOCK_SEQPACKET, PF_UNIX));
	R(o->close(fd));
	RFD(o->socketpair(AF_UNIX, SOCK_STREAM, 3, sv));
	RFD(o->socketpair(AF_UNIX, 99, 0, sv));
}

static void case_badfd(const struct ops *o, struct res *res)
{
	struct sockaddr_un sun;
	socklen_t len = abstract(o, &sun, "badfd"), l2;
	char buf[4];
	int p[2], v;

	R(o->pipe(p));
	for (int i = 0; i < 2; i++) {
		int fd = i == 0 ? -1 : p[0]; /* EBADF, then ENOTSOCK */

		R(o->bind(fd, (struct sockaddr *)&sun, len));
		R(o->connect(fd, (struct sockaddr *)&sun, len));
		R(o->listen(fd, 1));
		RFD(o->accept4(fd, NULL, NULL, 0));
		R(o->send(fd, "x", 1, 0));
		R(o->recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
		R(o->shutdown(fd, SHUT_RD));
		l2 = sizeof(v);
		R(o->getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l2));
		v = 1;
		R(o->setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
		l2 = sizeof(sun);
		R(o->getsockname(fd, (struct sockaddr *)&sun, &l2));
		/* A bad descriptor wins over a bad address or option. */
		R(o->bind(fd, NULL, 16));
		R(o->setsockopt(fd, SOL_SOCKET, 99999, &v, sizeof(v)));
	}
	R(o->close(p[0]));
	R(o->close(p[1]));
}

static void case_bind(const struct ops *o, struct res *res)
{
	struct sockaddr_un sun;
	socklen_t len = abstract(o, &sun, "bind");
	int s, d;

	s = RFD(o->socket(AF_UNIX, SOCK_STREAM, 0));
	d = RFD(o->socket(AF_UNIX, SOCK_STREAM, 0));
	R(o->bind(s, NULL, 16));
	R(o->bind(s, (struct sockaddr *)&sun, 0));
	R(o->bind(s, (struct sockaddr *)&sun, 1));
	R(o->bind(s, (struct sockaddr *)&sun, 200));
	sun.sun_family = AF_INET;
	R(o->bind(s, (struct sockaddr *)&sun, len));
	sun.sun_family = AF_UNIX;
	R(o->bind(s, (struct sockaddr *)&sun, len));
	R(o->bind(s, (struct sockaddr *)&sun, len)); /* bound already */
	R(o->bind(d, (struct sockaddr *)&sun, len)); /* name taken */
	len = pathaddr(o, &sun, "nodir/x");
	R(o->bind(d, (struct sockaddr *)&sun, len));
	len = pathaddr(o, &sun, "bound");
	R(o->bind(d, (struct sockaddr *)&sun, len));
	R(o->close(d));
	d = RFD(o->socket(AF_UNIX, SOCK_DGRAM, 0));
	R(o->bind(d, (struct sockaddr *)&sun, len)); /* the file exists */
	R(o->unlink(sun.sun_path));
	R(o->close(s));
	R(o->close(d));
}

static void case_listen_connect(const struct ops *o, struct res *res)
{
	struct sockaddr_un sun, reg;
	socklen_t len = abstract(o, &sun, "lc"), rlen;
	int s, d, c, fd, sv[2];

	s = RFD(o->socket(AF_UNIX, SOCK_STREAM, 0));
	d = RFD(o->socket(AF_UNIX, SOCK_DGRAM, 0));
	c = RFD(o->socket(AF_UNIX, SOCK_STREAM, 0));
	R(o->listen(s, 5)); /* unbound */
	R(o->listen(d, 5)); /* datagram */
	RFD(o->accept4(d, NULL, NULL, 0));
	RFD(o->accept4(s, NULL, NULL, 0));		/* not listening */
	RFD(o->accept4(s, NULL, NULL, 0x40));		/* bad flags */
	R(o->connect(c, (struct sockaddr *)&sun, len)); /* nobody */
	R(o->connect(c, (struct sockaddr *)&sun, 2));
	R(o->connect(c, NULL, len));
	R(o->bind(s, (struct sockaddr *)&sun, len));
	R(o->connect(c, (struct sockaddr *)&sun, len)); /* not listening */
	R(o->listen(s, -5));
	R(o->listen(s, 4)); /* again: fine */
	R(o->connect(c, (struct sockaddr *)&sun, len));
	R(o->connect(c, (struct sockaddr *)&sun, len)); /* EISCONN */
	R(o->connect(s, (struct sockaddr *)&sun, len)); /* a listener */
	R(o->listen(c, 1));				/* connected */
	/* A datagram name for a stream socket, a regular file, nothing. */
	rlen = pathaddr(o, &reg, "dgram");
	R(o->bind(d, (struct sockaddr *)&reg, rlen));
	fd = RFD(o->socket(AF_UNIX, SOCK_STREAM, 0));
	R(o->connect(fd, (struct sockaddr *)&reg, rlen));
	R(o->unlink(reg.sun_path));
	R(o->connect(fd, (struct sockaddr *)&reg, rlen));
	R(o->close(fd));
	fd = RFD(o->open(reg.sun_path, O_CREAT | O_RDWR, 0600));
	R(o->close(fd));
	fd = RFD(o->socket(AF_UNIX, SOCK_STREAM, 0));
	R(o->connect(fd, (struct sockaddr *)&reg, rlen));
	R(o->unlink(reg.sun_path));
	R(o->close(fd));
	/* socketpair sockets. */
	R(o->socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	R(o->connect(sv[0], (struct sockaddr *)&sun, len));
	R(o->listen(sv[0], 1));
	R(o->close(sv[0]));
	R(o->close(sv[1]));
	R(o->close(s));
	R(o->close(d));
	R(o->close(c));
}

static void case_data(const struct ops *o, struct res *res)
{
	static char huge[300000];
	struct sockaddr_un sun;
	socklen_t len = abstract(o, &sun, "data");
	struct msghdr msg;
	struct iovec iov[2048];
	char buf[8];
	int s, d, sv[2];

	s = RFD(o->socket(AF_UNIX, SOCK_STREAM, 0));
	d = RFD(o->socket(AF_UNIX, SOCK_DGRAM, 0));
	R(o->send(s, "x", 1, 0)); /* not connected */
	R(o->send(d, "x", 1, 0)); /* no peer */
	R(o->sendto(d, "x", 1, 0, (struct sockaddr *)&sun, len)); /* nobody */
	R(o->recv(d, buf, sizeof(buf), MSG_DONTWAIT));
	R(o->shutdown(s, SHUT_RDWR)); /* allowed unconnected (AF_UNIX) */
	R(o->shutdown(s, 5));
	R(o->shutdown(s, -1));
	R(o->socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	R(o->sendto(sv[0], "x", 1, 0, (struct sockaddr *)&sun, len));
	/* How much fits is the implementation's: only that some does. */
	R(o->send(sv[0], huge, sizeof(huge), MSG_DONTWAIT) > 0);
	R(o->recv(sv[1], huge, sizeof(huge), 0) > 0);
	memset(&msg, 0, sizeof(msg));
	memset(iov, 0, sizeof(iov));
	msg.msg_iov = iov;
	msg.msg_iovlen = 2048;
	R(o->sendmsg(sv[0], &msg, 0));
	R(o->recvmsg(sv[1], &msg, MSG_DONTWAIT));
	R(o->sendmsg(sv[0], NULL, 0));
	R(o->close(sv[1]));
	R(o->send(sv[0], "x", 1, MSG_NOSIGNAL));
	R(o->write(sv[0], "x", 1));
	R(o->recv(sv[0], buf, sizeof(buf), 0));
	R(o->close(sv[0]));
	R(o->socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	R(o->send(sv[0], huge, sizeof(huge), 0)); /* EMSGSIZE */
	R(o->send(sv[0], "abcdef", 6, 0));
	R(o->recv(sv[1], buf, 2, 0));
	R(o->recv(sv[1], buf, 2, MSG_DONTWAIT));
	R(o->close(sv[0]));
	R(o->close(sv[1]));
	R(o->close(s));
	R(o->close(d));
}

static void case_options(const struct ops *o, struct res *res)
{
	struct sockaddr_un sun;
	struct timeval tv;
	struct linger lg;
	socklen_t len;
	int s, v;
	short sv;

	s = RFD(o->socket(AF_UNIX, SOCK_STREAM, 0));
	len = sizeof(v);
	R(o->getsockopt(s, SOL_SOCKET, 99999, &v, &len));
	R(o->getsockopt(s, SOL_SOCKET, SO_TYPE, &v, NULL));
	len = sizeof(sv);
	R(o->getsockopt(s, SOL_SOCKET, SO_TYPE, &sv, &len));
	R(len);
	R(sv);
	v = 1;
	R(o->setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, 2));
	R(o->setsockopt(s, SOL_SOCKET, SO_REUSEADDR, NULL, sizeof(v)));
	R(o->setsockopt(s, SOL_SOCKET, SO_TYPE, &v, sizeof(v)));
	R(o->setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
	len = sizeof(v);
	R(o->getsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, &len));
	R(v);
	v = 10000;
	R(o->setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	len = sizeof(v);
	R(o->getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len));
	R(v);
	v = 1;
	R(o->setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
	len = sizeof(v);
	R(o->getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &len));
	R(v);
	tv.tv_sec = 1;
	tv.tv_usec = 2000000;
	R(o->setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	tv.tv_usec = 250000;
	R(o->setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	R(o->setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv) - 1));
	memset(&tv, 0, sizeof(tv));
	len = sizeof(tv);
	R(o->getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, &len));
	/* Linux rounds to its clock tick: compare in hundredths. */
	R(tv.tv_sec * 100 + tv.tv_usec / 10000);
	lg.l_onoff = 1;
	lg.l_linger = 7;
	R(o->setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	memset(&lg, 0, sizeof(lg));
	len = sizeof(lg);
	R(o->getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &len));
	R(lg.l_onoff * 100 + lg.l_linger);
	len = sizeof(v);
	R(o->getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &len));
	R(v);
	R(o->getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &v, &len));
	R(v);
	R(o->getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &len));
	R(v);
	len = sizeof(sun);
	R(o->getpeername(s, (struct sockaddr *)&sun, &len));
	R(o->getsockname(s, (struct sockaddr *)&sun, NULL));
	len = 0;
	R(o->getsockname(s, NULL, &len));
	R(len);
	R(o->close(s));
}

static void case_poll(const struct ops *o, struct res *res)
{
	struct sockaddr_un sun;
	socklen_t len = abstract(o, &sun, "poll");
	struct pollfd p[3];
	int s, l, sv[2];

	s = RFD(o->socket(AF_UNIX, SOCK_STREAM, 0));
	l = RFD(o->socket(AF_UNIX, SOCK_STREAM, 0));
	R(o->bind(l, (struct sockaddr *)&sun, len));
	R(o->listen(l, 1));
	R(o->socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	p[0] = (struct pollfd){.fd = s, .events = POLLIN | POLLOUT};
	p[1] = (struct pollfd){.fd = l, .events = POLLIN | POLLOUT};
	p[2] = (struct pollfd){.fd = sv[0], .events = POLLIN | POLLOUT};
	R(o->poll(p, 3, 0));
	R(p[0].revents);
	R(p[1].revents);
	R(p[2].revents);
	R(o->shutdown(sv[1], SHUT_WR));
	R(o->poll(p, 3, 0));
	R(p[2].revents);
	R(o->close(sv[1]));
	R(o->poll(p, 3, 0));
	R(p[2].revents);
	R(o->close(sv[0]));
	R(o->close(s));
	R(o->close(l));
}

static void (*const cases[])(const struct ops *, struct res *) = {
	case_socket, case_badfd,   case_bind, case_listen_connect,
	case_data,   case_options, case_poll,
};

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/rumpkit-sockXXXXXX";

	test_init(argc, argv);
	test_watchdog(60);
	signal(SIGPIPE, SIG_IGN);
	CHECK(mkdtemp(tmpl) != NULL);
	snprintf(host_ops.dir, sizeof(host_ops.dir), "%s", tmpl);
	snprintf(host_ops.tag, sizeof(host_ops.tag), "rk%d-", (int)getpid());
	test_boot();
	CHECK_SYS(rump_sys_mkdir("/tmp", 0777));

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct res want, got;

		memset(&want, 0, sizeof(want));
		memset(&got, 0, sizeof(got));
		cases[i](&host_ops, &want);
		cases[i](&rump_ops, &got);
		CHECK_EQ(want.n, got.n);
		for (int k = 0; k < want.n; k++)
			if (want.v[k] != got.v[k])
				test_fail(__FILE__, got.line[k],
					  "case %zu step %d: linux %lld, "
					  "rumpkit %lld",
					  i, k, want.v[k], got.v[k]);
	}
	CHECK_EQ(rmdir(tmpl), 0);
	test_halt();
	return 0;
}
