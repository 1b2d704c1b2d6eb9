/*
 * vfs_bio.c -- the buffer cache proper: a hash of (vnode, blkno) buffers,
 * an LRU list of the free ones, bread/getblk/brelse and the completion of
 * transfers.  Buffer data is kernel memory counted against a bound (a
 * quarter of RUMP_MEMLIMIT, or BC_DEFAULT_MAX without one); a new buffer
 * beyond the bound reuses the least recently used clean one, or has the
 * oldest dirty ones written back and waits for them.  Sequential reads
 * start a growing read-ahead, issued with the demanded block as one
 * transfer.  The contract is in sys/buf.h; writing back is vfs_bio_write.c.
 */
#include <sys/time.h>

#include "vfs_bio.h"

KMEM_TYPE_DEFINE(M_BUF, "buf");

#define BC_DEFAULT_MAX (256ULL << 20) /* without RUMP_MEMLIMIT */
#define BC_MIN_MAX (64ULL << 10)
#define BC_BUFOVERHEAD ((uint64_t)sizeof(struct buf))
/* The largest read-ahead window, issued as transfers of MAXPHYS. */
#define BC_RAHEAD_MAX (1024ULL * 1024)
#define BC_RAHEAD_CHAINS ((int)(BC_RAHEAD_MAX / MAXPHYS) + 2)

kmutex_t bc_lock;
kcondvar_t bc_cv;
struct list_head bc_dirtyq;
uint64_t bc_bytes, bc_maxbytes, bc_dirtybytes, bc_writing;
struct bcache_stats bc_stats;

static struct list_head *bc_hash;
static uint64_t bc_hashmask;
static struct list_head bc_lru; /* free and unheld, least recent first */

static struct list_head *bc_bucket(struct vnode *vp, daddr_t blkno)
{
	uint64_t h = ((uint64_t)(uintptr_t)vp >> 6) ^
		     ((uint64_t)blkno * 0x9e3779b97f4a7c15ULL);

	return &bc_hash[(h ^ (h >> 29)) & bc_hashmask];
}

static struct buf *bc_lookup(struct vnode *vp, daddr_t blkno)
{
	list_foreach(it, bc_bucket(vp, blkno))
	{
		struct buf *bp = list_entry(it, struct buf, b_hash);
		if (bp->b_vp == vp && bp->b_blkno == blkno)
			return bp;
	}
	return NULL;
}

void bc_acquire(struct buf *bp)
{
	KASSERT(mutex_owned(&bc_lock) && !(bp->b_flags & B_BUSY));
	bp->b_flags |= B_BUSY;
	bp->b_owner = curlwp;
	if (bp->b_lru.next != NULL)
		list_remove(&bp->b_lru);
}

void bc_destroy(struct buf *bp)
{
	struct vnode_bufs *vb = &bp->b_vp->v_bufs;

	KASSERT(mutex_owned(&bc_lock) && bp->b_holds == 0);
	list_remove(&bp->b_hash);
	list_remove(&bp->b_vnbufs);
	vb->vb_count--;
	if (bp->b_lru.next != NULL)
		list_remove(&bp->b_lru);
	if (bp->b_dirty.next != NULL) {
		list_remove(&bp->b_dirty);
		bc_dirtybytes -= (uint64_t)bp->b_bufsize;
	}
	bc_bytes -= (uint64_t)bp->b_bufsize + BC_BUFOVERHEAD;
	bc_stats.bs_bufs--;
	kmem_free(bp->b_data, (size_t)bp->b_bufsize, &M_BUF);
	kmem_free(bp, sizeof(*bp), &M_BUF);
}

void bc_release(struct buf *bp)
{
	KASSERT(mutex_owned(&bc_lock) && (bp->b_flags & B_BUSY));
	bp->b_flags &= ~(B_BUSY | B_ASYNC | B_READ | B_DONE | B_RAHEAD);
	bp->b_owner = NULL;
	if ((bp->b_flags & B_INVAL) && bp->b_holds == 0) {
		bc_destroy(bp);
	} else if (!(bp->b_flags & (B_CACHE | B_DELWRI)) && bp->b_holds == 0) {
		bc_destroy(bp); /* nothing worth keeping */
	} else {
		bp->b_flags &= ~B_INVAL;
		if (bp->b_holds == 0)
			list_push_back(&bc_lru, &bp->b_lru);
	}
	cv_broadcast(&bc_cv);
}

