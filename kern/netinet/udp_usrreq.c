/*
 * udp_usrreq.c -- UDP (RFC 768): input with length and checksum checks,
 * delivery to the connected socket, else the bound one, else an ICMP port
 * unreachable; broadcasts and multicasts go to every socket bound to the
 * port.  Output builds the headers and checksum for connected and
 * unconnected sockets.  ICMP errors about a datagram we sent become the
 * connected socket's error (ECONNREFUSED for port unreachable), as on
 * Linux.  softnet_lock held throughout.
 */
#include <net/if.h>
#include <netinet/icmp_var.h>
#include <netinet/in_cksum.h>
#include <netinet/in_pcb.h>
#include <netinet/in_proto.h>
#include <netinet/in_var.h>
#include <netinet/ip_var.h>
#include <netinet/udp_var.h>
#include <sys/abi.h>
#include <sys/errno.h>
#include <sys/mbuf.h>
#include <sys/protosw.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

struct udpstat udpstat;
struct inpcbtable udbtable;
int udp_do_cksum = 1;

/* Queues the datagram m (headers stripped) on inp's socket from src. */
static void udp_append(struct inpcb *inp, struct mbuf *m,
		       const struct sockaddr_in *src)
{
	struct socket *so = inp->inp_socket;

	if (so == NULL ||
	    sbappendaddr(&so->so_rcv, (const struct sockaddr *)src, m, NULL) ==
		    0) {
		udpstat.udps_fullsock++;
		m_freem(m);
		return;
	}
	udpstat.udps_delivered++;
	sorwakeup(so);
}

/* Does inp want a datagram to dst:dport from src:sport? */
static bool udp_pcb_wants(const struct inpcb *inp, struct in_addr src,
			  in_port_t sport, struct in_addr dst, in_port_t dport)
{
	if (inp->inp_lport != dport || inp->inp_state == INP_ATTACHED)
		return false;
	if (inp->inp_laddr.s_addr != INADDR_ANY &&
	    inp->inp_laddr.s_addr != dst.s_addr)
		return false;
	if (inp->inp_state == INP_CONNECTED &&
	    (inp->inp_faddr.s_addr != src.s_addr || inp->inp_fport != sport))
		return false;
	return true;
}

/* A broadcast or multicast: a copy for every socket on the port. */
static void udp_input_multi(struct mbuf *m, int off, struct in_addr src,
			    in_port_t sport, struct in_addr dst,
			    in_port_t dport, const struct sockaddr_in *from)
{
	struct inpcb *last = NULL;

	list_foreach(it, &udbtable.inpt_queue)
	{
		struct inpcb *inp = list_entry(it, struct inpcb, inp_list);

		if (!udp_pcb_wants(inp, src, sport, dst, dport))
			continue;
		if (last != NULL) {
			struct mbuf *n = m_copym(m, off, M_COPYALL, M_NOWAIT);
			if (n != NULL)
				udp_append(last, n, from);
		}
		last = inp;
	}
	if (last == NULL) {
		udpstat.udps_noportbcast++;
		m_freem(m);
		return;
	}
	m_adj(m, off);
	udp_append(last, m, from);
}

void udp_input(struct mbuf *m, int off, int proto)
{
	struct ip *ip;
	struct udphdr *uh;
	struct sockaddr_in from;
	struct inpcb *inp;
	int len, ulen;

	KASSERT(mutex_owned(&softnet_lock));
	udpstat.udps_ipackets++;
	len = m->m_pkthdr.len - off;
	if (len < (int)sizeof(struct udphdr)) {
		udpstat.udps_hdrops++;
		goto bad;
	}
	if (m->m_len < off + (int)sizeof(struct udphdr) &&
	    (m = m_pullup(m, off + sizeof(struct udphdr))) == NULL) {
		udpstat.udps_hdrops++;
		return;
	}
	ip = mtod(m, struct ip *);
	uh = (struct udphdr *)(mtod(m, char *) + off);
	ulen = ntohs(uh->uh_ulen);
	if (ulen < (int)sizeof(struct udphdr) || ulen > len) {
		udpstat.udps_badlen++;
		goto bad;
	}
	if (ulen < len) {
		/* The IP payload is longer than the datagram: trim. */
		m_adj(m, ulen - len);
		ip = mtod(m, struct ip *);
		ip->ip_len = htons((uint16_t)(off + ulen));
		uh = (struct udphdr *)(mtod(m, char *) + off);
	}
	/* Looped-back datagrams were never on a wire. */
	if (uh->uh_sum != 0 && udp_do_cksum && !(m->m_flags & M_LOOP) &&
	    in4_cksum(m, IPPROTO_UDP, off, ulen) != 0) {
		udpstat.udps_badsum++;
		goto bad;
	}
	memset(&from, 0, sizeof(from));
	from.sin_len = sizeof(from);
	from.sin_family = AF_INET;
	from.sin_addr = ip->ip_src;
	from.sin_port = uh->uh_sport;
	if (in_multicast(ip->ip_dst) || (m->m_flags & (M_BCAST | M_MCAST)) ||
	    in_broadcast(ip->ip_dst, m->m_pkthdr.rcvif)) {
		udp_input_multi(m, off + (int)sizeof(struct udphdr), ip->ip_src,
				uh->uh_sport, ip->ip_dst, uh->uh_dport, &from);
		return;
	}
	inp = in_pcblookup(&udbtable, ip->ip_src, uh->uh_sport, ip->ip_dst,
			   uh->uh_dport);
	if (inp == NULL) {
		udpstat.udps_noport++;
		icmp_error(m, ICMP_UNREACH, ICMP_UNREACH_PORT, 0);
		return;
	}
	m_adj(m, off + (int)sizeof(struct udphdr));
	udp_append(inp, m, &from);
	return;
bad:
	if (m->m_pkthdr.rcvif != NULL)
		if_statinc(m->m_pkthdr.rcvif, ifs_ierrors);
	m_freem(m);
}

