/*
 * uipc_socket2.c -- what protocols call: socket buffer bookkeeping
 * (append, drop, flush, space), connection state changes with their
 * wake-ups, listen queues (sonewconn), and the life of a socket
 * (soalloc, sofree).  Everything here runs with softnet_lock held,
 * except soalloc and sodealloc on a socket nobody else can see.
 */
#include <sys/atomic.h>
#include <sys/domain.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/poll.h>
#include <sys/proc.h>
#include <sys/systm.h>
#include <sys/time.h>

#include "net_private.h"

static KMEM_TYPE_DEFINE(M_SOCKET, "socket");
_Static_assert(MSIZE - sizeof(struct mbuf) >= 255,
	       "any address (sa_len is a byte) fits one mbuf");
volatile int64_t sockets_live;
static volatile uint64_t so_nextgen;

/* Space and accounting. */

long sbspace(const struct sockbuf *sb)
{
	long data = (long)sb->sb_hiwat - (long)sb->sb_cc;
	long mem = (long)sb->sb_mbmax - (long)sb->sb_mbcnt;

	return MIN(data, mem);
}

int sbreserve(struct sockbuf *sb, size_t cc)
{
	if (cc > SB_MAX)
		return ENOBUFS;
	if (cc < SB_MIN)
		cc = SB_MIN;
	sb->sb_hiwat = cc;
	/* Small writes waste most of an mbuf: allow for it. */
	sb->sb_mbmax = MIN(cc * 8, (size_t)SB_MAX * 8);
	if (sb->sb_lowat > sb->sb_hiwat)
		sb->sb_lowat = sb->sb_hiwat;
	return 0;
}

int soreserve(struct socket *so, size_t sndcc, size_t rcvcc)
{
	int error;

	if ((error = sbreserve(&so->so_snd,
			       sndcc ? sndcc : SO_DEFAULT_SNDBUF)) != 0)
		return error;
	if ((error = sbreserve(&so->so_rcv,
			       rcvcc ? rcvcc : SO_DEFAULT_RCVBUF)) != 0)
		return error;
	if (so->so_rcv.sb_lowat == 0)
		so->so_rcv.sb_lowat = 1;
	if (so->so_snd.sb_lowat == 0)
		so->so_snd.sb_lowat = MIN(2048, so->so_snd.sb_hiwat);
	return 0;
}

static bool m_isdata(const struct mbuf *m)
{
	return m->m_type == MT_DATA || m->m_type == MT_HEADER ||
	       m->m_type == MT_OOBDATA;
}

void sballoc(struct sockbuf *sb, struct mbuf *m)
{
	if (m_isdata(m) || m->m_type == MT_CONTROL)
		sb->sb_cc += (size_t)m->m_len;
	sb->sb_mbcnt += MSIZE;
	if (m->m_flags & M_EXT)
		sb->sb_mbcnt += m->m_ext->ext_size;
}

void sbfree(struct sockbuf *sb, struct mbuf *m)
{
	if (m_isdata(m) || m->m_type == MT_CONTROL)
		sb->sb_cc -= (size_t)m->m_len;
	sb->sb_mbcnt -= MSIZE;
	if (m->m_flags & M_EXT)
		sb->sb_mbcnt -= m->m_ext->ext_size;
}

/* Appending. */

/* Links chain m after the last mbuf of the last record, compacting. */
static void sb_compress(struct sockbuf *sb, struct mbuf *m)
{
	struct mbuf *tail = sb->sb_mbtail;

	while (m != NULL) {
		struct mbuf *next = m->m_next;

		m->m_next = NULL;
		m->m_nextpkt = NULL;
		if (m->m_len == 0 && !(m->m_flags & M_EOR) && tail != NULL) {
			m_free(m);
			m = next;
			continue;
		}
		if (tail != NULL && !(m->m_flags & M_EXT) && m_isdata(m) &&
		    tail->m_type == m->m_type &&
		    m->m_len <= M_TRAILINGSPACE(tail) && m->m_len <= MLEN / 4) {
			memcpy(tail->m_data + tail->m_len, m->m_data,
			       (size_t)m->m_len);
			tail->m_len += m->m_len;
			if (m_isdata(m))
				sb->sb_cc += (size_t)m->m_len;
			tail->m_flags |= m->m_flags & M_EOR;
			m_free(m);
			m = next;
			continue;
		}
		m->m_flags &= ~M_PKTHDR;
		sballoc(sb, m);
		if (tail != NULL)
			tail->m_next = m;
		else {
			sb->sb_mb = m;
			sb->sb_lastrecord = m;
		}
		tail = m;
		m = next;
	}
	sb->sb_mbtail = tail;
}

