/*
 * vfs_cache.c -- the name cache: (directory vnode, name) -> vnode, or
 * "does not exist" (a negative entry).  Entries hold no references; a
 * vnode leaving the cache purges every entry in it or naming it, and a hit
 * takes its reference through vcache_tryget().  Callers keep the cache
 * true: lookups enter what they found with the directory locked, and
 * create, remove and rename fix the entries they change while they hold
 * the directory exclusive.  One mutex guards it all; an LRU bounds it.
 */
#include <sys/mutex.h>

#include "vfs_private.h"

struct ncentry {
	struct list_node nc_hash;
	struct list_node nc_lru;
	struct list_node nc_dirnode;  /* on nc_dvp->v_ncdir */
	struct list_node nc_namenode; /* on nc_vp->v_ncnames, if positive */
	struct vnode *nc_dvp;
	struct vnode *nc_vp; /* NULL: a negative entry */
	uint32_t nc_hashval;
	uint16_t nc_namelen;
	char nc_name[];
};

static KMEM_TYPE_DEFINE(M_NCACHE, "namecache");
static kmutex_t ncache_lock;
static struct list_head *nc_hash;
static size_t nc_hashmask;
static struct list_head nc_lru = LIST_HEAD_INIT(nc_lru);
static uint64_t nc_count, nc_max;

static uint32_t nc_hashname(struct vnode *dvp, const char *name, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	h ^= (uint32_t)((uintptr_t)dvp >> 4) * 0x9e3779b1u;
	return h;
}

static struct ncentry *nc_find(struct vnode *dvp, const char *name, size_t len,
			       uint32_t h)
{
	list_foreach(it, &nc_hash[h & nc_hashmask])
	{
		struct ncentry *nc = list_entry(it, struct ncentry, nc_hash);
		if (nc->nc_hashval == h && nc->nc_dvp == dvp &&
		    nc->nc_namelen == len &&
		    memcmp(nc->nc_name, name, len) == 0)
			return nc;
	}
	return NULL;
}

static void nc_free(struct ncentry *nc)
{
	list_remove(&nc->nc_hash);
	list_remove(&nc->nc_lru);
	list_remove(&nc->nc_dirnode);
	if (nc->nc_vp != NULL)
		list_remove(&nc->nc_namenode);
	nc_count--;
	kmem_free(nc, sizeof(*nc) + nc->nc_namelen, &M_NCACHE);
}

int ncache_lookup(struct vnode *dvp, const char *name, size_t len,
		  struct vnode **vpp)
{
	uint32_t h = nc_hashname(dvp, name, len);
	struct ncentry *nc;
	int result = -1;

	mutex_enter(&ncache_lock);
	nc = nc_find(dvp, name, len, h);
	if (nc != NULL) {
		list_remove(&nc->nc_lru);
		list_push_back(&nc_lru, &nc->nc_lru);
		if (nc->nc_vp == NULL)
			result = ENOENT;
		else if (vcache_tryget(nc->nc_vp)) {
			*vpp = nc->nc_vp;
			result = 0;
		}
	}
	mutex_exit(&ncache_lock);
	return result;
}

void ncache_enter(struct vnode *dvp, const char *name, size_t len,
		  struct vnode *vp)
{
	uint32_t h = nc_hashname(dvp, name, len);
	struct ncentry *nc, *old;

	/* Without memory the old entry must still go: it may say "no". */
	nc = kmem_alloc(sizeof(*nc) + len, &M_NCACHE);
	if (nc == NULL) {
		ncache_remove(dvp, name, len);
		return;
	}
	nc->nc_dvp = dvp;
	nc->nc_vp = vp;
	nc->nc_hashval = h;
	nc->nc_namelen = (uint16_t)len;
	memcpy(nc->nc_name, name, len);
	mutex_enter(&ncache_lock);
	if ((old = nc_find(dvp, name, len, h)) != NULL)
		nc_free(old);
	list_push_back(&nc_hash[h & nc_hashmask], &nc->nc_hash);
	list_push_back(&nc_lru, &nc->nc_lru);
	list_push_back(&dvp->v_ncdir, &nc->nc_dirnode);
	if (vp != NULL)
		list_push_back(&vp->v_ncnames, &nc->nc_namenode);
	nc_count++;
	while (nc_count > nc_max)
		nc_free(list_entry(list_first(&nc_lru), struct ncentry,
				   nc_lru));
	mutex_exit(&ncache_lock);
}

void ncache_remove(struct vnode *dvp, const char *name, size_t len)
{
	uint32_t h = nc_hashname(dvp, name, len);
	struct ncentry *nc;

	mutex_enter(&ncache_lock);
	if ((nc = nc_find(dvp, name, len, h)) != NULL)
		nc_free(nc);
	mutex_exit(&ncache_lock);
}

void ncache_purge(struct vnode *vp)
{
	mutex_enter(&ncache_lock);
	list_foreach_safe(it, &vp->v_ncdir)
		nc_free(list_entry(it, struct ncentry, nc_dirnode));
	list_foreach_safe(it, &vp->v_ncnames)
		nc_free(list_entry(it, struct ncentry, nc_namenode));
	mutex_exit(&ncache_lock);
}

int ncache_revlookup(struct vnode *vp, struct vnode *dvp, char *name,
		     size_t *lenp)
{
	int error = ENOENT;

	mutex_enter(&ncache_lock);
	list_foreach(it, &vp->v_ncnames)
	{
		struct ncentry *nc =
			list_entry(it, struct ncentry, nc_namenode);
		if (nc->nc_dvp == dvp) {
			memcpy(name, nc->nc_name, nc->nc_namelen);
			*lenp = nc->nc_namelen;
			error = 0;
			break;
		}
	}
	mutex_exit(&ncache_lock);
	return error;
}

uint64_t ncache_count(void)
{
	uint64_t n;

	mutex_enter(&ncache_lock);
	n = nc_count;
	mutex_exit(&ncache_lock);
	return n;
}

int ncache_init(void)
{
	size_t nbuckets = 64;

	nc_max = 2 * vcache_limit();
	if (nc_max < 1024)
		nc_max = 1024;
	while (nbuckets < nc_max / 2 && nbuckets < vfs_hash_maxbuckets())
		nbuckets <<= 1;
	nc_hash = kmem_alloc(nbuckets * sizeof(*nc_hash), &M_NCACHE);
	if (nc_hash == NULL)
		return ENOMEM;
	for (size_t i = 0; i < nbuckets; i++)
		list_init(&nc_hash[i]);
	nc_hashmask = nbuckets - 1;
	list_init(&nc_lru);
	nc_count = 0;
	mutex_init(&ncache_lock, MUTEX_DEFAULT);
	return 0;
}

void ncache_fini(void)
{
	while (!list_empty(&nc_lru))
		nc_free(list_entry(list_first(&nc_lru), struct ncentry,
				   nc_lru));
	mutex_destroy(&ncache_lock);
	kmem_free(nc_hash, (nc_hashmask + 1) * sizeof(*nc_hash), &M_NCACHE);
	nc_hash = NULL;
}
