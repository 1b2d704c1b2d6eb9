/*
 * unp_usrreq.c -- the local domain's protocols: stream, seqpacket and
 * datagram sockets within one kernel.  A stream pair is two protocol
 * blocks pointing at each other; data goes straight into the peer's
 * receive buffer, and the sender's send buffer only mirrors how much of
 * it the peer has not read yet, so sbspace() in the socket layer is the
 * flow control.  A datagram socket sends to a named or connected socket;
 * when the receiver is full the sender waits on the receiver's list.
 * Semantics follow Linux's AF_UNIX (errors, peer credentials, the
 * abstract namespace, ECONNRESET when a peer closes with unread data).
 */
#include <sys/domain.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/proc.h>
#include <sys/systm.h>

#include "unp_private.h"

static KMEM_TYPE_DEFINE(M_UNPCB, "local socket");
struct list_head unp_all = LIST_HEAD_INIT(unp_all);
kcondvar_t unp_backlog_cv;

/* Linux's default buffer sizes for local sockets (wmem/rmem_default). */
#define UNP_SNDBUF 212992
#define UNP_RCVBUF 212992

static bool unp_isstream(const struct socket *so)
{
	return so->so_type == SOCK_STREAM || so->so_type == SOCK_SEQPACKET;
}

static int unp_attach(struct socket *so, int proto)
{
	struct unpcb *unp;
	int error;

	if ((error = soreserve(so, UNP_SNDBUF, UNP_RCVBUF)) != 0)
		return error;
	if ((unp = kmem_zalloc(sizeof(*unp), &M_UNPCB)) == NULL)
		return ENOBUFS;
	unp->unp_socket = so;
	list_init(&unp->unp_refs);
	list_init(&unp->unp_waiters);
	list_push_back(&unp_all, &unp->unp_link);
	so->so_pcb = unp;
	return 0;
}

/* Stops waiting for room in another socket. */
static void unp_unwait(struct unpcb *unp)
{
	if (unp->unp_waiton != NULL) {
		list_remove(&unp->unp_waitlink);
		unp->unp_waiton = NULL;
	}
}

/* Wakes every sender waiting for room in unp's receive buffer. */
static void unp_wakewaiters(struct unpcb *unp)
{
	while (!list_empty(&unp->unp_waiters)) {
		struct unpcb *w = list_entry(unp->unp_waiters.n.next,
					     struct unpcb, unp_waitlink);
		unp_unwait(w);
		sowwakeup(w->unp_socket);
	}
}

/* Datagram: leaves the socket unp is connected to. */
static void unp_dgram_unlink(struct unpcb *unp)
{
	if (unp->unp_conn != NULL) {
		list_remove(&unp->unp_reflink);
		unp->unp_conn = NULL;
	}
}

/*
 * Breaks a connection.  reset: the peer sees ECONNRESET (we close with
 * data it sent unread, or we were an unaccepted connection).
 */
static void unp_disconnect(struct unpcb *unp, bool reset)
{
	struct unpcb *unp2 = unp->unp_conn;
	struct socket *so = unp->unp_socket;

	if (!unp_isstream(so)) {
		unp_dgram_unlink(unp);
		so->so_state &= ~SS_ISCONNECTED;
		return;
	}
	if (unp2 == NULL)
		return;
	unp->unp_conn = NULL;
	unp2->unp_conn = NULL;
	if (reset)
		unp2->unp_socket->so_error = ECONNRESET;
	soisdisconnected(so);
	soisdisconnected(unp2->unp_socket);
}

static void unp_free(struct unpcb *unp)
{
	struct socket *so = unp->unp_socket;

	/* Sockets connected to this datagram socket find it gone. */
	while (!list_empty(&unp->unp_refs)) {
		struct unpcb *ref = list_entry(unp->unp_refs.n.next,
					       struct unpcb, unp_reflink);
		unp_dgram_unlink(ref);
		sowwakeup(ref->unp_socket);
	}
	unp_wakewaiters(unp);
	unp_unwait(unp);
	unp_unbind(unp);
	list_remove(&unp->unp_link);
	so->so_pcb = NULL;
	kmem_free(unp, sizeof(*unp), &M_UNPCB);
}

static void unp_detach(struct socket *so)
{
	struct unpcb *unp = sotounpcb(so);

	if (so->so_options & SO_ACCEPTCONN)
		cv_broadcast(&unp_backlog_cv);
	unp_disconnect(unp, so->so_rcv.sb_cc > 0);
	unp_free(unp);
}

static void unp_abort(struct socket *so)
{
	struct unpcb *unp = sotounpcb(so);

	unp_disconnect(unp, true);
	unp_free(unp);
}

