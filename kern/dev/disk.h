/*
 * disk.h -- the dev faction's disk framework (librumpdev): a disk object
 * that a backend (one file per backend, e.g. hostdisk/) fills in with its
 * sector size, size and transfer routine, and that the framework turns
 * into block devices: one for the whole disk and one per partition found
 * in its MBR or GPT, all under the block major "disk" of the device
 * switch (minor = unit * DISK_MAXPARTS + partition index, 0 the whole
 * disk).  Writes must be whole sectors, reads may be any multiple of
 * DEV_BSIZE; the framework checks bounds and offsets, and the backend
 * sees whole sectors only.
 */
#ifndef RUMPKERN_DEV_DISK_H_
#define RUMPKERN_DEV_DISK_H_
#include <sys/devsw.h>
#include <sys/mutex.h>
#include <sys/queue.h>

#define DISK_MAXPARTS 64 /* minors per disk; index 0 is the whole disk */

struct disk;

struct disk_ops {
	/*
	 * Starts bp (B_READ, write or B_FLUSH) at byte offset off of the
	 * disk, already checked to be whole sectors inside it; ends with
	 * biodone(bp).  Called with no framework lock held.
	 */
	void (*do_strategy)(struct disk *dk, struct buf *bp, uint64_t off);
};

struct disk_part {
	uint32_t dp_num;	    /* number in the table, 1-based */
	uint64_t dp_start, dp_size; /* bytes */
	int dp_opens;
};

struct disk {
	/* Set by the backend before disk_attach. */
	const struct disk_ops *dk_ops;
	void *dk_softc;
	uint32_t dk_secsize; /* 512 or 4096 */
	uint64_t dk_size;    /* bytes, a multiple of dk_secsize */
	bool dk_rdonly;
	/* The framework's, under its lock. */
	int dk_unit;
	int dk_nparts; /* dk_parts[1 .. dk_nparts] */
	struct disk_part dk_parts[DISK_MAXPARTS];
	struct list_node dk_node;
};

/*
 * Registers dk (a unit number, its partitions scanned through
 * do_strategy); 0, ENOSPC when out of units, ENXIO when the framework
 * is not running, or an I/O error of the scan.  A malformed partition
 * table is ignored (the whole disk still works) with a console message.
 */
int disk_attach(struct disk *dk);
/* Unregisters dk: EBUSY while a device of it is open. */
int disk_detach(struct disk *dk);
/* The device number of partition index idx (0: the whole disk). */
dev_t disk_devno(struct disk *dk, int idx);

/*
 * disk_part.c: reads the partition table of dk (MBR, or GPT behind a
 * protective MBR) into dk_parts / dk_nparts.  0 when the disk was read
 * (with or without a table), or the read error.
 */
int disk_scan(struct disk *dk);
/* Reads len bytes at off of dk synchronously (whole sectors). */
int disk_readraw(struct disk *dk, void *buf, size_t len, uint64_t off);

/* The sector size a disk image seems to have: 4096 if it holds a GPT
 * made for 4096-byte sectors, else 512.  read reads the image. */
uint32_t disk_probe_secsize(struct disk *dk);

/*
 * hostdisk.c, for tests: host transfers started, and requests that went
 * along with the one before them in a single transfer (since boot); and
 * a hold on every hostdisk queue (nothing new is started while held; at
 * release the queues start again, adjacent requests merged).
 */
struct hostdisk_stats {
	uint64_t hs_issued, hs_merged;
};
void hostdisk_getstats(struct hostdisk_stats *st);
void hostdisk_hold(bool hold);
#endif
