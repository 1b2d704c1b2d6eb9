/*
 * hostdisk.c -- librumpdev_disk (component "dev_disk"): disks backed by
 * host files, through rumpuser_open and the asynchronous rumpuser_bio.
 * Up to HD_MAXINFLIGHT transfers per disk are in flight; requests beyond
 * that wait in a queue, and when one is dispatched the queued requests
 * adjacent to it (same direction, contiguous) go with it as one host
 * transfer of up to MAXPHYS.  The sector size is 4096 for an image whose
 * GPT is laid out for 4096-byte sectors, else 512; a host file that
 * cannot be opened for writing is a read-only disk.  It offers itself to
 * etfs through the base (hostdisk_register), so that RUMP_ETFS_BLK
 * registrations become disks with partitions.  It counts the host
 * transfers it starts and the requests that went along with another
 * (hostdisk_getstats), and a test may hold every queue (hostdisk_hold)
 * so that requests accumulate and the merging is certain to happen.
 */
#include <rump/rump.h>
#include <rump/rumpuser.h>
#include <sys/atomic.h>
#include <sys/component.h>
#include <sys/kmem.h>
#include <sys/systm.h>

#include "../disk.h"

KMEM_TYPE_DEFINE(M_HOSTDISK, "hostdisk");

#define HD_MAXINFLIGHT 8

struct hd_req {
	struct hd_req *hr_next; /* queue, then the merged group */
	struct buf *hr_bp;
	uint64_t hr_off;
	struct hostdisk *hr_hd;
	char *hr_bounce; /* first of a group of several: its buffer */
	size_t hr_len;	 /* first of a group: the group's bytes */
};

struct hostdisk {
	struct disk hd_disk;
	int hd_fd;
	uint64_t hd_begin;
	kmutex_t hd_lock;   /* the queue and hd_inflight */
	kcondvar_t hd_idle; /* hd_inflight went to 0 */
	struct hd_req *hd_head, **hd_tail;
	int hd_inflight;
	struct list_node hd_node;
};

static kmutex_t hd_listlock;
static struct list_head hd_list = LIST_HEAD_INIT(hd_list);
static int hd_count;
static bool hd_stopping;
static uint64_t hd_issued, hd_merged; /* atomic */
static bool hd_held;		      /* written under hd_listlock */

static int hd_op(const struct buf *bp)
{
	if (bp->b_flags & B_FLUSH)
		return RUMPUSER_BIO_SYNC;
	return (bp->b_flags & B_READ) ? RUMPUSER_BIO_READ : RUMPUSER_BIO_WRITE;
}

static void hd_dispatch(struct hostdisk *hd, bool haveslot);

/* A host transfer ended: finish every request of its group. */
static void hd_done(void *arg, size_t bytes, int error)
{
	struct hd_req *first = arg, *r, *next;
	struct hostdisk *hd = first->hr_hd;
	size_t off = 0;

	for (r = first; r != NULL; r = next) {
		struct buf *bp = r->hr_bp;
		size_t n = (size_t)bp->b_bcount;
		size_t valid = bytes > off ? MIN(bytes - off, n) : 0;

		next = r->hr_next;
		if (first->hr_bounce != NULL && (bp->b_flags & B_READ) &&
		    valid > 0)
			memcpy(bp->b_data, first->hr_bounce + off, valid);
		bp->b_resid = (int)(n - valid);
		bp->b_error = error;
		if (error == 0 && bp->b_resid != 0 && !(bp->b_flags & B_FLUSH))
			bp->b_error = EIO;
		off += n;
		if (r != first)
			kmem_free(r, sizeof(*r), &M_HOSTDISK);
		biodone(bp);
	}
	if (first->hr_bounce != NULL)
		kmem_free(first->hr_bounce, first->hr_len, &M_HOSTDISK);
	kmem_free(first, sizeof(*first), &M_HOSTDISK);
	hd_dispatch(hd, true); /* our slot: to the next, or given back */
}

/*
 * Starts queued requests while there is room in flight.  haveslot: the
 * caller (a completion) holds a slot, which goes to the next request or
 * is given back; then the disk is not touched after the lock is dropped,
 * so that a waiting detach may free it.
 */
