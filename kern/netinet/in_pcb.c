/*
 * in_pcb.c -- Internet protocol control blocks: allocation, binding with
 * Linux's address-reuse rules and ephemeral ports, connecting with source
 * address selection, and the lookups input uses (by four tuple, then by
 * local address and port).  Every table is on one list so that an
 * interface going away can be forgotten by all PCBs.  softnet_lock held.
 */
#include <net/if.h>
#include <net/route.h>
#include <netinet/in_pcb.h>
#include <netinet/in_var.h>
#include <netinet/ip_var.h>
#include <sys/abi.h>
#include <sys/cprng.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

static KMEM_TYPE_DEFINE(M_PCB, "inpcb");
static KMEM_TYPE_DEFINE(M_PCBHASH, "inpcb hash");

static struct list_head in_pcbtables = LIST_HEAD_INIT(in_pcbtables);

static uint32_t in_pcb_mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	return h;
}

static struct list_head *in_pcb_lbucket(struct inpcbtable *t, in_port_t lport)
{
	return &t->inpt_lhash[in_pcb_mix(lport ^ t->inpt_secret) &
			      t->inpt_lmask];
}

static struct list_head *in_pcb_cbucket(struct inpcbtable *t,
					struct in_addr faddr, in_port_t fport,
					struct in_addr laddr, in_port_t lport)
{
	uint32_t h = in_pcb_mix(faddr.s_addr ^ t->inpt_secret);

	h = in_pcb_mix(h ^ laddr.s_addr);
	h = in_pcb_mix(h ^ ((uint32_t)fport << 16 | lport));
	return &t->inpt_chash[h & t->inpt_cmask];
}

int in_pcbinit(struct inpcbtable *table, int hashsize)
{
	int n = 1;

	while (n < hashsize)
		n <<= 1;
	memset(table, 0, sizeof(*table));
	table->inpt_lhash =
		kmem_alloc(n * sizeof(struct list_head), &M_PCBHASH);
	table->inpt_chash =
		kmem_alloc(n * sizeof(struct list_head), &M_PCBHASH);
	if (table->inpt_lhash == NULL || table->inpt_chash == NULL) {
		if (table->inpt_lhash != NULL)
			kmem_free(table->inpt_lhash,
				  n * sizeof(struct list_head), &M_PCBHASH);
		if (table->inpt_chash != NULL)
			kmem_free(table->inpt_chash,
				  n * sizeof(struct list_head), &M_PCBHASH);
		return ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		list_init(&table->inpt_lhash[i]);
		list_init(&table->inpt_chash[i]);
	}
	table->inpt_lmask = table->inpt_cmask = (uint32_t)n - 1;
	list_init(&table->inpt_queue);
	table->inpt_secret = cprng_u32();
	table->inpt_lastport = (in_port_t)(IPPORT_ANONMIN +
					   cprng_u32() % (IPPORT_ANONMAX -
							  IPPORT_ANONMIN + 1));
	list_push_back(&in_pcbtables, &table->inpt_node);
	return 0;
}

void in_pcbfini(struct inpcbtable *table)
{
	size_t n = (size_t)table->inpt_lmask + 1;

	KASSERT(table->inpt_count == 0);
	list_remove(&table->inpt_node);
	kmem_free(table->inpt_lhash, n * sizeof(struct list_head), &M_PCBHASH);
	kmem_free(table->inpt_chash, n * sizeof(struct list_head), &M_PCBHASH);
	table->inpt_lhash = table->inpt_chash = NULL;
}

int in_pcballoc(struct socket *so, struct inpcbtable *table)
{
	struct inpcb *inp;

	KASSERT(mutex_owned(&softnet_lock));
	inp = kmem_zalloc(sizeof(*inp), &M_PCB);
	if (inp == NULL)
		return ENOBUFS;
	inp->inp_table = table;
	inp->inp_socket = so;
	inp->inp_state = INP_ATTACHED;
	inp->inp_ip.ip_ttl = (uint8_t)ip_defttl;
	list_push_back(&table->inpt_queue, &inp->inp_list);
	table->inpt_count++;
	so->so_pcb = inp;
	return 0;
}

