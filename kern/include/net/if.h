/*
 * net/if.h -- network interfaces.  A struct ifnet is one interface: its
 * name and index, flags, MTU, link-layer address, the driver's ops, a
 * bounded send queue, statistics, its protocol addresses and multicast
 * memberships, and a packet-capture hook.  Drivers create interfaces
 * through cloners (if_clone_attach) so that configuration can name them
 * ("virt0", "shmif1", "lo0").
 *
 * Locking: the interface list, flags, addresses and everything protocols
 * read are under the one softnet_lock (sys/socketvar.h), which callers of
 * if_attach, if_detach, if_up/down, if_transmit and the cloner functions
 * hold.  if_input, if_dequeue, if_tap and the statistics are safe from a
 * driver's own threads without it.
 */
#ifndef RUMPKERN_NET_IF_H_
#define RUMPKERN_NET_IF_H_
#include <sys/mutex.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/types.h>

struct mbuf;
struct rtentry;
struct ifnet;

#define IFNAMSIZ 16
#define IF_LLADDR_MAX 16 /* longest link-layer address */

/* if_flags (NetBSD's values; the host layer translates Linux's). */
#define IFF_UP 0x0001	     /* administratively up */
#define IFF_BROADCAST 0x0002 /* has a broadcast address */
#define IFF_DEBUG 0x0004
#define IFF_LOOPBACK 0x0008
#define IFF_POINTOPOINT 0x0010
#define IFF_RUNNING 0x0040 /* the driver is ready: resources allocated */
#define IFF_NOARP 0x0080
#define IFF_PROMISC 0x0100
#define IFF_ALLMULTI 0x0200
#define IFF_SIMPLEX 0x0800 /* cannot hear its own transmissions */
#define IFF_MULTICAST 0x8000
/* What SIOCSIFFLAGS may change; the rest belong to the driver. */
#define IFF_CANTCHANGE                                                         \
	(IFF_BROADCAST | IFF_POINTOPOINT | IFF_RUNNING | IFF_SIMPLEX |         \
	 IFF_MULTICAST | IFF_LOOPBACK)

/* if_type (IANA ifType numbers). */
#define IFT_OTHER 0x01
#define IFT_ETHER 0x06
#define IFT_LOOP 0x18

/*
 * A queue of packets chained through m_nextpkt, bounded: enqueueing on a
 * full queue fails and counts a drop.  Its own lock, because a driver's
 * transmit thread dequeues without softnet_lock.
 */
struct ifqueue {
	kmutex_t ifq_lock;
	struct mbuf *ifq_head, *ifq_tail;
	int ifq_len;
	int ifq_maxlen;
	uint64_t ifq_drops;
};
#define IFQ_MAXLEN_DEFAULT 256
void ifq_init(struct ifqueue *q, int maxlen);
void ifq_destroy(struct ifqueue *q); /* frees what is queued */
/* 0, or ENOBUFS when full (m is not freed: the caller still owns it). */
int ifq_enqueue(struct ifqueue *q, struct mbuf *m);
struct mbuf *ifq_dequeue(struct ifqueue *q); /* NULL when empty */
void ifq_purge(struct ifqueue *q);
int ifq_len(struct ifqueue *q);

/* Statistics: 64-bit counters updated atomically (if_statadd). */
struct if_stats {
	uint64_t ifs_ipackets; /* packets received */
	uint64_t ifs_ierrors;  /* malformed or undeliverable on input */
	uint64_t ifs_opackets; /* packets handed to the driver */
	uint64_t ifs_oerrors;  /* the driver failed to send */
	uint64_t ifs_collisions;
	uint64_t ifs_ibytes;
	uint64_t ifs_obytes;
	uint64_t ifs_imcasts; /* received multicast or broadcast */
	uint64_t ifs_omcasts;
	uint64_t ifs_iqdrops; /* dropped on input: queue full, no memory */
	uint64_t ifs_oqdrops; /* dropped on output: send queue full */
	uint64_t ifs_noproto; /* for a protocol nobody handles */
};
#define if_statadd(ifp, field, n)                                              \
	__atomic_add_fetch(&(ifp)->if_stats.field, (uint64_t)(n),              \
			   __ATOMIC_RELAXED)
#define if_statinc(ifp, field) if_statadd(ifp, field, 1)

