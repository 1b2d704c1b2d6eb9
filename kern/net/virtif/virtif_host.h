/*
 * virtif_host.h -- what the virt interface's kernel half (if_virt.c) asks
 * of its host-side glue (virtif_user_host.c): open a Linux tap device,
 * send one frame, wait for and receive one frame, wake a waiting receiver
 * and close.  With offloads (IFF_VNET_HDR) each frame travels with the
 * fields of a virtio-net header (struct virtif_vnet), which the glue
 * converts to and from the wire format.  Fixed-width types only, because
 * both halves include it.  Calls return 0 or a kernel errno.
 */
#ifndef RUMPKERN_NET_VIRTIF_HOST_H_
#define RUMPKERN_NET_VIRTIF_HOST_H_
#include <stdint.h>

/*
 * The kernel half's names are renamed into rumpns_ after compiling; the
 * glue joins the object afterwards, so it defines the renamed names.
 */
#if __STDC_HOSTED__
#define virtif_host_open rumpns_virtif_host_open
#define virtif_host_send rumpns_virtif_host_send
#define virtif_host_recv rumpns_virtif_host_recv
#define virtif_host_want_gso rumpns_virtif_host_want_gso
#define virtif_host_wakeup rumpns_virtif_host_wakeup
#define virtif_host_close rumpns_virtif_host_close
#endif

/* The longest tap name the host takes (Linux IFNAMSIZ less the NUL). */
#define VIRTIF_HOST_NAMEMAX 15
/*
 * Segments one send takes; a longer mbuf chain is linearized first.  A
 * TSO packet of 64 KiB shares the socket buffer's 2 KiB clusters.
 */
#define VIRTIF_HOST_IOVMAX 64

/*
 * The virtio-net header's meaning, in host byte order (the glue converts):
 * sent with a frame to ask the host to finish its checksum (NEEDS_CSUM:
 * sum from csum_start to the end, store at csum_start + csum_offset) and
 * to cut it into segments (gso_type TCPV4, gso_size payload bytes each,
 * hdr_len bytes of headers); received with a frame that the host left
 * for us to checksum (NEEDS_CSUM), that it checked (DATA_VALID), or that
 * it merged from several segments (gso_type not NONE).
 */
struct virtif_vnet {
	uint8_t vn_flags;    /* VIRTIF_VNET_F_* */
	uint8_t vn_gso_type; /* VIRTIF_VNET_GSO_* */
	uint16_t vn_hdr_len;
	uint16_t vn_gso_size;
	uint16_t vn_csum_start;
	uint16_t vn_csum_offset;
};
#define VIRTIF_VNET_F_NEEDS_CSUM 0x01
#define VIRTIF_VNET_F_DATA_VALID 0x02
#define VIRTIF_VNET_GSO_NONE 0
#define VIRTIF_VNET_GSO_TCPV4 1
#define VIRTIF_VNET_GSO_OTHER 2 /* any type but TCPV4: the driver drops */
#define VIRTIF_VNET_GSO_ECN 0x80
/* virtif_host_open's offload argument: off, on, or RUMP_VIRTIF_OFFLOAD. */
#define VIRTIF_OFFLOAD_OFF 0
#define VIRTIF_OFFLOAD_ON 1
#define VIRTIF_OFFLOAD_DEFAULT 2

struct virtif_host; /* the glue's, opaque to the kernel */

/* One piece of an outgoing frame. */
struct virtif_iov {
	const void *vi_base;
	uint64_t vi_len;
};

/*
 * Attaches to the tap device called name, creating it if there is none
 * (which needs CAP_NET_ADMIN).  EINVAL for an empty or too long name.
 * offload (VIRTIF_OFFLOAD_*) asks for the virtio-net header with checksum
 * offload and TSO both ways; DEFAULT means on unless the host environment
 * has RUMP_VIRTIF_OFFLOAD=0.  *offloadp says whether the tap took them
 * (an old tap without TUNSETOFFLOAD runs without).
 */
int virtif_host_open(const char *name, int offload, struct virtif_host **vhp,
		     int *offloadp);
/*
 * Writes one frame.  Never blocks: a tap whose host side is not reading
 * (full queue, or the tap is down) makes it fail with ENOBUFS or EIO,
 * which the driver counts as an output error, as a full wire would drop.
 * vn is the frame's header with offloads (NULL: none asked), ignored
 * without them.
 */
int virtif_host_send(struct virtif_host *vh, const struct virtif_vnet *vn,
		     const struct virtif_iov *iov, int iovcnt);
/*
 * Waits for a frame and copies it (up to buflen bytes; longer frames are
 * truncated, and the driver drops them) into buf, *lenp its length, and
 * its header into *vn (all zero without offloads).
 * Releases the virtual CPU while it waits.  ESHUTDOWN once
 * virtif_host_wakeup was called: the receiver should stop.  With wait 0
 * it returns EAGAIN instead of waiting when no frame is queued.
 */
int virtif_host_recv(struct virtif_host *vh, struct virtif_vnet *vn, void *buf,
		     uint32_t buflen, uint32_t *lenp, int wait);
/*
 * Software segmentation and receive coalescing (netinet/in_offload.h)
 * when the tap has no offloads: 1 unless the host environment has
 * RUMP_VIRTIF_GSO=0.
 */
int virtif_host_want_gso(void);
/* Makes every present and future virtif_host_recv return ESHUTDOWN. */
void virtif_host_wakeup(struct virtif_host *vh);
/* Closes the tap (a tap the glue created goes away); no receiver waits. */
void virtif_host_close(struct virtif_host *vh);

/*
 * The kernel half's check of a received frame's header (if_virt.c; not
 * the glue's), shared with the packet-input fuzz target
 * (tests/kern/test_inet_fuzz.c): the frame's mbuf csum_flags, or -1 to
 * drop it.  It may finish the frame's checksum in buf.
 */
int virtif_vnet_in(const struct virtif_vnet *vn, uint8_t *buf, uint32_t len);
#endif
