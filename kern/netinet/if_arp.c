/*
 * if_arp.c -- ARP for IPv4 over Ethernet (RFC 826).  The cache holds one
 * entry per (interface, address): complete entries give the link address
 * until they expire; an incomplete one holds up to arp_maxhold packets
 * (the oldest dropped first) while requests are retried every
 * arp_retry_ns, arp_maxtries times, after which the packets are dropped
 * and the entry refuses sends (EHOSTDOWN) for arp_downtime_ns.  One timer
 * runs while the cache is not empty.  Replies and requests for us update
 * the cache; requests for our addresses are answered; adding an address
 * announces it (gratuitous ARP).  softnet_lock held throughout.
 */
#include <net/if.h>
#include <net/if_arp.h>
#include <net/if_ether.h>
#include <net/netisr.h>
#include <netinet/if_inarp.h>
#include <netinet/in_var.h>
#include <sys/abi.h>
#include <sys/callout.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>
#include <sys/systm.h>
#include <sys/time.h>

static KMEM_TYPE_DEFINE(M_ARP, "arp");

struct arpstat arpstat;
uint64_t arp_keep_ns = 20 * 60 * NSEC_PER_SEC;
uint64_t arp_retry_ns = NSEC_PER_SEC;
uint64_t arp_downtime_ns = 20 * NSEC_PER_SEC;
int arp_maxtries = 5;
int arp_maxhold = 16;
int arp_maxentries = 1024;

#define ARP_HASHSIZE 64

struct arpentry {
	struct list_node ae_hash;
	struct ifnet *ae_ifp;
	struct in_addr ae_addr;
	uint8_t ae_lla[ETHER_ADDR_LEN];
	bool ae_complete;
	bool ae_down;	    /* gave up: refuse until ae_expire */
	int ae_asked;	    /* requests sent while incomplete */
	uint64_t ae_expire; /* complete/down: end; incomplete: next retry */
	struct mbuf *ae_hold, *ae_holdtail;
	int ae_nhold;
};

static struct list_head arp_hash[ARP_HASHSIZE];
static int arp_nentries;
static struct callout arp_timer;
static bool arp_timer_on, arp_inited;

static struct list_head *arp_bucket(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	return &arp_hash[(h ^ (h >> 8) ^ (h >> 16)) % ARP_HASHSIZE];
}

static struct arpentry *arp_lookup(struct ifnet *ifp, struct in_addr a)
{
	list_foreach(it, arp_bucket(a))
	{
		struct arpentry *ae = list_entry(it, struct arpentry, ae_hash);
		if (ae->ae_ifp == ifp && ae->ae_addr.s_addr == a.s_addr)
			return ae;
	}
	return NULL;
}

static void arp_timer_start(void)
{
	if (!arp_timer_on) {
		arp_timer_on = true;
		(void)callout_schedule_ns(&arp_timer, arp_retry_ns);
	}
}

static void arp_drop_held(struct arpentry *ae, uint64_t *counter)
{
	while (ae->ae_hold != NULL) {
		struct mbuf *m = ae->ae_hold;
		ae->ae_hold = m->m_nextpkt;
		m->m_nextpkt = NULL;
		m_freem(m);
		(*counter)++;
	}
	ae->ae_holdtail = NULL;
	ae->ae_nhold = 0;
}

static void arp_free(struct arpentry *ae)
{
	arp_drop_held(ae, &arpstat.as_dfrdropped);
	list_remove(&ae->ae_hash);
	arp_nentries--;
	kmem_free(ae, sizeof(*ae), &M_ARP);
}

static struct arpentry *arp_create(struct ifnet *ifp, struct in_addr a)
{
	struct arpentry *ae;

	if (arp_nentries >= arp_maxentries) {
		arpstat.as_allocfail++;
		return NULL;
	}
	ae = kmem_zalloc(sizeof(*ae), &M_ARP);
	if (ae == NULL) {
		arpstat.as_allocfail++;
		return NULL;
	}
	ae->ae_ifp = ifp;
	ae->ae_addr = a;
	list_push_back(arp_bucket(a), &ae->ae_hash);
	arp_nentries++;
	arp_timer_start();
	return ae;
}

