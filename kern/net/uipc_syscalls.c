/*
 * uipc_syscalls.c -- the socket system calls other than the data path:
 * socket, socketpair, bind, listen, accept, accept4, connect, shutdown,
 * getsockopt, setsockopt, getsockname, getpeername.  Arguments are in the
 * kernel's ABI (addresses with sa_len, RUMP_* constants); each handler
 * finds the socket (EBADF, ENOTSOCK), copies addresses and values in and
 * out, and calls the socket layer.
 */
#include <sys/atomic.h>
#include <sys/errno.h>
#include <sys/file.h>
#include <sys/proc.h>
#include <sys/sysargs.h>
#include <sys/sysproto.h>
#include <sys/systm.h>

#include "net_private.h"

/* The socket of descriptor v (a 64-bit slot), held. */
static int sock_get(int64_t v, struct file **fpp, struct socket **sop)
{
	if (v < 0 || v > INT32_MAX)
		return EBADF;
	return fd_getsock((int)v, fpp, sop);
}

static bool sock_nbio(struct file *fp)
{
	return atomic_load_relaxed(&fp->f_flag) & O_NONBLOCK;
}

int sockargs(struct sockaddr_storage *ss, const void *uaddr, uint64_t len)
{
	int error;

	memset(ss, 0, sizeof(*ss));
	if (len > sizeof(*ss))
		return EINVAL;
	if (len > 0 && (error = copyin(uaddr, ss, (size_t)len)) != 0)
		return error;
	/* The length given is the length: sa_len says the same. */
	ss->ss_len = (uint8_t)len;
	return 0;
}

/*
 * Copies address ss out to uaddr, at most the length *ulen says, and
 * sets *ulen to its full length (Linux truncates the same way).
 */
int sockaddr_copyout(const struct sockaddr_storage *ss, void *uaddr,
		     socklen_t *ulen)
{
	socklen_t len;
	int error;

	if ((error = copyin(ulen, &len, sizeof(len))) != 0)
		return error;
	if ((int32_t)len < 0)
		return EINVAL;
	if (ss->ss_len > 0 &&
	    (error = copyout(ss, uaddr, MIN(len, (socklen_t)ss->ss_len))) != 0)
		return error;
	len = ss->ss_len;
	return copyout(&len, ulen, sizeof(len));
}

/* A file for socket so, installed; on failure so is closed. */
static int sock_install(struct socket *so, int flags, int *fdp)
{
	struct file *fp;
	int error;

	if ((error = file_alloc(&fp)) != 0) {
		(void)soclose(so);
		return error;
	}
	fp->f_flag =
		FREAD | FWRITE | ((flags & SOCK_NONBLOCK) ? O_NONBLOCK : 0);
	fp->f_type = FTYPE_SOCKET;
	fp->f_ops = &socketops;
	fp->f_data = so;
	if ((error = fd_install(fp, 0, flags & SOCK_CLOEXEC, fdp)) != 0)
		(void)file_rele(fp); /* closes so */
	return error;
}

/* socket() and socketpair()'s type: the type, or EINVAL for bad flags. */
static int sock_type(int64_t typev, int *typep, int *flagsp)
{
	int64_t flags = typev & (SOCK_CLOEXEC | SOCK_NONBLOCK | SOCK_NOSIGPIPE);
	int64_t type = typev & ~flags;

	if (type < 0 || type > SOCK_TYPE_MASK)
		return EINVAL;
	*typep = (int)type;
	*flagsp = (int)flags;
	return 0;
}

int sys_socket(struct lwp *l, const struct sys_socket_args *uap,
	       register_t *retval)
{
	int64_t domain = SCARG(uap, domain), proto = SCARG(uap, protocol);
	struct socket *so;
	int type, flags, fd, error;

	if ((error = sock_type(SCARG(uap, type), &type, &flags)) != 0)
		return error;
	if (domain < 0 || domain > INT32_MAX)
		return EAFNOSUPPORT;
	if (proto < INT32_MIN || proto > INT32_MAX)
		return EINVAL;
	error = socreate((int)domain, &so, type, (int)proto, l);
	if (error != 0)
		return error;
	if ((error = sock_install(so, flags, &fd)) != 0)
		return error;
	retval[0] = fd;
	return 0;
}

