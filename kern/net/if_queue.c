/*
 * if_queue.c -- the packet paths of an interface: bounded packet queues,
 * handing received frames to the network soft interrupt (if_input),
 * queueing frames for the driver (if_transmit, if_dequeue), and the
 * capture hook that sees both.  if_input, if_dequeue and if_tap are called
 * from drivers' own threads without softnet_lock; the queue and the hook
 * have their own locks, taken after softnet_lock and never held while
 * taking it.
 */
#include <net/if.h>
#include <net/if_fault.h>
#include <net/netisr.h>
#include <sys/atomic.h>
#include <sys/errno.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

void ifq_init(struct ifqueue *q, int maxlen)
{
	mutex_init(&q->ifq_lock, MUTEX_DEFAULT);
	q->ifq_head = q->ifq_tail = NULL;
	q->ifq_len = 0;
	q->ifq_maxlen = maxlen;
	q->ifq_drops = 0;
}

void ifq_destroy(struct ifqueue *q)
{
	ifq_purge(q);
	mutex_destroy(&q->ifq_lock);
}

int ifq_enqueue(struct ifqueue *q, struct mbuf *m)
{
	mutex_enter(&q->ifq_lock);
	if (q->ifq_len >= q->ifq_maxlen) {
		q->ifq_drops++;
		mutex_exit(&q->ifq_lock);
		return ENOBUFS;
	}
	m->m_nextpkt = NULL;
	if (q->ifq_tail == NULL)
		q->ifq_head = m;
	else
		q->ifq_tail->m_nextpkt = m;
	q->ifq_tail = m;
	q->ifq_len++;
	mutex_exit(&q->ifq_lock);
	return 0;
}

struct mbuf *ifq_dequeue(struct ifqueue *q)
{
	struct mbuf *m;

	mutex_enter(&q->ifq_lock);
	m = q->ifq_head;
	if (m != NULL) {
		q->ifq_head = m->m_nextpkt;
		if (q->ifq_head == NULL)
			q->ifq_tail = NULL;
		q->ifq_len--;
		m->m_nextpkt = NULL;
	}
	mutex_exit(&q->ifq_lock);
	return m;
}

void ifq_purge(struct ifqueue *q)
{
	struct mbuf *m, *next;

	mutex_enter(&q->ifq_lock);
	m = q->ifq_head;
	q->ifq_head = q->ifq_tail = NULL;
	q->ifq_len = 0;
	mutex_exit(&q->ifq_lock);
	for (; m != NULL; m = next) {
		next = m->m_nextpkt;
		m->m_nextpkt = NULL;
		m_freem(m);
	}
}

int ifq_len(struct ifqueue *q)
{
	int len;

	mutex_enter(&q->ifq_lock);
	len = q->ifq_len;
	mutex_exit(&q->ifq_lock);
	return len;
}

void if_tap_set(struct ifnet *ifp, if_tap_fn fn, void *arg)
{
	mutex_enter(&ifp->if_tap_lock);
	ifp->if_tap_arg = arg;
	atomic_store_release(&ifp->if_tap_fn, fn);
	mutex_exit(&ifp->if_tap_lock);
}

void if_tap(struct ifnet *ifp, struct mbuf *m, enum if_tap_dir dir)
{
	if (atomic_load_acquire(&ifp->if_tap_fn) == NULL)
		return;
	/* The hook sees frames one at a time, in the order they pass. */
	mutex_enter(&ifp->if_tap_lock);
	if (ifp->if_tap_fn != NULL)
		ifp->if_tap_fn(ifp->if_tap_arg, ifp, m, dir);
	mutex_exit(&ifp->if_tap_lock);
}

void if_input(struct ifnet *ifp, struct mbuf *m)
{
	KASSERT(m->m_flags & M_PKTHDR);
	m->m_pkthdr.rcvif = ifp;
	if ((atomic_load_relaxed(&ifp->if_flags) & IFF_UP) == 0) {
		if_statinc(ifp, ifs_iqdrops);
		m_freem(m);
		return;
	}
	if_statinc(ifp, ifs_ipackets);
	if_statadd(ifp, ifs_ibytes, m->m_pkthdr.len);
	if_tap(ifp, m, IF_TAP_IN);
	(void)netisr_enqueue(NETISR_LINK, m);
}

/* Queues m for the driver and starts it (past fault injection). */
static int if_transmit_now(struct ifnet *ifp, struct mbuf *m)
{
	int len = m->m_pkthdr.len;

	if ((ifp->if_flags & (IFF_UP | IFF_RUNNING)) !=
	    (IFF_UP | IFF_RUNNING)) {
		m_freem(m);
		return ENETDOWN;
	}
	if (ifq_enqueue(&ifp->if_snd, m) != 0) {
		if_statinc(ifp, ifs_oqdrops);
		m_freem(m);
		return ENOBUFS;
	}
	if_statinc(ifp, ifs_opackets);
	if_statadd(ifp, ifs_obytes, len);
	if (ifp->if_ops != NULL && ifp->if_ops->ifo_start != NULL)
		ifp->if_ops->ifo_start(ifp);
	return 0;
}

int if_transmit(struct ifnet *ifp, struct mbuf *m)
{
	if ((ifp->if_flags & (IFF_UP | IFF_RUNNING)) !=
	    (IFF_UP | IFF_RUNNING)) {
		m_freem(m);
		return ENETDOWN;
	}
	return if_fault_output(ifp, m, if_transmit_now);
}

struct mbuf *if_dequeue(struct ifnet *ifp)
{
	struct mbuf *m = ifq_dequeue(&ifp->if_snd);

	/* Captured as it leaves, so the capture shows what went out. */
	if (m != NULL)
		if_tap(ifp, m, IF_TAP_OUT);
	return m;
}

struct mbuf *if_prepend(struct mbuf *m, int hdrlen)
{
	if (M_LEADINGSPACE(m) >= hdrlen) {
		m->m_data -= hdrlen;
		m->m_len += hdrlen;
		if (m->m_flags & M_PKTHDR)
			m->m_pkthdr.len += hdrlen;
		return m;
	}
	return m_prepend(m, hdrlen, M_NOWAIT);
}
