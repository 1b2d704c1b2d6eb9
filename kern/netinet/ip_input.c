/*
 * ip_input.c -- receiving IPv4 datagrams, under softnet_lock from the
 * network soft interrupt.  Every header field is checked before it is
 * used (version, header length, total length against the packet,
 * checksum, addresses); what fails is counted in ipstat and dropped.
 * Datagrams for us are reassembled if fragmented and handed to their
 * protocol's pr_input with the IP header still in front; others are
 * forwarded when ip_forwarding is set.
 */
#include <net/if.h>
#include <net/route.h>
#include <netinet/icmp_var.h>
#include <netinet/in_cksum.h>
#include <netinet/in_var.h>
#include <netinet/ip_var.h>
#include <sys/abi.h>
#include <sys/errno.h>
#include <sys/mbuf.h>
#include <sys/protosw.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

int ip_forwarding = 0;
const struct protosw *ip_protox[IPPROTO_MAX];

/* Is the datagram to dst, received on ifp, for this host? */
static bool ip_ours(struct mbuf *m, struct in_addr dst, struct ifnet *ifp)
{
	if (in_multicast(dst))
		return dst.s_addr == htonl(INADDR_ALLHOSTS_GROUP) ||
		       in_lookup_multi(dst, ifp) != NULL;
	if (in_local(dst) || in_broadcast(dst, ifp))
		return true;
	/* The loopback network answers to every address in it. */
	return (ifp->if_flags & IFF_LOOPBACK) && IN_LOOPBACK(ntohl(dst.s_addr));
}

static void ip_deliver(struct mbuf *m, int hlen, int proto)
{
	const struct protosw *pr = ip_protox[proto];

	ipstat.ips_delivered++;
	if (pr == NULL || pr->pr_input == NULL) {
		ipstat.ips_noproto++;
		ipstat.ips_delivered--;
		icmp_error(m, ICMP_UNREACH, ICMP_UNREACH_PROTOCOL, 0);
		return;
	}
	pr->pr_input(m, hlen, proto);
}

void ip_input(struct mbuf *m)
{
	struct ifnet *ifp = m->m_pkthdr.rcvif;
	struct ip *ip;
	int hlen, len;
	uint32_t src;

	KASSERT(mutex_owned(&softnet_lock));
	ipstat.ips_total++;
	if (m->m_pkthdr.len < (int)sizeof(struct ip)) {
		ipstat.ips_toosmall++;
		goto bad;
	}
	if (m->m_len < (int)sizeof(struct ip) &&
	    (m = m_pullup(m, sizeof(struct ip))) == NULL) {
		ipstat.ips_toosmall++;
		goto dropped;
	}
	ip = mtod(m, struct ip *);
	if (ip->ip_v != IPVERSION) {
		ipstat.ips_badvers++;
		goto bad;
	}
	hlen = ip->ip_hl << 2;
	if (hlen < (int)sizeof(struct ip) || hlen > m->m_pkthdr.len) {
		ipstat.ips_badhlen++;
		goto bad;
	}
	if (m->m_len < hlen) {
		if ((m = m_pullup(m, hlen)) == NULL) {
			ipstat.ips_badhlen++;
			goto dropped;
		}
		ip = mtod(m, struct ip *);
	}
	if (in_cksum(m, hlen) != 0) {
		ipstat.ips_badsum++;
		goto bad;
	}
	len = ntohs(ip->ip_len);
	if (len < hlen) {
		ipstat.ips_badlen++;
		goto bad;
	}
	if (m->m_pkthdr.len < len) {
		ipstat.ips_tooshort++;
		goto bad;
	}
	if (m->m_pkthdr.len > len)
		m_adj(m, len - m->m_pkthdr.len); /* link-layer padding */
	/* Martian sources: no datagram comes from these. */
	src = ntohl(ip->ip_src.s_addr);
	if (IN_MULTICAST(src) || src == INADDR_BROADCAST ||
	    IN_EXPERIMENTAL(src) ||
	    (IN_LOOPBACK(src) && (ifp->if_flags & IFF_LOOPBACK) == 0)) {
		ipstat.ips_badaddr++;
		goto bad;
	}
	if (!ip_ours(m, ip->ip_dst, ifp)) {
		if (ip_forwarding && !(m->m_flags & (M_BCAST | M_MCAST)) &&
		    !in_multicast(ip->ip_dst)) {
			ip_forward(m);
			return;
		}
		ipstat.ips_notforus++;
		m_freem(m);
		return;
	}
	if (ip->ip_off & htons(IP_MF | IP_OFFMASK)) {
		ipstat.ips_fragments++;
		m = ip_reass(m);
		if (m == NULL)
			return;
		ip = mtod(m, struct ip *);
		hlen = ip->ip_hl << 2;
	}
	ip_deliver(m, hlen, ip->ip_p);
	return;
bad:
	if (ifp != NULL)
		if_statinc(ifp, ifs_ierrors);
	m_freem(m);
	return;
dropped:
	if (ifp != NULL)
		if_statinc(ifp, ifs_ierrors);
}

void ip_forward(struct mbuf *m)
{
	struct ip *ip = mtod(m, struct ip *);
	struct rtentry *rt;
	struct mbuf *quote;
	int error, qlen;

	if (ip->ip_ttl <= 1) {
		ipstat.ips_timxceed++;
		icmp_error(m, ICMP_TIMXCEED, ICMP_TIMXCEED_INTRANS, 0);
		return;
	}
	rt = rt_lookup(ip->ip_dst);
	if (rt == NULL) {
		ipstat.ips_cantforward++;
		icmp_error(m, ICMP_UNREACH, ICMP_UNREACH_NET, 0);
		return;
	}
	rt_unref(rt);
	/* The header is about to change: writable, in the first mbuf. */
	if (M_READONLY(m)) {
		struct mbuf *n = m_dup(m, 0, M_COPYALL, M_NOWAIT);
		m_freem(m);
		if (n == NULL) {
			ipstat.ips_cantforward++;
			return;
		}
		m = n;
		ip = mtod(m, struct ip *);
	}
	ip->ip_ttl--;
	/* Keep the start of the datagram for an ICMP error about it. */
	qlen = MIN(m->m_pkthdr.len, (ip->ip_hl << 2) + 8);
	quote = m_copym(m, 0, qlen, M_NOWAIT);
	if (quote != NULL)
		quote = m_pullup(quote, qlen);
	error = ip_output(m, NULL, IP_FORWARDING, NULL);
	if (error == 0) {
		ipstat.ips_forward++;
		m_freem(quote);
		return;
	}
	ipstat.ips_cantforward++;
	if (quote == NULL)
		return;
	/* The quote is of the outgoing header: undo the TTL change. */
	ip = mtod(quote, struct ip *);
	ip->ip_ttl++;
	switch (error) {
	case EMSGSIZE: {
		struct rtentry *r = rt_lookup(ip->ip_dst);
		uint32_t mtu = r != NULL ? rt_getmtu(r) : 0;
		if (r != NULL)
			rt_unref(r);
		icmp_error(quote, ICMP_UNREACH, ICMP_UNREACH_NEEDFRAG, mtu);
		break;
	}
	case ENETUNREACH:
	case ENETDOWN:
		icmp_error(quote, ICMP_UNREACH, ICMP_UNREACH_NET, 0);
		break;
	case EHOSTUNREACH:
	case EHOSTDOWN:
		icmp_error(quote, ICMP_UNREACH, ICMP_UNREACH_HOST, 0);
		break;
	default:
		m_freem(quote); /* no buffers: say nothing */
		break;
	}
}
