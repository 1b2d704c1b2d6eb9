/*
 * tcp_usrreq.c -- TCP's user requests, the ops table the socket layer
 * calls (sys/protosw.h): attach, bind, listen, connect, accept, send,
 * rcvd, shutdown, disconnect, abort, detach and the TCP socket options.
 * The socket layer holds softnet_lock around each and does all waiting;
 * these only change state and call tcp_output.  On close a connection
 * that still has data or a FIN to deliver keeps its tcpcb and socket
 * (SS_NOFDREF) until it is done, then tcp_close frees the socket.
 */
#include <netinet/in_pcb.h>
#include <netinet/ip_var.h>
#include <netinet/tcp_var.h>
#include <sys/mbuf.h>
#include <sys/protosw.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

static struct tcpcb *sototcpcb(struct socket *so)
{
	struct inpcb *inp = sotoinpcb(so);

	return inp != NULL ? inp->inp_ppcb : NULL;
}

/* Close from a user request: the socket layer frees the socket itself. */
static void tcp_usr_close(struct tcpcb *tp)
{
	tp->t_flags |= TF_INUSRREQ;
	tcp_close(tp);
}

static void tcp_usr_drop(struct tcpcb *tp, int error)
{
	tp->t_flags |= TF_INUSRREQ;
	tcp_drop(tp, error);
}

/*
 * The user will send no more (RFC 9293 3.10.4 CLOSE).  Returns the
 * tcpcb, or NULL if the connection was closed at once.
 */
static struct tcpcb *tcp_usrclosed(struct tcpcb *tp)
{
	struct socket *so = tp->t_socket;

	switch (tp->t_state) {
	case TCPS_CLOSED:
	case TCPS_LISTEN:
	case TCPS_SYN_SENT:
		tcp_usr_close(tp);
		return NULL;
	case TCPS_SYN_RECEIVED:
	case TCPS_ESTABLISHED:
		tp->t_state = TCPS_FIN_WAIT_1;
		break;
	case TCPS_CLOSE_WAIT:
		tp->t_state = TCPS_LAST_ACK;
		break;
	}
	if (tp->t_state >= TCPS_FIN_WAIT_2 && so != NULL)
		soisdisconnected(so);
	return tp;
}

static int tcp_attach(struct socket *so, int proto)
{
	struct tcpcb *tp;
	int error;

	(void)proto;
	if (!tcp_active)
		return EPROTONOSUPPORT;
	bool defaults = so->so_snd.sb_hiwat == 0 || so->so_rcv.sb_hiwat == 0;

	if (defaults) {
		error = soreserve(so, TCP_SNDBUF_DEFAULT, TCP_RCVWIN_DEFAULT);
		if (error != 0)
			return error;
	}
	tcp_autobuf_attach(so, defaults);
	error = in_pcballoc(so, &tcbtable);
	if (error != 0)
		return error;
	tp = tcp_newtcpcb(sotoinpcb(so));
	if (tp == NULL) {
		in_pcbdetach(sotoinpcb(so));
		return ENOBUFS;
	}
	tp->t_keepidle = TCPTV_KEEPIDLE_MS;
	tp->t_keepintvl = TCPTV_KEEPINTVL_MS;
	tp->t_keepcntmax = TCPTV_KEEPCNT;
	return 0;
}

static void tcp_detach(struct socket *so)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp == NULL)
		return;
	if (tp->t_state == TCPS_TIME_WAIT) {
		tcp_detach_socket(tp);
		return;
	}
	if (!TCPS_HAVEESTABLISHED(tp->t_state)) {
		tcp_usr_close(tp);
		return;
	}
	/*
	 * SO_LINGER with 0 s aborts; so does unread data (RFC 2525 2.17,
	 * what Linux does): the peer must learn the data was not read.
	 */
	if (((so->so_options & SO_LINGER) && so->so_linger == 0) ||
	    so->so_rcv.sb_cc > 0) {
		sbflush(&so->so_rcv);
		tcp_usr_drop(tp, 0);
		return;
	}
	if (!TCPS_HAVESENTFIN(tp->t_state)) {
		soisdisconnecting(so);
		tp = tcp_usrclosed(tp);
		if (tp == NULL)
			return;
		(void)tcp_output(tp);
	}
	if (tp->t_flags & TF_DEAD)
		return;
	if (tp->t_state == TCPS_TIME_WAIT) {
		tcp_detach_socket(tp);
		return;
	}
	if (tp->t_state == TCPS_FIN_WAIT_2 && !tcp_timer_armed(tp, TCPT_2MSL))
		tcp_timer_arm(tp, TCPT_2MSL, TCP_FIN_WAIT_2_MS);
	/* The connection finishes without its file; tcp_close frees so. */
}