/* Which way a packet went past the capture hook. */
enum if_tap_dir { IF_TAP_IN, IF_TAP_OUT };
typedef void (*if_tap_fn)(void *arg, struct ifnet *ifp, struct mbuf *m,
			  enum if_tap_dir dir);

/*
 * A driver's operations, called with softnet_lock held.  start sends
 * what if_transmit queued (if_dequeue until NULL; a driver with its own
 * thread just wakes it); init makes the interface able to run (IFF_RUNNING)
 * when it goes up, stop undoes that when it goes down.  setlinkstr
 * configures the driver ("tap0", a bus file name); ENOTTY when the driver
 * has none.  Any op may be NULL.
 */
struct ifnet_ops {
	void (*ifo_start)(struct ifnet *ifp);
	int (*ifo_init)(struct ifnet *ifp);
	void (*ifo_stop)(struct ifnet *ifp);
	int (*ifo_setlinkstr)(struct ifnet *ifp, const char *str);
	/* A multicast link address joined (add) or left: filter hint. */
	int (*ifo_mcast)(struct ifnet *ifp, const uint8_t *lladdr, bool add);
};

struct ifnet {
	char if_xname[IFNAMSIZ];
	unsigned int if_index; /* 1.., stable while attached */
	int if_flags;	       /* IFF_* */
	uint8_t if_type;       /* IFT_* */
	uint8_t if_addrlen;    /* link-layer address bytes */
	uint8_t if_hdrlen;     /* link-layer header bytes */
	uint32_t if_mtu;       /* largest network-layer packet */
	int if_capenable;      /* IFCAP_*: offloads the driver does now */
	uint8_t if_lladdr[IF_LLADDR_MAX];
	const struct ifnet_ops *if_ops;
	void *if_softc; /* the driver's */

	/*
	 * The link layer (ether_ifattach, the loopback): output frames a
	 * network-layer packet for dst (the next hop) and transmits it,
	 * returning 0 or an errno with m consumed either way; input takes
	 * one received frame (m_pkthdr.rcvif is the interface) under
	 * softnet_lock and hands it to its protocol.
	 */
	int (*if_output)(struct ifnet *ifp, struct mbuf *m,
			 const struct sockaddr *dst, struct rtentry *rt);
	void (*if_input)(struct ifnet *ifp, struct mbuf *m);

	struct ifqueue if_snd; /* output queue, bounded */
	struct if_stats if_stats;
	struct list_head if_addrlist;	/* struct ifaddr, under softnet_lock */
	struct list_head if_multiaddrs; /* struct in_multi */
	struct list_node if_list;	/* the interface list */
	struct if_clone *if_clone;	/* that created it, or NULL */
	int if_attached;

	/* Packet capture (if_tap_set): called for each frame in and out. */
	kmutex_t if_tap_lock;
	if_tap_fn if_tap_fn;
	void *if_tap_arg;
};

/*
 * An address of some family on an interface, embedded in the family's
 * own structure (struct in_ifaddr for IPv4).
 */
struct ifaddr {
	struct list_node ifa_node; /* on if_addrlist */
	struct ifnet *ifa_ifp;
	int ifa_family; /* AF_* */
};

/*
 * Room to leave in front of a packet a protocol builds, for the largest
 * link-layer header (Ethernet's 14 bytes, rounded for alignment).
 */
#define max_linkhdr 16

/*
 * Interface offload capabilities (if_capenable; the driver sets them).
 * IFCAP_CSUM_TCPV4_TX: completes the TCP checksum of packets marked
 * M_CSUM_TCPV4_OFFLOAD.  IFCAP_TSO4: sends M_CSUM_TSOV4 packets of up to
 * IP_MAXPACKET bytes as MTU-sized segments (implies the former).
 */
#define IFCAP_CSUM_TCPV4_TX 0x0001
#define IFCAP_TSO4 0x0002

/* The largest MTU an interface may have. */
#define IF_MTU_MAX 65535

/*
 * Protocols hear of interface events through hooks (softnet_lock held):
 * an interface attached, came up, went down, or is being detached (drop
 * every reference to it).
 */
enum if_event { IF_EVENT_ATTACH, IF_EVENT_UP, IF_EVENT_DOWN, IF_EVENT_DETACH };
void if_event_register(void (*fn)(struct ifnet *ifp, enum if_event ev));
void if_event_unregister(void (*fn)(struct ifnet *ifp, enum if_event ev));

