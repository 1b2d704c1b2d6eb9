/*
 * if_component.c -- the interface layer as a component (net_net, library
 * librumpnet_net): at the net stage, after the net faction's softnet_lock
 * exists, it sets up the routing table and the network soft interrupt and
 * creates the loopback interface lo0, up (its address comes with the
 * Internet protocols), and attaches the routing socket's domain.  At shutdown, after the drivers and protocols
 * stopped, it destroys the interfaces that are left.
 */
#include <net/if.h>
#include <net/if_fault.h>
#include <net/netisr.h>
#include <net/pcap.h>
#include <net/route.h>
#include <sys/component.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

extern struct if_clone lo_cloner;

static int netif_init(void)
{
	int error;

	rt_init();
	if ((error = netisr_init()) != 0)
		return error;
	mutex_enter(&softnet_lock);
	pcap_init();
	error = if_clone_attach(&lo_cloner);
	if (error == 0) {
		error = if_clone_create("lo0");
		if (error == 0)
			error = if_up(lo0ifp);
		if (error != 0)
			if_clone_detach(&lo_cloner);
	}
	mutex_exit(&softnet_lock);
	if (error == 0 && (error = if_sysctl_init()) != 0) {
		mutex_enter(&softnet_lock);
		if_clone_detach(&lo_cloner);
		mutex_exit(&softnet_lock);
	}
	if (error == 0 && (error = rtsock_init()) != 0) {
		if_sysctl_fini();
		mutex_enter(&softnet_lock);
		if_clone_detach(&lo_cloner);
		mutex_exit(&softnet_lock);
	}
	if (error != 0) {
		mutex_enter(&softnet_lock);
		pcap_fini();
		mutex_exit(&softnet_lock);
		netisr_fini();
	}
	return error;
}

static void netif_fini(void)
{
	rtsock_fini();
	if_sysctl_fini();
	mutex_enter(&softnet_lock);
	/* Whatever a driver left behind goes, then the loopback. */
	list_foreach_safe(it, &ifnet_list)
	{
		struct ifnet *ifp = list_entry(it, struct ifnet, if_list);
		if (ifp->if_clone != NULL && ifp->if_clone != &lo_cloner)
			(void)ifp->if_clone->ifc_destroy(ifp);
	}
	if_clone_detach(&lo_cloner);
	pcap_fini();
	rt_fini();
	mutex_exit(&softnet_lock);
	if_fault_fini();
	netisr_fini();
}

static const char *const netif_depends[] = {"net", NULL};
RUMP_COMPONENT(net_net, RUMP_STAGE_NET, netif_depends, netif_init, netif_fini)
