/* hosts: posix */
/*
 * t_sock_threads.c -- local sockets under host threads, blocking: an
 * echo server accepting many clients at once, each client checking a
 * long stream of odd-sized chunks that comes back intact; MSG_WAITALL;
 * a connect that waits for room in a full backlog and is released by
 * accept; a datagram sender that waits for the receiver to read; poll
 * over a socket and a pipe woken by another thread; SO_RCVTIMEO ending a
 * wait with EAGAIN; a blocked reader released by shutdown.  Every thread
 * is an lwp of one process made for the test.
 */
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "testlib.h"

#define NCLIENTS 8

static socklen_t addr(struct sockaddr_un *sun, const char *name)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path + 1, name, strlen(name));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			   strlen(name));
}

static unsigned char pattern(uint64_t i, int seed)
{
	return (unsigned char)(i * 131 + (i >> 9) * 7 + (uint64_t)seed);
}

/* The echo server: one thread per connection, until end of file. */
static void *echo_conn(void *arg)
{
	static __thread unsigned char buf[65536];
	int fd = (int)(intptr_t)arg;
	ssize_t n;

	while ((n = rump_sys_read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = rump_sys_write(fd, buf + off,
						   (size_t)(n - off));
			CHECK(w > 0);
			off += w;
		}
	}
	CHECK_EQ(n, 0);
	CHECK_SYS(rump_sys_close(fd));
	return NULL;
}

static int echo_listener;

static void *echo_server(void *arg)
{
	pthread_t t[NCLIENTS];

	for (int i = 0; i < NCLIENTS; i++) {
		int fd = (int)CHECK_SYS(
			rump_sys_accept(echo_listener, NULL, NULL));
		test_spawn(&t[i], echo_conn, (void *)(intptr_t)fd);
	}
	for (int i = 0; i < NCLIENTS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	return NULL;
}

struct client {
	int seed;
	uint64_t total;
	int fd;
};

static void *client_writer(void *arg)
{
	struct client *c = arg;
	static __thread unsigned char buf[70000];
	uint64_t pos = 0;
	size_t size = (size_t)c->seed;

	while (pos < c->total) {
		size_t n = size;
		ssize_t w;

		if (n > c->total - pos)
			n = (size_t)(c->total - pos);
		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(pos + i, c->seed);
		w = rump_sys_send(c->fd, buf, n, 0);
		CHECK(w > 0);
		pos += (uint64_t)w;
		size = size * 7 % 65521 + 1;
	}
	CHECK_SYS(rump_sys_shutdown(c->fd, SHUT_WR));
	return NULL;
}

static void *client(void *arg)
{
	struct client *c = arg;
	static __thread unsigned char buf[50000];
	struct sockaddr_un sun;
	socklen_t len = addr(&sun, "echo");
	uint64_t pos = 0;
	size_t size = 3;
	pthread_t w;
	ssize_t n;

	c->fd = (int)CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_SYS(rump_sys_connect(c->fd, (struct sockaddr *)&sun, len));
	test_spawn(&w, client_writer, c);
	while ((n = rump_sys_recv(c->fd, buf, size, 0)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != pattern(pos + (uint64_t)i, c->seed))
				test_fail(__FILE__, __LINE__,
					  "client %d: byte %llu differs",
					  c->seed, (unsigned long long)pos + i);
		pos += (uint64_t)n;
		size = size * 5 % 49999 + 1;
	}
	CHECK_EQ(n, 0);
	CHECK_EQ(pos, c->total);
	CHECK_EQ(pthread_join(w, NULL), 0);
	CHECK_SYS(rump_sys_close(c->fd));
	return NULL;
}

static void echo_test(void)
{
	struct client cs[NCLIENTS];
	pthread_t srv, t[NCLIENTS];
	struct sockaddr_un sun;
	socklen_t len = addr(&sun, "echo");

	echo_listener =
		(int)CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_SYS(rump_sys_bind(echo_listener, (struct sockaddr *)&sun, len));
	CHECK_SYS(rump_sys_listen(echo_listener, 2));
	test_spawn(&srv, echo_server, NULL);
	for (int i = 0; i < NCLIENTS; i++) {
		cs[i].seed = i + 1;
		cs[i].total =
			(2ull << 20) * (uint64_t)test_scale() + (uint64_t)i;
		test_spawn(&t[i], client, &cs[i]);
	}
	for (int i = 0; i < NCLIENTS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(pthread_join(srv, NULL), 0);
	CHECK_SYS(rump_sys_close(echo_listener));
}

/* A full backlog: the second connect waits until the first is taken. */
static int backlog_listener;

static void *backlog_connector(void *arg)
{
	struct sockaddr_un sun;
	socklen_t len = addr(&sun, "backlog");
	int fd = (int)CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));

	CHECK_SYS(rump_sys_connect(fd, (struct sockaddr *)&sun, len));
	CHECK_EQ(rump_sys_write(fd, arg, 1), 1);
	CHECK_SYS(rump_sys_close(fd));
	return NULL;
}

