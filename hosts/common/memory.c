/*
 * memory.c -- the kernel's memory comes from the host's malloc.  An
 * allocation fails with ENOMEM when the host is out of memory.  Fault
 * injection (RUMP_FAULT_MALLOC) is asked by the kernel's allocator for
 * every kernel allocation, including those served from its own caches,
 * so it is not asked again here.
 */
#include <stdlib.h>

#include "host.h"

int rumpuser_malloc(size_t len, size_t alignment, void **memp)
{
	void *mem;
	int error;

	if (len == 0)
		len = 1; /* a unique pointer, never NULL */
	if (alignment <= _Alignof(max_align_t)) {
		if ((mem = malloc(len)) == NULL)
			return RUMP_ENOMEM;
	} else {
		error = posix_memalign(&mem, alignment, len);
		if (error != 0)
			return rumpuser__kerrno(error);
	}
	*memp = mem;
	return 0;
}

void rumpuser_free(void *mem, size_t len)
{
	(void)len;
	free(mem);
}

void *rumpuser__xmalloc(size_t len)
{
	void *mem = malloc(len);

	if (mem == NULL)
		rumpuser__fatal("out of host memory", ENOMEM);
	return mem;
}
