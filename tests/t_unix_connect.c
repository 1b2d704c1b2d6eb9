/*
 * t_unix_connect.c -- named local sockets on one thread: bind, listen,
 * connect and accept over abstract names and over paths in the file
 * system (socket nodes: S_IFSOCK in stat, EADDRINUSE while the file
 * exists, ECONNREFUSED with no listener, EPROTOTYPE for another type,
 * ECONNREFUSED for a regular file); the names each side sees; the listen
 * backlog (EAGAIN for a non-blocking connect once it is full); accept4
 * flags; poll on a listener; SCM_RIGHTS with descriptors of every kind,
 * MSG_CTRUNC closing what does not fit, rights dropped unread.
 */
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "testlib.h"

#define HDR offsetof(struct sockaddr_un, sun_path)

static socklen_t mkaddr(struct sockaddr_un *sun, const char *path,
			bool abstract)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (abstract) {
		memcpy(sun->sun_path + 1, path, strlen(path));
		return (socklen_t)(HDR + 1 + strlen(path));
	}
	strcpy(sun->sun_path, path);
	return (socklen_t)(HDR + strlen(path) + 1);
}

static int revents(int fd, short events)
{
	struct pollfd p = {.fd = fd, .events = events};

	CHECK(rump_sys_poll(&p, 1, 0) >= 0);
	return p.revents;
}

