/*
 * testlib.c -- the host-side test helpers of testlib.h.  A failed check
 * flushes and leaves with _exit(1) so that no exit handler runs while
 * other threads may still be inside the kernel.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"

extern char **environ;
static const char *progname = "test";

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: %s:%d: check failed: ", progname, file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	fflush(stderr);
	_exit(1);
}

void test_init(int argc, char **argv)
{
	const char *slash;

	if (argc > 0 && argv[0] != NULL) {
		slash = strrchr(argv[0], '/');
		progname = slash != NULL ? slash + 1 : argv[0];
	}
	setenv("RUMP_LEAKCHECK", "1", 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

void test_boot(void)
{
	int error = rump_init();

	if (error != 0)
		test_fail(__FILE__, __LINE__, "rump_init: %d (%s)", error,
			  strerror(error));
}

void test_halt(void)
{
	if (rump_sys_reboot(RUMP_RB_HALT) != 0)
		test_fail(__FILE__, __LINE__, "rump_sys_reboot: %s",
			  strerror(errno));
}

int test_scale(void)
{
	const char *s = getenv("SCALE");
	int v = s != NULL ? atoi(s) : 1;

	return v >= 1 ? v : 1;
}

static void watchdog_fired(int sig)
{
	static const char msg[] = ": watchdog: not finished in time "
				  "(deadlock?)\n";

	(void)sig;
	if (write(2, progname, strlen(progname)) < 0 ||
	    write(2, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(2);
}

void test_watchdog(unsigned seconds)
{
	signal(SIGALRM, watchdog_fired);
	alarm(seconds);
}

void test_log(const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", progname);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* environ with env applied; a fresh array of borrowed strings. */
static char **child_environ(const char *const *env)
{
	size_t n = 0, m = 0, k = 0;
	char **e;

	while (environ[n] != NULL)
		n++;
	while (env != NULL && env[m] != NULL)
		m++;
	if ((e = calloc(n + m + 1, sizeof(*e))) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		bool keep = true;
		for (size_t j = 0; j < m && keep; j++) {
			size_t len = strcspn(env[j], "=");
			if (strncmp(environ[i], env[j], len) == 0 &&
			    environ[i][len] == '=')
				keep = false;
		}
		if (keep)
			e[k++] = environ[i];
	}
	for (size_t j = 0; j < m; j++)
		if (strchr(env[j], '=') != NULL)
			e[k++] = (char *)env[j];
	e[k] = NULL;
	return e;
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int test_child(const char *arg, const char *const *env, char *out,
	       size_t outlen, int timeout)
{
	char **cenv = child_environ(env);
	char *argv[] = {(char *)progname, (char *)arg, NULL};
	size_t used = 0;
	double deadline = now_sec() + timeout;
	int fds[2], status;
	pid_t pid;

	if (cenv == NULL || pipe(fds) != 0)
		test_fail(__FILE__, __LINE__, "test_child: %s",
			  strerror(errno));
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0)
		test_fail(__FILE__, __LINE__, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[1]);
		execve("/proc/self/exe", argv, cenv);
		_exit(127);
	}
	free(cenv);
	close(fds[1]);
	for (;;) {
		struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
		double left = deadline - now_sec();
		char buf[4096];
		ssize_t r;

		if (left <= 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			close(fds[0]);
			if (outlen > 0)
				out[used] = '\0';
			return -1;
		}
		if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		r = read(fds[0], buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r && outlen > 0 && used < outlen - 1;
		     i++)
			out[used++] = buf[i];
	}
	close(fds[0]);
	if (outlen > 0)
		out[used] = '\0';
	/* Output closed; the child is exiting (or left a thread behind). */
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now_sec() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		usleep(1000);
	}
	return status;
}

const char *test_status_str(int status)
{
	static char buf[32];

	if (status == -1)
		return "timeout";
	if (WIFEXITED(status))
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, sizeof(buf), "signal %d", WTERMSIG(status));
	else
		snprintf(buf, sizeof(buf), "status %#x", status);
	return buf;
}

struct test_thread_start {
	void *(*fn)(void *);
	void *arg;
	pid_t pid;
};

static void *test_thread_main(void *v)
{
	struct test_thread_start ts = *(struct test_thread_start *)v;
	void *rv;

	free(v);
	CHECK_EQ(rump_pub_lwproc_newlwp(ts.pid), 0);
	rv = ts.fn(ts.arg);
	rump_pub_lwproc_releaselwp();
	return rv;
}

void test_spawn(pthread_t *t, void *(*fn)(void *), void *arg)
{
	struct test_thread_start *ts = malloc(sizeof(*ts));

	CHECK(ts != NULL);
	ts->fn = fn;
	ts->arg = arg;
	ts->pid = rump_sys_getpid();
	CHECK_EQ(pthread_create(t, NULL, test_thread_main, ts), 0);
}

int test_sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void test_sh_line(char *out, size_t len, const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	out[0] = 0;
	p = popen(cmd, "r");
	CHECK(p != NULL);
	if (fgets(out, (int)len, p) == NULL)
		out[0] = 0;
	pclose(p);
}
