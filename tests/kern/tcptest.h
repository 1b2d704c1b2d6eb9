/*
 * tcptest.h -- the kernel-side TCP tests (tests/kern/test_tcp_*.c), seen
 * from the host test programs t_tcp_*.c.  Each returns 0, a kernel
 * errno, or RUMP_TEST_FAILED after printing which check failed.
 */
#ifndef RUMPTEST_TCPTEST_H_
#define RUMPTEST_TCPTEST_H_
#include <stdint.h>

/* Pure parts (test_tcp_pure.c): no sockets, no clock. */
int rump_test_tcp_seq(void);
int rump_test_tcp_options(void);
int rump_test_tcp_options_fuzz(uint32_t seed, int rounds);
int rump_test_tcp_rtt(void);
int rump_test_tcp_newreno(void);
int rump_test_tcp_newreno_partial(void);
int rump_test_tcp_sack(void);

/* The reassembly queue with real mbufs (test_tcp_reass.c). */
int rump_test_tcp_reass(void);

/* A stream of size bytes through the kernel socket calls over lo0. */
int rump_test_tcp_kstream(uint64_t size);

/*
 * Against a scripted peer (test_tcp_input.c): handshake options, RFC
 * 5961, PAWS, SACK, fast retransmit, zero window, TIME_WAIT, RST.
 */
int rump_test_tcp_script(void);
/* nsyn SYNs from distinct ports: the SYN cache stays bounded. */
int rump_test_tcp_synflood(int nsyn);
/* Keepalive probes and ETIMEDOUT from a silent scripted peer. */
int rump_test_tcp_keepalive(void);

/*
 * TCP's timers on the virtual clock (test_tcp_timers.c; needs the fiber
 * host with RUMP_VIRTUAL_CLOCK=1): SYN and data retransmission backoff
 * and drop, persist probes, keepalive, TIME_WAIT, delayed ACK, each at
 * exact times.
 */
int rump_test_tcp_vclock(void);
/*
 * Loss recovery segment by segment on the virtual clock
 * (test_tcp_recovery.c, the same host): NewReno fast retransmit and
 * partial ACKs, SACK recovery, an RTO during recovery, RFC 5961 RST
 * validation and the challenge-ACK rate limit.
 */
int rump_test_tcp_vrecovery(void);

/*
 * A lossy path (test_tcp_loss.c): per mille of segments dropped,
 * duplicated, delayed behind the next; drop_pm < 0 turns it off (a held
 * segment goes out).  The counters: the filter's and TCP's.
 */
int rump_test_tcp_loss(int drop_pm, int dup_pm, int reorder_pm, uint32_t seed);
struct rump_tcp_counters {
	uint64_t dropped, duplicated, reordered;
	uint64_t sndrexmitbyte, rexmttimeo, fastrexmit, sack_rexmits;
	uint64_t rcvoopack, rcvduppack, tcpcbs;
};
int rump_test_tcp_counters(struct rump_tcp_counters *c);
#endif
