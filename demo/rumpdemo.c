/*
 * rumpdemo.c -- a guided tour of a rump kernel running as a library inside
 * this process: boot, processes, credentials, switching, system call cost,
 * shutdown.  The tour is a list of sections run in order over one shared
 * state; later parts of the project add their own sections (files,
 * networking) to demo_sections[] before "shutdown".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#ifndef DEMO_HOST
#define DEMO_HOST "unknown"
#endif

/*
 * A static link takes a component's archive member only when something
 * refers to it: these references pull in the VFS faction and tmpfs.
 */
extern int rump_component_link_vfs, rump_component_link_tmpfs;
__attribute__((used)) static int *const demo_components[] = {
	&rump_component_link_vfs, &rump_component_link_tmpfs};

/* What the sections share. */
struct demo {
	struct lwp *alice, *bob, *carol;
	pid_t alice_pid, bob_pid, carol_pid;
};

struct demo_section {
	const char *title;
	int (*run)(struct demo *d); /* 0, or -1 after printing why */
};

static volatile long demo_sink;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* VmRSS of this process in KiB, or -1. */
static long rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return kib;
}

/* "EPERM (Operation not permitted)" for the errors this tour shows. */
static const char *errname(int error)
{
	static char buf[96];
	const char *name;

	switch (error) {
	case EPERM:
		name = "EPERM";
		break;
	case EINVAL:
		name = "EINVAL";
		break;
	case ENOSYS:
		name = "ENOSYS";
		break;
	case ESHUTDOWN:
		name = "ESHUTDOWN";
		break;
	case ESRCH:
		name = "ESRCH";
		break;
	case ENOENT:
		name = "ENOENT";
		break;
	case EEXIST:
		name = "EEXIST";
		break;
	case ENOSPC:
		name = "ENOSPC";
		break;
	case ENOTEMPTY:
		name = "ENOTEMPTY";
		break;
	case EBUSY:
		name = "EBUSY";
		break;
	case EXDEV:
		name = "EXDEV";
		break;
	default:
		snprintf(buf, sizeof(buf), "errno %d (%s)", error,
			 strerror(error));
		return buf;
	}
	snprintf(buf, sizeof(buf), "%s (%s)", name, strerror(error));
	return buf;
}

/* "= 0" or "= -1 EPERM (...)" for a system call's result. */
static const char *result(int rv, int error)
{
	static char buf[128];

	if (rv == -1)
		snprintf(buf, sizeof(buf), "= -1 %s", errname(error));
	else
		snprintf(buf, sizeof(buf), "= %d", rv);
	return buf;
}

static void show_process(const char *who)
{
	printf("    %-10s pid %d  ppid %d  uid %d  euid %d  gid %d\n", who,
	       (int)rump_sys_getpid(), (int)rump_sys_getppid(),
	       (int)rump_sys_getuid(), (int)rump_sys_geteuid(),
	       (int)rump_sys_getgid());
}

static int fail(const char *what, int error)
{
	printf("    FAILED: %s: %s\n", what, errname(error));
	return -1;
}

static int demo_boot(struct demo *d)
{
	long before, after;
	uint64_t t0, t1;
	int error;

	before = rss_kib();
	t0 = now_ns();
	error = rump_init();
	t1 = now_ns();
	after = rss_kib();
	if (error != 0)
		return fail("rump_init()", error);
	printf("    rump_init() = 0 after %.3f ms: the kernel is up\n",
	       (double)(t1 - t0) / 1e6);
	printf("    it uses %ld KiB of resident memory\n"
	       "    (this host process: %ld KiB before rump_init(), "
	       "%ld KiB after)\n",
	       after - before, before, after);
	return 0;
}

