/*
 * net_tcp.c -- single-stream TCP throughput over loopback: inside one
 * rump kernel over lo0 (rump_sys_*) against Linux over its own loopback
 * (host system calls), the same C pair on each side -- a sender thread
 * writing 64 KiB chunks and a receiver thread reading them -- in fresh
 * processes, medians of several runs, and the ratio.  "report
 * label=path ..." prints the markdown section of docs/BENCHMARKS.md; the
 * kernel side runs on the pthread host only (two host threads in the
 * kernel at once).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"

#define CHUNK (64 * 1024)
#define DEFAULT_BYTES (1024ULL * 1024 * 1024)
#define RUNS 5
#define OUTLEN 4096

struct sockops {
	int (*socket)(int, int, int);
	int (*bind)(int, const struct sockaddr *, socklen_t);
	int (*listen)(int, int);
	int (*accept)(int, struct sockaddr *, socklen_t *);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	int (*getsockname)(int, struct sockaddr *, socklen_t *);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*write)(int, const void *, size_t);
	int (*close)(int);
};

static const struct sockops host_ops = {
	socket, bind, listen, accept, connect, getsockname, read, write, close,
};
static const struct sockops rump_ops = {
	rump_sys_socket, rump_sys_bind,	   rump_sys_listen,
	rump_sys_accept, rump_sys_connect, rump_sys_getsockname,
	rump_sys_read,	 rump_sys_write,   rump_sys_close,
};

struct side {
	const struct sockops *ops;
	int fd;
	unsigned long long bytes;
	pid_t pid; /* rump: the process the thread joins */
	int rump;
};

static void *sender(void *arg)
{
	struct side *s = arg;
	static char buf[CHUNK];
	unsigned long long left = s->bytes;

	if (s->rump && rump_pub_lwproc_newlwp(s->pid) != 0)
		return (void *)1;
	memset(buf, 0x5a, sizeof(buf));
	while (left > 0) {
		size_t n = left < CHUNK ? (size_t)left : CHUNK;
		ssize_t w = s->ops->write(s->fd, buf, n);
		if (w <= 0)
			return (void *)1;
		left -= (unsigned long long)w;
	}
	s->ops->close(s->fd);
	if (s->rump)
		rump_pub_lwproc_releaselwp();
	return NULL;
}

/* Moves bytes from a connected pair; returns MB/s or a negative value. */
static double transfer(const struct sockops *ops, int rump, pid_t pid,
		       unsigned long long bytes)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int l, c, s;
	pthread_t t;
	struct side snd;
	static char buf[CHUNK];
	unsigned long long got = 0;
	uint64_t t0, t1;
	ssize_t n;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = ops->socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || ops->bind(l, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    ops->listen(l, 1) < 0 ||
	    ops->getsockname(l, (struct sockaddr *)&sin, &len) < 0)
		return -1;
	c = ops->socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || ops->connect(c, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return -1;
	s = ops->accept(l, NULL, NULL);
	if (s < 0)
		return -1;
	snd = (struct side){ops, c, bytes, pid, rump};
	t0 = bench_now_ns();
	if (pthread_create(&t, NULL, sender, &snd) != 0)
		return -1;
	while ((n = ops->read(s, buf, sizeof(buf))) > 0)
		got += (unsigned long long)n;
	t1 = bench_now_ns();
	pthread_join(t, NULL);
	ops->close(s);
	ops->close(l);
	if (got != bytes)
		return -1;
	return (double)bytes / 1e6 / ((double)(t1 - t0) / 1e9);
}

static int worker(int rump, unsigned long long bytes)
{
	double mbps;
	pid_t pid = 0;

	if (rump) {
		if (rump_init() != 0)
			return 1;
		rump_pub_lwproc_rfork(RUMP_RFCFDG);
		pid = rump_sys_getpid();
	}
	mbps = transfer(rump ? &rump_ops : &host_ops, rump, pid, bytes);
	if (mbps < 0) {
		fprintf(stderr, "transfer failed: %s\n", strerror(errno));
		return 1;
	}
	printf("bench: mbps=%.1f\n", mbps);
	if (rump) {
		rump_pub_lwproc_releaselwp();
		rump_sys_reboot(RUMP_RB_HALT);
	}
	return 0;
}

static int median_of(const char *path, const char *mode,
		     unsigned long long bytes, double *med)
{
	char out[OUTLEN], arg[32];
	double v[RUNS];

	snprintf(arg, sizeof(arg), "%llu", bytes);
	for (int i = 0; i < RUNS; i++) {
		char *argv[] = {(char *)path, (char *)mode, arg, NULL};
		if (bench_spawn(argv, out, sizeof(out), NULL) != 0 ||
		    bench_value(out, "mbps", &v[i]) != 0)
			return -1;
	}
	*med = bench_median(v, RUNS);
	return 0;
}

static int report(int argc, char **argv)
{
	struct bench_host hosts[BENCH_MAXHOSTS];
	int nhosts = bench_parse_hosts(argc, argv, hosts, BENCH_MAXHOSTS);
	unsigned long long bytes = DEFAULT_BYTES;
	const char *env = getenv("BENCH_SCALE");
	double linux_mbps, rump_mbps;

	if (nhosts < 0)
		return 2;
	if (env != NULL && atoi(env) > 1)
		bytes /= (unsigned long long)atoi(env);
	printf("## TCP over loopback, single stream\n\n");
	printf("%llu MiB from a sender thread to a receiver thread, 64 KiB "
	       "writes and reads, median of %d fresh processes.\n\n",
	       bytes >> 20, RUNS);
	printf("| Path | Host | Median MB/s | Linux loopback MB/s | Ratio "
	       "(target >= 1) |\n|---|---|---|---|---|\n");
	for (int i = 0; i < nhosts; i++) {
		if (strcmp(hosts[i].label, "pthread") != 0)
			continue;
		if (median_of(hosts[i].path, "linux", bytes, &linux_mbps) !=
			    0 ||
		    median_of(hosts[i].path, "rump", bytes, &rump_mbps) != 0) {
			printf("| lo0 inside one kernel | %s | failed | | |\n",
			       bench_host_name(hosts[i].label));
			continue;
		}
		printf("| lo0 inside one kernel | %s | %.0f | %.0f | %.2f |\n",
		       bench_host_name(hosts[i].label), rump_mbps, linux_mbps,
		       rump_mbps / linux_mbps);
	}
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "rump") == 0)
		return worker(1, strtoull(argv[2], NULL, 10));
	if (argc >= 3 && strcmp(argv[1], "linux") == 0)
		return worker(0, strtoull(argv[2], NULL, 10));
	if (argc >= 3 && strcmp(argv[1], "report") == 0)
		return report(argc - 2, argv + 2);
	fprintf(stderr,
		"usage: %s report label=path ...   (markdown section)\n"
		"       %s rump|linux BYTES   (workers, host %s)\n",
		argv[0], argv[0], BENCH_HOST);
	return 2;
}
