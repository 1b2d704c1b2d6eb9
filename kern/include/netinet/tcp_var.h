/*
 * netinet/tcp_var.h -- the TCP connection block (struct tcpcb) and the
 * interfaces between the TCP files: input, output, timers, user requests,
 * utilities, the SACK scoreboard, the reassembly queue and the SYN
 * cache.  Everything here runs holding softnet_lock, the one lock of the
 * socket and protocol state.
 */
#ifndef RUMPKERN_NETINET_TCP_VAR_H_
#define RUMPKERN_NETINET_TCP_VAR_H_
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
	uint32_t t_rtttime; /* ms when t_rtseq was sent, 0 = not timing */
	tcp_seq t_rtseq;
	uint32_t t_rcvtime;  /* ms of the last segment received */
	uint32_t t_lastsend; /* ms of the last segment sent */
	int t_keepcnt;	     /* unanswered keepalive probes */

	uint16_t t_maxseg; /* payload bytes per segment we send */
	uint16_t t_ourmss; /* what we advertised */

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

	/* RFC 5961 challenge-ACK rate limit. */
	uint32_t t_challenge_time;
	int t_challenge_count;

	struct work t_reapwork;
	struct list_node t_syncnode; /* unused by most states */
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

#define TCP_RCVWIN_DEFAULT (256 * 1024u)
#define TCP_SNDBUF_DEFAULT (256 * 1024u)

/* tcp_subr.c */
struct tcpcb *tcp_newtcpcb(struct inpcb *inp);
/* Tear down: free the pcb, reap the tcpcb later; returns NULL. */
struct tcpcb *tcp_close(struct tcpcb *tp);
/* Close with an error: RST the peer if synchronized, report errno. */
struct tcpcb *tcp_drop(struct tcpcb *tp, int error);
/* A bare segment (ACK or RST) not tied to a connection's send queue. */
void tcp_respond(struct tcpcb *tp, uint32_t faddr, uint16_t fport,
		 uint32_t laddr, uint16_t lport, tcp_seq seq, tcp_seq ack,
		 int flags);
uint16_t tcp_cksum(uint32_t src, uint32_t dst, struct mbuf *m, int len);
tcp_seq tcp_new_iss(void);
void tcp_mss_update(struct tcpcb *tp, int peermss);
int tcp_init(void);
void tcp_fini(void);
extern struct kmem_type M_TCPCB;
extern uint32_t tcp_iss_seed;

/* tcp_input.c */
void tcp_input(struct mbuf *m, int iphlen);

/* tcp_output.c */
int tcp_output(struct tcpcb *tp);
void tcp_setpersist(struct tcpcb *tp);
/* The window we would advertise now (bytes, unscaled). */
uint32_t tcp_rcvwin(struct tcpcb *tp);

/* tcp_usrreq.c */
extern const struct pr_usrreqs tcp_usrreqs;
int tcp_ctloutput(int op, struct socket *so, int level, int name, void *val,
		  size_t *lenp);

/* tcp_syncache.c */
int tcp_syncache_init(void);
void tcp_syncache_fini(void);
#endif