/* A new busy buffer for (vp, blkno), or NULL; with bc_lock. */
static struct buf *bc_create(struct vnode *vp, daddr_t blkno, int size)
{
	struct buf *bp = kmem_zalloc(sizeof(*bp), &M_BUF);

	if (bp == NULL)
		return NULL;
	if ((bp->b_data = kmem_alloc((size_t)size, &M_BUF)) == NULL) {
		kmem_free(bp, sizeof(*bp), &M_BUF);
		return NULL;
	}
	bp->b_vp = vp;
	bp->b_blkno = blkno;
	bp->b_bcount = bp->b_bufsize = size;
	bp->b_flags = B_BUSY;
	bp->b_owner = curlwp;
	bp->b_iodone = bc_biodone;
	list_push_back(bc_bucket(vp, blkno), &bp->b_hash);
	if (vp->v_bufs.vb_count++ == 0)
		list_init(&vp->v_bufs.vb_list);
	list_push_back(&vp->v_bufs.vb_list, &bp->b_vnbufs);
	bc_bytes += (uint64_t)size + BC_BUFOVERHEAD;
	bc_stats.bs_bufs++;
	return bp;
}

/*
 * With bc_lock: frees clean LRU buffers until size more bytes fit.  When
 * only dirty ones are left it starts writing the oldest back and, if
 * wait, waits for a transfer to end.  0: room now (the lock was held
 * throughout); EAGAIN: the lock was dropped, look again; ENOMEM: no room
 * without waiting (!wait), or nothing at all can be freed.
 */
static int bc_makeroom(int size, bool wait)
{
	uint64_t need = (uint64_t)size + BC_BUFOVERHEAD;
	struct list_node *it, *next;

	for (it = bc_lru.n.next;
	     bc_bytes + need > bc_maxbytes && it != &bc_lru.n; it = next) {
		struct buf *bp = list_entry(it, struct buf, b_lru);

		next = it->next;
		if (!(bp->b_flags & B_DELWRI))
			bc_destroy(bp);
	}
	if (bc_bytes + need <= bc_maxbytes)
		return 0;
	if (!wait)
		return ENOMEM;
	if (bc_flush_batch(NULL, UINT64_MAX, MAXPHYS * 4) > 0)
		return EAGAIN;
	if (bc_writing > 0 || !list_empty(&bc_lru)) {
		/* Writes in progress, or buffers owned by others: wait. */
		if (cv_timedwait_ns(&bc_cv, &bc_lock, NSEC_PER_SEC / 10) == 0)
			return EAGAIN;
	}
	return 0; /* everything is busy or held: try memory past the bound */
}

/*
 * The buffer for (vp, blkno), owned by the caller: the cached one
 * (waiting while another thread owns it) or a new one without contents.
 */
static int bc_getblk(struct vnode *vp, daddr_t blkno, int size,
		     struct buf **bpp)
{
	struct buf *bp;
	int error;

	mutex_enter(&bc_lock);
	for (;;) {
		if ((bp = bc_lookup(vp, blkno)) != NULL) {
			if (bp->b_flags & B_BUSY) {
				KASSERTMSG(bp->b_owner != curlwp ||
						   bp->b_owner == NULL,
					   "getblk: buffer already owned");
				cv_wait(&bc_cv, &bc_lock);
				continue;
			}
			bc_acquire(bp);
			if (bp->b_bcount == size)
				break;
			/* Another size: write it back, then drop it. */
			if (bp->b_flags & B_DELWRI) {
				mutex_exit(&bc_lock);
				(void)bwrite(bp);
				mutex_enter(&bc_lock);
			} else {
				bp->b_flags |= B_INVAL;
				bc_release(bp);
			}
			continue;
		}
		if ((error = bc_makeroom(size, true)) == EAGAIN)
			continue;
		if ((bp = bc_create(vp, blkno, size)) == NULL) {
			mutex_exit(&bc_lock);
			return ENOMEM;
		}
		break;
	}
	mutex_exit(&bc_lock);
	*bpp = bp;
	return 0;
}

