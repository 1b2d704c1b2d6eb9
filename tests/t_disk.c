/*
 * t_disk.c -- disks on host files (librumpdev_disk) with partition tables
 * made by real tools: an MBR by sfdisk, a GPT by sgdisk, a GPT with
 * 4096-byte sectors by fdisk -b 4096.  Registering the image
 * as an etfs block device gives /dev/disk0 and /dev/disk0p<N> per
 * partition; each partition shows its own bytes and size, writes land at
 * the partition's place in the image and stop at its end, a mount opens
 * it through bdev_open_mount, removal is EBUSY while one is open; a host
 * file the process cannot write is a read-only disk (EROFS).  An
 * image without a table and one whose GPT checksum is broken give the
 * whole disk only.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

extern int rump_component_link_vfs;
extern int rump_component_link_dev_disk;

int rump_test_bio_open(const char *path, int rdonly, uint64_t *sizep,
		       uint32_t *secsizep, int *rdonlyp);
int rump_test_bio_close(void);
int rump_test_bio_read(int64_t blkno, int size, int flags, void *data);
int rump_test_bio_write(int64_t blkno, int size, int how, int fill);

#define MIB (1024 * 1024)
#define IMG_SIZE (8 * MIB)

static char img[512];

static unsigned char content(int part, uint64_t off)
{
	return (unsigned char)(off * 11 + (uint64_t)part * 61 + off / 977);
}

static void run(const char *cmd)
{
	char line[1024];

	snprintf(line, sizeof(line), "%s >/dev/null 2>&1", cmd);
	if (system(line) != 0)
		test_fail(__FILE__, __LINE__, "command failed: %s", cmd);
}

static void make_blank(void)
{
	int fd = open(img, O_CREAT | O_TRUNC | O_WRONLY, 0644);

	CHECK(fd >= 0);
	CHECK_SYS(ftruncate(fd, IMG_SIZE));
	close(fd);
}

/* Fills [start, start+size) of the image with partition part's bytes. */
static void fill(int part, uint64_t start, uint64_t size)
{
	unsigned char *b = malloc(size);
	int fd = open(img, O_WRONLY);

	CHECK(b != NULL && fd >= 0);
	for (uint64_t i = 0; i < size; i++)
		b[i] = content(part, i);
	CHECK_EQ(pwrite(fd, b, size, (off_t)start), (ssize_t)size);
	close(fd);
	free(b);
}

static unsigned char image_byte(uint64_t off)
{
	unsigned char c;
	int fd = open(img, O_RDONLY);

	CHECK(fd >= 0);
	CHECK_EQ(pread(fd, &c, 1, (off_t)off), 1);
	close(fd);
	return c;
}

/* Partition node path holds part's bytes and has size bytes. */
static void check_part(const char *path, int part, uint64_t start,
		       uint64_t size)
{
	static unsigned char buf[8192];
	struct stat st;
	int fd;

	CHECK_SYS(rump_sys_stat(path, &st));
	CHECK(S_ISBLK(st.st_mode));
	CHECK_EQ(st.st_size, size);
	fd = (int)CHECK_SYS(rump_sys_open(path, O_RDWR));
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		CHECK_EQ(buf[i], content(part, i));
	CHECK_EQ(rump_sys_pread(fd, buf, 100, (off_t)size - 50), 50);
	CHECK_EQ(buf[49], content(part, size - 1));
	CHECK_EQ(rump_sys_pread(fd, buf, 100, (off_t)size), 0);
	/* A write lands inside the partition, and stops at its end. */
	memset(buf, 0xe0 + part, 700);
	CHECK_EQ(rump_sys_pwrite(fd, buf, 700, 5000), 700);
	CHECK_EQ(image_byte(start + 5000), 0xe0 + part);
	CHECK_EQ(image_byte(start + 5699), 0xe0 + part);
	CHECK_EQ(image_byte(start + 5700), content(part, 5700));
	CHECK_EQ(rump_sys_pwrite(fd, buf, 700, (off_t)size - 100), 100);
	CHECK_ERRNO(rump_sys_pwrite(fd, buf, 1, (off_t)size), ENOSPC);
	CHECK_EQ(image_byte(start + size), content(part + 1, 0));
	CHECK_SYS(rump_sys_close(fd));
}

