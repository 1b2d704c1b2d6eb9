/*
 * virtif_host.h -- what the virt interface's kernel half (if_virt.c) asks
 * of its host-side glue (virtif_user_host.c): open a Linux tap device,
 * send one frame, wait for and receive one frame, wake a waiting receiver
 * and close.  Fixed-width types only, because both halves include it.
 * Calls return 0 or a kernel errno.
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
#define virtif_host_wakeup rumpns_virtif_host_wakeup
#define virtif_host_close rumpns_virtif_host_close
#endif

/* The longest tap name the host takes (Linux IFNAMSIZ less the NUL). */
#define VIRTIF_HOST_NAMEMAX 15
/* Segments one send takes; a longer mbuf chain is linearized first. */
#define VIRTIF_HOST_IOVMAX 16

struct virtif_host; /* the glue's, opaque to the kernel */

/* One piece of an outgoing frame. */
struct virtif_iov {
	const void *vi_base;
	uint64_t vi_len;
};

/*
 * Attaches to the tap device called name, creating it if there is none
 * (which needs CAP_NET_ADMIN).  EINVAL for an empty or too long name.
 */
int virtif_host_open(const char *name, struct virtif_host **vhp);
/*
 * Writes one frame.  Never blocks: a tap whose host side is not reading
 * (full queue, or the tap is down) makes it fail with ENOBUFS or EIO,
 * which the driver counts as an output error, as a full wire would drop.
 */
int virtif_host_send(struct virtif_host *vh, const struct virtif_iov *iov,
		     int iovcnt);
/*
 * Waits for a frame and copies it (up to buflen bytes; longer frames are
 * truncated, and the driver drops them) into buf, *lenp its length.
 * Releases the virtual CPU while it waits.  ESHUTDOWN once
 * virtif_host_wakeup was called: the receiver should stop.
 */
int virtif_host_recv(struct virtif_host *vh, void *buf, uint32_t buflen,
		     uint32_t *lenp);
/* Makes every present and future virtif_host_recv return ESHUTDOWN. */
void virtif_host_wakeup(struct virtif_host *vh);
/* Closes the tap (a tap the glue created goes away); no receiver waits. */
void virtif_host_close(struct virtif_host *vh);
#endif
