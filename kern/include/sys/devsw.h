/*
 * sys/devsw.h -- the device switch of the kernel base: tables of block and
 * character device drivers indexed by major number, so that the VFS
 * reaches drivers (open, close, read, write, ioctl, strategy) through a
 * device number alone and no faction depends on another.  A driver
 * attaches its ops at its component's init and detaches them at its
 * fini, when none of its devices is open.  dev_t uses the glibc/Linux
 * encoding (makedev(3)), so that mknod() from a host program names the
 * same device inside.  Also here: the end of a transfer (biodone) and
 * host block I/O whose completion runs in kernel context.
 */
#ifndef RUMPKERN_SYS_DEVSW_H_
#define RUMPKERN_SYS_DEVSW_H_
#include <sys/buf.h>
#include <sys/file.h>
#include <sys/types.h>

static inline uint32_t major(dev_t d)
{
	return (uint32_t)(((d >> 8) & 0xfff) | ((d >> 32) & ~0xfffULL));
}
static inline uint32_t minor(dev_t d)
{
	return (uint32_t)((d & 0xff) | ((d >> 12) & ~0xffULL));
}
static inline dev_t makedev(uint32_t ma, uint32_t mi)
{
	return ((dev_t)(ma & 0xfff) << 8) | ((dev_t)(ma & ~0xfffU) << 32) |
	       (dev_t)(mi & 0xff) | ((dev_t)(mi & ~0xffU) << 12);
}

#define DEVSW_MAXMAJOR 512
#define NODEV ((dev_t)-1)

/* Open flags passed to d_open/d_close: FREAD, FWRITE (sys/file.h). */

/* A block device.  d_strategy: as vop_strategy (sys/vnode.h), the device
 * in bp->b_dev; ends with biodone(bp), after which bp may be gone. */
struct bdevsw {
	int (*d_open)(dev_t dev, int flags);
	int (*d_close)(dev_t dev, int flags);
	int (*d_strategy)(struct buf *bp);
	int (*d_ioctl)(dev_t dev, unsigned long cmd, void *data, int flags);
};

/* A character device. */
struct cdevsw {
	int (*d_open)(dev_t dev, int flags);
	int (*d_close)(dev_t dev, int flags);
	int (*d_read)(dev_t dev, struct uio *uio, int ioflag);
	int (*d_write)(dev_t dev, struct uio *uio, int ioflag);
	int (*d_ioctl)(dev_t dev, unsigned long cmd, void *data, int flags);
};

/*
 * Kernel ioctl every block driver answers: the disk's geometry (data is
 * a struct disk_info).
 */
#define DIOCGDISKINFO 0x44490001UL
struct disk_info {
	uint64_t di_size;    /* bytes */
	uint32_t di_secsize; /* bytes per sector: 512 or 4096 */
	bool di_rdonly;
};

/*
 * Attaches a driver under a major number: *bmajorp / *cmajorp -1 asks for
 * a free one (returned), otherwise that one (EEXIST if taken).  Either
 * table may be NULL.  EINVAL for a bad number, ENOSPC when full.
 */
int devsw_attach(const char *name, const struct bdevsw *b, int *bmajorp,
		 const struct cdevsw *c, int *cmajorp);
void devsw_detach(const struct bdevsw *b, const struct cdevsw *c);
/* The driver of dev, or NULL (ENXIO for the caller). */
const struct bdevsw *bdevsw_lookup(dev_t dev);
const struct cdevsw *cdevsw_lookup(dev_t dev);
/* The major number a driver attached under, or -1. */
int devsw_name2major(const char *name, bool block);

/*
 * The end of a transfer (the contract is in sys/buf.h): runs
 * bp->b_iodone if set (the buffer cache's buffers), else marks the buffer
 * done for biowait().  The caller holds a virtual CPU.
 */
void biodone(struct buf *bp);
/* Waits for a buffer without b_iodone (a driver's own); returns b_error. */
int biowait(struct buf *bp);

/*
 * rumpuser_bio() for drivers: done(arg, bytes, error) runs with a virtual
 * CPU in kernel context, never inside the caller's locks: on a host that
 * completes inline (the cooperative host) it runs in the issuing thread
 * after the hypercall returned, else on the host's I/O thread.  ENOMEM
 * when the request cannot be allocated (done is not called then).
 */
int bio_host_start(int fd, int op, void *data, size_t len, int64_t off,
		   void (*done)(void *arg, size_t bytes, int error), void *arg);

/*
 * Disks on host files, offered by librumpdev_disk when it is linked and
 * used by etfs for RUMP_ETFS_BLK registrations (etfs serves the file
 * itself without it).  hd_attach opens the host file's window
 * [begin, begin+size) (size RUMP_ETFS_SIZE_ENDOFF: to the end) as a disk
 * and scans its partitions: *devp is the whole disk; parts[i] and nums[i]
 * (at most *npartsp on entry, the count on return) the partitions and
 * their numbers in the table (1-based).  hd_detach lets it go (EBUSY
 * while a device of it is open).
 */
#define DISK_MAXNODES 63 /* partitions of one disk hd_attach reports */
struct hostdisk_ops {
	int (*hd_attach)(const char *hostpath, uint64_t begin, uint64_t size,
			 dev_t *devp, dev_t *parts, uint32_t *nums,
			 int *npartsp);
	int (*hd_detach)(dev_t dev);
};
/* The offer (NULL: withdraw it); what is offered now, or NULL. */
void hostdisk_register(const struct hostdisk_ops *ops);
const struct hostdisk_ops *hostdisk_get(void);

int devsw_init(void);
void devsw_fini(void);
#endif
