/*
 * t_bio_threads.c -- the buffer cache under contention, in a kernel of
 * 2 MiB (so that buffers are reused all the time): host threads write and
 * read back blocks of their own (delayed, synchronous and asynchronous
 * writes), write one shared block in turn and read a region nobody
 * writes, on an etfs disk; the image holds every thread's last write.
 */
/* hosts: posix */
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include "kern/rumptest.h"
#include "testlib.h"

extern int rump_component_link_vfs;

#define NTHREADS 4
#define NBLOCKS 64 /* 4 KiB blocks of each thread */
#define IMG_SIZE ((NTHREADS + 1) * NBLOCKS * 4096)

static char img[256];
static unsigned char last[NTHREADS][NBLOCKS];

static unsigned char pattern(uint64_t off)
{
	return (unsigned char)(off * 5 + 1);
}

static void *worker(void *arg)
{
	int t = (int)(intptr_t)arg, iters = 400 * test_scale();
	uint32_t seed = 1 + (uint32_t)t * 7919;
	unsigned char buf[4096];

	for (int i = 0; i < iters; i++) {
		int b, fill, how;
		int64_t blkno, shared;

		seed = seed * 1103515245 + 12345;
		b = (int)((seed >> 8) % NBLOCKS);
		fill = (int)((seed >> 20) & 0xff);
		how = (int)((seed >> 4) % 3); /* bwrite, bdwrite, bawrite */
		blkno = (int64_t)(t * NBLOCKS + b) * 8;
		CHECK_KERN(rump_test_bio_write(blkno, 4096, how, fill));
		last[t][b] = (unsigned char)fill;
		CHECK_KERN(rump_test_bio_read(blkno, 4096, 0, buf));
		CHECK(buf[0] == fill && buf[4095] == fill);
		/* The region nobody writes, read sequentially in turns. */
		shared = (int64_t)(NTHREADS * NBLOCKS + (i % NBLOCKS)) * 8;
		CHECK_KERN(rump_test_bio_read(shared, 4096, 0, buf));
		CHECK(buf[0] == pattern((uint64_t)shared * 512));
		CHECK(buf[4095] == pattern((uint64_t)shared * 512 + 4095));
		if (i % 50 == 0)
			CHECK_KERN(rump_test_bio_flush(i % 100 == 0));
	}
	return NULL;
}

static int child(void)
{
	pthread_t th[NTHREADS];
	uint64_t size;
	uint32_t secsize;
	int rdonly;

	test_boot();
	CHECK_EQ(rump_pub_etfs_register("/dev/disk0", img, RUMP_ETFS_BLK), 0);
	CHECK_KERN(
		rump_test_bio_open("/dev/disk0", 0, &size, &secsize, &rdonly));
	for (int t = 0; t < NTHREADS; t++)
		CHECK_EQ(pthread_create(&th[t], NULL, worker,
					(void *)(intptr_t)t),
			 0);
	for (int t = 0; t < NTHREADS; t++)
		CHECK_EQ(pthread_join(th[t], NULL), 0);
	CHECK_KERN(rump_test_bio_close());
	test_halt();
	for (int t = 0; t < NTHREADS; t++) {
		int fd = open(img, O_RDONLY);
		CHECK(fd >= 0);
		for (int b = 0; b < NBLOCKS; b++) {
			unsigned char c;
			off_t off = (off_t)(t * NBLOCKS + b) * 4096 + 100;
			CHECK_EQ(pread(fd, &c, 1, off), 1);
			if (last[t][b] != 0 || c != pattern((uint64_t)off))
				CHECK_EQ(c, last[t][b]);
		}
		close(fd);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char out[65536];
	const char *tmp = getenv("TMPDIR");
	unsigned char *b;
	int fd, status;

	test_init(argc, argv);
	test_watchdog(300);
	(void)rump_component_link_vfs;
	if (getenv("T_BIO_IMG") != NULL) {
		snprintf(img, sizeof(img), "%s", getenv("T_BIO_IMG"));
		return child();
	}
	snprintf(img, sizeof(img), "%s/t_bio_threads.%d.img",
		 tmp ? tmp : "/tmp", (int)getpid());
	setenv("T_BIO_IMG", img, 1);
	b = malloc(IMG_SIZE);
	CHECK(b != NULL);
	for (size_t i = 0; i < IMG_SIZE; i++)
		b[i] = pattern(i);
	fd = open(img, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, b, IMG_SIZE), IMG_SIZE);
	close(fd);
	free(b);
	status = test_child("run",
			    (const char *const[]){"RUMP_MEMLIMIT=2m",
						  "RUMP_NVNODES=256", NULL},
			    out, sizeof(out), 240);
	unlink(img);
	if (status != 0) {
		fprintf(stderr, "%s", out);
		test_fail(__FILE__, __LINE__, "child: %s",
			  test_status_str(status));
	}
	test_log("ok\n");
	return 0;
}
