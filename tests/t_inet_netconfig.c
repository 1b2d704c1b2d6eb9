/*
 * t_inet_netconfig.c -- <rump/netconfig.h>: creating and destroying
 * loopback clones, addresses with masks and prefix lengths (a socket can
 * then bind them), the default route (sending needs it), the errors for
 * bad names and addresses, and capturing lo0 into a pcap file that holds
 * the datagrams sent.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rump/netconfig.h>

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

static void config_errors(void)
{
	CHECK_EQ(rump_pub_netconfig_ifcreate("nosuch0"), ENXIO);
	CHECK_EQ(rump_pub_netconfig_ifcreate("lo0"), EEXIST);
	CHECK_EQ(rump_pub_netconfig_ifcreate("lo"), EINVAL);
	CHECK_EQ(rump_pub_netconfig_ifcreate("a-name-much-too-long0"), EINVAL);
	CHECK_EQ(rump_pub_netconfig_ifup("virt7"), ENXIO);
	CHECK_EQ(rump_pub_netconfig_ifdestroy("lo0"), EPERM);
	CHECK_EQ(rump_pub_netconfig_ifdestroy("lo9"), ENXIO);
	CHECK_EQ(rump_pub_netconfig_ipv4_ifaddr("lo0", "1.2.3", "255.0.0.0"),
		 EINVAL);
	CHECK_EQ(rump_pub_netconfig_ipv4_ifaddr("lo0", "10.0.0.1", "bad"),
		 EINVAL);
	CHECK_EQ(rump_pub_netconfig_ipv4_ifaddr("lo0", "10.0.0.1",
						"255.0.255.0"),
		 EINVAL);
	CHECK_EQ(rump_pub_netconfig_ipv4_ifaddr_cidr("lo0", "10.0.0.1", 33),
		 EINVAL);
	CHECK_EQ(rump_pub_netconfig_ipv4_ifaddr_cidr("lo0", "224.0.0.5", 24),
		 EINVAL);
	CHECK_EQ(rump_pub_netconfig_ipv4_gw("10.99.0.1"), ENETUNREACH);
	CHECK_EQ(rump_pub_netconfig_ipv4_gw("x"), EINVAL);
	CHECK_EQ(rump_pub_netconfig_ifsetlinkstr("lo0", "tap0"), ENOTTY);
}

static void clone_and_route(void)
{
	struct sockaddr_in sin = sin_of("10.5.0.1", 0), far;
	int s;

	CHECK_EQ(rump_pub_netconfig_ifcreate("lo1"), 0);
	CHECK_EQ(rump_pub_netconfig_ifcreate("lo1"), EEXIST);
	s = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));
	CHECK_ERRNO(rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)),
		    EADDRNOTAVAIL);
	CHECK_EQ(rump_pub_netconfig_ipv4_ifaddr("lo1", "10.5.0.1",
						"255.255.255.0"),
		 0);
	/* Another interface may not have the same address. */
	CHECK_EQ(rump_pub_netconfig_ipv4_ifaddr_cidr("lo0", "10.5.0.1", 24),
		 EADDRINUSE);
	CHECK_EQ(rump_pub_netconfig_ipv4_ifaddr_cidr("lo1", "10.6.0.1", 16), 0);
	CHECK_SYS(rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)));
	/* No route to the world yet; then one through a gateway. */
	far = sin_of("192.0.2.7", 9);
	CHECK_ERRNO(rump_sys_sendto(s, "x", 1, 0, (struct sockaddr *)&far,
				    sizeof(far)),
		    ENETUNREACH);
	CHECK_EQ(rump_pub_netconfig_ipv4_gw("10.5.0.254"), 0);
	CHECK_EQ(rump_sys_sendto(s, "x", 1, 0, (struct sockaddr *)&far,
				 sizeof(far)),
		 1);
	/* Replacing the default route. */
	CHECK_EQ(rump_pub_netconfig_ipv4_gw("10.6.0.254"), 0);
	CHECK_EQ(rump_pub_netconfig_ifdown("lo1"), 0);
	CHECK_ERRNO(rump_sys_sendto(s, "x", 1, 0, (struct sockaddr *)&far,
				    sizeof(far)),
		    ENETDOWN);
	CHECK_EQ(rump_pub_netconfig_ifup("lo1"), 0);
	CHECK_EQ(rump_pub_netconfig_ifdestroy("lo1"), 0);
	/* Its routes went with it. */
	CHECK_ERRNO(rump_sys_sendto(s, "x", 1, 0, (struct sockaddr *)&far,
				    sizeof(far)),
		    ENETUNREACH);
	CHECK_SYS(rump_sys_close(s));
}

static void capture(void)
{
	char path[] = "/tmp/t_inet_netconfig.XXXXXX";
	struct sockaddr_in sin = sin_of("127.0.0.1", 0);
	socklen_t len = sizeof(sin);
	uint8_t file[4096];
	uint32_t hdr[6], rec[4];
	int fd, s, c, found = 0;
	ssize_t n;
	size_t off;
	char buf[16];

	fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ(rump_pub_netconfig_ifcapture("lo0", path), 0);
	CHECK_EQ(rump_pub_netconfig_ifcapture("lo0", path), EBUSY);
	s = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));
	c = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));
	CHECK_SYS(rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)));
	CHECK_SYS(rump_sys_getsockname(s, (struct sockaddr *)&sin, &len));
	for (int i = 0; i < 3; i++)
		CHECK_EQ(rump_sys_sendto(c, "captured", 8, 0,
					 (struct sockaddr *)&sin, sizeof(sin)),
			 8);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(rump_sys_recv(s, buf, sizeof(buf), 0), 8);
	CHECK_EQ(rump_pub_netconfig_ifcapture("lo0", NULL), 0);
	CHECK_EQ(rump_pub_netconfig_ifcapture("lo0", NULL), ENOENT);
	CHECK_EQ(rump_pub_netconfig_ifcapture("nosuch0", path), ENXIO);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	n = read(fd, file, sizeof(file));
	close(fd);
	unlink(path);
	CHECK(n >= 24);
	memcpy(hdr, file, 24);
	CHECK_EQ(hdr[0], 0xa1b23c4d); /* nanosecond pcap */
	CHECK_EQ(hdr[1] & 0xffff, 2);
	CHECK_EQ(hdr[5], 101); /* LINKTYPE_RAW */
	for (off = 24; off + 16 <= (size_t)n;) {
		struct iphdr ip;
		struct udphdr uh;

		memcpy(rec, file + off, 16);
		off += 16;
		CHECK(rec[2] == rec[3] && off + rec[2] <= (size_t)n);
		memcpy(&ip, file + off, sizeof(ip));
		if (ip.protocol == IPPROTO_UDP && rec[2] == 20 + 8 + 8) {
			memcpy(&uh, file + off + 20, sizeof(uh));
			if (uh.dest == sin.sin_port &&
			    memcmp(file + off + 28, "captured", 8) == 0)
				found++;
		}
		off += rec[2];
	}
	CHECK_EQ(off, (size_t)n);
	CHECK_EQ(found, 3);
	CHECK_SYS(rump_sys_close(s));
	CHECK_SYS(rump_sys_close(c));
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(110);
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);

	config_errors();
	clone_and_route();
	capture();

	rump_pub_lwproc_releaselwp();
	test_halt();
	test_log("ok");
	return 0;
}
