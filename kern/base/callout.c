/*
 * callout.c -- timers.  Pending callouts sit in a binary min-heap ordered
 * by (deadline, sequence number), so equal deadlines fire in the order
 * they were scheduled.  One kernel thread, started with the first
 * callout, sleeps until the earliest deadline and runs due callouts with
 * the lock dropped.  Resolution is the host's timed wait (microseconds).
 */
#include <sys/callout.h>
#include <sys/kmem.h>
#include <sys/kthread.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/systm.h>
#include <sys/time.h>

static struct {
	kmutex_t lock;
	kcondvar_t wake; /* the thread: a new earliest deadline, or exit */
	kcondvar_t done; /* callout_halt waiters: a handler finished */
	struct callout **heap;
	int count, cap;
	uint64_t seq;
	struct lwp *thread;
	/* What the thread sleeps until (UINT64_MAX: no deadline); 0 awake. */
	uint64_t sleep_until;
	bool exiting;
	struct callout *running;
} co;

static KMEM_TYPE_DEFINE(M_CALLOUT, "callout heap");

static bool before(const struct callout *a, const struct callout *b)
{
	return a->c_when < b->c_when ||
	       (a->c_when == b->c_when && a->c_seq < b->c_seq);
}

static void heap_set(int i, struct callout *c)
{
	co.heap[i] = c;
	c->c_heapidx = i;
}

static void heap_up(int i)
{
	struct callout *c = co.heap[i];

	while (i > 0 && before(c, co.heap[(i - 1) / 2])) {
		heap_set(i, co.heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(i, c);
}

static void heap_down(int i)
{
	struct callout *c = co.heap[i];

	for (;;) {
		int child = 2 * i + 1;
		if (child >= co.count)
			break;
		if (child + 1 < co.count &&
		    before(co.heap[child + 1], co.heap[child]))
			child++;
		if (!before(co.heap[child], c))
			break;
		heap_set(i, co.heap[child]);
		i = child;
	}
	heap_set(i, c);
}

static void heap_remove(struct callout *c)
{
	int i = c->c_heapidx;
	struct callout *last = co.heap[--co.count];

	c->c_heapidx = -1;
	if (i == co.count)
		return;
	heap_set(i, last);
	heap_up(i);
	heap_down(last->c_heapidx);
}

static void callout_thread(void *arg)
{
	mutex_enter(&co.lock);
	while (!co.exiting) {
		struct callout *c;
		uint64_t now;

		if (co.count == 0) {
			co.sleep_until = UINT64_MAX;
			cv_wait(&co.wake, &co.lock);
			co.sleep_until = 0;
			continue;
		}
		c = co.heap[0];
		now = getnsmono();
		if (c->c_when > now) {
			co.sleep_until = c->c_when;
			cv_timedwait_ns(&co.wake, &co.lock, c->c_when - now);
			co.sleep_until = 0;
			continue;
		}
		heap_remove(c);
		c->c_flags |= CALLOUT_FIRED;
		co.running = c;
		mutex_exit(&co.lock);
		/* The handler may reschedule or free c: not touched after. */
		c->c_func(c->c_arg);
		mutex_enter(&co.lock);
		co.running = NULL;
		cv_broadcast(&co.done);
	}
	mutex_exit(&co.lock);
	kthread_exit(0);
}

void callout_init(struct callout *c)
{
	memset(c, 0, sizeof(*c));
	c->c_heapidx = -1;
}

void callout_destroy(struct callout *c)
{
	KASSERTMSG(c->c_heapidx == -1, "callout_destroy: callout pending");
}

void callout_setfunc(struct callout *c, void (*fn)(void *), void *arg)
{
	c->c_func = fn;
	c->c_arg = arg;
}

static int heap_grow(void)
{
	int ncap = co.cap == 0 ? 64 : co.cap * 2;
	struct callout **n = kmem_alloc(sizeof(*n) * (size_t)ncap, &M_CALLOUT);

	if (n == NULL)
		return ENOMEM;
	if (co.heap != NULL) {
		memcpy(n, co.heap, sizeof(*n) * (size_t)co.count);
		kmem_free(co.heap, sizeof(*n) * (size_t)co.cap, &M_CALLOUT);
	}
	co.heap = n;
	co.cap = ncap;
	return 0;
}

int callout_schedule_ns(struct callout *c, uint64_t nsec)
{
	return callout_schedule_at_ns(c, getnsmono() + nsec);
}

int callout_schedule_at_ns(struct callout *c, uint64_t when)
{
	int error = 0;

	KASSERT(c->c_func != NULL);
	mutex_enter(&co.lock);
	if (co.thread == NULL && !co.exiting) {
		/* Started on first use, so an idle kernel has no timer thread.
		 */
		error = kthread_create(callout_thread, NULL, KTHREAD_MUSTJOIN,
				       &co.thread, "callout");
	}
	if (error == 0 && c->c_heapidx < 0 && co.count == co.cap)
		error = heap_grow();
	if (error != 0) {
		mutex_exit(&co.lock);
		return error;
	}
	if (c->c_heapidx >= 0)
		heap_remove(c);
	c->c_when = when;
	c->c_seq = co.seq++;
	c->c_flags &= ~CALLOUT_FIRED;
	co.count++;
	heap_set(co.count - 1, c);
	heap_up(co.count - 1);
	/*
	 * Wake the thread only for a deadline before the one it sleeps
	 * until: TCP moves its timers on every segment, and a thread that
	 * wakes early just sleeps again.
	 */
	if (co.heap[0] == c && when < co.sleep_until)
		cv_signal(&co.wake);
	mutex_exit(&co.lock);
	return 0;
}

int callout_reset_ns(struct callout *c, uint64_t nsec, void (*fn)(void *),
		     void *arg)
{
	callout_setfunc(c, fn, arg);
	return callout_schedule_ns(c, nsec);
}

bool callout_stop(struct callout *c)
{
	bool pending;

	mutex_enter(&co.lock);
	pending = c->c_heapidx >= 0;
	if (pending)
		heap_remove(c);
	mutex_exit(&co.lock);
	return pending;
}

bool callout_halt(struct callout *c)
{
	bool pending;

	mutex_enter(&co.lock);
	pending = c->c_heapidx >= 0;
	if (pending)
		heap_remove(c);
	/* The callout thread itself cannot wait for its own handler. */
	while (co.running == c && curlwp != co.thread)
		cv_wait(&co.done, &co.lock);
	mutex_exit(&co.lock);
	return pending;
}

bool callout_pending(struct callout *c)
{
	return c->c_heapidx >= 0;
}

bool callout_invoking(struct callout *c)
{
	return co.running == c;
}

int callout_startup(void)
{
	mutex_init(&co.lock, MUTEX_DEFAULT);
	cv_init(&co.wake, "callout");
	cv_init(&co.done, "calldone");
	co.exiting = false;
	return 0;
}

void callout_shutdown(void)
{
	mutex_enter(&co.lock);
	co.exiting = true;
	cv_broadcast(&co.wake);
	mutex_exit(&co.lock);
	if (co.thread != NULL)
		kthread_join(co.thread);
	co.thread = NULL;
	if (co.count != 0)
		printf("rump kernel: %d callout(s) still pending at shutdown\n",
		       co.count);
	if (co.heap != NULL)
		kmem_free(co.heap, sizeof(*co.heap) * (size_t)co.cap,
			  &M_CALLOUT);
	co.heap = NULL;
	co.count = co.cap = 0;
	cv_destroy(&co.done);
	cv_destroy(&co.wake);
	mutex_destroy(&co.lock);
}
