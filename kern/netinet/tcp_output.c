/*
 * tcp_output.c -- deciding what to send and sending it.  tcp_output looks
 * at the send buffer, the peer's window, the congestion window, the
 * state's flags and what the receiver owes (ACKs, window updates), and
 * emits as many segments as are due: Nagle's rule unless TCP_NODELAY,
 * the MSS clamped to the path, SACK-driven retransmission in recovery
 * (RFC 6675 NextSeg/pipe), RFC 3042 limited transmit, and the persist
 * probe into a zero window.
 * Data is shared with the send buffer (m_copym), not copied.  To an
 * interface with TSO (docs/virtif.md) one packet carries up to 64 KiB of
 * MSS-sized segments for the interface to cut.  Called holding
 * softnet_lock; never frees the tcpcb.
 */
#include <netinet/in_pcb.h>
#include <netinet/ip.h>
#include <netinet/ip_var.h>
#include <netinet/tcp_var.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

/* The flags a segment carries in each state (RFC 9293 3.10). */
static const uint8_t tcp_outflags[TCP_NSTATES] = {
	[TCPS_CLOSED] = TH_RST | TH_ACK,
	[TCPS_LISTEN] = 0,
	[TCPS_SYN_SENT] = TH_SYN,
	[TCPS_SYN_RECEIVED] = TH_SYN | TH_ACK,
	[TCPS_ESTABLISHED] = TH_ACK,
	[TCPS_CLOSE_WAIT] = TH_ACK,
	[TCPS_FIN_WAIT_1] = TH_FIN | TH_ACK,
	[TCPS_CLOSING] = TH_FIN | TH_ACK,
	[TCPS_LAST_ACK] = TH_FIN | TH_ACK,
	[TCPS_FIN_WAIT_2] = TH_ACK,
	[TCPS_TIME_WAIT] = TH_ACK,
};

uint32_t tcp_rcvwin(struct tcpcb *tp)
{
	struct socket *so = tp->t_socket;
	long space;

	if (so == NULL)
		return 0;
	space = sbspace(&so->so_rcv);
	if (space < 0)
		space = 0;
	/* Silly window avoidance (RFC 9293 3.8.6.2.2) on the receive side. */
	if (space < (long)so->so_rcv.sb_hiwat / 4 && space < tp->t_maxseg)
		space = 0;
	return (uint32_t)MIN((unsigned long)space,
			     (unsigned long)TCP_MAXWIN << tp->rcv_scale);
}

void tcp_setpersist(struct tcpcb *tp)
{
	uint32_t ms = tcp_persist_interval_ms(&tp->t_rtt, tp->t_rxtshift);

	tcp_timer_arm(tp, TCPT_PERSIST, ms);
	if (tp->t_rxtshift < TCP_MAXRXTSHIFT)
		tp->t_rxtshift++;
}

/* Options for this segment into buf; returns their length. */
static int tcp_output_options(struct tcpcb *tp, int flags, uint8_t *buf)
{
	struct tcp_opt to;

	memset(&to, 0, sizeof(to));
	if (flags & TH_SYN) {
		bool synack = (flags & TH_ACK) != 0;

		to.to_flags |= TOF_MSS;
		to.to_mss = tp->t_ourmss;
		if ((tp->t_flags & TF_REQ_SCALE) &&
		    (!synack || (tp->t_flags & TF_RCVD_SCALE))) {
			to.to_flags |= TOF_SCALE;
			to.to_wscale = tp->request_r_scale;
		}
		if ((tp->t_flags & TF_REQ_SACK) &&
		    (!synack || (tp->t_flags & TF_RCVD_SACKPERM)))
			to.to_flags |= TOF_SACKPERM;
		if ((tp->t_flags & TF_REQ_TSTMP) &&
		    (!synack || (tp->t_flags & TF_RCVD_TSTMP)))
			to.to_flags |= TOF_TS;
	} else if ((tp->t_flags & (TF_REQ_TSTMP | TF_RCVD_TSTMP)) ==
		   (TF_REQ_TSTMP | TF_RCVD_TSTMP)) {
		to.to_flags |= TOF_TS;
	}
	if (to.to_flags & TOF_TS) {
		to.to_tsval = tcp_now();
		to.to_tsecr = tp->ts_recent;
	}
	if ((tp->t_flags & TF_SACK_PERMIT) && !(flags & TH_SYN) &&
	    tp->t_reass.nsegs > 0) {
		to.to_nsacks = (uint8_t)tcp_reass_sack_blocks(
			&tp->t_reass, to.to_sacks, TCP_MAX_SACK);
		if (to.to_nsacks > 0)
			to.to_flags |= TOF_SACK;
	}
	return tcp_options_build(buf, TCP_MAXOLEN, &to);
}

