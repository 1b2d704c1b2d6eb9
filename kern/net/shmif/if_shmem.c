/*
 * if_shmem.c -- the shmif interface: an Ethernet interface whose wire is
 * a bus file shared by every rump kernel that attaches to it (any process,
 * no privileges).  "shmifN" comes from the "shmif" cloner; its linkstr
 * names the bus file (created if missing), maps it and starts a receive
 * thread; rump_pub_shmif_create does both in one call.  The start
 * routine (under softnet_lock) copies batches of frames into the bus ring
 * under one hold of the bus lock each (shmif_bus.c).  The receive thread
 * copies batches of frames addressed to us straight into mbufs and runs
 * their input itself when softnet_lock is free, else queues them for the
 * soft interrupt; between batches it polls the bus briefly, then sleeps.
 */
#include <net/if.h>
#include <net/if_ether.h>
#include <net/netisr.h>
#include <netinet/in_offload.h>
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
/* Frames written per hold of the bus lock and per wake-up. */
#define SHMIF_TX_BATCH 32
/* Frames the receiver copies out per hold of the bus lock. */
#define SHMIF_RX_BATCH 32
/* Frames it may look at (and skip) per hold. */
#define SHMIF_RX_SCAN 256
/*
 * The receiver polls the bus at most this long before it sleeps; the
 * budget adapts (shmif_rx_wait).
 */
#define SHMIF_SPIN_MAX_NS 20000u
/* IPv4 headers 4-byte aligned behind the 14-byte Ethernet header. */
#define SHMIF_RX_ALIGN 2

struct shmif_softc {
	struct ifnet sc_if;
	struct shmif_host *sc_host; /* NULL until a linkstr mapped a bus */
	struct shmif_bus sc_bus;
	uint32_t sc_id; /* our frames carry it; we skip them */
	int sc_stop;	/* the receive thread must end */
	struct lwp *sc_rxlwp;
	/* The receive thread's own: */
	uint8_t *sc_rxbuf; /* bounce buffer for a frame longer than ours */
	struct mbuf *sc_spare[SHMIF_RX_BATCH]; /* empty, sc_sparesize */
	int sc_nspare;
	uint32_t sc_sparesize;
	uint32_t sc_spin_ns; /* how long it polls the bus before sleeping */
	/* Frames it queued for the soft interrupt, not yet input. */
	unsigned sc_queued;
	bool sc_gro; /* receive coalescing (with TSO: RUMP_SHMIF_OFFLOAD) */
};

static KMEM_TYPE_DEFINE(M_SHMIF, "shmif");

/*
 * Takes packets off the send queue until about SHMIF_TX_BATCH frames:
 * TSO packets are cut into frames here (in_tso_segment), before the bus
 * lock is taken.  batch[] gets lists of frames; returns how many lists.
 */
static int shmif_tx_collect(struct ifnet *ifp, struct mbuf **batch,
			    int *nframesp)
{
	struct mbuf *m;
	int n = 0, frames = 0;

	while (n < SHMIF_TX_BATCH && frames < SHMIF_TX_BATCH &&
	       (m = if_dequeue(ifp)) != NULL) {
		if (in_tso_segment(m, &m) != 0) {
			if_statinc(ifp, ifs_oerrors);
			continue;
		}
		batch[n++] = m;
		for (; m != NULL; m = m->m_nextpkt)
			frames++;
	}
	*nframesp = frames;
	return n;
}

