/*
 * test_tcp_vpeer.c -- the scripted peer at 127.0.0.2 for the TCP tests on
 * the virtual clock (test_tcp_vpeer.h): capture of what TCP sends, with
 * the time it left, and injection of the peer's segments with options.
 */
#include <netinet/in.h>
#include <netinet/in_cksum.h>
#include <netinet/in_pcb.h>
#include <netinet/ip.h>
#include <sys/file.h>
#include <sys/mbuf.h>

#include "testkern.h"
#include "test_tcp_vpeer.h"

struct tvc_state tvc;

static void tvc_capture(struct mbuf *m)
{
	struct ip ip;
	struct tcphdr th;
	struct tvc_seg *s;

	m_copydata(m, 0, sizeof(ip), &ip);
	m_copydata(m, sizeof(ip), sizeof(th), &th);
	if (tvc.lport != 0 && th.th_sport != tvc.lport) {
		m_freem(m);
		return;
	}
	tvc.total++;
	if (tvc.n == TVC_NSEG) {
		m_freem(m);
		return;
	}
	s = &tvc.seg[tvc.n++];
	s->when = getnsmono();
	s->sport = th.th_sport;
	s->seq = ntohl(th.th_seq);
	s->ack = ntohl(th.th_ack);
	s->flags = th.th_flags;
	s->win = ntohs(th.th_win);
	s->len = m->m_pkthdr.len - (int)sizeof(ip) - TH_OFF(&th) * 4;
	m_freem(m);
}

void tvc_dump(const char *what)
{
	printf("%s: now %llu ms, %d segments\n", what,
	       (unsigned long long)(getnsmono() / MS), tvc.n);
	for (int i = 0; i < tvc.n; i++)
		printf("  %llu ms seq %u ack %u flags %x len %d win %u\n",
		       (unsigned long long)(tvc.seg[i].when / MS),
		       tvc.seg[i].seq, tvc.seg[i].ack, tvc.seg[i].flags,
		       tvc.seg[i].len, tvc.seg[i].win);
}

void tvc_inject_opt(uint16_t lport, tcp_seq seq, tcp_seq ack, int flags,
		    uint32_t win, const struct tcp_opt *to, int len)
{
	uint8_t opts[TCP_MAXOLEN];
	int optlen = to != NULL ? tcp_options_build(opts, sizeof(opts), to) : 0;
	int hlen = (int)sizeof(struct ip) + TCP_HDRLEN + optlen;
	struct mbuf *m = m_gethdr(M_NOWAIT, MT_DATA);
	uint8_t chunk[128];
	struct ip *ip;
	struct tcphdr *th;

	if (!TCHECK(m != NULL))
		return;
	if (!TCHECK(optlen >= 0)) {
		m_freem(m);
		return;
	}
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
	ip->ip_src.s_addr = htonl(TVC_PEER_ADDR);
	ip->ip_dst.s_addr = htonl(INADDR_LOOPBACK);
	th = (struct tcphdr *)(ip + 1);
	th->th_sport = htons(TVC_PEER_PORT);
	th->th_dport = lport;
	th->th_seq = htonl(seq);
	th->th_ack = htonl(ack);
	TH_SETOFF(th, (TCP_HDRLEN + optlen) / 4);
	th->th_flags = (uint8_t)flags;
	th->th_win = htons((uint16_t)win);
	if (optlen > 0)
		memcpy(th + 1, opts, (size_t)optlen);
	th->th_sum = in4_cksum(m, IPPROTO_TCP, sizeof(*ip),
			       TCP_HDRLEN + optlen + len);
	tcp_input(m, sizeof(*ip), IPPROTO_TCP);
}

void tvc_inject(uint16_t lport, tcp_seq seq, tcp_seq ack, int flags,
		uint32_t win, int len)
{
	tvc_inject_opt(lport, seq, ack, flags, win, NULL, len);
}

