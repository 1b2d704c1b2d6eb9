/*
 * tcp_subr.c -- TCP's utilities: the connection table, creating and
 * destroying connection blocks, initial sequence numbers, MSS choice,
 * bare segments (ACKs and RSTs outside the send path) and drop/close.
 * A closed tcpcb is freed by a work item after its callouts are halted,
 * because a timer may be waiting for softnet_lock while we close.
 * Everything but the reaper runs holding softnet_lock.
 */
#include <net/if.h>
#include <net/route.h>
#include <netinet/in_cksum.h>
#include <netinet/in_pcb.h>
#include <netinet/ip.h>
#include <netinet/ip_var.h>
#include <netinet/tcp_var.h>
#include <sys/atomic.h>
#include <sys/cprng.h>
#include <sys/kmem.h>
#include <sys/mbuf.h>
#include <sys/protosw.h>
#include <sys/socketvar.h>
#include <sys/systm.h>
#include <sys/time.h>

KMEM_TYPE_DEFINE(M_TCPCB, "tcpcb");

struct inpcbtable tcbtable;
struct tcpstat tcpstat;
static struct workqueue *tcp_reapq;
/* Between the component's init and fini: input and attach work. */
bool tcp_active;
void (*tcp_capture_hook)(struct mbuf *m);
static uint32_t tcp_iss_secret;
static volatile int64_t tcpcb_live;

const char *const tcp_state_names[TCP_NSTATES] = {
	"CLOSED",      "LISTEN",     "SYN_SENT",   "SYN_RECEIVED",
	"ESTABLISHED", "CLOSE_WAIT", "FIN_WAIT_1", "CLOSING",
	"LAST_ACK",    "FIN_WAIT_2", "TIME_WAIT",
};

uint32_t tcp_now(void)
{
	return (uint32_t)(getnsmono() / NSEC_PER_MSEC);
}

uint64_t tcp_now_us(void)
{
	return MAX(getnsmono() / 1000, 1u);
}

tcp_seq tcp_new_iss(struct inpcb *inp)
{
	return tcp_new_iss_addrs(inp->inp_laddr, inp->inp_lport, inp->inp_faddr,
				 inp->inp_fport);
}

tcp_seq tcp_new_iss_addrs(struct in_addr laddr, in_port_t lport,
			  struct in_addr faddr, in_port_t fport)
{
	/*
	 * RFC 6528: a clock ticking every 4 microseconds plus a keyed
	 * hash of the connection, so that sequence numbers of successive
	 * incarnations move forward but cannot be guessed from outside.
	 */
	uint32_t h = tcp_iss_secret;

	h ^= laddr.s_addr;
	h = h * 0x9e3779b1u ^ faddr.s_addr;
	h = h * 0x9e3779b1u ^ ((uint32_t)lport << 16 | fport);
	h = h * 0x85ebca6bu;
	h ^= h >> 13;
	return h + (uint32_t)(getnsmono() / 4000);
}

struct tcpcb *tcp_newtcpcb(struct inpcb *inp)
{
	struct tcpcb *tp = kmem_zalloc(sizeof(*tp), &M_TCPCB);

	if (tp == NULL)
		return NULL;
	tp->t_inpcb = inp;
	tp->t_socket = inp->inp_socket;
	tp->t_state = TCPS_CLOSED;
	tp->t_maxseg = TCP_MSS;
	tp->t_ourmss = TCP_MSS;
	tp->t_cc = tcp_cc_default;
	tp->t_flags = TF_REQ_SCALE | TF_REQ_TSTMP | TF_REQ_SACK;
	tcp_rtt_init(&tp->t_rtt);
	tp->t_rxtcur_us = tp->t_rtt.rto_us;
	tcp_reass_init(&tp->t_reass);
	tcp_sack_reset(&tp->t_sack);
	tcp_timer_init(tp);
	tp->t_rcvtime = tcp_now();
	inp->inp_ppcb = tp;
	atomic_inc_nv(&tcpcb_live);
	return tp;
}

static void tcp_reap(struct work *wk, void *arg)
{
	struct tcpcb *tp = container_of(wk, struct tcpcb, t_reapwork);

	(void)arg;
	/* Without softnet_lock: a handler waiting for it sees TF_DEAD. */
	for (int i = 0; i < TCPT_NTIMERS; i++) {
		callout_halt(&tp->t_timer[i]);
		callout_destroy(&tp->t_timer[i]);
	}
	kmem_free(tp, sizeof(*tp), &M_TCPCB);
	atomic_dec_nv(&tcpcb_live);
}

