/*
 * net_private.h -- what the files of librumpnet share and nobody else
 * needs: socket allocation, send-buffer locking, the defaults, and the
 * pieces of the system call layer.  Everything here runs under the
 * locking contract of sys/socketvar.h.
 */
#ifndef RUMPKERN_NET_PRIVATE_H_
#define RUMPKERN_NET_PRIVATE_H_
#include <sys/mbuf.h>
#include <sys/socketvar.h>

/* Buffer sizes a protocol gets when it asks soreserve for 0 (Linux's). */
#define SO_DEFAULT_SNDBUF 212992
#define SO_DEFAULT_RCVBUF 212992
/* Linux's floors for SO_SNDBUF and SO_RCVBUF (after doubling). */
#define SO_MIN_SNDBUF 4608
#define SO_MIN_RCVBUF 2304
/* Linux's limit of control data in one sendmsg (optmem_max). */
#define SO_MAXCONTROL 20480

/* A fresh socket with nothing attached (softnet_lock not needed). */
int soalloc(const struct protosw *pr, int type, struct socket **sop);
/* Frees a socket soalloc made; nothing may refer to it. */
void sodealloc(struct socket *so);
/* Takes so off its listener's queue (so_head NULL after). */
void soqremque(struct socket *so);
/*
 * One sender or receiver at a time per buffer, held across the waits
 * and copies of sosend/soreceive (which drop softnet_lock to copy).  The
 * wait for it is interruptible (EINTR): its holder may wait for a peer
 * for ever.
 */
int sblock(struct sockbuf *sb);
void sbunlock(struct sockbuf *sb);

/*
 * The socket layer's entry points take and release softnet_lock through
 * these: a deferring section (sys/socketvar.h), so that what the caller
 * sends through the loopback is received in its own thread before the
 * lock goes.
 */
static inline void solock(void)
{
	mutex_enter(&softnet_lock);
	softnet_defer_begin();
}

static inline void sounlock(void)
{
	softnet_unlock();
}

/* Drops a hold of softnet_wakeup; frees so if sofree already let it go. */
void so_wakerele(struct socket *so);

/* sockopt.c: SOL_SOCKET options. */
int so_setsockopt(struct socket *so, struct sockopt *sopt);
int so_getsockopt(struct socket *so, struct sockopt *sopt);

/* Copies control mbufs (kernel cmsg records) out of a chain. */
struct mbuf *m_controlcopyin(const void *uaddr, size_t len, int *errorp);

int net_syscalls_init(void);
void net_syscalls_fini(void);
#endif
