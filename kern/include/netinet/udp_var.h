/*
 * netinet/udp_var.h -- UDP: statistics, tunables and the PCB table that
 * UDP sockets bind in.  Runs under softnet_lock.
 */
#ifndef RUMPKERN_NETINET_UDP_VAR_H_
#define RUMPKERN_NETINET_UDP_VAR_H_
#include <netinet/in_pcb.h>
#include <netinet/udp.h>

struct udpstat {
	uint64_t udps_ipackets;	   /* datagrams received */
	uint64_t udps_hdrops;	   /* shorter than a header */
	uint64_t udps_badsum;	   /* bad checksum */
	uint64_t udps_badlen;	   /* uh_ulen disagrees with ip_len */
	uint64_t udps_noport;	   /* nobody bound: port unreachable sent */
	uint64_t udps_noportbcast; /* nobody bound, broadcast: dropped */
	uint64_t udps_fullsock;	   /* receive buffer full */
	uint64_t udps_delivered;
	uint64_t udps_opackets; /* datagrams sent */
	uint64_t udps_nomem;
};
extern struct udpstat udpstat;
extern struct inpcbtable udbtable;
/* Compute and check checksums (default 1). */
extern int udp_do_cksum;
#define UDP_SENDSPACE 65536
#define UDP_RECVSPACE 212992 /* Linux's default receive buffer */

void udp_input(struct mbuf *m, int off, int proto);

#endif
