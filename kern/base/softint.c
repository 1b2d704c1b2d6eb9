/*
 * softint.c -- soft interrupts: handlers run soon, in a kernel thread of
 * their level, after softint_schedule().  A handler scheduled again before
 * it ran runs once.  A level's thread starts with its first handler, so a
 * kernel that never defers work starts no threads.
 */
#include <sys/kmem.h>
#include <sys/kthread.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/queue.h>
#include <sys/softint.h>
#include <sys/systm.h>

struct softint {
	void (*si_fn)(void *);
	void *si_arg;
	enum softint_level si_level;
	bool si_pending;
	struct list_node si_node;
};

static struct softint_level_state {
	kmutex_t lock;
	kcondvar_t cv;
	struct list_head pending;
	struct softint *running;
	struct lwp *thread;
	bool exiting;
} levels[SOFTINT_NLEVELS];

static KMEM_TYPE_DEFINE(M_SOFTINT, "softint");
static const char *const level_names[SOFTINT_NLEVELS] = {"softclk", "softbio",
							 "softnet", "softser"};

static void softint_thread(void *arg)
{
	struct softint_level_state *ls = arg;

	mutex_enter(&ls->lock);
	for (;;) {
		struct list_node *n = list_first(&ls->pending);
		struct softint *si;

		if (n == NULL) {
			if (ls->exiting)
				break;
			cv_wait(&ls->cv, &ls->lock);
			continue;
		}
		si = list_entry(n, struct softint, si_node);
		list_remove(n);
		si->si_pending = false;
		ls->running = si;
		mutex_exit(&ls->lock);
		si->si_fn(si->si_arg);
		mutex_enter(&ls->lock);
		ls->running = NULL;
		cv_broadcast(&ls->cv);
	}
	mutex_exit(&ls->lock);
	kthread_exit(0);
}

void *softint_establish(enum softint_level level, void (*fn)(void *), void *arg)
{
	struct softint_level_state *ls = &levels[level];
	struct softint *si = kmem_zalloc(sizeof(*si), &M_SOFTINT);

	if (si == NULL)
		return NULL;
	si->si_fn = fn;
	si->si_arg = arg;
	si->si_level = level;
	mutex_enter(&ls->lock);
	if (ls->thread == NULL &&
	    kthread_create(softint_thread, ls, KTHREAD_MUSTJOIN, &ls->thread,
			   "%s", level_names[level]) != 0) {
		mutex_exit(&ls->lock);
		kmem_free(si, sizeof(*si), &M_SOFTINT);
		return NULL;
	}
	mutex_exit(&ls->lock);
	return si;
}

void softint_schedule(void *cookie)
{
	struct softint *si = cookie;
	struct softint_level_state *ls = &levels[si->si_level];

	mutex_enter(&ls->lock);
	if (!si->si_pending) {
		si->si_pending = true;
		list_push_back(&ls->pending, &si->si_node);
		cv_signal(&ls->cv);
	}
	mutex_exit(&ls->lock);
}

void softint_disestablish(void *cookie)
{
	struct softint *si = cookie;
	struct softint_level_state *ls = &levels[si->si_level];

	mutex_enter(&ls->lock);
	if (si->si_pending) {
		list_remove(&si->si_node);
		si->si_pending = false;
	}
	while (ls->running == si)
		cv_wait(&ls->cv, &ls->lock);
	mutex_exit(&ls->lock);
	kmem_free(si, sizeof(*si), &M_SOFTINT);
}

int softint_startup(void)
{
	for (int i = 0; i < SOFTINT_NLEVELS; i++) {
		mutex_init(&levels[i].lock, MUTEX_DEFAULT);
		cv_init(&levels[i].cv, level_names[i]);
		list_init(&levels[i].pending);
		levels[i].exiting = false;
	}
	return 0;
}

/* Runs what is pending, then stops every level's thread. */
void softint_shutdown(void)
{
	for (int i = 0; i < SOFTINT_NLEVELS; i++) {
		struct softint_level_state *ls = &levels[i];

		mutex_enter(&ls->lock);
		ls->exiting = true;
		cv_broadcast(&ls->cv);
		mutex_exit(&ls->lock);
		if (ls->thread != NULL)
			kthread_join(ls->thread);
		ls->thread = NULL;
		cv_destroy(&ls->cv);
		mutex_destroy(&ls->lock);
	}
}
