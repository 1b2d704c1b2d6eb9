/*
 * t_remote_intr.c -- host signals interrupt a client's blocked remote
 * calls as Linux's signal(7) says.  A handler without SA_RESTART makes a
 * call blocked in recv, accept, a pipe read, poll, select, flock, the
 * open of a fifo and a local connect to a full backlog return EINTR (a
 * pipe write larger than the pipe returns the count it wrote); with
 * SA_RESTART recv and flock go on (and complete once data comes or the
 * lock is free) while poll and select still return EINTR.  The signal
 * reaches the thread that reads the connection and one that sleeps
 * while another reads.  A loop races the interrupt against the arrival
 * of data: every byte arrives once, in order, whether the call ended with
 * data or with EINTR.  After each case the connection still works, and
 * the halt's leak check passes.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>

#include "rtest.h"

#define SIG SIGUSR1

static volatile sig_atomic_t hits;

static void on_sig(int sig)
{
	(void)sig;
	hits++;
}

static void handler(bool restart)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	CHECK_SYS(sigaction(SIG, &sa, NULL));
}

/* Calls of this client running in the server now. */
static long running(void)
{
	struct rumpclient_stats st;

	rserver_stats(&st);
	return (long)st.lwps;
}

/*
 * The kicker: once `want` calls run in the server, signal the target
 * thread (again every 20 ms until the target says it is back, in case a
 * signal came before its wait began), then run after().
 */
struct kick {
	pthread_t target;
	long want;
	int nsigs;		  /* at most this many (0: until back) */
	void (*after)(void *arg); /* then, once; may be NULL */
	void *arg;
	int back; /* atomic */
	pthread_t thr;
};

static void *kicker(void *arg)
{
	struct kick *k = arg;
	int n = 0;

	while (running() < k->want)
		usleep(2000);
	while (!__atomic_load_n(&k->back, __ATOMIC_ACQUIRE) &&
	       (k->nsigs == 0 || n < k->nsigs)) {
		pthread_kill(k->target, SIG);
		n++;
		usleep(20000);
	}
	if (k->after != NULL)
		k->after(k->arg);
	return NULL;
}

static void kick_start(struct kick *k, long want, int nsigs,
		       void (*after)(void *), void *arg)
{
	memset(k, 0, sizeof(*k));
	k->target = pthread_self();
	k->want = want;
	k->nsigs = nsigs;
	k->after = after;
	k->arg = arg;
	CHECK(pthread_create(&k->thr, NULL, kicker, k) == 0);
}

static void kick_end(struct kick *k)
{
	__atomic_store_n(&k->back, 1, __ATOMIC_RELEASE);
	CHECK(pthread_join(k->thr, NULL) == 0);
}

/* The connection still works after an interrupted call. */
static void still_usable(void)
{
	int p[2];
	char c = 0;

	CHECK_SYS(rump_sys_pipe(p));
	CHECK_EQ(rump_sys_write(p[1], "u", 1), 1);
	CHECK_EQ(rump_sys_read(p[0], &c, 1), 1);
	CHECK_EQ(c, 'u');
	CHECK_SYS(rump_sys_close(p[0]));
	CHECK_SYS(rump_sys_close(p[1]));
	CHECK_EQ(running(), 0);
}

/* Expect EINTR from the blocked call expr, interrupted by the kicker. */
#define EXPECT_EINTR(what, expr)                                               \
	do {                                                                   \
		struct kick k_;                                                \
		long r_;                                                       \
		int e_;                                                        \
		hits = 0;                                                      \
		kick_start(&k_, 1, 0, NULL, NULL);                             \
		r_ = (long)(expr);                                             \
		e_ = errno;                                                    \
		kick_end(&k_);                                                 \
		CHECK_EQ(r_, -1);                                              \
		CHECK_EQ(e_, EINTR);                                           \
		CHECK(hits >= 1);                                              \
		still_usable();                                                \
		test_log("%s: EINTR", what);                                   \
	} while (0)

/*
 * A write larger than the pipe fills it and waits for room; interrupted
 * then, it returns what it wrote (those bytes are in the pipe), not
 * EINTR.
 */
