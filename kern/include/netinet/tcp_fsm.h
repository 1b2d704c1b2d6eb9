/*
 * netinet/tcp_fsm.h -- the TCP connection states of RFC 9293 3.3.2 and the
 * predicates over them.  The numbering is ordered so that "has received a
 * SYN" and "is synchronized" are range tests.
 */
#ifndef RUMPKERN_NETINET_TCP_FSM_H_
#define RUMPKERN_NETINET_TCP_FSM_H_

#define TCPS_CLOSED 0
#define TCPS_LISTEN 1
#define TCPS_SYN_SENT 2
#define TCPS_SYN_RECEIVED 3
#define TCPS_ESTABLISHED 4 /* synchronized from here on */
#define TCPS_CLOSE_WAIT 5  /* received FIN, we may still send */
#define TCPS_FIN_WAIT_1 6  /* we closed, FIN not yet acknowledged */
#define TCPS_CLOSING 7	   /* both closed, our FIN unacknowledged */
#define TCPS_LAST_ACK 8	   /* received FIN and closed, awaiting ACK */
#define TCPS_FIN_WAIT_2 9  /* our FIN acknowledged, awaiting theirs */
#define TCPS_TIME_WAIT 10  /* both FINs done, 2MSL quiet time */
#define TCP_NSTATES 11

#define TCPS_HAVERCVDSYN(s) ((s) >= TCPS_SYN_RECEIVED)
#define TCPS_HAVEESTABLISHED(s) ((s) >= TCPS_ESTABLISHED)
/* The peer's FIN was received (no more data will arrive). */
#define TCPS_HAVERCVDFIN(s)                                                    \
	((s) == TCPS_CLOSE_WAIT || (s) == TCPS_CLOSING ||                      \
	 (s) == TCPS_LAST_ACK || (s) == TCPS_TIME_WAIT)
/* We sent (or must send) a FIN: the user closed the sending side. */
#define TCPS_HAVESENTFIN(s) ((s) >= TCPS_FIN_WAIT_1)

#endif
