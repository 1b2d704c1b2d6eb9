/*
 * rumpabi.h -- the kernel's own ABI structures: fixed-width fields, the
 * same layout on every CPU the kernel is built for (32- and 64-bit), so
 * that remote clients can send them as they are.  The kernel uses them
 * directly; host-side entry layers (librumphost) translate the host's
 * structures (struct stat, struct statvfs, ...) to and from these.
 * Constants that go with them are the RUMP_* ones in <rump/rumpdefs.h>.
 */
#ifndef RUMP_RUMPABI_H_
#define RUMP_RUMPABI_H_
#include <stdint.h>

struct rump_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

struct rump_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint32_t st_mode; /* RUMP_S_IF* and permission bits */
	uint32_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blocks; /* 512-byte units */
	int32_t st_blksize;
	uint32_t st_spare;
	struct rump_timespec st_atim;
	struct rump_timespec st_mtim;
	struct rump_timespec st_ctim;
	struct rump_timespec st_birthtim;
};

#define RUMP_MFSNAMELEN 32
#define RUMP_MNAMELEN 1024
struct rump_statvfs {
	uint64_t f_flag; /* RUMP_MNT_* */
	uint64_t f_bsize;
	uint64_t f_frsize;
	uint64_t f_blocks; /* in f_frsize units */
	uint64_t f_bfree;
	uint64_t f_bavail;
	uint64_t f_files;
	uint64_t f_ffree;
	uint64_t f_favail;
	uint64_t f_fsid;
	uint64_t f_namemax;
	char f_fstypename[RUMP_MFSNAMELEN];
	char f_mntonname[RUMP_MNAMELEN];
	char f_mntfromname[RUMP_MNAMELEN];
};

/* getdents64 records: the layout of Linux's struct dirent64. */
struct rump_dirent {
	uint64_t d_ino;
	int64_t d_off; /* cookie of the next record */
	uint16_t d_reclen;
	uint8_t d_type; /* RUMP_DT_* */
	char d_name[];	/* NUL-terminated, record padded to 8 bytes */
};

struct rump_flock {
	int64_t l_start;
	int64_t l_len; /* 0: to the end of file, however it grows */
	int32_t l_pid;
	int16_t l_type;	  /* RUMP_F_RDLCK, RUMP_F_WRLCK, RUMP_F_UNLCK */
	int16_t l_whence; /* RUMP_SEEK_* */
};

struct rump_pollfd {
	int32_t fd;
	int16_t events; /* RUMP_POLL* */
	int16_t revents;
};

struct rump_iovec {
	union {
		void *iov_base;
		uint64_t iov_base64;
	};
	uint64_t iov_len;
};

/* select: a bit per descriptor, 1024 descriptors (as FD_SETSIZE). */
#define RUMP_FD_SETSIZE 1024
struct rump_fd_set {
	uint64_t fds_bits[RUMP_FD_SETSIZE / 64];
};

struct rump_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};
/*
 * getsockopt(IPPROTO_TCP, RUMP_TCP_INFO): a connection's state and
 * estimates.  tcpi_state is the kernel's numbering (RUMP_TCPI_* below);
 * times are microseconds (rto, ato, rtt, rttvar) or milliseconds since
 * the event (last_*); snd_cwnd and snd_ssthresh are in segments of
 * snd_mss bytes, as Linux reports them.  docs/tcp.md says which fields
 * the kernel knows; the others are 0.
 */
#define RUMP_TCPI_CLOSED 0
#define RUMP_TCPI_LISTEN 1
#define RUMP_TCPI_SYN_SENT 2
#define RUMP_TCPI_SYN_RECEIVED 3
#define RUMP_TCPI_ESTABLISHED 4
#define RUMP_TCPI_CLOSE_WAIT 5
#define RUMP_TCPI_FIN_WAIT_1 6
#define RUMP_TCPI_CLOSING 7
#define RUMP_TCPI_LAST_ACK 8
#define RUMP_TCPI_FIN_WAIT_2 9
#define RUMP_TCPI_TIME_WAIT 10
#define RUMP_TCPI_OPT_TIMESTAMPS 0x01
#define RUMP_TCPI_OPT_SACK 0x02
#define RUMP_TCPI_OPT_WSCALE 0x04
struct rump_tcp_info {
	uint8_t tcpi_state;
	uint8_t tcpi_retransmits; /* consecutive timeouts now */
	uint8_t tcpi_probes;
	uint8_t tcpi_backoff;
	uint8_t tcpi_options; /* RUMP_TCPI_OPT_* */
	uint8_t tcpi_snd_wscale;
	uint8_t tcpi_rcv_wscale;
	uint8_t tcpi_pad;
	uint32_t tcpi_rto;
	uint32_t tcpi_ato;
	uint32_t tcpi_snd_mss;
	uint32_t tcpi_rcv_mss;
	uint32_t tcpi_unacked; /* segments */
	uint32_t tcpi_sacked;
	uint32_t tcpi_lost;
	uint32_t tcpi_retrans;
	uint32_t tcpi_last_data_sent;
	uint32_t tcpi_last_data_recv;
	uint32_t tcpi_last_ack_recv;
	uint32_t tcpi_pmtu;
	uint32_t tcpi_rcv_ssthresh;
	uint32_t tcpi_rtt;
	uint32_t tcpi_rttvar;
	uint32_t tcpi_snd_ssthresh;
	uint32_t tcpi_snd_cwnd;
	uint32_t tcpi_advmss;
	uint32_t tcpi_reordering;
	uint32_t tcpi_rcv_space;
	uint32_t tcpi_total_retrans;
};

