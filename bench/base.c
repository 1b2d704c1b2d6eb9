/*
 * base.c -- benchmark of the kernel base: boot-to-ready time, resident
 * memory of an idle kernel, and the null system call against the host's.
 * Built once per host library; "report label=path ..." runs every host's
 * workers in fresh processes and prints the markdown section, the other
 * modes are those workers and print "bench:" lines for the report to read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"

#define BOOT_TARGET_NS 1e6    /* boot under 1 ms */
#define RSS_TARGET_KIB 2048.0 /* idle kernel under 2 MiB */
#define DEFAULT_BOOTS 100     /* fresh processes per host */
#define GETPID_PROCS 3	      /* fresh processes per host ... */
#define GETPID_RUNS 7	      /* ... times interleaved runs each */
#define GETPID_ITERS 100000   /* calls per timed loop */
#define OUTLEN 4096

static volatile long bench_sink;

/* Boot once, report time and memory, halt.  Keep this path lean: the RSS
 * read before rump_init() is the baseline the kernel is charged against. */
static int worker_boot(void)
{
	long rss_before, rss_after;
	uint64_t t0, t1, t2;
	int error;

	rss_before = bench_rss_kib();
	t0 = bench_now_ns();
	error = rump_init();
	t1 = bench_now_ns();
	rss_after = bench_rss_kib();
	if (error != 0) {
		fprintf(stderr, "rump_init: %s\n", strerror(error));
		return 1;
	}
	if (rump_sys_reboot(RUMP_RB_HALT) != 0) {
		perror("rump_sys_reboot");
		return 1;
	}
	t2 = bench_now_ns();
	printf("bench: boot_ns=%llu halt_ns=%llu rss_before_kib=%ld "
	       "rss_after_kib=%ld\n",
	       (unsigned long long)(t1 - t0), (unsigned long long)(t2 - t1),
	       rss_before, rss_after);
	return 0;
}

static double time_host_getpid(long iters)
{
	uint64_t t0 = bench_now_ns();
	long i;

	for (i = 0; i < iters; i++)
		bench_sink = syscall(SYS_getpid);
	return (double)(bench_now_ns() - t0) / (double)iters;
}

static double time_rump_getpid(long iters)
{
	uint64_t t0 = bench_now_ns();
	long i;

	for (i = 0; i < iters; i++)
		bench_sink = rump_sys_getpid();
	return (double)(bench_now_ns() - t0) / (double)iters;
}

/*
 * Interleave the host call, the implicit context and an rforked process
 * in every run, so a noisy moment hits all three alike.
 */
static int worker_getpid(long iters, int runs)
{
	struct lwp *child;
	double host, implicit, explicit;
	int error, r;

	if ((error = rump_init()) != 0) {
		fprintf(stderr, "rump_init: %s\n", strerror(error));
		return 1;
	}
	if ((error = rump_pub_lwproc_rfork(RUMP_RFCFDG)) != 0) {
		fprintf(stderr, "rfork: %s\n", strerror(error));
		return 1;
	}
	child = rump_pub_lwproc_curlwp();
	if (child == NULL || rump_sys_getpid() == 1) {
		fprintf(stderr, "rfork: no process context\n");
		return 1;
	}
	rump_pub_lwproc_switch(NULL);
	if (rump_sys_getpid() != 1) {
		fprintf(stderr, "implicit context is not process 1\n");
		return 1;
	}
	/* Warm caches and the virtual CPU fast path. */
	time_host_getpid(iters / 10);
	time_rump_getpid(iters / 10);
	for (r = 0; r < runs; r++) {
		host = time_host_getpid(iters);
		implicit = time_rump_getpid(iters);
		rump_pub_lwproc_switch(child);
		explicit = time_rump_getpid(iters);
		rump_pub_lwproc_switch(NULL);
		printf("bench: host_ns=%.3f implicit_ns=%.3f "
		       "explicit_ns=%.3f\n",
		       host, implicit, explicit);
	}
	rump_pub_lwproc_switch(child);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(NULL);
	if (rump_sys_reboot(RUMP_RB_HALT) != 0) {
		perror("rump_sys_reboot");
		return 1;
	}
	return 0;
}

