/*
 * sys/param.h -- boot parameters read through rumpuser_getparam(): the
 * number of virtual CPUs, the memory limit, verbosity, host name and the
 * leak check.  A malformed value fails the boot with a message naming it.
 */
#ifndef RUMPKERN_SYS_PARAM_H_
#define RUMPKERN_SYS_PARAM_H_
#include <sys/types.h>

struct boot_params {
	int ncpu;
	uint64_t memlimit; /* bytes, 0 = none */
	int verbose;
	int leakcheck;
	char hostname[64];
};
extern struct boot_params boot_params;
int param_read_all(struct boot_params *bp);
/* Parse "123", "64k", "16m", "2g"; 0 or EINVAL/ERANGE. */
int param_parse_size(const char *s, uint64_t *valp);
#endif
