/*
 * uipc_defer.c -- loopback input in the sending thread.  The socket
 * layer's entry points hold softnet_lock as a deferring section
 * (solock/sounlock in net_private.h): a packet the thread sends to itself
 * is queued by the interface layer, which notes it here instead of waking
 * the network soft interrupt, and the section's end runs the queue in the
 * same thread, outside every protocol, before softnet_lock is released --
 * also before each wait (softnet_sleep).  Output never recurses into a
 * protocol that is busy, the queue keeps its order whoever runs it, and a
 * thread that sends one byte to a reader wakes just that reader.
 *
 * The section also holds back the wake-ups of socket buffers' sleepers
 * (softnet_wakeup) until softnet_lock is released: a sleeper woken while
 * its waker still holds the lock would at once block on it again (and on
 * a busy host it preempts the waker, which then holds the lock while
 * descheduled).  The socket stays allocated until its held-back wake-up
 * is done (so_wakeholds, sofree).
 */
#include <sys/atomic.h>
#include <sys/errno.h>
#include <sys/proc.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

#include "net_private.h"

/*
 * The thread in a section (written with softnet_lock held, read with
 * atomics because the interface layer may ask from any thread).  A
 * thread that lets softnet_lock go inside its section without ending it
 * (the local domain's own waits, which queue no packets) may find its
 * section taken over; it then only loses the direct delivery.
 */
static struct lwp *softnet_deferrer;
static bool softnet_pending;	     /* softnet_lock: packets were noted */
static bool (*softnet_runner)(void); /* softnet_lock */

/* Socket buffers whose sleepers the section wakes (softnet_lock). */
#define SOFTNET_WAKES 8
static struct sockbuf *softnet_wakes[SOFTNET_WAKES];
static int softnet_nwakes;

void softnet_defer_register(bool (*run)(void))
{
	mutex_enter(&softnet_lock);
	softnet_runner = run;
	mutex_exit(&softnet_lock);
}

void softnet_defer_begin(void)
{
	KASSERT(mutex_owned(&softnet_lock));
	atomic_store_relaxed(&softnet_deferrer, curlwp);
}

bool softnet_deferring(void)
{
	return atomic_load_relaxed(&softnet_deferrer) == curlwp;
}

void softnet_defer_note(void)
{
	KASSERT(mutex_owned(&softnet_lock));
	softnet_pending = true;
}

bool softnet_defer_end(void)
{
	bool ran = false;

	KASSERT(mutex_owned(&softnet_lock));
	/* What the runner's packets send in turn is queued, and run too. */
	while (softnet_pending) {
		softnet_pending = false;
		if (softnet_runner != NULL && softnet_runner())
			ran = true;
	}
	if (softnet_deferring())
		atomic_store_relaxed(&softnet_deferrer, NULL);
	return ran;
}

void softnet_wakeup(struct sockbuf *sb)
{
	struct socket *so = sb->sb_so;

	KASSERT(mutex_owned(&softnet_lock));
	if (!cv_has_waiters(&sb->sb_cv))
		return;
	if (so == NULL || !softnet_deferring()) {
		cv_broadcast(&sb->sb_cv);
		return;
	}
	for (int i = 0; i < softnet_nwakes; i++)
		if (softnet_wakes[i] == sb)
			return;
	if (softnet_nwakes == SOFTNET_WAKES) {
		cv_broadcast(&sb->sb_cv);
		return;
	}
	atomic_inc_nv(&so->so_wakeholds);
	softnet_wakes[softnet_nwakes++] = sb;
}

void softnet_unlock(void)
{
	struct sockbuf *wakes[SOFTNET_WAKES];
	int n;

	(void)softnet_defer_end();
	n = softnet_nwakes;
	memcpy(wakes, softnet_wakes, sizeof(wakes[0]) * (size_t)n);
	softnet_nwakes = 0;
	mutex_exit(&softnet_lock);
	for (int i = 0; i < n; i++) {
		struct socket *so = wakes[i]->sb_so;

		cv_broadcast(&wakes[i]->sb_cv);
		so_wakerele(so);
	}
}

int softnet_sleep(kcondvar_t *cv, int64_t timeo_ns, bool intr)
{
	bool mine = softnet_deferring();
	int error;

	if (timeo_ns < 0)
		return EWOULDBLOCK;
	/*
	 * Input that ran may be what the caller waits for: it looks again.
	 * Held-back wake-ups go out with the lock released first.
	 */
	if (mine && (softnet_defer_end() || softnet_nwakes > 0)) {
		softnet_unlock();
		mutex_enter(&softnet_lock);
		softnet_defer_begin();
		return 0;
	}
	if (timeo_ns == 0)
		error = intr ? cv_wait_sig(cv, &softnet_lock)
			     : (cv_wait(cv, &softnet_lock), 0);
	else {
		error = intr ? cv_timedwait_sig_ns(cv, &softnet_lock,
						   (uint64_t)timeo_ns)
			     : cv_timedwait_ns(cv, &softnet_lock,
					       (uint64_t)timeo_ns);
		if (error == ETIMEDOUT)
			error = EWOULDBLOCK;
	}
	if (mine)
		softnet_defer_begin();
	return error;
}
