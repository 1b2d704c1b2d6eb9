/*
 * sys/buf.h -- the buffer cache (kern/vfs/vfs_bio.c): blocks of a block
 * device vnode kept in memory, read through bread(), changed in place and
 * written back now (bwrite), soon (bawrite) or later (bdwrite).  File
 * systems reach their disk only through it; the device's vop_strategy
 * moves the data.  The cache is bounded (RUMP_MEMLIMIT), reuses the least
 * recently used clean buffer, and a flusher thread writes delayed buffers
 * back after a while.
 *
 * The contract:
 *
 * - A buffer is named by (vnode, b_blkno); b_blkno counts DEV_BSIZE
 *   (512-byte) units from the start of the device whatever the file
 *   system's block size.  Sizes are multiples of DEV_BSIZE, at most
 *   MAXBSIZE.  A file system uses one size for one blkno; asking for a
 *   cached blkno with another size writes the old buffer back if dirty and
 *   drops it.  Overlapping buffers at different blknos are not kept
 *   coherent: a file system that reads a region at two sizes (the
 *   superblock before the block size is known) releases the first with
 *   B_INVAL set in b_flags.
 * - bread() and getblk() return the buffer owned (B_BUSY) by the calling
 *   thread; any other thread asking for it sleeps until the owner gives it
 *   up with brelse(), bwrite(), bdwrite() or bawrite().  A thread must not
 *   ask for a buffer it owns already.  Between those calls the owner may
 *   read and change b_data[0 .. b_bcount) freely.
 * - getblk() does no I/O for a block it does not have: the contents are
 *   valid only if B_CACHE is set (a caller that overwrites the whole block
 *   need not read it first).  bread() returns valid contents or an error
 *   (and *bpp = NULL); a block beyond the end of the device is EIO.
 * - bwrite() writes and waits, returning the write's error; bawrite()
 *   starts the write and returns; bdwrite() marks the buffer dirty
 *   (B_DELWRI) and writes nothing now.  All three give up ownership; the
 *   contents stay cached and valid even when a write fails.
 * - b_verified is the owner's note that it has checked the contents
 *   (a checksum, a structure walk): 0, or a nonzero tag of the owner's
 *   choosing naming what was checked, so a later reader that finds its own
 *   tag there may skip the check.  Only the owner reads or sets it.  The
 *   cache resets it to 0 whenever the contents may no longer be what was
 *   checked: a new buffer, a read from the device into it, getblk() (its
 *   caller fills the block), and bwrite(), bawrite() and bdwrite() (the
 *   owner changed it).  An owner that changes the contents and releases
 *   the buffer some other way (brelse of a held buffer) resets it itself.
 * - bhold()/bunhold(): a held buffer (a count) is never reused, dropped or
 *   written back by the flusher, vflushbuf() or reuse until unheld: the
 *   journal holds buffers changed by a transaction not yet committed, and
 *   writes them itself (bwrite/bawrite work on held buffers) or unholds
 *   them for normal write-back.  bhold() needs ownership; bunhold() does
 *   not (the holder keeps the pointer, the buffer cannot go away).
 * - Write errors are never dropped: an error of a write that nobody waits
 *   for (bawrite, the flusher, a write-back on reuse) is recorded on the
 *   vnode and returned by the next vflushbuf() (so fsync reports EIO) and
 *   by the next bcache_barrier().
 * - Buffers hold no reference on their vnode.  A vnode leaving the vnode
 *   cache has its buffers written back and dropped first (vinvalbuf); a
 *   file system calls vinvalbuf() on its device at unmount.
 * - Every function returns 0 or a kernel errno; none may be called with
 *   a buffer cache lock held (there is none outside vfs_bio.c).
 */
#ifndef RUMPKERN_SYS_BUF_H_
#define RUMPKERN_SYS_BUF_H_
#include <sys/queue.h>
#include <sys/types.h>

struct vnode;

typedef int64_t daddr_t;

#define DEV_BSHIFT 9
#define DEV_BSIZE (1 << DEV_BSHIFT) /* the unit of b_blkno */
#define MAXBSIZE (64 * 1024)	    /* the largest buffer */
#define MAXPHYS (128 * 1024)	    /* the largest single transfer */

/* Bytes to DEV_BSIZE units and back. */
#define btodb(bytes) ((daddr_t)((uint64_t)(bytes) >> DEV_BSHIFT))
#define dbtob(db) ((uint64_t)(db) << DEV_BSHIFT)

struct buf {
	/* Set by the cache; read by owners and drivers. */
	struct vnode *b_vp; /* the device vnode */
	dev_t b_dev;	    /* the device, for drivers (devsw) */
	daddr_t b_blkno;    /* in DEV_BSIZE units */
	int b_bcount;	    /* bytes of data (the block size) */
	void *b_data;
	int b_resid;	     /* after I/O: bytes not transferred */
	int b_error;	     /* after I/O: 0 or an errno */
	int b_flags;	     /* B_* below */
	uint64_t b_verified; /* the owner's: 0 or what it checked (above) */