static void partial_write(const int *p)
{
	static char big[256 * 1024], back[256 * 1024];
	struct kick k;
	ssize_t n, got = 0, r;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + 1);
	hits = 0;
	kick_start(&k, 1, 0, NULL, NULL);
	n = rump_sys_write(p[1], big, sizeof(big));
	kick_end(&k);
	CHECK(n > 0 && n < (ssize_t)sizeof(big));
	CHECK(hits >= 1);
	while (got < n) {
		r = CHECK_SYS(rump_sys_read(p[0], back + got,
					    sizeof(back) - (size_t)got));
		got += r;
	}
	CHECK_EQ(got, n);
	CHECK(memcmp(back, big, (size_t)n) == 0);
	still_usable();
	test_log("pipe write of %zu bytes, interrupted: wrote %zd, no EINTR",
		 sizeof(big), n);
}

static void eintr_cases(void)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct pollfd pfd;
	fd_set rs;
	char buf[16];
	int sv[2], p[2], l, fd1, fd2, n, cs[64];

	handler(false);
	CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	EXPECT_EINTR("recv", rump_sys_recv(sv[0], buf, sizeof(buf), 0));

	CHECK_SYS(rump_sys_pipe(p));
	EXPECT_EINTR("pipe read", rump_sys_read(p[0], buf, sizeof(buf)));

	pfd = (struct pollfd){.fd = p[0], .events = POLLIN};
	EXPECT_EINTR("poll", rump_sys_poll(&pfd, 1, -1));
	partial_write(p);

	l = CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/intr.sock");
	CHECK_SYS(rump_sys_bind(l, (struct sockaddr *)&sun, sizeof(sun)));
	CHECK_SYS(rump_sys_listen(l, 1));
	EXPECT_EINTR("accept", rump_sys_accept(l, NULL, NULL));

	/* A full backlog: a blocking connect waits for an accept. */
	for (n = 0; n < 64; n++) {
		cs[n] = CHECK_SYS(rump_sys_socket(
			AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0));
		if (rump_sys_connect(cs[n], (struct sockaddr *)&sun,
				     sizeof(sun)) < 0) {
			CHECK(errno == EAGAIN);
			break;
		}
	}
	CHECK(n < 64);
	{
		int c = CHECK_SYS(rump_sys_socket(AF_UNIX, SOCK_STREAM, 0));
		EXPECT_EINTR("local connect (full backlog)",
			     rump_sys_connect(c, (struct sockaddr *)&sun,
					      sizeof(sun)));
		CHECK_SYS(rump_sys_close(c));
	}
	for (int i = 0; i <= n; i++)
		CHECK_SYS(rump_sys_close(cs[i]));

	/* flock locks belong to an open file: two opens conflict. */
	fd1 = CHECK_SYS(rump_sys_open("/intr.lock", O_CREAT | O_RDWR, 0644));
	fd2 = CHECK_SYS(rump_sys_open("/intr.lock", O_RDWR));
	CHECK_SYS(rump_sys_flock(fd1, LOCK_EX));
	EXPECT_EINTR("flock", rump_sys_flock(fd2, LOCK_EX));
	CHECK(rump_sys_flock(fd2, LOCK_SH | LOCK_NB) == -1 &&
	      errno == EWOULDBLOCK);
	CHECK_SYS(rump_sys_flock(fd1, LOCK_UN));
	CHECK_SYS(rump_sys_flock(fd2, LOCK_EX | LOCK_NB));
	CHECK_SYS(rump_sys_close(fd1));
	CHECK_SYS(rump_sys_close(fd2));

	CHECK_SYS(rump_sys_mkfifo("/intr.fifo", 0600));
	EXPECT_EINTR("fifo open", rump_sys_open("/intr.fifo", O_RDONLY));
	CHECK_SYS(rump_sys_unlink("/intr.fifo"));

	/* The descriptors all work after their calls were interrupted. */
	CHECK_EQ(rump_sys_send(sv[1], "ok", 2, 0), 2);
	CHECK_EQ(rump_sys_recv(sv[0], buf, sizeof(buf), 0), 2);
	CHECK_EQ(rump_sys_write(p[1], "ok", 2), 2);
	CHECK_EQ(rump_sys_read(p[0], buf, sizeof(buf)), 2);
	CHECK_SYS(rump_sys_close(sv[0]));
	CHECK_SYS(rump_sys_close(sv[1]));
	CHECK_SYS(rump_sys_close(p[0]));
	CHECK_SYS(rump_sys_close(p[1]));
	CHECK_SYS(rump_sys_close(l));
	CHECK_SYS(rump_sys_unlink("/intr.sock"));

	/* poll and select fail with EINTR even after SA_RESTART. */
	handler(true);
	CHECK_SYS(rump_sys_pipe(p));
	pfd = (struct pollfd){.fd = p[0], .events = POLLIN};
	EXPECT_EINTR("poll, SA_RESTART", rump_sys_poll(&pfd, 1, -1));
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	EXPECT_EINTR("select, SA_RESTART",
		     rump_sys_select(p[0] + 1, &rs, NULL, NULL, NULL));
	CHECK_SYS(rump_sys_close(p[0]));
	CHECK_SYS(rump_sys_close(p[1]));
}

