/*
 * ip_icmp.c -- ICMP: answering echo requests, turning received errors
 * into pr_ctlinput calls of the protocol they quote, handing every
 * message to raw ICMP sockets, and sending error messages about received
 * datagrams with the rules of RFC 1122 (never about an ICMP error, a
 * broadcast, a multicast, or a fragment other than the first) and a
 * token-bucket rate limit.  softnet_lock held.
 */
#include <net/if.h>
#include <net/route.h>
#include <netinet/icmp_var.h>
#include <netinet/in_cksum.h>
#include <netinet/in_proto.h>
#include <netinet/in_var.h>
#include <netinet/ip_var.h>
#include <sys/abi.h>
#include <sys/errno.h>
#include <sys/mbuf.h>
#include <sys/protosw.h>
#include <sys/socketvar.h>
#include <sys/systm.h>
#include <sys/time.h>

struct icmpstat icmpstat;
int icmp_errppslimit = 1000;
int icmp_bmcastecho = 0;

/* The rate limit's bucket: tokens refill at icmp_errppslimit a second. */
static uint64_t icmp_tokens_ns, icmp_last_ns;

static bool icmp_ratelimit(void)
{
	uint64_t now = getnsmono(), cap;

	if (icmp_errppslimit <= 0)
		return false;
	/* A bucket of one second's worth: bursts up to the rate. */
	cap = NSEC_PER_SEC;
	icmp_tokens_ns += now - icmp_last_ns;
	if (icmp_tokens_ns > cap)
		icmp_tokens_ns = cap;
	icmp_last_ns = now;
	if (icmp_tokens_ns < NSEC_PER_SEC / (uint64_t)icmp_errppslimit)
		return true;
	icmp_tokens_ns -= NSEC_PER_SEC / (uint64_t)icmp_errppslimit;
	return false;
}

void icmp_error(struct mbuf *n, int type, int code, uint32_t mtu)
{
	struct ip *oip = mtod(n, struct ip *), *nip;
	int ohlen = oip->ip_hl << 2, quotelen;
	struct ifnet *ifp = n->m_pkthdr.rcvif;
	struct in_ifaddr *ia;
	struct icmp *icp;
	struct mbuf *m;

	KASSERT(mutex_owned(&softnet_lock));
	icmpstat.icps_error++;
	if (oip->ip_off & htons(IP_OFFMASK)) {
		icmpstat.icps_oldshort++;
		goto free;
	}
	if (oip->ip_p == IPPROTO_ICMP && type != ICMP_REDIRECT) {
		uint8_t itype;

		if (n->m_pkthdr.len < ohlen + ICMP_MINLEN) {
			icmpstat.icps_oldshort++;
			goto free;
		}
		m_copydata(n, ohlen, 1, &itype);
		if (!ICMP_INFOTYPE(itype)) {
			icmpstat.icps_oldicmp++;
			goto free;
		}
	}
	if ((n->m_flags & (M_BCAST | M_MCAST)) || in_multicast(oip->ip_dst) ||
	    in_broadcast(oip->ip_dst, ifp) ||
	    oip->ip_src.s_addr == INADDR_ANY || in_multicast(oip->ip_src) ||
	    oip->ip_src.s_addr == htonl(INADDR_BROADCAST))
		goto free;
	if (icmp_ratelimit()) {
		icmpstat.icps_ratelimited++;
		goto free;
	}
	/* Quote the header and 8 bytes of what follows (RFC 792). */
	quotelen = MIN(n->m_pkthdr.len, ohlen + 8);
	m = m_gethdr(M_NOWAIT, MT_HEADER);
	if (m == NULL)
		goto free;
	m->m_data += max_linkhdr;
	m->m_len = (int)sizeof(struct ip) + ICMP_MINLEN + quotelen;
	if (M_TRAILINGSPACE(m) < 0 || m->m_len > MHLEN - max_linkhdr) {
		m_freem(m);
		goto free;
	}
	m->m_pkthdr.len = m->m_len;
	nip = mtod(m, struct ip *);
	icp = (struct icmp *)(nip + 1);
	memset(icp, 0, ICMP_MINLEN);
	icp->icmp_type = (uint8_t)type;
	icp->icmp_code = (uint8_t)code;
	if (type == ICMP_UNREACH && code == ICMP_UNREACH_NEEDFRAG)
		icp->icmp_nextmtu = htons((uint16_t)mtu);
	m_copydata(n, 0, quotelen, (char *)icp + ICMP_MINLEN);
	icp->icmp_cksum = in_cksum_buf(icp, (size_t)(ICMP_MINLEN + quotelen));
	memset(nip, 0, sizeof(*nip));
	nip->ip_p = IPPROTO_ICMP;
	nip->ip_ttl = (uint8_t)ip_defttl;
	nip->ip_dst = oip->ip_src;
	/* From the address the datagram was sent to, if it is ours. */
	if (in_local(oip->ip_dst))
		nip->ip_src = oip->ip_dst;
	else if (ifp != NULL && (ia = in_ifaddr_for(ifp, oip->ip_src)) != NULL)
		nip->ip_src = ia->ia_addr;
	if (type <= ICMP_MAXTYPE)
		icmpstat.icps_outhist[type]++;
	m_freem(n);
	(void)ip_output(m, NULL, 0, NULL);
	return;
free:
	m_freem(n);
}

