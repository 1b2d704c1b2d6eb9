/*
 * t_abi_sock.c -- librumphost's socket translators without a kernel:
 * domains, types and flags, MSG_* both ways, addresses of every family
 * both ways (with Linux's truncation of results), option names and
 * values (timeouts, SO_ERROR's errno), and control messages with
 * descriptors, malformed records and truncation.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <rump/rumpabi.h>
#include <rump/rumpdefs.h>
#include <rump/rumphost.h>

#include "abitest.h"

static void test_scalars(void)
{
	int64_t k;
	int h;

	CHECK_EQ(rumphost_sockdomain_to_kernel(AF_INET6, &k), 0);
	CHECK_EQ(k, RUMP_AF_INET6);
	CHECK_EQ(rumphost_sockdomain_to_host(RUMP_AF_INET6, &h), 0);
	CHECK_EQ(h, AF_INET6);
	CHECK_EQ(rumphost_sockdomain_to_kernel(AF_UNIX, &k), 0);
	CHECK_EQ(k, RUMP_AF_LOCAL);
	CHECK_EQ(rumphost_sockdomain_to_kernel(AF_PACKET, &k), EAFNOSUPPORT);
	/* The routing socket: the kernel's number, never Linux's netlink. */
	CHECK_EQ(rumphost_sockdomain_to_kernel(RUMP_PF_ROUTE, &k), 0);
	CHECK_EQ(k, RUMP_AF_ROUTE);
	CHECK_EQ(rumphost_sockdomain_to_host(RUMP_AF_ROUTE, &h), 0);
	CHECK_EQ(h, RUMP_PF_ROUTE);
	CHECK_EQ(rumphost_sockdomain_to_kernel(AF_NETLINK, &k), EAFNOSUPPORT);
	CHECK_EQ(rumphost_socktype_to_kernel(
			 SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, &k),
		 0);
	CHECK_EQ(k, RUMP_SOCK_DGRAM | RUMP_SOCK_NONBLOCK | RUMP_SOCK_CLOEXEC);
	CHECK_EQ(rumphost_socktype_to_kernel(11, &k), EINVAL);
	CHECK_EQ(rumphost_socktype_to_kernel(SOCK_STREAM | 0x100000, &k),
		 EINVAL);
	CHECK_EQ(rumphost_sockflags_to_kernel(SOCK_STREAM, &k), EINVAL);
	CHECK_EQ(rumphost_msgflags_to_kernel(MSG_PEEK | MSG_DONTWAIT |
						     MSG_NOSIGNAL |
						     MSG_WAITALL | MSG_MORE,
					     &k),
		 0);
	CHECK_EQ(k, RUMP_MSG_PEEK | RUMP_MSG_DONTWAIT | RUMP_MSG_NOSIGNAL |
			    RUMP_MSG_WAITALL);
	CHECK_EQ(rumphost_msgflags_to_kernel(MSG_ERRQUEUE, &k), EINVAL);
	CHECK_EQ(rumphost_msgflags_to_host(
			 RUMP_MSG_TRUNC | RUMP_MSG_CTRUNC | RUMP_MSG_BCAST, &h),
		 0);
	CHECK_EQ(h, MSG_TRUNC | MSG_CTRUNC);
}

