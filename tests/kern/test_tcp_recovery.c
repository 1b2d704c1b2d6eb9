/*
 * test_tcp_recovery.c -- loss recovery and RFC 5961 on the virtual clock
 * (t_tcp_vrecovery, fiber host, RUMP_VIRTUAL_CLOCK=1) against the scripted
 * peer of test_tcp_vpeer.c.  The peer loses chosen segments and answers
 * the rest with duplicate ACKs, with or without SACK blocks; the test
 * checks which segment TCP sends in answer to each ACK, in which order and
 * at which virtual time, and the window state between: RFC 5681/6582 fast
 * retransmit and NewReno (window inflation, partial ACKs, the exit),
 * RFC 6675 SACK recovery (IsLost, NextSeg's order, pipe limiting new data
 * per ACK, the exit), an RTO during recovery (RFC 5681 3.1, RFC 6675 5.1),
 * a zero window during recovery, window updates on rewound ACKs,
 * and RFC 5961 RST validation with the challenge-ACK rate limit over
 * virtual seconds.  Expected values are written out from the RFCs.
 */
#include <netinet/in.h>
#include <netinet/in_pcb.h>
#include <netinet/tcp_timer.h>
#include <netinet/tcp_var.h>
#include <sys/socketvar.h>

#include "tcptest.h"
#include "test_tcp_rconn.h"
#include "testkern.h"

/*
 * NewReno, one segment lost (RFC 5681 3.2, RFC 6582 3.2).  Segment 5 is
 * lost, 6..12 arrive and each is answered by a duplicate ACK.  The first
 * two send nothing; the third retransmits segment 5 at once and sets
 * ssthresh = FlightSize / 2 = 4 and cwnd = ssthresh + 3 = 7 segments;
 * each further duplicate inflates cwnd by one, and a segment of new data
 * goes whenever cwnd exceeds what is outstanding (8 segments): the 5th,
 * 6th and 7th duplicates send segments 13, 14, 15.  One RTT later the
 * ACK of everything below 13 (= recover, the highest sent at the third
 * duplicate) ends recovery: cwnd = min(ssthresh, max(FlightSize, SMSS) +
 * SMSS) = min(4, 3 + 1) ("option 1" of 6582 3.2 step 3), so with 3
 * outstanding one new segment, 16.
 */
static void rec_newreno(void)
{
	struct rconn r;
	struct tcpcb *tp;

	if (!ropen(&r, false, 10000))
		goto out;
	tp = r.tp;
	rwait_rtt();
	rack(&r, 5, NULL, 0); /* segment 6 */
	rack(&r, 5, NULL, 0); /* 7 */
	RSENT(&r, NONE);
	TCHECK(tp->t_dupacks == 2 && !(tp->t_flags & TF_FASTRECOVERY));
	rack(&r, 5, NULL, 0); /* 8: the third */
	RSENT(&r, 5);
	TCHECK(tp->t_flags & TF_FASTRECOVERY);
	TCHECK(tp->snd_ssthresh == 4 * RMSS && tp->snd_cwnd == 7 * RMSS);
	TCHECK(tp->snd_recover == rseg(&r, 13));
	rack(&r, 5, NULL, 0); /* 9 */
	RSENT(&r, NONE);
	TCHECK(tp->snd_cwnd == 8 * RMSS);
	rack(&r, 5, NULL, 0); /* 10 */
	RSENT(&r, 13);
	rack(&r, 5, NULL, 0); /* 11 */
	RSENT(&r, 14);
	rack(&r, 5, NULL, 0); /* 12 */
	RSENT(&r, 15);
	TCHECK(tp->snd_cwnd == 11 * RMSS);
	rwait_rtt();
	rack(&r, 13, NULL, 0); /* the retransmitted 5 arrived */
	RSENT(&r, 16);
	TCHECK(!(tp->t_flags & TF_FASTRECOVERY) && tp->t_dupacks == 0);
	TCHECK(tp->snd_cwnd == 4 * RMSS && tp->snd_ssthresh == 4 * RMSS);
out:
	rclose(&r);
}

