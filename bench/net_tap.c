/*
 * net_tap.c -- the programs of bench/net_tap.sh, single-stream TCP
 * throughput over a tap: "recv ADDR PORT" is a Linux receiver (host
 * sockets) that reads one connection to EOF and prints its rate;
 * "send-linux ADDR PORT BYTES" a Linux sender; "send-rump TAP MYADDR
 * ADDR PORT BYTES" boots a rump kernel with virt0 on TAP (MYADDR/24) and
 * sends through it.  64 KiB writes and reads; the receiver's clock runs
 * from accept to EOF.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
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

static int do_send_rump(char **argv)
{
	int error;

	if (rump_init() != 0)
		return 1;
	rump_pub_lwproc_rfork(RUMP_RFCFDG);
	if ((error = rump_pub_netconfig_ifcreate("virt0")) != 0 ||
	    (error = rump_pub_netconfig_ifsetlinkstr("virt0", argv[2])) != 0 ||
	    (error = rump_pub_netconfig_ipv4_ifaddr_cidr("virt0", argv[3],
							 24)) != 0 ||
	    (error = rump_pub_netconfig_ifup("virt0")) != 0) {
		fprintf(stderr, "virt0: %s\n", strerror(error));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	/* The script configures the Linux side of the tap, then says go. */
	if (getchar() == EOF)
		return 1;
	error = send_bytes(1, argv[4], argv[5], strtoull(argv[6], NULL, 0));
	rump_pub_lwproc_releaselwp();
	rump_sys_reboot(RUMP_RB_HALT);
	return error;
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
	fprintf(stderr, "usage: net_tap recv ADDR PORT | send-linux ADDR PORT "
			"BYTES | send-rump TAP MYADDR ADDR PORT BYTES\n");
	return 2;
}
