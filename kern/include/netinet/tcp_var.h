/*
 * netinet/tcp_var.h -- the TCP connection block (struct tcpcb) and the
 * interfaces between the TCP files: input, output, timers, user requests,
 * utilities, the SACK scoreboard, the reassembly queue and the SYN
 * cache.  Everything here runs holding softnet_lock, the one lock of the
 * socket and protocol state.
 */
#ifndef RUMPKERN_NETINET_TCP_VAR_H_
#define RUMPKERN_NETINET_TCP_VAR_H_
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/tcp_cc.h>
#include <netinet/tcp_fsm.h>
#include <netinet/tcp_timer.h>
#include <sys/callout.h>
#include <sys/queue.h>
#include <sys/softint.h>

struct mbuf;
struct socket;
struct inpcb;
struct inpcbtable;
struct route;

/*
 * The sender's SACK scoreboard (RFC 6675): the ranges above snd_una the
 * peer reported holding, sorted and disjoint, in a fixed array so that a
 * hostile peer cannot make it grow.
 */
#define TCP_SACK_MAXBLKS 32
struct tcp_sackboard {
	int nblks;
	struct tcp_sackblk blks[TCP_SACK_MAXBLKS];
	uint32_t sacked; /* bytes covered by blks */
};

/* tcp_sack.c: pure functions of the scoreboard. */
void tcp_sack_reset(struct tcp_sackboard *sb);
/*
 * Merge the peer's blocks, ignoring what lies outside (una, max]; drop
 * what una has passed.  Returns the bytes newly SACKed.
 */
uint32_t tcp_sack_update(struct tcp_sackboard *sb, tcp_seq una, tcp_seq max,
			 const struct tcp_sackblk *blks, int n);
bool tcp_sack_is_sacked(const struct tcp_sackboard *sb, tcp_seq seq);
/* RFC 6675 IsLost(seq). */
bool tcp_sack_is_lost(const struct tcp_sackboard *sb, tcp_seq seq,
		      uint32_t mss);
/*
 * RFC 6675 NextSeg rules 1 and 3 below max: the first unSACKed range at
 * or after high_rxt that is lost (rule 1) or, if none, that has SACKed
 * data above it (rule 3, only when rule3 is set).  *lenp is at most mss.
 * Returns false when there is nothing to retransmit.
 */
bool tcp_sack_next_seg(const struct tcp_sackboard *sb, tcp_seq una, tcp_seq max,
		       tcp_seq high_rxt, uint32_t mss, bool rule3,
		       tcp_seq *seqp, uint32_t *lenp);
/*
 * Resending from *nxtp after a timeout (RFC 6675 5.1): past a range the
 * peer SACKed (never from una itself, RFC 2018 8).  *sackedp gets the
 * SACKed bytes in [una, *nxtp), *limp the bytes up to the next SACKed
 * range (to max if none).
 */
void tcp_sack_resend_point(const struct tcp_sackboard *sb, tcp_seq una,
			   tcp_seq max, tcp_seq *nxtp, uint32_t *sackedp,
			   uint32_t *limp);
/*
 * The peer reneged (RFC 2018 8): its cumulative ACK stops at or inside a
 * range it SACKed before, which it would have passed if it held it.
 */
bool tcp_sack_reneged(const struct tcp_sackboard *sb, tcp_seq ack, tcp_seq max);
/*
 * SACKed bytes in [una, end), and the unSACKed ones in holes IsLost
 * says are lost below the highest SACKed byte (TCP_INFO).
 */
uint32_t tcp_sack_sacked_below(const struct tcp_sackboard *sb, tcp_seq una,
			       tcp_seq end);
uint32_t tcp_sack_lost_bytes(const struct tcp_sackboard *sb, tcp_seq una,
			     uint32_t mss);
/* RFC 6675 SetPipe: the bytes estimated in the network. */
uint32_t tcp_sack_pipe(const struct tcp_sackboard *sb, tcp_seq una, tcp_seq max,
		       tcp_seq high_rxt, uint32_t mss);

/*
 * The reassembly queue: segments that arrived ahead of rcv_nxt, sorted,
 * without overlap, bounded in bytes and in segments (a sender can fill
 * it with tiny segments otherwise).
 */
#define TCP_REASS_MAXSEGS 256
struct tcp_reass {
	struct list_head segs;
	uint32_t bytes;
	int nsegs;
	tcp_seq last_seq; /* start of the most recent block (RFC 2018) */
};
void tcp_reass_init(struct tcp_reass *q);
/*
 * Queue m (len bytes at seq, fin: a FIN follows it), consuming m.  Bytes
 * already queued or below rcv_nxt are trimmed.  ENOBUFS if the segment
 * would take the queue past limit bytes or TCP_REASS_MAXSEGS (m is freed).
 */
