/*
 * tcp_input.c -- segment arrival (RFC 9293 3.10.7): validation (checksum,
 * header and option lengths), demultiplexing to a connection, the
 * handshake from a listener (through the SYN cache) and from SYN_SENT,
 * then the synchronized states: PAWS (RFC 7323 5), the acceptability
 * test with trimming to the window, RST and SYN under RFC 5961 (only an
 * exact RST resets; an in-window one or any SYN earns a rate-limited
 * challenge ACK), ACK processing with congestion control and SACK, the
 * send window update, data into the socket or the reassembly queue, and
 * FIN.  Runs from the network soft interrupt holding softnet_lock and
 * consumes the packet.
 */
#include <net/if.h>
#include <netinet/in_cksum.h>
#include <netinet/in_pcb.h>
#include <netinet/in_var.h>
#include <netinet/ip.h>
#include <netinet/ip_var.h>
#include <netinet/tcp_var.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

/* RFC 5961 7: challenge ACKs per second for the whole stack. */
#define TCP_CHALLENGE_ACK_LIMIT 1000
static uint32_t tcp_challenge_second;
static int tcp_challenge_count;

/* Timestamps: 24 days of ms before ts_recent goes stale (RFC 7323 5.5). */
#define TCP_PAWS_IDLE_MS (24u * 24 * 3600 * 1000)
#define TSTMP_LT(a, b) ((int32_t)((a) - (b)) < 0)
#define TSTMP_GEQ(a, b) ((int32_t)((a) - (b)) >= 0)

static void tcp_challenge_ack(struct tcpcb *tp)
{
	uint32_t sec = tcp_now() / 1000;

	if (sec != tcp_challenge_second) {
		tcp_challenge_second = sec;
		tcp_challenge_count = 0;
	}
	if (++tcp_challenge_count > TCP_CHALLENGE_ACK_LIMIT)
		return;
	tcpstat.tcps_challengeack++;
	tp->t_flags |= TF_ACKNOW;
	(void)tcp_output(tp);
}

/* An RST for a segment nobody wants (RFC 9293 3.10.7.1). */
static void tcp_reset_for(struct tcp_seg *seg)
{
	if (seg->flags & TH_RST)
		return;
	if (in_multicast(seg->src) || in_multicast(seg->dst) ||
	    seg->dst.s_addr == htonl(INADDR_BROADCAST))
		return;
	if (seg->flags & TH_ACK)
		tcp_respond(NULL, seg->src, seg->sport, seg->dst, seg->dport,
			    seg->ack, 0, TH_RST);
	else
		tcp_respond(NULL, seg->src, seg->sport, seg->dst, seg->dport, 0,
			    seg->seq + (uint32_t)seg->tlen +
				    ((seg->flags & TH_SYN) ? 1 : 0) +
				    ((seg->flags & TH_FIN) ? 1 : 0),
			    TH_RST | TH_ACK);
}

/* Retransmit the segment at snd_una now (fast retransmit, RFC 5681). */
static void tcp_fast_rexmit(struct tcpcb *tp)
{
	tcp_seq onxt = tp->snd_nxt;
	uint32_t ocwnd = tp->snd_cwnd;

	tcpstat.tcps_fastrexmit++;
	tcp_timer_disarm(tp, TCPT_REXMT);
	tp->snd_nxt = tp->snd_una;
	tp->snd_cwnd = tp->t_maxseg;
	/* In SACK recovery the retransmitted segment counts towards pipe. */
	tp->t_flags &= ~TF_FASTRECOVERY;
	tp->t_flags |= TF_ONESEG;
	(void)tcp_output(tp);
	if (tp->t_flags & TF_DEAD)
		return;
	tp->t_flags &= ~TF_ONESEG;
	tp->t_flags |= TF_FASTRECOVERY;
	tp->snd_high_rxt = SEQ_MAX(tp->snd_high_rxt, tp->snd_nxt);
	tp->snd_cwnd = ocwnd;
	if (SEQ_GT(onxt, tp->snd_nxt))
		tp->snd_nxt = onxt;
}

