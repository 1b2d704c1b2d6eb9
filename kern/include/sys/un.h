/*
 * sys/un.h -- local (AF_LOCAL) socket addresses in the kernel ABI.  A
 * name is a path (NUL-terminated or filling sun_len), or, starting with
 * a NUL byte, an abstract name of sun_len - 2 bytes that lives outside
 * any file system (Linux's abstract namespace).  sun_len 2 (no name at
 * all) asks bind for an autobound abstract name, as Linux does.
 */
#ifndef RUMPKERN_SYS_UN_H_
#define RUMPKERN_SYS_UN_H_
#include <sys/socket.h>

#define sockaddr_un rump_sockaddr_un
#define ucred rump_ucred
#endif
