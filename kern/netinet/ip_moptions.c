/*
 * ip_moptions.c -- IP-level socket options shared by UDP, raw IP and ICMP
 * sockets (ip_ctloutput): TTL, TOS, and the multicast options of a socket
 * (outgoing interface, TTL, loopback, group memberships).  Memberships
 * are counted per interface (in_addmulti); a socket holds at most
 * IP_MAX_MEMBERSHIPS.  Values follow Linux: byte-sized multicast TTL and
 * loop accepted as one byte or an int, struct ip_mreq or Linux's
 * ip_mreqn (with an interface index).  softnet_lock held.
 */
#include <net/if.h>
#include <net/route.h>
#include <netinet/in_pcb.h>
#include <netinet/in_var.h>
#include <netinet/ip_var.h>
#include <sys/abi.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

static KMEM_TYPE_DEFINE(M_IPMOPTS, "ip_moptions");

/* Linux's ip_mreqn: the group, an address, an interface index. */
struct ip_mreqn_k {
	struct in_addr imr_multiaddr;
	struct in_addr imr_address;
	int32_t imr_ifindex;
};

/* A byte or an int option value (0..255, or -1 for dflt). */
static int ip_optbyte(const void *val, size_t len, int dflt, int *outp)
{
	int v;

	if (len >= sizeof(int)) {
		memcpy(&v, val, sizeof(int));
		if (v == -1)
			v = dflt;
	} else if (len >= 1)
		v = *(const uint8_t *)val;
	else
		return EINVAL;
	if (v < 0 || v > 255)
		return EINVAL;
	*outp = v;
	return 0;
}

/* The interface a membership or IP_MULTICAST_IF names. */
static int ip_mcast_ifp(struct in_addr group, struct in_addr addr, int ifindex,
			struct ifnet **ifpp)
{
	struct in_ifaddr *ia;
	struct rtentry *rt;

	if (ifindex > 0) {
		*ifpp = if_byindex((unsigned int)ifindex);
		return *ifpp != NULL ? 0 : ENODEV;
	}
	if (addr.s_addr != INADDR_ANY) {
		ia = in_ifaddr_lookup(addr);
		if (ia == NULL)
			return EADDRNOTAVAIL;
		*ifpp = ia->ia_ifp;
		return 0;
	}
	rt = rt_lookup(group);
	if (rt == NULL)
		return ENODEV;
	*ifpp = rt->rt_ifp;
	rt_unref(rt);
	return 0;
}

static struct ip_moptions *ip_moptions_get(struct ip_moptions **imop)
{
	if (*imop == NULL) {
		struct ip_moptions *imo = kmem_zalloc(sizeof(*imo), &M_IPMOPTS);
		if (imo == NULL)
			return NULL;
		imo->imo_multicast_ttl = IP_DEFAULT_MULTICAST_TTL;
		imo->imo_multicast_loop = IP_DEFAULT_MULTICAST_LOOP;
		*imop = imo;
	}
	return *imop;
}

int ip_setmoptions(struct ip_moptions **imop, int optname, const void *val,
		   size_t len)
{
	struct ip_moptions *imo = ip_moptions_get(imop);
	struct ip_mreqn_k mreq = {0};
	struct ifnet *ifp;
	int error, v, i;

	if (imo == NULL)
		return ENOBUFS;
	switch (optname) {
	case IP_MULTICAST_IF:
		if (len < sizeof(struct in_addr))
			return EINVAL;
		memcpy(&mreq, val, MIN(len, sizeof(mreq)));
		if (len >= sizeof(struct ip_mreqn_k)) {
			/* ip_mreqn: the address is the second field. */
			mreq.imr_multiaddr = mreq.imr_address;
		} else
			mreq.imr_ifindex = 0;
		if (mreq.imr_multiaddr.s_addr == INADDR_ANY &&
		    mreq.imr_ifindex == 0) {
			imo->imo_multicast_ifp = NULL;
			imo->imo_multicast_addr.s_addr = INADDR_ANY;
			return 0;
		}
		error = ip_mcast_ifp(mreq.imr_multiaddr, mreq.imr_multiaddr,
				     mreq.imr_ifindex, &ifp);
		if (error != 0)
			return error == ENODEV ? EADDRNOTAVAIL : error;
		if ((ifp->if_flags & IFF_MULTICAST) == 0)
			return EADDRNOTAVAIL;
		imo->imo_multicast_ifp = ifp;
		imo->imo_multicast_addr = mreq.imr_ifindex > 0
						  ? (struct in_addr){0}
						  : mreq.imr_multiaddr;
		return 0;
	case IP_MULTICAST_TTL:
		error = ip_optbyte(val, len, IP_DEFAULT_MULTICAST_TTL, &v);
		if (error == 0)
			imo->imo_multicast_ttl = (uint8_t)v;
		return error;
	case IP_MULTICAST_LOOP:
		error = ip_optbyte(val, len, IP_DEFAULT_MULTICAST_LOOP, &v);
		if (error == 0)
			imo->imo_multicast_loop = v != 0;
		return error;
	case IP_ADD_MEMBERSHIP:
	case IP_DROP_MEMBERSHIP:
		if (len < sizeof(struct ip_mreq))
			return EINVAL;
		memcpy(&mreq, val, MIN(len, sizeof(mreq)));
		if (len < sizeof(struct ip_mreqn_k))
			mreq.imr_ifindex = 0;
		if (!in_multicast(mreq.imr_multiaddr))
			return EINVAL;
		error = ip_mcast_ifp(mreq.imr_multiaddr, mreq.imr_address,
				     mreq.imr_ifindex, &ifp);
		if (error != 0)
			return error;
		for (i = 0; i < imo->imo_num_memberships; i++) {
			struct in_multi *inm = imo->imo_membership[i];
			if (inm->inm_ifp == ifp &&
			    inm->inm_addr.s_addr == mreq.imr_multiaddr.s_addr)
				break;
		}
		if (optname == IP_DROP_MEMBERSHIP) {
			if (i == imo->imo_num_memberships)
				return EADDRNOTAVAIL;
			in_delmulti(imo->imo_membership[i]);
			imo->imo_num_memberships--;
			imo->imo_membership[i] =
				imo->imo_membership[imo->imo_num_memberships];
			return 0;
		}
		if (i < imo->imo_num_memberships)
			return EADDRINUSE;
		if (imo->imo_num_memberships >= IP_MAX_MEMBERSHIPS)
			return ENOBUFS;
		if ((ifp->if_flags & IFF_MULTICAST) == 0)
			return EADDRNOTAVAIL;
		error = in_addmulti(mreq.imr_multiaddr, ifp,
				    &imo->imo_membership[i]);
		if (error == 0)
			imo->imo_num_memberships++;
		return error;
	default:
		return ENOPROTOOPT;
	}
}

