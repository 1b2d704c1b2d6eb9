/*
 * harness.c -- the shared benchmark helpers declared in harness.h.  Nothing
 * here touches the rump kernel: workers call the kernel themselves, and
 * the report side only runs processes and does arithmetic, so a report
 * can drive the workers of any host library.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

long bench_rss_kib(void)
{
	char buf[4096];
	ssize_t n, got = 0;
	const char *p;
	int fd;

	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (got < (ssize_t)sizeof(buf) - 1 &&
	       (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	p = strstr(buf, "VmRSS:");
	if (p == NULL)
		return -1;
	return strtol(p + 6, NULL, 10);
}

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_percentile(const double *v, size_t n, double pct)
{
	double *sorted, pos, result;
	size_t lo;

	if (n == 0)
		return 0;
	sorted = malloc(n * sizeof(*sorted));
	if (sorted == NULL)
		abort();
	memcpy(sorted, v, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), bench_cmp_double);
	/* Linear interpolation between the two closest ranks. */
	pos = pct / 100.0 * (double)(n - 1);
	lo = (size_t)pos;
	if (lo + 1 < n)
		result =
			sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo]);
	else
		result = sorted[n - 1];
	free(sorted);
	return result;
}

double bench_median(const double *v, size_t n)
{
	return bench_percentile(v, n, 50.0);
}

int bench_spawn(char *const argv[], char *out, size_t outlen,
		uint64_t *elapsed_ns)
{
	uint64_t start;
	size_t got = 0;
	ssize_t n;
	int pipefd[2], status;
	pid_t pid;
	char discard[512];

	if (pipe(pipefd) != 0)
		return -1;
	start = bench_now_ns();
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		if (got + 1 < outlen)
			n = read(pipefd[0], out + got, outlen - 1 - got);
		else
			n = read(pipefd[0], discard, sizeof(discard));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (got + 1 < outlen)
			got += (size_t)n;
	}
	close(pipefd[0]);
	if (outlen > 0)
		out[got] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (elapsed_ns != NULL)
		*elapsed_ns = bench_now_ns() - start;
	if (!WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int bench_value(const char *out, const char *key, double *value)
{
	size_t keylen = strlen(key);
	const char *line, *p, *end;

	for (line = strstr(out, "bench:"); line != NULL;
	     line = strstr(line + 1, "bench:")) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		for (p = line; p < end; p++) {
			if ((p == line || p[-1] == ' ') &&
			    strncmp(p, key, keylen) == 0 && p[keylen] == '=') {
				*value = strtod(p + keylen + 1, NULL);
				return 0;
			}
		}
	}
	return -1;
}

int bench_parse_hosts(int argc, char **argv, struct bench_host *hosts,
		      int maxhosts)
{
	int i, n = 0;
	char *eq;

	for (i = 0; i < argc; i++) {
		eq = strchr(argv[i], '=');
		if (eq == NULL || n == maxhosts) {
			fprintf(stderr, "bench: expected label=path, got %s\n",
				argv[i]);
			return -1;
		}
		*eq = '\0';
		hosts[n].label = argv[i];
		hosts[n].path = eq + 1;
		n++;
	}
	return n;
}

const char *bench_host_name(const char *label)
{
	if (strcmp(label, "pthread") == 0)
		return "pthreads (`librumpuser`)";
	if (strcmp(label, "fiber") == 0)
		return "fibers (`librumpuser_fiber`)";
	return label;
}

const char *bench_fmt_ns(char *buf, size_t len, double ns)
{
	if (ns >= 1e9)
		snprintf(buf, len, "%.2f s", ns / 1e9);
	else if (ns >= 1e6)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else if (ns >= 1e4)
		snprintf(buf, len, "%.0f µs", ns / 1e3);
	else if (ns >= 1e3)
		snprintf(buf, len, "%.1f µs", ns / 1e3);
	else
		snprintf(buf, len, "%.1f ns", ns);
	return buf;
}

const char *bench_fmt_kib(char *buf, size_t len, double kib)
{
	if (kib >= 1024)
		snprintf(buf, len, "%.2f MiB", kib / 1024);
	else
		snprintf(buf, len, "%.0f KiB", kib);
	return buf;
}

const char *bench_met(double ratio)
{
	return ratio <= 1.0 ? "yes" : "no";
}
