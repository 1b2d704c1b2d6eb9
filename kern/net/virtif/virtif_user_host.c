/*
 * virtif_user_host.c -- the virt interface's host-side glue (see
 * virtif_host.h) on Linux: a tap device opened through /dev/net/tun with
 * IFF_TAP|IFF_NO_PI, non-blocking, so that a send never blocks and a
 * receive waits only in poll(), with the virtual CPU released, on the tap
 * and an eventfd that virtif_host_wakeup signals for detach.  With
 * offloads also IFF_VNET_HDR (a struct virtio_net_hdr, little-endian as
 * virtio 1.0 and Linux's default on little-endian hosts, before every
 * frame both ways) and TUNSETOFFLOAD for checksum offload and TSO4 in.
 */
/* Before <net/if.h>, whose ifr_* macros would rename rumpabi.h's fields. */
#include <rump/rumphost.h>
#include <rump/rumpkern.h>

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "virtif_host.h"

struct virtif_host {
	int vh_tapfd;
	int vh_wakefd; /* eventfd: readable once the receiver must stop */
	int vh_stop;   /* set with it, for a receiver that never waits */
	int vh_vnet;   /* frames carry a struct virtio_net_hdr */
};

/* Offloads unless asked off, by the caller or RUMP_VIRTIF_OFFLOAD=0. */
static int virtif_host_want_offload(int offload)
{
	const char *env;

	if (offload != VIRTIF_OFFLOAD_DEFAULT)
		return offload == VIRTIF_OFFLOAD_ON;
	env = getenv("RUMP_VIRTIF_OFFLOAD");
	return env == NULL || strcmp(env, "0") != 0;
}

int virtif_host_want_gso(void)
{
	const char *env = getenv("RUMP_VIRTIF_GSO");

	return env == NULL || strcmp(env, "0") != 0;
}

/*
 * The header on, then what the tap may hand us: frames with the checksum
 * left to finish (TUN_F_CSUM) and merged TCP segments (TUN_F_TSO4).
 * Without TUNSETOFFLOAD the header goes off again: no offloads at all.
 */
static int virtif_host_offload_on(struct virtif_host *vh)
{
	int hdrsz = (int)sizeof(struct virtio_net_hdr);

	if (ioctl(vh->vh_tapfd, TUNSETVNETHDRSZ, &hdrsz) < 0 ||
	    ioctl(vh->vh_tapfd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4) < 0)
		return -1;
	return 0;
}

/* Opens /dev/net/tun as the tap name; the fd, or -1 with errno. */
static int virtif_host_attach(const char *name, size_t len, int vnet)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, len);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int error = errno;

		close(fd);
		errno = error;
		return -1;
	}
	return fd;
}

int virtif_host_open(const char *name, int offload, struct virtif_host **vhp,
		     int *offloadp)
{
	struct virtif_host *vh;
	size_t len = strlen(name);
	int error;

	_Static_assert(VIRTIF_HOST_NAMEMAX < IFNAMSIZ, "tap name fits");
	if (len == 0 || len > VIRTIF_HOST_NAMEMAX)
		return rumphost_errno_kernel(EINVAL);
	if ((vh = calloc(1, sizeof(*vh))) == NULL)
		return rumphost_errno_kernel(ENOMEM);
	vh->vh_wakefd = -1;
	vh->vh_vnet = virtif_host_want_offload(offload);
	vh->vh_tapfd = virtif_host_attach(name, len, vh->vh_vnet);
	if (vh->vh_tapfd >= 0 && vh->vh_vnet &&
	    virtif_host_offload_on(vh) != 0) {
		/* A tap without the offloads: attach again, plain frames. */
		close(vh->vh_tapfd);
		vh->vh_vnet = 0;
		vh->vh_tapfd = virtif_host_attach(name, len, 0);
	}
	if (vh->vh_tapfd < 0)
		goto fail;
	vh->vh_wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (vh->vh_wakefd < 0)
		goto fail;
	*offloadp = vh->vh_vnet;
	*vhp = vh;
	return 0;

fail:
	error = errno;
	if (vh->vh_tapfd >= 0)
		close(vh->vh_tapfd);
	free(vh);
	return rumphost_errno_kernel(error);
}

