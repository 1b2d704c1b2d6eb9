/*
 * t_ext2_compat_seqread.c -- a sequential read of a fragmented file
 * (an extent tree with index levels, 1 KiB blocks) reaches the device in
 * multi-block requests: reading the extent leaf used to reset the
 * device's sequential detection at every block, so every block was its
 * own request.  Counts requests (--wrap=rumpuser_bio), never time.
 */
/* hosts: posix */
#include <stdatomic.h>

#include <rump/rumpuser.h>

#include "ext2/ext2lib.c"

void __real_rumpuser_bio(int fd, int op, void *data, size_t len, int64_t offset,
			 rump_biodone_fn biodone, void *donearg);
void __wrap_rumpuser_bio(int fd, int op, void *data, size_t len, int64_t offset,
			 rump_biodone_fn biodone, void *donearg);
static atomic_ulong seq_nread, seq_bytes;

void __wrap_rumpuser_bio(int fd, int op, void *data, size_t len, int64_t offset,
			 rump_biodone_fn biodone, void *donearg)
{
	if (op & RUMPUSER_BIO_READ) {
		atomic_fetch_add(&seq_nread, 1);
		atomic_fetch_add(&seq_bytes, len);
	}
	__real_rumpuser_bio(fd, op, data, len, offset, biodone, donearg);
}

#define SEQ_CHUNK (256 * 1024)
#define SEQ_NCHUNK 48 /* 12 MiB per file */

static unsigned char seq_buf[SEQ_CHUNK];

static void seq_fill(int file, int chunk)
{
	for (size_t i = 0; i < sizeof(seq_buf); i += 8)
		memcpy(seq_buf + i,
		       &(uint64_t){((uint64_t)file << 48) ^
				   ((uint64_t)chunk << 24) ^ i},
		       8);
}

int main(int argc, char **argv)
{
	char img[PATH_MAX];
	unsigned long nread, bytes;
	static unsigned char got[SEQ_CHUNK];
	int fd[2];

	test_init(argc, argv);
	test_watchdog(100);
	if (!ext2_driver_linked())
		return 0;
	ext2_setup();
	snprintf(img, sizeof(img), "%s", ext2_path("seqread-ext4"));
	ext2_mkimage("ext4", 1024, "64M", img, "", "", "");
	test_boot();
	/* Two files written in alternating chunks: one extent per chunk,
	 * more than the inode holds, so the tree has a leaf block. */
	ext2_mount(img, "ext4", 0);
	for (int f = 0; f < 2; f++) {
		char path[64];

		snprintf(path, sizeof(path), "%s/f%d", EXT2_MNT, f);
		fd[f] = rump_sys_open(path, O_WRONLY | O_CREAT, 0644);
		CHECK_SYS(fd[f]);
	}
	for (int c = 0; c < SEQ_NCHUNK; c++) {
		for (int f = 0; f < 2; f++) {
			seq_fill(f, c);
			CHECK_EQ(rump_sys_write(fd[f], seq_buf, SEQ_CHUNK),
				 SEQ_CHUNK);
			CHECK_SYS(rump_sys_fsync(fd[f]));
		}
	}
	CHECK_SYS(rump_sys_close(fd[0]));
	CHECK_SYS(rump_sys_close(fd[1]));
	ext2_unmount();
	ext2_fsck_clean(img, "after writing");

	/* A fresh read-only mount: nothing cached, nothing written. */
	ext2_mount(img, "ext4", MS_RDONLY);
	fd[0] = rump_sys_open(EXT2_MNT "/f0", O_RDONLY);
	CHECK_SYS(fd[0]);
	atomic_store(&seq_nread, 0);
	atomic_store(&seq_bytes, 0);
	for (int c = 0; c < SEQ_NCHUNK; c++) {
		seq_fill(0, c);
		CHECK_EQ(rump_sys_read(fd[0], got, SEQ_CHUNK), SEQ_CHUNK);
		if (memcmp(got, seq_buf, SEQ_CHUNK) != 0)
			EXT2_FAIL("f0 chunk %d reads back wrong", c);
	}
	CHECK_EQ(rump_sys_read(fd[0], got, 1), 0);
	nread = atomic_load(&seq_nread);
	bytes = atomic_load(&seq_bytes);
	CHECK_SYS(rump_sys_close(fd[0]));
	ext2_unmount();
	test_log("%d KiB read in %lu requests (%lu KiB)",
		 SEQ_CHUNK / 1024 * SEQ_NCHUNK, nread, bytes / 1024);
	/* One request per 1 KiB block would be 12,288; read-ahead windows
	 * grow to 128 KiB within each 256 KiB extent. */
	if (nread > (unsigned long)SEQ_CHUNK / 1024 * SEQ_NCHUNK / 8)
		EXT2_FAIL("%lu requests for %d KiB: read-ahead is not working",
			  nread, SEQ_CHUNK / 1024 * SEQ_NCHUNK);
	test_halt();
	test_log("ok");
	return 0;
}
