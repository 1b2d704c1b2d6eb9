/*
 * net/if_ether.h -- Ethernet framing (DIX Ethernet II): the header on the
 * wire, sizes, EtherTypes, and the link layer that Ethernet drivers attach
 * with ether_ifattach.  Output frames IPv4 packets (resolving the next
 * hop through ARP) and input demultiplexes frames by EtherType.
 */
#ifndef RUMPKERN_NET_IF_ETHER_H_
#define RUMPKERN_NET_IF_ETHER_H_
#include <net/if.h>
#include <netinet/in.h>

#define ETHER_ADDR_LEN 6
#define ETHER_TYPE_LEN 2
#define ETHER_HDR_LEN (2 * ETHER_ADDR_LEN + ETHER_TYPE_LEN) /* 14 */
#define ETHER_CRC_LEN 4
#define ETHER_MIN_LEN 64					 /* with CRC */
#define ETHER_MAX_LEN 1518					 /* with CRC */
#define ETHERMTU (ETHER_MAX_LEN - ETHER_HDR_LEN - ETHER_CRC_LEN) /* 1500 */
#define ETHERMIN (ETHER_MIN_LEN - ETHER_HDR_LEN - ETHER_CRC_LEN) /* 46 */

#define ETHERTYPE_IP 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_IPV6 0x86dd

struct ether_header {
	uint8_t ether_dhost[ETHER_ADDR_LEN];
	uint8_t ether_shost[ETHER_ADDR_LEN];
	uint16_t ether_type; /* network byte order */
} __attribute__((__packed__));
_Static_assert(sizeof(struct ether_header) == ETHER_HDR_LEN, "ether header");

extern const uint8_t etherbroadcastaddr[ETHER_ADDR_LEN];
#define ETHER_IS_MULTICAST(addr) (((addr)[0] & 0x01) != 0)

/*
 * Makes ifp an Ethernet interface with link address lla (type, sizes,
 * MTU 1500, BROADCAST|MULTICAST|SIMPLEX, ether_output/ether_input) and
 * attaches it (if_attach); softnet_lock held.  ether_ifdetach undoes it.
 */
int ether_ifattach(struct ifnet *ifp, const uint8_t *lla);
void ether_ifdetach(struct ifnet *ifp);
/* The link layer's output and input (see struct ifnet). */
int ether_output(struct ifnet *ifp, struct mbuf *m, const struct sockaddr *dst,
		 struct rtentry *rt);
void ether_input(struct ifnet *ifp, struct mbuf *m);
/*
 * IPv4 address resolution for ether_output (ARP registers it): 0 with the
 * destination's address in lla, EWOULDBLOCK when m was queued (or dropped)
 * waiting for an answer, another errno with m freed.
 */
typedef int (*ether_resolve_fn)(struct ifnet *ifp, struct mbuf *m,
				struct in_addr dst, uint8_t *lla);
void ether_set_resolver(ether_resolve_fn fn);
/*
 * Output to AF_UNSPEC takes the destination and EtherType from a struct
 * ether_header in dst->sa_data (what ARP sends with).
 */
/* The multicast MAC of an IPv4 group (RFC 1112: 01:00:5e + low 23 bits). */
void ether_ip_multicast_map(uint32_t group_net, uint8_t *lla);
/* "aa:bb:cc:dd:ee:ff" into buf (18 bytes). */
char *ether_snprintf(char *buf, size_t len, const uint8_t *lla);
/* Parses "aa:bb:cc:dd:ee:ff"; 0 or EINVAL. */
int ether_aton_r(const char *s, uint8_t *lla);
/* Ethernet statistics: frames dropped by ether_input, by reason. */
struct etherstat {
	uint64_t es_runt;     /* shorter than a header */
	uint64_t es_notme;    /* unicast for another station */
	uint64_t es_unknown;  /* EtherType nobody handles */
	uint64_t es_selfsent; /* our own source address (a loop) */
};
extern struct etherstat etherstat;
#endif
