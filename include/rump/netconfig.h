/*
 * netconfig.h -- configuring a rump kernel's network from the program
 * that links it, with the NetBSD rump kernel's names (library
 * librumpnet_config).  Interface names are "lo0", "virt0", "shmif1" ...;
 * addresses and masks are dotted-quad strings.  Every int return is 0 or
 * a positive errno value in the host's numbering (EINVAL for a malformed
 * address, ENXIO for an interface that does not exist).
 */
#ifndef RUMP_NETCONFIG_H_
#define RUMP_NETCONFIG_H_

#ifdef __cplusplus
extern "C" {
#endif

/* Creates an interface through its driver's cloner: "virt0", "shmif0". */
int rump_pub_netconfig_ifcreate(const char *ifname);
/* Destroys a created interface (EPERM for lo0). */
int rump_pub_netconfig_ifdestroy(const char *ifname);
/* Marks the interface up (the driver starts) or down. */
int rump_pub_netconfig_ifup(const char *ifname);
int rump_pub_netconfig_ifdown(const char *ifname);
/*
 * Adds an IPv4 address with its mask ("255.255.255.0") or prefix length
 * (0..32) and the connected route, and marks the interface up, as NetBSD
 * does when an address is set.  Adding an address the interface has
 * already with another mask changes the mask.  EADDRINUSE if another
 * interface has the address.
 */
int rump_pub_netconfig_ipv4_ifaddr(const char *ifname, const char *addr,
				   const char *mask);
int rump_pub_netconfig_ipv4_ifaddr_cidr(const char *ifname, const char *addr,
					int prefixlen);
/*
 * Sets the default route through gateway gw, replacing any default route;
 * ENETUNREACH unless gw is on a directly connected network.
 */
int rump_pub_netconfig_ipv4_gw(const char *gw);
/* The driver's link string: a tap device name, a shmif bus file. */
int rump_pub_netconfig_ifsetlinkstr(const char *ifname, const char *linkstr);

/*
 * Creates a shared-memory bus interface shmifN on the bus file busname and
 * returns N in *unitp.  Declared here as in NetBSD; it is implemented by
 * the shmif driver (librumpnet_shmif), which a program links to use it.
 */
int rump_pub_shmif_create(const char *busname, int *unitp);

/*
 * rumpkit extension: captures every frame in and out of ifname into the
 * host file path (created or truncated) in the pcap format, readable by
 * tcpdump; path NULL stops the capture and closes the file.  EBUSY if the
 * interface is captured already, ENOENT to stop one that is not.
 */
int rump_pub_netconfig_ifcapture(const char *ifname, const char *path);

#ifdef __cplusplus
}
#endif
#endif
