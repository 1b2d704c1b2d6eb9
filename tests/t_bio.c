/*
 * t_bio.c -- the buffer cache on an etfs block device: a host image
 * registered with RUMP_ETFS_BLK is opened for a mount (once only), reads
 * return the image's bytes, a block past the end is EIO, bad arguments
 * EINVAL; delayed writes reach the image at vflushbuf, held buffers only
 * after bunhold, contiguous delayed writes go as one transfer, sequential
 * reads read ahead, the flusher thread writes delayed blocks on its
 * own (bounded at 60 s), 40 consecutive asynchronous writes queued while
 * the hostdisk queues are held merge into MAXPHYS transfers (counted).
 * Children: every block I/O failing (reads EIO, a
 * delayed write's error reported once by vflushbuf), and the whole cache
 * working within RUMP_MEMLIMIT=1m on an image four times that size.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kern/rumptest.h"
#include "testlib.h"

extern int rump_component_link_vfs;

#define IMG_SIZE (1024 * 1024)
#define BIG_SIZE (4 * 1024 * 1024)

static char img[512];

static unsigned char pattern(uint64_t off)
{
	return (unsigned char)(off * 7 + off / 4096);
}

static void make_image(const char *path, size_t size)
{
	unsigned char *b = malloc(size);
	int fd;

	CHECK(b != NULL);
	for (size_t i = 0; i < size; i++)
		b[i] = pattern(i);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, b, size), (ssize_t)size);
	close(fd);
	free(b);
}

/* The image's bytes [off, off+len) all equal c (c < 0: the pattern)? */
static bool image_is(uint64_t off, size_t len, int c)
{
	unsigned char *b = malloc(len);
	bool ok = true;
	int fd = open(img, O_RDONLY);

	CHECK(fd >= 0 && b != NULL);
	CHECK_EQ(pread(fd, b, len, (off_t)off), (ssize_t)len);
	close(fd);
	for (size_t i = 0; i < len && ok; i++)
		ok = b[i] == (c < 0 ? pattern(off + i) : (unsigned char)c);
	free(b);
	return ok;
}

static bool data_is_pattern(const unsigned char *b, uint64_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (b[i] != pattern(off + i))
			return false;
	return true;
}

static struct rump_test_bio_stats stats(void)
{
	struct rump_test_bio_stats st;

	CHECK_KERN(rump_test_bio_stats(&st));
	return st;
}

static void open_disk(void)
{
	uint64_t size;
	uint32_t secsize;
	int rdonly;

	CHECK_EQ(rump_pub_etfs_register("/dev/disk0", img, RUMP_ETFS_BLK), 0);
	CHECK_KERN(
		rump_test_bio_open("/dev/disk0", 0, &size, &secsize, &rdonly));
	CHECK_EQ(size, IMG_SIZE);
	CHECK_EQ(secsize, 512);
	CHECK_EQ(rdonly, 0);
}

