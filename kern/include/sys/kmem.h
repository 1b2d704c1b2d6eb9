/*
 * sys/kmem.h -- kernel memory.  Every allocation names a kmem type, which
 * accounts bytes and objects in use so that shutdown can report leaks and
 * tools can show usage; RUMP_MEMLIMIT bounds what the kernel takes from
 * the host.  Allocation can fail: callers check for NULL and return
 * ENOMEM.  kmem_free takes the size given to kmem_alloc.
 */
#ifndef RUMPKERN_SYS_KMEM_H_
#define RUMPKERN_SYS_KMEM_H_
#include <sys/types.h>

struct kmem_type {
	const char *kt_name;
	int64_t kt_inuse; /* objects */
	int64_t kt_bytes; /* bytes */
	int64_t kt_allocs;
	int64_t kt_fails;
	struct kmem_type *kt_next;
	int kt_linked;
};
#define KMEM_TYPE_DEFINE(var, name) struct kmem_type var = {.kt_name = name}
#define KMEM_TYPE_DECLARE(var) extern struct kmem_type var

void *kmem_alloc(size_t size, struct kmem_type *type);
void *kmem_zalloc(size_t size, struct kmem_type *type);
void kmem_free(void *p, size_t size, struct kmem_type *type);
char *kmem_strdup(const char *s, struct kmem_type *type);
void kmem_strfree(char *s, struct kmem_type *type);

/* Bytes the kernel holds from the host now, and the limit (0: none). */
uint64_t kmem_host_bytes(void);
/* Bytes of the objects allocated and not freed, over every type. */
int64_t kmem_live_bytes(void);
uint64_t kmem_limit(void);

/* A virtual CPU's allocator caches (sched.c creates one per CPU). */
void *kmem_cpu_cache_create(void);
void kmem_cpu_cache_destroy(void *cache);

int kmem_init(void);
void kmem_fini(void);
/* Prints every type with objects in use; returns how many types leak. */
int kmem_report_leaks(void);

KMEM_TYPE_DECLARE(M_TEMP);
#endif