/* Everything the report gathers for one host. */
struct host_result {
	double *boot, *spawn_boot, *spawn_null, *rss_delta, *rss_total;
	double host[GETPID_PROCS * GETPID_RUNS];
	double implicit[GETPID_PROCS * GETPID_RUNS];
	double explicit[GETPID_PROCS * GETPID_RUNS];
	double ratio_implicit[GETPID_PROCS * GETPID_RUNS];
	double ratio_explicit[GETPID_PROCS * GETPID_RUNS];
	int nruns;
};

static int run_worker(const struct bench_host *h, char *mode, char *out,
		      uint64_t *elapsed)
{
	char *argv[] = {(char *)h->path, mode, NULL};
	int status;

	status = bench_spawn(argv, out, OUTLEN, elapsed);
	if (status != 0) {
		fprintf(stderr, "bench: %s %s failed (status %d):\n%s\n",
			h->path, mode, status, out);
		return -1;
	}
	return 0;
}

static int collect_boots(const struct bench_host *hosts, int nhosts,
			 struct host_result *res, int boots)
{
	char out[OUTLEN];
	uint64_t elapsed;
	double boot_ns, before, after;
	int i, h;

	/* Alternate hosts and the empty process so drift hits all alike. */
	for (i = 0; i < boots; i++) {
		for (h = 0; h < nhosts; h++) {
			if (run_worker(&hosts[h], "boot", out, &elapsed) != 0)
				return -1;
			if (bench_value(out, "boot_ns", &boot_ns) != 0 ||
			    bench_value(out, "rss_before_kib", &before) != 0 ||
			    bench_value(out, "rss_after_kib", &after) != 0) {
				fprintf(stderr, "bench: bad output: %s\n", out);
				return -1;
			}
			res[h].boot[i] = boot_ns;
			res[h].spawn_boot[i] = (double)elapsed;
			res[h].rss_delta[i] = after - before;
			res[h].rss_total[i] = after;
			if (run_worker(&hosts[h], "null", out, &elapsed) != 0)
				return -1;
			res[h].spawn_null[i] = (double)elapsed;
		}
	}
	return 0;
}

static int collect_getpid(const struct bench_host *h, struct host_result *res)
{
	char iters[32], runs[32], out[OUTLEN];
	char *argv[] = {(char *)h->path, "getpid", iters, runs, NULL};
	const char *line;
	double host, implicit, explicit;
	int p, status;

	snprintf(iters, sizeof(iters), "%d", GETPID_ITERS);
	snprintf(runs, sizeof(runs), "%d", GETPID_RUNS);
	res->nruns = 0;
	for (p = 0; p < GETPID_PROCS; p++) {
		status = bench_spawn(argv, out, sizeof(out), NULL);
		if (status != 0) {
			fprintf(stderr, "bench: %s getpid failed:\n%s\n",
				h->path, out);
			return -1;
		}
		for (line = strstr(out, "bench:"); line != NULL;
		     line = strstr(line + 1, "bench:")) {
			if (bench_value(line, "host_ns", &host) != 0 ||
			    bench_value(line, "implicit_ns", &implicit) != 0 ||
			    bench_value(line, "explicit_ns", &explicit) != 0 ||
			    res->nruns == GETPID_PROCS * GETPID_RUNS)
				break;
			res->host[res->nruns] = host;
			res->implicit[res->nruns] = implicit;
			res->explicit[res->nruns] = explicit;
			res->ratio_implicit[res->nruns] = implicit / host;
			res->ratio_explicit[res->nruns] = explicit / host;
			res->nruns++;
		}
	}
	if (res->nruns == 0) {
		fprintf(stderr, "bench: no getpid runs from %s\n", h->path);
		return -1;
	}
	return 0;
}

/* "412 µs (398 µs – 431 µs)": the median and the middle half. */
static const char *fmt_ns_spread(char *buf, size_t len, const double *v,
				 size_t n)
{
	char a[32], b[32], c[32];

	snprintf(buf, len, "%s (%s – %s)",
		 bench_fmt_ns(a, sizeof(a), bench_median(v, n)),
		 bench_fmt_ns(b, sizeof(b), bench_percentile(v, n, 25)),
		 bench_fmt_ns(c, sizeof(c), bench_percentile(v, n, 75)));
	return buf;
}

