/*
 * sys/atomic.h -- atomic operations on compiler builtins (sequentially
 * consistent unless the name says otherwise).  Valid on every CPU the
 * kernel is built for; on a one-CPU cooperative host they are just loads
 * and stores.
 */
#ifndef RUMPKERN_SYS_ATOMIC_H_
#define RUMPKERN_SYS_ATOMIC_H_
#include <sys/types.h>

#define atomic_load_relaxed(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define atomic_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define atomic_store_relaxed(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define atomic_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define atomic_add(p, v) ((void)__atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST))
#define atomic_add_nv(p, v) __atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)
#define atomic_inc_nv(p) __atomic_add_fetch((p), 1, __ATOMIC_SEQ_CST)
#define atomic_dec_nv(p) __atomic_sub_fetch((p), 1, __ATOMIC_SEQ_CST)
#define atomic_swap(p, v) __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
/* Returns true if *p was old and is now new. */
#define atomic_cas_bool(p, old, new)                                           \
	__extension__({                                                        \
		__typeof__(*(p) + 0) cas_old_ = (old);                         \
		__atomic_compare_exchange_n((p), &cas_old_, (new), 0,          \
					    __ATOMIC_ACQ_REL,                  \
					    __ATOMIC_ACQUIRE);                 \
	})
#endif
