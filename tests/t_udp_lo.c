/*
 * t_udp_lo.c -- UDP over lo0 through the system calls, with the host's
 * own constants and struct sockaddr_in: ephemeral ports, unconnected and
 * connected exchanges with addresses reported right, datagram boundaries
 * and sizes (65507 fits, 65508 is EMSGSIZE), ICMP port unreachable
 * turning into ECONNREFUSED on a connected socket only, the bind rules
 * of SO_REUSEADDR and SO_REUSEPORT, broadcast permission, multicast
 * membership on lo0, IP_TTL, and fragmentation and reassembly once lo0's
 * MTU is lowered.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kern/rumptest_inet.h"
#include "testlib.h"

static struct sockaddr_in sin_of(const char *addr, int port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	CHECK(inet_pton(AF_INET, addr, &sin.sin_addr) == 1);
	return sin;
}

static int udp_socket(void)
{
	return (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));
}

/* A socket bound to addr with an ephemeral port, returned in *portp. */
static int udp_bound(const char *addr, int *portp)
{
	struct sockaddr_in sin = sin_of(addr, 0);
	socklen_t len = sizeof(sin);
	int s = udp_socket();

	CHECK_SYS(rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)));
	CHECK_SYS(rump_sys_getsockname(s, (struct sockaddr *)&sin, &len));
	CHECK_EQ(len, sizeof(sin));
	CHECK_EQ(sin.sin_family, AF_INET);
	*portp = ntohs(sin.sin_port);
	CHECK(*portp >= 1024);
	return s;
}

static void exchange_unconnected(void)
{
	struct sockaddr_in to, from;
	socklen_t flen = sizeof(from);
	char buf[64];
	int sport, cport, s, c;

	s = udp_bound("127.0.0.1", &sport);
	c = udp_bound("0.0.0.0", &cport);
	CHECK(sport != cport);
	to = sin_of("127.0.0.1", sport);
	CHECK_EQ(rump_sys_sendto(c, "ping", 4, 0, (struct sockaddr *)&to,
				 sizeof(to)),
		 4);
	CHECK_EQ(rump_sys_recvfrom(s, buf, sizeof(buf), 0,
				   (struct sockaddr *)&from, &flen),
		 4);
	CHECK(memcmp(buf, "ping", 4) == 0);
	CHECK_EQ(flen, sizeof(from));
	CHECK_EQ(from.sin_family, AF_INET);
	CHECK_EQ(ntohs(from.sin_port), cport);
	CHECK_EQ(ntohl(from.sin_addr.s_addr), INADDR_LOOPBACK);
	/* And back to the address it came from. */
	CHECK_EQ(rump_sys_sendto(s, "pong!", 5, 0, (struct sockaddr *)&from,
				 flen),
		 5);
	CHECK_EQ(rump_sys_recvfrom(c, buf, sizeof(buf), 0, NULL, NULL), 5);
	CHECK(memcmp(buf, "pong!", 5) == 0);
	CHECK_SYS(rump_sys_close(s));
	CHECK_SYS(rump_sys_close(c));
}

