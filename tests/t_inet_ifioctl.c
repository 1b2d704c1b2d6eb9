/*
 * t_inet_ifioctl.c -- interface ioctls on a socket with Linux's requests
 * and struct ifreq / struct ifconf: flags (by name both ways), MTU,
 * index, setting an address and its mask and reading them back, the
 * address list of SIOCGIFCONF, taking an interface down, and the errors
 * for unknown interfaces and missing addresses.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <rump/netconfig.h>

#include "testlib.h"

static void ifr_init(struct ifreq *ifr, const char *name)
{
	memset(ifr, 0, sizeof(*ifr));
	strncpy(ifr->ifr_name, name, sizeof(ifr->ifr_name) - 1);
}

static void ifr_setaddr(struct ifreq *ifr, const char *addr)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr->ifr_addr;

	sin->sin_family = AF_INET;
	CHECK(inet_pton(AF_INET, addr, &sin->sin_addr) == 1);
}

static uint32_t ifr_getaddr(const struct ifreq *ifr)
{
	const struct sockaddr_in *sin =
		(const struct sockaddr_in *)&ifr->ifr_addr;

	CHECK_EQ(sin->sin_family, AF_INET);
	return ntohl(sin->sin_addr.s_addr);
}

int main(int argc, char **argv)
{
	struct ifreq ifr, list[8];
	struct ifconf ifc;
	int s, n, found_lo = 0, found_lo2 = 0;

	test_init(argc, argv);
	test_watchdog(110);
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	s = (int)CHECK_SYS(rump_sys_socket(AF_INET, SOCK_DGRAM, 0));

	ifr_init(&ifr, "lo0");
	CHECK_SYS(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr));
	CHECK_EQ(ifr.ifr_flags &
			 (IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_MULTICAST),
		 IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_MULTICAST);
	CHECK_SYS(rump_sys_ioctl(s, SIOCGIFADDR, &ifr));
	CHECK_EQ(ifr_getaddr(&ifr), INADDR_LOOPBACK);
	CHECK_SYS(rump_sys_ioctl(s, SIOCGIFNETMASK, &ifr));
	CHECK_EQ(ifr_getaddr(&ifr), 0xff000000u);
	CHECK_SYS(rump_sys_ioctl(s, SIOCGIFINDEX, &ifr));
	CHECK_EQ(ifr.ifr_ifindex, 1);
	CHECK_SYS(rump_sys_ioctl(s, SIOCGIFMTU, &ifr));
	CHECK_EQ(ifr.ifr_mtu, 65535);

	ifr_init(&ifr, "nosuch0");
	CHECK_ERRNO(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr), ENXIO);

	CHECK_EQ(rump_pub_netconfig_ifcreate("lo2"), 0);
	ifr_init(&ifr, "lo2");
	CHECK_ERRNO(rump_sys_ioctl(s, SIOCGIFADDR, &ifr), EADDRNOTAVAIL);
	ifr_setaddr(&ifr, "10.7.0.1");
	CHECK_SYS(rump_sys_ioctl(s, SIOCSIFADDR, &ifr));
	ifr_init(&ifr, "lo2");
	ifr_setaddr(&ifr, "255.255.0.0");
	CHECK_SYS(rump_sys_ioctl(s, SIOCSIFNETMASK, &ifr));
	ifr_init(&ifr, "lo2");
	CHECK_SYS(rump_sys_ioctl(s, SIOCGIFADDR, &ifr));
	CHECK_EQ(ifr_getaddr(&ifr), 0x0a070001u);
	CHECK_SYS(rump_sys_ioctl(s, SIOCGIFNETMASK, &ifr));
	CHECK_EQ(ifr_getaddr(&ifr), 0xffff0000u);
	ifr_init(&ifr, "lo2");
	CHECK_SYS(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr));
	CHECK_EQ(ifr.ifr_flags & IFF_UP, 0);
	ifr.ifr_flags |= IFF_UP;
	CHECK_SYS(rump_sys_ioctl(s, SIOCSIFFLAGS, &ifr));
	CHECK_SYS(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr));
	CHECK(ifr.ifr_flags & IFF_UP);
	CHECK(ifr.ifr_flags & IFF_RUNNING);

	/* The address list: lo0's and lo2's; the size query first. */
	memset(&ifc, 0, sizeof(ifc));
	CHECK_SYS(rump_sys_ioctl(s, SIOCGIFCONF, &ifc));
	CHECK_EQ(ifc.ifc_len, 2 * sizeof(struct ifreq));
	ifc.ifc_len = sizeof(list);
	ifc.ifc_req = list;
	CHECK_SYS(rump_sys_ioctl(s, SIOCGIFCONF, &ifc));
	n = ifc.ifc_len / (int)sizeof(struct ifreq);
	CHECK_EQ(n, 2);
	for (int i = 0; i < n; i++) {
		if (strcmp(list[i].ifr_name, "lo0") == 0 &&
		    ifr_getaddr(&list[i]) == INADDR_LOOPBACK)
			found_lo++;
		if (strcmp(list[i].ifr_name, "lo2") == 0 &&
		    ifr_getaddr(&list[i]) == 0x0a070001u)
			found_lo2++;
	}
	CHECK(found_lo == 1 && found_lo2 == 1);
	/* Too small a buffer: what fits. */
	ifc.ifc_len = sizeof(struct ifreq);
	CHECK_SYS(rump_sys_ioctl(s, SIOCGIFCONF, &ifc));
	CHECK_EQ(ifc.ifc_len, sizeof(struct ifreq));

	/* Down again; the address can still be bound. */
	ifr_init(&ifr, "lo2");
	ifr.ifr_flags = 0;
	CHECK_SYS(rump_sys_ioctl(s, SIOCSIFFLAGS, &ifr));
	CHECK_SYS(rump_sys_ioctl(s, SIOCGIFFLAGS, &ifr));
	CHECK_EQ(ifr.ifr_flags & (IFF_UP | IFF_RUNNING), 0);
	{
		struct sockaddr_in sin;
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(0x0a070001u);
		CHECK_SYS(
			rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)));
	}
	CHECK_SYS(rump_sys_close(s));
	CHECK_EQ(rump_pub_netconfig_ifdestroy("lo2"), 0);

	rump_pub_lwproc_releaselwp();
	test_halt();
	test_log("ok");
	return 0;
}
