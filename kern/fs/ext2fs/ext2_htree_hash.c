/*
 * ext2_htree_hash.c -- the name hashes of indexed ext2/3/4 directories:
 * the legacy hash, half-MD4 and TEA, each in the signed-char and the
 * unsigned-char flavour (the superblock says which one the file system
 * was made with), seeded from the superblock's s_hash_seed.  The values
 * must agree bit for bit with what mke2fs, e2fsck and Linux compute (the
 * tests compare with debugfs's dx_hash).  Pure functions, no state.
 */
#include <sys/systm.h>

#include "ext2_dir.h"

#define HASH_TEA_DELTA 0x9e3779b9u
#define HASH_MD4_K2 013240474631u
#define HASH_MD4_K3 015666365641u
/* The largest hash is reserved as the end-of-directory cookie. */
#define HASH_EOF32 0x7fffffffu

static uint32_t hash_rol(uint32_t x, int s)
{
	return (x << s) | (x >> (32 - s));
}

/* The legacy hash ("dx_hack_hash"): a cheap recurrence over chars. */
static uint32_t hash_legacy(const char *name, size_t len, bool uns)
{
	uint32_t h, h0 = 0x12a3fe2d, h1 = 0x37abe8f9;

	for (size_t i = 0; i < len; i++) {
		int32_t c = uns ? (int32_t)(unsigned char)name[i]
				: (int32_t)(signed char)name[i];
		h = h1 + (h0 ^ (uint32_t)(c * 7152373));
		if (h & 0x80000000u)
			h -= 0x7fffffff;
		h1 = h0;
		h0 = h;
	}
	return h0 << 1;
}

/*
 * Pack up to 4 * nwords bytes of the name into words, most significant
 * byte first, padding with a pattern made of the (remaining) length.
 */
static void hash_pack(const char *name, size_t len, uint32_t *out, int nwords,
		      bool uns)
{
	uint32_t pad, val;
	int n = nwords;

	pad = (uint32_t)len | ((uint32_t)len << 8);
	pad |= pad << 16;
	val = pad;
	if (len > (size_t)nwords * 4)
		len = (size_t)nwords * 4;
	for (size_t i = 0; i < len; i++) {
		int32_t c = uns ? (int32_t)(unsigned char)name[i]
				: (int32_t)(signed char)name[i];
		val = (uint32_t)c + (val << 8);
		if (i % 4 == 3) {
			*out++ = val;
			val = pad;
			n--;
		}
	}
	if (--n >= 0)
		*out++ = val;
	while (--n >= 0)
		*out++ = pad;
}

static void hash_tea_round(uint32_t buf[4], const uint32_t in[4])
{
	uint32_t sum = 0, b0 = buf[0], b1 = buf[1];

	for (int n = 0; n < 16; n++) {
		sum += HASH_TEA_DELTA;
		b0 += ((b1 << 4) + in[0]) ^ (b1 + sum) ^ ((b1 >> 5) + in[1]);
		b1 += ((b0 << 4) + in[2]) ^ (b0 + sum) ^ ((b0 >> 5) + in[3]);
	}
	buf[0] += b0;
	buf[1] += b1;
}

#define MD4_F(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define MD4_G(x, y, z) (((x) & (y)) + (((x) ^ (y)) & (z)))
#define MD4_H(x, y, z) ((x) ^ (y) ^ (z))
#define MD4_STEP(f, a, b, c, d, x, s) (a = hash_rol(a + f(b, c, d) + (x), s))

