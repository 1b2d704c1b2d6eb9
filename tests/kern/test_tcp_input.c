/*
 * test_tcp_input.c -- TCP's input and output against a scripted peer.  A
 * real socket connects to 127.0.0.2, every segment TCP sends is captured
 * (tcp_capture_hook) instead of going to lo0, and the test answers with
 * segments it builds itself and hands to tcp_input: the handshake with
 * options, RFC 5961 (an RST outside the window is ignored, one inside
 * earns a challenge ACK, only an exact one resets; a SYN or an ACK for
 * unsent data on an established connection earns a challenge ACK), PAWS,
 * out-of-order data answered with SACK, fast retransmit after three
 * duplicate ACKs, a zero window arming the persist timer, a close
 * through FIN_WAIT_2 into TIME_WAIT, keepalive probes and the drop of a
 * silent peer, and a SYN flood against a listener.
 */
#include <netinet/in.h>
#include <netinet/in_cksum.h>
#include <netinet/in_pcb.h>
#include <netinet/ip.h>
#include <netinet/tcp_var.h>
#include <sys/file.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>

#include "tcptest.h"
#include "testkern.h"

#define PEER_ADDR 0x7f000002 /* 127.0.0.2 */
#define PEER_PORT 4242
#define NCAPT 64

struct capseg {
	tcp_seq seq, ack;
	int flags, len;
	uint32_t win;
	struct tcp_opt to;
};

static struct {
	struct capseg seg[NCAPT];
	int n;
} capt;

static void capture(struct mbuf *m)
{
	struct ip ip;
	struct tcphdr th;
	uint8_t opts[TCP_MAXOLEN];
	struct capseg *c;
	int thoff;

	if (capt.n == NCAPT) {
		m_freem(m);
		return;
	}
	c = &capt.seg[capt.n++];
	m_copydata(m, 0, sizeof(ip), &ip);
	m_copydata(m, sizeof(ip), sizeof(th), &th);
	thoff = TH_OFF(&th) * 4;
	m_copydata(m, sizeof(ip) + sizeof(th), thoff - TCP_HDRLEN, opts);
	c->seq = ntohl(th.th_seq);
	c->ack = ntohl(th.th_ack);
	c->flags = th.th_flags;
	c->win = ntohs(th.th_win);
	c->len = m->m_pkthdr.len - (int)sizeof(ip) - thoff;
	TCHECK(tcp_options_parse(opts, thoff - TCP_HDRLEN,
				 (c->flags & TH_SYN) != 0, &c->to) == 0);
	TCHECK(in4_cksum(m, IPPROTO_TCP, sizeof(ip),
			 m->m_pkthdr.len - (int)sizeof(ip)) == 0);
	m_freem(m);
}

/* The last captured segment with all of flags set, or NULL. */
static struct capseg *last_with(int flags)
{
	for (int i = capt.n - 1; i >= 0; i--)
		if ((capt.seg[i].flags & flags) == flags)
			return &capt.seg[i];
	return NULL;
}