static int tcp_bind(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	struct inpcb *inp = sotoinpcb(so);

	if (inp == NULL)
		return EINVAL;
	if (nam->sa_family != AF_INET && nam->sa_family != AF_UNSPEC)
		return EAFNOSUPPORT;
	return in_pcbbind(inp, (struct sockaddr_in *)nam, l);
}

static int tcp_listen(struct socket *so, struct lwp *l)
{
	struct inpcb *inp = sotoinpcb(so);
	struct tcpcb *tp = sototcpcb(so);
	int error;

	if (tp == NULL)
		return EINVAL;
	if (tp->t_state != TCPS_CLOSED && tp->t_state != TCPS_LISTEN)
		return EINVAL;
	if (inp->inp_state == INP_ATTACHED)
		error = in_pcbbind(inp, NULL, l);
	else
		error = in_pcbcheckbind(inp);
	if (error != 0)
		return error;
	tp->t_state = TCPS_LISTEN;
	return 0;
}

static int tcp_connect(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	struct inpcb *inp = sotoinpcb(so);
	struct tcpcb *tp = sototcpcb(so);
	const struct sockaddr_in *sin = (const struct sockaddr_in *)nam;
	int error;

	if (tp == NULL)
		return EINVAL;
	if (nam->sa_family != AF_INET)
		return EAFNOSUPPORT;
	if (nam->sa_len < sizeof(*sin))
		return EINVAL;
	if (tp->t_state == TCPS_LISTEN)
		return EOPNOTSUPP;
	if (tp->t_state != TCPS_CLOSED)
		return EISCONN;
	if (in_multicast(sin->sin_addr) ||
	    sin->sin_addr.s_addr == htonl(INADDR_BROADCAST))
		return ENETUNREACH;
	error = in_pcbconnect(inp, sin, l);
	if (error != 0)
		return error;
	tp->iss = tcp_new_iss(inp);
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->iss;
	tp->snd_recover = tp->snd_high_rxt = tp->iss;
	tp->request_r_scale = tcp_autobuf_rcvscale(so);
	tcp_mss_update(tp, -1);
	soisconnecting(so);
	tp->t_state = TCPS_SYN_SENT;
	tcp_timer_arm(tp, TCPT_KEEP, TCPTV_KEEPINIT_MS);
	tcpstat.tcps_connattempt++;
	return tcp_output(tp);
}

static int tcp_accept(struct socket *so, struct sockaddr *nam)
{
	struct inpcb *inp = sotoinpcb(so);

	/* Reset while waiting on the queue. */
	if (inp == NULL)
		return ECONNABORTED;
	in_setpeeraddr(inp, (struct sockaddr_in *)nam);
	return 0;
}

/*
 * The socket layer's close (and connect to AF_UNSPEC): SO_LINGER with
 * 0 s aborts, and so does unread data (RFC 2525 2.17, what Linux does):
 * the peer must learn that what it sent was not read.  Otherwise the
 * FIN goes out after the queued data.
 */
static int tcp_disconnect(struct socket *so)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp == NULL)
		return ENOTCONN;
	if (!TCPS_HAVEESTABLISHED(tp->t_state)) {
		tcp_usr_close(tp);
		return 0;
	}
	if (((so->so_options & SO_LINGER) && so->so_linger == 0) ||
	    so->so_rcv.sb_cc > 0) {
		sbflush(&so->so_rcv);
		tcp_usr_drop(tp, 0);
		return 0;
	}
	if (TCPS_HAVESENTFIN(tp->t_state))
		return 0;
	soisdisconnecting(so);
	tp = tcp_usrclosed(tp);
	if (tp != NULL)
		(void)tcp_output(tp);
	return 0;
}