int virtif_host_send(struct virtif_host *vh, const struct virtif_vnet *vn,
		     const struct virtif_iov *iov, int iovcnt)
{
	struct iovec hiov[1 + VIRTIF_HOST_IOVMAX];
	struct virtio_net_hdr hdr;
	ssize_t n;
	int h = 0;

	if (iovcnt < 1 || iovcnt > VIRTIF_HOST_IOVMAX)
		return rumphost_errno_kernel(EINVAL);
	if (vh->vh_vnet) {
		memset(&hdr, 0, sizeof(hdr));
		if (vn != NULL) {
			hdr.flags = vn->vn_flags & VIRTIF_VNET_F_NEEDS_CSUM
					    ? VIRTIO_NET_HDR_F_NEEDS_CSUM
					    : 0;
			hdr.gso_type = vn->vn_gso_type == VIRTIF_VNET_GSO_TCPV4
					       ? VIRTIO_NET_HDR_GSO_TCPV4
					       : VIRTIO_NET_HDR_GSO_NONE;
			hdr.hdr_len = htole16(vn->vn_hdr_len);
			hdr.gso_size = htole16(vn->vn_gso_size);
			hdr.csum_start = htole16(vn->vn_csum_start);
			hdr.csum_offset = htole16(vn->vn_csum_offset);
		}
		hiov[0].iov_base = &hdr;
		hiov[0].iov_len = sizeof(hdr);
		h = 1;
	}
	for (int i = 0; i < iovcnt; i++) {
		hiov[h + i].iov_base = (void *)(uintptr_t)iov[i].vi_base;
		hiov[h + i].iov_len = (size_t)iov[i].vi_len;
	}
	n = writev(vh->vh_tapfd, hiov, h + iovcnt);
	if (n < 0)
		return rumphost_errno_kernel(errno == EAGAIN ? ENOBUFS : errno);
	return 0;
}

/* The header the tap put before a frame, in the kernel's terms. */
static void virtif_host_vnet_in(const struct virtio_net_hdr *hdr,
				struct virtif_vnet *vn)
{
	uint8_t gso = hdr->gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;

	vn->vn_flags = (uint8_t)(((hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
					  ? VIRTIF_VNET_F_NEEDS_CSUM
					  : 0) |
				 ((hdr->flags & VIRTIO_NET_HDR_F_DATA_VALID)
					  ? VIRTIF_VNET_F_DATA_VALID
					  : 0));
	vn->vn_gso_type =
		(uint8_t)((gso == VIRTIO_NET_HDR_GSO_NONE ? VIRTIF_VNET_GSO_NONE
			   : gso == VIRTIO_NET_HDR_GSO_TCPV4
				   ? VIRTIF_VNET_GSO_TCPV4
				   : VIRTIF_VNET_GSO_OTHER) |
			  ((hdr->gso_type & VIRTIO_NET_HDR_GSO_ECN)
				   ? VIRTIF_VNET_GSO_ECN
				   : 0));
	vn->vn_hdr_len = le16toh(hdr->hdr_len);
	vn->vn_gso_size = le16toh(hdr->gso_size);
	vn->vn_csum_start = le16toh(hdr->csum_start);
	vn->vn_csum_offset = le16toh(hdr->csum_offset);
}

int virtif_host_recv(struct virtif_host *vh, struct virtif_vnet *vn, void *buf,
		     uint32_t buflen, uint32_t *lenp, int wait)
{
	struct pollfd pfd[2];
	struct virtio_net_hdr hdr;
	struct iovec iov[2] = {{&hdr, sizeof(hdr)}, {buf, buflen}};

	memset(vn, 0, sizeof(*vn));
	for (;;) {
		ssize_t n;

		if (__atomic_load_n(&vh->vh_stop, __ATOMIC_ACQUIRE))
			return rumphost_errno_kernel(ESHUTDOWN);
		if (vh->vh_vnet)
			n = readv(vh->vh_tapfd, iov, 2);
		else
			n = read(vh->vh_tapfd, buf, buflen);

		if (n >= 0 && vh->vh_vnet) {
			/* A read shorter than the header is no frame. */
			if ((size_t)n < sizeof(hdr)) {
				*lenp = 0;
				return 0;
			}
			virtif_host_vnet_in(&hdr, vn);
			n -= (ssize_t)sizeof(hdr);
		}
		if (n >= 0) {
			*lenp = (uint32_t)n;
			return 0;
		}
		if (errno != EAGAIN && errno != EINTR)
			return rumphost_errno_kernel(errno);
		if (!wait && errno == EAGAIN)
			return rumphost_errno_kernel(EAGAIN);
		pfd[0].fd = vh->vh_tapfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = vh->vh_wakefd;
		pfd[1].events = POLLIN;
		rump_kern_glue_unschedule();
		while (poll(pfd, 2, -1) < 0 && errno == EINTR)
			continue;
		rump_kern_glue_schedule();
		if (pfd[1].revents & POLLIN)
			return rumphost_errno_kernel(ESHUTDOWN);
	}
}

void virtif_host_wakeup(struct virtif_host *vh)
{
	uint64_t one = 1;

	__atomic_store_n(&vh->vh_stop, 1, __ATOMIC_RELEASE);
	/* The counter only grows; a full counter is readable already. */
	(void)!write(vh->vh_wakefd, &one, sizeof(one));
}

void virtif_host_close(struct virtif_host *vh)
{
	close(vh->vh_wakefd);
	close(vh->vh_tapfd);
	free(vh);
}
