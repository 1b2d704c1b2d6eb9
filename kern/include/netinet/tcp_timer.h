/*
 * netinet/tcp_timer.h -- TCP's timers and their constants.  Each
 * connection has five callouts (retransmit, persist, keepalive, 2MSL,
 * delayed ACK) that run holding softnet_lock; the RFC 6298 estimator
 * (tcp_rtt.c) turns round-trip samples into the retransmission timeout.
 * Times are microseconds for the estimator, milliseconds elsewhere.
 */
#ifndef RUMPKERN_NETINET_TCP_TIMER_H_
#define RUMPKERN_NETINET_TCP_TIMER_H_
#include <sys/types.h>

#define TCPT_REXMT 0
#define TCPT_PERSIST 1
#define TCPT_KEEP 2 /* keepalive, and the connection-establishment limit */
#define TCPT_2MSL 3 /* TIME_WAIT, and the FIN_WAIT_2 limit */
#define TCPT_DELACK 4
#define TCPT_NTIMERS 5

/*
 * RFC 6298 says the minimum RTO SHOULD be 1 s; like Linux and the BSDs
 * we use 200 ms (2.4 allows it), and 60 s as the maximum (2.5).
 */
#define TCP_RTO_MIN_US 200000u
#define TCP_RTO_INIT_US 1000000u
#define TCP_RTO_MAX_US 60000000u
#define TCP_RTO_GRANULARITY_US 1000u
#define TCP_MAXRXTSHIFT 12 /* retransmissions before the connection dies */
#define TCP_SYN_MAXRXT 6   /* SYN retransmissions */

#define TCP_MSL_MS 30000u /* 2MSL = 60 s in TIME_WAIT */
#define TCP_FIN_WAIT_2_MS 60000u
#define TCP_PERSMIN_MS 1000u
#define TCP_PERSMAX_MS 60000u
#define TCPTV_KEEPINIT_MS 75000u
#define TCPTV_KEEPIDLE_MS 7200000u
#define TCPTV_KEEPINTVL_MS 75000u
#define TCPTV_KEEPCNT 8
#define TCP_DELACK_MS 40u

struct tcp_rtt {
	uint32_t srtt_us;
	uint32_t rttvar_us;
	uint32_t rto_us; /* before backoff */
	bool have_sample;
};

/* tcp_rtt.c: the RFC 6298 estimator, pure arithmetic. */
void tcp_rtt_init(struct tcp_rtt *r);
void tcp_rtt_sample(struct tcp_rtt *r, uint32_t rtt_us);
/* The timeout after shift consecutive expirations (doubling, clamped). */
uint32_t tcp_rtt_backoff(const struct tcp_rtt *r, int shift);
/* The persist interval for shift consecutive probes, clamped. */
uint32_t tcp_persist_interval_ms(const struct tcp_rtt *r, int shift);

struct tcpcb;
/* tcp_timer.c: arm and disarm (holding softnet_lock). */
void tcp_timer_init(struct tcpcb *tp);
void tcp_timer_arm(struct tcpcb *tp, int which, uint32_t ms);
void tcp_timer_arm_us(struct tcpcb *tp, int which, uint32_t us);
void tcp_timer_disarm(struct tcpcb *tp, int which);
bool tcp_timer_armed(struct tcpcb *tp, int which);
void tcp_timer_disarm_all(struct tcpcb *tp);
/* Milliseconds of the monotonic clock (wraps; compare by difference). */
uint32_t tcp_now(void);
#endif
