/*
 * netinet/tcp.h -- the TCP wire format (RFC 9293 3.1): the header, its
 * flags, the options this stack speaks (MSS, window scale, SACK-permitted,
 * SACK blocks, timestamps) and their parser and builder (tcp_options.c),
 * and the TCP-level socket options.  Header fields are in network byte
 * order; the parsed option form is in host order.
 */
#ifndef RUMPKERN_NETINET_TCP_H_
#define RUMPKERN_NETINET_TCP_H_
#include <netinet/tcp_seq.h>
#include <sys/types.h>

struct tcphdr {
	uint16_t th_sport;
	uint16_t th_dport;
	uint32_t th_seq;
	uint32_t th_ack;
	uint8_t th_offx2; /* data offset in 32-bit words, high 4 bits */
	uint8_t th_flags;
	uint16_t th_win;
	uint16_t th_sum;
	uint16_t th_urp;
} __attribute__((__packed__));
#define TCP_HDRLEN 20
#define TH_OFF(th) ((th)->th_offx2 >> 4)
#define TH_SETOFF(th, words) ((th)->th_offx2 = (uint8_t)((words) << 4))

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PUSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20
#define TH_ECE 0x40
#define TH_CWR 0x80

#define TCP_MAXOLEN 40 /* options fit in a 60-byte header */
#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MAXSEG 2
#define TCPOLEN_MAXSEG 4
#define TCPOPT_WINDOW 3
#define TCPOLEN_WINDOW 3
#define TCPOPT_SACK_PERMITTED 4
#define TCPOLEN_SACK_PERMITTED 2
#define TCPOPT_SACK 5
#define TCPOLEN_SACKBLK 8
#define TCPOPT_TIMESTAMP 8
#define TCPOLEN_TIMESTAMP 10
#define TCP_MAX_WINSHIFT 14 /* RFC 7323 2.3 */
#define TCP_MAX_SACK 4	    /* blocks that fit in an option */

#define TCP_MSS 536 /* RFC 9293 default when the peer sends no MSS */
#define TCP_MAXWIN 65535

struct tcp_sackblk {
	tcp_seq start; /* first byte held */
	tcp_seq end;   /* one past the last */
};

/* A segment's options, parsed (host byte order). */
struct tcp_opt {
	int to_flags;
	uint16_t to_mss;
	uint8_t to_wscale;
	uint8_t to_nsacks;
	uint32_t to_tsval;
	uint32_t to_tsecr;
	struct tcp_sackblk to_sacks[TCP_MAX_SACK];
};
#define TOF_MSS 0x01
#define TOF_SCALE 0x02
#define TOF_SACKPERM 0x04
#define TOF_SACK 0x08
#define TOF_TS 0x10

/*
 * Parse len bytes of options.  MSS, window scale and SACK-permitted count
 * only on a SYN (syn != 0).  A length that runs past the end, or is below
 * 2, gives EINVAL (the caller drops the segment); an option of a known
 * kind with the wrong length is ignored, an unknown kind is skipped.
 */
int tcp_options_parse(const uint8_t *cp, int len, int syn, struct tcp_opt *to);
/*
 * Build the options in to into buf (space bytes, at most TCP_MAXOLEN),
 * padded with NOPs to a multiple of 4; SACK blocks are trimmed to fit.
 * Returns the length written.
 */
int tcp_options_build(uint8_t *buf, int space, const struct tcp_opt *to);

/* TCP-level socket options (TCP_NODELAY ...) are in <sys/abi.h>. */
#endif
