/*
 * if.c -- the interface list: attaching and detaching interfaces, names
 * and indexes, administrative state, and the cloners through which
 * configuration creates and destroys interfaces by name.  Everything here
 * runs with softnet_lock held; protocols learn of interfaces coming up,
 * going down and going away through the event hooks (if_event_register),
 * routing sockets through the rt_msg_* hooks (net/route.h).
 */
#include <net/if.h>
#include <net/if_fault.h>
#include <net/netisr.h>
#include <net/route.h>
#include <rump/rtsock.h>
#include <sys/atomic.h>
#include <sys/errno.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

struct list_head ifnet_list = LIST_HEAD_INIT(ifnet_list);
static struct list_head if_cloners = LIST_HEAD_INIT(if_cloners);

#define IF_EVENT_HOOKS 8
static void (*if_event_hooks[IF_EVENT_HOOKS])(struct ifnet *, enum if_event);

void if_event_register(void (*fn)(struct ifnet *ifp, enum if_event ev))
{
	KASSERT(mutex_owned(&softnet_lock));
	for (int i = 0; i < IF_EVENT_HOOKS; i++) {
		if (if_event_hooks[i] == NULL) {
			if_event_hooks[i] = fn;
			return;
		}
	}
	panic("if_event_register: too many hooks");
}

void if_event_unregister(void (*fn)(struct ifnet *ifp, enum if_event ev))
{
	for (int i = 0; i < IF_EVENT_HOOKS; i++)
		if (if_event_hooks[i] == fn)
			if_event_hooks[i] = NULL;
}

static void if_event_run(struct ifnet *ifp, enum if_event ev)
{
	for (int i = 0; i < IF_EVENT_HOOKS; i++)
		if (if_event_hooks[i] != NULL)
			if_event_hooks[i](ifp, ev);
}

void if_initname(struct ifnet *ifp, const char *prefix, int unit)
{
	snprintf(ifp->if_xname, sizeof(ifp->if_xname), "%s%d", prefix, unit);
}

struct ifnet *if_byname(const char *name)
{
	list_foreach(it, &ifnet_list)
	{
		struct ifnet *ifp = list_entry(it, struct ifnet, if_list);
		if (strncmp(ifp->if_xname, name, IFNAMSIZ) == 0)
			return ifp;
	}
	return NULL;
}

struct ifnet *if_byindex(unsigned int index)
{
	list_foreach(it, &ifnet_list)
	{
		struct ifnet *ifp = list_entry(it, struct ifnet, if_list);
		if (ifp->if_index == index)
			return ifp;
	}
	return NULL;
}

/* The lowest index no attached interface has. */
static unsigned int if_free_index(void)
{
	unsigned int index = 1;

	while (if_byindex(index) != NULL)
		index++;
	return index;
}

int if_attach(struct ifnet *ifp)
{
	KASSERT(mutex_owned(&softnet_lock));
	if (ifp->if_xname[0] == '\0' ||
	    strnlen(ifp->if_xname, IFNAMSIZ) == IFNAMSIZ)
		return EINVAL;
	if (if_byname(ifp->if_xname) != NULL)
		return EEXIST;
	ifq_init(&ifp->if_snd, IFQ_MAXLEN_DEFAULT);
	mutex_init(&ifp->if_tap_lock, MUTEX_DEFAULT);
	list_init(&ifp->if_addrlist);
	list_init(&ifp->if_multiaddrs);
	memset(&ifp->if_stats, 0, sizeof(ifp->if_stats));
	ifp->if_tap_fn = NULL;
	ifp->if_tap_arg = NULL;
	ifp->if_index = if_free_index();
	ifp->if_flags &= ~(IFF_UP | IFF_RUNNING);
	ifp->if_attached = 1;
	list_push_back(&ifnet_list, &ifp->if_list);
	if_event_run(ifp, IF_EVENT_ATTACH);
	rt_msg_ifannounce(ifp, RUMP_IFAN_ARRIVAL);
	aprint_verbose("%s: attached, index %u\n", ifp->if_xname,
		       ifp->if_index);
	return 0;
}

void if_detach(struct ifnet *ifp)
{
	KASSERT(mutex_owned(&softnet_lock));
	KASSERT(ifp->if_attached);
	if_down(ifp);
	/* Protocols drop their addresses, ARP entries and memberships. */
	if_event_run(ifp, IF_EVENT_DETACH);
	rt_delete_ifp(ifp);
	rt_msg_ifannounce(ifp, RUMP_IFAN_DEPARTURE);
	netisr_purge_ifp(ifp);
	if_fault_purge(ifp);
	list_remove(&ifp->if_list);
	ifp->if_attached = 0;
	ifq_destroy(&ifp->if_snd);
	mutex_destroy(&ifp->if_tap_lock);
	aprint_verbose("%s: detached\n", ifp->if_xname);
}

int if_up(struct ifnet *ifp)
{
	int error = 0;

	KASSERT(mutex_owned(&softnet_lock));
	if (ifp->if_flags & IFF_UP)
		return 0;
	if (ifp->if_ops != NULL && ifp->if_ops->ifo_init != NULL) {
		error = ifp->if_ops->ifo_init(ifp);
		if (error != 0)
			return error;
	} else
		atomic_store_relaxed(&ifp->if_flags,
				     ifp->if_flags | IFF_RUNNING);
	atomic_store_relaxed(&ifp->if_flags, ifp->if_flags | IFF_UP);
	if_event_run(ifp, IF_EVENT_UP);
	rt_msg_ifinfo(ifp);
	return 0;
}

