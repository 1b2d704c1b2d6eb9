/*
 * socket_host.c -- the custom entry points of the socket calls that take
 * or give an address or an option value: bind, connect, accept, accept4,
 * getsockname, getpeername, setsockopt, getsockopt, sendto, recvfrom,
 * sendmsg, recvmsg (the last with iovecs and control messages, whose
 * descriptors pass as they are).  Addresses are
 * translated between the host's layout and the kernel's (sa_len, 8-bit
 * family) with their lengths; results are truncated to the caller's
 * length, which is set to the full one, as Linux does.  When a
 * translation fails, the descriptor is checked first so that EBADF and
 * ENOTSOCK win, as they do in Linux.
 */
#include <errno.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <rump/rump_syscalls.h>
#include <rump/rumphost.h>
#include <rump/rumpkern.h>

#include "errno_map.h"
#include "sysargs_host.h"

static int sys(int num, void *args, size_t size, int64_t *retval)
{
	int error = rump_kern_syscall(num, args, size, retval);

	return error != 0 ? rumphost_errno_to_host(error) : 0;
}

static int sock_fderror(int fd, int error)
{
	struct sys_getsockopt_args args = {
		.sockfd = fd,
		.level = RUMP_SOL_SOCKET,
		.optname = RUMP_SO_TYPE,
	};
	int64_t retval[2] = {0, 0};
	socklen_t len = sizeof(int32_t);
	int32_t type;
	int fderror;

	args.optval = &type;
	args.optlen = &len;
	fderror = sys(RUMP_SYS_GETSOCKOPT, &args, sizeof(args), retval);
	return fderror == EBADF || fderror == ENOTSOCK ? fderror : error;
}

static int sock_fail(int error)
{
	errno = error;
	return -1;
}

static int addr_call(int num, int fd, const struct sockaddr *addr,
		     socklen_t addrlen)
{
	struct sys_bind_args args = {.sockfd = fd}; /* connect's is alike */
	struct rump_sockaddr_storage ks;
	int64_t retval[2] = {0, 0};
	unsigned int klen;
	int error;

	_Static_assert(sizeof(struct sys_bind_args) ==
			       sizeof(struct sys_connect_args),
		       "bind and connect take the same arguments");
	error = rumphost_sockaddr_to_kernel(addr, addrlen, &ks, &klen);
	if (error != 0)
		return sock_fail(sock_fderror(fd, error));
	args.addr = (const struct rump_sockaddr *)&ks;
	args.addrlen = klen;
	if ((error = sys(num, &args, sizeof(args), retval)) != 0)
		return sock_fail(error);
	return 0;
}

int rump_sys_bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen)
{
	return addr_call(RUMP_SYS_BIND, sockfd, addr, addrlen);
}

int rump_sys_connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen)
{
	return addr_call(RUMP_SYS_CONNECT, sockfd, addr, addrlen);
}

static int addrout_begin(int fd, struct sockaddr *addr, socklen_t *addrlen,
			 bool required, socklen_t *hostlen)
{
	if (addr == NULL && !required)
		return 0;
	if (addrlen == NULL)
		return sock_fderror(fd, EFAULT);
	memcpy(hostlen, addrlen, sizeof(*hostlen));
	if ((int)*hostlen < 0)
		return sock_fderror(fd, EINVAL);
	if (addr == NULL && *hostlen > 0)
		return sock_fderror(fd, EFAULT);
	return 0;
}

static void addrout_end(const struct rump_sockaddr_storage *ks, socklen_t klen,
			struct sockaddr *addr, socklen_t *addrlen,
			socklen_t hostlen)
{
	unsigned int len = hostlen;

	if (klen == 0) {
		*addrlen = 0;
		return;
	}
	(void)rumphost_sockaddr_to_host((const struct rump_sockaddr *)ks, klen,
					addr, &len);
	*addrlen = len;
}

static int doaccept(int fd, struct sockaddr *addr, socklen_t *addrlen,
		    int flags)
{
	struct sys_accept4_args args = {.sockfd = fd};
	struct rump_sockaddr_storage ks;
	int64_t retval[2] = {0, 0};
	socklen_t hostlen = 0, klen = sizeof(ks);
	int64_t kflags;
	int error;

	if ((error = rumphost_sockflags_to_kernel(flags, &kflags)) != 0)
		return sock_fail(error);
	args.flags = kflags;
	error = addrout_begin(fd, addr, addrlen, false, &hostlen);
	if (error != 0)
		return sock_fail(error);
	if (addr != NULL) {
		memset(&ks, 0, sizeof(ks));
		args.addr = (struct rump_sockaddr *)&ks;
		args.addrlen = &klen;
	}
	if ((error = sys(RUMP_SYS_ACCEPT4, &args, sizeof(args), retval)) != 0)
		return sock_fail(error);
	if (addr != NULL)
		addrout_end(&ks, klen, addr, addrlen, hostlen);
	return (int)retval[0];
}

