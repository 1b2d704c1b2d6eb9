/*
 * runner.c -- runs every test of the POSIX conformance suite on one
 * struct fsops and reports: one PASS, FAIL or SKIP line per test (a
 * failure with its file:line and message), then a count for the front
 * end.  Each test gets a fresh directory below fs->scratch and a clean
 * state afterwards (see suite.h); the helpers that test bodies share
 * live here too.  Only host libc's string and stdio functions are used
 * directly, never its file calls.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <time.h>

#include "suite.h"

static const struct posix_area {
	const char *name;
	const struct posix_test *tests;
} posix_areas[] = {
	{"open", posix_open_tests},   {"io", posix_io_tests},
	{"stat", posix_stat_tests},   {"dir", posix_dir_tests},
	{"link", posix_link_tests},   {"rename", posix_rename_tests},
	{"perm", posix_perm_tests},   {"fd", posix_fd_tests},
	{"limit", posix_limit_tests},
};

static const struct {
	int value;
	const char *name;
} errnames[] = {
/* clang-format off */
#define E(x) {x, #x}
	/* clang-format on */
	E(EPERM),     E(ENOENT),      E(ESRCH),	       E(EINTR),
	E(EIO),	      E(ENXIO),	      E(E2BIG),	       E(ENOEXEC),
	E(EBADF),     E(ECHILD),      E(EAGAIN),       E(ENOMEM),
	E(EACCES),    E(EFAULT),      E(ENOTBLK),      E(EBUSY),
	E(EEXIST),    E(EXDEV),	      E(ENODEV),       E(ENOTDIR),
	E(EISDIR),    E(EINVAL),      E(ENFILE),       E(EMFILE),
	E(ENOTTY),    E(ETXTBSY),     E(EFBIG),	       E(ENOSPC),
	E(ESPIPE),    E(EROFS),	      E(EMLINK),       E(EPIPE),
	E(EDOM),      E(ERANGE),      E(EDEADLK),      E(ENAMETOOLONG),
	E(ENOLCK),    E(ENOSYS),      E(ENOTEMPTY),    E(ELOOP),
	E(EOVERFLOW), E(EOPNOTSUPP),  E(ENOTSUP),      E(ESTALE),
	E(EDQUOT),    E(ENOTSOCK),    E(ECONNREFUSED), E(ENOTCONN),
	E(ETIMEDOUT), E(EWOULDBLOCK), E(EILSEQ),       E(EPROTONOSUPPORT),
#undef E
};

/* A small ring, so that one message may name several values. */
static char *pt_ring(void)
{
	static char ring[8][PATH_MAX + 64];
	static unsigned next;

	return ring[next++ % 8];
}

const char *pt_errname(int error)
{
	char *buf;

	if (error == 0)
		return "0";
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].value == error)
			return error == ENOSYS ? "ENOSYS (not implemented)"
					       : errnames[i].name;
	buf = pt_ring();
	snprintf(buf, 64, "errno %d", error);
	return buf;
}

void pt_fail(struct posix_ctx *t, const char *file, int line, const char *fmt,
	     ...)
{
	va_list ap;
	const char *base = strrchr(file, '/');
	int n;

	t->status = 1;
	n = snprintf(t->why, sizeof(t->why),
		     "%s:%d: ", base != NULL ? base + 1 : file, line);
	va_start(ap, fmt);
	n += vsnprintf(t->why + n, sizeof(t->why) - (size_t)n, fmt, ap);
	va_end(ap);
	if (t->from_file != NULL && (size_t)n < sizeof(t->why)) {
		base = strrchr(t->from_file, '/');
		snprintf(t->why + n, sizeof(t->why) - (size_t)n,
			 " (called from %s:%d)",
			 base != NULL ? base + 1 : t->from_file, t->from_line);
	}
	longjmp(t->out, 1);
}

void pt_skip(struct posix_ctx *t, const char *fmt, ...)
{
	va_list ap;

	t->status = 2;
	va_start(ap, fmt);
	vsnprintf(t->why, sizeof(t->why), fmt, ap);
	va_end(ap);
	longjmp(t->out, 2);
}

const char *pt_path(struct posix_ctx *t, const char *name)
{
	char *buf = pt_ring();

	snprintf(buf, PATH_MAX + 64, "%s/%s", t->dir, name);
	return buf;
}

