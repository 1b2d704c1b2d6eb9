/*
 * disk_part.c -- partition tables, read as untrusted input: an MBR (the
 * four primary entries; extended partitions are not followed) or a GPT
 * behind a protective MBR (header and entry array checked with their
 * CRC32s, every entry inside the disk).  Partitions keep their number in
 * the table (GPT entry i is partition i+1), so that device names match
 * what sfdisk and sgdisk print.  Entries that do not fit are skipped
 * with a console message; a malformed table leaves the whole disk alone.
 */
#include <sys/kmem.h>
#include <sys/systm.h>

#include "disk.h"

KMEM_TYPE_DEFINE(M_DISKPART, "diskpart");

#define GPT_MAXENTRIES 1024
#define GPT_MAXENTSIZE 1024

int disk_readraw(struct disk *dk, void *buf, size_t len, uint64_t off)
{
	struct buf b;

	memset(&b, 0, sizeof(b));
	b.b_flags = B_BUSY | B_READ | B_NOCACHE;
	b.b_data = buf;
	b.b_bcount = (int)len;
	b.b_blkno = btodb(off);
	dk->dk_ops->do_strategy(dk, &b, off);
	if (biowait(&b) != 0)
		return b.b_error;
	return b.b_resid != 0 ? EIO : 0;
}

/* CRC-32 (IEEE 802.3, reflected), as GPT uses it; bit by bit. */
static uint32_t disk_crc32(const unsigned char *p, size_t len)
{
	uint32_t crc = 0xffffffffU;

	while (len-- > 0) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320U & (0U - (crc & 1)));
	}
	return ~crc;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Adds a partition of the disk's bytes [start, start+size). */
static void disk_addpart(struct disk *dk, uint32_t num, uint64_t start,
			 uint64_t size)
{
	if (dk->dk_nparts + 1 >= DISK_MAXPARTS) {
		printf("disk: partition %u not served (at most %d)\n", num,
		       DISK_MAXPARTS - 1);
		return;
	}
	if (size == 0 || start > dk->dk_size || size > dk->dk_size - start) {
		printf("disk: partition %u lies outside the disk, ignored\n",
		       num);
		return;
	}
	dk->dk_nparts++;
	dk->dk_parts[dk->dk_nparts].dp_num = num;
	dk->dk_parts[dk->dk_nparts].dp_start = start;
	dk->dk_parts[dk->dk_nparts].dp_size = size;
}

static int disk_scan_gpt(struct disk *dk, unsigned char *sec)
{
	uint64_t ss = dk->dk_secsize, nsec = dk->dk_size / ss, elba, bytes;
	uint32_t hsize, n, esize, crc;
	unsigned char *ents;
	int error;

	if (nsec < 3 || (error = disk_readraw(dk, sec, ss, ss)) != 0)
		return nsec < 3 ? 0 : error;
	hsize = le32(sec + 12);
	if (memcmp(sec, "EFI PART", 8) != 0 || hsize < 92 || hsize > ss ||
	    le64(sec + 24) != 1) {
		printf("disk: protective MBR without a GPT header\n");
		return 0;
	}
	crc = le32(sec + 16);
	memset(sec + 16, 0, 4);
	if (disk_crc32(sec, hsize) != crc) {
		printf("disk: GPT header checksum mismatch, table ignored\n");
		return 0;
	}
	elba = le64(sec + 72);
	n = le32(sec + 80);
	esize = le32(sec + 84);
	if (n > GPT_MAXENTRIES || esize < 128 || esize > GPT_MAXENTSIZE ||
	    esize % 8 != 0 || elba < 2 || elba >= nsec) {
		printf("disk: GPT header out of bounds, table ignored\n");
		return 0;
	}
	bytes = roundup((uint64_t)n * esize, ss);
	if (bytes > (nsec - elba) * ss) {
		printf("disk: GPT entries past the end, table ignored\n");
		return 0;
	}
	if (bytes == 0)
		return 0;
	if ((ents = kmem_alloc((size_t)bytes, &M_DISKPART)) == NULL)
		return ENOMEM;
	if ((error = disk_readraw(dk, ents, (size_t)bytes, elba * ss)) != 0)
		goto out;
	if (disk_crc32(ents, (size_t)n * esize) != le32(sec + 88)) {
		printf("disk: GPT entries checksum mismatch, table ignored\n");
		goto out;
	}
	for (uint32_t i = 0; i < n; i++) {
		const unsigned char *e = ents + (size_t)i * esize;
		static const unsigned char zero[16];
		uint64_t first = le64(e + 32), last = le64(e + 40);

		if (memcmp(e, zero, 16) == 0)
			continue;
		if (first > last || last >= nsec) {
			printf("disk: GPT entry %u out of bounds, ignored\n",
			       i + 1);
			continue;
		}
		disk_addpart(dk, i + 1, first * ss, (last - first + 1) * ss);
	}
out:
	kmem_free(ents, (size_t)bytes, &M_DISKPART);
	return error;
}

int disk_scan(struct disk *dk)
{
	uint64_t ss = dk->dk_secsize;
	unsigned char *sec;
	int error;

	if (dk->dk_size < ss || ss < 512)
		return 0;
	if ((sec = kmem_alloc((size_t)ss, &M_DISKPART)) == NULL)
		return ENOMEM;
	if ((error = disk_readraw(dk, sec, (size_t)ss, 0)) != 0)
		goto out;
	if (sec[510] != 0x55 || sec[511] != 0xaa)
		goto out; /* no table: only the whole disk */
	for (int i = 0; i < 4; i++) {
		const unsigned char *e = sec + 446 + 16 * i;
		if (e[0] != 0 && e[0] != 0x80)
			goto out; /* a boot sector, not an MBR */
	}
	for (int i = 0; i < 4; i++) {
		if (sec[446 + 16 * i + 4] == 0xee) {
			error = disk_scan_gpt(dk, sec);
			goto out;
		}
	}
	for (int i = 0; i < 4; i++) {
		const unsigned char *e = sec + 446 + 16 * i;
		uint8_t type = e[4];

		if (type == 0 || type == 0x05 || type == 0x0f || type == 0x85)
			continue; /* empty, or extended */
		disk_addpart(dk, (uint32_t)i + 1, le32(e + 8) * ss,
			     le32(e + 12) * ss);
	}
out:
	kmem_free(sec, (size_t)ss, &M_DISKPART);
	return error;
}

uint32_t disk_probe_secsize(struct disk *dk)
{
	unsigned char *p;
	uint32_t ss = 512;

	if (dk->dk_size < 8192 || (p = kmem_alloc(8192, &M_DISKPART)) == NULL)
		return ss;
	if (disk_readraw(dk, p, 8192, 0) == 0 &&
	    memcmp(p + 512, "EFI PART", 8) != 0 &&
	    memcmp(p + 4096, "EFI PART", 8) == 0)
		ss = 4096;
	kmem_free(p, 8192, &M_DISKPART);
	return ss;
}