void sbappendstream(struct sockbuf *sb, struct mbuf *m)
{
	KASSERT(mutex_owned(&softnet_lock));
	if (m == NULL)
		return;
	sb_compress(sb, m);
}

void sbappend(struct sockbuf *sb, struct mbuf *m)
{
	sbappendstream(sb, m);
}

/* Makes chain m (accounted already) the last record. */
static void sb_linkrecord(struct sockbuf *sb, struct mbuf *m)
{
	struct mbuf *tail;

	if (sb->sb_lastrecord != NULL)
		sb->sb_lastrecord->m_nextpkt = m;
	else
		sb->sb_mb = m;
	sb->sb_lastrecord = m;
	for (tail = m; tail->m_next != NULL; tail = tail->m_next)
		continue;
	sb->sb_mbtail = tail;
}

void sbappendrecord(struct sockbuf *sb, struct mbuf *m)
{
	KASSERT(mutex_owned(&softnet_lock));
	if (m == NULL)
		return;
	for (struct mbuf *n = m; n != NULL; n = n->m_next) {
		n->m_nextpkt = NULL;
		sballoc(sb, n);
	}
	sb_linkrecord(sb, m);
}

int sbappendaddr(struct sockbuf *sb, const struct sockaddr *asa, struct mbuf *m,
		 struct mbuf *control)
{
	struct mbuf *head = NULL, *n, **np = &head;
	long space = 0;

	KASSERT(mutex_owned(&softnet_lock));
	if (m != NULL)
		space += m_length(m);
	for (n = control; n != NULL; n = n->m_next)
		space += n->m_len;
	if (space > sbspace(sb))
		return 0;
	if (asa != NULL) {
		if ((n = m_get(M_NOWAIT, MT_SONAME)) == NULL)
			return 0;
		memcpy(n->m_data, asa, asa->sa_len);
		n->m_len = asa->sa_len;
		*np = n;
		np = &n->m_next;
	}
	if (control != NULL) {
		*np = control;
		for (n = control; n->m_next != NULL; n = n->m_next)
			continue;
		np = &n->m_next;
	}
	if (m == NULL) {
		/* An empty datagram still has its (empty) data. */
		if ((m = m_get(M_NOWAIT, MT_DATA)) == NULL)
			return 0;
	}
	*np = m;
	if (m != NULL)
		m->m_flags &= ~M_PKTHDR;
	for (n = head; n != NULL; n = n->m_next) {
		n->m_nextpkt = NULL;
		sballoc(sb, n);
	}
	sb_linkrecord(sb, head);
	return 1;
}

int sbappendcontrol(struct sockbuf *sb, struct mbuf *m, struct mbuf *control)
{
	return sbappendaddr(sb, NULL, m, control);
}

/* Dropping. */

void sbdrop(struct sockbuf *sb, size_t len)
{
	struct mbuf *m = sb->sb_mb, *next;

	KASSERT(mutex_owned(&softnet_lock));
	next = m != NULL ? m->m_nextpkt : NULL;
	while (len > 0) {
		if (m == NULL) {
			KASSERT(next != NULL);
			m = next;
			next = m->m_nextpkt;
			continue;
		}
		if ((size_t)m->m_len > len) {
			m->m_len -= (int)len;
			m->m_data += len;
			if (m_isdata(m) || m->m_type == MT_CONTROL)
				sb->sb_cc -= len;
			break;
		}
		len -= (size_t)m->m_len;
		sbfree(sb, m);
		m = m_free(m);
	}
	while (m != NULL && m->m_len == 0) {
		sbfree(sb, m);
		m = m_free(m);
	}
	if (m != NULL) {
		sb->sb_mb = m;
		m->m_nextpkt = next;
		if (next == NULL)
			sb->sb_lastrecord = m;
	} else
		sb->sb_mb = next;
	if (sb->sb_mb == NULL)
		sb->sb_mbtail = sb->sb_lastrecord = NULL;
}

void sbdroprecord(struct sockbuf *sb)
{
	struct mbuf *m = sb->sb_mb;

	KASSERT(mutex_owned(&softnet_lock));
	if (m == NULL)
		return;
	sb->sb_mb = m->m_nextpkt;
	while (m != NULL) {
		sbfree(sb, m);
		m = m_free(m);
	}
	if (sb->sb_mb == NULL)
		sb->sb_mbtail = sb->sb_lastrecord = NULL;
}

void sbdispose_control(struct socket *so, struct mbuf *control)
{
	struct domain *dp = so->so_proto->pr_domain;

	if (control == NULL)
		return;
	if (dp->dom_dispose != NULL)
		dp->dom_dispose(control);
	else
		m_freem(control);
}

