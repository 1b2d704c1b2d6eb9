/*
 * rumphost.h -- librumphost, the translation between a host's ABI (its errno
 * values, constants and structure layouts) and the kernel's own ABI
 * (<rump/rumpdefs.h>, <rump/rumpabi.h>).  The generated rump_sys_* entry
 * points and the remote client call it; it holds no state and never calls
 * the kernel.  docs/host-abi.md says what each translator maps and what it
 * rejects.
 */
#ifndef RUMP_RUMPHOST_H_
#define RUMP_RUMPHOST_H_
#include <stddef.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/types.h>

#include <rump/rumpabi.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The host's errno value for a kernel errno (RUMP_E*), and the kernel's
 * for a host errno value.  0 maps to 0; a value without a counterpart on
 * the other side becomes EIO.
 */
int rumphost_errno_host(int kernel_errno);
int rumphost_errno_kernel(int host_errno);

/*
 * Translators.  An argument annotated xlate=X in sys/syscalls.master makes
 * the generated entry point call, for a structure struct S (kernel layout
 * struct rump_X from <rump/rumpabi.h>),
 *
 *	int rumphost_X_to_kernel(const struct S *host, struct rump_X *kernel);
 *	int rumphost_X_to_host(const struct rump_X *kernel, struct S *host);
 *
 * (in arguments the first, out arguments the second, inout both; once per
 * element for an array), and for a scalar of host type T
 *
 *	int rumphost_X_to_kernel(T host, int64_t *kernel);
 *
 * (uint64_t *kernel for an unsigned T: the argument's slot).  Each returns
 * 0 or a host errno value, which the entry point returns to its caller
 * without calling the kernel (or, after the call, as the call's error).
 * A host flag or command the kernel lacks is EINVAL unless said otherwise.
 */

/*
 * open(2) flags (and pipe2, dup3, F_SETFL, F_GETFL).  O_PATH, O_TMPFILE and
 * O_ASYNC are EINVAL; O_LARGEFILE is dropped (the kernel's off_t is 64-bit).
 * The reverse direction drops kernel bits the host lacks.
 */
int rumphost_oflags_to_kernel(int host, int64_t *kernel);
int rumphost_oflags_to_host(int64_t kernel, int *host);

/* A directory descriptor of the *at() calls: AT_FDCWD, others as they are. */
int rumphost_dirfd_to_kernel(int host, int64_t *kernel);
/*
 * AT_* flags: general (AT_SYMLINK_NOFOLLOW, AT_SYMLINK_FOLLOW,
 * AT_EMPTY_PATH; AT_NO_AUTOMOUNT is dropped), faccessat's (AT_EACCESS too),
 * unlinkat's (AT_REMOVEDIR).  Linux gives AT_EACCESS and AT_REMOVEDIR one
 * value, so each call names its own set.
 */
int rumphost_atflags_to_kernel(int host, int64_t *kernel);
int rumphost_faccessatflags_to_kernel(int host, int64_t *kernel);
int rumphost_unlinkatflags_to_kernel(int host, int64_t *kernel);

/* lseek whence: SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE. */
int rumphost_whence_to_kernel(int host, int64_t *kernel);
int rumphost_whence_to_host(int64_t kernel, int *host);

/* flock(2) operation: LOCK_SH, LOCK_EX, LOCK_UN, optionally | LOCK_NB. */
int rumphost_lockop_to_kernel(int host, int64_t *kernel);

/*
 * fcntl(2): commands F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL,
 * F_SETFL, F_GETLK, F_SETLK, F_SETLKW (others EINVAL); descriptor flags
 * (FD_CLOEXEC; other bits are ignored, as Linux does); struct flock, whose
 * l_type and l_whence are translated.
 */
int rumphost_fcntlcmd_to_kernel(int host, int64_t *kernel);
int rumphost_fdflags_to_kernel(int host, int64_t *kernel);
int rumphost_fdflags_to_host(int64_t kernel, int *host);
struct flock;
int rumphost_flock_to_kernel(const struct flock *host,
			     struct rump_flock *kernel);
int rumphost_flock_to_host(const struct rump_flock *kernel, struct flock *host);

/* ioctl(2) requests: FIONREAD, FIONBIO; any other request is ENOTTY. */
int rumphost_ioctl_to_kernel(unsigned long host, uint64_t *kernel);

/*
 * mount(2) flags MS_* to RUMP_MNT_*: MS_RDONLY, MS_NOSUID, MS_NODEV,
 * MS_NOEXEC, MS_SYNCHRONOUS, MS_NOATIME; MS_SILENT and the old magic
 * number in the high 16 bits are dropped; the rest (MS_REMOUNT, MS_BIND,
 * MS_MOVE, propagation and atime policies ...) is EINVAL.  umount2 flags:
 * MNT_FORCE; MNT_DETACH, MNT_EXPIRE, UMOUNT_NOFOLLOW are EINVAL.
 */