int rump_sys_accept(int sockfd, struct sockaddr *addr, socklen_t *addrlen)
{
	return doaccept(sockfd, addr, addrlen, 0);
}

int rump_sys_accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen,
		     int flags)
{
	return doaccept(sockfd, addr, addrlen, flags);
}

static int getname(int num, int fd, struct sockaddr *addr, socklen_t *addrlen)
{
	struct sys_getsockname_args args = {.sockfd = fd};
	struct rump_sockaddr_storage ks;
	int64_t retval[2] = {0, 0};
	socklen_t hostlen = 0, klen = sizeof(ks);
	int error;

	_Static_assert(sizeof(struct sys_getsockname_args) ==
			       sizeof(struct sys_getpeername_args),
		       "getsockname and getpeername take the same arguments");
	error = addrout_begin(fd, addr, addrlen, true, &hostlen);
	if (error != 0)
		return sock_fail(error);
	memset(&ks, 0, sizeof(ks));
	args.addr = (struct rump_sockaddr *)&ks;
	args.addrlen = &klen;
	if ((error = sys(num, &args, sizeof(args), retval)) != 0)
		return sock_fail(error);
	addrout_end(&ks, klen, addr, addrlen, hostlen);
	return 0;
}

int rump_sys_getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen)
{
	return getname(RUMP_SYS_GETSOCKNAME, sockfd, addr, addrlen);
}

int rump_sys_getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen)
{
	return getname(RUMP_SYS_GETPEERNAME, sockfd, addr, addrlen);
}

/* Option values are small; the kernel truncates longer ones. */
#define OPTBUF 256

int rump_sys_setsockopt(int sockfd, int level, int optname, const void *optval,
			socklen_t optlen)
{
	struct sys_setsockopt_args args = {.sockfd = sockfd};
	unsigned char kbuf[OPTBUF];
	unsigned int klen = sizeof(kbuf);
	int64_t retval[2] = {0, 0}, klevel, kname;
	int error;

	error = rumphost_sockopt_to_kernel(level, optname, &klevel, &kname);
	if (error == 0 && (int)optlen < 0)
		error = EINVAL;
	if (error == 0)
		error = rumphost_sockoptval_to_kernel(level, optname, optval,
						      optlen, kbuf, &klen);
	if (error != 0)
		return sock_fail(sock_fderror(sockfd, error));
	args.level = klevel;
	args.optname = kname;
	args.optval = kbuf;
	args.optlen = klen;
	if ((error = sys(RUMP_SYS_SETSOCKOPT, &args, sizeof(args), retval)) !=
	    0)
		return sock_fail(error);
	return 0;
}

int rump_sys_getsockopt(int sockfd, int level, int optname, void *optval,
			socklen_t *optlen)
{
	struct sys_getsockopt_args args = {.sockfd = sockfd};
	unsigned char kbuf[OPTBUF];
	int64_t retval[2] = {0, 0}, klevel, kname;
	socklen_t hostlen = 0, klen;
	unsigned int len;
	int error;

	error = rumphost_sockopt_to_kernel(level, optname, &klevel, &kname);
	if (error == 0 && optlen == NULL)
		error = EFAULT;
	if (error == 0) {
		memcpy(&hostlen, optlen, sizeof(hostlen));
		if ((int)hostlen < 0)
			error = EINVAL;
	}
	if (error != 0)
		return sock_fail(sock_fderror(sockfd, error));
	/* Room for the kernel's form (a rump_timeval for a timeval). */
	klen = hostlen < sizeof(struct rump_timeval) && level == SOL_SOCKET &&
			       (optname == SO_RCVTIMEO ||
				optname == SO_SNDTIMEO)
		       ? hostlen
		       : (hostlen > OPTBUF ? OPTBUF : hostlen);
	if (level == SOL_SOCKET &&
	    (optname == SO_RCVTIMEO || optname == SO_SNDTIMEO) &&
	    hostlen >= sizeof(struct timeval))
		klen = sizeof(struct rump_timeval);
	/* The kernel's whole struct: the host's is converted, then cut. */
	if (level == IPPROTO_TCP && optname == TCP_INFO)
		klen = sizeof(struct rump_tcp_info);
	args.level = klevel;
	args.optname = kname;
	args.optval = kbuf;
	args.optlen = &klen;
	if ((error = sys(RUMP_SYS_GETSOCKOPT, &args, sizeof(args), retval)) !=
	    0)
		return sock_fail(error);
	len = hostlen;
	error = rumphost_sockoptval_to_host(level, optname, kbuf, klen, optval,
					    &len);
	if (error != 0)
		return sock_fail(error);
	*optlen = len;
	return 0;
}