struct tcpcb *tvc_tcpcb(struct socket *so)
{
	struct inpcb *inp = sotoinpcb(so);

	return inp != NULL ? inp->inp_ppcb : NULL;
}

int tvc_setopt(struct socket *so, int level, int name, int val)
{
	struct sockopt sopt = {.sopt_level = level,
			       .sopt_name = name,
			       .sopt_data = &val,
			       .sopt_size = sizeof(val)};

	return sosetopt(so, &sopt);
}

int tvc_send(struct socket *so, size_t len)
{
	static char data[16384];
	int error = 0;

	while (len > 0 && error == 0) {
		size_t n = MIN(len, sizeof(data));
		struct rump_iovec iov = {.iov_base = data, .iov_len = n};
		struct uio uio;

		memset(&uio, 0, sizeof(uio));
		uio.uio_iov = &iov;
		uio.uio_iovcnt = 1;
		uio.uio_resid = n;
		uio.uio_rw = UIO_WRITE;
		uio.uio_kernelspace = true;
		error = sosend(so, NULL, &uio, NULL, NULL, MSG_NBIO, curlwp);
		if (error == 0 && uio.uio_resid != 0)
			error = EAGAIN;
		len -= n;
	}
	return error;
}

void tvc_sleep_until(uint64_t when)
{
	uint64_t now = getnsmono();

	if (when > now)
		kpause_ns(when - now);
}

void tvc_start(void)
{
	mutex_enter(&softnet_lock);
	tvc.n = 0;
	tvc.total = 0;
	tvc.lport = 0;
	tvc.failures = test_failures;
	tcp_capture_hook = tvc_capture;
	mutex_exit(&softnet_lock);
}

void tvc_stop(struct socket *so)
{
	mutex_enter(&softnet_lock);
	if (test_failures != tvc.failures)
		tvc_dump("what TCP sent");
	tcp_capture_hook = NULL;
	mutex_exit(&softnet_lock);
	if (so != NULL)
		soclose(so);
}

struct socket *tvc_connect(void)
{
	struct sockaddr_in sin;
	struct socket *so = NULL;

	if (!TCHECK(socreate(AF_INET, &so, SOCK_STREAM, 0, curlwp) == 0))
		return NULL;
	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(TVC_PEER_PORT);
	sin.sin_addr.s_addr = htonl(TVC_PEER_ADDR);
	TCHECK(soconnect(so, (struct sockaddr *)&sin, true, curlwp) ==
	       EINPROGRESS);
	/* Only this connection's segments count (an earlier one may still
	 * be closing). */
	mutex_enter(&softnet_lock);
	if (TCHECK(sotoinpcb(so) != NULL)) {
		uint16_t lport = sotoinpcb(so)->inp_lport;
		int n = 0;

		for (int i = 0; i < tvc.n; i++)
			if (tvc.seg[i].sport == lport)
				tvc.seg[n++] = tvc.seg[i];
		tvc.n = tvc.total = n;
		tvc.lport = lport;
	}
	mutex_exit(&softnet_lock);
	return so;
}

bool tvc_establish_opt(struct socket *so, tcp_seq piss,
		       const struct tcp_opt *to)
{
	struct tcpcb *tp;
	bool ok;

	mutex_enter(&softnet_lock);
	tp = tvc_tcpcb(so);
	ok = TCHECK(tp != NULL && tvc.n >= 1 && (tvc.seg[0].flags & TH_SYN));
	if (ok) {
		tvc_inject_opt(tp->t_inpcb->inp_lport, piss, tvc.seg[0].seq + 1,
			       TH_SYN | TH_ACK, 65535, to, 0);
		ok = TCHECK(tp->t_state == TCPS_ESTABLISHED);
	}
	mutex_exit(&softnet_lock);
	return ok;
}

bool tvc_establish(struct socket *so, tcp_seq piss)
{
	return tvc_establish_opt(so, piss, NULL);
}

void tvc_wait_dead(struct socket *so, uint64_t limit)
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
