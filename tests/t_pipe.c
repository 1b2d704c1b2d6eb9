/*
 * t_pipe.c -- pipes on one host thread (so on both hosts): data
 * integrity over many writes and reads of odd sizes, the 64 KiB
 * capacity, EAGAIN with O_NONBLOCK, atomic writes of up to PIPE_BUF
 * bytes, end of file, EPIPE without a signal, FIONREAD, vectored I/O,
 * ESPIPE for offsets, EFAULT for bad buffers, blocking reads and
 * writes released by kernel threads, and the named-fifo rendezvous.
 */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "testlib.h"

#define CAPACITY 65536
#define ATOMIC_MAX 4096

static int nread_of(int fd)
{
	int n = -1;

	CHECK_SYS(rump_sys_ioctl(fd, FIONREAD, &n));
	return n;
}

static unsigned char pattern(uint64_t i)
{
	return (unsigned char)(i * 131 + (i >> 8) * 7 + 3);
}

/* Fills the pipe with odd-sized writes, drains it with odd-sized reads,
 * many times over: every byte arrives once, in order. */
static void integrity(void)
{
	static unsigned char buf[3 * ATOMIC_MAX];
	uint64_t wpos = 0, rpos = 0, target = 4ull << 20;
	size_t wsize = 1, rsize = 7;
	int p[2];

	target *= (uint64_t)test_scale();
	CHECK_SYS(rump_sys_pipe2(p, O_NONBLOCK));
	while (rpos < target) {
		/* Write until the pipe pushes back. */
		for (;;) {
			ssize_t n;
			for (size_t i = 0; i < wsize; i++)
				buf[i] = pattern(wpos + i);
			n = rump_sys_write(p[1], buf, wsize);
			if (n < 0) {
				CHECK_EQ(errno, EAGAIN);
				break;
			}
			CHECK(n > 0 && (size_t)n <= wsize);
			/* Up to PIPE_BUF bytes go whole or not at all. */
			if (wsize <= ATOMIC_MAX)
				CHECK_EQ(n, wsize);
			wpos += (uint64_t)n;
			wsize = wsize * 5 % (sizeof(buf) - 1) + 1;
		}
		CHECK_EQ(nread_of(p[0]), wpos - rpos);
		CHECK(wpos - rpos <= CAPACITY);
		/* Read until empty. */
		for (;;) {
			ssize_t n = rump_sys_read(p[0], buf, rsize);
			if (n < 0) {
				CHECK_EQ(errno, EAGAIN);
				break;
			}
			CHECK(n > 0 && (size_t)n <= rsize);
			for (ssize_t i = 0; i < n; i++)
				if (buf[i] != pattern(rpos + (uint64_t)i))
					CHECK_EQ(buf[i],
						 pattern(rpos + (uint64_t)i));
			rpos += (uint64_t)n;
			rsize = rsize * 3 % (sizeof(buf) - 1) + 1;
		}
		CHECK_EQ(rpos, wpos);
	}
	test_log("integrity: %llu bytes", (unsigned long long)rpos);
	CHECK_SYS(rump_sys_close(p[0]));
	CHECK_SYS(rump_sys_close(p[1]));
}

