/*
 * sys/cprng.h -- kernel random numbers: a ChaCha20 generator per virtual
 * CPU, keyed from the host's randomness at boot and rekeyed as it goes.
 */
#ifndef RUMPKERN_SYS_CPRNG_H_
#define RUMPKERN_SYS_CPRNG_H_
#include <sys/types.h>
uint32_t cprng_u32(void);
uint64_t cprng_u64(void);
void cprng_bytes(void *buf, size_t len);
/* A virtual CPU's generator state (sched.c creates one per CPU). */
void *cprng_cpu_create(void);
void cprng_cpu_destroy(void *state);
int cprng_init(void);
void cprng_fini(void);
#endif
