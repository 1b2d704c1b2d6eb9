/*
 * in_component.c -- the Internet protocols as a component (net_netinet,
 * library librumpnet_netinet): registers IPv4 and ARP input with the
 * network soft interrupt, ARP as Ethernet's resolver, the AF_INET domain,
 * and gives lo0 127.0.0.1/8.  Interface events reach the protocols here:
 * a detached interface loses its addresses, ARP entries, memberships and
 * every PCB's reference; an interface coming up announces its addresses.
 */
#include <net/if.h>
#include <net/if_ether.h>
#include <net/netisr.h>
#include <net/route.h>
#include <netinet/if_inarp.h>
#include <netinet/in_pcb.h>
#include <netinet/in_proto.h>
#include <netinet/in_var.h>
#include <netinet/ip_var.h>
#include <sys/abi.h>
#include <sys/component.h>
#include <sys/domain.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

static void in_ifevent(struct ifnet *ifp, enum if_event ev)
{
	switch (ev) {
	case IF_EVENT_UP:
		list_foreach(it, &ifp->if_addrlist)
		{
			struct ifaddr *ifa =
				list_entry(it, struct ifaddr, ifa_node);
			if (ifa->ifa_family == AF_INET &&
			    ifp->if_type == IFT_ETHER)
				arp_announce(ifp,
					     container_of(ifa, struct in_ifaddr,
							  ia_ifa)
						     ->ia_addr);
		}
		break;
	case IF_EVENT_DOWN:
		arp_purge_ifp(ifp);
		break;
	case IF_EVENT_DETACH:
		in_ifaddr_purge(ifp);
		arp_purge_ifp(ifp);
		in_multi_purge_ifp(ifp);
		in_pcbpurgeif(ifp);
		break;
	default:
		break;
	}
}

static int netinet_init(void)
{
	struct in_addr addr, mask;
	int error;

	/* Not under softnet_lock: node functions take it after sysctl's. */
	if ((error = in_sysctl_init()) != 0)
		return error;
	mutex_enter(&softnet_lock);
	arp_init();
	ip_reass_init();
	netisr_register(NETISR_IP, ip_input);
	netisr_register(NETISR_ARP, arp_input);
	ether_set_resolver(arpresolve);
	if_event_register(in_ifevent);
	mutex_exit(&softnet_lock);
	error = domain_attach(&inetdomain);
	mutex_enter(&softnet_lock);
	if (error == 0 && lo0ifp != NULL) {
		addr.s_addr = htonl(INADDR_LOOPBACK);
		mask.s_addr = htonl(0xff000000u);
		error = in_ifaddr_add(lo0ifp, addr, mask, (struct in_addr){0});
		if (error != 0) {
			mutex_exit(&softnet_lock);
			domain_detach(&inetdomain);
			mutex_enter(&softnet_lock);
		}
	}
	if (error != 0) {
		if_event_unregister(in_ifevent);
		ether_set_resolver(NULL);
		netisr_register(NETISR_IP, NULL);
		netisr_register(NETISR_ARP, NULL);
		ip_reass_fini();
		arp_fini();
	}
	mutex_exit(&softnet_lock);
	if (error != 0)
		in_sysctl_fini();
	return error;
}

static void netinet_fini(void)
{
	in_sysctl_fini();
	mutex_enter(&softnet_lock);
	/* Every interface forgets IPv4 before the protocols go. */
	list_foreach(it, &ifnet_list)
	{
		struct ifnet *ifp = list_entry(it, struct ifnet, if_list);
		in_ifaddr_purge(ifp);
		in_multi_purge_ifp(ifp);
	}
	if_event_unregister(in_ifevent);
	ether_set_resolver(NULL);
	netisr_register(NETISR_IP, NULL);
	netisr_register(NETISR_ARP, NULL);
	mutex_exit(&softnet_lock);
	/* Packets still queued find no protocol and are dropped. */
	netisr_drain();
	domain_detach(&inetdomain);
	mutex_enter(&softnet_lock);
	ip_reass_fini();
	arp_fini();
	mutex_exit(&softnet_lock);
}

static const char *const netinet_depends[] = {"net_net", NULL};
RUMP_COMPONENT(net_netinet, RUMP_STAGE_DRIVER, netinet_depends, netinet_init,
	       netinet_fini)
