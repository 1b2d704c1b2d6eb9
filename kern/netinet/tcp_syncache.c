/*
 * tcp_syncache.c -- the SYN cache: handshakes in progress on listening
 * sockets, kept in a small hash table instead of full connections so that
 * a SYN flood costs a bounded amount of memory.  Each bucket holds at
 * most SYNCACHE_BUCKETLIMIT entries and the cache SYNCACHE_LIMIT; when
 * full, the oldest entry gives way.  An entry answers the SYN with a
 * SYN-ACK, retransmits it a few times, and becomes a socket on the
 * listener's queue (sonewconn) only when the final ACK arrives -- and
 * only if the accept queue has room (Linux's behaviour: otherwise the
 * ACK is dropped and the SYN-ACK retransmitted).  Runs holding
 * softnet_lock.
 */
#include <net/route.h>
#include <netinet/in_pcb.h>
#include <netinet/ip.h>
#include <netinet/ip_var.h>
#include <netinet/tcp_var.h>
#include <sys/callout.h>
#include <sys/cprng.h>
#include <sys/kmem.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>
#include <sys/systm.h>
#include <sys/time.h>

#define SYNCACHE_HASHSIZE 512
#define SYNCACHE_BUCKETLIMIT 16
#define SYNCACHE_LIMIT 2048
#define SYNCACHE_MAXREXMTS 3
#define SYNCACHE_TICK_MS 100

static KMEM_TYPE_DEFINE(M_SYNCACHE, "syncache");

struct syncache {
	struct list_node sc_hashnode;
	struct list_node sc_agenode; /* oldest first */
	struct inpcb *sc_listener;
	struct in_addr sc_src, sc_dst; /* the peer, us */
	in_port_t sc_sport, sc_dport;
	tcp_seq sc_iss, sc_irs;
	struct tcp_opt sc_peeropt; /* the SYN's options */
	uint8_t sc_ourscale;
	uint32_t sc_rxtat; /* ms: next SYN-ACK retransmission */
	int sc_rxtshift;
	int sc_bucket;
};

static struct {
	struct list_head hash[SYNCACHE_HASHSIZE];
	int bucketlen[SYNCACHE_HASHSIZE];
	struct list_head age;
	int count;
	uint32_t secret;
	struct callout timer;
	bool armed;
	bool dying;
} sc;

static int syncache_hash(struct in_addr src, in_port_t sport, in_port_t dport)
{
	uint32_t h = sc.secret ^ src.s_addr;

	h = (h ^ ((uint32_t)sport << 16 | dport)) * 0x9e3779b1u;
	return (int)((h >> 16) % SYNCACHE_HASHSIZE);
}

static void syncache_free(struct syncache *e)
{
	list_remove(&e->sc_hashnode);
	list_remove(&e->sc_agenode);
	sc.bucketlen[e->sc_bucket]--;
	sc.count--;
	kmem_free(e, sizeof(*e), &M_SYNCACHE);
}

static struct syncache *syncache_lookup(struct inpcb *inp,
					const struct tcp_seg *seg)
{
	int b = syncache_hash(seg->src, seg->sport, seg->dport);

	list_foreach(it, &sc.hash[b])
	{
		struct syncache *e =
			list_entry(it, struct syncache, sc_hashnode);
		if (e->sc_listener == inp &&
		    e->sc_src.s_addr == seg->src.s_addr &&
		    e->sc_dst.s_addr == seg->dst.s_addr &&
		    e->sc_sport == seg->sport && e->sc_dport == seg->dport)
			return e;
	}
	return NULL;
}

uint8_t tcp_rcv_scale_for(unsigned long hiwat)
{
	uint8_t s = 0;

	while (s < TCP_MAX_WINSHIFT && ((unsigned long)TCP_MAXWIN << s) < hiwat)
		s++;
	return s;
}

static uint16_t syncache_ourmss(struct in_addr dst)
{
	struct route ro;
	struct rtentry *rt;
	uint32_t mtu = IP_MSS;

	memset(&ro, 0, sizeof(ro));
	rt = rtcache_lookup(&ro, dst);
	if (rt != NULL) {
		mtu = rt->rt_mtu;
		if (mtu == 0 && rt->rt_ifp != NULL)
			mtu = rt->rt_ifp->if_mtu;
	}
	rtcache_free(&ro);
	if (mtu < IP_MSS)
		mtu = IP_MSS;
	return (uint16_t)MIN(mtu - 40, 65535u - 40);
}

