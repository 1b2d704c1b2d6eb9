/*
 * ip_output.c -- sending IPv4 datagrams: completing the header, choosing
 * the interface and next hop (the route, the multicast interface, the
 * loopback for our own addresses), looping back copies of broadcasts and
 * multicasts we listen to, and fragmenting what exceeds the MTU (but
 * passing TCP segmentation offload packets whole to an interface that
 * cuts them, and finishing offloaded checksums where the interface will
 * not).  Runs under softnet_lock; the caller's mbuf chain is consumed.
 */
#include <net/if.h>
#include <net/netisr.h>
#include <net/route.h>
#include <netinet/in_cksum.h>
#include <netinet/in_var.h>
#include <netinet/ip_var.h>
#include <netinet/tcp.h>
#include <sys/abi.h>
#include <sys/cprng.h>
#include <sys/errno.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

struct ipstat ipstat;
int ip_defttl = IPDEFTTL;
static uint16_t ip_id_next;

uint16_t ip_newid(void)
{
	if (ip_id_next == 0)
		ip_id_next = (uint16_t)(cprng_u32() | 1);
	return htons(ip_id_next++);
}

/*
 * Makes the first hlen bytes (the IP header) contiguous and writable in
 * the first mbuf, which ip_output writes to: a fresh header mbuf in front
 * when the first one is shared or short.  NULL (m freed) when memory is
 * short or the packet is shorter than hlen.
 */
static struct mbuf *ip_writable_header(struct mbuf *m, int hlen)
{
	struct mbuf *n;

	if (!M_READONLY(m) && m->m_len >= hlen)
		return m;
	if (m->m_pkthdr.len < hlen ||
	    (n = m_gethdr(M_NOWAIT, MT_HEADER)) == NULL) {
		m_freem(m);
		return NULL;
	}
	m_move_pkthdr(n, m);
	n->m_data += max_linkhdr;
	m_copydata(m, 0, hlen, mtod(n, void *));
	n->m_len = hlen;
	m_adj(m, hlen);
	n->m_next = m;
	return n;
}

/* A copy of the finished datagram m comes in again on ifp. */
static void ip_mloopback(struct ifnet *ifp, struct mbuf *m)
{
	struct mbuf *copy = m_copym(m, 0, M_COPYALL, M_NOWAIT);

	if (copy == NULL)
		return;
	copy->m_pkthdr.rcvif = ifp;
	copy->m_flags |= M_LOOP;
	(void)netisr_enqueue(NETISR_IP, copy);
}

/* The broadcast-capable interface for the limited broadcast. */
static struct ifnet *ip_broadcast_ifp(struct in_addr src)
{
	struct in_ifaddr *ia;

	if (src.s_addr != INADDR_ANY && (ia = in_ifaddr_lookup(src)) != NULL)
		return ia->ia_ifp;
	list_foreach(it, &ifnet_list)
	{
		struct ifnet *ifp = list_entry(it, struct ifnet, if_list);
		if ((ifp->if_flags & (IFF_UP | IFF_BROADCAST)) ==
		    (IFF_UP | IFF_BROADCAST))
			return ifp;
	}
	return NULL;
}

/* The interface directly connected to dst (SO_DONTROUTE). */
static struct ifnet *ip_direct_ifp(struct in_addr dst)
{
	list_foreach(it, &in_ifaddrhead)
	{
		struct in_ifaddr *ia =
			list_entry(it, struct in_ifaddr, ia_list);
		if ((dst.s_addr & ia->ia_netmask.s_addr) ==
		    ia->ia_subnet.s_addr)
			return ia->ia_ifp;
	}
	return NULL;
}

