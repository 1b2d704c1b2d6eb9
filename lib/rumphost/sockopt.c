/*
 * sockopt.c -- socket option levels, names and values between Linux and
 * the kernel.  Options are listed by name with the kind of their value;
 * an option the kernel lacks is ENOPROTOOPT, as Linux says of an option
 * it does not know.  Levels other than SOL_SOCKET are protocol numbers,
 * the same on both sides.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <rump/rumpdefs.h>
#include <rump/rumphost.h>

enum optkind {
	OPT_INT,    /* int, the same values */
	OPT_RAW,    /* bytes as they are (struct linger, ip_mreq, ucred) */
	OPT_TIMEO,  /* struct timeval <-> struct rump_timeval */
	OPT_ERRNO,  /* int errno (get only) */
	OPT_DOMAIN, /* int family (get only) */
};

struct optmap {
	int level, name;
	int klevel, kname;
	enum optkind kind;
};

static const struct optmap opts[] = {
	{SOL_SOCKET, SO_DEBUG, RUMP_SOL_SOCKET, RUMP_SO_DEBUG, OPT_INT},
	{SOL_SOCKET, SO_REUSEADDR, RUMP_SOL_SOCKET, RUMP_SO_REUSEADDR, OPT_INT},
	{SOL_SOCKET, SO_REUSEPORT, RUMP_SOL_SOCKET, RUMP_SO_REUSEPORT, OPT_INT},
	{SOL_SOCKET, SO_KEEPALIVE, RUMP_SOL_SOCKET, RUMP_SO_KEEPALIVE, OPT_INT},
	{SOL_SOCKET, SO_DONTROUTE, RUMP_SOL_SOCKET, RUMP_SO_DONTROUTE, OPT_INT},
	{SOL_SOCKET, SO_BROADCAST, RUMP_SOL_SOCKET, RUMP_SO_BROADCAST, OPT_INT},
	{SOL_SOCKET, SO_OOBINLINE, RUMP_SOL_SOCKET, RUMP_SO_OOBINLINE, OPT_INT},
	{SOL_SOCKET, SO_TIMESTAMP, RUMP_SOL_SOCKET, RUMP_SO_TIMESTAMP, OPT_INT},
	{SOL_SOCKET, SO_SNDBUF, RUMP_SOL_SOCKET, RUMP_SO_SNDBUF, OPT_INT},
	{SOL_SOCKET, SO_RCVBUF, RUMP_SOL_SOCKET, RUMP_SO_RCVBUF, OPT_INT},
	{SOL_SOCKET, SO_SNDLOWAT, RUMP_SOL_SOCKET, RUMP_SO_SNDLOWAT, OPT_INT},
	{SOL_SOCKET, SO_RCVLOWAT, RUMP_SOL_SOCKET, RUMP_SO_RCVLOWAT, OPT_INT},
	{SOL_SOCKET, SO_TYPE, RUMP_SOL_SOCKET, RUMP_SO_TYPE, OPT_INT},
	{SOL_SOCKET, SO_ACCEPTCONN, RUMP_SOL_SOCKET, RUMP_SO_ACCEPTCONN,
	 OPT_INT},
	{SOL_SOCKET, SO_PROTOCOL, RUMP_SOL_SOCKET, RUMP_SO_PROTOCOL, OPT_INT},
	{SOL_SOCKET, SO_DOMAIN, RUMP_SOL_SOCKET, RUMP_SO_DOMAIN, OPT_DOMAIN},
	{SOL_SOCKET, SO_ERROR, RUMP_SOL_SOCKET, RUMP_SO_ERROR, OPT_ERRNO},
	{SOL_SOCKET, SO_LINGER, RUMP_SOL_SOCKET, RUMP_SO_LINGER, OPT_RAW},
	{SOL_SOCKET, SO_PEERCRED, RUMP_SOL_SOCKET, RUMP_SO_PEERCRED, OPT_RAW},
	{SOL_SOCKET, SO_RCVTIMEO, RUMP_SOL_SOCKET, RUMP_SO_RCVTIMEO, OPT_TIMEO},
	{SOL_SOCKET, SO_SNDTIMEO, RUMP_SOL_SOCKET, RUMP_SO_SNDTIMEO, OPT_TIMEO},
	{IPPROTO_IP, IP_OPTIONS, RUMP_IPPROTO_IP, RUMP_IP_OPTIONS, OPT_RAW},
	{IPPROTO_IP, IP_HDRINCL, RUMP_IPPROTO_IP, RUMP_IP_HDRINCL, OPT_INT},
	{IPPROTO_IP, IP_TOS, RUMP_IPPROTO_IP, RUMP_IP_TOS, OPT_INT},
	{IPPROTO_IP, IP_TTL, RUMP_IPPROTO_IP, RUMP_IP_TTL, OPT_INT},
	{IPPROTO_IP, IP_RECVTTL, RUMP_IPPROTO_IP, RUMP_IP_RECVTTL, OPT_INT},
	{IPPROTO_IP, IP_PKTINFO, RUMP_IPPROTO_IP, RUMP_IP_PKTINFO, OPT_INT},
	{IPPROTO_IP, IP_MULTICAST_IF, RUMP_IPPROTO_IP, RUMP_IP_MULTICAST_IF,
	 OPT_RAW},
	{IPPROTO_IP, IP_MULTICAST_TTL, RUMP_IPPROTO_IP, RUMP_IP_MULTICAST_TTL,
	 OPT_RAW},
	{IPPROTO_IP, IP_MULTICAST_LOOP, RUMP_IPPROTO_IP, RUMP_IP_MULTICAST_LOOP,
	 OPT_RAW},
	{IPPROTO_IP, IP_ADD_MEMBERSHIP, RUMP_IPPROTO_IP, RUMP_IP_ADD_MEMBERSHIP,
	 OPT_RAW},
	{IPPROTO_IP, IP_DROP_MEMBERSHIP, RUMP_IPPROTO_IP,
	 RUMP_IP_DROP_MEMBERSHIP, OPT_RAW},
	{IPPROTO_TCP, TCP_NODELAY, RUMP_IPPROTO_TCP, RUMP_TCP_NODELAY, OPT_INT},
	{IPPROTO_TCP, TCP_MAXSEG, RUMP_IPPROTO_TCP, RUMP_TCP_MAXSEG, OPT_INT},
	{IPPROTO_TCP, TCP_KEEPIDLE, RUMP_IPPROTO_TCP, RUMP_TCP_KEEPIDLE,
	 OPT_INT},
	{IPPROTO_TCP, TCP_KEEPINTVL, RUMP_IPPROTO_TCP, RUMP_TCP_KEEPINTVL,
	 OPT_INT},
	{IPPROTO_TCP, TCP_KEEPCNT, RUMP_IPPROTO_TCP, RUMP_TCP_KEEPCNT, OPT_INT},
};
#define NOPTS (sizeof(opts) / sizeof(opts[0]))

