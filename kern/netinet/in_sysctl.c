/*
 * in_sysctl.c -- the IPv4 sysctl nodes (<rump/sysctl.h>): the forwarding
 * switch and default TTL (writable ints), and the tables tools read:
 * addresses, routes, the ARP cache, and the UDP and TCP control blocks
 * (netstat's connections and listeners).  Tables are walked under
 * softnet_lock.  The TCP node is registered by TCP's component, whose
 * table exists only while it runs.
 */
#include <net/if.h>
#include <net/route.h>
#include <netinet/if_inarp.h>
#include <netinet/in_pcb.h>
#include <netinet/in_offload.h>
#include <netinet/in_var.h>
#include <netinet/ip_var.h>
#include <netinet/tcp_var.h>
#include <netinet/udp_var.h>
#include <sys/atomic.h>
#include <sys/socketvar.h>
#include <sys/sysctl.h>
#include <sys/systm.h>
#include <sys/time.h>

#include <rump/sysctl.h>

static int in_sysctl_ifaddrs(struct sysctl_req *req)
{
	mutex_enter(&softnet_lock);
	list_foreach(it, &in_ifaddrhead)
	{
		struct in_ifaddr *ia =
			list_entry(it, struct in_ifaddr, ia_list);
		struct rump_sysctl_ifaddr r;

		memset(&r, 0, sizeof(r));
		strlcpy(r.sia_ifname, ia->ia_ifp->if_xname,
			sizeof(r.sia_ifname));
		r.sia_addr = ia->ia_addr.s_addr;
		r.sia_netmask = ia->ia_netmask.s_addr;
		r.sia_broadaddr = ia->ia_broadaddr.s_addr;
		r.sia_plen = (uint32_t)ia->ia_plen;
		sysctl_out(req, &r, sizeof(r));
	}
	mutex_exit(&softnet_lock);
	return 0;
}

static int in_sysctl_route1(struct rtentry *rt, void *arg)
{
	struct rump_sysctl_route r;

	memset(&r, 0, sizeof(r));
	r.sr_dst = rt->rt_dst.s_addr;
	r.sr_mask = rt->rt_mask.s_addr;
	r.sr_gateway = rt->rt_gateway.s_addr;
	r.sr_src = rt->rt_src.s_addr;
	if (rt->rt_ifp != NULL)
		strlcpy(r.sr_ifname, rt->rt_ifp->if_xname, sizeof(r.sr_ifname));
	r.sr_flags = (uint32_t)rt->rt_flags;
	r.sr_plen = (uint32_t)rt->rt_plen;
	r.sr_mtu = rt->rt_mtu;
	r.sr_refcnt = (uint32_t)rt->rt_refcnt;
	r.sr_use = rt->rt_use;
	sysctl_out(arg, &r, sizeof(r));
	return 0;
}

static int in_sysctl_route(struct sysctl_req *req)
{
	mutex_enter(&softnet_lock);
	(void)rt_walk(in_sysctl_route1, req);
	mutex_exit(&softnet_lock);
	return 0;
}

struct in_sysctl_arpctx {
	struct sysctl_req *req;
	uint64_t now;
};

static int in_sysctl_arp1(const struct arp_info *ai, void *arg)
{
	struct in_sysctl_arpctx *ctx = arg;
	struct ifnet *ifp = if_byindex(ai->ai_ifindex);
	struct rump_sysctl_arp r;

	memset(&r, 0, sizeof(r));
	r.sar_addr = ai->ai_addr.s_addr;
	if (ifp != NULL)
		strlcpy(r.sar_ifname, ifp->if_xname, sizeof(r.sar_ifname));
	memcpy(r.sar_lladdr, ai->ai_lla, sizeof(r.sar_lladdr));
	r.sar_complete = ai->ai_complete;
	r.sar_held = (uint32_t)ai->ai_held;
	r.sar_expire_ms = ((int64_t)ai->ai_expire_ns - (int64_t)ctx->now) /
			  (int64_t)NSEC_PER_MSEC;
	sysctl_out(ctx->req, &r, sizeof(r));
	return 0;
}

static int in_sysctl_arp(struct sysctl_req *req)
{
	struct in_sysctl_arpctx ctx = {req, getnsmono()};

	mutex_enter(&softnet_lock);
	(void)arp_walk(in_sysctl_arp1, &ctx);
	mutex_exit(&softnet_lock);
	return 0;
}

/* One PCB; state is the TCP state, or -1 (UDP). */
static void in_sysctl_pcb(struct sysctl_req *req, const struct inpcb *inp,
			  int state)
{
	struct rump_sysctl_pcb r;

	memset(&r, 0, sizeof(r));
	r.sp_laddr = inp->inp_laddr.s_addr;
	r.sp_faddr = inp->inp_faddr.s_addr;
	r.sp_lport = inp->inp_lport;
	r.sp_fport = inp->inp_fport;
	r.sp_state = state;
	if (inp->inp_socket != NULL) {
		r.sp_sndq = (uint32_t)inp->inp_socket->so_snd.sb_cc;
		r.sp_rcvq = (uint32_t)inp->inp_socket->so_rcv.sb_cc;
	}
	sysctl_out(req, &r, sizeof(r));
}

