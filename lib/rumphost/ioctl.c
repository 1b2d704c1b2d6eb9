/*
 * ioctl.c -- ioctl(2) requests.  Requests encode their argument's size and
 * direction differently on Linux (FIONREAD is 0x541B) and NetBSD (_IOR('f',
 * 127, int)), so each supported request is listed by name; any other is
 * ENOTTY, the error for a request the descriptor does not understand.
 */
#include <errno.h>
#include <sys/ioctl.h>

#include <rump/rumpdefs.h>
#include <rump/rumphost.h>

int rumphost_ioctl_to_kernel(unsigned long host, uint64_t *kernel)
{
	switch (host) {
	case FIONREAD:
		*kernel = RUMP_FIONREAD;
		return 0;
	case FIONBIO:
		*kernel = RUMP_FIONBIO;
		return 0;
	default:
		return ENOTTY;
	}
}