/*
 * NewReno, two segments of one window lost (5 and 7; RFC 6582 3.2 step
 * 5).  Duplicates for 6, 8, 9: segment 5 again, cwnd 7; for 10, 11, 12:
 * cwnd 8, 9, 10 and new segments 13 and 14.  The ACK of the retransmitted
 * 5 (up to 7) is partial, below recover = 13: segment 7 is retransmitted
 * at once, cwnd deflated by the 2 segments acknowledged and one added
 * back (9), and with 8 outstanding (7..14) one new segment, 15.  Still in
 * recovery, duplicates for 13 and 14 inflate cwnd to 10 and 11: segments
 * 16 and 17.  The ACK of the retransmitted 7 (up to 16) is at or past
 * recover: recovery ends, cwnd = min(4, 2 outstanding (16, 17) + 1) = 3,
 * one new segment (18).
 */
static void rec_newreno_partial(void)
{
	struct rconn r;
	struct tcpcb *tp;

	if (!ropen(&r, false, 20000))
		goto out;
	tp = r.tp;
	rwait_rtt();
	rack(&r, 5, NULL, 0); /* 6 */
	rack(&r, 5, NULL, 0); /* 8 */
	RSENT(&r, NONE);
	rack(&r, 5, NULL, 0); /* 9 */
	RSENT(&r, 5);
	rack(&r, 5, NULL, 0); /* 10 */
	RSENT(&r, NONE);
	rack(&r, 5, NULL, 0); /* 11 */
	RSENT(&r, 13);
	rack(&r, 5, NULL, 0); /* 12 */
	RSENT(&r, 14);
	rwait_rtt();
	rack(&r, 7, NULL, 0); /* the retransmitted 5: partial */
	RSENT(&r, 7, 15);
	TCHECK(tp->t_flags & TF_FASTRECOVERY);
	TCHECK(tp->snd_cwnd == 9 * RMSS && tp->snd_ssthresh == 4 * RMSS);
	rack(&r, 7, NULL, 0); /* 13 */
	RSENT(&r, 16);
	rack(&r, 7, NULL, 0); /* 14 */
	RSENT(&r, 17);
	rwait_rtt();
	rack(&r, 16, NULL, 0); /* the retransmitted 7; 15 */
	RSENT(&r, 18);
	TCHECK(!(tp->t_flags & TF_FASTRECOVERY));
	TCHECK(tp->snd_cwnd == 3 * RMSS);
out:
	rclose(&r);
}

/*
 * SACK recovery (RFC 6675), segments 5 and 10 lost.  ACKs for 6, 7, 8
 * carry SACK blocks; the third duplicate starts recovery: RecoveryPoint
 * = 13, cwnd = ssthresh = FlightSize / 2 = 4, segment 5 retransmitted.
 * Then pipe (SetPipe: octets neither SACKed nor lost, plus those
 * retransmitted) decides, on each ACK, what NextSeg sends while cwnd -
 * pipe >= 1 SMSS:
 *   after 5 again: pipe = 5 (retransmitted) + 9..12 = 5, nothing;
 *   SACK of 9: pipe = 5 + 10..12 = 4, nothing;
 *   SACK of 11: 10 is not lost (one SACKed segment above it), pipe =
 *     5 + 10 + 12 = 3: rule 2, new data, segment 13 -- not 10, which
 *     rule 3 would send only if there were no new data;
 *   SACK of 12: 10 still not lost (2 SMSS above, not more), pipe = 5 +
 *     10 + 13 = 3: segment 14;
 *   SACK of 13: 10 is lost (3 SMSS SACKed above it), pipe = 5 + 14 = 2:
 *     rule 1 retransmits 10, then pipe 3, rule 2 sends 15;
 *   SACK of 14: pipe = 5 + 10 + 15 = 3: segment 16;
 *   the retransmitted 5 arrives, ACK up to 10 (partial): cwnd stays 4
 *     (no deflation with SACK), pipe = 10 + 15 + 16 = 3: segment 17;
 *   the retransmitted 10 arrives, ACK up to 16 >= RecoveryPoint: the
 *     end, cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS) = 3 with
 *     16, 17 outstanding: segment 18; the scoreboard is empty.
 */
