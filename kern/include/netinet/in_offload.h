/*
 * netinet/in_offload.h -- TCP segmentation and receive coalescing done in
 * software by interface drivers whose wire carries only standard
 * Ethernet frames (shmif, virt without the tap's offloads).  Sending,
 * TCP hands such an interface one IPv4 segment of up to 64 KiB and the
 * driver cuts it (in_tso_segment); receiving, the driver merges the
 * in-order segments of one connection in a batch of frames into one
 * packet before input (in_gro_merge), so that IP and TCP run once per
 * run of segments.  docs/net-offload.md.
 */
#ifndef RUMPKERN_NETINET_IN_OFFLOAD_H_
#define RUMPKERN_NETINET_IN_OFFLOAD_H_
#include <sys/types.h>

struct mbuf;

/*
 * Makes wire frames of m, an Ethernet frame (IPv4 TCP when it asks for
 * M_CSUM_TSOV4 or M_CSUM_TCPV4_OFFLOAD): a TSO packet becomes segments of
 * m_pkthdr.segsz payload bytes each, with their own IP header (length,
 * id, checksum) and TCP header (sequence number, FIN and PSH on the last
 * only, CWR on the first only, checksum); a packet asking only for its
 * checksum gets it.  *listp gets the frames linked by m_nextpkt (m itself
 * when there is nothing to do), m is consumed.  EINVAL for headers that
 * TCP cannot have built, ENOBUFS without memory (nothing on *listp).
 */
int in_tso_segment(struct mbuf *m, struct mbuf **listp);

/*
 * Receive coalescing over a batch of n received Ethernet frames, in
 * arrival order: every frame that continues the IPv4 TCP segment before
 * it in the batch (same Ethernet and IP header fields, same connection,
 * ACK and PSH only, same ACK number, window and options, the next
 * sequence number, no gap, both checksums verified) is appended to it
 * without a copy, and the merged packet gets a fresh IP length and
 * checksum and its TCP checksum marked verified.  Frames that do not
 * qualify pass unchanged (a TCP one whose checksum was verified is marked
 * so), in their order.  Returns the number of packets left in ms.
 */
int in_gro_merge(struct mbuf **ms, int n);

/* Counters of the above, for sysctl net.inet.offload (rump/sysctl.h). */
struct in_offload_stats {
	uint64_t tso_packets; /* TSO packets cut */
	uint64_t tso_frames;  /* frames made of them */
	uint64_t gro_packets; /* merged packets made */
	uint64_t gro_frames;  /* frames that went into them */
};
extern struct in_offload_stats in_offload_stats;
#endif