int ip_fragment(struct mbuf *m, uint32_t mtu, struct mbuf **fragsp)
{
	struct ip *ip = mtod(m, struct ip *);
	int hlen = ip->ip_hl << 2, total = m->m_pkthdr.len;
	int chunk = (int)((mtu - (uint32_t)hlen) & ~7u);
	uint16_t off0 = ntohs(ip->ip_off);
	struct mbuf *head = NULL, **tailp = &head;

	if (chunk < 8) {
		m_freem(m);
		return EMSGSIZE;
	}
	for (int off = hlen; off < total; off += chunk) {
		int len = MIN(chunk, total - off);
		bool last = off + len >= total;
		struct mbuf *f = m_gethdr(M_NOWAIT, MT_DATA);
		struct ip *fip;

		if (f == NULL)
			goto fail;
		f->m_data += max_linkhdr;
		memcpy(mtod(f, void *), ip, (size_t)hlen);
		f->m_len = hlen;
		f->m_next = m_copym(m, off, len, M_NOWAIT);
		if (f->m_next == NULL) {
			m_freem(f);
			goto fail;
		}
		f->m_pkthdr.len = hlen + len;
		f->m_pkthdr.rcvif = NULL;
		fip = mtod(f, struct ip *);
		fip->ip_len = htons((uint16_t)(hlen + len));
		fip->ip_off = htons(
			(uint16_t)(((off0 & IP_OFFMASK) + (off - hlen) / 8) |
				   (off0 & ~IP_OFFMASK) | (last ? 0 : IP_MF)));
		fip->ip_sum = 0;
		fip->ip_sum = in_cksum(f, hlen);
		*tailp = f;
		tailp = &f->m_nextpkt;
		ipstat.ips_ofragments++;
	}
	m_freem(m);
	ipstat.ips_fragmented++;
	*fragsp = head;
	return 0;
fail:
	while (head != NULL) {
		struct mbuf *next = head->m_nextpkt;
		head->m_nextpkt = NULL;
		m_freem(head);
		head = next;
	}
	m_freem(m);
	return ENOBUFS;
}

/*
 * TCP offloads (M_CSUM_TCPV4_OFFLOAD, M_CSUM_TSOV4) are asked for only
 * when the route's interface has them, but the packet may reach another
 * one (the route changed under TCP, or a forwarded frame whose sender
 * left the checksum to us): finish the checksum in software there.  A
 * TSO packet cannot be cut here; it is dropped (ENOBUFS), and TCP sends
 * it again at the MSS once it sees the interface (tcp_send_how).  A
 * packet to be fragmented (frag) gets its checksum here too: fragments
 * leave no whole segment for the interface to sum.  Returns m ready to
 * send, or NULL with m freed.
 */
static struct mbuf *ip_output_offload(struct ifnet *ifp, struct mbuf *m,
				      bool frag)
{
	int flags = m->m_pkthdr.csum_flags, hlen, len;
	struct tcphdr th;

	if ((flags & M_CSUM_TSOV4) && !(ifp->if_capenable & IFCAP_TSO4)) {
		ipstat.ips_odropped++;
		m_freem(m);
		return NULL;
	}
	if (!(flags & M_CSUM_TCPV4_OFFLOAD) ||
	    (!frag && (ifp->if_capenable & (IFCAP_CSUM_TCPV4_TX | IFCAP_TSO4))))
		return m;
	hlen = mtod(m, struct ip *)->ip_hl << 2;
	len = m->m_pkthdr.len - hlen;
	if (len < (int)sizeof(th)) {
		m_freem(m);
		return NULL;
	}
	m_copydata(m, hlen, sizeof(th), &th);
	th.th_sum = 0;
	if (m_copyback(m, hlen, sizeof(th), &th) != 0) {
		m_freem(m);
		return NULL;
	}
	th.th_sum = in4_cksum(m, IPPROTO_TCP, hlen, len);
	(void)m_copyback(m, hlen, sizeof(th), &th); /* in place now */
	m->m_pkthdr.csum_flags &= ~M_CSUM_TCPV4_OFFLOAD;
	return m;
}

