/*
 * vfs_bio.h -- what the buffer cache's files share: the cache lock and the
 * lists it guards, buffer ownership and release, and the write paths.
 * vfs_bio.c is the cache proper (lookup, getblk, bread, release),
 * vfs_bio_write.c writes buffers back (batches, clusters, the flusher,
 * vflushbuf, vinvalbuf, barriers), vfs_bdev.c opens block devices for
 * mounts.  sys/buf.h has the contract.
 */
#ifndef RUMPKERN_VFS_BIO_H_
#define RUMPKERN_VFS_BIO_H_
#include <sys/buf.h>
#include <sys/devsw.h>

#include "vfs_private.h"

KMEM_TYPE_DECLARE(M_BUF);

/* bc_lock guards every list below, b_flags, and the vnodes' v_bufs. */
extern kmutex_t bc_lock;
/* Broadcast when a buffer is released or a transfer completes. */
extern kcondvar_t bc_cv;
extern struct list_head bc_dirtyq; /* B_DELWRI buffers, oldest first */
extern uint64_t bc_bytes, bc_maxbytes, bc_dirtybytes;
extern uint64_t bc_writing; /* writes in progress */
extern struct bcache_stats bc_stats;

/* b_iodone of the cache's buffers; waiting for them. */
void bc_biodone(struct buf *bp);
int bc_biowait(struct buf *bp);

/* With bc_lock: takes a free buffer (not B_BUSY) for curlwp. */
void bc_acquire(struct buf *bp);
/* With bc_lock: gives up a busy buffer (frees it if invalid). */
void bc_release(struct buf *bp);
/* With bc_lock: frees a buffer that is not busy (or is ours). */
void bc_destroy(struct buf *bp);
/* With bc_lock: marks a busy buffer for writing (B_ASYNC if async). */
void bc_startwrite(struct buf *bp, bool async);

/*
 * With bc_lock, which it drops while writing: writes back, as
 * asynchronous clustered writes, up to maxbytes of the dirty buffers of
 * vp (NULL: of every vnode) that became dirty at or before olderthan and
 * are neither owned nor held.  Returns how many it started.
 */
int bc_flush_batch(struct vnode *vp, uint64_t olderthan, uint64_t maxbytes);
/* Frees the bounce buffers kept for reuse (shutdown). */
void bc_bounce_drain(void);
/* Issues a chain of contiguous busy buffers (b_worknext) as one transfer. */
void bc_issue_chain(struct buf *first, bool read);
/* With bc_lock: wakes the flusher (started on first use). */
void bc_flusher_kick(void);
void bc_flusher_init(void);
int bc_flusher_stop(void);
#endif
