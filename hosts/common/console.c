/*
 * console.c -- console output and process exit.  Output goes to the host's
 * stderr, which is unbuffered, so nothing is lost on a crash.  A panic
 * prints the host's backtrace and aborts, leaving a core for the debugger.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <execinfo.h>
#endif

#include "host.h"

void rumpuser_putchar(int ch)
{
	putc(ch, stderr);
}

void rumpuser_putstr(const char *str)
{
	fputs(str, stderr);
}

void rumpuser_exit(int status)
{
	if (status == RUMPUSER_PANIC) {
#ifdef __GLIBC__
		void *frames[64];
		int n = backtrace(frames, 64);

		fputs("rump kernel panic; host backtrace:\n", stderr);
		backtrace_symbols_fd(frames, n, STDERR_FILENO);
#endif
		abort();
	}
	exit(status);
}

void rumpuser__fatal(const char *what, int host_errno)
{
	fprintf(stderr, "rumpuser: %s: %s\n", what, strerror(host_errno));
	rumpuser_exit(RUMPUSER_PANIC);
}