static void rec_sack(void)
{
	static const int s6[][2] = {{6, 6}}, s7[][2] = {{6, 7}},
			 s8[][2] = {{6, 8}}, s9[][2] = {{6, 9}},
			 s11[][2] = {{11, 11}, {6, 9}},
			 s12[][2] = {{11, 12}, {6, 9}},
			 s13[][2] = {{11, 13}, {6, 9}},
			 s14[][2] = {{11, 14}, {6, 9}}, s10[][2] = {{11, 14}};
	struct rconn r;
	struct tcpcb *tp;

	if (!ropen(&r, true, 30000))
		goto out;
	tp = r.tp;
	rwait_rtt();
	rack(&r, 5, s6, 1);
	rack(&r, 5, s7, 1);
	RSENT(&r, NONE);
	rack(&r, 5, s8, 1);
	RSENT(&r, 5);
	TCHECK(tp->t_flags & TF_FASTRECOVERY);
	TCHECK(tp->snd_ssthresh == 4 * RMSS && tp->snd_cwnd == 4 * RMSS);
	TCHECK(tp->snd_recover == rseg(&r, 13));
	rack(&r, 5, s9, 1);
	RSENT(&r, NONE);
	rack(&r, 5, s11, 2);
	RSENT(&r, 13);
	rack(&r, 5, s12, 2);
	RSENT(&r, 14);
	rwait_rtt();
	rack(&r, 5, s13, 2);
	RSENT(&r, 10, 15);
	rack(&r, 5, s14, 2);
	RSENT(&r, 16);
	TCHECK(tp->snd_cwnd == 4 * RMSS);
	rwait_rtt();
	rack(&r, 10, s10, 1);
	RSENT(&r, 17);
	TCHECK(tp->t_flags & TF_FASTRECOVERY);
	TCHECK(tp->snd_cwnd == 4 * RMSS);
	rwait_rtt();
	rack(&r, 16, NULL, 0);
	RSENT(&r, 18);
	TCHECK(!(tp->t_flags & TF_FASTRECOVERY));
	TCHECK(tp->snd_cwnd == 3 * RMSS && tp->t_sack.nblks == 0);
out:
	rclose(&r);
}

/*
 * An RTO during SACK recovery.  Segments 5 and 6 are lost; ACKs for 7,
 * 8, 9 (at the instant of the last ACK of new data, which started the
 * retransmission timer) start recovery and retransmit 5; then the peer
 * falls silent.  RTO (the 200 ms minimum: the RTT samples were 10 ms)
 * after that the timer retransmits segment 5 alone: recovery is over,
 * cwnd = 1 SMSS (RFC 5681 3.1), ssthresh = max(FlightSize / 2, 2 SMSS) =
 * 4, RecoveryPoint = HighData = 13 (RFC 6675 5.1); the scoreboard (7..9)
 * is kept.  Its ACK (up to 6, SACK 7..9) is slow start: cwnd 2, and the
 * two segments are 6 and 10 -- 7..9, which the peer holds, are neither
 * sent again nor counted in flight.  Three more duplicates (SACK 7..12)
 * start no new recovery below RecoveryPoint (RFC 6582 3.2 step 2, RFC
 * 6675 5.1).
 */