static void test_main(void)
{
	static unsigned char buf[65536];
	struct rump_test_bio_stats st0, st;

	test_boot();
	open_disk();

	/* Reads: the image's bytes; past the end EIO; bad arguments. */
	CHECK_KERN(rump_test_bio_read(0, 4096, 0, buf));
	CHECK(data_is_pattern(buf, 0, 4096));
	CHECK_KERN(rump_test_bio_read(2, 1024, 0, buf));
	CHECK(data_is_pattern(buf, 1024, 1024));
	CHECK_KERN(rump_test_bio_read(2047, 512, 0, buf));
	CHECK(data_is_pattern(buf, IMG_SIZE - 512, 512));
	CHECK_EQ(rump_test_bio_read(2048, 512, 0, buf), RUMP_EIO);
	CHECK_EQ(rump_test_bio_read(2046, 2048, 0, buf), RUMP_EIO);
	CHECK_KERN(rump_test_bio_badargs());
	CHECK_KERN(rump_test_bio_verified(1000));
	CHECK_KERN(rump_test_bio_read(1000, 1024, 0, buf));
	CHECK(data_is_pattern(buf, 1000 * 512ULL, 1024));
	/* A cached block at another size is read again at that size. */
	CHECK_KERN(rump_test_bio_read(0, 1024, 0, buf));
	CHECK(data_is_pattern(buf, 0, 1024));

	/* Sequential reads read ahead, as larger transfers. */
	st0 = stats();
	for (int i = 0; i < 64; i++) {
		CHECK_KERN(rump_test_bio_read(64 + i * 8, 4096, 0, buf));
		CHECK(data_is_pattern(buf, (64 + i * 8) * 512ULL, 4096));
	}
	st = stats();
	CHECK(st.raheads > st0.raheads);
	CHECK(st.hits > st0.hits);
	CHECK(st.clustered > st0.clustered);
	CHECK(st.reads - st0.reads < 64);

	/* Writes: bwrite at once, bdwrite at vflushbuf, bawrite soon. */
	CHECK_KERN(rump_test_bio_write(1024, 4096, 0, 0xa1));
	CHECK(image_is(1024 * 512, 4096, 0xa1));
	CHECK_KERN(rump_test_bio_write(1040, 4096, 1, 0xa2));
	CHECK_KERN(rump_test_bio_write(1056, 4096, 4, 0xa3));
	CHECK_KERN(rump_test_bio_write(1072, 4096, 2, 0xa4));
	CHECK_KERN(rump_test_bio_write(1088, 4096, 3, 0xa5)); /* held */
	CHECK_KERN(rump_test_bio_flush(1));
	CHECK(image_is(1040 * 512, 4096, 0xa2));
	CHECK(image_is(1056 * 512, 4096, 0xa3));
	CHECK(image_is(1072 * 512, 4096, 0xa4));
	CHECK(image_is(1088 * 512, 4096, -1)); /* held: not written */
	CHECK_KERN(rump_test_bio_read(1088, 4096, 0, buf));
	CHECK(buf[0] == 0xa5 && buf[4095] == 0xa5); /* but cached */
	CHECK_KERN(rump_test_bio_unhold());
	CHECK_KERN(rump_test_bio_flush(1));
	CHECK(image_is(1088 * 512, 4096, 0xa5));
	CHECK_KERN(rump_test_bio_barrier());

	/* Sixteen contiguous delayed writes: few transfers. */
	st0 = stats();
	for (int i = 0; i < 16; i++)
		CHECK_KERN(
			rump_test_bio_write(1200 + i * 8, 4096, 4, 0xb0 + i));
	CHECK_KERN(rump_test_bio_flush(1));
	st = stats();
	CHECK_EQ(st.writes - st0.writes, 16);
	CHECK(st.clustered - st0.clustered >= 1);
	CHECK(st.clustered - st0.clustered <= 2);
	for (int i = 0; i < 16; i++)
		CHECK(image_is((1200 + i * 8) * 512ULL, 4096, 0xb0 + i));
	CHECK_EQ(st.dirty, 0);

	/*
	 * The flusher writes a delayed block back on its own, with no sync,
	 * a few seconds later (BC_DIRTY_AGE); 60 s only against a hang.
	 */
	{
		time_t end = time(NULL) + 60;

		CHECK_KERN(rump_test_bio_write(1400, 4096, 1, 0xc7));
		while (!image_is(1400 * 512, 4096, 0xc7) && time(NULL) < end)
			rump_sys_poll(NULL, 0, 100); /* sleeps in the kernel:
							on the fiber host its
							threads run */
		CHECK(image_is(1400 * 512, 4096, 0xc7));
		CHECK(image_is(1408 * 512, 4096, -1)); /* its neighbour */
		CHECK_EQ(stats().dirty, 0);
	}

	/*
	 * 40 asynchronous writes of consecutive blocks queued at once (the
	 * hostdisk queue held meanwhile): merged into MAXPHYS transfers,
	 * 32 + 8 blocks, then the cache flush; every byte lands.
	 */
	{
		uint64_t issued, merged;

		CHECK_KERN(
			rump_test_bio_merge(1600, 40, 0x40, &issued, &merged));
		CHECK_EQ(issued, 3);
		CHECK_EQ(merged, 38);
		for (int i = 0; i < 40; i++)
			CHECK(image_is((1600 + i * 8) * 512ULL, 4096,
				       0x40 + i));
		CHECK(image_is(1600 * 512 - 4096, 4096, -1));
		CHECK(image_is((1600 + 40 * 8) * 512ULL, 4096, -1));
	}

	CHECK_KERN(rump_test_bio_close());
	/* Closed: it can be opened again. */
	{
		uint64_t size;
		uint32_t secsize;
		int rdonly;

		CHECK_KERN(rump_test_bio_open("/dev/disk0", 1, &size, &secsize,
					      &rdonly));
		CHECK_KERN(rump_test_bio_close());
	}
	CHECK_EQ(rump_test_bio_open("/", 1, &(uint64_t){0}, &(uint32_t){0},
				    &(int){0}),
		 RUMP_ENOTBLK);
	CHECK_EQ(rump_test_bio_open("/nonexistent", 1, &(uint64_t){0},
				    &(uint32_t){0}, &(int){0}),
		 RUMP_ENOENT);
	CHECK_EQ(rump_pub_etfs_remove("/dev/disk0"), 0);
	test_halt();
}