/* Helpers note their caller for pt_fail, and forget it on return. */
#define PT_FROM(t, file, line)                                                 \
	do {                                                                   \
		(t)->from_file = (file);                                       \
		(t)->from_line = (line);                                       \
	} while (0)

void pt_mkfile_at(struct posix_ctx *t, const char *file, int line,
		  const char *path, mode_t mode, const char *contents)
{
	size_t len = contents != NULL ? strlen(contents) : 0;
	int fd;

	PT_FROM(t, file, line);
	fd = T_OK(t->fs->open(path, O_WRONLY | O_CREAT | O_TRUNC, mode));
	T_OK(t->fs->fchmod(fd, mode));
	if (len > 0)
		T_EQ(T_OK(t->fs->write(fd, contents, len)), len);
	T_OK(t->fs->close(fd));
	PT_FROM(t, NULL, 0);
}

size_t pt_readfile_at(struct posix_ctx *t, const char *file, int line,
		      const char *path, char *buf, size_t cap)
{
	size_t got = 0;
	ssize_t n;
	int fd;

	PT_FROM(t, file, line);
	fd = T_OK(t->fs->open(path, O_RDONLY));
	while (got < cap &&
	       (n = T_OK(t->fs->read(fd, buf + got, cap - got))) > 0)
		got += (size_t)n;
	T_OK(t->fs->close(fd));
	if (got < cap)
		buf[got] = '\0';
	PT_FROM(t, NULL, 0);
	return got;
}

struct stat pt_stat_at(struct posix_ctx *t, const char *file, int line,
		       const char *path, bool nofollow)
{
	struct stat st;

	PT_FROM(t, file, line);
	memset(&st, 0, sizeof(st));
	if (nofollow)
		T_OK(t->fs->lstat(path, &st));
	else
		T_OK(t->fs->stat(path, &st));
	PT_FROM(t, NULL, 0);
	return st;
}

bool pt_exists(struct posix_ctx *t, const char *path)
{
	struct stat st;

	return t->fs->lstat(path, &st) == 0;
}

void pt_become_at(struct posix_ctx *t, const char *file, int line, uid_t uid,
		  gid_t gid, size_t ngroups, const gid_t *groups)
{
	int error;

	if (!(t->fs->caps & FS_CAN_SWITCH_USER))
		pt_skip(t, "front end cannot switch users");
	PT_FROM(t, file, line);
	if (t->as_user)
		pt_root(t);
	error = t->fs->become_user(uid, gid, ngroups, groups);
	if (error != 0)
		pt_fail(t, __FILE__, __LINE__, "become_user(%u, %u): %s",
			(unsigned)uid, (unsigned)gid, pt_errname(error));
	t->as_user = true;
	T_EQ(t->fs->geteuid(), uid);
	T_EQ(t->fs->getegid(), gid);
	PT_FROM(t, NULL, 0);
}

void pt_root(struct posix_ctx *t)
{
	if (t->as_user)
		t->fs->become_root();
	t->as_user = false;
}

void pt_mount_tmpfs_at(struct posix_ctx *t, const char *file, int line,
		       const char *dir, unsigned long flags, const char *opts)
{
	if (!(t->fs->caps & FS_CAN_MOUNT))
		pt_skip(t, "front end cannot mount");
	PT_FROM(t, file, line);
	if (!pt_exists(t, dir))
		T_OK(t->fs->mkdir(dir, 0755));
	T_OK(t->fs->mount("tmpfs", dir, "tmpfs", flags, opts));
	PT_FROM(t, NULL, 0);
}

struct timespec pt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts;
}

long long pt_ts_diff(struct timespec a, struct timespec b)
{
	return (long long)(a.tv_sec - b.tv_sec) * 1000000000LL +
	       (a.tv_nsec - b.tv_nsec);
}

void pt_pattern(char *buf, size_t n, off_t off)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t x = (uint64_t)off + i;

		buf[i] = (char)('a' + (x * 7 + x / 251) % 26);
	}
}