/* Echo: the same message back with the addresses swapped. */
static void icmp_reflect(struct mbuf *m, int hlen, int icmplen)
{
	struct ip *ip;
	struct icmp *icp;
	struct in_addr dst;

	/* Rewritten in place: own every byte first. */
	for (struct mbuf *c = m; c != NULL; c = c->m_next) {
		if (M_READONLY(c)) {
			struct mbuf *n = m_dup(m, 0, M_COPYALL, M_NOWAIT);
			m_freem(m);
			if (n == NULL)
				return;
			m = n;
			break;
		}
	}
	if ((m = m_pullup(m, hlen + ICMP_MINLEN)) == NULL)
		return;
	ip = mtod(m, struct ip *);
	icp = (struct icmp *)((char *)ip + hlen);
	icp->icmp_type = ICMP_ECHOREPLY;
	icp->icmp_cksum = 0;
	icp->icmp_cksum = in_cksum_skip(m, hlen, icmplen);
	dst = ip->ip_src;
	if (!in_local(ip->ip_dst)) {
		/* To a broadcast or group: answer from our own address. */
		struct in_ifaddr *ia =
			m->m_pkthdr.rcvif != NULL
				? in_ifaddr_for(m->m_pkthdr.rcvif, dst)
				: NULL;
		ip->ip_src.s_addr = ia != NULL ? ia->ia_addr.s_addr : 0;
	} else
		ip->ip_src = ip->ip_dst;
	ip->ip_dst = dst;
	ip->ip_ttl = (uint8_t)ip_defttl;
	ip->ip_tos = 0;
	ip->ip_off = 0;
	/* Options are not reflected: drop them. */
	if (hlen > (int)sizeof(struct ip)) {
		memmove((char *)ip + hlen - sizeof(struct ip), ip,
			sizeof(struct ip));
		m_adj(m, hlen - (int)sizeof(struct ip));
		ip = mtod(m, struct ip *);
		ip->ip_hl = sizeof(struct ip) >> 2;
	}
	m->m_flags &= ~(M_BCAST | M_MCAST);
	icmpstat.icps_reflect++;
	icmpstat.icps_outhist[ICMP_ECHOREPLY]++;
	(void)ip_output(m, NULL, 0, NULL);
}

static int icmp_prc(int type, int code)
{
	switch (type) {
	case ICMP_UNREACH:
		switch (code) {
		case ICMP_UNREACH_NET:
		case ICMP_UNREACH_NET_UNKNOWN:
			return PRC_UNREACH_NET;
		case ICMP_UNREACH_PROTOCOL:
			return PRC_UNREACH_PROTOCOL;
		case ICMP_UNREACH_PORT:
			return PRC_UNREACH_PORT;
		case ICMP_UNREACH_NEEDFRAG:
			return PRC_MSGSIZE;
		case ICMP_UNREACH_SRCFAIL:
			return PRC_UNREACH_HOST;
		default:
			return PRC_UNREACH_HOST;
		}
	case ICMP_TIMXCEED:
		return code <= ICMP_TIMXCEED_REASS ? PRC_TIMXCEED_INTRANS : -1;
	case ICMP_PARAMPROB:
		return PRC_PARAMPROB;
	default:
		return -1;
	}
}