/* MD4 cut down to three rounds of eight steps over 8 input words. */
static void hash_md4_round(uint32_t buf[4], const uint32_t in[8])
{
	uint32_t a = buf[0], b = buf[1], c = buf[2], d = buf[3];

	MD4_STEP(MD4_F, a, b, c, d, in[0], 3);
	MD4_STEP(MD4_F, d, a, b, c, in[1], 7);
	MD4_STEP(MD4_F, c, d, a, b, in[2], 11);
	MD4_STEP(MD4_F, b, c, d, a, in[3], 19);
	MD4_STEP(MD4_F, a, b, c, d, in[4], 3);
	MD4_STEP(MD4_F, d, a, b, c, in[5], 7);
	MD4_STEP(MD4_F, c, d, a, b, in[6], 11);
	MD4_STEP(MD4_F, b, c, d, a, in[7], 19);

	MD4_STEP(MD4_G, a, b, c, d, in[1] + HASH_MD4_K2, 3);
	MD4_STEP(MD4_G, d, a, b, c, in[3] + HASH_MD4_K2, 5);
	MD4_STEP(MD4_G, c, d, a, b, in[5] + HASH_MD4_K2, 9);
	MD4_STEP(MD4_G, b, c, d, a, in[7] + HASH_MD4_K2, 13);
	MD4_STEP(MD4_G, a, b, c, d, in[0] + HASH_MD4_K2, 3);
	MD4_STEP(MD4_G, d, a, b, c, in[2] + HASH_MD4_K2, 5);
	MD4_STEP(MD4_G, c, d, a, b, in[4] + HASH_MD4_K2, 9);
	MD4_STEP(MD4_G, b, c, d, a, in[6] + HASH_MD4_K2, 13);

	MD4_STEP(MD4_H, a, b, c, d, in[3] + HASH_MD4_K3, 3);
	MD4_STEP(MD4_H, d, a, b, c, in[7] + HASH_MD4_K3, 9);
	MD4_STEP(MD4_H, c, d, a, b, in[2] + HASH_MD4_K3, 11);
	MD4_STEP(MD4_H, b, c, d, a, in[6] + HASH_MD4_K3, 15);
	MD4_STEP(MD4_H, a, b, c, d, in[1] + HASH_MD4_K3, 3);
	MD4_STEP(MD4_H, d, a, b, c, in[5] + HASH_MD4_K3, 9);
	MD4_STEP(MD4_H, c, d, a, b, in[0] + HASH_MD4_K3, 11);
	MD4_STEP(MD4_H, b, c, d, a, in[4] + HASH_MD4_K3, 15);

	buf[0] += a;
	buf[1] += b;
	buf[2] += c;
	buf[3] += d;
}

int ext2_dir_hash(const char *name, size_t len, int version,
		  const uint32_t seed[4], struct ext2_dir_hash *hp)
{
	uint32_t buf[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
	uint32_t in[8], major, minor = 0;
	bool uns = false;

	if (seed != NULL && (seed[0] | seed[1] | seed[2] | seed[3]) != 0)
		memcpy(buf, seed, sizeof(buf));
	switch (version) {
	case EXT2_HASH_LEGACY_UNSIGNED:
		uns = true;
		/* FALLTHROUGH */
	case EXT2_HASH_LEGACY:
		major = hash_legacy(name, len, uns);
		break;
	case EXT2_HASH_HALF_MD4_UNSIGNED:
		uns = true;
		/* FALLTHROUGH */
	case EXT2_HASH_HALF_MD4:
		for (size_t done = 0; done < len; done += 32) {
			hash_pack(name + done, len - done, in, 8, uns);
			hash_md4_round(buf, in);
		}
		major = buf[1];
		minor = buf[2];
		break;
	case EXT2_HASH_TEA_UNSIGNED:
		uns = true;
		/* FALLTHROUGH */
	case EXT2_HASH_TEA:
		for (size_t done = 0; done < len; done += 16) {
			hash_pack(name + done, len - done, in, 4, uns);
			hash_tea_round(buf, in);
		}
		major = buf[0];
		minor = buf[1];
		break;
	default:
		return EINVAL;
	}
	major &= ~1u;
	if (major == HASH_EOF32 << 1)
		major = (HASH_EOF32 - 1) << 1;
	hp->h_major = major;
	hp->h_minor = minor;
	return 0;
}