/* What the peer's SYN (or SYN-ACK) negotiated. */
void tcp_syn_options(struct tcpcb *tp, const struct tcp_opt *to)
{
	if ((tp->t_flags & TF_REQ_SCALE) && (to->to_flags & TOF_SCALE)) {
		tp->t_flags |= TF_RCVD_SCALE;
		tp->snd_scale = to->to_wscale;
		tp->rcv_scale = tp->request_r_scale;
	} else {
		tp->snd_scale = tp->rcv_scale = 0;
		tp->t_flags &= ~TF_REQ_SCALE;
	}
	if ((tp->t_flags & TF_REQ_TSTMP) && (to->to_flags & TOF_TS)) {
		tp->t_flags |= TF_RCVD_TSTMP;
		tp->ts_recent = to->to_tsval;
		tp->ts_recent_age = tcp_now();
	} else
		tp->t_flags &= ~TF_REQ_TSTMP;
	if ((tp->t_flags & TF_REQ_SACK) && (to->to_flags & TOF_SACKPERM))
		tp->t_flags |= TF_SACK_PERMIT | TF_RCVD_SACKPERM;
	tcp_mss_update(tp, (to->to_flags & TOF_MSS) ? to->to_mss : 0);
}

/* The connection is synchronized: both SYNs are acknowledged. */
void tcp_established(struct tcpcb *tp)
{
	tp->t_state = TCPS_ESTABLISHED;
	tp->t_cc->cc_init(tp);
	tp->t_rcvtime = tcp_now();
	tcp_timer_arm(tp, TCPT_KEEP, tp->t_keepidle);
	tcpstat.tcps_connects++;
}

static void tcp_enter_timewait(struct tcpcb *tp)
{
	struct socket *so = tp->t_socket;

	tp->t_state = TCPS_TIME_WAIT;
	tcp_timer_disarm_all(tp);
	tcp_timer_arm(tp, TCPT_2MSL, 2 * TCP_MSL_MS);
	tp->t_inpcb->inp_flags |= INP_TIMEWAIT;
	if (so == NULL)
		return;
	soisdisconnected(so);
	/* Closed by its process already: the socket need not wait 2MSL. */
	if ((so->so_state & SS_NOFDREF) && so->so_head == NULL) {
		tcp_detach_socket(tp);
		sofree(so);
	}
}

/*
 * Take RTT samples and reset the backoff for a new acknowledgement.  The
 * timed segment gives microseconds (what TCP_INFO shows); a timestamp
 * echo, milliseconds, is used when no segment is timed -- after a
 * retransmission, where it still tells which copy was answered.
 */
static void tcp_ack_rtt(struct tcpcb *tp, const struct tcp_seg *seg)
{
	if (tp->t_rtttime != 0 && SEQ_GT(seg->ack, tp->t_rtseq)) {
		/* Never negative: the clock is monotonic (and >= 1). */
		uint64_t us = tcp_now_us() - tp->t_rtttime;

		if (us < TCP_RTO_MAX_US)
			tcp_rtt_sample(&tp->t_rtt, (uint32_t)us);
		tp->t_rtttime = 0;
	} else if (tp->t_rtttime == 0 && (seg->to.to_flags & TOF_TS) &&
		   seg->to.to_tsecr != 0 && (tp->t_flags & TF_RCVD_TSTMP)) {
		uint32_t ms = tcp_now() - seg->to.to_tsecr;

		if (ms < TCP_RTO_MAX_US / 1000)
			tcp_rtt_sample(&tp->t_rtt, ms * 1000);
	}
	tp->t_rxtshift = 0;
	tp->t_rxtcur_us = tp->t_rtt.rto_us;
}

/*
 * ACK processing for a synchronized connection (RFC 9293 3.10.7.4,
 * fifth check).  Returns false when the segment is finished with (the
 * connection may be closed: *tpp is then NULL).
 */