/* The names in directory path, NUL-separated, in a malloc'd block. */
static char *pt_names(struct posix_ctx *t, const char *path, size_t *count)
{
	char buf[4096];
	size_t len = 0, cap = 4096;
	char *names = malloc(cap);
	ssize_t n;
	int fd;

	*count = 0;
	fd = T_OK(t->fs->open(path, O_RDONLY | O_DIRECTORY));
	while ((n = T_OK(t->fs->getdents64(fd, buf, sizeof(buf)))) > 0) {
		for (ssize_t at = 0; at < n;) {
			struct pt_dirent64 *d = (void *)(buf + at);
			size_t l = strlen(d->d_name) + 1;

			at += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				continue;
			if (len + l > cap)
				names = realloc(names, cap *= 2);
			memcpy(names + len, d->d_name, l);
			len += l;
			(*count)++;
		}
	}
	T_OK(t->fs->close(fd));
	return names;
}

static void pt_unmount_tree_below(struct posix_ctx *t, const char *path,
				  dev_t parent_dev);

/* Unmount the file system mounted on path, and first any mounted below
 * it (found as directories on another device than their parent). */
static void pt_unmount_tree(struct posix_ctx *t, const char *path)
{
	char child[PATH_MAX];
	struct stat st, cst;
	size_t count;
	char *names, *name;

	t->fs->set_errno(0);
	if (t->fs->umount2(path, 0) == 0)
		return;
	if (t->fs->get_errno() != EBUSY)
		T_OK(t->fs->umount2(path, 0));
	T_OK(t->fs->lstat(path, &st));
	names = pt_names(t, path, &count);
	name = names;
	for (size_t i = 0; i < count; i++, name += strlen(name) + 1) {
		snprintf(child, sizeof(child), "%s/%s", path, name);
		if (t->fs->lstat(child, &cst) == 0 && S_ISDIR(cst.st_mode))
			pt_unmount_tree_below(t, child, st.st_dev);
	}
	free(names);
	T_OK(t->fs->umount2(path, 0));
}

/* pt_unmount_tree for path if it is a mount point (its device is not
 * parent_dev), else for the mount points below it. */
static void pt_unmount_tree_below(struct posix_ctx *t, const char *path,
				  dev_t parent_dev)
{
	char child[PATH_MAX];
	struct stat st, cst;
	size_t count;
	char *names, *name;

	T_OK(t->fs->lstat(path, &st));
	if (st.st_dev != parent_dev) {
		pt_unmount_tree(t, path);
		return;
	}
	if ((st.st_mode & 0500) != 0500)
		T_OK(t->fs->chmod(path, 0700));
	names = pt_names(t, path, &count);
	name = names;
	for (size_t i = 0; i < count; i++, name += strlen(name) + 1) {
		snprintf(child, sizeof(child), "%s/%s", path, name);
		if (t->fs->lstat(child, &cst) == 0 && S_ISDIR(cst.st_mode))
			pt_unmount_tree_below(t, child, st.st_dev);
	}
	free(names);
}

/* Remove what is in directory path, depth first. */
static void pt_rm_contents(struct posix_ctx *t, const char *path)
{
	char child[PATH_MAX];
	struct stat st;
	size_t count;
	char *names, *name;

	T_OK(t->fs->lstat(path, &st));
	if ((st.st_mode & 0700) != 0700)
		T_OK(t->fs->chmod(path, 0700));
	names = pt_names(t, path, &count);
	name = names;
	for (size_t i = 0; i < count; i++, name += strlen(name) + 1) {
		snprintf(child, sizeof(child), "%s/%s", path, name);
		T_OK(t->fs->lstat(child, &st));
		if (S_ISDIR(st.st_mode)) {
			pt_rm_contents(t, child);
			T_OK(t->fs->rmdir(child));
		} else {
			T_OK(t->fs->unlink(child));
		}
	}
	free(names);
}

void pt_rm_rf(struct posix_ctx *t, const char *path)
{
	struct stat st;

	if (t->fs->caps & FS_CAN_MOUNT) {
		T_OK(t->fs->lstat(path, &st));
		pt_unmount_tree_below(t, path, st.st_dev);
	}
	pt_rm_contents(t, path);
}

/* " FS_X FS_Y" for the capabilities in caps (a static buffer). */
static const char *pt_capnames(unsigned caps)
{
	static const char *const names[] = {
		"FS_CAN_SWITCH_USER", "FS_CAN_OTHER_PROCESS",
		"FS_CAN_MOUNT",	      "FS_HAS_ENOSPC_LIMIT",
		"FS_HAS_INODE_LIMIT", "FS_IS_ROOT_FS",
		"FS_CAN_MKNOD_DEV",   "FS_ROOT",
		"FS_NULL_EFAULT",
	};
	static char buf[256];
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (caps & (1u << i))
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						" %s", names[i]);
	return buf;
}