struct later {
	int fd;
	int kind; /* 0: send data, 1: unlock */
};

static void do_later(void *arg)
{
	struct later *lt = arg;

	/* After the handler ran at least once (it does before we get
	 * here: the kicker signalled three times, 20 ms apart). */
	if (lt->kind == 0)
		CHECK_EQ(rump_sys_send(lt->fd, "later", 5, 0), 5);
	else
		CHECK_SYS(rump_sys_flock(lt->fd, LOCK_UN));
}

/* With SA_RESTART, recv and flock go on after the handler. */
static void restart_cases(void)
{
	struct later lt;
	struct kick k;
	char buf[16];
	int sv[2], fd1, fd2;
	ssize_t n;

	handler(true);
	CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	lt = (struct later){sv[1], 0};
	hits = 0;
	kick_start(&k, 1, 3, do_later, &lt);
	n = rump_sys_recv(sv[0], buf, sizeof(buf), 0);
	kick_end(&k);
	CHECK_EQ(n, 5);
	CHECK(memcmp(buf, "later", 5) == 0);
	/* 3, or under TSan 1: it holds a handler back until the call the
	 * host restarted returns, and the three signals merge. */
	CHECK(hits >= 1);
	test_log("recv, SA_RESTART: went on, got the data sent later");
	CHECK_SYS(rump_sys_close(sv[0]));
	CHECK_SYS(rump_sys_close(sv[1]));

	fd1 = CHECK_SYS(rump_sys_open("/intr.lock", O_RDWR));
	fd2 = CHECK_SYS(rump_sys_open("/intr.lock", O_RDWR));
	CHECK_SYS(rump_sys_flock(fd1, LOCK_EX));
	lt = (struct later){fd1, 1};
	hits = 0;
	kick_start(&k, 1, 3, do_later, &lt);
	CHECK_SYS(rump_sys_flock(fd2, LOCK_EX));
	kick_end(&k);
	CHECK(hits >= 1);
	test_log("flock, SA_RESTART: went on, got the lock once free");
	CHECK_SYS(rump_sys_close(fd1));
	CHECK_SYS(rump_sys_close(fd2));
	still_usable();
}

/* A second thread blocked while the first reads the connection. */
struct blocked {
	int fd;
	bool poll;
	long r;
	int err;
	pthread_t thr;
};

static void *blocked_call(void *arg)
{
	struct blocked *b = arg;
	char buf[8];

	if (b->poll) {
		struct pollfd pfd = {.fd = b->fd, .events = POLLIN};
		b->r = rump_sys_poll(&pfd, 1, -1);
	} else
		b->r = rump_sys_recv(b->fd, buf, sizeof(buf), 0);
	b->err = errno;
	return NULL;
}

