/*
 * if_shmem.c -- the shmif interface: an Ethernet interface whose wire is
 * a bus file shared by every rump kernel that attaches to it (any process,
 * no privileges).  "shmifN" comes from the "shmif" cloner; its linkstr
 * names the bus file (created if missing), maps it and starts a receive
 * thread; rump_pub_shmif_create does both in one call.  Sending copies
 * each frame into the bus ring under the bus lock (shmif_bus.c), in the
 * start routine under softnet_lock; the receive thread copies frames
 * addressed to us out of the ring and hands them to if_input.
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
#include <sys/proc.h>
#include <sys/socketvar.h>
#include <sys/systm.h>
#include <sys/time.h>

#include "shmif_bus.h"
#include "shmif_host.h"

/* How long the receiver sleeps before looking again without a wake-up. */
#define SHMIF_SLEEP_MS 500

struct shmif_softc {
	struct ifnet sc_if;
	struct shmif_host *sc_host; /* NULL until a linkstr mapped a bus */
	struct shmif_bus sc_bus;
	uint32_t sc_id; /* our frames carry it; we skip them */
	int sc_stop;	/* the receive thread must end */
	struct lwp *sc_rxlwp;
	uint8_t *sc_rxbuf; /* the receive thread's */
};

static KMEM_TYPE_DEFINE(M_SHMIF, "shmif");