int rumphost_mountflags_to_kernel(unsigned long host, uint64_t *kernel);
int rumphost_umountflags_to_kernel(int host, int64_t *kernel);

/*
 * fallocate mode: 0 only; anything else EOPNOTSUPP, as Linux says of a
 * mode the file system does not support.
 */
int rumphost_fallocmode_to_kernel(int host, int64_t *kernel);

/*
 * struct stat: every field, times with nanoseconds.  A value that the
 * host's field cannot hold is EOVERFLOW (as stat(2) says); the kernel's
 * birth time has no Linux field and is dropped (0 the other way).
 */
struct stat;
int rumphost_stat_to_kernel(const struct stat *host, struct rump_stat *kernel);
int rumphost_stat_to_host(const struct rump_stat *kernel, struct stat *host);

/*
 * struct statvfs: f_flag RUMP_MNT_* <-> ST_*; the kernel's names of the
 * file system (f_fstypename, f_mntonname, f_mntfromname) have no Linux
 * fields and are dropped (empty the other way).
 */
struct statvfs;
int rumphost_statvfs_to_kernel(const struct statvfs *host,
			       struct rump_statvfs *kernel);
int rumphost_statvfs_to_host(const struct rump_statvfs *kernel,
			     struct statvfs *host);

/*
 * struct timeval; struct timespec with UTIME_NOW and UTIME_OMIT in tv_nsec
 * translated.  EOVERFLOW where a host's time_t cannot hold the seconds.
 */
struct timeval;
struct timespec;
int rumphost_timeval_to_kernel(const struct timeval *host,
			       struct rump_timeval *kernel);
int rumphost_timeval_to_host(const struct rump_timeval *kernel,
			     struct timeval *host);
int rumphost_timespec_to_kernel(const struct timespec *host,
				struct rump_timespec *kernel);
int rumphost_timespec_to_host(const struct rump_timespec *kernel,
			      struct timespec *host);

/* struct iovec: the base pointer and the length. */
struct iovec;
int rumphost_iovec_to_kernel(const struct iovec *host,
			     struct rump_iovec *kernel);
int rumphost_iovec_to_host(const struct rump_iovec *kernel, struct iovec *host);

/*
 * struct pollfd.  To the kernel: fd, events (POLLWRNORM becomes
 * RUMP_POLLOUT; POLLMSG, POLLRDHUP and other bits the kernel lacks are
 * dropped, never reported, as Linux ignores bits a file does not support),
 * revents 0.  To the host: revents only -- fd and events stay the caller's,
 * and RUMP_POLLOUT is reported as POLLOUT and/or POLLWRNORM, whichever the
 * caller asked for.
 */
struct pollfd;
int rumphost_pollfd_to_kernel(const struct pollfd *host,
			      struct rump_pollfd *kernel);
int rumphost_pollfd_to_host(const struct rump_pollfd *kernel,
			    struct pollfd *host);

/* fd_set: descriptor i's bit, for i below both FD_SETSIZEs. */
int rumphost_fd_set_to_kernel(const fd_set *host, struct rump_fd_set *kernel);
int rumphost_fd_set_to_host(const struct rump_fd_set *kernel, fd_set *host);

/*
 * Sockets (lib/rumphost/socket.c, sockaddr.c, sockopt.c, msghdr.c).
 * sockdomain: AF_UNSPEC, AF_UNIX, AF_INET, AF_INET6 (others:
 * EAFNOSUPPORT, as Linux says for a family it lacks).  socktype: the type
 * (0..10 passed on, the kernel decides; others EINVAL) plus SOCK_NONBLOCK
 * and SOCK_CLOEXEC (other flag bits EINVAL); sockflags: those two flags
 * alone (accept4).  msgflags: MSG_* both ways; MSG_MORE and MSG_CONFIRM
 * are hints and dropped, other unknown bits EINVAL.
 */
int rumphost_sockdomain_to_kernel(int host, int64_t *kernel);
int rumphost_sockdomain_to_host(int64_t kernel, int *host);
int rumphost_socktype_to_kernel(int host, int64_t *kernel);
int rumphost_sockflags_to_kernel(int host, int64_t *kernel);
int rumphost_msgflags_to_kernel(int host, int64_t *kernel);
int rumphost_msgflags_to_host(int64_t kernel, int *host);

