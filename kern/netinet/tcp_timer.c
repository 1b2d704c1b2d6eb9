/*
 * tcp_timer.c -- TCP's five timers per connection: retransmission (RFC
 * 6298 with exponential backoff), persist (zero-window probes), keepalive
 * and the connection-establishment limit, 2MSL (TIME_WAIT and the
 * FIN_WAIT_2 limit) and the delayed ACK.  A handler takes softnet_lock
 * and acts only if its timer is still armed and the connection alive:
 * between firing and getting the lock the timer may have been disarmed,
 * re-armed, or the connection closed.
 */
#include <netinet/in_pcb.h>
#include <netinet/tcp_var.h>
#include <sys/callout.h>
#include <sys/socketvar.h>
#include <sys/systm.h>
#include <sys/time.h>

static void tcp_timer_fire(struct tcpcb *tp, int which);

#define TCP_TIMER_HANDLER(name, which)                                         \
	static void name(void *arg)                                            \
	{                                                                      \
		struct tcpcb *tp = arg;                                        \
		mutex_enter(&softnet_lock);                                    \
		if (!(tp->t_flags & TF_DEAD) &&                                \
		    (tp->t_timers_armed & (1u << (which))) &&                  \
		    !callout_pending(&tp->t_timer[which])) {                   \
			tp->t_timers_armed &= ~(1u << (which));                \
			tcp_timer_fire(tp, which);                             \
		}                                                              \
		mutex_exit(&softnet_lock);                                     \
	}
TCP_TIMER_HANDLER(tcp_timer_rexmt_cb, TCPT_REXMT)
TCP_TIMER_HANDLER(tcp_timer_persist_cb, TCPT_PERSIST)
TCP_TIMER_HANDLER(tcp_timer_keep_cb, TCPT_KEEP)
TCP_TIMER_HANDLER(tcp_timer_2msl_cb, TCPT_2MSL)
TCP_TIMER_HANDLER(tcp_timer_delack_cb, TCPT_DELACK)

static void (*const tcp_timer_funcs[TCPT_NTIMERS])(void *) = {
	tcp_timer_rexmt_cb, tcp_timer_persist_cb, tcp_timer_keep_cb,
	tcp_timer_2msl_cb,  tcp_timer_delack_cb,
};

void tcp_timer_init(struct tcpcb *tp)
{
	for (int i = 0; i < TCPT_NTIMERS; i++) {
		callout_init(&tp->t_timer[i]);
		callout_setfunc(&tp->t_timer[i], tcp_timer_funcs[i], tp);
	}
	tp->t_timers_armed = 0;
}

void tcp_timer_arm_us(struct tcpcb *tp, int which, uint32_t us)
{
	tp->t_timers_armed |= 1u << which;
	/* ENOMEM leaves the timer unarmed; the next event re-arms it. */
	if (callout_schedule_ns(&tp->t_timer[which], (uint64_t)us * 1000) != 0)
		tp->t_timers_armed &= ~(1u << which);
}

void tcp_timer_arm(struct tcpcb *tp, int which, uint32_t ms)
{
	tcp_timer_arm_us(tp, which, ms * 1000);
}

void tcp_timer_disarm(struct tcpcb *tp, int which)
{
	tp->t_timers_armed &= ~(1u << which);
	callout_stop(&tp->t_timer[which]);
}

bool tcp_timer_armed(struct tcpcb *tp, int which)
{
	return (tp->t_timers_armed & (1u << which)) != 0;
}

void tcp_timer_disarm_all(struct tcpcb *tp)
{
	for (int i = 0; i < TCPT_NTIMERS; i++)
		tcp_timer_disarm(tp, i);
}