static int unp_accept(struct socket *so, struct sockaddr *nam)
{
	struct unpcb *unp = sotounpcb(so);

	/* Room in a listener's queue: connects waiting for it try again. */
	cv_broadcast(&unp_backlog_cv);
	unp_getaddr(unp->unp_conn, nam);
	return 0;
}

static int unp_usr_bind(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	return unp_bind(sotounpcb(so), nam);
}

static int unp_listen(struct socket *so, struct lwp *l)
{
	struct unpcb *unp = sotounpcb(so);

	if (unp->unp_addr == NULL)
		return EINVAL; /* Linux: no listening on an unbound socket */
	unp_setcred(&unp->unp_peercred);
	unp->unp_flags |= UNP_HAVEPCCRED;
	return 0;
}

/* Joins two stream blocks; so2 may be a fresh socket from sonewconn. */
static void unp_join(struct unpcb *unp, struct unpcb *unp2)
{
	unp->unp_conn = unp2;
	unp2->unp_conn = unp;
}

static int unp_connect_stream(struct socket *so, struct sockaddr *nam,
			      bool nbio)
{
	struct unpcb *unp = sotounpcb(so), *unp2;
	struct socket *so2, *so3;
	int error;

	for (;;) {
		unp->unp_flags |= UNP_CONNECTING;
		error = unp_find(nam, so->so_type, &unp2);
		unp->unp_flags &= ~UNP_CONNECTING;
		if (error != 0)
			return error;
		/* The lock may have been dropped: look at ourselves again. */
		if (so->so_state & SS_ISCONNECTED)
			return EISCONN;
		if (so->so_options & SO_ACCEPTCONN)
			return EINVAL;
		so2 = unp2->unp_socket;
		if (!(so2->so_options & SO_ACCEPTCONN) ||
		    (so2->so_state & SS_CANTRCVMORE))
			return ECONNREFUSED;
		if (so2->so_qlen + so2->so_q0len < so2->so_qlimit)
			break;
		/* The backlog is full: Linux waits, or EAGAIN. */
		if (nbio)
			return EAGAIN;
		if (so->so_snd.sb_timeo_ns < 0)
			return EAGAIN;
		/* Not on so2's own variable: so2 may close meanwhile.  The
		 * listener may never accept: interruptible. */
		if (so->so_snd.sb_timeo_ns == 0)
			error = cv_wait_sig(&unp_backlog_cv, &softnet_lock);
		else
			error = cv_timedwait_sig_ns(
				&unp_backlog_cv, &softnet_lock,
				(uint64_t)so->so_snd.sb_timeo_ns);
		if (error != 0)
			return error == EINTR ? EINTR : EAGAIN;
		/* so2 may be gone now: find it again. */
	}
	if ((so3 = sonewconn(so2, 0)) == NULL)
		return ENOBUFS;
	/* The accepted socket has the listener's name and credentials. */
	struct unpcb *unp3 = sotounpcb(so3);
	unp_join(unp, unp3);
	if (unp2->unp_addr != NULL) {
		/* Linux: getsockname of an accepted socket is the path. */
		struct sockaddr_storage ss;

		memset(&ss, 0, sizeof(ss));
		unp_getaddr(unp2, (struct sockaddr *)&ss);
		if (unp_setaddr(unp3, (struct sockaddr_un *)&ss) == 0)
			unp3->unp_flags |= UNP_NONAMESPACE;
	}
	unp_setcred(&unp3->unp_peercred);
	unp3->unp_flags |= UNP_HAVEPCCRED;
	unp->unp_peercred = unp2->unp_peercred;
	unp->unp_flags |= UNP_HAVEPCCRED;
	soisconnected(so3);
	soisconnected(so);
	return 0;
}

static int unp_connect_dgram(struct socket *so, struct sockaddr *nam)
{
	struct unpcb *unp = sotounpcb(so), *unp2;
	int error;

	if ((error = unp_find(nam, so->so_type, &unp2)) != 0)
		return error;
	unp_dgram_unlink(unp);
	unp->unp_conn = unp2;
	list_push_back(&unp2->unp_refs, &unp->unp_reflink);
	unp_setcred(&unp->unp_peercred);
	unp->unp_flags |= UNP_HAVEPCCRED;
	soisconnected(so);
	return 0;
}

static int unp_connect(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	if (unp_isstream(so))
		return unp_connect_stream(so, nam, so->so_state & SS_NBIO);
	return unp_connect_dgram(so, nam);
}

static int unp_connect2(struct socket *so, struct socket *so2)
{
	struct unpcb *unp = sotounpcb(so), *unp2 = sotounpcb(so2);

	if (so->so_type != so2->so_type)
		return EPROTOTYPE;
	unp_setcred(&unp->unp_peercred);
	unp2->unp_peercred = unp->unp_peercred;
	unp->unp_flags |= UNP_HAVEPCCRED;
	unp2->unp_flags |= UNP_HAVEPCCRED;
	if (unp_isstream(so)) {
		unp_join(unp, unp2);
	} else {
		unp->unp_conn = unp2;
		list_push_back(&unp2->unp_refs, &unp->unp_reflink);
		unp2->unp_conn = unp;
		list_push_back(&unp->unp_refs, &unp2->unp_reflink);
	}
	so->so_state |= SS_ISAPIPE;
	so2->so_state |= SS_ISAPIPE;
	soisconnected(so);
	soisconnected(so2);
	return 0;
}