static void backlog_test(void)
{
	struct sockaddr_un sun;
	socklen_t len = addr(&sun, "backlog");
	pthread_t t[3];
	char c;

	backlog_listener =
		(int)CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_SYS(
		rump_sys_bind(backlog_listener, (struct sockaddr *)&sun, len));
	CHECK_SYS(rump_sys_listen(backlog_listener, 0)); /* room for one */
	for (int i = 0; i < 3; i++)
		test_spawn(&t[i], backlog_connector, (void *)&"abc"[i]);
	/* Each accept makes room for one more waiting connect. */
	for (int i = 0; i < 3; i++) {
		int fd = (int)CHECK_SYS(
			rump_sys_accept(backlog_listener, NULL, NULL));
		CHECK_EQ(rump_sys_read(fd, &c, 1), 1);
		CHECK(c >= 'a' && c <= 'c');
		CHECK_SYS(rump_sys_close(fd));
	}
	for (int i = 0; i < 3; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_SYS(rump_sys_close(backlog_listener));
}

/* A datagram sender blocked on a full receiver. */
static int dgram_sv[2];

static void *dgram_sender(void *arg)
{
	static char msg[4096];
	int n = (int)(intptr_t)arg;

	for (int i = 0; i < n; i++) {
		msg[0] = (char)i;
		CHECK_EQ(rump_sys_send(dgram_sv[0], msg, sizeof(msg), 0),
			 sizeof(msg));
	}
	return NULL;
}

static void dgram_test(void)
{
	static char msg[4096];
	int n = 400; /* far more than the receive buffer holds */
	pthread_t t;

	CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_DGRAM, 0, dgram_sv));
	test_spawn(&t, dgram_sender, (void *)(intptr_t)n);
	for (int i = 0; i < n; i++) {
		CHECK_EQ(rump_sys_recv(dgram_sv[1], msg, sizeof(msg), 0),
			 sizeof(msg));
		CHECK_EQ(msg[0], (char)i);
	}
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_SYS(rump_sys_close(dgram_sv[0]));
	CHECK_SYS(rump_sys_close(dgram_sv[1]));
}

/* poll over a pipe and a socket, woken by a write from elsewhere. */
static int wake_fd;

static void *waker(void *arg)
{
	struct timespec ts = {0, 20 * 1000 * 1000};

	nanosleep(&ts, NULL);
	CHECK_EQ(rump_sys_write(wake_fd, "w", 1), 1);
	return NULL;
}

static void *shutter(void *arg)
{
	struct timespec ts = {0, 20 * 1000 * 1000};

	nanosleep(&ts, NULL);
	CHECK_SYS(rump_sys_shutdown(wake_fd, SHUT_RD));
	return NULL;
}

static void wake_test(void)
{
	struct pollfd pfd[2];
	struct timeval tv = {0, 50 * 1000};
	int sv[2], p[2];
	pthread_t t;
	char buf[8];

	CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_SYS(rump_sys_pipe(p));
	wake_fd = sv[0];
	test_spawn(&t, waker, NULL);
	pfd[0] = (struct pollfd){.fd = p[0], .events = POLLIN};
	pfd[1] = (struct pollfd){.fd = sv[1], .events = POLLIN};
	CHECK_EQ(rump_sys_poll(pfd, 2, -1), 1);
	CHECK_EQ(pfd[1].revents, POLLIN);
	CHECK_EQ(pthread_join(t, NULL), 0);
	/* MSG_WAITALL waits for the whole request. */
	wake_fd = sv[0];
	test_spawn(&t, waker, NULL);
	CHECK_EQ(rump_sys_recv(sv[1], buf, 2, MSG_WAITALL), 2);
	CHECK_EQ(pthread_join(t, NULL), 0);
	/* SO_RCVTIMEO: the wait ends with EAGAIN. */
	CHECK_SYS(rump_sys_setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv,
				      sizeof(tv)));
	CHECK_ERRNO(rump_sys_recv(sv[1], buf, sizeof(buf), 0), EAGAIN);
	/* A blocked reader released by its own socket's shutdown. */
	tv.tv_usec = 0;
	CHECK_SYS(rump_sys_setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv,
				      sizeof(tv)));
	wake_fd = sv[1];
	test_spawn(&t, shutter, NULL);
	CHECK_EQ(rump_sys_recv(sv[1], buf, sizeof(buf), 0), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_SYS(rump_sys_close(sv[0]));
	CHECK_SYS(rump_sys_close(sv[1]));
	CHECK_SYS(rump_sys_close(p[0]));
	CHECK_SYS(rump_sys_close(p[1]));
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(110);
	test_boot();
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);

	echo_test();
	backlog_test();
	dgram_test();
	wake_test();
	rump_pub_lwproc_releaselwp();
	CHECK_EQ(rump_test_files_live(), 0);

	test_halt();
	return 0;
}