void if_down(struct ifnet *ifp)
{
	KASSERT(mutex_owned(&softnet_lock));
	if ((ifp->if_flags & IFF_UP) == 0)
		return;
	atomic_store_relaxed(&ifp->if_flags, ifp->if_flags & ~IFF_UP);
	if (ifp->if_ops != NULL && ifp->if_ops->ifo_stop != NULL)
		ifp->if_ops->ifo_stop(ifp);
	else
		atomic_store_relaxed(&ifp->if_flags,
				     ifp->if_flags & ~IFF_RUNNING);
	ifq_purge(&ifp->if_snd);
	if_event_run(ifp, IF_EVENT_DOWN);
	rt_msg_ifinfo(ifp);
}

int if_setflags(struct ifnet *ifp, int flags)
{
	int keep = ifp->if_flags & (IFF_CANTCHANGE | IFF_UP);
	int old = atomic_load_relaxed(&ifp->if_flags), error = 0;

	KASSERT(mutex_owned(&softnet_lock));
	atomic_store_relaxed(&ifp->if_flags,
			     keep | (flags & ~(IFF_CANTCHANGE | IFF_UP)));
	if ((flags & IFF_UP) && !(keep & IFF_UP))
		error = if_up(ifp);
	else if (!(flags & IFF_UP) && (keep & IFF_UP))
		if_down(ifp);
	else if (atomic_load_relaxed(&ifp->if_flags) != old)
		rt_msg_ifinfo(ifp); /* PROMISC, DEBUG ...: up and down tell */
	return error;
}

int if_setmtu(struct ifnet *ifp, uint32_t mtu)
{
	/* 68 bytes is the smallest MTU IPv4 allows (RFC 791). */
	if (mtu < 68 || mtu > IF_MTU_MAX)
		return EINVAL;
	if (ifp->if_mtu != mtu) {
		ifp->if_mtu = mtu;
		rt_msg_ifinfo(ifp);
	}
	return 0;
}

int if_setlinkstr(struct ifnet *ifp, const char *str)
{
	if (ifp->if_ops == NULL || ifp->if_ops->ifo_setlinkstr == NULL)
		return ENOTTY;
	return ifp->if_ops->ifo_setlinkstr(ifp, str);
}

/* Cloners. */

int if_clone_attach(struct if_clone *ifc)
{
	KASSERT(mutex_owned(&softnet_lock));
	list_foreach(it, &if_cloners)
	{
		struct if_clone *o = list_entry(it, struct if_clone, ifc_list);
		if (strcmp(o->ifc_name, ifc->ifc_name) == 0)
			return EEXIST;
	}
	list_push_back(&if_cloners, &ifc->ifc_list);
	return 0;
}

void if_clone_detach(struct if_clone *ifc)
{
	KASSERT(mutex_owned(&softnet_lock));
	list_foreach_safe(it, &ifnet_list)
	{
		struct ifnet *ifp = list_entry(it, struct ifnet, if_list);
		if (ifp->if_clone == ifc)
			(void)ifc->ifc_destroy(ifp);
	}
	list_remove(&ifc->ifc_list);
}

/*
 * Splits "virt12" into its cloner and unit 12.  Units are decimal without
 * leading zeros (so "virt01" names nothing) and below 100000.
 */
static int if_clone_parse(const char *name, struct if_clone **ifcp, int *unitp)
{
	size_t len = strnlen(name, IFNAMSIZ), plen = len;
	int unit = 0;

	if (len == 0 || len == IFNAMSIZ)
		return EINVAL;
	while (plen > 0 && name[plen - 1] >= '0' && name[plen - 1] <= '9')
		plen--;
	if (plen == 0 || plen == len || len - plen > 5 ||
	    (name[plen] == '0' && len - plen > 1))
		return EINVAL;
	for (size_t i = plen; i < len; i++)
		unit = unit * 10 + (name[i] - '0');
	list_foreach(it, &if_cloners)
	{
		struct if_clone *ifc =
			list_entry(it, struct if_clone, ifc_list);
		if (strlen(ifc->ifc_name) == plen &&
		    strncmp(ifc->ifc_name, name, plen) == 0) {
			*ifcp = ifc;
			*unitp = unit;
			return 0;
		}
	}
	return ENXIO;
}

int if_clone_create(const char *name)
{
	struct if_clone *ifc;
	int error, unit;

	KASSERT(mutex_owned(&softnet_lock));
	error = if_clone_parse(name, &ifc, &unit);
	if (error != 0)
		return error;
	if (if_byname(name) != NULL)
		return EEXIST;
	return ifc->ifc_create(ifc, unit);
}

int if_clone_destroy(const char *name)
{
	struct ifnet *ifp;

	KASSERT(mutex_owned(&softnet_lock));
	ifp = if_byname(name);
	if (ifp == NULL)
		return ENXIO;
	if (ifp->if_clone == NULL || ifp == lo0ifp)
		return EPERM;
	return ifp->if_clone->ifc_destroy(ifp);
}