static void listen_accept(bool abstract)
{
	struct sockaddr_un sun, got;
	socklen_t len, glen;
	char buf[16];
	int l, c, a, flags;

	len = mkaddr(&sun, abstract ? "t_unix_connect" : "/tmp/sock", abstract);
	l = (int)CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_SYS(rump_sys_bind(l, (struct sockaddr *)&sun, len));
	/* Bound but not listening: refused. */
	c = (int)CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_ERRNO(rump_sys_connect(c, (struct sockaddr *)&sun, len),
		    ECONNREFUSED);
	CHECK_SYS(rump_sys_listen(l, 1));
	CHECK_EQ(revents(l, POLLIN | POLLOUT), 0);
	/* accept4's flags are the new socket's: the listener's own decide. */
	CHECK_SYS(rump_sys_fcntl(l, F_SETFL, O_NONBLOCK));
	CHECK_ERRNO(rump_sys_accept4(l, NULL, NULL, 0), EAGAIN);
	CHECK_SYS(rump_sys_fcntl(l, F_SETFL, 0));
	CHECK_ERRNO(rump_sys_accept4(l, NULL, NULL, 0x40), EINVAL);
	{
		/* A second name for the same address is taken. */
		int d = (int)CHECK_SYS(
			rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
		CHECK_ERRNO(rump_sys_bind(d, (struct sockaddr *)&sun, len),
			    EADDRINUSE);
		CHECK_SYS(rump_sys_close(d));
	}
	if (!abstract) {
		struct stat st;
		CHECK_SYS(rump_sys_stat("/tmp/sock", &st));
		CHECK(S_ISSOCK(st.st_mode));
	}

	CHECK_SYS(rump_sys_connect(c, (struct sockaddr *)&sun, len));
	CHECK_ERRNO(rump_sys_connect(c, (struct sockaddr *)&sun, len), EISCONN);
	CHECK(revents(l, POLLIN) & POLLIN);
	glen = sizeof(got);
	a = (int)CHECK_SYS(rump_sys_accept4(l, (struct sockaddr *)&got, &glen,
					    SOCK_NONBLOCK | SOCK_CLOEXEC));
	CHECK_EQ(glen, HDR); /* the connector is unnamed */
	flags = (int)CHECK_SYS(rump_sys_fcntl(a, F_GETFL));
	CHECK(flags & O_NONBLOCK);
	CHECK_EQ(rump_sys_fcntl(a, F_GETFD), FD_CLOEXEC);
	CHECK_ERRNO(rump_sys_read(a, buf, sizeof(buf)), EAGAIN);
	/* Names: the accepted socket shows the listener's. */
	glen = sizeof(got);
	CHECK_SYS(rump_sys_getsockname(a, (struct sockaddr *)&got, &glen));
	CHECK_EQ(glen, len);
	CHECK(memcmp(&got, &sun, len) == 0);
	glen = sizeof(got);
	CHECK_SYS(rump_sys_getpeername(c, (struct sockaddr *)&got, &glen));
	CHECK_EQ(glen, len);
	/* Truncated to the caller's length, which says the full one. */
	glen = HDR + 2;
	memset(&got, 0, sizeof(got));
	CHECK_SYS(rump_sys_getpeername(c, (struct sockaddr *)&got, &glen));
	CHECK_EQ(glen, len);
	CHECK_EQ(got.sun_path[2], 0);

	CHECK_EQ(rump_sys_write(c, "hello", 5), 5);
	CHECK_EQ(rump_sys_read(a, buf, sizeof(buf)), 5);
	CHECK_SYS(rump_sys_close(a));
	CHECK_SYS(rump_sys_close(c));

	/* The backlog: listen(1) queues two; then non-blocking gets EAGAIN. */
	int cs[3];
	for (int i = 0; i < 3; i++) {
		cs[i] = (int)CHECK_SYS(rump_sys_socket(
			AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0));
		if (i < 2)
			CHECK_SYS(rump_sys_connect(
				cs[i], (struct sockaddr *)&sun, len));
		else
			CHECK_ERRNO(rump_sys_connect(cs[i],
						     (struct sockaddr *)&sun,
						     len),
				    EAGAIN);
	}
	/* Closing the listener resets what it queued. */
	CHECK_SYS(rump_sys_close(l));
	CHECK_ERRNO(rump_sys_read(cs[0], buf, sizeof(buf)), ECONNRESET);
	for (int i = 0; i < 3; i++)
		CHECK_SYS(rump_sys_close(cs[i]));
	if (!abstract) {
		/* The file stays, nobody listens: refused; then reusable. */
		c = (int)CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
		CHECK_ERRNO(rump_sys_connect(c, (struct sockaddr *)&sun, len),
			    ECONNREFUSED);
		CHECK_ERRNO(rump_sys_bind(c, (struct sockaddr *)&sun, len),
			    EADDRINUSE);
		CHECK_SYS(rump_sys_unlink("/tmp/sock"));
		CHECK_ERRNO(rump_sys_connect(c, (struct sockaddr *)&sun, len),
			    ENOENT);
		CHECK_SYS(rump_sys_bind(c, (struct sockaddr *)&sun, len));
		CHECK_SYS(rump_sys_close(c));
		CHECK_SYS(rump_sys_unlink("/tmp/sock"));
	} else {
		/* An abstract name goes with its socket. */
		c = (int)CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
		CHECK_SYS(rump_sys_bind(c, (struct sockaddr *)&sun, len));
		CHECK_SYS(rump_sys_close(c));
	}
}

static void path_errors(void)
{
	struct sockaddr_un sun;
	socklen_t len;
	int s, d, fd;

	s = (int)CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	d = (int)CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_DGRAM, 0));
	len = mkaddr(&sun, "/tmp/dg", false);
	CHECK_SYS(rump_sys_bind(d, (struct sockaddr *)&sun, len));
	CHECK_ERRNO(rump_sys_connect(s, (struct sockaddr *)&sun, len),
		    EPROTOTYPE);
	len = mkaddr(&sun, "/tmp/regular", false);
	fd = (int)CHECK_SYS(
		rump_sys_open("/tmp/regular", O_CREAT | O_RDWR, 0644));
	CHECK_SYS(rump_sys_close(fd));
	CHECK_ERRNO(rump_sys_connect(s, (struct sockaddr *)&sun, len),
		    ECONNREFUSED);
	CHECK_ERRNO(rump_sys_bind(s, (struct sockaddr *)&sun, len), EADDRINUSE);
	len = mkaddr(&sun, "/nonexistent/dir/s", false);
	CHECK_ERRNO(rump_sys_bind(s, (struct sockaddr *)&sun, len), ENOENT);
	CHECK_ERRNO(rump_sys_connect(s, (struct sockaddr *)&sun, len), ENOENT);
	/* Opening a socket node is ENXIO. */
	CHECK_ERRNO(rump_sys_open("/tmp/dg", O_RDONLY), ENXIO);
	CHECK_SYS(rump_sys_close(s));
	CHECK_SYS(rump_sys_close(d));
	CHECK_SYS(rump_sys_unlink("/tmp/dg"));
	CHECK_SYS(rump_sys_unlink("/tmp/regular"));
}

