/*
 * mbuf.c -- packet buffers.  Mbufs are MSIZE bytes from kmem; external
 * storage is a struct mext header followed, for clusters, by the data in
 * the same allocation, or pointing at a caller's buffer.  The storage's
 * reference count is atomic because chains sharing it may be freed by
 * different threads (a socket's copy and a driver's transmit queue).
 * Every allocation can fail; nothing here sleeps.  Storage of the largest
 * size, what bulk writes use, is kept for reuse (mext_cache).
 */
#include <rump/rumpuser.h>
#include <sys/atomic.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/mbuf.h>
#include <sys/mutex.h>
#include <sys/systm.h>

static KMEM_TYPE_DEFINE(M_MBUF, "mbuf");
static KMEM_TYPE_DEFINE(M_MEXT, "mbuf cluster");
volatile int64_t mbuf_live, mext_live;

/*
 * Up to MEXT_CACHE_MAX storages of MEXT_MAXSIZE bytes wait here for the
 * next bulk write: the host's allocator returns blocks of this size to
 * the system when they are freed, and the next write faulted every page
 * in again.  Sanitizer builds keep nothing (KMEM_PASSTHROUGH), so that
 * the host's checker sees every use after free.
 */
#ifdef KMEM_PASSTHROUGH
#define MEXT_CACHE_MAX 0
#else
#define MEXT_CACHE_MAX 32
#endif
static struct {
	kmutex_t lock;
	struct mext *head; /* linked through ext_arg */
	int count;
	bool ready;
} mext_cache;

/* A cached storage of MEXT_MAXSIZE, or NULL. */
static struct mext *mext_cache_get(void)
{
	struct mext *ext;

	if (MEXT_CACHE_MAX == 0 || atomic_load_relaxed(&mext_cache.count) == 0)
		return NULL;
	mutex_enter(&mext_cache.lock);
	if ((ext = mext_cache.head) != NULL) {
		mext_cache.head = ext->ext_arg;
		atomic_store_relaxed(&mext_cache.count, mext_cache.count - 1);
	}
	mutex_exit(&mext_cache.lock);
	return ext;
}

/* Keeps ext (a cluster of MEXT_MAXSIZE) if there is room: true if kept. */
static bool mext_cache_put(struct mext *ext)
{
	bool kept = false;

	if (MEXT_CACHE_MAX == 0 || !mext_cache.ready ||
	    atomic_load_relaxed(&mext_cache.count) >= MEXT_CACHE_MAX)
		return false;
	mutex_enter(&mext_cache.lock);
	if (mext_cache.count < MEXT_CACHE_MAX) {
		ext->ext_arg = mext_cache.head;
		mext_cache.head = ext;
		atomic_store_relaxed(&mext_cache.count, mext_cache.count + 1);
		kept = true;
	}
	mutex_exit(&mext_cache.lock);
	return kept;
}

static void m_init(struct mbuf *m, int type, int flags)
{
	m->m_next = NULL;
	m->m_nextpkt = NULL;
	m->m_data = m->m_dat;
	m->m_len = 0;
	m->m_flags = flags & M_PKTHDR;
	m->m_type = (short)type;
	m->m_ext = NULL;
	memset(&m->m_pkthdr, 0, sizeof(m->m_pkthdr));
}

struct mbuf *m_get(int how, int type)
{
	struct mbuf *m = kmem_alloc(MSIZE, &M_MBUF);

	if (m == NULL)
		return NULL;
	atomic_inc_nv(&mbuf_live);
	m_init(m, type, 0);
	return m;
}

struct mbuf *m_gethdr(int how, int type)
{
	struct mbuf *m = m_get(how, type);

	if (m != NULL)
		m->m_flags |= M_PKTHDR;
	return m;
}

static struct mext *mext_alloc(size_t size)
{
	struct mext *ext = NULL;

	/* A cached one fails as the allocator would (RUMP_FAULT_MALLOC). */
	if (size == MEXT_MAXSIZE && (ext = mext_cache_get()) != NULL &&
	    rumpuser_fault_check(RUMPUSER_FAULT_MALLOC)) {
		(void)mext_cache_put(ext);
		return NULL;
	}
	if (ext == NULL)
		ext = kmem_alloc(sizeof(*ext) + size, &M_MEXT);
	if (ext == NULL)
		return NULL;
	ext->ext_buf = (char *)(ext + 1);
	ext->ext_size = size;
	ext->ext_free = NULL;
	ext->ext_arg = NULL;
	ext->ext_refcnt = 1;
	atomic_inc_nv(&mext_live);
	return ext;
}