	/* The cache's own, under its lock. */
	int b_bufsize;			/* bytes allocated at b_data */
	int b_holds;			/* bhold() count */
	struct lwp *b_owner;		/* the owning lwp, NULL for async I/O */
	uint64_t b_dirtytime;		/* when it became dirty (getnsmono) */
	struct list_node b_hash;	/* the hash chain */
	struct list_node b_lru;		/* the LRU (free, unheld buffers) */
	struct list_node b_dirty;	/* the dirty list (B_DELWRI) */
	struct list_node b_vnbufs;	/* the vnode's buffers */
	struct buf *b_worknext;		/* a batch being written, a cluster */
	void (*b_iodone)(struct buf *); /* biodone calls it if set */
	void *b_private;		/* for b_iodone */
};

/* b_flags.  Owners may set B_INVAL before a release; the rest are the
 * cache's. */
#define B_BUSY 0x0001	 /* owned by a thread or an I/O in progress */
#define B_CACHE 0x0002	 /* b_data holds the block's contents */
#define B_DELWRI 0x0004	 /* dirty: to be written back later */
#define B_INVAL 0x0008	 /* drop the contents at release */
#define B_ERROR 0x0010	 /* the last I/O failed (b_error) */
#define B_READ 0x0020	 /* for vop_strategy: read (else write) */
#define B_ASYNC 0x0040	 /* release when the I/O completes */
#define B_DONE 0x0080	 /* the I/O completed */
#define B_FLUSH 0x0200	 /* for vop_strategy: flush the write cache */
#define B_RAHEAD 0x0400	 /* a read-ahead nobody waits for */
#define B_NOCACHE 0x0800 /* a transfer buffer outside the cache */

/* bread flags. */
#define B_NORAHEAD 0x01 /* no read-ahead for this read */

int bread(struct vnode *vp, daddr_t blkno, int size, int flags,
	  struct buf **bpp);
int getblk(struct vnode *vp, daddr_t blkno, int size, struct buf **bpp);
void brelse(struct buf *bp);
int bwrite(struct buf *bp);
void bdwrite(struct buf *bp);
void bawrite(struct buf *bp);
void bhold(struct buf *bp);
void bunhold(struct buf *bp);

/*
 * Writes every delayed-write buffer of vp that is neither held nor owned
 * (contiguous ones as one request); with wait, waits for them and for
 * every other write in progress on vp and flushes the device's write
 * cache.  Returns the first write error since the last call.
 */
int vflushbuf(struct vnode *vp, bool wait);
/* vflushbuf(vp, true), then drops all of vp's buffers (held: EBUSY). */
int vinvalbuf(struct vnode *vp);
/*
 * Waits until every write issued on devvp has completed, then flushes the
 * device's write cache (RUMPUSER_BIO_SYNC): what was written before is on
 * stable storage.  Returns the first write error since the last barrier.
 */
int bcache_barrier(struct vnode *devvp);

/*
 * Drivers end a transfer with biodone(bp), and wait for one of their own
 * with biowait(): both are in the kernel base (sys/devsw.h).
 */
void biodone(struct buf *bp);
int biowait(struct buf *bp);

/*
 * Block devices for file systems.  bdev_open_mount() looks the device at
 * path up (following links) for a mount: ENOTBLK for anything but a block
 * device, EBUSY if another mount has it open, EROFS when a read-write
 * mount asks for a read-only device.  The vnode comes back referenced,
 * unlocked and marked as mounted.  bdev_close_mount() writes back and
 * drops its buffers (vinvalbuf, whose error it returns), and lets it go.
 */
int bdev_open_mount(const char *path, bool rdonly, struct vnode **devvpp);
int bdev_close_mount(struct vnode *devvp);
/* The size (bytes), sector size and read-only-ness of a block device. */
struct bdev_info {
	uint64_t bi_size;
	uint32_t bi_secsize;
	bool bi_rdonly;
};
int bdev_getinfo(struct vnode *devvp, struct bdev_info *bi);

/* The cache's per-vnode state, in struct vnode, under the cache lock. */
struct vnode_bufs {
	struct list_head vb_list; /* its buffers */
	int64_t vb_count;	  /* how many */
	int64_t vb_numoutput;	  /* writes in progress */
	int vb_fsyncerr;	  /* first write error since vflushbuf */
	int vb_barriererr;	  /* ... since bcache_barrier */
	daddr_t vb_lastr;	  /* the block after the last read */
	int vb_raheadlen;	  /* read-ahead window, in bytes */
	daddr_t vb_ranext;	  /* the first block not read ahead yet */
	bool vb_needflush;	  /* written since the last cache flush */
	daddr_t vb_raend;	  /* a read-ahead failed here (0: none) */
	bool vb_mounted;	  /* opened by bdev_open_mount */
	bool vb_mountrdonly;	  /* ... read-only */
};

/* vfs_bio.c inside the VFS faction: set up and tear down. */
int bcache_init(void);
void bcache_fini(void);
/* A vnode leaves the vnode cache: write back and drop its buffers. */
void bcache_purgevp(struct vnode *vp);
/* Statistics, for tests. */
struct bcache_stats {
	uint64_t bs_bytes, bs_maxbytes; /* data cached, and the bound */
	uint64_t bs_bufs, bs_dirty;
	uint64_t bs_hits, bs_misses, bs_reads, bs_writes, bs_raheads;
	uint64_t bs_clustered; /* writes that carried more than one buffer */
};
void bcache_getstats(struct bcache_stats *st);
#endif
