/*
 * poll.c -- waiting for events on files: selinfo records, poll and
 * select.  A poller registers itself (keyed by its lwp), asks each file's
 * fo_poll, and if nothing is ready sleeps on its own condition variable
 * until a selnotify() on an object it was recorded on, or its timeout.
 * Every round starts with a clean set of records.  sel_lock, innermost
 * of all locks, guards pollers and every selinfo's list of records.
 */
#include <sys/atomic.h>
#include <sys/file.h>
#include <sys/kmem.h>
#include <sys/poll.h>
#include <sys/proc.h>
#include <sys/systm.h>
#include <sys/time.h>

#define SEL_INLINE 8			 /* records inside the poller */
#define SEL_CHUNK 32			 /* records per further allocation */
#define SEL_NHASH 32			 /* buckets of pollers by lwp */
#define SEL_LOST_NS (10 * NSEC_PER_MSEC) /* retry after a lost record */

struct selpoller;

/* One poller's interest in one object. */
struct selrec {
	struct list_node sr_sinode; /* on sr_si->si_waiters */
	struct selinfo *sr_si;	    /* NULL once unlinked */
	struct selpoller *sr_poller;
};

struct selchunk {
	struct selchunk *sc_next;
	struct selrec sc_recs[SEL_CHUNK];
};

struct selpoller {
	struct lwp *sp_lwp;
	struct list_node sp_hashnode;
	kcondvar_t sp_cv;
	bool sp_woken; /* an event since the round began */
	bool sp_lost;  /* a record could not be allocated */
	int sp_ninline;
	struct selrec sp_inline[SEL_INLINE];
	struct selchunk *sp_chunks; /* in order of use */
	struct selchunk *sp_cur;    /* handing out from here, or NULL */
	int sp_curidx;
};

static KMEM_TYPE_DEFINE(M_SELREC, "selrec");
static kmutex_t sel_lock;
static struct list_head sel_hash[SEL_NHASH];

static struct list_head *sel_bucket(struct lwp *l)
{
	return &sel_hash[((uintptr_t)l >> 4) % SEL_NHASH];
}

static struct selpoller *poller_find(struct lwp *l)
{
	list_foreach(it, sel_bucket(l))
	{
		struct selpoller *sp =
			list_entry(it, struct selpoller, sp_hashnode);
		if (sp->sp_lwp == l)
			return sp;
	}
	return NULL;
}

/* A free record of sp, or NULL; sel_lock held. */
static struct selrec *rec_alloc(struct selpoller *sp)
{
	struct selchunk *next;

	if (sp->sp_ninline < SEL_INLINE)
		return &sp->sp_inline[sp->sp_ninline++];
	if (sp->sp_cur == NULL || sp->sp_curidx == SEL_CHUNK) {
		next = sp->sp_cur == NULL ? sp->sp_chunks : sp->sp_cur->sc_next;
		if (next == NULL) {
			if ((next = kmem_alloc(sizeof(*next), &M_SELREC)) ==
			    NULL)
				return NULL;
			next->sc_next = NULL;
			if (sp->sp_cur != NULL)
				sp->sp_cur->sc_next = next;
			else
				sp->sp_chunks = next;
		}
		sp->sp_cur = next;
		sp->sp_curidx = 0;
	}
	return &sp->sp_cur->sc_recs[sp->sp_curidx++];
}

static void rec_unlink(struct selrec *sr)
{
	if (sr->sr_si == NULL)
		return;
	list_remove(&sr->sr_sinode);
	atomic_add(&sr->sr_si->si_nwait, -1);
	sr->sr_si = NULL;
}

/* Unlinks every record sp handed out; sel_lock held. */
static void poller_clear(struct selpoller *sp)
{
	for (int i = 0; i < sp->sp_ninline; i++)
		rec_unlink(&sp->sp_inline[i]);
	sp->sp_ninline = 0;
	if (sp->sp_cur != NULL) {
		for (struct selchunk *c = sp->sp_chunks;; c = c->sc_next) {
			int n = c == sp->sp_cur ? sp->sp_curidx : SEL_CHUNK;
			for (int i = 0; i < n; i++)
				rec_unlink(&c->sc_recs[i]);
			if (c == sp->sp_cur)
				break;
		}
	}
	sp->sp_cur = NULL;
	sp->sp_curidx = 0;
}

void selinfo_init(struct selinfo *si)
{
	list_init(&si->si_waiters);
	si->si_nwait = 0;
}

void selinfo_destroy(struct selinfo *si)
{
	if (atomic_load_relaxed(&si->si_nwait) == 0)
		return;
	/* Pollers recorded here look again and find the object gone. */
	mutex_enter(&sel_lock);
	list_foreach_safe(it, &si->si_waiters)
	{
		struct selrec *sr = list_entry(it, struct selrec, sr_sinode);
		struct selpoller *sp = sr->sr_poller;
		rec_unlink(sr);
		sp->sp_woken = true;
		cv_signal(&sp->sp_cv);
	}
	mutex_exit(&sel_lock);
}

