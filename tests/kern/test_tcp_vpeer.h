/*
 * test_tcp_vpeer.h -- the scripted peer of the virtual-clock TCP tests
 * (test_tcp_timers.c, test_tcp_recovery.c): a socket connects to
 * 127.0.0.2, every segment TCP sends is captured (tcp_capture_hook) with
 * the virtual time it left, and the test answers with segments it builds
 * and hands to tcp_input.  tvc_inject*, tvc_dump and tvc_tcpcb expect
 * softnet_lock held; the others take it when they need it.
 */
#ifndef TEST_TCP_VPEER_H_
#define TEST_TCP_VPEER_H_
#include <netinet/tcp_var.h>
#include <sys/socketvar.h>

#define TVC_PEER_ADDR 0x7f000002 /* 127.0.0.2 */
#define TVC_PEER_PORT 4343
#define TVC_NSEG 256
#define MS (1000ull * 1000)
#define SEC (1000 * MS)

struct tvc_seg {
	uint64_t when; /* getnsmono() when TCP sent it */
	uint16_t sport;
	tcp_seq seq, ack;
	int flags, len;
	uint32_t win;
};

struct tvc_state {
	struct tvc_seg seg[TVC_NSEG];
	int n;
	int total;	/* segments of lport sent, also those past TVC_NSEG */
	uint16_t lport; /* network order; 0: capture every connection */
	int failures;	/* test_failures at tvc_start */
};
extern struct tvc_state tvc;

void tvc_dump(const char *what);
/* A segment from the peer to lport with options to (or none), len bytes. */
void tvc_inject_opt(uint16_t lport, tcp_seq seq, tcp_seq ack, int flags,
		    uint32_t win, const struct tcp_opt *to, int len);
void tvc_inject(uint16_t lport, tcp_seq seq, tcp_seq ack, int flags,
		uint32_t win, int len);
struct tcpcb *tvc_tcpcb(struct socket *so);
int tvc_setopt(struct socket *so, int level, int name, int val);
/* len bytes (any size) into the send buffer, without blocking. */
int tvc_send(struct socket *so, size_t len);
/* Sleeps on the virtual clock until getnsmono() == when (or past it). */
void tvc_sleep_until(uint64_t when);
/* Capturing on (takes softnet_lock). */
void tvc_start(void);
/* Capturing off, the capture printed if a check failed; closes so. */
void tvc_stop(struct socket *so);
/* A socket connecting to the peer (its SYN captured), or NULL. */
struct socket *tvc_connect(void);
/* Completes the handshake at once: the peer's ISS is piss, options to. */
bool tvc_establish_opt(struct socket *so, tcp_seq piss,
		       const struct tcp_opt *to);
bool tvc_establish(struct socket *so, tcp_seq piss);
/* Waits (virtual time) until so lost its connection, at most limit. */
void tvc_wait_dead(struct socket *so, uint64_t limit);
#endif
