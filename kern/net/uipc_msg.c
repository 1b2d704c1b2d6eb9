/*
 * uipc_msg.c -- the data system calls: send, sendto, sendmsg, recv,
 * recvfrom, recvmsg.  All go through one send and one receive routine
 * over a kernel-ABI message (address, iovecs, control records).  Control
 * messages travel as an MT_CONTROL mbuf of kernel cmsg records; a
 * received one has its rights made into descriptors by the domain
 * (dom_externalize) before it is copied out, and descriptors that do not
 * fit the caller's buffer are closed again (MSG_CTRUNC), as in Linux.
 */
#include <sys/atomic.h>
#include <sys/domain.h>
#include <sys/errno.h>
#include <sys/file.h>
#include <sys/proc.h>
#include <sys/sysargs.h>
#include <sys/sysproto.h>
#include <sys/systm.h>

#include "net_private.h"

int sockargs(struct sockaddr_storage *ss, const void *uaddr, uint64_t len);
int sockaddr_copyout(const struct sockaddr_storage *ss, void *uaddr,
		     socklen_t *ulen);

/* Flags a caller may pass; others are ignored, as Linux ignores them. */
#define MSG_SENDMASK                                                           \
	(MSG_OOB | MSG_DONTROUTE | MSG_EOR | MSG_DONTWAIT | MSG_NOSIGNAL)
#define MSG_RECVMASK                                                           \
	(MSG_OOB | MSG_PEEK | MSG_WAITALL | MSG_DONTWAIT | MSG_CMSG_CLOEXEC |  \
	 MSG_TRUNC)

static int msg_sock(int64_t v, struct file **fpp, struct socket **sop)
{
	if (v < 0 || v > INT32_MAX)
		return EBADF;
	return fd_getsock((int)v, fpp, sop);
}

struct mbuf *m_controlcopyin(const void *uaddr, size_t len, int *errorp)
{
	struct mbuf *m;
	size_t off;

	if (len > SO_MAXCONTROL) {
		*errorp = ENOBUFS;
		return NULL;
	}
	m = len > (size_t)MLEN ? m_getjcl(M_WAITOK, MT_CONTROL, 0, len)
			       : m_get(M_WAITOK, MT_CONTROL);
	if (m == NULL) {
		*errorp = ENOBUFS;
		return NULL;
	}
	if ((*errorp = copyin(uaddr, m->m_data, len)) != 0) {
		m_free(m);
		return NULL;
	}
	m->m_len = (int)len;
	/* Every record must lie inside the buffer (Linux: EINVAL). */
	for (off = 0; off + sizeof(struct cmsghdr) <= len;) {
		struct cmsghdr *cm = (struct cmsghdr *)(m->m_data + off);

		if (cm->cmsg_len < sizeof(*cm) || cm->cmsg_len > len - off) {
			*errorp = EINVAL;
			m_free(m);
			return NULL;
		}
		off += CMSG_ALIGN(cm->cmsg_len);
	}
	return m;
}

/*
 * Sends iov (process memory) to name (kernel copy or NULL) with control
 * (consumed); the bytes sent in retval[0].  What was sent before an
 * error counts as success (Linux).
 */
static int dosend(struct lwp *l, int64_t fdv, struct sockaddr_storage *name,
		  struct rump_iovec *iov, int iovcnt, struct mbuf *control,
		  int64_t flags, register_t *retval)
{
	struct socket *so;
	struct file *fp;
	struct uio uio;
	size_t total = 0;
	int error;

	if ((error = msg_sock(fdv, &fp, &so)) != 0) {
		m_freem(control);
		return error;
	}
	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	uio_setup(&uio, iov, iovcnt, total, 0, UIO_WRITE);
	flags &= MSG_SENDMASK;
	if (atomic_load_relaxed(&fp->f_flag) & O_NONBLOCK)
		flags |= MSG_NBIO;
	error = sosend(so, (struct sockaddr *)name, &uio, NULL, control,
		       (int)flags, l);
	if (error != 0 && uio.uio_resid != total && error != EMSGSIZE)
		error = 0;
	if (error == 0)
		retval[0] = (register_t)(total - uio.uio_resid);
	(void)file_rele(fp);
	return error;
}

static int send_buf(struct lwp *l, int64_t fd, const void *buf, uint64_t len,
		    int64_t flags, const struct rump_sockaddr *to,
		    uint64_t tolen, register_t *retval)
{
	struct sockaddr_storage ss;
	struct rump_iovec iov;
	int error;

	if (len > (uint64_t)INT64_MAX)
		return EINVAL;
	iov.iov_base64 = 0;
	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = MIN(len, (uint64_t)MAX_RW_COUNT);
	if (to != NULL && (error = sockargs(&ss, to, tolen)) != 0)
		return error;
	return dosend(l, fd, to != NULL ? &ss : NULL, &iov, 1, NULL, flags,
		      retval);
}

int sys_send(struct lwp *l, const struct sys_send_args *uap, register_t *retval)
{
	return send_buf(l, SCARG(uap, sockfd), SCARG(uap, buf), SCARG(uap, len),
			SCARG(uap, flags), NULL, 0, retval);
}