static void shmif_start(struct ifnet *ifp)
{
	struct shmif_softc *sc = ifp->if_softc;
	struct timespec ts;
	struct mbuf *m;
	int sent = 0;

	while ((m = if_dequeue(ifp)) != NULL) {
		uint64_t ns;

		getnanotime(&ts);
		ns = (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
		if (sc->sc_host == NULL ||
		    shmif_bus_write(&sc->sc_bus, m, (uint32_t)m->m_pkthdr.len,
				    sc->sc_id, ns) != 0)
			if_statinc(ifp, ifs_oerrors);
		else
			sent++;
		m_freem(m);
	}
	/* One wake-up for the whole batch. */
	if (sent > 0)
		shmif_bus_wake(&sc->sc_bus);
}

static int shmif_init(struct ifnet *ifp)
{
	struct shmif_softc *sc = ifp->if_softc;

	if (sc->sc_host == NULL)
		return ENXIO;
	atomic_store_relaxed(&ifp->if_flags, ifp->if_flags | IFF_RUNNING);
	return 0;
}

static void shmif_stop(struct ifnet *ifp)
{
	atomic_store_relaxed(&ifp->if_flags, ifp->if_flags & ~IFF_RUNNING);
	ifq_purge(&ifp->if_snd);
}

/* Whether a frame on the bus is for us: our address, group, promisc. */
static bool shmif_wanted(struct ifnet *ifp, const uint8_t *frame)
{
	int flags = atomic_load_relaxed(&ifp->if_flags);

	if ((flags & IFF_RUNNING) == 0)
		return false;
	return (frame[0] & 0x01) != 0 || (flags & IFF_PROMISC) != 0 ||
	       memcmp(frame, ifp->if_lladdr, ETHER_ADDR_LEN) == 0;
}

/* The receive thread: every frame on the bus after we attached. */
static void shmif_receive(void *arg)
{
	struct shmif_softc *sc = arg;
	struct ifnet *ifp = &sc->sc_if;
	uint64_t rpos = shmif_bus_next(&sc->sc_bus);

	while (!atomic_load_acquire(&sc->sc_stop)) {
		struct shmif_frame_header fh;
		struct mbuf *m;
		int error;

		error = shmif_bus_read(&sc->sc_bus, &rpos, sc->sc_rxbuf,
				       SHMIF_FRAME_MAX, &fh);
		switch (error) {
		case 0:
			break;
		case EAGAIN:
			shmif_bus_sleep(&sc->sc_bus, rpos, &sc->sc_stop,
					SHMIF_SLEEP_MS);
			continue;
		case ENOBUFS: /* lapped by writers: frames lost */
			if_statinc(ifp, ifs_iqdrops);
			continue;
		default: /* malformed or oversized */
			if_statinc(ifp, ifs_ierrors);
			continue;
		}
		if (fh.sf_sender == sc->sc_id)
			continue;
		if (fh.sf_len < ETHER_HDR_LEN) {
			if_statinc(ifp, ifs_ierrors);
			continue;
		}
		if (!shmif_wanted(ifp, sc->sc_rxbuf))
			continue;
		if ((m = m_devget(sc->sc_rxbuf, (int)fh.sf_len, ifp)) == NULL) {
			if_statinc(ifp, ifs_iqdrops);
			continue;
		}
		if_input(ifp, m);
	}
}

static int shmif_setlinkstr(struct ifnet *ifp, const char *str)
{
	struct shmif_softc *sc = ifp->if_softc;
	void *map;
	int error;

	if (sc->sc_host != NULL)
		return EBUSY;
	error = shmif_host_open(str, SHMIF_RING_DEFAULT, &sc->sc_host, &map);
	if (error != 0) {
		sc->sc_host = NULL;
		return error;
	}
	shmif_bus_init(&sc->sc_bus, map, shmif_host_pid());
	sc->sc_stop = 0;
	error = kthread_create(shmif_receive, sc, KTHREAD_MUSTJOIN,
			       &sc->sc_rxlwp, "%s", ifp->if_xname);
	if (error != 0) {
		shmif_host_close(sc->sc_host);
		sc->sc_host = NULL;
	}
	return error;
}

static const struct ifnet_ops shmif_ops = {
	.ifo_start = shmif_start,
	.ifo_init = shmif_init,
	.ifo_stop = shmif_stop,
	.ifo_setlinkstr = shmif_setlinkstr,
};

static void shmif_free(struct shmif_softc *sc)
{
	if (sc->sc_rxbuf != NULL)
		kmem_free(sc->sc_rxbuf, SHMIF_FRAME_MAX, &M_SHMIF);
	kmem_free(sc, sizeof(*sc), &M_SHMIF);
}

static int shmif_clone_create(struct if_clone *ifc, int unit)
{
	struct shmif_softc *sc = kmem_zalloc(sizeof(*sc), &M_SHMIF);
	uint8_t lla[ETHER_ADDR_LEN];
	int error;

	if (sc == NULL)
		return ENOMEM;
	if ((sc->sc_rxbuf = kmem_alloc(SHMIF_FRAME_MAX, &M_SHMIF)) == NULL) {
		shmif_free(sc);
		return ENOMEM;
	}
	do
		sc->sc_id = cprng_u32();
	while (sc->sc_id == 0);
	/* A random unicast address, locally administered. */
	cprng_bytes(lla, sizeof(lla));
	lla[0] = (uint8_t)((lla[0] & ~0x01) | 0x02);
	if_initname(&sc->sc_if, ifc->ifc_name, unit);
	sc->sc_if.if_ops = &shmif_ops;
	sc->sc_if.if_softc = sc;
	sc->sc_if.if_clone = ifc;
	sc->sc_if.if_mtu = ETHERMTU;
	if ((error = ether_ifattach(&sc->sc_if, lla)) != 0) {
		shmif_free(sc);
		return error;
	}
	return 0;
}

static int shmif_clone_destroy(struct ifnet *ifp)
{
	struct shmif_softc *sc = ifp->if_softc;

	/* The receiver goes first; it never takes softnet_lock. */
	if (sc->sc_host != NULL) {
		shmif_bus_stop(&sc->sc_bus, &sc->sc_stop);
		(void)kthread_join(sc->sc_rxlwp);
		shmif_host_close(sc->sc_host);
		sc->sc_host = NULL;
	}
	ether_ifdetach(ifp);
	shmif_free(sc);
	return 0;
}

static struct if_clone shmif_cloner = {
	.ifc_name = "shmif",
	.ifc_create = shmif_clone_create,
	.ifc_destroy = shmif_clone_destroy,
};

/*
 * rump_pub_shmif_create's kernel half (the host half, shmif_pub_host.c,
 * translates the errno): the lowest free unit, created and attached to
 * the bus busname; destroyed again if the bus cannot be used.
 */
int rump_kern_shmif_create(const char *busname, int *unitp);
int rump_kern_shmif_create(const char *busname, int *unitp)
{
	char name[IFNAMSIZ];
	int error, unit;

	if ((error = kern_entry_error()) != 0)
		return error;
	if (busname == NULL || unitp == NULL)
		return EINVAL;
	rump_schedule();
	mutex_enter(&softnet_lock);
	for (unit = 0;; unit++) {
		snprintf(name, sizeof(name), "shmif%d", unit);
		if (if_byname(name) == NULL)
			break;
	}
	error = if_clone_create(name);
	if (error == 0) {
		error = if_setlinkstr(if_byname(name), busname);
		if (error != 0)
			(void)if_clone_destroy(name);
		else
			*unitp = unit;
	}
	mutex_exit(&softnet_lock);
	rump_unschedule();
	return error;
}

static int shmif_component_init(void)
{
	int error;

	mutex_enter(&softnet_lock);
	error = if_clone_attach(&shmif_cloner);
	mutex_exit(&softnet_lock);
	return error;
}

static void shmif_component_fini(void)
{
	mutex_enter(&softnet_lock);
	if_clone_detach(&shmif_cloner);
	mutex_exit(&softnet_lock);
}

static const char *const shmif_depends[] = {"net_net", NULL};
RUMP_COMPONENT(shmif, RUMP_STAGE_DRIVER, shmif_depends, shmif_component_init,
	       shmif_component_fini)
