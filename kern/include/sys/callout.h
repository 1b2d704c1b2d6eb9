/*
 * sys/callout.h -- timers.  A callout runs its function once, in the
 * callout thread, at or after its deadline on the monotonic clock; callouts
 * with equal deadlines run in the order they were scheduled.  callout_halt
 * stops one and waits until its function is not running.
 */
#ifndef RUMPKERN_SYS_CALLOUT_H_
#define RUMPKERN_SYS_CALLOUT_H_
#include <sys/types.h>

struct callout {
	uint64_t c_when;
	uint64_t c_seq;
	void (*c_func)(void *);
	void *c_arg;
	int c_heapidx; /* -1 when not pending */
	int c_flags;
};
#define CALLOUT_FIRED 0x01 /* ran since last scheduled */

void callout_init(struct callout *c);
void callout_destroy(struct callout *c);
void callout_setfunc(struct callout *c, void (*fn)(void *), void *arg);
/* Schedule (or reschedule) to run nsec nanoseconds from now; 0 or ENOMEM. */
int callout_schedule_ns(struct callout *c, uint64_t nsec);
/* The same at an absolute time of getnsmono(); a past time runs it soon. */
int callout_schedule_at_ns(struct callout *c, uint64_t when);
int callout_reset_ns(struct callout *c, uint64_t nsec, void (*fn)(void *),
		     void *arg);
/* Returns true if it was pending (and is now not). */
bool callout_stop(struct callout *c);
bool callout_halt(struct callout *c);
bool callout_pending(struct callout *c);
bool callout_invoking(struct callout *c);

int callout_startup(void);
void callout_shutdown(void);
#endif
