/*
 * t_udp_faultinj.c -- the IPv4 stack under allocation failure.  Children
 * boot with RUMP_FAULT_MALLOC=rP@seed (random failures, a different seed
 * each) and run a workload over lo0: interface clones and addresses,
 * UDP exchanges connected and not, a fragmented datagram, ping.  Every
 * call succeeds or fails with an error that allocation failure explains
 * (ENOMEM, ENOBUFS; EAGAIN when a datagram was lost), and the halt's leak
 * check must find no mbuf, PCB, route or interface left over.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <rump/netconfig.h>

#include "testlib.h"

enum { CHILD_OK = 0, CHILD_BOOTFAIL = 10 };

static bool tolerated(int e)
{
	return e == ENOMEM || e == ENOBUFS || e == EAGAIN || e == EEXIST ||
	       e == ENXIO || e == EADDRNOTAVAIL || e == ECONNREFUSED ||
	       e == EBADF || e == ENETUNREACH || e == EDESTADDRREQ;
}

#define STEP(call)                                                             \
	__extension__({                                                        \
		long long step_v_;                                             \
		errno = 0;                                                     \
		step_v_ = (long long)(call);                                   \
		if (step_v_ < 0 && !tolerated(errno))                          \
			test_fail(__FILE__, __LINE__, "%s: errno %d (%s)",     \
				  #call, errno, strerror(errno));              \
		step_v_;                                                       \
	})

/* netconfig calls return the errno. */
#define CSTEP(call)                                                            \
	do {                                                                   \
		int cstep_e_ = (call);                                         \
		if (cstep_e_ != 0 && !tolerated(cstep_e_))                     \
			test_fail(__FILE__, __LINE__, "%s: %d (%s)", #call,    \
				  cstep_e_, strerror(cstep_e_));               \
	} while (0)

static struct sockaddr_in sin_of(const char *addr, int port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, addr, &sin.sin_addr);
	return sin;
}

static int dgram(void)
{
	struct timeval tv = {0, 100000};
	int s = (int)STEP(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));

	/* Datagrams may be lost: a receive gives up after a while. */
	if (s >= 0)
		STEP(rump_sys_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv,
					 sizeof(tv)));
	return s;
}

static void workload(void)
{
	static char big[20000], buf[20000];
	struct sockaddr_in sin = sin_of("127.0.0.1", 0), to;
	socklen_t len = sizeof(sin);
	int s, c, p;

	CSTEP(rump_pub_netconfig_ifcreate("lo1"));
	CSTEP(rump_pub_netconfig_ipv4_ifaddr("lo1", "10.1.0.1",
					     "255.255.0.0"));
	CSTEP(rump_pub_netconfig_ipv4_gw("10.1.0.254"));
	s = dgram();
	c = dgram();
	if (s >= 0 && c >= 0 &&
	    STEP(rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin))) == 0 &&
	    STEP(rump_sys_getsockname(s, (struct sockaddr *)&sin, &len)) ==
		    0) {
		for (int i = 0; i < 20; i++) {
			STEP(rump_sys_sendto(c, big, (size_t)(i * 97), 0,
					     (struct sockaddr *)&sin,
					     sizeof(sin)));
			STEP(rump_sys_recv(s, buf, sizeof(buf), 0));
		}
		if (STEP(rump_sys_connect(c, (struct sockaddr *)&sin,
					  sizeof(sin))) == 0) {
			STEP(rump_sys_send(c, big, sizeof(big), 0));
			STEP(rump_sys_recv(s, buf, sizeof(buf), 0));
		}
	}
	/* A closed port: the ICMP error may or may not make it. */
	to = sin_of("127.0.0.1", 9);
	if (c >= 0) {
		int u = dgram();
		if (u >= 0) {
			STEP(rump_sys_connect(u, (struct sockaddr *)&to,
					      sizeof(to)));
			STEP(rump_sys_send(u, "x", 1, 0));
			STEP(rump_sys_recv(u, buf, sizeof(buf), 0));
			STEP(rump_sys_close(u));
		}
	}
	p = (int)STEP(rump_sys_socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
	if (p >= 0) {
		struct icmphdr icp = {.type = ICMP_ECHO};
		struct timeval tv = {0, 100000};

		STEP(rump_sys_setsockopt(p, SOL_SOCKET, SO_RCVTIMEO, &tv,
					 sizeof(tv)));
		to = sin_of("127.0.0.1", 0);
		STEP(rump_sys_sendto(p, &icp, sizeof(icp), 0,
				     (struct sockaddr *)&to, sizeof(to)));
		STEP(rump_sys_recv(p, buf, sizeof(buf), 0));
		STEP(rump_sys_close(p));
	}
	if (s >= 0)
		STEP(rump_sys_close(s));
	if (c >= 0)
		STEP(rump_sys_close(c));
	CSTEP(rump_pub_netconfig_ifdestroy("lo1"));
}

static int child(void)
{
	int error = rump_init();

	if (error != 0)
		return CHILD_BOOTFAIL;
	if (rump_pub_lwproc_rfork(RUMP_RFCFDG) == 0) {
		workload();
		rump_pub_lwproc_releaselwp();
	}
	test_halt();
	return CHILD_OK;
}

int main(int argc, char **argv)
{
	int runs, ok = 0;

	test_init(argc, argv);
	test_watchdog(110);
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child();
	runs = 16 * test_scale();
	for (int seed = 1; seed <= runs; seed++) {
		const char *env[] = {NULL, NULL};
		char var[64], out[16384];
		int status;

		snprintf(var, sizeof(var), "RUMP_FAULT_MALLOC=r0.003@%d", seed);
		env[0] = var;
		status = test_child("child", env, out, sizeof(out), 60);
		if (status < 0 || !WIFEXITED(status) ||
		    (WEXITSTATUS(status) != CHILD_OK &&
		     WEXITSTATUS(status) != CHILD_BOOTFAIL))
			test_fail(__FILE__, __LINE__, "%s: %s\n%s", var,
				  test_status_str(status), out);
		if (WEXITSTATUS(status) == CHILD_OK)
			ok++;
	}
	CHECK(ok > 0);
	test_log("%d of %d runs booted and ran the workload", ok, runs);
	test_log("ok");
	return 0;
}