static void tcp_timer_rexmt(struct tcpcb *tp)
{
	int limit = TCPS_HAVEESTABLISHED(tp->t_state) ? TCP_MAXRXTSHIFT
						      : TCP_SYN_MAXRXT;

	if (++tp->t_rxtshift > limit) {
		tcpstat.tcps_timeoutdrop++;
		tcp_drop(tp, ETIMEDOUT);
		return;
	}
	tcpstat.tcps_rexmttimeo++;
	tp->t_rxtcur_us = tcp_rtt_backoff(&tp->t_rtt, tp->t_rxtshift);
	/* Karn: no RTT sample from what we are about to send again. */
	tp->t_rtttime = 0;
	if (TCPS_HAVEESTABLISHED(tp->t_state))
		tcp_cc_timeout(tp);
	tp->snd_nxt = tp->snd_una;
	tp->snd_high_rxt = tp->snd_una;
	if (tp->t_state == TCPS_SYN_SENT || tp->t_state == TCPS_SYN_RECEIVED)
		tp->t_flags &= ~TF_SENTFIN;
	(void)tcp_output(tp);
}

static void tcp_timer_persist(struct tcpcb *tp)
{
	tcpstat.tcps_persisttimeo++;
	/*
	 * A probe of one byte past the zero window; the peer's ACK says
	 * whether the window opened.  RFC 9293 3.8.6.1: the connection
	 * is kept as long as probes are acknowledged.
	 */
	tcp_setpersist(tp);
	tp->t_flags |= TF_FORCEDATA;
	(void)tcp_output(tp);
	tp->t_flags &= ~TF_FORCEDATA;
}

static void tcp_timer_keep(struct tcpcb *tp)
{
	struct socket *so = tp->t_socket;
	uint32_t idle = tcp_now() - tp->t_rcvtime;

	if (!TCPS_HAVEESTABLISHED(tp->t_state)) {
		tcpstat.tcps_keepdrops++;
		tcp_drop(tp, ETIMEDOUT);
		return;
	}
	if (so == NULL || !(so->so_options & SO_KEEPALIVE) ||
	    tp->t_state > TCPS_CLOSE_WAIT) {
		tcp_timer_arm(tp, TCPT_KEEP, TCPTV_KEEPIDLE_MS);
		return;
	}
	if (idle < tp->t_keepidle) {
		tcp_timer_arm(tp, TCPT_KEEP, tp->t_keepidle - idle);
		return;
	}
	if (tp->t_keepcnt >= tp->t_keepcntmax) {
		tcpstat.tcps_keepdrops++;
		tcp_drop(tp, ETIMEDOUT);
		return;
	}
	/* A segment the peer must answer: one byte below what it has. */
	tcpstat.tcps_keepprobe++;
	tp->t_keepcnt++;
	tcp_respond(tp, tp->t_inpcb->inp_faddr, tp->t_inpcb->inp_fport,
		    tp->t_inpcb->inp_laddr, tp->t_inpcb->inp_lport,
		    tp->snd_una - 1, tp->rcv_nxt, TH_ACK);
	tcp_timer_arm(tp, TCPT_KEEP, tp->t_keepintvl);
}

static void tcp_timer_2msl(struct tcpcb *tp)
{
	if (tp->t_state == TCPS_FIN_WAIT_2 &&
	    tcp_now() - tp->t_rcvtime < TCP_FIN_WAIT_2_MS) {
		tcp_timer_arm(tp, TCPT_2MSL,
			      TCP_FIN_WAIT_2_MS - (tcp_now() - tp->t_rcvtime));
		return;
	}
	tcp_close(tp);
}

static void tcp_timer_fire(struct tcpcb *tp, int which)
{
	switch (which) {
	case TCPT_REXMT:
		tcp_timer_rexmt(tp);
		break;
	case TCPT_PERSIST:
		tcp_timer_persist(tp);
		break;
	case TCPT_KEEP:
		tcp_timer_keep(tp);
		break;
	case TCPT_2MSL:
		tcp_timer_2msl(tp);
		break;
	case TCPT_DELACK:
		tp->t_flags |= TF_ACKNOW;
		(void)tcp_output(tp);
		break;
	}
}
