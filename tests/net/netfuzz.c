/*
 * netfuzz.c -- the host half of the packet-input fuzz target, included
 * by fuzz/net_fuzz.c (libFuzzer) and tests/t_inet_fuzz.c (replay): the
 * sockets the fuzzed frames meet -- a TCP listener on 10.9.0.1:80 and a
 * UDP socket on port 53 -- and, after each input, the cleanup that keeps
 * state from piling up: connections are accepted and reset (SO_LINGER
 * 0), datagrams read.  The kernel half is tests/kern/test_inet_fuzz.c.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "../kern/rumptest_inet.h"

static int netfuzz_lsock = -1, netfuzz_usock = -1;
/* Connections accepted and datagrams read, for the replay test. */
static unsigned long netfuzz_accepted, netfuzz_datagrams;

/* 0, or -1 with a message on stderr. */
static int netfuzz_setup(void)
{
	struct sockaddr_in sin;
	int on = 1;

	if (rump_test_inet_fuzz_init() != 0) {
		fprintf(stderr, "netfuzz: rump_test_inet_fuzz_init failed\n");
		return -1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(80);
	sin.sin_addr.s_addr = htonl(0x0a090001);
	netfuzz_lsock =
		rump_sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (netfuzz_lsock < 0 ||
	    rump_sys_setsockopt(netfuzz_lsock, SOL_SOCKET, SO_REUSEADDR, &on,
				sizeof(on)) != 0 ||
	    rump_sys_bind(netfuzz_lsock, (struct sockaddr *)&sin,
			  sizeof(sin)) != 0 ||
	    rump_sys_listen(netfuzz_lsock, 128) != 0) {
		perror("netfuzz: listener");
		return -1;
	}
	sin.sin_port = htons(53);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	netfuzz_usock = rump_sys_socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (netfuzz_usock < 0 ||
	    rump_sys_bind(netfuzz_usock, (struct sockaddr *)&sin,
			  sizeof(sin)) != 0) {
		perror("netfuzz: udp socket");
		return -1;
	}
	return 0;
}

/* Resets every connection the input made and reads every datagram. */
static void netfuzz_cleanup(void)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	char buf[2048];
	int s;

	while ((s = rump_sys_accept4(netfuzz_lsock, NULL, NULL,
				     SOCK_NONBLOCK)) >= 0) {
		netfuzz_accepted++;
		while (rump_sys_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL) >
		       0)
			continue;
		(void)rump_sys_setsockopt(s, SOL_SOCKET, SO_LINGER, &lg,
					  sizeof(lg));
		(void)rump_sys_close(s);
	}
	while (rump_sys_recvfrom(netfuzz_usock, buf, sizeof(buf), 0, NULL,
				 NULL) >= 0)
		netfuzz_datagrams++;
}

/* One input: 0, or -1 if a kernel-side check failed. */
static int netfuzz_one(const uint8_t *data, size_t size)
{
	int error = rump_test_inet_fuzz_input(data, size);

	netfuzz_cleanup();
	if (error != 0) {
		fprintf(stderr, "netfuzz: kernel check failed (%d)\n", error);
		return -1;
	}
	return 0;
}

static void netfuzz_teardown(void)
{
	if (netfuzz_lsock >= 0)
		rump_sys_close(netfuzz_lsock);
	if (netfuzz_usock >= 0)
		rump_sys_close(netfuzz_usock);
	netfuzz_lsock = netfuzz_usock = -1;
	rump_test_inet_fuzz_fini();
}
