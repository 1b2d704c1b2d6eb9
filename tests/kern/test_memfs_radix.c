/*
 * test_memfs_radix.c -- the radix tree under tmpfs's page tables and
 * directory cookie indexes (kern/vfs/memfs/memfs_radix.c), checked
 * against a plain array: random insertions, removals, truncations,
 * lookups and next-present / next-absent searches over small, sparse and
 * near-2^64 indexes, then a full truncation that must leave the tree
 * empty (the leak check catches any node left over).
 */
#include "testkern.h"
#include "../../kern/vfs/memfs/memfs_int.h"


#define REF_MAX 256

struct radix_ref {
	uint64_t idx[REF_MAX];
	int n;
};

static int ref_find(const struct radix_ref *r, uint64_t idx)
{
	for (int k = 0; k < r->n; k++)
		if (r->idx[k] == idx)
			return k;
	return -1;
}

static uint64_t ref_next(const struct radix_ref *r, uint64_t from, bool present)
{
	uint64_t best = MEMFS_RADIX_NONE;

	if (!present) {
		while (ref_find(r, from) >= 0)
			from++;
		return from;
	}
	for (int k = 0; k < r->n; k++)
		if (r->idx[k] >= from && r->idx[k] < best)
			best = r->idx[k];
	return best;
}

static void *item_of(uint64_t idx)
{
	return (void *)(uintptr_t)(idx | 1);
}

static void count_item(void *item, void *arg)
{
	(*(int *)arg)++;
}

/* Mostly small indexes, some sparse, some at the very top. */
static uint64_t random_index(uint32_t *state)
{
	uint64_t hi, lo;

	switch (trand(state) % 4) {
	case 0:
		return trand(state) % 200;
	case 1:
		return trand(state) % 5000;
	case 2:
		hi = trand(state);
		lo = trand(state);
		return (hi << 32 | lo) >> (trand(state) % 64);
	default:
		return UINT64_MAX - 1 - trand(state) % 100;
	}
}

int rump_test_memfs_radix(int iters, uint32_t seed)
{
	struct memfs_radix rx = {NULL, 0};
	struct radix_ref *ref;
	int start = test_failures, n;
	uint32_t state = seed;

	rump_schedule();
	ref = kmem_zalloc(sizeof(*ref), &M_TEMP);
	if (ref == NULL) {
		rump_unschedule();
		return ENOMEM;
	}
	for (int it = 0; it < iters && test_failures == start; it++) {
		uint64_t idx = random_index(&state);
		unsigned op = trand(&state) % 16;
		int k;
		void *p;

		if (op < 7) {
			if (ref->n < REF_MAX && ref_find(ref, idx) < 0 &&
			    TCHECK(memfs_radix_insert(&rx, idx, item_of(idx)) ==
				   0))
				ref->idx[ref->n++] = idx;
		} else if (op < 11) {
			if (ref->n > 0 && trand(&state) % 2)
				idx = ref->idx[trand(&state) % ref->n];
			p = memfs_radix_remove(&rx, idx);
			k = ref_find(ref, idx);
			TCHECK((p != NULL) == (k >= 0));
			if (k >= 0) {
				TCHECK(p == item_of(idx));
				ref->idx[k] = ref->idx[--ref->n];
			}
		} else if (op < 12) {
			int want = 0;

			for (k = 0; k < ref->n; k++)
				want += ref->idx[k] >= idx;
			n = 0;
			memfs_radix_truncate(&rx, idx, count_item, &n);
			TCHECK(n == want);
			for (k = 0; k < ref->n;)
				if (ref->idx[k] >= idx)
					ref->idx[k] = ref->idx[--ref->n];
				else
					k++;
		} else if (op < 14) {
			TCHECK(memfs_radix_next(&rx, idx, true) ==
			       ref_next(ref, idx, true));
			if (idx < UINT64_MAX - REF_MAX)
				TCHECK(memfs_radix_next(&rx, idx, false) ==
				       ref_next(ref, idx, false));
		} else {
			p = memfs_radix_lookup(&rx, idx);
			k = ref_find(ref, idx);
			TCHECK(k >= 0 ? p == item_of(idx) : p == NULL);
		}
	}
	/* A full tree of 64 has its first hole just past it. */
	n = 0;
	memfs_radix_truncate(&rx, 0, count_item, &n);
	TCHECK(n == ref->n);
	TCHECK(rx.rx_root == NULL && rx.rx_height == 0);
	for (uint64_t i = 0; i < 64; i++)
		TCHECK(memfs_radix_insert(&rx, i, item_of(i)) == 0);
	TCHECK(memfs_radix_next(&rx, 0, false) == 64);
	TCHECK(memfs_radix_next(&rx, 5, true) == 5);
	TCHECK(memfs_radix_next(&rx, 64, true) == MEMFS_RADIX_NONE);
	n = 0;
	memfs_radix_truncate(&rx, 0, count_item, &n);
	TCHECK(n == 64 && rx.rx_root == NULL);
	kmem_free(ref, sizeof(*ref), &M_TEMP);
	rump_unschedule();
	return TRESULT(start);
}
