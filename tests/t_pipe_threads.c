/* hosts: posix */
/*
 * t_pipe_threads.c -- pipes, poll and descriptors under host threads:
 * blocking readers and writers passing a long stream of odd-sized
 * chunks, several writers whose PIPE_BUF records never interleave,
 * pollers and selectors woken by another thread's write, a blocked
 * writer released by the close of the read end, and threads opening and
 * closing descriptors in one shared table at once.  Every thread is an
 * lwp of one process made for the test, so all share its table.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"

#define ATOMIC_MAX 4096

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static unsigned char pattern(uint64_t i)
{
	return (unsigned char)(i * 131 + (i >> 8) * 7 + 3);
}

/* One writer, one reader, blocking, odd sizes on both sides. */
static struct {
	int p[2];
	uint64_t total;
} stream;

static void *stream_writer(void *arg)
{
	static unsigned char buf[100000];
	uint64_t pos = 0;
	size_t size = 1;

	while (pos < stream.total) {
		size_t n = (size_t)min_u64(size, stream.total - pos);
		ssize_t w;
		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(pos + i);
		w = rump_sys_write(stream.p[1], buf, n);
		CHECK_EQ(w, n); /* blocking: all of it */
		pos += n;
		size = size * 7 % sizeof(buf) + 1;
	}
	CHECK_SYS(rump_sys_close(stream.p[1]));
	return NULL;
}

static void stream_test(void)
{
	static unsigned char buf[70000];
	uint64_t pos = 0;
	size_t size = 3;
	pthread_t t;
	ssize_t n;

	stream.total = (16ull << 20) * (uint64_t)test_scale();
	CHECK_SYS(rump_sys_pipe(stream.p));
	test_spawn(&t, stream_writer, NULL);
	while ((n = rump_sys_read(stream.p[0], buf, size)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != pattern(pos + (uint64_t)i))
				CHECK_EQ(buf[i], pattern(pos + (uint64_t)i));
		pos += (uint64_t)n;
		size = size * 5 % sizeof(buf) + 1;
	}
	CHECK_EQ(n, 0);
	CHECK_EQ(pos, stream.total);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_SYS(rump_sys_close(stream.p[0]));
}

/* Writers of PIPE_BUF records: each arrives whole. */
#define NWRITERS 4
static struct {
	int p[2];
	int nrecs;
} recs;

static void *record_writer(void *arg)
{
	unsigned char rec[ATOMIC_MAX];
	int id = (int)(intptr_t)arg;

	for (int r = 0; r < recs.nrecs; r++) {
		memset(rec, 'A' + id, sizeof(rec));
		rec[0] = (unsigned char)r;
		CHECK_EQ(rump_sys_write(recs.p[1], rec, sizeof(rec)),
			 sizeof(rec));
	}
	return NULL;
}

static void records_test(void)
{
	static unsigned char buf[ATOMIC_MAX * 4];
	int next[NWRITERS] = {0};
	pthread_t t[NWRITERS];
	size_t have = 0;
	ssize_t n;

	recs.nrecs = 500 * test_scale();
	CHECK_SYS(rump_sys_pipe(recs.p));
	for (int i = 0; i < NWRITERS; i++)
		test_spawn(&t[i], record_writer, (void *)(intptr_t)i);
	for (int done = 0; done < NWRITERS * recs.nrecs;) {
		/* Odd read sizes: records are split across reads. */
		n = rump_sys_read(recs.p[0], buf + have,
				  min_u64(sizeof(buf) - have, 3001));
		CHECK(n > 0);
		have += (size_t)n;
		while (have >= ATOMIC_MAX) {
			int id = buf[1] - 'A';
			CHECK(id >= 0 && id < NWRITERS);
			CHECK_EQ(buf[0], (unsigned char)next[id]);
			next[id]++;
			for (int i = 1; i < ATOMIC_MAX; i++)
				if (buf[i] != 'A' + id)
					CHECK_EQ(buf[i], 'A' + id);
			memmove(buf, buf + ATOMIC_MAX, have - ATOMIC_MAX);
			have -= ATOMIC_MAX;
			done++;
		}
	}
	for (int i = 0; i < NWRITERS; i++) {
		CHECK_EQ(pthread_join(t[i], NULL), 0);
		CHECK_EQ(next[i], recs.nrecs);
	}
	CHECK_SYS(rump_sys_close(recs.p[1]));
	CHECK_EQ(CHECK_SYS(rump_sys_read(recs.p[0], buf, 1)), 0);
	CHECK_SYS(rump_sys_close(recs.p[0]));
}

