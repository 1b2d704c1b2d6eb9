/*
 * sys/protosw.h -- the protocol switch.  A protocol (TCP, UDP, local
 * stream ...) is a struct protosw in its domain's table: type, number,
 * flags, the input hook the layer below calls, and its user requests, an
 * ops table (struct pr_usrreqs) through which the socket layer asks the
 * protocol to act for a process.  Every user request, every pr_input and
 * every protocol timer runs with softnet_lock held (sys/socketvar.h);
 * user requests return 0 or a kernel errno.
 */
#ifndef RUMPKERN_SYS_PROTOSW_H_
#define RUMPKERN_SYS_PROTOSW_H_
#include <sys/socket.h>
#include <sys/types.h>

struct domain;
struct lwp;
struct mbuf;
struct socket;
struct sockopt;
struct ifnet;
struct rump_stat;

/*
 * The user requests.  nam arguments are kernel copies of addresses
 * whose sa_len the socket layer checked against the caller's length
 * (at least SOCKADDR_HDRLEN, at most sizeof(struct sockaddr_storage));
 * the protocol checks family and length for its own kind (EAFNOSUPPORT,
 * EINVAL).  Results that are addresses go into a sockaddr_storage the
 * caller zeroed; the protocol sets sa_len.
 */
struct pr_usrreqs {
	/*
	 * A new socket of this protocol (proto: socket()'s third argument,
	 * or 0): allocate the control block, set so->so_pcb, reserve
	 * buffer space (soreserve).  Also runs for sockets that sonewconn
	 * makes on a listener's behalf (so->so_head set).
	 */
	int (*pr_attach)(struct socket *so, int proto);
	/*
	 * The socket is closing (soclose, after the linger wait).  The
	 * protocol lets go of so: either it sets so->so_pcb to NULL now
	 * and the socket layer frees so, or it keeps the control block
	 * (a TCP connection still sending) and later sets so_pcb to NULL
	 * and calls sofree(so), which frees a socket nobody refers to.
	 * pr_detach itself never calls sofree.
	 */
	void (*pr_detach)(struct socket *so);
	/* The peer's address of a connection taken off the queue. */
	int (*pr_accept)(struct socket *so, struct sockaddr *nam);
	int (*pr_bind)(struct socket *so, struct sockaddr *nam, struct lwp *l);
	/*
	 * The socket layer set so_qlimit already; binds an ephemeral
	 * address if unbound.  NULL: EOPNOTSUPP.
	 */
	int (*pr_listen)(struct socket *so, struct lwp *l);
	/*
	 * Start a connection (soisconnecting, or soisconnected at once for
	 * protocols without a handshake, or just set the default peer for
	 * datagram protocols).  The socket layer waits for the outcome.
	 */
	int (*pr_connect)(struct socket *so, struct sockaddr *nam,
			  struct lwp *l);
	/* Connects two sockets of this protocol (socketpair). */
	int (*pr_connect2)(struct socket *so, struct socket *so2);
	int (*pr_disconnect)(struct socket *so);
	/*
	 * shutdown(2) with how SHUT_RD, SHUT_WR or SHUT_RDWR, after the
	 * socket layer marked the socket (socantrcvmore for SHUT_RD and
	 * SHUT_RDWR, socantsendmore for SHUT_WR and SHUT_RDWR): send a FIN
	 * or tell the peer.  NULL: nothing more to do.
	 */
	int (*pr_shutdown)(struct socket *so, int how);
	/*
	 * Drop the connection (a listener closes with it on its queue):
	 * the protocol sets so->so_pcb to NULL and does not free so;
	 * soabort then calls sofree.
	 */
	void (*pr_abort)(struct socket *so);
	/*
	 * ioctls the socket layer does not answer itself (SIOC* for
	 * interfaces).  data is a kernel copy; ENOTTY for unknown ones.
	 */
	int (*pr_ioctl)(struct socket *so, unsigned long cmd, void *data,
			struct ifnet *ifp);
	int (*pr_peeraddr)(struct socket *so, struct sockaddr *nam);
	int (*pr_sockaddr)(struct socket *so, struct sockaddr *nam);
	/*
	 * The process took data out of so_rcv (protocols with
	 * PR_WANTRCVD): open the window, credit the sender.
	 */
	int (*pr_rcvd)(struct socket *so, int flags, struct lwp *l);
	/* Out-of-band data into m (PR_OOB protocols; else EOPNOTSUPP). */
	int (*pr_recvoob)(struct socket *so, struct mbuf *m, int flags);
	/*
	 * Data m (a packet chain, may be NULL with control only), to nam
	 * (NULL: the connected peer) with control (may be NULL: else a
	 * chain of kernel-ABI cmsg records as the process gave them; a
	 * PR_RIGHTS protocol internalizes SCM_RIGHTS).  The protocol
	 * consumes m and control, also on error, with one exception:
	 * EWOULDBLOCK means the destination has no room now, nothing was
	 * consumed, and the protocol will sowwakeup(so) when room
	 * appears; the socket layer then waits (or fails with EAGAIN when
	 * non-blocking) and sends again.  The socket layer has checked
	 * space in so_snd (sbspace) and, for PR_CONNREQUIRED protocols,
	 * the state (EPIPE, ENOTCONN).
	 */
	int (*pr_send)(struct socket *so, struct mbuf *m, struct sockaddr *nam,
		       struct mbuf *control, struct lwp *l);
	int (*pr_sendoob)(struct socket *so, struct mbuf *m,
			  struct mbuf *control);
	/*
	 * getsockopt/setsockopt at the protocol's levels (op PRCO_GETOPT,
	 * PRCO_SETOPT), and at SOL_SOCKET after the socket layer handled a
	 * set (so the protocol may react, e.g. SO_KEEPALIVE); ENOPROTOOPT
	 * for options it does not know.
	 */
	int (*pr_ctloutput)(int op, struct socket *so, struct sockopt *sopt);
};

