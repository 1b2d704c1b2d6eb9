/*
 * uipc_socket.c -- the socket layer's operations on a socket as a whole:
 * create, close (with SO_LINGER), bind, listen, connect (blocking and
 * not), socketpair's connect2, accept, shutdown and the addresses.  Each
 * takes softnet_lock, asks the protocol through its user requests and
 * waits on the socket's condition variables where a call must wait.
 */
#include <sys/domain.h>
#include <sys/errno.h>
#include <sys/proc.h>
#include <sys/systm.h>
#include <sys/time.h>

#include "net_private.h"

int socreate(int family, struct socket **sop, int type, int proto,
	     struct lwp *l)
{
	const struct protosw *pr;
	struct socket *so;
	int error;

	solock();
	pr = pffindproto(family, type, proto);
	if (pr == NULL) {
		error = pffind_error(family, type, proto);
		sounlock();
		return error;
	}
	if ((error = soalloc(pr, type, &so)) != 0) {
		sounlock();
		return error;
	}
	error = pr->pr_usrreqs->pr_attach(so, proto);
	if (error != 0) {
		KASSERT(so->so_pcb == NULL);
		sbflush(&so->so_snd);
		sbflush(&so->so_rcv);
		sounlock();
		sodealloc(so);
		return error;
	}
	sounlock();
	*sop = so;
	return 0;
}

/* Waits on so_cv for at most timeo_ns (0: for ever); EWOULDBLOCK after. */
static int sowait(struct socket *so, int64_t timeo_ns)
{
	return softnet_sleep(&so->so_cv, timeo_ns, true);
}

/* Drops every connection waiting on listener head's queues. */
static void so_dropqueues(struct socket *head)
{
	struct list_head *queues[2] = {&head->so_q0, &head->so_q};

	for (int i = 0; i < 2; i++) {
		while (!list_empty(queues[i])) {
			struct socket *so = list_entry(queues[i]->n.next,
						       struct socket, so_qe);
			soqremque(so);
			soabort(so);
		}
	}
}

int soclose(struct socket *so)
{
	const struct pr_usrreqs *pru = so->so_proto->pr_usrreqs;

	solock();
	if (so->so_options & SO_ACCEPTCONN)
		so_dropqueues(so);
	if (so->so_pcb != NULL) {
		if ((so->so_state & SS_ISCONNECTED) &&
		    !(so->so_state & SS_ISDISCONNECTING) &&
		    pru->pr_disconnect != NULL) {
			(void)pru->pr_disconnect(so);
			if ((so->so_options & SO_LINGER) && so->so_linger > 0) {
				int64_t left =
					(int64_t)so->so_linger * 1000000000;
				uint64_t start = getnsmono();

				while ((so->so_state & SS_ISCONNECTED) &&
				       so->so_pcb != NULL) {
					int64_t spent =
						(int64_t)(getnsmono() - start);
					if (spent >= left ||
					    sowait(so, left - spent) != 0)
						break;
				}
			}
		}
		if (so->so_pcb != NULL)
			pru->pr_detach(so);
	}
	so->so_state |= SS_NOFDREF;
	sofree(so);
	sounlock();
	return 0;
}

int sobind(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	int error;

	solock();
	/* A connection its protocol dropped before accept has no block. */
	if (so->so_pcb == NULL)
		error = EINVAL;
	else
		error = so->so_proto->pr_usrreqs->pr_bind(so, nam, l);
	sounlock();
	return error;
}

int solisten(struct socket *so, int backlog, struct lwp *l)
{
	const struct pr_usrreqs *pru = so->so_proto->pr_usrreqs;
	int error;

	solock();
	if (pru->pr_listen == NULL || !(so->so_proto->pr_flags & PR_LISTEN)) {
		error = EOPNOTSUPP;
		goto out;
	}
	if ((so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING)) ||
	    so->so_pcb == NULL) {
		error = EINVAL;
		goto out;
	}
	/* Linux: a negative or too large backlog is the maximum. */
	if (backlog < 0 || backlog > SOMAXCONN)
		backlog = SOMAXCONN;
	if ((error = pru->pr_listen(so, l)) != 0)
		goto out;
	so->so_options |= SO_ACCEPTCONN;
	/* Linux queues one connection more than the backlog. */
	so->so_qlimit = backlog + 1;
	/* A listener that was shut down for reading accepts again. */
	so->so_state &= ~SS_CANTRCVMORE;
out:
	sounlock();
	return error;
}