static void rec_sack_rto(void)
{
	static const int s7[][2] = {{7, 7}}, s8[][2] = {{7, 8}},
			 s9[][2] = {{7, 9}}, s10[][2] = {{7, 10}},
			 s11[][2] = {{7, 11}}, s12[][2] = {{7, 12}};
	struct rconn r;
	struct tcpcb *tp;
	uint64_t t3;

	if (!ropen(&r, true, 40000))
		goto out;
	tp = r.tp;
	rack(&r, 5, s7, 1);
	rack(&r, 5, s8, 1);
	rack(&r, 5, s9, 1);
	RSENT(&r, 5);
	TCHECK(tp->t_flags & TF_FASTRECOVERY);
	t3 = getnsmono();
	mutex_exit(&softnet_lock);
	tvc_sleep_until(t3 + TCP_RTO_MIN_US * 1000ull - 1 * MS);
	mutex_enter(&softnet_lock);
	RSENT(&r, NONE);
	mutex_exit(&softnet_lock);
	tvc_sleep_until(t3 + TCP_RTO_MIN_US * 1000ull);
	mutex_enter(&softnet_lock);
	RSENT(&r, 5);
	TCHECK(tp->t_rxtshift == 1);
	TCHECK(!(tp->t_flags & TF_FASTRECOVERY));
	TCHECK(tp->snd_cwnd == RMSS && tp->snd_ssthresh == 4 * RMSS);
	TCHECK(tp->snd_recover == rseg(&r, 13));
	TCHECK(tp->t_sack.nblks == 1 && tp->t_dupacks == 0);
	rwait_rtt();
	rack(&r, 6, s9, 1);
	TCHECK(tp->snd_cwnd == 2 * RMSS && tp->t_rxtshift == 0);
	RSENT(&r, 6, 10);
	rwait_rtt();
	rack(&r, 6, s10, 1);
	rack(&r, 6, s11, 1);
	rack(&r, 6, s12, 1);
	TCHECK(!(tp->t_flags & TF_FASTRECOVERY));
	TCHECK(tp->snd_cwnd == 2 * RMSS);
	for (int i = r.idx; i < tvc.n; i++)
		TCHECK(tvc.seg[i].seq != rseg(&r, 6)); /* no fast rexmit */
out:
	rclose(&r);
}

/*
 * The peer's window closes during SACK recovery and opens again (the
 * t_tcp_loss stall).  Segment 5 is lost; SACKs of 6, 7, 8 retransmit it;
 * one RTT later the peer, its buffer full, sends 100 bytes with window 0
 * (and SACK 6..9): TCP sends nothing and waits with the persist timer,
 * snd_nxt back at snd_una (RFC 9293 3.8.6.1).  10 ms later the window
 * opens: at once TCP sends again from snd_una -- segment 5 first, then
 * past 6..9, which the peer SACKed, 10, 11, 12, as many as cwnd allows
 * (recovery ended with the zero window, cwnd = min(ssthresh, FlightSize
 * + SMSS) = 4) -- with the retransmission timer running.  The ACK of
 * everything up to 13 then lets 5 segments go (congestion avoidance:
 * cwnd 4 -> 5 after a window's worth of ACKs).
 * Before the fix in tcp_output, recovery went on with pipe counting all
 * of 5..12 in flight: nothing was sent, only 1-byte persist probes.
 */
static void rec_sack_zerownd(void)
{
	static const int s6[][2] = {{6, 6}}, s7[][2] = {{6, 7}},
			 s8[][2] = {{6, 8}}, s9[][2] = {{6, 9}};
	struct rconn r;
	struct tcpcb *tp;
	struct tcp_opt to;

	if (!ropen(&r, true, 60000))
		goto out;
	tp = r.tp;
	rack(&r, 5, s6, 1);
	rack(&r, 5, s7, 1);
	rack(&r, 5, s8, 1);
	RSENT(&r, 5);
	rwait_rtt();
	memset(&to, 0, sizeof(to));
	to.to_flags = TOF_SACK;
	to.to_nsacks = 1;
	to.to_sacks[0].start = rseg(&r, 6);
	to.to_sacks[0].end = rseg(&r, 10);
	tvc_inject_opt(r.lport, r.pseq, rseg(&r, 5), TH_ACK, 0, &to, 100);
	r.pseq += 100;
	RSENT(&r, NONE);
	TCHECK(tp->snd_wnd == 0 && tp->snd_nxt == tp->snd_una);
	TCHECK(tcp_timer_armed(tp, TCPT_PERSIST) &&
	       !tcp_timer_armed(tp, TCPT_REXMT));
	rwait_rtt();
	rack(&r, 5, s9, 1); /* the window opens */
	RSENT(&r, 5, 10, 11, 12);
	TCHECK(tcp_timer_armed(tp, TCPT_REXMT) &&
	       !tcp_timer_armed(tp, TCPT_PERSIST));
	TCHECK(!(tp->t_flags & TF_FASTRECOVERY) && tp->snd_cwnd == 4 * RMSS);
	rwait_rtt();
	rack(&r, 13, NULL, 0);
	RSENT(&r, 13, 14, 15, 16, 17);
	TCHECK(tp->snd_cwnd == 5 * RMSS);
out:
	rclose(&r);
}