static void mext_rele(struct mext *ext)
{
	if (atomic_dec_nv(&ext->ext_refcnt) != 0)
		return;
	atomic_dec_nv(&mext_live);
	if (ext->ext_free != NULL) {
		ext->ext_free(ext->ext_buf, ext->ext_size, ext->ext_arg);
		kmem_free(ext, sizeof(*ext), &M_MEXT);
	} else if (ext->ext_size != MEXT_MAXSIZE || !mext_cache_put(ext))
		kmem_free(ext, sizeof(*ext) + ext->ext_size, &M_MEXT);
}

struct mbuf *m_getjcl(int how, int type, int flags, size_t size)
{
	struct mbuf *m;
	struct mext *ext;

	if (size == 0 || size > MEXT_MAXSIZE)
		return NULL;
	if ((m = m_get(how, type)) == NULL)
		return NULL;
	if ((ext = mext_alloc(size)) == NULL) {
		m_free(m);
		return NULL;
	}
	m->m_flags |= M_EXT | (flags & M_PKTHDR);
	m->m_ext = ext;
	m->m_data = ext->ext_buf;
	return m;
}

struct mbuf *m_getcl(int how, int type, int flags)
{
	return m_getjcl(how, type, flags, MCLBYTES);
}

int m_extadd(struct mbuf *m, void *buf, size_t size,
	     void (*freefn)(void *, size_t, void *), void *arg)
{
	struct mext *ext;

	KASSERT(!(m->m_flags & M_EXT) && freefn != NULL);
	if ((ext = kmem_alloc(sizeof(*ext), &M_MEXT)) == NULL)
		return ENOMEM;
	atomic_inc_nv(&mext_live);
	ext->ext_buf = buf;
	ext->ext_size = size;
	ext->ext_free = freefn;
	ext->ext_arg = arg;
	ext->ext_refcnt = 1;
	m->m_flags |= M_EXT;
	m->m_ext = ext;
	m->m_data = buf;
	return 0;
}

struct mbuf *m_free(struct mbuf *m)
{
	struct mbuf *next = m->m_next;

	if (m->m_flags & M_EXT)
		mext_rele(m->m_ext);
	m->m_type = MT_FREE;
	kmem_free(m, MSIZE, &M_MBUF);
	atomic_dec_nv(&mbuf_live);
	return next;
}

void m_freem(struct mbuf *m)
{
	while (m != NULL)
		m = m_free(m);
}

void m_move_pkthdr(struct mbuf *to, struct mbuf *from)
{
	to->m_pkthdr = from->m_pkthdr;
	to->m_flags = (to->m_flags & M_EXT) | (from->m_flags & M_COPYFLAGS);
	from->m_flags &= ~M_PKTHDR;
}

void m_copy_pkthdr(struct mbuf *to, const struct mbuf *from)
{
	to->m_pkthdr = from->m_pkthdr;
	to->m_flags = (to->m_flags & M_EXT) | (from->m_flags & M_COPYFLAGS);
}

int m_length(const struct mbuf *m)
{
	int len = 0;

	for (; m != NULL; m = m->m_next)
		len += m->m_len;
	return len;
}

int m_fixhdr(struct mbuf *m)
{
	int len = m_length(m);

	if (m->m_flags & M_PKTHDR)
		m->m_pkthdr.len = len;
	return len;
}

struct mbuf *m_prepend(struct mbuf *m, int len, int how)
{
	struct mbuf *mn;

	KASSERT(len >= 0 && len <= MHLEN);
	if ((mn = m_get(how, m->m_type)) == NULL) {
		m_freem(m);
		return NULL;
	}
	if (m->m_flags & M_PKTHDR)
		m_move_pkthdr(mn, m);
	mn->m_next = m;
	M_ALIGN(mn, len);
	mn->m_len = len;
	if (mn->m_flags & M_PKTHDR)
		mn->m_pkthdr.len += len;
	return mn;
}

