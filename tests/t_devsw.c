/*
 * t_devsw.c -- device nodes made with mknod reach their driver through
 * the device switch: a test driver ("tram", tests/kern/test_devsw.c) as a
 * block device reads and writes its memory through the buffer cache (by
 * read/write on the node and by bread for a mount), as a character device
 * reads its text and counts what is written; a read-only minor refuses
 * writes and read-write mounts (EROFS); a node of a major without a
 * driver is ENXIO; every open is closed.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "testlib.h"

extern int rump_component_link_vfs;

int rump_test_tram_attach(int *bmajorp, int *cmajorp);
int rump_test_tram_detach(int64_t *opensp, int64_t *writtenp);
int rump_test_bio_open(const char *path, int rdonly, uint64_t *sizep,
		       uint32_t *secsizep, int *rdonlyp);
int rump_test_bio_close(void);
int rump_test_bio_read(int64_t blkno, int size, int flags, void *data);

int main(int argc, char **argv)
{
	static unsigned char buf[8192], back[8192];
	int bmaj, cmaj, fd;
	int64_t opens, written;
	uint64_t size;
	uint32_t secsize;
	int rdonly;
	char text[16];

	test_init(argc, argv);
	test_watchdog(120);
	(void)rump_component_link_vfs;
	test_boot();
	CHECK_KERN(rump_test_tram_attach(&bmaj, &cmaj));
	CHECK_SYS(
		rump_sys_mknod("/dev/tram0", S_IFBLK | 0600, makedev(bmaj, 0)));
	CHECK_SYS(rump_sys_mknod("/dev/rtram0", S_IFCHR | 0600,
				 makedev(cmaj, 0)));
	CHECK_SYS(
		rump_sys_mknod("/dev/tram1", S_IFBLK | 0600, makedev(bmaj, 1)));
	CHECK_SYS(rump_sys_mknod("/dev/none", S_IFBLK | 0600, makedev(400, 0)));
	CHECK_ERRNO(rump_sys_open("/dev/none", O_RDWR), ENXIO);
	CHECK_SYS(
		rump_sys_mknod("/dev/tram2", S_IFBLK | 0600, makedev(bmaj, 2)));
	CHECK_ERRNO(rump_sys_open("/dev/tram2", O_RDWR), ENXIO); /* minor */

	/* The block device: unaligned writes and reads through the cache. */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 13 + 5);
	fd = (int)CHECK_SYS(rump_sys_open("/dev/tram0", O_RDWR));
	CHECK_EQ(rump_sys_pwrite(fd, buf, 5000, 1000), 5000);
	CHECK_EQ(rump_sys_pread(fd, back, 5000, 1000), 5000);
	CHECK(memcmp(buf, back, 5000) == 0);
	CHECK_EQ(rump_sys_pread(fd, back, 100, 256 * 1024 - 50), 50);
	CHECK_EQ(rump_sys_pread(fd, back, 100, 256 * 1024), 0);
	CHECK_ERRNO(rump_sys_pwrite(fd, buf, 100, 256 * 1024), ENOSPC);
	CHECK_SYS(rump_sys_close(fd)); /* flushes to the driver */

	/* The same bytes through bread on the device, for a mount. */
	CHECK_KERN(
		rump_test_bio_open("/dev/tram0", 0, &size, &secsize, &rdonly));
	CHECK_EQ(size, 256 * 1024);
	CHECK_KERN(rump_test_bio_read(0, 8192, 0, back));
	CHECK(memcmp(buf, back + 1000, 5000) == 0);
	CHECK_KERN(rump_test_bio_close());

	/* Minor 1: the same bytes, read-only. */
	CHECK_ERRNO(rump_sys_open("/dev/tram1", O_RDWR), EROFS);
	fd = (int)CHECK_SYS(rump_sys_open("/dev/tram1", O_RDONLY));
	CHECK_EQ(rump_sys_pread(fd, back, 5000, 1000), 5000);
	CHECK(memcmp(buf, back, 5000) == 0);
	CHECK_SYS(rump_sys_close(fd));
	CHECK_EQ(rump_test_bio_open("/dev/tram1", 0, &size, &secsize, &rdonly),
		 RUMP_EROFS);
	CHECK_KERN(
		rump_test_bio_open("/dev/tram1", 1, &size, &secsize, &rdonly));
	CHECK_EQ(rdonly, 1);
	CHECK_KERN(rump_test_bio_read(2, 512, 0, back));
	CHECK(memcmp(buf + 24, back, 488) == 0);
	CHECK_KERN(rump_test_bio_close());

	/* The character device. */
	fd = (int)CHECK_SYS(rump_sys_open("/dev/rtram0", O_RDWR));
	CHECK_EQ(rump_sys_read(fd, text, 10), 10);
	CHECK(memcmp(text, "tram\ntram\n", 10) == 0);
	CHECK_EQ(rump_sys_write(fd, buf, 300), 300);
	CHECK_SYS(rump_sys_close(fd));

	CHECK_SYS(rump_sys_unlink("/dev/tram0"));
	CHECK_SYS(rump_sys_unlink("/dev/rtram0"));
	CHECK_KERN(rump_test_tram_detach(&opens, &written));
	CHECK_EQ(opens, 0);
	CHECK_EQ(written, 300);
	/* Detached: the node is ENXIO again. */
	CHECK_ERRNO(rump_sys_open("/dev/tram1", O_RDONLY), ENXIO);
	CHECK_SYS(rump_sys_unlink("/dev/tram1"));
	CHECK_SYS(rump_sys_unlink("/dev/tram2"));
	test_halt();
	test_log("ok\n");
	return 0;
}