static void capacity_and_atomicity(void)
{
	static char buf[CAPACITY + 1];
	int p[2];

	memset(buf, 'c', sizeof(buf));
	CHECK_SYS(rump_sys_pipe2(p, O_NONBLOCK));
	CHECK_ERRNO(rump_sys_read(p[0], buf, 1), EAGAIN);
	CHECK_EQ(nread_of(p[0]), 0);
	/* A long non-blocking write takes what fits: the capacity. */
	CHECK_EQ(CHECK_SYS(rump_sys_write(p[1], buf, sizeof(buf))), CAPACITY);
	CHECK_EQ(nread_of(p[0]), CAPACITY);
	CHECK_EQ(nread_of(p[1]), CAPACITY);
	CHECK_ERRNO(rump_sys_write(p[1], buf, 1), EAGAIN);
	/* With PIPE_BUF - 1 bytes free, a PIPE_BUF write is refused whole,
	 * a longer one goes in part, a shorter one whole. */
	CHECK_EQ(CHECK_SYS(rump_sys_read(p[0], buf, ATOMIC_MAX - 1)),
		 ATOMIC_MAX - 1);
	CHECK_ERRNO(rump_sys_write(p[1], buf, ATOMIC_MAX), EAGAIN);
	CHECK_EQ(CHECK_SYS(rump_sys_write(p[1], buf, ATOMIC_MAX + 1)),
		 ATOMIC_MAX - 1);
	CHECK_EQ(CHECK_SYS(rump_sys_read(p[0], buf, 100)), 100);
	CHECK_ERRNO(rump_sys_write(p[1], buf, 101), EAGAIN);
	CHECK_EQ(CHECK_SYS(rump_sys_write(p[1], buf, 100)), 100);
	/* A read returns what is there, not what was asked. */
	CHECK_EQ(CHECK_SYS(rump_sys_read(p[0], buf, sizeof(buf))), CAPACITY);
	CHECK_ERRNO(rump_sys_read(p[0], buf, 1), EAGAIN);
	/* Zero-length transfers do nothing and succeed. */
	CHECK_EQ(CHECK_SYS(rump_sys_read(p[0], buf, 0)), 0);
	CHECK_EQ(CHECK_SYS(rump_sys_write(p[1], buf, 0)), 0);
	CHECK_SYS(rump_sys_close(p[0]));
	CHECK_SYS(rump_sys_close(p[1]));
}

static void eof_and_epipe(void)
{
	char buf[16];
	int p[2];

	CHECK_SYS(rump_sys_pipe(p));
	CHECK_EQ(CHECK_SYS(rump_sys_write(p[1], "hello", 5)), 5);
	CHECK_SYS(rump_sys_close(p[1]));
	/* Buffered data first, then end of file (even blocking). */
	CHECK_EQ(CHECK_SYS(rump_sys_read(p[0], buf, 3)), 3);
	CHECK_EQ(CHECK_SYS(rump_sys_read(p[0], buf + 3, sizeof(buf))), 2);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_EQ(CHECK_SYS(rump_sys_read(p[0], buf, sizeof(buf))), 0);
	CHECK_EQ(CHECK_SYS(rump_sys_read(p[0], buf, sizeof(buf))), 0);
	CHECK_SYS(rump_sys_close(p[0]));

	/* No reader: EPIPE, and no SIGPIPE (the default would kill us). */
	CHECK_SYS(rump_sys_pipe(p));
	CHECK_SYS(rump_sys_close(p[0]));
	CHECK_ERRNO(rump_sys_write(p[1], "x", 1), EPIPE);
	CHECK_ERRNO(rump_sys_write(p[1], buf, sizeof(buf)), EPIPE);
	CHECK_SYS(rump_sys_close(p[1]));
}

static void wrong_end_and_offsets(void)
{
	char buf[8] = "abcdefg";
	struct iovec iov = {.iov_base = buf, .iov_len = 1};
	int p[2];

	CHECK_SYS(rump_sys_pipe(p));
	CHECK_ERRNO(rump_sys_write(p[0], buf, 1), EBADF);
	CHECK_ERRNO(rump_sys_read(p[1], buf, 1), EBADF);
	CHECK_ERRNO(rump_sys_writev(p[0], &iov, 1), EBADF);
	CHECK_ERRNO(rump_sys_lseek(p[0], 0, SEEK_SET), ESPIPE);
	CHECK_ERRNO(rump_sys_lseek(p[1], 0, SEEK_CUR), ESPIPE);
	CHECK_ERRNO(rump_sys_pread(p[0], buf, 1, 0), ESPIPE);
	CHECK_ERRNO(rump_sys_pwrite(p[1], buf, 1, 0), ESPIPE);
	CHECK_ERRNO(rump_sys_preadv(p[0], &iov, 1, 0), ESPIPE);
	CHECK_ERRNO(rump_sys_pwritev(p[1], &iov, 1, 0), ESPIPE);
	CHECK_SYS(rump_sys_close(p[0]));
	CHECK_SYS(rump_sys_close(p[1]));
}

