/*
 * if_virt.c -- the virt interface: an Ethernet interface whose wire is a
 * Linux tap device, reached through the glue of virtif_host.h.  "virtN"
 * comes from the "virt" cloner; ifsetlinkstr names the tap (created if it
 * does not exist), opens it and starts a receive thread, which waits in
 * the glue for frames and hands them to if_input.  Sending happens in the
 * start routine, under softnet_lock: the glue's write never blocks.  The
 * interface goes up only once it has a tap (ENXIO before).
 */
#include <net/if.h>
#include <net/if_ether.h>
#include <sys/atomic.h>
#include <sys/component.h>
#include <sys/cprng.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/kthread.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

#include "virtif_host.h"

/* Room for any frame a tap delivers: the largest MTU plus the header. */
#define VIRTIF_FRAME_MAX (IF_MTU_MAX + ETHER_HDR_LEN)

struct virtif_softc {
	struct ifnet sc_if;
	struct virtif_host *sc_vh; /* NULL until a linkstr opened a tap */
	struct lwp *sc_rxlwp;
	uint8_t *sc_rxbuf; /* the receive thread's */
	uint8_t *sc_txbuf; /* linearizes long chains, under softnet_lock */
};

static KMEM_TYPE_DEFINE(M_VIRTIF, "virtif");

/* Sends m (a whole frame) as one write, from its chain or linearized. */
static int virtif_send(struct virtif_softc *sc, struct mbuf *m)
{
	struct virtif_iov iov[VIRTIF_HOST_IOVMAX];
	int n = 0;

	for (struct mbuf *n0 = m; n0 != NULL; n0 = n0->m_next) {
		if (n0->m_len == 0)
			continue;
		if (n == VIRTIF_HOST_IOVMAX) {
			n = -1;
			break;
		}
		iov[n].vi_base = mtod(n0, const void *);
		iov[n].vi_len = (uint64_t)n0->m_len;
		n++;
	}
	if (n <= 0) {
		if (m->m_pkthdr.len > VIRTIF_FRAME_MAX)
			return EMSGSIZE;
		m_copydata(m, 0, m->m_pkthdr.len, sc->sc_txbuf);
		iov[0].vi_base = sc->sc_txbuf;
		iov[0].vi_len = (uint64_t)m->m_pkthdr.len;
		n = 1;
	}
	return virtif_host_send(sc->sc_vh, iov, n);
}

static void virtif_start(struct ifnet *ifp)
{
	struct virtif_softc *sc = ifp->if_softc;
	struct mbuf *m;

	while ((m = if_dequeue(ifp)) != NULL) {
		if (sc->sc_vh == NULL || virtif_send(sc, m) != 0)
			if_statinc(ifp, ifs_oerrors);
		m_freem(m);
	}
}

static int virtif_init(struct ifnet *ifp)
{
	struct virtif_softc *sc = ifp->if_softc;

	if (sc->sc_vh == NULL)
		return ENXIO;
	atomic_store_relaxed(&ifp->if_flags, ifp->if_flags | IFF_RUNNING);
	return 0;
}

static void virtif_stop(struct ifnet *ifp)
{
	atomic_store_relaxed(&ifp->if_flags, ifp->if_flags & ~IFF_RUNNING);
	ifq_purge(&ifp->if_snd);
}

/* The receive thread: frames from the tap until the glue says stop. */
static void virtif_receive(void *arg)
{
	struct virtif_softc *sc = arg;
	struct ifnet *ifp = &sc->sc_if;

	for (;;) {
		uint32_t len;
		struct mbuf *m;
		int error;

		error = virtif_host_recv(sc->sc_vh, sc->sc_rxbuf,
					 VIRTIF_FRAME_MAX, &len);
		if (error == ESHUTDOWN)
			break;
		if (error != 0) {
			/* The tap is gone (deleted on the host): stop. */
			printf("%s: receive failed (%d), stopped\n",
			       ifp->if_xname, error);
			if_statinc(ifp, ifs_ierrors);
			break;
		}
		if (len < ETHER_HDR_LEN || len >= VIRTIF_FRAME_MAX) {
			if_statinc(ifp, ifs_ierrors);
			continue;
		}
		if ((m = m_devget(sc->sc_rxbuf, (int)len, ifp)) == NULL) {
			if_statinc(ifp, ifs_iqdrops);
			continue;
		}
		if_input(ifp, m);
	}
}