static bool tcp_input_ack(struct tcpcb **tpp, struct tcp_seg *seg,
			  bool *needoutput)
{
	struct tcpcb *tp = *tpp;
	struct socket *so = tp->t_socket;
	uint32_t tiwin = seg->win << tp->snd_scale;
	uint32_t acked, sacked = 0;
	bool ourfinisacked = false, dup;
	int cc;

	if (tp->t_state == TCPS_SYN_RECEIVED) {
		if (SEQ_LEQ(seg->ack, tp->snd_una) ||
		    SEQ_GT(seg->ack, tp->snd_max)) {
			tcp_reset_for(seg);
			return false;
		}
		tcp_established(tp);
		if (so != NULL)
			soisconnected(so);
		tp->snd_wl1 = seg->seq - 1;
	}
	/* RFC 5961 5.2: an ACK of data never sent or far too old. */
	if (SEQ_GT(seg->ack, tp->snd_max) ||
	    SEQ_LT(seg->ack, tp->snd_una - tp->snd_maxwnd)) {
		tcp_challenge_ack(tp);
		return false;
	}
	/*
	 * Every acceptable ACK updates the scoreboard, with or without SACK
	 * blocks: an ACK that advances snd_una past recorded ranges must
	 * drop them, or SetPipe counts the gap below them as in flight and
	 * recovery stalls with nothing sent.
	 */
	if ((tp->t_flags & TF_SACK_PERMIT) && tp->snd_max != tp->snd_una) {
		bool hassack = (seg->to.to_flags & TOF_SACK) != 0;

		/*
		 * Reneged: forget what it SACKed; while resending after a
		 * timeout go back to its ACK (the RTO covers recovery).
		 */
		if (SEQ_GEQ(seg->ack, tp->snd_una) &&
		    tcp_sack_reneged(&tp->t_sack, seg->ack, tp->snd_max)) {
			tcpstat.tcps_sack_reneged++;
			tcp_sack_reset(&tp->t_sack);
			if (!(tp->t_flags & TF_FASTRECOVERY) &&
			    SEQ_LT(seg->ack, tp->snd_recover) &&
			    SEQ_GT(tp->snd_nxt, seg->ack))
				tp->snd_nxt = seg->ack;
		}

		sacked = tcp_sack_update(&tp->t_sack, seg->ack, tp->snd_max,
					 hassack ? seg->to.to_sacks : NULL,
					 hassack ? seg->to.to_nsacks : 0);
	}
	if (SEQ_LEQ(seg->ack, tp->snd_una)) {
		/* RFC 5681 2 (and RFC 6675 2 with SACK): a duplicate. */
		dup = seg->ack == tp->snd_una && tp->snd_max != tp->snd_una &&
		      ((seg->tlen == 0 && tiwin == tp->snd_wnd &&
			!(seg->flags & (TH_SYN | TH_FIN))) ||
		       sacked > 0);
		if (dup) {
			tcpstat.tcps_rcvdupack++;
			cc = tcp_cc_ack(tp, seg->ack, 0, true);
			if (cc & TCP_CC_RETRANSMIT)
				tcp_fast_rexmit(tp);
			if (cc & TCP_CC_LIMITED)
				tcp_output_limited(tp);
			if (tp->t_flags & TF_DEAD) {
				*tpp = NULL;
				return false;
			}
			if (cc & TCP_CC_SEND)
				*needoutput = true;
		} else if (seg->ack == tp->snd_una &&
			   !(tp->t_flags & TF_FASTRECOVERY))
			tp->t_dupacks = 0;
		return true;
	}

	acked = SEQ_SUB(seg->ack, tp->snd_una);
	tcpstat.tcps_rcvackpack++;
	tcp_ack_rtt(tp, seg);
	if (seg->ack == tp->snd_max) {
		tcp_timer_disarm(tp, TCPT_REXMT);
		*needoutput = true;
	} else if (!tcp_timer_armed(tp, TCPT_PERSIST))
		tcp_timer_arm_us(tp, TCPT_REXMT, tp->t_rxtcur_us);

	if (so != NULL) {
		tcp_autobuf_ack(tp);
		if (acked > so->so_snd.sb_cc) {
			/* Beyond the data: our SYN or FIN is acknowledged. */
			ourfinisacked = (tp->t_flags & TF_SENTFIN) != 0 &&
					seg->ack == tp->snd_max;
			sbdrop(&so->so_snd, so->so_snd.sb_cc);
		} else
			sbdrop(&so->so_snd, acked);
		sowwakeup(so);
	} else
		ourfinisacked = (tp->t_flags & TF_SENTFIN) != 0 &&
				seg->ack == tp->snd_max;
	tp->snd_una = seg->ack;
	if (SEQ_LT(tp->snd_nxt, tp->snd_una))
		tp->snd_nxt = tp->snd_una;
	if (SEQ_LT(tp->snd_high_rxt, tp->snd_una))
		tp->snd_high_rxt = tp->snd_una;
	tp->t_keepcnt = 0;

	cc = tcp_cc_ack(tp, seg->ack, acked, false);
	if (cc & TCP_CC_RETRANSMIT)
		tcp_fast_rexmit(tp);
	if (tp->t_flags & TF_DEAD) {
		*tpp = NULL;
		return false;
	}
	if (cc & TCP_CC_SEND)
		*needoutput = true;

	switch (tp->t_state) {
	case TCPS_FIN_WAIT_1:
		if (ourfinisacked) {
			tp->t_state = TCPS_FIN_WAIT_2;
			/* A closed socket must not wait for ever (BSD). */
			if (so == NULL || (so->so_state & SS_CANTRCVMORE)) {
				if (so != NULL)
					soisdisconnected(so);
				tcp_timer_arm(tp, TCPT_2MSL, TCP_FIN_WAIT_2_MS);
			}
		}
		break;
	case TCPS_CLOSING:
		if (ourfinisacked)
			tcp_enter_timewait(tp);
		break;
	case TCPS_LAST_ACK:
		if (ourfinisacked) {
			*tpp = tcp_close(tp);
			return false;
		}
		break;
	case TCPS_TIME_WAIT:
		tcp_timer_arm(tp, TCPT_2MSL, 2 * TCP_MSL_MS);
		break;
	}
	return true;
}

