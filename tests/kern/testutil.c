/*
 * testutil.c -- the helpers of testkern.h.  Failures are counted globally
 * and reported on the kernel console with file and line, because a test
 * function returns only one number to the host.
 */
#include "testkern.h"

volatile int test_failures;
KMEM_TYPE_DEFINE(M_TEST, "test");

bool test_fail(const char *file, int line, const char *expr)
{
	atomic_inc_nv(&test_failures);
	printf("rumptest: %s:%d: check failed: %s\n", file, line, expr);
	return false;
}

int tspawn(void (*fn)(void *), void *arg, struct lwp **lp, const char *name)
{
	int error = kthread_create(fn, arg, KTHREAD_MUSTJOIN, lp, "%s", name);

	if (error != 0)
		printf("rumptest: kthread_create %s: error %d\n", name, error);
	return error;
}

void tjoin(struct lwp *l)
{
	int error = kthread_join(l);

	TCHECK(error == 0);
}

void tyield(void)
{
	kpause_ns(1000);
}

uint32_t trand(uint32_t *state)
{
	uint32_t x = *state != 0 ? *state : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

void steps_init(struct tsteps *s)
{
	mutex_init(&s->lock, MUTEX_DEFAULT);
	cv_init(&s->cv, "tsteps");
	s->step = 0;
}

void steps_fini(struct tsteps *s)
{
	cv_destroy(&s->cv);
	mutex_destroy(&s->lock);
}

void step_set(struct tsteps *s, int step)
{
	mutex_enter(&s->lock);
	s->step = step;
	cv_broadcast(&s->cv);
	mutex_exit(&s->lock);
}

bool step_wait(struct tsteps *s, int step)
{
	bool ok;

	mutex_enter(&s->lock);
	ok = TWAIT(&s->cv, &s->lock, s->step >= step);
	mutex_exit(&s->lock);
	return TCHECK(ok);
}
