/*
 * disk.c -- the dev faction (component "dev"): the disk framework and its
 * block driver "disk" in the device switch.  Disks are numbered units;
 * a device number names a unit and a partition index.  open/close count
 * users per partition (detach is EBUSY while any is open), strategy
 * checks that a transfer lies inside the partition and hands it to the
 * backend at the disk offset; a read of part of a sector (512-byte units
 * on a 4096-byte-sector disk) reads the whole sectors into a bounce
 * buffer, a write of part of one is EINVAL.  The faction may stop before the
 * VFS lets go of its disks at shutdown: then it stays usable until the
 * last disk is detached, and that detach frees what is left.
 */
#include <sys/atomic.h>
#include <sys/component.h>
#include <sys/kmem.h>
#include <sys/systm.h>

#include "disk.h"

KMEM_TYPE_DEFINE(M_DISK, "disk");

#define DISK_MAXUNITS 1024

static kmutex_t disk_lock; /* disk_list, units, dk_parts[].dp_opens */
static struct list_head disk_list = LIST_HEAD_INIT(disk_list);
static int disk_ndisks, disk_major = -1;
static bool disk_running, disk_stopping;

static void disk_teardown(void);

/* With disk_lock: the disk and partition index of dev, or NULL. */
static struct disk *disk_lookup(dev_t dev, int *idxp)
{
	uint32_t m = minor(dev);
	int unit = (int)(m / DISK_MAXPARTS), idx = (int)(m % DISK_MAXPARTS);

	list_foreach(it, &disk_list)
	{
		struct disk *dk = list_entry(it, struct disk, dk_node);
		if (dk->dk_unit == unit) {
			if (idx > dk->dk_nparts)
				return NULL;
			*idxp = idx;
			return dk;
		}
	}
	return NULL;
}

static int disk_open(dev_t dev, int flags)
{
	struct disk *dk;
	int idx, error = 0;

	mutex_enter(&disk_lock);
	if ((dk = disk_lookup(dev, &idx)) == NULL)
		error = ENXIO;
	else if ((flags & FWRITE) && dk->dk_rdonly)
		error = EROFS;
	else
		dk->dk_parts[idx].dp_opens++;
	mutex_exit(&disk_lock);
	return error;
}

static int disk_close(dev_t dev, int flags)
{
	struct disk *dk;
	int idx;

	mutex_enter(&disk_lock);
	if ((dk = disk_lookup(dev, &idx)) != NULL &&
	    dk->dk_parts[idx].dp_opens > 0)
		dk->dk_parts[idx].dp_opens--;
	mutex_exit(&disk_lock);
	return 0;
}

/* A read of part of a sector: the whole sectors, then the part asked. */
struct disk_bounce {
	struct buf db_buf;
	struct buf *db_orig;
	size_t db_skip;
};

static void disk_bounce_done(struct buf *b)
{
	struct disk_bounce *db = container_of(b, struct disk_bounce, db_buf);
	struct buf *bp = db->db_orig;

	bp->b_error = b->b_error;
	bp->b_resid = bp->b_bcount;
	if (b->b_error == 0 && b->b_resid == 0) {
		memcpy(bp->b_data, (char *)b->b_data + db->db_skip,
		       (size_t)bp->b_bcount);
		bp->b_resid = 0;
	} else if (bp->b_error == 0) {
		bp->b_error = EIO;
	}
	kmem_free(b->b_data, (size_t)b->b_bcount, &M_DISK);
	kmem_free(db, sizeof(*db), &M_DISK);
	biodone(bp);
}

static int disk_read_partial(struct disk *dk, struct buf *bp, uint64_t start,
			     uint64_t off)
{
	uint64_t ss = dk->dk_secsize, a = off / ss * ss;
	uint64_t len = roundup(off + (uint64_t)bp->b_bcount, ss) - a;
	struct disk_bounce *db = kmem_zalloc(sizeof(*db), &M_DISK);

	if (db == NULL || len > INT32_MAX ||
	    (db->db_buf.b_data = kmem_alloc((size_t)len, &M_DISK)) == NULL) {
		if (db != NULL)
			kmem_free(db, sizeof(*db), &M_DISK);
		bp->b_error = ENOMEM;
		bp->b_resid = bp->b_bcount;
		biodone(bp);
		return ENOMEM;
	}
	db->db_orig = bp;
	db->db_skip = (size_t)(off - a);
	db->db_buf.b_bcount = (int)len;
	db->db_buf.b_blkno = btodb(a);
	db->db_buf.b_dev = bp->b_dev;
	db->db_buf.b_flags = B_BUSY | B_READ | B_NOCACHE;
	db->db_buf.b_iodone = disk_bounce_done;
	dk->dk_ops->do_strategy(dk, &db->db_buf, start + a);
	return 0;
}

