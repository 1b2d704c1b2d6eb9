/*
 * t_poll.c -- poll and select over pipes: readiness for reading and
 * writing, POLLHUP after the last writer, POLLERR after the last reader,
 * POLLNVAL for descriptors that are not open, EBADF from select, EINVAL
 * for too many descriptors or a bad timeout, and timeouts that last at
 * least as long as asked (lower bounds only).  A kernel thread asleep in
 * poll is woken by a write (both hosts).
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void poll_readiness(void)
{
	static struct pollfd big[RUMP_OPEN_MAX + 1];
	struct pollfd pfd[4];
	static char buf[65536];
	int p[2];

	CHECK_SYS(rump_sys_pipe2(p, O_NONBLOCK));
	pfd[0] = (struct pollfd){.fd = p[0], .events = POLLIN};
	pfd[1] = (struct pollfd){.fd = p[1], .events = POLLOUT};
	pfd[2] = (struct pollfd){.fd = -1, .events = POLLIN, .revents = 7};
	pfd[3] = (struct pollfd){.fd = 99, .events = POLLIN};
	/* Empty: writable, not readable; a closed fd is POLLNVAL. */
	CHECK_EQ(CHECK_SYS(rump_sys_poll(pfd, 4, 0)), 2);
	CHECK_EQ(pfd[0].revents, 0);
	CHECK_EQ(pfd[1].revents & ~POLLWRNORM, POLLOUT);
	CHECK_EQ(pfd[2].revents, 0);
	CHECK_EQ(pfd[3].revents, POLLNVAL);
	/* Data: readable (POLLRDNORM too when asked). */
	CHECK_EQ(CHECK_SYS(rump_sys_write(p[1], "x", 1)), 1);
	pfd[0].events = POLLIN | POLLRDNORM;
	CHECK_EQ(CHECK_SYS(rump_sys_poll(pfd, 2, 0)), 2);
	CHECK_EQ(pfd[0].revents, POLLIN | POLLRDNORM);
	/* Only what was asked: nothing for an unasked POLLOUT. */
	pfd[0].events = POLLOUT;
	CHECK_EQ(CHECK_SYS(rump_sys_poll(pfd, 1, 0)), 0);
	CHECK_EQ(pfd[0].revents, 0);
	/* Full: not writable. */
	CHECK_EQ(CHECK_SYS(rump_sys_write(p[1], buf, sizeof(buf))),
		 sizeof(buf) - 1);
	CHECK_EQ(CHECK_SYS(rump_sys_poll(&pfd[1], 1, 0)), 0);
	CHECK_EQ(pfd[1].revents, 0);
	/* The last writer gone: POLLHUP, with POLLIN while data is left,
	 * whether or not asked for. */
	CHECK_SYS(rump_sys_close(p[1]));
	pfd[0].events = POLLIN;
	CHECK_EQ(CHECK_SYS(rump_sys_poll(pfd, 1, 0)), 1);
	CHECK_EQ(pfd[0].revents, POLLIN | POLLHUP);
	pfd[0].events = 0;
	CHECK_EQ(CHECK_SYS(rump_sys_poll(pfd, 1, 0)), 1);
	CHECK_EQ(pfd[0].revents, POLLHUP);
	while (rump_sys_read(p[0], buf, sizeof(buf)) > 0)
		;
	pfd[0].events = POLLIN;
	CHECK_EQ(CHECK_SYS(rump_sys_poll(pfd, 1, 0)), 1);
	CHECK_EQ(pfd[0].revents, POLLHUP);
	CHECK_SYS(rump_sys_close(p[0]));

	/* The last reader gone: POLLERR on the write end. */
	CHECK_SYS(rump_sys_pipe(p));
	CHECK_SYS(rump_sys_close(p[0]));
	pfd[1] = (struct pollfd){.fd = p[1], .events = POLLOUT};
	CHECK_EQ(CHECK_SYS(rump_sys_poll(&pfd[1], 1, 0)), 1);
	CHECK(pfd[1].revents & POLLERR);
	CHECK_SYS(rump_sys_close(p[1]));

	/* Limits and bad arrays. */
	for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++)
		big[i] = (struct pollfd){.fd = -1};
	CHECK_ERRNO(rump_sys_poll(big, RUMP_OPEN_MAX + 1, 0), EINVAL);
	CHECK_EQ(CHECK_SYS(rump_sys_poll(big, RUMP_OPEN_MAX, 0)), 0);
	CHECK_ERRNO(rump_sys_poll(NULL, 1, 0), EFAULT);
	CHECK_EQ(CHECK_SYS(rump_sys_poll(NULL, 0, 0)), 0);
}

