/*
 * test_tcp_vautobuf.c -- receive buffer autotuning on the virtual clock
 * against the scripted peer (test_tcp_vpeer.h), run by t_tcp_vrecovery.
 * Each round trip (10 ms) the peer fills the whole window we advertise,
 * in 60000-byte segments, and the reader takes everything at once: the
 * window doubles from 256 KiB up to net.inet.tcp.recvbuf_max (4 MiB by
 * default, reachable with the window scale asked for at the SYN), stops
 * at a smaller recvbuf_max, and stays at what SO_RCVBUF set.  The send
 * buffer doubles up to sendbuf_max as cwnd outgrows it, unless SO_SNDBUF
 * set it.
 */
#include <netinet/in.h>
#include <netinet/in_pcb.h>
#include <netinet/tcp_timer.h>
#include <netinet/tcp_var.h>
#include <sys/kmem.h>
#include <sys/socketvar.h>

#include "test_tcp_rconn.h"
#include "testkern.h"

#define ABUF_READ (512 * 1024)
#define ABUF_SEG 60000

static KMEM_TYPE_DEFINE(M_ABUF, "test_abuf");

/* Reads what so holds (MSG_DONTWAIT, ABUF_READ at a time); no lock. */
static size_t abuf_drain(struct socket *so, char *buf)
{
	size_t total = 0;

	for (;;) {
		struct rump_iovec iov = {.iov_base = buf, .iov_len = ABUF_READ};
		struct uio uio;
		int flags = MSG_DONTWAIT;

		memset(&uio, 0, sizeof(uio));
		uio.uio_iov = &iov;
		uio.uio_iovcnt = 1;
		uio.uio_resid = ABUF_READ;
		uio.uio_rw = UIO_READ;
		uio.uio_kernelspace = true;
		if (soreceive(so, NULL, &uio, NULL, &flags, curlwp) != 0 ||
		    uio.uio_resid == ABUF_READ)
			return total;
		total += ABUF_READ - uio.uio_resid;
	}
}

/*
 * A connection whose peer scales its window (shift 0) and our window
 * (shift ours); rounds round trips of a full window each.  Returns the
 * largest window advertised (bytes), the last in *lastp.
 */
static uint32_t abuf_run(int sobuf, int rounds, uint32_t *lastp,
			 uint8_t *scalep)
{
	struct tcp_opt to;
	struct socket *so;
	struct tcpcb *tp;
	uint32_t maxwin = 0, last = 0;
	tcp_seq pseq = 160001;
	uint16_t lport;
	char *buf = kmem_alloc(ABUF_READ, &M_ABUF);

	*lastp = 0;
	if (!TCHECK(buf != NULL))
		return 0;
	memset(&to, 0, sizeof(to));
	to.to_flags = TOF_MSS | TOF_SCALE;
	to.to_mss = 1460;
	tvc_start();
	so = tvc_connect();
	if (so == NULL || !tvc_establish_opt(so, 160000, &to))
		goto out;
	if (sobuf > 0)
		TCHECK(tvc_setopt(so, SOL_SOCKET, SO_RCVBUF, sobuf) == 0);
	mutex_enter(&softnet_lock);
	tp = tvc_tcpcb(so);
	lport = tp->t_inpcb->inp_lport;
	*scalep = tp->rcv_scale;
	for (int k = 0; k < rounds && tp->t_state == TCPS_ESTABLISHED; k++) {
		tcp_seq edge = tp->rcv_adv;

		while (SEQ_LT(pseq, edge)) {
			uint32_t n = MIN(SEQ_SUB(edge, pseq), ABUF_SEG);

			tvc_inject(lport, pseq, tp->snd_nxt, TH_ACK, 65535,
				   (int)n);
			pseq += n;
		}
		mutex_exit(&softnet_lock);
		TCHECK(abuf_drain(so, buf) > 0);
		mutex_enter(&softnet_lock);
		/* The window update the reads sent, as the peer sees it. */
		if (TCHECK(tvc.n > 0)) {
			last = (uint32_t)tvc.seg[tvc.n - 1].win
			       << tp->rcv_scale;
			maxwin = MAX(maxwin, last);
		}
		tvc.n = 0;
		mutex_exit(&softnet_lock);
		tvc_sleep_until(getnsmono() + RTT);
		mutex_enter(&softnet_lock);
	}
	TCHECK(tp->t_state == TCPS_ESTABLISHED);
	mutex_exit(&softnet_lock);
out:
	if (so != NULL) {
		mutex_enter(&softnet_lock);
		if (so->so_pcb != NULL)
			tvc_inject(tvc.lport, pseq, 0, TH_RST, 0, 0);
		mutex_exit(&softnet_lock);
	}
	tvc_stop(so);
	kmem_free(buf, ABUF_READ, &M_ABUF);
	*lastp = last;
	return maxwin;
}

