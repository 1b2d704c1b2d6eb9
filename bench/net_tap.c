/*
 * net_tap.c -- the programs of bench/net_tap.sh over a tap or a veth
 * pair.  Throughput, single stream: "recv ADDR PORT" is a Linux receiver
 * (host sockets) that reads one connection to EOF and prints its rate;
 * "send-linux ADDR PORT BYTES" a Linux sender; "send-rump LINK MYADDR
 * ADDR PORT BYTES" boots a rump kernel with virt0 on LINK (the linkstr:
 * "tap" or "tap,offload=0"; MYADDR/24) and sends through it; "recv-rump
 * LINK MYADDR PORT" receives through it.  64 KiB writes and reads; the
 * receiver's clock runs from accept to EOF.  Latency: "echo ADDR PORT"
 * is a Linux server echoing single bytes, "rr-linux ADDR PORT N" and
 * "rr-rump LINK MYADDR ADDR PORT N" clients that time N 1-byte round
 * trips (TCP_NODELAY both ends, blocking write then read, as
 * bench/net_rr.c does over loopback).  The rump modes print "ready" once
 * virt0 is up and wait for a line on stdin (the script configures the
 * Linux side of the tap in between).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <rump/netconfig.h>
#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#define CHUNK (64 * 1024)

static char buf[CHUNK];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct sockaddr_in addr_of(const char *a, const char *port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons((uint16_t)atoi(port))};

	if (inet_pton(AF_INET, a, &sin.sin_addr) != 1) {
		fprintf(stderr, "bad address %s\n", a);
		exit(2);
	}
	return sin;
}

static int do_recv(const char *a, const char *port)
{
	struct sockaddr_in sin = addr_of(a, port);
	unsigned long long got = 0;
	int one = 1, l, s;
	double t0;
	ssize_t n;

	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(l, 1) < 0) {
		perror("listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	if ((s = accept(l, NULL, NULL)) < 0) {
		perror("accept");
		return 1;
	}
	t0 = now();
	while ((n = read(s, buf, sizeof(buf))) > 0)
		got += (unsigned long long)n;
	printf("bench: mbps=%.1f bytes=%llu\n",
	       (double)got / 1e6 / (now() - t0), got);
	close(s);
	close(l);
	return 0;
}

/* Sends bytes through either socket API, retrying a refused connect. */
static int send_bytes(int rump, const char *a, const char *port,
		      unsigned long long bytes)
{
	struct sockaddr_in sin = addr_of(a, port);
	int s = -1;

	memset(buf, 0x5a, sizeof(buf));
	for (int tries = 0; tries < 600; tries++) {
		s = rump ? rump_sys_socket(AF_INET, SOCK_STREAM, 0)
			 : socket(AF_INET, SOCK_STREAM, 0);
		if ((rump ? rump_sys_connect(s, (struct sockaddr *)&sin,
					     sizeof(sin))
			  : connect(s, (struct sockaddr *)&sin, sizeof(sin))) ==
		    0)
			break;
		rump ? rump_sys_close(s) : close(s);
		s = -1;
		usleep(50000);
	}
	if (s < 0) {
		fprintf(stderr, "connect: %s\n", strerror(errno));
		return 1;
	}
	while (bytes > 0) {
		size_t len = bytes < CHUNK ? (size_t)bytes : CHUNK;
		ssize_t w =
			rump ? rump_sys_write(s, buf, len) : write(s, buf, len);
		if (w <= 0) {
			fprintf(stderr, "write: %s\n", strerror(errno));
			return 1;
		}
		bytes -= (unsigned long long)w;
	}
	rump ? rump_sys_close(s) : close(s);
	return 0;
}

/* Boots with virt0 on link (a linkstr) as myaddr/24; 0 or an errno. */
static int rump_virt0(const char *link, const char *myaddr)
{
	int error;

	if (rump_init() != 0)
		return 1;
	rump_pub_lwproc_rfork(RUMP_RFCFDG);
	if ((error = rump_pub_netconfig_ifcreate("virt0")) != 0 ||
	    (error = rump_pub_netconfig_ifsetlinkstr("virt0", link)) != 0 ||
	    (error = rump_pub_netconfig_ipv4_ifaddr_cidr("virt0", myaddr,
							 24)) != 0 ||
	    (error = rump_pub_netconfig_ifup("virt0")) != 0) {
		fprintf(stderr, "virt0: %s\n", strerror(error));
		return error;
	}
	return 0;
}

/* Says ready; the script configures the Linux side, then says go. */
static int rump_ready(void)
{
	printf("ready\n");
	fflush(stdout);
	return getchar() == EOF ? 1 : 0;
}

static int rump_halt(int error)
{
	rump_pub_lwproc_releaselwp();
	rump_sys_reboot(RUMP_RB_HALT);
	return error;
}

