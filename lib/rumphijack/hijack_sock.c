/*
 * hijack_sock.c -- sockets.  socket() and socketpair() of a family that
 * RUMPHIJACK's socket= routes (default: every family but local) make
 * kernel sockets; every other socket call follows its descriptor.  Passing
 * descriptors (SCM_RIGHTS) over a kernel socket would need both tables at
 * once and is refused (EOPNOTSUPP); sendmmsg/recvmmsg are done one message
 * at a time.
 */

#include "hijack.h"

#define HIJACK_SOCKCALL(name, fd, ...)                                         \
	int kfd_ = hijack_kfd(fd);                                             \
	if (kfd_ < 0)                                                          \
		return HOST(name)(fd, __VA_ARGS__);

int socket(int domain, int type, int proto)
{
	int kfd;

	if (HIJACK_BYPASS() || !hijack_socket_routed(domain))
		return HOST(socket)(domain, type, proto);
	kfd = KCALL(rump_sys_socket(domain, type, proto));
	if (kfd == -1)
		return -1;
	return hijack_fd_attach(kfd, (type & SOCK_CLOEXEC) != 0);
}

int socketpair(int domain, int type, int proto, int sv[2])
{
	int ksv[2];

	if (HIJACK_BYPASS() || !hijack_socket_routed(domain))
		return HOST(socketpair)(domain, type, proto, sv);
	if (KCALL(rump_sys_socketpair(domain, type, proto, ksv)) == -1)
		return -1;
	sv[0] = hijack_fd_attach(ksv[0], (type & SOCK_CLOEXEC) != 0);
	if (sv[0] == -1) {
		KCALL(rump_sys_close(ksv[1]));
		return -1;
	}
	sv[1] = hijack_fd_attach(ksv[1], (type & SOCK_CLOEXEC) != 0);
	if (sv[1] == -1) {
		int e = errno;

		close(sv[0]);
		return hijack_fail(e);
	}
	return 0;
}

int bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	HIJACK_SOCKCALL(bind, fd, sa, len);
	return KCALL(rump_sys_bind(kfd_, sa, len));
}

int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	HIJACK_SOCKCALL(connect, fd, sa, len);
	return KCALL(rump_sys_connect(kfd_, sa, len));
}

int listen(int fd, int backlog)
{
	HIJACK_SOCKCALL(listen, fd, backlog);
	return KCALL(rump_sys_listen(kfd_, backlog));
}

int accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	int nkfd;

	HIJACK_SOCKCALL(accept4, fd, sa, len, flags);
	nkfd = KCALL(rump_sys_accept4(kfd_, sa, len, flags));
	if (nkfd == -1)
		return -1;
	return hijack_fd_attach(nkfd, (flags & SOCK_CLOEXEC) != 0);
}

int accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	int nkfd;

	HIJACK_SOCKCALL(accept, fd, sa, len);
	nkfd = KCALL(rump_sys_accept(kfd_, sa, len));
	if (nkfd == -1)
		return -1;
	return hijack_fd_attach(nkfd, false);
}

int getsockname(int fd, struct sockaddr *sa, socklen_t *len)
{
	HIJACK_SOCKCALL(getsockname, fd, sa, len);
	return KCALL(rump_sys_getsockname(kfd_, sa, len));
}

int getpeername(int fd, struct sockaddr *sa, socklen_t *len)
{
	HIJACK_SOCKCALL(getpeername, fd, sa, len);
	return KCALL(rump_sys_getpeername(kfd_, sa, len));
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	HIJACK_SOCKCALL(setsockopt, fd, level, name, val, len);
	return KCALL(rump_sys_setsockopt(kfd_, level, name, val, len));
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	HIJACK_SOCKCALL(getsockopt, fd, level, name, val, len);
	return KCALL(rump_sys_getsockopt(kfd_, level, name, val, len));
}

ssize_t send(int fd, const void *buf, size_t n, int flags)
{
	HIJACK_SOCKCALL(send, fd, buf, n, flags);
	return KCALL(rump_sys_send(kfd_, buf, n, flags));
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags,
	       const struct sockaddr *sa, socklen_t len)
{
	HIJACK_SOCKCALL(sendto, fd, buf, n, flags, sa, len);
	return KCALL(rump_sys_sendto(kfd_, buf, n, flags, sa, len));
}

ssize_t recv(int fd, void *buf, size_t n, int flags)
{
	HIJACK_SOCKCALL(recv, fd, buf, n, flags);
	return KCALL(rump_sys_recv(kfd_, buf, n, flags));
}

ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *sa,
		 socklen_t *len)
{
	HIJACK_SOCKCALL(recvfrom, fd, buf, n, flags, sa, len);
	return KCALL(rump_sys_recvfrom(kfd_, buf, n, flags, sa, len));
}

/* Whether a control message passes descriptors. */
static bool hijack_msg_has_rights(const struct msghdr *msg)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(msg); c != NULL;
	     c = CMSG_NXTHDR((struct msghdr *)msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			return true;
	return false;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	HIJACK_SOCKCALL(sendmsg, fd, msg, flags);
	if (msg->msg_controllen > 0 && hijack_msg_has_rights(msg))
		return hijack_fail(EOPNOTSUPP);
	return KCALL(rump_sys_sendmsg(kfd_, msg, flags));
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	ssize_t n;

	HIJACK_SOCKCALL(recvmsg, fd, msg, flags);
	n = KCALL(rump_sys_recvmsg(kfd_, msg, flags));
	/* a kernel descriptor received here would have no host number */
	if (n >= 0 && msg->msg_controllen > 0 && hijack_msg_has_rights(msg))
		msg->msg_flags |= MSG_CTRUNC;
	return n;
}

int shutdown(int fd, int how)
{
	HIJACK_SOCKCALL(shutdown, fd, how);
	return KCALL(rump_sys_shutdown(kfd_, how));
}

int sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags)
{
	unsigned int i;

	HIJACK_SOCKCALL(sendmmsg, fd, v, n, flags);
	for (i = 0; i < n; i++) {
		ssize_t got = sendmsg(fd, &v[i].msg_hdr, flags);

		if (got == -1)
			return i > 0 ? (int)i : -1;
		v[i].msg_len = (unsigned int)got;
	}
	return (int)i;
}

int recvmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags,
	     struct timespec *timeout)
{
	unsigned int i;

	HIJACK_SOCKCALL(recvmmsg, fd, v, n, flags, timeout);
	if (timeout != NULL)
		return hijack_fail(EOPNOTSUPP);
	for (i = 0; i < n; i++) {
		ssize_t got = recvmsg(fd, &v[i].msg_hdr,
				      i > 0 ? flags | MSG_DONTWAIT : flags);

		if (got == -1)
			return i > 0 ? (int)i : -1;
		v[i].msg_len = (unsigned int)got;
		if ((flags & MSG_WAITFORONE) != 0)
			flags |= MSG_DONTWAIT;
	}
	return (int)i;
}