static int tcp_shutdown(struct socket *so, int how)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp == NULL)
		return ENOTCONN;
	if (how == SHUT_RD)
		return 0; /* Linux: nothing goes on the wire */
	if (TCPS_HAVESENTFIN(tp->t_state))
		return 0;
	tp = tcp_usrclosed(tp);
	if (tp != NULL)
		(void)tcp_output(tp);
	return 0;
}

static void tcp_abort(struct socket *so)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp != NULL)
		tcp_usr_drop(tp, ECONNABORTED);
}

static int tcp_ioctl(struct socket *so, unsigned long cmd, void *data,
		     struct ifnet *ifp)
{
	(void)so;
	(void)cmd;
	(void)data;
	(void)ifp;
	return ENOTTY;
}

static int tcp_peeraddr(struct socket *so, struct sockaddr *nam)
{
	struct inpcb *inp = sotoinpcb(so);

	if (inp == NULL)
		return ECONNRESET;
	if (inp->inp_state != INP_CONNECTED)
		return ENOTCONN;
	in_setpeeraddr(inp, (struct sockaddr_in *)nam);
	return 0;
}

static int tcp_sockaddr(struct socket *so, struct sockaddr *nam)
{
	struct inpcb *inp = sotoinpcb(so);

	if (inp == NULL)
		return EINVAL;
	in_setsockaddr(inp, (struct sockaddr_in *)nam);
	return 0;
}

static int tcp_rcvd(struct socket *so, int flags, struct lwp *l)
{
	struct tcpcb *tp = sototcpcb(so);

	(void)flags;
	(void)l;
	if (tp == NULL)
		return 0;
	tcp_autobuf_rcvd(tp);
	return tcp_output(tp);
}

static int tcp_recvoob(struct socket *so, struct mbuf *m, int flags)
{
	(void)so;
	(void)m;
	(void)flags;
	return EOPNOTSUPP;
}

static int tcp_send(struct socket *so, struct mbuf *m, struct sockaddr *nam,
		    struct mbuf *control, struct lwp *l)
{
	struct tcpcb *tp = sototcpcb(so);

	(void)nam;
	(void)l;
	m_freem(control);
	if (tp == NULL || TCPS_HAVESENTFIN(tp->t_state)) {
		m_freem(m);
		return tp == NULL ? ECONNRESET : EPIPE;
	}
	if (m != NULL)
		sbappendstream(&so->so_snd, m);
	return tcp_output(tp);
}

static int tcp_sendoob(struct socket *so, struct mbuf *m, struct mbuf *control)
{
	(void)so;
	m_freem(m);
	m_freem(control);
	return EOPNOTSUPP;
}

/*
 * Bytes sent again and not yet acknowledged, and bytes deemed lost, as
 * Linux's retrans_out and lost_out count them: in fast recovery what
 * lies below HighRxt (NewReno: the segment at snd_una) and the holes
 * IsLost marks; while resending after a timeout (below recover) every
 * unSACKed byte up to recover is lost and those below snd_nxt went
 * again.  SACKed bytes are neither.
 */
static void tcp_info_loss(const struct tcpcb *tp, uint32_t *retransp,
			  uint32_t *lostp)
{
	const struct tcp_sackboard *sb = &tp->t_sack;
	uint32_t mss = tp->t_maxseg ? tp->t_maxseg : 1;
	tcp_seq una = tp->snd_una, hi = una;

	*retransp = *lostp = 0;
	if (tp->t_flags & TF_FASTRECOVERY) {
		if (tp->t_flags & TF_SACK_PERMIT) {
			hi = tp->snd_high_rxt;
			*lostp = tcp_sack_lost_bytes(sb, una, mss);
		} else {
			hi = una + MIN(mss, tcp_cc_flightsize(tp));
			*lostp = SEQ_SUB(hi, una);
		}
	} else if (SEQ_LT(una, tp->snd_recover) && tp->t_rexmitsegs > 0) {
		tcp_seq rec = SEQ_MIN(tp->snd_recover, tp->snd_max);

		hi = SEQ_MIN(tp->snd_nxt, rec);
		*lostp =
			SEQ_SUB(rec, una) - tcp_sack_sacked_below(sb, una, rec);
	}
	if (SEQ_GT(hi, una))
		*retransp =
			SEQ_SUB(hi, una) - tcp_sack_sacked_below(sb, una, hi);
}

