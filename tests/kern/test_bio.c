/*
 * test_bio.c -- the buffer cache seen from inside the kernel, for t_bio:
 * a block device opened for a mount, reads checked against the pattern
 * the host wrote, delayed, asynchronous and held writes, write errors,
 * and the cache's statistics.  The device stays open between calls (one
 * at a time); the host checks the image file in between.  The VFS is
 * referenced weakly (by its rumpns_ names), as in test_vfs.c.
 */
#include <sys/buf.h>

#include "testkern.h"

int rumpns_bdev_open_mount(const char *, bool, struct vnode **)
	__attribute__((weak));
int rumpns_bdev_close_mount(struct vnode *) __attribute__((weak));
int rumpns_bdev_getinfo(struct vnode *, struct bdev_info *)
	__attribute__((weak));
int rumpns_bread(struct vnode *, daddr_t, int, int, struct buf **)
	__attribute__((weak));
int rumpns_getblk(struct vnode *, daddr_t, int, struct buf **)
	__attribute__((weak));
void rumpns_brelse(struct buf *) __attribute__((weak));
int rumpns_bwrite(struct buf *) __attribute__((weak));
void rumpns_bdwrite(struct buf *) __attribute__((weak));
void rumpns_bawrite(struct buf *) __attribute__((weak));
void rumpns_bhold(struct buf *) __attribute__((weak));
void rumpns_bunhold(struct buf *) __attribute__((weak));
int rumpns_vflushbuf(struct vnode *, bool) __attribute__((weak));
int rumpns_bcache_barrier(struct vnode *) __attribute__((weak));
void rumpns_bcache_getstats(struct bcache_stats *) __attribute__((weak));
struct hostdisk_stats {
	uint64_t hs_issued, hs_merged;
};
void rumpns_hostdisk_getstats(struct hostdisk_stats *) __attribute__((weak));
void rumpns_hostdisk_hold(bool) __attribute__((weak));

static struct vnode *tb_vp;
static struct buf *tb_held;

int rump_test_bio_open(const char *path, int rdonly, uint64_t *sizep,
		       uint32_t *secsizep, int *rdonlyp)
{
	struct bdev_info bi;
	struct vnode *vp2;
	int start = test_failures, error;

	if (rumpns_bread == NULL)
		return ENOSYS;
	if (tb_vp != NULL)
		return EBUSY;
	rump_schedule();
	error = rumpns_bdev_open_mount(path, rdonly != 0, &tb_vp);
	if (error == 0) {
		/* One mount per device. */
		TCHECK(rumpns_bdev_open_mount(path, true, &vp2) == EBUSY);
		TCHECK(rumpns_bdev_getinfo(tb_vp, &bi) == 0);
		*sizep = bi.bi_size;
		*secsizep = bi.bi_secsize;
		*rdonlyp = bi.bi_rdonly;
	}
	rump_unschedule();
	return error != 0 ? error : TRESULT(start);
}

int rump_test_bio_close(void)
{
	int error;

	rump_schedule();
	error = rumpns_bdev_close_mount(tb_vp);
	tb_vp = NULL;
	rump_unschedule();
	return error;
}

int rump_test_bio_stats(struct rump_test_bio_stats *st)
{
	struct bcache_stats bs;

	rump_schedule();
	rumpns_bcache_getstats(&bs);
	rump_unschedule();
	st->bytes = bs.bs_bytes;
	st->maxbytes = bs.bs_maxbytes;
	st->bufs = bs.bs_bufs;
	st->dirty = bs.bs_dirty;
	st->hits = bs.bs_hits;
	st->misses = bs.bs_misses;
	st->reads = bs.bs_reads;
	st->writes = bs.bs_writes;
	st->raheads = bs.bs_raheads;
	st->clustered = bs.bs_clustered;
	return 0;
}

/* bread of a block, its contents copied to data (size bytes). */
int rump_test_bio_read(int64_t blkno, int size, int flags, void *data)
{
	struct buf *bp = (struct buf *)1;
	int start = test_failures, error;

	rump_schedule();
	error = rumpns_bread(tb_vp, blkno, size, flags, &bp);
	if (error == 0) {
		TCHECK(bp->b_bcount == size && bp->b_blkno == blkno);
		TCHECK(bp->b_flags & B_CACHE);
		memcpy(data, bp->b_data, (size_t)size);
		rumpns_brelse(bp);
	} else {
		TCHECK(bp == NULL);
	}
	rump_unschedule();
	return error != 0 ? error : TRESULT(start);
}

/*
 * Fills a block with the byte fill and writes it: how 0 bwrite, 1
 * bdwrite, 2 bawrite, 3 held then bdwrite (kept for bio_unhold), 4 the
 * block through getblk without reading it, then bdwrite, 5 through
 * getblk, then bwrite.
 */
int rump_test_bio_write(int64_t blkno, int size, int how, int fill)
{
	struct buf *bp;
	int error;

	rump_schedule();
	if (how >= 4)
		error = rumpns_getblk(tb_vp, blkno, size, &bp);
	else
		error = rumpns_bread(tb_vp, blkno, size, 0, &bp);
	if (error != 0)
		goto out;
	memset(bp->b_data, fill, (size_t)size);
	switch (how) {
	case 0:
	case 5:
		error = rumpns_bwrite(bp);
		break;
	case 2:
		rumpns_bawrite(bp);
		break;
	case 3:
		if (tb_held != NULL) {
			rumpns_brelse(bp);
			error = EBUSY;
			break;
		}
		rumpns_bhold(bp);
		tb_held = bp;
		rumpns_bdwrite(bp);
		break;
	default:
		rumpns_bdwrite(bp);
		break;
	}
out:
	rump_unschedule();
	return error;
}

