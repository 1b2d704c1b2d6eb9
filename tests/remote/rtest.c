/*
 * rtest.c -- the remote tests' helpers (rtest.h) and the subset of
 * tests/testlib.c that needs no kernel in the test program: failing,
 * logging, the watchdog, SCALE.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>

#include "rtest.h"

#ifndef RTEST_SERVER
#error "build with -DRTEST_SERVER=path/to/rump_server"
#endif

static const char *test_name = "test";

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: FAIL at %s:%d: ", test_name, file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void test_log(const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", test_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void test_init(int argc, char **argv)
{
	const char *slash;

	(void)argc;
	if (argv != NULL && argv[0] != NULL) {
		slash = strrchr(argv[0], '/');
		test_name = slash ? slash + 1 : argv[0];
	}
	setenv("RUMP_LEAKCHECK", "1", 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

int test_scale(void)
{
	const char *s = getenv("SCALE");
	int v = s ? atoi(s) : 1;

	return v > 0 ? v : 1;
}

static void watchdog_fire(int sig)
{
	(void)sig;
	static const char msg[] = "FAIL: watchdog: the test took too long\n";
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(2);
}

void test_watchdog(unsigned seconds)
{
	signal(SIGALRM, watchdog_fire);
	alarm(seconds);
}

const char *rserver_program(void)
{
	return RTEST_SERVER;
}

void rserver_start(struct rserver *s, const char *const *extra)
{
	const char *argv[32];
	int n = 0;

	snprintf(s->dir, sizeof(s->dir), "/tmp/rtestXXXXXX");
	CHECK(mkdtemp(s->dir) != NULL);
	snprintf(s->url, sizeof(s->url), "unix://%s/sock", s->dir);
	argv[n++] = RTEST_SERVER;
	argv[n++] = "-s";
	while (extra != NULL && *extra != NULL && n < 29)
		argv[n++] = *extra++;
	argv[n++] = s->url;
	argv[n] = NULL;
	s->pid = fork();
	CHECK(s->pid >= 0);
	if (s->pid == 0) {
		execv(RTEST_SERVER, (char *const *)argv);
		perror(RTEST_SERVER);
		_exit(127);
	}
	setenv("RUMP_SERVER", s->url, 1);
	/* Ready when it accepts; give up only if it died. */
	for (;;) {
		int status;
		if (rumpclient_init() == 0)
			break;
		if (waitpid(s->pid, &status, WNOHANG) == s->pid)
			test_fail(__FILE__, __LINE__,
				  "rump_server exited before serving (%d)",
				  status);
		usleep(20000);
	}
}

void rserver_halt(struct rserver *s)
{
	char path[128];
	int status;

	CHECK_SYS(rump_sys_reboot(RUMP_RB_HALT));
	CHECK(waitpid(s->pid, &status, 0) == s->pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		test_fail(__FILE__, __LINE__,
			  "rump_server did not exit cleanly after the halt "
			  "(status 0x%x): a leak?",
			  status);
	snprintf(path, sizeof(path), "%s/sock", s->dir);
	CHECK(access(path, F_OK) != 0); /* the socket is gone */
	CHECK_SYS(rmdir(s->dir));
}

void rserver_stats(struct rumpclient_stats *st)
{
	CHECK_SYS(rumpclient_stats(st));
}

void rserver_wait_baseline(const struct rumpclient_stats *base)
{
	struct rumpclient_stats st;

	for (int i = 0; i < 3000; i++) {
		rserver_stats(&st);
		if (st.kprocs == base->kprocs && st.kfiles == base->kfiles &&
		    st.procs == base->procs && st.clients == base->clients)
			return;
		usleep(20000);
	}
	test_fail(__FILE__, __LINE__,
		  "not back at the baseline: kprocs %lld/%lld kfiles "
		  "%lld/%lld procs %lld/%lld clients %lld/%lld",
		  (long long)st.kprocs, (long long)base->kprocs,
		  (long long)st.kfiles, (long long)base->kfiles,
		  (long long)st.procs, (long long)base->procs,
		  (long long)st.clients, (long long)base->clients);
}