/*
 * The peer's ACKs numbered below an earlier one (it pulled its snd_nxt
 * back to resend lost data).  TCP sends segments 1..4 of 10; the peer,
 * whose own 1000 bytes from P were lost, answers from P + 1000 with
 * segments 1, 2 acknowledged and window 0: TCP waits (persist).  Then
 * the peer, now resending from P, acknowledges 3, 4 and opens its
 * window: the ACK is newer than the one that closed the window (it
 * acknowledges more; RFC 9293 3.10.7.4 updates the window when the ACK
 * is new), so the remaining segments 5..10 go at once.  Before the fix
 * in tcp_input_window the window stayed 0 (SND.WL1 > SEG.SEQ).
 */
static void rec_wnd_rewound(void)
{
	struct rconn r;
	struct tcp_opt to;

	memset(&r, 0, sizeof(r));
	memset(&to, 0, sizeof(to));
	to.to_flags = TOF_MSS;
	to.to_mss = RMSS;
	tvc_start();
	r.so = tvc_connect();
	if (r.so == NULL || !tvc_establish_opt(r.so, 70000, &to)) {
		mutex_enter(&softnet_lock);
		goto out;
	}
	TCHECK(tvc_setopt(r.so, IPPROTO_TCP, TCP_NODELAY, 1) == 0);
	mutex_enter(&softnet_lock);
	r.tp = tvc_tcpcb(r.so);
	r.lport = r.tp->t_inpcb->inp_lport;
	r.s = r.tp->snd_una;
	r.pseq = 70001;
	r.idx = tvc.n;
	mutex_exit(&softnet_lock);
	TCHECK(tvc_send(r.so, 10 * RMSS) == 0);
	mutex_enter(&softnet_lock);
	RSENT(&r, 1, 2, 3, 4);
	rwait_rtt();
	tvc_inject(r.lport, r.pseq + 1000, rseg(&r, 3), TH_ACK, 0, 0);
	TCHECK(r.tp->snd_wnd == 0 && tcp_timer_armed(r.tp, TCPT_PERSIST));
	r.idx = tvc.n; /* an ACK of the out-of-order sequence number */
	rwait_rtt();
	tvc_inject(r.lport, r.pseq, rseg(&r, 5), TH_ACK, 65535, 0);
	RSENT(&r, 5, 6, 7, 8, 9, 10);
	TCHECK(r.tp->snd_wnd == 65535);
out:
	rclose(&r);
}

/*
 * RFC 5961 3 on an established connection whose receive window is
 * [rcv_nxt, rcv_nxt + 65535): an RST just below or just past it is
 * dropped without a word; one inside but not at rcv_nxt earns a
 * challenge ACK (seq = snd_nxt, ack = rcv_nxt) at once; challenge ACKs
 * are limited to 1000 per second (RFC 5961 7): of 1100 in-window RSTs
 * in one virtual second, 1000 are answered, the next second answers
 * again.  An RST exactly at rcv_nxt resets: no answer, the connection
 * is gone and the user sees ECONNRESET.
 */
