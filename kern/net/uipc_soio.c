/*
 * uipc_soio.c -- moving data through a socket: sosend (a process's data
 * into mbufs, handed to the protocol as space allows), soreceive (out of
 * the receive buffer, records and addresses and control messages), and
 * sopoll.  One sender and one receiver at a time per buffer (sblock);
 * copies between mbufs and the process run without softnet_lock, so that
 * protocols keep working while a large transfer copies.
 */
#include <sys/domain.h>
#include <sys/errno.h>
#include <sys/poll.h>
#include <sys/proc.h>
#include <sys/systm.h>

#include "net_private.h"

/*
 * A packet chain of len bytes from uio.  Called without softnet_lock.
 * ENOBUFS when memory is short, EFAULT for a bad address.
 */
static int m_uiotombuf(struct uio *uio, size_t len, struct mbuf **mp)
{
	struct mbuf *top = NULL, **np = &top, *m;
	size_t total = len;
	int error;

	do {
		size_t n;

		if (len > (size_t)MHLEN)
			m = m_getjcl(M_WAITOK, MT_DATA,
				     top == NULL ? M_PKTHDR : 0,
				     MIN(len, (size_t)MEXT_MAXSIZE));
		else if (top == NULL)
			m = m_gethdr(M_WAITOK, MT_DATA);
		else
			m = m_get(M_WAITOK, MT_DATA);
		if (m == NULL) {
			m_freem(top);
			return ENOBUFS;
		}
		n = MIN(len, (size_t)M_BUFSIZE(m));
		if ((error = uiomove(m->m_data, n, uio)) != 0) {
			m_free(m);
			m_freem(top);
			return error;
		}
		m->m_len = (int)n;
		*np = m;
		np = &m->m_next;
		len -= n;
	} while (len > 0);
	top->m_pkthdr.len = (int)total;
	*mp = top;
	return 0;
}

/* Bytes of control data in chain control. */
static size_t m_controllen(const struct mbuf *control)
{
	size_t len = 0;

	for (; control != NULL; control = control->m_next)
		len += (size_t)control->m_len;
	return len;
}

int sosend(struct socket *so, struct sockaddr *addr, struct uio *uio,
	   struct mbuf *top, struct mbuf *control, int flags, struct lwp *l)
{
	const struct protosw *pr = so->so_proto;
	bool atomic = (pr->pr_flags & PR_ATOMIC) || top != NULL;
	bool nbio = flags & (MSG_DONTWAIT | MSG_NBIO);
	size_t resid = uio != NULL ? uio->uio_resid : (size_t)m_length(top);
	size_t clen = m_controllen(control);
	size_t resid0 = resid, sent = 0;
	int error = 0;

	if ((flags & MSG_OOB) && !(pr->pr_flags & PR_OOB)) {
		error = EOPNOTSUPP;
		goto free;
	}
	if (atomic && resid + clen > so->so_snd.sb_hiwat) {
		error = EMSGSIZE;
		goto free;
	}
	solock();
	if ((error = sblock(&so->so_snd)) != 0) {
		sounlock();
		goto free;
	}
	do {
		long space;

		/*
		 * A pending error first (Linux: a reset connection's send is
		 * ECONNRESET once, then EPIPE).
		 */
		if (so->so_error != 0) {
			error = so->so_error;
			so->so_error = 0;
			break;
		}
		if (so->so_state & SS_CANTSENDMORE) {
			error = EPIPE;
			break;
		}
		if (so->so_pcb == NULL) {
			/* Dropped by its protocol (before accept). */
			error = (pr->pr_flags & PR_CONNREQUIRED) ? EPIPE
								 : ENOTCONN;
			break;
		}
		if ((pr->pr_flags & PR_CONNREQUIRED) &&
		    !(so->so_state & SS_ISCONNECTED)) {
			if (!(so->so_state & SS_ISCONNECTING)) {
				error = ENOTCONN;
				break;
			}
			if (nbio) {
				error = EWOULDBLOCK;
				break;
			}
			if ((error = sbwait(&so->so_snd)) != 0)
				break;
			continue;
		}
		space = sbspace(&so->so_snd);
		if (space < (long)(resid + clen) &&
		    (atomic || space < (long)MIN(so->so_snd.sb_lowat, resid) ||
		     space < (long)clen || space <= 0)) {
			if (nbio) {
				error = EWOULDBLOCK;
				break;
			}
			if ((error = sbwait(&so->so_snd)) != 0)
				break;
			continue;
		}
		if (uio != NULL && top == NULL) {
			size_t len = atomic ? resid
					    : MIN(resid, (size_t)space - clen);

			sounlock();
			if (len > 0 || atomic)
				error = len > 0 ? m_uiotombuf(uio, len, &top)
						: 0;
			solock();
			if (error != 0)
				break;
			resid -= len;
			if (so->so_state & SS_CANTSENDMORE) {
				error = EPIPE;
				break;
			}
		} else if (uio == NULL)
			resid = 0;
		if (!atomic && top == NULL && control == NULL)
			break; /* nothing to send on a stream */
		if (so->so_pcb == NULL) {
			error = EPIPE; /* dropped while we copied */
			break;
		}
		if (top != NULL && (flags & MSG_EOR)) {
			struct mbuf *m;

			for (m = top; m->m_next != NULL; m = m->m_next)
				continue;
			m->m_flags |= M_EOR;
		}
		size_t toplen = top != NULL ? (size_t)m_length(top) : 0;

		error = pr->pr_usrreqs->pr_send(so, top, addr, control, l);
		if (error == EWOULDBLOCK) {
			/* No room at the destination; nothing consumed. */
			if (nbio)
				break;
			if ((error = sbwait(&so->so_snd)) != 0)
				break;
			continue; /* top holds the data now: send it again */
		}
		top = NULL;
		control = NULL;
		clen = 0;
		if (error != 0)
			break;
		sent += toplen;
	} while (resid > 0 || top != NULL);
	sbunlock(&so->so_snd);
	sounlock();
	/* What the process sees as written: what reached the protocol. */
	if (uio != NULL)
		uio->uio_resid = resid0 - sent;
free:
	m_freem(top);
	m_freem(control);
	return error;
}