static void hd_dispatch(struct hostdisk *hd, bool haveslot)
{
	for (;;) {
		struct hd_req *first, *last;
		size_t len;
		int op, error;

		mutex_enter(&hd->hd_lock);
		if (hd->hd_head == NULL || atomic_load_acquire(&hd_held) ||
		    (!haveslot && hd->hd_inflight >= HD_MAXINFLIGHT)) {
			if (haveslot && --hd->hd_inflight == 0)
				cv_broadcast(&hd->hd_idle);
			mutex_exit(&hd->hd_lock);
			return;
		}
		first = last = hd->hd_head;
		op = hd_op(first->hr_bp);
		len = (size_t)first->hr_bp->b_bcount;
		/* Adjacent requests behind it go along. */
		while (op != RUMPUSER_BIO_SYNC && last->hr_next != NULL &&
		       hd_op(last->hr_next->hr_bp) == op &&
		       last->hr_next->hr_off ==
			       last->hr_off + (uint64_t)last->hr_bp->b_bcount &&
		       len + (size_t)last->hr_next->hr_bp->b_bcount <=
			       MAXPHYS) {
			last = last->hr_next;
			len += (size_t)last->hr_bp->b_bcount;
		}
		if ((hd->hd_head = last->hr_next) == NULL)
			hd->hd_tail = &hd->hd_head;
		last->hr_next = NULL;
		if (!haveslot)
			hd->hd_inflight++;
		haveslot = false;
		mutex_exit(&hd->hd_lock);

		first->hr_len = len;
		if (first->hr_next != NULL &&
		    (first->hr_bounce = kmem_alloc(len, &M_HOSTDISK)) == NULL) {
			/* No bounce buffer: the first alone, the rest back. */
			mutex_enter(&hd->hd_lock);
			last->hr_next = hd->hd_head;
			hd->hd_head = first->hr_next;
			if (last->hr_next == NULL)
				hd->hd_tail = &last->hr_next;
			mutex_exit(&hd->hd_lock);
			first->hr_next = NULL;
			first->hr_len = len = (size_t)first->hr_bp->b_bcount;
		}
		atomic_add(&hd_issued, 1);
		for (struct hd_req *r = first->hr_next; r != NULL;
		     r = r->hr_next)
			atomic_add(&hd_merged, 1);
		if (first->hr_bounce != NULL && op == RUMPUSER_BIO_WRITE) {
			size_t off = 0;
			for (struct hd_req *r = first; r != NULL;
			     r = r->hr_next) {
				memcpy(first->hr_bounce + off, r->hr_bp->b_data,
				       (size_t)r->hr_bp->b_bcount);
				off += (size_t)r->hr_bp->b_bcount;
			}
		}
		error = bio_host_start(hd->hd_fd, op,
				       op == RUMPUSER_BIO_SYNC ? NULL
				       : first->hr_bounce != NULL
					       ? first->hr_bounce
					       : first->hr_bp->b_data,
				       op == RUMPUSER_BIO_SYNC ? 0 : len,
				       (int64_t)(hd->hd_begin + first->hr_off),
				       hd_done, first);
		if (error != 0)
			hd_done(first, 0, error);
	}
}

static void hd_strategy(struct disk *dk, struct buf *bp, uint64_t off)
{
	struct hostdisk *hd = dk->dk_softc;
	struct hd_req *r = kmem_zalloc(sizeof(*r), &M_HOSTDISK);

	if (r == NULL) {
		bp->b_error = ENOMEM;
		bp->b_resid = bp->b_bcount;
		biodone(bp);
		return;
	}
	r->hr_bp = bp;
	r->hr_off = off;
	r->hr_hd = hd;
	mutex_enter(&hd->hd_lock);
	*hd->hd_tail = r;
	hd->hd_tail = &r->hr_next;
	mutex_exit(&hd->hd_lock);
	hd_dispatch(hd, false);
}

static const struct disk_ops hd_diskops = {.do_strategy = hd_strategy};

static void hd_free(struct hostdisk *hd)
{
	rumpuser_close(hd->hd_fd);
	cv_destroy(&hd->hd_idle);
	mutex_destroy(&hd->hd_lock);
	kmem_free(hd, sizeof(*hd), &M_HOSTDISK);
}

