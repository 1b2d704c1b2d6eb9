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

void rec_ltsack_run(void)
{
	rec_limited();
	rec_limited_wnd();
	rec_limited_sack();
}