struct mbuf *m_pullup(struct mbuf *m, int len)
{
	struct mbuf *n;
	int count;

	if (m->m_len >= len)
		return m;
	if (len > MHLEN)
		goto bad;
	/*
	 * Copy into the first mbuf if it has its own writable room after
	 * the data, else into a fresh one placed in front.
	 */
	if (!(m->m_flags & M_EXT) && m->m_data + len <= m->m_dat + MLEN) {
		n = m;
		m = m->m_next;
		len -= n->m_len;
	} else {
		if ((n = m_get(M_NOWAIT, m->m_type)) == NULL)
			goto bad;
		if (m->m_flags & M_PKTHDR)
			m_move_pkthdr(n, m);
	}
	while (len > 0 && m != NULL) {
		count = MIN(len, m->m_len);
		memcpy(n->m_data + n->m_len, m->m_data, (size_t)count);
		n->m_len += count;
		m->m_len -= count;
		m->m_data += count;
		len -= count;
		if (m->m_len == 0)
			m = m_free(m);
	}
	n->m_next = m;
	if (len > 0) {
		/* The chain was shorter than asked. */
		m_freem(n);
		return NULL;
	}
	return n;
bad:
	m_freem(m);
	return NULL;
}

void m_adj(struct mbuf *mp, int req_len)
{
	struct mbuf *m;
	int len = req_len, total;

	if (mp == NULL)
		return;
	if (len >= 0) {
		/* Trim from the head. */
		for (m = mp; m != NULL && len > 0; m = m->m_next) {
			int n = MIN(len, m->m_len);
			m->m_len -= n;
			m->m_data += n;
			len -= n;
		}
		if (mp->m_flags & M_PKTHDR)
			mp->m_pkthdr.len -= req_len - len;
		return;
	}
	/* Trim -len bytes from the tail: keep the first total - (-len). */
	len = -len;
	total = m_length(mp);
	if (len > total)
		len = total;
	total -= len;
	if (mp->m_flags & M_PKTHDR)
		mp->m_pkthdr.len = total;
	for (m = mp; m != NULL; m = m->m_next) {
		if (m->m_len >= total) {
			m->m_len = total;
			for (m = m->m_next; m != NULL; m = m->m_next)
				m->m_len = 0;
			return;
		}
		total -= m->m_len;
	}
}

void m_copydata(const struct mbuf *m, int off, int len, void *vp)
{
	char *cp = vp;

	KASSERT(off >= 0 && len >= 0);
	while (off > 0) {
		KASSERT(m != NULL);
		if (off < m->m_len)
			break;
		off -= m->m_len;
		m = m->m_next;
	}
	while (len > 0) {
		int count;

		KASSERT(m != NULL);
		count = MIN(m->m_len - off, len);
		memcpy(cp, m->m_data + off, (size_t)count);
		len -= count;
		cp += count;
		off = 0;
		m = m->m_next;
	}
}

/* Gives m storage of its own with the same data; 0 or ENOMEM. */
static int m_makewritable(struct mbuf *m)
{
	struct mext *old = m->m_ext, *ext;

	if (!M_READONLY(m))
		return 0;
	if (m->m_len <= MLEN) {
		/* An external mbuf's internal storage is unused. */
		memcpy(m->m_dat, m->m_data, (size_t)m->m_len);
		m->m_data = m->m_dat;
		m->m_flags &= ~M_EXT;
		m->m_ext = NULL;
	} else {
		if ((ext = mext_alloc((size_t)m->m_len)) == NULL)
			return ENOMEM;
		memcpy(ext->ext_buf, m->m_data, (size_t)m->m_len);
		m->m_ext = ext;
		m->m_data = ext->ext_buf;
	}
	mext_rele(old);
	return 0;
}

