/*
 * test_mbuf.c -- mbufs from inside the kernel: chains built with
 * m_append across internal and external storage; m_copydata, m_copym
 * sharing clusters (which become read-only) and m_dup copying them;
 * m_copyback beyond the end and over shared storage (copy on write);
 * m_pullup, m_split, m_adj from both ends, m_cat, M_PREPEND, m_devget;
 * caller-supplied storage whose free function runs with the last
 * reference; nothing left allocated afterwards.
 */
#include <sys/mbuf.h>

#include "testkern.h"

static unsigned char tpat(int i)
{
	return (unsigned char)(i * 7 + 1);
}

/* Whether the chain holds len bytes of tpat from start. */
static bool chain_is(struct mbuf *m, int start, int len)
{
	static unsigned char buf[20000];

	if (m_length(m) != len)
		return false;
	m_copydata(m, 0, len, buf);
	for (int i = 0; i < len; i++)
		if (buf[i] != tpat(start + i))
			return false;
	return true;
}

static int ext_freed;
static void ext_free(void *buf, size_t size, void *arg)
{
	ext_freed++;
	kmem_free(buf, size, &M_TEMP);
}

int rump_test_mbuf(void)
{
	static unsigned char src[20000];
	int start = test_failures;
	int64_t live = mbuf_live, elive = mext_live;
	struct mbuf *m, *n, *c;

	rump_schedule();
	for (int i = 0; i < (int)sizeof(src); i++)
		src[i] = tpat(i);

	/* A packet of 10000 bytes: internal head, clusters after. */
	m = m_gethdr(M_NOWAIT, MT_DATA);
	TCHECK(m != NULL && M_TRAILINGSPACE(m) == MLEN);
	TCHECK(m_append(m, 10000, src) == 0);
	TCHECK(m->m_pkthdr.len == 10000 && chain_is(m, 0, 10000));
	TCHECK(m->m_next != NULL && (m->m_next->m_flags & M_EXT));

	/* A shared copy of the middle: clusters shared, read-only. */
	c = m_copym(m, 100, 9000, M_NOWAIT);
	TCHECK(c != NULL && chain_is(c, 100, 9000));
	TCHECK(m->m_next->m_ext->ext_refcnt == 2);
	TCHECK(M_READONLY(m->m_next) && M_TRAILINGSPACE(m->m_next) == 0);
	/* Writing the copy leaves the original alone (copy on write). */
	TCHECK(m_copyback(c, 5000, 3, "XYZ") == 0);
	TCHECK(chain_is(m, 0, 10000));
	{
		char got[3];
		m_copydata(c, 5000, 3, got);
		TCHECK(memcmp(got, "XYZ", 3) == 0);
	}
	m_freem(c);
	TCHECK(m->m_next->m_ext->ext_refcnt == 1);

	/* m_dup copies into writable storage. */
	c = m_dup(m, 0, M_COPYALL, M_NOWAIT);
	TCHECK(c != NULL && chain_is(c, 0, 10000) && (c->m_flags & M_PKTHDR));
	TCHECK(c->m_pkthdr.len == 10000);
	for (n = c; n != NULL; n = n->m_next)
		TCHECK(!M_READONLY(n));
	m_freem(c);

	/* Split, then put back together. */
	n = m_split(m, 3000, M_NOWAIT);
	TCHECK(n != NULL && chain_is(m, 0, 3000) && chain_is(n, 3000, 7000));
	TCHECK(m->m_pkthdr.len == 3000 && n->m_pkthdr.len == 7000);
	m_cat(m, n);
	m_fixhdr(m);
	TCHECK(chain_is(m, 0, 10000));

	/* Trim both ends. */
	m_adj(m, 10);
	TCHECK(m->m_pkthdr.len == 9990 && chain_is(m, 10, 9990));
	m_adj(m, -990);
	TCHECK(m->m_pkthdr.len == 9000 && chain_is(m, 10, 9000));

	/* Headers in front, contiguous. */
	M_PREPEND(m, 20, M_NOWAIT);
	TCHECK(m != NULL && m->m_pkthdr.len == 9020 && m->m_len >= 20);
	memcpy(mtod(m, char *), src + 20000 - 20, 20);
	m_adj(m, 20);
	m = m_pullup(m, 200);
	TCHECK(m != NULL && m->m_len >= 200 && chain_is(m, 10, 9000));
	/* Pulling up more than a header's room fails and frees. */
	TCHECK(m_pullup(m, MHLEN + 1) == NULL);

	/* Writing past the end grows the chain with zeros. */
	m = m_gethdr(M_NOWAIT, MT_DATA);
	TCHECK(m != NULL);
	TCHECK(m_copyback(m, 3000, 4, "abcd") == 0);
	TCHECK(m_length(m) == 3004 && m->m_pkthdr.len == 3004);
	{
		char got[4];
		unsigned char z;
		m_copydata(m, 3000, 4, got);
		m_copydata(m, 1500, 1, &z);
		TCHECK(memcmp(got, "abcd", 4) == 0 && z == 0);
	}
	m_freem(m);

	/* A driver's receive buffer. */
	m = m_devget(src, 1514, NULL);
	TCHECK(m != NULL && (m->m_flags & M_PKTHDR) && chain_is(m, 0, 1514));
	m_freem(m);

	/* Caller-supplied storage: freed with the last reference. */
	{
		void *buf = kmem_alloc(4096, &M_TEMP);

		TCHECK(buf != NULL);
		memcpy(buf, src, 4096);
		m = m_gethdr(M_NOWAIT, MT_DATA);
		TCHECK(m != NULL);
		ext_freed = 0;
		TCHECK(m_extadd(m, buf, 4096, ext_free, NULL) == 0);
		m->m_len = m->m_pkthdr.len = 4096;
		TCHECK(M_READONLY(m));
		c = m_copym(m, 0, M_COPYALL, M_NOWAIT);
		TCHECK(c != NULL && chain_is(c, 0, 4096));
		m_freem(m);
		TCHECK(ext_freed == 0);
		m_freem(c);
		TCHECK(ext_freed == 1);
	}
	TCHECK(mbuf_live == live && mext_live == elive);
	rump_unschedule();
	return TRESULT(start);
}
