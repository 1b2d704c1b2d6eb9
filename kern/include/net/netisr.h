/*
 * net/netisr.h -- the network soft interrupt.  Received frames and
 * looped-back packets wait on bounded queues; one soft interrupt at
 * SOFTINT_NET takes softnet_lock and runs each packet's input routine in
 * order.  Protocols register their input routine for a queue at init.
 */
#ifndef RUMPKERN_NET_NETISR_H_
#define RUMPKERN_NET_NETISR_H_
#include <sys/types.h>

struct mbuf;
struct ifnet;

enum netisr_queue {
	NETISR_LINK, /* frames: the rcvif's link-layer if_input */
	NETISR_IP,   /* IPv4 packets (loopback, after link input) */
	NETISR_ARP,  /* ARP packets */
	NETISR_MAX
};
#define NETISR_QMAXLEN 1024

/* Sets the routine for a queue (NULL: packets for it are dropped). */
void netisr_register(enum netisr_queue q, void (*input)(struct mbuf *m));
/*
 * Queues m (m_pkthdr.rcvif set) for the soft interrupt; any thread, no
 * lock needed.  Consumes m: ENOBUFS when the queue is full (counted on the
 * rcvif as iqdrops).
 */
int netisr_enqueue(enum netisr_queue q, struct mbuf *m);
/*
 * Runs the routine of q on m now; the caller holds softnet_lock (a link
 * layer demultiplexing inside the soft interrupt).  Consumes m.
 */
void netisr_dispatch(enum netisr_queue q, struct mbuf *m);
/* Drops every queued packet received on ifp (it is going away). */
void netisr_purge_ifp(struct ifnet *ifp);
/* Waits until every packet queued so far has been processed. */
void netisr_drain(void);

int netisr_init(void);
void netisr_fini(void);
#endif
