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
#include "testkern.h"

#define PEER_ADDR 0x7f000002 /* 127.0.0.2 */
#define PEER_PORT 4343
#define NSEG 128
#define MS (1000ull * 1000)
#define SEC (1000 * MS)

struct vseg {
	uint64_t when; /* getnsmono() when TCP sent it */
	uint16_t sport;
	tcp_seq seq, ack;
	int flags, len;
	uint32_t win;
};

static struct {
	struct vseg seg[NSEG];
	int n;
	uint16_t lport; /* network order; 0: capture every connection */
	int failures;	/* test_failures at vc_start */
} vc;

static void vc_capture(struct mbuf *m)
{
	struct ip ip;
	struct tcphdr th;
	struct vseg *s;

	m_copydata(m, 0, sizeof(ip), &ip);
	m_copydata(m, sizeof(ip), sizeof(th), &th);
	if (vc.n == NSEG || (vc.lport != 0 && th.th_sport != vc.lport)) {
		m_freem(m);
		return;
	}
	s = &vc.seg[vc.n++];
	s->when = getnsmono();
	s->sport = th.th_sport;
	s->seq = ntohl(th.th_seq);
	s->ack = ntohl(th.th_ack);
	s->flags = th.th_flags;
	s->win = ntohs(th.th_win);
	s->len = m->m_pkthdr.len - (int)sizeof(ip) - TH_OFF(&th) * 4;
	m_freem(m);
}

static void vc_dump(const char *what)
{
	printf("%s: now %llu ms, %d segments\n", what,
	       (unsigned long long)(getnsmono() / MS), vc.n);
	for (int i = 0; i < vc.n; i++)
		printf("  %llu ms seq %u ack %u flags %x len %d win %u\n",
		       (unsigned long long)(vc.seg[i].when / MS), vc.seg[i].seq,
		       vc.seg[i].ack, vc.seg[i].flags, vc.seg[i].len,
		       vc.seg[i].win);
}

/* A segment from the peer to lport, no options (softnet_lock held). */
static void vc_inject(uint16_t lport, tcp_seq seq, tcp_seq ack, int flags,
		      uint32_t win, int len)
{
	int hlen = (int)sizeof(struct ip) + TCP_HDRLEN;
	struct mbuf *m = m_gethdr(M_NOWAIT, MT_DATA);
	uint8_t chunk[128];
	struct ip *ip;
	struct tcphdr *th;

	if (!TCHECK(m != NULL))
		return;
	m->m_len = m->m_pkthdr.len = 0;
	memset(chunk, 0, sizeof(chunk));
	TCHECK(m_append(m, hlen, chunk) == 0);
	memset(chunk, 'p', sizeof(chunk));
	for (int done = 0; done < len;) {
		int n = MIN(len - done, (int)sizeof(chunk));
		TCHECK(m_append(m, n, chunk) == 0);
		done += n;
	}
	ip = mtod(m, struct ip *);
	ip->ip_v = 4;
	ip->ip_hl = 5;
	ip->ip_len = htons((uint16_t)(hlen + len));
	ip->ip_ttl = 64;
	ip->ip_p = IPPROTO_TCP;
	ip->ip_src.s_addr = htonl(PEER_ADDR);
	ip->ip_dst.s_addr = htonl(INADDR_LOOPBACK);
	th = (struct tcphdr *)(ip + 1);
	th->th_sport = htons(PEER_PORT);
	th->th_dport = lport;
	th->th_seq = htonl(seq);
	th->th_ack = htonl(ack);
	TH_SETOFF(th, TCP_HDRLEN / 4);
	th->th_flags = (uint8_t)flags;
	th->th_win = htons((uint16_t)win);
	th->th_sum = in4_cksum(m, IPPROTO_TCP, sizeof(*ip), TCP_HDRLEN + len);
	tcp_input(m, sizeof(*ip), IPPROTO_TCP);
}

static struct tcpcb *vc_tcpcb(struct socket *so)
{
	struct inpcb *inp = sotoinpcb(so);

	return inp != NULL ? inp->inp_ppcb : NULL;
}