void selrecord(struct lwp *l, struct selinfo *si)
{
	struct selpoller *sp;
	struct selrec *sr;

	mutex_enter(&sel_lock);
	/* No poller: a poll that does not wait, or no poll at all. */
	if ((sp = poller_find(l)) != NULL) {
		if ((sr = rec_alloc(sp)) == NULL)
			sp->sp_lost = true;
		else {
			sr->sr_si = si;
			sr->sr_poller = sp;
			list_push_back(&si->si_waiters, &sr->sr_sinode);
			atomic_add(&si->si_nwait, 1);
		}
	}
	mutex_exit(&sel_lock);
}

void selnotify(struct selinfo *si, int events)
{
	/* Exact: records are added under the object's lock, which the
	 * caller held when it changed the object's state. */
	if (atomic_load_relaxed(&si->si_nwait) == 0)
		return;
	mutex_enter(&sel_lock);
	list_foreach(it, &si->si_waiters)
	{
		struct selrec *sr = list_entry(it, struct selrec, sr_sinode);
		struct selpoller *sp = sr->sr_poller;
		if (!sp->sp_woken) {
			sp->sp_woken = true;
			cv_signal(&sp->sp_cv);
		}
	}
	mutex_exit(&sel_lock);
}

/* One look at every file: 0 or an error, *nreadyp what is ready. */
typedef int (*selscan_fn)(void *arg, struct lwp *l, int *nreadyp);

/*
 * Scans until something is ready, an error, or the timeout; a wait
 * begins only after a scan found nothing, and every wake-up rescans.
 */
static int sel_wait(selscan_fn scan, void *arg, int64_t timeout_ns,
		    int64_t *leftp, int *nreadyp)
{
	struct lwp *l = curlwp;
	struct selpoller *sp = NULL;
	uint64_t deadline = 0, now;
	bool timedout = false, intr = false;
	int error;

	if (timeout_ns > 0) {
		now = getnsmono();
		deadline = (uint64_t)timeout_ns > UINT64_MAX - now
				   ? UINT64_MAX
				   : now + (uint64_t)timeout_ns;
	}
	if (timeout_ns != 0) {
		if ((sp = kmem_zalloc(sizeof(*sp), &M_SELREC)) == NULL)
			return ENOMEM;
		sp->sp_lwp = l;
		cv_init(&sp->sp_cv, "select");
		mutex_enter(&sel_lock);
		list_push_back(sel_bucket(l), &sp->sp_hashnode);
		mutex_exit(&sel_lock);
	}
	for (;;) {
		if (sp != NULL) {
			mutex_enter(&sel_lock);
			sp->sp_woken = false;
			sp->sp_lost = false;
			mutex_exit(&sel_lock);
		}
		error = scan(arg, l, nreadyp);
		if (error != 0 || *nreadyp > 0 || sp == NULL || timedout)
			break;
		mutex_enter(&sel_lock);
		if (!sp->sp_woken) {
			/* A lost record means polling every SEL_LOST_NS. */
			uint64_t wait = sp->sp_lost ? SEL_LOST_NS : UINT64_MAX;
			if (timeout_ns > 0) {
				now = getnsmono();
				wait = now >= deadline
					       ? 0
					       : MIN(wait, deadline - now);
			}
			if (wait == UINT64_MAX)
				intr = cv_wait_sig(&sp->sp_cv, &sel_lock) ==
				       EINTR;
			else if (wait > 0)
				intr = cv_timedwait_sig_ns(&sp->sp_cv,
							   &sel_lock,
							   wait) == EINTR;
		}
		poller_clear(sp);
		mutex_exit(&sel_lock);
		if (intr) {
			error = EINTR;
			break;
		}
		/* After the deadline, one last look (as Linux does). */
		if (timeout_ns > 0 && getnsmono() >= deadline)
			timedout = true;
	}
	if (sp != NULL) {
		mutex_enter(&sel_lock);
		poller_clear(sp);
		list_remove(&sp->sp_hashnode);
		mutex_exit(&sel_lock);
		while (sp->sp_chunks != NULL) {
			struct selchunk *c = sp->sp_chunks;
			sp->sp_chunks = c->sc_next;
			kmem_free(c, sizeof(*c), &M_SELREC);
		}
		cv_destroy(&sp->sp_cv);
		kmem_free(sp, sizeof(*sp), &M_SELREC);
	}
	if (leftp != NULL) {
		now = getnsmono();
		*leftp = timeout_ns <= 0 || now >= deadline
				 ? 0
				 : (int64_t)(deadline - now);
	}
	return error;
}

/* What a file without a poll op is: always ready, like Linux's files. */
#define POLL_DEFAULT (POLLIN | POLLOUT | POLLRDNORM)

static int file_poll(struct file *fp, int events, struct lwp *l)
{
	if (fp->f_ops->fo_poll == NULL)
		return events & POLL_DEFAULT;
	return fp->f_ops->fo_poll(fp, events, l);
}