int ip_getmoptions(const struct ip_moptions *imo, int optname, void *val,
		   size_t *lenp)
{
	int v;

	switch (optname) {
	case IP_MULTICAST_IF: {
		struct in_addr a = {0};
		if (imo != NULL && imo->imo_multicast_ifp != NULL) {
			struct in_ifaddr *ia =
				in_ifaddr_first(imo->imo_multicast_ifp);
			a = imo->imo_multicast_addr.s_addr != INADDR_ANY
				    ? imo->imo_multicast_addr
			    : ia != NULL ? ia->ia_addr
					 : a;
		}
		memcpy(val, &a, sizeof(a));
		*lenp = sizeof(a);
		return 0;
	}
	case IP_MULTICAST_TTL:
		v = imo != NULL ? imo->imo_multicast_ttl
				: IP_DEFAULT_MULTICAST_TTL;
		break;
	case IP_MULTICAST_LOOP:
		v = imo != NULL ? imo->imo_multicast_loop
				: IP_DEFAULT_MULTICAST_LOOP;
		break;
	default:
		return ENOPROTOOPT;
	}
	memcpy(val, &v, sizeof(v));
	*lenp = sizeof(v);
	return 0;
}

void ip_freemoptions(struct ip_moptions *imo)
{
	for (int i = 0; i < imo->imo_num_memberships; i++)
		in_delmulti(imo->imo_membership[i]);
	kmem_free(imo, sizeof(*imo), &M_IPMOPTS);
}

/* The IPPROTO_IP options of an Internet socket (every pr_ctloutput). */
int ip_ctloutput(int op, struct socket *so, struct sockopt *sopt)
{
	struct inpcb *inp = sotoinpcb(so);
	int error = 0, v;

	if (inp == NULL)
		return EINVAL;
	/* Linux: a TCP option on a UDP or raw socket is EOPNOTSUPP. */
	if (sopt->sopt_level == IPPROTO_TCP)
		return EOPNOTSUPP;
	if (sopt->sopt_level != IPPROTO_IP)
		return sopt->sopt_level == SOL_SOCKET ? 0 : ENOPROTOOPT;
	if (op == PRCO_SETOPT) {
		switch (sopt->sopt_name) {
		case IP_TTL:
			error = sockopt_getint(sopt, &v);
			if (error != 0)
				break;
			if (v == -1)
				v = ip_defttl;
			if (v < 1 || v > 255)
				return EINVAL;
			inp->inp_ip.ip_ttl = (uint8_t)v;
			break;
		case IP_TOS:
			error = ip_optbyte(sopt->sopt_data, sopt->sopt_size, 0,
					   &v);
			if (error == 0)
				inp->inp_ip.ip_tos = (uint8_t)v;
			break;
		case IP_HDRINCL:
			if (so->so_type != SOCK_RAW)
				return ENOPROTOOPT;
			error = sockopt_getint(sopt, &v);
			if (error != 0)
				break;
			if (v)
				inp->inp_flags |= INP_HDRINCL;
			else
				inp->inp_flags &= ~INP_HDRINCL;
			break;
		case IP_MULTICAST_IF:
		case IP_MULTICAST_TTL:
		case IP_MULTICAST_LOOP:
		case IP_ADD_MEMBERSHIP:
		case IP_DROP_MEMBERSHIP:
			error = ip_setmoptions(&inp->inp_moptions,
					       sopt->sopt_name, sopt->sopt_data,
					       sopt->sopt_size);
			break;
		default:
			return ENOPROTOOPT;
		}
		return error;
	}
	switch (sopt->sopt_name) {
	case IP_TTL:
		return sockopt_setint(sopt, inp->inp_ip.ip_ttl);
	case IP_TOS:
		return sockopt_setint(sopt, inp->inp_ip.ip_tos);
	case IP_HDRINCL:
		if (so->so_type != SOCK_RAW)
			return ENOPROTOOPT;
		return sockopt_setint(sopt,
				      (inp->inp_flags & INP_HDRINCL) != 0);
	case IP_MULTICAST_IF:
	case IP_MULTICAST_TTL:
	case IP_MULTICAST_LOOP: {
		uint32_t buf[2];
		size_t len = 0;
		error = ip_getmoptions(inp->inp_moptions, sopt->sopt_name, buf,
				       &len);
		if (error == 0)
			error = sockopt_set(sopt, buf, len);
		return error;
	}
	default:
		return ENOPROTOOPT;
	}
}
