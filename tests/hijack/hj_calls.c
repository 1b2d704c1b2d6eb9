/*
 * hj_calls -- an ordinary program that the hijack tests run under
 * librumphijack.so to check the glibc functions that make their system
 * calls inside libc.  "hj_calls tree DIR" runs realpath, scandir, glob,
 * nftw and ftw on a tree (made by coreutils.sh) and prints the results
 * with DIR replaced by ROOT, in an order that does not depend on the
 * file system, so that a run on a host copy and one on a kernel copy can
 * be compared; "hj_calls kernel KDIR" checks what only the kernel side
 * has (posix_spawn, system and popen keeping kernel descriptors and the
 * kernel working directory, isatty, absolute kernel links) and prints
 * "ok" lines, or names the failed check and exits 1.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

#define CHECK(e)                                                               \
	do {                                                                   \
		if (!(e)) {                                                    \
			fprintf(stderr,                                        \
				"hj_calls:%d: %s failed (errno %d: %s)\n",     \
				__LINE__, #e, errno, strerror(errno));         \
			exit(1);                                               \
		}                                                              \
	} while (0)

static char root[PATH_MAX];
static size_t rootlen;

/* s with the tree's directory shown as ROOT */
static const char *show(const char *s)
{
	static char buf[4][PATH_MAX + 16];
	static int i;

	if (s == NULL)
		return "(null)";
	i = (i + 1) % 4;
	if (strncmp(s, root, rootlen) == 0)
		snprintf(buf[i], sizeof(buf[i]), "ROOT%s", s + rootlen);
	else
		snprintf(buf[i], sizeof(buf[i]), "%s", s);
	return buf[i];
}

static const char *at(const char *rel)
{
	static char buf[8][PATH_MAX + 64];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", root, rel);
	return buf[i];
}

/* lines collected and printed sorted: readdir order differs by fs */
static char *lines[4096];
static int nlines;