/* Registers the image; partitions 1 and 2 at the given places. */
static void check_disk(uint64_t s1, uint64_t n1, uint64_t s2, uint64_t n2,
		       uint32_t secsize)
{
	static unsigned char buf[4096];
	uint64_t size;
	uint32_t ss;
	int rdonly, fd;
	struct stat st;

	test_boot();
	CHECK_EQ(rump_pub_etfs_register("/dev/disk0", img, RUMP_ETFS_BLK), 0);
	CHECK_SYS(rump_sys_stat("/dev/disk0", &st));
	CHECK(S_ISBLK(st.st_mode));
	CHECK_EQ(st.st_size, IMG_SIZE);
	check_part("/dev/disk0p1", 1, s1, n1);
	check_part("/dev/disk0p2", 2, s2, n2);
	CHECK_ERRNO(rump_sys_stat("/dev/disk0p3", &st), ENOENT);

	/* A mount's view: bread on the partition. */
	CHECK_KERN(rump_test_bio_open("/dev/disk0p2", 0, &size, &ss, &rdonly));
	CHECK_EQ(size, n2);
	CHECK_EQ(ss, secsize);
	CHECK_EQ(rdonly, 0);
	CHECK_KERN(rump_test_bio_read(8, 4096, 0, buf));
	CHECK_EQ(buf[0], content(2, 4096));
	if (secsize == 4096) {
		/* Part of a sector: read through a bounce buffer (a
		 * superblock at byte 1024); written, EINVAL. */
		CHECK_KERN(rump_test_bio_read(2, 1024, 0, buf));
		CHECK_EQ(buf[0], content(2, 1024));
		CHECK_EQ(buf[1023], content(2, 2047));
		CHECK_EQ(rump_test_bio_write(34, 512, 5, 0x11), RUMP_EINVAL);
	}
	CHECK_EQ(rump_pub_etfs_remove("/dev/disk0"), EBUSY);
	CHECK_KERN(rump_test_bio_close());

	fd = (int)CHECK_SYS(rump_sys_open("/dev/disk0p1", O_RDONLY));
	CHECK_EQ(rump_pub_etfs_remove("/dev/disk0"), EBUSY);
	CHECK_SYS(rump_sys_close(fd));
	CHECK_EQ(rump_pub_etfs_remove("/dev/disk0"), 0);
	CHECK_ERRNO(rump_sys_stat("/dev/disk0p1", &st), ENOENT);
	CHECK_ERRNO(rump_sys_stat("/dev/disk0", &st), ENOENT);
	test_halt();
}

/*
 * A host file this process cannot write (mode 0444; root first becomes
 * nobody, as root may write anything): a read-only disk.
 */
static void check_rdonly(void)
{
	static unsigned char buf[512];
	uint64_t size;
	uint32_t ss;
	int rdonly, fd;

	if (getuid() == 0)
		CHECK(setgid(65534) == 0 && setuid(65534) == 0);
	test_boot();
	CHECK_EQ(rump_pub_etfs_register("/dev/disk0", img, RUMP_ETFS_BLK), 0);
	CHECK_ERRNO(rump_sys_open("/dev/disk0p1", O_RDWR), EROFS);
	fd = (int)CHECK_SYS(rump_sys_open("/dev/disk0p1", O_RDONLY));
	CHECK_EQ(rump_sys_pread(fd, buf, 512, 512), 512);
	CHECK_EQ(buf[0], content(1, 512));
	CHECK_SYS(rump_sys_close(fd));
	CHECK_EQ(rump_test_bio_open("/dev/disk0p1", 0, &size, &ss, &rdonly),
		 RUMP_EROFS);
	CHECK_KERN(rump_test_bio_open("/dev/disk0p1", 1, &size, &ss, &rdonly));
	CHECK_EQ(rdonly, 1);
	CHECK_EQ(rump_test_bio_write(8, 4096, 5, 0x42), RUMP_EROFS);
	CHECK_KERN(rump_test_bio_close());
	CHECK_EQ(rump_pub_etfs_remove("/dev/disk0"), 0);
	test_halt();
}

/* No partitions: the whole disk only. */
static void check_nopart(void)
{
	struct stat st;

	test_boot();
	CHECK_EQ(rump_pub_etfs_register("/dev/disk0", img, RUMP_ETFS_BLK), 0);
	CHECK_SYS(rump_sys_stat("/dev/disk0", &st));
	CHECK_EQ(st.st_size, IMG_SIZE);
	CHECK_ERRNO(rump_sys_stat("/dev/disk0p1", &st), ENOENT);
	/* Left registered: shutdown detaches it. */
	test_halt();
}