static void syncache_send_synack(struct syncache *e)
{
	struct socket *so = e->sc_listener->inp_socket;
	struct tcp_opt to;
	uint8_t opts[TCP_MAXOLEN];
	struct tcphdr *th;
	struct mbuf *m;
	int optlen, off;
	unsigned long win = so != NULL ? so->so_rcv.sb_hiwat : TCP_MAXWIN;

	memset(&to, 0, sizeof(to));
	to.to_flags = TOF_MSS;
	to.to_mss = syncache_ourmss(e->sc_src);
	if (e->sc_peeropt.to_flags & TOF_SCALE) {
		to.to_flags |= TOF_SCALE;
		to.to_wscale = e->sc_ourscale;
	}
	if (e->sc_peeropt.to_flags & TOF_SACKPERM)
		to.to_flags |= TOF_SACKPERM;
	if (e->sc_peeropt.to_flags & TOF_TS) {
		to.to_flags |= TOF_TS;
		to.to_tsval = tcp_now();
		to.to_tsecr = e->sc_peeropt.to_tsval;
	}
	optlen = tcp_options_build(opts, sizeof(opts), &to);
	m = tcp_hdr_mbuf(optlen, &off);
	if (m == NULL)
		return; /* the retransmission tries again */
	th = (struct tcphdr *)(mtod(m, char *) + off);
	th->th_sport = e->sc_dport;
	th->th_dport = e->sc_sport;
	th->th_seq = htonl(e->sc_iss);
	th->th_ack = htonl(e->sc_irs + 1);
	TH_SETOFF(th, (TCP_HDRLEN + optlen) / 4);
	th->th_flags = TH_SYN | TH_ACK;
	th->th_win = htons((uint16_t)MIN(win, TCP_MAXWIN));
	memcpy(th + 1, opts, (size_t)optlen);
	(void)tcp_send_packet(m, e->sc_dst, e->sc_src, NULL, ip_defttl, 0, 0,
			      0);
}

static void syncache_arm(void)
{
	if (!sc.armed && !sc.dying && sc.count > 0 &&
	    callout_schedule_ns(&sc.timer, SYNCACHE_TICK_MS * NSEC_PER_MSEC) ==
		    0)
		sc.armed = true;
}

static void syncache_timer(void *arg)
{
	uint32_t now;

	(void)arg;
	mutex_enter(&softnet_lock);
	sc.armed = false;
	if (sc.dying) {
		mutex_exit(&softnet_lock);
		return;
	}
	now = tcp_now();
	list_foreach_safe(it, &sc.age)
	{
		struct syncache *e =
			list_entry(it, struct syncache, sc_agenode);

		if ((int32_t)(now - e->sc_rxtat) < 0)
			continue;
		if (e->sc_rxtshift >= SYNCACHE_MAXREXMTS) {
			tcpstat.tcps_sc_timeout++;
			syncache_free(e);
			continue;
		}
		e->sc_rxtshift++;
		e->sc_rxtat = now + (1000u << e->sc_rxtshift);
		tcpstat.tcps_sc_retransmitted++;
		syncache_send_synack(e);
	}
	syncache_arm();
	mutex_exit(&softnet_lock);
}

void tcp_syncache_add(struct tcpcb *ltp, const struct tcp_seg *seg)
{
	struct inpcb *inp = ltp->t_inpcb;
	struct socket *so = ltp->t_socket;
	struct syncache *e;
	int b;

	if (so == NULL)
		return;
	e = syncache_lookup(inp, seg);
	if (e != NULL) {
		/* The peer sent its SYN again: our SYN-ACK was lost. */
		if (seg->seq == e->sc_irs) {
			syncache_send_synack(e);
			return;
		}
		/* A new attempt from the same port replaces the old one. */
		syncache_free(e);
	}
	/* Linux drops SYNs while the accept queue is full. */
	if (so->so_qlen >= so->so_qlimit) {
		tcpstat.tcps_listendrop++;
		return;
	}
	b = syncache_hash(seg->src, seg->sport, seg->dport);
	if (sc.bucketlen[b] >= SYNCACHE_BUCKETLIMIT) {
		/* The oldest of the bucket: the bucket list is in age order. */
		tcpstat.tcps_sc_overflow++;
		syncache_free(list_entry(list_first(&sc.hash[b]),
					 struct syncache, sc_hashnode));
	}
	if (sc.count >= SYNCACHE_LIMIT) {
		tcpstat.tcps_sc_overflow++;
		syncache_free(list_entry(list_first(&sc.age), struct syncache,
					 sc_agenode));
	}
	e = kmem_zalloc(sizeof(*e), &M_SYNCACHE);
	if (e == NULL) {
		tcpstat.tcps_sc_dropped++;
		return;
	}
	e->sc_listener = inp;
	e->sc_src = seg->src;
	e->sc_dst = seg->dst;
	e->sc_sport = seg->sport;
	e->sc_dport = seg->dport;
	e->sc_irs = seg->seq;
	e->sc_iss =
		tcp_new_iss_addrs(seg->dst, seg->dport, seg->src, seg->sport);
	e->sc_peeropt = seg->to;
	e->sc_ourscale = tcp_autobuf_rcvscale(so);
	e->sc_rxtat = tcp_now() + 1000;
	e->sc_bucket = b;
	list_push_back(&sc.hash[b], &e->sc_hashnode);
	list_push_back(&sc.age, &e->sc_agenode);
	sc.bucketlen[b]++;
	sc.count++;
	tcpstat.tcps_sc_added++;
	syncache_send_synack(e);
	syncache_arm();
}

