/*
 * memfs_radix.c -- a radix tree of 64-way nodes from 64-bit indexes to
 * pointers: the page table of regular files (page number to page) and
 * the cookie index of directories (cookie to entry).  Empty subtrees take
 * no memory and are skipped by searches, so sparse indexes stay cheap;
 * the tree grows in height as larger indexes arrive and frees nodes that
 * become empty.  The caller serializes access (the vnode lock): lookups
 * and searches may run together, changes run alone.
 */
#include "memfs_int.h"

#define RADIX_SHIFT 6
#define RADIX_FANOUT (1 << RADIX_SHIFT)
#define RADIX_MASK (RADIX_FANOUT - 1)
#define RADIX_MAXHEIGHT 11 /* 66 bits >= 64 */

struct memfs_radix_node {
	void *rn_slot[RADIX_FANOUT]; /* children; items at the lowest level */
};

static bool radix_fits(const struct memfs_radix *rx, uint64_t idx)
{
	if (rx->rx_height == 0)
		return false;
	if (rx->rx_height * RADIX_SHIFT >= 64)
		return true;
	return (idx >> (RADIX_SHIFT * rx->rx_height)) == 0;
}

static unsigned radix_slot(uint64_t idx, int level)
{
	return (unsigned)(idx >> (RADIX_SHIFT * level)) & RADIX_MASK;
}

/* Indexes covered by one slot of a node at level. */
static uint64_t radix_span(int level)
{
	return (uint64_t)1 << (RADIX_SHIFT * level);
}

void *memfs_radix_lookup(const struct memfs_radix *rx, uint64_t idx)
{
	void *p;

	if (!radix_fits(rx, idx))
		return NULL;
	p = rx->rx_root;
	for (int level = rx->rx_height - 1; p != NULL && level >= 0; level--)
		p = ((struct memfs_radix_node *)p)
			    ->rn_slot[radix_slot(idx, level)];
	return p;
}

static bool node_empty(const struct memfs_radix_node *rn)
{
	for (int i = 0; i < RADIX_FANOUT; i++)
		if (rn->rn_slot[i] != NULL)
			return false;
	return true;
}

void *memfs_radix_remove(struct memfs_radix *rx, uint64_t idx)
{
	void **path[RADIX_MAXHEIGHT], **slotp = &rx->rx_root, *item = NULL;
	int depth = 0;

	if (!radix_fits(rx, idx))
		return NULL;
	for (int level = rx->rx_height - 1; level >= 0 && *slotp != NULL;
	     level--) {
		path[depth++] = slotp;
		slotp = &((struct memfs_radix_node *)*slotp)
				 ->rn_slot[radix_slot(idx, level)];
	}
	if (depth == rx->rx_height) {
		item = *slotp;
		*slotp = NULL;
	}
	while (depth > 0 && node_empty(*path[depth - 1])) {
		depth--;
		kmem_free(*path[depth], sizeof(struct memfs_radix_node),
			  &M_MEMFS_RADIX);
		*path[depth] = NULL;
	}
	if (rx->rx_root == NULL)
		rx->rx_height = 0;
	return item;
}

/*
 * Make the nodes down to idx's slot exist, so that an insertion there
 * cannot fail; 0 or ENOMEM (with nothing changed but, possibly, height).
 */
int memfs_radix_reserve(struct memfs_radix *rx, uint64_t idx)
{
	struct memfs_radix_node *rn;
	void **slotp;

	if (rx->rx_root == NULL) {
		rx->rx_height = 1;
		while (!radix_fits(rx, idx))
			rx->rx_height++;
	}
	while (!radix_fits(rx, idx)) {
		rn = kmem_zalloc(sizeof(*rn), &M_MEMFS_RADIX);
		if (rn == NULL)
			return ENOMEM;
		rn->rn_slot[0] = rx->rx_root;
		rx->rx_root = rn;
		rx->rx_height++;
	}
	slotp = &rx->rx_root;
	for (int level = rx->rx_height - 1; level >= 0; level--) {
		if (*slotp == NULL) {
			*slotp = kmem_zalloc(sizeof(*rn), &M_MEMFS_RADIX);
			if (*slotp == NULL) {
				memfs_radix_remove(rx, idx);
				return ENOMEM;
			}
		}
		if (level > 0)
			slotp = &((struct memfs_radix_node *)*slotp)
					 ->rn_slot[radix_slot(idx, level)];
	}
	return 0;
}

