/*
 * route_sock.c -- the routing socket, socket(PF_ROUTE, SOCK_RAW, 0): the
 * PF_ROUTE domain and its one protocol.  A write is one request message,
 * carried out at once (route_req.c) and answered on the writer's own
 * socket; every open routing socket hears of changes to routes,
 * addresses and interfaces (route_msg.c).  Each socket's receive buffer
 * bounds what waits for a slow reader: a message that does not fit is
 * dropped and the reader told with ENOBUFS.  softnet_lock held.
 */
#include <sys/abi.h>
#include <sys/domain.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/mbuf.h>
#include <sys/proc.h>
#include <sys/protosw.h>
#include <sys/systm.h>

#include "route_sock.h"

static KMEM_TYPE_DEFINE(M_RTSOCK, "rtsock");

/* A routing socket's control block. */
struct rtsock_pcb {
	struct list_node rp_node; /* on rtsock_pcbs */
	struct socket *rp_socket;
	uint64_t rp_drops; /* messages that did not fit */
};

static struct list_head rtsock_pcbs = LIST_HEAD_INIT(rtsock_pcbs);
struct rtsock_origin rtsock_origin;

/* Requests are small; the send buffer only bounds one write. */
#define RTSOCK_SENDSPACE 8192
#define RTSOCK_RECVSPACE 65536

bool rtsock_any(void)
{
	return !list_empty(&rtsock_pcbs);
}

void rtsock_deliver(struct socket *so, const void *msg, size_t len)
{
	struct rtsock_pcb *rp = so->so_pcb;
	struct mbuf *m;

	KASSERT(mutex_owned(&softnet_lock));
	if (rp == NULL || (so->so_state & SS_CANTRCVMORE))
		return;
	m = m_devget(msg, (int)len, NULL);
	if (m == NULL || sbappendaddr(&so->so_rcv, NULL, m, NULL) == 0) {
		m_freem(m);
		rp->rp_drops++;
		/* The reader has lost a message: tell it once (BSD). */
		so->so_error = ENOBUFS;
	}
	sorwakeup(so);
}

void rtsock_broadcast(const void *msg, size_t len, struct socket *skip)
{
	list_foreach(it, &rtsock_pcbs)
	{
		struct rtsock_pcb *rp =
			list_entry(it, struct rtsock_pcb, rp_node);

		if (rp->rp_socket != skip)
			rtsock_deliver(rp->rp_socket, msg, len);
	}
}

void rtsock_notify(void *msg, size_t len)
{
	struct rump_rt_msghdr *rtm = msg;

	/* Only route messages carry a pid and sequence number. */
	if (rtsock_origin.ro_so != NULL && len >= sizeof(*rtm) &&
	    (rtm->rtm_type == RUMP_RTM_ADD ||
	     rtm->rtm_type == RUMP_RTM_DELETE ||
	     rtm->rtm_type == RUMP_RTM_CHANGE)) {
		rtm->rtm_pid = rtsock_origin.ro_pid;
		rtm->rtm_seq = rtsock_origin.ro_seq;
	}
	rtsock_broadcast(msg, len, rtsock_origin.ro_so);
}

static int rtsock_attach(struct socket *so, int proto)
{
	struct rtsock_pcb *rp;
	int error;

	/* The protocol names the address family to hear of: IPv4 only. */
	if (proto != 0 && proto != AF_INET)
		return EPROTONOSUPPORT;
	error = soreserve(so, RTSOCK_SENDSPACE, RTSOCK_RECVSPACE);
	if (error != 0)
		return error;
	rp = kmem_zalloc(sizeof(*rp), &M_RTSOCK);
	if (rp == NULL)
		return ENOBUFS;
	rp->rp_socket = so;
	list_push_back(&rtsock_pcbs, &rp->rp_node);
	so->so_pcb = rp;
	return 0;
}

static void rtsock_detach(struct socket *so)
{
	struct rtsock_pcb *rp = so->so_pcb;

	if (rp == NULL)
		return;
	list_remove(&rp->rp_node);
	so->so_pcb = NULL;
	kmem_free(rp, sizeof(*rp), &M_RTSOCK);
}

static void rtsock_abort(struct socket *so)
{
	soisdisconnected(so);
	rtsock_detach(so);
}

static int rtsock_notsupp_addr(struct socket *so, struct sockaddr *nam,
			       struct lwp *l)
{
	return EOPNOTSUPP;
}

static int rtsock_disconnect(struct socket *so)
{
	return EOPNOTSUPP;
}

/* Routing sockets have no addresses; the family alone answers. */
static int rtsock_sockaddr(struct socket *so, struct sockaddr *nam)
{
	nam->sa_len = SOCKADDR_HDRLEN;
	nam->sa_family = AF_ROUTE;
	return 0;
}

static int rtsock_ioctl(struct socket *so, unsigned long cmd, void *data,
			struct ifnet *ifp)
{
	return ENOTTY;
}

/* One write, one request: copied out of the chain and carried out. */
static int rtsock_send(struct socket *so, struct mbuf *m, struct sockaddr *nam,
		       struct mbuf *control, struct lwp *l)
{
	int len = m != NULL ? m_length(m) : 0;
	void *msg;
	int error;

	m_freem(control);
	if (len < (int)sizeof(struct rump_rt_msghdr)) {
		m_freem(m);
		return EINVAL;
	}
	msg = kmem_alloc((size_t)len, &M_TEMP);
	if (msg == NULL) {
		m_freem(m);
		return ENOBUFS;
	}
	m_copydata(m, 0, len, msg);
	m_freem(m);
	error = rtsock_request(so, msg, (size_t)len);
	kmem_free(msg, (size_t)len, &M_TEMP);
	return error;
}

static int rtsock_shutdown(struct socket *so, int how)
{
	return 0;
}

static int rtsock_ctloutput(int op, struct socket *so, struct sockopt *sopt)
{
	return ENOPROTOOPT; /* SOL_SOCKET's are the socket layer's */
}

static const struct pr_usrreqs rtsock_usrreqs = {
	.pr_attach = rtsock_attach,
	.pr_detach = rtsock_detach,
	.pr_bind = rtsock_notsupp_addr,
	.pr_connect = rtsock_notsupp_addr,
	.pr_disconnect = rtsock_disconnect,
	.pr_shutdown = rtsock_shutdown,
	.pr_abort = rtsock_abort,
	.pr_ioctl = rtsock_ioctl,
	.pr_peeraddr = rtsock_sockaddr,
	.pr_sockaddr = rtsock_sockaddr,
	.pr_send = rtsock_send,
	.pr_ctloutput = rtsock_ctloutput,
};

extern struct domain routedomain;

/* Protocol 0 and AF_INET name the same thing: there is only IPv4. */
static const struct protosw routesw[] = {
	{
		.pr_type = SOCK_RAW,
		.pr_domain = &routedomain,
		.pr_protocol = 0,
		.pr_flags = PR_ATOMIC,
		.pr_usrreqs = &rtsock_usrreqs,
	},
	{
		.pr_type = SOCK_RAW,
		.pr_domain = &routedomain,
		.pr_protocol = AF_INET,
		.pr_flags = PR_ATOMIC,
		.pr_usrreqs = &rtsock_usrreqs,
	},
};

struct domain routedomain = {
	.dom_family = AF_ROUTE,
	.dom_name = "route",
	.dom_protosw = routesw,
	.dom_nprotosw = __arraycount(routesw),
};

int rtsock_init(void)
{
	return domain_attach(&routedomain);
}

void rtsock_fini(void)
{
	domain_detach(&routedomain);
}
