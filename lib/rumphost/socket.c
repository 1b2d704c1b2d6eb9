/*
 * socket.c -- socket domains, types and message flags between the
 * host's values (Linux's AF_*, SOCK_*, MSG_*) and the kernel's RUMP_*
 * ones (NetBSD's).  Values the kernel lacks are refused here with the
 * errno Linux gives for a value it does not know, so they never reach
 * the kernel as something else.
 */
#include <errno.h>
#include <sys/socket.h>

#include <rump/rumpdefs.h>
#include <rump/rumphost.h>

#include "bits.h"

static const struct rumphost_bits domains[] = {
	{AF_UNIX, RUMP_AF_UNIX},
	{AF_INET, RUMP_AF_INET},
	{AF_INET6, RUMP_AF_INET6},
	/*
	 * Linux has no BSD routing socket (its AF_ROUTE is AF_NETLINK, a
	 * different protocol, refused): a program names the kernel's
	 * RUMP_PF_ROUTE, which passes as it is (Linux's 34, AF_ISDN, has
	 * no other meaning here).  docs/routesock.md.
	 */
	{RUMP_AF_ROUTE, RUMP_AF_ROUTE},
};

int rumphost_sockdomain_to_kernel(int host, int64_t *kernel)
{
	if (host == AF_UNSPEC) {
		*kernel = RUMP_AF_UNSPEC;
		return 0;
	}
	for (size_t i = 0; i < RUMPHOST_NBITS(domains); i++) {
		if ((int)domains[i].host == host) {
			*kernel = (int64_t)domains[i].kernel;
			return 0;
		}
	}
	return EAFNOSUPPORT;
}

int rumphost_sockdomain_to_host(int64_t kernel, int *host)
{
	if (kernel == RUMP_AF_UNSPEC) {
		*host = AF_UNSPEC;
		return 0;
	}
	for (size_t i = 0; i < RUMPHOST_NBITS(domains); i++) {
		if ((int64_t)domains[i].kernel == kernel) {
			*host = (int)domains[i].host;
			return 0;
		}
	}
	return EAFNOSUPPORT;
}

static const struct rumphost_bits sockflags[] = {
	{SOCK_NONBLOCK, RUMP_SOCK_NONBLOCK},
	{SOCK_CLOEXEC, RUMP_SOCK_CLOEXEC},
};

int rumphost_sockflags_to_kernel(int host, int64_t *kernel)
{
	uint64_t out;
	int error;

	error = rumphost_bits_to_kernel(sockflags, RUMPHOST_NBITS(sockflags),
					(uint32_t)host, &out);
	if (error == 0)
		*kernel = (int64_t)out;
	return error;
}

/* Linux's SOCK_MAX: types at or above it are EINVAL before any family. */
#define HOST_SOCK_MAX 11

int rumphost_socktype_to_kernel(int host, int64_t *kernel)
{
	int type = host & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	int64_t flags;
	int error;

	if (type < 0 || type >= HOST_SOCK_MAX)
		return EINVAL;
	/* SOCK_STREAM ... SOCK_SEQPACKET have the same numbers in both. */
	error = rumphost_sockflags_to_kernel(
		host & (SOCK_NONBLOCK | SOCK_CLOEXEC), &flags);
	if (error == 0)
		*kernel = type | flags;
	return error;
}

static const struct rumphost_bits msgflags[] = {
	{MSG_OOB, RUMP_MSG_OOB},
	{MSG_PEEK, RUMP_MSG_PEEK},
	{MSG_DONTROUTE, RUMP_MSG_DONTROUTE},
	{MSG_EOR, RUMP_MSG_EOR},
	{MSG_TRUNC, RUMP_MSG_TRUNC},
	{MSG_CTRUNC, RUMP_MSG_CTRUNC},
	{MSG_WAITALL, RUMP_MSG_WAITALL},
	{MSG_DONTWAIT, RUMP_MSG_DONTWAIT},
	{MSG_NOSIGNAL, RUMP_MSG_NOSIGNAL},
	{MSG_CMSG_CLOEXEC, RUMP_MSG_CMSG_CLOEXEC},
	{MSG_WAITFORONE, RUMP_MSG_WAITFORONE},
	/* Hints with nothing to do here: dropped. */
	{MSG_MORE, 0},
	{MSG_CONFIRM, 0},
};

int rumphost_msgflags_to_kernel(int host, int64_t *kernel)
{
	uint64_t out;
	int error;

	error = rumphost_bits_to_kernel(msgflags, RUMPHOST_NBITS(msgflags),
					(uint32_t)host, &out);
	if (error == 0)
		*kernel = (int64_t)out;
	return error;
}

int rumphost_msgflags_to_host(int64_t kernel, int *host)
{
	int out = 0;

	for (size_t i = 0; i < RUMPHOST_NBITS(msgflags); i++) {
		if (msgflags[i].kernel != 0 &&
		    (kernel & (int64_t)msgflags[i].kernel) != 0)
			out |= (int)msgflags[i].host;
	}
	/* Broadcast and multicast reception have no Linux flag. */
	*host = out;
	return 0;
}
