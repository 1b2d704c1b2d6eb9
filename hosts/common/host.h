/*
 * host.h -- private to the host implementations: what the pthread host
 * (hosts/posix) and the cooperative host (hosts/fiber) share.  It holds the
 * upcall table saved by rumpuser_init(), the virtual-CPU rule as helpers, and
 * the errno translation between the host and the kernel (NetBSD numbering).
 */
#ifndef HOSTS_COMMON_HOST_H_
#define HOSTS_COMMON_HOST_H_

#include <errno.h>
#include <stddef.h>

#include <rump/rumpdefs.h>
#include <rump/rumpuser.h>

#include "../../lib/rumphost/gen/errno_map.h"

/* The kernel's upcalls, copied by rumpuser_init(). */
extern struct rumpuser_hyperup rumpuser__hyp;

/*
 * The virtual-CPU rule: a host thread gives up its virtual CPU before any
 * call that may block on the host and takes one again afterwards, so that
 * a blocked thread never keeps other kernel threads from running.
 * rumpuser__block_end() preserves errno, so the blocked call's errno can
 * be read after it.
 */
static inline void rumpuser__block_begin(void)
{
	rumpuser__hyp.hyp_backend_unschedule();
}

static inline void rumpuser__block_end(void)
{
	int saved = errno;

	rumpuser__hyp.hyp_backend_schedule();
	errno = saved;
}

/* Run one statement with the virtual CPU released. */
#define RUMPUSER_BLOCKING(stmt)                                                \
	do {                                                                   \
		rumpuser__block_begin();                                       \
		stmt;                                                          \
		rumpuser__block_end();                                         \
	} while (0)

/* A host errno in the kernel's numbering. */
#define rumpuser__kerrno(host_errno) rumphost_errno_to_kernel(host_errno)

/* RUMPUSER_PARAM_NCPU_DEFAULT: "2", weak, so a host may define its own. */
extern const char rumpuser__ncpu_default[];

int rumpuser__vclock_get(int clock, int64_t *secp, long *nsecp); /* shim */
int rumpuser__vclock_advance(int64_t to_ns);
/* For failures a void hypercall cannot report: print and abort. */
void rumpuser__fatal(const char *what, int host_errno)
	__attribute__((__noreturn__));
void *rumpuser__xmalloc(size_t len);
/* Block writes and flushes, through the power-cut shim (hosts/shim). */
int rumpuser__bio_write(int fd, void *data, size_t len, int64_t off,
			size_t *donep);
int rumpuser__bio_sync(int fd);

#endif /* HOSTS_COMMON_HOST_H_ */