static int disk_strategy(struct buf *bp)
{
	struct disk *dk;
	uint64_t start = 0, size = 0, off = dbtob(bp->b_blkno);
	int idx, error = 0;

	mutex_enter(&disk_lock);
	if ((dk = disk_lookup(bp->b_dev, &idx)) == NULL) {
		error = ENXIO;
	} else {
		start = dk->dk_parts[idx].dp_start;
		size = dk->dk_parts[idx].dp_size;
	}
	mutex_exit(&disk_lock);
	if (error == 0 && !(bp->b_flags & B_FLUSH)) {
		if (bp->b_blkno < 0 || bp->b_bcount < 0 || off > size ||
		    (uint64_t)bp->b_bcount > size - off)
			error = EIO; /* outside the partition */
		else if ((off % dk->dk_secsize != 0 ||
			  bp->b_bcount % dk->dk_secsize != 0) &&
			 !(bp->b_flags & B_READ))
			error = EINVAL; /* a write of part of a sector */
		else if (!(bp->b_flags & B_READ) && dk->dk_rdonly)
			error = EROFS;
	}
	if (error != 0) {
		bp->b_error = error;
		bp->b_resid = bp->b_bcount;
		biodone(bp);
		return error;
	}
	if (!(bp->b_flags & B_FLUSH) &&
	    (off % dk->dk_secsize != 0 || bp->b_bcount % dk->dk_secsize != 0))
		return disk_read_partial(dk, bp, start, off);
	dk->dk_ops->do_strategy(dk, bp, start + off);
	return 0;
}

static int disk_ioctl(dev_t dev, unsigned long cmd, void *data, int flags)
{
	struct disk_info *di = data;
	struct disk *dk;
	int idx, error = 0;

	if (cmd != DIOCGDISKINFO)
		return ENOTTY;
	mutex_enter(&disk_lock);
	if ((dk = disk_lookup(dev, &idx)) == NULL) {
		error = ENXIO;
	} else {
		di->di_size = dk->dk_parts[idx].dp_size;
		di->di_secsize = dk->dk_secsize;
		di->di_rdonly = dk->dk_rdonly;
	}
	mutex_exit(&disk_lock);
	return error;
}

static const struct bdevsw disk_bdevsw = {
	.d_open = disk_open,
	.d_close = disk_close,
	.d_strategy = disk_strategy,
	.d_ioctl = disk_ioctl,
};

dev_t disk_devno(struct disk *dk, int idx)
{
	return makedev((uint32_t)disk_major,
		       (uint32_t)(dk->dk_unit * DISK_MAXPARTS + idx));
}

int disk_attach(struct disk *dk)
{
	int unit = 0, error;
	bool taken;

	if (!atomic_load_acquire(&disk_running))
		return ENXIO;
	if (dk->dk_secsize < DEV_BSIZE || dk->dk_secsize > 65536 ||
	    (dk->dk_secsize & (dk->dk_secsize - 1)) != 0)
		return EINVAL;
	dk->dk_size -= dk->dk_size % dk->dk_secsize;
	memset(dk->dk_parts, 0, sizeof(dk->dk_parts));
	dk->dk_parts[0].dp_size = dk->dk_size;
	dk->dk_nparts = 0;
	if ((error = disk_scan(dk)) != 0) {
		/* Unreadable: the whole disk still serves (and fails I/O). */
		printf("disk: partition table unreadable: error %d\n", error);
		dk->dk_nparts = 0;
	}
	mutex_enter(&disk_lock);
	do {
		taken = false;
		list_foreach(it, &disk_list)
		{
			if (list_entry(it, struct disk, dk_node)->dk_unit ==
			    unit) {
				taken = true;
				unit++;
				break;
			}
		}
	} while (taken && unit < DISK_MAXUNITS);
	if (unit >= DISK_MAXUNITS) {
		mutex_exit(&disk_lock);
		return ENOSPC;
	}
	dk->dk_unit = unit;
	list_push_back(&disk_list, &dk->dk_node);
	disk_ndisks++;
	mutex_exit(&disk_lock);
	return 0;
}

int disk_detach(struct disk *dk)
{
	bool last;

	mutex_enter(&disk_lock);
	for (int i = 0; i <= dk->dk_nparts; i++) {
		if (dk->dk_parts[i].dp_opens > 0) {
			mutex_exit(&disk_lock);
			return EBUSY;
		}
	}
	list_remove(&dk->dk_node);
	last = --disk_ndisks == 0 && disk_stopping;
	mutex_exit(&disk_lock);
	if (last)
		disk_teardown(); /* the faction stopped before its last disk */
	return 0;
}

static void disk_teardown(void)
{
	devsw_detach(&disk_bdevsw, NULL);
	disk_major = -1;
	mutex_destroy(&disk_lock);
	disk_stopping = false;
}

static int disk_init(void)
{
	int error;

	mutex_init(&disk_lock, MUTEX_DEFAULT);
	list_init(&disk_list);
	disk_ndisks = 0;
	disk_stopping = false;
	disk_major = -1;
	if ((error = devsw_attach("disk", &disk_bdevsw, &disk_major, NULL,
				  NULL)) != 0) {
		mutex_destroy(&disk_lock);
		return error;
	}
	atomic_store_release(&disk_running, true);
	return 0;
}

static void disk_fini(void)
{
	bool now;

	atomic_store_release(&disk_running, false);
	mutex_enter(&disk_lock);
	now = disk_ndisks == 0;
	disk_stopping = !now;
	mutex_exit(&disk_lock);
	if (now)
		disk_teardown();
}

RUMP_COMPONENT(dev, RUMP_STAGE_DEV, NULL, disk_init, disk_fini)