static int bc_checkargs(struct vnode *vp, daddr_t blkno, int size)
{
	if (vp == NULL || blkno < 0 || size <= 0 || size > MAXBSIZE ||
	    size % DEV_BSIZE != 0 ||
	    blkno > INT64_MAX / DEV_BSIZE - MAXBSIZE / DEV_BSIZE)
		return EINVAL;
	return 0;
}

int getblk(struct vnode *vp, daddr_t blkno, int size, struct buf **bpp)
{
	int error;

	*bpp = NULL;
	if ((error = bc_checkargs(vp, blkno, size)) != 0)
		return error;
	if ((error = bc_getblk(vp, blkno, size, bpp)) == 0)
		(*bpp)->b_verified = 0; /* the caller fills it */
	return error;
}

/*
 * With bc_lock: the read-ahead behind a read of [blkno, blkno+size) of
 * vp, chained on bp (the demanded block, busy, or NULL on a hit): new
 * busy buffers for the blocks that follow, up to the vnode's window and
 * up to the first cached one, as chains of at most MAXPHYS each.  The
 * chains' first buffers go to heads (bp's chain first); returns how
 * many.  Only clean buffers are reused for it.
 */
static int bc_readahead(struct vnode *vp, daddr_t blkno, int size,
			struct buf *bp, struct buf **heads)
{
	struct vnode_bufs *vb = &vp->v_bufs;
	daddr_t next = blkno + btodb(size);
	struct buf *last = bp, *nbp;
	uint64_t chain = bp != NULL ? (uint64_t)size : 0;
	int window, ahead = 0, n = 0;

	if (bp != NULL)
		heads[n++] = bp;
	if (blkno != vb->vb_lastr || size > MAXPHYS / 2) {
		vb->vb_raheadlen = 0;
		vb->vb_lastr = next;
		vb->vb_ranext = 0;
		return n;
	}
	window = vb->vb_raheadlen == 0 ? 2 * size : 2 * vb->vb_raheadlen;
	window =
		(int)MIN((uint64_t)window, MIN(BC_RAHEAD_MAX, bc_maxbytes / 8));
	vb->vb_raheadlen = window;
	vb->vb_lastr = next;
	/*
	 * On a hit, the blocks before vb_ranext were read ahead already:
	 * nothing to look up while that is more than half a window away.
	 */
	if (bp == NULL && vb->vb_ranext > next &&
	    vb->vb_ranext - next < btodb(2 * BC_RAHEAD_MAX)) {
		if (dbtob(vb->vb_ranext - next) > (uint64_t)window / 2)
			return n;
		ahead = (int)dbtob(vb->vb_ranext - next);
		ahead -= ahead % size;
		next += btodb(ahead);
	}
	/*
	 * On a hit, read ahead only when the first missing block is less
	 * than half a window away, and then a whole window from it, so
	 * that the transfers are under way before the reader gets there.
	 */
	for (int limit = window; ahead + size <= limit;
	     ahead += size, next += btodb(size)) {
		if (bc_lookup(vp, next) != NULL) {
			if (last == NULL)
				continue;
			break;
		}
		if (vb->vb_raend != 0 && next >= vb->vb_raend)
			break;
		if (last == NULL) {
			if (ahead > window / 2)
				break;
			limit = ahead + window;
		}
		if (n == BC_RAHEAD_CHAINS && chain + (uint64_t)size > MAXPHYS)
			break;
		if (bc_makeroom(size, false) != 0 ||
		    (nbp = bc_create(vp, next, size)) == NULL)
			break;
		nbp->b_owner = NULL;
		nbp->b_flags |= B_READ | B_ASYNC | B_RAHEAD;
		bc_stats.bs_raheads++;
		/* Every block after the first follows the one before. */
		if (last != NULL && chain + (uint64_t)size <= MAXPHYS) {
			last->b_worknext = nbp;
			chain += (uint64_t)size;
		} else {
			heads[n++] = nbp;
			chain = (uint64_t)size;
		}
		last = nbp;
	}
	vb->vb_ranext = next; /* everything before is cached or coming */
	return n;
}