/* Let go of the socket of a connection that lives on without it. */
void tcp_detach_socket(struct tcpcb *tp)
{
	struct inpcb *inp = tp->t_inpcb;
	struct socket *so = tp->t_socket;

	if (so == NULL)
		return;
	so->so_pcb = NULL;
	inp->inp_socket = NULL;
	tp->t_socket = NULL;
}

struct tcpcb *tcp_close(struct tcpcb *tp)
{
	struct inpcb *inp = tp->t_inpcb;
	struct socket *so = tp->t_socket;
	bool release;

	KASSERT(!(tp->t_flags & TF_DEAD));
	tcp_timer_disarm_all(tp);
	tcp_reass_flush(&tp->t_reass);
	tcp_autobuf_release(tp);
	if (tp->t_state == TCPS_LISTEN)
		tcp_syncache_purge(inp);
	tp->t_state = TCPS_CLOSED;
	tp->t_flags |= TF_DEAD;
	inp->inp_ppcb = NULL;
	release = so != NULL && (so->so_state & SS_NOFDREF) &&
		  !(tp->t_flags & TF_INUSRREQ);
	if (so != NULL)
		soisdisconnected(so);
	/* in_pcbdetach sets so_pcb to NULL. */
	in_pcbdetach(inp);
	tp->t_inpcb = NULL;
	tp->t_socket = NULL;
	/* A socket whose last file went away waited for us: free it now. */
	if (release)
		sofree(so);
	workqueue_enqueue(tcp_reapq, &tp->t_reapwork);
	tcpstat.tcps_closed++;
	return NULL;
}

struct tcpcb *tcp_drop(struct tcpcb *tp, int error)
{
	struct socket *so = tp->t_socket;

	if (TCPS_HAVERCVDSYN(tp->t_state) && tp->t_state != TCPS_TIME_WAIT) {
		tp->t_state = TCPS_CLOSED;
		(void)tcp_output(tp); /* the RST */
		tcpstat.tcps_drops++;
	}
	if (error == ETIMEDOUT && tp->t_softerror != 0)
		error = tp->t_softerror;
	/* Reported once, by whichever of recv, send, SO_ERROR comes first. */
	if (so != NULL && error != 0)
		so->so_error = error;
	return tcp_close(tp);
}

uint32_t tcp_path_mtu(struct inpcb *inp)
{
	struct rtentry *rt = in_pcbrtentry(inp);
	uint32_t mtu = IP_MSS;

	if (rt != NULL) {
		mtu = rt->rt_mtu;
		if (mtu == 0 && rt->rt_ifp != NULL)
			mtu = rt->rt_ifp->if_mtu;
	}
	if (inp->inp_errormtu > 0 && (uint32_t)inp->inp_errormtu < mtu)
		mtu = (uint32_t)inp->inp_errormtu;
	return MAX(mtu, (uint32_t)IP_MSS);
}

void tcp_mss_update(struct tcpcb *tp, int peermss)
{
	uint32_t mtu = tcp_path_mtu(tp->t_inpcb);
	int mss;

	mss = (int)mtu - (int)(sizeof(struct ip) + sizeof(struct tcphdr));
	if (mss > 65535 - 40)
		mss = 65535 - 40;
	/* TCP_MAXSEG set before connect also limits what we announce. */
	if ((tp->t_flags & TF_MAXSEG_SET) && tp->t_usermss < mss)
		mss = tp->t_usermss;
	tp->t_ourmss = (uint16_t)mss;
	if (peermss > 0)
		mss = MIN(mss, peermss);
	else if (peermss == 0)
		mss = MIN(mss, TCP_MSS);
	/* peermss < 0: the handshake is not done; keep our own. */
	if ((tp->t_flags & TF_MAXSEG_SET) && tp->t_usermss < mss)
		mss = tp->t_usermss;
	/* Never below 64 bytes of payload (a hostile tiny MSS). */
	tp->t_maxseg = (uint16_t)MAX(mss, 64);
}

struct mbuf *tcp_hdr_mbuf(int optlen, int *offp)
{
	int hlen = (int)(sizeof(struct ip) + sizeof(struct tcphdr)) + optlen;
	struct mbuf *m = m_gethdr(M_NOWAIT, MT_HEADER);

	if (m == NULL)
		return NULL;
	/* Room in front for link headers, the headers at the end. */
	MH_ALIGN(m, hlen);
	m->m_len = hlen;
	m->m_pkthdr.len = hlen;
	memset(mtod(m, void *), 0, (size_t)hlen);
	*offp = (int)sizeof(struct ip);
	return m;
}