/* Takes mbuf m, the first of the first record, off the buffer. */
static struct mbuf *sb_unlinkfirst(struct sockbuf *sb)
{
	struct mbuf *m = sb->sb_mb, *next = m->m_next;

	sbfree(sb, m);
	if (next != NULL) {
		next->m_nextpkt = m->m_nextpkt;
		sb->sb_mb = next;
		if (sb->sb_lastrecord == m)
			sb->sb_lastrecord = next;
	} else {
		sb->sb_mb = m->m_nextpkt;
		if (sb->sb_lastrecord == m)
			sb->sb_lastrecord = NULL;
	}
	if (sb->sb_mb == NULL)
		sb->sb_mbtail = sb->sb_lastrecord = NULL;
	m->m_next = NULL;
	m->m_nextpkt = NULL;
	return m;
}

/* Whether a reader waiting on so should stop waiting. */
static int so_rcvready(struct socket *so, size_t resid, bool atomic)
{
	size_t need;

	if (so->so_rcv.sb_mb == NULL)
		return 0;
	if (atomic)
		return 1;
	need = MIN(so->so_rcv.sb_lowat, resid);
	return so->so_rcv.sb_cc >= MAX(need, (size_t)1) ||
	       (so->so_state & SS_CANTRCVMORE) ||
	       so->so_rcv.sb_mb->m_type == MT_CONTROL ||
	       so->so_rcv.sb_mb->m_nextpkt != NULL;
}

/* Copies (peek) or moves the data of the first record into uio. */
static int so_rcvdata(struct socket *so, struct uio *uio, bool peek,
		      bool atomic, size_t *movedp, bool *truncp)
{
	struct sockbuf *sb = &so->so_rcv;
	struct mbuf *m = sb->sb_mb;
	size_t off = 0;
	int error = 0;

	/* Peeking, skip what a real receive took off before the data. */
	while (peek && m != NULL &&
	       (m->m_type == MT_SONAME || m->m_type == MT_CONTROL))
		m = m->m_next;
	while (m != NULL && m->m_type != MT_CONTROL && uio->uio_resid > 0) {
		size_t len = MIN(uio->uio_resid, (size_t)m->m_len - off);

		if (len > 0) {
			char *data = m->m_data + off;

			sounlock();
			error = uiomove(data, len, uio);
			solock();
			if (error != 0)
				return error;
			*movedp += len;
		}
		if (peek || atomic) {
			off += len;
			if (off == (size_t)m->m_len) {
				m = m->m_next;
				off = 0;
			}
			continue;
		}
		/* A stream: consume as we go, into the next record too. */
		if (len == (size_t)m->m_len)
			m_free(sb_unlinkfirst(sb));
		else {
			m->m_data += len;
			m->m_len -= (int)len;
			sb->sb_cc -= len;
		}
		m = sb->sb_mb;
	}
	if (atomic) {
		for (; m != NULL; m = m->m_next, off = 0)
			if ((size_t)m->m_len > off)
				*truncp = true;
		if (!peek)
			sbdroprecord(sb);
	}
	return 0;
}

int soreceive(struct socket *so, struct mbuf **paddr, struct uio *uio,
	      struct mbuf **controlp, int *flagsp, struct lwp *l)
{
	const struct protosw *pr = so->so_proto;
	bool atomic = pr->pr_flags & PR_ATOMIC;
	int flags = flagsp != NULL ? *flagsp : 0, outflags = 0;
	bool nbio = flags & (MSG_DONTWAIT | MSG_NBIO);
	bool peek = flags & MSG_PEEK;
	bool trunc = false, gotcontrol = false;
	struct mbuf **cpp = controlp, *m;
	size_t moved = 0;
	int error = 0;

