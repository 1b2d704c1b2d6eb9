/*
 * if_fault.c -- fault injection on interface output, for tests of what
 * TCP makes of a bad wire: RUMP_FAULT_SEND fails a send (ENOBUFS), and
 * RUMP_NETIF_FAULT loses, duplicates, reorders and delays frames on the
 * interfaces it names (syntax in docs/faultinj.md).  Kept frames wait on
 * one list sorted by due time, sent by a callout; the generator is a
 * splitmix64 stream, so a seed gives the same decisions for the same
 * sequence of frames.  softnet_lock protects everything here.
 */
#include <net/if_fault.h>
#include <rump/rumpuser.h>
#include <sys/callout.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>
#include <sys/systm.h>
#include <sys/time.h>

#define IFF_PARAM "RUMP_NETIF_FAULT"
#define IFF_REORDER_NS 1000000ull /* a reordered frame waits at most 1 ms */
#define IFF_DELAY_MAX_US 1000000ull

struct if_fault_conf {
	bool on;
	char ifname[IFNAMSIZ];	     /* a prefix of the names; "" for all */
	uint32_t drop, dup, reorder; /* probabilities in 2^-32 units */
	uint64_t delay_us;	     /* the most a frame is delayed */
	uint64_t seed;
};

struct if_fault_held {
	struct if_fault_held *next;
	struct ifnet *ifp;
	struct mbuf *m;
	if_fault_send_fn send;
	uint64_t due;
	bool reorder; /* also released by the next frame sent on ifp */
};

static KMEM_TYPE_DEFINE(M_IFFAULT, "if_fault");
struct if_fault_stats if_fault_stats;

static struct if_fault_conf iff_conf;
static bool iff_read, iff_callout_ready;
static uint64_t iff_rng;
static struct if_fault_held *iff_held; /* sorted by due */
static struct callout iff_callout;

/* A probability "0", "1", "0.25", ".5" (at most 9 decimals) to 2^-32. */
static int iff_prob(const char *s, size_t n, uint32_t *p)
{
	uint64_t whole = 0, frac = 0, scale = 1, v;
	size_t i = 0;
	int fd = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		whole = whole * 10 + (uint64_t)(s[i] - '0');
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, fd++) {
			if (fd == 9)
				return EINVAL;
			frac = frac * 10 + (uint64_t)(s[i] - '0');
			scale *= 10;
		}
	if (i != n || n == 0 || (n == 1 && s[0] == '.') || whole > 1 ||
	    (whole == 1 && frac != 0))
		return EINVAL;
	v = whole == 1 ? (1ull << 32) : (frac << 32) / scale;
	*p = v >= (1ull << 32) ? UINT32_MAX : (uint32_t)v;
	return 0;
}

static int iff_number(const char *s, size_t n, uint64_t *v)
{
	char buf[24];

	if (n == 0 || n >= sizeof(buf))
		return EINVAL;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return kstrtou64(buf, v);
}

/* "[ifname:]key=value,...": 0 with *c filled, or EINVAL. */
static int iff_parse(const char *spec, struct if_fault_conf *c)
{
	const char *s = spec, *colon = strchr(spec, ':');

	memset(c, 0, sizeof(*c));
	c->seed = 1;
	if (*s == '\0')
		return 0;
	if (colon != NULL) {
		size_t n = (size_t)(colon - s);
		if (n == 0 || n >= IFNAMSIZ)
			return EINVAL;
		memcpy(c->ifname, s, n);
		s = colon + 1;
	}
	for (;;) {
		const char *end = strchr(s, ','), *eq = strchr(s, '=');
		size_t klen, vlen;
		int error;

		if (end == NULL)
			end = s + strlen(s);
		if (eq == NULL || eq > end)
			return EINVAL;
		klen = (size_t)(eq - s);
		vlen = (size_t)(end - eq - 1);
		if (klen == 4 && memcmp(s, "drop", 4) == 0)
			error = iff_prob(eq + 1, vlen, &c->drop);
		else if (klen == 3 && memcmp(s, "dup", 3) == 0)
			error = iff_prob(eq + 1, vlen, &c->dup);
		else if (klen == 7 && memcmp(s, "reorder", 7) == 0)
			error = iff_prob(eq + 1, vlen, &c->reorder);
		else if (klen == 5 && memcmp(s, "delay", 5) == 0) {
			error = iff_number(eq + 1, vlen, &c->delay_us);
			if (error == 0 && c->delay_us > IFF_DELAY_MAX_US)
				error = EINVAL;
		} else if (klen == 4 && memcmp(s, "seed", 4) == 0)
			error = iff_number(eq + 1, vlen, &c->seed);
		else
			error = EINVAL;
		if (error != 0)
			return EINVAL;
		if (*end == '\0')
			break;
		s = end + 1;
	}
	c->on = c->drop != 0 || c->dup != 0 || c->reorder != 0 ||
		c->delay_us != 0;
	return 0;
}

/* The setting, read at the first frame; a malformed one panics. */
static void iff_read_param(void)
{
	char buf[128];
	int error;

	iff_read = true;
	error = rumpuser_getparam(IFF_PARAM, buf, sizeof(buf));
	if (error == ENOENT)
		return;
	if (error != 0 || iff_parse(buf, &iff_conf) != 0)
		panic("malformed " IFF_PARAM "=\"%s\": want [ifname:]key=value,"
		      "... with drop, dup, reorder (0..1), delay (us, at most "
		      "1000000), seed; e.g. virt0:drop=0.01,delay=1000 "
		      "(docs/faultinj.md)",
		      error == 0 ? buf : "(too long)");
	iff_rng = iff_conf.seed;
}