/* Should we send an ACK or window update although there is no data? */
static bool tcp_output_wantack(struct tcpcb *tp, uint32_t recwin)
{
	struct socket *so = tp->t_socket;
	uint32_t adv;

	if (tp->t_flags & TF_ACKNOW)
		return true;
	if (so == NULL)
		return false;
	/* A window update worth sending: two segments or half the buffer. */
	if (SEQ_GT(tp->rcv_nxt + recwin, tp->rcv_adv)) {
		adv = SEQ_SUB(tp->rcv_nxt + recwin, tp->rcv_adv);
		if (adv >= 2u * tp->t_maxseg ||
		    2 * adv >= (uint32_t)so->so_rcv.sb_hiwat)
			return true;
	}
	return false;
}

/*
 * In SACK recovery, what to send next: a hole (returns true with *offp
 * and *lenp set), or new data up to cwnd - pipe (*cwndroomp).  NextSeg's
 * rule 3 (a hole not yet lost) only when rule 2, new data the window
 * allows, cannot send (RFC 6675 4).
 */
static bool tcp_output_sack_rxmit(struct tcpcb *tp, uint32_t sbcc,
				  uint32_t *cwndroomp, long *offp, long *lenp)
{
	uint32_t pipe = tcp_sack_pipe(&tp->t_sack, tp->snd_una, tp->snd_max,
				      tp->snd_high_rxt, tp->t_maxseg);
	bool newdata = SEQ_LT(tp->snd_max, tp->snd_una + sbcc) &&
		       SEQ_LT(tp->snd_max, tp->snd_una + tp->snd_wnd);
	tcp_seq seq;
	uint32_t len;

	*cwndroomp = tp->snd_cwnd > pipe ? tp->snd_cwnd - pipe : 0;
	if (*cwndroomp < tp->t_maxseg && *cwndroomp < tp->snd_cwnd)
		return false;
	if (!tcp_sack_next_seg(&tp->t_sack, tp->snd_una, tp->snd_max,
			       tp->snd_high_rxt, tp->t_maxseg, !newdata, &seq,
			       &len))
		return false;
	*offp = (long)SEQ_SUB(seq, tp->snd_una);
	*lenp = (long)MIN(len, *cwndroomp);
	return *lenp > 0;
}

/*
 * TCP segmentation offload: with an interface that cuts large segments
 * itself (TCP_SEND_TSO), send up to avail bytes (what the windows allow)
 * in one packet of at most IP_MAXPACKET, in whole segments of maxlen
 * (the interface's segment size); a short tail only when Nagle would
 * send it too (idle or TCP_NODELAY, and it ends the send buffer).
 * Returns the length to send, maxlen when TSO does not apply.
 */
static long tcp_output_tso_len(struct tcpcb *tp, struct socket *so, int how,
			       long off, long avail, int maxlen, int optlen,
			       bool idle)
{
	long max = IP_MAXPACKET -
		   (long)(sizeof(struct ip) + sizeof(struct tcphdr)) - optlen;
	long len = MIN(avail, max);

	if (!(how & TCP_SEND_TSO) || so == NULL ||
	    (so->so_options & SO_DONTROUTE))
		return maxlen;
	if (len < avail || (uint32_t)(off + len) < so->so_snd.sb_cc ||
	    !(idle || (tp->t_flags & TF_NODELAY)))
		len -= len % maxlen;
	return MAX(len, (long)maxlen);
}