static void vectors(void)
{
	char a[3], b[5], c[100], out[16];
	struct iovec wv[3] = {{"abc", 3}, {NULL, 0}, {"defghij", 7}};
	struct iovec rv[3] = {{a, sizeof(a)}, {b, sizeof(b)}, {c, sizeof(c)}};
	static struct iovec many[1025];
	int p[2];

	CHECK_SYS(rump_sys_pipe2(p, O_NONBLOCK));
	CHECK_EQ(CHECK_SYS(rump_sys_writev(p[1], wv, 3)), 10);
	CHECK_EQ(CHECK_SYS(rump_sys_readv(p[0], rv, 3)), 10);
	CHECK(memcmp(a, "abc", 3) == 0);
	CHECK(memcmp(b, "defgh", 5) == 0);
	CHECK(memcmp(c, "ij", 2) == 0);
	/* No vectors: nothing moves. */
	CHECK_EQ(CHECK_SYS(rump_sys_writev(p[1], wv, 0)), 0);
	CHECK_ERRNO(rump_sys_writev(p[1], wv, -1), EINVAL);
	CHECK_ERRNO(rump_sys_readv(p[0], rv, -1), EINVAL);
	for (size_t i = 0; i < 1025; i++) {
		many[i].iov_base = out;
		many[i].iov_len = 0;
	}
	many[0].iov_len = 1;
	CHECK_EQ(CHECK_SYS(rump_sys_writev(p[1], many, 1024)), 1);
	CHECK_ERRNO(rump_sys_writev(p[1], many, 1025), EINVAL);
	CHECK_EQ(CHECK_SYS(rump_sys_readv(p[0], many, 1024)), 1);
	/* A length that overflows ssize_t in total. */
	wv[0].iov_len = SSIZE_MAX;
	wv[2].iov_len = SSIZE_MAX;
	CHECK_ERRNO(rump_sys_writev(p[1], wv, 3), EINVAL);
	CHECK_SYS(rump_sys_close(p[0]));
	CHECK_SYS(rump_sys_close(p[1]));
}

static void efault(void)
{
	struct iovec iov[2];
	char buf[8];
	int p[2];

	CHECK_SYS(rump_sys_pipe2(p, O_NONBLOCK));
	CHECK_ERRNO(rump_sys_write(p[1], NULL, 4), EFAULT);
	CHECK_ERRNO(rump_sys_read(p[0], buf, 1), EAGAIN);
	CHECK_EQ(CHECK_SYS(rump_sys_write(p[1], "data", 4)), 4);
	/* A failed read consumes nothing. */
	CHECK_ERRNO(rump_sys_read(p[0], NULL, 4), EFAULT);
	CHECK_EQ(nread_of(p[0]), 4);
	/* A read that moved some bytes before the fault reports them. */
	iov[0].iov_base = buf;
	iov[0].iov_len = 2;
	iov[1].iov_base = (void *)16;
	iov[1].iov_len = 2;
	CHECK_EQ(CHECK_SYS(rump_sys_readv(p[0], iov, 2)), 2);
	CHECK(memcmp(buf, "da", 2) == 0);
	CHECK_EQ(nread_of(p[0]), 2);
	CHECK_ERRNO(rump_sys_readv(p[0], NULL, 1), EFAULT);
	CHECK_ERRNO(rump_sys_ioctl(p[0], FIONREAD, NULL), EFAULT);
	CHECK_SYS(rump_sys_close(p[0]));
	CHECK_SYS(rump_sys_close(p[1]));
	/* pipe into a bad array: EFAULT and no descriptor left behind. */
	CHECK_ERRNO(rump_sys_pipe(NULL), EFAULT);
	CHECK_ERRNO(rump_sys_pipe2(NULL, O_CLOEXEC), EFAULT);
	CHECK_EQ(rump_test_files_live(), 0);
	CHECK_SYS(rump_sys_pipe(p));
	CHECK_EQ(p[0], 0);
	CHECK_EQ(p[1], 1);
	CHECK_SYS(rump_sys_close(p[0]));
	CHECK_SYS(rump_sys_close(p[1]));
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(110);
	test_boot();

	integrity();
	capacity_and_atomicity();
	eof_and_epipe();
	wrong_end_and_offsets();
	vectors();
	efault();
	/* Blocking, with kernel threads on the other end. */
	CHECK_KERN(rump_test_pipe_blocked(0));
	CHECK_KERN(rump_test_pipe_blocked(1));
	CHECK_KERN(rump_test_pipe_kthreads(1, 200 * test_scale()));
	CHECK_KERN(rump_test_pipe_kthreads(4, 100 * test_scale()));
	CHECK_KERN(rump_test_fifo());
	CHECK_EQ(rump_test_files_live(), 0);

	test_halt();
	test_log("ok");
	return 0;
}
