/*
 * workqueue.c -- workqueues: a kernel thread per queue runs the work items
 * queued to it, one at a time, in the order they were queued.  An item may
 * be queued again once it has started running.
 */
#include <sys/kmem.h>
#include <sys/kthread.h>
#include <sys/mutex.h>
#include <sys/queue.h>
#include <sys/softint.h>
#include <sys/systm.h>

struct workqueue {
	kmutex_t wq_lock;
	kcondvar_t wq_cv;
	struct list_head wq_queue;
	void (*wq_fn)(struct work *, void *);
	void *wq_arg;
	struct lwp *wq_thread;
	uint64_t wq_queued, wq_done; /* for workqueue_drain */
	bool wq_exiting;
};

static KMEM_TYPE_DEFINE(M_WORKQUEUE, "workqueue");

static void workqueue_thread(void *arg)
{
	struct workqueue *wq = arg;

	mutex_enter(&wq->wq_lock);
	for (;;) {
		struct list_node *n = list_first(&wq->wq_queue);

		if (n == NULL) {
			if (wq->wq_exiting)
				break;
			cv_wait(&wq->wq_cv, &wq->wq_lock);
			continue;
		}
		list_remove(n);
		mutex_exit(&wq->wq_lock);
		wq->wq_fn(list_entry(n, struct work, wk_node), wq->wq_arg);
		mutex_enter(&wq->wq_lock);
		wq->wq_done++;
		cv_broadcast(&wq->wq_cv);
	}
	mutex_exit(&wq->wq_lock);
	kthread_exit(0);
}

int workqueue_create(struct workqueue **wqp, const char *name,
		     void (*fn)(struct work *, void *), void *arg)
{
	struct workqueue *wq = kmem_zalloc(sizeof(*wq), &M_WORKQUEUE);
	int error;

	if (wq == NULL)
		return ENOMEM;
	mutex_init(&wq->wq_lock, MUTEX_DEFAULT);
	cv_init(&wq->wq_cv, "workq");
	list_init(&wq->wq_queue);
	wq->wq_fn = fn;
	wq->wq_arg = arg;
	error = kthread_create(workqueue_thread, wq, KTHREAD_MUSTJOIN,
			       &wq->wq_thread, "%s", name);
	if (error != 0) {
		cv_destroy(&wq->wq_cv);
		mutex_destroy(&wq->wq_lock);
		kmem_free(wq, sizeof(*wq), &M_WORKQUEUE);
		return error;
	}
	*wqp = wq;
	return 0;
}

void workqueue_enqueue(struct workqueue *wq, struct work *wk)
{
	mutex_enter(&wq->wq_lock);
	list_push_back(&wq->wq_queue, &wk->wk_node);
	wq->wq_queued++;
	cv_broadcast(&wq->wq_cv);
	mutex_exit(&wq->wq_lock);
}

void workqueue_drain(struct workqueue *wq)
{
	mutex_enter(&wq->wq_lock);
	uint64_t target = wq->wq_queued;
	while (wq->wq_done < target)
		cv_wait(&wq->wq_cv, &wq->wq_lock);
	mutex_exit(&wq->wq_lock);
}

/* Runs every queued item, then stops the thread and frees the queue. */
void workqueue_destroy(struct workqueue *wq)
{
	mutex_enter(&wq->wq_lock);
	wq->wq_exiting = true;
	cv_broadcast(&wq->wq_cv);
	mutex_exit(&wq->wq_lock);
	kthread_join(wq->wq_thread);
	cv_destroy(&wq->wq_cv);
	mutex_destroy(&wq->wq_lock);
	kmem_free(wq, sizeof(*wq), &M_WORKQUEUE);
}