#define PRCO_GETOPT 0
#define PRCO_SETOPT 1

struct protosw {
	int pr_type; /* SOCK_STREAM, SOCK_DGRAM, ... */
	struct domain *pr_domain;
	int pr_protocol; /* IPPROTO_TCP ...; 0 for the domain's default */
	int pr_flags;	 /* PR_* */
	/*
	 * Input from the layer below (IP hands its payload at offset off;
	 * proto is the protocol number).  Consumes m.
	 */
	void (*pr_input)(struct mbuf *m, int off, int proto);
	/* Error reports from below (ICMP unreachable ...): PRC_* cmd. */
	void (*pr_ctlinput)(int cmd, const struct sockaddr *sa, void *ctl);
	/* Memory is short: free what can be rebuilt (reassembly queues). */
	void (*pr_drain)(void);
	const struct pr_usrreqs *pr_usrreqs;
};

/* pr_flags */
#define PR_ATOMIC 0x01	     /* exchange atomic messages only */
#define PR_ADDR 0x02	     /* addresses given with messages */
#define PR_CONNREQUIRED 0x04 /* connection required by protocol */
#define PR_WANTRCVD 0x08     /* want pr_rcvd calls */
#define PR_RIGHTS 0x10	     /* passes capabilities (SCM_RIGHTS) */
#define PR_LISTEN 0x20	     /* supports listen */
#define PR_ABRTACPTDIS 0x40  /* abort on accept(2) to disconnected socket */
#define PR_OOB 0x80	     /* has out-of-band data */
#define PR_SHUTANY 0x100     /* shutdown needs no connection (Linux AF_UNIX) */

/* pr_ctlinput commands (the ones inet reports). */
#define PRC_IFDOWN 0
#define PRC_ROUTEDEAD 1
#define PRC_MSGSIZE 5
#define PRC_HOSTDEAD 6
#define PRC_UNREACH_NET 8
#define PRC_UNREACH_HOST 9
#define PRC_UNREACH_PROTOCOL 10
#define PRC_UNREACH_PORT 11
#define PRC_UNREACH_NEEDFRAG 12
#define PRC_TIMXCEED_INTRANS 18
#define PRC_PARAMPROB 20
#define PRC_NCMDS 21
#endif
