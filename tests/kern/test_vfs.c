/*
 * test_vfs.c -- probes of the VFS faction's state for the t_vfs_* host
 * tests: how many vnodes the cache holds (and how many are free), its
 * RUMP_NVNODES limit, the name cache's entries and the mounts.  The VFS
 * is referenced weakly, by its namespace-closed names, so that this
 * library does not pull the VFS into programs that do not link it.
 */
#include "testkern.h"

/* Weak references are not renamed into rumpns_ by the build: name them. */
uint64_t rumpns_vcache_count(void) __attribute__((weak));
uint64_t rumpns_vcache_freecount(void) __attribute__((weak));
uint64_t rumpns_vcache_limit(void) __attribute__((weak));
uint64_t rumpns_ncache_count(void) __attribute__((weak));
int rumpns_vfs_mountcount(void) __attribute__((weak));

/* What rump_test_vfs_counts fills; the t_vfs_* programs declare it too. */
struct rump_test_vfs_counts {
	uint64_t vnodes;     /* in the vnode cache */
	uint64_t freevnodes; /* of those, unreferenced */
	uint64_t limit;	     /* RUMP_NVNODES */
	uint64_t ncache;     /* name cache entries */
	int64_t mounts;
};
int rump_test_vfs_counts(struct rump_test_vfs_counts *c);

int rump_test_vfs_counts(struct rump_test_vfs_counts *c)
{
	if (rumpns_vcache_count == NULL)
		return ENOSYS; /* the VFS is not linked */
	rump_schedule();
	c->vnodes = rumpns_vcache_count();
	c->freevnodes = rumpns_vcache_freecount();
	c->limit = rumpns_vcache_limit();
	c->ncache = rumpns_ncache_count();
	c->mounts = rumpns_vfs_mountcount();
	rump_unschedule();
	return 0;
}