static void exchange_connected(void)
{
	struct sockaddr_in to, peer;
	socklen_t plen = sizeof(peer);
	char buf[64];
	int sport, s, c, other, oport;

	s = udp_bound("127.0.0.1", &sport);
	c = udp_socket();
	to = sin_of("127.0.0.1", sport);
	CHECK_ERRNO(rump_sys_send(c, "x", 1, 0), EDESTADDRREQ);
	CHECK_ERRNO(rump_sys_getpeername(c, (struct sockaddr *)&peer, &plen),
		    ENOTCONN);
	CHECK_SYS(rump_sys_connect(c, (struct sockaddr *)&to, sizeof(to)));
	plen = sizeof(peer);
	CHECK_SYS(rump_sys_getpeername(c, (struct sockaddr *)&peer, &plen));
	CHECK_EQ(ntohs(peer.sin_port), sport);
	CHECK_EQ(rump_sys_send(c, "hello", 5, 0), 5);
	CHECK_EQ(rump_sys_recv(s, buf, sizeof(buf), 0), 5);
	/* A connected socket takes datagrams from its peer only. */
	other = udp_bound("127.0.0.1", &oport);
	{
		struct sockaddr_in me;
		socklen_t mlen = sizeof(me);
		CHECK_SYS(
			rump_sys_getsockname(c, (struct sockaddr *)&me, &mlen));
		CHECK_EQ(ntohl(me.sin_addr.s_addr), INADDR_LOOPBACK);
		CHECK_EQ(rump_sys_sendto(other, "intruder", 8, 0,
					 (struct sockaddr *)&me, mlen),
			 8);
		CHECK_EQ(rump_sys_sendto(s, "reply", 5, 0,
					 (struct sockaddr *)&me, mlen),
			 5);
	}
	CHECK_EQ(rump_sys_recv(c, buf, sizeof(buf), 0), 5);
	CHECK(memcmp(buf, "reply", 5) == 0);
	CHECK_ERRNO(rump_sys_recv(c, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	/* sendto on a connected socket: EISCONN (Linux says so too). */
	CHECK_ERRNO(rump_sys_sendto(c, "x", 1, 0, (struct sockaddr *)&to,
				    sizeof(to)),
		    EISCONN);
	CHECK_SYS(rump_sys_close(other));
	CHECK_SYS(rump_sys_close(s));
	CHECK_SYS(rump_sys_close(c));
}

static void refused(void)
{
	struct sockaddr_in to;
	char buf[8];
	int port, s, c, u;

	/* A port nobody has: bind, learn it, close. */
	s = udp_bound("127.0.0.1", &port);
	CHECK_SYS(rump_sys_close(s));
	to = sin_of("127.0.0.1", port);
	c = udp_socket();
	CHECK_SYS(rump_sys_connect(c, (struct sockaddr *)&to, sizeof(to)));
	CHECK_EQ(rump_sys_send(c, "x", 1, 0), 1);
	/* The port unreachable comes back as the socket's error. */
	CHECK_ERRNO(rump_sys_recv(c, buf, sizeof(buf), 0), ECONNREFUSED);
	/* Reported once. */
	CHECK_ERRNO(rump_sys_recv(c, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	/* An unconnected socket hears nothing of it. */
	u = udp_socket();
	CHECK_EQ(rump_sys_sendto(u, "x", 1, 0, (struct sockaddr *)&to,
				 sizeof(to)),
		 1);
	CHECK_EQ(rump_sys_sendto(u, "y", 1, 0, (struct sockaddr *)&to,
				 sizeof(to)),
		 1);
	CHECK_ERRNO(rump_sys_recv(u, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	/* The intruder and the connected send were answered for sure (the
	 * unconnected ones may still be on their way). */
	CHECK(rump_test_inet_stat("udps_noport") >= 2);
	CHECK_SYS(rump_sys_close(u));
	CHECK_SYS(rump_sys_close(c));
}

static void sizes(void)
{
	static char big[65536], back[65536];
	struct sockaddr_in to;
	int port, s, c;

	s = udp_bound("127.0.0.1", &port);
	c = udp_socket();
	to = sin_of("127.0.0.1", port);
	CHECK_SYS(rump_sys_connect(c, (struct sockaddr *)&to, sizeof(to)));
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 13 + 1);
	CHECK_ERRNO(rump_sys_send(c, big, 65508, 0), EMSGSIZE);
	/* Boundaries kept: each receive is one datagram. */
	{
		static const int lens[] = {0, 1, 7, 1400, 1473, 9000, 65507};
		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
			CHECK_EQ(rump_sys_send(c, big, (size_t)lens[i], 0),
				 lens[i]);
		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			CHECK_EQ(rump_sys_recv(s, back, sizeof(back), 0),
				 lens[i]);
			CHECK(memcmp(back, big, (size_t)lens[i]) == 0);
		}
	}
	CHECK_SYS(rump_sys_close(s));
	CHECK_SYS(rump_sys_close(c));
}

static void reuse(void)
{
	struct sockaddr_in sin;
	int one = 1, port, a, b;

	a = udp_bound("127.0.0.1", &port);
	b = udp_socket();
	sin = sin_of("127.0.0.1", port);
	CHECK_ERRNO(rump_sys_bind(b, (struct sockaddr *)&sin, sizeof(sin)),
		    EADDRINUSE);
	sin = sin_of("0.0.0.0", port);
	CHECK_ERRNO(rump_sys_bind(b, (struct sockaddr *)&sin, sizeof(sin)),
		    EADDRINUSE);
	CHECK_SYS(rump_sys_close(a));
	CHECK_SYS(rump_sys_close(b));
	/* Both with SO_REUSEADDR: allowed for UDP (Linux). */
	a = udp_socket();
	b = udp_socket();
	CHECK_SYS(rump_sys_setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one,
				      sizeof(one)));
	CHECK_SYS(rump_sys_setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one,
				      sizeof(one)));
	sin = sin_of("127.0.0.1", port);
	CHECK_SYS(rump_sys_bind(a, (struct sockaddr *)&sin, sizeof(sin)));
	CHECK_SYS(rump_sys_bind(b, (struct sockaddr *)&sin, sizeof(sin)));
	CHECK_SYS(rump_sys_close(a));
	CHECK_SYS(rump_sys_close(b));
	/* SO_REUSEPORT on both too; on one only it is refused. */
	a = udp_socket();
	b = udp_socket();
	CHECK_SYS(rump_sys_setsockopt(a, SOL_SOCKET, SO_REUSEPORT, &one,
				      sizeof(one)));
	CHECK_SYS(rump_sys_bind(a, (struct sockaddr *)&sin, sizeof(sin)));
	CHECK_ERRNO(rump_sys_bind(b, (struct sockaddr *)&sin, sizeof(sin)),
		    EADDRINUSE);
	CHECK_SYS(rump_sys_setsockopt(b, SOL_SOCKET, SO_REUSEPORT, &one,
				      sizeof(one)));
	CHECK_SYS(rump_sys_bind(b, (struct sockaddr *)&sin, sizeof(sin)));
	/* Bound twice is EINVAL. */
	CHECK_ERRNO(rump_sys_bind(b, (struct sockaddr *)&sin, sizeof(sin)),
		    EINVAL);
	CHECK_SYS(rump_sys_close(a));
	CHECK_SYS(rump_sys_close(b));
	/* Not an address of ours. */
	a = udp_socket();
	sin = sin_of("10.1.2.3", 0);
	CHECK_ERRNO(rump_sys_bind(a, (struct sockaddr *)&sin, sizeof(sin)),
		    EADDRNOTAVAIL);
	CHECK_SYS(rump_sys_close(a));
}

static void broadcast_and_ttl(void)
{
	struct sockaddr_in to = sin_of("255.255.255.255", 9);
	int s = udp_socket(), ttl = 0;
	socklen_t len = sizeof(ttl);

	CHECK_ERRNO(rump_sys_sendto(s, "b", 1, 0, (struct sockaddr *)&to,
				    sizeof(to)),
		    EACCES);
	CHECK_SYS(rump_sys_getsockopt(s, IPPROTO_IP, IP_TTL, &ttl, &len));
	CHECK_EQ(ttl, 64);
	ttl = 7;
	CHECK_SYS(
		rump_sys_setsockopt(s, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)));
	ttl = 0;
	len = sizeof(ttl);
	CHECK_SYS(rump_sys_getsockopt(s, IPPROTO_IP, IP_TTL, &ttl, &len));
	CHECK_EQ(ttl, 7);
	ttl = 0;
	CHECK_ERRNO(
		rump_sys_setsockopt(s, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)),
		EINVAL);
	CHECK_SYS(rump_sys_close(s));
}

