/*
 * test_tcp_timers.c -- TCP's timers on the virtual clock (the fiber host
 * with RUMP_VIRTUAL_CLOCK=1, t_tcp_vclock): time moves only when every
 * thread waits, straight to the next deadline, so each segment TCP sends
 * is captured (tcp_capture_hook) at the exact time its timer fired.  A
 * scripted peer at 127.0.0.2 answers, or does not: SYN and data
 * retransmission with exponential backoff up to the 60 s cap and the drop
 * (ETIMEDOUT), zero-window probes backing off and never giving up while
 * answered, keepalive probes and the drop, TIME_WAIT lasting exactly
 * 2MSL, and the delayed ACK of 40 ms.  The expected times are written out
 * from the RFCs' rules and docs/tcp.md, not computed by TCP's own code.
 */
#include <netinet/in.h>
#include <netinet/in_cksum.h>
#include <netinet/in_pcb.h>
#include <netinet/ip.h>
#include <netinet/tcp_timer.h>
#include <netinet/tcp_var.h>
#include <sys/file.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>

#include "tcptest.h"
#include "test_tcp_vpeer.h"
#include "testkern.h"

/*
 * The SYN goes out again after 1, 2, 4, 8 and 16 and 32 s (RFC 6298's
 * 1 s initial RTO, doubling); the connection-establishment limit
 * (TCPTV_KEEPINIT, 75 s as in the BSDs) ends the connect with ETIMEDOUT
 * before the seventh timeout would.
 */
static void timers_syn_backoff(void)
{
	struct socket *so;
	uint64_t t0, iv = 1 * SEC;

	tvc_start();
	so = tvc_connect();
	if (so == NULL || !TCHECK(tvc.n == 1))
		goto out;
	t0 = tvc.seg[0].when;
	tvc_wait_dead(so, 300 * SEC);
	mutex_enter(&softnet_lock);
	TCHECK(so->so_pcb == NULL && so->so_error == ETIMEDOUT);
	TCHECK(tvc.n == 1 + TCP_SYN_MAXRXT);
	for (int i = 1; i < tvc.n; i++, iv *= 2) {
		TCHECK(tvc.seg[i].flags == TH_SYN);
		TCHECK(tvc.seg[i].seq == tvc.seg[0].seq);
		TCHECK(tvc.seg[i].when - tvc.seg[i - 1].when == iv);
	}
	/* tvc_wait_dead looks every 100 ms. */
	TCHECK(getnsmono() >= t0 + TCPTV_KEEPINIT_MS * MS &&
	       getnsmono() < t0 + TCPTV_KEEPINIT_MS * MS + 100 * MS);
	mutex_exit(&softnet_lock);
out:
	tvc_stop(so);
}

/*
 * Data never acknowledged: retransmitted after RTO, 2 RTO, 4 RTO ... up
 * to 60 s, twelve times, then the connection is dropped (ETIMEDOUT) one
 * more timeout later.  The handshake's RTT sample is 0 on the virtual
 * clock, so RTO is the 200 ms minimum.
 */
static void timers_data_backoff(void)
{
	struct socket *so;
	struct tcpcb *tp;
	uint64_t iv = TCP_RTO_MIN_US * 1000ull, last;
	tcp_seq una;
	int n0;

	tvc_start();
	so = tvc_connect();
	if (so == NULL || !tvc_establish(so, 1000))
		goto out;
	mutex_enter(&softnet_lock);
	tp = tvc_tcpcb(so);
	una = tp->snd_una;
	n0 = tvc.n;
	mutex_exit(&softnet_lock);
	TCHECK(tvc_send(so, 100) == 0);
	tvc_wait_dead(so, 600 * SEC);
	mutex_enter(&softnet_lock);
	TCHECK(so->so_pcb == NULL && so->so_error == ETIMEDOUT);
	/* The segment, its 12 retransmissions, the RST of the drop. */
	TCHECK(tvc.n == n0 + 1 + TCP_MAXRXTSHIFT + 1);
	TCHECK(tvc.seg[tvc.n - 1].flags & TH_RST);
	tvc.n--;
	for (int i = n0; i < tvc.n; i++) {
		TCHECK(tvc.seg[i].seq == una && tvc.seg[i].len == 100);
		if (i > n0) {
			TCHECK(tvc.seg[i].when - tvc.seg[i - 1].when == iv);
			iv = MIN(iv * 2, TCP_RTO_MAX_US * 1000ull);
		}
	}
	last = tvc.seg[tvc.n - 1].when;
	TCHECK(getnsmono() - last >= iv && getnsmono() - last < iv + 100 * MS);
	mutex_exit(&softnet_lock);
out:
	tvc_stop(so);
}

