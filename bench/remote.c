/*
 * remote.c -- the workers of bench/remote.sh, which times a null system
 * call round trip: "remote URL N" through librumpclient against a
 * rump_server, "plain unix|tcp N" as the same-sized request and reply
 * between two host processes over a plain socket, and (built against the
 * kernel with -DREMOTE_LOCAL) "local N" as a local rump_sys_getpid().
 * Each prints "bench: ns=<nanoseconds per call>".
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>
#ifdef REMOTE_LOCAL
#include <rump/rump.h>
#else
#include <rump/rumpclient.h>
#endif

/* What a null call puts on the wire: a 32-byte request, 40-byte reply. */
#define REQ 32
#define REPLY 40

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void full(int fd, void *buf, size_t len, int rd)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = rd ? read(fd, p, len) : write(fd, p, len);
		if (n <= 0)
			exit(1);
		p += n;
		len -= (size_t)n;
	}
}

/* A plain round trip between two processes over a connected socket. */
static double plain(const char *kind, long n)
{
	char buf[64] = "";
	int sv[2], one = 1;
	uint64_t t0;
	pid_t pid;

	if (strcmp(kind, "unix") == 0) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
			exit(1);
	} else {
		struct sockaddr_in sin = {.sin_family = AF_INET,
					  .sin_addr.s_addr =
						  htonl(INADDR_LOOPBACK)};
		socklen_t len = sizeof(sin);
		int l = socket(AF_INET, SOCK_STREAM, 0);
		if (l < 0 || bind(l, (void *)&sin, sizeof(sin)) < 0 ||
		    listen(l, 1) < 0 || getsockname(l, (void *)&sin, &len) < 0)
			exit(1);
		sv[0] = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(sv[0], (void *)&sin, sizeof(sin)) < 0 ||
		    (sv[1] = accept(l, NULL, NULL)) < 0)
			exit(1);
		setsockopt(sv[0], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(sv[1], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		close(l);
	}
	if ((pid = fork()) == 0) {
		close(sv[0]);
		for (;;) {
			full(sv[1], buf, REQ, 1);
			full(sv[1], buf, REPLY, 0);
		}
	}
	close(sv[1]);
	for (long i = 0; i < n / 10; i++) {
		full(sv[0], buf, REQ, 0);
		full(sv[0], buf, REPLY, 1);
	}
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		full(sv[0], buf, REQ, 0);
		full(sv[0], buf, REPLY, 1);
	}
	t0 = now_ns() - t0;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return (double)t0 / (double)n;
}

static double calls(long n)
{
	uint64_t t0;

	for (long i = 0; i < n / 10; i++)
		if (rump_sys_getpid() < 0)
			exit(1);
	t0 = now_ns();
	for (long i = 0; i < n; i++)
		rump_sys_getpid();
	return (double)(now_ns() - t0) / (double)n;
}

int main(int argc, char **argv)
{
	long n = argc >= 3 ? atol(argv[argc - 1]) : 0;
	double ns;

	if (n <= 0) {
		fprintf(stderr, "usage: remote remote URL N | plain unix|tcp N"
				" | local N\n");
		return 2;
	}
	if (strcmp(argv[1], "plain") == 0 && argc == 4)
		ns = plain(argv[2], n);
#ifdef REMOTE_LOCAL
	else if (strcmp(argv[1], "local") == 0) {
		if (rump_init() != 0 || rump_pub_lwproc_rfork(RUMP_RFCFDG) != 0)
			return 1;
		ns = calls(n);
	}
#else
	else if (strcmp(argv[1], "remote") == 0 && argc == 4) {
		setenv("RUMP_SERVER", argv[2], 1);
		if (rumpclient_init() != 0) {
			perror("rumpclient_init");
			return 1;
		}
		ns = calls(n);
	}
#endif
	else
		return 2;
	printf("bench: ns=%.1f\n", ns);
	return 0;
}