static void udp_notify(struct inpcb *inp, void *arg)
{
	if (inp->inp_socket != NULL)
		sosetstate_error(inp->inp_socket, *(int *)arg);
}

/* The errno a connected socket sees for an ICMP error (Linux's). */
static const int udp_prc_errno[PRC_NCMDS] = {
	[PRC_UNREACH_NET] = ENETUNREACH,
	[PRC_UNREACH_HOST] = EHOSTUNREACH,
	[PRC_UNREACH_PROTOCOL] = ECONNREFUSED,
	[PRC_UNREACH_PORT] = ECONNREFUSED,
	[PRC_HOSTDEAD] = EHOSTDOWN,
	[PRC_TIMXCEED_INTRANS] = EHOSTUNREACH,
	[PRC_PARAMPROB] = ENOPROTOOPT,
};

void udp_ctlinput(int cmd, const struct sockaddr *sa, void *ctl)
{
	const struct ip *ip = ctl;
	const struct udphdr *uh;
	int error;

	if (cmd < 0 || cmd >= PRC_NCMDS || ip == NULL)
		return;
	error = udp_prc_errno[cmd];
	if (error == 0)
		return;
	uh = (const struct udphdr *)((const char *)ip + (ip->ip_hl << 2));
	in_pcbnotify(&udbtable, ip->ip_dst, uh->uh_dport, ip->ip_src,
		     uh->uh_sport, udp_notify, &error);
}

static int udp_output(struct inpcb *inp, struct mbuf *m,
		      const struct sockaddr_in *sin)
{
	struct socket *so = inp->inp_socket;
	struct in_addr laddr, faddr;
	in_port_t fport;
	struct route *ro = &inp->inp_route, tmp = {0};
	struct udpiphdr {
		struct ip ui_i;
		struct udphdr ui_u;
	} * ui;
	int error = 0, len = m->m_pkthdr.len, flags = 0;

	if (sin != NULL) {
		if (sin->sin_len < sizeof(*sin)) {
			error = EINVAL;
			goto release;
		}
		if (sin->sin_family != AF_INET) {
			error = EAFNOSUPPORT;
			goto release;
		}
		if (sin->sin_port == 0) {
			error = EINVAL;
			goto release;
		}
		if (inp->inp_state == INP_CONNECTED) {
			error = EISCONN;
			goto release;
		}
		faddr = sin->sin_addr;
		if (faddr.s_addr == INADDR_ANY)
			faddr.s_addr = htonl(INADDR_LOOPBACK);
		fport = sin->sin_port;
		if (faddr.s_addr == htonl(INADDR_BROADCAST) &&
		    (so->so_options & SO_BROADCAST) == 0) {
			error = EACCES;
			goto release;
		}
		if (inp->inp_state == INP_ATTACHED &&
		    (error = in_pcbbind(inp, NULL, NULL)) != 0)
			goto release;
		laddr = inp->inp_laddr;
		if (laddr.s_addr == INADDR_ANY || in_multicast(laddr)) {
			/* A lookup of its own: keep the connected cache. */
			struct route save = inp->inp_route;
			inp->inp_route = tmp;
			error = in_pcbsrcaddr(inp, faddr, &laddr);
			tmp = inp->inp_route;
			inp->inp_route = save;
			if (error != 0)
				goto release;
		}
		ro = &tmp;
	} else {
		if (inp->inp_state != INP_CONNECTED) {
			error = EDESTADDRREQ;
			goto release;
		}
		laddr = inp->inp_laddr;
		faddr = inp->inp_faddr;
		fport = inp->inp_fport;
	}
	if (len + (int)sizeof(*ui) > IP_MAXPACKET) {
		error = EMSGSIZE;
		goto release;
	}
	m = if_prepend(m, sizeof(*ui));
	if (m == NULL) {
		error = ENOBUFS;
		goto out;
	}
	ui = mtod(m, struct udpiphdr *);
	memset(&ui->ui_i, 0, sizeof(ui->ui_i));
	ui->ui_i.ip_p = IPPROTO_UDP;
	ui->ui_i.ip_src = laddr;
	ui->ui_i.ip_dst = faddr;
	ui->ui_i.ip_ttl = inp->inp_ip.ip_ttl;
	ui->ui_i.ip_tos = inp->inp_ip.ip_tos;
	ui->ui_u.uh_sport = inp->inp_lport;
	ui->ui_u.uh_dport = fport;
	ui->ui_u.uh_ulen = htons((uint16_t)(len + sizeof(struct udphdr)));
	ui->ui_u.uh_sum = 0;
	if (udp_do_cksum) {
		uint16_t sum = in4_cksum(m, IPPROTO_UDP, sizeof(struct ip),
					 len + (int)sizeof(struct udphdr));
		ui->ui_u.uh_sum = sum == 0 ? 0xffff : sum;
	}
	if (so->so_options & SO_DONTROUTE)
		flags |= IP_ROUTETOIF;
	if (so->so_options & SO_BROADCAST)
		flags |= IP_ALLOWBROADCAST;
	udpstat.udps_opackets++;
	error = ip_output(m, ro, flags, inp->inp_moptions);
	goto out;
release:
	m_freem(m);
out:
	rtcache_free(&tmp);
	return error;
}

