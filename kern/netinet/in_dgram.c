/*
 * in_dgram.c -- the user requests that the IPv4 datagram protocols (UDP,
 * raw IP, ICMP ping sockets) do the same way: shutdown has no peer to
 * tell, a send without data is an empty datagram, and disconnecting an
 * inpcb-connected socket dissolves its association so that it can send
 * to any address again.  softnet_lock held, as for every user request.
 */
#include <net/if.h>
#include <netinet/in_pcb.h>
#include <sys/errno.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>

int in_dgram_shutdown(struct socket *so, int how)
{
	/* The socket layer has marked the socket; there is no peer. */
	return 0;
}

int in_dgram_sendmbuf(struct mbuf **mp, struct mbuf *control)
{
	m_freem(control); /* no ancillary data is sent */
	if (*mp != NULL)
		return 0;
	/* An empty datagram is a datagram. */
	*mp = m_gethdr(M_NOWAIT, MT_DATA);
	if (*mp == NULL)
		return ENOBUFS;
	(*mp)->m_len = (*mp)->m_pkthdr.len = 0;
	(*mp)->m_data += max_linkhdr + 32;
	return 0;
}

int in_dgram_disconnect(struct socket *so)
{
	struct inpcb *inp = sotoinpcb(so);

	if (inp->inp_state != INP_CONNECTED)
		return ENOTCONN;
	in_pcbdisconnect(inp);
	so->so_state &= ~(SS_ISCONNECTED | SS_ISDISCONNECTED);
	return 0;
}
