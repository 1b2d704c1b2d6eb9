/*
 * cprng.c -- kernel random numbers.  Each virtual CPU has a ChaCha20
 * generator keyed with 32 bytes from the host's randomness.  Output comes
 * in batches of four blocks; the first 32 bytes of each batch rekey the
 * generator (fast key erasure), so earlier output cannot be recomputed
 * from the state.  Callers hold a CPU, so the state needs no lock.
 */
#include <rump/rumpuser.h>
#include <sys/cprng.h>
#include <sys/kmem.h>
#include <sys/proc.h>
#include <sys/systm.h>

#define BATCH_BLOCKS 4
#define BATCH_BYTES (64 * BATCH_BLOCKS)

struct cprng_state {
	uint32_t key[8];
	uint8_t buf[BATCH_BYTES];
	size_t pos; /* next unused byte of buf */
};

static KMEM_TYPE_DEFINE(M_CPRNG, "cprng");

static inline uint32_t rotl(uint32_t v, int n)
{
	return (v << n) | (v >> (32 - n));
}

#define QUARTER(a, b, c, d)                                                    \
	do {                                                                   \
		a += b, d ^= a, d = rotl(d, 16);                               \
		c += d, b ^= c, b = rotl(b, 12);                               \
		a += b, d ^= a, d = rotl(d, 8);                                \
		c += d, b ^= c, b = rotl(b, 7);                                \
	} while (0)

/* One ChaCha20 block (RFC 8439 layout) with a 64-bit block counter. */
static void chacha20_block(const uint32_t key[8], uint64_t counter,
			   uint8_t out[64])
{
	uint32_t in[16] = {0x61707865,
			   0x3320646e,
			   0x79622d32,
			   0x6b206574,
			   key[0],
			   key[1],
			   key[2],
			   key[3],
			   key[4],
			   key[5],
			   key[6],
			   key[7],
			   (uint32_t)counter,
			   (uint32_t)(counter >> 32),
			   0,
			   0};
	uint32_t x[16];

	memcpy(x, in, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QUARTER(x[0], x[4], x[8], x[12]);
		QUARTER(x[1], x[5], x[9], x[13]);
		QUARTER(x[2], x[6], x[10], x[14]);
		QUARTER(x[3], x[7], x[11], x[15]);
		QUARTER(x[0], x[5], x[10], x[15]);
		QUARTER(x[1], x[6], x[11], x[12]);
		QUARTER(x[2], x[7], x[8], x[13]);
		QUARTER(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++) {
		uint32_t v = x[i] + in[i];
		out[4 * i] = (uint8_t)v;
		out[4 * i + 1] = (uint8_t)(v >> 8);
		out[4 * i + 2] = (uint8_t)(v >> 16);
		out[4 * i + 3] = (uint8_t)(v >> 24);
	}
}

static void cprng_refill(struct cprng_state *st)
{
	for (int i = 0; i < BATCH_BLOCKS; i++)
		chacha20_block(st->key, (uint64_t)i, st->buf + 64 * i);
	memcpy(st->key, st->buf, sizeof(st->key));
	memset(st->buf, 0, sizeof(st->key));
	st->pos = sizeof(st->key);
}

void *cprng_cpu_create(void)
{
	struct cprng_state *st = kmem_zalloc(sizeof(*st), &M_CPRNG);
	uint8_t *k;
	size_t got, n;

	if (st == NULL)
		return NULL;
	k = (uint8_t *)st->key;
	for (got = 0; got < sizeof(st->key); got += n) {
		if (rumpuser_getrandom(k + got, sizeof(st->key) - got,
				       RUMPUSER_RANDOM_HARD, &n) != 0 ||
		    n == 0) {
			kmem_free(st, sizeof(*st), &M_CPRNG);
			return NULL;
		}
	}
	st->pos = BATCH_BYTES;
	return st;
}

void cprng_cpu_destroy(void *state)
{
	memset(state, 0, sizeof(struct cprng_state));
	kmem_free(state, sizeof(struct cprng_state), &M_CPRNG);
}

void cprng_bytes(void *buf, size_t len)
{
	struct cprng_state *st = curcpu()->ci_cprng;
	uint8_t *out = buf;

	while (len > 0) {
		size_t n;
		if (st->pos == BATCH_BYTES)
			cprng_refill(st);
		n = MIN(len, BATCH_BYTES - st->pos);
		memcpy(out, st->buf + st->pos, n);
		memset(st->buf + st->pos, 0, n);
		st->pos += n;
		out += n;
		len -= n;
	}
}

uint32_t cprng_u32(void)
{
	uint32_t v;

	cprng_bytes(&v, sizeof(v));
	return v;
}

uint64_t cprng_u64(void)
{
	uint64_t v;

	cprng_bytes(&v, sizeof(v));
	return v;
}