int tcp_output(struct tcpcb *tp)
{
	struct inpcb *inp = tp->t_inpcb;
	struct socket *so = tp->t_socket;
	struct mbuf *m;
	struct tcphdr *th;
	uint8_t opts[TCP_MAXOLEN];
	uint32_t sbcc, win, recwin, cwndroom = 0, sackedbelow;
	long off, len, avail, resendlim;
	int flags, optlen, hoff, error, maxlen, how;
	bool sendalot, sack_rxmit, idle;
	tcp_seq seq, startseq;

	if (tp->t_flags & TF_DEAD)
		return 0;
	idle = tp->snd_max == tp->snd_una;
	if (idle && TCPS_HAVEESTABLISHED(tp->t_state) &&
	    (uint64_t)(tcp_now() - tp->t_lastsend) * 1000u > tp->t_rxtcur_us)
		tp->t_cc->cc_after_idle(tp);
again:
	sendalot = false;
	sack_rxmit = false;
	sbcc = so != NULL ? (uint32_t)so->so_snd.sb_cc : 0;
	/*
	 * Resending from a rewound snd_nxt (a timeout, a zero window):
	 * past what the peer SACKed, which is not in flight either.
	 */
	sackedbelow = 0;
	resendlim = -1;
	if ((tp->t_flags & (TF_SACK_PERMIT | TF_FASTRECOVERY)) ==
		    TF_SACK_PERMIT &&
	    tp->t_sack.nblks > 0 && SEQ_LT(tp->snd_nxt, tp->snd_max)) {
		uint32_t lim;

		tcp_sack_resend_point(&tp->t_sack, tp->snd_una, tp->snd_max,
				      &tp->snd_nxt, &sackedbelow, &lim);
		if (SEQ_LT(tp->snd_nxt, tp->snd_max))
			resendlim = (long)lim;
	}
	off = (long)SEQ_SUB(tp->snd_nxt, tp->snd_una);
	win = MIN(tp->snd_wnd, tp->snd_cwnd + sackedbelow);
	flags = tcp_outflags[tp->t_state];
	if (tp->t_state >= TCPS_ESTABLISHED && (tp->t_flags & TF_NEEDFIN))
		flags |= TH_FIN;

	if ((tp->t_flags & (TF_FASTRECOVERY | TF_SACK_PERMIT)) ==
		    (TF_FASTRECOVERY | TF_SACK_PERMIT) &&
	    tcp_output_sack_rxmit(tp, sbcc, &cwndroom, &off, &len)) {
		sack_rxmit = true;
		sendalot = true; /* more holes while pipe < cwnd */
		goto decided;
	}
	if ((tp->t_flags & (TF_FASTRECOVERY | TF_SACK_PERMIT)) ==
	    (TF_FASTRECOVERY | TF_SACK_PERMIT)) {
		/* New data only within cwnd - pipe (RFC 6675 5 rule 2). */
		win = MIN(tp->snd_wnd, (uint32_t)off + cwndroom);
	}
	if (tp->t_flags & TF_FORCEDATA) {
		if (win == 0) {
			/* The probe: one byte past the zero window. */
			win = 1;
		} else {
			tcp_timer_disarm(tp, TCPT_PERSIST);
			tp->t_rxtshift = 0;
		}
	}
	len = (long)MIN(sbcc, win) - off;
	if (resendlim >= 0 && len > resendlim) {
		len = resendlim; /* up to the next SACKed range */
		sendalot = true;
	}
	if (flags & TH_SYN) {
		/* No data on our SYN; the handshake comes first. */
		len = 0;
	}
	if (len < 0) {
		/*
		 * The window shrank below what we sent: go back and wait
		 * for it to open (the persist timer takes over).
		 */
		len = 0;
		if (win == 0) {
			tcp_timer_disarm(tp, TCPT_REXMT);
			tp->t_rxtshift = 0;
			tp->snd_nxt = tp->snd_una;
			off = 0;
			/*
			 * All goes again from snd_una when the window opens:
			 * SACK recovery's pipe, counting it in flight, would
			 * send nothing then, with only the persist timer
			 * running (a stall of t_tcp_loss).  Recovery ends.
			 */
			if (tp->t_flags & TF_FASTRECOVERY) {
				tp->t_cc->cc_exit_recovery(tp);
				tp->t_flags &= ~TF_FASTRECOVERY;
				tp->t_dupacks = 0;
			}
		}
	}
decided:
	avail = len; /* before the MSS clamp: what TSO may send at once */
	if (len > tp->t_maxseg) {
		len = tp->t_maxseg;
		sendalot = true;
	}
	if (!sack_rxmit &&
	    SEQ_LT(tp->snd_nxt + (uint32_t)len, tp->snd_una + sbcc))
		flags &= ~TH_FIN;
	if (sack_rxmit &&
	    SEQ_LT(tp->snd_una + (uint32_t)(off + len), tp->snd_una + sbcc))
		flags &= ~TH_FIN;
	recwin = tcp_rcvwin(tp);

	if (len > 0) {
		if (sack_rxmit || len == tp->t_maxseg)
			goto send;
		/* Nagle (RFC 896): a small segment only when all is acked. */
		if ((idle || (tp->t_flags & TF_NODELAY)) &&
		    (uint32_t)(off + len) >= sbcc)
			goto send;
		if (tp->t_flags & TF_FORCEDATA)
			goto send;
		if (tp->snd_maxwnd > 0 && (uint32_t)len >= tp->snd_maxwnd / 2)
			goto send;
		if (SEQ_LT(tp->snd_nxt, tp->snd_max))
			goto send;
	}
	if (tcp_output_wantack(tp, recwin))
		goto send;
	if (flags & (TH_SYN | TH_RST))
		goto send;
	if ((flags & TH_FIN) &&
	    (!(tp->t_flags & TF_SENTFIN) || tp->snd_nxt == tp->snd_una))
		goto send;
	/*
	 * Data waits and no timer runs.  Data in flight in an open window
	 * (sending held back by cwnd in SACK recovery) needs the
	 * retransmission timer (RFC 6298 5.1): under the persist timer the
	 * lost segments were never sent again, and a partial ACK does not
	 * arm it while persist runs.  Else the window is closed: the persist
	 * timer probes it (RFC 9293 3.8.6.1).
	 */
	if (sbcc > 0 && !tcp_timer_armed(tp, TCPT_REXMT) &&
	    !tcp_timer_armed(tp, TCPT_PERSIST)) {
		if (tp->snd_wnd > 0 && SEQ_GT(tp->snd_max, tp->snd_una))
			tcp_timer_arm_us(tp, TCPT_REXMT, tp->t_rxtcur_us);
		else {
			tp->t_rxtshift = 0;
			tcp_setpersist(tp);
		}
	}
	return 0;

send:
	if (flags & TH_RST)
		len = 0;
	optlen = tcp_output_options(tp, flags, opts);
	/* The MSS counts options too: shrink the payload to fit. */
	maxlen = tp->t_maxseg - ((flags & TH_SYN) ? 0 : optlen);
	if (maxlen < 1)
		maxlen = 1;
	if (len > maxlen) {
		len = maxlen;
		sendalot = true;
		flags &= ~TH_FIN;
	}
	how = tcp_send_how(inp);
	if (!sack_rxmit && !(flags & (TH_SYN | TH_RST | TH_FIN)) &&
	    !(tp->t_flags & TF_FORCEDATA) && avail > len && len == maxlen)
		len = tcp_output_tso_len(tp, so, how, off, avail, maxlen,
					 optlen, idle);
	/* A retransmitted FIN goes out again at its own sequence number. */
	if ((flags & TH_FIN) && (tp->t_flags & TF_SENTFIN) && len == 0 &&
	    tp->snd_nxt == tp->snd_max && !sack_rxmit)
		tp->snd_nxt--;

	m = tcp_hdr_mbuf(optlen, &hoff);
	if (m == NULL) {
		error = ENOBUFS;
		goto out;
	}
	if (len > 0) {
		struct mbuf *data =
			m_copym(so->so_snd.sb_mb, (int)off, (int)len, M_NOWAIT);
		if (data == NULL) {
			m_freem(m);
			error = ENOBUFS;
			goto out;
		}
		m_cat(m, data);
		m->m_pkthdr.len += (int)len;
		if (len > maxlen) {
			m->m_pkthdr.csum_flags |= M_CSUM_TSOV4;
			m->m_pkthdr.segsz = (uint16_t)maxlen;
		}
		if (sack_rxmit || SEQ_LT(tp->snd_nxt, tp->snd_max)) {
			tcpstat.tcps_sndrexmitbyte += (uint64_t)len;
			tp->t_rexmitsegs++; /* TCP_INFO total_retrans */
		} else
			tcpstat.tcps_sndbyte += (uint64_t)len;
	}
	th = (struct tcphdr *)(mtod(m, char *) + hoff);
	th->th_sport = inp->inp_lport;
	th->th_dport = inp->inp_fport;
	if (sack_rxmit)
		seq = tp->snd_una + (uint32_t)off;
	else if (len > 0 || (flags & (TH_SYN | TH_FIN)) ||
		 tcp_timer_armed(tp, TCPT_PERSIST))
		seq = tp->snd_nxt;
	else
		seq = tp->snd_max;
	th->th_seq = htonl(seq);
	th->th_ack = htonl(tp->rcv_nxt);
	TH_SETOFF(th, (int)(sizeof(*th) + (size_t)optlen) / 4);
	th->th_flags = (uint8_t)flags;
	if (optlen > 0)
		memcpy(th + 1, opts, (size_t)optlen);
	if ((uint32_t)len + (uint32_t)off >= sbcc && len > 0)
		th->th_flags |= TH_PUSH;
	/* Never shrink the window we offered (RFC 9293 3.8.6.2.2). */
	if (SEQ_LT(tp->rcv_nxt + recwin, tp->rcv_adv))
		recwin = SEQ_SUB(tp->rcv_adv, tp->rcv_nxt);
	if (flags & TH_SYN)
		th->th_win = htons((uint16_t)MIN(recwin, TCP_MAXWIN));
	else
		th->th_win = htons(
			(uint16_t)MIN(recwin >> tp->rcv_scale, TCP_MAXWIN));
	if (flags & TH_RST) {
		/* An abort: the RST carries the next sequence number. */
		th->th_seq = htonl(tp->snd_max);
		len = 0;
	}

	startseq = seq;
	if ((tp->t_flags & TF_FORCEDATA) && tcp_timer_armed(tp, TCPT_PERSIST)) {
		/*
		 * A window probe: the byte counts as sent (its ACK is valid)
		 * but snd_nxt stays, and the persist timer, not the
		 * retransmission timer, keeps probing.
		 */
		if (SEQ_GT(tp->snd_nxt + (uint32_t)len, tp->snd_max))
			tp->snd_max = tp->snd_nxt + (uint32_t)len;
	} else if (!sack_rxmit && !(flags & TH_RST)) {
		if (flags & TH_SYN)
			tp->snd_nxt++;
		if (flags & TH_FIN) {
			tp->snd_nxt++;
			tp->t_flags |= TF_SENTFIN;
		}
		tp->snd_nxt += (uint32_t)len;
		if (SEQ_GT(tp->snd_nxt, tp->snd_max)) {
			tp->snd_max = tp->snd_nxt;
			/* Time this segment if nothing is being timed. */
			if (tp->t_rtttime == 0) {
				tp->t_rtttime = tcp_now_us();
				tp->t_rtseq = startseq;
			}
		}
	} else if (sack_rxmit) {
		tp->snd_high_rxt = startseq + (uint32_t)len;
		tcpstat.tcps_sack_rexmits++;
	}
	/* Anything unacknowledged in flight needs the retransmit timer. */
	if (!(flags & TH_RST) && !tcp_timer_armed(tp, TCPT_REXMT) &&
	    !((tp->t_flags & TF_FORCEDATA) &&
	      tcp_timer_armed(tp, TCPT_PERSIST)) &&
	    tp->snd_nxt != tp->snd_una &&
	    (sack_rxmit || len > 0 || (flags & (TH_SYN | TH_FIN)))) {
		if (tcp_timer_armed(tp, TCPT_PERSIST)) {
			tcp_timer_disarm(tp, TCPT_PERSIST);
			tp->t_rxtshift = 0;
		}
		tcp_timer_arm_us(tp, TCPT_REXMT, tp->t_rxtcur_us);
	}
	if (recwin > 0 && SEQ_GT(tp->rcv_nxt + recwin, tp->rcv_adv))
		tp->rcv_adv = tp->rcv_nxt + recwin;
	tp->last_ack_sent = tp->rcv_nxt;
	tp->t_flags &= ~(TF_ACKNOW | TF_DELACK);
	tcp_timer_disarm(tp, TCPT_DELACK);
	tp->t_lastsend = tcp_now();

	error = tcp_send_packet(
		m, inp->inp_laddr, inp->inp_faddr, &inp->inp_route,
		inp->inp_ip.ip_ttl, inp->inp_ip.ip_tos,
		(so != NULL && (so->so_options & SO_DONTROUTE)) ? IP_ROUTETOIF
								: 0,
		how);
out:
	if (error != 0) {
		/*
		 * Nothing acknowledged is lost: the data stays in so_snd and
		 * the retransmission timer sends it again.
		 */
		if (!tcp_timer_armed(tp, TCPT_REXMT) &&
		    !tcp_timer_armed(tp, TCPT_PERSIST) &&
		    tp->snd_max != tp->snd_una)
			tcp_timer_arm_us(tp, TCPT_REXMT, tp->t_rxtcur_us);
		if (error == ENOBUFS) {
			tcpstat.tcps_sndnobufs++;
			return 0;
		}
		if ((error == EHOSTUNREACH || error == ENETUNREACH ||
		     error == ENETDOWN) &&
		    TCPS_HAVERCVDSYN(tp->t_state)) {
			tp->t_softerror = error;
			return 0;
		}
		return error;
	}
	if (sendalot && !(flags & TH_RST) && !(tp->t_flags & TF_ONESEG))
		goto again;
	return 0;
}

void tcp_output_limited(struct tcpcb *tp)
{
	struct socket *so = tp->t_socket;
	uint32_t flight = tcp_cc_flightsize(tp), ocwnd = tp->snd_cwnd;
	uint32_t len, mss = tp->t_maxseg;
	tcp_seq omax = tp->snd_max;

	/* New data only, not while resending from a rewound snd_nxt. */
	if (so == NULL || tp->snd_nxt != tp->snd_max ||
	    so->so_snd.sb_cc <= flight)
		return;
	len = MIN((uint32_t)so->so_snd.sb_cc - flight, mss);
	if (flight + len > tp->snd_wnd || flight + len > ocwnd + 2 * mss)
		return;
	/* cwnd lets exactly this segment go, and is then put back. */
	tp->snd_cwnd = MAX(ocwnd, flight + len);
	tp->t_flags |= TF_ONESEG;
	(void)tcp_output(tp);
	tp->t_flags &= ~TF_ONESEG;
	tp->snd_cwnd = ocwnd;
	tp->t_ltbytes += SEQ_SUB(tp->snd_max, omax);
}
