/*
 * thread.c -- kernel threads are detached or joinable pthreads, named for
 * the debugger.  Host threads start with all signals blocked, so that the
 * program's signal handlers run on its own threads.  The current lwp is a
 * thread-local pointer; with no per-lwp host state, CREATE and DESTROY are
 * no-ops.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "posix.h"

struct thread {
	void *(*fn)(void *);
	void *arg;
	pthread_t pt; /* joinable threads only */
	int mustjoin;
	char name[16]; /* pthread_setname_np()'s limit, NUL included */
};

static __thread struct lwp *thread_curlwp;

static void *thread_start(void *v)
{
	struct thread *thr = v;
	void *(*fn)(void *) = thr->fn;
	void *arg = thr->arg;

	if (thr->name[0] != '\0')
		pthread_setname_np(pthread_self(), thr->name);
	if (!thr->mustjoin)
		free(thr);
	return fn(arg);
}

int rumpuser__spawn(pthread_t *ptp, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t pt;
	int rv;

	POSIX_CHECK(pthread_attr_init(&attr));
	if (ptp == NULL)
		POSIX_CHECK(pthread_attr_setdetachstate(
			&attr, PTHREAD_CREATE_DETACHED));
	sigfillset(&all);
	POSIX_CHECK(pthread_sigmask(SIG_SETMASK, &all, &old));
	rv = pthread_create(ptp != NULL ? ptp : &pt, &attr, fn, arg);
	POSIX_CHECK(pthread_sigmask(SIG_SETMASK, &old, NULL));
	pthread_attr_destroy(&attr);
	return rv;
}

int rumpuser_thread_create(void *(*fn)(void *), void *arg, const char *name,
			   int mustjoin, int priority, int cpuidx,
			   void **cookiep)
{
	struct thread *thr = malloc(sizeof(*thr));
	int rv;

	(void)priority;
	(void)cpuidx;
	if (thr == NULL)
		return RUMP_ENOMEM;
	thr->fn = fn;
	thr->arg = arg;
	thr->mustjoin = mustjoin;
	strncpy(thr->name, name != NULL ? name : "", sizeof(thr->name) - 1);
	thr->name[sizeof(thr->name) - 1] = '\0';
	rv = rumpuser__spawn(mustjoin ? &thr->pt : NULL, thread_start, thr);
	if (rv != 0) {
		free(thr);
		return rumpuser__kerrno(rv);
	}
	if (mustjoin)
		*cookiep = thr;
	return 0;
}

void rumpuser_thread_exit(void)
{
	pthread_exit(NULL);
}

int rumpuser_thread_join(void *cookie)
{
	struct thread *thr = cookie;
	int rv;

	RUMPUSER_BLOCKING(rv = pthread_join(thr->pt, NULL));
	if (rv != 0)
		return rumpuser__kerrno(rv);
	free(thr);
	return 0;
}

void rumpuser_curlwpop(int op, struct lwp *l)
{
	if (op == RUMPUSER_LWP_SET)
		thread_curlwp = l;
	else if (op == RUMPUSER_LWP_CLEAR)
		thread_curlwp = NULL;
}

struct lwp *rumpuser_curlwp(void)
{
	return thread_curlwp;
}