/* Several pollers and a selector asleep on one pipe; one write. */
#define NPOLLERS 4
static struct {
	int p[2];
	pthread_mutex_t lock;
	int waiting;
} pw;

static void *poller(void *arg)
{
	struct pollfd pfd = {.fd = pw.p[0], .events = POLLIN};

	pthread_mutex_lock(&pw.lock);
	pw.waiting++;
	pthread_mutex_unlock(&pw.lock);
	CHECK_EQ(rump_sys_poll(&pfd, 1, -1), 1);
	CHECK_EQ(pfd.revents, POLLIN);
	return NULL;
}

static void *selector(void *arg)
{
	fd_set rd;

	FD_ZERO(&rd);
	FD_SET(pw.p[0], &rd);
	pthread_mutex_lock(&pw.lock);
	pw.waiting++;
	pthread_mutex_unlock(&pw.lock);
	CHECK_EQ(rump_sys_select(pw.p[0] + 1, &rd, NULL, NULL, NULL), 1);
	CHECK(FD_ISSET(pw.p[0], &rd));
	return NULL;
}

static void wakeup_test(void)
{
	pthread_t t[NPOLLERS + 1];
	char c;

	pthread_mutex_init(&pw.lock, NULL);
	pw.waiting = 0;
	CHECK_SYS(rump_sys_pipe(pw.p));
	for (int i = 0; i < NPOLLERS; i++)
		test_spawn(&t[i], poller, NULL);
	test_spawn(&t[NPOLLERS], selector, NULL);
	for (;;) {
		int w;
		pthread_mutex_lock(&pw.lock);
		w = pw.waiting;
		pthread_mutex_unlock(&pw.lock);
		if (w == NPOLLERS + 1)
			break;
		usleep(1000);
	}
	usleep(20000); /* most likely asleep in the kernel by now */
	CHECK_EQ(CHECK_SYS(rump_sys_write(pw.p[1], "w", 1)), 1);
	for (int i = 0; i <= NPOLLERS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(CHECK_SYS(rump_sys_read(pw.p[0], &c, 1)), 1);
	CHECK_SYS(rump_sys_close(pw.p[0]));
	CHECK_SYS(rump_sys_close(pw.p[1]));
	pthread_mutex_destroy(&pw.lock);
}

/* A writer blocked on a full pipe, released by closing the read end. */
static int blk[2];

static void *blocked_writer(void *arg)
{
	static char buf[65536 + 4096];
	ssize_t n = rump_sys_write(blk[1], buf, sizeof(buf));

	/* What went in before the reader left is reported. */
	CHECK_EQ(n, 65536);
	CHECK_ERRNO(rump_sys_write(blk[1], buf, 1), EPIPE);
	return NULL;
}

static void blocked_writer_test(void)
{
	pthread_t t;
	int n = 0;

	CHECK_SYS(rump_sys_pipe(blk));
	test_spawn(&t, blocked_writer, NULL);
	while (n < 65536) {
		usleep(1000);
		CHECK_SYS(rump_sys_ioctl(blk[0], FIONREAD, &n));
	}
	usleep(10000);
	CHECK_SYS(rump_sys_close(blk[0]));
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_SYS(rump_sys_close(blk[1]));
}

/* Threads making and closing descriptors in one table at once. */
static void *churn(void *arg)
{
	int iters = 2000 * test_scale();

	for (int i = 0; i < iters; i++) {
		int p[2], d;
		char c = 'c';
		CHECK_SYS(rump_sys_pipe2(p, O_NONBLOCK));
		d = (int)CHECK_SYS(rump_sys_dup(p[1]));
		CHECK_EQ(CHECK_SYS(rump_sys_write(d, &c, 1)), 1);
		CHECK_SYS(rump_sys_close(p[1]));
		CHECK_EQ(CHECK_SYS(rump_sys_read(p[0], &c, 1)), 1);
		CHECK_SYS(rump_sys_close(d));
		CHECK_EQ(CHECK_SYS(rump_sys_read(p[0], &c, 1)), 0);
		CHECK_SYS(rump_sys_close(p[0]));
	}
	return NULL;
}

static void churn_test(void)
{
	pthread_t t[4];

	for (int i = 0; i < 4; i++)
		test_spawn(&t[i], churn, NULL);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(110);
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);

	stream_test();
	records_test();
	wakeup_test();
	blocked_writer_test();
	churn_test();
	rump_pub_lwproc_releaselwp();
	CHECK_EQ(rump_test_files_live(), 0);

	test_halt();
	test_log("ok");
	return 0;
}