/* Give the new connection's PCB the four tuple of the handshake. */
static int syncache_setaddrs(struct inpcb *inp, const struct syncache *e)
{
	struct sockaddr_in sin;
	int error;

	/*
	 * in_pcbbind cannot take the listener's port, so bind any port and
	 * then move to the listener's: in_pcbconnect rehashes by the new
	 * local port.
	 */
	error = in_pcbbind(inp, NULL, NULL);
	if (error != 0)
		return error;
	inp->inp_flags &= ~INP_ANONPORT;
	inp->inp_laddr = e->sc_dst;
	inp->inp_lport = e->sc_dport;
	memset(&sin, 0, sizeof(sin));
	sin.sin_len = sizeof(sin);
	sin.sin_family = AF_INET;
	sin.sin_addr = e->sc_src;
	sin.sin_port = e->sc_sport;
	return in_pcbconnect(inp, &sin, NULL);
}

int tcp_syncache_expand(struct tcpcb *ltp, const struct tcp_seg *seg,
			struct tcpcb **tpp)
{
	struct socket *head = ltp->t_socket, *so;
	struct syncache *e = syncache_lookup(ltp->t_inpcb, seg);
	struct tcpcb *tp;
	struct tcp_opt to;

	if (e == NULL || seg->ack != e->sc_iss + 1 || seg->seq != e->sc_irs + 1)
		return ENOENT;
	if (head == NULL)
		return ENOENT;
	so = sonewconn(head, SS_ISCONNECTED);
	if (so == NULL) {
		tcpstat.tcps_listendrop++;
		return ENOBUFS;
	}
	tp = so->so_pcb != NULL ? ((struct inpcb *)so->so_pcb)->inp_ppcb : NULL;
	if (tp == NULL || syncache_setaddrs(tp->t_inpcb, e) != 0) {
		tcpstat.tcps_sc_dropped++;
		soabort(so);
		return ENOBUFS;
	}
	tp->t_flags |= ltp->t_flags & TF_NODELAY;
	tp->t_keepidle = ltp->t_keepidle;
	tp->t_keepintvl = ltp->t_keepintvl;
	tp->t_keepcntmax = ltp->t_keepcntmax;
	tp->iss = e->sc_iss;
	tp->irs = e->sc_irs;
	tp->snd_una = tp->snd_nxt = tp->snd_max = e->sc_iss + 1;
	tp->snd_recover = tp->snd_una;
	tp->snd_high_rxt = tp->snd_una;
	tp->rcv_nxt = e->sc_irs + 1;
	tp->rcv_adv = tp->rcv_nxt;
	tp->last_ack_sent = tp->rcv_nxt;
	tp->request_r_scale = e->sc_ourscale;
	to = e->sc_peeropt;
	tcp_syn_options(tp, &to);
	if (tp->t_flags & TF_RCVD_TSTMP) {
		tp->ts_recent = seg->to.to_flags & TOF_TS ? seg->to.to_tsval
							  : to.to_tsval;
		tp->ts_recent_age = tcp_now();
	}
	tp->snd_wnd = seg->win << tp->snd_scale;
	tp->snd_maxwnd = MAX(tp->snd_wnd, 1u);
	tp->snd_wl1 = seg->seq - 1;
	tp->snd_wl2 = seg->ack;
	tcp_established(tp);
	syncache_free(e);
	tcpstat.tcps_sc_completed++;
	tcpstat.tcps_accepts++;
	*tpp = tp;
	return 0;
}

void tcp_syncache_purge(struct inpcb *inp)
{
	list_foreach_safe(it, &sc.age)
	{
		struct syncache *e =
			list_entry(it, struct syncache, sc_agenode);
		if (e->sc_listener == inp)
			syncache_free(e);
	}
}

void tcp_syncache_touch(void)
{
	kmem_free(kmem_alloc(sizeof(struct syncache), &M_SYNCACHE),
		  sizeof(struct syncache), &M_SYNCACHE);
}

int tcp_syncache_count(void)
{
	return sc.count;
}

int tcp_syncache_init(void)
{
	for (int i = 0; i < SYNCACHE_HASHSIZE; i++) {
		list_init(&sc.hash[i]);
		sc.bucketlen[i] = 0;
	}
	list_init(&sc.age);
	sc.count = 0;
	sc.secret = cprng_u32();
	sc.armed = false;
	sc.dying = false;
	callout_init(&sc.timer);
	callout_setfunc(&sc.timer, syncache_timer, NULL);
	return 0;
}

void tcp_syncache_fini(void)
{
	struct list_node *n;

	mutex_enter(&softnet_lock);
	sc.dying = true;
	mutex_exit(&softnet_lock);
	callout_halt(&sc.timer);
	callout_destroy(&sc.timer);
	mutex_enter(&softnet_lock);
	while ((n = list_first(&sc.age)) != NULL)
		syncache_free(list_entry(n, struct syncache, sc_agenode));
	mutex_exit(&softnet_lock);
}