int rump_test_bio_unhold(void)
{
	if (tb_held == NULL)
		return ENOENT;
	rump_schedule();
	rumpns_bunhold(tb_held);
	tb_held = NULL;
	rump_unschedule();
	return 0;
}

int rump_test_bio_flush(int wait)
{
	int error;

	rump_schedule();
	error = rumpns_vflushbuf(tb_vp, wait != 0);
	rump_unschedule();
	return error;
}

int rump_test_bio_barrier(void)
{
	int error;

	rump_schedule();
	error = rumpns_bcache_barrier(tb_vp);
	rump_unschedule();
	return error;
}

/* Bad sizes and block numbers are EINVAL, with *bpp NULL. */
int rump_test_bio_badargs(void)
{
	static const int sizes[] = {0, -512, 100, 513, MAXBSIZE + 512};
	struct buf *bp;
	int start = test_failures;

	rump_schedule();
	for (size_t i = 0; i < __arraycount(sizes); i++) {
		bp = (struct buf *)1;
		TCHECK(rumpns_bread(tb_vp, 0, sizes[i], 0, &bp) == EINVAL);
		TCHECK(bp == NULL);
		bp = (struct buf *)1;
		TCHECK(rumpns_getblk(tb_vp, 0, sizes[i], &bp) == EINVAL);
		TCHECK(bp == NULL);
	}
	TCHECK(rumpns_bread(tb_vp, -1, 512, 0, &bp) == EINVAL);
	TCHECK(rumpns_bread(tb_vp, INT64_MAX, 512, 0, &bp) == EINVAL);
	rump_unschedule();
	return TRESULT(start);
}

/*
 * b_verified, the owner's note that it checked a buffer: kept while the
 * buffer stays cached and unchanged, reset by a write, getblk and a read
 * from the device.  Block blkno (1 KiB) is left as it was.
 */
int rump_test_bio_verified(int64_t blkno)
{
	struct buf *bp;
	int start = test_failures;

	rump_schedule();
	TCHECK(rumpns_bread(tb_vp, blkno, 1024, 0, &bp) == 0);
	TCHECK(bp->b_verified == 0);
	bp->b_verified = 42;
	rumpns_brelse(bp);
	TCHECK(rumpns_bread(tb_vp, blkno, 1024, 0, &bp) == 0);
	TCHECK(bp->b_verified == 42); /* cached, unchanged */
	rumpns_bdwrite(bp);
	TCHECK(rumpns_bread(tb_vp, blkno, 1024, 0, &bp) == 0);
	TCHECK(bp->b_verified == 0); /* changed */
	bp->b_verified = 7;
	TCHECK(rumpns_bwrite(bp) == 0);
	TCHECK(rumpns_bread(tb_vp, blkno, 1024, 0, &bp) == 0);
	TCHECK(bp->b_verified == 0);
	bp->b_verified = 9;
	rumpns_brelse(bp);
	TCHECK(rumpns_getblk(tb_vp, blkno, 1024, &bp) == 0);
	TCHECK(bp->b_verified == 0); /* the caller fills it */
	bp->b_verified = 11;
	bp->b_flags |= B_INVAL; /* dropped: the next read is from disk */
	rumpns_brelse(bp);
	TCHECK(rumpns_bread(tb_vp, blkno, 1024, 0, &bp) == 0);
	TCHECK(bp->b_verified == 0);
	rumpns_brelse(bp);
	TCHECK(rumpns_vflushbuf(tb_vp, true) == 0);
	rump_unschedule();
	return TRESULT(start);
}

/*
 * n asynchronous writes of consecutive 4 KiB blocks from blkno (block i
 * filled with fill + i), all queued while the hostdisk queues are held,
 * then released and waited for (vflushbuf, which ends with a cache
 * flush).  *issuedp and *mergedp: the host transfers started and the
 * requests merged into another meanwhile.
 */
int rump_test_bio_merge(int64_t blkno, int n, int fill, uint64_t *issuedp,
			uint64_t *mergedp)
{
	struct hostdisk_stats s0, s1;
	struct buf *bp;
	int start = test_failures, error = 0;

	if (rumpns_hostdisk_hold == NULL)
		return ENOSYS;
	rump_schedule();
	rumpns_hostdisk_getstats(&s0);
	rumpns_hostdisk_hold(true);
	for (int i = 0; i < n && error == 0; i++) {
		error = rumpns_getblk(tb_vp, blkno + i * 8, 4096, &bp);
		if (error == 0) {
			memset(bp->b_data, fill + i, 4096);
			rumpns_bawrite(bp);
		}
	}
	rumpns_hostdisk_getstats(&s1);
	TCHECK(s1.hs_issued == s0.hs_issued); /* all of them waiting */
	rumpns_hostdisk_hold(false);
	if (error == 0)
		error = rumpns_vflushbuf(tb_vp, true);
	rumpns_hostdisk_getstats(&s1);
	rump_unschedule();
	*issuedp = s1.hs_issued - s0.hs_issued;
	*mergedp = s1.hs_merged - s0.hs_merged;
	return error != 0 ? error : TRESULT(start);
}