int tcp_reass_insert(struct tcp_reass *q, tcp_seq rcv_nxt, tcp_seq seq,
		     uint32_t len, bool fin, struct mbuf *m, uint32_t limit);
/*
 * Take the data now in order at *rcv_nxtp, advancing it; NULL if none.
 * *finp is set when a queued FIN became in order.
 */
struct mbuf *tcp_reass_take(struct tcp_reass *q, tcp_seq *rcv_nxtp, bool *finp);
void tcp_reass_flush(struct tcp_reass *q);
void tcp_reass_touch(void);
/* The queue's ranges as SACK blocks, the most recent first. */
int tcp_reass_sack_blocks(const struct tcp_reass *q, struct tcp_sackblk *b,
			  int max);

struct tcpcb {
	struct inpcb *t_inpcb;
	struct socket *t_socket;
	int t_state;
	uint32_t t_flags;
	int t_softerror; /* reported if the connection dies of timeouts */

	struct callout t_timer[TCPT_NTIMERS];
	int t_rxtshift; /* consecutive retransmission (or probe) timeouts */
	uint32_t t_rxtcur_us;
	struct tcp_rtt t_rtt;
	uint64_t t_rtttime; /* us when t_rtseq was sent, 0 = not timing */
	tcp_seq t_rtseq;
	uint32_t t_rcvtime;    /* ms of the last segment received */
	uint32_t t_lastsend;   /* ms of the last segment sent */
	uint32_t t_rexmitsegs; /* data segments sent again (TCP_INFO) */
	int t_keepcnt;	       /* unanswered keepalive probes */
	uint32_t t_keepidle;   /* ms (TCP_KEEPIDLE) */
	uint32_t t_keepintvl;
	int t_keepcntmax;
	unsigned t_timers_armed; /* bit per TCPT_*: armed and not yet run */

	uint16_t t_maxseg;  /* payload bytes per segment we send */
	uint16_t t_ourmss;  /* what we advertised */
	uint16_t t_usermss; /* TCP_MAXSEG */

	/* Send sequence space (RFC 9293 3.3.1). */
	tcp_seq iss;
	tcp_seq snd_una;
	tcp_seq snd_nxt;
	tcp_seq snd_max; /* highest sequence sent, plus one */
	tcp_seq snd_wl1;
	tcp_seq snd_wl2;
	uint32_t snd_wnd;
	uint32_t snd_maxwnd; /* largest window the peer offered */

	/* Congestion control. */
	const struct tcp_cc_ops *t_cc;
	uint32_t snd_cwnd;
	uint32_t snd_ssthresh;
	uint32_t t_bytes_acked; /* congestion avoidance byte counting */
	int t_dupacks;
	uint32_t t_ltbytes;   /* sent by limited transmit (RFC 3042) */
	tcp_seq snd_recover;  /* RFC 6582 "recover" */
	tcp_seq snd_high_rxt; /* RFC 6675 HighRxt */
	struct tcp_sackboard t_sack;

	/* Receive sequence space. */
	tcp_seq irs;
	tcp_seq rcv_nxt;
	tcp_seq rcv_adv; /* highest edge we advertised */
	uint32_t rcv_wnd;
	tcp_seq last_ack_sent;
	struct tcp_reass t_reass;

	/* RFC 7323. */
	uint8_t snd_scale;
	uint8_t rcv_scale;
	uint8_t request_r_scale;
	uint32_t ts_recent;
	uint32_t ts_recent_age; /* ms when ts_recent was set */

	/* Socket buffer autotuning (tcp_autobuf.c). */
	uint64_t t_rcvrtt_time;	    /* us: receiver RTT measure began, 0 none */
	tcp_seq t_rcvrtt_seq;	    /* ... and ends when rcv_nxt passes this */
	uint32_t t_rcvrtt_us;	    /* the receiver's RTT estimate */
	uint64_t t_rcvauto_time;    /* us: this round trip's measure began */
	tcp_seq t_rcvauto_seq;	    /* what the reader had taken then */
	uint32_t t_autobuf_granted; /* bytes of growth, from the budget */

	/* RFC 5961 challenge-ACK rate limit. */
	uint32_t t_challenge_time;
	int t_challenge_count;

	struct work t_reapwork;
};