static void in_pcbstate(struct inpcb *inp, int state)
{
	struct inpcbtable *t = inp->inp_table;

	if (inp->inp_state >= INP_BOUND)
		list_remove(&inp->inp_lhash);
	if (inp->inp_state == INP_CONNECTED)
		list_remove(&inp->inp_chash);
	inp->inp_state = state;
	if (state >= INP_BOUND)
		list_push_back(in_pcb_lbucket(t, inp->inp_lport),
			       &inp->inp_lhash);
	if (state == INP_CONNECTED)
		list_push_back(in_pcb_cbucket(t, inp->inp_faddr, inp->inp_fport,
					      inp->inp_laddr, inp->inp_lport),
			       &inp->inp_chash);
}

static int in_pcb_options(const struct inpcb *inp)
{
	return inp->inp_socket != NULL ? inp->inp_socket->so_options : 0;
}

/*
 * Would inp, bound to laddr:lport, conflict with other (bound there
 * already)?  Linux's rules: see the header.
 */
static bool in_pcb_conflicts(const struct inpcb *inp, struct in_addr laddr,
			     const struct inpcb *other)
{
	int mine = in_pcb_options(inp), theirs = in_pcb_options(other);

	if (other == inp)
		return false;
	if (laddr.s_addr != 0 && other->inp_laddr.s_addr != 0 &&
	    laddr.s_addr != other->inp_laddr.s_addr)
		return false;
	if (other->inp_flags & INP_TIMEWAIT)
		return (mine & SO_REUSEADDR) == 0;
	if ((mine & SO_REUSEPORT) && (theirs & SO_REUSEPORT))
		return false;
	if ((mine & SO_REUSEADDR) && (theirs & SO_REUSEADDR) &&
	    (theirs & SO_ACCEPTCONN) == 0)
		return false;
	return true;
}

/* May inp take laddr:lport (network order)? */
static bool in_pcb_port_free(struct inpcb *inp, struct in_addr laddr,
			     in_port_t lport)
{
	struct list_head *b = in_pcb_lbucket(inp->inp_table, lport);

	list_foreach(it, b)
	{
		struct inpcb *o = list_entry(it, struct inpcb, inp_lhash);
		if (o->inp_lport == lport && in_pcb_conflicts(inp, laddr, o))
			return false;
	}
	return true;
}

int in_pcbcheckbind(struct inpcb *inp)
{
	KASSERT(mutex_owned(&softnet_lock));
	return in_pcb_port_free(inp, inp->inp_laddr, inp->inp_lport)
		       ? 0
		       : EADDRINUSE;
}

/* An ephemeral port for inp at laddr, or EAGAIN when all are taken. */
static int in_pcb_anonport(struct inpcb *inp, struct in_addr laddr,
			   in_port_t *lportp)
{
	struct inpcbtable *t = inp->inp_table;
	const int span = IPPORT_ANONMAX - IPPORT_ANONMIN + 1;
	int port = t->inpt_lastport;

	for (int i = 0; i < span; i++) {
		port = port >= IPPORT_ANONMAX ? IPPORT_ANONMIN : port + 1;
		if (in_pcb_port_free(inp, laddr, htons((uint16_t)port))) {
			t->inpt_lastport = (in_port_t)port;
			*lportp = htons((uint16_t)port);
			return 0;
		}
	}
	return EAGAIN;
}

int in_pcbbind(struct inpcb *inp, const struct sockaddr_in *sin, struct lwp *l)
{
	struct in_addr laddr = {0};
	in_port_t lport = 0;
	int error;

	KASSERT(mutex_owned(&softnet_lock));
	if (inp->inp_state != INP_ATTACHED)
		return EINVAL;
	if (sin != NULL) {
		if (sin->sin_len < sizeof(*sin))
			return EINVAL;
		/* Linux takes AF_UNSPEC for INADDR_ANY, nothing else. */
		if (sin->sin_family != AF_INET &&
		    !(sin->sin_family == AF_UNSPEC &&
		      sin->sin_addr.s_addr == INADDR_ANY))
			return EAFNOSUPPORT;
		laddr = sin->sin_addr;
		lport = sin->sin_port;
		if (laddr.s_addr != INADDR_ANY && !in_multicast(laddr) &&
		    laddr.s_addr != htonl(INADDR_BROADCAST) && !in_local(laddr))
			return EADDRNOTAVAIL;
	}
	if (lport == 0) {
		error = in_pcb_anonport(inp, laddr, &lport);
		if (error != 0)
			return error;
		inp->inp_flags |= INP_ANONPORT;
	} else if (!in_pcb_port_free(inp, laddr, lport))
		return EADDRINUSE;
	inp->inp_laddr = laddr;
	inp->inp_lport = lport;
	if (laddr.s_addr != INADDR_ANY)
		inp->inp_flags |= INP_BOUNDADDR;
	in_pcbstate(inp, INP_BOUND);
	if (inp->inp_socket != NULL)
		inp->inp_socket->so_state |= SS_ISBOUND;
	return 0;
}

