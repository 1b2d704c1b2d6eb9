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
#endif