static int demo_processes(struct demo *d)
{
	int error;

	printf("    A host thread with no process of its own runs in the "
	       "implicit context,\n    process 1:\n");
	show_process("implicit");
	printf("    rump_pub_lwproc_rfork() creates a process and makes it "
	       "current:\n");
	if ((error = rump_pub_lwproc_rfork(RUMP_RFCFDG)) != 0)
		return fail("rfork", error);
	d->alice = rump_pub_lwproc_curlwp();
	d->alice_pid = rump_sys_getpid();
	show_process("alice");
	rump_pub_lwproc_switch(NULL);
	if ((error = rump_pub_lwproc_rfork(RUMP_RFCFDG)) != 0)
		return fail("rfork", error);
	d->bob = rump_pub_lwproc_curlwp();
	d->bob_pid = rump_sys_getpid();
	show_process("bob");
	if (d->alice == NULL || d->bob == NULL || d->alice_pid == d->bob_pid)
		return fail("rfork gave no new process", EINVAL);
	return 0;
}

static int demo_credentials(struct demo *d)
{
	gid_t groups[1] = {0};
	int rv;

	printf("    Every process starts as root.  bob (current) gives it "
	       "up:\n");
	rv = rump_sys_setuid(1000);
	printf("    bob:   setuid(1000)       %s\n", result(rv, errno));
	if (rv != 0)
		return fail("setuid(1000)", errno);
	show_process("bob");
	rv = rump_sys_setuid(0);
	printf("    bob:   setuid(0)          %s\n", result(rv, errno));
	rv = rump_sys_setgroups(1, groups);
	printf("    bob:   setgroups(1, {0})  %s\n", result(rv, errno));
	if (rv != -1 || errno != EPERM)
		return fail("an unprivileged process did a privileged thing",
			    EINVAL);
	printf("    bob is no longer privileged.  A child bob forks now "
	       "inherits uid 1000:\n");
	if ((rv = rump_pub_lwproc_rfork(0)) != 0)
		return fail("rfork", rv);
	d->carol = rump_pub_lwproc_curlwp();
	d->carol_pid = rump_sys_getpid();
	show_process("carol");
	rump_pub_lwproc_switch(d->alice);
	rv = rump_sys_setgid(50);
	printf("    alice: setgid(50)         %s   (alice is still root)\n",
	       result(rv, errno));
	show_process("alice");
	return 0;
}

static int demo_switching(struct demo *d)
{
	const struct {
		const char *name;
		struct lwp *lwp;
		pid_t pid;
	} order[] = {
		{"bob", d->bob, d->bob_pid},
		{"carol", d->carol, d->carol_pid},
		{"alice", d->alice, d->alice_pid},
	};
	pid_t got;
	size_t i;

	printf("    rump_pub_lwproc_switch() moves this host thread between "
	       "them:\n");
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		rump_pub_lwproc_switch(order[i].lwp);
		got = rump_sys_getpid();
		printf("    switch(%s)%*s-> getpid() = %d, getuid() = %d\n",
		       order[i].name, (int)(6 - strlen(order[i].name)), "",
		       (int)got, (int)rump_sys_getuid());
		if (got != order[i].pid)
			return fail("switch landed in the wrong process",
				    ESRCH);
	}
	rump_pub_lwproc_switch(NULL);
	printf("    switch(NULL)  -> getpid() = %d, getuid() = %d "
	       "(implicit context)\n",
	       (int)rump_sys_getpid(), (int)rump_sys_getuid());
	return 0;
}

static int demo_releasing(struct demo *d)
{
	struct lwp *const lwps[] = {d->carol, d->bob, d->alice};
	const char *const names[] = {"carol", "bob", "alice"};
	size_t i;

	printf("    rump_pub_lwproc_releaselwp() ends the current thread, "
	       "and a process\n    with its last thread:\n");
	for (i = 0; i < 3; i++) {
		rump_pub_lwproc_switch(lwps[i]);
		printf("    release %-5s (pid %d)\n", names[i],
		       (int)rump_sys_getpid());
		rump_pub_lwproc_releaselwp();
	}
	d->alice = d->bob = d->carol = NULL;
	rump_pub_lwproc_switch(NULL);
	printf("    back in the implicit context: getpid() = %d\n",
	       (int)rump_sys_getpid());
	return 0;
}

