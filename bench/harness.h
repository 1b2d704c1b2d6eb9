/*
 * harness.h -- helpers shared by the benchmark programs: clocks, resident
 * memory, medians, running a worker in a fresh process and reading its
 * "bench:" lines, and printing markdown.  A benchmark program is built
 * once per host library; its "report" mode runs the workers of every host
 * and prints one markdown section of docs/BENCHMARKS.md on stdout.
 */
#ifndef BENCH_HARNESS_H_
#define BENCH_HARNESS_H_
#include <stddef.h>
#include <stdint.h>

#ifndef BENCH_HOST
#define BENCH_HOST "unknown"
#endif

/* The host libraries a report compares, named on its command line. */
struct bench_host {
	const char *label; /* "pthread", "fiber" */
	const char *path;  /* the benchmark program built for that host */
};
#define BENCH_MAXHOSTS 8

/* Monotonic time in nanoseconds. */
uint64_t bench_now_ns(void);

/* VmRSS of this process in KiB, read without allocating; -1 on error. */
long bench_rss_kib(void);

/* Median and percentile (0..100) of n values; v is not modified. */
double bench_median(const double *v, size_t n);
double bench_percentile(const double *v, size_t n, double pct);

/*
 * Run argv in a fresh process (fork + exec), capture its standard output
 * into out (NUL-terminated, truncated to outlen - 1) and its wall time from
 * fork to reap into *elapsed_ns.  Returns the exit status, or -1 if the
 * process could not be run or died from a signal.
 */
int bench_spawn(char *const argv[], char *out, size_t outlen,
		uint64_t *elapsed_ns);

/* The value of "key=" on a "bench:" line of out; returns 0 if found. */
int bench_value(const char *out, const char *key, double *value);

/*
 * Parse "label=path" arguments into hosts; returns how many, or -1 with a
 * message on stderr.
 */
int bench_parse_hosts(int argc, char **argv, struct bench_host *hosts,
		      int maxhosts);

/* A human label for a host library ("pthreads", "fibers"). */
const char *bench_host_name(const char *label);

/* Format a duration or a size with a sensible unit into buf. */
const char *bench_fmt_ns(char *buf, size_t len, double ns);
const char *bench_fmt_kib(char *buf, size_t len, double kib);

/* "yes" or "no" for a ratio against a target where lower is better. */
const char *bench_met(double ratio);

#endif
