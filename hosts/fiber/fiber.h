/*
 * fiber.h -- private to the cooperative host, where every kernel thread is a
 * fiber on one host thread, switched only when it waits.  Only switch.c
 * depends on the host, so bare-metal and wasm hosts can reuse the rest.
 */
#ifndef HOSTS_FIBER_FIBER_H_
#define HOSTS_FIBER_FIBER_H_

#include "../common/host.h"

#define FIBER_FOREVER INT64_MAX /* the deadline of a wait without one */

/*
 * switch.c: opaque contexts.  A made one starts in entry() on a new stack;
 * started() completes a switch and is the first call in entry().  idle()
 * sleeps until a deadline on RUMPUSER_CLOCK_ABSMONO, or less.
 */
struct fiber_ctx;
extern struct fiber_ctx fiber_main_ctx; /* the stack main() runs on */
struct fiber_ctx *fiber_ctx_make(void (*entry)(void));
void fiber_ctx_free(struct fiber_ctx *ctx);
void fiber_ctx_switch(struct fiber_ctx *from, struct fiber_ctx *to, int dying);
void fiber_ctx_started(void);
void fiber_idle(int64_t deadline);

/*
 * sched.c: a wait queue is a struct fiber * (NULL: empty), woken in FIFO
 * order.  fiber_wait() returns 1 when the deadline (from fiber_deadline(),
 * or FIBER_FOREVER) passed and 0 when woken.
 */
struct fiber;
struct fiber *fiber_self(void); /* panics on a second host thread */
int fiber_wait(struct fiber **q, int64_t deadline, const char *what);
void fiber_wake(struct fiber **q, int all); /* the first, or all */
int64_t fiber_deadline(int absolute, int64_t sec, int64_t nsec);

#endif /* HOSTS_FIBER_FIBER_H_ */