static int vc_setopt(struct socket *so, int level, int name, int val)
{
	struct sockopt sopt = {.sopt_level = level,
			       .sopt_name = name,
			       .sopt_data = &val,
			       .sopt_size = sizeof(val)};

	return sosetopt(so, &sopt);
}

static int vc_send(struct socket *so, size_t len)
{
	static char data[4096];
	struct rump_iovec iov = {.iov_base = data, .iov_len = len};
	struct uio uio;

	memset(&uio, 0, sizeof(uio));
	uio.uio_iov = &iov;
	uio.uio_iovcnt = 1;
	uio.uio_resid = len;
	uio.uio_rw = UIO_WRITE;
	uio.uio_kernelspace = true;
	return sosend(so, NULL, &uio, NULL, NULL, MSG_NBIO, curlwp);
}

/* Sleeps on the virtual clock until getnsmono() == when (or past it). */
static void vc_sleep_until(uint64_t when)
{
	uint64_t now = getnsmono();

	if (when > now)
		kpause_ns(when - now);
}

static void vc_start(void)
{
	mutex_enter(&softnet_lock);
	vc.n = 0;
	vc.lport = 0;
	vc.failures = test_failures;
	tcp_capture_hook = vc_capture;
	mutex_exit(&softnet_lock);
}

static void vc_stop(struct socket *so)
{
	mutex_enter(&softnet_lock);
	if (test_failures != vc.failures)
		vc_dump("what TCP sent");
	tcp_capture_hook = NULL;
	mutex_exit(&softnet_lock);
	if (so != NULL)
		soclose(so);
}

/* A socket connecting to the peer (its SYN captured), or NULL. */
static struct socket *vc_connect(void)
{
	struct sockaddr_in sin;
	struct socket *so = NULL;

	if (!TCHECK(socreate(AF_INET, &so, SOCK_STREAM, 0, curlwp) == 0))
		return NULL;
	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(PEER_PORT);
	sin.sin_addr.s_addr = htonl(PEER_ADDR);
	TCHECK(soconnect(so, (struct sockaddr *)&sin, true, curlwp) ==
	       EINPROGRESS);
	/* Only this connection's segments count (an earlier one may still
	 * be closing). */
	mutex_enter(&softnet_lock);
	if (TCHECK(sotoinpcb(so) != NULL)) {
		uint16_t lport = sotoinpcb(so)->inp_lport;
		int n = 0;

		for (int i = 0; i < vc.n; i++)
			if (vc.seg[i].sport == lport)
				vc.seg[n++] = vc.seg[i];
		vc.n = n;
		vc.lport = lport;
	}
	mutex_exit(&softnet_lock);
	return so;
}

/* Completes the handshake at once: the peer's ISS is piss. */
static bool vc_establish(struct socket *so, tcp_seq piss)
{
	struct tcpcb *tp;
	bool ok;

	mutex_enter(&softnet_lock);
	tp = vc_tcpcb(so);
	ok = TCHECK(tp != NULL && vc.n >= 1 && (vc.seg[0].flags & TH_SYN));
	if (ok) {
		vc_inject(tp->t_inpcb->inp_lport, piss, vc.seg[0].seq + 1,
			  TH_SYN | TH_ACK, 65535, 0);
		ok = TCHECK(tp->t_state == TCPS_ESTABLISHED);
	}
	mutex_exit(&softnet_lock);
	return ok;
}

/* Waits (virtual time) until so lost its connection, at most limit. */
static void vc_wait_dead(struct socket *so, uint64_t limit)
{
	uint64_t end = getnsmono() + limit;

	mutex_enter(&softnet_lock);
	while (so->so_pcb != NULL && getnsmono() < end) {
		mutex_exit(&softnet_lock);
		kpause_ns(100 * MS);
		mutex_enter(&softnet_lock);
	}
	mutex_exit(&softnet_lock);
}

/*
 * The SYN goes out again after 1, 2, 4, 8 and 16 and 32 s (RFC 6298's
 * 1 s initial RTO, doubling); the connection-establishment limit
 * (TCPTV_KEEPINIT, 75 s as in the BSDs) ends the connect with ETIMEDOUT
 * before the seventh timeout would.
 */
