/*
 * net_rr.c -- TCP request/response over loopback: the round-trip time of
 * a 1-byte ping-pong (TCP_NODELAY, a client thread and a server thread)
 * and connections per second (connect, accept, close both, one thread),
 * inside one rump kernel over lo0 (rump_sys_*) against Linux over its own
 * loopback (host system calls), the same C code on each side, each run in
 * a fresh process, medians of several runs and the ratios.  "report
 * label=path ..." prints the markdown section of docs/BENCHMARKS.md; the
 * kernel side runs on the pthread host only (two host threads at once).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"

#define ROUNDTRIPS 20000
#define CONNECTIONS 4000
#define RUNS 7
#define OUTLEN 4096

struct sockops {
	int (*socket)(int, int, int);
	int (*bind)(int, const struct sockaddr *, socklen_t);
	int (*listen)(int, int);
	int (*accept)(int, struct sockaddr *, socklen_t *);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	int (*getsockname)(int, struct sockaddr *, socklen_t *);
	int (*setsockopt)(int, int, int, const void *, socklen_t);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*write)(int, const void *, size_t);
	int (*close)(int);
};

static const struct sockops host_ops = {
	socket,	     bind,	 listen, accept, connect,
	getsockname, setsockopt, read,	 write,	 close,
};
static const struct sockops rump_ops = {
	rump_sys_socket,     rump_sys_bind,    rump_sys_listen,
	rump_sys_accept,     rump_sys_connect, rump_sys_getsockname,
	rump_sys_setsockopt, rump_sys_read,    rump_sys_write,
	rump_sys_close,
};

struct echo {
	const struct sockops *ops;
	int fd, rump;
	pid_t pid;
};

/* The server thread: echoes each byte until the client closes. */
static void *echo_thread(void *arg)
{
	struct echo *e = arg;
	char b;

	if (e->rump && rump_pub_lwproc_newlwp(e->pid) != 0)
		return (void *)1;
	while (e->ops->read(e->fd, &b, 1) == 1)
		if (e->ops->write(e->fd, &b, 1) != 1)
			break;
	e->ops->close(e->fd);
	if (e->rump)
		rump_pub_lwproc_releaselwp();
	return NULL;
}

/* A listener on 127.0.0.1, its address in *sin; -1 on error. */
static int listen_lo(const struct sockops *ops, struct sockaddr_in *sin,
		     int backlog)
{
	socklen_t len = sizeof(*sin);
	int l;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = ops->socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || ops->bind(l, (struct sockaddr *)sin, sizeof(*sin)) < 0 ||
	    ops->listen(l, backlog) < 0 ||
	    ops->getsockname(l, (struct sockaddr *)sin, &len) < 0)
		return -1;
	return l;
}

/* Microseconds per 1-byte round trip, or a negative value. */
static double pingpong(const struct sockops *ops, int rump, pid_t pid)
{
	struct sockaddr_in sin;
	int l = listen_lo(ops, &sin, 1), c, one = 1;
	struct echo e;
	pthread_t t;
	uint64_t t0, t1;
	char b = 'x';

	if (l < 0)
		return -1;
	c = ops->socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || ops->connect(c, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return -1;
	e = (struct echo){ops, ops->accept(l, NULL, NULL), rump, pid};
	if (e.fd < 0 ||
	    ops->setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) <
		    0 ||
	    ops->setsockopt(e.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) <
		    0 ||
	    pthread_create(&t, NULL, echo_thread, &e) != 0)
		return -1;
	/* A few untimed round trips first. */
	for (int i = 0; i < 100; i++)
		if (ops->write(c, &b, 1) != 1 || ops->read(c, &b, 1) != 1)
			return -1;
	t0 = bench_now_ns();
	for (int i = 0; i < ROUNDTRIPS; i++)
		if (ops->write(c, &b, 1) != 1 || ops->read(c, &b, 1) != 1)
			return -1;
	t1 = bench_now_ns();
	ops->close(c);
	pthread_join(t, NULL);
	ops->close(l);
	return (double)(t1 - t0) / 1e3 / ROUNDTRIPS;
}

/* Connections per second (connect, accept, both closed), or negative. */
static double connrate(const struct sockops *ops)
{
	struct sockaddr_in sin;
	int l = listen_lo(ops, &sin, 128);
	uint64_t t0, t1;

	if (l < 0)
		return -1;
	t0 = bench_now_ns();
	for (int i = 0; i < CONNECTIONS; i++) {
		int c = ops->socket(AF_INET, SOCK_STREAM, 0), s;

		if (c < 0 ||
		    ops->connect(c, (struct sockaddr *)&sin, sizeof(sin)) < 0)
			return -1;
		s = ops->accept(l, NULL, NULL);
		if (s < 0)
			return -1;
		/* The client closes first: its side keeps the TIME_WAIT. */
		ops->close(c);
		ops->close(s);
	}
	t1 = bench_now_ns();
	ops->close(l);
	return CONNECTIONS / ((double)(t1 - t0) / 1e9);
}

