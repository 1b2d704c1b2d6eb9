/*
 * test_tcp_vinfo.c -- TCP_INFO on the virtual clock against the scripted
 * peer (test_tcp_rconn.h), run by t_tcp_vrecovery: the RTT in
 * microseconds from the kernel's estimator (a SYN-ACK 10.25 ms after the
 * SYN), and the loss counts (retrans, lost, sacked, total_retrans)
 * during SACK recovery and while resending after a timeout.
 */
#include <netinet/in.h>
#include <netinet/in_pcb.h>
#include <netinet/tcp_timer.h>
#include <netinet/tcp_var.h>
#include <sys/socketvar.h>

#include <rump/rumpabi.h>

#include "test_tcp_rconn.h"
#include "testkern.h"

/* TCP_INFO through the socket layer; softnet_lock held. */
static bool rinfo(struct rconn *r, struct rump_tcp_info *ti)
{
	struct sockopt sopt = {.sopt_level = IPPROTO_TCP,
			       .sopt_name = TCP_INFO,
			       .sopt_data = ti,
			       .sopt_size = sizeof(*ti)};
	int error;

	memset(ti, 0xa5, sizeof(*ti));
	mutex_exit(&softnet_lock);
	error = sogetopt(r->so, &sopt);
	mutex_enter(&softnet_lock);
	return TCHECK(error == 0 && sopt.sopt_retsize == sizeof(*ti));
}

/*
 * The SYN-ACK comes 10.25 ms after the SYN: the first sample (RFC 6298
 * 2.2) makes SRTT 10250 us and RTTVAR 5125 us, to the microsecond.
 * The path is lo0 (MTU 65535); the window offered is at most the receive
 * buffer; reordering is the duplicate threshold, 3.
 */
static void info_rtt(void)
{
	struct rconn r;
	struct rump_tcp_info ti;

	memset(&r, 0, sizeof(r));
	tvc_start();
	r.so = tvc_connect();
	mutex_enter(&softnet_lock);
	if (!TCHECK(r.so != NULL))
		goto out;
	mutex_exit(&softnet_lock);
	tvc_sleep_until(getnsmono() + 10250 * 1000ull);
	if (!tvc_establish(r.so, 140000)) {
		mutex_enter(&softnet_lock);
		goto out;
	}
	mutex_enter(&softnet_lock);
	r.tp = tvc_tcpcb(r.so);
	r.lport = r.tp->t_inpcb->inp_lport;
	r.pseq = 140001;
	if (!rinfo(&r, &ti))
		goto out;
	TCHECK(ti.tcpi_rtt == 10250 && ti.tcpi_rttvar == 5125);
	TCHECK(ti.tcpi_pmtu == 65535 && ti.tcpi_reordering == 3);
	TCHECK(ti.tcpi_rcv_ssthresh > 0 &&
	       ti.tcpi_rcv_ssthresh <= r.so->so_rcv.sb_hiwat);
	TCHECK(ti.tcpi_retrans == 0 && ti.tcpi_lost == 0 &&
	       ti.tcpi_total_retrans == 0 && ti.tcpi_ato == 40000);
out:
	rclose(&r);
}

/*
 * SACK recovery: 5 lost, the SACKs of 6, 6..7 send 13, 14 (limited
 * transmit), the SACK of 6..8 retransmits 5: 10 segments unacked, 3
 * SACKed, 5 lost (3 SACKed above it) and retransmitted, 9..14 neither.
 * Then silence: the timeout resends 5 again; resending, every unSACKed
 * segment up to recover (5, 9..14: 7) is lost and 5 is out again.
 */
static void info_loss(void)
{
	static const int s6[][2] = {{6, 6}}, s7[][2] = {{6, 7}},
			 s8[][2] = {{6, 8}};
	struct rconn r;
	struct rump_tcp_info ti;
	uint64_t t0;

	/* Timers run on whole milliseconds: start on one. */
	tvc_sleep_until((getnsmono() / MS + 1) * MS);
	if (!ropen(&r, true, 150000))
		goto out;
	rwait_rtt();
	rack(&r, 5, s6, 1);
	rack(&r, 5, s7, 1);
	rack(&r, 5, s8, 1);
	RSENT(&r, 13, 14, 5);
	t0 = getnsmono(); /* the retransmission restarted the timer */
	if (!rinfo(&r, &ti))
		goto out;
	TCHECK(ti.tcpi_unacked == 10 && ti.tcpi_sacked == 3);
	TCHECK(ti.tcpi_retrans == 1 && ti.tcpi_lost == 1);
	TCHECK(ti.tcpi_total_retrans == 1);
	mutex_exit(&softnet_lock);
	tvc_sleep_until(t0 + TCP_RTO_MIN_US * 1000ull - 1 * MS);
	tvc_sleep_until(t0 + TCP_RTO_MIN_US * 1000ull);
	mutex_enter(&softnet_lock);
	RSENT(&r, 5);
	if (!rinfo(&r, &ti))
		goto out;
	TCHECK(ti.tcpi_retransmits == 1 && ti.tcpi_backoff == 1);
	TCHECK(ti.tcpi_retrans == 1 && ti.tcpi_lost == 7);
	TCHECK(ti.tcpi_total_retrans == 2 && ti.tcpi_sacked == 3);
out:
	rclose(&r);
}

void rec_info_run(void)
{
	info_rtt();
	info_loss();
}