static void vc_syn_backoff(void)
{
	struct socket *so;
	uint64_t t0, iv = 1 * SEC;

	vc_start();
	so = vc_connect();
	if (so == NULL || !TCHECK(vc.n == 1))
		goto out;
	t0 = vc.seg[0].when;
	vc_wait_dead(so, 300 * SEC);
	mutex_enter(&softnet_lock);
	TCHECK(so->so_pcb == NULL && so->so_error == ETIMEDOUT);
	TCHECK(vc.n == 1 + TCP_SYN_MAXRXT);
	for (int i = 1; i < vc.n; i++, iv *= 2) {
		TCHECK(vc.seg[i].flags == TH_SYN);
		TCHECK(vc.seg[i].seq == vc.seg[0].seq);
		TCHECK(vc.seg[i].when - vc.seg[i - 1].when == iv);
	}
	/* vc_wait_dead looks every 100 ms. */
	TCHECK(getnsmono() >= t0 + TCPTV_KEEPINIT_MS * MS &&
	       getnsmono() < t0 + TCPTV_KEEPINIT_MS * MS + 100 * MS);
	mutex_exit(&softnet_lock);
out:
	vc_stop(so);
}

/*
 * Data never acknowledged: retransmitted after RTO, 2 RTO, 4 RTO ... up
 * to 60 s, twelve times, then the connection is dropped (ETIMEDOUT) one
 * more timeout later.  The handshake's RTT sample is 0 on the virtual
 * clock, so RTO is the 200 ms minimum.
 */
static void vc_data_backoff(void)
{
	struct socket *so;
	struct tcpcb *tp;
	uint64_t iv = TCP_RTO_MIN_US * 1000ull, last;
	tcp_seq una;
	int n0;

	vc_start();
	so = vc_connect();
	if (so == NULL || !vc_establish(so, 1000))
		goto out;
	mutex_enter(&softnet_lock);
	tp = vc_tcpcb(so);
	una = tp->snd_una;
	n0 = vc.n;
	mutex_exit(&softnet_lock);
	TCHECK(vc_send(so, 100) == 0);
	vc_wait_dead(so, 600 * SEC);
	mutex_enter(&softnet_lock);
	TCHECK(so->so_pcb == NULL && so->so_error == ETIMEDOUT);
	/* The segment, its 12 retransmissions, the RST of the drop. */
	TCHECK(vc.n == n0 + 1 + TCP_MAXRXTSHIFT + 1);
	TCHECK(vc.seg[vc.n - 1].flags & TH_RST);
	vc.n--;
	for (int i = n0; i < vc.n; i++) {
		TCHECK(vc.seg[i].seq == una && vc.seg[i].len == 100);
		if (i > n0) {
			TCHECK(vc.seg[i].when - vc.seg[i - 1].when == iv);
			iv = MIN(iv * 2, TCP_RTO_MAX_US * 1000ull);
		}
	}
	last = vc.seg[vc.n - 1].when;
	TCHECK(getnsmono() - last >= iv && getnsmono() - last < iv + 100 * MS);
	mutex_exit(&softnet_lock);
out:
	vc_stop(so);
}

/*
 * A zero window with data to send: probes of one byte, each answered by
 * the peer with the window still 0; their intervals are RTO-based,
 * doubling, within 1 s .. 60 s (docs/tcp.md), and TCP never gives up
 * while they are answered (20 probes, beyond the 12 retransmissions that
 * would kill a connection).  Then the window opens and the data goes at
 * once.
 */
