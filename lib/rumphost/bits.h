/*
 * bits.h -- flag translation by table, shared by librumphost's translators
 * (host code only, not installed).  A table pairs a host value with the
 * kernel's; the host values come from the host's headers by name, so a
 * table is right for any host that defines the names.  A table entry may
 * span several bits (Linux's O_SYNC includes O_DSYNC): entries are tried
 * in order and an entry matches only when all its host bits are set.
 */
#ifndef RUMPHOST_BITS_H_
#define RUMPHOST_BITS_H_
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

struct rumphost_bits {
	uint64_t host;
	uint64_t kernel;
};

#define RUMPHOST_NBITS(table) (sizeof(table) / sizeof((table)[0]))

/* Host bits to kernel bits; EINVAL if a host bit is left over. */
static inline int rumphost_bits_to_kernel(const struct rumphost_bits *t,
					  size_t n, uint64_t host,
					  uint64_t *kernel)
{
	uint64_t out = 0;

	for (size_t i = 0; i < n; i++) {
		if (t[i].host != 0 && (host & t[i].host) == t[i].host) {
			host &= ~t[i].host;
			out |= t[i].kernel;
		}
	}
	if (host != 0)
		return EINVAL;
	*kernel = out;
	return 0;
}

/* Kernel bits to host bits; kernel bits the host lacks are dropped. */
static inline uint64_t rumphost_bits_to_host(const struct rumphost_bits *t,
					     size_t n, uint64_t kernel)
{
	uint64_t out = 0;

	for (size_t i = 0; i < n; i++) {
		if (t[i].kernel != 0 && (kernel & t[i].kernel) == t[i].kernel) {
			kernel &= ~t[i].kernel;
			out |= t[i].host;
		}
	}
	return out;
}

/* One value to another (commands, whence): EINVAL if not in the table. */
static inline int rumphost_value_to_kernel(const struct rumphost_bits *t,
					   size_t n, uint64_t host,
					   uint64_t *kernel)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].host == host) {
			*kernel = t[i].kernel;
			return 0;
		}
	}
	return EINVAL;
}

static inline int rumphost_value_to_host(const struct rumphost_bits *t,
					 size_t n, uint64_t kernel,
					 uint64_t *host)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].kernel == kernel) {
			*host = t[i].host;
			return 0;
		}
	}
	return EINVAL;
}

/*
 * Assignment that notices a value the destination cannot hold: for a
 * kernel field wider than the host's (a 32-bit host's time_t).  Sets
 * overflow to EOVERFLOW and leaves it alone otherwise.
 */
#define RUMPHOST_ASSIGN_U(dst, src, overflow)                                  \
	do {                                                                   \
		(dst) = (src);                                                 \
		if ((uint64_t)(dst) != (uint64_t)(src))                        \
			(overflow) = EOVERFLOW;                                \
	} while (0)
#define RUMPHOST_ASSIGN_S(dst, src, overflow)                                  \
	do {                                                                   \
		(dst) = (src);                                                 \
		if ((int64_t)(dst) != (int64_t)(src))                          \
			(overflow) = EOVERFLOW;                                \
	} while (0)
#endif