/*
 * The send window update (RFC 9293 3.10.7.4): from a segment no older
 * than the last one that set it, so a pure ACK may shrink it too.  A
 * segment acknowledging more than that one did is newer whatever its
 * sequence number (as Linux decides): a peer that pulled snd_nxt back
 * to resend (timeout, zero window) sends ACKs numbered below an earlier
 * one, and ignoring their windows left both sides probing a window
 * long open.
 */
static void tcp_input_window(struct tcpcb *tp, const struct tcp_seg *seg,
			     bool *needoutput)
{
	uint32_t tiwin = seg->win << tp->snd_scale;

	if (SEQ_LT(tp->snd_wl1, seg->seq) || SEQ_LT(tp->snd_wl2, seg->ack) ||
	    (tp->snd_wl1 == seg->seq && tp->snd_wl2 == seg->ack)) {
		if (tiwin > tp->snd_wnd)
			*needoutput = true;
		tp->snd_wnd = tiwin;
		tp->snd_wl1 = seg->seq;
		tp->snd_wl2 = seg->ack;
		tp->snd_maxwnd = MAX(tp->snd_maxwnd, tiwin);
		if (tiwin > 0 && tcp_timer_armed(tp, TCPT_PERSIST)) {
			tcp_timer_disarm(tp, TCPT_PERSIST);
			tp->t_rxtshift = 0;
			tp->snd_nxt = tp->snd_una;
			*needoutput = true;
		}
	}
}

/* Data and FIN (RFC 9293 3.10.7.4, seventh and eighth checks). */
static void tcp_input_data(struct tcpcb *tp, struct mbuf *m,
			   struct tcp_seg *seg)
{
	struct socket *so = tp->t_socket;
	bool fin = (seg->flags & TH_FIN) != 0;

