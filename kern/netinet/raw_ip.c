/*
 * raw_ip.c -- raw IP sockets (SOCK_RAW): every datagram of the socket's
 * protocol that reaches rip_input is copied, IP header included, to each
 * raw socket whose addresses match; what a raw socket sends gets an IP
 * header in front unless IP_HDRINCL says the caller wrote one (IPPROTO_RAW
 * implies it).  ICMP sockets of this kind are what ping uses.  A datagram
 * for a protocol no one handles gets a protocol unreachable.
 * softnet_lock held.
 */
#include <net/if.h>
#include <netinet/icmp_var.h>
#include <netinet/in_pcb.h>
#include <netinet/in_proto.h>
#include <netinet/in_var.h>
#include <netinet/ip_var.h>
#include <sys/abi.h>
#include <sys/errno.h>
#include <sys/mbuf.h>
#include <sys/protosw.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

struct inpcbtable ripcbtable;
#define RIP_SENDSPACE 65536
#define RIP_RECVSPACE 212992

static void rip_append(struct inpcb *inp, struct mbuf *m,
		       const struct sockaddr_in *from)
{
	struct socket *so = inp->inp_socket;

	if (so == NULL ||
	    sbappendaddr(&so->so_rcv, (const struct sockaddr *)from, m, NULL) ==
		    0) {
		m_freem(m);
		return;
	}
	sorwakeup(so);
}

void rip_input(struct mbuf *m, int off, int proto)
{
	struct ip *ip = mtod(m, struct ip *);
	struct sockaddr_in from = {.sin_len = sizeof(from),
				   .sin_family = AF_INET,
				   .sin_addr = ip->ip_src};
	struct inpcb *last = NULL;

	KASSERT(mutex_owned(&softnet_lock));
	list_foreach(it, &ripcbtable.inpt_queue)
	{
		struct inpcb *inp = list_entry(it, struct inpcb, inp_list);

		if (inp->inp_ip.ip_p != proto)
			continue;
		if (inp->inp_laddr.s_addr != INADDR_ANY &&
		    inp->inp_laddr.s_addr != ip->ip_dst.s_addr)
			continue;
		if (inp->inp_faddr.s_addr != INADDR_ANY &&
		    inp->inp_faddr.s_addr != ip->ip_src.s_addr)
			continue;
		if (last != NULL) {
			struct mbuf *n = m_copym(m, 0, M_COPYALL, M_NOWAIT);
			if (n != NULL)
				rip_append(last, n, &from);
		}
		last = inp;
	}
	if (last != NULL) {
		rip_append(last, m, &from);
		return;
	}
	if (proto == IPPROTO_ICMP) {
		m_freem(m); /* icmp_input handles it */
		return;
	}
	/* No protocol and no raw socket for it. */
	ipstat.ips_noproto++;
	ipstat.ips_delivered--;
	icmp_error(m, ICMP_UNREACH, ICMP_UNREACH_PROTOCOL, 0);
}

static int rip_output(struct inpcb *inp, struct mbuf *m,
		      const struct sockaddr_in *sin)
{
	struct socket *so = inp->inp_socket;
	struct in_addr dst;
	struct ip *ip;
	int flags = 0;

	if (sin != NULL) {
		if (sin->sin_len < sizeof(*sin) ||
		    (sin->sin_family != AF_INET &&
		     sin->sin_family != AF_UNSPEC)) {
			m_freem(m);
			return sin->sin_len < sizeof(*sin) ? EINVAL
							   : EAFNOSUPPORT;
		}
		dst = sin->sin_addr;
	} else if (inp->inp_faddr.s_addr != INADDR_ANY)
		dst = inp->inp_faddr;
	else {
		m_freem(m);
		return EDESTADDRREQ;
	}
	if (so->so_options & SO_DONTROUTE)
		flags |= IP_ROUTETOIF;
	if (so->so_options & SO_BROADCAST)
		flags |= IP_ALLOWBROADCAST;
	if (inp->inp_flags & INP_HDRINCL) {
		int hlen;

		if (m->m_pkthdr.len < (int)sizeof(struct ip) ||
		    m->m_pkthdr.len > IP_MAXPACKET) {
			m_freem(m);
			return EINVAL;
		}
		if (m->m_len < (int)sizeof(struct ip) &&
		    (m = m_pullup(m, sizeof(struct ip))) == NULL)
			return ENOBUFS;
		ip = mtod(m, struct ip *);
		hlen = ip->ip_hl << 2;
		if (ip->ip_v != IPVERSION || hlen < (int)sizeof(struct ip) ||
		    hlen > m->m_pkthdr.len) {
			m_freem(m);
			return EINVAL;
		}
		/* Linux: the kernel fills the length, checksum, source. */
		if (sin != NULL)
			ip->ip_dst = dst;
		return ip_output(m, NULL, flags | IP_RAWOUTPUT,
				 inp->inp_moptions);
	}
	if (m->m_pkthdr.len + (int)sizeof(struct ip) > IP_MAXPACKET) {
		m_freem(m);
		return EMSGSIZE;
	}
	m = if_prepend(m, sizeof(struct ip));
	if (m == NULL)
		return ENOBUFS;
	ip = mtod(m, struct ip *);
	memset(ip, 0, sizeof(*ip));
	ip->ip_p = inp->inp_ip.ip_p;
	ip->ip_ttl = inp->inp_ip.ip_ttl;
	ip->ip_tos = inp->inp_ip.ip_tos;
	ip->ip_src = inp->inp_laddr;
	ip->ip_dst = dst;
	return ip_output(m, sin == NULL ? &inp->inp_route : NULL, flags,
			 inp->inp_moptions);
}