static int do_send_rump(char **argv)
{
	if (rump_virt0(argv[2], argv[3]) != 0 || rump_ready() != 0)
		return 1;
	return rump_halt(
		send_bytes(1, argv[4], argv[5], strtoull(argv[6], NULL, 0)));
}

/* The rump receiver: one connection to EOF, its rate. */
static int do_recv_rump(char **argv)
{
	struct sockaddr_in sin = addr_of(argv[3], argv[4]);
	unsigned long long got = 0;
	int one = 1, l, s;
	double t0;
	ssize_t n;

	if (rump_virt0(argv[2], argv[3]) != 0)
		return 1;
	l = rump_sys_socket(AF_INET, SOCK_STREAM, 0);
	rump_sys_setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (rump_sys_bind(l, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    rump_sys_listen(l, 1) < 0) {
		perror("rump listen");
		return rump_halt(1);
	}
	if (rump_ready() != 0)
		return rump_halt(1);
	if ((s = rump_sys_accept(l, NULL, NULL)) < 0) {
		perror("rump accept");
		return rump_halt(1);
	}
	t0 = now();
	while ((n = rump_sys_read(s, buf, sizeof(buf))) > 0)
		got += (unsigned long long)n;
	printf("bench: mbps=%.1f bytes=%llu\n",
	       (double)got / 1e6 / (now() - t0), got);
	fflush(stdout);
	rump_sys_close(s);
	rump_sys_close(l);
	return rump_halt(0);
}

/* The Linux echo server: one connection, byte for byte, to EOF. */
static int do_echo(const char *a, const char *port)
{
	struct sockaddr_in sin = addr_of(a, port);
	int one = 1, l, s;
	char c;

	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(l, 1) < 0) {
		perror("echo listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	if ((s = accept(l, NULL, NULL)) < 0) {
		perror("echo accept");
		return 1;
	}
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	while (read(s, &c, 1) == 1)
		if (write(s, &c, 1) != 1)
			break;
	close(s);
	close(l);
	return 0;
}

/* n 1-byte round trips to the echo server; prints the mean in us. */
static int rr_client(int rump, const char *a, const char *port, long n)
{
	struct sockaddr_in sin = addr_of(a, port);
	int one = 1, s = -1;
	double t0;
	char c = 'x';

	for (int tries = 0; tries < 600; tries++) {
		s = rump ? rump_sys_socket(AF_INET, SOCK_STREAM, 0)
			 : socket(AF_INET, SOCK_STREAM, 0);
		if ((rump ? rump_sys_connect(s, (struct sockaddr *)&sin,
					     sizeof(sin))
			  : connect(s, (struct sockaddr *)&sin, sizeof(sin))) ==
		    0)
			break;
		rump ? rump_sys_close(s) : close(s);
		s = -1;
		usleep(50000);
	}
	if (s < 0) {
		fprintf(stderr, "connect: %s\n", strerror(errno));
		return 1;
	}
	rump ? rump_sys_setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one,
				   sizeof(one))
	     : setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	t0 = now();
	for (long i = 0; i < n; i++) {
		if ((rump ? rump_sys_write(s, &c, 1) : write(s, &c, 1)) != 1 ||
		    (rump ? rump_sys_read(s, &c, 1) : read(s, &c, 1)) != 1) {
			fprintf(stderr, "round trip %ld: %s\n", i,
				strerror(errno));
			return 1;
		}
	}
	printf("bench: rtt_us=%.2f\n", (now() - t0) * 1e6 / (double)n);
	fflush(stdout);
	rump ? rump_sys_close(s) : close(s);
	return 0;
}

static int do_rr_rump(char **argv)
{
	if (rump_virt0(argv[2], argv[3]) != 0 || rump_ready() != 0)
		return 1;
	return rump_halt(rr_client(1, argv[4], argv[5], atol(argv[6])));
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "recv") == 0)
		return do_recv(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "send-linux") == 0)
		return send_bytes(0, argv[2], argv[3],
				  strtoull(argv[4], NULL, 0));
	if (argc == 7 && strcmp(argv[1], "send-rump") == 0)
		return do_send_rump(argv);
	if (argc == 5 && strcmp(argv[1], "recv-rump") == 0)
		return do_recv_rump(argv);
	if (argc == 4 && strcmp(argv[1], "echo") == 0)
		return do_echo(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "rr-linux") == 0)
		return rr_client(0, argv[2], argv[3], atol(argv[4]));
	if (argc == 7 && strcmp(argv[1], "rr-rump") == 0)
		return do_rr_rump(argv);
	fprintf(stderr,
		"usage: net_tap recv ADDR PORT | send-linux ADDR PORT BYTES | "
		"send-rump LINK MYADDR ADDR PORT BYTES | recv-rump LINK MYADDR "
		"PORT | echo ADDR PORT | rr-linux ADDR PORT N | rr-rump LINK "
		"MYADDR ADDR PORT N\n");
	return 2;
}