static void line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void line(const char *fmt, ...)
{
	va_list ap;

	CHECK(nlines < 4096);
	va_start(ap, fmt);
	CHECK(vasprintf(&lines[nlines++], fmt, ap) >= 0);
	va_end(ap);
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void flush(const char *title)
{
	int i;

	qsort(lines, (size_t)nlines, sizeof(*lines), cmpstr);
	printf("== %s\n", title);
	for (i = 0; i < nlines; i++) {
		printf("%s\n", lines[i]);
		free(lines[i]);
	}
	nlines = 0;
}

static void rp(const char *rel)
{
	char buf[PATH_MAX], *r, *r2;
	const char *p = rel[0] == '@' ? rel + 1 : at(rel);

	errno = 0;
	r = realpath(p, buf);
	if (r == NULL) {
		printf("realpath %s: %s\n", rel, strerrorname_np(errno));
		/* the allocating forms agree */
		CHECK(realpath(p, NULL) == NULL &&
		      canonicalize_file_name(p) == NULL);
		return;
	}
	printf("realpath %s -> %s\n", rel, show(r));
	r = realpath(p, NULL);
	r2 = canonicalize_file_name(p);
	CHECK(r != NULL && r2 != NULL && strcmp(r, buf) == 0 &&
	      strcmp(r2, buf) == 0);
	free(r);
	free(r2);
}

static void test_realpath(void)
{
	char longname[300];

	printf("== realpath\n");
	CHECK(mkdir(at("w"), 0755) == 0);
	CHECK(symlink("loop", at("w/loop")) == 0);
	CHECK(symlink("../a/b", at("w/up")) == 0);
	CHECK(symlink("up/c", at("w/chain")) == 0);
	CHECK(symlink("chain/../../seq", at("w/dotdot")) == 0);
	rp(".");
	rp("a/../a/b");
	rp("a/./b//c/");
	rp("a/lnk");
	rp("a/b/c/../../seq");
	rp("w/up");
	rp("w/chain/deep");
	rp("w/dotdot");
	rp("w/up/../script");
	rp("a/dangling");
	rp("a/seq/x");
	rp("a/seq/");
	rp("a/seq/..");
	rp("a/seq/.");
	rp("w/loop");
	rp("w/loop/x");
	rp("none/x");
	rp("a/none");
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	rp(longname);
	rp("@");
	/* relative to the working directory */
	CHECK(chdir(root) == 0);
	rp("@a/b/../lnk");
	rp("@.");
	CHECK(chdir("/") == 0);
	errno = 0;
	CHECK(realpath(NULL, NULL) == NULL && errno == EINVAL);
}

static int sel_f(const struct dirent *d)
{
	return d->d_name[0] == 'f';
}

static void scan(const char *rel, int (*sel)(const struct dirent *), int dfd)
{
	struct dirent **v;
	int n, i;

	errno = 0;
	n = dfd == -1 ? scandir(at(rel), &v, sel, alphasort)
		      : scandirat(dfd, rel, &v, sel, versionsort);
	if (n == -1) {
		printf("scandir %s: %s\n", rel, strerrorname_np(errno));
		return;
	}
	printf("scandir %s (%d):", rel, n);
	for (i = 0; i < n; i++) {
		printf(" %s/%d", v[i]->d_name,
		       v[i]->d_type == DT_UNKNOWN ? -1 : v[i]->d_type);
		free(v[i]);
	}
	printf("\n");
	free(v);
}

static void test_scandir(void)
{
	int dfd;

	printf("== scandir\n");
	scan("a", NULL, -1);
	scan("a/b", sel_f, -1);
	scan("empty dir", NULL, -1);
	scan("none", NULL, -1);
	scan("a/seq", NULL, -1);
	dfd = open(root, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	scan("a/b", NULL, dfd);
	scan("a/b/c", NULL, dfd);
	close(dfd);
}

static int glob_err(const char *path, int e)
{
	printf("glob error %s: %s\n", show(path), strerrorname_np(e));
	return 0;
}

static void gl(const char *pat, int flags, bool rel)
{
	glob_t g;
	size_t i;
	int rv;

	rv = glob(rel ? pat : at(pat), flags, glob_err, &g);
	printf("glob %s %#x: %s", pat, flags,
	       rv == 0		    ? "0"
	       : rv == GLOB_NOMATCH ? "NOMATCH"
	       : rv == GLOB_ABORTED ? "ABORTED"
				    : "other");
	if (rv == 0)
		for (i = 0; i < g.gl_pathc; i++)
			printf(" %s", show(g.gl_pathv[i]));
	printf("\n");
	if (rv == 0 || rv == GLOB_NOMATCH)
		globfree(&g);
}

static void test_glob(void)
{
	printf("== glob\n");
	gl("a/b/f1*", 0, false);
	gl("a/b/f[2-4]", 0, false);
	gl("a/*/c", GLOB_MARK, false);
	gl("*/b/f?", 0, false);
	gl("a/*", GLOB_ONLYDIR | GLOB_MARK, false);
	gl("a/l*", GLOB_MARK, false);
	gl("a/nomatch*", 0, false);
	gl("a/nomatch*", GLOB_NOCHECK, false);
	gl("a/seq", 0, false);
	gl("a/none", 0, false);
	gl("a/b/{f1,f2,with space}", GLOB_BRACE, false);
	gl("a/.*", 0, false);
	CHECK(chdir(root) == 0);
	gl("a/b/f4*", 0, true);
	gl("*", GLOB_MARK, true);
	CHECK(chdir("/") == 0);
}

static int walk_fn(const char *path, const struct stat *st, int flag,
		   struct FTW *f)
{
	line("%d %d %s %s %o", flag, f->level, show(path), path + f->base,
	     flag == FTW_NS ? 0 : (unsigned)(st->st_mode & 07777));
	return 0;
}

static int walk_skip(const char *path, const struct stat *st, int flag,
		     struct FTW *f)
{
	walk_fn(path, st, flag, f);
	return strcmp(path + f->base, "b") == 0 ? FTW_SKIP_SUBTREE
						: FTW_CONTINUE;
}

/* FTW_CHDIR: the working directory is the entry's directory */
static int walk_chdir(const char *path, const struct stat *st, int flag,
		      struct FTW *f)
{
	struct stat here;
	char cwd[PATH_MAX];

	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK(fstatat(AT_FDCWD, path + f->base, &here, AT_SYMLINK_NOFOLLOW) ==
	      0);
	line("%d %d %s in %s", flag, f->level, path + f->base, show(cwd));
	return 0;
}

static int walk_ftw(const char *path, const struct stat *st, int flag)
{
	line("%d %s", flag, show(path));
	return 0;
}

static int nstop;
static int walk_stop(const char *path, const struct stat *st, int flag,
		     struct FTW *f)
{
	nstop++;
	return FTW_STOP;
}

static void walk(const char *rel, int flags,
		 int (*fn)(const char *, const struct stat *, int,
			   struct FTW *))
{
	char title[PATH_MAX];
	int rv;

	errno = 0;
	rv = nftw(at(rel), fn, 4, flags);
	snprintf(title, sizeof(title), "nftw %s %#x: %d %s", rel, flags, rv,
		 rv == -1 ? strerrorname_np(errno) : "");
	flush(title);
}

static void test_nftw(void)
{
	char cwd[PATH_MAX], after[PATH_MAX];
	int rv;

	/* a link back up: nftw without FTW_PHYS does not walk it twice */
	CHECK(symlink("..", at("a/b/upup")) == 0);
	walk("a", 0, walk_fn);
	walk("a/", FTW_PHYS, walk_fn);
	walk("a", FTW_PHYS | FTW_DEPTH, walk_fn);
	walk("a", FTW_ACTIONRETVAL, walk_skip);
	walk("a/dangling", 0, walk_fn);
	walk("a/dangling", FTW_PHYS, walk_fn);
	walk("a/seq", 0, walk_fn);
	walk("none", 0, walk_fn);
	walk("a", 0x100, walk_fn);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	walk("a/b", FTW_CHDIR | FTW_PHYS, walk_chdir);
	CHECK(getcwd(after, sizeof(after)) != NULL && strcmp(cwd, after) == 0);
	rv = nftw(at("a"), walk_stop, 4, FTW_ACTIONRETVAL);
	printf("nftw FTW_STOP: %d after %d\n", rv, nstop);
	rv = ftw(at("a"), walk_ftw, 4);
	snprintf(cwd, sizeof(cwd), "ftw a: %d", rv);
	flush(cwd);
	CHECK(unlink(at("a/b/upup")) == 0);
}

static void tree(const char *dir)
{
	snprintf(root, sizeof(root), "%s", dir);
	rootlen = strlen(root);
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_realpath();
	test_scandir();
	test_glob();
	test_nftw();
}

/* ---- the kernel side only ---- */

static char kdir[PATH_MAX];

static const char *kp(const char *name)
{
	static char buf[8][PATH_MAX + 64];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", kdir, name);
	return buf[i];
}

/* the whole of a (kernel) file, NUL-terminated; static */
static const char *slurp(const char *path)
{
	static char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd == -1)
		return "(cannot open)";
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static void put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	CHECK(close(fd) == 0);
}

static int waitfor(pid_t pid)
{
	int st;

	CHECK(waitpid(pid, &st, 0) == pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_spawn(void)
{
	posix_spawn_file_actions_t fa;
	char cmd[PATH_MAX + 64], fdarg[16];
	char *argv[] = {"sh", "-c", cmd, "sh", fdarg, NULL};
	pid_t pid;
	int kfd;

	put(kp("in"), "kernel input\n");
	/* an inherited kernel descriptor, no file actions */
	kfd = open(kp("sp1"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(kfd > 2);
	snprintf(fdarg, sizeof(fdarg), "%d", kfd);
	snprintf(cmd, sizeof(cmd), "echo spawned >&$1");
	CHECK(posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) == 0);
	CHECK(waitfor(pid) == 0);
	CHECK(strcmp(slurp(kp("sp1")), "spawned\n") == 0);
	printf("ok posix_spawn: the child writes through an inherited kernel "
	       "descriptor\n");
	/* addclose of it: the child no longer has it */
	CHECK(posix_spawn_file_actions_init(&fa) == 0);
	CHECK(posix_spawn_file_actions_addclose(&fa, kfd) == 0);
	CHECK(posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ) == 0);
	CHECK(waitfor(pid) != 0);
	CHECK(posix_spawn_file_actions_destroy(&fa) == 0);
	/* close-on-exec: not inherited either */
	CHECK(fcntl(kfd, F_SETFD, FD_CLOEXEC) == 0);
	CHECK(posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) == 0);
	CHECK(waitfor(pid) != 0);
	CHECK(strcmp(slurp(kp("sp1")), "spawned\n") == 0);
	CHECK(close(kfd) == 0);
	printf("ok posix_spawn: addclose and close-on-exec\n");
	/* addopen of kernel paths onto 0 and 1, posix_spawnp's search */
	CHECK(posix_spawn_file_actions_init(&fa) == 0);
	CHECK(posix_spawn_file_actions_addopen(&fa, 0, kp("in"), O_RDONLY, 0) ==
	      0);
	CHECK(posix_spawn_file_actions_addopen(&fa, 1, kp("sp2"),
					       O_WRONLY | O_CREAT | O_TRUNC,
					       0600) == 0);
	char *cat[] = {"cat", NULL};
	CHECK(posix_spawnp(&pid, "cat", &fa, NULL, cat, environ) == 0);
	CHECK(waitfor(pid) == 0);
	CHECK(posix_spawn_file_actions_destroy(&fa) == 0);
	CHECK(strcmp(slurp(kp("sp2")), "kernel input\n") == 0);
	printf("ok posix_spawnp: addopen of kernel files as stdin, stdout\n");
	/* adddup2 of a kernel descriptor onto 1, addchdir_np into the kernel */
	kfd = open(kp("sp3"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	CHECK(kfd > 2);
	CHECK(posix_spawn_file_actions_init(&fa) == 0);
	CHECK(posix_spawn_file_actions_adddup2(&fa, kfd, 1) == 0);
	CHECK(posix_spawn_file_actions_addchdir_np(&fa, kdir) == 0);
	snprintf(cmd, sizeof(cmd), "cat in && /bin/pwd");
	CHECK(posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ) == 0);
	CHECK(waitfor(pid) == 0);
	CHECK(posix_spawn_file_actions_destroy(&fa) == 0);
	snprintf(cmd, sizeof(cmd), "kernel input\n%s\n", kdir);
	CHECK(strcmp(slurp(kp("sp3")), cmd) == 0);
	CHECK(close(kfd) == 0);
	printf("ok posix_spawn: adddup2 of a kernel descriptor, addchdir_np\n");
	/* errors */
	CHECK(posix_spawn(&pid, "/nonexistent/prog", NULL, NULL, cat,
			  environ) == ENOENT);
	CHECK(posix_spawnp(&pid, "no-such-program-here", NULL, NULL, cat,
			   environ) == ENOENT);
	CHECK(posix_spawn(&pid, kp("in"), NULL, NULL, cat, environ) == ENOTSUP);
	CHECK(posix_spawn_file_actions_init(&fa) == 0);
	CHECK(posix_spawn_file_actions_addclose(&fa, -1) == EBADF);
	CHECK(posix_spawn_file_actions_adddup2(&fa, 1, -1) == EBADF);
	CHECK(posix_spawn_file_actions_addopen(&fa, 0, kp("none/x"), O_RDONLY,
					       0) == 0);
	CHECK(posix_spawnp(&pid, "cat", &fa, NULL, cat, environ) == ENOENT);
	CHECK(posix_spawn_file_actions_destroy(&fa) == 0);
	CHECK(posix_spawn_file_actions_init(&fa) == 0);
	CHECK(posix_spawn_file_actions_addchdir_np(&fa, kp("in")) == 0);
	CHECK(posix_spawnp(&pid, "cat", &fa, NULL, cat, environ) == ENOTDIR);
	CHECK(posix_spawn_file_actions_destroy(&fa) == 0);
	/* closefrom must not lose the error (the pipe is kept) */
	CHECK(posix_spawn_file_actions_init(&fa) == 0);
	CHECK(posix_spawn_file_actions_addclosefrom_np(&fa, 3) == 0);
	CHECK(posix_spawn(&pid, "/nonexistent/prog", &fa, NULL, cat, environ) ==
	      ENOENT);
	CHECK(posix_spawn_file_actions_destroy(&fa) == 0);
	printf("ok posix_spawn: ENOENT, ENOTSUP, EBADF, a failed addopen, "
	       "addchdir_np of a file, closefrom\n");
}

/* the attributes: own process group, the child's mask, default actions */
static void test_spawn_attrs(void)
{
	/* cat itself is the spawned process: its own /proc/self */
	char *argv[] = {"cat", "/proc/self/stat", "/proc/self/status", NULL};
	char line[512];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t blk, def;
	unsigned long long b = 0, ig = 0;
	int kfd, pg = 0;
	pid_t pid;
	FILE *f;

	kfd = open(kp("attrs"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(kfd > 2);
	CHECK(signal(SIGUSR2, SIG_IGN) != SIG_ERR);
	CHECK(signal(SIGWINCH, SIG_IGN) != SIG_ERR);
	sigemptyset(&blk);
	sigaddset(&blk, SIGUSR1);
	sigemptyset(&def);
	sigaddset(&def, SIGUSR2);
	CHECK(posix_spawnattr_init(&at) == 0);
	CHECK(posix_spawnattr_setflags(
		      &at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
				   POSIX_SPAWN_SETSIGDEF) == 0);
	CHECK(posix_spawnattr_setpgroup(&at, 0) == 0);
	CHECK(posix_spawnattr_setsigmask(&at, &blk) == 0);
	CHECK(posix_spawnattr_setsigdefault(&at, &def) == 0);
	CHECK(posix_spawn_file_actions_init(&fa) == 0);
	CHECK(posix_spawn_file_actions_adddup2(&fa, kfd, 1) == 0);
	CHECK(posix_spawn(&pid, "/bin/cat", &fa, &at, argv, environ) == 0);
	CHECK(waitfor(pid) == 0);
	CHECK(posix_spawn_file_actions_destroy(&fa) == 0 &&
	      posix_spawnattr_destroy(&at) == 0 && close(kfd) == 0);
	CHECK(signal(SIGUSR2, SIG_DFL) != SIG_ERR &&
	      signal(SIGWINCH, SIG_DFL) != SIG_ERR);
	f = fopen(kp("attrs"), "r");
	CHECK(f != NULL);
	CHECK(fscanf(f, "%*d (cat) %*c %*d %d", &pg) == 1);
	while (fgets(line, sizeof(line), f) != NULL) {
		sscanf(line, "SigBlk: %llx", &b);
		sscanf(line, "SigIgn: %llx", &ig);
	}
	fclose(f);
	CHECK(pg == pid);
	CHECK((b & (1ULL << (SIGUSR1 - 1))) != 0);
	CHECK((ig & (1ULL << (SIGUSR2 - 1))) == 0);
	CHECK((ig & (1ULL << (SIGWINCH - 1))) != 0);
	printf("ok posix_spawn: SETPGROUP, SETSIGMASK, SETSIGDEF (an ignored "
	       "signal stays ignored otherwise)\n");
}

static void test_system(void)
{
	char cmd[PATH_MAX + 64], host[PATH_MAX];
	FILE *f;
	int kfd, st;

	kfd = open(kp("sys1"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(kfd > 2);
	snprintf(cmd, sizeof(cmd), "echo system >&%d", kfd);
	CHECK(system(cmd) == 0);
	CHECK(close(kfd) == 0);
	CHECK(strcmp(slurp(kp("sys1")), "system\n") == 0);
	CHECK(system(NULL) != 0);
	st = system("exit 3");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	/* a kernel working directory */
	CHECK(getcwd(host, sizeof(host)) != NULL);
	CHECK(chdir(kdir) == 0);
	CHECK(system("cat in > sys2 && /bin/pwd >> sys2") == 0);
	snprintf(cmd, sizeof(cmd), "kernel input\n%s\n", kdir);
	CHECK(strcmp(slurp(kp("sys2")), cmd) == 0);
	printf("ok system: kernel descriptors, a kernel cwd, exit status\n");
	/* popen: reading in a kernel cwd, writing into the kernel */
	f = popen("cat in", "r");
	CHECK(f != NULL);
	CHECK(fgets(cmd, sizeof(cmd), f) != NULL &&
	      strcmp(cmd, "kernel input\n") == 0);
	CHECK(pclose(f) == 0);
	CHECK(chdir(host) == 0);
	snprintf(cmd, sizeof(cmd), "cat > %s", kp("pw"));
	f = popen(cmd, "w");
	CHECK(f != NULL && fputs("through popen\n", f) >= 0);
	CHECK(pclose(f) == 0);
	CHECK(strcmp(slurp(kp("pw")), "through popen\n") == 0);
	/* an inherited kernel descriptor, an exit status, bad modes */
	kfd = open(kp("in"), O_RDONLY);
	CHECK(kfd > 2);
	snprintf(cmd, sizeof(cmd), "cat <&%d", kfd);
	f = popen(cmd, "re");
	CHECK(f != NULL && fgets(cmd, sizeof(cmd), f) != NULL &&
	      strcmp(cmd, "kernel input\n") == 0);
	CHECK(pclose(f) == 0);
	CHECK(close(kfd) == 0);
	f = popen("exit 5", "r");
	CHECK(f != NULL);
	st = pclose(f);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5);
	errno = 0;
	CHECK(popen("true", "rw") == NULL && errno == EINVAL);
	CHECK(popen("true", "x") == NULL && errno == EINVAL);
	printf("ok popen: kernel cwd, into the kernel, kernel descriptors, "
	       "status, EINVAL\n");
}

static void test_tty(void)
{
	char buf[64];
	struct termios t;
	int kfd = open(kp("in"), O_RDONLY);

	CHECK(kfd >= 0);
	errno = 0;
	CHECK(isatty(kfd) == 0 && errno == ENOTTY);
	CHECK(ttyname(kfd) == NULL && errno == ENOTTY);
	CHECK(ttyname_r(kfd, buf, sizeof(buf)) == ENOTTY);
	CHECK(tcgetattr(kfd, &t) == -1 && errno == ENOTTY);
	CHECK(close(kfd) == 0);
	errno = 0;
	CHECK(isatty(kfd) == 0 && errno == EBADF);
	printf("ok isatty, ttyname, tcgetattr: ENOTTY on a kernel file\n");
}

static volatile sig_atomic_t nusr1;
static void on_usr1(int sig)
{
	nusr1++;
}

/*
 * ppoll, pselect and epoll_pwait with a kernel descriptor in the set: a
 * signal pending while blocked is let in by the call's mask, which ends
 * the wait at once with EINTR; a mask that keeps it blocked does not.
 */
static void test_sigmask(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct timespec ts = {.tv_sec = 30}, shortts = {.tv_nsec = 50000000};
	struct sigaction sa = {.sa_handler = on_usr1};
	struct epoll_event ev = {.events = EPOLLIN}, out;
	sigset_t usr1, none, old;
	struct pollfd pfd[2];
	int s, p[2], ep, round;
	fd_set rd;

	s = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(s >= 0 && bind(s, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	CHECK(pipe(p) == 0);
	ep = epoll_create1(0);
	CHECK(ep >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	sigemptyset(&none);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &usr1, &old) == 0);
	for (round = 0; round < 2; round++) {
		/* round 0: the kernel socket alone; 1: with a host pipe */
		pfd[0] = (struct pollfd){.fd = s, .events = POLLIN};
		pfd[1] = (struct pollfd){.fd = p[0], .events = POLLIN};
		nusr1 = 0;
		CHECK(raise(SIGUSR1) == 0 && nusr1 == 0);
		CHECK(ppoll(pfd, 1 + round, &shortts, &usr1) == 0);
		CHECK(nusr1 == 0);
		errno = 0;
		CHECK(ppoll(pfd, 1 + round, &ts, &none) == -1 &&
		      errno == EINTR && nusr1 == 1);
		CHECK(raise(SIGUSR1) == 0);
		FD_ZERO(&rd);
		FD_SET(s, &rd);
		if (round == 1)
			FD_SET(p[0], &rd);
		errno = 0;
		CHECK(pselect((round == 1 && p[0] > s ? p[0] : s) + 1, &rd,
			      NULL, NULL, &ts, &none) == -1 &&
		      errno == EINTR && nusr1 == 2);
		CHECK(raise(SIGUSR1) == 0);
		errno = 0;
		CHECK(epoll_pwait(ep, &out, 1, 30000, &none) == -1 &&
		      errno == EINTR && nusr1 == 3);
		if (round == 0) {
			ev.events = EPOLLIN;
			CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
		}
	}
	/* the mask was the call's only: SIGUSR1 is blocked again */
	CHECK(raise(SIGUSR1) == 0 && nusr1 == 3);
	CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0 && nusr1 == 4);
	close(ep);
	close(p[0]);
	close(p[1]);
	close(s);
	printf("ok ppoll, pselect, epoll_pwait: the mask applies with a kernel "
	       "descriptor in the set\n");
}

/*
 * stdout moved onto a kernel file by the program itself (close, then an
 * open that takes 1; and dup2): printf goes there.  mkstemp, mkostemps,
 * mkdtemp and mktemp make kernel names; EINVAL without XXXXXX.
 */
static void test_stdio_temp(void)
{
	/* looked up, so that the link does not warn about mktemp's use */
	char *(*mktemp_)(char *) =
		(char *(*)(char *))dlsym(RTLD_DEFAULT, "mktemp");
	char t1[PATH_MAX], t2[PATH_MAX], t3[PATH_MAX], t4[PATH_MAX];
	struct stat st;
	int save = dup(1), fd;

	CHECK(save > 2);
	fflush(stdout);
	CHECK(close(1) == 0);
	CHECK(open(kp("out1"), O_WRONLY | O_CREAT | O_TRUNC, 0644) == 1);
	printf("to the kernel %d\n", 1);
	fflush(stdout);
	fd = open(kp("out2"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd > 2);
	printf("buffered before dup2\n");
	CHECK(dup2(fd, 1) == 1 && close(fd) == 0);
	printf("after dup2\n");
	fflush(stdout);
	CHECK(dup2(save, 1) == 1 && close(save) == 0);
	printf("back on the host\n");
	CHECK(strcmp(slurp(kp("out1")), "to the kernel 1\n") == 0);
	CHECK(strcmp(slurp(kp("out2")), "buffered before dup2\nafter dup2\n") ==
	      0);
	printf("ok stdout onto kernel files by close+open and dup2\n");

	snprintf(t1, sizeof(t1), "%s", kp("tmpXXXXXX"));
	fd = mkstemp(t1);
	CHECK(fd >= 0 && strncmp(t1, kp("tmp"), strlen(kp("tmp"))) == 0);
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	      (st.st_mode & 0777) == 0600 && close(fd) == 0);
	CHECK(stat(t1, &st) == 0);
	snprintf(t2, sizeof(t2), "%s", kp("tmpXXXXXX.txt"));
	fd = mkostemps(t2, 4, O_CLOEXEC);
	CHECK(fd >= 0 && strcmp(t2 + strlen(t2) - 4, ".txt") == 0);
	CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0 && close(fd) == 0);
	snprintf(t3, sizeof(t3), "%s", kp("dirXXXXXX"));
	CHECK(mkdtemp(t3) == t3 && stat(t3, &st) == 0 && S_ISDIR(st.st_mode) &&
	      (st.st_mode & 0777) == 0700);
	snprintf(t4, sizeof(t4), "%s", kp("nameXXXXXX"));
	CHECK(mktemp_(t4) == t4 && t4[0] != '\0' && lstat(t4, &st) == -1 &&
	      errno == ENOENT);
	snprintf(t4, sizeof(t4), "%s", kp("badXXXXX"));
	errno = 0;
	CHECK(mkstemp(t4) == -1 && errno == EINVAL);
	CHECK(mkdtemp(t4) == NULL && errno == EINVAL);
	snprintf(t4, sizeof(t4), "%s", kp("none/tmpXXXXXX"));
	CHECK(mkstemp(t4) == -1 && errno == ENOENT);
	printf("ok mkstemp, mkostemps, mkdtemp, mktemp in the kernel\n");
}

/* an absolute link inside the kernel names the kernel's root */
static void test_abslink(void)
{
	const char *pfx =
		getenv("HJ_PREFIX") != NULL ? getenv("HJ_PREFIX") : "/rump";
	char buf[PATH_MAX], want[PATH_MAX + 64];
	const char *k = kdir + strlen(pfx); /* kdir in the kernel's names */

	snprintf(buf, sizeof(buf), "%s/in", k);
	CHECK(symlink(buf, kp("abs")) == 0);
	CHECK(symlink("/", kp("absroot")) == 0);
	CHECK(realpath(kp("abs"), buf) != NULL && strcmp(buf, kp("in")) == 0);
	CHECK(realpath(kp("absroot"), buf) != NULL && strcmp(buf, pfx) == 0);
	snprintf(want, sizeof(want), "%s/../../..", kdir);
	CHECK(realpath(want, buf) != NULL && strcmp(buf, pfx) == 0);
	snprintf(want, sizeof(want), "%s/..", pfx);
	CHECK(realpath(want, buf) != NULL && strcmp(buf, pfx) == 0);
	CHECK(realpath(pfx, buf) != NULL && strcmp(buf, pfx) == 0);
	printf("ok realpath: absolute kernel links and .. stay in the "
	       "kernel\n");
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "tree") == 0) {
		tree(argv[2]);
		return 0;
	}
	if (argc != 3 || strcmp(argv[1], "kernel") != 0) {
		fprintf(stderr, "usage: hj_calls tree DIR | kernel KDIR\n");
		return 2;
	}
	snprintf(kdir, sizeof(kdir), "%s", argv[2]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_spawn();
	test_spawn_attrs();
	test_system();
	test_tty();
	test_sigmask();
	test_stdio_temp();
	test_abslink();
	printf("ok all\n");
	return 0;
}