/* Levels whose option names this table knows completely. */
static bool level_known(int level)
{
	return level == SOL_SOCKET || level == IPPROTO_IP ||
	       level == IPPROTO_TCP;
}

static const struct optmap *opt_find(int level, int name)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].level == level && opts[i].name == name)
			return &opts[i];
	return NULL;
}

int rumphost_sockopt_to_kernel(int level, int name, int64_t *klevel,
			       int64_t *kname)
{
	const struct optmap *o = opt_find(level, name);

	if (o != NULL) {
		*klevel = o->klevel;
		*kname = o->kname;
		return 0;
	}
	if (level_known(level))
		return ENOPROTOOPT;
	/* Another protocol's level: numbers as they are. */
	*klevel = level;
	*kname = name;
	return 0;
}

int rumphost_sockoptval_to_kernel(int level, int name, const void *host,
				  unsigned int hostlen, void *kbuf,
				  unsigned int *klen)
{
	const struct optmap *o = opt_find(level, name);
	struct rump_timeval ktv;
	struct timeval tv;

	if (o != NULL && o->kind == OPT_TIMEO) {
		if (hostlen < sizeof(tv))
			return EINVAL;
		if (host == NULL)
			return EFAULT;
		memcpy(&tv, host, sizeof(tv));
		ktv.tv_sec = tv.tv_sec;
		ktv.tv_usec = tv.tv_usec;
		if (*klen < sizeof(ktv))
			return EINVAL;
		memcpy(kbuf, &ktv, sizeof(ktv));
		*klen = sizeof(ktv);
		return 0;
	}
	if (hostlen > *klen)
		hostlen = *klen;
	if (hostlen > 0) {
		if (host == NULL)
			return EFAULT;
		memcpy(kbuf, host, hostlen);
	}
	*klen = hostlen;
	return 0;
}

int rumphost_sockoptval_to_host(int level, int name, const void *kbuf,
				unsigned int klen, void *host,
				unsigned int *hostlen)
{
	const struct optmap *o = opt_find(level, name);
	unsigned char tmp[256];
	unsigned int len = klen;
	int32_t v;
	int hv;

	if (len > sizeof(tmp))
		len = sizeof(tmp);
	memcpy(tmp, kbuf, len);
	if (o != NULL && o->kind == OPT_TIMEO &&
	    klen >= sizeof(struct rump_timeval)) {
		struct rump_timeval ktv;
		struct timeval tv;

		memcpy(&ktv, kbuf, sizeof(ktv));
		memset(&tv, 0, sizeof(tv));
		tv.tv_sec = ktv.tv_sec;
		tv.tv_usec = ktv.tv_usec;
		len = sizeof(tv);
		memcpy(tmp, &tv, len);
	} else if (o != NULL && klen >= sizeof(v) &&
		   (o->kind == OPT_ERRNO || o->kind == OPT_DOMAIN)) {
		memcpy(&v, kbuf, sizeof(v));
		if (o->kind == OPT_ERRNO)
			hv = rumphost_errno_host(v);
		else if (rumphost_sockdomain_to_host(v, &hv) != 0)
			hv = AF_UNSPEC;
		v = hv;
		memcpy(tmp, &v, sizeof(v));
	}
	if (len > *hostlen)
		len = *hostlen;
	if (len > 0) {
		if (host == NULL)
			return EFAULT;
		memcpy(host, tmp, len);
	}
	*hostlen = len;
	return 0;
}
