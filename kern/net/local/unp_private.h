/*
 * unp_private.h -- the local (AF_LOCAL, AF_UNIX) domain's protocol block
 * and what its files share.  Everything runs with softnet_lock held, as
 * sys/socketvar.h says, except where a function says it drops it.
 */
#ifndef RUMPKERN_NET_LOCAL_UNP_PRIVATE_H_
#define RUMPKERN_NET_LOCAL_UNP_PRIVATE_H_
#include <sys/mbuf.h>
#include <sys/queue.h>
#include <sys/socketvar.h>
#include <sys/un.h>

struct unpcb {
	struct socket *unp_socket;
	/*
	 * Stream and seqpacket: the peer, which points back.  Datagram:
	 * the socket this one is connected to (its unp_refs has us).
	 */
	struct unpcb *unp_conn;
	struct list_head unp_refs;    /* datagram: sockets connected to us */
	struct list_node unp_reflink; /* on unp_conn->unp_refs */
	/* Datagram senders waiting for room in our receive buffer. */
	struct list_head unp_waiters;
	struct list_node unp_waitlink;
	struct unpcb *unp_waiton;     /* whose unp_waiters we are on */
	struct sockaddr_un *unp_addr; /* bound name, or NULL */
	void *unp_node;		      /* path-bound: the file system's node */
	struct ucred unp_peercred;    /* SO_PEERCRED */
	int unp_flags;
	struct list_node unp_link; /* on unp_all */
};
#define UNP_BINDING 0x01    /* a bind is in progress (lock dropped) */
#define UNP_HAVEPCCRED 0x02 /* unp_peercred is set */
#define UNP_CONNECTING 0x04 /* a connect is in progress (lock dropped) */
#define UNP_NONAMESPACE                                                        \
	0x08 /* an accepted socket: shows the listener's                       \
		name, which it does not own */

#define sotounpcb(so) ((struct unpcb *)(so)->so_pcb)

/* Every local socket's block (names, the shutdown sweep). */
extern struct list_head unp_all;
extern struct domain unixdomain;
/* Connects waiting for room in a full listener's queue. */
extern kcondvar_t unp_backlog_cv;

/* unp_names.c */
/* The smallest address: the family alone (an unnamed socket). */
#define UNP_HDRLEN 2
/* bind(2); may drop softnet_lock to make a file system node. */
int unp_bind(struct unpcb *unp, const struct sockaddr *nam);
/*
 * The bound socket that nam names, of type: ECONNREFUSED if nothing is
 * bound there, EPROTOTYPE for a path bound by another type, EINVAL for a
 * malformed address, file system errors for paths (ENOENT ...).  May
 * drop softnet_lock: the caller checks its own state again after.
 */
int unp_find(const struct sockaddr *nam, int type, struct unpcb **unpp);
/* Gives unp a copy of name sun (marks it bound); 0 or ENOMEM. */
int unp_setaddr(struct unpcb *unp, const struct sockaddr_un *sun);
/* Releases unp's name (the node's slot, the reference). */
void unp_unbind(struct unpcb *unp);
/* unp's name, or the family alone, into nam (a zeroed storage). */
void unp_getaddr(const struct unpcb *unp, struct sockaddr *nam);
/* Credentials of the calling process, for SO_PEERCRED. */
void unp_setcred(struct ucred *uc);

/* unp_rights.c: SCM_RIGHTS. */
/*
 * Turns the control records of a send into the kernel's form (rights
 * as held struct file pointers); consumes *controlp and replaces it.
 * EINVAL for malformed or unknown records, EBADF for a descriptor that
 * is not open.
 */
int unp_internalize(struct mbuf **controlp);
int unp_externalize(struct mbuf *control, struct lwp *l, int flags);
void unp_dispose(struct mbuf *control);
int unp_rights_init(void);
/* Releases whatever is still waiting to be released (shutdown). */
void unp_rights_drain(void);
void unp_rights_fini(void);
#endif