int sys_socketpair(struct lwp *l, const struct sys_socketpair_args *uap,
		   register_t *retval)
{
	int64_t domain = SCARG(uap, domain), proto = SCARG(uap, protocol);
	struct socket *so1, *so2;
	int type, flags, fds[2], error;

	if ((error = sock_type(SCARG(uap, type), &type, &flags)) != 0)
		return error;
	if (domain < 0 || domain > INT32_MAX)
		return EAFNOSUPPORT;
	if (proto < INT32_MIN || proto > INT32_MAX)
		return EINVAL;
	if ((error = socreate((int)domain, &so1, type, (int)proto, l)) != 0)
		return error;
	if ((error = socreate((int)domain, &so2, type, (int)proto, l)) != 0) {
		(void)soclose(so1);
		return error;
	}
	if ((error = soconnect2(so1, so2)) != 0) {
		(void)soclose(so1);
		(void)soclose(so2);
		return error;
	}
	if ((error = sock_install(so1, flags, &fds[0])) != 0) {
		(void)soclose(so2);
		return error;
	}
	if ((error = sock_install(so2, flags, &fds[1])) != 0) {
		(void)fd_close(fds[0]);
		return error;
	}
	if ((error = copyout(fds, SCARG(uap, sv), sizeof(fds))) != 0) {
		(void)fd_close(fds[0]);
		(void)fd_close(fds[1]);
	}
	return error;
}

int sys_bind(struct lwp *l, const struct sys_bind_args *uap, register_t *retval)
{
	struct sockaddr_storage ss;
	struct socket *so;
	struct file *fp;
	int error;

	if ((error = sock_get(SCARG(uap, sockfd), &fp, &so)) != 0)
		return error;
	error = sockargs(&ss, SCARG(uap, addr), SCARG(uap, addrlen));
	if (error == 0)
		error = sobind(so, (struct sockaddr *)&ss, l);
	(void)file_rele(fp);
	return error;
}

int sys_connect(struct lwp *l, const struct sys_connect_args *uap,
		register_t *retval)
{
	struct sockaddr_storage ss;
	struct socket *so;
	struct file *fp;
	int error;

	if ((error = sock_get(SCARG(uap, sockfd), &fp, &so)) != 0)
		return error;
	error = sockargs(&ss, SCARG(uap, addr), SCARG(uap, addrlen));
	if (error == 0)
		error = soconnect(so, (struct sockaddr *)&ss, sock_nbio(fp), l);
	(void)file_rele(fp);
	return error;
}

int sys_listen(struct lwp *l, const struct sys_listen_args *uap,
	       register_t *retval)
{
	int64_t backlog = SCARG(uap, backlog);
	struct socket *so;
	struct file *fp;
	int error;

	if ((error = sock_get(SCARG(uap, sockfd), &fp, &so)) != 0)
		return error;
	/* int as the caller passed it: negative means the maximum. */
	if (backlog < INT32_MIN || backlog > INT32_MAX)
		backlog = -1;
	error = solisten(so, (int)backlog, l);
	(void)file_rele(fp);
	return error;
}