	if (paddr != NULL)
		*paddr = NULL;
	if (controlp != NULL)
		*controlp = NULL;
	if (flags & MSG_OOB)
		return EOPNOTSUPP;
	solock();
	if ((error = sblock(&so->so_rcv)) != 0) {
		sounlock();
		return error;
	}
restart:
	for (;;) {
		struct mbuf *first = so->so_rcv.sb_mb;

		if (moved > 0 && first != NULL &&
		    (first->m_type == MT_CONTROL || gotcontrol))
			goto out; /* rights stay with their own data */
		if (so_rcvready(so, uio->uio_resid, atomic))
			break;
		if (so->so_error != 0) {
			if (moved == 0) {
				error = so->so_error;
				if (!peek)
					so->so_error = 0;
			}
			goto out;
		}
		if (so->so_state & SS_CANTRCVMORE) {
			if (first != NULL)
				break;
			goto out;
		}
		if ((pr->pr_flags & PR_CONNREQUIRED) &&
		    !(so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING))) {
			if (moved == 0)
				error = ENOTCONN;
			goto out;
		}
		if (!atomic && uio->uio_resid == 0)
			goto out;
		if (moved > 0 && !(flags & MSG_WAITALL))
			goto out;
		if (nbio) {
			if (first != NULL && !atomic)
				break; /* below the low-water mark: take it */
			if (moved == 0)
				error = EWOULDBLOCK;
			goto out;
		}
		if ((error = sbwait(&so->so_rcv)) != 0) {
			if (so->so_rcv.sb_mb != NULL && !atomic) {
				error = 0;
				break;
			}
			if (moved > 0)
				error = 0;
			goto out;
		}
	}
	m = so->so_rcv.sb_mb;
	if (m != NULL && m->m_type == MT_SONAME) {
		if (peek) {
			if (paddr != NULL && moved == 0)
				*paddr = m_copym(m, 0, m->m_len, M_NOWAIT);
		} else {
			struct mbuf *n = sb_unlinkfirst(&so->so_rcv);

			if (paddr != NULL && *paddr == NULL)
				*paddr = n;
			else
				m_free(n);
		}
	}
	/* Control messages; rights are handed out only when consumed. */
	while (!peek && (m = so->so_rcv.sb_mb) != NULL &&
	       m->m_type == MT_CONTROL) {
		struct mbuf *n = sb_unlinkfirst(&so->so_rcv);

		gotcontrol = true;
		if (cpp != NULL) {
			*cpp = n;
			cpp = &n->m_next;
		} else
			sbdispose_control(so, n);
	}
	error = so_rcvdata(so, uio, peek, atomic, &moved, &trunc);
	if (error != 0)
		goto out;
	if (trunc)
		outflags |= MSG_TRUNC;
	if (!peek && moved > 0 && (pr->pr_flags & PR_WANTRCVD) &&
	    so->so_pcb != NULL)
		(void)pr->pr_usrreqs->pr_rcvd(so, flags, l);
	if (!atomic && !peek && uio->uio_resid > 0)
		goto restart;
out:
	sbunlock(&so->so_rcv);
	sounlock();
	if (flagsp != NULL)
		*flagsp = outflags;
	return error;
}

int sopoll(struct socket *so, int events, struct lwp *l)
{
	const struct protosw *pr = so->so_proto;
	bool listening, connreq = pr->pr_flags & PR_CONNREQUIRED;
	int revents = 0;

	solock();
	listening = so->so_options & SO_ACCEPTCONN;
	if (so->so_error != 0)
		revents |= POLLERR;
	if ((so->so_state & (SS_CANTRCVMORE | SS_CANTSENDMORE)) ==
	    (SS_CANTRCVMORE | SS_CANTSENDMORE))
		revents |= POLLHUP;
	if (so->so_state & SS_CANTRCVMORE)
		revents |= POLLIN | POLLRDNORM;
	if (listening ? so->so_qlen > 0
		      : so_rcvready(so, SIZE_MAX, pr->pr_flags & PR_ATOMIC))
		revents |= POLLIN | POLLRDNORM;
	/* Linux: a connection socket neither connected nor listening. */
	if (connreq && !listening &&
	    !(so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING)))
		revents |= POLLHUP;
	if (!listening && !(so->so_state & SS_ISCONNECTING) &&
	    ((so->so_state & SS_CANTSENDMORE) ||
	     sbspace(&so->so_snd) >= (long)so->so_snd.sb_lowat))
		revents |= POLLOUT;
	revents &= events | POLLHUP | POLLERR;
	if (revents == 0) {
		selrecord(l, &so->so_rcv.sb_sel);
		selrecord(l, &so->so_snd.sb_sel);
	}
	sounlock();
	return revents;
}