int in_pcbsrcaddr(struct inpcb *inp, struct in_addr dst, struct in_addr *srcp)
{
	const struct ip_moptions *imo = inp->inp_moptions;
	struct in_ifaddr *ia;
	struct rtentry *rt;

	KASSERT(mutex_owned(&softnet_lock));
	if (in_multicast(dst) && imo != NULL &&
	    imo->imo_multicast_ifp != NULL) {
		if (imo->imo_multicast_addr.s_addr != INADDR_ANY) {
			*srcp = imo->imo_multicast_addr;
			return 0;
		}
		ia = in_ifaddr_first(imo->imo_multicast_ifp);
		if (ia == NULL)
			return EADDRNOTAVAIL;
		*srcp = ia->ia_addr;
		return 0;
	}
	rt = rtcache_lookup(&inp->inp_route, dst);
	if (rt == NULL || (rt->rt_flags & RTF_REJECT))
		return ENETUNREACH;
	if (rt->rt_src.s_addr != INADDR_ANY) {
		*srcp = rt->rt_src;
		return 0;
	}
	ia = in_ifaddr_for(rt->rt_ifp, dst);
	if (ia == NULL)
		return EADDRNOTAVAIL;
	*srcp = ia->ia_addr;
	return 0;
}

int in_pcbconnect(struct inpcb *inp, const struct sockaddr_in *sin,
		  struct lwp *l)
{
	struct in_addr faddr, laddr;
	int error;

	KASSERT(mutex_owned(&softnet_lock));
	if (sin->sin_len < sizeof(*sin))
		return EINVAL;
	if (sin->sin_family != AF_INET)
		return EAFNOSUPPORT;
	if (sin->sin_port == 0)
		return EADDRNOTAVAIL;
	if (inp->inp_state == INP_CONNECTED)
		return EISCONN;
	faddr = sin->sin_addr;
	/* Linux: the unspecified address means this host, over loopback. */
	if (faddr.s_addr == INADDR_ANY)
		faddr.s_addr = htonl(INADDR_LOOPBACK);
	laddr = inp->inp_laddr;
	if (laddr.s_addr == INADDR_ANY || in_multicast(laddr)) {
		error = in_pcbsrcaddr(inp, faddr, &laddr);
		if (error != 0)
			return error;
	}
	if (in_pcblookup_connect(inp->inp_table, faddr, sin->sin_port, laddr,
				 inp->inp_lport) != NULL &&
	    inp->inp_lport != 0)
		return EADDRINUSE;
	if (inp->inp_state == INP_ATTACHED) {
		error = in_pcbbind(inp, NULL, l);
		if (error != 0)
			return error;
	}
	inp->inp_laddr = laddr;
	inp->inp_faddr = faddr;
	inp->inp_fport = sin->sin_port;
	in_pcbstate(inp, INP_CONNECTED);
	return 0;
}

void in_pcbdisconnect(struct inpcb *inp)
{
	KASSERT(mutex_owned(&softnet_lock));
	if (inp->inp_state != INP_CONNECTED)
		return;
	inp->inp_faddr.s_addr = INADDR_ANY;
	inp->inp_fport = 0;
	if ((inp->inp_flags & INP_BOUNDADDR) == 0)
		inp->inp_laddr.s_addr = INADDR_ANY;
	rtcache_free(&inp->inp_route);
	in_pcbstate(inp, INP_BOUND);
}

void in_pcbdetach(struct inpcb *inp)
{
	KASSERT(mutex_owned(&softnet_lock));
	if (inp->inp_socket != NULL && inp->inp_socket->so_pcb == inp)
		inp->inp_socket->so_pcb = NULL;
	in_pcbstate(inp, INP_ATTACHED);
	list_remove(&inp->inp_list);
	inp->inp_table->inpt_count--;
	rtcache_free(&inp->inp_route);
	if (inp->inp_moptions != NULL)
		ip_freemoptions(inp->inp_moptions);
	kmem_free(inp, sizeof(*inp), &M_PCB);
}