int m_copyback(struct mbuf *m0, int off, int len, const void *vp)
{
	static const char zeros[256];
	const char *cp = vp;
	struct mbuf *m;
	int total = m_length(m0), error;

	KASSERT(off >= 0 && len >= 0);
	/* Grow the chain with zeros up to off, then with the data. */
	while (total < off) {
		int n = MIN(off - total, (int)sizeof(zeros));

		if ((error = m_append(m0, n, zeros)) != 0)
			return error;
		total += n;
	}
	for (m = m0; m != NULL && len > 0; m = m->m_next) {
		int count;

		if (off >= m->m_len) {
			off -= m->m_len;
			continue;
		}
		if ((error = m_makewritable(m)) != 0)
			return error;
		count = MIN(m->m_len - off, len);
		memcpy(m->m_data + off, cp, (size_t)count);
		cp += count;
		len -= count;
		off = 0;
	}
	if (len > 0)
		return m_append(m0, len, cp);
	return 0;
}

/* Copies len bytes from off (both within the chain) into new mbufs. */
static struct mbuf *m_copy_internal(struct mbuf *m, int off0, int len, int how,
				    bool deep)
{
	struct mbuf *top = NULL, **np = &top, *n, *m0 = m;
	int off = off0;

	KASSERT(off >= 0 && len >= 0);
	while (off > 0 && m != NULL && off >= m->m_len) {
		off -= m->m_len;
		m = m->m_next;
	}
	while (len > 0 && m != NULL) {
		int count = MIN(len, m->m_len - off);

		if (count <= 0) {
			m = m->m_next;
			off = 0;
			continue;
		}
		if (!deep && (m->m_flags & M_EXT)) {
			if ((n = m_get(how, m->m_type)) == NULL)
				goto fail;
			atomic_inc_nv(&m->m_ext->ext_refcnt);
			n->m_flags |= M_EXT;
			n->m_ext = m->m_ext;
			n->m_data = m->m_data + off;
		} else if (count > MLEN) {
			if ((n = m_getjcl(how, m->m_type, 0,
					  (size_t)MIN(count, MEXT_MAXSIZE))) ==
			    NULL)
				goto fail;
			count = MIN(count, MEXT_MAXSIZE);
			memcpy(n->m_data, m->m_data + off, (size_t)count);
		} else {
			if ((n = m_get(how, m->m_type)) == NULL)
				goto fail;
			memcpy(n->m_data, m->m_data + off, (size_t)count);
		}
		n->m_len = count;
		if (top == NULL && (m0->m_flags & M_PKTHDR)) {
			m_copy_pkthdr(n, m0);
			n->m_pkthdr.len = len;
		}
		*np = n;
		np = &n->m_next;
		len -= count;
		off += count;
		if (off >= m->m_len) {
			m = m->m_next;
			off = 0;
		}
	}
	if (top != NULL && (top->m_flags & M_PKTHDR))
		top->m_pkthdr.len = m_length(top);
	return top;
fail:
	m_freem(top);
	return NULL;
}

struct mbuf *m_copym(struct mbuf *m, int off, int len, int how)
{
	struct mbuf *n;

	if (len == M_COPYALL)
		len = m_length(m) - off;
	if (len < 0 || off < 0)
		return NULL;
	if (len == 0) {
		/* An empty copy still carries the header of a packet. */
		if ((n = m_get(how, m->m_type)) != NULL &&
		    (m->m_flags & M_PKTHDR) && off == 0) {
			m_copy_pkthdr(n, m);
			n->m_pkthdr.len = 0;
		}
		return n;
	}
	n = m_copy_internal(m, off, len, how, false);
	if (n != NULL && off != 0)
		n->m_flags &= ~M_PKTHDR;
	return n;
}

struct mbuf *m_dup(struct mbuf *m, int off, int len, int how)
{
	struct mbuf *n;

	if (len == M_COPYALL)
		len = m_length(m) - off;
	if (len <= 0 || off < 0)
		return m_copym(m, off, len, how);
	n = m_copy_internal(m, off, len, how, true);
	if (n != NULL && off != 0)
		n->m_flags &= ~M_PKTHDR;
	return n;
}

void m_cat(struct mbuf *m, struct mbuf *n)
{
	while (m->m_next != NULL)
		m = m->m_next;
	while (n != NULL) {
		if (M_TRAILINGSPACE(m) < n->m_len || (n->m_flags & M_EXT)) {
			n->m_flags &= ~M_PKTHDR;
			m->m_next = n;
			return;
		}
		memcpy(m->m_data + m->m_len, n->m_data, (size_t)n->m_len);
		m->m_len += n->m_len;
		n = m_free(n);
	}
}

