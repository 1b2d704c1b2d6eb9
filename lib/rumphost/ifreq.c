/*
 * ifreq.c -- interface ioctls (SIOC*IF*).  Linux numbers them 0x89xx and
 * carries a 40-byte struct ifreq whose addresses have a 16-bit family;
 * the kernel has NetBSD's encodings and the 32-byte struct rump_ifreq
 * whose addresses have sa_len.  Names, flags (IFF_*, by name), MTU,
 * index and IPv4 addresses are translated; SIOCGIFCONF's records are
 * rebuilt one by one (interfaces without an IPv4 address are left out,
 * as Linux lists them).  The kernel's own requests without a Linux
 * counterpart (RUMP_SIOCAIFADDR, RUMP_SIOCIFCREATE, RUMP_SIOCIFDESTROY)
 * pass as they are, with kernel-layout structures.
 */
#include <errno.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/*
 * glibc's member macros (ifr_name is ifr_ifrn.ifrn_name ...) would also
 * rewrite struct rump_ifreq's members of the same names: the host's
 * structure is reached through its real members below.
 */
#undef ifr_name
#undef ifr_flags
#undef ifr_mtu
#undef ifr_addr
#undef ifr_ifindex
#undef ifr_broadaddr
#undef ifr_dstaddr
#undef ifr_metric
#undef ifr_data
#undef ifc_buf
#undef ifc_req

#include <rump/rumpdefs.h>
#include <rump/rumphost.h>
#include <rump/sysctl.h>

#include "bits.h"

static const struct rumphost_bits ifreq_requests[] = {
	{SIOCGIFFLAGS, RUMP_SIOCGIFFLAGS},
	{SIOCSIFFLAGS, RUMP_SIOCSIFFLAGS},
	{SIOCGIFMTU, RUMP_SIOCGIFMTU},
	{SIOCSIFMTU, RUMP_SIOCSIFMTU},
	{SIOCGIFINDEX, RUMP_SIOCGIFINDEX},
	{SIOCGIFADDR, RUMP_SIOCGIFADDR},
	{SIOCSIFADDR, RUMP_SIOCSIFADDR},
	{SIOCDIFADDR, RUMP_SIOCDIFADDR},
	{SIOCGIFNETMASK, RUMP_SIOCGIFNETMASK},
	{SIOCSIFNETMASK, RUMP_SIOCSIFNETMASK},
	{SIOCGIFBRDADDR, RUMP_SIOCGIFBRDADDR},
};

static const struct rumphost_bits ifflags[] = {
	{IFF_UP, RUMP_IFF_UP},
	{IFF_BROADCAST, RUMP_IFF_BROADCAST},
	{IFF_DEBUG, RUMP_IFF_DEBUG},
	{IFF_LOOPBACK, RUMP_IFF_LOOPBACK},
	{IFF_POINTOPOINT, RUMP_IFF_POINTOPOINT},
	{IFF_RUNNING, RUMP_IFF_RUNNING},
	{IFF_NOARP, RUMP_IFF_NOARP},
	{IFF_PROMISC, RUMP_IFF_PROMISC},
	{IFF_ALLMULTI, RUMP_IFF_ALLMULTI},
	{IFF_MULTICAST, RUMP_IFF_MULTICAST},
};

int rumphost_ifioctl_to_kernel(unsigned long host, uint64_t *kernel, int *kindp)
{
	switch (host) {
	case SIOCGIFCONF:
		*kernel = RUMP_SIOCGIFCONF;
		*kindp = RUMPHOST_IFIO_IFCONF;
		return 0;
	case SIOCADDRT:
	case SIOCDELRT:
		*kernel = host == SIOCADDRT ? RUMP_SIOCADDRT : RUMP_SIOCDELRT;
		*kindp = RUMPHOST_IFIO_RTENTRY;
		return 0;
	case RUMP_SIOCSLINKSTR:
	case RUMP_SIOCADDRT:
	case RUMP_SIOCDELRT:
	case RUMP_SIOCAIFADDR:
	case RUMP_SIOCIFCREATE:
	case RUMP_SIOCIFDESTROY:
		*kernel = host;
		*kindp = RUMPHOST_IFIO_KERNEL;
		return 0;
	}
	if (rumphost_value_to_kernel(ifreq_requests,
				     RUMPHOST_NBITS(ifreq_requests), host,
				     kernel) != 0)
		return ENOTTY;
	*kindp = RUMPHOST_IFIO_IFREQ;
	return 0;
}

static void sin_to_kernel(const struct sockaddr *h, struct rump_sockaddr *k)
{
	const struct sockaddr_in *hs = (const struct sockaddr_in *)h;
	struct rump_sockaddr_in *ks = (struct rump_sockaddr_in *)k;

	memset(ks, 0, sizeof(*ks));
	ks->sin_len = sizeof(*ks);
	ks->sin_family = h->sa_family == AF_INET     ? RUMP_AF_INET
			 : h->sa_family == AF_UNSPEC ? RUMP_AF_UNSPEC
						     : 255;
	ks->sin_port = hs->sin_port;
	ks->sin_addr.s_addr = hs->sin_addr.s_addr;
}

