/*
 * net/pcap.h -- a packet capture file writer on an interface's capture
 * hook: every frame in and out is appended to a host file in the pcap
 * format (nanosecond timestamps; Ethernet interfaces as LINKTYPE_ETHERNET,
 * others as LINKTYPE_RAW IPv4), readable by tcpdump and wireshark.
 * Writes go through the host file hypercalls.  softnet_lock held.
 */
#ifndef RUMPKERN_NET_PCAP_H_
#define RUMPKERN_NET_PCAP_H_
#include <sys/types.h>

struct ifnet;

#define PCAP_SNAPLEN 65535
#define PCAP_LINKTYPE_ETHERNET 1
#define PCAP_LINKTYPE_RAW 101

/*
 * Starts capturing ifp into the host file path (created, written from its
 * start: the caller empties it).  EBUSY if ifp is being captured already,
 * the host's error opening the file, ENOMEM.
 */
int pcap_attach(struct ifnet *ifp, const char *path);
/* Is ifp being captured? */
bool pcap_busy(struct ifnet *ifp);
/* Stops and closes the file; ENOENT if ifp is not being captured. */
int pcap_detach(struct ifnet *ifp);
/* Packets written and lost (write errors, no memory) on ifp's capture. */
int pcap_stats(struct ifnet *ifp, uint64_t *writtenp, uint64_t *lostp);
void pcap_init(void);
void pcap_fini(void);
#endif