	if (seg->tlen == 0 && !fin) {
		m_freem(m);
		return;
	}
	if (TCPS_HAVERCVDFIN(tp->t_state) || so == NULL) {
		/* Nothing more is taken after the peer's FIN. */
		m_freem(m);
		return;
	}
	m_adj(m, seg->hdroff);
	if (seg->seq == tp->rcv_nxt) {
		bool qfin = false;
		struct mbuf *more;

		tp->rcv_nxt += (uint32_t)seg->tlen;
		tcpstat.tcps_rcvbyte += (uint64_t)seg->tlen;
		tcp_autobuf_input(tp);
		if (tp->t_reass.nsegs > 0) {
			/* It may fill a hole: ACK at once (RFC 5681 4.2). */
			more = tcp_reass_take(&tp->t_reass, &tp->rcv_nxt,
					      &qfin);
			if (more != NULL)
				m_cat(m, more);
			fin = fin || qfin;
			tp->t_flags |= TF_ACKNOW;
		} else if ((tp->t_flags & TF_DELACK) ||
			   seg->tlen > (int)tp->t_maxseg)
			/* Every second segment; a merged run (in_gro.c, a
			 * tap's merged frame) is at least two. */
			tp->t_flags |= TF_ACKNOW;
		else if (seg->tlen > 0) {
			tp->t_flags |= TF_DELACK;
			tcp_timer_arm(tp, TCPT_DELACK, TCP_DELACK_MS);
		}
		if (m_length(m) > 0) {
			sbappendstream(&so->so_rcv, m);
			sorwakeup(so);
		} else
			m_freem(m);
	} else {
		/* Out of order: queue it and say so with a duplicate ACK. */
		tcpstat.tcps_rcvoopack++;
		if (tcp_reass_insert(&tp->t_reass, tp->rcv_nxt, seg->seq,
				     (uint32_t)seg->tlen, fin, m,
				     (uint32_t)so->so_rcv.sb_hiwat) != 0)
			tcpstat.tcps_rcvreassfull++;
		tp->t_flags |= TF_ACKNOW;
		fin = false;
	}
	if (!fin)
		return;
	/* The FIN is in order: the peer has finished sending. */
	socantrcvmore(so);
	tp->rcv_nxt++;
	tp->t_flags |= TF_ACKNOW;
	switch (tp->t_state) {
	case TCPS_SYN_RECEIVED:
	case TCPS_ESTABLISHED:
		tp->t_state = TCPS_CLOSE_WAIT;
		break;
	case TCPS_FIN_WAIT_1:
		tp->t_state = TCPS_CLOSING;
		break;
	case TCPS_FIN_WAIT_2:
		tcp_enter_timewait(tp);
		break;
	}
}

/* A segment for a connection in SYN_SENT (RFC 9293 3.10.7.3). */
static void tcp_input_synsent(struct tcpcb *tp, struct mbuf *m,
			      struct tcp_seg *seg)
{
	struct socket *so = tp->t_socket;

	if ((seg->flags & TH_ACK) &&
	    (SEQ_LEQ(seg->ack, tp->iss) || SEQ_GT(seg->ack, tp->snd_max))) {
		m_freem(m);
		tcp_reset_for(seg);
		return;
	}
	if (seg->flags & TH_RST) {
		m_freem(m);
		if (seg->flags & TH_ACK) {
			tcpstat.tcps_rcvrefused++;
			tcp_drop(tp, ECONNREFUSED);
		}
		return;
	}
	if (!(seg->flags & TH_SYN)) {
		m_freem(m);
		return;
	}
	tp->irs = seg->seq;
	tp->rcv_nxt = seg->seq + 1;
	tp->rcv_adv = tp->rcv_nxt;
	tcp_syn_options(tp, &seg->to);
	tp->snd_wnd = seg->win; /* never scaled in a SYN */
	tp->snd_maxwnd = MAX(tp->snd_wnd, 1u);
	tp->snd_wl1 = seg->seq;
	tp->t_flags |= TF_ACKNOW;
	if (seg->flags & TH_ACK) {
		tcp_ack_rtt(tp, seg);
		tp->snd_una = seg->ack;
		if (SEQ_LT(tp->snd_nxt, tp->snd_una))
			tp->snd_nxt = tp->snd_una;
		tp->snd_wl2 = seg->ack;
		tp->snd_recover = tp->snd_una;
		tcp_timer_disarm(tp, TCPT_REXMT);
		tcp_established(tp);
		if (so != NULL)
			soisconnected(so);
		/* Data on a SYN-ACK is rare: the peer will send it again. */
	} else {
		/* Simultaneous open. */
		tp->t_state = TCPS_SYN_RECEIVED;
		tcp_timer_disarm(tp, TCPT_REXMT);
		tp->snd_nxt = tp->iss;
	}
	m_freem(m);
	(void)tcp_output(tp);
}

