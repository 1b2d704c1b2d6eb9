/*
 * net/if_arp.h -- the ARP packet on the wire (RFC 826) for Ethernet and
 * IPv4: fixed header then sender and target hardware and protocol
 * addresses.  All fields network byte order.
 */
#ifndef RUMPKERN_NET_IF_ARP_H_
#define RUMPKERN_NET_IF_ARP_H_
#include <sys/types.h>

struct arphdr {
	uint16_t ar_hrd; /* hardware type */
	uint16_t ar_pro; /* protocol type (an EtherType) */
	uint8_t ar_hln;	 /* hardware address length */
	uint8_t ar_pln;	 /* protocol address length */
	uint16_t ar_op;
} __attribute__((__packed__));
#define ARPHRD_ETHER 1
#define ARPOP_REQUEST 1
#define ARPOP_REPLY 2

/* The whole Ethernet/IPv4 ARP packet (28 bytes). */
struct ether_arp {
	struct arphdr ea_hdr;
	uint8_t arp_sha[6]; /* sender hardware address */
	uint8_t arp_spa[4]; /* sender protocol address */
	uint8_t arp_tha[6]; /* target hardware address */
	uint8_t arp_tpa[4]; /* target protocol address */
} __attribute__((__packed__));
_Static_assert(sizeof(struct ether_arp) == 28, "ether_arp is 28 bytes");
#endif