static void autobind_and_dgram_names(void)
{
	struct sockaddr_un sun, got;
	socklen_t len, glen;
	char buf[8];
	int d1, d2;

	d1 = (int)CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_DGRAM, 0));
	d2 = (int)CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_DGRAM, 0));
	/* bind with the family alone: an abstract name of 5 hex digits. */
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	CHECK_SYS(rump_sys_bind(d1, (struct sockaddr *)&sun, HDR));
	glen = sizeof(got);
	CHECK_SYS(rump_sys_getsockname(d1, (struct sockaddr *)&got, &glen));
	CHECK_EQ(glen, HDR + 6);
	CHECK_EQ(got.sun_path[0], 0);
	len = glen;
	sun = got;
	CHECK_EQ(rump_sys_sendto(d2, "a", 1, 0, (struct sockaddr *)&sun, len),
		 1);
	CHECK_SYS(rump_sys_connect(d2, (struct sockaddr *)&sun, len));
	CHECK_EQ(rump_sys_send(d2, "b", 1, 0), 1);
	glen = sizeof(got);
	CHECK_EQ(rump_sys_recvfrom(d1, buf, sizeof(buf), 0,
				   (struct sockaddr *)&got, &glen),
		 1);
	CHECK_EQ(glen, HDR);
	CHECK_EQ(rump_sys_recv(d1, buf, sizeof(buf), 0), 1);
	CHECK_EQ(buf[0], 'b');
	/* Connected elsewhere, d1 takes nothing from a stranger (EPERM). */
	{
		int d3 =
			(int)CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_DGRAM, 0));
		struct sockaddr_un s2;
		socklen_t l2 = mkaddr(&s2, "t_unix_d3", true);

		CHECK_SYS(rump_sys_bind(d3, (struct sockaddr *)&s2, l2));
		CHECK_SYS(rump_sys_connect(d1, (struct sockaddr *)&s2, l2));
		CHECK_ERRNO(rump_sys_send(d2, "c", 1, 0), EPERM);
		CHECK_SYS(rump_sys_close(d3));
	}
	CHECK_SYS(rump_sys_close(d1));
	CHECK_SYS(rump_sys_close(d2));
}

/* Sends n descriptors over s with one byte. */
static void send_fds(int s, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(8 * sizeof(int))];
	struct iovec iov = {.iov_base = "R", .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = CMSG_SPACE(n * sizeof(int))};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	memset(cbuf, 0, sizeof(cbuf));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	CHECK_EQ(rump_sys_sendmsg(s, &msg, 0), 1);
}

/* Receives with room for max descriptors; returns how many came. */
static int recv_fds(int s, int *fds, int max, int *flagsp)
{
	char cbuf[CMSG_SPACE(8 * sizeof(int))], c;
	struct iovec iov = {.iov_base = &c, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = CMSG_SPACE(max * sizeof(int))};
	struct cmsghdr *cm;
	int n = 0;

	memset(cbuf, 0, sizeof(cbuf));
	CHECK_EQ(rump_sys_recvmsg(s, &msg, MSG_CMSG_CLOEXEC), 1);
	*flagsp = msg.msg_flags;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
		CHECK_EQ(cm->cmsg_level, SOL_SOCKET);
		CHECK_EQ(cm->cmsg_type, SCM_RIGHTS);
		int k = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(fds + n, CMSG_DATA(cm), k * sizeof(int));
		n += k;
	}
	return n;
}

