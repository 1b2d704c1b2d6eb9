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

#include <rump/rumpuser.h>

#include "testlib.h"

#define MAX_N 4000
enum { CHILD_ENOMEM = 10, CHILD_HIT = 11, CHILD_CLEAN = 12 };

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

static bool fault_was_hit(const char *setting)
{
	char *end;
	unsigned long n = strtoul(setting, &end, 10);

	if (*end == '+')
		return rumpuser_fault_check(RUMPUSER_FAULT_MALLOC) != 0;
	for (unsigned long i = 0; i < n; i++)
		if (rumpuser_fault_check(RUMPUSER_FAULT_MALLOC))
			return false;
	return true;
}

static int child(void)
{
	const char *setting = getenv("RUMP_FAULT_MALLOC");
	bool forever = strchr(setting, '+') != NULL;
	int error = rump_init();

	if (error == ENOMEM)
		return CHILD_ENOMEM;
	CHECK_EQ(error, 0);
	workload();
	if (!forever) {
		/* The one fault may hit a repeat too: go on until clean. */
		for (int pass = 0; !workload(); pass++)
			CHECK(pass < 3);
	}
	test_halt();
	return fault_was_hit(setting) ? CHILD_HIT : CHILD_CLEAN;
}

static int run(const char *setting)
{
	const char *env[] = {NULL, NULL};
	char var[64], out[16384];
	int status;

	snprintf(var, sizeof(var), "RUMP_FAULT_MALLOC=%s", setting);
	env[0] = var;
	status = test_child("child", env, out, sizeof(out), 60);
	if (status < 0 || !WIFEXITED(status) ||
	    (WEXITSTATUS(status) != CHILD_ENOMEM &&
	     WEXITSTATUS(status) != CHILD_HIT &&
	     WEXITSTATUS(status) != CHILD_CLEAN))
		test_fail(__FILE__, __LINE__, "%s: %s\n%s", var,
			  test_status_str(status), out);
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	char setting[32];
	int n, last = 0;

	test_init(argc, argv);
	test_watchdog(600);
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child();
	for (n = 1; n <= MAX_N; n++) {
		snprintf(setting, sizeof(setting), "%d", n);
		if ((last = run(setting)) == CHILD_CLEAN)
			break;
	}
	CHECK(last == CHILD_CLEAN);
	test_log("%d allocations fail-once", n - 1);
	for (int i = 1; i <= 8; i++) {
		snprintf(setting, sizeof(setting), "%d+", n * i / 8);
		run(setting);
	}
	test_log("ok");
	return 0;
}