/* Lists path's entries on one line, as getdents64 returns them. */
static int list_dir(const char *path)
{
	char buf[4096];
	int fd, n;

	fd = rump_sys_open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fail(path, errno);
	printf("    ls %-12s:", path);
	while ((n = (int)rump_sys_getdents64(fd, buf, sizeof(buf))) > 0)
		for (int off = 0; off < n;) {
			struct dirent64 *de = (struct dirent64 *)(buf + off);
			printf(" %s%s", de->d_name,
			       de->d_type == DT_DIR ? "/" : "");
			off += de->d_reclen;
		}
	printf("\n");
	rump_sys_close(fd);
	return n < 0 ? fail("getdents64", errno) : 0;
}

static int demo_files(struct demo *d)
{
	static const char text[] = "hello from inside the rump kernel\n";
	char buf[128], chunk[4096];
	struct statvfs sv;
	struct stat st;
	ssize_t n, total = 0;
	int fd, rv;

	printf("    The root file system exists at boot and is writable:\n");
	if (rump_sys_mkdir("/home", 0755) != 0)
		return fail("mkdir /home", errno);
	fd = rump_sys_open("/home/hello.txt", O_CREAT | O_WRONLY | O_EXCL,
			   0644);
	if (fd < 0 || rump_sys_write(fd, text, sizeof(text) - 1) < 0)
		return fail("create /home/hello.txt", errno);
	rump_sys_close(fd);
	fd = rump_sys_open("/home/hello.txt", O_RDONLY);
	n = fd < 0 ? -1 : rump_sys_read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return fail("read /home/hello.txt", errno);
	buf[n] = '\0';
	rump_sys_fstat(fd, &st);
	rump_sys_close(fd);
	printf("    /home/hello.txt: %zd bytes, mode %o, inode %llu: %s", n,
	       (unsigned)(st.st_mode & 07777), (unsigned long long)st.st_ino,
	       buf);
	rv = rump_sys_open("/home/hello.txt", O_CREAT | O_EXCL | O_WRONLY,
			   0644);
	printf("    open(O_CREAT|O_EXCL) again %s\n", result(rv, errno));
	rv = rump_sys_unlink("/home/missing");
	printf("    unlink(\"/home/missing\")   %s\n", result(rv, errno));
	rv = rump_sys_rmdir("/home");
	printf("    rmdir(\"/home\")            %s\n", result(rv, errno));

	printf("    A tmpfs of 64 KiB mounted on /tmp with mount(2)'s "
	       "signature:\n");
	if (rump_sys_mkdir("/tmp", 01777) != 0 ||
	    rump_sys_mount("tmpfs", "/tmp", "tmpfs", 0, "size=64k") != 0)
		return fail("mount tmpfs", errno);
	if (rump_sys_mkdir("/tmp/a", 0700) != 0 ||
	    rump_sys_symlink("/home/hello.txt", "/tmp/a/link") != 0)
		return fail("populate /tmp", errno);
	rv = rump_sys_rename("/home/hello.txt", "/tmp/hello.txt");
	printf("    rename() from / into /tmp %s: another file system\n",
	       result(rv, errno));
	rv = rump_sys_stat("/tmp/a/link", &st);
	printf("    stat(\"/tmp/a/link\") follows the symlink to / %s, "
	       "size %lld\n",
	       result(rv, errno), (long long)st.st_size);
	if (list_dir("/") != 0 || list_dir("/tmp") != 0)
		return -1;
	fd = rump_sys_open("/tmp/big", O_CREAT | O_WRONLY, 0600);
	if (fd < 0)
		return fail("create /tmp/big", errno);
	memset(chunk, 'x', sizeof(chunk));
	while ((n = rump_sys_write(fd, chunk, sizeof(chunk))) > 0)
		total += n;
	printf("    writing until full: %zd bytes written, then %s\n", total,
	       result((int)n, errno));
	rump_sys_close(fd);
	if (rump_sys_statvfs("/tmp", &sv) == 0)
		printf("    statvfs(\"/tmp\"): %llu of %llu blocks of %lu "
		       "bytes free\n",
		       (unsigned long long)sv.f_bfree,
		       (unsigned long long)sv.f_blocks, sv.f_bsize);
	fd = rump_sys_open("/tmp/a", O_RDONLY | O_DIRECTORY);
	rv = rump_sys_unmount("/tmp", 0);
	printf("    unmount(\"/tmp\") with a directory open %s\n",
	       result(rv, errno));
	rump_sys_close(fd);
	rv = rump_sys_unmount("/tmp", 0);
	printf("    unmount(\"/tmp\") after closing it     %s\n",
	       result(rv, errno));
	return rv == 0 ? 0 : fail("unmount", errno);
}