static const char *fmt_kib_spread(char *buf, size_t len, const double *v,
				  size_t n)
{
	char a[32], b[32], c[32];

	snprintf(buf, len, "%s (%s – %s)",
		 bench_fmt_kib(a, sizeof(a), bench_median(v, n)),
		 bench_fmt_kib(b, sizeof(b), bench_percentile(v, n, 25)),
		 bench_fmt_kib(c, sizeof(c), bench_percentile(v, n, 75)));
	return buf;
}

/* The figures, in table order; each prints its row for one host. */
enum figure {
	FIG_BOOT,
	FIG_BOOT_VS_PROCESS,
	FIG_WHOLE_PROCESS,
	FIG_RSS,
	FIG_GETPID_IMPLICIT,
	FIG_GETPID_EXPLICIT,
	FIG_COUNT
};

static void print_row(enum figure fig, const char *host,
		      const struct host_result *r, int boots)
{
	char m[128], c[128], a[32], b[32];
	const double *rump, *ratio;
	const char *what;
	double q, v;

	switch (fig) {
	case FIG_BOOT:
		q = bench_median(r->boot, boots) / BOOT_TARGET_NS;
		printf("| Boot to ready: `rump_init()` | %s | %s | target 1 ms "
		       "| %.3f | < 1 | %s |\n",
		       host, fmt_ns_spread(m, sizeof(m), r->boot, boots), q,
		       bench_met(q));
		return;
	case FIG_BOOT_VS_PROCESS:
		v = bench_median(r->spawn_null, boots);
		q = bench_median(r->boot, boots) / v;
		printf("| Boot to ready vs an empty process | %s | %s | empty "
		       "process (fork + exec + exit) %s | %.3f | context | — "
		       "|\n",
		       host,
		       bench_fmt_ns(a, sizeof(a), bench_median(r->boot, boots)),
		       bench_fmt_ns(b, sizeof(b), v), q);
		return;
	case FIG_WHOLE_PROCESS:
		v = bench_median(r->spawn_null, boots);
		q = bench_median(r->spawn_boot, boots) / v;
		printf("| Whole process: fork + exec + boot + halt + exit | %s "
		       "| %s | empty process %s | %.2f | context | — |\n",
		       host, fmt_ns_spread(m, sizeof(m), r->spawn_boot, boots),
		       bench_fmt_ns(b, sizeof(b), v), q);
		return;
	case FIG_RSS:
		q = bench_median(r->rss_delta, boots) / RSS_TARGET_KIB;
		snprintf(c, sizeof(c), "target 2 MiB (process total %s)",
			 bench_fmt_kib(a, sizeof(a),
				       bench_median(r->rss_total, boots)));
		printf("| Idle kernel RSS: after − before `rump_init()` | %s | "
		       "%s | %s | %.3f | < 1 | %s |\n",
		       host, fmt_kib_spread(m, sizeof(m), r->rss_delta, boots),
		       c, q, bench_met(q));
		return;
	case FIG_GETPID_IMPLICIT:
	case FIG_GETPID_EXPLICIT:
		if (fig == FIG_GETPID_IMPLICIT) {
			what = "Null system call, implicit context (process 1)";
			rump = r->implicit;
			ratio = r->ratio_implicit;
		} else {
			what = "Null system call, rforked process (own lwp)";
			rump = r->explicit;
			ratio = r->ratio_explicit;
		}
		q = bench_median(ratio, r->nruns);
		printf("| %s | %s | %s | host `syscall(SYS_getpid)` %s | %.3f "
		       "| ≤ 1 | %s |\n",
		       what, host, fmt_ns_spread(m, sizeof(m), rump, r->nruns),
		       bench_fmt_ns(a, sizeof(a),
				    bench_median(r->host, r->nruns)),
		       q, bench_met(q));
		return;
	case FIG_COUNT:
		return;
	}
}

