/*
 * rtsock.h -- the messages of the routing socket, socket(RUMP_PF_ROUTE,
 * SOCK_RAW, 0) (docs/routesock.md).  A message is a header whose first
 * four bytes (length, version, type) are common to every kind, followed
 * by socket addresses in the kernel's layout (sa_len first), one for each
 * bit of the header's address mask in increasing bit order, each padded
 * to a multiple of 8 bytes (RUMP_RT_ROUNDUP).  Every field has a fixed
 * width and the layout is the same on every CPU, so a remote client sends
 * and reads the same bytes.  Values are the kernel's: errno values
 * RUMP_E*, interface flags RUMP_IFF_*, route flags RUMP_RTF_* of
 * <rump/sysctl.h> and RUMP_RTF_DONE below.
 */
#ifndef RUMP_RTSOCK_H_
#define RUMP_RTSOCK_H_
#include <stdint.h>

#include <rump/rumpabi.h>
#include <rump/sysctl.h>

#ifdef __cplusplus
extern "C" {
#endif

/* rumpkit's own layout: BSD programs' versions (4, 5) are refused. */
#define RUMP_RTM_VERSION 1

/* Message types (rtm_type). */
#define RUMP_RTM_ADD 0x01	 /* add a route (write), one was added */
#define RUMP_RTM_DELETE 0x02	 /* delete a route, one was deleted */
#define RUMP_RTM_CHANGE 0x03	 /* change a route's next hop or metrics */
#define RUMP_RTM_GET 0x04	 /* look a route up (write), the answer */
#define RUMP_RTM_IFANNOUNCE 0x10 /* an interface arrived or departed */
#define RUMP_RTM_IFINFO 0x14	 /* an interface's flags or MTU changed */
#define RUMP_RTM_NEWADDR 0x16	 /* an address was added to an interface */
#define RUMP_RTM_DELADDR 0x17	 /* an address was removed */

/* Address bits (rtm_addrs and the others): the order in the message. */
#define RUMP_RTA_DST 0x01     /* destination (struct rump_sockaddr_in) */
#define RUMP_RTA_GATEWAY 0x02 /* next hop: an IPv4 address or a link */
#define RUMP_RTA_NETMASK 0x04 /* the destination's mask */
#define RUMP_RTA_GENMASK 0x08 /* ignored */
#define RUMP_RTA_IFP 0x10     /* the interface (struct rump_sockaddr_dl) */
#define RUMP_RTA_IFA 0x20     /* the interface address (the source) */
#define RUMP_RTA_AUTHOR 0x40  /* ignored */
#define RUMP_RTA_BRD 0x80     /* the broadcast address */
#define RUMP_RTAX_MAX 8	      /* address bits in all */

/* rtm_flags of an answer: the request was carried out. */
#define RUMP_RTF_DONE 0x40
/* rtm_inits: which metrics a request sets. */
#define RUMP_RTV_MTU 0x1

/* The bytes a socket address of length len takes in a message. */
#define RUMP_RT_ROUNDUP(len) ((len) > 0 ? (((len) + 7u) & ~7u) : 8u)

/* Route messages: ADD, DELETE, CHANGE, GET. */
struct rump_rt_msghdr {
	uint16_t rtm_msglen; /* the whole message, addresses included */
	uint8_t rtm_version; /* RUMP_RTM_VERSION */
	uint8_t rtm_type;    /* RUMP_RTM_* */
	uint16_t rtm_index;  /* the route's interface (answers) */
	uint16_t rtm_pad;
	int32_t rtm_flags;  /* RUMP_RTF_* */
	int32_t rtm_addrs;  /* RUMP_RTA_* present */
	int32_t rtm_pid;    /* the writer's process (set by the kernel) */
	int32_t rtm_seq;    /* the writer's, echoed */
	int32_t rtm_errno;  /* RUMP_E* of a failed request, else 0 */
	uint32_t rtm_inits; /* RUMP_RTV_* set by the request */
	uint32_t rtm_mtu;   /* the route's own MTU (0: the interface's) */
	uint32_t rtm_pad2;
	uint64_t rtm_use; /* lookups that returned the route */
};

/* RUMP_RTM_IFINFO: an interface's state; RTA_IFP follows. */
struct rump_if_msghdr {
	uint16_t ifm_msglen;
	uint8_t ifm_version;
	uint8_t ifm_type;
	uint16_t ifm_index;
	uint16_t ifm_pad;
	int32_t ifm_flags; /* RUMP_IFF_* */
	int32_t ifm_addrs;
	uint32_t ifm_mtu;
	uint32_t ifm_pad2;
};

/* RUMP_RTM_NEWADDR, RUMP_RTM_DELADDR: NETMASK, IFP, IFA, BRD follow. */
struct rump_ifa_msghdr {
	uint16_t ifam_msglen;
	uint8_t ifam_version;
	uint8_t ifam_type;
	uint16_t ifam_index;
	uint16_t ifam_pad;
	int32_t ifam_flags; /* the interface's RUMP_IFF_* */
	int32_t ifam_addrs;
	int32_t ifam_metric; /* 0 */
	uint32_t ifam_pad2;  /* addresses start 8-byte aligned */
};

/* RUMP_RTM_IFANNOUNCE: no addresses follow. */
struct rump_if_announcemsghdr {
	uint16_t ifan_msglen;
	uint8_t ifan_version;
	uint8_t ifan_type;
	uint16_t ifan_index;
	uint16_t ifan_what; /* RUMP_IFAN_* */
	char ifan_name[16];
};
#define RUMP_IFAN_ARRIVAL 0
#define RUMP_IFAN_DEPARTURE 1

/*
 * A link-level address (RUMP_AF_LINK): an interface by index or name.
 * sdl_data holds sdl_nlen bytes of name (no NUL), then sdl_alen bytes of
 * link address; sdl_len is 8 + sdl_nlen + sdl_alen.
 */
struct rump_sockaddr_dl {
	uint8_t sdl_len;
	uint8_t sdl_family; /* RUMP_AF_LINK */
	uint16_t sdl_index; /* 0: look the name up */
	uint8_t sdl_type;   /* IANA ifType: 6 Ethernet, 24 loopback */
	uint8_t sdl_nlen;
	uint8_t sdl_alen;
	uint8_t sdl_slen; /* 0 */
	char sdl_data[32];
};

#ifdef __cplusplus
}
#endif
#endif