/*
 * Sockets (the net faction).  Socket addresses have BSD's layout: a
 * length byte sa_len (the bytes of the address that are meaningful),
 * then the family byte; the host layer fills sa_len from the caller's
 * address length and converts Linux's 16-bit family.  Every structure
 * below has the same layout on every CPU.
 */
struct rump_sockaddr {
	uint8_t sa_len;
	uint8_t sa_family; /* RUMP_AF_* */
	char sa_data[14];
};

/* Big enough for any address the kernel has (RUMP_SOCK_MAXADDRLEN). */
struct rump_sockaddr_storage {
	uint8_t ss_len;
	uint8_t ss_family;
	char ss_data[254];
};

struct rump_in_addr {
	uint32_t s_addr; /* network byte order */
};

struct rump_sockaddr_in {
	uint8_t sin_len; /* 16 */
	uint8_t sin_family;
	uint16_t sin_port; /* network byte order */
	struct rump_in_addr sin_addr;
	char sin_zero[8];
};

/*
 * sun_path holds RUMP_UNIX_PATH_MAX (108) bytes, Linux's size, so that
 * every Linux name fits.  A name starting with NUL is in the abstract
 * namespace; its length is sun_len minus the header (2 bytes).
 */
struct rump_sockaddr_un {
	uint8_t sun_len;
	uint8_t sun_family;
	char sun_path[108];
};

/*
 * sendmsg/recvmsg: pointers in 64-bit slots.  msg_name points to a
 * kernel-ABI socket address, msg_iov to rump_iovecs, msg_control to
 * rump_cmsghdr records.
 */
struct rump_msghdr {
	union {
		void *msg_name;
		uint64_t msg_name64;
	};
	uint32_t msg_namelen;
	int32_t msg_iovlen;
	union {
		struct rump_iovec *msg_iov;
		uint64_t msg_iov64;
	};
	union {
		void *msg_control;
		uint64_t msg_control64;
	};
	uint32_t msg_controllen;
	int32_t msg_flags; /* RUMP_MSG_* (recvmsg: out) */
};

/*
 * Control messages: a 16-byte header, data 8-byte aligned, records
 * 8-byte aligned (RUMP_CMSG_ALIGN), on every CPU.  SCM_RIGHTS carries
 * int32_t descriptors.
 */
struct rump_cmsghdr {
	uint64_t cmsg_len; /* header and data, unpadded */
	int32_t cmsg_level;
	int32_t cmsg_type;
};
#define RUMP_CMSG_ALIGN(n) (((n) + 7) & ~(uint64_t)7)
#define RUMP_CMSG_SPACE(n) (sizeof(struct rump_cmsghdr) + RUMP_CMSG_ALIGN(n))
#define RUMP_CMSG_LEN(n) (sizeof(struct rump_cmsghdr) + (n))
#define RUMP_CMSG_DATA(c) ((unsigned char *)((struct rump_cmsghdr *)(c) + 1))

struct rump_linger {
	int32_t l_onoff;
	int32_t l_linger; /* seconds */
};

/* SO_PEERCRED of a local socket. */
struct rump_ucred {
	int32_t pid;
	uint32_t uid;
	uint32_t gid;
};

struct rump_ip_mreq {
	struct rump_in_addr imr_multiaddr;
	struct rump_in_addr imr_interface;
};

/*
 * Interface requests (RUMP_SIOC*): 32 bytes, as the ioctl encodings say.
 * ifr_data is a pointer in a 64-bit slot.
 */
struct rump_ifreq {
	char ifr_name[16]; /* RUMP_IFNAMSIZ */
	union {
		struct rump_sockaddr ifr_addr;
		struct rump_sockaddr ifr_dstaddr;
		struct rump_sockaddr ifr_broadaddr;
		int16_t ifr_flags; /* RUMP_IFF_* (low 16 bits) */
		int32_t ifr_metric;
		int32_t ifr_mtu;
		int32_t ifr_index;
		uint64_t ifr_data64;
	};
};

struct rump_in_aliasreq {
	char ifra_name[16];
	struct rump_sockaddr_in ifra_addr;
	struct rump_sockaddr_in ifra_broadaddr; /* or the peer's */
	struct rump_sockaddr_in ifra_mask;
};

/*
 * SIOCADDRT, SIOCDELRT (rumpkit's requests; on an AF_INET socket): the
 * route to rtr_dst/rtr_mask through rtr_gateway (RUMP_RTF_GATEWAY, on a
 * directly connected network) or out of rtr_ifname directly.  Delete
 * names the route by destination and mask only.  The host layer also
 * takes Linux's SIOCADDRT/SIOCDELRT with its struct rtentry.
 */
struct rump_rtreq {
	char rtr_ifname[16]; /* "" : the gateway's interface */
	struct rump_sockaddr_in rtr_dst;
	struct rump_sockaddr_in rtr_gateway;
	struct rump_sockaddr_in rtr_mask;
	uint32_t rtr_flags; /* RUMP_RTF_* of <rump/sysctl.h> */
	uint32_t rtr_pad;
};

/*
 * SIOCSLINKSTR (rumpkit's layout, passed through by the host layer): the
 * driver's link string, as rump_pub_netconfig_ifsetlinkstr sets it (a
 * tap name, a shmif bus file), NUL-terminated within ifl_str.
 */
struct rump_iflinkstr {
	char ifl_name[16];
	char ifl_str[1024];
};

/*
 * SIOCGIFCONF: ifc_len bytes at ifc_buf receive struct rump_ifreq
 * records (name and address, 32 bytes each); ifc_len comes back as the
 * bytes used.  A NULL buffer asks for the bytes needed.
 */
struct rump_ifconf {
	int32_t ifc_len;
	int32_t ifc_pad;
	union {
		void *ifc_buf;
		uint64_t ifc_buf64;
	};
};
#endif
