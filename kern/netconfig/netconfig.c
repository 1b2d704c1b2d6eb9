/*
 * netconfig.c -- the kernel side of <rump/netconfig.h>: each call enters
 * the kernel (a virtual CPU, softnet_lock) and configures interfaces,
 * addresses and routes directly.  Arguments are already parsed by the
 * host side (netconfig_host.c): addresses in network byte order.  Returns
 * 0 or a kernel errno.
 */
#include <net/if.h>
#include <net/pcap.h>
#include <net/route.h>
#include <netinet/in_var.h>
#include <sys/component.h>
#include <sys/errno.h>
#include <sys/proc.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

enum netconfig_op {
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

static int netconfig_ifaddr(struct ifnet *ifp, uint32_t addr, uint32_t mask)
{
	struct in_addr a = {addr}, m = {mask};
	int error;

	error = in_ifaddr_add(ifp, a, m, (struct in_addr){0});
	if (error != 0 && error != EEXIST)
		return error;
	return if_up(ifp);
}

static int netconfig_gw(uint32_t gw)
{
	struct in_addr any = {0}, g = {gw};
	struct rtentry *rt;
	int error;

	/* Check reachability before the old default route goes. */
	rt = rt_lookup(g);
	if (rt == NULL || (rt->rt_flags & RTF_GATEWAY)) {
		if (rt != NULL)
			rt_unref(rt);
		return ENETUNREACH;
	}
	rt_unref(rt);
	(void)rt_delete(any, any);
	error = rt_add(any, any, g, NULL, any, RTF_STATIC, NULL);
	return error;
}

int rump_kern_netconfig(int op, const char *ifname, uint32_t addr,
			uint32_t mask, const char *str)
{
	struct ifnet *ifp = NULL;
	int error;

	if ((error = kern_entry_error()) != 0)
		return error;
	if (op != NETCONFIG_GW &&
	    (ifname == NULL || strnlen(ifname, IFNAMSIZ) == IFNAMSIZ))
		return op == NETCONFIG_IFCREATE ? EINVAL : ENXIO;
	rump_schedule();
	mutex_enter(&softnet_lock);
	if (op != NETCONFIG_IFCREATE && op != NETCONFIG_GW &&
	    op != NETCONFIG_IFDESTROY && (ifp = if_byname(ifname)) == NULL) {
		error = ENXIO;
		goto out;
	}
	switch (op) {
	case NETCONFIG_IFCREATE:
		error = if_clone_create(ifname);
		break;
	case NETCONFIG_IFDESTROY:
		error = if_clone_destroy(ifname);
		break;
	case NETCONFIG_IFUP:
		error = if_up(ifp);
		break;
	case NETCONFIG_IFDOWN:
		if_down(ifp);
		break;
	case NETCONFIG_IFADDR:
		error = netconfig_ifaddr(ifp, addr, mask);
		break;
	case NETCONFIG_GW:
		error = netconfig_gw(addr);
		break;
	case NETCONFIG_LINKSTR:
		error = if_setlinkstr(ifp, str);
		break;
	case NETCONFIG_CAPTURE:
		error = str != NULL ? pcap_attach(ifp, str) : pcap_detach(ifp);
		break;
	case NETCONFIG_CAPTURE_CHECK:
		/* Before the host side empties the file: not in use here. */
		error = pcap_busy(ifp) ? EBUSY : 0;
		break;
	default:
		error = EINVAL;
		break;
	}
out:
	mutex_exit(&softnet_lock);
	rump_unschedule();
	return error;
}