/*
 * TCP_INFO: what the connection block knows, in the kernel's layout
 * (struct rump_tcp_info); the fields it has no counterpart for stay 0.
 */
static int tcp_info_get(struct tcpcb *tp, struct sockopt *sopt)
{
	struct rump_tcp_info ti;
	uint32_t now = tcp_now(), mss = tp->t_maxseg ? tp->t_maxseg : 1;
	uint32_t una = tp->snd_max - tp->snd_una, retrans, lost;
	struct socket *so = tp->t_socket;

	memset(&ti, 0, sizeof(ti));
	ti.tcpi_state = (uint8_t)tp->t_state;
	ti.tcpi_retransmits = (uint8_t)tp->t_rxtshift;
	ti.tcpi_backoff = (uint8_t)tp->t_rxtshift;
	if (tcp_timer_armed(tp, TCPT_PERSIST))
		ti.tcpi_probes = (uint8_t)tp->t_rxtshift;
	if ((tp->t_flags & (TF_REQ_TSTMP | TF_RCVD_TSTMP)) ==
	    (TF_REQ_TSTMP | TF_RCVD_TSTMP))
		ti.tcpi_options |= RUMP_TCPI_OPT_TIMESTAMPS;
	if (tp->t_flags & TF_SACK_PERMIT)
		ti.tcpi_options |= RUMP_TCPI_OPT_SACK;
	if ((tp->t_flags & (TF_REQ_SCALE | TF_RCVD_SCALE)) ==
	    (TF_REQ_SCALE | TF_RCVD_SCALE)) {
		ti.tcpi_options |= RUMP_TCPI_OPT_WSCALE;
		ti.tcpi_snd_wscale = tp->snd_scale;
		ti.tcpi_rcv_wscale = tp->rcv_scale;
	}
	ti.tcpi_rto = tcp_rtt_backoff(&tp->t_rtt, tp->t_rxtshift);
	ti.tcpi_snd_mss = tp->t_maxseg;
	/* The peer sends at most what we announced. */
	ti.tcpi_rcv_mss = tp->t_ourmss;
	ti.tcpi_advmss = tp->t_ourmss;
	if (TCPS_HAVEESTABLISHED(tp->t_state)) {
		ti.tcpi_unacked = (una + mss - 1) / mss;
		ti.tcpi_sacked = tp->t_sack.sacked / mss;
		ti.tcpi_last_data_sent = now - tp->t_lastsend;
		ti.tcpi_last_data_recv = now - tp->t_rcvtime;
		ti.tcpi_last_ack_recv = now - tp->t_rcvtime;
		tcp_info_loss(tp, &retrans, &lost);
		ti.tcpi_retrans = (retrans + mss - 1) / mss;
		ti.tcpi_lost = (lost + mss - 1) / mss;
		ti.tcpi_ato = TCP_DELACK_MS * 1000;
	}
	if (tp->t_inpcb != NULL && tp->t_state != TCPS_LISTEN &&
	    tp->t_state != TCPS_CLOSED)
		ti.tcpi_pmtu = tcp_path_mtu(tp->t_inpcb);
	/* The largest window we would offer now (Linux: its clamp). */
	if (so != NULL)
		ti.tcpi_rcv_ssthresh =
			(uint32_t)MIN(so->so_rcv.sb_hiwat,
				      (size_t)TCP_MAXWIN << tp->rcv_scale);
	/* The reordering we assume: the duplicate-ACK threshold. */
	ti.tcpi_reordering = TCP_DUPTHRESH;
	if (tp->t_rtt.have_sample) {
		ti.tcpi_rtt = tp->t_rtt.srtt_us;
		ti.tcpi_rttvar = tp->t_rtt.rttvar_us;
	}
	/* Not yet lowered: "infinite", as Linux shows it. */
	ti.tcpi_snd_ssthresh = tp->snd_ssthresh >= UINT32_MAX / 2
				       ? 0x7fffffff
				       : tp->snd_ssthresh / mss;
	ti.tcpi_snd_cwnd = tp->snd_cwnd / mss;
	ti.tcpi_rcv_space = tcp_rcvwin(tp); /* rcv_wnd was never set */
	ti.tcpi_total_retrans = tp->t_rexmitsegs;
	return sockopt_set(sopt, &ti, sizeof(ti));
}