static void rec_rst(void)
{
	struct rconn r;
	struct tcpcb *tp;
	tcp_seq nxt;
	uint64_t sec;
	int total0;

	memset(&r, 0, sizeof(r));
	tvc_start();
	r.so = tvc_connect();
	if (r.so == NULL || !tvc_establish(r.so, 50000)) {
		mutex_enter(&softnet_lock);
		goto out;
	}
	/* A fresh virtual second: the limit counts per second. */
	tvc_sleep_until((getnsmono() / SEC + 1) * SEC);
	sec = getnsmono();
	mutex_enter(&softnet_lock);
	tp = r.tp = tvc_tcpcb(r.so);
	r.lport = tp->t_inpcb->inp_lport;
	r.pseq = 50001;
	nxt = tp->rcv_nxt;
	TCHECK(nxt == 50001 && SEQ_SUB(tp->rcv_adv, nxt) == 65535);
	r.idx = tvc.n;
	tvc_inject(r.lport, nxt - 1, 0, TH_RST, 0, 0);
	tvc_inject(r.lport, nxt + 65535, 0, TH_RST, 0, 0);
	tvc_inject(r.lport, nxt - 70000, 0, TH_RST | TH_ACK, 0, 0);
	TCHECK(tvc.n == r.idx && tp->t_state == TCPS_ESTABLISHED);
	tvc_inject(r.lport, nxt + 1, 0, TH_RST, 0, 0);
	tvc_inject(r.lport, nxt + 65534, 0, TH_RST | TH_ACK, 0, 0);
	TCHECK(tvc.n == r.idx + 2 && tp->t_state == TCPS_ESTABLISHED);
	for (int i = r.idx; i < tvc.n; i++)
		TCHECK(tvc.seg[i].flags == TH_ACK && tvc.seg[i].len == 0 &&
		       tvc.seg[i].seq == tp->snd_nxt && tvc.seg[i].ack == nxt &&
		       tvc.seg[i].when == sec);
	/* 1098 more in this second: 998 answered. */
	total0 = tvc.total;
	for (int i = 0; i < 1098; i++)
		tvc_inject(r.lport, nxt + 1 + (uint32_t)i, 0, TH_RST, 0, 0);
	TCHECK(tvc.total - total0 == 998);
	mutex_exit(&softnet_lock);
	tvc_sleep_until(sec + 999 * MS);
	mutex_enter(&softnet_lock);
	total0 = tvc.total;
	tvc_inject(r.lport, nxt + 1, 0, TH_RST, 0, 0);
	TCHECK(tvc.total == total0);
	mutex_exit(&softnet_lock);
	tvc_sleep_until(sec + 1000 * MS);
	mutex_enter(&softnet_lock);
	tvc_inject(r.lport, nxt + 1, 0, TH_RST, 0, 0);
	TCHECK(tvc.total == total0 + 1);
	TCHECK(tp->t_state == TCPS_ESTABLISHED && r.so->so_error == 0);
	/* Exact: reset, and nothing sent in answer. */
	total0 = tvc.total;
	tvc_inject(r.lport, nxt, 0, TH_RST, 0, 0);
	TCHECK(tvc.total == total0);
	TCHECK(r.so->so_pcb == NULL || tvc_tcpcb(r.so) == NULL ||
	       tvc_tcpcb(r.so)->t_state == TCPS_CLOSED);
	mutex_exit(&softnet_lock);
	{
		char buf[16];
		struct rump_iovec iov = {.iov_base = buf,
					 .iov_len = sizeof(buf)};
		struct uio uio;
		int flags = MSG_DONTWAIT;

		memset(&uio, 0, sizeof(uio));
		uio.uio_iov = &iov;
		uio.uio_iovcnt = 1;
		uio.uio_resid = sizeof(buf);
		uio.uio_rw = UIO_READ;
		uio.uio_kernelspace = true;
		TCHECK(soreceive(r.so, NULL, &uio, NULL, &flags, curlwp) ==
		       ECONNRESET);
	}
	mutex_enter(&softnet_lock);
	r.tp = NULL;
out:
	rclose(&r);
}

int rump_test_tcp_vrecovery(void)
{
	int start = test_failures;

	rump_schedule();
	/*
	 * RFC 5681, 6582 and 6675 without limited transmit: the values
	 * below are theirs (test_tcp_ltsack.c has RFC 3042, the default).
	 */
	mutex_enter(&softnet_lock);
	tcp_do_rfc3042 = 0;
	mutex_exit(&softnet_lock);
	rec_newreno();
	rec_newreno_partial();
	rec_sack();
	rec_sack_rto();
	rec_sack_zerownd();
	mutex_enter(&softnet_lock);
	tcp_do_rfc3042 = 1;
	mutex_exit(&softnet_lock);
	rec_wnd_rewound();
	rec_rst();
	rec_ltsack_run();
	rec_info_run();
	rec_autobuf_run();
	rump_unschedule();
	return TRESULT(start);
}
