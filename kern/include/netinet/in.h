/*
 * netinet/in.h -- IPv4 addresses in the kernel ABI: struct in_addr and
 * struct sockaddr_in (BSD layout with sin_len), multicast requests, and
 * byte-order helpers.  The constants (IPPROTO_*, IP_*, INADDR_*) are in
 * <sys/abi.h>; INADDR_* there are host byte order, as in BSD.  Addresses
 * and ports are kept in network byte order everywhere in the stack.
 */
#ifndef RUMPKERN_NETINET_IN_H_
#define RUMPKERN_NETINET_IN_H_
#include <sys/socket.h>

typedef uint32_t in_addr_t;
typedef uint16_t in_port_t;

#define in_addr rump_in_addr
#define sockaddr_in rump_sockaddr_in
#define ip_mreq rump_ip_mreq

/* The kernel runs on little- and big-endian CPUs alike. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define htonl(x) ((uint32_t)(x))
#define htons(x) ((uint16_t)(x))
#else
#define htonl(x) __builtin_bswap32((uint32_t)(x))
#define htons(x) __builtin_bswap16((uint16_t)(x))
#endif
#define ntohl(x) htonl(x)
#define ntohs(x) htons(x)

/* Multicast groups, host byte order. */
#define INADDR_UNSPEC_GROUP ((in_addr_t)0xe0000000)    /* 224.0.0.0 */
#define INADDR_ALLHOSTS_GROUP ((in_addr_t)0xe0000001)  /* 224.0.0.1 */
#define INADDR_MAX_LOCAL_GROUP ((in_addr_t)0xe00000ff) /* 224.0.0.255 */
#define IN_LOOPBACKNET 127

/* Address classes, on a host-order address. */
#define IN_MULTICAST(i) (((uint32_t)(i)&0xf0000000) == 0xe0000000)
#define IN_EXPERIMENTAL(i) (((uint32_t)(i)&0xf0000000) == 0xf0000000)
#define IN_BADCLASS(i) IN_EXPERIMENTAL(i)
#define IN_LOOPBACK(i) (((uint32_t)(i)&0xff000000) == 0x7f000000)
#define IN_ZERONET(i) (((uint32_t)(i)&0xff000000) == 0)
#define IN_LOCAL_GROUP(i) (((uint32_t)(i)&0xffffff00) == 0xe0000000)

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