int tcp_send_how(struct inpcb *inp)
{
	struct rtentry *rt = in_pcbrtentry(inp);
	int cap;

	if (rt == NULL || rt->rt_ifp == NULL)
		return 0;
	if (rt->rt_ifp->if_flags & IFF_LOOPBACK)
		return TCP_SEND_LOOPBACK;
	cap = rt->rt_ifp->if_capenable;
	if (cap & IFCAP_TSO4)
		return TCP_SEND_CSUMOFF | TCP_SEND_TSO;
	return (cap & IFCAP_CSUM_TCPV4_TX) ? TCP_SEND_CSUMOFF : 0;
}

int tcp_send_packet(struct mbuf *m, struct in_addr src, struct in_addr dst,
		    struct route *ro, int ttl, int tos, int flags, int how)
{
	struct ip *ip = mtod(m, struct ip *);
	int tcplen = m->m_pkthdr.len - (int)sizeof(struct ip);
	struct tcphdr *th = (struct tcphdr *)(ip + 1);

	ip->ip_p = IPPROTO_TCP;
	ip->ip_src = src;
	ip->ip_dst = dst;
	ip->ip_ttl = (uint8_t)ttl;
	ip->ip_tos = (uint8_t)tos;
	ip->ip_off = htons(IP_DF); /* path MTU discovery */
	th->th_sum = 0;
	if ((how & TCP_SEND_LOOPBACK) && tcp_capture_hook == NULL) {
		m->m_pkthdr.csum_flags |= M_CSUM_TCPV4 | M_CSUM_DATA_VALID;
	} else if ((how & TCP_SEND_CSUMOFF) && tcp_capture_hook == NULL) {
		/* The interface sums from the TCP header on (a TSO one per
		 * segment, adjusting the length). */
		th->th_sum = in4_pseudo_sum(src, dst, IPPROTO_TCP, tcplen);
		m->m_pkthdr.csum_flags |= M_CSUM_TCPV4_OFFLOAD;
	} else {
		m->m_pkthdr.csum_flags &= ~M_CSUM_TSOV4;
		th->th_sum = in4_cksum(m, IPPROTO_TCP, (int)sizeof(struct ip),
				       tcplen);
	}
	tcpstat.tcps_sndtotal++;
	if (tcp_capture_hook != NULL) {
		tcp_capture_hook(m);
		return 0;
	}
	return ip_output(m, ro, flags, NULL);
}

void tcp_respond(struct tcpcb *tp, struct in_addr faddr, in_port_t fport,
		 struct in_addr laddr, in_port_t lport, tcp_seq seq,
		 tcp_seq ack, int flags)
{
	struct mbuf *m;
	struct tcphdr *th;
	uint8_t opts[TCP_MAXOLEN];
	struct tcp_opt to;
	int off, optlen = 0, win = 0;

	memset(&to, 0, sizeof(to));
	if (tp != NULL && (tp->t_flags & TF_RCVD_TSTMP) && !(flags & TH_RST)) {
		to.to_flags = TOF_TS;
		to.to_tsval = tcp_now();
		to.to_tsecr = tp->ts_recent;
		optlen = tcp_options_build(opts, sizeof(opts), &to);
	}
	if (tp != NULL && !(flags & TH_RST))
		win = (int)MIN(tcp_rcvwin(tp) >> tp->rcv_scale, TCP_MAXWIN);
	m = tcp_hdr_mbuf(optlen, &off);
	if (m == NULL)
		return;
	th = (struct tcphdr *)(mtod(m, char *) + off);
	th->th_sport = lport;
	th->th_dport = fport;
	th->th_seq = htonl(seq);
	th->th_ack = (flags & TH_ACK) ? htonl(ack) : 0;
	TH_SETOFF(th, (int)(sizeof(*th) + (size_t)optlen) / 4);
	th->th_flags = (uint8_t)flags;
	th->th_win = htons((uint16_t)win);
	if (optlen > 0)
		memcpy(th + 1, opts, (size_t)optlen);
	if (flags & TH_RST)
		tcpstat.tcps_sndrst++;
	(void)tcp_send_packet(m, laddr, faddr,
			      tp != NULL ? &tp->t_inpcb->inp_route : NULL,
			      ip_defttl, 0, 0, 0);
}