/* The lowest free descriptor, found by opening the scratch directory. */
static int pt_lowest_fd(const struct fsops *fs)
{
	int fd = fs->open(fs->scratch, O_RDONLY | O_DIRECTORY);

	if (fd >= 0)
		fs->close(fd);
	return fd;
}

/*
 * Back to root in the scratch directory with umask 022; close what the
 * test left open, unmount and remove its directory.  Fails (1, with
 * t->why) if that goes wrong, or if leak_is_failure and a descriptor was
 * left open.
 */
static int pt_cleanup(struct posix_ctx *t, bool leak_is_failure)
{
	const struct fsops *fs = t->fs;
	struct stat st;
	int lowest;

	if (setjmp(t->out) != 0)
		return 1;
	PT_FROM(t, NULL, 0);
	pt_root(t);
	fs->umask(022);
	T_OK(fs->chdir(fs->scratch));
	lowest = pt_lowest_fd(fs);
	if (lowest != t->fdbase)
		for (int fd = t->fdbase; fd < fs->max_fds; fd++)
			fs->close(fd);
	if (fs->lstat(t->dir, &st) == 0) {
		pt_rm_rf(t, t->dir);
		T_OK(fs->rmdir(t->dir));
	}
	if (leak_is_failure && lowest != t->fdbase)
		pt_fail(t, __FILE__, __LINE__,
			"the test left descriptor %d open", t->fdbase);
	return 0;
}

/* Run one test in a fresh directory; 0 passed, 1 failed, 2 skipped. */
static int pt_run_one(const struct fsops *fs, const char *full,
		      const struct posix_test *test)
{
	static struct posix_ctx ctx; /* big: not on the stack */
	struct posix_ctx *t = &ctx;
	static char why[sizeof(t->why)];
	int status;

	memset(t, 0, sizeof(*t));
	t->fs = fs;
	snprintf(t->dir, sizeof(t->dir), "%s/%s", fs->scratch, full);
	if ((test->needs & fs->caps) != test->needs) {
		printf("SKIP %s %s: needs%s\n", fs->name, full,
		       pt_capnames(test->needs & ~fs->caps));
		return 2;
	}
	if (setjmp(t->out) == 0) {
		fs->umask(022);
		T_OK(fs->chdir(fs->scratch));
		t->fdbase = pt_lowest_fd(fs);
		T_TRUE(t->fdbase >= 0);
		T_OK(fs->mkdir(t->dir, 0755));
		T_OK(fs->chdir(t->dir));
		test->body(t);
	}
	status = t->status;
	memcpy(why, t->why, sizeof(why));
	if (pt_cleanup(t, status == 0) != 0) {
		if (status != 0)
			printf("%s %s %s: %s\n", status == 2 ? "SKIP" : "FAIL",
			       fs->name, full, why);
		printf("FAIL %s %s: cleanup: %s\n", fs->name, full, t->why);
		return 1;
	}
	if (status == 0)
		printf("PASS %s %s\n", fs->name, full);
	else
		printf("%s %s %s: %s\n", status == 2 ? "SKIP" : "FAIL",
		       fs->name, full, why);
	return status;
}

int posix_run(const struct fsops *fs)
{
	int count[3] = {0, 0, 0};
	const char *only = getenv("POSIX_ONLY");
	char full[256];

	for (size_t a = 0; a < sizeof(posix_areas) / sizeof(posix_areas[0]);
	     a++) {
		const struct posix_area *area = &posix_areas[a];

		for (const struct posix_test *test = area->tests;
		     test->name != NULL; test++) {
			snprintf(full, sizeof(full), "%s.%s", area->name,
				 test->name);
			if (only != NULL && strstr(full, only) == NULL)
				continue;
			count[pt_run_one(fs, full, test)]++;
			fflush(stdout);
		}
	}
	fs->chdir("/");
	printf("posix %s: %d passed, %d failed, %d skipped\n", fs->name,
	       count[0], count[1], count[2]);
	fflush(stdout);
	return count[1];
}
