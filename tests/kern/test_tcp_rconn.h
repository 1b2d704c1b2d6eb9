/*
 * test_tcp_rconn.h -- a connection to the scripted peer (test_tcp_vpeer.h)
 * set up for the loss-recovery tests on the virtual clock
 * (test_tcp_recovery.c, test_tcp_ltsack.c): MSS 1000, data counted in
 * segments 1, 2, ..., slow start to 8 segments in flight, ACKs with SACK
 * blocks given as segment ranges, and checks of exactly which segments
 * TCP sent since the last check.  All but ropen expect softnet_lock held.
 */
#ifndef TEST_TCP_RCONN_H_
#define TEST_TCP_RCONN_H_
#include "test_tcp_vpeer.h"

#define RMSS 1000     /* the peer's MSS: segment k is bytes k*RMSS.. */
#define RTT (10 * MS) /* the peer answers a flight this much later */
#define NONE (-1)

struct rconn {
	struct socket *so;
	struct tcpcb *tp;
	uint16_t lport;
	tcp_seq s;    /* our first data byte: segment 1 starts here */
	tcp_seq pseq; /* the peer's next sequence number */
	int idx;      /* first capture not yet checked */
};

/* Where segment k (1, 2, ...) starts. */
tcp_seq rseg(const struct rconn *r, int k);
/*
 * An ACK of everything below segment next from the peer, with SACK
 * blocks given as inclusive segment ranges {first, last}, most recent
 * first (RFC 2018 4), nsack of them; window 65535 (rack) or win.
 */
void rack(struct rconn *r, int next, const int (*sack)[2], int nsack);
void rack_win(struct rconn *r, int next, const int (*sack)[2], int nsack,
	      uint32_t win);
/*
 * The segments TCP sent since the last call are exactly want[0..n-1]
 * (segment numbers), each full-sized and sent now.
 */
bool rsent(struct rconn *r, const int *want, int n, int line);
#define RSENT(r, ...)                                                          \
	rsent((r), (const int[]){__VA_ARGS__},                                 \
	      (int)(sizeof((const int[]){__VA_ARGS__}) / sizeof(int)) -        \
		      ((const int[]){__VA_ARGS__}[0] == NONE),                 \
	      __LINE__)
/* The peer answers a flight one RTT later. */
void rwait_rtt(void);
/*
 * A connection (SACK permitted or not) with 40 segments to send, grown
 * by slow start to cwnd 8; returns with softnet_lock held (also when it
 * fails), segments 5..12 in flight, sent now.
 */
bool ropen(struct rconn *r, bool sack, tcp_seq piss);
/* The peer resets the connection (an exact RST); so is closed. */
void rclose(struct rconn *r);
/* test_tcp_ltsack.c: limited transmit, an RTO with SACK (no lock held). */
void rec_ltsack_run(void);
/* test_tcp_vinfo.c: TCP_INFO's estimates and loss counts (no lock held). */
void rec_info_run(void);
/* test_tcp_vautobuf.c: receive buffer autotuning (no lock held). */
void rec_autobuf_run(void);
#endif