/*
 * Socket addresses.  Host layout: 16-bit family then the body; kernel
 * layout: sa_len, 8-bit family, the same body (the bodies of
 * sockaddr_un, sockaddr_in and sockaddr_in6 agree byte for byte).
 * to_kernel: hostlen bytes of host (EINVAL above sizeof(struct
 * sockaddr_storage), EFAULT for NULL with a length); *kernlen gets the
 * kernel length (the same number: both headers are 2 bytes); an
 * unknown family becomes 255, which no kernel domain has.  to_host:
 * copies at most *hostlen bytes (truncating as Linux does) and sets
 * *hostlen to the address's full length.
 */
struct sockaddr;
int rumphost_sockaddr_to_kernel(const struct sockaddr *host,
				unsigned int hostlen,
				struct rump_sockaddr_storage *kernel,
				unsigned int *kernlen);
int rumphost_sockaddr_to_host(const struct rump_sockaddr *kernel,
			      unsigned int kernlen, struct sockaddr *host,
			      unsigned int *hostlen);

/*
 * Socket options: the level (SOL_SOCKET; IPPROTO_* are the same) and
 * the name, for the options the kernel has (ENOPROTOOPT otherwise, as
 * Linux).  The value: to_kernel fills kbuf (*klen in: its size, out: the
 * bytes) from the host's value (struct timeval to struct rump_timeval,
 * ints and struct linger, ip_mreq as they are); to_host the reverse, for
 * getsockopt (SO_ERROR's errno and SO_DOMAIN's family translated).
 */
int rumphost_sockopt_to_kernel(int level, int name, int64_t *klevel,
			       int64_t *kname);
int rumphost_sockoptval_to_kernel(int level, int name, const void *host,
				  unsigned int hostlen, void *kbuf,
				  unsigned int *klen);
int rumphost_sockoptval_to_host(int level, int name, const void *kbuf,
				unsigned int klen, void *host,
				unsigned int *hostlen);

/*
 * Control messages of sendmsg/recvmsg (lib/rumphost/cmsg.c).
 * kernsize: the bytes a kernel copy of host's records needs.  to_kernel:
 * EINVAL for a malformed record, ENOBUFS if kernel is too small.
 * to_host: copies at most hostsize bytes, setting *truncp when records
 * or data did not fit (the kernel has already closed descriptors that
 * did not fit the same size).
 */
size_t rumphost_cmsg_kernsize(const void *host, size_t hostlen);
int rumphost_cmsg_to_kernel(const void *host, size_t hostlen, void *kernel,
			    size_t kernsize, size_t *kernlen);
int rumphost_cmsg_to_host(const void *kernel, size_t kernlen, void *host,
			  size_t hostsize, size_t *hostlen, int *truncp);

/*
 * Storage for a translated array of count elements of elsize bytes: the
 * caller's stack buffer of stackbytes when it is large enough, else
 * allocated.  EINVAL when count exceeds RUMPHOST_ARRAY_MAX (a negative
 * count converted to uint64_t does), ENOMEM when allocation fails.
 * rumphost_array_free() releases what is not the stack buffer.
 */
#define RUMPHOST_ARRAY_MAX 65536
int rumphost_array_alloc(void **arrayp, void *stackbuf, size_t stackbytes,
			 uint64_t count, size_t elsize);
void rumphost_array_free(void *array, void *stackbuf);

/*
 * Interface ioctls (lib/rumphost/ifreq.c).  ifioctl_to_kernel gives the
 * kernel's request and what the argument is: a struct ifreq translated
 * by ifreq_to_kernel/_to_host, a struct ifconf whose records are
 * translated one by one, or a kernel-layout structure passed as it is
 * (RUMP_SIOCAIFADDR, RUMP_SIOCIFCREATE, RUMP_SIOCIFDESTROY).  ENOTTY for
 * a request that is none of these.
 */
#define RUMPHOST_IFIO_IFREQ 1
#define RUMPHOST_IFIO_IFCONF 2
#define RUMPHOST_IFIO_KERNEL 3
#define RUMPHOST_IFIO_RTENTRY 4 /* Linux's SIOCADDRT/SIOCDELRT */
struct ifreq;
struct rtentry;
int rumphost_ifioctl_to_kernel(unsigned long host, uint64_t *kernel,
			       int *kindp);
int rumphost_ifreq_to_kernel(unsigned long host_request,
			     const struct ifreq *host, struct rump_ifreq *kernel);
int rumphost_ifreq_to_host(unsigned long host_request,
			   const struct rump_ifreq *kernel, struct ifreq *host);
/* One SIOCGIFCONF record; EAFNOSUPPORT for one without an IPv4 address. */
int rumphost_ifconf_record_to_host(const struct rump_ifreq *kernel,
				   struct ifreq *host);
/* Linux's struct rtentry as a struct rump_rtreq; ENODEV: rt_dev too long. */
int rumphost_rtentry_to_kernel(const struct rtentry *host,
			       struct rump_rtreq *kernel);

#ifdef __cplusplus
}
#endif
#endif
