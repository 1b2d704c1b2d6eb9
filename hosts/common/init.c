/*
 * init.c -- bootstrap, parameters and errno delivery.  rumpuser_init() must
 * be the first hypercall apart from rumpuser_getparam(); it refuses any
 * other interface version.  Parameters are environment variables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

struct rumpuser_hyperup rumpuser__hyp;

int rumpuser_init(int version, const struct rumpuser_hyperup *hyp)
{
	if (version != RUMPUSER_VERSION) {
		fprintf(stderr,
			"rumpuser: kernel wants interface version %d, "
			"this host implements %d\n",
			version, RUMPUSER_VERSION);
		return RUMP_EINVAL;
	}
	if (hyp == NULL || hyp->hyp_backend_schedule == NULL ||
	    hyp->hyp_backend_unschedule == NULL)
		return RUMP_EINVAL;
	rumpuser__hyp = *hyp;
	return 0;
}

/* The pthread host's answer; the fiber host defines its own. */
__attribute__((weak)) const char rumpuser__ncpu_default[] = "2";

/* An unset RUMP_NCPU is ENOENT too: the kernel asks for the default. */
int rumpuser_getparam(const char *name, void *buf, size_t buflen)
{
	const char *value = getenv(name);
	size_t len;

	if (strcmp(name, RUMPUSER_PARAM_NCPU_DEFAULT) == 0)
		value = rumpuser__ncpu_default;
	if (value == NULL)
		return RUMP_ENOENT;
	len = strlen(value) + 1;
	if (len > buflen)
		return RUMP_E2BIG;
	memcpy(buf, value, len);
	return 0;
}

void rumpuser_seterrno(int kernel_errno)
{
	errno = rumphost_errno_to_host(kernel_errno);
}
