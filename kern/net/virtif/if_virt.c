/*
 * if_virt.c -- the virt interface: an Ethernet interface whose wire is a
 * Linux tap device, reached through the glue of virtif_host.h.  "virtN"
 * comes from the "virt" cloner; ifsetlinkstr names the tap (created if it
 * does not exist), opens it and starts a receive thread, which waits in
 * the glue for frames and hands them to if_input.  Sending happens in the
 * start routine, under softnet_lock: the glue's write never blocks.  The
 * interface goes up only once it has a tap (ENXIO before).  Offloads (on
 * by default when the tap has them; "tap,offload=0" or the host's
 * RUMP_VIRTIF_OFFLOAD=0 turn them off): TCP hands us segments of up to
 * 64 KiB with the checksum left to finish, which the host cuts and sums,
 * and the host hands us merged segments whose checksum it vouches for.
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
#include <sys/socketvar.h>
#include <sys/systm.h>

#include "virtif_host.h"

/*
 * Room for any frame a tap delivers: the largest MTU (or a merged TCP
 * segment, 64 KiB of IPv4) plus the header.  The receive buffer has a
 * byte more, so that a longer (truncated) frame shows as too long.
 */
#define VIRTIF_FRAME_MAX (IF_MTU_MAX + ETHER_HDR_LEN)
#define VIRTIF_RXBUF (VIRTIF_FRAME_MAX + 1)

/* Offsets in an Ethernet frame carrying IPv4 (untagged). */
#define VIRTIF_ETHERTYPE_OFF 12
#define VIRTIF_IP_PROTO_OFF (ETHER_HDR_LEN + 9)
#define VIRTIF_IPPROTO_TCP 6
#define VIRTIF_TCP_SUM_OFF 16 /* th_sum in the TCP header */
#define VIRTIF_TCP_OFF_OFF 12 /* th_off (high nibble) */

struct virtif_softc {
	struct ifnet sc_if;
	struct virtif_host *sc_vh; /* NULL until a linkstr opened a tap */
	struct lwp *sc_rxlwp;
	uint8_t *sc_rxbuf; /* the receive thread's */
	uint8_t *sc_txbuf; /* linearizes long chains, under softnet_lock */
	int sc_offload;	   /* the tap has the virtio-net header */
	int sc_gso; /* without: software TSO and coalescing (in_offload.h) */
	/* Frames the receive thread queued for the soft interrupt. */
	unsigned sc_queued;
};

/* Frames the receive thread reads before it hands them on together. */
#define VIRTIF_RX_BATCH 32

static KMEM_TYPE_DEFINE(M_VIRTIF, "virtif");

/*
 * The virtio-net header for frame m: finish the TCP checksum (the stack
 * left the pseudo-header sum in th_sum) and, for TSO, cut it into
 * segments of segsz payload bytes.  EINVAL for a frame whose headers do
 * not fit what TCP built (never expected).
 */
static int virtif_vnet_out(struct mbuf *m, struct virtif_vnet *vn)
{
	int flags = m->m_pkthdr.csum_flags, iphl, thl;
	uint8_t b;

	memset(vn, 0, sizeof(*vn));
	if (!(flags & (M_CSUM_TCPV4_OFFLOAD | M_CSUM_TSOV4)))
		return 0;
	if (m->m_pkthdr.len < ETHER_HDR_LEN + 40)
		return EINVAL;
	m_copydata(m, ETHER_HDR_LEN, 1, &b);
	iphl = (b & 0x0f) * 4;
	if (iphl < 20 || m->m_pkthdr.len < ETHER_HDR_LEN + iphl + 20)
		return EINVAL;
	vn->vn_flags = VIRTIF_VNET_F_NEEDS_CSUM;
	vn->vn_csum_start = (uint16_t)(ETHER_HDR_LEN + iphl);
	vn->vn_csum_offset = VIRTIF_TCP_SUM_OFF;
	if (flags & M_CSUM_TSOV4) {
		m_copydata(m, ETHER_HDR_LEN + iphl + VIRTIF_TCP_OFF_OFF, 1, &b);
		thl = (b >> 4) * 4;
		if (thl < 20 || m->m_pkthdr.segsz == 0)
			return EINVAL;
		vn->vn_gso_type = VIRTIF_VNET_GSO_TCPV4;
		vn->vn_gso_size = m->m_pkthdr.segsz;
		vn->vn_hdr_len = (uint16_t)(ETHER_HDR_LEN + iphl + thl);
	}
	return 0;
}

