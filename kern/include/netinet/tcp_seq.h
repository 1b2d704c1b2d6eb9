/*
 * netinet/tcp_seq.h -- TCP sequence number arithmetic.  Sequence numbers
 * live in a 32-bit space that wraps; a < b means a precedes b by less than
 * 2^31 (RFC 9293 3.4), so every comparison goes through these macros and
 * never through plain < on tcp_seq values.
 */
#ifndef RUMPKERN_NETINET_TCP_SEQ_H_
#define RUMPKERN_NETINET_TCP_SEQ_H_
#include <sys/types.h>

typedef uint32_t tcp_seq;

#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)
#define SEQ_MIN(a, b) (SEQ_LT(a, b) ? (a) : (b))
#define SEQ_MAX(a, b) (SEQ_GT(a, b) ? (a) : (b))
/* The distance from a forward to b; only meaningful when SEQ_LEQ(a, b). */
#define SEQ_SUB(b, a) ((uint32_t)((uint32_t)(b) - (uint32_t)(a)))
/* a <= x < b in sequence space. */
#define SEQ_INRANGE(x, a, b) (SEQ_GEQ(x, a) && SEQ_LT(x, b))
#endif