static int tcp_fini_one(struct inpcb *inp, void *arg)
{
	struct tcpcb *tp = inp->inp_ppcb;

	(void)arg;
	if (tp != NULL)
		tcp_close(tp);
	return 0;
}

static const int tcp_prc_errno[PRC_NCMDS] = {
	[PRC_UNREACH_NET] = ENETUNREACH,
	[PRC_UNREACH_HOST] = EHOSTUNREACH,
	[PRC_UNREACH_PROTOCOL] = ECONNREFUSED,
	[PRC_UNREACH_PORT] = ECONNREFUSED,
	[PRC_HOSTDEAD] = EHOSTDOWN,
	[PRC_TIMXCEED_INTRANS] = EHOSTUNREACH,
	[PRC_PARAMPROB] = ENOPROTOOPT,
};

void tcp_ctlinput(int cmd, const struct sockaddr *sa, void *ctl)
{
	const struct ip *ip = ctl;
	const struct tcphdr *th;
	struct inpcb *inp;
	struct tcpcb *tp;
	tcp_seq seq;

	(void)sa;
	if (cmd < 0 || cmd >= PRC_NCMDS || ip == NULL || !tcp_active)
		return;
	/* ICMP quotes at least 8 bytes of our header: ports and seq. */
	th = (const struct tcphdr *)((const char *)ip + (ip->ip_hl << 2));
	inp = in_pcblookup_connect(&tcbtable, ip->ip_dst, th->th_dport,
				   ip->ip_src, th->th_sport);
	tp = inp != NULL ? inp->inp_ppcb : NULL;
	if (tp == NULL || (tp->t_flags & TF_DEAD))
		return;
	/* RFC 5927 4.1: only for data in flight, else it is forged. */
	seq = ntohl(th->th_seq);
	if (SEQ_LT(seq, tp->snd_una) || SEQ_GEQ(seq, tp->snd_max))
		return;
	if (cmd == PRC_MSGSIZE) {
		/* Path MTU discovery: smaller segments, resend now. */
		uint16_t old = tp->t_maxseg;
		tcp_mss_update(tp, tp->t_maxseg);
		if (tp->t_maxseg < old) {
			tp->snd_nxt = tp->snd_una;
			(void)tcp_output(tp);
		}
		return;
	}
	if (tcp_prc_errno[cmd] == 0)
		return;
	/* RFC 1122 4.2.3.9: hard only while the handshake is pending. */
	if (tp->t_state == TCPS_SYN_SENT &&
	    tcp_prc_errno[cmd] == ECONNREFUSED) {
		tcp_drop(tp, ECONNREFUSED);
		return;
	}
	tp->t_softerror = tcp_prc_errno[cmd];
}

int tcp_init(void)
{
	int error;

	tcp_iss_secret = cprng_u32();
	/*
	 * Use each kmem type once now, while boot is single-threaded: the
	 * first allocation of a type links it into the kernel's list, and
	 * that link is not safe against another type linking at once.
	 */
	kmem_free(kmem_alloc(1, &M_TCPCB), 1, &M_TCPCB);
	tcp_reass_touch();
	tcp_syncache_touch();
	error = in_pcbinit(&tcbtable, 256);
	if (error != 0)
		return error;
	error = workqueue_create(&tcp_reapq, "tcpreap", tcp_reap, NULL);
	if (error != 0) {
		in_pcbfini(&tcbtable);
		return error;
	}
	error = tcp_syncache_init();
	if (error != 0) {
		workqueue_destroy(tcp_reapq);
		in_pcbfini(&tcbtable);
		return error;
	}
	mutex_enter(&softnet_lock);
	tcp_active = true;
	mutex_exit(&softnet_lock);
	return 0;
}

void tcp_fini(void)
{
	/* Connections outliving their sockets (TIME_WAIT, FIN_WAIT_2). */
	mutex_enter(&softnet_lock);
	tcp_active = false;
	mutex_exit(&softnet_lock);
	tcp_syncache_fini();
	mutex_enter(&softnet_lock);
	in_pcbwalk(&tcbtable, tcp_fini_one, NULL);
	mutex_exit(&softnet_lock);
	workqueue_drain(tcp_reapq);
	workqueue_destroy(tcp_reapq);
	mutex_enter(&softnet_lock);
	in_pcbfini(&tcbtable);
	mutex_exit(&softnet_lock);
}

int64_t tcp_live_tcpcbs(void)
{
	/* The reaper decrements it without softnet_lock. */
	return atomic_load_relaxed(&tcpcb_live);
}