static void poll_timeouts(void)
{
	static const int ms[] = {1, 10, 50};
	struct pollfd pfd;
	int p[2];

	CHECK_SYS(rump_sys_pipe(p));
	pfd = (struct pollfd){.fd = p[0], .events = POLLIN};
	for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		uint64_t t0 = now_ns(), t1;
		CHECK_EQ(CHECK_SYS(rump_sys_poll(&pfd, 1, ms[i])), 0);
		t1 = now_ns();
		CHECK(t1 - t0 >= (uint64_t)ms[i] * 1000000);
		CHECK_EQ(pfd.revents, 0);
		/* No descriptors at all: a plain sleep. */
		t0 = now_ns();
		CHECK_EQ(CHECK_SYS(rump_sys_poll(NULL, 0, ms[i])), 0);
		CHECK(now_ns() - t0 >= (uint64_t)ms[i] * 1000000);
	}
	/* Ready at once: no wait even with a long timeout. */
	pfd.fd = p[1];
	pfd.events = POLLOUT;
	CHECK_EQ(CHECK_SYS(rump_sys_poll(&pfd, 1, 100000)), 1);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	CHECK_EQ(CHECK_SYS(rump_sys_write(p[1], "y", 1)), 1);
	CHECK_EQ(CHECK_SYS(rump_sys_poll(&pfd, 1, -1)), 1);
	CHECK_SYS(rump_sys_close(p[0]));
	CHECK_SYS(rump_sys_close(p[1]));
}

static void select_readiness(void)
{
	struct timeval tv = {0, 0};
	fd_set rd, wr, ex;
	int p[2], q[2], nfds;

	CHECK_SYS(rump_sys_pipe(p));
	CHECK_SYS(rump_sys_pipe(q));
	nfds = q[1] + 1;
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_ZERO(&ex);
	FD_SET(p[0], &rd);
	FD_SET(q[0], &rd);
	FD_SET(p[1], &wr);
	FD_SET(p[0], &ex);
	CHECK_EQ(CHECK_SYS(rump_sys_select(nfds, &rd, &wr, &ex, &tv)), 1);
	CHECK(!FD_ISSET(p[0], &rd) && !FD_ISSET(q[0], &rd));
	CHECK(FD_ISSET(p[1], &wr));
	CHECK(!FD_ISSET(p[0], &ex));
	/* Data on q, and p's writer gone: both readable (EOF counts). */
	CHECK_EQ(CHECK_SYS(rump_sys_write(q[1], "q", 1)), 1);
	CHECK_SYS(rump_sys_close(p[1]));
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	FD_SET(q[0], &rd);
	FD_ZERO(&wr);
	FD_SET(q[1], &wr);
	CHECK_EQ(CHECK_SYS(rump_sys_select(nfds, &rd, &wr, NULL, &tv)), 3);
	CHECK(FD_ISSET(p[0], &rd) && FD_ISSET(q[0], &rd) &&
	      FD_ISSET(q[1], &wr));
	/* No sets: a plain wait.  Descriptors at or above nfds unseen. */
	CHECK_EQ(CHECK_SYS(rump_sys_select(0, NULL, NULL, NULL, &tv)), 0);
	FD_ZERO(&rd);
	FD_SET(q[0], &rd);
	CHECK_EQ(CHECK_SYS(rump_sys_select(q[0], &rd, NULL, NULL, &tv)), 0);
	/* A closed descriptor in a set: EBADF. */
	FD_ZERO(&rd);
	FD_SET(p[1], &rd);
	CHECK_ERRNO(rump_sys_select(nfds, &rd, NULL, NULL, &tv), EBADF);
	/* Bad nfds and bad timeouts: EINVAL. */
	CHECK_ERRNO(rump_sys_select(-1, NULL, NULL, NULL, &tv), EINVAL);
	CHECK_ERRNO(rump_sys_select(FD_SETSIZE + 1, NULL, NULL, NULL, &tv),
		    EINVAL);
	tv.tv_usec = 1000000;
	CHECK_ERRNO(rump_sys_select(0, NULL, NULL, NULL, &tv), EINVAL);
	tv.tv_sec = -1;
	tv.tv_usec = 0;
	CHECK_ERRNO(rump_sys_select(0, NULL, NULL, NULL, &tv), EINVAL);
	CHECK_SYS(rump_sys_close(p[0]));
	CHECK_SYS(rump_sys_close(q[0]));
	CHECK_SYS(rump_sys_close(q[1]));
}