/* Median of five timed loops of n calls, in ns per call. */
static double time_calls(int rump, long n)
{
	double v[5], t;
	int r, i, j;
	long k;

	for (r = 0; r < 5; r++) {
		uint64_t t0 = now_ns();

		for (k = 0; k < n; k++)
			demo_sink =
				rump ? rump_sys_getpid() : syscall(SYS_getpid);
		v[r] = (double)(now_ns() - t0) / (double)n;
	}
	for (i = 1; i < 5; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[2];
}

static int demo_syscall_cost(struct demo *d)
{
	double host, rump;

	time_calls(1, 10000); /* warm up */
	host = time_calls(0, 100000);
	rump = time_calls(1, 100000);
	printf("    host syscall(SYS_getpid)  %7.1f ns per call\n", host);
	printf("    rump_sys_getpid()         %7.1f ns per call   "
	       "(%.2fx the host's)\n",
	       rump, rump / host);
	printf("    A rump kernel system call is a function call: no trap, "
	       "no mode switch.\n    (median of 5 x 100000 calls; `make "
	       "bench` measures this properly)\n");
	return 0;
}

static int demo_shutdown(struct demo *d)
{
	uint64_t t0, t1;
	int rv, error;

	t0 = now_ns();
	rv = rump_sys_reboot(RUMP_RB_HALT);
	error = errno;
	t1 = now_ns();
	printf("    rump_sys_reboot(RUMP_RB_HALT) %s after %.3f ms: "
	       "the kernel is halted\n",
	       result(rv, error), (double)(t1 - t0) / 1e6);
	if (rv != 0)
		return fail("reboot", error);
	error = rump_init();
	printf("    rump_init() again = %s: a rump kernel boots once per "
	       "host process\n",
	       error == ESHUTDOWN ? "ESHUTDOWN"
	       : error		  ? errname(error)
				  : "0 (unexpected)");
	printf("    The host process carries on: host pid %d, still "
	       "running.\n",
	       (int)getpid());
	return 0;
}

static const struct demo_section demo_sections[] = {
	{"boot", demo_boot},
	{"processes", demo_processes},
	{"credentials", demo_credentials},
	{"switching between processes", demo_switching},
	{"releasing processes", demo_releasing},
	{"system call cost", demo_syscall_cost},
	{"files", demo_files},
	/* Later: disks, networking. */
	{"shutdown", demo_shutdown},
};

int main(void)
{
	struct demo d;
	size_t i, n = sizeof(demo_sections) / sizeof(demo_sections[0]);

	memset(&d, 0, sizeof(d));
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("rumpdemo: a rump kernel as a library in host process %d "
	       "(host: %s)\n",
	       (int)getpid(), DEMO_HOST);
	for (i = 0; i < n; i++) {
		printf("\n[%zu/%zu] %s\n", i + 1, n, demo_sections[i].title);
		if (demo_sections[i].run(&d) != 0) {
			printf("\nrumpdemo: stopped at \"%s\"\n",
			       demo_sections[i].title);
			return 1;
		}
	}
	printf("\nrumpdemo: done\n");
	return 0;
}