static void print_report(const struct bench_host *hosts, int nhosts,
			 const struct host_result *res, int boots)
{
	int fig, h;

	printf("## Kernel base: boot, idle memory, null system call\n\n");
	printf("Program `bench/base.c`.\n\n");
	printf("- **Boot to ready**: `rump_init()` timed inside the process "
	       "with `CLOCK_MONOTONIC`, in %d fresh processes per host (fork "
	       "+ exec of the benchmark in a boot-once mode). For context, "
	       "the *empty process* is the same binary exec'd in a mode that "
	       "exits at once, and the *whole process* is a boot-once run, "
	       "both timed by the parent from fork to reap, interleaved "
	       "with the boots.\n",
	       boots);
	printf("- **Idle kernel RSS**: `VmRSS` from `/proc/self/status` "
	       "right after `rump_init()` minus right before it, in the same "
	       "%d processes; the process total is the `VmRSS` after.\n",
	       boots);
	printf("- **Null system call**: `rump_sys_getpid()` against the "
	       "host's `syscall(SYS_getpid)` (a real system call, not "
	       "glibc's cached `getpid()`), %d calls per timed loop; each "
	       "run times the host, the implicit context and an rforked "
	       "process back to back; %d runs in each of %d fresh processes. "
	       "The ratio is the median of the per-run ratios.\n",
	       GETPID_ITERS, GETPID_RUNS, GETPID_PROCS);
	printf("- Medians, with the middle half of the samples (p25 – p75) "
	       "in brackets. *Ratio* is the median over the target or over "
	       "the alternative in the same run; lower is better.\n\n");
	printf("| Figure | Host | Median (p25 – p75) | Compared with "
	       "(same run) | Ratio | Target | Met |\n");
	printf("|---|---|---|---|---|---|---|\n");
	for (fig = 0; fig < FIG_COUNT; fig++)
		for (h = 0; h < nhosts; h++)
			print_row(fig, bench_host_name(hosts[h].label), &res[h],
				  boots);
	printf("\n");
}

static int report(int argc, char **argv)
{
	struct bench_host hosts[BENCH_MAXHOSTS];
	struct host_result res[BENCH_MAXHOSTS];
	const char *env = getenv("BENCH_BOOTS");
	int boots = env != NULL ? atoi(env) : DEFAULT_BOOTS;
	int nhosts, h;

	if (boots < 1)
		boots = DEFAULT_BOOTS;
	nhosts = bench_parse_hosts(argc, argv, hosts, BENCH_MAXHOSTS);
	if (nhosts <= 0)
		return 2;
	memset(res, 0, sizeof(res));
	for (h = 0; h < nhosts; h++) {
		res[h].boot = calloc(boots, sizeof(double));
		res[h].spawn_boot = calloc(boots, sizeof(double));
		res[h].spawn_null = calloc(boots, sizeof(double));
		res[h].rss_delta = calloc(boots, sizeof(double));
		res[h].rss_total = calloc(boots, sizeof(double));
		if (res[h].boot == NULL || res[h].spawn_null == NULL ||
		    res[h].spawn_boot == NULL || res[h].rss_delta == NULL ||
		    res[h].rss_total == NULL)
			return 1;
	}
	if (collect_boots(hosts, nhosts, res, boots) != 0)
		return 1;
	for (h = 0; h < nhosts; h++)
		if (collect_getpid(&hosts[h], &res[h]) != 0)
			return 1;
	print_report(hosts, nhosts, res, boots);
	for (h = 0; h < nhosts; h++) {
		free(res[h].boot);
		free(res[h].spawn_boot);
		free(res[h].spawn_null);
		free(res[h].rss_delta);
		free(res[h].rss_total);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "null") == 0)
		return 0;
	if (argc >= 2 && strcmp(argv[1], "boot") == 0)
		return worker_boot();
	if (argc >= 4 && strcmp(argv[1], "getpid") == 0)
		return worker_getpid(atol(argv[2]), atoi(argv[3]));
	if (argc >= 3 && strcmp(argv[1], "report") == 0)
		return report(argc - 2, argv + 2);
	fprintf(stderr,
		"usage: %s report label=path ...   (markdown section)\n"
		"       %s boot | null | getpid iters runs   (workers, host "
		"%s)\n",
		argv[0], argv[0], BENCH_HOST);
	return 2;
}
