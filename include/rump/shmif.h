/*
 * shmif.h -- the shared-memory bus of the shmif interface
 * (librumpnet_shmif): the layout of a bus file, which every rump kernel
 * attached to it maps and which tools read, and rump_pub_shmif_dump(),
 * which turns a bus file into a pcap file.  docs/shmif.md describes the
 * protocol (locking, publishing, crash recovery).  Fixed-width types only:
 * the kernel, its host glue and host tools all include this header.
 */
#ifndef RUMP_SHMIF_H_
#define RUMP_SHMIF_H_
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SHMIF_MAGIC 0x46494d53u /* "SMIF" in a little-endian file */
#define SHMIF_VERSION 1
/* The header takes the first page; the ring starts right after it. */
#define SHMIF_HDR_SIZE 4096u
/* The ring size of a bus that a kernel creates; attachers use the file's. */
#define SHMIF_RING_DEFAULT (4u << 20)
#define SHMIF_RING_MIN (64u << 10)
#define SHMIF_RING_MAX (256u << 20)
/* The longest frame on the bus: the largest MTU plus Ethernet's header. */
#define SHMIF_FRAME_MAX (65535u + 14u)
/* Frames start at multiples of this in the ring's logical space. */
#define SHMIF_ALIGN 8u

/*
 * The bus header.  Offsets are logical: byte counts since the bus was
 * created, which only grow; the ring position is the offset modulo
 * sb_ringsize.  Valid frames lie in [sb_first, sb_next), sb_next -
 * sb_first <= sb_ringsize.  A frame becomes visible when sb_next moves
 * past it (the last store of a write), so a writer that dies mid-write
 * leaves nothing half-written in view.
 */
struct shmif_bus_header {
	uint32_t sb_magic;    /* SHMIF_MAGIC */
	uint32_t sb_version;  /* SHMIF_VERSION */
	uint32_t sb_hdrsize;  /* SHMIF_HDR_SIZE: where the ring starts */
	uint32_t sb_ringsize; /* ring bytes, a multiple of SHMIF_ALIGN */
	uint32_t sb_lock;     /* host pid of the holder, 0 when free */
	uint32_t sb_seq;      /* futex word: bumped after every publish */
	uint32_t sb_waiters;  /* readers asleep (or about to be) on sb_seq */
	uint32_t sb_pad0;
	uint64_t sb_first;  /* logical offset of the oldest frame kept */
	uint64_t sb_next;   /* logical offset of the next frame */
	uint64_t sb_frames; /* frames ever published: the bus generation */
	uint64_t sb_steals; /* locks taken over from a dead holder */
};

/* Each frame: this header, then sf_len bytes, then padding to 8. */
struct shmif_frame_header {
	uint32_t sf_len;     /* Ethernet frame bytes that follow */
	uint32_t sf_sender;  /* the writing interface's random nonzero id */
	uint64_t sf_time_ns; /* wall clock at the write, ns since 1970 */
};

/* Bytes a frame of len bytes takes in the ring. */
#define SHMIF_FRAME_SPACE(len)                                                 \
	((uint64_t)sizeof(struct shmif_frame_header) +                         \
	 (((uint64_t)(len) + SHMIF_ALIGN - 1) & ~(uint64_t)(SHMIF_ALIGN - 1)))

/*
 * Writes the frames still on the bus file busfile into the pcap file
 * pcapfile (created or truncated; Ethernet link type, nanosecond
 * timestamps from the frames), oldest first, without disturbing the
 * kernels using the bus.  *nframesp (if not NULL) gets the number of
 * frames written.  Needs no rump kernel.  Returns 0 or a host errno:
 * EINVAL for a file that is not a bus, EIO if a frame on the bus is
 * malformed (those before it are written).
 */
int rump_pub_shmif_dump(const char *busfile, const char *pcapfile,
			uint64_t *nframesp);

#ifdef __cplusplus
}
#endif
#endif