static int udp_attach(struct socket *so, int proto)
{
	int error;

	KASSERT(so->so_pcb == NULL);
	error = soreserve(so, UDP_SENDSPACE, UDP_RECVSPACE);
	if (error != 0)
		return error;
	error = in_pcballoc(so, &udbtable);
	if (error != 0)
		return error;
	sotoinpcb(so)->inp_ip.ip_p = IPPROTO_UDP;
	return 0;
}

static void udp_detach(struct socket *so)
{
	struct inpcb *inp = sotoinpcb(so);

	if (inp != NULL)
		in_pcbdetach(inp);
}

static int udp_bind(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	return in_pcbbind(sotoinpcb(so), (struct sockaddr_in *)nam, l);
}

static int udp_connect(struct socket *so, struct sockaddr *nam, struct lwp *l)
{
	struct inpcb *inp = sotoinpcb(so);
	int error;

	/* Connecting again changes the peer (Linux, BSD). */
	if (inp->inp_state == INP_CONNECTED) {
		in_pcbdisconnect(inp);
		so->so_state &= ~SS_ISCONNECTED;
	}
	error = in_pcbconnect(inp, (struct sockaddr_in *)nam, l);
	if (error == 0)
		soisconnected(so);
	return error;
}

static void udp_abort(struct socket *so)
{
	soisdisconnected(so);
	udp_detach(so);
}

static int udp_send(struct socket *so, struct mbuf *m, struct sockaddr *nam,
		    struct mbuf *control, struct lwp *l)
{
	int error = in_dgram_sendmbuf(&m, control);

	if (error != 0)
		return error;
	return udp_output(sotoinpcb(so), m, (struct sockaddr_in *)nam);
}

int inet_sockaddr(struct socket *so, struct sockaddr *nam)
{
	in_setsockaddr(sotoinpcb(so), (struct sockaddr_in *)nam);
	return 0;
}

int inet_peeraddr(struct socket *so, struct sockaddr *nam)
{
	struct inpcb *inp = sotoinpcb(so);

	if (inp->inp_state != INP_CONNECTED)
		return ENOTCONN;
	in_setpeeraddr(inp, (struct sockaddr_in *)nam);
	return 0;
}

const struct pr_usrreqs udp_usrreqs = {
	.pr_attach = udp_attach,
	.pr_detach = udp_detach,
	.pr_bind = udp_bind,
	.pr_connect = udp_connect,
	.pr_disconnect = in_dgram_disconnect,
	.pr_shutdown = in_dgram_shutdown,
	.pr_abort = udp_abort,
	.pr_ioctl = in_control,
	.pr_peeraddr = inet_peeraddr,
	.pr_sockaddr = inet_sockaddr,
	.pr_send = udp_send,
	.pr_ctloutput = ip_ctloutput,
};

int udp_init(void)
{
	return in_pcbinit(&udbtable, 512);
}

void udp_fini(void)
{
	in_pcbfini(&udbtable);
}