static int unp_usr_disconnect(struct socket *so)
{
	/* Closing with data unread resets the peer (Linux). */
	unp_disconnect(sotounpcb(so), so->so_rcv.sb_cc > 0);
	return 0;
}

static int unp_shutdown(struct socket *so, int how)
{
	struct unpcb *unp2 = sotounpcb(so)->unp_conn;

	/* Linux tells a stream peer: our SHUT_WR is its end of file. */
	if (!unp_isstream(so) || unp2 == NULL)
		return 0;
	if (how != SHUT_RD)
		socantrcvmore(unp2->unp_socket);
	if (how != SHUT_WR)
		socantsendmore(unp2->unp_socket);
	return 0;
}

static int unp_peeraddr(struct socket *so, struct sockaddr *nam)
{
	struct unpcb *unp2 = sotounpcb(so)->unp_conn;

	if (unp2 == NULL)
		return ENOTCONN;
	unp_getaddr(unp2, nam);
	return 0;
}

static int unp_sockaddr(struct socket *so, struct sockaddr *nam)
{
	unp_getaddr(sotounpcb(so), nam);
	return 0;
}

/* The reader took data: the writer's mirror and the waiting senders. */
static int unp_rcvd(struct socket *so, int flags, struct lwp *l)
{
	struct unpcb *unp = sotounpcb(so), *unp2 = unp->unp_conn;

	if (unp_isstream(so)) {
		if (unp2 != NULL) {
			struct socket *so2 = unp2->unp_socket;

			so2->so_snd.sb_cc = so->so_rcv.sb_cc;
			so2->so_snd.sb_mbcnt = so->so_rcv.sb_mbcnt;
			sowwakeup(so2);
		}
	} else
		unp_wakewaiters(unp);
	return 0;
}

static int unp_send_stream(struct socket *so, struct mbuf *m,
			   struct sockaddr *nam, struct mbuf *control)
{
	struct unpcb *unp = sotounpcb(so), *unp2 = unp->unp_conn;
	struct socket *so2;
	bool internal = false;
	int error;

	if (nam != NULL) {
		error = (so->so_state & SS_ISCONNECTED) ? EISCONN : EOPNOTSUPP;
		goto drop;
	}
	if (unp2 == NULL) {
		error = EPIPE;
		goto drop;
	}
	so2 = unp2->unp_socket;
	if (so2->so_state & SS_CANTRCVMORE) {
		error = EPIPE;
		goto drop;
	}
	if (control != NULL && (error = unp_internalize(&control)) != 0)
		goto drop;
	internal = true;
	if (so->so_type == SOCK_SEQPACKET || control != NULL) {
		/* A record: a message, or data with its rights. */
		struct mbuf *rec = m;

		if (rec == NULL && (rec = m_get(M_NOWAIT, MT_DATA)) == NULL) {
			error = ENOBUFS;
			goto drop;
		}
		if (control != NULL) {
			struct mbuf *c = control;

			while (c->m_next != NULL)
				c = c->m_next;
			c->m_next = rec;
			rec = control;
			control = NULL;
		}
		sbappendrecord(&so2->so_rcv, rec);
	} else
		sbappendstream(&so2->so_rcv, m);
	so->so_snd.sb_cc = so2->so_rcv.sb_cc;
	so->so_snd.sb_mbcnt = so2->so_rcv.sb_mbcnt;
	sorwakeup(so2);
	return 0;
drop:
	m_freem(m);
	if (control != NULL && internal)
		unp_dispose(control);
	else
		m_freem(control);
	return error;
}

static int unp_send_dgram(struct socket *so, struct mbuf *m,
			  struct sockaddr *nam, struct mbuf *control)
{
	struct unpcb *unp = sotounpcb(so), *unp2;
	struct sockaddr_storage from;
	struct socket *so2;
	bool internal = false;
	long need = 0;
	int error;

