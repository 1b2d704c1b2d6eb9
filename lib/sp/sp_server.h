/*
 * sp_server.h -- private to the remote-syscall server of the pthread host
 * (hosts/posix/sp_*_host.c): a connection, the kernel process it is, and
 * one system call in progress.  Locking: sp_lock guards the server-wide
 * lists and counters; a connection's mtx its reading turn, thread counts,
 * its running calls and those waiting for copy replies; sendmtx one frame
 * at a time.
 */
#ifndef LIB_SP_SP_SERVER_H_
#define LIB_SP_SP_SERVER_H_
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "sp_proto.h"

struct lwp;
struct sp_conn;

/* A kernel process of a client: the priv of its vmspace.  holder is an
 * lwp that keeps the process alive between calls. */
struct sp_proc {
	int32_t pid;
	struct lwp *holder;
	struct sp_conn *conn;	/* NULL while a prepared fork child waits */
	uint64_t cookie;	/* a prepared fork child's, else 0 */
	struct sp_conn *parent; /* whose SP_PREFORK made it */
	struct sp_proc *next;	/* sp_pending */
};

struct sp_call {
	struct sp_conn *conn;
	uint64_t reqid;
	int nwin;
	struct {
		char *base;
		size_t len;
	} win[SP_MAXSLOTS];	  /* server copies of the client's buffers */
	struct sp_hdr *copyreply; /* delivered by the reading thread */
	bool waiting;
	struct sp_call *next; /* conn->calls, while waiting */
	/* For SP_INTERRUPT, under conn->mtx: the lwp running the call (0
	 * until it has one), whether an interrupt came before that, and
	 * the link on conn->running while the call runs. */
	int32_t lid;
	bool intr;
	struct sp_call *rnext;
};

struct sp_conn {
	int fd;
	pthread_mutex_t mtx, sendmtx;
	pthread_cond_t cv;
	bool reading;
	bool dead; /* written under mtx, read atomically by senders */
	int nthreads, nidle;
	struct sp_proc *proc;
	struct sp_call *calls;
	struct sp_call *running; /* system calls in progress */
	struct sp_conn *next;	 /* sp_conns */
	/* Bytes read beyond the last frame, for the next reader. */
	size_t rahead_off, rahead_len;
	char rahead[4096];
};

extern pthread_mutex_t sp_lock;
extern int64_t sp_stat_lwps, sp_stat_requests, sp_stat_threads;

/* sp_call_host.c */
/* SP_INTERRUPT for request reqid of conn (conn->mtx held, dropped and
 * taken again while the kernel is asked); unknown or finished requests
 * are ignored. */
void sp_interrupt(struct sp_conn *conn, uint64_t reqid);
/* Serve an SP_SYSCALL frame f of conn and send the reply; false for a
 * malformed request (the connection ends). */
bool sp_syscall(struct sp_conn *conn, struct sp_hdr *f);
int sp_send(struct sp_conn *conn, const void *frame, size_t len);
/* Stop new calls, wait a little for running ones: a halt is coming. */
bool sp_halting(void);
/*
 * Entries into the kernel other than calls (a process's release, an
 * interruption, statistics): sp_kern_enter() is false once a halt has
 * begun; otherwise the halt waits for the matching sp_kern_exit() before
 * the kernel goes down.
 */
bool sp_kern_enter(void);
void sp_kern_exit(void);
/* sp_server_host.c: after a client's halt, end the hosting process. */
void sp_exit_halted(void) __attribute__((__noreturn__));

#endif