static void multicast(void)
{
	struct ip_mreq mreq;
	struct in_addr ifaddr;
	struct sockaddr_in sin = sin_of("0.0.0.0", 0), to;
	socklen_t len = sizeof(sin);
	char buf[16];
	int r = udp_socket(), s = udp_socket();

	CHECK_SYS(rump_sys_bind(r, (struct sockaddr *)&sin, sizeof(sin)));
	CHECK_SYS(rump_sys_getsockname(r, (struct sockaddr *)&sin, &len));
	memset(&mreq, 0, sizeof(mreq));
	CHECK(inet_pton(AF_INET, "239.1.2.3", &mreq.imr_multiaddr) == 1);
	CHECK(inet_pton(AF_INET, "127.0.0.1", &mreq.imr_interface) == 1);
	CHECK_SYS(rump_sys_setsockopt(r, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
				      sizeof(mreq)));
	CHECK_ERRNO(rump_sys_setsockopt(r, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
					sizeof(mreq)),
		    EADDRINUSE);
	ifaddr = mreq.imr_interface;
	CHECK_SYS(rump_sys_setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, &ifaddr,
				      sizeof(ifaddr)));
	to = sin_of("239.1.2.3", ntohs(sin.sin_port));
	CHECK_EQ(rump_sys_sendto(s, "group", 5, 0, (struct sockaddr *)&to,
				 sizeof(to)),
		 5);
	CHECK_EQ(rump_sys_recv(r, buf, sizeof(buf), 0), 5);
	CHECK(memcmp(buf, "group", 5) == 0);
	CHECK_SYS(rump_sys_setsockopt(r, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreq,
				      sizeof(mreq)));
	CHECK_ERRNO(rump_sys_setsockopt(r, IPPROTO_IP, IP_DROP_MEMBERSHIP,
					&mreq, sizeof(mreq)),
		    EADDRNOTAVAIL);
	/* Not a group. */
	CHECK(inet_pton(AF_INET, "10.0.0.1", &mreq.imr_multiaddr) == 1);
	CHECK_ERRNO(rump_sys_setsockopt(r, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
					sizeof(mreq)),
		    EINVAL);
	CHECK_SYS(rump_sys_close(r));
	CHECK_SYS(rump_sys_close(s));
}