static int doaccept(struct lwp *l, int64_t fdv, struct rump_sockaddr *uaddr,
		    socklen_t *ulen, int64_t flags, register_t *retval)
{
	struct sockaddr_storage ss;
	struct socket *head, *so;
	struct file *fp, *nfp;
	socklen_t len;
	int fd, error;

	if ((flags & ~(int64_t)(SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0)
		return EINVAL;
	if ((error = sock_get(fdv, &fp, &head)) != 0)
		return error;
	if (uaddr != NULL) {
		if ((error = copyin(ulen, &len, sizeof(len))) != 0)
			goto out;
		if ((int32_t)len < 0) {
			error = EINVAL;
			goto out;
		}
	}
	/* Everything that can fail before the connection is taken. */
	if ((error = fd_reserve()) != 0)
		goto out;
	if ((error = file_alloc(&nfp)) != 0) {
		fd_unreserve();
		goto out;
	}
	memset(&ss, 0, sizeof(ss));
	error = soaccept_next(head, sock_nbio(fp), &so, (struct sockaddr *)&ss);
	if (error != 0) {
		fd_unreserve();
		(void)file_rele(nfp);
		goto out;
	}
	nfp->f_flag =
		FREAD | FWRITE | ((flags & SOCK_NONBLOCK) ? O_NONBLOCK : 0);
	nfp->f_type = FTYPE_SOCKET;
	nfp->f_ops = &socketops;
	nfp->f_data = so;
	(void)fd_install_reserved(nfp, flags & SOCK_CLOEXEC, &fd);
	if (uaddr != NULL &&
	    (error = sockaddr_copyout(&ss, uaddr, ulen)) != 0) {
		(void)fd_close(fd);
		goto out;
	}
	retval[0] = fd;
out:
	(void)file_rele(fp);
	return error;
}

int sys_accept(struct lwp *l, const struct sys_accept_args *uap,
	       register_t *retval)
{
	return doaccept(l, SCARG(uap, sockfd), SCARG(uap, addr),
			SCARG(uap, addrlen), 0, retval);
}

int sys_accept4(struct lwp *l, const struct sys_accept4_args *uap,
		register_t *retval)
{
	return doaccept(l, SCARG(uap, sockfd), SCARG(uap, addr),
			SCARG(uap, addrlen), SCARG(uap, flags), retval);
}

int sys_shutdown(struct lwp *l, const struct sys_shutdown_args *uap,
		 register_t *retval)
{
	int64_t how = SCARG(uap, how);
	struct socket *so;
	struct file *fp;
	int error;

	if ((error = sock_get(SCARG(uap, sockfd), &fp, &so)) != 0)
		return error;
	error = how < 0 || how > SHUT_RDWR ? EINVAL : soshutdown(so, (int)how);
	(void)file_rele(fp);
	return error;
}

static int getname(int64_t fdv, struct rump_sockaddr *uaddr, socklen_t *ulen,
		   bool peer)
{
	struct sockaddr_storage ss;
	struct socket *so;
	struct file *fp;
	socklen_t len;
	int error;

	if ((error = sock_get(fdv, &fp, &so)) != 0)
		return error;
	if ((error = copyin(ulen, &len, sizeof(len))) != 0)
		goto out;
	if ((int32_t)len < 0) {
		error = EINVAL;
		goto out;
	}
	if ((error = sogetaddr(so, peer, &ss)) == 0)
		error = sockaddr_copyout(&ss, uaddr, ulen);
out:
	(void)file_rele(fp);
	return error;
}

int sys_getsockname(struct lwp *l, const struct sys_getsockname_args *uap,
		    register_t *retval)
{
	return getname(SCARG(uap, sockfd), SCARG(uap, addr),
		       SCARG(uap, addrlen), false);
}

int sys_getpeername(struct lwp *l, const struct sys_getpeername_args *uap,
		    register_t *retval)
{
	return getname(SCARG(uap, sockfd), SCARG(uap, addr),
		       SCARG(uap, addrlen), true);
}

/* Option values are small; a larger buffer is accepted and truncated. */
#define SOCKOPT_MAX 256

int sys_setsockopt(struct lwp *l, const struct sys_setsockopt_args *uap,
		   register_t *retval)
{
	uint64_t len = SCARG(uap, optlen);
	char buf[SOCKOPT_MAX];
	struct sockopt sopt;
	struct socket *so;
	struct file *fp;
	int error;

	if ((error = sock_get(SCARG(uap, sockfd), &fp, &so)) != 0)
		return error;
	if ((int32_t)len < 0) {
		error = EINVAL;
		goto out;
	}
	len = MIN(len, sizeof(buf));
	memset(buf, 0, sizeof(buf));
	if (len > 0 && SCARG(uap, optval) == NULL) {
		error = EFAULT;
		goto out;
	}
	if (len > 0 && (error = copyin(SCARG(uap, optval), buf, len)) != 0)
		goto out;
	sopt.sopt_level = (int)SCARG(uap, level);
	sopt.sopt_name = (int)SCARG(uap, optname);
	sopt.sopt_data = buf;
	sopt.sopt_size = (size_t)len;
	sopt.sopt_retsize = 0;
	error = sosetopt(so, &sopt);
out:
	(void)file_rele(fp);
	return error;
}

int sys_getsockopt(struct lwp *l, const struct sys_getsockopt_args *uap,
		   register_t *retval)
{
	char buf[SOCKOPT_MAX];
	struct sockopt sopt;
	struct socket *so;
	struct file *fp;
	socklen_t len;
	int error;

	if ((error = sock_get(SCARG(uap, sockfd), &fp, &so)) != 0)
		return error;
	if ((error = copyin(SCARG(uap, optlen), &len, sizeof(len))) != 0)
		goto out;
	if ((int32_t)len < 0) {
		error = EINVAL;
		goto out;
	}
	memset(buf, 0, sizeof(buf));
	sopt.sopt_level = (int)SCARG(uap, level);
	sopt.sopt_name = (int)SCARG(uap, optname);
	sopt.sopt_data = buf;
	sopt.sopt_size = MIN((size_t)len, sizeof(buf));
	sopt.sopt_retsize = 0;
	if ((error = sogetopt(so, &sopt)) != 0)
		goto out;
	len = (socklen_t)sopt.sopt_retsize;
	if (len > 0 && (error = copyout(buf, SCARG(uap, optval), len)) != 0)
		goto out;
	error = copyout(&len, SCARG(uap, optlen), sizeof(len));
out:
	(void)file_rele(fp);
	return error;
}