/* Every block I/O fails: EIO for reads, and for a delayed write once. */
static int child_fail(void)
{
	static unsigned char buf[4096];

	test_boot();
	open_disk();
	CHECK_EQ(rump_test_bio_read(0, 4096, 0, buf), RUMP_EIO);
	CHECK_KERN(rump_test_bio_write(16, 4096, 4, 0x5a));
	CHECK_EQ(rump_test_bio_flush(1), RUMP_EIO);
	CHECK_KERN(rump_test_bio_flush(1)); /* reported once */
	CHECK_EQ(rump_test_bio_write(32, 4096, 0, 0x5b), RUMP_EIO); /* bread */
	CHECK_EQ(rump_test_bio_write(32, 4096, 5, 0x5b), RUMP_EIO); /* bwrite */
	CHECK_EQ(rump_test_bio_barrier(), RUMP_EIO);
	CHECK_KERN(rump_test_bio_close());
	test_halt();
	CHECK(image_is(16 * 512, 4096, -1));
	return 0;
}

/* With a 1 MiB kernel: 4 MiB written through the cache and read back. */
static int child_small(void)
{
	static unsigned char buf[4096];
	struct rump_test_bio_stats st;
	uint64_t size;
	uint32_t secsize;
	int rdonly;

	test_boot();
	CHECK_EQ(rump_pub_etfs_register("/dev/disk0", img, RUMP_ETFS_BLK), 0);
	CHECK_KERN(
		rump_test_bio_open("/dev/disk0", 0, &size, &secsize, &rdonly));
	CHECK_EQ(size, BIG_SIZE);
	st = stats();
	CHECK(st.maxbytes <= 1024 * 1024 / 4);
	for (int i = 0; i < BIG_SIZE / 4096; i++) {
		CHECK_KERN(rump_test_bio_write(i * 8, 4096, i % 2 ? 4 : 1,
					       i & 0xff));
		st = stats();
		CHECK(st.bytes <= st.maxbytes);
	}
	for (int i = 0; i < BIG_SIZE / 4096; i++) {
		CHECK_KERN(rump_test_bio_read(i * 8, 4096, 0, buf));
		CHECK(buf[0] == (i & 0xff) && buf[4095] == (i & 0xff));
	}
	CHECK_KERN(rump_test_bio_close());
	CHECK_EQ(rump_pub_etfs_remove("/dev/disk0"), 0);
	test_halt();
	for (int i = 0; i < BIG_SIZE / 4096; i += 97)
		CHECK(image_is(i * 4096ULL, 4096, i & 0xff));
	return 0;
}

/* Power cut after write 5: writes 1..5 reach the image, 6..10 do not. */
static int child_cut(void)
{
	test_boot();
	open_disk();
	for (int i = 0; i < 10; i++)
		CHECK_KERN(rump_test_bio_write(i * 8, 4096, 5, 0x10 + i));
	CHECK_KERN(rump_test_bio_barrier()); /* after the cut: nothing */
	CHECK_KERN(rump_test_bio_close());
	test_halt();
	for (int i = 0; i < 10; i++)
		CHECK(image_is(i * 4096ULL, 4096, i < 5 ? 0x10 + i : -1));
	return 0;
}

