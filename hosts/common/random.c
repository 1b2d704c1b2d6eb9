/*
 * random.c -- randomness from getrandom(2).  Once the host's pool is seeded
 * (early in the host's boot) the call never blocks, so the virtual CPU is
 * released only in the rare case that it would; NOWAIT then gives EAGAIN.
 */
#include <sys/random.h>

#include "host.h"

int rumpuser_getrandom(void *buf, size_t buflen, int flags, size_t *retp)
{
	ssize_t n;

	do
		n = getrandom(buf, buflen, GRND_NONBLOCK);
	while (n == -1 && errno == EINTR);
	if (n == -1 && errno == EAGAIN && !(flags & RUMPUSER_RANDOM_NOWAIT)) {
		rumpuser__block_begin();
		do
			n = getrandom(buf, buflen, 0);
		while (n == -1 && errno == EINTR);
		rumpuser__block_end();
	}
	if (n == -1)
		return rumpuser__kerrno(errno);
	*retp = (size_t)n;
	return 0;
}