static int virtif_setlinkstr(struct ifnet *ifp, const char *str)
{
	struct virtif_softc *sc = ifp->if_softc;
	int error;

	if (sc->sc_vh != NULL)
		return EBUSY;
	if ((error = virtif_host_open(str, &sc->sc_vh)) != 0) {
		sc->sc_vh = NULL;
		return error;
	}
	error = kthread_create(virtif_receive, sc, KTHREAD_MUSTJOIN,
			       &sc->sc_rxlwp, "%s", ifp->if_xname);
	if (error != 0) {
		virtif_host_close(sc->sc_vh);
		sc->sc_vh = NULL;
	}
	return error;
}

static const struct ifnet_ops virtif_ops = {
	.ifo_start = virtif_start,
	.ifo_init = virtif_init,
	.ifo_stop = virtif_stop,
	.ifo_setlinkstr = virtif_setlinkstr,
};

static void virtif_free(struct virtif_softc *sc)
{
	if (sc->sc_rxbuf != NULL)
		kmem_free(sc->sc_rxbuf, VIRTIF_FRAME_MAX, &M_VIRTIF);
	if (sc->sc_txbuf != NULL)
		kmem_free(sc->sc_txbuf, VIRTIF_FRAME_MAX, &M_VIRTIF);
	kmem_free(sc, sizeof(*sc), &M_VIRTIF);
}

static int virtif_clone_create(struct if_clone *ifc, int unit)
{
	struct virtif_softc *sc = kmem_zalloc(sizeof(*sc), &M_VIRTIF);
	uint8_t lla[ETHER_ADDR_LEN];
	int error;

	if (sc == NULL)
		return ENOMEM;
	sc->sc_rxbuf = kmem_alloc(VIRTIF_FRAME_MAX, &M_VIRTIF);
	sc->sc_txbuf = kmem_alloc(VIRTIF_FRAME_MAX, &M_VIRTIF);
	if (sc->sc_rxbuf == NULL || sc->sc_txbuf == NULL) {
		virtif_free(sc);
		return ENOMEM;
	}
	/* A random unicast address, locally administered. */
	cprng_bytes(lla, sizeof(lla));
	lla[0] = (uint8_t)((lla[0] & ~0x01) | 0x02);
	if_initname(&sc->sc_if, ifc->ifc_name, unit);
	sc->sc_if.if_ops = &virtif_ops;
	sc->sc_if.if_softc = sc;
	sc->sc_if.if_clone = ifc;
	sc->sc_if.if_mtu = ETHERMTU;
	if ((error = ether_ifattach(&sc->sc_if, lla)) != 0) {
		virtif_free(sc);
		return error;
	}
	return 0;
}

static int virtif_clone_destroy(struct ifnet *ifp)
{
	struct virtif_softc *sc = ifp->if_softc;

	/*
	 * The receive thread goes first, so that nothing hands a frame of
	 * this interface to if_input once it is detached.  It never takes
	 * softnet_lock, so joining it while holding that lock is safe.
	 */
	if (sc->sc_vh != NULL) {
		virtif_host_wakeup(sc->sc_vh);
		(void)kthread_join(sc->sc_rxlwp);
		virtif_host_close(sc->sc_vh);
		sc->sc_vh = NULL;
	}
	ether_ifdetach(ifp);
	virtif_free(sc);
	return 0;
}

static struct if_clone virtif_cloner = {
	.ifc_name = "virt",
	.ifc_create = virtif_clone_create,
	.ifc_destroy = virtif_clone_destroy,
};

static int virtif_component_init(void)
{
	int error;

	mutex_enter(&softnet_lock);
	error = if_clone_attach(&virtif_cloner);
	mutex_exit(&softnet_lock);
	return error;
}

static void virtif_component_fini(void)
{
	mutex_enter(&softnet_lock);
	if_clone_detach(&virtif_cloner);
	mutex_exit(&softnet_lock);
}

static const char *const virtif_depends[] = {"net_net", NULL};
RUMP_COMPONENT(virtif, RUMP_STAGE_DRIVER, virtif_depends, virtif_component_init,
	       virtif_component_fini)
