/*
 * t_route_sock_shmif.c -- a route added through the routing socket
 * carries real traffic: three kernels in separate processes, a client on
 * bus 1, a router on both buses and a sink on bus 2.  The client has no
 * route to bus 2 until it writes RTM_ADD through its router; then it
 * pings the sink and moves 4 MiB to it over TCP intact, a second routing
 * socket in the same kernel having heard the change; after RTM_DELETE
 * the sink is unreachable again.  This program boots no kernel itself.
 */
/* hosts: posix */
#include <rump/rtsock.h>

#include "net/shmif_util.h"

static char dir[64], bus1[96], bus2[96];

static int32_t seq;

/* An RTM_ADD or RTM_DELETE of 10.94.2.0/24 (through gw, for an add). */
static size_t route_msg(uint64_t *buf, int type, const char *gw)
{
	struct rump_rt_msghdr *rtm = (struct rump_rt_msghdr *)buf;
	struct rump_sockaddr_in sin = {.sin_len = sizeof(sin),
				       .sin_family = RUMP_AF_INET};
	size_t off = sizeof(*rtm);

	memset(rtm, 0, sizeof(*rtm));
	rtm->rtm_version = RUMP_RTM_VERSION;
	rtm->rtm_type = (uint8_t)type;
	rtm->rtm_seq = ++seq;
	rtm->rtm_addrs = RUMP_RTA_DST | RUMP_RTA_NETMASK;
	sin.sin_addr.s_addr = inet_addr("10.94.2.0");
	memcpy((char *)buf + off, &sin, sizeof(sin));
	off += sizeof(sin);
	if (gw != NULL) {
		rtm->rtm_flags = RUMP_RTF_GATEWAY;
		rtm->rtm_addrs |= RUMP_RTA_GATEWAY;
		sin.sin_addr.s_addr = inet_addr(gw);
		memcpy((char *)buf + off, &sin, sizeof(sin));
		off += sizeof(sin);
	}
	sin.sin_addr.s_addr = inet_addr("255.255.255.0");
	memcpy((char *)buf + off, &sin, sizeof(sin));
	off += sizeof(sin);
	rtm->rtm_msglen = (uint16_t)off;
	return off;
}

/* Writes a request; its answer comes back on s without an error. */
static void route_request(int s, uint64_t *buf, size_t len)
{
	struct rump_rt_msghdr *rtm = (struct rump_rt_msghdr *)buf;
	int32_t myseq = rtm->rtm_seq;

	CHECK_EQ(rump_sys_write(s, buf, len), (ssize_t)len);
	CHECK(rump_sys_recv(s, buf, 512, MSG_DONTWAIT) > 0);
	CHECK_EQ(rtm->rtm_seq, myseq);
	CHECK_EQ(rtm->rtm_errno, 0);
	CHECK(rtm->rtm_flags & RUMP_RTF_DONE);
}

static void client(void *arg)
{
	struct sockaddr_in to = sin_of("10.94.2.2", 9);
	uint64_t buf[64];
	struct rump_rt_msghdr *rtm = (struct rump_rt_msghdr *)buf;
	int s, l, u;

	kern_boot();
	role_attach(bus1, "10.94.1.1");
	u = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));
	CHECK_ERRNO(rump_sys_connect(u, (struct sockaddr *)&to, sizeof(to)),
		    ENETUNREACH);
	s = (int)CHECK_SYS(rump_sys_socket(RUMP_PF_ROUTE, SOCK_RAW, 0));
	l = (int)CHECK_SYS(rump_sys_socket(RUMP_PF_ROUTE, SOCK_RAW, 0));
	route_request(s, buf, route_msg(buf, RUMP_RTM_ADD, "10.94.1.254"));
	CHECK(rump_sys_recv(l, buf, 512, MSG_DONTWAIT) > 0);
	CHECK_EQ(rtm->rtm_type, RUMP_RTM_ADD);
	CHECK_EQ(rtm->rtm_seq, seq);
	CHECK(rtm->rtm_index > 0); /* shmif0, named in its RTA_IFP: */
	CHECK(memmem(buf, rtm->rtm_msglen, "shmif0", 6) != NULL);

	ping_until("10.94.2.2", 30);
	test_log("ping through the socket's route answered");
	bulk_to_sink("10.94.2.2", (uint64_t)4 << 20, 7);
	test_log("4 MiB through the socket's route intact");
	sink_quit("10.94.2.2");

	route_request(s, buf, route_msg(buf, RUMP_RTM_DELETE, NULL));
	CHECK_ERRNO(rump_sys_connect(u, (struct sockaddr *)&to, sizeof(to)),
		    ENETUNREACH);
	CHECK(rump_sys_recv(l, buf, 512, MSG_DONTWAIT) > 0);
	CHECK_EQ(rtm->rtm_type, RUMP_RTM_DELETE);
	CHECK_SYS(rump_sys_close(l));
	CHECK_SYS(rump_sys_close(s));
	CHECK_SYS(rump_sys_close(u));
	kern_halt();
}

int main(int argc, char **argv)
{
	struct shmif_role sink = {
		.bus = bus2, .addr = "10.94.2.2", .gw = "10.94.2.254"};
	struct shmif_role router = {.bus = bus1,
				    .addr = "10.94.1.254",
				    .bus2 = bus2,
				    .addr2 = "10.94.2.254"};
	int quit[2];
	pid_t a, b, r;

	test_init(argc, argv);
	test_watchdog(110);
	snprintf(dir, sizeof(dir), "/tmp/t_route_sock_shmif.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(bus1, sizeof(bus1), "%s/bus1", dir);
	snprintf(bus2, sizeof(bus2), "%s/bus2", dir);

	CHECK_EQ(pipe(quit), 0);
	router.quitfd = quit[0];
	router.otherfd = quit[1];
	r = kern_fork(role_router, &router);
	close(quit[0]);
	b = kern_fork(role_sink, &sink);
	a = kern_fork(client, NULL);
	kern_wait(a, "the client");
	kern_wait(b, "the sink");
	close(quit[1]);
	kern_wait(r, "the router");
	CHECK_EQ(test_sh("rm -rf %s", dir), 0);
	test_log("ok");
	return 0;
}
