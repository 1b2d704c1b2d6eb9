/*
 * client.h -- private to librumpclient: the one connection of a client
 * process and the request path shared by client.c (system calls) and
 * connect.c (connecting, fork, exec).
 */
#ifndef LIB_RUMPCLIENT_CLIENT_H_
#define LIB_RUMPCLIENT_CLIENT_H_
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "../sp/sp_proto.h"

struct rc_conn {
	int fd;			 /* -1 when not connected */
	pthread_mutex_t mtx;	 /* fd, the waiters, the reading turn */
	pthread_mutex_t sendmtx; /* one frame at a time onto fd */
	uint64_t nextid;
	time_t retry; /* rumpclient_setconnretry() */
	int32_t pid;	   /* the kernel process */
	uint32_t features; /* SP_FEAT_* the server announced */
	char url[256];
};
extern struct rc_conn rc;

/* Send frame (its length and a fresh id set here), wait for the reply
 * frame (malloc'd, the caller frees it); 0 or a kernel errno. */
int rc_request(struct sp_hdr *frame, size_t len, struct sp_hdr **replyp);
/* How a host signal that interrupts the wait for a reply is handled. */
enum rc_sigmode {
	RC_SIG_NONE,	/* ignored: the wait goes on */
	RC_SIG_RESTART, /* SP_INTERRUPT, unless the handler has SA_RESTART */
	RC_SIG_ALWAYS,	/* SP_INTERRUPT, whatever SA_RESTART says (poll) */
};
int rc_request_sig(struct sp_hdr *frame, size_t len, struct sp_hdr **replyp,
		   enum rc_sigmode mode);
int rc_send(const void *frame, size_t len);
/* Read one frame from fd (malloc'd), not the current connection's
 * read-ahead: for handshakes; 0 or a host errno. */
int rc_read_frame(int fd, struct sp_hdr **framep);
/* With rc.mtx held and no connection: reconnect as the policy says. */
int rc_reconnect_locked(void);
void rc_reset_state(void);
/* Change rc.fd: with rc.mtx held; takes sendmtx so no send is under way.
 * Readers hold either lock, or load it atomically. */
void rc_setfd(int fd);

#endif