int soconnect(struct socket *so, struct sockaddr *nam, bool nbio, struct lwp *l)
{
	const struct pr_usrreqs *pru = so->so_proto->pr_usrreqs;
	bool connreq = so->so_proto->pr_flags & PR_CONNREQUIRED;
	int error;

	solock();
	if (so->so_options & SO_ACCEPTCONN) {
		error = connreq ? EINVAL : EOPNOTSUPP;
		goto out;
	}
	if (so->so_pcb == NULL) {
		error = ECONNABORTED;
		goto out;
	}
	if (connreq && (so->so_state & SS_ISCONNECTED)) {
		error = EISCONN;
		goto out;
	}
	if (connreq && (so->so_state & SS_ISCONNECTING)) {
		error = EALREADY;
		goto out;
	}
	if (!connreq && nam->sa_len >= SOCKADDR_HDRLEN &&
	    nam->sa_family == AF_UNSPEC) {
		/* Datagram sockets: AF_UNSPEC dissolves the association. */
		error = pru->pr_disconnect != NULL ? pru->pr_disconnect(so) : 0;
		goto out;
	}
	so->so_error = 0;
	if (nbio)
		so->so_state |= SS_NBIO;
	else
		so->so_state &= ~SS_NBIO;
	if ((error = pru->pr_connect(so, nam, l)) != 0)
		goto out;
	if ((so->so_state & SS_ISCONNECTING) && nbio) {
		error = EINPROGRESS;
		goto out;
	}
	while ((so->so_state & SS_ISCONNECTING) && so->so_error == 0) {
		if ((error = sowait(so, so->so_snd.sb_timeo_ns)) != 0) {
			/* Linux, after SO_SNDTIMEO */
			if (error != EINTR)
				error = EINPROGRESS;
			goto out;
		}
	}
	if (so->so_error != 0) {
		error = so->so_error;
		so->so_error = 0;
	}
out:
	sounlock();
	return error;
}

int soconnect2(struct socket *so1, struct socket *so2)
{
	const struct pr_usrreqs *pru = so1->so_proto->pr_usrreqs;
	int error;

	solock();
	error = pru->pr_connect2 != NULL ? pru->pr_connect2(so1, so2)
					 : EOPNOTSUPP;
	sounlock();
	return error;
}

int soaccept_next(struct socket *head, bool nbio, struct socket **sop,
		  struct sockaddr *nam)
{
	struct socket *so;
	int error = 0;

	if (!(head->so_proto->pr_flags & PR_LISTEN))
		return EOPNOTSUPP; /* Linux: datagram sockets do not accept */
	solock();
	for (;;) {
		if (!(head->so_options & SO_ACCEPTCONN) ||
		    (head->so_state & SS_CANTRCVMORE)) {
			error = EINVAL;
			goto out;
		}
		if (head->so_error != 0) {
			error = head->so_error;
			head->so_error = 0;
			goto out;
		}
		if (head->so_qlen > 0)
			break;
		if (nbio) {
			error = EWOULDBLOCK;
			goto out;
		}
		if ((error = sbwait(&head->so_rcv)) != 0)
			goto out;
	}
	so = list_entry(head->so_q.n.next, struct socket, so_qe);
	soqremque(so);
	so->so_state &= ~SS_NOFDREF;
	/* Room in the queue again: a local connect may be waiting. */
	cv_broadcast(&head->so_cv);
	sowwakeup(head);
	/* A connection dropped meanwhile is still handed out: reads tell. */
	if (so->so_pcb != NULL)
		(void)so->so_proto->pr_usrreqs->pr_accept(so, nam);
	*sop = so;
out:
	sounlock();
	return error;
}

int soshutdown(struct socket *so, int how)
{
	const struct pr_usrreqs *pru = so->so_proto->pr_usrreqs;
	int error = 0;

	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return EINVAL;
	solock();
	if ((so->so_proto->pr_flags & (PR_CONNREQUIRED | PR_SHUTANY)) ==
		    PR_CONNREQUIRED &&
	    !(so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING)) &&
	    !(so->so_options & SO_ACCEPTCONN)) {
		error = ENOTCONN;
		goto out;
	}
	if (how != SHUT_WR)
		socantrcvmore(so);
	if (how != SHUT_RD)
		socantsendmore(so);
	if (pru->pr_shutdown != NULL && so->so_pcb != NULL)
		error = pru->pr_shutdown(so, how);
out:
	sounlock();
	return error;
}

int sogetaddr(struct socket *so, bool peer, struct sockaddr_storage *ss)
{
	const struct pr_usrreqs *pru = so->so_proto->pr_usrreqs;
	int error;

	memset(ss, 0, sizeof(*ss));
	solock();
	if (so->so_pcb == NULL)
		error = peer ? ENOTCONN : EINVAL;
	else if (peer && (so->so_proto->pr_flags & PR_CONNREQUIRED) &&
		 !(so->so_state & SS_ISCONNECTED))
		error = ENOTCONN;
	else if (peer)
		error = pru->pr_peeraddr(so, (struct sockaddr *)ss);
	else
		error = pru->pr_sockaddr(so, (struct sockaddr *)ss);
	sounlock();
	return error;
}