void sbflush(struct sockbuf *sb)
{
	struct mbuf *rec, *m, *control, **cp;

	while ((rec = sb->sb_mb) != NULL) {
		sb->sb_mb = rec->m_nextpkt;
		control = NULL;
		cp = &control;
		for (m = rec; m != NULL;) {
			struct mbuf *next = m->m_next;

			sbfree(sb, m);
			m->m_next = NULL;
			m->m_nextpkt = NULL;
			if (m->m_type == MT_CONTROL) {
				*cp = m;
				cp = &m->m_next;
			} else
				m_free(m);
			m = next;
		}
		if (control != NULL && sb->sb_so != NULL)
			sbdispose_control(sb->sb_so, control);
		else
			m_freem(control);
	}
	sb->sb_mbtail = sb->sb_lastrecord = NULL;
	/* A local stream's send buffer counts the peer's bytes: reset. */
	sb->sb_cc = 0;
	sb->sb_mbcnt = 0;
}

int sbwait(struct sockbuf *sb)
{
	return softnet_sleep(&sb->sb_cv, sb->sb_timeo_ns, true);
}

int sblock(struct sockbuf *sb)
{
	int error;

	while (sb->sb_flags & SB_LOCKED) {
		sb->sb_flags |= SB_WANTLOCK;
		if ((error = softnet_sleep(&sb->sb_cv, 0, true)) != 0)
			return error;
	}
	sb->sb_flags |= SB_LOCKED;
	return 0;
}

void sbunlock(struct sockbuf *sb)
{
	KASSERT(sb->sb_flags & SB_LOCKED);
	if (sb->sb_flags & SB_WANTLOCK)
		cv_broadcast(&sb->sb_cv);
	sb->sb_flags &= ~(SB_LOCKED | SB_WANTLOCK);
}

/* Wake-ups and state changes. */

void sorwakeup(struct socket *so)
{
	softnet_wakeup(&so->so_rcv);
	selnotify(&so->so_rcv.sb_sel, POLLIN | POLLRDNORM);
}

void sowwakeup(struct socket *so)
{
	softnet_wakeup(&so->so_snd);
	selnotify(&so->so_snd.sb_sel, POLLOUT);
}

static void so_wakeall(struct socket *so)
{
	cv_broadcast(&so->so_cv);
	sorwakeup(so);
	sowwakeup(so);
}

void soisconnecting(struct socket *so)
{
	so->so_state &= ~(SS_ISCONNECTED | SS_ISDISCONNECTING);
	so->so_state |= SS_ISCONNECTING;
}

void soisconnected(struct socket *so)
{
	struct socket *head = so->so_head;

	so->so_state &=
		~(SS_ISCONNECTING | SS_ISDISCONNECTING | SS_ISDISCONNECTED);
	so->so_state |= SS_ISCONNECTED;
	if (head != NULL && so->so_onq == 1) {
		list_remove(&so->so_qe);
		head->so_q0len--;
		list_push_back(&head->so_q, &so->so_qe);
		head->so_qlen++;
		so->so_onq = 2;
		so_wakeall(head);
	}
	so_wakeall(so);
}

void soisdisconnecting(struct socket *so)
{
	so->so_state &= ~SS_ISCONNECTING;
	so->so_state |= SS_ISDISCONNECTING | SS_CANTRCVMORE | SS_CANTSENDMORE;
	so_wakeall(so);
}

void soisdisconnected(struct socket *so)
{
	so->so_state &=
		~(SS_ISCONNECTING | SS_ISCONNECTED | SS_ISDISCONNECTING);
	so->so_state |= SS_ISDISCONNECTED | SS_CANTRCVMORE | SS_CANTSENDMORE;
	so_wakeall(so);
}

void socantsendmore(struct socket *so)
{
	so->so_state |= SS_CANTSENDMORE;
	sowwakeup(so);
	cv_broadcast(&so->so_cv);
}

void socantrcvmore(struct socket *so)
{
	so->so_state |= SS_CANTRCVMORE;
	sorwakeup(so);
	cv_broadcast(&so->so_cv);
}

void sosetstate_error(struct socket *so, int error)
{
	so->so_error = error;
	so_wakeall(so);
}

/* Life of a socket. */

static void sb_init(struct sockbuf *sb, struct socket *so, const char *name)
{
	cv_init(&sb->sb_cv, name);
	selinfo_init(&sb->sb_sel);
	sb->sb_so = so;
}