/* Sends a finished datagram (or its fragments) on ifp to nexthop. */
static int ip_send_if(struct ifnet *ifp, struct mbuf *m, struct in_addr nexthop,
		      struct rtentry *rt, uint32_t mtu)
{
	struct sockaddr_in dst = {.sin_len = sizeof(dst),
				  .sin_family = AF_INET,
				  .sin_addr = nexthop};
	struct ip *ip = mtod(m, struct ip *);
	struct mbuf *frags;
	int error, bmflags = m->m_flags & (M_BCAST | M_MCAST);

	if (m->m_pkthdr.csum_flags & (M_CSUM_TCPV4_OFFLOAD | M_CSUM_TSOV4)) {
		bool frag = (uint32_t)m->m_pkthdr.len > mtu &&
			    !(m->m_pkthdr.csum_flags & M_CSUM_TSOV4);

		if ((m = ip_output_offload(ifp, m, frag)) == NULL)
			return ENOBUFS;
		ip = mtod(m, struct ip *);
	}
	/* A TSO packet goes whole: the interface makes MTU-sized frames. */
	if ((uint32_t)m->m_pkthdr.len <= mtu ||
	    (m->m_pkthdr.csum_flags & M_CSUM_TSOV4)) {
		ip->ip_sum = 0;
		ip->ip_sum = in_cksum(m, ip->ip_hl << 2);
		return ifp->if_output(ifp, m, (const struct sockaddr *)&dst,
				      rt);
	}
	if (ip->ip_off & htons(IP_DF)) {
		ipstat.ips_cantfrag++;
		m_freem(m);
		return EMSGSIZE;
	}
	error = ip_fragment(m, mtu, &frags);
	if (error != 0)
		return error;
	while (frags != NULL) {
		struct mbuf *next = frags->m_nextpkt;
		int e;

		frags->m_nextpkt = NULL;
		frags->m_flags |= bmflags; /* m is gone */
		e = ifp->if_output(ifp, frags, (const struct sockaddr *)&dst,
				   rt);
		if (e != 0 && error == 0)
			error = e;
		frags = next;
	}
	return error;
}

