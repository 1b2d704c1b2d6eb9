/*
 * ip_icmp_sock.c -- ICMP datagram sockets (SOCK_DGRAM, IPPROTO_ICMP),
 * Linux's unprivileged "ping sockets".  The socket's local port is its
 * ICMP identifier: sending takes an echo request (type 8, code 0, at
 * least the 8-byte header), stamps the identifier and checksum and adds
 * the IP header; echo replies carrying the identifier come back without
 * their IP header, from the replying address.  softnet_lock held.
 */
#include <net/if.h>
#include <netinet/icmp_var.h>
#include <netinet/in_cksum.h>
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

struct inpcbtable icmpsocktable;
#define PING_SENDSPACE 65536
#define PING_RECVSPACE 212992

void icmp_echoreply_input(struct mbuf *m, int hlen, int icmplen)
{
	struct ip *ip = mtod(m, struct ip *);
	struct icmp *icp = (struct icmp *)(mtod(m, char *) + hlen);
	struct sockaddr_in from = {.sin_len = sizeof(from),
				   .sin_family = AF_INET,
				   .sin_addr = ip->ip_src};
	struct inpcb *inp = NULL;

	/* Ping sockets are few: a scan (their peer port is not hashed). */
	list_foreach(it, &icmpsocktable.inpt_queue)
	{
		struct inpcb *c = list_entry(it, struct inpcb, inp_list);
		if (c->inp_lport == icp->icmp_id &&
		    c->inp_state != INP_ATTACHED &&
		    (c->inp_laddr.s_addr == INADDR_ANY ||
		     c->inp_laddr.s_addr == ip->ip_dst.s_addr) &&
		    (c->inp_faddr.s_addr == INADDR_ANY ||
		     c->inp_faddr.s_addr == ip->ip_src.s_addr)) {
			inp = c;
			break;
		}
	}
	if (inp == NULL || inp->inp_socket == NULL) {
		m_freem(m);
		return;
	}
	m_adj(m, hlen);
	if (sbappendaddr(&inp->inp_socket->so_rcv,
			 (const struct sockaddr *)&from, m, NULL) == 0) {
		m_freem(m);
		return;
	}
	sorwakeup(inp->inp_socket);
}

static int ping_output(struct inpcb *inp, struct mbuf *m,
		       const struct sockaddr_in *sin)
{
	struct route tmp = {0}, *ro = &inp->inp_route;
	struct in_addr dst, src;
	struct icmp *icp;
	struct ip *ip;
	int error, len = m->m_pkthdr.len;

	if (sin != NULL) {
		if (sin->sin_len < sizeof(*sin)) {
			error = EINVAL;
			goto bad;
		}
		if (sin->sin_family != AF_INET) {
			error = EAFNOSUPPORT;
			goto bad;
		}
		dst = sin->sin_addr;
		ro = &tmp;
	} else if (inp->inp_state == INP_CONNECTED)
		dst = inp->inp_faddr;
	else {
		error = EDESTADDRREQ;
		goto bad;
	}
	if (len < ICMP_MINLEN || len + (int)sizeof(struct ip) > IP_MAXPACKET) {
		error = EINVAL;
		goto bad;
	}
	if (inp->inp_state == INP_ATTACHED &&
	    (error = in_pcbbind(inp, NULL, NULL)) != 0)
		goto bad;
	src = inp->inp_laddr;
	if (src.s_addr == INADDR_ANY) {
		struct route save = inp->inp_route;
		inp->inp_route = tmp;
		error = in_pcbsrcaddr(inp, dst, &src);
		tmp = inp->inp_route;
		inp->inp_route = save;
		if (error != 0)
			goto bad;
	}
	m = if_prepend(m, sizeof(struct ip));
	if (m == NULL) {
		error = ENOBUFS;
		goto out;
	}
	if (m->m_len < (int)sizeof(struct ip) + ICMP_MINLEN &&
	    (m = m_pullup(m, sizeof(struct ip) + ICMP_MINLEN)) == NULL) {
		error = ENOBUFS;
		goto out;
	}
	ip = mtod(m, struct ip *);
	icp = (struct icmp *)(ip + 1);
	if (icp->icmp_type != ICMP_ECHO || icp->icmp_code != 0) {
		error = EINVAL;
		goto bad;
	}
	icp->icmp_id = inp->inp_lport;
	icp->icmp_cksum = 0;
	icp->icmp_cksum = in_cksum_skip(m, sizeof(struct ip), len);
	memset(ip, 0, sizeof(*ip));
	ip->ip_p = IPPROTO_ICMP;
	ip->ip_ttl = inp->inp_ip.ip_ttl;
	ip->ip_tos = inp->inp_ip.ip_tos;
	ip->ip_src = src;
	ip->ip_dst = dst;
	icmpstat.icps_outhist[ICMP_ECHO]++;
	error = ip_output(m, ro, 0, inp->inp_moptions);
	goto out;
bad:
	m_freem(m);
out:
	rtcache_free(&tmp);
	return error;
}

static int ping_attach(struct socket *so, int proto)
{
	int error = soreserve(so, PING_SENDSPACE, PING_RECVSPACE);

	if (error != 0)
		return error;
	error = in_pcballoc(so, &icmpsocktable);
	if (error == 0)
		sotoinpcb(so)->inp_ip.ip_p = IPPROTO_ICMP;
	return error;
}

static void ping_detach(struct socket *so)
{
	if (sotoinpcb(so) != NULL)
		in_pcbdetach(sotoinpcb(so));
}

static int ping_bind(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	return in_pcbbind(sotoinpcb(so), (struct sockaddr_in *)nam, l);
}

static int ping_connect(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	struct inpcb *inp = sotoinpcb(so);
	struct sockaddr_in sin;
	int error;

	if (((struct sockaddr_in *)nam)->sin_len < sizeof(sin))
		return EINVAL;
	/* The port of a ping socket's peer means nothing. */
	memcpy(&sin, nam, sizeof(sin));
	sin.sin_port = htons(1);
	if (inp->inp_state == INP_CONNECTED)
		in_pcbdisconnect(inp);
	error = in_pcbconnect(inp, &sin, l);
	if (error == 0) {
		inp->inp_fport = 0;
		soisconnected(so);
	}
	return error;
}

static void ping_abort(struct socket *so)
{
	soisdisconnected(so);
	ping_detach(so);
}

static int ping_send(struct socket *so, struct mbuf *m, struct sockaddr *nam,
		     struct mbuf *control, struct lwp *l)
{
	int error = in_dgram_sendmbuf(&m, control);

	if (error != 0)
		return error;
	return ping_output(sotoinpcb(so), m, (struct sockaddr_in *)nam);
}

const struct pr_usrreqs icmp_sock_usrreqs = {
	.pr_attach = ping_attach,
	.pr_detach = ping_detach,
	.pr_bind = ping_bind,
	.pr_connect = ping_connect,
	.pr_disconnect = in_dgram_disconnect,
	.pr_shutdown = in_dgram_shutdown,
	.pr_abort = ping_abort,
	.pr_ioctl = in_control,
	.pr_peeraddr = inet_peeraddr,
	.pr_sockaddr = inet_sockaddr,
	.pr_send = ping_send,
	.pr_ctloutput = ip_ctloutput,
};

int icmp_sock_init(void)
{
	return in_pcbinit(&icmpsocktable, 64);
}

void icmp_sock_fini(void)
{
	in_pcbfini(&icmpsocktable);
}
