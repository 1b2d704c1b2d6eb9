/*
 * tcp_cc.c -- the algorithm-independent half of congestion control:
 * RFC 5681 duplicate-ACK counting and fast retransmit, RFC 6582
 * recovery with its "recover" point, the RFC 6675 variant when SACK is
 * in use (the window is not inflated, output paces by pipe), and the
 * timeout response, and when RFC 3042 limited transmit may send.  The
 * algorithm (tp->t_cc) decides window sizes.
 */
#include <netinet/tcp_var.h>
#include <sys/systm.h>

/* net.inet.tcp.rfc3042 (in_sysctl.c), read holding softnet_lock. */
int tcp_do_rfc3042 = 1;

uint32_t tcp_cc_flightsize(const struct tcpcb *tp)
{
	return SEQ_SUB(tp->snd_max, tp->snd_una);
}

uint32_t tcp_cc_recovery_flightsize(const struct tcpcb *tp)
{
	uint32_t flight = tcp_cc_flightsize(tp);

	return flight - MIN(flight, tp->t_ltbytes);
}

static int cc_dupack(struct tcpcb *tp)
{
	if (tp->t_flags & TF_FASTRECOVERY) {
		if (!(tp->t_flags & TF_SACK_PERMIT))
			tp->t_cc->cc_dupack(tp);
		return TCP_CC_SEND;
	}
	if (++tp->t_dupacks < TCP_DUPTHRESH) {
		/*
		 * RFC 3042 on the first two; not while data sent before a
		 * timeout is still being resent (below recover, where a
		 * third duplicate starts no recovery either).
		 */
		if (tcp_do_rfc3042 && SEQ_GEQ(tp->snd_una, tp->snd_recover))
			return TCP_CC_LIMITED;
		return 0;
	}
	/*
	 * RFC 6582 3.2 step 2: only the third duplicate starts recovery,
	 * and not for data sent before a timeout or an earlier recovery.
	 */
	if (tp->t_dupacks > TCP_DUPTHRESH ||
	    SEQ_LT(tp->snd_una, tp->snd_recover))
		return 0;
	tp->t_cc->cc_enter_recovery(tp);
	tp->t_ltbytes = 0;
	tp->snd_recover = tp->snd_max;
	tp->snd_high_rxt = tp->snd_una;
	tp->t_flags |= TF_FASTRECOVERY;
	/* Karn: the retransmission makes a pending RTT sample ambiguous. */
	tp->t_rtttime = 0;
	return TCP_CC_RETRANSMIT | TCP_CC_SEND;
}

int tcp_cc_ack(struct tcpcb *tp, tcp_seq ack, uint32_t acked, bool dup)
{
	if (dup)
		return cc_dupack(tp);
	if (acked == 0)
		return 0;
	if (tp->t_flags & TF_FASTRECOVERY) {
		if (SEQ_GEQ(ack, tp->snd_recover)) {
			tp->t_cc->cc_exit_recovery(tp);
			tp->t_flags &= ~TF_FASTRECOVERY;
			tp->t_dupacks = 0;
			return TCP_CC_SEND;
		}
		/* RFC 6582 3.2 step 5: retransmit the next hole. */
		tp->t_cc->cc_partial_ack(tp, acked);
		if (tp->t_flags & TF_SACK_PERMIT)
			return TCP_CC_SEND;
		return TCP_CC_RETRANSMIT | TCP_CC_SEND;
	}
	tp->t_dupacks = 0;
	tp->t_ltbytes = 0;
	/*
	 * RFC 3465 2.3: in the slow start after a timeout an ACK often
	 * covers data the peer held before it (SACKed, or sent before the
	 * timeout), which says nothing about the path: count one SMSS.
	 */
	if (tp->t_flags & TF_RTORECOVERY) {
		if (SEQ_GEQ(ack, tp->snd_recover))
			tp->t_flags &= ~TF_RTORECOVERY;
		else if (tp->snd_cwnd < tp->snd_ssthresh)
			acked = MIN(acked, tp->t_maxseg);
	}
	tp->t_cc->cc_ack_received(tp, acked);
	return TCP_CC_SEND;
}

void tcp_cc_timeout(struct tcpcb *tp)
{
	tp->t_cc->cc_after_timeout(tp);
	tp->t_flags &= ~TF_FASTRECOVERY;
	tp->t_dupacks = 0;
	tp->t_ltbytes = 0;
	/* RFC 6582 3.2 step 4 after a timeout: recover = highest sent. */
	tp->snd_recover = tp->snd_max;
	tp->t_flags |= TF_RTORECOVERY;
	/*
	 * The SACK scoreboard stays (RFC 6675 5.1): tcp_output then resends
	 * only what the peer did not SACK, and always snd_una (RFC 2018 8).
	 * A peer that reneged shows it in a later ACK (tcp_sack_reneged).
	 */
}
