/*
 * testlib.h -- what every host test program shares: CHECK macros that
 * print file, line and the failing expression and exit non-zero, boot and
 * halt with the leak check on, the SCALE setting, a watchdog for tests
 * that would otherwise deadlock, and running this program again as a
 * child process with a changed environment.
 */
#ifndef RUMPTEST_TESTLIB_H_
#define RUMPTEST_TESTLIB_H_
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>

#include "kern/rumptest.h"

void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((__noreturn__, __format__(__printf__, 3, 4)));

#define CHECK(e) ((e) ? (void)0 : test_fail(__FILE__, __LINE__, "%s", #e))

#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		long long check_a_ = (long long)(a);                           \
		long long check_b_ = (long long)(b);                           \
		if (check_a_ != check_b_)                                      \
			test_fail(__FILE__, __LINE__,                          \
				  "%s == %s (%lld != %lld)", #a, #b, check_a_, \
				  check_b_);                                   \
	} while (0)

/*
 * A rump_sys_* call that must fail with -1 and errno err (host values).
 * -1 is compared in the call's own type (uid_t calls give (uid_t)-1).
 */
#define CHECK_ERRNO(call, err)                                                 \
	do {                                                                   \
		__typeof__(call) check_v_;                                     \
		int check_e_;                                                  \
		errno = 0;                                                     \
		check_v_ = (call);                                             \
		check_e_ = errno;                                              \
		if (check_v_ != (__typeof__(call))-1 || check_e_ != (err))     \
			test_fail(__FILE__, __LINE__,                          \
				  "%s: want -1 with errno %s, got %lld with "  \
				  "errno %d (%s)",                             \
				  #call, #err, (long long)check_v_, check_e_,  \
				  strerror(check_e_));                         \
	} while (0)

/* A rump_sys_* call that must succeed; evaluates to its result. */
#define CHECK_SYS(call)                                                        \
	__extension__({                                                        \
		__typeof__(call) check_v_;                                     \
		errno = 0;                                                     \
		check_v_ = (call);                                             \
		if (check_v_ == (__typeof__(call))-1)                          \
			test_fail(__FILE__, __LINE__, "%s: errno %d (%s)",     \
				  #call, errno, strerror(errno));              \
		(long long)check_v_;                                           \
	})

/* A kernel test function (rumptest.h) that must return 0. */
#define CHECK_KERN(call)                                                       \
	do {                                                                   \
		int check_r_ = (call);                                         \
		if (check_r_ != 0)                                             \
			test_fail(__FILE__, __LINE__, "%s returned %d (%s)",   \
				  #call, check_r_,                             \
				  check_r_ == RUMP_TEST_FAILED                 \
					  ? "a kernel check failed, see above" \
					  : "kernel errno");                   \
	} while (0)

/* Sets RUMP_LEAKCHECK=1 unless set, and remembers argv for test_child. */
void test_init(int argc, char **argv);
/* rump_init() must succeed; rump_sys_reboot(RUMP_RB_HALT) likewise. */
void test_boot(void);
void test_halt(void);
/* The SCALE environment variable (default 1): multiplies long loops. */
int test_scale(void);
/* Fail (exit 2) if the program has not finished in seconds. */
void test_watchdog(unsigned seconds);
/* A progress line on stdout, prefixed with the program's name. */
void test_log(const char *fmt, ...)
	__attribute__((__format__(__printf__, 1, 2)));

/*
 * Run this program again with argv[1] = arg, its environment changed by
 * env (NULL-terminated "NAME=VALUE" to set, "NAME" to unset).  Output
 * (stdout and stderr) is kept in out, NUL-terminated, truncated to
 * outlen.  Returns the wait status, or -1 if the child did not finish
 * within timeout seconds (it is killed).
 */
int test_child(const char *arg, const char *const *env, char *out,
	       size_t outlen, int timeout);
/* "exit N", "signal N" or "timeout" for a test_child status. */
const char *test_status_str(int status);
/*
 * Starts a host thread running fn(arg) with an lwp of its own in the
 * caller's current process (released when fn returns); join it with
 * pthread_join.
 */
void test_spawn(pthread_t *t, void *(*fn)(void *), void *arg);
/* Runs a shell command made from fmt; its exit status, or -1. */
int test_sh(const char *fmt, ...) __attribute__((__format__(printf, 1, 2)));
/* The first line of a shell command's output in out (len bytes), or "". */
void test_sh_line(char *out, size_t len, const char *fmt, ...)
	__attribute__((__format__(printf, 3, 4)));
#endif