/* Hand tcp_input a segment from 127.0.0.2:sport (softnet_lock held). */
static void inject_from(uint16_t lport, uint16_t sport, tcp_seq seq,
			tcp_seq ack, int flags, uint32_t win,
			const struct tcp_opt *to, int len)
{
	uint8_t opts[TCP_MAXOLEN];
	int optlen = to != NULL ? tcp_options_build(opts, sizeof(opts), to) : 0;
	int hlen = (int)sizeof(struct ip) + TCP_HDRLEN + optlen;
	struct mbuf *m = m_gethdr(M_NOWAIT, MT_DATA);
	struct ip *ip;
	struct tcphdr *th;

	if (!TCHECK(m != NULL))
		return;
	m->m_len = m->m_pkthdr.len = 0;
	{
		uint8_t zero[128];
		memset(zero, 0, sizeof(zero));
		TCHECK(m_append(m, hlen, zero) == 0);
		for (int done = 0; done < len;) {
			int n = MIN(len - done, (int)sizeof(zero));
			memset(zero, 'd', (size_t)n);
			TCHECK(m_append(m, n, zero) == 0);
			done += n;
		}
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
	th->th_sport = sport;
	th->th_dport = lport;
	th->th_seq = htonl(seq);
	th->th_ack = htonl(ack);
	TH_SETOFF(th, (TCP_HDRLEN + optlen) / 4);
	th->th_flags = (uint8_t)flags;
	th->th_win = htons((uint16_t)win);
	memcpy(th + 1, opts, (size_t)optlen);
	th->th_sum = in4_cksum(m, IPPROTO_TCP, sizeof(*ip),
			       TCP_HDRLEN + optlen + len);
	tcp_input(m, sizeof(*ip), IPPROTO_TCP);
}

/* The same from the scripted peer's port. */
static void inject(uint16_t lport, tcp_seq seq, tcp_seq ack, int flags,
		   uint32_t win, const struct tcp_opt *to, int len)
{
	inject_from(lport, htons(PEER_PORT), seq, ack, flags, win, to, len);
}

static struct tcpcb *tcpcb_of(struct socket *so)
{
	struct inpcb *inp = sotoinpcb(so);

	return inp != NULL ? inp->inp_ppcb : NULL;
}

/* Connects so to the scripted peer; returns the peer's ISS + 1. */
static tcp_seq peer_connect(struct socket *so, tcp_seq piss, uint32_t *tsvalp)
{
	struct sockaddr_in sin;
	struct tcp_opt to;
	struct capseg *syn;
	struct tcpcb *tp;

	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(PEER_PORT);
	sin.sin_addr.s_addr = htonl(PEER_ADDR);
	TCHECK(soconnect(so, (struct sockaddr *)&sin, true, curlwp) ==
	       EINPROGRESS);
	mutex_enter(&softnet_lock);
	tp = tcpcb_of(so);
	syn = last_with(TH_SYN);
	if (!TCHECK(syn != NULL && tp != NULL && !(syn->flags & TH_ACK))) {
		mutex_exit(&softnet_lock);
		return 0;
	}
	/* Our SYN offers every option. */
	TCHECK(syn->to.to_flags & TOF_MSS);
	TCHECK(syn->to.to_flags & TOF_SCALE);
	TCHECK(syn->to.to_flags & TOF_SACKPERM);
	TCHECK(syn->to.to_flags & TOF_TS);
	memset(&to, 0, sizeof(to));
	to.to_flags = TOF_MSS | TOF_SCALE | TOF_SACKPERM | TOF_TS;
	to.to_mss = 1000;
	to.to_wscale = 2;
	to.to_tsval = *tsvalp;
	to.to_tsecr = syn->to.to_tsval;
	inject(tp->t_inpcb->inp_lport, piss, syn->seq + 1, TH_SYN | TH_ACK,
	       65535, &to, 0);
	TCHECK(tp->t_state == TCPS_ESTABLISHED);
	TCHECK(tp->t_maxseg == 1000 && tp->snd_scale == 2);
	TCHECK(tp->t_flags & TF_SACK_PERMIT);
	TCHECK(tp->t_flags & TF_RCVD_TSTMP);
	TCHECK(tp->snd_wnd == 65535); /* a SYN's window is never scaled */
	TCHECK(last_with(TH_ACK) != NULL && last_with(TH_ACK)->ack == piss + 1);
	TCHECK(so->so_state & SS_ISCONNECTED);
	mutex_exit(&softnet_lock);
	return piss + 1;
}

/* A timestamp option from the peer. */
static struct tcp_opt *ts(struct tcp_opt *to, uint32_t tsval)
{
	memset(to, 0, sizeof(*to));
	to->to_flags = TOF_TS;
	to->to_tsval = tsval;
	to->to_tsecr = 1;
	return to;
}

static int sendbytes(struct socket *so, size_t len)
{
	static char data[16384];
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

static int tcp_script_body(void)
{
	int start = test_failures;
	struct socket *so = NULL;
	struct tcpcb *tp;
	struct tcp_opt to;
	struct capseg *c;
	uint32_t tsval = 5000;
	tcp_seq pnxt, una;
	in_port_t lport;
	int n0;

	mutex_enter(&softnet_lock);
	capt.n = 0;
	tcp_capture_hook = capture;
	mutex_exit(&softnet_lock);
	if (!TCHECK(socreate(AF_INET, &so, SOCK_STREAM, 0, curlwp) == 0))
		goto out;
	pnxt = peer_connect(so, 0xfffffff0u, &tsval); /* across the wrap */
	mutex_enter(&softnet_lock);
	tp = tcpcb_of(so);
	if (!TCHECK(tp != NULL && tp->t_state == TCPS_ESTABLISHED)) {
		mutex_exit(&softnet_lock);
		goto out;
	}
	lport = tp->t_inpcb->inp_lport;
	una = tp->snd_una;

	/* RFC 5961 3.2: an RST outside the window does nothing. */
	n0 = capt.n;
	inject(lport, pnxt + 10000000, 0, TH_RST, 0, NULL, 0);
	TCHECK(tp->t_state == TCPS_ESTABLISHED && capt.n == n0);
	/* Inside but not exact: a challenge ACK, still connected. */
	inject(lport, pnxt + 100, 0, TH_RST, 0, NULL, 0);
	TCHECK(tp->t_state == TCPS_ESTABLISHED);
	TCHECK(capt.n == n0 + 1 && capt.seg[n0].flags == TH_ACK &&
	       capt.seg[n0].ack == pnxt);
	/* RFC 5961 4.2: a SYN on the connection, a challenge ACK. */
	n0 = capt.n;
	inject(lport, pnxt + 5, 0, TH_SYN, 1000, NULL, 0);
	TCHECK(tp->t_state == TCPS_ESTABLISHED && capt.n == n0 + 1);
	/* RFC 5961 5.2: an ACK of data never sent. */
	n0 = capt.n;
	inject(lport, pnxt, una + 5000, TH_ACK, 1000, ts(&to, tsval), 0);
	TCHECK(tp->t_state == TCPS_ESTABLISHED && capt.n == n0 + 1);
	TCHECK(tp->snd_una == una);

	/* In-order data with a fresh timestamp is taken. */
	tsval += 10;
	inject(lport, pnxt, una, TH_ACK | TH_PUSH, 16384, ts(&to, tsval), 100);
	pnxt += 100;
	TCHECK(tp->rcv_nxt == pnxt && so->so_rcv.sb_cc == 100);
	TCHECK(tp->ts_recent == tsval);
	/* RFC 7323 PAWS: an older timestamp is dropped and ACKed. */
	n0 = capt.n;
	inject(lport, pnxt, una, TH_ACK, 16384, ts(&to, tsval - 5), 50);
	TCHECK(tp->rcv_nxt == pnxt && so->so_rcv.sb_cc == 100);
	TCHECK(capt.n == n0 + 1 && capt.seg[n0].ack == pnxt);
	/* Out of order: queued and answered at once with a SACK block. */
	n0 = capt.n;
	inject(lport, pnxt + 200, una, TH_ACK, 16384, ts(&to, tsval), 100);
	TCHECK(tp->rcv_nxt == pnxt && tp->t_reass.nsegs == 1);
	c = capt.n > n0 ? &capt.seg[capt.n - 1] : NULL;
	TCHECK(c != NULL && c->ack == pnxt && (c->to.to_flags & TOF_SACK) &&
	       c->to.to_nsacks == 1 && c->to.to_sacks[0].start == pnxt + 200 &&
	       c->to.to_sacks[0].end == pnxt + 300);
	/* The hole fills: everything is delivered, ACKed at once. */
	inject(lport, pnxt, una, TH_ACK, 16384, ts(&to, tsval), 200);
	pnxt += 300;
	TCHECK(tp->rcv_nxt == pnxt && tp->t_reass.nsegs == 0);
	TCHECK(so->so_rcv.sb_cc == 400);
	TCHECK(last_with(TH_ACK)->ack == pnxt);
	mutex_exit(&softnet_lock);

	/* Fast retransmit: ten segments out, three duplicate ACKs. */
	mutex_enter(&softnet_lock);
	tp->snd_cwnd = 20 * tp->t_maxseg; /* all ten at once */
	n0 = capt.n;
	mutex_exit(&softnet_lock);
	TCHECK(sendbytes(so, 10 * 988) == 0);
	mutex_enter(&softnet_lock);
	TCHECK(tp->snd_max == una + 10 * 988);
	TCHECK(capt.n - n0 == 10 && capt.seg[n0].len == 988);
	/* The first two arrive (ACKed), the third is lost; SACKs follow. */
	inject(lport, pnxt, una + 2 * 988, TH_ACK, 16384, ts(&to, tsval), 0);
	for (int i = 0; i < 3; i++) {
		struct tcp_opt so_;
		ts(&so_, tsval);
		so_.to_flags |= TOF_SACK;
		so_.to_nsacks = 1;
		so_.to_sacks[0].start = una + 3 * 988;
		so_.to_sacks[0].end = una + (tcp_seq)(4 + i) * 988;
		n0 = capt.n;
		inject(lport, pnxt, una + 2 * 988, TH_ACK, 16384, &so_, 0);
	}
	TCHECK(tp->t_flags & TF_FASTRECOVERY);
	TCHECK(tp->t_dupacks == TCP_DUPTHRESH);
	c = NULL;
	for (int i = n0; i < capt.n; i++)
		if (capt.seg[i].seq == una + 2 * 988 && capt.seg[i].len > 0)
			c = &capt.seg[i];
	TCHECK(c != NULL); /* the lost segment went out again */
	/* The full ACK ends recovery. */
	inject(lport, pnxt, una + 10 * 988, TH_ACK, 16384, ts(&to, tsval), 0);
	TCHECK(!(tp->t_flags & TF_FASTRECOVERY) &&
	       tp->snd_una == una + 10 * 988);
	una += 10 * 988;

	/* A zero window: data waits and the persist timer runs. */
	inject(lport, pnxt, una, TH_ACK, 0, ts(&to, tsval), 0);
	TCHECK(tp->snd_wnd == 0);
	n0 = capt.n;
	mutex_exit(&softnet_lock);
	TCHECK(sendbytes(so, 500) == 0);
	mutex_enter(&softnet_lock);
	for (int i = n0; i < capt.n; i++)
		TCHECK(capt.seg[i].len == 0 || capt.seg[i].len == 1);
	TCHECK(tcp_timer_armed(tp, TCPT_PERSIST));
	TCHECK(!tcp_timer_armed(tp, TCPT_REXMT));
	/* The window opens: the data goes. */
	n0 = capt.n;
	inject(lport, pnxt, una, TH_ACK, 1000, ts(&to, tsval), 0);
	TCHECK(!tcp_timer_armed(tp, TCPT_PERSIST));
	TCHECK(tp->snd_max == una + 500);
	una += 500;
	inject(lport, pnxt, una, TH_ACK, 1000, ts(&to, tsval), 0);

	/* Close: FIN, its ACK (FIN_WAIT_2), the peer's FIN (TIME_WAIT). */
	mutex_exit(&softnet_lock);
	TCHECK(soshutdown(so, SHUT_WR) == 0);
	mutex_enter(&softnet_lock);
	c = last_with(TH_FIN);
	TCHECK(c != NULL && c->seq == una);
	TCHECK(tp->t_state == TCPS_FIN_WAIT_1);
	inject(lport, pnxt, una + 1, TH_ACK, 1000, ts(&to, tsval), 0);
	TCHECK(tp->t_state == TCPS_FIN_WAIT_2);
	inject(lport, pnxt, una + 1, TH_ACK | TH_FIN, 1000, ts(&to, tsval), 0);
	TCHECK(tp->t_state == TCPS_TIME_WAIT);
	TCHECK(last_with(TH_ACK)->ack == pnxt + 1);
	TCHECK(tcp_timer_armed(tp, TCPT_2MSL));
	mutex_exit(&softnet_lock);
out:
	mutex_enter(&softnet_lock);
	tcp_capture_hook = NULL;
	mutex_exit(&softnet_lock);
	if (so != NULL)
		soclose(so);
	return TRESULT(start);
}

/* An exact RST resets an established connection (ECONNRESET). */
static int tcp_script_rst_body(void)
{
	int start = test_failures;
	struct socket *so = NULL;
	struct tcpcb *tp;
	uint32_t tsval = 77;
	tcp_seq pnxt;

	mutex_enter(&softnet_lock);
	capt.n = 0;
	tcp_capture_hook = capture;
	mutex_exit(&softnet_lock);
	if (!TCHECK(socreate(AF_INET, &so, SOCK_STREAM, 0, curlwp) == 0))
		goto out;
	pnxt = peer_connect(so, 12345, &tsval);
	mutex_enter(&softnet_lock);
	tp = tcpcb_of(so);
	if (TCHECK(tp != NULL)) {
		inject(tp->t_inpcb->inp_lport, pnxt, 0, TH_RST, 0, NULL, 0);
		TCHECK(so->so_pcb == NULL);
		TCHECK(so->so_error == ECONNRESET);
		TCHECK(so->so_state & SS_ISDISCONNECTED);
	}
	mutex_exit(&softnet_lock);
out:
	mutex_enter(&softnet_lock);
	tcp_capture_hook = NULL;
	mutex_exit(&softnet_lock);
	if (so != NULL)
		soclose(so);
	return TRESULT(start);
}

/*
 * A SYN flood from 127.0.0.2 at a listener: the SYN cache stays within
 * its bound, and a real connection still gets through afterwards.
 */
static int tcp_synflood_body(int nsyn)
{
	int start = test_failures;
	struct socket *ls = NULL, *cs = NULL, *ss = NULL;
	struct sockaddr_storage addr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&addr;
	int max = 0;

	memset(&addr, 0, sizeof(addr));
	sin->sin_len = sizeof(*sin);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (!TCHECK(socreate(AF_INET, &ls, SOCK_STREAM, 0, curlwp) == 0))
		goto out;
	TCHECK(sobind(ls, (struct sockaddr *)sin, curlwp) == 0);
	TCHECK(solisten(ls, 128, curlwp) == 0);
	TCHECK(sogetaddr(ls, false, &addr) == 0);
	mutex_enter(&softnet_lock);
	capt.n = 0;
	tcp_capture_hook = capture; /* the SYN-ACKs go nowhere */
	for (int i = 0; i < nsyn; i++) {
		struct tcp_opt to;
		memset(&to, 0, sizeof(to));
		to.to_flags = TOF_MSS;
		to.to_mss = 1460;
		capt.n = 0;
		inject_from(sin->sin_port, htons((uint16_t)(1024 + i)),
			    (tcp_seq)i * 7919u, 0, TH_SYN, 65535, &to, 0);
		max = MAX(max, tcp_syncache_count());
	}
	TCHECK(max > 0 && max <= 2048);
	tcp_capture_hook = NULL;
	mutex_exit(&softnet_lock);
	/* A real client still gets in (its SYN evicts the oldest). */
	if (!TCHECK(socreate(AF_INET, &cs, SOCK_STREAM, 0, curlwp) == 0))
		goto out;
	TCHECK(soconnect(cs, (struct sockaddr *)sin, false, curlwp) == 0);
	TCHECK(soaccept_next(ls, false, &ss, (struct sockaddr *)&addr) == 0);
out:
	if (ss != NULL)
		soclose(ss);
	if (cs != NULL)
		soclose(cs);
	if (ls != NULL)
		soclose(ls); /* purges the flood's entries */
	mutex_enter(&softnet_lock);
	TCHECK(tcp_syncache_count() == 0);
	mutex_exit(&softnet_lock);
	return TRESULT(start);
}

int rump_test_tcp_synflood(int nsyn)
{
	int error;

	rump_schedule();
	error = tcp_synflood_body(nsyn);
	rump_unschedule();
	return error;
}

static int setopt(struct socket *so, int level, int name, int val)
{
	struct sockopt sopt = {.sopt_level = level,
			       .sopt_name = name,
			       .sopt_data = &val,
			       .sopt_size = sizeof(val)};

	return sosetopt(so, &sopt);
}

/*
 * Keepalive against a peer that has gone silent: probes one byte below
 * snd_una every TCP_KEEPINTVL, then ETIMEDOUT after TCP_KEEPCNT.
 */
static int tcp_keepalive_body(void)
{
	int start = test_failures;
	struct socket *so = NULL;
	uint32_t tsval = 9;
	tcp_seq una = 0;
	int probes = 0;
	bool dead = false;

	mutex_enter(&softnet_lock);
	capt.n = 0;
	tcp_capture_hook = capture;
	mutex_exit(&softnet_lock);
	if (!TCHECK(socreate(AF_INET, &so, SOCK_STREAM, 0, curlwp) == 0))
		goto out;
	(void)peer_connect(so, 777, &tsval);
	TCHECK(setopt(so, IPPROTO_TCP, TCP_KEEPINTVL, 1) == 0);
	TCHECK(setopt(so, IPPROTO_TCP, TCP_KEEPCNT, 2) == 0);
	TCHECK(setopt(so, IPPROTO_TCP, TCP_KEEPIDLE, 1) == 0);
	TCHECK(setopt(so, SOL_SOCKET, SO_KEEPALIVE, 1) == 0);
	mutex_enter(&softnet_lock);
	if (tcpcb_of(so) != NULL)
		una = tcpcb_of(so)->snd_una;
	capt.n = 0;
	/* 1 s idle, 2 probes 1 s apart, then the drop: wait up to 30 s. */
	for (int i = 0; i < 300 && !dead; i++) {
		mutex_exit(&softnet_lock);
		kpause_ns(100 * NSEC_PER_MSEC);
		mutex_enter(&softnet_lock);
		dead = so->so_pcb == NULL;
	}
	for (int i = 0; i < capt.n; i++)
		if (capt.seg[i].seq == una - 1 && capt.seg[i].len == 0 &&
		    capt.seg[i].flags == TH_ACK)
			probes++;
	TCHECK(dead);
	TCHECK(so->so_error == ETIMEDOUT);
	TCHECK(probes == 2);
	tcp_capture_hook = NULL;
	mutex_exit(&softnet_lock);
out:
	mutex_enter(&softnet_lock);
	tcp_capture_hook = NULL;
	mutex_exit(&softnet_lock);
	if (so != NULL)
		soclose(so);
	return TRESULT(start);
}

int rump_test_tcp_keepalive(void)
{
	int error;

	rump_schedule();
	error = tcp_keepalive_body();
	rump_unschedule();
	return error;
}

int rump_test_tcp_script(void)
{
	int error;

	rump_schedule();
	error = tcp_script_body();
	if (error == 0)
		error = tcp_script_rst_body();
	rump_unschedule();
	return error;
}
