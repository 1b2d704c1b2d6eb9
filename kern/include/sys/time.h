/*
 * sys/time.h -- kernel time: wall clock and monotonic nanoseconds from the
 * host clocks, and sleeping.  kpause releases the virtual CPU while it
 * sleeps (the host does that for every blocking hypercall).
 */
#ifndef RUMPKERN_SYS_TIME_H_
#define RUMPKERN_SYS_TIME_H_
#include <sys/types.h>

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
void getnanotime(struct timespec *ts); /* wall clock */
uint64_t getnsmono(void);	       /* monotonic, nanoseconds */
/* Sleep for nsec nanoseconds; 0, or EINTR if the host woke us early. */
int kpause_ns(uint64_t nsec);
#endif