static void shmif_start(struct ifnet *ifp)
{
	struct shmif_softc *sc = ifp->if_softc;
	struct mbuf *batch[SHMIF_TX_BATCH];
	struct timespec ts;
	uint64_t ns;
	int n, sent, frames;

	for (;;) {
		if ((n = shmif_tx_collect(ifp, batch, &frames)) == 0)
			return;
		getnanotime(&ts);
		ns = (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
		sent = 0;
		if (sc->sc_host != NULL) {
			/* One lock hold for the batch: the copies only. */
			shmif_bus_enter(&sc->sc_bus);
			for (int i = 0; i < n; i++)
				for (struct mbuf *f = batch[i]; f != NULL;
				     f = f->m_nextpkt)
					if (shmif_bus_put(
						    &sc->sc_bus, f,
						    (uint32_t)f->m_pkthdr.len,
						    sc->sc_id, ns) == 0)
						sent++;
			shmif_bus_exit(&sc->sc_bus);
		}
		for (int i = 0; i < n; i++) {
			struct mbuf *f = batch[i];

			while (f != NULL) {
				struct mbuf *next = f->m_nextpkt;

				f->m_nextpkt = NULL;
				m_freem(f);
				f = next;
			}
		}
		if_statadd(ifp, ifs_oerrors, frames - sent);
		if (sent > 0)
			shmif_bus_wake(&sc->sc_bus);
	}
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

/* The frames one read of the bus took, in bus order. */
struct shmif_rxbatch {
	struct shmif_softc *rb_sc;
	struct mbuf *rb_m[SHMIF_RX_BATCH + 1]; /* NULL: the one in sc_rxbuf */
	uint32_t rb_len[SHMIF_RX_BATCH + 1];
	int rb_n;
	bool rb_bounced;	/* sc_rxbuf holds a frame */
	uint32_t rb_bounce_len; /* its length */
	uint32_t rb_runts, rb_drops;
};

/*
 * Under the bus lock: where a frame goes.  Frames that fit go straight
 * into a spare mbuf, the only copy on the receive path; a longer one
 * (a sender with a larger MTU) into the bounce buffer, one per read.
 */
static enum shmif_bus_verdict
shmif_rx_frame(void *arg, const struct shmif_frame_header *fh,
	       const uint8_t *head, void **dstp)
{
	struct shmif_rxbatch *rb = arg;
	struct shmif_softc *sc = rb->rb_sc;

	if (fh->sf_sender == sc->sc_id)
		return SHMIF_RX_SKIP;
	if (fh->sf_len < ETHER_HDR_LEN) {
		rb->rb_runts++;
		return SHMIF_RX_SKIP;
	}
	if (!shmif_wanted(&sc->sc_if, head))
		return SHMIF_RX_SKIP;
	if (fh->sf_len + SHMIF_RX_ALIGN <= sc->sc_sparesize &&
	    sc->sc_nspare > 0) {
		struct mbuf *m = sc->sc_spare[--sc->sc_nspare];

		m->m_data += SHMIF_RX_ALIGN;
		rb->rb_m[rb->rb_n] = m;
		*dstp = mtod(m, void *);
	} else if (fh->sf_len + SHMIF_RX_ALIGN > sc->sc_sparesize &&
		   !rb->rb_bounced) {
		rb->rb_bounced = true;
		rb->rb_bounce_len = fh->sf_len;
		rb->rb_m[rb->rb_n] = NULL;
		*dstp = sc->sc_rxbuf;
	} else if (rb->rb_n > 0 || rb->rb_bounced) {
		return SHMIF_RX_STOP; /* room again after this batch */
	} else {
		rb->rb_drops++; /* no memory for spares */
		return SHMIF_RX_SKIP;
	}
	rb->rb_len[rb->rb_n++] = fh->sf_len;
	return SHMIF_RX_COPY;
}

/*
 * Tops the spares up to SHMIF_RX_BATCH, want bytes each (rounded up to
 * a kilobyte, at least a cluster); false if there are none at all.  The
 * size follows the longest frame received rather than our MTU, which
 * another thread may change at any time.
 */
static bool shmif_rx_refill(struct shmif_softc *sc, uint32_t want)
{
	want = (want + 1023) & ~1023u;
	want = want < MCLBYTES ? MCLBYTES : want;
	want = want > MEXT_MAXSIZE ? MEXT_MAXSIZE : want;
	if (want != sc->sc_sparesize) {
		while (sc->sc_nspare > 0)
			m_freem(sc->sc_spare[--sc->sc_nspare]);
		sc->sc_sparesize = want;
	}
	while (sc->sc_nspare < SHMIF_RX_BATCH) {
		struct mbuf *m = m_getjcl(M_NOWAIT, MT_DATA, M_PKTHDR, want);

		if (m == NULL)
			break;
		sc->sc_spare[sc->sc_nspare++] = m;
	}
	return sc->sc_nspare > 0;
}

/*
 * The link layer's input for frames that went through the soft
 * interrupt: counted off, so that the receive thread knows when none of
 * ours is left there and it may input directly again (in order).
 */
static void shmif_ether_input(struct ifnet *ifp, struct mbuf *m)
{
	struct shmif_softc *sc = ifp->if_softc;

	atomic_dec_nv(&sc->sc_queued);
	ether_input(ifp, m);
}

/* What if_input does before it queues, for the direct path. */
static bool shmif_rx_count(struct ifnet *ifp, struct mbuf *m)
{
	if ((atomic_load_relaxed(&ifp->if_flags) & IFF_UP) == 0) {
		if_statinc(ifp, ifs_iqdrops);
		m_freem(m);
		return false;
	}
	if_statinc(ifp, ifs_ipackets);
	if_statadd(ifp, ifs_ibytes, m->m_pkthdr.len);
	if_tap(ifp, m, IF_TAP_IN);
	return true;
}

/*
 * Hands a batch to the stack.  If softnet_lock is free and none of our
 * frames wait for the soft interrupt, the receive thread runs the input
 * itself, saving a thread hop per batch; otherwise (never blocking on
 * the lock: ifdestroy holds it while it joins this thread) the frames
 * go through the soft interrupt, in order behind the ones there.
 */
static void shmif_rx_input(struct shmif_softc *sc, struct mbuf **ms, int n)
{
	struct ifnet *ifp = &sc->sc_if;
	int k = 0;

	/* Counted and captured as they came off the wire, then merged. */
	for (int i = 0; i < n; i++)
		if (shmif_rx_count(ifp, ms[i]))
			ms[k++] = ms[i];
	n = k;
	if (sc->sc_gro && n > 1)
		n = in_gro_merge(ms, n);
	if (atomic_load_relaxed(&sc->sc_queued) == 0 &&
	    mutex_tryenter(&softnet_lock)) {
		/* Under the lock sc_queued only falls: 0 stays 0. */
		if (atomic_load_relaxed(&sc->sc_queued) == 0) {
			for (int i = 0; i < n; i++)
				ether_input(ifp, ms[i]);
			mutex_exit(&softnet_lock);
			return;
		}
		mutex_exit(&softnet_lock);
	}
	for (int i = 0; i < n; i++) {
		atomic_inc_nv(&sc->sc_queued);
		if (netisr_enqueue(NETISR_LINK, ms[i]) != 0)
			atomic_dec_nv(&sc->sc_queued);
	}
}

/* Makes mbufs of a batch's frames and inputs them. */
static void shmif_rx_deliver(struct shmif_softc *sc, struct shmif_rxbatch *rb)
{
	struct ifnet *ifp = &sc->sc_if;
	struct mbuf *ms[SHMIF_RX_BATCH + 1];
	int n = 0;

	for (int i = 0; i < rb->rb_n; i++) {
		struct mbuf *m = rb->rb_m[i];

		if (m == NULL) {
			m = m_devget(sc->sc_rxbuf, (int)rb->rb_len[i], ifp);
			if (m == NULL) {
				if_statinc(ifp, ifs_iqdrops);
				continue;
			}
		}
		m->m_len = m->m_pkthdr.len = (int)rb->rb_len[i];
		m->m_pkthdr.rcvif = ifp;
		ms[n++] = m;
	}
	if (n > 0)
		shmif_rx_input(sc, ms, n);
}

/*
 * Waits for the bus to move past rpos.  A sleep and its wake-up cost
 * both sides a system call and a context switch, per frame when traffic
 * is steady, so the receiver first polls the bus, as long as polling has
 * been paying off: the budget doubles when a poll sees a frame or a
 * sleep ends soon, and halves when a poll runs out, so an idle bus costs
 * no polling at all.
 */
static void shmif_rx_wait(struct shmif_softc *sc, uint64_t rpos)
{
	uint64_t t0;

	if (sc->sc_spin_ns > 0) {
		if (shmif_host_spin(&sc->sc_bus.sb_hdr->sb_next, rpos,
				    &sc->sc_stop, sc->sc_spin_ns)) {
			sc->sc_spin_ns =
				MIN(2 * sc->sc_spin_ns, SHMIF_SPIN_MAX_NS);
			return;
		}
		sc->sc_spin_ns /= 2;
	}
	t0 = getnsmono();
	shmif_bus_sleep(&sc->sc_bus, rpos, &sc->sc_stop, SHMIF_SLEEP_MS);
	if (getnsmono() - t0 < SHMIF_SPIN_MAX_NS)
		sc->sc_spin_ns =
			MAX(2 * sc->sc_spin_ns, SHMIF_SPIN_MAX_NS / 16);
}

/* The receive thread: every frame on the bus after we attached. */
static void shmif_receive(void *arg)
{
	struct shmif_softc *sc = arg;
	struct ifnet *ifp = &sc->sc_if;
	uint64_t rpos = shmif_bus_next(&sc->sc_bus);
	uint32_t want = MCLBYTES;

	while (!atomic_load_acquire(&sc->sc_stop)) {
		struct shmif_rxbatch rb = {.rb_sc = sc};
		struct shmif_bus_rxerr err = {0, 0};
		unsigned n;

		(void)shmif_rx_refill(sc, want);
		n = shmif_bus_read(&sc->sc_bus, &rpos, shmif_rx_frame, &rb,
				   SHMIF_RX_SCAN, &err);
		if_statadd(ifp, ifs_iqdrops, err.re_lapped + rb.rb_drops);
		if_statadd(ifp, ifs_ierrors, err.re_bad + rb.rb_runts);
		if (rb.rb_n > 0)
			shmif_rx_deliver(sc, &rb);
		/* Longer frames than the spares hold: bigger spares. */
		if (rb.rb_bounced)
			want = MAX(want, rb.rb_bounce_len + SHMIF_RX_ALIGN);
		if (n == 0 && err.re_lapped + err.re_bad == 0)
			shmif_rx_wait(sc, rpos);
	}
	while (sc->sc_nspare > 0)
		m_freem(sc->sc_spare[--sc->sc_nspare]);
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
	/* Software TSO (shmif_start) and coalescing, unless asked off. */
	sc->sc_gro = shmif_host_offload() != 0;
	ifp->if_capenable = sc->sc_gro ? IFCAP_CSUM_TCPV4_TX | IFCAP_TSO4 : 0;
	sc->sc_spin_ns = SHMIF_SPIN_MAX_NS;
	sc->sc_stop = 0;
	error = kthread_create(shmif_receive, sc, KTHREAD_MUSTJOIN,
			       &sc->sc_rxlwp, "%s", ifp->if_xname);
	if (error != 0) {
		shmif_host_close(sc->sc_host);
		sc->sc_host = NULL;
		ifp->if_capenable = 0;
		sc->sc_gro = false;
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
	sc->sc_if.if_input = shmif_ether_input;
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
