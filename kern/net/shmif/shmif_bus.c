/*
 * shmif_bus.c -- the shmif bus protocol on a mapped bus file
 * (<rump/shmif.h>, docs/shmif.md).  Every change of the header and ring
 * happens under the bus lock, a word holding the holder's host pid; a
 * waiter spins (yielding) and, when the holder's process is gone, takes
 * the lock over.  A writer publishes by moving sb_next as its last store,
 * so a holder that died mid-write leaves the bus consistent: its frame
 * was never visible.  Anything inconsistent found under the lock (offsets
 * out of order, a frame length that cannot be) is repaired by dropping
 * the frames on the bus, never trusted.
 */
#include <sys/atomic.h>
#include <sys/errno.h>
#include <sys/mbuf.h>
#include <sys/systm.h>

#include "shmif_bus.h"
#include "shmif_host.h"

#define SHMIF_SPIN_YIELD 64   /* spins before yielding to the host */
#define SHMIF_SPIN_CHECK 4096 /* spins between liveness checks */

void shmif_bus_init(struct shmif_bus *bus, void *map, uint32_t pid)
{
	bus->sb_hdr = map;
	bus->sb_ring = (uint8_t *)map + SHMIF_HDR_SIZE;
	bus->sb_size = bus->sb_hdr->sb_ringsize;
	bus->sb_pid = pid;
}

uint64_t shmif_bus_next(struct shmif_bus *bus)
{
	return __atomic_load_n(&bus->sb_hdr->sb_next, __ATOMIC_ACQUIRE);
}