/*
 * A zero window with data to send: probes of one byte, each answered by
 * the peer with the window still 0; their intervals are RTO-based,
 * doubling, within 1 s .. 60 s (docs/tcp.md), and TCP never gives up
 * while they are answered (20 probes, beyond the 12 retransmissions that
 * would kill a connection).  Then the window opens and the data goes at
 * once.
 */
static void timers_persist(void)
{
	struct socket *so;
	struct tcpcb *tp;
	uint16_t lport;
	tcp_seq una, pnxt = 2001;
	uint64_t prev = 0;
	int probes = 0, idx;

	tvc_start();
	so = tvc_connect();
	if (so == NULL || !tvc_establish(so, 2000))
		goto out;
	mutex_enter(&softnet_lock);
	tp = tvc_tcpcb(so);
	lport = tp->t_inpcb->inp_lport;
	una = tp->snd_una;
	tvc_inject(lport, pnxt, una, TH_ACK, 0, 0); /* the window closes */
	TCHECK(tp->snd_wnd == 0);
	idx = tvc.n;
	mutex_exit(&softnet_lock);
	TCHECK(tvc_send(so, 300) == 0);
	while (probes < 20) {
		uint64_t want;

		mutex_enter(&softnet_lock);
		while (idx < tvc.n && tvc.seg[idx].len == 0)
			idx++;
		if (idx == tvc.n) {
			mutex_exit(&softnet_lock);
			kpause_ns(100 * MS);
			if (!TCHECK(getnsmono() - prev < 120 * SEC ||
				    prev == 0))
				break;
			continue;
		}
		/* A probe: one byte at snd_una. */
		TCHECK(tvc.seg[idx].len == 1 && tvc.seg[idx].seq == una);
		want = (uint64_t)TCP_RTO_MIN_US * 1000ull << MIN(probes, 12);
		want = MIN(MAX(want, 1 * SEC), 60 * SEC);
		if (probes > 0)
			TCHECK(tvc.seg[idx].when - prev == want);
		prev = tvc.seg[idx].when;
		probes++;
		idx++;
		TCHECK(tp->t_state == TCPS_ESTABLISHED);
		tvc_inject(lport, pnxt, una, TH_ACK, 0, 0); /* still closed */
		mutex_exit(&softnet_lock);
	}
	mutex_enter(&softnet_lock);
	TCHECK(so->so_pcb != NULL && tp->t_state == TCPS_ESTABLISHED);
	idx = tvc.n;
	tvc_inject(lport, pnxt, una, TH_ACK, 65535, 0);
	/* The 300 bytes went at the same instant. */
	{
		int bytes = 0;
		for (int i = idx; i < tvc.n; i++) {
			TCHECK(tvc.seg[i].when == getnsmono());
			bytes += tvc.seg[i].len;
		}
		TCHECK(bytes == 300);
	}
	mutex_exit(&softnet_lock);
out:
	tvc_stop(so);
}

/*
 * Keepalive with TCP_KEEPIDLE 10 s, TCP_KEEPINTVL 5 s, TCP_KEEPCNT 3: the
 * first probe 10 s after the last segment from the peer, one byte below
 * snd_una; an answer restarts the idle time; unanswered probes every 5 s
 * and the drop with ETIMEDOUT 5 s after the third.
 */
static void timers_keepalive(void)
{
	struct socket *so;
	struct tcpcb *tp;
	uint16_t lport;
	uint64_t t0, t1;
	tcp_seq una;
	int idx;

	tvc_start();
	so = tvc_connect();
	if (so == NULL || !tvc_establish(so, 3000))
		goto out;
	TCHECK(tvc_setopt(so, IPPROTO_TCP, TCP_KEEPIDLE, 10) == 0);
	TCHECK(tvc_setopt(so, IPPROTO_TCP, TCP_KEEPINTVL, 5) == 0);
	TCHECK(tvc_setopt(so, IPPROTO_TCP, TCP_KEEPCNT, 3) == 0);
	TCHECK(tvc_setopt(so, SOL_SOCKET, SO_KEEPALIVE, 1) == 0);
	mutex_enter(&softnet_lock);
	tp = tvc_tcpcb(so);
	lport = tp->t_inpcb->inp_lport;
	una = tp->snd_una;
	/* The last segment from the peer, on a whole second. */
	mutex_exit(&softnet_lock);
	tvc_sleep_until((getnsmono() / SEC + 1) * SEC);
	mutex_enter(&softnet_lock);
	tvc_inject(lport, 3001, una, TH_ACK, 65535, 0);
	t0 = getnsmono();
	idx = tvc.n;
	mutex_exit(&softnet_lock);
	/* The first probe, answered. */
	tvc_sleep_until(t0 + 10 * SEC + 500 * MS);
	mutex_enter(&softnet_lock);
	TCHECK(tvc.n == idx + 1);
	TCHECK(tvc.seg[idx].when == t0 + 10 * SEC);
	TCHECK(tvc.seg[idx].seq == una - 1 && tvc.seg[idx].len == 0);
	tvc_inject(lport, 3001, una, TH_ACK, 65535, 0);
	t1 = getnsmono();
	idx = tvc.n;
	mutex_exit(&softnet_lock);
	tvc_wait_dead(so, 60 * SEC);
	mutex_enter(&softnet_lock);
	TCHECK(so->so_pcb == NULL && so->so_error == ETIMEDOUT);
	/* Three probes, then the RST of the drop. */
	TCHECK(tvc.n == idx + 4 && (tvc.seg[tvc.n - 1].flags & TH_RST));
	for (int i = 0; i < 3 && idx + i < tvc.n; i++) {
		TCHECK(tvc.seg[idx + i].when ==
		       t1 + 10 * SEC + (uint64_t)i * 5 * SEC);
		TCHECK(tvc.seg[idx + i].seq == una - 1);
	}
	/* Dropped at the fourth expiry, 5 s after the third probe. */
	TCHECK(getnsmono() >= t1 + 25 * SEC &&
	       getnsmono() < t1 + 25 * SEC + 100 * MS);
	mutex_exit(&softnet_lock);
out:
	tvc_stop(so);
}