static ssize_t dosend(int fd, const struct rump_msghdr *kmsg, int flags)
{
	struct sys_sendmsg_args args = {.sockfd = fd};
	int64_t retval[2] = {0, 0}, kflags;
	int error;

	if ((error = rumphost_msgflags_to_kernel(flags, &kflags)) != 0)
		return sock_fail(sock_fderror(fd, error));
	args.msg = kmsg;
	args.flags = kflags;
	if ((error = sys(RUMP_SYS_SENDMSG, &args, sizeof(args), retval)) != 0)
		return sock_fail(error);
	return (ssize_t)retval[0];
}

ssize_t rump_sys_sendto(int sockfd, const void *buf, size_t len, int flags,
			const struct sockaddr *dest_addr, socklen_t addrlen)
{
	struct sys_sendto_args args = {.sockfd = sockfd, .len = len};
	struct rump_sockaddr_storage ks;
	int64_t retval[2] = {0, 0}, kflags;
	unsigned int klen = 0;
	int error;

	error = rumphost_msgflags_to_kernel(flags, &kflags);
	if (error == 0 && dest_addr != NULL)
		error = rumphost_sockaddr_to_kernel(dest_addr, addrlen, &ks,
						    &klen);
	if (error != 0)
		return sock_fail(sock_fderror(sockfd, error));
	args.buf = buf;
	args.flags = kflags;
	if (dest_addr != NULL) {
		args.dest_addr = (const struct rump_sockaddr *)&ks;
		args.addrlen = klen;
	}
	if ((error = sys(RUMP_SYS_SENDTO, &args, sizeof(args), retval)) != 0)
		return sock_fail(error);
	return (ssize_t)retval[0];
}

ssize_t rump_sys_recvfrom(int sockfd, void *buf, size_t len, int flags,
			  struct sockaddr *src_addr, socklen_t *addrlen)
{
	struct sys_recvfrom_args args = {.sockfd = sockfd, .len = len};
	struct rump_sockaddr_storage ks;
	int64_t retval[2] = {0, 0}, kflags;
	socklen_t hostlen = 0, klen = sizeof(ks);
	int error;

	error = rumphost_msgflags_to_kernel(flags, &kflags);
	if (error != 0)
		return sock_fail(sock_fderror(sockfd, error));
	if ((error = addrout_begin(sockfd, src_addr, addrlen, false,
				   &hostlen)) != 0)
		return sock_fail(error);
	args.buf = buf;
	args.flags = kflags;
	if (src_addr != NULL) {
		memset(&ks, 0, sizeof(ks));
		args.src_addr = (struct rump_sockaddr *)&ks;
		args.addrlen = &klen;
	}
	if ((error = sys(RUMP_SYS_RECVFROM, &args, sizeof(args), retval)) != 0)
		return sock_fail(error);
	if (src_addr != NULL)
		addrout_end(&ks, klen, src_addr, addrlen, hostlen);
	return (ssize_t)retval[0];
}

/* Translated iovecs: on the stack up to this many, else allocated. */
#define IOV_STACK 16

/* A kernel copy of a host message: iovecs, name, control. */
struct kmsg {
	struct rump_msghdr msg;
	struct rump_sockaddr_storage name;
	struct rump_iovec iovstack[IOV_STACK];
	struct rump_iovec *iov;
	void *control;
};

static void kmsg_free(struct kmsg *k)
{
	if (k->iov != k->iovstack)
		free(k->iov);
	free(k->control);
}

