/*
 * net/if_fault.h -- fault injection on interface output (docs/faultinj.md):
 * every frame an interface sends passes if_fault_output, which fails it
 * when RUMPUSER_FAULT_SEND says so (RUMP_FAULT_SEND), and drops,
 * duplicates, reorders or delays it as the RUMP_NETIF_FAULT setting (or
 * if_fault_set) asks.  Everything here runs with softnet_lock held.
 */
#ifndef RUMPKERN_NET_IF_FAULT_H_
#define RUMPKERN_NET_IF_FAULT_H_
#include <net/if.h>

/* Sends m on ifp now (the interface's own path); 0 or an errno. */
typedef int (*if_fault_send_fn)(struct ifnet *ifp, struct mbuf *m);

/*
 * Consumes m: sends it through send at once (its result returned), fails
 * it (ENOBUFS, counted in ifs_oerrors), drops it (0, as a wire loses a
 * frame), or keeps it to send later (0); a duplicate may follow it.
 */
int if_fault_output(struct ifnet *ifp, struct mbuf *m, if_fault_send_fn send);

/* Frees what is kept for ifp (if_detach). */
void if_fault_purge(struct ifnet *ifp);

/*
 * Replaces the interface fault setting (RUMP_NETIF_FAULT's syntax; "" for
 * none): 0 or EINVAL with nothing changed.  For kernel tests.
 */
int if_fault_set(const char *spec);

/* Stops the timer; after every interface is gone (net_net's fini). */
void if_fault_fini(void);

struct if_fault_stats {
	uint64_t iff_sendfail;	 /* failed by RUMP_FAULT_SEND */
	uint64_t iff_dropped;	 /* lost */
	uint64_t iff_duplicated; /* sent twice */
	uint64_t iff_reordered;	 /* held behind the next frame */
	uint64_t iff_delayed;	 /* held for a while */
};
extern struct if_fault_stats if_fault_stats;
#endif
