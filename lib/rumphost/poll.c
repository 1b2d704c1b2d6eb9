/*
 * poll.c -- struct pollfd and fd_set, for poll(2) and select(2).  Event
 * bits go to the kernel's RUMP_POLL* by name.  Linux's POLLWRNORM is the
 * kernel's POLLOUT (NetBSD defines them as one value); reporting back, the
 * kernel's POLLOUT becomes whichever of the two the caller asked for.
 * Bits the kernel lacks (POLLMSG, POLLRDHUP, POLLREMOVE) are dropped from
 * events and so never reported, as Linux ignores events a file does not
 * support, rather than failing the whole poll.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/select.h>

#include <rump/rumpdefs.h>
#include <rump/rumphost.h>

#include "bits.h"

static const struct rumphost_bits events[] = {
	{POLLIN, RUMP_POLLIN},	       {POLLPRI, RUMP_POLLPRI},
	{POLLOUT, RUMP_POLLOUT},       {POLLERR, RUMP_POLLERR},
	{POLLHUP, RUMP_POLLHUP},       {POLLNVAL, RUMP_POLLNVAL},
	{POLLRDNORM, RUMP_POLLRDNORM}, {POLLRDBAND, RUMP_POLLRDBAND},
	{POLLWRNORM, RUMP_POLLOUT},    {POLLWRBAND, RUMP_POLLWRBAND},
};

int rumphost_pollfd_to_kernel(const struct pollfd *host,
			      struct rump_pollfd *kernel)
{
	uint64_t known = 0, k = 0;

	for (size_t i = 0; i < RUMPHOST_NBITS(events); i++)
		known |= events[i].host;
	(void)rumphost_bits_to_kernel(events, RUMPHOST_NBITS(events),
				      (unsigned short)host->events & known, &k);
	memset(kernel, 0, sizeof(*kernel));
	kernel->fd = host->fd;
	kernel->events = (int16_t)k;
	return 0;
}

int rumphost_pollfd_to_host(const struct rump_pollfd *kernel,
			    struct pollfd *host)
{
	uint64_t k = (uint16_t)kernel->revents;
	uint64_t out = 0;

	if ((k & RUMP_POLLOUT) != 0) {
		if ((host->events & POLLOUT) != 0)
			out |= POLLOUT;
		if ((host->events & POLLWRNORM) != 0)
			out |= POLLWRNORM;
		if (out == 0)
			out = POLLOUT;
		k &= ~(uint64_t)RUMP_POLLOUT;
	}
	out |= rumphost_bits_to_host(events, RUMPHOST_NBITS(events), k);
	host->revents = (short)out;
	return 0;
}

#define MIN_SETSIZE                                                            \
	(FD_SETSIZE < RUMP_FD_SETSIZE ? FD_SETSIZE : RUMP_FD_SETSIZE)

int rumphost_fd_set_to_kernel(const fd_set *host, struct rump_fd_set *kernel)
{
	memset(kernel, 0, sizeof(*kernel));
	for (int fd = 0; fd < MIN_SETSIZE; fd++)
		if (FD_ISSET(fd, host))
			kernel->fds_bits[fd / 64] |= (uint64_t)1 << (fd % 64);
	return 0;
}

int rumphost_fd_set_to_host(const struct rump_fd_set *kernel, fd_set *host)
{
	FD_ZERO(host);
	for (int fd = 0; fd < MIN_SETSIZE; fd++)
		if ((kernel->fds_bits[fd / 64] >> (fd % 64)) & 1)
			FD_SET(fd, host);
	return 0;
}
