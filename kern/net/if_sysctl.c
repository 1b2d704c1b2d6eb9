/*
 * if_sysctl.c -- the interface layer's sysctl node net.link.ifs: every
 * interface with its flags, MTU, link address, statistics and send queue
 * length, as struct rump_sysctl_if records (<rump/sysctl.h>), read under
 * softnet_lock.
 */
#include <net/if.h>
#include <sys/atomic.h>
#include <sys/socketvar.h>
#include <sys/sysctl.h>
#include <sys/systm.h>

#include <rump/sysctl.h>

static uint64_t if_sysctl_stat(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static int if_sysctl_ifs(struct sysctl_req *req)
{
	mutex_enter(&softnet_lock);
	list_foreach(it, &ifnet_list)
	{
		struct ifnet *ifp = list_entry(it, struct ifnet, if_list);
		const struct if_stats *st = &ifp->if_stats;
		struct rump_sysctl_if r;

		memset(&r, 0, sizeof(r));
		strlcpy(r.sif_name, ifp->if_xname, sizeof(r.sif_name));
		r.sif_index = ifp->if_index;
		r.sif_flags = (uint32_t)atomic_load_relaxed(&ifp->if_flags);
		r.sif_mtu = ifp->if_mtu;
		r.sif_type = ifp->if_type;
		r.sif_addrlen = ifp->if_addrlen;
		memcpy(r.sif_lladdr, ifp->if_lladdr, sizeof(r.sif_lladdr));
		r.sif_ipackets = if_sysctl_stat(&st->ifs_ipackets);
		r.sif_ierrors = if_sysctl_stat(&st->ifs_ierrors);
		r.sif_opackets = if_sysctl_stat(&st->ifs_opackets);
		r.sif_oerrors = if_sysctl_stat(&st->ifs_oerrors);
		r.sif_collisions = if_sysctl_stat(&st->ifs_collisions);
		r.sif_ibytes = if_sysctl_stat(&st->ifs_ibytes);
		r.sif_obytes = if_sysctl_stat(&st->ifs_obytes);
		r.sif_imcasts = if_sysctl_stat(&st->ifs_imcasts);
		r.sif_omcasts = if_sysctl_stat(&st->ifs_omcasts);
		r.sif_iqdrops = if_sysctl_stat(&st->ifs_iqdrops);
		r.sif_oqdrops = if_sysctl_stat(&st->ifs_oqdrops);
		r.sif_noproto = if_sysctl_stat(&st->ifs_noproto);
		r.sif_sndqlen = (uint32_t)ifq_len(&ifp->if_snd);
		sysctl_out(req, &r, sizeof(r));
	}
	mutex_exit(&softnet_lock);
	return 0;
}

static const struct sysctl_node if_sysctl_nodes[] = {
	{.sn_name = "net.link.ifs",
	 .sn_type = SYSCTL_FUNC,
	 .sn_func = if_sysctl_ifs},
};

int if_sysctl_init(void)
{
	return sysctl_register(if_sysctl_nodes, __arraycount(if_sysctl_nodes));
}

void if_sysctl_fini(void)
{
	sysctl_unregister(if_sysctl_nodes);
}
