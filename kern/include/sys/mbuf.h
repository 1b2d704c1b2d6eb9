/*
 * sys/mbuf.h -- packet buffers with BSD's names.  An mbuf holds up to
 * MLEN bytes in itself or points into external storage (a cluster, or a
 * caller's buffer with a free function); external storage is reference
 * counted, so m_copym shares it instead of copying and the last m_free
 * releases it.  Mbufs chain through m_next into one packet (the first has
 * M_PKTHDR and the packet's total length) and through m_nextpkt into
 * queues of packets.  Every allocation may fail, with M_NOWAIT as with
 * M_WAITOK (RUMP_MEMLIMIT, RUMP_FAULT_MALLOC): callers check for NULL.
 * Mbufs carry no lock; whoever holds a chain owns it (softnet_lock for
 * those on sockets, interface queues have their own).
 */
#ifndef RUMPKERN_SYS_MBUF_H_
#define RUMPKERN_SYS_MBUF_H_
#include <sys/types.h>

struct ifnet;

/* Shared external storage; m_ext of every mbuf that points into it. */
struct mext {
	char *ext_buf;
	size_t ext_size;
	/* NULL: a cluster (kernel memory, freed with the header). */
	void (*ext_free)(void *buf, size_t size, void *arg);
	void *ext_arg;
	volatile int ext_refcnt; /* atomic: mbufs pointing here */
};

/* Valid in the first mbuf of a packet (M_PKTHDR). */
struct pkthdr {
	struct ifnet *rcvif; /* arrived on; NULL when locally made */
	int len;	     /* bytes in the whole chain */
	int csum_flags;	     /* M_CSUM_*: checksum work done or to do */
	uint32_t csum_data;
	uint32_t flowid;
	uint16_t segsz; /* M_CSUM_TSOV4: payload bytes per wire segment */
};

/* m_flags */
#define M_EXT 0x0001	/* data is in m_ext */
#define M_PKTHDR 0x0002 /* m_pkthdr is valid: first of a packet */
#define M_EOR 0x0004	/* end of a record */
#define M_BCAST 0x0010	/* received as link-level broadcast */
#define M_MCAST 0x0020	/* received as link-level multicast */
#define M_LOOP 0x0040	/* looped back: do not send on the wire again */
#define M_PROTO1 0x1000 /* free for the protocol's use */
#define M_COPYFLAGS (M_PKTHDR | M_EOR | M_BCAST | M_MCAST | M_LOOP | M_PROTO1)

/* m_pkthdr.csum_flags */
#define M_CSUM_IPV4 0x01	 /* IPv4 header checksum verified/needed */
#define M_CSUM_TCPV4 0x02	 /* TCP checksum */
#define M_CSUM_UDPV4 0x04	 /* UDP checksum */
#define M_CSUM_DATA_VALID 0x0100 /* csum_data holds the checked sum */
/*
 * Output offloads, set by TCP only for an interface whose if_capenable
 * asks for them (ip_output finishes in software or drops what reaches
 * another one).  TCPV4_OFFLOAD: th_sum holds the pseudo-header sum and
 * the interface completes the checksum.  TSOV4 (with TCPV4_OFFLOAD): the
 * packet is larger than the MTU and the interface cuts it into segments
 * of m_pkthdr.segsz payload bytes, each with its own headers.
 */
#define M_CSUM_TCPV4_OFFLOAD 0x0200
#define M_CSUM_TSOV4 0x0400

/* m_type */
#define MT_FREE 0
#define MT_DATA 1    /* data */
#define MT_HEADER 2  /* packet header */
#define MT_SONAME 3  /* a socket address */
#define MT_CONTROL 4 /* control message (ancillary data) */
#define MT_OOBDATA 5 /* out-of-band data */

/* How: both may fail; M_WAITOK merely allows the allocator to sleep. */
#define M_NOWAIT 0x01
#define M_WAITOK 0x02
#define M_DONTWAIT M_NOWAIT
#define M_WAIT M_WAITOK

#define MSIZE 512     /* bytes of one mbuf, header included */
#define MCLBYTES 2048 /* a cluster */
#define MJUMPAGESIZE 4096
#define MJUM16BYTES 16384
#define MEXT_MAXSIZE 65536   /* the largest storage m_getjcl gives */
#define M_COPYALL 1000000000 /* m_copym/m_dup: to the end of the chain */

struct mbuf {
	struct mbuf *m_next;	/* next mbuf of this packet */
	struct mbuf *m_nextpkt; /* next packet in a queue */
	char *m_data;		/* first byte of data */
	int m_len;		/* bytes of data here */
	int m_flags;
	short m_type;
	struct mext *m_ext; /* with M_EXT */
	struct pkthdr m_pkthdr;
	char m_dat[]; /* internal storage, MLEN bytes */
};
#define MLEN ((int)(MSIZE - sizeof(struct mbuf)))
#define MHLEN MLEN	      /* every mbuf has room for a packet header */
#define MINCLSIZE (MHLEN + 1) /* smallest size worth a cluster */

#define mtod(m, t) ((t)((m)->m_data))
/* The storage of m: internal or external. */
#define M_BUFADDR(m) (((m)->m_flags & M_EXT) ? (m)->m_ext->ext_buf : (m)->m_dat)
#define M_BUFSIZE(m) (((m)->m_flags & M_EXT) ? (int)(m)->m_ext->ext_size : MLEN)
/* External storage another mbuf also points to must not be written. */
#define M_READONLY(m)                                                          \
	(((m)->m_flags & M_EXT) != 0 &&                                        \
	 ((m)->m_ext->ext_refcnt > 1 || (m)->m_ext->ext_free != NULL))