static void test_sockaddr(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(8080),
				  .sin_addr.s_addr = htonl(0x7f000001)};
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6,
				    .sin6_port = htons(1),
				    .sin6_scope_id = 7};
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct rump_sockaddr_storage ks;
	struct rump_sockaddr_in *kin = (struct rump_sockaddr_in *)&ks;
	struct sockaddr_storage back;
	unsigned int klen, hlen;

	CHECK_EQ(rumphost_sockaddr_to_kernel((struct sockaddr *)&sin,
					     sizeof(sin), &ks, &klen),
		 0);
	CHECK_EQ(klen, 16);
	CHECK_EQ(kin->sin_len, 16);
	CHECK_EQ(kin->sin_family, RUMP_AF_INET);
	CHECK_EQ(kin->sin_port, htons(8080));
	CHECK_EQ(kin->sin_addr.s_addr, htonl(0x7f000001));
	hlen = sizeof(back);
	CHECK_EQ(rumphost_sockaddr_to_host((struct rump_sockaddr *)&ks, klen,
					   (struct sockaddr *)&back, &hlen),
		 0);
	CHECK_EQ(hlen, sizeof(sin));
	CHECK(memcmp(&back, &sin, sizeof(sin)) == 0);
	/* Truncated to the caller's length, which learns the full one. */
	memset(&back, 0, sizeof(back));
	hlen = 4;
	CHECK_EQ(rumphost_sockaddr_to_host((struct rump_sockaddr *)&ks, klen,
					   (struct sockaddr *)&back, &hlen),
		 0);
	CHECK_EQ(hlen, sizeof(sin));
	CHECK_EQ(((struct sockaddr_in *)&back)->sin_port, htons(8080));
	CHECK_EQ(((struct sockaddr_in *)&back)->sin_addr.s_addr, 0);

	CHECK_EQ(rumphost_sockaddr_to_kernel((struct sockaddr *)&sin6,
					     sizeof(sin6), &ks, &klen),
		 0);
	CHECK_EQ(ks.ss_family, RUMP_AF_INET6);
	hlen = sizeof(back);
	CHECK_EQ(rumphost_sockaddr_to_host((struct rump_sockaddr *)&ks, klen,
					   (struct sockaddr *)&back, &hlen),
		 0);
	CHECK(memcmp(&back, &sin6, sizeof(sin6)) == 0);

	/* An abstract local name keeps its length. */
	memcpy(sun.sun_path, "\0abc", 4);
	CHECK_EQ(rumphost_sockaddr_to_kernel(
			 (struct sockaddr *)&sun,
			 offsetof(struct sockaddr_un, sun_path) + 4, &ks,
			 &klen),
		 0);
	CHECK_EQ(klen, 6);
	CHECK_EQ(ks.ss_len, 6);
	CHECK_EQ(ks.ss_family, RUMP_AF_LOCAL);
	CHECK(memcmp(ks.ss_data, "\0abc", 4) == 0);

	/* Refusals, and lengths the kernel judges. */
	CHECK_EQ(rumphost_sockaddr_to_kernel((struct sockaddr *)&sin, 200, &ks,
					     &klen),
		 EINVAL);
	CHECK_EQ(rumphost_sockaddr_to_kernel(NULL, 16, &ks, &klen), EFAULT);
	CHECK_EQ(rumphost_sockaddr_to_kernel(NULL, 0, &ks, &klen), 0);
	CHECK_EQ(klen, 0);
	sin.sin_family = AF_PACKET;
	CHECK_EQ(rumphost_sockaddr_to_kernel((struct sockaddr *)&sin,
					     sizeof(sin), &ks, &klen),
		 0);
	CHECK_EQ(ks.ss_family, 255);
}

static void test_sockopt(void)
{
	struct timeval tv = {3, 250000}, tvback;
	struct rump_timeval ktv;
	unsigned char kbuf[256];
	unsigned int klen, hlen;
	int64_t kl, kn;
	int32_t v;
	int hv;

	CHECK_EQ(rumphost_sockopt_to_kernel(SOL_SOCKET, SO_REUSEADDR, &kl, &kn),
		 0);
	CHECK_EQ(kl, RUMP_SOL_SOCKET);
	CHECK_EQ(kn, RUMP_SO_REUSEADDR);
	CHECK_EQ(rumphost_sockopt_to_kernel(IPPROTO_IP, IP_TTL, &kl, &kn), 0);
	CHECK_EQ(kn, RUMP_IP_TTL);
	CHECK_EQ(rumphost_sockopt_to_kernel(IPPROTO_IP, IP_ADD_MEMBERSHIP, &kl,
					    &kn),
		 0);
	CHECK_EQ(kn, RUMP_IP_ADD_MEMBERSHIP);
	CHECK_EQ(
		rumphost_sockopt_to_kernel(IPPROTO_TCP, TCP_KEEPIDLE, &kl, &kn),
		0);
	CHECK_EQ(kn, RUMP_TCP_KEEPIDLE);
	CHECK_EQ(rumphost_sockopt_to_kernel(SOL_SOCKET, SO_BINDTODEVICE, &kl,
					    &kn),
		 ENOPROTOOPT);
	CHECK_EQ(rumphost_sockopt_to_kernel(IPPROTO_UDP, 1, &kl, &kn), 0);
	CHECK_EQ(kl, IPPROTO_UDP);

	klen = sizeof(kbuf);
	CHECK_EQ(rumphost_sockoptval_to_kernel(SOL_SOCKET, SO_RCVTIMEO, &tv,
					       sizeof(tv), kbuf, &klen),
		 0);
	CHECK_EQ(klen, sizeof(ktv));
	memcpy(&ktv, kbuf, sizeof(ktv));
	CHECK_EQ(ktv.tv_sec, 3);
	CHECK_EQ(ktv.tv_usec, 250000);
	hlen = sizeof(tvback);
	CHECK_EQ(rumphost_sockoptval_to_host(SOL_SOCKET, SO_RCVTIMEO, kbuf,
					     klen, &tvback, &hlen),
		 0);
	CHECK_EQ(hlen, sizeof(tvback));
	CHECK_EQ(tvback.tv_sec, 3);
	CHECK_EQ(tvback.tv_usec, 250000);
	klen = sizeof(kbuf);
	CHECK_EQ(rumphost_sockoptval_to_kernel(SOL_SOCKET, SO_RCVTIMEO, &tv, 8,
					       kbuf, &klen),
		 EINVAL);
	v = RUMP_ECONNRESET;
	hlen = sizeof(hv);
	CHECK_EQ(rumphost_sockoptval_to_host(SOL_SOCKET, SO_ERROR, &v,
					     sizeof(v), &hv, &hlen),
		 0);
	CHECK_EQ(hv, ECONNRESET);
	v = RUMP_AF_INET6;
	CHECK_EQ(rumphost_sockoptval_to_host(SOL_SOCKET, SO_DOMAIN, &v,
					     sizeof(v), &hv, &hlen),
		 0);
	CHECK_EQ(hv, AF_INET6);
}

