/*
 * test_tcp_ltsack.c -- RFC 3042 limited transmit and the retransmission
 * timeout with SACK (RFC 6675 5.1, RFC 2018 8) segment by segment on the
 * virtual clock, against the scripted peer (test_tcp_rconn.h), run by
 * t_tcp_vrecovery.  Expected values are written out from the RFCs.
 */
#include <netinet/in.h>
#include <netinet/in_pcb.h>
#include <netinet/tcp_timer.h>
#include <netinet/tcp_var.h>
#include <sys/socketvar.h>

#include "test_tcp_rconn.h"
#include "testkern.h"

/*
 * NewReno with limited transmit, segment 5 lost, 8 segments (5..12) in
 * flight, cwnd 8.  The duplicates for 6 and 7 each send one new segment
 * (13, 14): the peer's window allows them and 9, then 10 outstanding
 * stay within cwnd + 2 SMSS; cwnd stays 8.  The third duplicate (for 8)
 * retransmits 5 with ssthresh = FlightSize / 2 where FlightSize leaves
 * out what limited transmit sent (RFC 5681 3.2 step 2): 8 / 2 = 4, cwnd
 * 4 + 3 = 7, recover = 15.  With 10 outstanding, the duplicates for 9,
 * 10, 11 inflate cwnd to 8, 9, 10 and send nothing; the one for 12 makes
 * it 11: segment 15.  One RTT later the duplicates for 13 and 14 send 16
 * and 17; the next RTT the ACK of everything below 15 (= recover) ends
 * recovery with cwnd min(4, 3 + 1) = 4: one new segment, 18.
 */
static void rec_limited(void)
{
	struct rconn r;
	struct tcpcb *tp;

	if (!ropen(&r, false, 80000))
		goto out;
	tp = r.tp;
	rwait_rtt();
	rack(&r, 5, NULL, 0); /* 6 */
	RSENT(&r, 13);
	TCHECK(tp->t_dupacks == 1 && tp->snd_cwnd == 8 * RMSS);
	TCHECK(!(tp->t_flags & TF_FASTRECOVERY));
	rack(&r, 5, NULL, 0); /* 7 */
	RSENT(&r, 14);
	TCHECK(tp->t_dupacks == 2 && tp->snd_cwnd == 8 * RMSS);
	rack(&r, 5, NULL, 0); /* 8: the third */
	RSENT(&r, 5);
	TCHECK(tp->t_flags & TF_FASTRECOVERY);
	TCHECK(tp->snd_ssthresh == 4 * RMSS && tp->snd_cwnd == 7 * RMSS);
	TCHECK(tp->snd_recover == rseg(&r, 15));
	rack(&r, 5, NULL, 0); /* 9 */
	rack(&r, 5, NULL, 0); /* 10 */
	rack(&r, 5, NULL, 0); /* 11 */
	RSENT(&r, NONE);
	TCHECK(tp->snd_cwnd == 10 * RMSS);
	rack(&r, 5, NULL, 0); /* 12 */
	RSENT(&r, 15);
	rwait_rtt();
	rack(&r, 5, NULL, 0); /* 13 */
	RSENT(&r, 16);
	rack(&r, 5, NULL, 0); /* 14 */
	RSENT(&r, 17);
	rwait_rtt();
	rack(&r, 15, NULL, 0); /* the retransmitted 5 */
	RSENT(&r, 18);
	TCHECK(!(tp->t_flags & TF_FASTRECOVERY) && tp->t_dupacks == 0);
	TCHECK(tp->snd_cwnd == 4 * RMSS && tp->t_ltbytes == 0);
out:
	rclose(&r);
}

/*
 * Limited transmit needs room in the peer's window: after a window
 * update to exactly what is outstanding (5..12, 8000 bytes), the first
 * two duplicates send nothing, the third retransmits 5 (inside the
 * window) with ssthresh 8 / 2 = 4.
 */
static void rec_limited_wnd(void)
{
	struct rconn r;
	struct tcpcb *tp;

	if (!ropen(&r, false, 90000))
		goto out;
	tp = r.tp;
	rwait_rtt();
	rack_win(&r, 5, NULL, 0, 8 * RMSS); /* a window update */
	RSENT(&r, NONE);
	TCHECK(tp->snd_wnd == 8 * RMSS && tp->t_dupacks == 0);
	rack_win(&r, 5, NULL, 0, 8 * RMSS);
	rack_win(&r, 5, NULL, 0, 8 * RMSS);
	RSENT(&r, NONE);
	TCHECK(tp->t_dupacks == 2);
	rack_win(&r, 5, NULL, 0, 8 * RMSS);
	RSENT(&r, 5);
	TCHECK(tp->snd_ssthresh == 4 * RMSS && tp->snd_cwnd == 7 * RMSS);
out:
	rclose(&r);
}

/*
 * SACK with limited transmit, segment 5 lost: the SACKs of 6 and of 6..7
 * send 13 and 14, the SACK of 6..8 (the third duplicate) retransmits 5
 * with cwnd = ssthresh = 8 / 2 = 4 (RFC 6675 5 step 4.2, FlightSize
 * without limited transmit's two) and RecoveryPoint 15; pipe (5 again
 * plus 9..14, none lost) then holds everything back.
 */