static void vc_persist(void)
{
	struct socket *so;
	struct tcpcb *tp;
	uint16_t lport;
	tcp_seq una, pnxt = 2001;
	uint64_t prev = 0;
	int probes = 0, idx;

	vc_start();
	so = vc_connect();
	if (so == NULL || !vc_establish(so, 2000))
		goto out;
	mutex_enter(&softnet_lock);
	tp = vc_tcpcb(so);
	lport = tp->t_inpcb->inp_lport;
	una = tp->snd_una;
	vc_inject(lport, pnxt, una, TH_ACK, 0, 0); /* the window closes */
	TCHECK(tp->snd_wnd == 0);
	idx = vc.n;
	mutex_exit(&softnet_lock);
	TCHECK(vc_send(so, 300) == 0);
	while (probes < 20) {
		uint64_t want;

		mutex_enter(&softnet_lock);
		while (idx < vc.n && vc.seg[idx].len == 0)
			idx++;
		if (idx == vc.n) {
			mutex_exit(&softnet_lock);
			kpause_ns(100 * MS);
			if (!TCHECK(getnsmono() - prev < 120 * SEC ||
				    prev == 0))
				break;
			continue;
		}
		/* A probe: one byte at snd_una. */
		TCHECK(vc.seg[idx].len == 1 && vc.seg[idx].seq == una);
		want = (uint64_t)TCP_RTO_MIN_US * 1000ull << MIN(probes, 12);
		want = MIN(MAX(want, 1 * SEC), 60 * SEC);
		if (probes > 0)
			TCHECK(vc.seg[idx].when - prev == want);
		prev = vc.seg[idx].when;
		probes++;
		idx++;
		TCHECK(tp->t_state == TCPS_ESTABLISHED);
		vc_inject(lport, pnxt, una, TH_ACK, 0, 0); /* still closed */
		mutex_exit(&softnet_lock);
	}
	mutex_enter(&softnet_lock);
	TCHECK(so->so_pcb != NULL && tp->t_state == TCPS_ESTABLISHED);
	idx = vc.n;
	vc_inject(lport, pnxt, una, TH_ACK, 65535, 0);
	/* The 300 bytes went at the same instant. */
	{
		int bytes = 0;
		for (int i = idx; i < vc.n; i++) {
			TCHECK(vc.seg[i].when == getnsmono());
			bytes += vc.seg[i].len;
		}
		TCHECK(bytes == 300);
	}
	mutex_exit(&softnet_lock);
out:
	vc_stop(so);
}

/*
 * Keepalive with TCP_KEEPIDLE 10 s, TCP_KEEPINTVL 5 s, TCP_KEEPCNT 3: the
 * first probe 10 s after the last segment from the peer, one byte below
 * snd_una; an answer restarts the idle time; unanswered probes every 5 s
 * and the drop with ETIMEDOUT 5 s after the third.
 */
static void vc_keepalive(void)
{
	struct socket *so;
	struct tcpcb *tp;
	uint16_t lport;
	uint64_t t0, t1;
	tcp_seq una;
	int idx;

	vc_start();
	so = vc_connect();
	if (so == NULL || !vc_establish(so, 3000))
		goto out;
	TCHECK(vc_setopt(so, IPPROTO_TCP, TCP_KEEPIDLE, 10) == 0);
	TCHECK(vc_setopt(so, IPPROTO_TCP, TCP_KEEPINTVL, 5) == 0);
	TCHECK(vc_setopt(so, IPPROTO_TCP, TCP_KEEPCNT, 3) == 0);
	TCHECK(vc_setopt(so, SOL_SOCKET, SO_KEEPALIVE, 1) == 0);
	mutex_enter(&softnet_lock);
	tp = vc_tcpcb(so);
	lport = tp->t_inpcb->inp_lport;
	una = tp->snd_una;
	/* The last segment from the peer, on a whole second. */
	mutex_exit(&softnet_lock);
	vc_sleep_until((getnsmono() / SEC + 1) * SEC);
	mutex_enter(&softnet_lock);
	vc_inject(lport, 3001, una, TH_ACK, 65535, 0);
	t0 = getnsmono();
	idx = vc.n;
	mutex_exit(&softnet_lock);
	/* The first probe, answered. */
	vc_sleep_until(t0 + 10 * SEC + 500 * MS);
	mutex_enter(&softnet_lock);
	TCHECK(vc.n == idx + 1);
	TCHECK(vc.seg[idx].when == t0 + 10 * SEC);
	TCHECK(vc.seg[idx].seq == una - 1 && vc.seg[idx].len == 0);
	vc_inject(lport, 3001, una, TH_ACK, 65535, 0);
	t1 = getnsmono();
	idx = vc.n;
	mutex_exit(&softnet_lock);
	vc_wait_dead(so, 60 * SEC);
	mutex_enter(&softnet_lock);
	TCHECK(so->so_pcb == NULL && so->so_error == ETIMEDOUT);
	/* Three probes, then the RST of the drop. */
	TCHECK(vc.n == idx + 4 && (vc.seg[vc.n - 1].flags & TH_RST));
	for (int i = 0; i < 3 && idx + i < vc.n; i++) {
		TCHECK(vc.seg[idx + i].when ==
		       t1 + 10 * SEC + (uint64_t)i * 5 * SEC);
		TCHECK(vc.seg[idx + i].seq == una - 1);
	}
	/* Dropped at the fourth expiry, 5 s after the third probe. */
	TCHECK(getnsmono() >= t1 + 25 * SEC &&
	       getnsmono() < t1 + 25 * SEC + 100 * MS);
	mutex_exit(&softnet_lock);
out:
	vc_stop(so);
}

