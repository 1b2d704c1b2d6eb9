/*
 * sp_url.h -- the server addresses of remote system calls, for the server
 * and the client alike: unix://relative/path, unix:///absolute/path and
 * tcp://addr:port (addr a name or a numeric IPv4/IPv6 address, IPv6 in
 * brackets).  Returns 0 or a host errno (EINVAL for a malformed URL).
 */
#ifndef LIB_SP_SP_URL_H_
#define LIB_SP_SP_URL_H_

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

struct sp_addr {
	struct sockaddr_storage sa;
	socklen_t salen;
	int family; /* AF_UNIX, AF_INET, AF_INET6 */
};

static inline int sp_url_parse(const char *url, struct sp_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (strncmp(url, "unix://", 7) == 0) {
		struct sockaddr_un *sun = (struct sockaddr_un *)&a->sa;
		const char *path = url + 7;
		if (*path == '\0' || strlen(path) >= sizeof(sun->sun_path))
			return EINVAL;
		sun->sun_family = AF_UNIX;
		strcpy(sun->sun_path, path);
		a->salen = sizeof(*sun);
		a->family = AF_UNIX;
		return 0;
	}
	if (strncmp(url, "tcp://", 6) == 0) {
		char host[256];
		const char *h = url + 6, *colon = strrchr(h, ':');
		struct addrinfo hints, *res;
		size_t hl;

		if (colon == NULL || colon[1] == '\0')
			return EINVAL;
		hl = (size_t)(colon - h);
		if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
			h++;
			hl -= 2;
		}
		if (hl == 0 || hl >= sizeof(host))
			return EINVAL;
		memcpy(host, h, hl);
		host[hl] = '\0';
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_NUMERICSERV;
		if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
			return EINVAL;
		if (res->ai_addrlen > sizeof(a->sa)) {
			freeaddrinfo(res);
			return EINVAL;
		}
		memcpy(&a->sa, res->ai_addr, res->ai_addrlen);
		a->salen = res->ai_addrlen;
		a->family = res->ai_family;
		freeaddrinfo(res);
		return 0;
	}
	return EINVAL;
}

/* A loopback address (127/8, ::1): the only TCP addresses served without
 * the server's explicit flag for others. */
static inline bool sp_addr_is_loopback(const struct sp_addr *a)
{
	if (a->family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)&a->sa;
		return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	}
	if (a->family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)&a->sa;
		return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
	}
	return a->family == AF_UNIX;
}

#endif
