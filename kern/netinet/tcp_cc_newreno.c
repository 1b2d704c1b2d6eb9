/*
 * tcp_cc_newreno.c -- NewReno: RFC 5681 slow start and congestion
 * avoidance with byte counting, the RFC 6582 recovery window (inflated
 * by duplicates, deflated by partial ACKs, "option 1" on the full ACK).
 * With SACK, recovery follows RFC 6675: cwnd = ssthresh, no inflation.
 */
#include <netinet/tcp_var.h>
#include <sys/systm.h>

static uint32_t newreno_half_flight(struct tcpcb *tp)
{
	/* RFC 5681 eq. 4: ssthresh = max(FlightSize / 2, 2 * SMSS). */
	return MAX(tcp_cc_flightsize(tp) / 2, 2u * tp->t_maxseg);
}

static void newreno_init(struct tcpcb *tp)
{
	uint32_t mss = tp->t_maxseg;

	/* RFC 5681 3.1 IW: 4, 3 or 2 segments by size. */
	if (mss > 2190)
		tp->snd_cwnd = 2 * mss;
	else if (mss > 1095)
		tp->snd_cwnd = 3 * mss;
	else
		tp->snd_cwnd = 4 * mss;
	tp->snd_ssthresh = UINT32_MAX / 2;
	tp->t_bytes_acked = 0;
}

static void newreno_ack_received(struct tcpcb *tp, uint32_t acked)
{
	uint32_t mss = tp->t_maxseg;

	if (tp->snd_cwnd < tp->snd_ssthresh) {
		/*
		 * Slow start, RFC 3465 byte counting without the L limit:
		 * receivers that coalesce (in_gro.c, Linux's GRO) send one
		 * ACK for many segments, and with L = 2 SMSS such stretch
		 * ACKs would hold the growth far below doubling per RTT.
		 */
		tp->snd_cwnd += acked;
		return;
	}
	/* Congestion avoidance: one SMSS per window acknowledged. */
	tp->t_bytes_acked += acked;
	if (tp->t_bytes_acked >= tp->snd_cwnd) {
		tp->t_bytes_acked -= tp->snd_cwnd;
		tp->snd_cwnd += mss;
	}
}

static void newreno_enter_recovery(struct tcpcb *tp)
{
	/* RFC 5681 3.2 step 2: not counting limited transmit's segments. */
	tp->snd_ssthresh =
		MAX(tcp_cc_recovery_flightsize(tp) / 2, 2u * tp->t_maxseg);
	if (tp->t_flags & TF_SACK_PERMIT)
		tp->snd_cwnd = tp->snd_ssthresh; /* RFC 6675 5 step 4.2 */
	else
		tp->snd_cwnd = tp->snd_ssthresh + 3u * tp->t_maxseg;
	tp->t_bytes_acked = 0;
}

static void newreno_dupack(struct tcpcb *tp)
{
	tp->snd_cwnd += tp->t_maxseg;
}

static void newreno_partial_ack(struct tcpcb *tp, uint32_t acked)
{
	if (tp->t_flags & TF_SACK_PERMIT)
		return;
	/* RFC 6582 3.2 step 5: deflate by what was acked, add one back. */
	if (tp->snd_cwnd > acked)
		tp->snd_cwnd -= acked;
	else
		tp->snd_cwnd = 0;
	if (acked >= tp->t_maxseg)
		tp->snd_cwnd += tp->t_maxseg;
	tp->snd_cwnd = MAX(tp->snd_cwnd, tp->t_maxseg);
}

static void newreno_exit_recovery(struct tcpcb *tp)
{
	/* RFC 6582 3.2 step 3, option 1. */
	uint32_t flight = tcp_cc_flightsize(tp);

	tp->snd_cwnd =
		MIN(tp->snd_ssthresh, MAX(flight, tp->t_maxseg) + tp->t_maxseg);
	tp->t_bytes_acked = 0;
}

static void newreno_after_timeout(struct tcpcb *tp)
{
	/* Only the first timeout of a series halves ssthresh (5681 3.1). */
	if (tp->t_rxtshift <= 1)
		tp->snd_ssthresh = newreno_half_flight(tp);
	tp->snd_cwnd = tp->t_maxseg;
	tp->t_bytes_acked = 0;
}

static void newreno_after_idle(struct tcpcb *tp)
{
	/* RFC 5681 4.1: restart from the initial window. */
	uint32_t cwnd = tp->snd_cwnd, ssthresh = tp->snd_ssthresh;

	newreno_init(tp);
	tp->snd_ssthresh = ssthresh;
	tp->snd_cwnd = MIN(tp->snd_cwnd, cwnd);
}

const struct tcp_cc_ops tcp_cc_newreno = {
	.cc_name = "newreno",
	.cc_init = newreno_init,
	.cc_ack_received = newreno_ack_received,
	.cc_enter_recovery = newreno_enter_recovery,
	.cc_dupack = newreno_dupack,
	.cc_partial_ack = newreno_partial_ack,
	.cc_exit_recovery = newreno_exit_recovery,
	.cc_after_timeout = newreno_after_timeout,
	.cc_after_idle = newreno_after_idle,
};

const struct tcp_cc_ops *tcp_cc_default = &tcp_cc_newreno;
