/*
 * virtif_user_host.c -- the virt interface's host-side glue (see
 * virtif_host.h) on Linux: a tap device opened through /dev/net/tun with
 * IFF_TAP|IFF_NO_PI, non-blocking, so that a send never blocks and a
 * receive waits only in poll(), with the virtual CPU released, on the tap
 * and an eventfd that virtif_host_wakeup signals for detach.
 */
/* Before <net/if.h>, whose ifr_* macros would rename rumpabi.h's fields. */
#include <rump/rumphost.h>
#include <rump/rumpkern.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
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
};

int virtif_host_open(const char *name, struct virtif_host **vhp)
{
	struct virtif_host *vh;
	struct ifreq ifr;
	size_t len = strlen(name);
	int error;

	_Static_assert(VIRTIF_HOST_NAMEMAX < IFNAMSIZ, "tap name fits");
	if (len == 0 || len > VIRTIF_HOST_NAMEMAX)
		return rumphost_errno_kernel(EINVAL);
	if ((vh = calloc(1, sizeof(*vh))) == NULL)
		return rumphost_errno_kernel(ENOMEM);
	vh->vh_wakefd = -1;
	vh->vh_tapfd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (vh->vh_tapfd < 0)
		goto fail;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, len);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(vh->vh_tapfd, TUNSETIFF, &ifr) < 0)
		goto fail;
	vh->vh_wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (vh->vh_wakefd < 0)
		goto fail;
	*vhp = vh;
	return 0;

fail:
	error = errno;
	if (vh->vh_tapfd >= 0)
		close(vh->vh_tapfd);
	free(vh);
	return rumphost_errno_kernel(error);
}

int virtif_host_send(struct virtif_host *vh, const struct virtif_iov *iov,
		     int iovcnt)
{
	struct iovec hiov[VIRTIF_HOST_IOVMAX];
	ssize_t n;

	if (iovcnt < 1 || iovcnt > VIRTIF_HOST_IOVMAX)
		return rumphost_errno_kernel(EINVAL);
	for (int i = 0; i < iovcnt; i++) {
		hiov[i].iov_base = (void *)(uintptr_t)iov[i].vi_base;
		hiov[i].iov_len = (size_t)iov[i].vi_len;
	}
	n = writev(vh->vh_tapfd, hiov, iovcnt);
	if (n < 0)
		return rumphost_errno_kernel(errno == EAGAIN ? ENOBUFS : errno);
	return 0;
}

int virtif_host_recv(struct virtif_host *vh, void *buf, uint32_t buflen,
		     uint32_t *lenp)
{
	struct pollfd pfd[2];

	for (;;) {
		ssize_t n;

		if (__atomic_load_n(&vh->vh_stop, __ATOMIC_ACQUIRE))
			return rumphost_errno_kernel(ESHUTDOWN);
		n = read(vh->vh_tapfd, buf, buflen);

		if (n >= 0) {
			*lenp = (uint32_t)n;
			return 0;
		}
		if (errno != EAGAIN && errno != EINTR)
			return rumphost_errno_kernel(errno);
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