int sys_sendto(struct lwp *l, const struct sys_sendto_args *uap,
	       register_t *retval)
{
	return send_buf(l, SCARG(uap, sockfd), SCARG(uap, buf), SCARG(uap, len),
			SCARG(uap, flags), SCARG(uap, dest_addr),
			SCARG(uap, addrlen), retval);
}

int sys_sendmsg(struct lwp *l, const struct sys_sendmsg_args *uap,
		register_t *retval)
{
	struct sockaddr_storage ss, *name = NULL;
	struct mbuf *control = NULL;
	struct rump_msghdr msg;
	struct rump_iovec *iov;
	size_t total;
	struct socket *so;
	struct file *fp;
	int error;

	/* The descriptor first, as Linux checks it first. */
	if ((error = msg_sock(SCARG(uap, sockfd), &fp, &so)) != 0)
		return error;
	(void)file_rele(fp);
	if ((error = copyin(SCARG(uap, msg), &msg, sizeof(msg))) != 0)
		return error;
	if (msg.msg_iovlen < 0 || msg.msg_iovlen > IOV_MAX)
		return EMSGSIZE;
	if (msg.msg_name != NULL && msg.msg_namelen > 0) {
		if ((error = sockargs(&ss, msg.msg_name, msg.msg_namelen)) != 0)
			return error;
		name = &ss;
	}
	if ((error = iovec_copyin(msg.msg_iov, msg.msg_iovlen, &iov, &total)) !=
	    0)
		return error;
	if (msg.msg_controllen >= sizeof(struct cmsghdr) &&
	    (control = m_controlcopyin(msg.msg_control, msg.msg_controllen,
				       &error)) == NULL) {
		iovec_free(iov, msg.msg_iovlen);
		return error;
	}
	error = dosend(l, SCARG(uap, sockfd), name, iov, msg.msg_iovlen,
		       control, SCARG(uap, flags), retval);
	iovec_free(iov, msg.msg_iovlen);
	return error;
}

/* Closes the descriptors of an SCM_RIGHTS record that was not delivered. */
static void rights_close(const struct cmsghdr *cm, size_t from)
{
	const int32_t *fds = (const int32_t *)CMSG_DATA(cm);
	size_t n = (cm->cmsg_len - sizeof(*cm)) / sizeof(int32_t);

	for (size_t i = from; i < n; i++)
		(void)fd_close(fds[i]);
}

/*
 * Copies the (externalized) control chain out to ubuf of *lenp bytes;
 * *lenp gets the bytes used, *flagsp MSG_CTRUNC if something was lost.
 */
static int control_copyout(struct mbuf *control, void *ubuf, size_t *lenp,
			   int *flagsp)
{
	size_t space = ubuf != NULL ? *lenp : 0, used = 0;
	int error = 0;

	for (struct mbuf *m = control; m != NULL; m = m->m_next) {
		size_t off = 0;

		while (off + sizeof(struct cmsghdr) <= (size_t)m->m_len) {
			struct cmsghdr *cm =
				(struct cmsghdr *)(m->m_data + off);
			size_t clen = cm->cmsg_len, take = clen;
			bool rights = cm->cmsg_level == SOL_SOCKET &&
				      cm->cmsg_type == SCM_RIGHTS;

			off += CMSG_ALIGN(clen);
			if (error != 0 || space - used < sizeof(*cm)) {
				*flagsp |= MSG_CTRUNC;
				if (rights)
					rights_close(cm, 0);
				continue;
			}
			if (take > space - used) {
				*flagsp |= MSG_CTRUNC;
				take = space - used;
				if (rights) {
					/* Whole descriptors only. */
					take = sizeof(*cm) +
					       (take - sizeof(*cm)) /
						       sizeof(int32_t) *
						       sizeof(int32_t);
					rights_close(cm,
						     (take - sizeof(*cm)) /
							     sizeof(int32_t));
				}
			}
			{
				struct cmsghdr hdr = *cm;

				hdr.cmsg_len = take;
				error = copyout(&hdr, (char *)ubuf + used,
						sizeof(hdr));
				if (error == 0 && take > sizeof(hdr))
					error = copyout(CMSG_DATA(cm),
							(char *)ubuf + used +
								sizeof(hdr),
							take - sizeof(hdr));
			}
			if (error != 0 && rights)
				rights_close(cm, 0);
			used += MIN(CMSG_ALIGN(take), space - used);
		}
	}
	*lenp = used;
	return error;
}

/*
 * Receives into iov; the sender's address into *name (ss_len 0: none),
 * control into ucontrol of *controllenp bytes.  Bytes in retval[0].
 */
