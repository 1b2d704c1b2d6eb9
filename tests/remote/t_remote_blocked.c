/*
 * t_remote_blocked.c -- a client killed while one of its calls is blocked
 * inside the kernel (accept on a TCP socket, recvfrom on a UDP socket, a
 * read or poll on an empty pipe, recv on a local socket pair) is
 * released: the server interrupts the call (EINTR inside the kernel), the
 * process exits, and the server's counts return to their baseline.  Then
 * a halt that comes right after such a kill, with another client still
 * blocked in accept, ends the server cleanly (status 0, leak-checked).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>

#include "rtest.h"

enum { V_ACCEPT, V_RECVFROM, V_PIPEREAD, V_POLL, V_LOCALRECV, V_NKINDS };
static const char *const kind_names[] = {"accept", "recvfrom", "pipe read",
					 "poll", "local recv"};

/* A victim: set up, say so, then block for ever in one call. */
static int victim(int kind, int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port)};
	char buf[16];
	int s, p[2];

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK_SYS(rumpclient_init());
	switch (kind) {
	case V_ACCEPT:
		s = CHECK_SYS(rump_sys_socket(AF_INET, SOCK_STREAM, 0));
		CHECK_SYS(
			rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)));
		CHECK_SYS(rump_sys_listen(s, 4));
		CHECK_EQ(write(1, "R", 1), 1);
		rump_sys_accept(s, NULL, NULL);
		break;
	case V_RECVFROM:
		s = CHECK_SYS(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));
		CHECK_SYS(
			rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)));
		CHECK_EQ(write(1, "R", 1), 1);
		rump_sys_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL);
		break;
	case V_PIPEREAD:
	case V_POLL: {
		CHECK_SYS(rump_sys_pipe(p));
		CHECK_EQ(write(1, "R", 1), 1);
		if (kind == V_PIPEREAD)
			rump_sys_read(p[0], buf, sizeof(buf));
		else {
			struct pollfd pfd = {.fd = p[0], .events = POLLIN};
			rump_sys_poll(&pfd, 1, -1);
		}
		break;
	}
	case V_LOCALRECV:
		CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, p));
		CHECK_EQ(write(1, "R", 1), 1);
		rump_sys_recv(p[0], buf, sizeof(buf), 0);
		break;
	}
	/* Only the server's interruption at a halt gets here. */
	return 0;
}

/* Start a victim of kind blocking in the kernel; returns its pid once
 * its call is running on the server. */
static pid_t victim_start(const char *prog, int kind, int port)
{
	struct rumpclient_stats st;
	char k[16], pt[16], c;
	int out[2];
	pid_t pid;

	snprintf(k, sizeof(k), "%d", kind);
	snprintf(pt, sizeof(pt), "%d", port);
	CHECK_SYS(pipe(out));
	CHECK((pid = fork()) >= 0);
	if (pid == 0) {
		dup2(out[1], 1);
		execl("/proc/self/exe", prog, "victim", k, pt, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	CHECK_EQ(read(out[0], &c, 1), 1);
	close(out[0]);
	/* Its call is in the server (blocked, or about to be). */
	for (;;) {
		rserver_stats(&st);
		if (st.lwps >= 1)
			break;
		usleep(5000);
	}
	return pid;
}

static void victim_kill(pid_t pid)
{
	int status;

	CHECK_SYS(kill(pid, SIGKILL));
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

int main(int argc, char **argv)
{
	struct rumpclient_stats base, st;
	struct rserver srv;
	pid_t a, b;

	if (argc == 4 && strcmp(argv[1], "victim") == 0) {
		test_init(argc, argv);
		return victim(atoi(argv[2]), atoi(argv[3]));
	}
	test_init(argc, argv);
	test_watchdog(110);
	rserver_start(&srv, NULL);
	rserver_stats(&base);
	for (int round = 0; round < 2; round++) {
		for (int kind = 0; kind < V_NKINDS; kind++) {
			pid_t pid = victim_start(argv[0], kind, 7779);
			victim_kill(pid);
			/* Released: its process, files and socket are gone
			 * (and the port is free for the next victim). */
			rserver_wait_baseline(&base);
			rserver_stats(&st);
			CHECK_EQ(st.lwps, 0);
			test_log("blocked in %s: released", kind_names[kind]);
		}
	}
	/* A halt right after a kill, another client blocked in accept. */
	a = victim_start(argv[0], V_ACCEPT, 7780);
	b = victim_start(argv[0], V_RECVFROM, 7781);
	victim_kill(b);
	rserver_halt(&srv);
	/* Its accept returned (interrupted) and it ended, or it is killed. */
	(void)kill(a, SIGKILL);
	CHECK(waitpid(a, NULL, 0) == a);
	test_log("ok");
	return 0;
}