	if (nam != NULL) {
		if ((error = unp_find(nam, so->so_type, &unp2)) != 0)
			goto drop;
	} else if ((unp2 = unp->unp_conn) == NULL) {
		error = (so->so_state & SS_ISCONNECTED) ? ECONNREFUSED
							: ENOTCONN;
		goto drop;
	}
	/* Linux: a socket connected elsewhere takes nothing from us. */
	if (unp2->unp_conn != NULL && unp2->unp_conn != unp && unp2 != unp) {
		error = EPERM;
		goto drop;
	}
	so2 = unp2->unp_socket;
	if (so2->so_state & SS_CANTRCVMORE) {
		error = EPIPE;
		goto drop;
	}
	if (m != NULL)
		need += m_length(m);
	for (struct mbuf *c = control; c != NULL; c = c->m_next)
		need += c->m_len;
	if (sbspace(&so2->so_rcv) < need + MSIZE) {
		if (need + MSIZE > (long)so2->so_rcv.sb_hiwat) {
			error = ENOBUFS; /* never fits */
			goto drop;
		}
		/* Wait (the socket layer does) until unp2 reads. */
		unp_unwait(unp);
		unp->unp_waiton = unp2;
		list_push_back(&unp2->unp_waiters, &unp->unp_waitlink);
		return EWOULDBLOCK;
	}
	if (control != NULL && (error = unp_internalize(&control)) != 0)
		goto drop;
	internal = true;
	memset(&from, 0, sizeof(from));
	unp_getaddr(unp, (struct sockaddr *)&from);
	if (!sbappendaddr(&so2->so_rcv, (struct sockaddr *)&from, m, control)) {
		error = ENOBUFS;
		goto drop;
	}
	sorwakeup(so2);
	return 0;
drop:
	m_freem(m);
	if (control != NULL && internal)
		unp_dispose(control);
	else
		m_freem(control);
	return error;
}

static int unp_send(struct socket *so, struct mbuf *m, struct sockaddr *nam,
		    struct mbuf *control, struct lwp *l)
{
	if (unp_isstream(so))
		return unp_send_stream(so, m, nam, control);
	return unp_send_dgram(so, m, nam, control);
}

static int unp_ctloutput(int op, struct socket *so, struct sockopt *sopt)
{
	struct unpcb *unp = sotounpcb(so);
	struct ucred none = {0, 65534, 65534}; /* Linux's overflow ids */

	if (sopt->sopt_level != SOL_SOCKET)
		return EOPNOTSUPP; /* Linux: local sockets have no levels */
	if (op == PRCO_SETOPT)
		return 0; /* the socket layer handled it */
	if (sopt->sopt_name != SO_PEERCRED)
		return ENOPROTOOPT;
	if (!(unp->unp_flags & UNP_HAVEPCCRED))
		return sockopt_set(sopt, &none, sizeof(none));
	return sockopt_set(sopt, &unp->unp_peercred, sizeof(unp->unp_peercred));
}

static int unp_ioctl(struct socket *so, unsigned long cmd, void *data,
		     struct ifnet *ifp)
{
	return ENOTTY;
}

static const struct pr_usrreqs unp_usrreqs = {
	.pr_attach = unp_attach,
	.pr_detach = unp_detach,
	.pr_accept = unp_accept,
	.pr_bind = unp_usr_bind,
	.pr_listen = unp_listen,
	.pr_connect = unp_connect,
	.pr_connect2 = unp_connect2,
	.pr_disconnect = unp_usr_disconnect,
	.pr_shutdown = unp_shutdown,
	.pr_abort = unp_abort,
	.pr_ioctl = unp_ioctl,
	.pr_peeraddr = unp_peeraddr,
	.pr_sockaddr = unp_sockaddr,
	.pr_rcvd = unp_rcvd,
	.pr_send = unp_send,
	.pr_ctloutput = unp_ctloutput,
};

static const struct protosw unixsw[] = {
	{
		.pr_type = SOCK_STREAM,
		.pr_domain = &unixdomain,
		.pr_protocol = PF_LOCAL,
		.pr_flags = PR_CONNREQUIRED | PR_WANTRCVD | PR_RIGHTS |
			    PR_LISTEN | PR_SHUTANY,
		.pr_usrreqs = &unp_usrreqs,
	},
	{
		.pr_type = SOCK_SEQPACKET,
		.pr_domain = &unixdomain,
		.pr_protocol = PF_LOCAL,
		.pr_flags = PR_ATOMIC | PR_CONNREQUIRED | PR_WANTRCVD |
			    PR_RIGHTS | PR_LISTEN | PR_SHUTANY,
		.pr_usrreqs = &unp_usrreqs,
	},
	{
		.pr_type = SOCK_DGRAM,
		.pr_domain = &unixdomain,
		.pr_protocol = PF_LOCAL,
		.pr_flags = PR_ATOMIC | PR_ADDR | PR_WANTRCVD | PR_RIGHTS,
		.pr_usrreqs = &unp_usrreqs,
	},
};

struct domain unixdomain = {
	.dom_family = AF_LOCAL,
	.dom_name = "local",
	.dom_protosw = unixsw,
	.dom_nprotosw = sizeof(unixsw) / sizeof(unixsw[0]),
	.dom_externalize = unp_externalize,
	.dom_dispose = unp_dispose,
};
