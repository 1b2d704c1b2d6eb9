/*
 * testkern.h -- helpers shared by the kernel-side tests: checks that
 * print file, line and expression on the console and mark the running
 * test failed, bounded waits on a condition variable (a lost wakeup fails
 * the test instead of hanging it), and joinable kernel threads.
 */
#ifndef RUMPTEST_TESTKERN_H_
#define RUMPTEST_TESTKERN_H_
#include <sys/atomic.h>
#include <sys/kmem.h>
#include <sys/kthread.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/systm.h>
#include <sys/time.h>

#include "rumptest.h"

#define TEST_WAIT_NS ((uint64_t)RUMP_TEST_WAIT_SEC * NSEC_PER_SEC)

/* Failed checks since boot; a test fails if the count grew while it ran. */
extern volatile int test_failures;
bool test_fail(const char *file, int line, const char *expr);

/* Evaluates to e's truth; on false prints and counts a failure. */
static inline bool tcheck(bool ok, const char *file, int line, const char *expr)
{
	return __predict_true(ok) ? true : test_fail(file, line, expr);
}
#define TCHECK(e) tcheck((e) ? true : false, __FILE__, __LINE__, #e)

/* 0 if no check failed since start (a snapshot of test_failures). */
#define TRESULT(start) (test_failures != (start) ? RUMP_TEST_FAILED : 0)

/*
 * With mutex m held: wait on cv until cond holds, at most TEST_WAIT_NS.
 * Evaluates to cond's final truth, so that TCHECK(TWAIT(...)) reports a
 * lost wakeup.
 */
#define TWAIT(cv, m, cond)                                                     \
	__extension__({                                                        \
		uint64_t twait_end_ = getnsmono() + TEST_WAIT_NS;              \
		for (;;) {                                                     \
			uint64_t twait_now_ = getnsmono();                     \
			if ((cond) || twait_now_ >= twait_end_)                \
				break;                                         \
			cv_timedwait_ns((cv), (m), twait_end_ - twait_now_);   \
		}                                                              \
		(bool)(cond);                                                  \
	})

/* A joinable kernel thread; 0 or an errno.  tjoin checks the join. */
int tspawn(void (*fn)(void *), void *arg, struct lwp **lp, const char *name);
void tjoin(struct lwp *l);
/* Let other threads run: a short sleep, which gives up the CPU. */
void tyield(void);

/*
 * Numbered steps for two threads taking turns: step_set() announces a
 * step, step_wait() waits (bounded) until at least that step was reached.
 */
struct tsteps {
	kmutex_t lock;
	kcondvar_t cv;
	int step;
};
void steps_init(struct tsteps *s);
void steps_fini(struct tsteps *s);
void step_set(struct tsteps *s, int step);
bool step_wait(struct tsteps *s, int step);

/* What the tests allocate. */
KMEM_TYPE_DECLARE(M_TEST);

/* A small deterministic generator (xorshift32) for shuffles. */
uint32_t trand(uint32_t *state);
#endif