static int dorecv(struct lwp *l, int64_t fdv, struct rump_iovec *iov,
		  int iovcnt, struct sockaddr_storage *name, void *ucontrol,
		  size_t *controllenp, int64_t *flagsp, register_t *retval)
{
	struct mbuf *from = NULL, *control = NULL;
	int flags = (int)(*flagsp & MSG_RECVMASK), outflags;
	struct socket *so;
	struct file *fp;
	struct uio uio;
	size_t total = 0, clen = 0;
	int error;

	if ((error = msg_sock(fdv, &fp, &so)) != 0)
		return error;
	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	uio_setup(&uio, iov, iovcnt, total, 0, UIO_READ);
	if (atomic_load_relaxed(&fp->f_flag) & O_NONBLOCK)
		flags |= MSG_NBIO;
	outflags = flags;
	error = soreceive(so, name != NULL ? &from : NULL, &uio,
			  controllenp != NULL ? &control : NULL, &outflags, l);
	if (error != 0 && uio.uio_resid != total)
		error = 0;
	if (name != NULL) {
		memset(name, 0, sizeof(*name));
		if (from != NULL)
			m_copydata(from, 0,
				   MIN(from->m_len, (int)sizeof(*name)), name);
	}
	if (control != NULL) {
		struct domain *dp = so->so_proto->pr_domain;
		int xerror = 0;

		if (dp->dom_externalize != NULL)
			xerror = dp->dom_externalize(control, l, flags);
		if (xerror == 0)
			xerror = control_copyout(control, ucontrol, controllenp,
						 &outflags);
		else
			*controllenp = 0;
		if (error == 0)
			error = xerror;
		clen = *controllenp;
	} else if (controllenp != NULL)
		*controllenp = 0;
	(void)clen;
	m_freem(from);
	m_freem(control);
	if (error == 0) {
		retval[0] = (register_t)(total - uio.uio_resid);
		*flagsp = outflags & (MSG_TRUNC | MSG_CTRUNC | MSG_EOR |
				      MSG_OOB | MSG_BCAST | MSG_MCAST);
	}
	(void)file_rele(fp);
	return error;
}

static int recv_buf(struct lwp *l, int64_t fd, void *buf, uint64_t len,
		    int64_t flags, struct rump_sockaddr *from,
		    socklen_t *fromlen, register_t *retval)
{
	struct sockaddr_storage ss;
	struct rump_iovec iov;
	socklen_t flen;
	int error;

	if (len > (uint64_t)INT64_MAX)
		return EINVAL;
	if (from != NULL) {
		if ((error = copyin(fromlen, &flen, sizeof(flen))) != 0)
			return error;
		if ((int32_t)flen < 0)
			return EINVAL;
	}
	iov.iov_base64 = 0;
	iov.iov_base = buf;
	iov.iov_len = MIN(len, (uint64_t)MAX_RW_COUNT);
	error = dorecv(l, fd, &iov, 1, from != NULL ? &ss : NULL, NULL, NULL,
		       &flags, retval);
	if (error == 0 && from != NULL)
		error = sockaddr_copyout(&ss, from, fromlen);
	return error;
}

int sys_recv(struct lwp *l, const struct sys_recv_args *uap, register_t *retval)
{
	return recv_buf(l, SCARG(uap, sockfd), SCARG(uap, buf), SCARG(uap, len),
			SCARG(uap, flags), NULL, NULL, retval);
}

int sys_recvfrom(struct lwp *l, const struct sys_recvfrom_args *uap,
		 register_t *retval)
{
	return recv_buf(l, SCARG(uap, sockfd), SCARG(uap, buf), SCARG(uap, len),
			SCARG(uap, flags), SCARG(uap, src_addr),
			SCARG(uap, addrlen), retval);
}

int sys_recvmsg(struct lwp *l, const struct sys_recvmsg_args *uap,
		register_t *retval)
{
	struct sockaddr_storage ss;
	struct rump_msghdr msg;
	struct rump_iovec *iov;
	struct socket *so;
	struct file *fp;
	size_t total, clen;
	int64_t flags = SCARG(uap, flags);
	int error;

	if ((error = msg_sock(SCARG(uap, sockfd), &fp, &so)) != 0)
		return error;
	(void)file_rele(fp);
	if ((error = copyin(SCARG(uap, msg), &msg, sizeof(msg))) != 0)
		return error;
	if (msg.msg_iovlen < 0 || msg.msg_iovlen > IOV_MAX)
		return EMSGSIZE;
	if ((error = iovec_copyin(msg.msg_iov, msg.msg_iovlen, &iov, &total)) !=
	    0)
		return error;
	clen = msg.msg_control != NULL ? msg.msg_controllen : 0;
	error = dorecv(l, SCARG(uap, sockfd), iov, msg.msg_iovlen, &ss,
		       msg.msg_control, &clen, &flags, retval);
	iovec_free(iov, msg.msg_iovlen);
	if (error != 0)
		return error;
	if (msg.msg_name != NULL && msg.msg_namelen > 0 && ss.ss_len > 0) {
		error = copyout(&ss, msg.msg_name,
				MIN(msg.msg_namelen, (uint32_t)ss.ss_len));
		if (error != 0)
			return error;
	}
	msg.msg_namelen = msg.msg_name != NULL ? ss.ss_len : 0;
	msg.msg_controllen = (uint32_t)clen;
	msg.msg_flags = (int32_t)flags;
	return copyout(&msg, SCARG(uap, msg), sizeof(msg));
}