/*
 * Active close: FIN, the peer's ACK and FIN, TIME_WAIT; the connection
 * stays exactly 2MSL = 60 s (still there 1 ms before, gone 1 ms after).
 */
static void vc_time_wait(void)
{
	struct socket *so;
	struct tcpcb *tp;
	uint16_t lport;
	uint64_t t0;
	tcp_seq fin;

	vc_start();
	so = vc_connect();
	if (so == NULL || !vc_establish(so, 4000))
		goto out;
	TCHECK(soshutdown(so, SHUT_WR) == 0);
	mutex_enter(&softnet_lock);
	tp = vc_tcpcb(so);
	lport = tp->t_inpcb->inp_lport;
	TCHECK(vc.n >= 1 && (vc.seg[vc.n - 1].flags & TH_FIN));
	fin = vc.seg[vc.n - 1].seq;
	vc_inject(lport, 4001, fin + 1, TH_ACK | TH_FIN, 65535, 0);
	TCHECK(tp->t_state == TCPS_TIME_WAIT);
	t0 = getnsmono();
	mutex_exit(&softnet_lock);
	vc_sleep_until(t0 + 60 * SEC - 1 * MS);
	mutex_enter(&softnet_lock);
	TCHECK(so->so_pcb != NULL && tp->t_state == TCPS_TIME_WAIT);
	mutex_exit(&softnet_lock);
	vc_sleep_until(t0 + 60 * SEC + 1 * MS);
	mutex_enter(&softnet_lock);
	TCHECK(so->so_pcb == NULL);
	mutex_exit(&softnet_lock);
out:
	vc_stop(so);
}

/*
 * A small segment from the peer is acknowledged exactly 40 ms later
 * (the delayed ACK); out-of-order data at once.
 */
static void vc_delack(void)
{
	struct socket *so;
	struct tcpcb *tp;
	uint16_t lport;
	uint64_t t0;
	tcp_seq una;
	int idx;

	vc_start();
	so = vc_connect();
	if (so == NULL || !vc_establish(so, 5000))
		goto out;
	mutex_enter(&softnet_lock);
	tp = vc_tcpcb(so);
	lport = tp->t_inpcb->inp_lport;
	una = tp->snd_una;
	idx = vc.n;
	vc_inject(lport, 5001, una, TH_ACK | TH_PUSH, 65535, 10);
	t0 = getnsmono();
	TCHECK(vc.n == idx); /* not yet */
	mutex_exit(&softnet_lock);
	vc_sleep_until(t0 + 100 * MS);
	mutex_enter(&softnet_lock);
	TCHECK(vc.n == idx + 1);
	TCHECK(vc.seg[idx].ack == 5011 && vc.seg[idx].len == 0);
	TCHECK(vc.seg[idx].when == t0 + TCP_DELACK_MS * MS);
	/* Out of order: a duplicate ACK at once. */
	idx = vc.n;
	vc_inject(lport, 5111, una, TH_ACK, 65535, 10);
	TCHECK(vc.n == idx + 1 && vc.seg[idx].ack == 5011);
	TCHECK(vc.seg[idx].when == getnsmono());
	mutex_exit(&softnet_lock);
out:
	vc_stop(so);
}

int rump_test_tcp_vclock(void)
{
	int start = test_failures;

	rump_schedule();
	vc_syn_backoff();
	vc_data_backoff();
	vc_persist();
	vc_keepalive();
	vc_time_wait();
	vc_delack();
	rump_unschedule();
	return TRESULT(start);
}
