/*
 * t_remote_pollwrite.c -- threads of one client in calls at once: one
 * blocks in poll on a pipe and reads what arrives while another writes to
 * the pipe and a third makes quick calls (getpid, fstat), so replies come
 * back out of order and the reading turn passes between threads all the
 * time.  Every byte arrives once and in order; run under TSan this checks
 * the client's shared state (waiters, reading turn, read-ahead).
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>

#include "rtest.h"

static int pfd[2], nrounds;
static volatile int quick_stop;

static void *poller(void *arg)
{
	(void)arg;
	for (int i = 0; i < nrounds; i++) {
		struct pollfd p = {.fd = pfd[0], .events = POLLIN};
		unsigned char c;
		CHECK_EQ(rump_sys_poll(&p, 1, -1), 1);
		CHECK(p.revents & POLLIN);
		CHECK_EQ(rump_sys_read(pfd[0], &c, 1), 1);
		CHECK_EQ(c, (unsigned char)i);
	}
	return NULL;
}

static void *writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < nrounds; i++) {
		unsigned char c = (unsigned char)i;
		CHECK_EQ(rump_sys_write(pfd[1], &c, 1), 1);
		/* Mostly let the poller block before the next byte. */
		if (i % 4 != 0)
			usleep(200);
	}
	return NULL;
}

static void *quick(void *arg)
{
	struct stat st;

	(void)arg;
	while (!__atomic_load_n(&quick_stop, __ATOMIC_ACQUIRE)) {
		CHECK(rump_sys_getpid() > 0);
		CHECK_SYS(rump_sys_fstat(pfd[1], &st));
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct rumpclient_stats base;
	struct rserver srv;
	pthread_t tp, tw, tq;

	test_init(argc, argv);
	test_watchdog(110);
	nrounds = 500 * test_scale();
	rserver_start(&srv, NULL);
	rserver_stats(&base);
	CHECK_SYS(rump_sys_pipe(pfd));
	CHECK(pthread_create(&tp, NULL, poller, NULL) == 0);
	CHECK(pthread_create(&tq, NULL, quick, NULL) == 0);
	CHECK(pthread_create(&tw, NULL, writer, NULL) == 0);
	CHECK(pthread_join(tw, NULL) == 0);
	CHECK(pthread_join(tp, NULL) == 0);
	__atomic_store_n(&quick_stop, 1, __ATOMIC_RELEASE);
	CHECK(pthread_join(tq, NULL) == 0);
	CHECK_SYS(rump_sys_close(pfd[0]));
	CHECK_SYS(rump_sys_close(pfd[1]));
	rserver_wait_baseline(&base);
	rserver_halt(&srv);
	test_log("ok: %d bytes through poll and read", nrounds);
	return 0;
}
