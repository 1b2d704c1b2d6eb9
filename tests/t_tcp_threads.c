/* hosts: posix */
/*
 * t_tcp_threads.c -- TCP over lo0 under host threads: many clients at once
 * each making a series of connections to an echo server served by a pool
 * of accepting threads (every byte comes back, every connection is
 * accepted exactly once), and a blocking bulk transfer in both directions
 * at once with checksums.  Every thread is an lwp of the test's process.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "tcp_testutil.h"

enum { NCLIENTS = 16, NSERVERS = 6, ROUNDS = 12 };

static uint16_t echo_port;
static int echo_listener;
static atomic_int accepts_left;
static atomic_int echoed_conns;
static atomic_ullong echoed_bytes;

static void *echo_server(void *arg)
{
	static _Thread_local char buf[16384];

	(void)arg;
	while (atomic_fetch_sub(&accepts_left, 1) > 0) {
		int s = (int)CHECK_SYS(
			rump_sys_accept(echo_listener, NULL, NULL));
		ssize_t n;
		while ((n = rump_sys_read(s, buf, sizeof(buf))) > 0) {
			tcpt_write_all(s, buf, (size_t)n);
			atomic_fetch_add(&echoed_bytes, (unsigned long long)n);
		}
		CHECK_EQ(n, 0);
		CHECK_SYS(rump_sys_close(s));
		atomic_fetch_add(&echoed_conns, 1);
	}
	return NULL;
}

static void *echo_client(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	unsigned char *out = malloc(65536), *in = malloc(65536);
	uint32_t rnd = id * 2654435761u + 1;

	CHECK(out != NULL && in != NULL);
	for (int r = 0; r < ROUNDS; r++) {
		size_t len, got = 0;
		int c = tcpt_connect(echo_port);
		ssize_t n;

		rnd = rnd * 1103515245u + 12345u;
		len = 1 + (rnd >> 8) % 65536;
		for (size_t i = 0; i < len; i++)
			out[i] = tcpt_pattern(i, id + (unsigned)r);
		tcpt_write_all(c, out, len);
		CHECK_SYS(rump_sys_shutdown(c, SHUT_WR));
		while ((n = rump_sys_read(c, in + got, 65536 - got)) > 0)
			got += (size_t)n;
		CHECK_EQ(n, 0);
		CHECK_EQ(got, len);
		CHECK(memcmp(in, out, len) == 0);
		CHECK_SYS(rump_sys_close(c));
	}
	free(out);
	free(in);
	return NULL;
}

static void test_many_connections(void)
{
	pthread_t srv[NSERVERS], cli[NCLIENTS];

	echo_listener = tcpt_listen(64, &echo_port);
	atomic_store(&accepts_left, NCLIENTS * ROUNDS);
	for (int i = 0; i < NSERVERS; i++)
		test_spawn(&srv[i], echo_server, NULL);
	for (int i = 0; i < NCLIENTS; i++)
		test_spawn(&cli[i], echo_client, (void *)(uintptr_t)i);
	for (int i = 0; i < NCLIENTS; i++)
		CHECK_EQ(pthread_join(cli[i], NULL), 0);
	for (int i = 0; i < NSERVERS; i++)
		CHECK_EQ(pthread_join(srv[i], NULL), 0);
	CHECK_EQ(atomic_load(&echoed_conns), NCLIENTS * ROUNDS);
	CHECK_SYS(rump_sys_close(echo_listener));
	test_log("%d connections, %llu bytes echoed", NCLIENTS * ROUNDS,
		 (unsigned long long)atomic_load(&echoed_bytes));
}

struct bulk {
	int fd;
	uint64_t size;
	unsigned seed;
	uint64_t hash;
};

static void *bulk_writer(void *arg)
{
	struct bulk *b = arg;
	static _Thread_local unsigned char buf[100000];
	uint64_t pos = 0, h = TCPT_FNV_INIT;
	size_t chunk = 1;

	while (pos < b->size) {
		size_t n =
			b->size - pos < chunk ? (size_t)(b->size - pos) : chunk;
		for (size_t i = 0; i < n; i++)
			buf[i] = tcpt_pattern(pos + i, b->seed);
		tcpt_write_all(b->fd, buf, n);
		h = tcpt_fnv(h, buf, n);
		pos += n;
		chunk = chunk * 3 + 7;
		if (chunk > sizeof(buf))
			chunk = chunk % sizeof(buf) + 1;
	}
	CHECK_SYS(rump_sys_shutdown(b->fd, SHUT_WR));
	b->hash = h;
	return NULL;
}

static void *bulk_reader(void *arg)
{
	struct bulk *b = arg;
	static _Thread_local unsigned char buf[65536];
	uint64_t pos = 0, h = TCPT_FNV_INIT;
	ssize_t n;

	while ((n = rump_sys_read(b->fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != tcpt_pattern(pos + (uint64_t)i, b->seed))
				test_fail(__FILE__, __LINE__,
					  "byte %llu differs",
					  (unsigned long long)(pos +
							       (uint64_t)i));
		h = tcpt_fnv(h, buf, (size_t)n);
		pos += (uint64_t)n;
	}
	CHECK_EQ(n, 0);
	CHECK_EQ(pos, b->size);
	b->hash = h;
	return NULL;
}

static void test_bulk_duplex(uint64_t size)
{
	uint16_t port;
	int l = tcpt_listen(1, &port), c = tcpt_connect(port), s;
	struct bulk w1, r1, w2, r2;
	pthread_t t[4];

	s = (int)CHECK_SYS(rump_sys_accept(l, NULL, NULL));
	w1 = (struct bulk){.fd = c, .size = size, .seed = 5};
	r1 = (struct bulk){.fd = s, .size = size, .seed = 5};
	w2 = (struct bulk){.fd = s, .size = size / 2, .seed = 9};
	r2 = (struct bulk){.fd = c, .size = size / 2, .seed = 9};
	test_spawn(&t[0], bulk_writer, &w1);
	test_spawn(&t[1], bulk_reader, &r1);
	test_spawn(&t[2], bulk_writer, &w2);
	test_spawn(&t[3], bulk_reader, &r2);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(w1.hash, r1.hash);
	CHECK_EQ(w2.hash, r2.hash);
	CHECK_SYS(rump_sys_close(c));
	CHECK_SYS(rump_sys_close(s));
	CHECK_SYS(rump_sys_close(l));
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(110);
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);

	test_many_connections();
	test_bulk_duplex((uint64_t)64 << 20);

	rump_pub_lwproc_releaselwp();
	test_halt();
	test_log("ok");
	return 0;
}