/*
 * Active close: FIN, the peer's ACK and FIN, TIME_WAIT; the connection
 * stays exactly 2MSL = 60 s (still there 1 ms before, gone 1 ms after).
 */
static void timers_time_wait(void)
{
	struct socket *so;
	struct tcpcb *tp;
	uint16_t lport;
	uint64_t t0;
	tcp_seq fin;

	tvc_start();
	so = tvc_connect();
	if (so == NULL || !tvc_establish(so, 4000))
		goto out;
	TCHECK(soshutdown(so, SHUT_WR) == 0);
	mutex_enter(&softnet_lock);
	tp = tvc_tcpcb(so);
	lport = tp->t_inpcb->inp_lport;
	TCHECK(tvc.n >= 1 && (tvc.seg[tvc.n - 1].flags & TH_FIN));
	fin = tvc.seg[tvc.n - 1].seq;
	tvc_inject(lport, 4001, fin + 1, TH_ACK | TH_FIN, 65535, 0);
	TCHECK(tp->t_state == TCPS_TIME_WAIT);
	t0 = getnsmono();
	mutex_exit(&softnet_lock);
	tvc_sleep_until(t0 + 60 * SEC - 1 * MS);
	mutex_enter(&softnet_lock);
	TCHECK(so->so_pcb != NULL && tp->t_state == TCPS_TIME_WAIT);
	mutex_exit(&softnet_lock);
	tvc_sleep_until(t0 + 60 * SEC + 1 * MS);
	mutex_enter(&softnet_lock);
	TCHECK(so->so_pcb == NULL);
	mutex_exit(&softnet_lock);
out:
	tvc_stop(so);
}

/*
 * A small segment from the peer is acknowledged exactly 40 ms later
 * (the delayed ACK); out-of-order data at once.
 */
static void timers_delack(void)
{
	struct socket *so;
	struct tcpcb *tp;
	uint16_t lport;
	uint64_t t0;
	tcp_seq una;
	int idx;

	tvc_start();
	so = tvc_connect();
	if (so == NULL || !tvc_establish(so, 5000))
		goto out;
	mutex_enter(&softnet_lock);
	tp = tvc_tcpcb(so);
	lport = tp->t_inpcb->inp_lport;
	una = tp->snd_una;
	idx = tvc.n;
	tvc_inject(lport, 5001, una, TH_ACK | TH_PUSH, 65535, 10);
	t0 = getnsmono();
	TCHECK(tvc.n == idx); /* not yet */
	mutex_exit(&softnet_lock);
	tvc_sleep_until(t0 + 100 * MS);
	mutex_enter(&softnet_lock);
	TCHECK(tvc.n == idx + 1);
	TCHECK(tvc.seg[idx].ack == 5011 && tvc.seg[idx].len == 0);
	TCHECK(tvc.seg[idx].when == t0 + TCP_DELACK_MS * MS);
	/* Out of order: a duplicate ACK at once. */
	idx = tvc.n;
	tvc_inject(lport, 5111, una, TH_ACK, 65535, 10);
	TCHECK(tvc.n == idx + 1 && tvc.seg[idx].ack == 5011);
	TCHECK(tvc.seg[idx].when == getnsmono());
	mutex_exit(&softnet_lock);
out:
	tvc_stop(so);
}

int rump_test_tcp_vclock(void)
{
	int start = test_failures;

	rump_schedule();
	timers_syn_backoff();
	timers_data_backoff();
	timers_persist();
	timers_keepalive();
	timers_time_wait();
	timers_delack();
	rump_unschedule();
	return TRESULT(start);
}
