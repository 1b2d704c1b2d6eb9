/*
 * uipc_sockopt.c -- getsockopt and setsockopt.  SOL_SOCKET options are
 * the socket layer's (with Linux's rules: buffer sizes are doubled and
 * clamped, timeouts are struct rump_timeval with EDOM for bad
 * microseconds, a get truncates to the caller's size); other levels go
 * to the protocol's pr_ctloutput.  Values are kernel copies.
 */
#include <sys/domain.h>
#include <sys/errno.h>
#include <sys/systm.h>
#include <sys/time.h>

#include "net_private.h"

int sockopt_get(const struct sockopt *sopt, void *buf, size_t len)
{
	if (sopt->sopt_size < len)
		return EINVAL;
	memcpy(buf, sopt->sopt_data, len);
	return 0;
}

int sockopt_getint(const struct sockopt *sopt, int *valp)
{
	int32_t v;
	int error = sockopt_get(sopt, &v, sizeof(v));

	if (error == 0)
		*valp = v;
	return error;
}

int sockopt_set(struct sockopt *sopt, const void *buf, size_t len)
{
	len = MIN(len, sopt->sopt_size);
	memcpy(sopt->sopt_data, buf, len);
	sopt->sopt_retsize = len;
	return 0;
}

int sockopt_setint(struct sockopt *sopt, int val)
{
	int32_t v = val;

	return sockopt_set(sopt, &v, sizeof(v));
}

/* Options that are a flag in so_options. */
static bool so_isflag(int name)
{
	switch (name) {
	case SO_DEBUG:
	case SO_REUSEADDR:
	case SO_KEEPALIVE:
	case SO_DONTROUTE:
	case SO_BROADCAST:
	case SO_USELOOPBACK:
	case SO_OOBINLINE:
	case SO_REUSEPORT:
	case SO_NOSIGPIPE:
	case SO_TIMESTAMP:
		return true;
	default:
		return false;
	}
}

static int so_settimeo(struct sockbuf *sb, const struct sockopt *sopt)
{
	struct rump_timeval tv;
	int error;

	if ((error = sockopt_get(sopt, &tv, sizeof(tv))) != 0)
		return error;
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return EDOM;
	if (tv.tv_sec < 0)
		sb->sb_timeo_ns = -1; /* Linux: time out at once */
	else if (tv.tv_sec > INT64_MAX / (int64_t)NSEC_PER_SEC - 1)
		sb->sb_timeo_ns = 0; /* for ever, as good as */
	else
		sb->sb_timeo_ns =
			tv.tv_sec * (int64_t)NSEC_PER_SEC + tv.tv_usec * 1000;
	return 0;
}

static int so_gettimeo(const struct sockbuf *sb, struct sockopt *sopt)
{
	struct rump_timeval tv = {0, 0};

	if (sb->sb_timeo_ns > 0) {
		tv.tv_sec = sb->sb_timeo_ns / (int64_t)NSEC_PER_SEC;
		tv.tv_usec = (sb->sb_timeo_ns % (int64_t)NSEC_PER_SEC) / 1000;
	}
	return sockopt_set(sopt, &tv, sizeof(tv));
}

int so_setsockopt(struct socket *so, struct sockopt *sopt)
{
	struct linger lg;
	int val, error;

	if (so_isflag(sopt->sopt_name)) {
		if ((error = sockopt_getint(sopt, &val)) != 0)
			return error;
		if (val)
			so->so_options |= (short)sopt->sopt_name;
		else
			so->so_options &= (short)~sopt->sopt_name;
		return 0;
	}
	switch (sopt->sopt_name) {
	case SO_LINGER:
		if ((error = sockopt_get(sopt, &lg, sizeof(lg))) != 0)
			return error;
		if (lg.l_onoff) {
			so->so_options |= SO_LINGER;
			so->so_linger = lg.l_linger < 0 ? 0 : lg.l_linger;
		} else
			so->so_options &= ~SO_LINGER;
		return 0;
	case SO_SNDBUF:
	case SO_RCVBUF: {
		struct sockbuf *sb = sopt->sopt_name == SO_SNDBUF ? &so->so_snd
								  : &so->so_rcv;
		size_t floor = sopt->sopt_name == SO_SNDBUF ? SO_MIN_SNDBUF
							    : SO_MIN_RCVBUF;
		size_t want;

		if ((error = sockopt_getint(sopt, &val)) != 0)
			return error;
		/* Linux doubles the value, for its bookkeeping. */
		want = val < 0 ? floor
			       : MIN((size_t)val, (size_t)SB_MAX / 2) * 2;
		want = MAX(want, floor);
		if ((error = sbreserve(sb, want)) != 0)
			return error;
		/* Sized by the application: the protocol must not autotune. */
		sb->sb_flags &= ~SB_AUTOSIZE;
		if (sb == &so->so_snd)
			sowwakeup(so);
		return 0;
	}
	case SO_RCVLOWAT:
		if ((error = sockopt_getint(sopt, &val)) != 0)
			return error;
		so->so_rcv.sb_lowat =
			val < 1 ? 1 : MIN((size_t)val, so->so_rcv.sb_hiwat);
		sorwakeup(so);
		return 0;
	case SO_SNDTIMEO:
		return so_settimeo(&so->so_snd, sopt);
	case SO_RCVTIMEO:
		return so_settimeo(&so->so_rcv, sopt);
	default:
		/* SO_SNDLOWAT, SO_TYPE, SO_ERROR ...: not settable (Linux). */
		return ENOPROTOOPT;
	}
}

