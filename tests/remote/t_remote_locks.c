/*
 * t_remote_locks.c -- lock waits of remote clients end.  Client A holds
 * a flock lock and a POSIX write lock on a file; client B, blocked for
 * one of them (flock or fcntl F_SETLKW), is SIGKILLed: the server
 * interrupts the wait, B's process goes and the counts return to their
 * baseline while A still holds its locks.  B with a SIGALRM handler
 * without SA_RESTART gets EINTR (and its connection still works); with
 * SA_RESTART its wait goes on and gets the lock once A lets it go.  A
 * leak-checked halt ends the server.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>

#include "rtest.h"

#define LOCKFILE "/locked"

#if defined(__SANITIZE_THREAD__)
#define RTEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RTEST_TSAN 1
#endif
#endif
#ifndef RTEST_TSAN
#define RTEST_TSAN 0
#endif

enum { K_FLOCK, K_SETLKW, K_NKINDS };
static const char *const kind_names[] = {"flock", "F_SETLKW"};
/* What a client does once blocked: wait to be killed, or be alarmed. */
enum { M_KILL, M_EINTR, M_RESTART };

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	int saved = errno;

	(void)sig;
	alarms++;
	(void)!write(1, "H", 1); /* tell the test the handler ran */
	errno = saved;
}

static int lock_wait(int fd, int kind)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};

	if (kind == K_FLOCK)
		return rump_sys_flock(fd, LOCK_EX);
	return rump_sys_fcntl(fd, F_SETLKW, &fl);
}

/* A: take both locks, say so, hold them until stdin closes. */
static int holder(void)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	char c;
	int fd;

	CHECK_SYS(rumpclient_init());
	fd = CHECK_SYS(rump_sys_open(LOCKFILE, O_CREAT | O_RDWR, 0644));
	CHECK_SYS(rump_sys_flock(fd, LOCK_EX));
	CHECK_SYS(rump_sys_fcntl(fd, F_SETLK, &fl));
	CHECK_EQ(write(1, "R", 1), 1);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}

/* B: block for the lock of kind, in the way mode says. */
static int waiter(int kind, int mode)
{
	struct sigaction sa;
	int fd, r, e;

	CHECK_SYS(rumpclient_init());
	fd = CHECK_SYS(rump_sys_open(LOCKFILE, O_RDWR));
	if (mode != M_KILL) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alarm;
		sa.sa_flags = mode == M_RESTART ? SA_RESTART : 0;
		sigemptyset(&sa.sa_mask);
		CHECK_SYS(sigaction(SIGALRM, &sa, NULL));
	}
	CHECK_EQ(write(1, "R", 1), 1);
	if (mode != M_KILL)
		alarm(1);
	r = lock_wait(fd, kind);
	e = errno;
	switch (mode) {
	case M_KILL:
		test_fail(__FILE__, __LINE__, "the lock wait returned (%d)", e);
		break;
	case M_EINTR:
		CHECK_EQ(r, -1);
		CHECK_EQ(e, EINTR);
		CHECK_EQ(alarms, 1);
		/* The connection works, and A still has the lock. */
		CHECK_EQ(rump_sys_getpid() > 1, 1);
		CHECK(rump_sys_flock(fd, LOCK_EX | LOCK_NB) == -1 &&
		      errno == EWOULDBLOCK);
		break;
	case M_RESTART:
		CHECK_EQ(r, 0);
		/* The handler has run (under TSan maybe only now). */
		while (alarms == 0)
			usleep(1000);
		CHECK_EQ(alarms, 1);
		break;
	}
	CHECK_SYS(rump_sys_close(fd));
	return 0;
}

struct child {
	pid_t pid;
	int in, out; /* its stdin (ours to write), its stdout */
};

static void child_start(struct child *c, const char *prog, const char *role,
			int kind, int mode)
{
	char k[16], m[16], ch;
	int in[2], out[2];

	snprintf(k, sizeof(k), "%d", kind);
	snprintf(m, sizeof(m), "%d", mode);
	/* Close-on-exec: another child must not keep this one's stdin. */
	CHECK_SYS(pipe2(in, O_CLOEXEC));
	CHECK_SYS(pipe2(out, O_CLOEXEC));
	CHECK((c->pid = fork()) >= 0);
	if (c->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl("/proc/self/exe", prog, role, k, m, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	c->in = in[1];
	c->out = out[0];
	CHECK_EQ(read(c->out, &ch, 1), 1);
	CHECK_EQ(ch, 'R');
}

static void child_wait(struct child *c, bool killed)
{
	int status;

	close(c->in);
	CHECK(waitpid(c->pid, &status, 0) == c->pid);
	close(c->out);
	if (killed)
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	else
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Until a call of a waiter runs in the server (it is blocked, or about
 * to be, in its lock wait). */
static void wait_blocked(void)
{
	struct rumpclient_stats st;

	for (;;) {
		rserver_stats(&st);
		if (st.lwps >= 1)
			return;
		usleep(5000);
	}
}

int main(int argc, char **argv)
{
	struct rumpclient_stats base, st;
	struct rserver srv;
	struct child a, b;
	char ch;

	if (argc == 4 && strcmp(argv[1], "holder") == 0) {
		test_init(argc, argv);
		return holder();
	}
	if (argc == 4 && strcmp(argv[1], "waiter") == 0) {
		test_init(argc, argv);
		return waiter(atoi(argv[2]), atoi(argv[3]));
	}
	test_init(argc, argv);
	test_watchdog(120);
	rserver_start(&srv, NULL);
	child_start(&a, argv[0], "holder", 0, 0);
	rserver_stats(&base); /* A's process, its file and its locks */
	for (int kind = 0; kind < K_NKINDS; kind++) {
		child_start(&b, argv[0], "waiter", kind, M_KILL);
		wait_blocked();
		CHECK_SYS(kill(b.pid, SIGKILL));
		child_wait(&b, true);
		rserver_wait_baseline(&base);
		rserver_stats(&st);
		CHECK_EQ(st.lwps, 0);
		test_log("%s: a killed waiter is released while A holds the "
			 "lock",
			 kind_names[kind]);

		child_start(&b, argv[0], "waiter", kind, M_EINTR);
		CHECK_EQ(read(b.out, &ch, 1), 1);
		CHECK_EQ(ch, 'H');
		child_wait(&b, false);
		rserver_wait_baseline(&base);
		test_log("%s: SIGALRM without SA_RESTART: EINTR",
			 kind_names[kind]);
	}
	/* With SA_RESTART B waits on, and gets the lock when A exits. */
	for (int kind = 0; kind < K_NKINDS; kind++) {
		struct child a2;
		if (kind > 0)
			child_start(&a2, argv[0], "holder", 0, 0);
		else
			a2 = a;
		child_start(&b, argv[0], "waiter", kind, M_RESTART);
		/* The handler ran while B waited, then A lets go.  Under
		 * TSan, which runs a handler only once the call the host
		 * restarted returns, A lets go first. */
		if (!RTEST_TSAN) {
			CHECK_EQ(read(b.out, &ch, 1), 1);
			CHECK_EQ(ch, 'H');
		}
		wait_blocked();
		child_wait(&a2, false);
		if (RTEST_TSAN) {
			CHECK_EQ(read(b.out, &ch, 1), 1);
			CHECK_EQ(ch, 'H');
		}
		child_wait(&b, false);
		test_log("%s: SIGALRM with SA_RESTART: went on, got the lock",
			 kind_names[kind]);
	}
	rserver_halt(&srv);
	test_log("ok");
	return 0;
}
