/*
 * netinet/in.h -- the kernel's Internet (IPv4) definitions: addresses and
 * socket addresses in the kernel ABI (NetBSD's layout, with sin_len),
 * protocol numbers, special addresses and their classes, IP-level socket
 * options, and byte order.  Addresses and ports are kept in network byte
 * order everywhere in the stack; helpers below convert.
 */
#ifndef RUMPKERN_NETINET_IN_H_
#define RUMPKERN_NETINET_IN_H_
#include <sys/types.h>

typedef uint32_t in_addr_t;
typedef uint16_t in_port_t;

struct in_addr {
	in_addr_t s_addr; /* network byte order */
};

/* The kernel ABI's sockaddr_in (16 bytes; the host layer translates). */
struct sockaddr_in {
	uint8_t sin_len;
	uint8_t sin_family; /* AF_INET */
	in_port_t sin_port; /* network byte order */
	struct in_addr sin_addr;
	uint8_t sin_zero[8];
};

/* Byte order: the kernel runs on little- and big-endian CPUs alike. */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define htons(x) ((uint16_t)(x))
#define htonl(x) ((uint32_t)(x))
#else
#define htons(x) ((uint16_t)__builtin_bswap16((uint16_t)(x)))
#define htonl(x) ((uint32_t)__builtin_bswap32((uint32_t)(x)))
#endif
#define ntohs(x) htons(x)
#define ntohl(x) htonl(x)

/* Protocol numbers (IANA; the same on every system). */
#define IPPROTO_IP 0
#define IPPROTO_ICMP 1
#define IPPROTO_IGMP 2
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_RAW 255
#define IPPROTO_MAX 256

/* Special addresses, host byte order. */
#define INADDR_ANY ((in_addr_t)0x00000000)
#define INADDR_BROADCAST ((in_addr_t)0xffffffff)
#define INADDR_NONE ((in_addr_t)0xffffffff)
#define INADDR_LOOPBACK ((in_addr_t)0x7f000001)
#define INADDR_UNSPEC_GROUP ((in_addr_t)0xe0000000)	/* 224.0.0.0 */
#define INADDR_ALLHOSTS_GROUP ((in_addr_t)0xe0000001)	/* 224.0.0.1 */
#define INADDR_MAX_LOCAL_GROUP ((in_addr_t)0xe00000ff) /* 224.0.0.255 */
#define IN_LOOPBACKNET 127

/* Address classes, on a host-order address. */
#define IN_MULTICAST(i) (((uint32_t)(i)&0xf0000000) == 0xe0000000)
#define IN_EXPERIMENTAL(i) (((uint32_t)(i)&0xf0000000) == 0xf0000000)
#define IN_BADCLASS(i) IN_EXPERIMENTAL(i)
#define IN_LOOPBACK(i) (((uint32_t)(i)&0xff000000) == 0x7f000000)
#define IN_ZERONET(i) (((uint32_t)(i)&0xff000000) == 0)
#define IN_LOCAL_GROUP(i) (((uint32_t)(i)&0xffffff00) == 0xe0000000)

/*
 * IP-level socket options (level IPPROTO_IP), NetBSD's numbers; the host
 * layer translates Linux's names to these.
 */
#define IP_OPTIONS 1
#define IP_HDRINCL 2
#define IP_TOS 3
#define IP_TTL 4
#define IP_RECVDSTADDR 7
#define IP_MULTICAST_IF 9
#define IP_MULTICAST_TTL 10
#define IP_MULTICAST_LOOP 11
#define IP_ADD_MEMBERSHIP 12
#define IP_DROP_MEMBERSHIP 13
#define IP_PORTRANGE 19
#define IP_RECVTTL 23
#define IP_MINTTL 24

#define IP_DEFAULT_MULTICAST_TTL 1
#define IP_DEFAULT_MULTICAST_LOOP 1
#define IP_MAX_MEMBERSHIPS 20

/* IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP argument. */
struct ip_mreq {
	struct in_addr imr_multiaddr; /* the group */
	struct in_addr imr_interface; /* an address of the interface, or 0 */
};

/* Ephemeral ports (bind to port 0, connect of an unbound socket). */
#define IPPORT_RESERVED 1024
#define IPPORT_ANONMIN 49152
#define IPPORT_ANONMAX 65535

static inline bool in_nullhost(struct in_addr a)
{
	return a.s_addr == 0;
}
static inline bool in_hosteq(struct in_addr a, struct in_addr b)
{
	return a.s_addr == b.s_addr;
}
static inline bool in_multicast(struct in_addr a)
{
	return IN_MULTICAST(ntohl(a.s_addr));
}
#endif