int so_getsockopt(struct socket *so, struct sockopt *sopt)
{
	struct linger lg;
	int val;

	if (so_isflag(sopt->sopt_name))
		return sockopt_setint(sopt,
				      (so->so_options & sopt->sopt_name) != 0);
	switch (sopt->sopt_name) {
	case SO_LINGER:
		lg.l_onoff = (so->so_options & SO_LINGER) != 0;
		lg.l_linger = so->so_linger;
		return sockopt_set(sopt, &lg, sizeof(lg));
	case SO_SNDBUF:
		return sockopt_setint(sopt, (int)so->so_snd.sb_hiwat);
	case SO_RCVBUF:
		return sockopt_setint(sopt, (int)so->so_rcv.sb_hiwat);
	case SO_SNDLOWAT:
		return sockopt_setint(sopt, 1); /* Linux's fixed value */
	case SO_RCVLOWAT:
		return sockopt_setint(sopt, (int)so->so_rcv.sb_lowat);
	case SO_SNDTIMEO:
		return so_gettimeo(&so->so_snd, sopt);
	case SO_RCVTIMEO:
		return so_gettimeo(&so->so_rcv, sopt);
	case SO_ERROR:
		val = so->so_error;
		so->so_error = 0;
		return sockopt_setint(sopt, val);
	case SO_TYPE:
		return sockopt_setint(sopt, so->so_type);
	case SO_ACCEPTCONN:
		return sockopt_setint(sopt,
				      (so->so_options & SO_ACCEPTCONN) != 0);
	case SO_DOMAIN:
		return sockopt_setint(sopt,
				      so->so_proto->pr_domain->dom_family);
	case SO_PROTOCOL:
		return sockopt_setint(sopt, so->so_proto->pr_protocol);
	default:
		return ENOPROTOOPT;
	}
}

int sosetopt(struct socket *so, struct sockopt *sopt)
{
	const struct pr_usrreqs *pru = so->so_proto->pr_usrreqs;
	int error;

	solock();
	if (sopt->sopt_level == SOL_SOCKET) {
		error = so_setsockopt(so, sopt);
		/* The protocol may want to know (SO_KEEPALIVE ...). */
		if (error == 0 && pru->pr_ctloutput != NULL &&
		    so->so_pcb != NULL)
			(void)pru->pr_ctloutput(PRCO_SETOPT, so, sopt);
	} else if (pru->pr_ctloutput != NULL && so->so_pcb != NULL)
		error = pru->pr_ctloutput(PRCO_SETOPT, so, sopt);
	else
		error = ENOPROTOOPT;
	sounlock();
	return error;
}

int sogetopt(struct socket *so, struct sockopt *sopt)
{
	const struct pr_usrreqs *pru = so->so_proto->pr_usrreqs;
	int error;

	solock();
	sopt->sopt_retsize = 0;
	if (sopt->sopt_level == SOL_SOCKET) {
		error = so_getsockopt(so, sopt);
		/* SO_PEERCRED and the like: the protocol knows. */
		if (error == ENOPROTOOPT && pru->pr_ctloutput != NULL &&
		    so->so_pcb != NULL)
			error = pru->pr_ctloutput(PRCO_GETOPT, so, sopt);
	} else if (pru->pr_ctloutput != NULL && so->so_pcb != NULL)
		error = pru->pr_ctloutput(PRCO_GETOPT, so, sopt);
	else
		error = ENOPROTOOPT;
	sounlock();
	return error;
}
