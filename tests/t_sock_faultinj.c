/*
 * t_sock_faultinj.c -- sockets under allocation failure.  For N = 1, 2,
 * ... a child boots with RUMP_FAULT_MALLOC=N and runs a workload of
 * local sockets (socketpair, listen, connect, accept, stream and
 * datagram data, SCM_RIGHTS): each call succeeds or fails with ENOMEM or
 * ENOBUFS, never crashes, and once the workload closed everything the
 * halt's leak check finds no socket, mbuf or file left.  The loop ends
 * when a child ran without reaching the fault; fail-forever (N+) runs
 * follow.
 */
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faultsweep.h"
#include "testlib.h"

#define MAX_N 4000

static int fds[16], nfds;

/* A call that may fail for want of memory: false then. */
#define TRY(call)                                                              \
	__extension__({                                                        \
		long long try_v_ = (long long)(call);                          \
		if (try_v_ < 0 && errno != ENOMEM && errno != ENOBUFS)         \
			test_fail(__FILE__, __LINE__, "%s: errno %d (%s)",     \
				  #call, errno, strerror(errno));              \
		try_v_;                                                        \
	})

static void keep(int fd)
{
	if (fd >= 0)
		fds[nfds++] = fd;
}

static bool workload(void)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + 4;
	char buf[3000], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = buf, .iov_len = 100};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm;
	int sv[2] = {-1, -1}, dv[2] = {-1, -1}, l, c, a;
	bool ok = false;

	nfds = 0;
	memcpy(sun.sun_path, "\0flt", 4);
	memset(buf, 'x', sizeof(buf));
	if (TRY(rump_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) < 0)
		goto out;
	keep(sv[0]);
	keep(sv[1]);
	if (TRY(rump_sys_send(sv[0], buf, sizeof(buf), 0)) < 0 ||
	    TRY(rump_sys_recv(sv[1], buf, sizeof(buf), MSG_WAITALL)) < 0)
		goto out;
	if (TRY(rump_sys_socketpair(AF_UNIX, SOCK_DGRAM, 0, dv)) < 0)
		goto out;
	keep(dv[0]);
	keep(dv[1]);
	if (TRY(rump_sys_send(dv[0], buf, 500, 0)) < 0 ||
	    TRY(rump_sys_recv(dv[1], buf, sizeof(buf), 0)) < 0)
		goto out;
	keep(l = (int)TRY(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0)));
	if (l < 0 || TRY(rump_sys_bind(l, (struct sockaddr *)&sun, len)) < 0 ||
	    TRY(rump_sys_listen(l, 4)) < 0)
		goto out;
	keep(c = (int)TRY(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0)));
	if (c < 0 || TRY(rump_sys_connect(c, (struct sockaddr *)&sun, len)) < 0)
		goto out;
	keep(a = (int)TRY(rump_sys_accept(l, NULL, NULL)));
	if (a < 0)
		goto out;
	/* Rights: a datagram socket passed over the connection. */
	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &dv[1], sizeof(int));
	if (TRY(rump_sys_sendmsg(c, &msg, 0)) < 0)
		goto out;
	/* Sent and never received: released with the socket. */
	if (TRY(rump_sys_sendmsg(c, &msg, 0)) < 0)
		goto out;
	msg.msg_controllen = sizeof(cbuf);
	if (TRY(rump_sys_recvmsg(a, &msg, 0)) < 0)
		goto out;
	cm = CMSG_FIRSTHDR(&msg);
	if (cm != NULL) {
		int fd;
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
		keep(fd);
	}
	ok = true;
out:
	for (int i = 0; i < nfds; i++)
		CHECK_SYS(rump_sys_close(fds[i]));
	return ok;
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(600);
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return faultsweep_child(workload, NULL);
	faultsweep(MAX_N);
	test_log("ok");
	return 0;
}