/* An error quoting one of our datagrams: tell its protocol. */
static void icmp_notify(struct mbuf *m, int hlen, int icmplen, int type,
			int code)
{
	struct icmp *icp;
	struct ip *qip;
	struct sockaddr_in sin;
	const struct protosw *pr;
	int cmd = icmp_prc(type, code), qhlen;

	if (cmd < 0) {
		icmpstat.icps_badcode++;
		m_freem(m);
		return;
	}
	if (icmplen < ICMP_ADVLENMIN) {
		icmpstat.icps_badlen++;
		m_freem(m);
		return;
	}
	if ((m = m_pullup(m, MIN(m->m_pkthdr.len,
				 hlen + ICMP_MINLEN + 60 + 8))) == NULL)
		return;
	icp = (struct icmp *)(mtod(m, char *) + hlen);
	qip = &icp->icmp_ip;
	qhlen = qip->ip_hl << 2;
	if (qip->ip_v != IPVERSION || qhlen < (int)sizeof(struct ip) ||
	    icmplen < ICMP_MINLEN + qhlen + 8 ||
	    m->m_len < hlen + ICMP_MINLEN + qhlen + 8) {
		icmpstat.icps_badlen++;
		m_freem(m);
		return;
	}
	pr = ip_protox[qip->ip_p];
	if (pr != NULL && pr->pr_ctlinput != NULL) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_len = sizeof(sin);
		sin.sin_family = AF_INET;
		sin.sin_addr = qip->ip_dst;
		pr->pr_ctlinput(cmd, (const struct sockaddr *)&sin, qip);
	}
	m_freem(m);
}

void icmp_input(struct mbuf *m, int hlen, int proto)
{
	struct ip *ip = mtod(m, struct ip *);
	int icmplen = ntohs(ip->ip_len) - hlen;
	uint8_t type, code;
	struct mbuf *copy;

	KASSERT(mutex_owned(&softnet_lock));
	if (icmplen < ICMP_MINLEN) {
		icmpstat.icps_tooshort++;
		goto bad;
	}
	if (m->m_len < hlen + ICMP_MINLEN &&
	    (m = m_pullup(m, hlen + ICMP_MINLEN)) == NULL) {
		icmpstat.icps_tooshort++;
		return;
	}
	ip = mtod(m, struct ip *); /* m_pullup may have moved it */
	/* The checksum covers the ICMP message only. */
	if (in_cksum_skip(m, hlen, icmplen) != 0) {
		icmpstat.icps_checksum++;
		goto bad;
	}
	type = mtod(m, uint8_t *)[hlen];
	code = mtod(m, uint8_t *)[hlen + 1];
	if (type <= ICMP_MAXTYPE)
		icmpstat.icps_inhist[type]++;
	/* Raw ICMP sockets (ping) see every valid message. */
	copy = m_copym(m, 0, M_COPYALL, M_NOWAIT);
	if (copy != NULL)
		rip_input(copy, hlen, proto);
	switch (type) {
	case ICMP_ECHO:
		if ((m->m_flags & (M_BCAST | M_MCAST)) ||
		    !in_local(ip->ip_dst)) {
			if (!icmp_bmcastecho &&
			    ((m->m_flags & (M_BCAST | M_MCAST)) ||
			     in_multicast(ip->ip_dst) ||
			     in_broadcast(ip->ip_dst, m->m_pkthdr.rcvif))) {
				icmpstat.icps_bmcastecho++;
				break;
			}
		}
		icmp_reflect(m, hlen, icmplen);
		return;
	case ICMP_ECHOREPLY:
		icmp_echoreply_input(m, hlen, icmplen);
		return;
	case ICMP_UNREACH:
	case ICMP_TIMXCEED:
	case ICMP_PARAMPROB:
		icmp_notify(m, hlen, icmplen, type, code);
		return;
	default:
		break;
	}
	m_freem(m);
	return;
bad:
	m_freem(m);
}
