/*
 * netinet/in.h -- IPv4 addresses in the kernel ABI: struct in_addr and
 * struct sockaddr_in (BSD layout with sin_len), multicast requests, and
 * byte-order helpers.  The constants (IPPROTO_*, IP_*, INADDR_*) are in
 * <sys/abi.h>; INADDR_* there are host byte order, as in BSD.
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
#endif