struct pollscan {
	struct rump_pollfd *fds;
	unsigned int nfds;
};

static int poll_scan(void *arg, struct lwp *l, int *nreadyp)
{
	struct pollscan *ps = arg;
	int n = 0;

	for (unsigned int i = 0; i < ps->nfds; i++) {
		struct rump_pollfd *pfd = &ps->fds[i];
		struct file *fp;
		int ev;

		if (pfd->fd < 0) {
			pfd->revents = 0;
			continue;
		}
		if (fd_getfile(pfd->fd, &fp) != 0)
			ev = POLLNVAL;
		else {
			ev = file_poll(fp, pfd->events, l);
			ev &= pfd->events | POLLHUP | POLLERR;
			(void)file_rele(fp);
		}
		pfd->revents = (int16_t)ev;
		if (ev != 0)
			n++;
	}
	*nreadyp = n;
	return 0;
}

int poll_kernel(struct rump_pollfd *fds, unsigned int nfds, int64_t timeout_ns,
		int *nreadyp)
{
	struct pollscan ps = {fds, nfds};

	if (nfds > (unsigned int)fd_limit())
		return EINVAL;
	return sel_wait(poll_scan, &ps, timeout_ns, NULL, nreadyp);
}

/* What select's three sets ask, and which events satisfy them. */
#define SEL_IN_EVENTS (POLLIN | POLLRDNORM | POLLRDBAND)
#define SEL_OUT_EVENTS (POLLOUT | POLLWRBAND)
#define SEL_EX_EVENTS (POLLPRI)
#define SEL_IN_READY (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define SEL_OUT_READY (POLLOUT | POLLWRBAND | POLLERR)
#define SEL_EX_READY (POLLPRI)

struct selscan {
	int nfds;
	uint64_t *sets[3]; /* asked, or NULL */
	uint64_t *outs[3]; /* ready, nwords each */
	int nwords;
};

static const int sel_events[3] = {SEL_IN_EVENTS, SEL_OUT_EVENTS, SEL_EX_EVENTS};
static const int sel_ready[3] = {SEL_IN_READY, SEL_OUT_READY, SEL_EX_READY};

static int select_scan(void *arg, struct lwp *l, int *nreadyp)
{
	struct selscan *ss = arg;
	int n = 0;

	for (int k = 0; k < 3; k++)
		if (ss->outs[k] != NULL)
			memset(ss->outs[k], 0,
			       sizeof(uint64_t) * (size_t)ss->nwords);
	for (int fd = 0; fd < ss->nfds; fd++) {
		uint64_t bit = (uint64_t)1 << (fd % 64);
		int w = fd / 64, events = 0, ev;
		struct file *fp;

		for (int k = 0; k < 3; k++)
			if (ss->sets[k] != NULL && (ss->sets[k][w] & bit))
				events |= sel_events[k];
		if (events == 0)
			continue;
		if (fd_getfile(fd, &fp) != 0)
			return EBADF;
		ev = file_poll(fp, events, l);
		(void)file_rele(fp);
		for (int k = 0; k < 3; k++) {
			if (ss->sets[k] != NULL && (ss->sets[k][w] & bit) &&
			    (ev & sel_ready[k])) {
				ss->outs[k][w] |= bit;
				n++;
			}
		}
	}
	*nreadyp = n;
	return 0;
}

int select_kernel(int nfds, uint64_t *in, uint64_t *ou, uint64_t *ex,
		  int64_t timeout_ns, int64_t *leftp, int *nreadyp)
{
	struct selscan ss;
	uint64_t *outs;
	size_t size;
	int error;

	if (nfds < 0 || nfds > RUMP_FD_SETSIZE)
		return EINVAL;
	ss.nfds = nfds;
	ss.nwords = howmany(nfds, 64);
	ss.sets[0] = in;
	ss.sets[1] = ou;
	ss.sets[2] = ex;
	size = sizeof(uint64_t) * (size_t)ss.nwords * 3;
	outs = NULL;
	if (size > 0 && (outs = kmem_alloc(size, &M_SELREC)) == NULL)
		return ENOMEM;
	for (int k = 0; k < 3; k++)
		ss.outs[k] = ss.sets[k] != NULL && outs != NULL
				     ? outs + k * ss.nwords
				     : NULL;
	error = sel_wait(select_scan, &ss, timeout_ns, leftp, nreadyp);
	if (error == 0)
		for (int k = 0; k < 3; k++)
			if (ss.outs[k] != NULL)
				memcpy(ss.sets[k], ss.outs[k],
				       sizeof(uint64_t) * (size_t)ss.nwords);
	if (outs != NULL)
		kmem_free(outs, size, &M_SELREC);
	return error;
}

int sel_init(void)
{
	mutex_init(&sel_lock, MUTEX_DEFAULT);
	for (int i = 0; i < SEL_NHASH; i++)
		list_init(&sel_hash[i]);
	return 0;
}

void sel_fini(void)
{
	mutex_destroy(&sel_lock);
}