static void test_cmsg(void)
{
	union {
		char buf[CMSG_SPACE(3 * sizeof(int)) + CMSG_SPACE(4)];
		struct cmsghdr align;
	} h, back;
	struct msghdr msg = {.msg_control = h.buf,
			     .msg_controllen = sizeof(h.buf)};
	unsigned char k[256];
	struct rump_cmsghdr kcm;
	struct cmsghdr *cm;
	int fds[3] = {3, 4, 5}, trunc = 0;
	size_t klen, hlen;

	memset(&h, 0, sizeof(h));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	cm = CMSG_NXTHDR(&msg, cm);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = 77;
	cm->cmsg_len = CMSG_LEN(4);
	memcpy(CMSG_DATA(cm), "abcd", 4);
	CHECK_EQ(rumphost_cmsg_kernsize(h.buf, sizeof(h.buf)),
		 RUMP_CMSG_SPACE(12) + RUMP_CMSG_SPACE(4));
	CHECK_EQ(rumphost_cmsg_to_kernel(h.buf, sizeof(h.buf), k, sizeof(k),
					 &klen),
		 0);
	CHECK_EQ(klen, RUMP_CMSG_SPACE(12) + RUMP_CMSG_SPACE(4));
	memcpy(&kcm, k, sizeof(kcm));
	CHECK_EQ(kcm.cmsg_level, RUMP_SOL_SOCKET);
	CHECK_EQ(kcm.cmsg_type, RUMP_SCM_RIGHTS);
	CHECK_EQ(kcm.cmsg_len, RUMP_CMSG_LEN(12));
	CHECK(memcmp(k + sizeof(kcm), fds, sizeof(fds)) == 0);
	memcpy(&kcm, k + RUMP_CMSG_SPACE(12), sizeof(kcm));
	CHECK_EQ(kcm.cmsg_level, IPPROTO_IP);
	CHECK_EQ(kcm.cmsg_type, 77);

	memset(&back, 0, sizeof(back));
	CHECK_EQ(rumphost_cmsg_to_host(k, klen, back.buf, sizeof(back.buf),
				       &hlen, &trunc),
		 0);
	CHECK_EQ(trunc, 0);
	CHECK_EQ(hlen, sizeof(h.buf));
	CHECK(memcmp(&back, &h, sizeof(h.buf)) == 0);
	/* Too small a buffer: truncated, flagged. */
	CHECK_EQ(rumphost_cmsg_to_host(k, klen, back.buf,
				       CMSG_SPACE(sizeof(int)), &hlen, &trunc),
		 0);
	CHECK_EQ(trunc, 1);
	CHECK_EQ(hlen, CMSG_SPACE(sizeof(int)));
	/* A record longer than the buffer is malformed. */
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_len = sizeof(h.buf) + 1;
	CHECK_EQ(rumphost_cmsg_to_kernel(h.buf, sizeof(h.buf), k, sizeof(k),
					 &klen),
		 EINVAL);
}

int main(void)
{
	test_scalars();
	test_sockaddr();
	test_sockopt();
	test_cmsg();
	printf("t_abi_sock: ok\n");
	return 0;
}