int soalloc(const struct protosw *pr, int type, struct socket **sop)
{
	struct socket *so = kmem_zalloc(sizeof(*so), &M_SOCKET);

	if (so == NULL)
		return ENOBUFS;
	so->so_type = (short)type;
	so->so_proto = pr;
	list_init(&so->so_q0);
	list_init(&so->so_q);
	cv_init(&so->so_cv, "socket");
	sb_init(&so->so_rcv, so, "sorcv");
	sb_init(&so->so_snd, so, "sosnd");
	so->so_cred = cred_get(curproc);
	so->so_cpid = curproc->p_pid;
	so->so_gen = atomic_inc_nv(&so_nextgen);
	getnanotime(&so->so_ctime);
	atomic_inc_nv(&sockets_live);
	*sop = so;
	return 0;
}

void sodealloc(struct socket *so)
{
	KASSERT(so->so_rcv.sb_mb == NULL && so->so_snd.sb_mb == NULL);
	selinfo_destroy(&so->so_rcv.sb_sel);
	selinfo_destroy(&so->so_snd.sb_sel);
	cv_destroy(&so->so_rcv.sb_cv);
	cv_destroy(&so->so_snd.sb_cv);
	cv_destroy(&so->so_cv);
	cred_free(so->so_cred);
	kmem_free(so, sizeof(*so), &M_SOCKET);
	atomic_dec_nv(&sockets_live);
}

/* Takes so off its listener's queue. */
void soqremque(struct socket *so)
{
	struct socket *head = so->so_head;

	if (head == NULL)
		return;
	if (so->so_onq == 1)
		head->so_q0len--;
	else if (so->so_onq == 2)
		head->so_qlen--;
	if (so->so_onq != 0)
		list_remove(&so->so_qe);
	so->so_onq = 0;
	so->so_head = NULL;
}

void sofree(struct socket *so)
{
	KASSERT(mutex_owned(&softnet_lock));
	if (so->so_pcb != NULL || !(so->so_state & SS_NOFDREF))
		return;
	if (so->so_head != NULL) {
		/* A completed connection waits for accept, or its close. */
		if (so->so_onq == 2)
			return;
		soqremque(so);
	}
	sbflush(&so->so_snd);
	sbflush(&so->so_rcv);
	/* A held-back wake-up still to come frees it (so_wakerele). */
	for (;;) {
		unsigned holds = atomic_load_acquire(&so->so_wakeholds);

		if (holds == 0)
			break;
		if (atomic_cas_bool(&so->so_wakeholds, holds,
				    holds | SO_WAKEHOLD_FREED))
			return;
	}
	sodealloc(so);
}

void so_wakerele(struct socket *so)
{
	if (atomic_dec_nv(&so->so_wakeholds) == SO_WAKEHOLD_FREED)
		sodealloc(so);
}

void soabort(struct socket *so)
{
	KASSERT(mutex_owned(&softnet_lock));
	so->so_proto->pr_usrreqs->pr_abort(so);
	sofree(so);
}

struct socket *sonewconn(struct socket *head, int connstatus)
{
	struct socket *so;

	KASSERT(mutex_owned(&softnet_lock));
	if (!(head->so_options & SO_ACCEPTCONN))
		return NULL;
	if (connstatus ? head->so_qlen >= head->so_qlimit
		       : head->so_q0len >= head->so_qlimit)
		return NULL;
	if (soalloc(head->so_proto, head->so_type, &so) != 0)
		return NULL;
	cred_free(so->so_cred);
	cred_hold(head->so_cred);
	so->so_cred = head->so_cred;
	so->so_cpid = head->so_cpid;
	so->so_options = head->so_options & ~SO_ACCEPTCONN;
	so->so_linger = head->so_linger;
	so->so_state = SS_NOFDREF | (head->so_state & SS_ISBOUND);
	so->so_rcv.sb_timeo_ns = head->so_rcv.sb_timeo_ns;
	so->so_snd.sb_timeo_ns = head->so_snd.sb_timeo_ns;
	so->so_rcv.sb_lowat = head->so_rcv.sb_lowat;
	so->so_snd.sb_lowat = head->so_snd.sb_lowat;
	if (sbreserve(&so->so_snd, head->so_snd.sb_hiwat) != 0 ||
	    sbreserve(&so->so_rcv, head->so_rcv.sb_hiwat) != 0) {
		sodealloc(so);
		return NULL;
	}
	so->so_head = head;
	list_push_back(&head->so_q0, &so->so_qe);
	head->so_q0len++;
	so->so_onq = 1;
	if (so->so_proto->pr_usrreqs->pr_attach(
		    so, head->so_proto->pr_protocol) != 0) {
		soqremque(so);
		sodealloc(so);
		return NULL;
	}
	if (connstatus)
		soisconnected(so);
	return so;
}