static int in_sysctl_udp1(struct inpcb *inp, void *arg)
{
	in_sysctl_pcb(arg, inp, -1);
	return 0;
}

static int in_sysctl_udp(struct sysctl_req *req)
{
	mutex_enter(&softnet_lock);
	(void)in_pcbwalk(&udbtable, in_sysctl_udp1, req);
	mutex_exit(&softnet_lock);
	return 0;
}

static int in_sysctl_tcp1(struct inpcb *inp, void *arg)
{
	const struct tcpcb *tp = inp->inp_ppcb;

	in_sysctl_pcb(arg, inp, tp != NULL ? tp->t_state : TCPS_CLOSED);
	return 0;
}

static int in_sysctl_tcp(struct sysctl_req *req)
{
	mutex_enter(&softnet_lock);
	(void)in_pcbwalk(&tcbtable, in_sysctl_tcp1, req);
	mutex_exit(&softnet_lock);
	return 0;
}

static int in_sysctl_offload(struct sysctl_req *req)
{
	struct rump_sysctl_offload r = {
		.so_tso_packets =
			atomic_load_relaxed(&in_offload_stats.tso_packets),
		.so_tso_frames =
			atomic_load_relaxed(&in_offload_stats.tso_frames),
		.so_gro_packets =
			atomic_load_relaxed(&in_offload_stats.gro_packets),
		.so_gro_frames =
			atomic_load_relaxed(&in_offload_stats.gro_frames),
	};

	sysctl_out(req, &r, sizeof(r));
	return 0;
}

static const struct sysctl_node in_sysctl_nodes[] = {
	{.sn_name = "net.inet.ip.forwarding",
	 .sn_type = SYSCTL_INT,
	 .sn_writable = true,
	 .sn_min = 0,
	 .sn_max = 1,
	 .sn_int = &ip_forwarding,
	 .sn_lock = &softnet_lock},
	{.sn_name = "net.inet.ip.ttl",
	 .sn_type = SYSCTL_INT,
	 .sn_writable = true,
	 .sn_min = 1,
	 .sn_max = 255,
	 .sn_int = &ip_defttl,
	 .sn_lock = &softnet_lock},
	{.sn_name = "net.inet.ifaddrs",
	 .sn_type = SYSCTL_FUNC,
	 .sn_func = in_sysctl_ifaddrs},
	{.sn_name = "net.inet.route",
	 .sn_type = SYSCTL_FUNC,
	 .sn_func = in_sysctl_route},
	{.sn_name = "net.inet.arp",
	 .sn_type = SYSCTL_FUNC,
	 .sn_func = in_sysctl_arp},
	{.sn_name = "net.inet.udp.pcbs",
	 .sn_type = SYSCTL_FUNC,
	 .sn_func = in_sysctl_udp},
	{.sn_name = "net.inet.offload",
	 .sn_type = SYSCTL_FUNC,
	 .sn_func = in_sysctl_offload},
};

static const struct sysctl_node tcp_sysctl_nodes[] = {
	{.sn_name = "net.inet.tcp.pcbs",
	 .sn_type = SYSCTL_FUNC,
	 .sn_func = in_sysctl_tcp},
	{.sn_name = "net.inet.tcp.rfc3042",
	 .sn_type = SYSCTL_INT,
	 .sn_writable = true,
	 .sn_min = 0,
	 .sn_max = 1,
	 .sn_int = &tcp_do_rfc3042,
	 .sn_lock = &softnet_lock},
	{.sn_name = "net.inet.tcp.recvbuf_auto",
	 .sn_type = SYSCTL_INT,
	 .sn_writable = true,
	 .sn_min = 0,
	 .sn_max = 1,
	 .sn_int = &tcp_autorcvbuf,
	 .sn_lock = &softnet_lock},
	{.sn_name = "net.inet.tcp.recvbuf_max",
	 .sn_type = SYSCTL_INT,
	 .sn_writable = true,
	 .sn_min = SB_MIN,
	 .sn_max = SB_MAX,
	 .sn_int = &tcp_autorcvbuf_max,
	 .sn_lock = &softnet_lock},
	{.sn_name = "net.inet.tcp.sendbuf_auto",
	 .sn_type = SYSCTL_INT,
	 .sn_writable = true,
	 .sn_min = 0,
	 .sn_max = 1,
	 .sn_int = &tcp_autosndbuf,
	 .sn_lock = &softnet_lock},
	{.sn_name = "net.inet.tcp.sendbuf_max",
	 .sn_type = SYSCTL_INT,
	 .sn_writable = true,
	 .sn_min = SB_MIN,
	 .sn_max = SB_MAX,
	 .sn_int = &tcp_autosndbuf_max,
	 .sn_lock = &softnet_lock},
};

int in_sysctl_init(void)
{
	return sysctl_register(in_sysctl_nodes, __arraycount(in_sysctl_nodes));
}

void in_sysctl_fini(void)
{
	sysctl_unregister(in_sysctl_nodes);
}

int tcp_sysctl_init(void)
{
	return sysctl_register(tcp_sysctl_nodes,
			       __arraycount(tcp_sysctl_nodes));
}

void tcp_sysctl_fini(void)
{
	sysctl_unregister(tcp_sysctl_nodes);
}
