/*
 * sys/softint.h -- deferred work.  A soft interrupt is a handler that
 * softint_schedule() asks to run soon in a kernel thread of its level;
 * scheduling it again before it ran runs it once.  A workqueue runs work
 * items queued with workqueue_enqueue() in its own thread, in order.
 */
#ifndef RUMPKERN_SYS_SOFTINT_H_
#define RUMPKERN_SYS_SOFTINT_H_
#include <sys/queue.h>
#include <sys/types.h>

enum softint_level {
	SOFTINT_CLOCK,
	SOFTINT_BIO,
	SOFTINT_NET,
	SOFTINT_SERIAL,
	SOFTINT_NLEVELS
};
void *softint_establish(enum softint_level level, void (*fn)(void *),
			void *arg);
void softint_schedule(void *cookie);
/* Waits until the handler is not running, then frees it. */
void softint_disestablish(void *cookie);
int softint_startup(void);
void softint_shutdown(void);

struct work {
	struct list_node wk_node;
};
struct workqueue;
int workqueue_create(struct workqueue **wqp, const char *name,
		     void (*fn)(struct work *, void *), void *arg);
void workqueue_enqueue(struct workqueue *wq, struct work *wk);
/* Waits until every item queued so far has run. */
void workqueue_drain(struct workqueue *wq);
void workqueue_destroy(struct workqueue *wq);
#endif