/* Put item at idx, which holds nothing; 0 or ENOMEM, nothing changed. */
int memfs_radix_insert(struct memfs_radix *rx, uint64_t idx, void *item)
{
	struct memfs_radix_node *rn;
	int error;

	if ((error = memfs_radix_reserve(rx, idx)) != 0)
		return error;
	rn = rx->rx_root;
	for (int level = rx->rx_height - 1; level > 0; level--)
		rn = rn->rn_slot[radix_slot(idx, level)];
	KASSERT(rn->rn_slot[radix_slot(idx, 0)] == NULL);
	rn->rn_slot[radix_slot(idx, 0)] = item;
	return 0;
}

/* The first index >= from that holds an item (want) or none. */
static uint64_t radix_find(const struct memfs_radix_node *rn, int level,
			   uint64_t base, uint64_t from, bool want)
{
	uint64_t span = radix_span(level), r;

	for (unsigned i = from > base ? (unsigned)((from - base) / span) : 0;
	     i < RADIX_FANOUT; i++) {
		const void *c = rn->rn_slot[i];
		uint64_t cbase = base + (uint64_t)i * span;

		if (c == NULL) {
			if (!want)
				return MAX(from, cbase);
			continue;
		}
		if (level == 0) {
			if (want)
				return cbase;
			continue;
		}
		r = radix_find(c, level - 1, cbase, MAX(from, cbase), want);
		if (r != MEMFS_RADIX_NONE)
			return r;
	}
	return MEMFS_RADIX_NONE;
}

/*
 * The first index >= from holding an item (present) or not holding one;
 * MEMFS_RADIX_NONE if there is none.
 */
uint64_t memfs_radix_next(const struct memfs_radix *rx, uint64_t from,
			  bool present)
{
	uint64_t r;

	if (!radix_fits(rx, from))
		return present ? MEMFS_RADIX_NONE : from;
	r = radix_find(rx->rx_root, rx->rx_height - 1, 0, from, present);
	/* Full up to the top: the first empty index is past it. */
	if (r == MEMFS_RADIX_NONE && !present &&
	    rx->rx_height * RADIX_SHIFT < 64)
		r = radix_span(rx->rx_height);
	return r;
}

static void radix_freetree(struct memfs_radix_node *rn, int level,
			   void (*fn)(void *, void *), void *arg)
{
	for (int i = 0; i < RADIX_FANOUT; i++) {
		if (rn->rn_slot[i] == NULL)
			continue;
		if (level == 0)
			fn(rn->rn_slot[i], arg);
		else
			radix_freetree(rn->rn_slot[i], level - 1, fn, arg);
	}
	kmem_free(rn, sizeof(*rn), &M_MEMFS_RADIX);
}

/* True if rn (level, first index base) was left empty and freed. */
static bool radix_trunc(struct memfs_radix_node *rn, int level, uint64_t base,
			uint64_t from, void (*fn)(void *, void *), void *arg)
{
	uint64_t span = radix_span(level);
	bool empty = true;

	for (int i = 0; i < RADIX_FANOUT; i++) {
		void *c = rn->rn_slot[i];
		uint64_t cbase = base + (uint64_t)i * span;

		if (c == NULL)
			continue;
		if (cbase >= from) {
			if (level == 0)
				fn(c, arg);
			else
				radix_freetree(c, level - 1, fn, arg);
			rn->rn_slot[i] = NULL;
		} else if (level > 0 && cbase + span - 1 >= from &&
			   radix_trunc(c, level - 1, cbase, from, fn, arg)) {
			rn->rn_slot[i] = NULL;
		} else {
			empty = false;
		}
	}
	if (empty)
		kmem_free(rn, sizeof(*rn), &M_MEMFS_RADIX);
	return empty;
}

/*
 * Remove every item at index from or above, handing each to fn(item,
 * arg), and free the nodes (and the height) no longer needed.
 */
void memfs_radix_truncate(struct memfs_radix *rx, uint64_t from,
			  void (*fn)(void *item, void *arg), void *arg)
{
	struct memfs_radix_node *rn;

	if (!radix_fits(rx, from))
		return;
	if (radix_trunc(rx->rx_root, rx->rx_height - 1, 0, from, fn, arg)) {
		rx->rx_root = NULL;
		rx->rx_height = 0;
		return;
	}
	while (rx->rx_height > 1) {
		rn = rx->rx_root;
		for (int i = 1; i < RADIX_FANOUT; i++)
			if (rn->rn_slot[i] != NULL)
				return;
		rx->rx_root = rn->rn_slot[0];
		rx->rx_height--;
		kmem_free(rn, sizeof(*rn), &M_MEMFS_RADIX);
	}
}