/* RFC 7323 5.3: drop an old duplicate by its timestamp.  True: drop. */
static bool tcp_paws(struct tcpcb *tp, const struct tcp_seg *seg)
{
	if (!(seg->to.to_flags & TOF_TS) || !(tp->t_flags & TF_RCVD_TSTMP) ||
	    (seg->flags & TH_RST) || tp->ts_recent == 0 ||
	    !TSTMP_LT(seg->to.to_tsval, tp->ts_recent))
		return false;
	if (tcp_now() - tp->ts_recent_age > TCP_PAWS_IDLE_MS) {
		tp->ts_recent = 0; /* stale: forget it, accept */
		return false;
	}
	tcpstat.tcps_pawsdrop++;
	return true;
}

/*
 * The acceptability test (RFC 9293 3.10.7.4 first check): trim what lies
 * before rcv_nxt or beyond the window.  Returns false if nothing of the
 * segment is acceptable (an ACK is then owed).
 */
static bool tcp_trim(struct tcpcb *tp, struct mbuf *m, struct tcp_seg *seg)
{
	uint32_t rcvwin =
		MAX(tcp_rcvwin(tp), SEQ_SUB(tp->rcv_adv, tp->rcv_nxt));
	int32_t todrop = (int32_t)SEQ_SUB(tp->rcv_nxt, seg->seq);

	if (SEQ_LT(tp->rcv_adv, tp->rcv_nxt))
		rcvwin = tcp_rcvwin(tp);
	if (todrop > 0) {
		if (seg->flags & TH_SYN) {
			seg->flags &= ~TH_SYN;
			seg->seq++;
			todrop--;
		}
		if (todrop > seg->tlen ||
		    (todrop == seg->tlen && !(seg->flags & TH_FIN))) {
			/* A complete duplicate: ACK it, still use its ACK. */
			tcpstat.tcps_rcvduppack++;
			seg->flags &= ~TH_FIN;
			tp->t_flags |= TF_ACKNOW;
			todrop = seg->tlen;
		}
		if (todrop > 0) {
			/* The headers go too: the data now starts at 0. */
			m_adj(m, seg->hdroff + todrop);
			seg->hdroff = 0;
			seg->seq += (uint32_t)todrop;
			seg->tlen -= todrop;
		}
	}
	/* Beyond the right edge of the window. */
	todrop = (int32_t)SEQ_SUB(seg->seq + (uint32_t)seg->tlen,
				  tp->rcv_nxt + rcvwin);
	if (todrop > 0) {
		if (todrop >= seg->tlen) {
			/* A probe into a zero window gets an ACK. */
			if (rcvwin == 0 && seg->seq == tp->rcv_nxt)
				tcpstat.tcps_rcvwinprobe++;
			tp->t_flags |= TF_ACKNOW;
			if (seg->tlen > 0 || (seg->flags & TH_FIN)) {
				seg->tlen = 0;
				seg->flags &= ~TH_FIN;
				if (seg->seq != tp->rcv_nxt ||
				    !(seg->flags & TH_ACK))
					return false;
			}
		} else {
			m_adj(m, -todrop);
			seg->tlen -= todrop;
			seg->flags &= ~(TH_PUSH | TH_FIN);
		}
	}
	return true;
}

/* A segment for a synchronized (or SYN_RECEIVED) connection. */
static void tcp_input_conn(struct tcpcb *tp, struct mbuf *m,
			   struct tcp_seg *seg)
{
	struct socket *so = tp->t_socket;
	bool needoutput = false;

	/* The keepalive timer measures idleness from t_rcvtime itself. */
	tp->t_rcvtime = tcp_now();
	tp->t_keepcnt = 0;

	if (tcp_paws(tp, seg))
		goto dropafterack;

