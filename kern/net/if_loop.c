/*
 * if_loop.c -- the loopback interface.  What is sent on it comes back as
 * input: looutput counts and captures the packet, then queues it as an
 * IPv4 packet received on the same interface, so that the sender's stack
 * unwinds before the receiver's input runs.  A sender in a socket call
 * runs the queue itself when it leaves the protocol (sys/socketvar.h,
 * deferring sections); timers and the like leave it to the soft interrupt.
 * lo0 exists from boot; more units come from the "lo" cloner.  The
 * packet is not copied: input may shorten the chain but never writes
 * into storage it does not own (M_READONLY).
 */
#include <net/if.h>
#include <net/if_fault.h>
#include <net/netisr.h>
#include <sys/abi.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/mbuf.h>
#include <sys/socket.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

/* As large as an IPv4 datagram may be: TCP's segments never fragment. */
#define LOMTU 65535

static KMEM_TYPE_DEFINE(M_LOOP_IF, "loopback");
struct ifnet *lo0ifp;

/* Counts, captures and queues m for IP input (past fault injection). */
static int lo_deliver(struct ifnet *ifp, struct mbuf *m)
{
	int len = m->m_pkthdr.len;

	if_tap(ifp, m, IF_TAP_OUT);
	if_statinc(ifp, ifs_opackets);
	if_statadd(ifp, ifs_obytes, len);
	m->m_pkthdr.rcvif = ifp;
	m->m_flags |= M_LOOP;
	m->m_flags &= ~(M_BCAST | M_MCAST);
	if (netisr_enqueue(NETISR_IP, m) != 0)
		return ENOBUFS;
	if_statinc(ifp, ifs_ipackets);
	if_statadd(ifp, ifs_ibytes, len);
	return 0;
}

static int looutput(struct ifnet *ifp, struct mbuf *m,
		    const struct sockaddr *dst, struct rtentry *rt)
{
	if ((ifp->if_flags & IFF_UP) == 0) {
		m_freem(m);
		return ENETDOWN;
	}
	if (dst->sa_family != AF_INET) {
		m_freem(m);
		return EAFNOSUPPORT;
	}
	return if_fault_output(ifp, m, lo_deliver);
}

static int lo_clone_create(struct if_clone *ifc, int unit)
{
	struct ifnet *ifp = kmem_zalloc(sizeof(*ifp), &M_LOOP_IF);
	int error;

	if (ifp == NULL)
		return ENOMEM;
	if_initname(ifp, ifc->ifc_name, unit);
	ifp->if_type = IFT_LOOP;
	ifp->if_flags = IFF_LOOPBACK | IFF_MULTICAST;
	ifp->if_mtu = LOMTU;
	ifp->if_output = looutput;
	ifp->if_input = NULL; /* packets come in on NETISR_IP directly */
	ifp->if_clone = ifc;
	error = if_attach(ifp);
	if (error != 0) {
		kmem_free(ifp, sizeof(*ifp), &M_LOOP_IF);
		return error;
	}
	if (unit == 0)
		lo0ifp = ifp;
	return 0;
}

static int lo_clone_destroy(struct ifnet *ifp)
{
	if_detach(ifp);
	if (ifp == lo0ifp)
		lo0ifp = NULL;
	kmem_free(ifp, sizeof(*ifp), &M_LOOP_IF);
	return 0;
}

struct if_clone lo_cloner = {
	.ifc_name = "lo",
	.ifc_create = lo_clone_create,
	.ifc_destroy = lo_clone_destroy,
};
