/*
 * t_sock_novfs.c -- the net faction with no VFS faction linked (see the
 * rule in tests/tests.mk): file system calls give ENOSYS, and local
 * sockets work all the same: socketpair, an abstract listener with
 * accept and connect, datagrams between abstract names, descriptors
 * passed with SCM_RIGHTS, poll over a socket and a pipe.  A path name
 * has no file system to live in: ENOENT.
 */
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "testlib.h"

static socklen_t abstract(struct sockaddr_un *sun, const char *name)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path + 1, name, strlen(name));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			   strlen(name));
}

int main(int argc, char **argv)
{
	struct sockaddr_un sun, got;
	struct pollfd pfd[2];
	socklen_t len, glen;
	char buf[32];
	int sv[2], p[2], l, c, a, d1, d2;

	test_init(argc, argv);
	test_watchdog(60);
	test_boot();

	/* No VFS: its calls are not bound. */
	CHECK_ERRNO(rump_sys_mkdir("/x", 0755), ENOSYS);
	CHECK_ERRNO(rump_sys_open("/x", O_RDONLY), ENOSYS);

	CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_EQ(rump_sys_write(sv[0], "ping", 4), 4);
	CHECK_EQ(rump_sys_read(sv[1], buf, sizeof(buf)), 4);

	/* An abstract listener. */
	l = (int)CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	len = abstract(&sun, "novfs");
	CHECK_SYS(rump_sys_bind(l, (struct sockaddr *)&sun, len));
	CHECK_SYS(rump_sys_listen(l, 4));
	c = (int)CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_SYS(rump_sys_connect(c, (struct sockaddr *)&sun, len));
	glen = sizeof(got);
	a = (int)CHECK_SYS(rump_sys_accept(l, (struct sockaddr *)&got, &glen));
	CHECK_EQ(glen, offsetof(struct sockaddr_un, sun_path));
	glen = sizeof(got);
	CHECK_SYS(rump_sys_getpeername(c, (struct sockaddr *)&got, &glen));
	CHECK_EQ(glen, len);
	CHECK(memcmp(&got, &sun, len) == 0);

	/* A pipe's read end passed over the connection. */
	CHECK_SYS(rump_sys_pipe(p));
	{
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
		memcpy(CMSG_DATA(cm), &p[0], sizeof(int));
		CHECK_EQ(rump_sys_sendmsg(c, &msg, 0), 1);
		CHECK_SYS(rump_sys_close(p[0]));
		memset(cbuf, 0, sizeof(cbuf));
		iov.iov_base = buf;
		msg.msg_controllen = sizeof(cbuf);
		CHECK_EQ(rump_sys_recvmsg(a, &msg, 0), 1);
		cm = CMSG_FIRSTHDR(&msg);
		CHECK(cm != NULL && cm->cmsg_type == SCM_RIGHTS);
		memcpy(&p[0], CMSG_DATA(cm), sizeof(int));
	}
	CHECK_EQ(rump_sys_write(p[1], "via", 3), 3);
	pfd[0] = (struct pollfd){.fd = p[0], .events = POLLIN};
	pfd[1] = (struct pollfd){.fd = a, .events = POLLIN};
	CHECK_EQ(rump_sys_poll(pfd, 2, 1000), 1);
	CHECK_EQ(pfd[0].revents, POLLIN);
	CHECK_EQ(rump_sys_read(p[0], buf, sizeof(buf)), 3);

	/* Datagrams between abstract names. */
	d1 = (int)CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_DGRAM, 0));
	d2 = (int)CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_DGRAM, 0));
	len = abstract(&sun, "dgram-one");
	CHECK_SYS(rump_sys_bind(d1, (struct sockaddr *)&sun, len));
	CHECK_EQ(rump_sys_sendto(d2, "hi", 2, 0, (struct sockaddr *)&sun, len),
		 2);
	glen = sizeof(got);
	CHECK_EQ(rump_sys_recvfrom(d1, buf, sizeof(buf), 0,
				   (struct sockaddr *)&got, &glen),
		 2);
	CHECK_EQ(glen, offsetof(struct sockaddr_un, sun_path));

	/* A path has nowhere to go. */
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, "/tmp/sock");
	CHECK_ERRNO(rump_sys_bind(d2, (struct sockaddr *)&sun, sizeof(sun)),
		    ENOENT);

	int fds[] = {sv[0], sv[1], l, c, a, p[0], p[1], d1, d2};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		CHECK_SYS(rump_sys_close(fds[i]));
	test_halt();
	return 0;
}