#define M_WRITABLE(m) (!M_READONLY(m))
/* Bytes free before and after the data, 0 where it must not be written. */
#define M_LEADINGSPACE(m)                                                      \
	(M_READONLY(m) ? 0 : (int)((m)->m_data - M_BUFADDR(m)))
#define M_TRAILINGSPACE(m)                                                     \
	(M_READONLY(m) ? 0                                                     \
		       : (int)(M_BUFADDR(m) + M_BUFSIZE(m) -                   \
			       ((m)->m_data + (m)->m_len)))
/* Places len bytes at the end of a fresh mbuf's storage (room in front). */
#define M_ALIGN(m, alen)                                                       \
	((m)->m_data = M_BUFADDR(m) + ((M_BUFSIZE(m) - (alen)) & ~(int)7))
#define MH_ALIGN(m, alen) M_ALIGN(m, alen)
/*
 * Makes room for len bytes in front of m's data (a new mbuf if there is
 * no leading space); on failure frees the chain and sets m to NULL.
 */
#define M_PREPEND(m, plen, how)                                                \
	do {                                                                   \
		if (M_LEADINGSPACE(m) >= (plen)) {                             \
			(m)->m_data -= (plen);                                 \
			(m)->m_len += (plen);                                  \
			if ((m)->m_flags & M_PKTHDR)                           \
				(m)->m_pkthdr.len += (plen);                   \
		} else                                                         \
			(m) = m_prepend((m), (plen), (how));                   \
	} while (0)

/* Allocation.  NULL when memory is short, whatever how says. */
struct mbuf *m_get(int how, int type);
struct mbuf *m_gethdr(int how, int type); /* with M_PKTHDR */
/* With a cluster of MCLBYTES; flags may hold M_PKTHDR. */
struct mbuf *m_getcl(int how, int type, int flags);
/* With external storage of size bytes (up to MEXT_MAXSIZE). */
struct mbuf *m_getjcl(int how, int type, int flags, size_t size);
/*
 * Makes the caller's buf of size bytes m's external storage (m has none
 * yet); freefn(buf, size, arg) runs when the last mbuf lets go.  0 or
 * ENOMEM (then buf is still the caller's).
 */
int m_extadd(struct mbuf *m, void *buf, size_t size,
	     void (*freefn)(void *, size_t, void *), void *arg);
/* Frees one mbuf and returns its m_next. */
struct mbuf *m_free(struct mbuf *m);
/* Frees a chain (m_next; not m_nextpkt).  NULL is allowed. */
void m_freem(struct mbuf *m);

/* Packet headers. */
void m_move_pkthdr(struct mbuf *to, struct mbuf *from);
void m_copy_pkthdr(struct mbuf *to, const struct mbuf *from);
/* Recomputes m_pkthdr.len from the chain; returns it. */
int m_fixhdr(struct mbuf *m);

/* Chains.  Offsets and lengths are bytes from the start of the chain. */
/* A new mbuf with len bytes of room in front of m; frees m on failure. */
struct mbuf *m_prepend(struct mbuf *m, int len, int how);
/*
 * The first len bytes (at most MHLEN) contiguous in the first mbuf;
 * on failure (too short, no memory) frees the chain and returns NULL.
 */
struct mbuf *m_pullup(struct mbuf *m, int len);
/* Trims len bytes from the head (len > 0) or -len from the tail. */
void m_adj(struct mbuf *m, int len);
/* Copies len bytes at off out of the chain (the caller checked bounds). */
void m_copydata(const struct mbuf *m, int off, int len, void *cp);
/*
 * Writes len bytes at off into the chain, extending it as needed; 0 or
 * ENOMEM (the chain may then be partly written, never shortened).
 */
int m_copyback(struct mbuf *m, int off, int len, const void *cp);
/*
 * A new chain of len bytes (M_COPYALL: to the end) from off: internal
 * data is copied, external storage shared (read-only from then on).
 * Copies the packet header when off is 0.  NULL on failure.
 */
struct mbuf *m_copym(struct mbuf *m, int off, int len, int how);
/* The same, copying everything into writable storage. */
struct mbuf *m_dup(struct mbuf *m, int off, int len, int how);
/* Appends chain n to m (n's header, if any, is dropped). */
void m_cat(struct mbuf *m, struct mbuf *n);
/*
 * Splits m after len0 bytes: m keeps them, the rest is returned as a new
 * chain (with a packet header if m had one).  NULL on failure, m intact.
 */
struct mbuf *m_split(struct mbuf *m, int len0, int how);
/* Bytes in the chain. */
int m_length(const struct mbuf *m);
/* Appends len bytes to the chain (and its header length); 0 or ENOMEM. */
int m_append(struct mbuf *m, int len, const void *cp);
/*
 * A new packet (M_PKTHDR, rcvif ifp) holding a copy of len bytes of
 * buf, in clusters as needed: what a driver's receive path uses.
 */
struct mbuf *m_devget(const void *buf, int len, struct ifnet *ifp);

/* Mbufs and external storages alive now (tests, the leak check). */
extern volatile int64_t mbuf_live, mext_live;

int mbuf_init(void);
void mbuf_fini(void);
#endif