int ip_output(struct mbuf *m, struct route *ro, int flags,
	      const struct ip_moptions *imo)
{
	struct route iproute = {0};
	struct rtentry *rt = NULL;
	struct ifnet *ifp = NULL;
	struct in_addr dst, nexthop;
	struct ip *ip;
	uint32_t mtu;
	int hlen, error = 0;
	bool loop_copy = false;

	KASSERT(mutex_owned(&softnet_lock));
	KASSERT(m->m_flags & M_PKTHDR);
	m = ip_writable_header(m, sizeof(struct ip));
	if (m == NULL) {
		ipstat.ips_odropped++;
		return ENOBUFS;
	}
	ip = mtod(m, struct ip *);
	if (flags & (IP_RAWOUTPUT | IP_FORWARDING)) {
		hlen = ip->ip_hl << 2;
		if (hlen < (int)sizeof(struct ip) || hlen > m->m_pkthdr.len) {
			m_freem(m);
			return EINVAL;
		}
		if ((m = ip_writable_header(m, hlen)) == NULL) {
			ipstat.ips_odropped++;
			return ENOBUFS;
		}
		ip = mtod(m, struct ip *);
		if ((flags & IP_FORWARDING) == 0 && ip->ip_id == 0)
			ip->ip_id = ip_newid();
	} else {
		hlen = sizeof(struct ip);
		ip->ip_v = IPVERSION;
		ip->ip_hl = hlen >> 2;
		ip->ip_off &= htons(IP_DF);
		if ((flags & IP_NOIPNEWID) == 0)
			ip->ip_id = ip_newid();
		ipstat.ips_localout++;
	}
	if (m->m_pkthdr.len > IP_MAXPACKET) {
		m_freem(m);
		return EMSGSIZE;
	}
	ip->ip_len = htons((uint16_t)m->m_pkthdr.len);
	m->m_flags &= ~(M_BCAST | M_MCAST);
	dst = ip->ip_dst;
	nexthop = dst;
	if (ro == NULL)
		ro = &iproute;

	if (in_multicast(dst)) {
		m->m_flags |= M_MCAST;
		if (imo != NULL && imo->imo_multicast_ifp != NULL)
			ifp = imo->imo_multicast_ifp;
		else {
			rt = rtcache_lookup(ro, dst);
			if (rt == NULL) {
				error = ENETUNREACH;
				goto noroute;
			}
			ifp = rt->rt_ifp;
			rt = NULL; /* no gateway for a group */
		}
		if ((flags & IP_RAWOUTPUT) == 0)
			ip->ip_ttl = imo != NULL ? imo->imo_multicast_ttl
						 : IP_DEFAULT_MULTICAST_TTL;
		if ((imo == NULL || imo->imo_multicast_loop) &&
		    in_lookup_multi(dst, ifp) != NULL)
			loop_copy = true;
	} else if (dst.s_addr == htonl(INADDR_BROADCAST)) {
		if ((flags & IP_ALLOWBROADCAST) == 0) {
			error = EACCES;
			goto bad;
		}
		ifp = ip_broadcast_ifp(ip->ip_src);
		if (ifp == NULL) {
			error = ENETUNREACH;
			goto noroute;
		}
		m->m_flags |= M_BCAST;
	} else if (in_local(dst) ||
		   (IN_LOOPBACK(ntohl(dst.s_addr)) && lo0ifp != NULL)) {
		/* Ours: through the loopback, whatever the route says. */
		ifp = lo0ifp;
		if (ifp == NULL) {
			error = ENETUNREACH;
			goto noroute;
		}
	} else if (flags & IP_ROUTETOIF) {
		ifp = ip_direct_ifp(dst);
		if (ifp == NULL) {
			error = ENETUNREACH;
			goto noroute;
		}
	} else {
		rt = rtcache_lookup(ro, dst);
		if (rt == NULL) {
			error = ENETUNREACH;
			goto noroute;
		}
		if (rt->rt_flags & RTF_REJECT) {
			error = EHOSTUNREACH;
			goto noroute;
		}
		if (rt->rt_flags & RTF_BLACKHOLE) {
			m_freem(m);
			goto done;
		}
		ifp = rt->rt_ifp;
		if (rt->rt_flags & RTF_GATEWAY)
			nexthop = rt->rt_gateway;
	}
	if ((ifp->if_flags & IFF_UP) == 0) {
		error = ENETDOWN;
		goto bad;
	}
	if (ip->ip_src.s_addr == INADDR_ANY) {
		struct in_ifaddr *ia;

		if (rt != NULL && rt->rt_src.s_addr != INADDR_ANY)
			ip->ip_src = rt->rt_src;
		else if ((ia = in_ifaddr_for(ifp, dst)) != NULL)
			ip->ip_src = ia->ia_addr;
		else {
			error = EADDRNOTAVAIL;
			goto bad;
		}
	}
	if (!(m->m_flags & (M_MCAST | M_BCAST)) && in_broadcast(dst, ifp) &&
	    (ifp->if_flags & IFF_LOOPBACK) == 0)
		m->m_flags |= M_BCAST;
	if (m->m_flags & M_BCAST) {
		if ((flags & IP_ALLOWBROADCAST) == 0) {
			error = EACCES;
			goto bad;
		}
		/* We hear our own broadcasts, as Linux does. */
		loop_copy = (ifp->if_flags & IFF_SIMPLEX) != 0;
	}
	mtu = rt != NULL ? rt_getmtu(rt) : ifp->if_mtu;
	if (loop_copy && (ifp->if_flags & IFF_LOOPBACK) == 0) {
		ip->ip_sum = 0;
		ip->ip_sum = in_cksum(m, hlen);
		ip_mloopback(ifp, m);
	}
	error = ip_send_if(ifp, m, nexthop, rt, mtu);
	if (error == ENOBUFS)
		ipstat.ips_odropped++;
	goto done;
noroute:
	ipstat.ips_noroute++;
bad:
	m_freem(m);
done:
	if (ro == &iproute)
		rtcache_free(&iproute);
	return error;
}
