/*
 * test_devsw.c -- a test driver for the device switch (t_devsw): "tram",
 * a block device of 256 KiB of kernel memory (synchronous strategy) and a
 * character device that reads as repeated "tram\n" and counts the bytes
 * written to it.  Minor 1 is the same memory, read-only.  Opens and
 * closes are counted so that the host can check that every open was
 * closed.
 */
#include <sys/devsw.h>

#include "testkern.h"

#define TRAM_SIZE (256 * 1024)

static char *tram_data;
static int64_t tram_opens, tram_written;

static int tram_open(dev_t dev, int flags)
{
	if (minor(dev) > 1)
		return ENXIO;
	if (minor(dev) == 1 && (flags & FWRITE))
		return EROFS;
	atomic_inc_nv(&tram_opens);
	return 0;
}

static int tram_close(dev_t dev, int flags)
{
	atomic_dec_nv(&tram_opens);
	return 0;
}

static int tram_strategy(struct buf *bp)
{
	uint64_t off = dbtob(bp->b_blkno);
	int error;

	bp->b_resid = 0;
	bp->b_error = 0;
	if (bp->b_flags & B_FLUSH) {
		/* nothing volatile */
	} else if (off > TRAM_SIZE ||
		   (uint64_t)bp->b_bcount > TRAM_SIZE - off) {
		bp->b_error = EIO;
		bp->b_resid = bp->b_bcount;
	} else if (!(bp->b_flags & B_READ) && minor(bp->b_dev) == 1) {
		bp->b_error = EROFS;
		bp->b_resid = bp->b_bcount;
	} else if (bp->b_flags & B_READ) {
		memcpy(bp->b_data, tram_data + off, (size_t)bp->b_bcount);
	} else {
		memcpy(tram_data + off, bp->b_data, (size_t)bp->b_bcount);
	}
	error = bp->b_error;
	biodone(bp); /* bp may be gone after this */
	return error;
}

static int tram_ioctl(dev_t dev, unsigned long cmd, void *data, int flags)
{
	struct disk_info *di = data;

	if (cmd != DIOCGDISKINFO)
		return ENOTTY;
	di->di_size = TRAM_SIZE;
	di->di_secsize = 512;
	di->di_rdonly = minor(dev) == 1;
	return 0;
}

static int tram_read(dev_t dev, struct uio *uio, int ioflag)
{
	static const char text[] = "tram\n";
	int error = 0;

	while (uio->uio_resid > 0 && error == 0)
		error = uiomove((void *)(uintptr_t)text,
				MIN(uio->uio_resid, sizeof(text) - 1), uio);
	return error;
}

static int tram_write(dev_t dev, struct uio *uio, int ioflag)
{
	char buf[64];
	int error = 0;

	while (uio->uio_resid > 0 && error == 0) {
		size_t n = MIN(uio->uio_resid, sizeof(buf));
		if ((error = uiomove(buf, n, uio)) == 0)
			atomic_add_nv(&tram_written, (int64_t)n);
	}
	return error;
}

static const struct bdevsw tram_bdevsw = {tram_open, tram_close, tram_strategy,
					  tram_ioctl};
static const struct cdevsw tram_cdevsw = {tram_open, tram_close, tram_read,
					  tram_write, tram_ioctl};

int rump_test_tram_attach(int *bmajorp, int *cmajorp);
int rump_test_tram_detach(int64_t *opensp, int64_t *writtenp);

int rump_test_tram_attach(int *bmajorp, int *cmajorp)
{
	int error;

	rump_schedule();
	tram_data = kmem_zalloc(TRAM_SIZE, &M_TEST);
	if (tram_data == NULL) {
		error = ENOMEM;
	} else {
		*bmajorp = *cmajorp = -1;
		error = devsw_attach("tram", &tram_bdevsw, bmajorp,
				     &tram_cdevsw, cmajorp);
		if (error == 0) {
			int again = *bmajorp;
			TCHECK(devsw_attach("tram2", &tram_bdevsw, &again, NULL,
					    NULL) == EEXIST);
			TCHECK(devsw_name2major("tram", true) == *bmajorp);
			TCHECK(bdevsw_lookup(makedev(*bmajorp, 0)) ==
			       &tram_bdevsw);
		}
	}
	rump_unschedule();
	return error;
}

int rump_test_tram_detach(int64_t *opensp, int64_t *writtenp)
{
	rump_schedule();
	devsw_detach(&tram_bdevsw, &tram_cdevsw);
	kmem_free(tram_data, TRAM_SIZE, &M_TEST);
	tram_data = NULL;
	*opensp = tram_opens;
	*writtenp = tram_written;
	rump_unschedule();
	return 0;
}