int bread(struct vnode *vp, daddr_t blkno, int size, int flags,
	  struct buf **bpp)
{
	struct buf *bp, *heads[BC_RAHEAD_CHAINS];
	int nheads = 0;
	bool chained;
	int error;

	*bpp = NULL;
	if ((error = bc_checkargs(vp, blkno, size)) != 0)
		return error;
	if ((error = bc_getblk(vp, blkno, size, &bp)) != 0)
		return error;
	mutex_enter(&bc_lock);
	if (bp->b_flags & B_CACHE) {
		bc_stats.bs_hits++;
		if (!(flags & B_NORAHEAD))
			nheads = bc_readahead(vp, blkno, size, NULL, heads);
		mutex_exit(&bc_lock);
		for (int i = 0; i < nheads; i++)
			bc_issue_chain(heads[i], true);
		*bpp = bp;
		return 0;
	}
	bc_stats.bs_misses++;
	bc_stats.bs_reads++;
	bp->b_flags &= ~(B_DONE | B_ERROR);
	bp->b_flags |= B_READ;
	bp->b_worknext = NULL;
	bp->b_verified = 0;
	bp->b_error = 0;
	bp->b_resid = 0;
	heads[0] = bp;
	nheads = 1;
	if (!(flags & B_NORAHEAD))
		nheads = bc_readahead(vp, blkno, size, bp, heads);
	chained = bp->b_worknext != NULL;
	mutex_exit(&bc_lock);
	for (int i = 0; i < nheads; i++)
		bc_issue_chain(heads[i], true);
	error = bc_biowait(bp);
	mutex_enter(&bc_lock);
	if (error == 0 && bp->b_resid != 0)
		error = EIO;
	if (error != 0 && chained) {
		/* The read-ahead may have run past the end: alone again. */
		bp->b_flags &= ~(B_DONE | B_ERROR);
		bp->b_error = bp->b_resid = 0;
		mutex_exit(&bc_lock);
		(void)VOP_STRATEGY(vp, bp);
		error = bc_biowait(bp);
		mutex_enter(&bc_lock);
		if (error == 0 && bp->b_resid != 0)
			error = EIO;
	}
	if (error != 0) {
		bp->b_flags |= B_INVAL;
		bc_release(bp);
		mutex_exit(&bc_lock);
		return error;
	}
	bp->b_flags &= ~(B_READ | B_DONE);
	bp->b_flags |= B_CACHE;
	mutex_exit(&bc_lock);
	*bpp = bp;
	return 0;
}

void brelse(struct buf *bp)
{
	mutex_enter(&bc_lock);
	bc_release(bp);
	mutex_exit(&bc_lock);
}

void bhold(struct buf *bp)
{
	mutex_enter(&bc_lock);
	KASSERT(bp->b_flags & B_BUSY);
	bp->b_holds++;
	mutex_exit(&bc_lock);
}

void bunhold(struct buf *bp)
{
	mutex_enter(&bc_lock);
	KASSERT(bp->b_holds > 0);
	if (--bp->b_holds == 0 && !(bp->b_flags & B_BUSY)) {
		if (bp->b_flags & (B_CACHE | B_DELWRI))
			list_push_back(&bc_lru, &bp->b_lru);
		else
			bc_destroy(bp);
		cv_broadcast(&bc_cv);
	}
	mutex_exit(&bc_lock);
}

/*
 * The end of a transfer.  A waiter (bwrite, bread) is woken; an
 * asynchronous one completes here: a failed read-ahead is dropped, a
 * failed write leaves the contents valid and records its error on the
 * vnode for vflushbuf and bcache_barrier.
 */
