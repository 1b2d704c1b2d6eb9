/*
 * uio.c -- struct iovec, for readv, writev, preadv and pwritev.  The
 * kernel's struct rump_iovec has 64-bit slots; on a 64-bit host the two
 * layouts agree, but the copy keeps 32-bit hosts right too.
 */
#include <string.h>
#include <sys/uio.h>

#include <rump/rumphost.h>

int rumphost_iovec_to_kernel(const struct iovec *host,
			     struct rump_iovec *kernel)
{
	memset(kernel, 0, sizeof(*kernel));
	kernel->iov_base = host->iov_base;
	kernel->iov_len = host->iov_len;
	return 0;
}

int rumphost_iovec_to_host(const struct rump_iovec *kernel, struct iovec *host)
{
	host->iov_base = kernel->iov_base;
	host->iov_len = (size_t)kernel->iov_len;
	return 0;
}