#define TF_ACKNOW 0x0001	/* send an ACK immediately */
#define TF_DELACK 0x0002	/* an ACK is owed (delayed) */
#define TF_NODELAY 0x0004	/* TCP_NODELAY: no Nagle */
#define TF_SENTFIN 0x0008	/* the FIN has been sent */
#define TF_REQ_SCALE 0x0010	/* we asked for window scaling */
#define TF_RCVD_SCALE 0x0020	/* the peer agreed */
#define TF_REQ_TSTMP 0x0040	/* we sent timestamps */
#define TF_RCVD_TSTMP 0x0080	/* the peer sent them too */
#define TF_SACK_PERMIT 0x0100	/* both sides allow SACK */
#define TF_FASTRECOVERY 0x0200	/* in fast recovery */
#define TF_NEEDFIN 0x0400	/* the user closed: send a FIN after the data */
#define TF_DEAD 0x0800		/* closed; timers must not touch it */
#define TF_FORCEDATA 0x1000	/* persist probe: send one byte past window */
#define TF_MAXSEG_SET 0x2000	/* TCP_MAXSEG was set by the user */
#define TF_RCVD_SACKPERM 0x4000 /* the peer's SYN offered SACK */
#define TF_REQ_SACK 0x8000	/* we offered SACK */
#define TF_INUSRREQ 0x10000	/* the socket layer frees the socket */
#define TF_ONESEG 0x20000	/* tcp_output sends one segment at most */
#define TF_RTORECOVERY 0x40000	/* resending after a timeout, below recover */

/* A received segment, parsed, fields in host byte order. */
struct tcp_seg {
	tcp_seq seq;
	tcp_seq ack;
	uint32_t win; /* as sent, unscaled */
	int flags;
	int tlen;   /* data bytes */
	int hdroff; /* where the data starts in the packet */
	struct tcp_opt to;
	struct in_addr src, dst; /* network byte order */
	in_port_t sport, dport;
};

/* Counters (the sysctl-style dump reads them). */
struct tcpstat {
	uint64_t tcps_rcvtotal, tcps_rcvshort, tcps_rcvbadsum, tcps_rcvbadoff,
		tcps_rcvbadopt, tcps_noport, tcps_rcvbyte, tcps_rcvoopack,
		tcps_rcvreassfull, tcps_rcvduppack, tcps_rcvdupack,
		tcps_rcvackpack, tcps_rcvwinprobe, tcps_rcvafterclose,
		tcps_rcvrst, tcps_rcvrefused, tcps_pawsdrop, tcps_challengeack;
	uint64_t tcps_sndtotal, tcps_sndbyte, tcps_sndrexmitbyte, tcps_sndrst,
		tcps_sndnobufs, tcps_sack_rexmits, tcps_fastrexmit,
		tcps_sack_reneged;
	uint64_t tcps_connattempt, tcps_accepts, tcps_connects, tcps_closed,
		tcps_drops, tcps_timeoutdrop, tcps_rexmttimeo,
		tcps_persisttimeo, tcps_keepprobe, tcps_keepdrops;
	uint64_t tcps_sc_added, tcps_sc_dropped, tcps_sc_overflow,
		tcps_sc_completed, tcps_sc_retransmitted, tcps_sc_timeout,
		tcps_listendrop;
};
extern struct tcpstat tcpstat;
extern struct inpcbtable tcbtable;
extern const char *const tcp_state_names[TCP_NSTATES];

#define TCP_RCVWIN_DEFAULT (256 * 1024u)
#define TCP_SNDBUF_DEFAULT (256 * 1024u)

/* tcp_subr.c */
struct tcpcb *tcp_newtcpcb(struct inpcb *inp);
/*
 * Tear down: disarm, detach the PCB (the socket's so_pcb becomes NULL),
 * free a socket whose file is gone, reap the tcpcb later.  Returns NULL.
 */
struct tcpcb *tcp_close(struct tcpcb *tp);
/* Close with an error: RST the peer if synchronized, report errno. */
struct tcpcb *tcp_drop(struct tcpcb *tp, int error);
/* The connection lives on without its socket (closed in TIME_WAIT). */
void tcp_detach_socket(struct tcpcb *tp);
/* A bare segment (ACK, RST, keepalive) outside the send queue. */
void tcp_respond(struct tcpcb *tp, struct in_addr faddr, in_port_t fport,
		 struct in_addr laddr, in_port_t lport, tcp_seq seq,
		 tcp_seq ack, int flags);
/* A header mbuf for IP + TCP + optlen bytes of options, zeroed. */
struct mbuf *tcp_hdr_mbuf(int optlen, int *offp);
/*
 * Fill in IP, checksum and send; consumes m.  TCP_SEND_LOOPBACK: the
 * route is a loopback interface, so the packet never leaves this kernel
 * and, like Linux on lo, we skip the checksum and mark it verified.
 */
int tcp_send_packet(struct mbuf *m, struct in_addr src, struct in_addr dst,
		    struct route *ro, int ttl, int tos, int flags, int how);
