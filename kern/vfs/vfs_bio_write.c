/*
 * vfs_bio_write.c -- writing buffers back: bwrite, bdwrite, bawrite, the
 * batches that vflushbuf, reuse and the flusher thread write (sorted by
 * block, contiguous buffers joined into one transfer of up to MAXPHYS),
 * waiting for writes, device cache flushes and barriers.  An asynchronous
 * write's error is recorded on its vnode and reported by the next
 * vflushbuf and bcache_barrier.  The flusher thread starts with the first
 * delayed write and writes buffers that have been dirty for BC_DIRTY_AGE,
 * or more when dirty buffers fill half of the cache.
 */
#include <sys/kthread.h>
#include <sys/time.h>

#include "vfs_bio.h"

#define BC_FLUSH_PERIOD (NSEC_PER_SEC / 2)
#define BC_DIRTY_AGE (3 * NSEC_PER_SEC)

enum bc_flusher_state { FL_IDLE, FL_STARTING, FL_RUNNING, FL_EXITING };
static enum bc_flusher_state bc_flstate;
static struct lwp *bc_flusher;
static kcondvar_t bc_flushcv;

void bc_startwrite(struct buf *bp, bool async)
{
	struct vnode_bufs *vb = &bp->b_vp->v_bufs;

	KASSERT(mutex_owned(&bc_lock) && (bp->b_flags & B_BUSY));
	if (bp->b_dirty.next != NULL) {
		list_remove(&bp->b_dirty);
		bc_dirtybytes -= (uint64_t)bp->b_bufsize;
	}
	bp->b_flags &= ~(B_DELWRI | B_READ | B_DONE | B_ERROR | B_ASYNC);
	bp->b_flags |= B_CACHE;
	bp->b_verified = 0;
	if (async) {
		bp->b_flags |= B_ASYNC;
		bp->b_owner = NULL;
	}
	bp->b_error = 0;
	bp->b_resid = 0;
	bp->b_worknext = NULL;
	vb->vb_numoutput++;
	vb->vb_needflush = true;
	bc_writing++;
	bc_stats.bs_writes++;
}

int bwrite(struct buf *bp)
{
	int error;

	mutex_enter(&bc_lock);
	bc_startwrite(bp, false);
	mutex_exit(&bc_lock);
	(void)VOP_STRATEGY(bp->b_vp, bp);
	error = bc_biowait(bp);
	if (error == 0 && bp->b_resid != 0)
		error = EIO;
	mutex_enter(&bc_lock);
	bc_release(bp);
	mutex_exit(&bc_lock);
	return error;
}

void bawrite(struct buf *bp)
{
	mutex_enter(&bc_lock);
	bc_startwrite(bp, true);
	mutex_exit(&bc_lock);
	(void)VOP_STRATEGY(bp->b_vp, bp);
}

static void bc_flusher_main(void *arg)
{
	mutex_enter(&bc_lock);
	while (bc_flstate != FL_EXITING) {
		uint64_t now;

		(void)cv_timedwait_ns(&bc_flushcv, &bc_lock, BC_FLUSH_PERIOD);
		if (bc_flstate == FL_EXITING)
			break;
		now = getnsmono();
		if (bc_dirtybytes > bc_maxbytes / 2)
			(void)bc_flush_batch(NULL, UINT64_MAX,
					     bc_dirtybytes - bc_maxbytes / 4);
		else if (now > BC_DIRTY_AGE)
			(void)bc_flush_batch(NULL, now - BC_DIRTY_AGE,
					     UINT64_MAX);
	}
	mutex_exit(&bc_lock);
	kthread_exit(0);
}

/* The flusher starts with the first delayed write: idle kernels have none. */
static void bc_flusher_start(void)
{
	struct lwp *l;
	int error;

	mutex_enter(&bc_lock);
	if (bc_flstate != FL_IDLE) {
		mutex_exit(&bc_lock);
		return;
	}
	bc_flstate = FL_STARTING;
	mutex_exit(&bc_lock);
	error = kthread_create(bc_flusher_main, NULL, KTHREAD_MUSTJOIN, &l,
			       "bioflush");
	mutex_enter(&bc_lock);
	if (error != 0) {
		bc_flstate = FL_IDLE; /* dirty buffers still go at sync */
	} else {
		bc_flusher = l;
		bc_flstate = FL_RUNNING;
	}
	mutex_exit(&bc_lock);
}

