/*
 * test_inet_tif.c -- the capturing Ethernet test interface.  Its start
 * routine moves every queued frame (through if_dequeue, so the capture
 * hook sees it) onto the sent list; tests inspect the list and feed
 * frames back through if_input.  Callers hold softnet_lock except for
 * tif_receive and tif_settle.
 */
#include <net/netisr.h>
#include <sys/socketvar.h>

#include "test_inet_tif.h"
#include "testkern.h"

static void tif_start(struct ifnet *ifp)
{
	struct tif *t = ifp->if_softc;
	struct mbuf *m;

	while ((m = if_dequeue(ifp)) != NULL) {
		m->m_nextpkt = NULL;
		*t->tif_senttail = m;
		t->tif_senttail = &m->m_nextpkt;
		t->tif_nsent++;
	}
}

static const struct ifnet_ops tif_ops = {
	.ifo_start = tif_start,
};

struct tif *tif_create(int unit)
{
	uint8_t lla[ETHER_ADDR_LEN] = {0x02, 0, 0, 0, 0, (uint8_t)(unit + 1)};
	struct tif *t = kmem_zalloc(sizeof(*t), &M_TEST);

	if (t == NULL)
		return NULL;
	if_initname(&t->tif_if, "tif", unit);
	t->tif_if.if_ops = &tif_ops;
	t->tif_if.if_softc = t;
	t->tif_senttail = &t->tif_sent;
	if (ether_ifattach(&t->tif_if, lla) != 0) {
		kmem_free(t, sizeof(*t), &M_TEST);
		return NULL;
	}
	return t;
}

void tif_flush(struct tif *t)
{
	struct mbuf *m;

	while ((m = tif_take(t)) != NULL)
		m_freem(m);
}

void tif_destroy(struct tif *t)
{
	ether_ifdetach(&t->tif_if);
	tif_flush(t);
	kmem_free(t, sizeof(*t), &M_TEST);
}

struct mbuf *tif_take(struct tif *t)
{
	struct mbuf *m = t->tif_sent;

	if (m == NULL)
		return NULL;
	t->tif_sent = m->m_nextpkt;
	if (t->tif_sent == NULL)
		t->tif_senttail = &t->tif_sent;
	m->m_nextpkt = NULL;
	t->tif_nsent--;
	return m;
}

void tif_receive(struct tif *t, const void *buf, int len)
{
	struct mbuf *m = m_devget(buf, len, &t->tif_if);

	if (m != NULL)
		if_input(&t->tif_if, m);
}

void tif_settle(void)
{
	netisr_drain();
}
