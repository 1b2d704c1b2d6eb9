/*
 * t_route_novfs.c -- the routing socket with no VFS faction linked (see
 * the rule in tests/tests.mk: librumpnet, librumpnet_net,
 * librumpnet_netinet, librump and the host only): a route added through
 * the socket over lo0, looked up, heard by a second socket and deleted.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>

#include <rump/rtsock.h>

#include "testlib.h"

/* RTM_ADD (through 127.0.0.2), RTM_GET or RTM_DELETE of 10.95.0.0/16. */
static size_t req(uint64_t *buf, int type, int seq)
{
	struct rump_rt_msghdr *rtm = (struct rump_rt_msghdr *)buf;
	struct rump_sockaddr_in sin = {.sin_len = sizeof(sin),
				       .sin_family = RUMP_AF_INET};
	size_t off = sizeof(*rtm);

	memset(buf, 0, 256);
	rtm->rtm_version = RUMP_RTM_VERSION;
	rtm->rtm_type = (uint8_t)type;
	rtm->rtm_seq = seq;
	rtm->rtm_addrs = RUMP_RTA_DST | RUMP_RTA_NETMASK;
	sin.sin_addr.s_addr = inet_addr("10.95.0.0");
	memcpy((char *)buf + off, &sin, sizeof(sin));
	off += sizeof(sin);
	if (type == RUMP_RTM_ADD) {
		rtm->rtm_flags = RUMP_RTF_GATEWAY;
		rtm->rtm_addrs |= RUMP_RTA_GATEWAY;
		sin.sin_addr.s_addr = inet_addr("127.0.0.2");
		memcpy((char *)buf + off, &sin, sizeof(sin));
		off += sizeof(sin);
	}
	sin.sin_addr.s_addr = inet_addr("255.255.0.0");
	memcpy((char *)buf + off, &sin, sizeof(sin));
	off += sizeof(sin);
	rtm->rtm_msglen = (uint16_t)off;
	return off;
}

int main(int argc, char **argv)
{
	uint64_t buf[64];
	struct rump_rt_msghdr *rtm = (struct rump_rt_msghdr *)buf;
	size_t len;
	int s, l;

	test_init(argc, argv);
	test_watchdog(60);
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	CHECK_ERRNO(rump_sys_open("/", O_RDONLY), ENOSYS);
	s = (int)CHECK_SYS(rump_sys_socket(RUMP_PF_ROUTE, SOCK_RAW, 0));
	l = (int)CHECK_SYS(rump_sys_socket(RUMP_PF_ROUTE, SOCK_RAW, 0));
	for (int type = RUMP_RTM_ADD; type != 0;) {
		len = req(buf, type, type);
		CHECK_EQ(rump_sys_write(s, buf, len), (ssize_t)len);
		CHECK(rump_sys_recv(s, buf, sizeof(buf), MSG_DONTWAIT) > 0);
		CHECK_EQ(rtm->rtm_type, type);
		CHECK_EQ(rtm->rtm_seq, type);
		CHECK_EQ(rtm->rtm_errno, 0);
		CHECK(rtm->rtm_flags & RUMP_RTF_GATEWAY);
		type = type == RUMP_RTM_ADD   ? RUMP_RTM_GET
		       : type == RUMP_RTM_GET ? RUMP_RTM_DELETE
					      : 0;
	}
	len = req(buf, RUMP_RTM_GET, 9);
	CHECK_ERRNO(rump_sys_write(s, buf, len), ESRCH);
	/* The listener heard the add and the delete, not the lookups. */
	CHECK(rump_sys_recv(l, buf, sizeof(buf), MSG_DONTWAIT) > 0);
	CHECK_EQ(rtm->rtm_type, RUMP_RTM_ADD);
	CHECK(rump_sys_recv(l, buf, sizeof(buf), MSG_DONTWAIT) > 0);
	CHECK_EQ(rtm->rtm_type, RUMP_RTM_DELETE);
	CHECK_ERRNO(rump_sys_recv(l, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	CHECK_SYS(rump_sys_close(l));
	CHECK_SYS(rump_sys_close(s));
	rump_pub_lwproc_releaselwp();
	test_halt();
	test_log("ok");
	return 0;
}
