/*
 * t_inet_ping.c -- ping 127.0.0.1 the two ways ping(8) does: through a
 * raw ICMP socket (the test builds the echo request and its checksum,
 * and reads replies with their IP header) and through an ICMP datagram
 * socket (Linux's ping socket: the kernel sets the identifier and the
 * checksum, replies come without the IP header).  Malformed requests on
 * the datagram socket are refused.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <sys/socket.h>

#include "kern/rumptest_inet.h"
#include "testlib.h"

static uint16_t cksum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static struct sockaddr_in loopback(void)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

/* An echo request of 8 + 56 bytes with a pattern payload. */
static size_t echo_request(uint8_t *buf, uint16_t id, uint16_t seq)
{
	struct icmphdr *icp = (struct icmphdr *)buf;

	memset(buf, 0, 64);
	icp->type = ICMP_ECHO;
	icp->un.echo.id = htons(id);
	icp->un.echo.sequence = htons(seq);
	for (int i = 8; i < 64; i++)
		buf[i] = (uint8_t)i;
	icp->checksum = cksum(buf, 64);
	return 64;
}

static void ping_raw(void)
{
	struct sockaddr_in to = loopback(), from;
	socklen_t flen;
	uint8_t req[64], buf[256];
	int s = (int)CHECK_SYS(
		rump_sys_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	int64_t reflected = rump_test_inet_stat("icps_reflect");

	for (uint16_t seq = 1; seq <= 3; seq++) {
		bool replied = false;

		echo_request(req, 0x4242, seq);
		CHECK_EQ(rump_sys_sendto(s, req, 64, 0, (struct sockaddr *)&to,
					 sizeof(to)),
			 64);
		/* The raw socket sees our request go by, then the reply. */
		for (int n = 0; n < 4 && !replied; n++) {
			struct iphdr *ip = (struct iphdr *)buf;
			struct icmphdr *icp;
			ssize_t len;

			flen = sizeof(from);
			len = rump_sys_recvfrom(s, buf, sizeof(buf), 0,
						(struct sockaddr *)&from,
						&flen);
			CHECK(len >= 20 + 64);
			CHECK_EQ(ip->version, 4);
			CHECK_EQ(ip->protocol, IPPROTO_ICMP);
			CHECK_EQ(ntohl(from.sin_addr.s_addr), INADDR_LOOPBACK);
			icp = (struct icmphdr *)(buf + ip->ihl * 4);
			CHECK_EQ(len, ip->ihl * 4 + 64);
			if (icp->type != ICMP_ECHOREPLY)
				continue;
			CHECK_EQ(ntohs(icp->un.echo.id), 0x4242);
			CHECK_EQ(ntohs(icp->un.echo.sequence), seq);
			CHECK_EQ(cksum(icp, 64), 0);
			CHECK(memcmp((uint8_t *)icp + 8, req + 8, 56) == 0);
			replied = true;
		}
		CHECK(replied);
	}
	CHECK_EQ(rump_test_inet_stat("icps_reflect"), reflected + 3);
	CHECK_SYS(rump_sys_close(s));
}

static void ping_dgram(void)
{
	struct sockaddr_in to = loopback(), from, me;
	socklen_t flen = sizeof(from), mlen = sizeof(me);
	uint8_t req[64], buf[256];
	struct icmphdr *icp = (struct icmphdr *)buf;
	int s = (int)CHECK_SYS(
		rump_sys_socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));

	echo_request(req, 0, 9);
	CHECK_EQ(rump_sys_sendto(s, req, 64, 0, (struct sockaddr *)&to,
				 sizeof(to)),
		 64);
	/* The identifier is the socket's port. */
	CHECK_SYS(rump_sys_getsockname(s, (struct sockaddr *)&me, &mlen));
	CHECK(me.sin_port != 0);
	CHECK_EQ(rump_sys_recvfrom(s, buf, sizeof(buf), 0,
				   (struct sockaddr *)&from, &flen),
		 64);
	CHECK_EQ(icp->type, ICMP_ECHOREPLY);
	CHECK_EQ(icp->un.echo.id, me.sin_port);
	CHECK_EQ(ntohs(icp->un.echo.sequence), 9);
	CHECK_EQ(cksum(buf, 64), 0);
	CHECK(memcmp(buf + 8, req + 8, 56) == 0);
	CHECK_EQ(ntohl(from.sin_addr.s_addr), INADDR_LOOPBACK);
	/* Only echo requests may be sent, and whole headers. */
	req[0] = ICMP_TIMESTAMP;
	CHECK_ERRNO(rump_sys_sendto(s, req, 64, 0, (struct sockaddr *)&to,
				    sizeof(to)),
		    EINVAL);
	CHECK_ERRNO(rump_sys_sendto(s, req, 4, 0, (struct sockaddr *)&to,
				    sizeof(to)),
		    EINVAL);
	CHECK_SYS(rump_sys_close(s));
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(110);
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);

	ping_raw();
	ping_dgram();

	rump_pub_lwproc_releaselwp();
	test_halt();
	test_log("ok");
	return 0;
}