static void two_threads(bool restart_poll)
{
	struct blocked a, b;
	int sv1[2], sv2[2];

	handler(restart_poll);
	CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv1));
	CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv2));
	a = (struct blocked){.fd = sv1[0]};
	b = (struct blocked){.fd = sv2[0], .poll = restart_poll};
	CHECK(pthread_create(&a.thr, NULL, blocked_call, &a) == 0);
	while (running() < 1)
		usleep(2000);
	CHECK(pthread_create(&b.thr, NULL, blocked_call, &b) == 0);
	while (running() < 2)
		usleep(2000);
	/* b: whichever role it has (reading or sleeping), b alone ends. */
	for (int i = 0; i < 500 && running() == 2; i++) {
		pthread_kill(b.thr, SIG);
		usleep(20000);
	}
	CHECK(pthread_join(b.thr, NULL) == 0);
	CHECK_EQ(b.r, -1);
	CHECK_EQ(b.err, EINTR);
	CHECK_EQ(running(), 1);
	/* a still waits; data ends it normally. */
	CHECK_EQ(rump_sys_send(sv1[1], "abc", 3, 0), 3);
	CHECK(pthread_join(a.thr, NULL) == 0);
	CHECK_EQ(a.r, 3);
	CHECK_SYS(rump_sys_close(sv1[0]));
	CHECK_SYS(rump_sys_close(sv1[1]));
	CHECK_SYS(rump_sys_close(sv2[0]));
	CHECK_SYS(rump_sys_close(sv2[1]));
	still_usable();
	test_log("two threads (%s): only the signalled call ended",
		 restart_poll ? "poll, SA_RESTART" : "recv");
}

/*
 * The race: the kicker sends a chunk and signals the receiver at about
 * the same moment, alternating the order.  The receiver's recv ends
 * with data or with EINTR; either way the stream it gathers must be
 * exactly the stream sent.
 */
#define RACE_CHUNK 7
struct race {
	int fd;
	int rounds;
	pthread_t target;
	int round; /* atomic: the receiver is waiting for this round */
};

static void *race_sender(void *arg)
{
	struct race *r = arg;
	unsigned char chunk[RACE_CHUNK];

	for (int i = 0; i < r->rounds; i++) {
		while (__atomic_load_n(&r->round, __ATOMIC_ACQUIRE) != i)
			usleep(100);
		while (running() < 1)
			usleep(200);
		for (int j = 0; j < RACE_CHUNK; j++)
			chunk[j] = (unsigned char)(i * RACE_CHUNK + j);
		if (i & 1)
			pthread_kill(r->target, SIG);
		CHECK_EQ(rump_sys_send(r->fd, chunk, sizeof(chunk), 0),
			 RACE_CHUNK);
		if (!(i & 1))
			pthread_kill(r->target, SIG);
	}
	return NULL;
}

static void race(void)
{
	struct race r;
	pthread_t thr;
	unsigned char buf[64];
	int sv[2], eintr = 0, data = 0;
	size_t got;

	handler(false);
	CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	r = (struct race){.fd = sv[1],
			  .rounds = 200 * test_scale(),
			  .target = pthread_self(),
			  .round = -1};
	CHECK(pthread_create(&thr, NULL, race_sender, &r) == 0);
	for (int i = 0; i < r.rounds; i++) {
		__atomic_store_n(&r.round, i, __ATOMIC_RELEASE);
		for (got = 0; got < RACE_CHUNK;) {
			ssize_t n = rump_sys_recv(sv[0], buf, sizeof(buf), 0);
			if (n < 0) {
				CHECK_EQ(errno, EINTR);
				eintr++;
				continue;
			}
			CHECK(n > 0 && got + (size_t)n <= RACE_CHUNK);
			for (ssize_t j = 0; j < n; j++)
				CHECK_EQ(buf[j],
					 (unsigned char)(i * RACE_CHUNK + got +
							 j));
			got += (size_t)n;
			data++;
		}
	}
	CHECK(pthread_join(thr, NULL) == 0);
	/* Nothing is left over: no byte came twice either. */
	CHECK_EQ(rump_sys_recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT), -1);
	CHECK_SYS(rump_sys_close(sv[0]));
	CHECK_SYS(rump_sys_close(sv[1]));
	still_usable();
	test_log("race: %d rounds, %d receives with data, %d EINTR, no byte "
		 "lost or doubled",
		 r.rounds, data, eintr);
}

int main(int argc, char **argv)
{
	struct rserver srv;

	test_init(argc, argv);
	test_watchdog(200);
	rserver_start(&srv, NULL);
	eintr_cases();
	restart_cases();
	two_threads(false);
	two_threads(true);
	race();
	handler(false);
	rserver_halt(&srv);
	test_log("ok");
	return 0;
}
