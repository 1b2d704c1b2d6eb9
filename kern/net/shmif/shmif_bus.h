/*
 * shmif_bus.h -- the shmif bus protocol, kernel side (shmif_bus.c): the
 * cross-process bus lock with recovery from a dead holder, writing a frame
 * into the ring (dropping the oldest frames to make room) and publishing
 * it, reading the frame at a reader's position, and the sleep/wake-up
 * protocol on the header's futex word.  The layout is <rump/shmif.h>.
 */
#ifndef RUMPKERN_NET_SHMIF_BUS_H_
#define RUMPKERN_NET_SHMIF_BUS_H_
#include <rump/shmif.h>
#include <sys/types.h>

struct mbuf;

struct shmif_bus {
	struct shmif_bus_header *sb_hdr; /* the mapping */
	uint8_t *sb_ring;		 /* sb_hdr + SHMIF_HDR_SIZE */
	uint64_t sb_size;		 /* ring bytes (from the header) */
	uint32_t sb_pid;		 /* ours, for the lock word */
};

/* Sets bus up on a mapping the glue opened (and checked). */
void shmif_bus_init(struct shmif_bus *bus, void *map, uint32_t pid);

/* The logical offset where the next published frame will start. */
uint64_t shmif_bus_next(struct shmif_bus *bus);

/*
 * Writers hold the bus lock around a batch of shmif_bus_put calls (one
 * lock hold per batch, not per frame), then wake readers once
 * (shmif_bus_wake).  The lock is a spin lock shared by processes: hold
 * it only for copies, never across a sleep or an allocation.
 */
void shmif_bus_enter(struct shmif_bus *bus);
void shmif_bus_exit(struct shmif_bus *bus);
/*
 * Under the lock: writes one frame (the mbuf chain m, len bytes) from
 * sender with time ns and publishes it.  Frames readers have not read yet
 * may be overwritten: a bus is a wire, not a queue.  EMSGSIZE if the
 * frame can never fit.
 */
int shmif_bus_put(struct shmif_bus *bus, const struct mbuf *m, uint32_t len,
		  uint32_t sender, uint64_t ns);
/* Wakes readers asleep on the bus, if any. */
void shmif_bus_wake(struct shmif_bus *bus);

/* What a reader's shmif_bus_rxfn says about a frame. */
enum shmif_bus_verdict {
	SHMIF_RX_COPY, /* copy the frame to *dstp (room for sf_len bytes) */
	SHMIF_RX_SKIP, /* not wanted: move past it */
	SHMIF_RX_STOP, /* no room now: leave it (and the rest) unread */
};
/*
 * Called under the bus lock for each frame at the reader's position: fh
 * is its header, head its first min(sf_len, SHMIF_BUS_PEEK) bytes.  Must
 * not sleep, allocate or take the bus lock.
 */
#define SHMIF_BUS_PEEK 14u
typedef enum shmif_bus_verdict (*shmif_bus_rxfn)(
	void *arg, const struct shmif_frame_header *fh, const uint8_t *head,
	void **dstp);

/* What went wrong for a reader, counted by shmif_bus_read. */
struct shmif_bus_rxerr {
	uint32_t re_lapped; /* writers overwrote frames we had not read */
	uint32_t re_bad;    /* malformed frame headers (rest skipped) */
};

/*
 * Reads up to max frames at *rposp under one hold of the bus lock,
 * asking fn what to do with each (copy, skip, stop), and advances *rposp
 * past those copied or skipped.  Returns how many it copied or skipped:
 * 0 means nothing new (or fn stopped at the first).  A reader lapped by
 * writers moves to the oldest frame kept; a malformed frame header
 * moves it to the end of the bus (nothing behind a bad length can be
 * trusted); both are counted in *err.
 */
unsigned shmif_bus_read(struct shmif_bus *bus, uint64_t *rposp,
			shmif_bus_rxfn fn, void *arg, unsigned max,
			struct shmif_bus_rxerr *err);

/*
 * Whether something was published after rpos: the receive thread
 * polls it (spinning briefly) before it goes to sleep.
 */
bool shmif_bus_pending(struct shmif_bus *bus, uint64_t rpos);

/*
 * Sleeps (at most timeout_ms, CPU released) until something is published
 * after rpos or *stopp becomes nonzero; returns at once if either holds.
 */
void shmif_bus_sleep(struct shmif_bus *bus, uint64_t rpos, const int *stopp,
		     uint32_t timeout_ms);
/* Sets *stopp and wakes every sleeper of the bus, so that ours sees it. */
void shmif_bus_stop(struct shmif_bus *bus, int *stopp);
#endif
