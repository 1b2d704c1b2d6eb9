/*
 * if_ethersubr.c -- the Ethernet link layer.  ether_output puts an
 * Ethernet header in front of a network-layer packet, finding the
 * destination's address through the resolver its protocol registered
 * (ARP for IPv4), and queues the frame on the interface; ether_input
 * checks a received frame's header, drops frames for other stations and
 * our own echoes, and hands the payload to its protocol's netisr routine.
 * Both run under softnet_lock.
 */
#include <net/if.h>
#include <net/if_ether.h>
#include <net/netisr.h>
#include <netinet/in.h>
#include <sys/abi.h>
#include <sys/errno.h>
#include <sys/mbuf.h>
#include <sys/socket.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

const uint8_t etherbroadcastaddr[ETHER_ADDR_LEN] = {0xff, 0xff, 0xff,
						    0xff, 0xff, 0xff};
struct etherstat etherstat;

static ether_resolve_fn ether_resolve_inet;

void ether_set_resolver(ether_resolve_fn fn)
{
	ether_resolve_inet = fn;
}

static const struct ifnet_ops ether_noops;

int ether_ifattach(struct ifnet *ifp, const uint8_t *lla)
{
	ifp->if_type = IFT_ETHER;
	ifp->if_addrlen = ETHER_ADDR_LEN;
	ifp->if_hdrlen = ETHER_HDR_LEN;
	if (ifp->if_mtu == 0)
		ifp->if_mtu = ETHERMTU;
	ifp->if_flags |= IFF_BROADCAST | IFF_MULTICAST | IFF_SIMPLEX;
	memcpy(ifp->if_lladdr, lla, ETHER_ADDR_LEN);
	ifp->if_output = ether_output;
	ifp->if_input = ether_input;
	if (ifp->if_ops == NULL)
		ifp->if_ops = &ether_noops;
	return if_attach(ifp);
}

void ether_ifdetach(struct ifnet *ifp)
{
	if_detach(ifp);
}

void ether_ip_multicast_map(uint32_t group_net, uint8_t *lla)
{
	uint32_t g = ntohl(group_net);

	lla[0] = 0x01;
	lla[1] = 0x00;
	lla[2] = 0x5e;
	lla[3] = (g >> 16) & 0x7f;
	lla[4] = (g >> 8) & 0xff;
	lla[5] = g & 0xff;
}

int ether_output(struct ifnet *ifp, struct mbuf *m, const struct sockaddr *dst,
		 struct rtentry *rt)
{
	uint8_t edst[ETHER_ADDR_LEN];
	struct ether_header *eh;
	uint16_t type;
	int error;

	if ((ifp->if_flags & (IFF_UP | IFF_RUNNING)) !=
	    (IFF_UP | IFF_RUNNING)) {
		m_freem(m);
		return ENETDOWN;
	}
	switch (dst->sa_family) {
	case AF_INET: {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)dst;

		if (m->m_flags & M_BCAST)
			memcpy(edst, etherbroadcastaddr, ETHER_ADDR_LEN);
		else if (m->m_flags & M_MCAST)
			ether_ip_multicast_map(sin->sin_addr.s_addr, edst);
		else {
			if (ether_resolve_inet == NULL) {
				m_freem(m);
				return EAFNOSUPPORT;
			}
			error = ether_resolve_inet(ifp, m, sin->sin_addr, edst);
			if (error == EWOULDBLOCK)
				return 0; /* queued until ARP answers */
			if (error != 0)
				return error; /* m is gone */
		}
		type = htons(ETHERTYPE_IP);
		break;
	}
	case AF_UNSPEC: {
		/* A frame whose header the caller built (ARP). */
		const struct ether_header *ceh =
			(const struct ether_header *)dst->sa_data;
		memcpy(edst, ceh->ether_dhost, ETHER_ADDR_LEN);
		type = ceh->ether_type;
		break;
	}
	default:
		m_freem(m);
		return EAFNOSUPPORT;
	}
	m = if_prepend(m, ETHER_HDR_LEN);
	if (m == NULL) {
		if_statinc(ifp, ifs_oqdrops);
		return ENOBUFS;
	}
	eh = mtod(m, struct ether_header *);
	memcpy(eh->ether_dhost, edst, ETHER_ADDR_LEN);
	memcpy(eh->ether_shost, ifp->if_lladdr, ETHER_ADDR_LEN);
	eh->ether_type = type;
	if (ETHER_IS_MULTICAST(edst))
		if_statinc(ifp, ifs_omcasts);
	return if_transmit(ifp, m);
}

void ether_input(struct ifnet *ifp, struct mbuf *m)
{
	struct ether_header *eh;
	uint16_t type;

	if (m->m_pkthdr.len < ETHER_HDR_LEN ||
	    (m->m_len < ETHER_HDR_LEN &&
	     (m = m_pullup(m, ETHER_HDR_LEN)) == NULL)) {
		etherstat.es_runt++;
		if_statinc(ifp, ifs_ierrors);
		m_freem(m);
		return;
	}
	eh = mtod(m, struct ether_header *);
	if (memcmp(eh->ether_shost, ifp->if_lladdr, ETHER_ADDR_LEN) == 0) {
		/* Our own frame heard back on a shared medium. */
		etherstat.es_selfsent++;
		m_freem(m);
		return;
	}
	if (ETHER_IS_MULTICAST(eh->ether_dhost)) {
		if (memcmp(eh->ether_dhost, etherbroadcastaddr,
			   ETHER_ADDR_LEN) == 0)
			m->m_flags |= M_BCAST;
		else
			m->m_flags |= M_MCAST;
		if_statinc(ifp, ifs_imcasts);
	} else if (memcmp(eh->ether_dhost, ifp->if_lladdr, ETHER_ADDR_LEN) !=
			   0 &&
		   (ifp->if_flags & IFF_PROMISC) == 0) {
		etherstat.es_notme++;
		m_freem(m);
		return;
	}
	type = ntohs(eh->ether_type);
	m_adj(m, ETHER_HDR_LEN);
	switch (type) {
	case ETHERTYPE_IP:
		netisr_dispatch(NETISR_IP, m);
		break;
	case ETHERTYPE_ARP:
		netisr_dispatch(NETISR_ARP, m);
		break;
	default:
		etherstat.es_unknown++;
		if_statinc(ifp, ifs_noproto);
		m_freem(m);
		break;
	}
}

char *ether_snprintf(char *buf, size_t len, const uint8_t *lla)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", lla[0], lla[1],
		 lla[2], lla[3], lla[4], lla[5]);
	return buf;
}

static int ether_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ether_aton_r(const char *s, uint8_t *lla)
{
	for (int i = 0; i < ETHER_ADDR_LEN; i++) {
		int hi = ether_hexval(s[0]), lo;

		if (hi < 0)
			return EINVAL;
		lo = ether_hexval(s[1]);
		if (lo < 0) { /* one hex digit: "0:1:2:..." */
			lla[i] = (uint8_t)hi;
			s += 1;
		} else {
			lla[i] = (uint8_t)(hi * 16 + lo);
			s += 2;
		}
		if (i < ETHER_ADDR_LEN - 1) {
			if (*s != ':')
				return EINVAL;
			s++;
		}
	}
	return *s == '\0' ? 0 : EINVAL;
}