	/* RFC 5961 3.2: only an RST at exactly rcv_nxt resets. */
	if (seg->flags & TH_RST) {
		uint32_t wnd = MAX(tcp_rcvwin(tp), 1u);

		if (seg->seq == tp->rcv_nxt) {
			int ostate = tp->t_state;

			tcpstat.tcps_rcvrst++;
			m_freem(m);
			/* Closed first: tcp_drop then sends no RST. */
			tp->t_state = TCPS_CLOSED;
			switch (ostate) {
			case TCPS_SYN_RECEIVED:
				tcp_drop(tp, ECONNREFUSED);
				break;
			case TCPS_ESTABLISHED:
			case TCPS_FIN_WAIT_1:
			case TCPS_FIN_WAIT_2:
				tcp_drop(tp, ECONNRESET);
				break;
			case TCPS_CLOSE_WAIT:
				/* The peer had finished: Linux says EPIPE. */
				tcp_drop(tp, EPIPE);
				break;
			default:
				tcp_close(tp);
			}
			return;
		}
		if (SEQ_INRANGE(seg->seq, tp->rcv_nxt, tp->rcv_nxt + wnd))
			tcp_challenge_ack(tp);
		goto drop;
	}
	/* RFC 5961 4.2: a SYN on a synchronized connection. */
	if ((seg->flags & TH_SYN) && tp->t_state != TCPS_SYN_RECEIVED) {
		if (tp->t_state == TCPS_TIME_WAIT)
			goto dropafterack;
		tcp_challenge_ack(tp);
		goto drop;
	}
	if (!tcp_trim(tp, m, seg))
		goto dropafterack;

	/* Data for a socket its process has closed: abort (9293 3.10.7.4). */
	if (so != NULL && (so->so_state & SS_NOFDREF) &&
	    tp->t_state > TCPS_CLOSE_WAIT && seg->tlen > 0) {
		tcp_close(tp);
		tcpstat.tcps_rcvafterclose++;
		tcp_reset_for(seg);
		goto drop;
	}
	/* RFC 7323 4.3: remember the timestamp to echo. */
	if ((seg->to.to_flags & TOF_TS) && (tp->t_flags & TF_RCVD_TSTMP) &&
	    SEQ_LEQ(seg->seq, tp->last_ack_sent) &&
	    SEQ_LT(tp->last_ack_sent,
		   seg->seq + (uint32_t)seg->tlen +
			   ((seg->flags & (TH_SYN | TH_FIN)) ? 1 : 0))) {
		tp->ts_recent = seg->to.to_tsval;
		tp->ts_recent_age = tcp_now();
	}
	if (!(seg->flags & TH_ACK))
		goto drop;
	if (!tcp_input_ack(&tp, seg, &needoutput)) {
		if (tp != NULL && !(tp->t_flags & TF_DEAD))
			goto drop;
		m_freem(m);
		return;
	}
	tcp_input_window(tp, seg, &needoutput);
	tcp_input_data(tp, m, seg);
	if (needoutput || (tp->t_flags & TF_ACKNOW))
		(void)tcp_output(tp);
	return;

dropafterack:
	if (!(seg->flags & TH_RST)) {
		tp->t_flags |= TF_ACKNOW;
		(void)tcp_output(tp);
	}
drop:
	m_freem(m);
}

