/*
 * test_inet_route.c -- the routing table: longest-prefix match, the
 * default route, deletion, refused additions, the route cache's
 * revalidation, and random prefixes against a linear search.  Runs on a
 * capturing test interface (tif0) so that routes have an interface.
 */
#include <net/route.h>
#include <netinet/in_var.h>
#include <sys/socketvar.h>

#include "rumptest_inet.h"
#include "test_inet_tif.h"
#include "testkern.h"

static struct in_addr A(uint32_t host) {
	struct in_addr a = {htonl(host)};
	return a;
}
#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

/* The prefix length of the route dst matches, -1 for none. */
static int
match_plen(uint32_t dst)
{
	struct rtentry *rt = rt_lookup(A(dst));
	int plen = rt != NULL ? rt->rt_plen : -1;

	if (rt != NULL)
		rt_unref(rt);
	return plen;
}

static void route_basics(struct ifnet *ifp)
{
	struct in_addr none = {0};
	struct route ro = {0};
	struct rtentry *rt;

	TCHECK(rt_add(A(IP(10, 0, 0, 0)), rt_plen_to_mask(8), none, ifp, none,
		      RTF_STATIC, NULL) == 0);
	TCHECK(rt_add(A(IP(10, 1, 0, 0)), rt_plen_to_mask(16), none, ifp, none,
		      RTF_STATIC, NULL) == 0);
	TCHECK(rt_add(A(IP(10, 1, 2, 0)), rt_plen_to_mask(24), none, ifp, none,
		      RTF_STATIC, NULL) == 0);
	TCHECK(rt_add(A(IP(10, 1, 2, 3)), rt_plen_to_mask(32), none, ifp, none,
		      RTF_STATIC, NULL) == 0);
	TCHECK(match_plen(IP(10, 1, 2, 3)) == 32);
	TCHECK(match_plen(IP(10, 1, 2, 4)) == 24);
	TCHECK(match_plen(IP(10, 1, 3, 4)) == 16);
	TCHECK(match_plen(IP(10, 2, 3, 4)) == 8);
	TCHECK(match_plen(IP(11, 0, 0, 1)) == -1);
	/* Host bits in the destination are masked off. */
	TCHECK(rt_add(A(IP(10, 1, 2, 77)), rt_plen_to_mask(24), none, ifp, none,
		      0, NULL) == EEXIST);
	/* Non-contiguous mask. */
	TCHECK(rt_add(A(IP(192, 168, 0, 0)), A(0xff00ff00), none, ifp, none, 0,
		      NULL) == EINVAL);
	TCHECK(rt_mask_to_plen(A(0xfffffff0)) == 28);
	TCHECK(rt_mask_to_plen(A(0)) == 0);
	TCHECK(rt_mask_to_plen(A(0x80000001)) == -1);
	/* A gateway must be on a connected network (not via a gateway). */
	TCHECK(rt_add(none, none, A(IP(172, 16, 0, 1)), NULL, none, RTF_STATIC,
		      NULL) == ENETUNREACH);
	TCHECK(rt_add(none, none, A(IP(10, 1, 2, 1)), NULL, none, RTF_STATIC,
		      &rt) == 0);
	TCHECK(rt->rt_ifp == ifp && (rt->rt_flags & RTF_GATEWAY));
	TCHECK(match_plen(IP(11, 0, 0, 1)) == 0);
	TCHECK(match_plen(IP(8, 8, 8, 8)) == 0);
	TCHECK(rt_add(A(IP(172, 16, 0, 0)), rt_plen_to_mask(12),
		      A(IP(11, 0, 0, 1)), NULL, none, 0, NULL) == ENETUNREACH);

	/* The cache follows changes of the table. */
	rt = rtcache_lookup(&ro, A(IP(10, 1, 2, 3)));
	TCHECK(rt != NULL && rt->rt_plen == 32);
	TCHECK(rtcache_lookup(&ro, A(IP(10, 1, 2, 3))) == rt);
	TCHECK(rt_delete(A(IP(10, 1, 2, 3)), rt_plen_to_mask(32)) == 0);
	/* The deleted entry lives on while the cache holds it, not UP. */
	TCHECK((rt->rt_flags & RTF_UP) == 0);
	rt = rtcache_lookup(&ro, A(IP(10, 1, 2, 3)));
	TCHECK(rt != NULL && rt->rt_plen == 24);
	rtcache_free(&ro);
	TCHECK(rt_delete(A(IP(10, 1, 2, 3)), rt_plen_to_mask(32)) == ESRCH);
	TCHECK(rt_delete(none, none) == 0);
	TCHECK(match_plen(IP(8, 8, 8, 8)) == -1);
	rt_delete_ifp(ifp);
	TCHECK(match_plen(IP(10, 1, 2, 3)) == -1);
}

/* Random prefixes: the table's answer is the longest matching one. */
static void route_random(struct ifnet *ifp, int niters, uint32_t seed)
{
	enum { N = 200 };
	static uint32_t dst[N];
	static int plen[N];
	struct in_addr none = {0};
	int n = 0;

	for (int i = 0; i < N; i++) {
		int p = (int)(trand(&seed) % 33);
		uint32_t mask = p == 0 ? 0 : 0xffffffffu << (32 - p);
		uint32_t d = (trand(&seed) & 0x0f0f0f0f) & mask;
		bool dup = false;

		for (int j = 0; j < n; j++)
			if (plen[j] == p && dst[j] == d)
				dup = true;
		if (dup) {
			TCHECK(rt_add(A(d), rt_plen_to_mask(p), none, ifp, none,
				      0, NULL) == EEXIST);
			continue;
		}
		if (!TCHECK(rt_add(A(d), rt_plen_to_mask(p), none, ifp, none, 0,
				   NULL) == 0))
			return;
		dst[n] = d;
		plen[n] = p;
		n++;
	}
	TCHECK(rt_count() >= n);
	for (int i = 0; i < niters; i++) {
		uint32_t probe = trand(&seed) & 0x0f0f0f0f;
		int best = -1;

		if (i % 3 == 0 && n > 0)
			probe = dst[trand(&seed) % (uint32_t)n] |
				(trand(&seed) & 0x00000f0f);
		for (int j = 0; j < n; j++) {
			uint32_t mask = plen[j] == 0
						? 0
						: 0xffffffffu << (32 - plen[j]);
			if ((probe & mask) == dst[j] && plen[j] > best)
				best = plen[j];
		}
		if (!TCHECK(match_plen(probe) == best))
			break;
	}
	for (int j = 0; j < n; j++)
		TCHECK(rt_delete(A(dst[j]), rt_plen_to_mask(plen[j])) == 0);
}

int rump_test_inet_route(int niters, uint32_t seed)
{
	int start = test_failures;
	struct tif *t;

	rump_schedule();
	mutex_enter(&softnet_lock);
	t = tif_create(5);
	if (TCHECK(t != NULL)) {
		int before = rt_count();
		route_basics(&t->tif_if);
		TCHECK(rt_count() == before);
		route_random(&t->tif_if, niters, seed);
		TCHECK(rt_count() == before);
		tif_destroy(t);
	}
	mutex_exit(&softnet_lock);
	rump_unschedule();
	return TRESULT(start);
}
