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

#include <rump/rumpabi.h>
#include <rump/rumpdefs.h>
#include <rump/rumphost.h>

enum optkind {
	OPT_INT,     /* int, the same values */
	OPT_RAW,     /* bytes as they are (struct linger, ip_mreq, ucred) */
	OPT_TIMEO,   /* struct timeval <-> struct rump_timeval */
	OPT_ERRNO,   /* int errno (get only) */
	OPT_DOMAIN,  /* int family (get only) */
	OPT_TCPINFO, /* struct rump_tcp_info -> struct tcp_info (get only) */
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
	{IPPROTO_TCP, TCP_INFO, RUMP_IPPROTO_TCP, RUMP_TCP_INFO, OPT_TCPINFO},
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

/* The kernel's connection states in Linux's numbering (TCP_ESTABLISHED...). */
static const uint8_t tcpi_states[] = {
	[RUMP_TCPI_CLOSED] = TCP_CLOSE,
	[RUMP_TCPI_LISTEN] = TCP_LISTEN,
	[RUMP_TCPI_SYN_SENT] = TCP_SYN_SENT,
	[RUMP_TCPI_SYN_RECEIVED] = TCP_SYN_RECV,
	[RUMP_TCPI_ESTABLISHED] = TCP_ESTABLISHED,
	[RUMP_TCPI_CLOSE_WAIT] = TCP_CLOSE_WAIT,
	[RUMP_TCPI_FIN_WAIT_1] = TCP_FIN_WAIT1,
	[RUMP_TCPI_CLOSING] = TCP_CLOSING,
	[RUMP_TCPI_LAST_ACK] = TCP_LAST_ACK,
	[RUMP_TCPI_FIN_WAIT_2] = TCP_FIN_WAIT2,
	[RUMP_TCPI_TIME_WAIT] = TCP_TIME_WAIT,
};

/* struct rump_tcp_info to glibc's struct tcp_info. */
static void tcpinfo_to_host(const struct rump_tcp_info *k, struct tcp_info *h)
{
	memset(h, 0, sizeof(*h));
	h->tcpi_state = k->tcpi_state < sizeof(tcpi_states)
				? tcpi_states[k->tcpi_state]
				: TCP_CLOSE;
	h->tcpi_ca_state = 0; /* TCP_CA_Open: no such state in the kernel */
	h->tcpi_retransmits = k->tcpi_retransmits;
	h->tcpi_probes = k->tcpi_probes;
	h->tcpi_backoff = k->tcpi_backoff;
	if (k->tcpi_options & RUMP_TCPI_OPT_TIMESTAMPS)
		h->tcpi_options |= TCPI_OPT_TIMESTAMPS;
	if (k->tcpi_options & RUMP_TCPI_OPT_SACK)
		h->tcpi_options |= TCPI_OPT_SACK;
	if (k->tcpi_options & RUMP_TCPI_OPT_WSCALE)
		h->tcpi_options |= TCPI_OPT_WSCALE;
	h->tcpi_snd_wscale = k->tcpi_snd_wscale & 0xf;
	h->tcpi_rcv_wscale = k->tcpi_rcv_wscale & 0xf;
	h->tcpi_rto = k->tcpi_rto;
	h->tcpi_ato = k->tcpi_ato;
	h->tcpi_snd_mss = k->tcpi_snd_mss;
	h->tcpi_rcv_mss = k->tcpi_rcv_mss;
	h->tcpi_unacked = k->tcpi_unacked;
	h->tcpi_sacked = k->tcpi_sacked;
	h->tcpi_lost = k->tcpi_lost;
	h->tcpi_retrans = k->tcpi_retrans;
	h->tcpi_last_data_sent = k->tcpi_last_data_sent;
	h->tcpi_last_data_recv = k->tcpi_last_data_recv;
	h->tcpi_last_ack_recv = k->tcpi_last_ack_recv;
	h->tcpi_pmtu = k->tcpi_pmtu;
	h->tcpi_rcv_ssthresh = k->tcpi_rcv_ssthresh;
	h->tcpi_rtt = k->tcpi_rtt;
	h->tcpi_rttvar = k->tcpi_rttvar;
	h->tcpi_snd_ssthresh = k->tcpi_snd_ssthresh;
	h->tcpi_snd_cwnd = k->tcpi_snd_cwnd;
	h->tcpi_advmss = k->tcpi_advmss;
	h->tcpi_reordering = k->tcpi_reordering;
	h->tcpi_rcv_space = k->tcpi_rcv_space;
	h->tcpi_total_retrans = k->tcpi_total_retrans;
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
	} else if (o != NULL && o->kind == OPT_TCPINFO &&
		   klen >= sizeof(struct rump_tcp_info)) {
		struct rump_tcp_info kti;
		struct tcp_info hti;

		_Static_assert(sizeof(hti) <= sizeof(tmp), "tcp_info fits");
		memcpy(&kti, kbuf, sizeof(kti));
		tcpinfo_to_host(&kti, &hti);
		len = sizeof(hti);
		memcpy(tmp, &hti, len);
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
