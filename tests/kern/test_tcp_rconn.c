/*
 * test_tcp_rconn.c -- the loss-recovery tests' connection to the scripted
 * peer (test_tcp_rconn.h): opening it to 8 segments in flight, the peer's
 * ACKs with SACK blocks, and segment-by-segment checks of what TCP sent.
 */
#include <netinet/in.h>
#include <netinet/in_pcb.h>
#include <netinet/tcp_timer.h>
#include <netinet/tcp_var.h>
#include <sys/socketvar.h>

#include "test_tcp_rconn.h"
#include "testkern.h"

/* Where segment k (1, 2, ...) starts. */
tcp_seq rseg(const struct rconn *r, int k)
{
	return r->s + (uint32_t)(k - 1) * RMSS;
}

/*
 * An ACK of everything below segment next from the peer, with SACK
 * blocks given as inclusive segment ranges {first, last}, most recent
 * first (RFC 2018 4), nsack of them.  softnet_lock held.
 */
void rack_win(struct rconn *r, int next, const int (*sack)[2], int nsack,
	      uint32_t win)
{
	struct tcp_opt to;

	memset(&to, 0, sizeof(to));
	for (int i = 0; i < nsack; i++) {
		to.to_sacks[i].start = rseg(r, sack[i][0]);
		to.to_sacks[i].end = rseg(r, sack[i][1] + 1);
	}
	if (nsack > 0) {
		to.to_flags = TOF_SACK;
		to.to_nsacks = (uint8_t)nsack;
	}
	tvc_inject_opt(r->lport, r->pseq, rseg(r, next), TH_ACK, win,
		       nsack > 0 ? &to : NULL, 0);
}

void rack(struct rconn *r, int next, const int (*sack)[2], int nsack)
{
	rack_win(r, next, sack, nsack, 65535);
}

/*
 * The segments TCP sent since the last call are exactly want[0..n-1]
 * (segment numbers), each full-sized and sent now.  softnet_lock held.
 */
bool rsent(struct rconn *r, const int *want, int n, int line)
{
	bool ok = tvc.n - r->idx == n;

	for (int i = 0; ok && i < n; i++) {
		const struct tvc_seg *g = &tvc.seg[r->idx + i];

		ok = g->seq == rseg(r, want[i]) && g->len == RMSS &&
		     g->when == getnsmono() && !(g->flags & (TH_SYN | TH_RST));
	}
	if (!ok) {
		printf("line %d: wanted segments", line);
		for (int i = 0; i < n; i++)
			printf(" %d", want[i]);
		printf(" now (%llu ms), got:\n",
		       (unsigned long long)(getnsmono() / MS));
		for (int i = r->idx; i < tvc.n; i++)
			printf("  %llu ms segment %d%s len %d flags %x\n",
			       (unsigned long long)(tvc.seg[i].when / MS),
			       (int)(SEQ_SUB(tvc.seg[i].seq, r->s) / RMSS) + 1,
			       SEQ_SUB(tvc.seg[i].seq, r->s) % RMSS ? "+" : "",
			       tvc.seg[i].len, tvc.seg[i].flags);
	}
	r->idx = tvc.n;
	return tcheck(ok, __FILE__, line, "the segments sent");
}

/* The peer answers a flight one RTT later. */
void rwait_rtt(void)
{
	mutex_exit(&softnet_lock);
	tvc_sleep_until(getnsmono() + RTT);
	mutex_enter(&softnet_lock);
}

/*
 * A connection with MSS 1000 (SACK permitted or not) and 40 segments to
 * send, grown by slow start to cwnd 8 segments: the initial window of 4
 * (RFC 5681 3.1, 4 * SMSS for an SMSS of 1000), each ACK of one segment
 * adds one SMSS (RFC 5681 3.1 equation 2) and so sends two new segments.
 * Returns with softnet_lock held, segments 5..12 in flight, sent now.
 */
bool ropen(struct rconn *r, bool sack, tcp_seq piss)
{
	struct tcp_opt to;

	memset(r, 0, sizeof(*r));
	memset(&to, 0, sizeof(to));
	to.to_flags = TOF_MSS | (sack ? TOF_SACKPERM : 0);
	to.to_mss = RMSS;
	tvc_start();
	r->so = tvc_connect();
	if (r->so == NULL || !tvc_establish_opt(r->so, piss, &to)) {
		mutex_enter(&softnet_lock);
		return false;
	}
	TCHECK(tvc_setopt(r->so, IPPROTO_TCP, TCP_NODELAY, 1) == 0);
	mutex_enter(&softnet_lock);
	r->tp = tvc_tcpcb(r->so);
	r->lport = r->tp->t_inpcb->inp_lport;
	r->s = r->tp->snd_una;
	r->pseq = piss + 1;
	r->idx = tvc.n;
	if (!TCHECK(r->tp->t_maxseg == RMSS && r->tp->snd_cwnd == 4 * RMSS &&
		    ((r->tp->t_flags & TF_SACK_PERMIT) != 0) == sack))
		return false;
	mutex_exit(&softnet_lock);
	TCHECK(tvc_send(r->so, 40 * RMSS) == 0);
	mutex_enter(&softnet_lock);
	if (!RSENT(r, 1, 2, 3, 4))
		return false;
	rwait_rtt();
	for (int k = 1; k <= 4; k++) {
		rack(r, k + 1, NULL, 0);
		if (!RSENT(r, 3 + 2 * k, 4 + 2 * k))
			return false;
	}
	return TCHECK(r->tp->snd_cwnd == 8 * RMSS &&
		      r->tp->snd_una == rseg(r, 5) &&
		      r->tp->snd_max == rseg(r, 13));
}

/* The peer resets the connection (an exact RST); so is closed. */
void rclose(struct rconn *r)
{
	if (r->tp != NULL && r->so->so_pcb != NULL)
		tvc_inject(r->lport, r->pseq, 0, TH_RST, 0, 0);
	mutex_exit(&softnet_lock);
	tvc_stop(r->so);
}