void bc_flusher_kick(void)
{
	KASSERT(mutex_owned(&bc_lock));
	cv_broadcast(&bc_flushcv);
}

void bc_flusher_init(void)
{
	cv_init(&bc_flushcv, "bioflush");
	bc_flstate = FL_IDLE;
	bc_flusher = NULL;
}

int bc_flusher_stop(void)
{
	int error = 0;

	mutex_enter(&bc_lock);
	if (bc_flstate == FL_RUNNING) {
		bc_flstate = FL_EXITING;
		cv_broadcast(&bc_flushcv);
		mutex_exit(&bc_lock);
		error = kthread_join(bc_flusher);
		mutex_enter(&bc_lock);
	}
	bc_flstate = FL_IDLE;
	bc_flusher = NULL;
	mutex_exit(&bc_lock);
	cv_destroy(&bc_flushcv);
	return error;
}

void bdwrite(struct buf *bp)
{
	bool start;

	mutex_enter(&bc_lock);
	KASSERT(bp->b_flags & B_BUSY);
	bp->b_flags |= B_DELWRI | B_CACHE;
	bp->b_verified = 0;
	bp->b_flags &= ~B_INVAL;
	if (bp->b_dirty.next == NULL) {
		bp->b_dirtytime = getnsmono();
		list_push_back(&bc_dirtyq, &bp->b_dirty);
		bc_dirtybytes += (uint64_t)bp->b_bufsize;
	}
	if (bc_dirtybytes > bc_maxbytes / 2)
		bc_flusher_kick();
	start = bc_flstate == FL_IDLE;
	bc_release(bp);
	mutex_exit(&bc_lock);
	if (start)
		bc_flusher_start();
}

/* Before: a orders before b (by vnode, then block). */
static bool bc_before(const struct buf *a, const struct buf *b)
{
	if (a->b_vp != b->b_vp)
		return (uintptr_t)a->b_vp < (uintptr_t)b->b_vp;
	return a->b_blkno < b->b_blkno;
}

/* Sorts a b_worknext chain (merge sort). */
static struct buf *bc_sort(struct buf *head)
{
	struct buf *a = NULL, *b = NULL, *next, *out = NULL, **tailp = &out;
	bool toa = true;

	if (head == NULL || head->b_worknext == NULL)
		return head;
	for (; head != NULL; head = next, toa = !toa) {
		next = head->b_worknext;
		if (toa) {
			head->b_worknext = a;
			a = head;
		} else {
			head->b_worknext = b;
			b = head;
		}
	}
	a = bc_sort(a);
	b = bc_sort(b);
	while (a != NULL && b != NULL) {
		struct buf **from = bc_before(b, a) ? &b : &a;

		*tailp = *from;
		tailp = &(*from)->b_worknext;
		*from = (*from)->b_worknext;
	}
	*tailp = a != NULL ? a : b;
	return out;
}

/*
 * Bounce buffers are MAXPHYS bytes whatever the transfer (at most
 * MAXPHYS), and up to BC_NBOUNCE of them are kept for reuse, as many as
 * fit in a sixteenth of the cache's bound (none in a small cache): a
 * fresh host allocation of that size is mapped and faulted in page by
 * page every time.  *allocp is the size to give back to bc_bounce_put.
 */
#define BC_NBOUNCE 32
#define BC_BOUNCE_KEEP(n) ((uint64_t)(n)*MAXPHYS <= bc_maxbytes / 16)
static void *bc_bounce[BC_NBOUNCE];
static int bc_nbounce;

static void *bc_bounce_get(size_t size, size_t *allocp)
{
	void *p = NULL;

	*allocp = size;
	if (size > MAXPHYS || !BC_BOUNCE_KEEP(1))
		return kmem_alloc(size, &M_BUF);
	*allocp = MAXPHYS;
	mutex_enter(&bc_lock);
	if (bc_nbounce > 0)
		p = bc_bounce[--bc_nbounce];
	mutex_exit(&bc_lock);
	return p != NULL ? p : kmem_alloc(MAXPHYS, &M_BUF);
}

static void bc_bounce_put(void *p, size_t alloc)
{
	if (alloc == MAXPHYS) {
		mutex_enter(&bc_lock);
		if (bc_nbounce < BC_NBOUNCE && BC_BOUNCE_KEEP(bc_nbounce + 1)) {
			bc_bounce[bc_nbounce++] = p;
			p = NULL;
		}
		mutex_exit(&bc_lock);
	}
	if (p != NULL)
		kmem_free(p, alloc, &M_BUF);
}

