/*
 * unp_rights.c -- passing descriptors (SCM_RIGHTS).  A send turns each
 * descriptor into a held struct file in a control mbuf of its own; a
 * receive installs them in the receiver's table (dom_externalize).
 * Rights that are never received are released later, from a soft
 * interrupt: they are dropped with softnet_lock held, and the last close
 * of a socket file takes that lock.  A socket sent over itself and then
 * closed stays until shutdown, when the domain's fini flushes every
 * local socket (there is no garbage collector of cycles).
 */
#include <sys/atomic.h>
#include <sys/errno.h>
#include <sys/file.h>
#include <sys/softint.h>
#include <sys/systm.h>

#include "unp_private.h"

/* Linux's limit of descriptors in one SCM_RIGHTS record. */
#define UNP_MAXFDS 253

/* Rights waiting for release: control chains linked by m_nextpkt. */
static kmutex_t unp_gc_lock;
static struct mbuf *unp_gc_list;
static void *unp_gc_sih;

static struct file **rights_files(struct cmsghdr *cm, size_t *np)
{
	*np = (cm->cmsg_len - sizeof(*cm)) / sizeof(struct file *);
	return (struct file **)CMSG_DATA(cm);
}

static bool is_rights(const struct mbuf *m)
{
	const struct cmsghdr *cm = mtod(m, const struct cmsghdr *);

	return m->m_type == MT_CONTROL && (m->m_flags & M_PROTO1) &&
	       cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS;
}

/* Releases the files of a chain (without softnet_lock) and frees it. */
static void rights_release(struct mbuf *control)
{
	while (control != NULL) {
		if (is_rights(control)) {
			size_t n;
			struct file **fps = rights_files(
				mtod(control, struct cmsghdr *), &n);

			for (size_t i = 0; i < n; i++)
				(void)file_rele(fps[i]);
		}
		control = m_free(control);
	}
}

static void unp_gc_run(void *arg)
{
	struct mbuf *list;

	mutex_enter(&unp_gc_lock);
	list = unp_gc_list;
	unp_gc_list = NULL;
	mutex_exit(&unp_gc_lock);
	while (list != NULL) {
		struct mbuf *next = list->m_nextpkt;

		list->m_nextpkt = NULL;
		rights_release(list);
		list = next;
	}
}

void unp_dispose(struct mbuf *control)
{
	mutex_enter(&unp_gc_lock);
	control->m_nextpkt = unp_gc_list;
	unp_gc_list = control;
	mutex_exit(&unp_gc_lock);
	softint_schedule(unp_gc_sih);
}

/* One SCM_RIGHTS record of descriptors into a new mbuf of files. */
static int rights_internalize(const struct cmsghdr *cm, struct mbuf **mp)
{
	size_t n = (cm->cmsg_len - sizeof(*cm)) / sizeof(int32_t);
	const int32_t *fds = (const int32_t *)CMSG_DATA(cm);
	size_t len = sizeof(*cm) + n * sizeof(struct file *);
	struct cmsghdr *ncm;
	struct file **fps;
	struct mbuf *m;
	int error;

	if (n == 0 || n > UNP_MAXFDS)
		return EINVAL;
	m = len > (size_t)MLEN ? m_getjcl(M_NOWAIT, MT_CONTROL, 0, len)
			       : m_get(M_NOWAIT, MT_CONTROL);
	if (m == NULL)
		return ENOBUFS;
	ncm = mtod(m, struct cmsghdr *);
	ncm->cmsg_level = SOL_SOCKET;
	ncm->cmsg_type = SCM_RIGHTS;
	ncm->cmsg_len = sizeof(*ncm);
	m->m_len = (int)len;
	m->m_flags |= M_PROTO1;
	fps = (struct file **)CMSG_DATA(ncm);
	for (size_t i = 0; i < n; i++) {
		if ((error = fd_getfile(fds[i], &fps[i])) != 0) {
			m->m_len = (int)ncm->cmsg_len;
			unp_dispose(m);
			return error;
		}
		ncm->cmsg_len += sizeof(struct file *);
	}
	*mp = m;
	return 0;
}

int unp_internalize(struct mbuf **controlp)
{
	struct mbuf *in = *controlp, *out = NULL, **op = &out, *m;
	size_t off;
	int error = 0;

	*controlp = NULL;
	for (m = in; m != NULL && error == 0; m = m->m_next) {
		for (off = 0;
		     off + sizeof(struct cmsghdr) <= (size_t)m->m_len;) {
			const struct cmsghdr *cm =
				(const struct cmsghdr *)(m->m_data + off);
			struct mbuf *n;

			off += CMSG_ALIGN(cm->cmsg_len);
			if (cm->cmsg_level != SOL_SOCKET)
				continue; /* other levels mean nothing here */
			if (cm->cmsg_type != SCM_RIGHTS) {
				error = EINVAL;
				break;
			}
			if ((error = rights_internalize(cm, &n)) != 0)
				break;
			*op = n;
			op = &n->m_next;
		}
	}
	m_freem(in);
	if (error != 0) {
		if (out != NULL)
			unp_dispose(out);
		return error;
	}
	*controlp = out;
	return 0;
}

int unp_externalize(struct mbuf *control, struct lwp *l, int flags)
{
	int error = 0;

	for (struct mbuf *m = control; m != NULL; m = m->m_next) {
		struct cmsghdr *cm = mtod(m, struct cmsghdr *);
		struct file **fps;
		int32_t *fds;
		size_t n, done = 0;

		if (!is_rights(m))
			continue;
		fps = rights_files(cm, &n);
		fds = (int32_t *)CMSG_DATA(cm);
		/* fds[i] overwrites fps[i]'s first half: fps[i] read first. */
		for (size_t i = 0; i < n; i++) {
			struct file *fp = fps[i];
			int fd;

			if (error == 0 &&
			    (error = fd_install(fp, 0, flags & MSG_CMSG_CLOEXEC,
						&fd)) == 0) {
				fds[done++] = fd;
				continue;
			}
			(void)file_rele(fp);
		}
		if (error != 0) {
			/* Linux gives back what fits; we give none. */
			for (size_t i = 0; i < done; i++)
				(void)fd_close(fds[i]);
			done = 0;
		}
		cm->cmsg_len = sizeof(*cm) + done * sizeof(int32_t);
		m->m_len = (int)cm->cmsg_len;
		m->m_flags &= ~M_PROTO1;
	}
	return error;
}

int unp_rights_init(void)
{
	mutex_init(&unp_gc_lock, MUTEX_DEFAULT);
	unp_gc_sih = softint_establish(SOFTINT_NET, unp_gc_run, NULL);
	if (unp_gc_sih == NULL) {
		mutex_destroy(&unp_gc_lock);
		return ENOMEM;
	}
	return 0;
}

void unp_rights_drain(void)
{
	unp_gc_run(NULL);
}

void unp_rights_fini(void)
{
	softint_disestablish(unp_gc_sih);
	unp_gc_run(NULL);
	mutex_destroy(&unp_gc_lock);
}
