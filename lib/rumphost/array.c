/*
 * array.c -- storage for the kernel-layout copy of a translated array
 * (readv's iovecs, poll's pollfds): the entry point's stack buffer for
 * short arrays, the host's malloc for longer ones, bounded so that a wild
 * count is EINVAL rather than a huge allocation.
 */
#include <errno.h>
#include <stdlib.h>

#include <rump/rumphost.h>

int rumphost_array_alloc(void **arrayp, void *stackbuf, size_t stackbytes,
			 uint64_t count, size_t elsize)
{
	void *array;

	if (count > RUMPHOST_ARRAY_MAX)
		return EINVAL;
	if (count * elsize <= stackbytes) {
		*arrayp = stackbuf;
		return 0;
	}
	array = malloc(count * elsize);
	if (array == NULL)
		return ENOMEM;
	*arrayp = array;
	return 0;
}

void rumphost_array_free(void *array, void *stackbuf)
{
	if (array != stackbuf)
		free(array);
}