static char out[65536];

static void run_child(const char *arg)
{
	int status = test_child(arg, NULL, out, sizeof(out), 120);

	if (status != 0) {
		fprintf(stderr, "%s", out);
		test_fail(__FILE__, __LINE__, "child %s: %s", arg,
			  test_status_str(status));
	}
}

int main(int argc, char **argv)
{
	const char *arg = argc > 1 ? argv[1] : "";
	char cmd[1024];
	int fd;

	test_init(argc, argv);
	test_watchdog(300);
	(void)rump_component_link_vfs;
	(void)rump_component_link_dev_disk;
	if (getenv("T_DISK_IMG") != NULL) {
		snprintf(img, sizeof(img), "%s", getenv("T_DISK_IMG"));
	} else {
		/* In /tmp, not TMPDIR: "nobody" must reach it (rdonly). */
		snprintf(img, sizeof(img), "/tmp/t_disk.%d.img", (int)getpid());
		setenv("T_DISK_IMG", img, 1);
	}
	if (strcmp(arg, "mbr") == 0) {
		check_disk(MIB, 2 * MIB, 3 * MIB, 4 * MIB, 512);
		return 0;
	}
	if (strcmp(arg, "gpt") == 0) {
		check_disk(MIB, 2 * MIB, 3 * MIB, 3 * MIB, 512);
		return 0;
	}
	if (strcmp(arg, "gpt4k") == 0) {
		check_disk(MIB, 2 * MIB, 4 * MIB, 2 * MIB, 4096);
		return 0;
	}
	if (strcmp(arg, "none") == 0) {
		check_nopart();
		return 0;
	}
	if (strcmp(arg, "rdonly") == 0) {
		check_rdonly();
		return 0;
	}

	/* MBR by sfdisk: 2 MiB at 1 MiB, 4 MiB at 3 MiB. */
	make_blank();
	snprintf(cmd, sizeof(cmd),
		 "printf 'label: dos\\nstart=2048, size=4096, type=83\\n"
		 "start=6144, size=8192, type=83\\n' | sfdisk %s",
		 img);
	run(cmd);
	fill(1, MIB, 2 * MIB);
	fill(2, 3 * MIB, 4 * MIB);
	fill(3, 7 * MIB, MIB);
	run_child("mbr");

	/* GPT by sgdisk: 2 MiB at 1 MiB, 3 MiB at 3 MiB. */
	make_blank();
	snprintf(cmd, sizeof(cmd), "sgdisk -n 1:2048:6143 -n 2:6144:12287 %s",
		 img);
	run(cmd);
	fill(1, MIB, 2 * MIB);
	fill(2, 3 * MIB, 3 * MIB);
	fill(3, 6 * MIB, MIB);
	run_child("gpt");
	/* The same image, read-only. */
	CHECK_SYS(chmod(img, 0444));
	run_child("rdonly");
	CHECK_SYS(chmod(img, 0644));

	/* GPT with 4096-byte sectors: 2 MiB at 1 MiB, 2 MiB at 4 MiB. */
	make_blank();
	snprintf(cmd, sizeof(cmd),
		 "printf 'g\\nn\\n1\\n256\\n767\\nn\\n2\\n1024\\n1535\\nw\\n' "
		 "| fdisk -b 4096 %s",
		 img);
	run(cmd);
	fill(1, MIB, 2 * MIB);
	fill(2, 3 * MIB, MIB); /* the gap after partition 1 */
	fill(2, 4 * MIB, 2 * MIB);
	fill(3, 6 * MIB, MIB);
	run_child("gpt4k");

	/* No table at all; then a GPT whose entries checksum is broken. */
	make_blank();
	fill(1, 0, IMG_SIZE);
	run_child("none");
	make_blank();
	snprintf(cmd, sizeof(cmd), "sgdisk -n 1:2048:6143 %s", img);
	run(cmd);
	fd = open(img, O_WRONLY);
	CHECK(fd >= 0);
	CHECK_EQ(pwrite(fd, "X", 1, 1024 + 40), 1); /* entry 1's last LBA */
	close(fd);
	run_child("none");
	CHECK(strstr(out, "GPT entries checksum mismatch") != NULL);

	unlink(img);
	test_log("ok\n");
	return 0;
}
