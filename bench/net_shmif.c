/*
 * net_shmif.c -- two rump kernels in two processes on one shmif bus:
 * single-stream TCP throughput (BYTES from the client kernel to the
 * sink kernel, 64 KiB writes) and request/response latency (ROUNDS
 * 1-byte ping-pongs on a TCP_NODELAY connection).  Prints one line,
 * "bench: mbps=... rtt_us=...", for bench/net_shmif.sh.  BUF, if given
 * and not 0, is set as SO_SNDBUF and SO_RCVBUF on every socket (before
 * connect and listen, so the window scale follows).
 *   net_shmif BUSFILE BYTES ROUNDS MTU [BUF]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rump/netconfig.h>
#include <rump/rump.h>
#include <rump/rump_syscalls.h>

static void die(const char *what)
{
	fprintf(stderr, "net_shmif: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void boot(const char *bus, const char *addr, int mtu)
{
	struct ifreq ifr;
	int unit, s, e;

	if (rump_init() != 0 || rump_pub_lwproc_rfork(RUMP_RFCFDG) != 0)
		die("boot");
	if ((e = rump_pub_shmif_create(bus, &unit)) != 0 ||
	    (e = rump_pub_netconfig_ipv4_ifaddr_cidr("shmif0", addr, 24)) !=
		    0) {
		errno = e;
		die("shmif0");
	}
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "shmif0");
	ifr.ifr_mtu = mtu;
	if ((s = rump_sys_socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    rump_sys_ioctl(s, SIOCSIFMTU, &ifr) != 0)
		die("mtu");
	rump_sys_close(s);
}

static int sockbuf; /* SO_SNDBUF and SO_RCVBUF; 0: the defaults */

static int tcp_socket(void)
{
	int s = rump_sys_socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (s < 0 || rump_sys_setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one,
					 sizeof(one)) != 0)
		die("socket");
	if (sockbuf != 0 &&
	    (rump_sys_setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sockbuf,
				 sizeof(sockbuf)) != 0 ||
	     rump_sys_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &sockbuf,
				 sizeof(sockbuf)) != 0))
		die("sockbuf");
	return s;
}

/* The sink: drains the bulk connection, then echoes the ping-pongs. */
static void sink(const char *bus, int mtu)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(5201)};
	static char buf[65536];
	int ls, s;
	ssize_t n;

	boot(bus, "10.99.0.2", mtu);
	ls = tcp_socket();
	if (rump_sys_bind(ls, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    rump_sys_listen(ls, 2) != 0)
		die("listen");
	if ((s = rump_sys_accept(ls, NULL, NULL)) < 0)
		die("accept");
	while ((n = rump_sys_read(s, buf, sizeof(buf))) > 0)
		continue;
	rump_sys_close(s);
	if ((s = rump_sys_accept(ls, NULL, NULL)) < 0)
		die("accept");
	while (rump_sys_read(s, buf, 1) == 1)
		if (rump_sys_write(s, buf, 1) != 1)
			die("echo");
	rump_sys_close(s);
	rump_sys_close(ls);
	rump_sys_reboot(RUMP_RB_HALT);
}

static int connect_sink(void)
{
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons(5201)};

	to.sin_addr.s_addr = inet_addr("10.99.0.2");
	for (int i = 0; i < 300; i++) {
		int s = tcp_socket();

		if (rump_sys_connect(s, (struct sockaddr *)&to, sizeof(to)) ==
		    0)
			return s;
		rump_sys_close(s);
		usleep(20000);
	}
	die("connect");
	return -1;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	long long bytes, left;
	int rounds, mtu, s, status;
	double t0, mbps, rtt;
	pid_t pid;

	if (argc != 5 && argc != 6)
		return 2;
	sockbuf = argc == 6 ? atoi(argv[5]) : 0;
	bytes = atoll(argv[2]);
	rounds = atoi(argv[3]);
	mtu = atoi(argv[4]);
	unlink(argv[1]);
	if ((pid = fork()) == 0) {
		sink(argv[1], mtu);
		_exit(0);
	}
	boot(argv[1], "10.99.0.1", mtu);
	s = connect_sink();
	memset(buf, 0x5a, sizeof(buf));
	t0 = now();
	for (left = bytes; left > 0;) {
		ssize_t n = rump_sys_write(s, buf,
					   left < (long long)sizeof(buf)
						   ? (size_t)left
						   : sizeof(buf));
		if (n <= 0)
			die("write");
		left -= n;
	}
	rump_sys_shutdown(s, SHUT_WR);
	while (rump_sys_read(s, buf, sizeof(buf)) > 0)
		continue;
	mbps = (double)bytes / (now() - t0) / 1e6;
	rump_sys_close(s);
	s = connect_sink();
	t0 = now();
	for (int i = 0; i < rounds; i++)
		if (rump_sys_write(s, "x", 1) != 1 ||
		    rump_sys_read(s, buf, 1) != 1)
			die("ping-pong");
	rtt = (now() - t0) / rounds * 1e6;
	rump_sys_close(s);
	waitpid(pid, &status, 0);
	rump_sys_reboot(RUMP_RB_HALT);
	unlink(argv[1]);
	printf("bench: mbps=%.1f rtt_us=%.1f\n", mbps, rtt);
	return 0;
}