static int tcp_ctloutput(int op, struct socket *so, struct sockopt *sopt)
{
	struct tcpcb *tp = sototcpcb(so);
	int val = 0, error;

	if (tp == NULL)
		return ECONNRESET;
	if (sopt->sopt_level == SOL_SOCKET) {
		/* The socket layer set it; react to keepalive being set. */
		if (op == PRCO_SETOPT && sopt->sopt_name == SO_KEEPALIVE &&
		    (so->so_options & SO_KEEPALIVE) &&
		    TCPS_HAVEESTABLISHED(tp->t_state) &&
		    tp->t_state <= TCPS_CLOSE_WAIT)
			tcp_timer_arm(tp, TCPT_KEEP, tp->t_keepidle);
		return 0;
	}
	if (sopt->sopt_level != IPPROTO_TCP)
		return ENOPROTOOPT;
	if (op == PRCO_SETOPT) {
		error = sockopt_getint(sopt, &val);
		if (error != 0)
			return error;
		switch (sopt->sopt_name) {
		case TCP_NODELAY:
			if (val)
				tp->t_flags |= TF_NODELAY;
			else
				tp->t_flags &= ~TF_NODELAY;
			if (val)
				(void)tcp_output(tp);
			return 0;
		case TCP_MAXSEG:
			/* Linux: 88 .. 32767; 0 means the default. */
			if (val != 0 && (val < 88 || val > 32767))
				return EINVAL;
			if (val == 0) {
				tp->t_flags &= ~TF_MAXSEG_SET;
			} else {
				tp->t_usermss = (uint16_t)val;
				tp->t_flags |= TF_MAXSEG_SET;
				if (val < tp->t_maxseg)
					tp->t_maxseg = (uint16_t)val;
			}
			return 0;
		case TCP_KEEPIDLE:
		case TCP_KEEPINTVL:
			if (val < 1 || val > 32767)
				return EINVAL;
			if (sopt->sopt_name == TCP_KEEPIDLE)
				tp->t_keepidle = (uint32_t)val * 1000;
			else
				tp->t_keepintvl = (uint32_t)val * 1000;
			/* Linux: a running keepalive takes the new idle time.
			 */
			if (sopt->sopt_name == TCP_KEEPIDLE &&
			    (so->so_options & SO_KEEPALIVE) &&
			    TCPS_HAVEESTABLISHED(tp->t_state))
				tcp_timer_arm(tp, TCPT_KEEP, tp->t_keepidle);
			return 0;
		case TCP_KEEPCNT:
			if (val < 1 || val > 127)
				return EINVAL;
			tp->t_keepcntmax = val;
			return 0;
		}
		return ENOPROTOOPT;
	}
	switch (sopt->sopt_name) {
	case TCP_NODELAY:
		val = (tp->t_flags & TF_NODELAY) != 0;
		break;
	case TCP_MAXSEG:
		val = tp->t_maxseg;
		break;
	case TCP_KEEPIDLE:
		val = (int)(tp->t_keepidle / 1000);
		break;
	case TCP_KEEPINTVL:
		val = (int)(tp->t_keepintvl / 1000);
		break;
	case TCP_KEEPCNT:
		val = tp->t_keepcntmax;
		break;
	case TCP_INFO:
		return tcp_info_get(tp, sopt);
	default:
		return ENOPROTOOPT;
	}
	return sockopt_setint(sopt, val);
}

const struct pr_usrreqs tcp_usrreqs = {
	.pr_attach = tcp_attach,
	.pr_detach = tcp_detach,
	.pr_accept = tcp_accept,
	.pr_bind = tcp_bind,
	.pr_listen = tcp_listen,
	.pr_connect = tcp_connect,
	.pr_connect2 = NULL,
	.pr_disconnect = tcp_disconnect,
	.pr_shutdown = tcp_shutdown,
	.pr_abort = tcp_abort,
	.pr_ioctl = tcp_ioctl,
	.pr_peeraddr = tcp_peeraddr,
	.pr_sockaddr = tcp_sockaddr,
	.pr_rcvd = tcp_rcvd,
	.pr_recvoob = tcp_recvoob,
	.pr_send = tcp_send,
	.pr_sendoob = tcp_sendoob,
	.pr_ctloutput = tcp_ctloutput,
};
