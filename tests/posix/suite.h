/*
 * suite.h -- what the test bodies of the POSIX conformance suite share:
 * the per-test context, the assertions (each failure names file:line,
 * the call, what was wanted and what came, with errno names, and ends the
 * test), the table entries that list tests, and helpers that build on
 * struct fsops.  Bodies call only through t->fs, never libc's file calls,
 * so that every front end runs them.
 *
 * A test starts as root (FS_ROOT; else as the front end's user) with
 * umask 022 in an empty directory of its own
 * (t->dir, its working directory).  Afterwards the runner goes back to
 * root, closes what the test left open, unmounts and removes everything
 * below t->dir, and fails a test that passed but leaked a descriptor.
 */
#ifndef POSIX_SUITE_H_
#define POSIX_SUITE_H_
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fsops.h"

/* Users the permission tests become; none of them owns anything. */
#define PT_UID1 1001
#define PT_GID1 1001
#define PT_UID2 1002
#define PT_GID2 1002
#define PT_GID_OTHER 1003 /* a group neither user is in */

struct posix_ctx {
	const struct fsops *fs;
	char dir[PATH_MAX];    /* absolute; the test's working directory */
	jmp_buf out;	       /* a failed assertion or a skip goes here */
	int fdbase;	       /* lowest free descriptor when the test began */
	bool as_user;	       /* become_user is in effect */
	int status;	       /* 0 running or passed, 1 failed, 2 skipped */
	const char *from_file; /* the test's line that called a helper */
	int from_line;
	char why[1024]; /* the failure or skip message */
};

/* One record of getdents64: Linux's struct dirent64. */
struct pt_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

struct posix_test {
	const char *name;
	void (*body)(struct posix_ctx *t);
	unsigned needs; /* enum fsops_caps all required, else SKIP */
};

/* Each area's tests, ending with an entry whose name is NULL. */
extern const struct posix_test posix_open_tests[];
extern const struct posix_test posix_io_tests[];
extern const struct posix_test posix_stat_tests[];
extern const struct posix_test posix_dir_tests[];
extern const struct posix_test posix_link_tests[];
extern const struct posix_test posix_rename_tests[];
extern const struct posix_test posix_perm_tests[];
extern const struct posix_test posix_fd_tests[];
extern const struct posix_test posix_limit_tests[];

/* End the test: FAIL (message, with file and line) or SKIP (reason). */
void pt_fail(struct posix_ctx *t, const char *file, int line, const char *fmt,
	     ...) __attribute__((__noreturn__, __format__(__printf__, 4, 5)));
void pt_skip(struct posix_ctx *t, const char *fmt, ...)
	__attribute__((__noreturn__, __format__(__printf__, 2, 3)));
/* "ENOENT", or "errno 1234" (in a static ring of buffers). */
const char *pt_errname(int error);

/*
 * T_OK(call): the call must not fail (-1 in its own type; NULL for
 * pointers with T_PTR); evaluates to its result.  T_ERR(call, E): it must
 * fail with errno E.  Both read errno through the front end.
 */
#define T_OK(call)                                                             \
	__extension__({                                                        \
		__typeof__(call) t_v_;                                         \
		t->fs->set_errno(0);                                           \
		t_v_ = (call);                                                 \
		if (t_v_ == (__typeof__(call))-1)                              \
			pt_fail(t, __FILE__, __LINE__,                         \
				"%s: want success, got -1 errno %s", #call,    \
				pt_errname(t->fs->get_errno()));               \
		t_v_;                                                          \
	})

#define T_ERR(call, err)                                                       \
	do {                                                                   \
		__typeof__(call) t_v_;                                         \
		int t_e_;                                                      \
		t->fs->set_errno(0);                                           \
		t_v_ = (call);                                                 \
		t_e_ = t->fs->get_errno();                                     \
		if (t_v_ != (__typeof__(call))-1 || t_e_ != (err))             \
			pt_fail(t, __FILE__, __LINE__,                         \
				"%s: want -1 errno %s, got %lld errno %s",     \
				#call, #err, (long long)t_v_,                  \
				t_v_ == (__typeof__(call))-1                   \
					? pt_errname(t_e_)                     \
					: "(none)");                           \
	} while (0)

/* The same for calls that return an error number (posix_fallocate). */
#define T_RET(call, err)                                                       \
	do {                                                                   \
		int t_r_ = (call);                                             \
		if (t_r_ != (err))                                             \
			pt_fail(t, __FILE__, __LINE__, "%s: want %s, got %s",  \
				#call, (err) == 0 ? "0" : #err,                \
				t_r_ == 0 ? "0" : pt_errname(t_r_));           \
	} while (0)

#define T_PTR(call)                                                            \
	__extension__({                                                        \
		__typeof__(call) t_p_;                                         \
		t->fs->set_errno(0);                                           \
		t_p_ = (call);                                                 \
		if (t_p_ == NULL)                                              \
			pt_fail(t, __FILE__, __LINE__,                         \
				"%s: want success, got NULL errno %s", #call,  \
				pt_errname(t->fs->get_errno()));               \
		t_p_;                                                          \
	})