/* Sends an ARP packet of op from sip to tip (tha NULL: broadcast). */
static void arp_send(struct ifnet *ifp, int op, struct in_addr sip,
		     struct in_addr tip, const uint8_t *tha)
{
	struct sockaddr sa;
	struct ether_header *eh = (struct ether_header *)sa.sa_data;
	struct ether_arp *ea;
	struct mbuf *m;

	m = m_gethdr(M_NOWAIT, MT_DATA);
	if (m == NULL) {
		arpstat.as_allocfail++;
		return;
	}
	m->m_data += max_linkhdr;
	m->m_len = m->m_pkthdr.len = sizeof(*ea);
	ea = mtod(m, struct ether_arp *);
	memset(ea, 0, sizeof(*ea));
	ea->ea_hdr.ar_hrd = htons(ARPHRD_ETHER);
	ea->ea_hdr.ar_pro = htons(ETHERTYPE_IP);
	ea->ea_hdr.ar_hln = ETHER_ADDR_LEN;
	ea->ea_hdr.ar_pln = sizeof(struct in_addr);
	ea->ea_hdr.ar_op = htons((uint16_t)op);
	memcpy(ea->arp_sha, ifp->if_lladdr, ETHER_ADDR_LEN);
	memcpy(ea->arp_spa, &sip, sizeof(sip));
	if (tha != NULL)
		memcpy(ea->arp_tha, tha, ETHER_ADDR_LEN);
	memcpy(ea->arp_tpa, &tip, sizeof(tip));
	memset(&sa, 0, sizeof(sa));
	sa.sa_len = sizeof(sa);
	sa.sa_family = AF_UNSPEC;
	memcpy(eh->ether_dhost, tha != NULL ? tha : etherbroadcastaddr,
	       ETHER_ADDR_LEN);
	eh->ether_type = htons(ETHERTYPE_ARP);
	arpstat.as_sndtotal++;
	if (op == ARPOP_REPLY)
		arpstat.as_sndreply++;
	else
		arpstat.as_sndrequest++;
	(void)ifp->if_output(ifp, m, &sa, NULL);
}

static void arp_request(struct arpentry *ae)
{
	struct in_ifaddr *ia = in_ifaddr_for(ae->ae_ifp, ae->ae_addr);

	if (ia == NULL)
		return;
	ae->ae_asked++;
	ae->ae_expire = getnsmono() + arp_retry_ns;
	arp_send(ae->ae_ifp, ARPOP_REQUEST, ia->ia_addr, ae->ae_addr, NULL);
}

void arp_announce(struct ifnet *ifp, struct in_addr addr)
{
	KASSERT(mutex_owned(&softnet_lock));
	if (ifp->if_type != IFT_ETHER || (ifp->if_flags & IFF_NOARP))
		return;
	arp_send(ifp, ARPOP_REQUEST, addr, addr, NULL);
}

int arpresolve(struct ifnet *ifp, struct mbuf *m, struct in_addr dst,
	       uint8_t *lla)
{
	struct arpentry *ae;

	KASSERT(mutex_owned(&softnet_lock));
	if (in_broadcast(dst, ifp)) {
		memcpy(lla, etherbroadcastaddr, ETHER_ADDR_LEN);
		return 0;
	}
	ae = arp_lookup(ifp, dst);
	if (ae != NULL && ae->ae_complete) {
		memcpy(lla, ae->ae_lla, ETHER_ADDR_LEN);
		return 0;
	}
	if (ae != NULL && ae->ae_down) {
		m_freem(m);
		return EHOSTDOWN;
	}
	if (ae == NULL && (ae = arp_create(ifp, dst)) == NULL) {
		m_freem(m);
		return ENOBUFS;
	}
	/* Hold the packet; a full queue drops its oldest. */
	if (ae->ae_nhold >= arp_maxhold) {
		struct mbuf *old = ae->ae_hold;
		ae->ae_hold = old->m_nextpkt;
		if (ae->ae_hold == NULL)
			ae->ae_holdtail = NULL;
		old->m_nextpkt = NULL;
		m_freem(old);
		ae->ae_nhold--;
		arpstat.as_dfrdropped++;
	}
	m->m_nextpkt = NULL;
	if (ae->ae_holdtail == NULL)
		ae->ae_hold = m;
	else
		ae->ae_holdtail->m_nextpkt = m;
	ae->ae_holdtail = m;
	ae->ae_nhold++;
	if (ae->ae_asked == 0)
		arp_request(ae);
	return EWOULDBLOCK;
}