static int rip_attach(struct socket *so, int proto)
{
	struct inpcb *inp;
	int error;

	if (proto <= 0 || proto >= IPPROTO_MAX)
		return EPROTONOSUPPORT;
	error = soreserve(so, RIP_SENDSPACE, RIP_RECVSPACE);
	if (error != 0)
		return error;
	error = in_pcballoc(so, &ripcbtable);
	if (error != 0)
		return error;
	inp = sotoinpcb(so);
	inp->inp_ip.ip_p = (uint8_t)proto;
	if (proto == IPPROTO_RAW)
		inp->inp_flags |= INP_HDRINCL;
	return 0;
}

static void rip_detach(struct socket *so)
{
	struct inpcb *inp = sotoinpcb(so);

	if (inp != NULL)
		in_pcbdetach(inp);
}

/* Raw sockets bind an address only: no ports, no hash. */
static int rip_bind(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)nam;
	struct inpcb *inp = sotoinpcb(so);

	if (sin->sin_len < sizeof(*sin))
		return EINVAL;
	if (sin->sin_family != AF_INET)
		return EAFNOSUPPORT;
	if (sin->sin_addr.s_addr != INADDR_ANY && !in_local(sin->sin_addr) &&
	    !in_multicast(sin->sin_addr))
		return EADDRNOTAVAIL;
	inp->inp_laddr = sin->sin_addr;
	so->so_state |= SS_ISBOUND;
	return 0;
}

static int rip_connect(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)nam;
	struct inpcb *inp = sotoinpcb(so);

	if (sin->sin_len < sizeof(*sin))
		return EINVAL;
	if (sin->sin_family != AF_INET)
		return EAFNOSUPPORT;
	/* Raw PCBs stay unhashed (INP_ATTACHED): faddr says connected. */
	inp->inp_faddr = sin->sin_addr;
	if (inp->inp_faddr.s_addr == INADDR_ANY)
		inp->inp_faddr.s_addr = htonl(INADDR_LOOPBACK);
	rtcache_free(&inp->inp_route);
	soisconnected(so);
	return 0;
}

static int rip_disconnect(struct socket *so)
{
	struct inpcb *inp = sotoinpcb(so);

	if (inp->inp_faddr.s_addr == INADDR_ANY)
		return ENOTCONN;
	inp->inp_faddr.s_addr = INADDR_ANY;
	rtcache_free(&inp->inp_route);
	so->so_state &= ~SS_ISCONNECTED;
	return 0;
}

static void rip_abort(struct socket *so)
{
	soisdisconnected(so);
	rip_detach(so);
}

static int rip_send(struct socket *so, struct mbuf *m, struct sockaddr *nam,
		    struct mbuf *control, struct lwp *l)
{
	int error = in_dgram_sendmbuf(&m, control);

	if (error != 0)
		return error;
	return rip_output(sotoinpcb(so), m, (struct sockaddr_in *)nam);
}

static int rip_peeraddr(struct socket *so, struct sockaddr *nam)
{
	struct inpcb *inp = sotoinpcb(so);

	if (inp->inp_faddr.s_addr == INADDR_ANY)
		return ENOTCONN;
	in_setpeeraddr(inp, (struct sockaddr_in *)nam);
	return 0;
}

const struct pr_usrreqs rip_usrreqs = {
	.pr_attach = rip_attach,
	.pr_detach = rip_detach,
	.pr_bind = rip_bind,
	.pr_connect = rip_connect,
	.pr_disconnect = rip_disconnect,
	.pr_shutdown = in_dgram_shutdown,
	.pr_abort = rip_abort,
	.pr_ioctl = in_control,
	.pr_peeraddr = rip_peeraddr,
	.pr_sockaddr = inet_sockaddr,
	.pr_send = rip_send,
	.pr_ctloutput = ip_ctloutput,
};

int rip_init(void)
{
	return in_pcbinit(&ripcbtable, 16);
}

void rip_fini(void)
{
	in_pcbfini(&ripcbtable);
}
