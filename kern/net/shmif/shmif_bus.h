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
 * Writes one frame (the mbuf chain m, len bytes) from sender with time
 * ns and publishes it; the caller wakes readers (shmif_bus_wake) after a
 * batch.  Frames readers have not read yet may be overwritten: a bus is a
 * wire, not a queue.  EMSGSIZE if the frame can never fit.
 */
int shmif_bus_write(struct shmif_bus *bus, const struct mbuf *m, uint32_t len,
		    uint32_t sender, uint64_t ns);
/* Wakes readers asleep on the bus, if any. */
void shmif_bus_wake(struct shmif_bus *bus);

/*
 * Copies the frame at *rposp into buf (buflen bytes) and advances
 * *rposp past it; *fh gets its header.  EAGAIN: nothing new.  ENOBUFS:
 * writers overwrote frames this reader had not read (*rposp moved to the
 * oldest kept).  EBADMSG: the frame's header is malformed (*rposp moved
 * to the end of the bus: nothing behind a bad length can be trusted).
 * EMSGSIZE: the frame is longer than buflen (skipped).
 */
int shmif_bus_read(struct shmif_bus *bus, uint64_t *rposp, void *buf,
		   uint32_t buflen, struct shmif_frame_header *fh);

/*
 * Sleeps (at most timeout_ms, CPU released) until something is published
 * after rpos or *stopp becomes nonzero; returns at once if either holds.
 */
void shmif_bus_sleep(struct shmif_bus *bus, uint64_t rpos, const int *stopp,
		     uint32_t timeout_ms);
/* Sets *stopp and wakes every sleeper of the bus, so that ours sees it. */
void shmif_bus_stop(struct shmif_bus *bus, int *stopp);
#endif