static void rec_limited_sack(void)
{
	static const int s6[][2] = {{6, 6}}, s7[][2] = {{6, 7}},
			 s8[][2] = {{6, 8}}, s9[][2] = {{6, 9}};
	struct rconn r;
	struct tcpcb *tp;

	if (!ropen(&r, true, 100000))
		goto out;
	tp = r.tp;
	rwait_rtt();
	rack(&r, 5, s6, 1);
	RSENT(&r, 13);
	rack(&r, 5, s7, 1);
	RSENT(&r, 14);
	TCHECK(tp->snd_cwnd == 8 * RMSS && tp->t_ltbytes == 2 * RMSS);
	rack(&r, 5, s8, 1);
	RSENT(&r, 5);
	TCHECK(tp->t_flags & TF_FASTRECOVERY);
	TCHECK(tp->snd_ssthresh == 4 * RMSS && tp->snd_cwnd == 4 * RMSS);
	TCHECK(tp->snd_recover == rseg(&r, 15));
	rack(&r, 5, s9, 1);
	RSENT(&r, NONE);
out:
	rclose(&r);
}

/*
 * Up to the timeout: segments 5, 6 and 9..12 lost; the SACKs of 7 and
 * 7..8 send 13 and 14 (limited transmit), which are lost too.  RTO (200
 * ms) after the last ACK of new data segment 5 goes alone: cwnd 1,
 * ssthresh = 10 / 2 = 5, recover 15, the scoreboard (7..8) kept.
 */
static bool rec_rto_start(struct rconn *r, tcp_seq piss)
{
	static const int s7[][2] = {{7, 7}}, s8[][2] = {{7, 8}};
	struct tcpcb *tp;
	uint64_t t0;

	if (!ropen(r, true, piss))
		return false;
	tp = r->tp;
	t0 = getnsmono();
	rwait_rtt();
	rack(r, 5, s7, 1);
	RSENT(r, 13);
	rack(r, 5, s8, 1);
	RSENT(r, 14);
	mutex_exit(&softnet_lock);
	tvc_sleep_until(t0 + TCP_RTO_MIN_US * 1000ull - 1 * MS);
	mutex_enter(&softnet_lock);
	RSENT(r, NONE);
	mutex_exit(&softnet_lock);
	tvc_sleep_until(t0 + TCP_RTO_MIN_US * 1000ull);
	mutex_enter(&softnet_lock);
	if (!RSENT(r, 5))
		return false;
	return TCHECK(tp->snd_cwnd == RMSS && tp->snd_ssthresh == 5 * RMSS &&
		      tp->snd_recover == rseg(r, 15) && tp->t_sack.nblks == 1 &&
		      tp->t_sack.blks[0].start == rseg(r, 7) &&
		      tp->t_sack.blks[0].end == rseg(r, 9));
}

/*
 * After the timeout, what the peer SACKed is not sent again (RFC 6675
 * 5.1).  The ACK of 5 (up to 6, SACK 7..8): slow start, cwnd 2, and the
 * two segments in flight are 6 (the left edge) and 9 -- 7 and 8 are
 * skipped and not counted.  The ACK up to 10 (4 segments, 7 and 8 held
 * by the peer since before the timeout) counts one SMSS (RFC 3465 2.3,
 * slow start below recover after a timeout): cwnd 3, so 10, 11 and 12.
 * 7 and 8 never went again.
 */
static void rec_rto_sack_skip(void)
{
	static const int s8[][2] = {{7, 8}};
	struct rconn r;
	struct tcpcb *tp;

	if (!rec_rto_start(&r, 110000))
		goto out;
	tp = r.tp;
	rwait_rtt();
	rack(&r, 6, s8, 1);
	RSENT(&r, 6, 9);
	TCHECK(tp->snd_cwnd == 2 * RMSS);
	rwait_rtt();
	rack(&r, 10, NULL, 0);
	RSENT(&r, 10, 11, 12);
	TCHECK(tp->snd_cwnd == 3 * RMSS && tp->t_sack.nblks == 0);
out:
	rclose(&r);
}

/*
 * The peer reneges (RFC 2018 8): after the timeout its ACK of 5 (up to
 * 6) carries no SACK block any more, and TCP, still trusting 7..8, sends
 * 6 and 9.  The next ACK stops at 7, inside what the peer had SACKed
 * (SACK 9): it dropped 7..8.  TCP forgets the old scoreboard, goes back
 * to 7 and with cwnd 3 sends 7, 8 and, past the SACKed 9, 10.  No byte
 * left the send buffer before a cumulative ACK, so nothing is lost.
 */
static void rec_rto_renege(void)
{
	static const int s9[][2] = {{9, 9}};
	struct rconn r;
	struct tcpcb *tp;
	uint64_t reneged = tcpstat.tcps_sack_reneged;

	if (!rec_rto_start(&r, 120000))
		goto out;
	tp = r.tp;
	rwait_rtt();
	rack(&r, 6, NULL, 0);
	RSENT(&r, 6, 9);
	rwait_rtt();
	rack(&r, 7, s9, 1);
	TCHECK(tcpstat.tcps_sack_reneged == reneged + 1);
	RSENT(&r, 7, 8, 10);
	TCHECK(tp->snd_cwnd == 3 * RMSS && tp->t_sack.nblks == 1 &&
	       tp->t_sack.blks[0].start == rseg(&r, 9));
	TCHECK(r.so->so_snd.sb_cc == 40 * RMSS - 6 * RMSS);
out:
	rclose(&r);
}

void rec_ltsack_run(void)
{
	rec_limited();
	rec_limited_wnd();
	rec_limited_sack();
	rec_rto_sack_skip();
	rec_rto_renege();
}