/* The interfaces, in attach order, under softnet_lock. */
extern struct list_head ifnet_list;

/* Sets if_xname to prefix and unit ("virt", 0 -> "virt0"). */
void if_initname(struct ifnet *ifp, const char *prefix, int unit);
/*
 * Sets up the generic parts (queues, lists, locks) and puts the interface
 * on the list with a fresh index.  The caller sets name, ops, link layer
 * and MTU first (ether_ifattach does the link layer).  EEXIST if the name
 * is taken, ENOMEM.
 */
int if_attach(struct ifnet *ifp);
/*
 * Takes the interface down and off the list: its addresses, routes, ARP
 * entries, memberships and queued packets go.  The caller frees ifp after.
 */
void if_detach(struct ifnet *ifp);
struct ifnet *if_byname(const char *name);
struct ifnet *if_byindex(unsigned int index);
/* Administrative up/down (driver init/stop, IFF_UP); 0 or the driver's. */
int if_up(struct ifnet *ifp);
void if_down(struct ifnet *ifp);
/* SIOCSIFFLAGS: the changeable flags to flags, up or down as they say. */
int if_setflags(struct ifnet *ifp, int flags);
int if_setmtu(struct ifnet *ifp, uint32_t mtu);
int if_setlinkstr(struct ifnet *ifp, const char *str);

/*
 * A received frame from a driver, in any thread, no lock needed: counted,
 * captured and queued for the network soft interrupt, which runs the link
 * layer's if_input under softnet_lock.  Consumes m (a full input queue
 * drops it and counts iqdrops).  m_pkthdr.len must be set.
 */
void if_input(struct ifnet *ifp, struct mbuf *m);
/*
 * The link layer's last step: capture, enqueue on if_snd and start the
 * driver.  Consumes m; ENETDOWN if the interface is not running, ENOBUFS
 * when the send queue is full.
 */
int if_transmit(struct ifnet *ifp, struct mbuf *m);
/*
 * Room for hdrlen bytes in front of m (M_PREPEND without its macro
 * argument pitfalls); on failure frees m and returns NULL.
 */
struct mbuf *if_prepend(struct mbuf *m, int hdrlen);
/* For the driver's start: the next frame to send, or NULL. */
struct mbuf *if_dequeue(struct ifnet *ifp);

/* The capture hook: fn NULL removes it.  if_tap calls it if set. */
void if_tap_set(struct ifnet *ifp, if_tap_fn fn, void *arg);
void if_tap(struct ifnet *ifp, struct mbuf *m, enum if_tap_dir dir);

/*
 * Interface cloners: a driver registers its name prefix; create makes and
 * attaches unit N (EEXIST if it exists), destroy detaches and frees it.
 * Both run with softnet_lock held.
 */
struct if_clone {
	const char *ifc_name;
	int (*ifc_create)(struct if_clone *ifc, int unit);
	int (*ifc_destroy)(struct ifnet *ifp);
	struct list_node ifc_list;
};
int if_clone_attach(struct if_clone *ifc);
void if_clone_detach(struct if_clone *ifc); /* destroys its interfaces */
/* "virt0": the cloner "virt" creates unit 0; ENXIO without a cloner. */
int if_clone_create(const char *name);
/* ENXIO if there is no such interface; EPERM for lo0 and others no
 * cloner made. */
int if_clone_destroy(const char *name);

/*
 * Interface ioctls common to every family (struct rump_ifreq):
 * SIOC[GS]IFFLAGS, SIOC[GS]IFMTU, SIOCGIFINDEX, SIOCIFCREATE, SIOCSLINKSTR,
 * SIOCIFDESTROY.  ENOTTY for others, ENXIO for an unknown interface.
 */
int ifioctl_common(unsigned long cmd, void *data);
/* The interface a request names (NUL within IFNAMSIZ), or NULL. */
struct ifnet *ifreq_ifp(const char *name);

/* The sysctl node net.link.ifs (if_sysctl.c), at component init/fini. */
int if_sysctl_init(void);
void if_sysctl_fini(void);

/* The loopback interface made at boot (lo0). */
extern struct ifnet *lo0ifp;
#endif