/* At shutdown: the kept bounce buffers go back. */
void bc_bounce_drain(void)
{
	while (bc_nbounce > 0)
		kmem_free(bc_bounce[--bc_nbounce], MAXPHYS, &M_BUF);
}

/* A private transfer carrying a chain of cache buffers. */
struct bc_cluster {
	struct buf cl_buf;
	struct buf *cl_first;
};

static void bc_cluster_done(struct buf *cbp)
{
	struct bc_cluster *cl = container_of(cbp, struct bc_cluster, cl_buf);
	int64_t done = cbp->b_bcount - cbp->b_resid, off = 0;
	bool read = (cbp->b_flags & B_READ) != 0;
	struct buf *bp, *next;

	for (bp = cl->cl_first; bp != NULL; bp = next) {
		int64_t n = bp->b_bcount;
		int64_t valid = MIN(MAX(done - off, 0), n);

		next = bp->b_worknext;
		bp->b_worknext = NULL;
		if (read && valid > 0)
			memcpy(bp->b_data, (char *)cbp->b_data + off,
			       (size_t)valid);
		bp->b_error = cbp->b_error;
		bp->b_resid = (int)(n - valid);
		if (bp->b_error == 0 && !read && bp->b_resid != 0)
			bp->b_error = EIO;
		off += n;
		biodone(bp); /* bp may belong to another thread after this */
	}
	bc_bounce_put(cbp->b_data, (size_t)cbp->b_bufsize);
	kmem_free(cl, sizeof(*cl), &M_BUF);
}

void bc_issue_chain(struct buf *first, bool read)
{
	struct bc_cluster *cl;
	struct buf *bp, *next;
	int64_t total = 0, off = 0;
	size_t alloc = 0;
	char *data = NULL;

	if (first->b_worknext == NULL) {
		(void)VOP_STRATEGY(first->b_vp, first);
		return;
	}
	for (bp = first; bp != NULL; bp = bp->b_worknext)
		total += bp->b_bcount;
	if ((cl = kmem_zalloc(sizeof(*cl), &M_BUF)) == NULL ||
	    (data = bc_bounce_get((size_t)total, &alloc)) == NULL) {
		/* No memory for a bounce buffer: one transfer each. */
		if (cl != NULL)
			kmem_free(cl, sizeof(*cl), &M_BUF);
		for (bp = first; bp != NULL; bp = next) {
			next = bp->b_worknext;
			bp->b_worknext = NULL;
			(void)VOP_STRATEGY(bp->b_vp, bp);
		}
		return;
	}
	if (!read) {
		for (bp = first; bp != NULL; bp = bp->b_worknext) {
			memcpy(data + off, bp->b_data, (size_t)bp->b_bcount);
			off += bp->b_bcount;
		}
	}
	cl->cl_first = first;
	cl->cl_buf.b_vp = first->b_vp;
	cl->cl_buf.b_blkno = first->b_blkno;
	cl->cl_buf.b_bcount = (int)total;
	cl->cl_buf.b_bufsize = (int)alloc;
	cl->cl_buf.b_data = data;
	cl->cl_buf.b_flags = B_BUSY | B_NOCACHE | B_ASYNC | (read ? B_READ : 0);
	cl->cl_buf.b_iodone = bc_cluster_done;
	mutex_enter(&bc_lock);
	bc_stats.bs_clustered++;
	mutex_exit(&bc_lock);
	(void)VOP_STRATEGY(cl->cl_buf.b_vp, &cl->cl_buf);
}

