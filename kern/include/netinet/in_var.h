/*
 * netinet/in_var.h -- IPv4 addresses on interfaces and multicast group
 * memberships, under softnet_lock.  Adding an address adds its connected
 * route (and announces it with gratuitous ARP on Ethernet); removing it
 * takes the routes that use it away.
 */
#ifndef RUMPKERN_NETINET_IN_VAR_H_
#define RUMPKERN_NETINET_IN_VAR_H_
#include <net/if.h>
#include <netinet/in.h>

struct in_ifaddr {
	struct ifaddr ia_ifa;	     /* on the interface's if_addrlist */
	struct list_node ia_list;    /* on in_ifaddrhead */
	struct in_addr ia_addr;	     /* the address */
	struct in_addr ia_netmask;   /* its subnet mask */
	struct in_addr ia_subnet;    /* ia_addr & ia_netmask */
	struct in_addr ia_broadaddr; /* subnet broadcast (IFF_BROADCAST) */
	int ia_plen;
};
#define ia_ifp ia_ifa.ifa_ifp

/* Every IPv4 address of every interface, under softnet_lock. */
extern struct list_head in_ifaddrhead;

/* The IPv4 sysctl nodes (in_sysctl.c); TCP's own with its component. */
int in_sysctl_init(void);
void in_sysctl_fini(void);
int tcp_sysctl_init(void);
void tcp_sysctl_fini(void);

/*
 * Adds addr/mask to ifp (EEXIST if ifp has it; EINVAL for a bad mask, a
 * multicast, broadcast or zero address), with its connected route, and
 * announces it; broad 0 takes the subnet's all-ones broadcast.  Adding
 * an address ifp already has with another mask changes the mask.
 */
int in_ifaddr_add(struct ifnet *ifp, struct in_addr addr, struct in_addr mask,
		  struct in_addr broad);
/* EADDRNOTAVAIL if ifp does not have it. */
int in_ifaddr_delete(struct ifnet *ifp, struct in_addr addr);
void in_ifaddr_purge(struct ifnet *ifp); /* all of ifp's */
/* The address structure holding addr on any interface, or NULL. */
struct in_ifaddr *in_ifaddr_lookup(struct in_addr addr);
/* ifp's first IPv4 address, or NULL. */
struct in_ifaddr *in_ifaddr_first(const struct ifnet *ifp);
/* The address of ifp on the same subnet as dst, else its first. */
struct in_ifaddr *in_ifaddr_for(const struct ifnet *ifp, struct in_addr dst);
/* Is a a broadcast address for ifp (all-ones, or a subnet broadcast)? */
bool in_broadcast(struct in_addr a, const struct ifnet *ifp);
/* Is a one of our addresses (any interface)? */
bool in_local(struct in_addr a);

/* A multicast group joined on an interface, counted by its joiners. */
struct in_multi {
	struct list_node inm_node; /* on ifp->if_multiaddrs */
	struct in_addr inm_addr;
	struct ifnet *inm_ifp;
	int inm_refcnt;
};
/* Joins (or adds a reference to) group on ifp; ENOMEM, EINVAL. */
int in_addmulti(struct in_addr group, struct ifnet *ifp,
		struct in_multi **inmp);
void in_delmulti(struct in_multi *inm);
struct in_multi *in_lookup_multi(struct in_addr group, const struct ifnet *ifp);
/* ifp goes away: its memberships lose it (inm_ifp NULL) but stay held. */
void in_multi_purge_ifp(struct ifnet *ifp);
#endif