static void sin_to_host(const struct rump_sockaddr *k, struct sockaddr *h)
{
	const struct rump_sockaddr_in *ks = (const struct rump_sockaddr_in *)k;
	struct sockaddr_in *hs = (struct sockaddr_in *)h;

	memset(hs, 0, sizeof(*hs));
	hs->sin_family = ks->sin_family == RUMP_AF_INET ? AF_INET : AF_UNSPEC;
	hs->sin_port = ks->sin_port;
	hs->sin_addr.s_addr = ks->sin_addr.s_addr;
}

int rumphost_ifreq_to_kernel(unsigned long host_request,
			     const struct ifreq *host,
			     struct rump_ifreq *kernel)
{
	uint64_t flags;

	memset(kernel, 0, sizeof(*kernel));
	memcpy(kernel->ifr_name, host->ifr_ifrn.ifrn_name,
	       sizeof(kernel->ifr_name));
	switch (host_request) {
	case SIOCSIFFLAGS:
		/* Flags the kernel lacks (IFF_NOTRAILERS ...) are dropped. */
		flags = 0;
		for (size_t i = 0; i < RUMPHOST_NBITS(ifflags); i++)
			if ((uint16_t)host->ifr_ifru.ifru_flags &
			    ifflags[i].host)
				flags |= ifflags[i].kernel;
		kernel->ifr_flags = (int16_t)flags;
		break;
	case SIOCSIFMTU:
		kernel->ifr_mtu = host->ifr_ifru.ifru_mtu;
		break;
	case SIOCSIFADDR:
	case SIOCDIFADDR:
	case SIOCSIFNETMASK:
		sin_to_kernel(&host->ifr_ifru.ifru_addr, &kernel->ifr_addr);
		break;
	}
	return 0;
}

int rumphost_ifreq_to_host(unsigned long host_request,
			   const struct rump_ifreq *kernel, struct ifreq *host)
{
	switch (host_request) {
	case SIOCGIFFLAGS:
		host->ifr_ifru.ifru_flags = (short)rumphost_bits_to_host(
			ifflags, RUMPHOST_NBITS(ifflags),
			(uint16_t)kernel->ifr_flags);
		break;
	case SIOCGIFMTU:
		host->ifr_ifru.ifru_mtu = kernel->ifr_mtu;
		break;
	case SIOCGIFINDEX:
		host->ifr_ifru.ifru_ivalue = kernel->ifr_index;
		break;
	case SIOCGIFADDR:
	case SIOCGIFNETMASK:
	case SIOCGIFBRDADDR:
		sin_to_host(&kernel->ifr_addr, &host->ifr_ifru.ifru_addr);
		break;
	}
	return 0;
}

int rumphost_ifconf_record_to_host(const struct rump_ifreq *kernel,
				   struct ifreq *host)
{
	if (kernel->ifr_addr.sa_family != RUMP_AF_INET)
		return EAFNOSUPPORT;
	memset(host, 0, sizeof(*host));
	memcpy(host->ifr_ifrn.ifrn_name, kernel->ifr_name,
	       sizeof(host->ifr_ifrn.ifrn_name));
	host->ifr_ifrn.ifrn_name[sizeof(host->ifr_ifrn.ifrn_name) - 1] = '\0';
	sin_to_host(&kernel->ifr_addr, &host->ifr_ifru.ifru_addr);
	return 0;
}

int rumphost_rtentry_to_kernel(const struct rtentry *host,
			       struct rump_rtreq *kernel)
{
	memset(kernel, 0, sizeof(*kernel));
	if (host->rt_dev != NULL) {
		size_t len = strnlen(host->rt_dev, sizeof(kernel->rtr_ifname));

		if (len == sizeof(kernel->rtr_ifname))
			return ENODEV;
		memcpy(kernel->rtr_ifname, host->rt_dev, len);
	}
	sin_to_kernel(&host->rt_dst, (struct rump_sockaddr *)&kernel->rtr_dst);
	sin_to_kernel(&host->rt_gateway,
		      (struct rump_sockaddr *)&kernel->rtr_gateway);
	sin_to_kernel(&host->rt_genmask,
		      (struct rump_sockaddr *)&kernel->rtr_mask);
	/* Linux's route(8) leaves the family of a default route's mask 0. */
	if (kernel->rtr_mask.sin_family == RUMP_AF_UNSPEC)
		kernel->rtr_mask.sin_family = RUMP_AF_INET;
	if (host->rt_flags & RTF_GATEWAY)
		kernel->rtr_flags |= RUMP_RTF_GATEWAY;
	if (host->rt_flags & RTF_REJECT)
		kernel->rtr_flags |= RUMP_RTF_REJECT;
	if (host->rt_flags & RTF_HOST) {
		kernel->rtr_mask.sin_family = RUMP_AF_INET;
		kernel->rtr_mask.sin_addr.s_addr = 0xffffffffu;
	}
	return 0;
}