/* The entry learned its address: send what waited for it. */
static void arp_complete(struct arpentry *ae, const uint8_t *lla)
{
	struct sockaddr_in dst = {.sin_len = sizeof(dst),
				  .sin_family = AF_INET,
				  .sin_addr = ae->ae_addr};
	struct ifnet *ifp = ae->ae_ifp;
	struct mbuf *m, *next;

	memcpy(ae->ae_lla, lla, ETHER_ADDR_LEN);
	ae->ae_complete = true;
	ae->ae_down = false;
	ae->ae_asked = 0;
	ae->ae_expire = getnsmono() + arp_keep_ns;
	m = ae->ae_hold;
	ae->ae_hold = ae->ae_holdtail = NULL;
	ae->ae_nhold = 0;
	/* ae may go away under if_output (a full cache): no use after. */
	for (; m != NULL; m = next) {
		next = m->m_nextpkt;
		m->m_nextpkt = NULL;
		(void)ifp->if_output(ifp, m, (const struct sockaddr *)&dst,
				     NULL);
	}
}

void arp_input(struct mbuf *m)
{
	struct ifnet *ifp = m->m_pkthdr.rcvif;
	struct ether_arp *ea;
	struct in_addr sip, tip;
	struct in_ifaddr *ia;
	struct arpentry *ae;
	uint8_t sha[ETHER_ADDR_LEN];
	int op;

	KASSERT(mutex_owned(&softnet_lock));
	arpstat.as_rcvtotal++;
	if (m->m_pkthdr.len < (int)sizeof(*ea) ||
	    (m->m_len < (int)sizeof(*ea) &&
	     (m = m_pullup(m, sizeof(*ea))) == NULL)) {
		arpstat.as_rcvbadproto++;
		if_statinc(ifp, ifs_ierrors);
		m_freem(m);
		return;
	}
	ea = mtod(m, struct ether_arp *);
	op = ntohs(ea->ea_hdr.ar_op);
	if (ntohs(ea->ea_hdr.ar_hrd) != ARPHRD_ETHER ||
	    ntohs(ea->ea_hdr.ar_pro) != ETHERTYPE_IP ||
	    ea->ea_hdr.ar_hln != ETHER_ADDR_LEN ||
	    ea->ea_hdr.ar_pln != sizeof(struct in_addr) ||
	    (op != ARPOP_REQUEST && op != ARPOP_REPLY)) {
		arpstat.as_rcvbadproto++;
		if_statinc(ifp, ifs_ierrors);
		goto out;
	}
	memcpy(sha, ea->arp_sha, ETHER_ADDR_LEN);
	memcpy(&sip, ea->arp_spa, sizeof(sip));
	memcpy(&tip, ea->arp_tpa, sizeof(tip));
	if (ETHER_IS_MULTICAST(sha)) {
		arpstat.as_rcvmcast++;
		goto out;
	}
	if (memcmp(sha, ifp->if_lladdr, ETHER_ADDR_LEN) == 0) {
		arpstat.as_rcvlocalsha++;
		goto out;
	}
	if (op == ARPOP_REQUEST)
		arpstat.as_rcvrequest++;
	else
		arpstat.as_rcvreply++;
	if (sip.s_addr == INADDR_ANY) {
		/* A probe (RFC 5227): answer it, learn nothing. */
		goto reply;
	}
	if (in_ifaddr_lookup(sip) != NULL &&
	    in_ifaddr_lookup(sip)->ia_ifp == ifp) {
		/* Someone else claims one of our addresses. */
		arpstat.as_dupips++;
		aprint_verbose("%s: duplicate IP address %u.%u.%u.%u\n",
			       ifp->if_xname, ntohl(sip.s_addr) >> 24,
			       (ntohl(sip.s_addr) >> 16) & 0xff,
			       (ntohl(sip.s_addr) >> 8) & 0xff,
			       ntohl(sip.s_addr) & 0xff);
		goto out;
	}
	ia = in_ifaddr_lookup(tip);
	if (ia != NULL && ia->ia_ifp != ifp)
		ia = NULL;
	/* RFC 826: update an entry we have; create one if we are asked. */
	ae = arp_lookup(ifp, sip);
	if (ae == NULL && ia != NULL)
		ae = arp_create(ifp, sip);
	if (ae != NULL)
		arp_complete(ae, sha);
reply:
	if (op != ARPOP_REQUEST)
		goto out;
	ia = in_ifaddr_lookup(tip);
	if (ia == NULL || ia->ia_ifp != ifp)
		goto out;
	arp_send(ifp, ARPOP_REPLY, tip, sip.s_addr != INADDR_ANY ? sip : tip,
		 sha);
out:
	m_freem(m);
}

