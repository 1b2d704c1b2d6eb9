/*
 * netisr.c -- the network soft interrupt.  Drivers (if_input) and the
 * loopback queue packets here from any thread; one soft interrupt takes
 * softnet_lock, then takes packets off the queues in batches and runs
 * each queue's input routine.  Taking softnet_lock before touching the
 * queues means that a packet is either on a queue or being processed
 * under the lock, never in between: if_detach (which holds the lock) can
 * purge an interface's packets completely.  IP packets that a thread in
 * a deferring section loops back (sys/socketvar.h) wait on the same IP
 * queue, in order, but without waking the soft interrupt: the section
 * runs them before it lets softnet_lock go.
 */
#include <net/if.h>
#include <net/netisr.h>
#include <sys/errno.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>
#include <sys/softint.h>
#include <sys/systm.h>

/* Packets per queue handled before the others get a turn. */
#define NETISR_BATCH 64

static struct netisr_state {
	kmutex_t lock; /* the queues, busy, gen */
	kcondvar_t cv; /* netisr_drain waits here */
	struct ifqueue q[NETISR_MAX];
	void (*input[NETISR_MAX])(struct mbuf *m);
	void *softint;
	bool scheduled;
	uint64_t done; /* rounds completed */
	int inited;
} ns;

void netisr_register(enum netisr_queue q, void (*input)(struct mbuf *m))
{
	KASSERT(q < NETISR_MAX);
	ns.input[q] = input;
}

int netisr_enqueue(enum netisr_queue q, struct mbuf *m)
{
	struct ifnet *ifp = m->m_pkthdr.rcvif;

	KASSERT(q < NETISR_MAX);
	if (ifq_enqueue(&ns.q[q], m) != 0) {
		if (ifp != NULL)
			if_statinc(ifp, ifs_iqdrops);
		m_freem(m);
		return ENOBUFS;
	}
	/* The thread's deferring section runs it (kern/net/uipc_defer.c). */
	if (q == NETISR_IP && softnet_deferring()) {
		softnet_defer_note();
		return 0;
	}
	mutex_enter(&ns.lock);
	ns.scheduled = true;
	mutex_exit(&ns.lock);
	softint_schedule(ns.softint);
	return 0;
}

/*
 * The runner of deferring sections: IP packets queued so far, and what
 * they send in turn, in the calling thread; whether any ran.
 */
static bool netisr_run_deferred(void)
{
	struct mbuf *m;
	bool ran = false;

	KASSERT(mutex_owned(&softnet_lock));
	while ((m = ifq_dequeue(&ns.q[NETISR_IP])) != NULL) {
		netisr_dispatch(NETISR_IP, m);
		ran = true;
	}
	return ran;
}

void netisr_dispatch(enum netisr_queue q, struct mbuf *m)
{
	KASSERT(mutex_owned(&softnet_lock));
	if (ns.input[q] == NULL) {
		if (m->m_pkthdr.rcvif != NULL)
			if_statinc(m->m_pkthdr.rcvif, ifs_noproto);
		m_freem(m);
		return;
	}
	ns.input[q](m);
}

static void netisr_run_link(struct mbuf *m)
{
	struct ifnet *ifp = m->m_pkthdr.rcvif;

	if (ifp->if_input == NULL) {
		if_statinc(ifp, ifs_noproto);
		m_freem(m);
		return;
	}
	ifp->if_input(ifp, m);
}

static void netisr_softint(void *arg)
{
	bool more;

	mutex_enter(&softnet_lock);
	softnet_defer_begin();
	mutex_enter(&ns.lock);
	ns.scheduled = false;
	mutex_exit(&ns.lock);
	do {
		more = false;
		for (int q = 0; q < NETISR_MAX; q++) {
			for (int n = 0; n < NETISR_BATCH; n++) {
				struct mbuf *m = ifq_dequeue(&ns.q[q]);
				if (m == NULL)
					break;
				if (q == NETISR_LINK)
					netisr_run_link(m);
				else
					netisr_dispatch(q, m);
				more = true;
			}
		}
	} while (more);
	softnet_unlock();
	mutex_enter(&ns.lock);
	ns.done++;
	cv_broadcast(&ns.cv);
	mutex_exit(&ns.lock);
}

void netisr_purge_ifp(struct ifnet *ifp)
{
	KASSERT(mutex_owned(&softnet_lock));
	for (int q = 0; q < NETISR_MAX; q++) {
		struct ifqueue *iq = &ns.q[q];
		struct mbuf *keep = NULL, *tail = NULL, *m, *next, *drop = NULL;

		mutex_enter(&iq->ifq_lock);
		for (m = iq->ifq_head; m != NULL; m = next) {
			next = m->m_nextpkt;
			if (m->m_pkthdr.rcvif == ifp) {
				m->m_nextpkt = drop;
				drop = m;
				iq->ifq_len--;
				continue;
			}
			m->m_nextpkt = NULL;
			if (tail == NULL)
				keep = m;
			else
				tail->m_nextpkt = m;
			tail = m;
		}
		iq->ifq_head = keep;
		iq->ifq_tail = tail;
		mutex_exit(&iq->ifq_lock);
		for (m = drop; m != NULL; m = next) {
			next = m->m_nextpkt;
			m->m_nextpkt = NULL;
			m_freem(m);
		}
	}
}

static bool netisr_idle(void)
{
	for (int q = 0; q < NETISR_MAX; q++)
		if (ifq_len(&ns.q[q]) != 0)
			return false;
	return !ns.scheduled;
}

void netisr_drain(void)
{
	KASSERT(!mutex_owned(&softnet_lock));
	mutex_enter(&ns.lock);
	while (!netisr_idle()) {
		uint64_t done = ns.done;
		while (ns.done == done)
			cv_wait(&ns.cv, &ns.lock);
	}
	mutex_exit(&ns.lock);
}

int netisr_init(void)
{
	mutex_init(&ns.lock, MUTEX_DEFAULT);
	cv_init(&ns.cv, "netisr");
	for (int q = 0; q < NETISR_MAX; q++)
		ifq_init(&ns.q[q], NETISR_QMAXLEN);
	ns.softint = softint_establish(SOFTINT_NET, netisr_softint, NULL);
	if (ns.softint == NULL) {
		for (int q = 0; q < NETISR_MAX; q++)
			ifq_destroy(&ns.q[q]);
		cv_destroy(&ns.cv);
		mutex_destroy(&ns.lock);
		return ENOMEM;
	}
	ns.inited = 1;
	softnet_defer_register(netisr_run_deferred);
	return 0;
}

void netisr_fini(void)
{
	if (!ns.inited)
		return;
	softnet_defer_register(NULL);
	softint_disestablish(ns.softint);
	for (int q = 0; q < NETISR_MAX; q++) {
		ifq_destroy(&ns.q[q]);
		ns.input[q] = NULL;
	}
	cv_destroy(&ns.cv);
	mutex_destroy(&ns.lock);
	ns.inited = 0;
}