/* A call returning a pointer must fail: NULL with errno err. */
#define T_NULL(call, err)                                                      \
	do {                                                                   \
		const void *t_p_;                                              \
		int t_e_;                                                      \
		t->fs->set_errno(0);                                           \
		t_p_ = (call);                                                 \
		t_e_ = t->fs->get_errno();                                     \
		if (t_p_ != NULL || t_e_ != (err))                             \
			pt_fail(t, __FILE__, __LINE__,                         \
				"%s: want NULL errno %s, got %p errno %s",     \
				#call, #err, t_p_,                             \
				t_p_ == NULL ? pt_errname(t_e_) : "(none)");   \
	} while (0)

#define T_EQ(a, b)                                                             \
	do {                                                                   \
		long long t_a_ = (long long)(a);                               \
		long long t_b_ = (long long)(b);                               \
		if (t_a_ != t_b_)                                              \
			pt_fail(t, __FILE__, __LINE__,                         \
				"%s == %s: %lld != %lld (0%llo != 0%llo)", #a, \
				#b, t_a_, t_b_, t_a_, t_b_);                   \
	} while (0)

#define T_TRUE(e)                                                              \
	do {                                                                   \
		if (!(e))                                                      \
			pt_fail(t, __FILE__, __LINE__, "%s: false", #e);       \
	} while (0)

#define T_MEM(a, b, n)                                                         \
	do {                                                                   \
		if (memcmp((a), (b), (n)) != 0)                                \
			pt_fail(t, __FILE__, __LINE__,                         \
				"%s and %s differ in their first %zu bytes",   \
				#a, #b, (size_t)(n));                          \
	} while (0)

#define T_STR(a, b)                                                            \
	do {                                                                   \
		const char *t_sa_ = (a), *t_sb_ = (b);                         \
		if (strcmp(t_sa_, t_sb_) != 0)                                 \
			pt_fail(t, __FILE__, __LINE__,                         \
				"%s == %s: \"%s\" != \"%s\"", #a, #b, t_sa_,   \
				t_sb_);                                        \
	} while (0)

/* Skip the rest of the test unless the front end has the optional call. */
#define T_NEED(op)                                                             \
	do {                                                                   \
		if (t->fs->op == NULL)                                         \
			pt_skip(t, "no %s in this front end", #op);            \
	} while (0)

/* Helpers; each fails the test on an unexpected error. */

/* An absolute path for name below t->dir (a static ring of buffers). */
const char *pt_path(struct posix_ctx *t, const char *name);
/*
 * The helpers below are macros over pt_*_at functions that note the
 * caller's file and line, so that a failure inside one names the line of
 * the test that called it.
 */
/* Create (or truncate) path with exactly mode (no umask) and contents;
 * and read a file whole (NUL-terminated if there is room). */
#define pt_mkfile(t, path, mode, contents)                                     \
	pt_mkfile_at(t, __FILE__, __LINE__, path, mode, contents)
#define pt_readfile(t, path, buf, cap)                                         \
	pt_readfile_at(t, __FILE__, __LINE__, path, buf, cap)
/* stat or lstat that must succeed. */
#define pt_stat(t, path) pt_stat_at(t, __FILE__, __LINE__, path, false)
#define pt_lstat(t, path) pt_stat_at(t, __FILE__, __LINE__, path, true)
/* Become user uid/gid with no other groups or the given ones (skips if
 * the front end cannot), and root again. */
#define pt_become(t, uid, gid)                                                 \
	pt_become_at(t, __FILE__, __LINE__, uid, gid, 0, NULL)
#define pt_become_groups(t, uid, gid, ngroups, groups)                         \
	pt_become_at(t, __FILE__, __LINE__, uid, gid, ngroups, groups)
void pt_root(struct posix_ctx *t);
/* Mount a tmpfs with the given options and MS_* flags on dir (created
 * if missing); skips if the front end cannot mount. */
#define pt_mount_tmpfs(t, dir, flags, opts)                                    \
	pt_mount_tmpfs_at(t, __FILE__, __LINE__, dir, flags, opts)
/* Is path there (lstat succeeds)? */
bool pt_exists(struct posix_ctx *t, const char *path);

void pt_mkfile_at(struct posix_ctx *t, const char *file, int line,
		  const char *path, mode_t mode, const char *contents);
size_t pt_readfile_at(struct posix_ctx *t, const char *file, int line,
		      const char *path, char *buf, size_t cap);
struct stat pt_stat_at(struct posix_ctx *t, const char *file, int line,
		       const char *path, bool nofollow);
void pt_become_at(struct posix_ctx *t, const char *file, int line, uid_t uid,
		  gid_t gid, size_t ngroups, const gid_t *groups);
void pt_mount_tmpfs_at(struct posix_ctx *t, const char *file, int line,
		       const char *dir, unsigned long flags, const char *opts);
/* Every name in directory path (not . and ..) is removed, recursively;
 * file systems mounted below path are unmounted first. */
void pt_rm_rf(struct posix_ctx *t, const char *path);
/* The host's wall clock (the front end's file times must follow it). */
struct timespec pt_now(void);
/* a - b in nanoseconds. */
long long pt_ts_diff(struct timespec a, struct timespec b);
/* Fill buf with a pattern that depends on the file offset. */
void pt_pattern(char *buf, size_t n, off_t off);
#endif
