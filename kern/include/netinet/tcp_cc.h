/*
 * netinet/tcp_cc.h -- congestion control behind an ops table, one
 * algorithm per file (tcp_cc_newreno.c).  tcp_cc.c holds what RFC 5681
 * and RFC 6582 fix for every algorithm -- counting duplicate ACKs,
 * entering and leaving fast recovery, the response to a timeout -- and
 * asks the algorithm only how the window moves.  Called holding
 * softnet_lock with the connection's tcpcb.
 */
#ifndef RUMPKERN_NETINET_TCP_CC_H_
#define RUMPKERN_NETINET_TCP_CC_H_
#include <netinet/tcp_seq.h>

struct tcpcb;

struct tcp_cc_ops {
	const char *cc_name;
	/* A new connection's initial window (RFC 5681 3.1 IW). */
	void (*cc_init)(struct tcpcb *tp);
	/* New data acknowledged outside recovery: slow start or CA. */
	void (*cc_ack_received)(struct tcpcb *tp, uint32_t acked);
	/* The third duplicate ACK: set ssthresh and the recovery window. */
	void (*cc_enter_recovery)(struct tcpcb *tp);
	/* A further duplicate ACK during recovery (window inflation). */
	void (*cc_dupack)(struct tcpcb *tp);
	/* An ACK below the recovery point (RFC 6582 partial ACK). */
	void (*cc_partial_ack)(struct tcpcb *tp, uint32_t acked);
	/* The ACK covering the recovery point (full ACK). */
	void (*cc_exit_recovery)(struct tcpcb *tp);
	/* The retransmission timer expired (RFC 5681 eq. 4, LW = 1 SMSS). */
	void (*cc_after_timeout)(struct tcpcb *tp);
	/* Sending resumes after an idle period longer than the RTO. */
	void (*cc_after_idle)(struct tcpcb *tp);
};

extern const struct tcp_cc_ops tcp_cc_newreno;
extern const struct tcp_cc_ops *tcp_cc_default;

#define TCP_DUPTHRESH 3

/* What tcp_cc_ack asks of the caller. */
#define TCP_CC_RETRANSMIT 0x01 /* retransmit from snd_una now */
#define TCP_CC_SEND 0x02       /* the window grew: try to send */
#define TCP_CC_LIMITED 0x04    /* a first or second duplicate: RFC 3042 */

/*
 * Process an acknowledgement for congestion control.  acked is the
 * number of bytes ack newly covers (0 for a duplicate); dup says the ACK
 * is a duplicate in the RFC 5681 sense (or, with SACK, carried new SACK
 * information).  Updates t_dupacks, the recovery state and the window.
 */
int tcp_cc_ack(struct tcpcb *tp, tcp_seq ack, uint32_t acked, bool dup);
/* The retransmission timer fired: leave recovery, shrink the window. */
void tcp_cc_timeout(struct tcpcb *tp);
/* Bytes sent and not yet acknowledged. */
uint32_t tcp_cc_flightsize(const struct tcpcb *tp);
/*
 * FlightSize for ssthresh at the third duplicate: without what limited
 * transmit sent (RFC 5681 3.2 step 2, RFC 3042 2).
 */
uint32_t tcp_cc_recovery_flightsize(const struct tcpcb *tp);
#endif