static void arp_tick(void *arg)
{
	uint64_t now;

	mutex_enter(&softnet_lock);
	if (callout_pending(&arp_timer) || !arp_timer_on) {
		mutex_exit(&softnet_lock);
		return;
	}
	now = getnsmono();
	for (int i = 0; i < ARP_HASHSIZE; i++) {
		list_foreach_safe(it, &arp_hash[i])
		{
			struct arpentry *ae =
				list_entry(it, struct arpentry, ae_hash);
			if (ae->ae_expire > now)
				continue;
			if (ae->ae_complete || ae->ae_down)
				arp_free(ae);
			else if (ae->ae_asked >= arp_maxtries) {
				arp_drop_held(ae, &arpstat.as_dfrtimeout);
				ae->ae_down = true;
				ae->ae_expire = now + arp_downtime_ns;
			} else
				arp_request(ae);
		}
	}
	arp_timer_on = false;
	if (arp_nentries > 0)
		arp_timer_start();
	mutex_exit(&softnet_lock);
}

void arp_purge_ifp(struct ifnet *ifp)
{
	KASSERT(mutex_owned(&softnet_lock));
	for (int i = 0; i < ARP_HASHSIZE; i++) {
		list_foreach_safe(it, &arp_hash[i])
		{
			struct arpentry *ae =
				list_entry(it, struct arpentry, ae_hash);
			if (ifp == NULL || ae->ae_ifp == ifp)
				arp_free(ae);
		}
	}
}

int arp_walk(int (*fn)(const struct arp_info *ai, void *arg), void *arg)
{
	for (int i = 0; i < ARP_HASHSIZE; i++) {
		list_foreach(it, &arp_hash[i])
		{
			struct arpentry *ae =
				list_entry(it, struct arpentry, ae_hash);
			struct arp_info ai = {
				.ai_addr = ae->ae_addr,
				.ai_ifindex = ae->ae_ifp->if_index,
				.ai_complete = ae->ae_complete,
				.ai_held = ae->ae_nhold,
				.ai_expire_ns = ae->ae_expire,
			};
			int error;

			memcpy(ai.ai_lla, ae->ae_lla, ETHER_ADDR_LEN);
			error = fn(&ai, arg);
			if (error != 0)
				return error;
		}
	}
	return 0;
}

int arp_count(void)
{
	return arp_nentries;
}

void arp_init(void)
{
	for (int i = 0; i < ARP_HASHSIZE; i++)
		list_init(&arp_hash[i]);
	arp_nentries = 0;
	callout_init(&arp_timer);
	callout_setfunc(&arp_timer, arp_tick, NULL);
	arp_timer_on = false;
	arp_inited = true;
}

void arp_fini(void)
{
	if (!arp_inited)
		return;
	arp_purge_ifp(NULL);
	arp_timer_on = false;
	mutex_exit(&softnet_lock);
	callout_halt(&arp_timer);
	mutex_enter(&softnet_lock);
	callout_destroy(&arp_timer);
	arp_inited = false;
}