/*
 * Reorder: 10 writes, a flush, 30 more (block 10 twice), cut at write 40.
 * The flushed ones stay; each later block is whole, old or one of its
 * writes; some were kept and some dropped.
 */
static int child_reorder(void)
{
	int kept = 0, lost = 0;

	test_boot();
	open_disk();
	for (int i = 0; i < 10; i++)
		CHECK_KERN(rump_test_bio_write(i * 8, 4096, 5, 0x20 + i));
	CHECK_KERN(rump_test_bio_barrier());
	CHECK_KERN(rump_test_bio_write(10 * 8, 4096, 5, 0x01));
	for (int i = 10; i < 39; i++)
		CHECK_KERN(rump_test_bio_write(i * 8, 4096, 5, 0x20 + i));
	CHECK_KERN(rump_test_bio_write(39 * 8, 4096, 5, 0x20 + 39)); /* cut */
	CHECK_KERN(rump_test_bio_close());
	test_halt();
	for (int i = 0; i < 10; i++)
		CHECK(image_is(i * 4096ULL, 4096, 0x20 + i));
	CHECK(image_is(39 * 4096ULL, 4096, -1));
	for (int i = 10; i < 39; i++) {
		if (image_is(i * 4096ULL, 4096, 0x20 + i)) {
			kept++;
		} else if (i == 10 && image_is(i * 4096ULL, 4096, 0x01)) {
			kept++;
		} else {
			CHECK(image_is(i * 4096ULL, 4096, -1));
			lost++;
		}
	}
	CHECK(kept > 0 && lost > 0);
	return 0;
}

static void run_child(const char *arg, const char *const *env)
{
	static char out[65536];
	int status = test_child(arg, env, out, sizeof(out), 120);

	if (status != 0) {
		fprintf(stderr, "%s", out);
		test_fail(__FILE__, __LINE__, "child %s: %s", arg,
			  test_status_str(status));
	}
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");

	test_init(argc, argv);
	test_watchdog(300);
	(void)rump_component_link_vfs;
	if (getenv("T_BIO_IMG") != NULL) {
		snprintf(img, sizeof(img), "%s", getenv("T_BIO_IMG"));
	} else {
		snprintf(img, sizeof(img), "%s/t_bio.%d.img",
			 tmp ? tmp : "/tmp", (int)getpid());
		setenv("T_BIO_IMG", img, 1);
	}
	if (argc > 1 && strcmp(argv[1], "fail") == 0)
		return child_fail();
	if (argc > 1 && strcmp(argv[1], "small") == 0)
		return child_small();
	if (argc > 1 && strcmp(argv[1], "cut") == 0)
		return child_cut();
	if (argc > 1 && strcmp(argv[1], "reorder") == 0)
		return child_reorder();

	make_image(img, IMG_SIZE);
	test_main();
	CHECK(image_is(0, 4096, -1));

	make_image(img, IMG_SIZE);
	run_child("fail", (const char *const[]){"RUMP_FAULT_BIO=1+", NULL});

	make_image(img, BIG_SIZE);
	/* The default RUMP_NVNODES: the VFS's hash tables fit in 1 MiB. */
	run_child("small", (const char *const[]){"RUMP_MEMLIMIT=1m", NULL});

	make_image(img, IMG_SIZE);
	run_child("cut", (const char *const[]){"RUMP_FAULT_POWERCUT=5", NULL});
	{
		static const char *const env[] = {"RUMP_FAULT_POWERCUT=40",
						  "RUMP_FAULT_REORDER=7", NULL};
		unsigned char *first = malloc(IMG_SIZE);
		int fd;

		make_image(img, IMG_SIZE);
		run_child("reorder", env);
		fd = open(img, O_RDONLY);
		CHECK(fd >= 0 && first != NULL);
		CHECK_EQ(pread(fd, first, IMG_SIZE, 0), IMG_SIZE);
		close(fd);
		/* The same seed: the same image. */
		make_image(img, IMG_SIZE);
		run_child("reorder", env);
		for (int i = 0; i < 40; i++)
			CHECK(image_is(i * 4096ULL, 1, first[i * 4096]));
		free(first);
	}
	unlink(img);
	test_log("ok\n");
	return 0;
}