void shmif_bus_enter(struct shmif_bus *bus)
{
	uint32_t *lock = &bus->sb_hdr->sb_lock;
	unsigned spins = 0;

	for (;;) {
		uint32_t holder = 0;

		if (__atomic_compare_exchange_n(lock, &holder, bus->sb_pid,
						false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		spins++;
		if (spins % SHMIF_SPIN_YIELD == 0)
			shmif_host_yield();
		/*
		 * A holder whose process is gone never lets go: take the
		 * lock from it.  The CAS fails if the lock changed hands.
		 */
		if (spins % SHMIF_SPIN_CHECK == 0 &&
		    !shmif_host_alive(holder) &&
		    __atomic_compare_exchange_n(lock, &holder, bus->sb_pid,
						false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED)) {
			__atomic_add_fetch(&bus->sb_hdr->sb_steals, 1,
					   __ATOMIC_RELAXED);
			printf("shmif: took the bus lock over from dead pid "
			       "%u\n",
			       holder);
			return;
		}
	}
}

void shmif_bus_exit(struct shmif_bus *bus)
{
	__atomic_store_n(&bus->sb_hdr->sb_lock, 0, __ATOMIC_RELEASE);
}

/* Ring copies at a logical offset, wrapping at the end of the ring. */
static void shmif_bus_copyin(struct shmif_bus *bus, uint64_t off,
			     const void *src, size_t len)
{
	size_t pos = (size_t)(off % bus->sb_size);
	size_t first = bus->sb_size - pos < len ? bus->sb_size - pos : len;

	memcpy(bus->sb_ring + pos, src, first);
	if (len > first)
		memcpy(bus->sb_ring, (const uint8_t *)src + first, len - first);
}

static void shmif_bus_copyout(struct shmif_bus *bus, uint64_t off, void *dst,
			      size_t len)
{
	size_t pos = (size_t)(off % bus->sb_size);
	size_t first = bus->sb_size - pos < len ? bus->sb_size - pos : len;

	memcpy(dst, bus->sb_ring + pos, first);
	if (len > first)
		memcpy((uint8_t *)dst + first, bus->sb_ring, len - first);
}

/*
 * Under the lock: the valid range [*firstp, *nextp), repaired if the
 * header was damaged (a participant's bug or a stray write): everything
 * on the bus is dropped rather than trusted.
 */
static void shmif_bus_range(struct shmif_bus *bus, uint64_t *firstp,
			    uint64_t *nextp)
{
	struct shmif_bus_header *hdr = bus->sb_hdr;
	uint64_t first = __atomic_load_n(&hdr->sb_first, __ATOMIC_RELAXED);
	uint64_t next = __atomic_load_n(&hdr->sb_next, __ATOMIC_RELAXED);

	if (first > next || next - first > bus->sb_size ||
	    first % SHMIF_ALIGN != 0 || next % SHMIF_ALIGN != 0) {
		next = (next + SHMIF_ALIGN - 1) & ~(uint64_t)(SHMIF_ALIGN - 1);
		first = next;
		__atomic_store_n(&hdr->sb_first, first, __ATOMIC_RELAXED);
		__atomic_store_n(&hdr->sb_next, next, __ATOMIC_RELEASE);
	}
	*firstp = first;
	*nextp = next;
}

/* Under the lock: the space the frame at off takes, 0 if malformed. */
static uint64_t shmif_bus_framespace(struct shmif_bus *bus, uint64_t off,
				     uint64_t next,
				     struct shmif_frame_header *fh)
{
	uint64_t space;

	if (next - off < sizeof(*fh))
		return 0;
	shmif_bus_copyout(bus, off, fh, sizeof(*fh));
	if (fh->sf_len > SHMIF_FRAME_MAX)
		return 0;
	space = SHMIF_FRAME_SPACE(fh->sf_len);
	return space <= next - off ? space : 0;
}

int shmif_bus_put(struct shmif_bus *bus, const struct mbuf *m, uint32_t len,
		  uint32_t sender, uint64_t ns)
{
	struct shmif_bus_header *hdr = bus->sb_hdr;
	struct shmif_frame_header fh = {
		.sf_len = len, .sf_sender = sender, .sf_time_ns = ns};
	uint64_t space = SHMIF_FRAME_SPACE(len), first, next, off;

	if (len > SHMIF_FRAME_MAX || space > bus->sb_size)
		return EMSGSIZE;
	shmif_bus_range(bus, &first, &next);
	/* Drop the oldest frames until this one fits. */
	while (next + space - first > bus->sb_size) {
		struct shmif_frame_header old;
		uint64_t s = shmif_bus_framespace(bus, first, next, &old);

		first = s != 0 ? first + s : next;
		__atomic_store_n(&hdr->sb_first, first, __ATOMIC_RELAXED);
	}
	shmif_bus_copyin(bus, next, &fh, sizeof(fh));
	off = next + sizeof(fh);
	for (const struct mbuf *n = m; n != NULL && len > 0; n = n->m_next) {
		uint32_t chunk =
			(uint32_t)n->m_len < len ? (uint32_t)n->m_len : len;

		shmif_bus_copyin(bus, off, mtod(n, const void *), chunk);
		off += chunk;
		len -= chunk;
	}
	/* Publishing: the frame becomes visible only now. */
	__atomic_add_fetch(&hdr->sb_frames, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&hdr->sb_next, next + space, __ATOMIC_SEQ_CST);
	return 0;
}

void shmif_bus_wake(struct shmif_bus *bus)
{
	struct shmif_bus_header *hdr = bus->sb_hdr;

	/* Pairs with shmif_bus_sleep: waiters counted, then sb_next read. */
	__atomic_add_fetch(&hdr->sb_seq, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&hdr->sb_waiters, __ATOMIC_SEQ_CST) != 0)
		shmif_host_wake(&hdr->sb_seq);
}

unsigned shmif_bus_read(struct shmif_bus *bus, uint64_t *rposp,
			shmif_bus_rxfn fn, void *arg, unsigned max,
			struct shmif_bus_rxerr *err)
{
	uint64_t first, next, rpos = *rposp;
	unsigned done = 0;

	shmif_bus_enter(bus);
	shmif_bus_range(bus, &first, &next);
	if (rpos > next) {
		/* The header was repaired behind us: start from its end. */
		rpos = next;
		err->re_lapped++;
	} else if (rpos < first) {
		rpos = first;
		err->re_lapped++;
	}
	while (done < max && rpos != next) {
		struct shmif_frame_header fh;
		uint8_t head[SHMIF_BUS_PEEK];
		uint64_t space = shmif_bus_framespace(bus, rpos, next, &fh);
		void *dst = NULL;

		if (space == 0) {
			rpos = next;
			err->re_bad++;
			break;
		}
		shmif_bus_copyout(bus, rpos + sizeof(fh), head,
				  fh.sf_len < sizeof(head) ? fh.sf_len
							   : sizeof(head));
		switch (fn(arg, &fh, head, &dst)) {
		case SHMIF_RX_STOP:
			goto out;
		case SHMIF_RX_COPY:
			shmif_bus_copyout(bus, rpos + sizeof(fh), dst,
					  fh.sf_len);
			break;
		case SHMIF_RX_SKIP:
			break;
		}
		rpos += space;
		done++;
	}
out:
	shmif_bus_exit(bus);
	*rposp = rpos;
	return done;
}

bool shmif_bus_pending(struct shmif_bus *bus, uint64_t rpos)
{
	return __atomic_load_n(&bus->sb_hdr->sb_next, __ATOMIC_ACQUIRE) != rpos;
}

void shmif_bus_sleep(struct shmif_bus *bus, uint64_t rpos, const int *stopp,
		     uint32_t timeout_ms)
{
	struct shmif_bus_header *hdr = bus->sb_hdr;
	uint32_t seq;

	__atomic_add_fetch(&hdr->sb_waiters, 1, __ATOMIC_SEQ_CST);
	seq = __atomic_load_n(&hdr->sb_seq, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&hdr->sb_next, __ATOMIC_SEQ_CST) == rpos &&
	    __atomic_load_n(stopp, __ATOMIC_SEQ_CST) == 0)
		shmif_host_wait(&hdr->sb_seq, seq, timeout_ms);
	__atomic_sub_fetch(&hdr->sb_waiters, 1, __ATOMIC_SEQ_CST);
}

void shmif_bus_stop(struct shmif_bus *bus, int *stopp)
{
	struct shmif_bus_header *hdr = bus->sb_hdr;

	__atomic_store_n(stopp, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&hdr->sb_seq, 1, __ATOMIC_SEQ_CST);
	shmif_host_wake(&hdr->sb_seq);
}
