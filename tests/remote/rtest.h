/*
 * rtest.h -- helpers of the remote-syscall tests (tests/remote/): each
 * test program is a client (linked with librumpclient, not the kernel)
 * that starts its own rump_server on a unix socket in a fresh directory,
 * talks to it, and at the end halts it with rump_sys_reboot(), which the
 * server's RUMP_LEAKCHECK=1 (inherited from tests/run.sh) turns into a
 * leak check: rserver_halt() fails unless the server exits with 0.  The
 * CHECK macros and test_* functions are those of tests/testlib.h.
 */
#ifndef RTEST_H_
#define RTEST_H_
#include <stdbool.h>
#include <sys/types.h>

#include <rump/rumpclient.h>

#include "../testlib.h"

struct rserver {
	pid_t pid;
	char dir[64];
	char url[128];
};

/* Start rump_server -s with extra arguments (NULL-terminated list) at
 * unix://DIR/sock, wait until it accepts, and set RUMP_SERVER. */
void rserver_start(struct rserver *s, const char *const *extra);
/* Halt it through the current connection; it must exit with status 0. */
void rserver_halt(struct rserver *s);
/* Wait (bounded, 60 s) until the server's counts are back at base:
 * kernel processes, open files, the server's client processes and
 * connections. */
void rserver_wait_baseline(const struct rumpclient_stats *base);
void rserver_stats(struct rumpclient_stats *st);
/* The path of the rump_server program under test. */
const char *rserver_program(void);

#endif
