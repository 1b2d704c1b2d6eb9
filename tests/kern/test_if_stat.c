/*
 * test_if_stat.c -- interface statistics and the forwarding switch for
 * host tests of interface drivers (rumptest_inet.h): a counter of
 * struct if_stats read by name, and ip_forwarding set, each under
 * softnet_lock.
 */
#include <net/if.h>
#include <netinet/ip_var.h>
#include <sys/proc.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

#include "rumptest_inet.h"

int64_t rump_test_if_stat(const char *ifname, const char *name)
{
	static const struct {
		const char *name;
		size_t off;
	} stats[] = {
		{"ipackets", offsetof(struct if_stats, ifs_ipackets)},
		{"ierrors", offsetof(struct if_stats, ifs_ierrors)},
		{"opackets", offsetof(struct if_stats, ifs_opackets)},
		{"oerrors", offsetof(struct if_stats, ifs_oerrors)},
		{"iqdrops", offsetof(struct if_stats, ifs_iqdrops)},
		{"oqdrops", offsetof(struct if_stats, ifs_oqdrops)},
		{"noproto", offsetof(struct if_stats, ifs_noproto)},
	};
	struct ifnet *ifp;
	int64_t v = -1;

	rump_schedule();
	mutex_enter(&softnet_lock);
	if ((ifp = if_byname(ifname)) != NULL) {
		for (size_t i = 0; i < __arraycount(stats); i++)
			if (strcmp(stats[i].name, name) == 0)
				v = (int64_t)__atomic_load_n(
					(uint64_t *)((char *)&ifp->if_stats +
						     stats[i].off),
					__ATOMIC_RELAXED);
	}
	mutex_exit(&softnet_lock);
	rump_unschedule();
	return v;
}

void rump_test_inet_setforwarding(int on)
{
	rump_schedule();
	mutex_enter(&softnet_lock);
	/* Atomic: receive coalescing reads it without the lock. */
	__atomic_store_n(&ip_forwarding, on, __ATOMIC_RELAXED);
	mutex_exit(&softnet_lock);
	rump_unschedule();
}