static void select_timeouts(void)
{
	static const long us[] = {1000, 20000, 50000};
	fd_set rd;
	int p[2];

	CHECK_SYS(rump_sys_pipe(p));
	for (size_t i = 0; i < sizeof(us) / sizeof(us[0]); i++) {
		struct timeval tv = {0, us[i]};
		uint64_t t0 = now_ns();
		FD_ZERO(&rd);
		FD_SET(p[0], &rd);
		CHECK_EQ(CHECK_SYS(rump_sys_select(p[0] + 1, &rd, NULL, NULL,
						   &tv)),
			 0);
		CHECK(now_ns() - t0 >= (uint64_t)us[i] * 1000);
		CHECK(!FD_ISSET(p[0], &rd));
		/* Linux's select leaves the time not slept in the timeval. */
		CHECK(tv.tv_sec == 0 && tv.tv_usec >= 0 && tv.tv_usec < us[i]);
	}
	/* Ready before the timeout: most of it is left. */
	{
		struct timeval tv = {100, 0};
		CHECK_EQ(CHECK_SYS(rump_sys_write(p[1], "r", 1)), 1);
		FD_ZERO(&rd);
		FD_SET(p[0], &rd);
		CHECK_EQ(CHECK_SYS(rump_sys_select(p[0] + 1, &rd, NULL, NULL,
						   &tv)),
			 1);
		CHECK(tv.tv_sec >= 50 && tv.tv_sec <= 100);
	}
	CHECK_SYS(rump_sys_close(p[0]));
	CHECK_SYS(rump_sys_close(p[1]));
}

/*
 * nfds beyond the descriptor limit is EINVAL before the array is read, as
 * on Linux: the one-element array here would be overrun otherwise (ASan
 * builds catch that).  Regression: the host layer used to translate every
 * entry first.
 */
static void poll_nfds_bound(void)
{
	struct pollfd one = {.fd = 0, .events = POLLIN};

	CHECK_ERRNO(rump_sys_poll(&one, 100000, 0), EINVAL);
	CHECK_ERRNO(rump_sys_poll(&one, (nfds_t)RUMP_OPEN_MAX + 1, 0), EINVAL);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(110);
	test_boot();

	poll_readiness();
	poll_timeouts();
	poll_nfds_bound();
	select_readiness();
	select_timeouts();
	for (int i = 0; i < 3 * test_scale(); i++)
		CHECK_KERN(rump_test_poll_kthread());
	CHECK_EQ(rump_test_files_live(), 0);

	test_halt();
	test_log("ok");
	return 0;
}