int if_fault_set(const char *spec)
{
	struct if_fault_conf c;

	KASSERT(mutex_owned(&softnet_lock));
	if (iff_parse(spec, &c) != 0)
		return EINVAL;
	iff_read = true;
	iff_conf = c;
	iff_rng = c.seed;
	return 0;
}

/* splitmix64: the next 32 random bits. */
static uint32_t iff_random(void)
{
	uint64_t z = (iff_rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static bool iff_happens(uint32_t p)
{
	return p != 0 && (p == UINT32_MAX || iff_random() < p);
}

static void iff_callout_fn(void *arg);

/* Reschedules the callout for the earliest kept frame. */
static void iff_arm(void)
{
	if (iff_held != NULL)
		(void)callout_schedule_at_ns(&iff_callout, iff_held->due);
}

/* Keeps m until due (false: no memory, the caller sends it now). */
static bool iff_hold(struct ifnet *ifp, struct mbuf *m, if_fault_send_fn send,
		     uint64_t due, bool reorder)
{
	struct if_fault_held *h = kmem_alloc(sizeof(*h), &M_IFFAULT), **pp;

	if (h == NULL)
		return false;
	if (!iff_callout_ready) {
		callout_init(&iff_callout);
		callout_setfunc(&iff_callout, iff_callout_fn, NULL);
		iff_callout_ready = true;
	}
	h->ifp = ifp;
	h->m = m;
	h->send = send;
	h->due = due;
	h->reorder = reorder;
	for (pp = &iff_held; *pp != NULL && (*pp)->due <= due;
	     pp = &(*pp)->next)
		continue;
	h->next = *pp;
	*pp = h;
	iff_arm();
	return true;
}

/* Sends the frames of ifp held for reordering (after a newer one went). */
static void iff_release_reordered(struct ifnet *ifp)
{
	struct if_fault_held **pp = &iff_held, *h;

	while ((h = *pp) != NULL) {
		if (h->ifp == ifp && h->reorder) {
			*pp = h->next;
			(void)h->send(h->ifp, h->m);
			kmem_free(h, sizeof(*h), &M_IFFAULT);
		} else
			pp = &h->next;
	}
}

static void iff_callout_fn(void *arg)
{
	struct if_fault_held *h;
	uint64_t now;

	mutex_enter(&softnet_lock);
	now = getnsmono();
	while ((h = iff_held) != NULL && h->due <= now) {
		iff_held = h->next;
		(void)h->send(h->ifp, h->m);
		kmem_free(h, sizeof(*h), &M_IFFAULT);
	}
	iff_arm();
	mutex_exit(&softnet_lock);
}

/* One frame (an original or a duplicate) past reordering and delay. */
static int iff_one(struct ifnet *ifp, struct mbuf *m, if_fault_send_fn send)
{
	uint64_t now = getnsmono();
	int error;

	if (iff_happens(iff_conf.reorder) &&
	    iff_hold(ifp, m, send,
		     now + MAX(IFF_REORDER_NS, iff_conf.delay_us * 1000),
		     true)) {
		if_fault_stats.iff_reordered++;
		return 0;
	}
	if (iff_conf.delay_us != 0) {
		uint64_t d = (uint64_t)iff_random() % (iff_conf.delay_us + 1);
		uint64_t due = now + d * 1000;
		/* Delay keeps the order: not before a delayed earlier frame. */
		for (struct if_fault_held *h = iff_held; h != NULL; h = h->next)
			if (h->ifp == ifp && !h->reorder && h->due > due)
				due = h->due;
		if (due > now && iff_hold(ifp, m, send, due, false)) {
			if_fault_stats.iff_delayed++;
			return 0;
		}
	}
	error = send(ifp, m);
	iff_release_reordered(ifp);
	return error;
}

int if_fault_output(struct ifnet *ifp, struct mbuf *m, if_fault_send_fn send)
{
	struct mbuf *dup = NULL;
	int error;

	KASSERT(mutex_owned(&softnet_lock));
	if (rumpuser_fault_check(RUMPUSER_FAULT_SEND)) {
		if_fault_stats.iff_sendfail++;
		if_statinc(ifp, ifs_oerrors);
		m_freem(m);
		return ENOBUFS;
	}
	if (!iff_read)
		iff_read_param();
	if (!iff_conf.on || (iff_conf.ifname[0] != '\0' &&
			     strncmp(ifp->if_xname, iff_conf.ifname,
				     strlen(iff_conf.ifname)) != 0))
		return send(ifp, m);
	if (iff_happens(iff_conf.drop)) {
		if_fault_stats.iff_dropped++;
		m_freem(m);
		return 0;
	}
	if (iff_happens(iff_conf.dup) &&
	    (dup = m_dup(m, 0, M_COPYALL, M_NOWAIT)) != NULL)
		if_fault_stats.iff_duplicated++;
	error = iff_one(ifp, m, send);
	if (dup != NULL)
		(void)iff_one(ifp, dup, send);
	return error;
}

void if_fault_purge(struct ifnet *ifp)
{
	struct if_fault_held **pp = &iff_held, *h;

	KASSERT(mutex_owned(&softnet_lock));
	while ((h = *pp) != NULL) {
		if (h->ifp == ifp) {
			*pp = h->next;
			m_freem(h->m);
			kmem_free(h, sizeof(*h), &M_IFFAULT);
		} else
			pp = &h->next;
	}
}

void if_fault_fini(void)
{
	KASSERT(!mutex_owned(&softnet_lock));
	if (!iff_callout_ready)
		return;
	callout_halt(&iff_callout);
	mutex_enter(&softnet_lock);
	KASSERT(iff_held == NULL); /* if_detach purged every interface */
	iff_callout_ready = false;
	mutex_exit(&softnet_lock);
	callout_destroy(&iff_callout);
}