/* The iovecs and the buffers of msg; send: the name and control too. */
static int kmsg_init(struct kmsg *k, const struct msghdr *msg, bool send)
{
	unsigned int klen;
	int error;

	memset(&k->msg, 0, sizeof(k->msg));
	k->iov = k->iovstack;
	k->control = NULL;
	if (msg == NULL)
		return EFAULT;
	if (msg->msg_iovlen > RUMP_OPEN_MAX)
		return EMSGSIZE; /* Linux: more than UIO_MAXIOV */
	if (msg->msg_iovlen > 0 && msg->msg_iov == NULL)
		return EFAULT;
	if (msg->msg_iovlen > IOV_STACK &&
	    (k->iov = calloc(msg->msg_iovlen, sizeof(*k->iov))) == NULL)
		return ENOMEM;
	for (size_t i = 0; i < msg->msg_iovlen; i++) {
		k->iov[i].iov_base64 = 0;
		k->iov[i].iov_base = msg->msg_iov[i].iov_base;
		k->iov[i].iov_len = msg->msg_iov[i].iov_len;
	}
	k->msg.msg_iov = k->iov;
	k->msg.msg_iovlen = (int32_t)msg->msg_iovlen;
	if (send && msg->msg_name != NULL && msg->msg_namelen > 0) {
		error = rumphost_sockaddr_to_kernel(
			msg->msg_name, msg->msg_namelen, &k->name, &klen);
		if (error != 0)
			return error;
		k->msg.msg_name = &k->name;
		k->msg.msg_namelen = klen;
	} else if (!send && msg->msg_name != NULL) {
		memset(&k->name, 0, sizeof(k->name));
		k->msg.msg_name = &k->name;
		k->msg.msg_namelen = sizeof(k->name);
	}
	if (msg->msg_control == NULL || msg->msg_controllen == 0)
		return 0;
	if (msg->msg_controllen > INT32_MAX)
		return ENOBUFS;
	if (send) {
		size_t need = rumphost_cmsg_kernsize(msg->msg_control,
						     msg->msg_controllen);
		size_t used = 0;

		if (need == 0)
			return msg->msg_controllen >= sizeof(struct cmsghdr)
				       ? EINVAL
				       : 0;
		if ((k->control = malloc(need)) == NULL)
			return ENOMEM;
		error = rumphost_cmsg_to_kernel(msg->msg_control,
						msg->msg_controllen, k->control,
						need, &used);
		if (error != 0)
			return error;
		k->msg.msg_controllen = (uint32_t)used;
	} else {
		/* The same size: the two layouts agree on 64-bit hosts. */
		if ((k->control = calloc(1, msg->msg_controllen)) == NULL)
			return ENOMEM;
		k->msg.msg_controllen = (uint32_t)msg->msg_controllen;
	}
	k->msg.msg_control = k->control;
	return 0;
}

ssize_t rump_sys_sendmsg(int sockfd, const struct msghdr *msg, int flags)
{
	struct kmsg k;
	ssize_t ret;
	int error;

	if ((error = kmsg_init(&k, msg, true)) != 0) {
		kmsg_free(&k);
		return sock_fail(sock_fderror(sockfd, error));
	}
	ret = dosend(sockfd, &k.msg, flags);
	error = errno;
	kmsg_free(&k);
	errno = error;
	return ret;
}

ssize_t rump_sys_recvmsg(int sockfd, struct msghdr *msg, int flags)
{
	struct sys_recvmsg_args args = {.sockfd = sockfd};
	int64_t retval[2] = {0, 0}, kflags;
	struct kmsg k;
	int error, hflags, trunc = 0;

	error = rumphost_msgflags_to_kernel(flags, &kflags);
	if (error == 0)
		error = kmsg_init(&k, msg, false);
	else
		k.iov = k.iovstack, k.control = NULL;
	if (error != 0) {
		kmsg_free(&k);
		return sock_fail(sock_fderror(sockfd, error));
	}
	args.msg = &k.msg;
	args.flags = kflags;
	if ((error = sys(RUMP_SYS_RECVMSG, &args, sizeof(args), retval)) != 0) {
		kmsg_free(&k);
		return sock_fail(error);
	}
	if (msg->msg_name != NULL) {
		unsigned int len = msg->msg_namelen;

		if (k.msg.msg_namelen == 0)
			len = 0;
		else
			(void)rumphost_sockaddr_to_host(
				(const struct rump_sockaddr *)&k.name,
				k.msg.msg_namelen, msg->msg_name, &len);
		msg->msg_namelen = len;
	}
	(void)rumphost_msgflags_to_host(k.msg.msg_flags, &hflags);
	if (msg->msg_control != NULL && msg->msg_controllen > 0) {
		size_t used = 0;

		(void)rumphost_cmsg_to_host(k.control, k.msg.msg_controllen,
					    msg->msg_control,
					    msg->msg_controllen, &used, &trunc);
		msg->msg_controllen = used;
	} else
		msg->msg_controllen = 0;
	if (trunc)
		hflags |= MSG_CTRUNC;
	msg->msg_flags = hflags;
	kmsg_free(&k);
	return (ssize_t)retval[0];
}