static void rights(void)
{
	int sv[2], p[2], sp[2], got[8], flags, n, fd;
	char buf[8];

	CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_SYS(rump_sys_pipe(p));
	CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_DGRAM, 0, sp));
	fd = (int)CHECK_SYS(rump_sys_open("/tmp/f", O_CREAT | O_RDWR, 0600));
	{
		int fds[4] = {p[0], sp[1], fd, p[1]};
		send_fds(sv[0], fds, 4);
	}
	/* The originals go; the copies in flight keep the objects. */
	CHECK_SYS(rump_sys_close(p[0]));
	CHECK_SYS(rump_sys_close(sp[1]));
	CHECK_SYS(rump_sys_close(fd));
	n = recv_fds(sv[1], got, 8, &flags);
	CHECK_EQ(n, 4);
	CHECK_EQ(flags & MSG_CTRUNC, 0);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(rump_sys_fcntl(got[i], F_GETFD), FD_CLOEXEC);
	CHECK_EQ(rump_sys_write(p[1], "pipe", 4), 4);
	CHECK_EQ(rump_sys_read(got[0], buf, sizeof(buf)), 4);
	CHECK_EQ(rump_sys_send(sp[0], "dg", 2, 0), 2);
	CHECK_EQ(rump_sys_recv(got[1], buf, sizeof(buf), 0), 2);
	CHECK_EQ(rump_sys_write(got[2], "file", 4), 4);
	for (int i = 0; i < 4; i++)
		CHECK_SYS(rump_sys_close(got[i]));

	/* Room for two of three: MSG_CTRUNC, the third closed. */
	{
		int fds[3] = {p[1], sp[0], sv[0]};
		send_fds(sv[0], fds, 3);
	}
	int before = (int)rump_test_files_live();
	n = recv_fds(sv[1], got, 2, &flags);
	CHECK_EQ(n, 2);
	CHECK(flags & MSG_CTRUNC);
	CHECK_EQ(rump_test_files_live(), before);
	CHECK_SYS(rump_sys_close(got[0]));
	CHECK_SYS(rump_sys_close(got[1]));

	/* Rights never received are released with the socket. */
	{
		int fds[2] = {p[1], sp[0]};
		send_fds(sv[0], fds, 2);
		/* A socket sent over itself, too. */
		send_fds(sv[0], &sv[1], 1);
	}
	/* Bad descriptors and records. */
	{
		int bad = 999;
		char cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = {.iov_base = "x", .iov_len = 1};
		struct msghdr msg = {.msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf)};
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

		memset(cbuf, 0, sizeof(cbuf));
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &bad, sizeof(int));
		CHECK_ERRNO(rump_sys_sendmsg(sv[0], &msg, 0), EBADF);
		cm->cmsg_len = sizeof(cbuf) + 8;
		CHECK_ERRNO(rump_sys_sendmsg(sv[0], &msg, 0), EINVAL);
	}
	CHECK_SYS(rump_sys_close(p[1]));
	CHECK_SYS(rump_sys_close(sp[0]));
	CHECK_SYS(rump_sys_close(sv[0]));
	CHECK_SYS(rump_sys_close(sv[1]));
	CHECK_SYS(rump_sys_unlink("/tmp/f"));
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(110);
	test_boot();
	CHECK_SYS(rump_sys_mkdir("/tmp", 0777));

	listen_accept(true);
	listen_accept(false);
	path_errors();
	autobind_and_dgram_names();
	rights();

	test_halt();
	return 0;
}
