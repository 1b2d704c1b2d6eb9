/*
 * sysctl.h -- what rump_sys_sysctlbyname() (docs/sysctl.md) reads and
 * writes: the names of the nodes and the layout of the records the table
 * nodes return.  Records use fixed-width types, IPv4 addresses and ports
 * in network byte order, and the kernel's (NetBSD's) constants: the
 * IFF_* flags of RUMP_IFF_* in <rump/rumpdefs.h>, the RTF_* and TCP state
 * numbers below.  The same bytes reach a local program and a remote one.
 */
#ifndef RUMP_SYSCTL_H_
#define RUMP_SYSCTL_H_
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The longest node name, with its NUL. */
#define RUMP_SYSCTL_NAMEMAX 64

/*
 * Nodes.  "sysctl.names" lists every node: NUL-terminated names one
 * after the other.  Scalars are int32_t unless said otherwise.
 *   kern.ostype              string, "rumpkit"
 *   kern.hostname            string
 *   net.inet.ip.forwarding   int32, 0 or 1, writable
 *   net.inet.ip.ttl          int32, 1..255, writable
 *   net.link.ifs             struct rump_sysctl_if[]
 *   net.inet.ifaddrs         struct rump_sysctl_ifaddr[]
 *   net.inet.route           struct rump_sysctl_route[]
 *   net.inet.arp             struct rump_sysctl_arp[]
 *   net.inet.tcp.pcbs        struct rump_sysctl_pcb[]
 *   net.inet.udp.pcbs        struct rump_sysctl_pcb[]
 *   net.inet.offload         struct rump_sysctl_offload
 */

/* One interface with its statistics (net.link.ifs). */
struct rump_sysctl_if {
	char sif_name[16];
	uint32_t sif_index;
	uint32_t sif_flags; /* RUMP_IFF_* */
	uint32_t sif_mtu;
	uint8_t sif_type; /* IANA ifType: 6 Ethernet, 24 loopback */
	uint8_t sif_addrlen;
	uint8_t sif_lladdr[16];
	uint8_t sif_pad[2];
	uint64_t sif_ipackets, sif_ierrors, sif_opackets, sif_oerrors;
	uint64_t sif_collisions, sif_ibytes, sif_obytes;
	uint64_t sif_imcasts, sif_omcasts, sif_iqdrops, sif_oqdrops;
	uint64_t sif_noproto;
	uint32_t sif_sndqlen; /* packets in the send queue now */
	uint32_t sif_pad2;
};

/* One IPv4 address (net.inet.ifaddrs). */
struct rump_sysctl_ifaddr {
	char sia_ifname[16];
	uint32_t sia_addr, sia_netmask, sia_broadaddr;
	uint32_t sia_plen;
};

/* RTF_* of struct rump_sysctl_route (and the route ioctls). */
#define RUMP_RTF_UP 0x1
#define RUMP_RTF_GATEWAY 0x2
#define RUMP_RTF_HOST 0x4
#define RUMP_RTF_REJECT 0x8
#define RUMP_RTF_STATIC 0x800
#define RUMP_RTF_BLACKHOLE 0x1000
#define RUMP_RTF_CONNECTED 0x100000
#define RUMP_RTF_LOCAL 0x200000

/* One route (net.inet.route), most specific first. */
struct rump_sysctl_route {
	uint32_t sr_dst, sr_mask, sr_gateway, sr_src;
	char sr_ifname[16];
	uint32_t sr_flags; /* RUMP_RTF_* */
	uint32_t sr_plen;
	uint32_t sr_mtu; /* 0: the interface's */
	uint32_t sr_refcnt;
	uint64_t sr_use;
};

/* One ARP entry (net.inet.arp). */
struct rump_sysctl_arp {
	uint32_t sar_addr;
	char sar_ifname[16];
	uint8_t sar_lladdr[6];
	uint8_t sar_complete; /* 0: still resolving */
	uint8_t sar_pad;
	uint32_t sar_held;     /* packets waiting for the answer */
	int64_t sar_expire_ms; /* until expiry (negative: overdue) */
};

/* TCP states (NetBSD's numbers), sp_state of TCP PCBs. */
#define RUMP_TCPS_CLOSED 0
#define RUMP_TCPS_LISTEN 1
#define RUMP_TCPS_SYN_SENT 2
#define RUMP_TCPS_SYN_RECEIVED 3
#define RUMP_TCPS_ESTABLISHED 4
#define RUMP_TCPS_CLOSE_WAIT 5
#define RUMP_TCPS_FIN_WAIT_1 6
#define RUMP_TCPS_CLOSING 7
#define RUMP_TCPS_LAST_ACK 8
#define RUMP_TCPS_FIN_WAIT_2 9
#define RUMP_TCPS_TIME_WAIT 10

/* One protocol control block: a connection or listener (netstat). */
struct rump_sysctl_pcb {
	uint32_t sp_laddr, sp_faddr; /* 0: wildcard, not connected */
	uint16_t sp_lport, sp_fport;
	int32_t sp_state;	   /* TCP: RUMP_TCPS_*; UDP: -1 */
	uint32_t sp_sndq, sp_rcvq; /* bytes in the socket buffers */
};

/*
 * Software TCP segmentation and receive coalescing by the shmif and virt
 * drivers since boot (net.inet.offload; docs/net-offload.md).
 */
struct rump_sysctl_offload {
	uint64_t so_tso_packets; /* 64 KiB TCP segments cut into frames */
	uint64_t so_tso_frames;	 /* the frames made of them */
	uint64_t so_gro_packets; /* packets merged from received frames */
	uint64_t so_gro_frames;	 /* the frames merged into them */
};

#ifdef __cplusplus
}
#endif
#endif