/*
 * The send side: the peer offers 8 MiB (scale 7) and ACKs every segment
 * one RTT after it left; the writer refills the buffer each round.  Slow
 * start doubles cwnd per round; once cwnd and the peer's window reach
 * 7/8 of a full buffer it doubles, up to net.inet.tcp.sendbuf_max (1 MiB
 * here).  With SO_SNDBUF set it stays.  Returns the final sb_hiwat.
 */
static size_t abuf_send(int sobuf, int rounds)
{
	struct tcp_opt to;
	struct socket *so;
	struct tcpcb *tp;
	size_t hiwat = 0;
	uint16_t lport;

	memset(&to, 0, sizeof(to));
	to.to_flags = TOF_MSS | TOF_SCALE;
	to.to_mss = 16000;
	to.to_wscale = 7;
	tvc_start();
	so = tvc_connect();
	if (so == NULL || !tvc_establish_opt(so, 170000, &to))
		goto out;
	if (sobuf > 0)
		TCHECK(tvc_setopt(so, SOL_SOCKET, SO_SNDBUF, sobuf) == 0);
	TCHECK(tvc_setopt(so, IPPROTO_TCP, TCP_NODELAY, 1) == 0);
	mutex_enter(&softnet_lock);
	tp = tvc_tcpcb(so);
	lport = tp->t_inpcb->inp_lport;
	tvc.n = 0;
	mutex_exit(&softnet_lock);
	for (int k = 0; k < rounds; k++) {
		int n0;

		(void)tvc_send(so, 2 * SB_MAX); /* fills it: EAGAIN */
		tvc_sleep_until(getnsmono() + RTT);
		mutex_enter(&softnet_lock);
		n0 = tvc.n;
		TCHECK(n0 < TVC_NSEG);
		for (int i = 0; i < n0 && tp->t_state == TCPS_ESTABLISHED; i++)
			if (tvc.seg[i].len > 0)
				tvc_inject(lport, 170001,
					   tvc.seg[i].seq +
						   (uint32_t)tvc.seg[i].len,
					   TH_ACK, 65535, 0);
		/* What the ACKs let go is acknowledged next round. */
		memmove(&tvc.seg[0], &tvc.seg[n0],
			sizeof(tvc.seg[0]) * (size_t)(tvc.n - n0));
		tvc.n -= n0;
		hiwat = so->so_snd.sb_hiwat;
		mutex_exit(&softnet_lock);
	}
	mutex_enter(&softnet_lock);
	TCHECK(tp->t_state == TCPS_ESTABLISHED);
	if (so->so_pcb != NULL)
		tvc_inject(lport, 170001, 0, TH_RST, 0, 0);
	mutex_exit(&softnet_lock);
out:
	tvc_stop(so);
	return hiwat;
}

void rec_autobuf_run(void)
{
	uint32_t maxwin, last;
	int omax;
	uint8_t scale = 0;

	/* Default: 256 KiB doubling to the 4 MiB cap, scale 7 asked. */
	maxwin = abuf_run(0, 12, &last, &scale);
	TCHECK(scale == 7);
	TCHECK(maxwin == TCP_AUTOBUF_MAX_DEFAULT &&
	       last == TCP_AUTOBUF_MAX_DEFAULT);

	/* A 1 MiB cap: scale 5 (65535 << 4 is short of it), 1 MiB. */
	mutex_enter(&softnet_lock);
	omax = tcp_autorcvbuf_max;
	tcp_autorcvbuf_max = 1024 * 1024;
	mutex_exit(&softnet_lock);
	maxwin = abuf_run(0, 8, &last, &scale);
	TCHECK(scale == 5);
	TCHECK(maxwin == 1024 * 1024 && last == 1024 * 1024);
	mutex_enter(&softnet_lock);
	tcp_autorcvbuf_max = omax;
	mutex_exit(&softnet_lock);

	/* SO_RCVBUF 100000 (Linux doubles it): never more than 200000. */
	maxwin = abuf_run(100000, 6, &last, &scale);
	TCHECK(maxwin <= 200000 && maxwin > 200000 - 128);

	mutex_enter(&softnet_lock);
	omax = tcp_autosndbuf_max;
	tcp_autosndbuf_max = 1024 * 1024;
	mutex_exit(&softnet_lock);
	TCHECK(abuf_send(0, 10) == 1024 * 1024);
	TCHECK(abuf_send(100000, 10) == 200000);
	mutex_enter(&softnet_lock);
	tcp_autosndbuf_max = omax;
	mutex_exit(&softnet_lock);
}