static int hd_attach(const char *path, uint64_t begin, uint64_t size,
		     dev_t *devp, dev_t *parts, uint32_t *nums, int *npartsp)
{
	struct hostdisk *hd;
	uint64_t fsize;
	int type, fd, error, n = 0;
	bool rdonly = false;

	if ((error = rumpuser_getfileinfo(path, &fsize, &type)) != 0)
		return error;
	if (type == RUMPUSER_FT_DIR)
		return EISDIR;
	if (begin > fsize)
		return EINVAL;
	error = rumpuser_open(path, RUMPUSER_OPEN_RDWR | RUMPUSER_OPEN_BIO,
			      &fd);
	if (error == EACCES || error == EROFS || error == EPERM) {
		error = rumpuser_open(
			path, RUMPUSER_OPEN_RDONLY | RUMPUSER_OPEN_BIO, &fd);
		rdonly = true;
	}
	if (error != 0)
		return error;
	if ((hd = kmem_zalloc(sizeof(*hd), &M_HOSTDISK)) == NULL) {
		rumpuser_close(fd);
		return ENOMEM;
	}
	mutex_init(&hd->hd_lock, MUTEX_DEFAULT);
	cv_init(&hd->hd_idle, "hdidle");
	hd->hd_tail = &hd->hd_head;
	hd->hd_fd = fd;
	hd->hd_begin = begin;
	hd->hd_disk.dk_ops = &hd_diskops;
	hd->hd_disk.dk_softc = hd;
	hd->hd_disk.dk_rdonly = rdonly;
	hd->hd_disk.dk_size = fsize - begin;
	if (size != RUMP_ETFS_SIZE_ENDOFF)
		hd->hd_disk.dk_size = MIN(size, fsize - begin);
	hd->hd_disk.dk_secsize = 512;
	hd->hd_disk.dk_secsize = disk_probe_secsize(&hd->hd_disk);
	if ((error = disk_attach(&hd->hd_disk)) != 0) {
		hd_free(hd);
		return error;
	}
	*devp = disk_devno(&hd->hd_disk, 0);
	for (int i = 1; i <= hd->hd_disk.dk_nparts && n < *npartsp; i++, n++) {
		parts[n] = disk_devno(&hd->hd_disk, i);
		nums[n] = hd->hd_disk.dk_parts[i].dp_num;
	}
	*npartsp = n;
	mutex_enter(&hd_listlock);
	list_push_back(&hd_list, &hd->hd_node);
	hd_count++;
	mutex_exit(&hd_listlock);
	return 0;
}

static int hd_detach(dev_t dev)
{
	struct hostdisk *hd = NULL;
	bool last;
	int error;

	mutex_enter(&hd_listlock);
	list_foreach(it, &hd_list)
	{
		struct hostdisk *h = list_entry(it, struct hostdisk, hd_node);
		if (disk_devno(&h->hd_disk, 0) == dev)
			hd = h;
	}
	if (hd == NULL) {
		mutex_exit(&hd_listlock);
		return ENXIO;
	}
	if ((error = disk_detach(&hd->hd_disk)) != 0) {
		mutex_exit(&hd_listlock);
		return error;
	}
	list_remove(&hd->hd_node);
	last = --hd_count == 0 && hd_stopping;
	mutex_exit(&hd_listlock);
	/* Nothing is open: a read-ahead may still be on its way. */
	mutex_enter(&hd->hd_lock);
	while (hd->hd_inflight > 0 || hd->hd_head != NULL)
		cv_wait(&hd->hd_idle, &hd->hd_lock);
	mutex_exit(&hd->hd_lock);
	hd_free(hd);
	if (last) {
		mutex_destroy(&hd_listlock);
		hd_stopping = false;
	}
	return 0;
}

void hostdisk_getstats(struct hostdisk_stats *st)
{
	st->hs_issued = atomic_load_relaxed(&hd_issued);
	st->hs_merged = atomic_load_relaxed(&hd_merged);
}

/* Released, every disk's queue is started again (adjacent ones merged). */
void hostdisk_hold(bool hold)
{
	mutex_enter(&hd_listlock);
	atomic_store_release(&hd_held, hold);
	if (!hold) {
		list_foreach(it, &hd_list)
		{
			hd_dispatch(list_entry(it, struct hostdisk, hd_node),
				    false);
		}
	}
	mutex_exit(&hd_listlock);
}

static const struct hostdisk_ops hd_ops = {
	.hd_attach = hd_attach,
	.hd_detach = hd_detach,
};

static int hd_init(void)
{
	mutex_init(&hd_listlock, MUTEX_DEFAULT);
	list_init(&hd_list);
	hd_count = 0;
	hd_stopping = false;
	hd_held = false;
	hostdisk_register(&hd_ops);
	return 0;
}

/* Disks still attached (etfs lets go of them later) outlive the stop. */
static void hd_fini(void)
{
	bool now;

	hostdisk_register(NULL);
	mutex_enter(&hd_listlock);
	now = hd_count == 0;
	hd_stopping = !now;
	mutex_exit(&hd_listlock);
	if (now)
		mutex_destroy(&hd_listlock);
}

static const char *const hd_deps[] = {"dev", NULL};
RUMP_COMPONENT(dev_disk, RUMP_STAGE_DRIVER, hd_deps, hd_init, hd_fini)
