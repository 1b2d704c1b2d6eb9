/*
 * netconfig_host.c -- the public rump_pub_netconfig_* calls of
 * <rump/netconfig.h>, compiled with the host's headers: addresses are
 * parsed here with the host's inet_pton, the capture file is created or
 * emptied here, and the kernel side (netconfig.c) does the rest; its
 * kernel errno comes back in the host's numbering.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <rump/netconfig.h>
#include <rump/rumphost.h>

/* The kernel side's operations (netconfig.c). */
enum {
	NETCONFIG_IFCREATE,
	NETCONFIG_IFDESTROY,
	NETCONFIG_IFUP,
	NETCONFIG_IFDOWN,
	NETCONFIG_IFADDR,
	NETCONFIG_GW,
	NETCONFIG_LINKSTR,
	NETCONFIG_CAPTURE,
	NETCONFIG_CAPTURE_CHECK,
};
int rump_kern_netconfig(int op, const char *ifname, uint32_t addr,
			uint32_t mask, const char *str);

static int netconfig_call(int op, const char *ifname, uint32_t addr,
			  uint32_t mask, const char *str)
{
	return rumphost_errno_host(
		rump_kern_netconfig(op, ifname, addr, mask, str));
}

static int netconfig_parse(const char *s, uint32_t *addrp)
{
	struct in_addr a;

	if (s == NULL || inet_pton(AF_INET, s, &a) != 1)
		return EINVAL;
	*addrp = a.s_addr;
	return 0;
}

int rump_pub_netconfig_ifcreate(const char *ifname)
{
	return netconfig_call(NETCONFIG_IFCREATE, ifname, 0, 0, NULL);
}

int rump_pub_netconfig_ifdestroy(const char *ifname)
{
	return netconfig_call(NETCONFIG_IFDESTROY, ifname, 0, 0, NULL);
}

int rump_pub_netconfig_ifup(const char *ifname)
{
	return netconfig_call(NETCONFIG_IFUP, ifname, 0, 0, NULL);
}

int rump_pub_netconfig_ifdown(const char *ifname)
{
	return netconfig_call(NETCONFIG_IFDOWN, ifname, 0, 0, NULL);
}

int rump_pub_netconfig_ipv4_ifaddr(const char *ifname, const char *addr,
				   const char *mask)
{
	uint32_t a, m;

	if (netconfig_parse(addr, &a) != 0 || netconfig_parse(mask, &m) != 0)
		return EINVAL;
	return netconfig_call(NETCONFIG_IFADDR, ifname, a, m, NULL);
}

int rump_pub_netconfig_ipv4_ifaddr_cidr(const char *ifname, const char *addr,
					int prefixlen)
{
	uint32_t a;

	if (netconfig_parse(addr, &a) != 0 || prefixlen < 0 || prefixlen > 32)
		return EINVAL;
	return netconfig_call(
		NETCONFIG_IFADDR, ifname, a,
		prefixlen == 0 ? 0 : htonl(0xffffffffu << (32 - prefixlen)),
		NULL);
}

int rump_pub_netconfig_ipv4_gw(const char *gw)
{
	uint32_t g;

	if (netconfig_parse(gw, &g) != 0)
		return EINVAL;
	return netconfig_call(NETCONFIG_GW, NULL, g, 0, NULL);
}

int rump_pub_netconfig_ifsetlinkstr(const char *ifname, const char *linkstr)
{
	if (linkstr == NULL)
		return EINVAL;
	return netconfig_call(NETCONFIG_LINKSTR, ifname, 0, 0, linkstr);
}

int rump_pub_netconfig_ifcapture(const char *ifname, const char *path)
{
	if (path != NULL) {
		/* Empty the file (the kernel writes from its start), unless
		 * the interface is being captured already. */
		int error = netconfig_call(NETCONFIG_CAPTURE_CHECK, ifname, 0,
					   0, NULL);
		int fd;

		if (error != 0)
			return error;
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd == -1)
			return errno;
		close(fd);
	}
	return netconfig_call(NETCONFIG_CAPTURE, ifname, 0, 0, path);
}