int bc_flush_batch(struct vnode *vp, uint64_t olderthan, uint64_t maxbytes)
{
	struct buf *head = NULL, **tailp = &head, *bp;
	uint64_t bytes = 0;
	int n = 0;

	KASSERT(mutex_owned(&bc_lock));
	list_foreach_safe(it, &bc_dirtyq)
	{
		bp = list_entry(it, struct buf, b_dirty);
		if (bp->b_dirtytime > olderthan)
			break; /* the queue is in dirtying order */
		if ((vp != NULL && bp->b_vp != vp) || (bp->b_flags & B_BUSY) ||
		    bp->b_holds > 0)
			continue;
		bc_acquire(bp);
		bc_startwrite(bp, true);
		*tailp = bp;
		tailp = &bp->b_worknext;
		n++;
		if ((bytes += (uint64_t)bp->b_bcount) >= maxbytes)
			break;
	}
	if (n == 0)
		return 0;
	mutex_exit(&bc_lock);
	head = bc_sort(head);
	while (head != NULL) {
		struct buf *first = head, *last = head;
		int64_t run = head->b_bcount;

		while ((bp = last->b_worknext) != NULL &&
		       bp->b_vp == last->b_vp &&
		       bp->b_blkno == last->b_blkno + btodb(last->b_bcount) &&
		       run + bp->b_bcount <= MAXPHYS) {
			run += bp->b_bcount;
			last = bp;
		}
		head = last->b_worknext;
		last->b_worknext = NULL;
		bc_issue_chain(first, false);
	}
	mutex_enter(&bc_lock);
	return n;
}

/* Flushes the device's write cache: what it acknowledged is stable. */
static int bc_flushcache(struct vnode *vp)
{
	struct buf b;

	memset(&b, 0, sizeof(b));
	b.b_vp = vp;
	b.b_flags = B_BUSY | B_FLUSH | B_NOCACHE;
	b.b_iodone = bc_biodone;
	(void)VOP_STRATEGY(vp, &b);
	return bc_biowait(&b);
}

int vflushbuf(struct vnode *vp, bool wait)
{
	struct vnode_bufs *vb = &vp->v_bufs;
	bool needflush;
	int error;

	mutex_enter(&bc_lock);
	(void)bc_flush_batch(vp, UINT64_MAX, UINT64_MAX);
	if (wait)
		while (vb->vb_numoutput > 0)
			cv_wait(&bc_cv, &bc_lock);
	error = vb->vb_fsyncerr;
	vb->vb_fsyncerr = 0;
	needflush = wait && vb->vb_needflush;
	if (needflush)
		vb->vb_needflush = false;
	mutex_exit(&bc_lock);
	if (needflush) {
		int ferr = bc_flushcache(vp);
		if (error == 0)
			error = ferr;
	}
	return error;
}

int bcache_barrier(struct vnode *devvp)
{
	struct vnode_bufs *vb = &devvp->v_bufs;
	int error, ferr;

	mutex_enter(&bc_lock);
	while (vb->vb_numoutput > 0)
		cv_wait(&bc_cv, &bc_lock);
	error = vb->vb_barriererr;
	vb->vb_barriererr = 0;
	vb->vb_needflush = false;
	mutex_exit(&bc_lock);
	ferr = bc_flushcache(devvp);
	return error != 0 ? error : ferr;
}

int vinvalbuf(struct vnode *vp)
{
	struct vnode_bufs *vb = &vp->v_bufs;
	int error = vflushbuf(vp, true), held;

	mutex_enter(&bc_lock);
restart:
	held = 0;
	if (vb->vb_count > 0) {
		list_foreach_safe(it, &vb->vb_list)
		{
			struct buf *bp = list_entry(it, struct buf, b_vnbufs);

			if (bp->b_flags & B_BUSY) {
				cv_wait(&bc_cv, &bc_lock);
				goto restart;
			}
			if (bp->b_holds > 0) {
				held++;
				continue;
			}
			if (bp->b_flags & B_DELWRI) {
				/* Dirtied since the flush above. */
				int werr;

				bc_acquire(bp);
				mutex_exit(&bc_lock);
				werr = bwrite(bp);
				if (error == 0)
					error = werr;
				mutex_enter(&bc_lock);
				goto restart;
			}
			bc_destroy(bp);
		}
	}
	mutex_exit(&bc_lock);
	if (held > 0 && error == 0)
		error = EBUSY;
	return error;
}

void bcache_purgevp(struct vnode *vp)
{
	int error;

	mutex_enter(&bc_lock);
	if (vp->v_bufs.vb_count == 0 && vp->v_bufs.vb_numoutput == 0) {
		mutex_exit(&bc_lock);
		return;
	}
	mutex_exit(&bc_lock);
	if ((error = vinvalbuf(vp)) != 0)
		printf("bio: buffers of a vnode leaving the cache: error %d\n",
		       error);
	KASSERTMSG(vp->v_bufs.vb_count == 0,
		   "bio: a vnode left the cache with held buffers");
}