/* Lower lo0's MTU: a big datagram leaves in fragments, arrives whole. */
static void fragments(void)
{
	static char big[30000], back[30000];
	struct ifreq ifr;
	struct sockaddr_in to;
	int port, s, c;
	int64_t reass = rump_test_inet_stat("ips_reassembled");

	s = udp_bound("127.0.0.1", &port);
	c = udp_socket();
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo0");
	ifr.ifr_mtu = 1500;
	CHECK_SYS(rump_sys_ioctl(c, SIOCSIFMTU, &ifr));
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo0");
	CHECK_SYS(rump_sys_ioctl(c, SIOCGIFMTU, &ifr));
	CHECK_EQ(ifr.ifr_mtu, 1500);
	to = sin_of("127.0.0.1", port);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + 3);
	CHECK_EQ(rump_sys_sendto(c, big, sizeof(big), 0, (struct sockaddr *)&to,
				 sizeof(to)),
		 sizeof(big));
	CHECK_EQ(rump_sys_recv(s, back, sizeof(back), 0), sizeof(big));
	CHECK(memcmp(big, back, sizeof(big)) == 0);
	CHECK_EQ(rump_test_inet_stat("ips_reassembled"), reass + 1);
	CHECK(rump_test_inet_stat("ips_ofragments") >= 21);
	ifr.ifr_mtu = 65535;
	CHECK_SYS(rump_sys_ioctl(c, SIOCSIFMTU, &ifr));
	CHECK_SYS(rump_sys_close(s));
	CHECK_SYS(rump_sys_close(c));
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(110);
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);

	exchange_unconnected();
	exchange_connected();
	refused();
	sizes();
	reuse();
	broadcast_and_ttl();
	multicast();
	fragments();

	rump_pub_lwproc_releaselwp();
	test_halt();
	test_log("ok");
	return 0;
}