void tcp_input(struct mbuf *m, int off, int proto)
{
	struct tcp_seg seg;
	struct ip *ip;
	struct tcphdr *th;
	struct inpcb *inp;
	struct tcpcb *tp;
	int tlen, thoff;

	(void)proto;
	if (!tcp_active)
		goto drop;
	tcpstat.tcps_rcvtotal++;
	if (m->m_pkthdr.len < off + TCP_HDRLEN) {
		tcpstat.tcps_rcvshort++;
		goto drop;
	}
	if (m->m_len < off + TCP_HDRLEN &&
	    (m = m_pullup(m, off + TCP_HDRLEN)) == NULL) {
		tcpstat.tcps_rcvshort++;
		return;
	}
	ip = mtod(m, struct ip *);
	tlen = m->m_pkthdr.len - off;
	if (ntohs(ip->ip_len) >= off && ntohs(ip->ip_len) - off < tlen)
		tlen = ntohs(ip->ip_len) - off;
	if (!((m->m_pkthdr.csum_flags & M_CSUM_TCPV4) &&
	      (m->m_pkthdr.csum_flags & M_CSUM_DATA_VALID)) &&
	    in4_cksum(m, IPPROTO_TCP, off, tlen) != 0) {
		tcpstat.tcps_rcvbadsum++;
		goto drop;
	}
	th = (struct tcphdr *)(mtod(m, char *) + off);
	thoff = TH_OFF(th) * 4;
	if (thoff < TCP_HDRLEN || thoff > tlen) {
		tcpstat.tcps_rcvbadoff++;
		goto drop;
	}
	if (m->m_len < off + thoff) {
		if ((m = m_pullup(m, off + thoff)) == NULL) {
			tcpstat.tcps_rcvshort++;
			return;
		}
		ip = mtod(m, struct ip *);
		th = (struct tcphdr *)(mtod(m, char *) + off);
	}
	memset(&seg, 0, sizeof(seg));
	seg.flags = th->th_flags;
	if (tcp_options_parse((const uint8_t *)(th + 1), thoff - TCP_HDRLEN,
			      (seg.flags & TH_SYN) != 0, &seg.to) != 0) {
		tcpstat.tcps_rcvbadopt++;
		goto drop;
	}
	seg.seq = ntohl(th->th_seq);
	seg.ack = ntohl(th->th_ack);
	seg.win = ntohs(th->th_win);
	seg.tlen = tlen - thoff;
	seg.hdroff = off + thoff;
	seg.src = ip->ip_src;
	seg.dst = ip->ip_dst;
	seg.sport = th->th_sport;
	seg.dport = th->th_dport;
	/* Excess bytes past the IP length (link padding) go now. */
	if (m->m_pkthdr.len > off + tlen)
		m_adj(m, off + tlen - m->m_pkthdr.len);
	if (in_multicast(seg.dst) || seg.dst.s_addr == htonl(INADDR_BROADCAST))
		goto drop;

	inp = in_pcblookup(&tcbtable, seg.src, seg.sport, seg.dst, seg.dport);
	tp = inp != NULL ? inp->inp_ppcb : NULL;
	/*
	 * A new SYN beyond what a TIME_WAIT connection received starts a
	 * new incarnation (RFC 9293 3.6.1): the old one gives way.
	 */
	if (tp != NULL && tp->t_state == TCPS_TIME_WAIT &&
	    (seg.flags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN &&
	    SEQ_GT(seg.seq, tp->rcv_nxt)) {
		tcp_close(tp);
		inp = in_pcblookup(&tcbtable, seg.src, seg.sport, seg.dst,
				   seg.dport);
		tp = inp != NULL ? inp->inp_ppcb : NULL;
	}
	if (tp == NULL) {
		tcpstat.tcps_noport++;
		goto dropwithreset;
	}
	if (tp->t_state == TCPS_CLOSED)
		goto drop;
	if (tp->t_state == TCPS_LISTEN) {
		if (seg.flags & TH_RST)
			goto drop;
		if (seg.flags & TH_ACK) {
			int error;

			if (seg.flags & TH_SYN)
				goto dropwithreset;
			error = tcp_syncache_expand(tp, &seg, &tp);
			if (error == ENOENT)
				goto dropwithreset;
			if (error != 0)
				goto drop; /* queue full: the peer retries */
			/* Go on with the new connection's first ACK. */
			tcp_input_conn(tp, m, &seg);
			return;
		}
		if (!(seg.flags & TH_SYN) || (seg.flags & TH_FIN))
			goto drop;
		tcp_syncache_add(tp, &seg);
		goto drop;
	}
	if (tp->t_state == TCPS_SYN_SENT) {
		tcp_input_synsent(tp, m, &seg);
		return;
	}
	tcp_input_conn(tp, m, &seg);
	return;

dropwithreset:
	tcp_reset_for(&seg);
drop:
	m_freem(m);
}
