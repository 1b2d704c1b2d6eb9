/*
 * sockaddr.c -- socket addresses between the host's layout (a 16-bit
 * family, then the body) and the kernel's (BSD's sa_len byte, an 8-bit
 * family, the same body).  The bodies of sockaddr_un, sockaddr_in and
 * sockaddr_in6 agree byte for byte, so only the header changes and the
 * length stays the same number.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rump/rumpdefs.h>
#include <rump/rumphost.h>

/* Both headers (family, or length and family) take two bytes. */
#define HDRLEN 2
/* The kernel's family for one no domain has. */
#define NO_FAMILY 255

int rumphost_sockaddr_to_kernel(const struct sockaddr *host,
				unsigned int hostlen,
				struct rump_sockaddr_storage *kernel,
				unsigned int *kernlen)
{
	int64_t family;

	memset(kernel, 0, sizeof(*kernel));
	if (hostlen > sizeof(struct sockaddr_storage))
		return EINVAL;
	if (hostlen == 0) {
		*kernlen = 0;
		return 0;
	}
	if (host == NULL)
		return EFAULT;
	if (hostlen < HDRLEN) {
		/* Too short for a family: the kernel answers EINVAL. */
		*kernlen = hostlen;
		return 0;
	}
	if (rumphost_sockdomain_to_kernel(host->sa_family, &family) != 0)
		family = NO_FAMILY;
	kernel->ss_len = (uint8_t)hostlen;
	kernel->ss_family = (uint8_t)family;
	memcpy(kernel->ss_data, (const char *)host + HDRLEN, hostlen - HDRLEN);
	*kernlen = hostlen;
	return 0;
}

int rumphost_sockaddr_to_host(const struct rump_sockaddr *kernel,
			      unsigned int kernlen, struct sockaddr *host,
			      unsigned int *hostlen)
{
	struct sockaddr_storage ss;
	unsigned int len;
	int family;

	len = kernel->sa_len;
	if (len > kernlen)
		len = kernlen;
	if (len > sizeof(ss))
		len = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (len >= HDRLEN) {
		if (rumphost_sockdomain_to_host(kernel->sa_family, &family) !=
		    0)
			family = AF_UNSPEC;
		ss.ss_family = (sa_family_t)family;
		memcpy((char *)&ss + HDRLEN, (const char *)kernel + HDRLEN,
		       len - HDRLEN);
	}
	if (len > 0 && *hostlen > 0)
		memcpy(host, &ss, len < *hostlen ? len : *hostlen);
	*hostlen = len;
	return 0;
}
