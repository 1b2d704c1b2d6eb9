/*
 * faultinj.c -- fault injection, shared by every host.
 * rumpuser_fault_check(kind) says whether this operation of that kind should
 * fail, following the RUMP_FAULT_<KIND> setting (docs/faultinj.md).  The
 * settings are read once, through rumpuser_getparam(), at the first check; a
 * malformed one aborts the process, so that a typo cannot make a fault test
 * pass vacuously.  Calls are counted atomically and numbered from 1; whether
 * call k fails depends only on the setting and k.  Needs no host headers.
 */
#include <stdint.h>

#include <rump/rumpdefs.h>
#include <rump/rumpuser.h>

enum fault_mode { FAULT_NEVER, FAULT_NTH, FAULT_FROM, FAULT_RANDOM };

struct fault {
	enum fault_mode mode;
	uint64_t n;	    /* NTH, FROM: the first call that fails */
	uint64_t threshold; /* RANDOM: P in units of 2^-32 */
	uint64_t seed;	    /* RANDOM */
	uint64_t calls;	    /* atomic */
};

static const char *const fault_names[RUMPUSER_FAULT_NKINDS] = {
	[RUMPUSER_FAULT_MALLOC] = "RUMP_FAULT_MALLOC",
	[RUMPUSER_FAULT_BIO] = "RUMP_FAULT_BIO",
	[RUMPUSER_FAULT_SEND] = "RUMP_FAULT_SEND",
};

static struct fault faults[RUMPUSER_FAULT_NKINDS];
static int fault_state; /* atomic: 0 unread, 1 being read, 2 ready */

/* Decimal digits at *sp into *vp; how many, or 0 for none or overflow. */
static int fault_number(const char **sp, uint64_t *vp)
{
	const char *s = *sp;
	uint64_t v = 0;
	int digits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (v > (UINT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*sp = s;
	*vp = v;
	return digits;
}

/* A probability from 0 to 1 with at most 9 decimals: "0.01", ".5", "1". */
static int fault_probability(const char **sp, uint64_t *thresholdp)
{
	uint64_t whole = 0, frac = 0, scale = 1;
	int wdigits, fdigits = 0, i;

	wdigits = fault_number(sp, &whole);
	if (**sp == '.') {
		(*sp)++;
		fdigits = fault_number(sp, &frac);
		if (fdigits == 0 || fdigits > 9)
			return 0;
	}
	for (i = 0; i < fdigits; i++)
		scale *= 10;
	if (wdigits + fdigits == 0 || whole > 1 || (whole == 1 && frac != 0))
		return 0;
	*thresholdp = ((whole * scale + frac) << 32) / scale;
	return 1;
}

/* N, N+ or rP[@S]; "" means never.  Returns 0 when malformed. */
static int fault_parse(const char *s, struct fault *f)
{
	if (*s == '\0') {
		f->mode = FAULT_NEVER;
		return 1;
	}
	if (*s == 'r') {
		s++;
		if (!fault_probability(&s, &f->threshold))
			return 0;
		f->seed = 1;
		if (*s == '@' && (s++, !fault_number(&s, &f->seed)))
			return 0;
		f->mode = FAULT_RANDOM;
		return *s == '\0';
	}
	if (!fault_number(&s, &f->n) || f->n == 0)
		return 0;
	f->mode = FAULT_NTH;
	if (*s == '+') {
		s++;
		f->mode = FAULT_FROM;
	}
	return *s == '\0';
}

static void fault_read(void)
{
	char buf[64];
	int kind, rv;

	for (kind = 0; kind < RUMPUSER_FAULT_NKINDS; kind++) {
		rv = rumpuser_getparam(fault_names[kind], buf, sizeof(buf));
		if (rv == RUMP_ENOENT ||
		    (rv == 0 && fault_parse(buf, &faults[kind])))
			continue;
		rumpuser_putstr("rumpuser: malformed ");
		rumpuser_putstr(fault_names[kind]);
		rumpuser_putstr(rv == 0 ? "=\"" : " (too long)");
		if (rv == 0) {
			rumpuser_putstr(buf);
			rumpuser_putstr("\"");
		}
		rumpuser_putstr(": want N, N+ or rP@S, "
				"e.g. 3, 3+ or r0.01@42 (docs/faultinj.md)\n");
		rumpuser_exit(RUMPUSER_PANIC);
	}
}

static void fault_init(void)
{
	int unread = 0;

	if (__atomic_load_n(&fault_state, __ATOMIC_ACQUIRE) == 2)
		return;
	if (__atomic_compare_exchange_n(&fault_state, &unread, 1, 0,
					__ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		fault_read();
		__atomic_store_n(&fault_state, 2, __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&fault_state, __ATOMIC_ACQUIRE) != 2)
		continue; /* another thread is reading them: microseconds */
}

/* splitmix64: the k-th output of the stream seeded with seed. */
static uint64_t fault_random(uint64_t seed, uint64_t k)
{
	uint64_t x = seed + k * UINT64_C(0x9e3779b97f4a7c15);

	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

int rumpuser_fault_check(int kind)
{
	struct fault *f;
	uint64_t call;

	if (kind < 0 || kind >= RUMPUSER_FAULT_NKINDS)
		return 0;
	fault_init();
	f = &faults[kind];
	if (f->mode == FAULT_NEVER)
		return 0;
	call = __atomic_add_fetch(&f->calls, 1, __ATOMIC_RELAXED);
	switch (f->mode) {
	case FAULT_NTH:
		return call == f->n;
	case FAULT_FROM:
		return call >= f->n;
	default:
		return (fault_random(f->seed, call) >> 32) < f->threshold;
	}
}