struct mbuf *m_split(struct mbuf *m0, int len0, int how)
{
	struct mbuf *m, *n;
	int len = len0, remain;

	for (m = m0; m != NULL && len > m->m_len; m = m->m_next)
		len -= m->m_len;
	if (m == NULL)
		return NULL;
	remain = m->m_len - len;
	if (remain == 0 && m->m_next == NULL && !(m0->m_flags & M_PKTHDR))
		return NULL;
	if (m0->m_flags & M_PKTHDR) {
		if ((n = m_gethdr(how, m0->m_type)) == NULL)
			return NULL;
		n->m_pkthdr.rcvif = m0->m_pkthdr.rcvif;
		n->m_pkthdr.len = m0->m_pkthdr.len - len0;
	} else if ((n = m_get(how, m->m_type)) == NULL)
		return NULL;
	if (remain == 0) {
		/* Split on an mbuf boundary: n is only a head. */
		n->m_next = m->m_next;
		m->m_next = NULL;
		n->m_len = 0;
	} else if (m->m_flags & M_EXT) {
		atomic_inc_nv(&m->m_ext->ext_refcnt);
		n->m_flags |= M_EXT;
		n->m_ext = m->m_ext;
		n->m_data = m->m_data + len;
		n->m_len = remain;
		n->m_next = m->m_next;
		m->m_next = NULL;
		m->m_len = len;
	} else {
		memcpy(n->m_data, m->m_data + len, (size_t)remain);
		n->m_len = remain;
		n->m_next = m->m_next;
		m->m_next = NULL;
		m->m_len = len;
	}
	if (m0->m_flags & M_PKTHDR)
		m0->m_pkthdr.len = len0;
	if (n->m_len == 0 && !(n->m_flags & M_PKTHDR) && n->m_next != NULL)
		n = m_free(n);
	return n;
}

int m_append(struct mbuf *m0, int len, const void *vp)
{
	const char *cp = vp;
	struct mbuf *m, *n;
	int space;

	for (m = m0; m->m_next != NULL; m = m->m_next)
		continue;
	space = M_TRAILINGSPACE(m);
	if (space > 0) {
		space = MIN(space, len);
		memcpy(m->m_data + m->m_len, cp, (size_t)space);
		m->m_len += space;
		cp += space;
		len -= space;
		if (m0->m_flags & M_PKTHDR)
			m0->m_pkthdr.len += space;
	}
	while (len > 0) {
		int count;

		if (len > MLEN)
			n = m_getjcl(M_NOWAIT, m->m_type, 0,
				     (size_t)MIN(len, MEXT_MAXSIZE));
		else
			n = m_get(M_NOWAIT, m->m_type);
		if (n == NULL)
			return ENOMEM;
		count = MIN(len, M_BUFSIZE(n));
		memcpy(n->m_data, cp, (size_t)count);
		n->m_len = count;
		m->m_next = n;
		m = n;
		cp += count;
		len -= count;
		if (m0->m_flags & M_PKTHDR)
			m0->m_pkthdr.len += count;
	}
	return 0;
}

struct mbuf *m_devget(const void *buf, int len, struct ifnet *ifp)
{
	struct mbuf *m;

	if (len < 0)
		return NULL;
	if (len > MHLEN)
		m = m_getjcl(M_NOWAIT, MT_DATA, M_PKTHDR,
			     (size_t)MIN(len, MEXT_MAXSIZE));
	else
		m = m_gethdr(M_NOWAIT, MT_DATA);
	if (m == NULL)
		return NULL;
	m->m_pkthdr.rcvif = ifp;
	if (m_append(m, len, buf) != 0) {
		m_freem(m);
		return NULL;
	}
	return m;
}

int mbuf_init(void)
{
	mutex_init(&mext_cache.lock, MUTEX_SPIN);
	mext_cache.ready = true;
	return 0;
}

void mbuf_fini(void)
{
	struct mext *ext;

	mext_cache.ready = false;
	while ((ext = mext_cache_get()) != NULL)
		kmem_free(ext, sizeof(*ext) + MEXT_MAXSIZE, &M_MEXT);
	mutex_destroy(&mext_cache.lock);
}