/* Sends m (a whole frame) as one write, from its chain or linearized. */
static int virtif_send(struct virtif_softc *sc, struct mbuf *m)
{
	struct virtif_iov iov[VIRTIF_HOST_IOVMAX];
	struct virtif_vnet vn;
	int n = 0, error;

	/* Without offloads nobody finishes the checksum: never expected,
	 * since the interface advertised none. */
	if (!sc->sc_offload &&
	    (m->m_pkthdr.csum_flags & (M_CSUM_TCPV4_OFFLOAD | M_CSUM_TSOV4)))
		return EINVAL;
	if (sc->sc_offload && (error = virtif_vnet_out(m, &vn)) != 0)
		return error;

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
	return virtif_host_send(sc->sc_vh, sc->sc_offload ? &vn : NULL, iov, n);
}

static void virtif_start(struct ifnet *ifp)
{
	struct virtif_softc *sc = ifp->if_softc;
	struct mbuf *m;

	while ((m = if_dequeue(ifp)) != NULL) {
		/* Without the tap's offloads, TSO is done here in software. */
		if (sc->sc_gso && in_tso_segment(m, &m) != 0) {
			if_statinc(ifp, ifs_oerrors);
			continue;
		}
		while (m != NULL) {
			struct mbuf *next = m->m_nextpkt;

			m->m_nextpkt = NULL;
			if (sc->sc_vh == NULL || virtif_send(sc, m) != 0)
				if_statinc(ifp, ifs_oerrors);
			m_freem(m);
			m = next;
		}
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

/* The one's complement sum of len bytes, folded, not complemented. */
static uint16_t virtif_sum(const uint8_t *p, uint32_t len)
{
	uint64_t sum = 0;

	for (; len >= 2; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len == 1)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * What the tap's header says about a received frame of len bytes in buf:
 * the mbuf's csum_flags, or -1 to drop it.  A merged frame (GSO) must be
 * IPv4 TCP; the IP and TCP layers check its lengths like any other.  A
 * frame whose checksum the host left unfinished (NEEDS_CSUM) counts as
 * verified when it is IPv4 TCP with the checksum where TCP has it (the
 * field keeps the pseudo-header sum: M_CSUM_TCPV4_OFFLOAD, which IP
 * finishes if it forwards the packet); anything else is finished here,
 * after checking that the range lies in the frame.
 */
int virtif_vnet_in(const struct virtif_vnet *vn, uint8_t *buf, uint32_t len)
{
	bool tcp4 = false;
	uint32_t iphl = 0, start, off;
	uint16_t sum;

	if (len >= ETHER_HDR_LEN + 20 && buf[VIRTIF_ETHERTYPE_OFF] == 0x08 &&
	    buf[VIRTIF_ETHERTYPE_OFF + 1] == 0x00 &&
	    (buf[ETHER_HDR_LEN] >> 4) == 4) {
		iphl = (uint32_t)(buf[ETHER_HDR_LEN] & 0x0f) * 4;
		tcp4 = buf[VIRTIF_IP_PROTO_OFF] == VIRTIF_IPPROTO_TCP &&
		       iphl >= 20 && ETHER_HDR_LEN + iphl + 20 <= len;
	}
	switch (vn->vn_gso_type & ~VIRTIF_VNET_GSO_ECN) {
	case VIRTIF_VNET_GSO_NONE:
		break;
	case VIRTIF_VNET_GSO_TCPV4:
		if (!tcp4)
			return -1;
		break;
	default:
		return -1;
	}
	if (vn->vn_flags & VIRTIF_VNET_F_NEEDS_CSUM) {
		start = vn->vn_csum_start;
		off = vn->vn_csum_offset;
		if (start < ETHER_HDR_LEN || start > len || off > len ||
		    start + off + 2 > len)
			return -1;
		if (tcp4 && start == ETHER_HDR_LEN + iphl &&
		    off == VIRTIF_TCP_SUM_OFF)
			return M_CSUM_TCPV4 | M_CSUM_DATA_VALID |
			       M_CSUM_TCPV4_OFFLOAD;
		sum = (uint16_t)~virtif_sum(buf + start, len - start);
		buf[start + off] = (uint8_t)(sum >> 8);
		buf[start + off + 1] = (uint8_t)sum;
		return 0;
	}
	if ((vn->vn_flags & VIRTIF_VNET_F_DATA_VALID) && tcp4)
		return M_CSUM_TCPV4 | M_CSUM_DATA_VALID;
	return 0;
}

/*
 * Reads one frame (waiting for it only if wait) into an mbuf: 0 with
 * *mp set (NULL for a frame that was dropped and counted), EAGAIN when
 * none is queued, or the glue's error (ESHUTDOWN: stop).
 */
static int virtif_rx_one(struct virtif_softc *sc, int wait, struct mbuf **mp)
{
	struct ifnet *ifp = &sc->sc_if;
	struct virtif_vnet vn;
	uint32_t len;
	struct mbuf *m;
	int error, csum = 0;

	*mp = NULL;
	error = virtif_host_recv(sc->sc_vh, &vn, sc->sc_rxbuf, VIRTIF_RXBUF,
				 &len, wait);
	if (error != 0)
		return error;
	if (len < ETHER_HDR_LEN || len > VIRTIF_FRAME_MAX ||
	    (sc->sc_offload &&
	     (csum = virtif_vnet_in(&vn, sc->sc_rxbuf, len)) < 0)) {
		if_statinc(ifp, ifs_ierrors);
		return 0;
	}
	if ((m = m_devget(sc->sc_rxbuf, (int)len, ifp)) == NULL) {
		if_statinc(ifp, ifs_iqdrops);
		return 0;
	}
	m->m_pkthdr.csum_flags = csum;
	*mp = m;
	return 0;
}

/*
 * The link layer's input for frames that went through the soft
 * interrupt: counted off, so that the receive thread knows when none of
 * ours is left there and it may input directly again (in order).
 */
static void virtif_ether_input(struct ifnet *ifp, struct mbuf *m)
{
	struct virtif_softc *sc = ifp->if_softc;

	atomic_dec_nv(&sc->sc_queued);
	ether_input(ifp, m);
}

/*
 * Hands a batch to the stack: each frame counted and captured as it came
 * (what if_input does), then merged (in_gro_merge) when the tap has no
 * offloads of its own.  If softnet_lock is free and none of our frames
 * wait in the soft interrupt, the receive thread runs the input itself,
 * saving a thread hop per batch; otherwise (never blocking on the lock:
 * destroy holds it while it joins this thread) the packets are queued
 * for the soft interrupt, in order behind the ones there.
 */
static void virtif_rx_input(struct virtif_softc *sc, struct mbuf **ms, int n)
{
	struct ifnet *ifp = &sc->sc_if;
	int k = 0;

	for (int i = 0; i < n; i++) {
		struct mbuf *m = ms[i];

		m->m_pkthdr.rcvif = ifp;
		if ((atomic_load_relaxed(&ifp->if_flags) & IFF_UP) == 0) {
			if_statinc(ifp, ifs_iqdrops);
			m_freem(m);
			continue;
		}
		if_statinc(ifp, ifs_ipackets);
		if_statadd(ifp, ifs_ibytes, m->m_pkthdr.len);
		if_tap(ifp, m, IF_TAP_IN);
		ms[k++] = m;
	}
	if (sc->sc_gso && k > 1)
		k = in_gro_merge(ms, k);
	if (atomic_load_relaxed(&sc->sc_queued) == 0 &&
	    mutex_tryenter(&softnet_lock)) {
		/* Under the lock sc_queued only falls: 0 stays 0. */
		if (atomic_load_relaxed(&sc->sc_queued) == 0) {
			for (int i = 0; i < k; i++)
				ether_input(ifp, ms[i]);
			mutex_exit(&softnet_lock);
			return;
		}
		mutex_exit(&softnet_lock);
	}
	for (int i = 0; i < k; i++) {
		atomic_inc_nv(&sc->sc_queued);
		if (netisr_enqueue(NETISR_LINK, ms[i]) != 0)
			atomic_dec_nv(&sc->sc_queued);
	}
}

/*
 * The receive thread: frames from the tap until the glue says stop.  It
 * waits for the first frame of a batch and then takes what else is
 * queued, up to VIRTIF_RX_BATCH, without waiting.
 */
static void virtif_receive(void *arg)
{
	struct virtif_softc *sc = arg;
	struct ifnet *ifp = &sc->sc_if;
	bool stop = false;

	while (!stop) {
		struct mbuf *ms[VIRTIF_RX_BATCH];
		int n = 0, error = 0;

		while (n < VIRTIF_RX_BATCH) {
			struct mbuf *m;

			error = virtif_rx_one(sc, n == 0, &m);
			if (error != 0)
				break;
			if (m != NULL)
				ms[n++] = m;
			else if (n > 0)
				break; /* what we have goes on first */
		}
		if (n > 0)
			virtif_rx_input(sc, ms, n);
		if (error == ESHUTDOWN) {
			stop = true;
		} else if (error != 0 && error != EAGAIN) {
			/* The tap is gone (deleted on the host): stop. */
			printf("%s: receive failed (%d), stopped\n",
			       ifp->if_xname, error);
			if_statinc(ifp, ifs_ierrors);
			stop = true;
		}
	}
}

/*
 * "tap" then options, each after a comma: "offload=0" / "offload=1" (the
 * tap's offloads), "gso=0" / "gso=1" (software segmentation and
 * coalescing without them).  The tap's name into name, the choices into
 * *offloadp and *gsop.  EINVAL for anything else.
 */
static int virtif_parse_linkstr(const char *str, char *name, int *offloadp,
				int *gsop)
{
	const char *comma = strchr(str, ',');
	size_t len = comma != NULL ? (size_t)(comma - str) : strlen(str);

	if (len == 0 || len > VIRTIF_HOST_NAMEMAX)
		return EINVAL;
	memcpy(name, str, len);
	name[len] = '\0';
	*offloadp = VIRTIF_OFFLOAD_DEFAULT;
	*gsop = -1; /* the host environment's choice */
	while (comma != NULL) {
		const char *opt = comma + 1;
		size_t olen;

		comma = strchr(opt, ',');
		olen = comma != NULL ? (size_t)(comma - opt) : strlen(opt);
		if (olen == 9 && strncmp(opt, "offload=0", olen) == 0)
			*offloadp = VIRTIF_OFFLOAD_OFF;
		else if (olen == 9 && strncmp(opt, "offload=1", olen) == 0)
			*offloadp = VIRTIF_OFFLOAD_ON;
		else if (olen == 5 && strncmp(opt, "gso=0", olen) == 0)
			*gsop = 0;
		else if (olen == 5 && strncmp(opt, "gso=1", olen) == 0)
			*gsop = 1;
		else
			return EINVAL;
	}
	return 0;
}

static int virtif_setlinkstr(struct ifnet *ifp, const char *str)
{
	struct virtif_softc *sc = ifp->if_softc;
	char name[VIRTIF_HOST_NAMEMAX + 1];
	int error, offload, gso;

	if (sc->sc_vh != NULL)
		return EBUSY;
	if ((error = virtif_parse_linkstr(str, name, &offload, &gso)) != 0)
		return error;
	if ((error = virtif_host_open(name, offload, &sc->sc_vh,
				      &sc->sc_offload)) != 0) {
		sc->sc_vh = NULL;
		return error;
	}
	/* Software segmentation only where the tap does not do it. */
	if (gso < 0)
		gso = virtif_host_want_gso();
	sc->sc_gso = !sc->sc_offload && gso;
	/* TCP reads this when it sends; nothing is sent before a link. */
	ifp->if_capenable = sc->sc_offload || sc->sc_gso
				    ? IFCAP_CSUM_TCPV4_TX | IFCAP_TSO4
				    : 0;
	error = kthread_create(virtif_receive, sc, KTHREAD_MUSTJOIN,
			       &sc->sc_rxlwp, "%s", ifp->if_xname);
	if (error != 0) {
		virtif_host_close(sc->sc_vh);
		sc->sc_vh = NULL;
		sc->sc_offload = 0;
		sc->sc_gso = 0;
		ifp->if_capenable = 0;
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
		kmem_free(sc->sc_rxbuf, VIRTIF_RXBUF, &M_VIRTIF);
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
	sc->sc_rxbuf = kmem_alloc(VIRTIF_RXBUF, &M_VIRTIF);
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
	sc->sc_if.if_input = virtif_ether_input;
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