static int worker(int rump, const char *what)
{
	const struct sockops *ops = rump ? &rump_ops : &host_ops;
	pid_t pid = 0;
	double v;

	if (rump) {
		if (rump_init() != 0)
			return 1;
		rump_pub_lwproc_rfork(RUMP_RFCFDG);
		pid = rump_sys_getpid();
	}
	if (strcmp(what, "rtt") == 0) {
		v = pingpong(ops, rump, pid);
		printf("bench: rtt_us=%.3f\n", v);
	} else {
		v = connrate(ops);
		printf("bench: conn_per_s=%.1f\n", v);
	}
	if (v < 0) {
		fprintf(stderr, "%s failed: %s\n", what, strerror(errno));
		return 1;
	}
	if (rump) {
		rump_pub_lwproc_releaselwp();
		rump_sys_reboot(RUMP_RB_HALT);
	}
	return 0;
}

static int median_of(const char *path, const char *mode, const char *what,
		     const char *key, double *med)
{
	char out[OUTLEN];
	double v[RUNS];

	for (int i = 0; i < RUNS; i++) {
		char *argv[] = {(char *)path, (char *)mode, (char *)what, NULL};
		if (bench_spawn(argv, out, sizeof(out), NULL) != 0 ||
		    bench_value(out, key, &v[i]) != 0)
			return -1;
	}
	*med = bench_median(v, RUNS);
	return 0;
}

static int report(int argc, char **argv)
{
	struct bench_host hosts[BENCH_MAXHOSTS];
	int nhosts = bench_parse_hosts(argc, argv, hosts, BENCH_MAXHOSTS);

	if (nhosts < 0)
		return 2;
	printf("## TCP request/response over loopback\n\n");
	printf("Program `bench/net_rr.c`. *Latency*: %d round trips of one "
	       "byte each way (`TCP_NODELAY`, blocking `write` then `read` "
	       "in a client thread, an echo thread on the other end) after "
	       "100 untimed ones. *Connections*: %d times `connect`, "
	       "`accept`, `close` of the client then of the server side, in "
	       "one thread, listen backlog 128. Inside one kernel over `lo0` "
	       "(`rump_sys_*`) against Linux over its loopback (host system "
	       "calls), the same code; median of %d fresh processes each. "
	       "Ratio: rumpkit over Linux in the direction where above 1 is "
	       "better for rumpkit.\n\n",
	       ROUNDTRIPS, CONNECTIONS, RUNS);
	printf("| Figure | Host | rumpkit lo0 | Linux loopback | Ratio "
	       "(>= 1: rumpkit as good or better) |\n|---|---|---|---|---|\n");
	for (int i = 0; i < nhosts; i++) {
		double lrtt, rrtt, lconn, rconn;
		const char *h = bench_host_name(hosts[i].label);

		if (strcmp(hosts[i].label, "pthread") != 0)
			continue;
		if (median_of(hosts[i].path, "linux", "rtt", "rtt_us", &lrtt) ||
		    median_of(hosts[i].path, "rump", "rtt", "rtt_us", &rrtt))
			printf("| 1-byte round trip | %s | failed | | |\n", h);
		else
			printf("| 1-byte round trip | %s | %.1f µs | %.1f µs | "
			       "%.2f |\n",
			       h, rrtt, lrtt, lrtt / rrtt);
		if (median_of(hosts[i].path, "linux", "conn", "conn_per_s",
			      &lconn) ||
		    median_of(hosts[i].path, "rump", "conn", "conn_per_s",
			      &rconn))
			printf("| Connections per second | %s | failed | | |\n",
			       h);
		else
			printf("| Connections per second | %s | %.0f /s | %.0f "
			       "/s | %.2f |\n",
			       h, rconn, lconn, rconn / lconn);
	}
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "rump") == 0)
		return worker(1, argv[2]);
	if (argc >= 3 && strcmp(argv[1], "linux") == 0)
		return worker(0, argv[2]);
	if (argc >= 3 && strcmp(argv[1], "report") == 0)
		return report(argc - 2, argv + 2);
	fprintf(stderr,
		"usage: %s report label=path ...   (markdown section)\n"
		"       %s rump|linux rtt|conn   (workers, host %s)\n",
		argv[0], argv[0], BENCH_HOST);
	return 2;
}
