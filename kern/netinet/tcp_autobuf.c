/*
 * tcp_autobuf.c -- socket buffer autotuning.  A receive buffer grows when
 * the reader keeps up and the window held the sender back: once per
 * round trip the bytes the application took are compared with the
 * buffer (dynamic right-sizing, as Linux and FreeBSD measure it), and a
 * reader that took nearly a whole buffer per RTT gets twice the buffer.
 * A send buffer grows when the application keeps it full and both the
 * congestion and the peer's window are as large as the buffer.  Both
 * stop at net.inet.tcp.{recv,send}buf_max, never touch a buffer the
 * application sized (SO_RCVBUF/SO_SNDBUF clear SB_AUTOSIZE), and take
 * the growth from a budget of a quarter of RUMP_MEMLIMIT: a growth the
 * budget refuses leaves the buffer as it is.  Holding softnet_lock.
 */
#include <netinet/in_pcb.h>
#include <netinet/tcp_var.h>
#include <sys/kmem.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

/* The sysctl nodes net.inet.tcp.{recv,send}buf_{auto,max} (in_sysctl.c). */
int tcp_autorcvbuf = 1;
int tcp_autosndbuf = 1;
int tcp_autorcvbuf_max = TCP_AUTOBUF_MAX_DEFAULT;
int tcp_autosndbuf_max = TCP_AUTOBUF_MAX_DEFAULT;
/* Growth granted to live connections, against the memory budget. */
static uint64_t tcp_autobuf_granted;

void tcp_autobuf_attach(struct socket *so, bool defaults)
{
	struct socket *head = so->so_head;

	if (head != NULL) {
		/* A listener's connection: sized as the listener was. */
		so->so_rcv.sb_flags |= head->so_rcv.sb_flags & SB_AUTOSIZE;
		so->so_snd.sb_flags |= head->so_snd.sb_flags & SB_AUTOSIZE;
	} else if (defaults) {
		so->so_rcv.sb_flags |= SB_AUTOSIZE;
		so->so_snd.sb_flags |= SB_AUTOSIZE;
	}
}

uint8_t tcp_autobuf_rcvscale(struct socket *so)
{
	size_t hiwat = so->so_rcv.sb_hiwat;

	/* The scale is fixed at the SYN: the largest size must fit it. */
	if ((so->so_rcv.sb_flags & SB_AUTOSIZE) && tcp_autorcvbuf &&
	    (size_t)tcp_autorcvbuf_max > hiwat)
		hiwat = (size_t)tcp_autorcvbuf_max;
	return tcp_rcv_scale_for(hiwat);
}

/* Grow sb to want (at most max) if the budget allows; true if it grew. */
static bool tcp_autobuf_grow(struct tcpcb *tp, struct sockbuf *sb, size_t want,
			     int max)
{
	uint64_t limit = kmem_limit();
	size_t n;

	want = MIN(want, (size_t)max);
	if (want <= sb->sb_hiwat)
		return false;
	n = want - sb->sb_hiwat;
	if (limit != 0 && tcp_autobuf_granted + n > limit / 4)
		return false;
	if (sbreserve(sb, want) != 0)
		return false;
	tcp_autobuf_granted += n;
	tp->t_autobuf_granted += (uint32_t)n;
	return true;
}

void tcp_autobuf_release(struct tcpcb *tp)
{
	tcp_autobuf_granted -= tp->t_autobuf_granted;
	tp->t_autobuf_granted = 0;
}

void tcp_autobuf_input(struct tcpcb *tp)
{
	uint64_t now = tcp_now_us();
	uint32_t win, sample;

	/*
	 * The receiver's RTT (it may send no data to time): how long until
	 * data beyond the window offered when the measure began arrives,
	 * which the sender could send only after seeing a later window.
	 */
	if (tp->t_rcvrtt_time != 0 && SEQ_LEQ(tp->rcv_nxt, tp->t_rcvrtt_seq))
		return;
	if (tp->t_rcvrtt_time != 0) {
		sample = (uint32_t)MIN(now - tp->t_rcvrtt_time, UINT32_MAX);
		if (tp->t_rcvrtt_us == 0 || sample < tp->t_rcvrtt_us)
			tp->t_rcvrtt_us = MAX(sample, 1u);
		else
			tp->t_rcvrtt_us += sample / 8 - tp->t_rcvrtt_us / 8;
	}
	win = MAX(tcp_rcvwin(tp), SEQ_GT(tp->rcv_adv, tp->rcv_nxt)
					  ? SEQ_SUB(tp->rcv_adv, tp->rcv_nxt)
					  : 0u);
	tp->t_rcvrtt_seq = tp->rcv_nxt + MAX(win, (uint32_t)tp->t_maxseg);
	tp->t_rcvrtt_time = now;
}

void tcp_autobuf_rcvd(struct tcpcb *tp)
{
	struct socket *so = tp->t_socket;
	uint64_t now = tcp_now_us(), elapsed;
	uint32_t rtt, copied;
	tcp_seq seq;

	if (so == NULL || !(so->so_rcv.sb_flags & SB_AUTOSIZE) ||
	    !tcp_autorcvbuf || !TCPS_HAVEESTABLISHED(tp->t_state))
		return;
	/* What the application has taken, as a sequence number. */
	seq = tp->rcv_nxt - (uint32_t)so->so_rcv.sb_cc;
	rtt = tp->t_rcvrtt_us;
	if (rtt == 0 && tp->t_rtt.have_sample)
		rtt = MAX(tp->t_rtt.srtt_us, 1u);
	if (tp->t_rcvauto_time == 0 || rtt == 0) {
		tp->t_rcvauto_time = now;
		tp->t_rcvauto_seq = seq;
		return;
	}
	elapsed = now - tp->t_rcvauto_time;
	if (elapsed < rtt)
		return;
	copied = SEQ_SUB(seq, tp->t_rcvauto_seq);
	/* Per RTT it took 7/8 of the buffer or more: the window limited. */
	if (elapsed < TCP_RTO_MAX_US &&
	    (uint64_t)copied * rtt * 8 >= elapsed * 7 * so->so_rcv.sb_hiwat)
		(void)tcp_autobuf_grow(tp, &so->so_rcv, 2 * so->so_rcv.sb_hiwat,
				       tcp_autorcvbuf_max);
	tp->t_rcvauto_time = now;
	tp->t_rcvauto_seq = seq;
}

void tcp_autobuf_ack(struct tcpcb *tp)
{
	struct socket *so = tp->t_socket;
	size_t hiwat;

	if (so == NULL || !(so->so_snd.sb_flags & SB_AUTOSIZE) ||
	    !tcp_autosndbuf)
		return;
	hiwat = so->so_snd.sb_hiwat;
	/* Kept full by the application, and the windows allow as much. */
	if (8 * so->so_snd.sb_cc >= 7 * hiwat &&
	    8 * (size_t)MIN(tp->snd_cwnd, tp->snd_wnd) >= 7 * hiwat)
		(void)tcp_autobuf_grow(tp, &so->so_snd, 2 * hiwat,
				       tcp_autosndbuf_max);
}
