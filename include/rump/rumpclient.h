/*
 * rumpclient.h -- librumpclient: the rump_sys_* calls of
 * <rump/rump_syscalls.h> served by a rump kernel in another process
 * (rump_server, or a program that called rump_init_server()).  The
 * connection is a process inside that kernel, with its own descriptors,
 * working directory and credentials.  Names follow the NetBSD rump kernel;
 * functions return 0 or -1 with errno unless said otherwise.
 * docs/remote.md describes the protocol and the semantics.
 */
#ifndef RUMP_RUMPCLIENT_H_
#define RUMP_RUMPCLIENT_H_
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Connect to the server named by the RUMP_SERVER environment variable
 * (unix://relative/path, unix:///absolute/path or tcp://addr:port).  In a
 * program started by rumpclient_exec() it takes over the connection of
 * the program before the exec (same process, same descriptors).  Safe to
 * call again: a connected client returns 0.
 */
int rumpclient_init(void);

/*
 * What a call does when the connection is lost: RUMPCLIENT_RETRYCONN_DIE
 * exits the program (status 1), _ONCE tries to reconnect once, _INFTIME
 * retries forever, a positive value retries for that many seconds, and 0
 * (the default) fails the call with ENOTCONN at once.  A reconnection is
 * a new process inside the kernel: descriptors do not survive it.
 */
#define RUMPCLIENT_RETRYCONN_INFTIME ((time_t)-1)
#define RUMPCLIENT_RETRYCONN_ONCE ((time_t)-2)
#define RUMPCLIENT_RETRYCONN_DIE ((time_t)-3)
int rumpclient_setconnretry(time_t timeout);

/*
 * fork: rumpclient_prefork() asks the server for a child process that
 * inherits the caller's descriptors (NULL and errno on failure); after the
 * host's fork() the child calls rumpclient_fork_init() to become that
 * process on a new connection, the parent nothing.  rumpclient_fork() does
 * all three and returns like fork().  rumpclient_fork_cancel() drops an
 * unused preparation.
 */
struct rumpclient_fork;
struct rumpclient_fork *rumpclient_prefork(void);
int rumpclient_fork_init(struct rumpclient_fork *rpf);
void rumpclient_fork_cancel(struct rumpclient_fork *rpf);
pid_t rumpclient_fork(void);

/*
 * execve() that keeps the connection (and with it the kernel process and
 * its descriptors) for the new program, which finds it in
 * rumpclient_init().  Returns only on failure.
 */
int rumpclient_exec(const char *path, char *const argv[], char *const envp[]);

/* The descriptor of the connection, -1 when not connected (hijack uses
 * it to keep its own descriptors apart). */
int rumpclient__fd(void);
/* Move the connection to the lowest free descriptor >= minfd (before the
 * program closes or dup2()s over the one it has); the new descriptor or
 * -1.  Only while no call is under way. */
int rumpclient__movefd(int minfd);

/*
 * Acting as another process from the same host thread, as
 * rump_pub_lwproc_rfork()/_releaselwp() do for a local kernel (tests,
 * tools): push makes a new connection current, either a child of the
 * current process sharing copies of its descriptors (RUMPCLIENT_PUSH_FORK)
 * or a new process with none (RUMPCLIENT_PUSH_NEW); pop ends the current
 * one, waits until the server has released its process, and makes the
 * previous one current again.  Not for programs with other threads making
 * calls meanwhile.
 */
#define RUMPCLIENT_PUSH_NEW 0
#define RUMPCLIENT_PUSH_FORK 1
int rumpclient__push(int how);
int rumpclient__pop(void);

/*
 * A debug query: what the server holds right now, to check that nothing
 * leaks (tests, rumpctl).  ss_memory is what the server's kernel has from
 * the host, in bytes.
 */
struct rumpclient_stats {
	int64_t clients;  /* connections */
	int64_t procs;	  /* kernel processes held for clients */
	int64_t lwps;	  /* calls running now */
	int64_t threads;  /* server threads */
	int64_t memory;	  /* kernel memory from the host, bytes */
	int64_t requests; /* system calls served since boot */
	int64_t kprocs;	  /* processes in the kernel, process 1 included */
	int64_t kfiles;	  /* open files in the kernel, every process's */
};
int rumpclient_stats(struct rumpclient_stats *st);

#ifdef __cplusplus
}
#endif
#endif