void bc_biodone(struct buf *bp)
{
	struct vnode_bufs *vb = &bp->b_vp->v_bufs;

	mutex_enter(&bc_lock);
	bp->b_flags |= B_DONE;
	if (bp->b_error != 0)
		bp->b_flags |= B_ERROR;
	if (!(bp->b_flags & (B_READ | B_FLUSH | B_NOCACHE))) {
		bc_writing--;
		if (--vb->vb_numoutput == 0)
			cv_broadcast(&bc_cv);
	}
	if (bp->b_flags & B_ASYNC) {
		if (bp->b_flags & B_READ) {
			if (bp->b_error != 0 || bp->b_resid != 0) {
				bp->b_flags |= B_INVAL;
				/* Past the end of the device, most likely:
				 * read no further ahead than this. */
				if (vb->vb_raend == 0 ||
				    bp->b_blkno < vb->vb_raend)
					vb->vb_raend = bp->b_blkno;
			} else
				bp->b_flags |= B_CACHE;
		} else if (bp->b_error != 0) {
			if (vb->vb_fsyncerr == 0)
				vb->vb_fsyncerr = bp->b_error;
			if (vb->vb_barriererr == 0)
				vb->vb_barriererr = bp->b_error;
			printf("bio: write of block %lld failed: error %d\n",
			       (long long)bp->b_blkno, bp->b_error);
		}
		bc_release(bp);
	}
	cv_broadcast(&bc_cv);
	mutex_exit(&bc_lock);
}

int bc_biowait(struct buf *bp)
{
	mutex_enter(&bc_lock);
	while (!(bp->b_flags & B_DONE))
		cv_wait(&bc_cv, &bc_lock);
	mutex_exit(&bc_lock);
	return bp->b_error;
}

int VOP_STRATEGY(struct vnode *vp, struct buf *bp)
{
	if (vp->v_op->vop_strategy == NULL && vp->v_type == VBLK)
		return spec_strategy(vp, bp);
	if (vp->v_op->vop_strategy == NULL) {
		bp->b_error = ENXIO;
		bp->b_resid = bp->b_bcount;
		biodone(bp);
		return ENXIO;
	}
	return vp->v_op->vop_strategy(vp, bp);
}

void bcache_getstats(struct bcache_stats *st)
{
	mutex_enter(&bc_lock);
	*st = bc_stats;
	st->bs_bytes = bc_bytes;
	st->bs_maxbytes = bc_maxbytes;
	st->bs_dirty = bc_dirtybytes;
	mutex_exit(&bc_lock);
}

int bcache_init(void)
{
	uint64_t limit = kmem_limit(), nbuckets = 64;

	bc_maxbytes = limit != 0 ? MAX(limit / 4, BC_MIN_MAX) : BC_DEFAULT_MAX;
	while (nbuckets < 65536 && nbuckets * 4096 < bc_maxbytes)
		nbuckets *= 2;
	if (limit != 0)
		nbuckets =
			MIN(nbuckets, MAX(limit / 256 / sizeof(*bc_hash), 64));
	bc_hash = kmem_alloc(nbuckets * sizeof(*bc_hash), &M_BUF);
	if (bc_hash == NULL)
		return ENOMEM;
	for (uint64_t i = 0; i < nbuckets; i++)
		list_init(&bc_hash[i]);
	bc_hashmask = nbuckets - 1;
	mutex_init(&bc_lock, MUTEX_DEFAULT);
	cv_init(&bc_cv, "bcache");
	list_init(&bc_lru);
	list_init(&bc_dirtyq);
	bc_flusher_init();
	bc_bytes = bc_dirtybytes = bc_writing = 0;
	memset(&bc_stats, 0, sizeof(bc_stats));
	return 0;
}

/* Shutdown: every vnode is gone, so every buffer went with it. */
void bcache_fini(void)
{
	(void)bc_flusher_stop();
	bc_bounce_drain();
	KASSERTMSG(bc_stats.bs_bufs == 0, "bcache_fini: %llu buffers left",
		   (unsigned long long)bc_stats.bs_bufs);
	cv_destroy(&bc_cv);
	mutex_destroy(&bc_lock);
	kmem_free(bc_hash, (bc_hashmask + 1) * sizeof(*bc_hash), &M_BUF);
	bc_hash = NULL;
}
