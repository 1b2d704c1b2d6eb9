/*
 * sys/socket.h -- socket addresses and control messages in the kernel's
 * own ABI.  Addresses have BSD's layout: sa_len (meaningful bytes) then
 * sa_family, so an address is self-describing and the kernel never needs
 * a separate length; the structures are the <rump/rumpabi.h> ones under
 * their usual names.  The constants (AF_*, SOCK_*, SO_*, MSG_* ...) are
 * in <sys/abi.h>, generated from sys/abi.list.
 */
#ifndef RUMPKERN_SYS_SOCKET_H_
#define RUMPKERN_SYS_SOCKET_H_
#include <rump/rumpabi.h>
#include <sys/abi.h>
#include <sys/types.h>

typedef uint8_t sa_family_t;

#define sockaddr rump_sockaddr
#define sockaddr_storage rump_sockaddr_storage
#define msghdr rump_msghdr
#define cmsghdr rump_cmsghdr
#define linger rump_linger

#define CMSG_ALIGN(n) RUMP_CMSG_ALIGN(n)
#define CMSG_SPACE(n) RUMP_CMSG_SPACE(n)
#define CMSG_LEN(n) RUMP_CMSG_LEN(n)
#define CMSG_DATA(c) RUMP_CMSG_DATA(c)

/* The smallest address: sa_len and sa_family. */
#define SOCKADDR_HDRLEN 2
#endif