struct inpcb *in_pcblookup_connect(struct inpcbtable *table,
				   struct in_addr faddr, in_port_t fport,
				   struct in_addr laddr, in_port_t lport)
{
	struct list_head *b = in_pcb_cbucket(table, faddr, fport, laddr, lport);

	list_foreach(it, b)
	{
		struct inpcb *inp = list_entry(it, struct inpcb, inp_chash);
		if (inp->inp_faddr.s_addr == faddr.s_addr &&
		    inp->inp_fport == fport &&
		    inp->inp_laddr.s_addr == laddr.s_addr &&
		    inp->inp_lport == lport)
			return inp;
	}
	return NULL;
}

struct inpcb *in_pcblookup_bind(struct inpcbtable *table, struct in_addr laddr,
				in_port_t lport)
{
	struct list_head *b = in_pcb_lbucket(table, lport);
	struct inpcb *wild = NULL;

	list_foreach(it, b)
	{
		struct inpcb *inp = list_entry(it, struct inpcb, inp_lhash);
		if (inp->inp_lport != lport || inp->inp_state != INP_BOUND)
			continue;
		if (inp->inp_laddr.s_addr == laddr.s_addr)
			return inp;
		if (inp->inp_laddr.s_addr == INADDR_ANY && wild == NULL)
			wild = inp;
	}
	return wild;
}

struct inpcb *in_pcblookup(struct inpcbtable *table, struct in_addr faddr,
			   in_port_t fport, struct in_addr laddr,
			   in_port_t lport)
{
	struct inpcb *inp =
		in_pcblookup_connect(table, faddr, fport, laddr, lport);

	return inp != NULL ? inp : in_pcblookup_bind(table, laddr, lport);
}

void in_pcbnotify(struct inpcbtable *table, struct in_addr faddr,
		  in_port_t fport, struct in_addr laddr, in_port_t lport,
		  void (*fn)(struct inpcb *inp, void *arg), void *arg)
{
	list_foreach_safe(it, &table->inpt_queue)
	{
		struct inpcb *inp = list_entry(it, struct inpcb, inp_list);
		if (inp->inp_state != INP_CONNECTED ||
		    inp->inp_faddr.s_addr != faddr.s_addr ||
		    (fport != 0 && inp->inp_fport != fport) ||
		    (lport != 0 && inp->inp_lport != lport) ||
		    (laddr.s_addr != INADDR_ANY &&
		     inp->inp_laddr.s_addr != laddr.s_addr))
			continue;
		fn(inp, arg);
	}
}

void in_pcbrtchange(struct inpcbtable *table)
{
	list_foreach(it, &table->inpt_queue)
	{
		rtcache_free(
			&list_entry(it, struct inpcb, inp_list)->inp_route);
	}
}

void in_pcbpurgeif(struct ifnet *ifp)
{
	list_foreach(t, &in_pcbtables)
	{
		struct inpcbtable *table =
			list_entry(t, struct inpcbtable, inpt_node);
		list_foreach(it, &table->inpt_queue)
		{
			struct inpcb *inp =
				list_entry(it, struct inpcb, inp_list);
			if (inp->inp_route.ro_rt != NULL &&
			    inp->inp_route.ro_rt->rt_ifp == ifp)
				rtcache_free(&inp->inp_route);
			if (inp->inp_moptions != NULL &&
			    inp->inp_moptions->imo_multicast_ifp == ifp)
				inp->inp_moptions->imo_multicast_ifp = NULL;
		}
	}
}

void in_setsockaddr(const struct inpcb *inp, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_len = sizeof(*sin);
	sin->sin_family = AF_INET;
	sin->sin_addr = inp->inp_laddr;
	sin->sin_port = inp->inp_lport;
}

void in_setpeeraddr(const struct inpcb *inp, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_len = sizeof(*sin);
	sin->sin_family = AF_INET;
	sin->sin_addr = inp->inp_faddr;
	sin->sin_port = inp->inp_fport;
}

struct rtentry *in_pcbrtentry(struct inpcb *inp)
{
	return rtcache_lookup(&inp->inp_route, inp->inp_faddr);
}

int in_pcbwalk(struct inpcbtable *table,
	       int (*fn)(struct inpcb *inp, void *arg), void *arg)
{
	list_foreach_safe(it, &table->inpt_queue)
	{
		int error = fn(list_entry(it, struct inpcb, inp_list), arg);
		if (error != 0)
			return error;
	}
	return 0;
}