#define TCP_SEND_LOOPBACK 0x01
/*
 * The route's interface completes TCP checksums (IFCAP_CSUM_TCPV4_TX):
 * th_sum gets only the pseudo-header sum.  TCP_SEND_TSO: it also takes
 * segments larger than the MSS (IFCAP_TSO4); tcp_output uses that.
 */
#define TCP_SEND_CSUMOFF 0x02
#define TCP_SEND_TSO 0x04
/* TCP_SEND_* for the PCB's route: loopback, or the offloads it has. */
int tcp_send_how(struct inpcb *inp);
tcp_seq tcp_new_iss(struct inpcb *inp);
tcp_seq tcp_new_iss_addrs(struct in_addr laddr, in_port_t lport,
			  struct in_addr faddr, in_port_t fport);
/* Set t_maxseg from the route's MTU and the peer's MSS (0: none sent). */
void tcp_mss_update(struct tcpcb *tp, int peermss);
/* The path MTU: the route's (or interface's), or what ICMP reported. */
uint32_t tcp_path_mtu(struct inpcb *inp);
/* Microseconds of the monotonic clock, never 0 (RTT timing). */
uint64_t tcp_now_us(void);
int64_t tcp_live_tcpcbs(void);
/* ICMP errors about our segments (pr_ctlinput). */
struct sockaddr;
void tcp_ctlinput(int cmd, const struct sockaddr *sa, void *ctl);
extern bool tcp_active;
/*
 * Tests: when set, every segment TCP sends goes to this function (which
 * consumes it) instead of ip_output -- a capturing interface at TCP's
 * edge.  Set and cleared holding softnet_lock.
 */
extern void (*tcp_capture_hook)(struct mbuf *m);
int tcp_init(void);
void tcp_fini(void);

/* tcp_input.c */
void tcp_input(struct mbuf *m, int off, int proto);
void tcp_syn_options(struct tcpcb *tp, const struct tcp_opt *to);
void tcp_established(struct tcpcb *tp);

/* tcp_output.c */
int tcp_output(struct tcpcb *tp);
void tcp_setpersist(struct tcpcb *tp);
/* The window we would advertise now (bytes, unscaled). */
uint32_t tcp_rcvwin(struct tcpcb *tp);
/*
 * Limited transmit (RFC 3042) on the first and second duplicate ACK:
 * one segment of new data if the peer's window allows it and what is
 * outstanding stays within cwnd + 2 SMSS; cwnd is not changed.
 */
void tcp_output_limited(struct tcpcb *tp);
/* net.inet.tcp.rfc3042: limited transmit on (1, default) or off. */
extern int tcp_do_rfc3042;

/*
 * tcp_autobuf.c: socket buffer autotuning.  attach: SB_AUTOSIZE on a new
 * socket's buffers (defaults: TCP chose their sizes) or as its listener's.
 * rcvscale: the window scale to ask for.  input: in-order data arrived
 * (the receiver's RTT); rcvd: the application read; ack: new data was
 * acknowledged.  release: give back the growth (tcp_close).
 */
#define TCP_AUTOBUF_MAX_DEFAULT (4 * 1024 * 1024)
extern int tcp_autorcvbuf, tcp_autosndbuf;
extern int tcp_autorcvbuf_max, tcp_autosndbuf_max;
void tcp_autobuf_attach(struct socket *so, bool defaults);
uint8_t tcp_autobuf_rcvscale(struct socket *so);
void tcp_autobuf_input(struct tcpcb *tp);
void tcp_autobuf_rcvd(struct tcpcb *tp);
void tcp_autobuf_ack(struct tcpcb *tp);
void tcp_autobuf_release(struct tcpcb *tp);

/* tcp_usrreq.c */
struct pr_usrreqs;
extern const struct pr_usrreqs tcp_usrreqs;
/* The window scale to ask for with a receive buffer of hiwat bytes. */
uint8_t tcp_rcv_scale_for(unsigned long hiwat);

/*
 * tcp_syncache.c: handshakes in progress on listeners, bounded in
 * total and per hash bucket.  add: a SYN (answers with a SYN-ACK).
 * expand: the ACK completing one; makes the connection (*tpp) queued on
 * the listener, ENOENT if there is no such handshake (RST it), ENOBUFS
 * when the listen queue is full (drop it; the peer retries).
 */
void tcp_syncache_add(struct tcpcb *ltp, const struct tcp_seg *seg);
int tcp_syncache_expand(struct tcpcb *ltp, const struct tcp_seg *seg,
			struct tcpcb **tpp);
/* Forget the handshakes of a listener that closes. */
void tcp_syncache_purge(struct inpcb *inp);
int tcp_syncache_count(void);
void tcp_syncache_touch(void);
int tcp_syncache_init(void);
void tcp_syncache_fini(void);
#endif
