/*
 * vfs_vnode.c -- vnode life cycle and the vnode cache.  At most one vnode
 * exists per (mount, key); a vnode is referenced (v_usecount > 0), free
 * (on the LRU list, still cached) or being loaded or reclaimed.  The last
 * vrele runs vop_inactive under the vnode lock; free vnodes beyond the
 * RUMP_NVNODES limit are reclaimed by vcache_drain(), which runs where no
 * vnode lock is held (the start of every path lookup).  vcache_lock guards
 * the hash, the LRU, the mount lists, v_cstate and every 0 <-> 1 change of
 * v_usecount; other count changes are atomic.
 */
#include <rump/rumpuser.h>
#include <sys/mutex.h>

#include "vfs_private.h"

#define NVNODES_DEFAULT 262144
#define NVNODES_PARAM "RUMP_NVNODES"

KMEM_TYPE_DEFINE(M_VNODE, "vnode");

static kmutex_t vcache_lock;
static kcondvar_t vcache_cv; /* a loading, inactivating or dying vnode */
static struct list_head *vcache_hash;
static size_t vcache_hashmask;
static struct list_head vnode_lru = LIST_HEAD_INIT(vnode_lru);
static uint64_t numvnodes, numfree, maxvnodes;

struct mount dead_mount = {.mnt_flag = MNT_RDONLY,
			   .mnt_stat_fstypename = "dead"};

static struct list_head *vcache_bucket(struct mount *mp, uint64_t key)
{
	uint64_t h = (uint64_t)(uintptr_t)mp * 0x9e3779b97f4a7c15ULL;

	h ^= key * 0xff51afd7ed558ccdULL;
	h ^= h >> 29;
	return &vcache_hash[h & vcache_hashmask];
}

static struct vnode *vcache_find(struct mount *mp, uint64_t key)
{
	list_foreach(it, vcache_bucket(mp, key))
	{
		struct vnode *vp = list_entry(it, struct vnode, v_hash);
		if (vp->v_mount == mp && vp->v_key == key)
			return vp;
	}
	return NULL;
}

/*
 * Freed vnodes keep their locks in a small pool, so that a cache that
 * cycles (more files than RUMP_NVNODES) does not make and destroy two host
 * locks per load.  Under vcache_lock; only while the cache runs.
 */
#define VNODE_POOL_MAX 256
static struct list_head vnode_pool = LIST_HEAD_INIT(vnode_pool);
static int vnode_npool;
static bool vcache_running;

static struct vnode *vnode_alloc(void)
{
	struct vnode *vp = NULL;

	mutex_enter(&vcache_lock);
	if (vnode_npool > 0) {
		vp = list_entry(list_first(&vnode_pool), struct vnode, v_lru);
		list_remove(&vp->v_lru);
		vnode_npool--;
	}
	mutex_exit(&vcache_lock);
	if (vp != NULL) {
		krwlock_t lock = vp->v_lock;
		kmutex_t interlock = vp->v_interlock;

		memset(vp, 0, sizeof(*vp));
		vp->v_lock = lock;
		vp->v_interlock = interlock;
	} else {
		if ((vp = kmem_zalloc(sizeof(*vp), &M_VNODE)) == NULL)
			return NULL;
		rw_init(&vp->v_lock);
		mutex_init(&vp->v_interlock, MUTEX_DEFAULT);
	}
	list_init(&vp->v_ncdir);
	list_init(&vp->v_ncnames);
	vp->v_type = VNON;
	return vp;
}

static void vnode_destroy(struct vnode *vp)
{
	rw_destroy(&vp->v_lock);
	mutex_destroy(&vp->v_interlock);
	kmem_free(vp, sizeof(*vp), &M_VNODE);
}

/* A dead vnode's last vrele may come after shutdown: then no pool. */
static void vnode_free(struct vnode *vp)
{
	KASSERT(list_empty(&vp->v_ncdir) && list_empty(&vp->v_ncnames));
	KASSERT(vp->v_locks == NULL);
	if (atomic_load_acquire(&vcache_running)) {
		mutex_enter(&vcache_lock);
		if (vnode_npool < VNODE_POOL_MAX) {
			list_push_back(&vnode_pool, &vp->v_lru);
			vnode_npool++;
			vp = NULL;
		}
		mutex_exit(&vcache_lock);
		if (vp == NULL)
			return;
	}
	vnode_destroy(vp);
}

/* v_flags changes, under vcache_lock (read without it: vn_isroot, vrele). */
static void vflag_set(struct vnode *vp, int flag)
{
	atomic_store_release(&vp->v_flags, vp->v_flags | flag);
}

/* Takes vp out of the hash and its mount's list; vcache_lock held. */
static void vcache_unlink(struct vnode *vp)
{
	list_remove(&vp->v_hash);
	list_remove(&vp->v_mntnode);
	atomic_store_relaxed(&numvnodes, numvnodes - 1);
}

void vref(struct vnode *vp)
{
	int64_t n = atomic_inc_nv(&vp->v_usecount);

	KASSERTMSG(n > 1, "vref: vnode %p was not referenced", vp);
}

/* The last reference of a dead vnode frees it: it is in no cache. */
static void vrele_dead(struct vnode *vp)
{
	if (atomic_dec_nv(&vp->v_usecount) == 0)
		vnode_free(vp);
}

void vrele(struct vnode *vp)
{
	int64_t u;

	for (;;) {
		u = atomic_load_relaxed(&vp->v_usecount);
		KASSERTMSG(u >= 1, "vrele: vnode %p not referenced", vp);
		if (u == 1)
			break;
		if (atomic_cas_bool(&vp->v_usecount, u, u - 1))
			return;
	}
	if (atomic_load_acquire(&vp->v_flags) & VI_RECLAIMED) {
		vrele_dead(vp);
		return;
	}
	mutex_enter(&vcache_lock);
	if (vp->v_flags & VI_RECLAIMED) {
		mutex_exit(&vcache_lock);
		vrele_dead(vp);
		return;
	}
	/* A lookup may have added one meanwhile; others may still drop
	 * theirs without the lock, hence compare-and-swap. */
	while ((u = atomic_load_relaxed(&vp->v_usecount)) > 1) {
		if (atomic_cas_bool(&vp->v_usecount, u, u - 1)) {
			mutex_exit(&vcache_lock);
			return;
		}
	}
	/*
	 * The last reference: inactivate with the count still 1, so that
	 * nobody reclaims the vnode meanwhile; a lookup may take a new
	 * reference and the vnode then stays active.
	 */
	KASSERT(!(vp->v_cstate & VS_INACTIVE));
	vp->v_cstate |= VS_INACTIVE;
	for (;;) {
		mutex_exit(&vcache_lock);
		if (atomic_load_relaxed(&vp->v_locks) != NULL)
			lf_purge(vp);
		rw_enter(&vp->v_lock, RW_WRITER);
		if (vp->v_op->vop_inactive != NULL)
			vp->v_op->vop_inactive(vp);
		rw_exit(&vp->v_lock);
		mutex_enter(&vcache_lock);
		/*
		 * A lookup that referenced it meanwhile dropped its
		 * reference on the fast path above (ours still counted),
		 * so nobody inactivated what it did (an rmdir or unlink
		 * of the last name): once more.  If it still holds one,
		 * its own last vrele comes here.
		 */
		if (!(vp->v_cstate & VS_REUSED) ||
		    atomic_load_relaxed(&vp->v_usecount) != 1)
			break;
		vp->v_cstate &= ~VS_REUSED;
	}
	vp->v_cstate &= ~(VS_INACTIVE | VS_REUSED);
	if (atomic_dec_nv(&vp->v_usecount) == 0) {
		list_push_back(&vnode_lru, &vp->v_lru);
		numfree++;
	}
	cv_broadcast(&vcache_cv);
	mutex_exit(&vcache_lock);
}

void vput(struct vnode *vp)
{
	rw_exit(&vp->v_lock);
	vrele(vp);
}

void vn_lock(struct vnode *vp, krw_t how)
{
	rw_enter(&vp->v_lock, how);
}

void vn_unlock(struct vnode *vp)
{
	rw_exit(&vp->v_lock);
}

/* A reference on a cached vnode; vcache_lock held, vp usable. */
static void vcache_ref_locked(struct vnode *vp)
{
	if (vp->v_cstate & VS_INACTIVE)
		vp->v_cstate |= VS_REUSED;
	if (atomic_inc_nv(&vp->v_usecount) == 1) {
		list_remove(&vp->v_lru);
		numfree--;
	}
}

bool vcache_tryget(struct vnode *vp)
{
	bool ok;

	mutex_enter(&vcache_lock);
	ok = !(vp->v_cstate & (VS_LOADING | VS_RECLAIMING)) &&
	     !(vp->v_flags & VI_RECLAIMED);
	if (ok)
		vcache_ref_locked(vp);
	mutex_exit(&vcache_lock);
	return ok;
}

int vcache_get(struct mount *mp, uint64_t key, struct vnode **vpp)
{
	struct vnode *vp, *nvp = NULL;
	int error;

	mutex_enter(&vcache_lock);
	for (;;) {
		vp = vcache_find(mp, key);
		if (vp != NULL) {
			if (vp->v_cstate & (VS_LOADING | VS_RECLAIMING)) {
				cv_wait(&vcache_cv, &vcache_lock);
				continue;
			}
			vcache_ref_locked(vp);
			mutex_exit(&vcache_lock);
			if (nvp != NULL)
				vnode_free(nvp);
			*vpp = vp;
			return 0;
		}
		if (nvp != NULL)
			break;
		/* Allocate unlocked, then look again. */
		mutex_exit(&vcache_lock);
		if ((nvp = vnode_alloc()) == NULL)
			return ENOMEM;
		mutex_enter(&vcache_lock);
	}
	vp = nvp;
	vp->v_mount = mp;
	vp->v_key = key;
	vp->v_usecount = 1;
	vp->v_cstate = VS_LOADING;
	list_push_back(vcache_bucket(mp, key), &vp->v_hash);
	list_push_back(&mp->mnt_vnodes, &vp->v_mntnode);
	atomic_store_relaxed(&numvnodes, numvnodes + 1);
	mutex_exit(&vcache_lock);

	error = mp->mnt_op->vfs_loadvnode(mp, vp, key);

	mutex_enter(&vcache_lock);
	if (error != 0) {
		vcache_unlink(vp);
		cv_broadcast(&vcache_cv);
		mutex_exit(&vcache_lock);
		vnode_free(vp);
		return error;
	}
	KASSERTMSG(vp->v_op != NULL, "vfs_loadvnode left v_op unset");
	vp->v_cstate &= ~VS_LOADING;
	cv_broadcast(&vcache_cv);
	mutex_exit(&vcache_lock);
	*vpp = vp;
	return 0;
}

/* Reclaims a free vnode that its caller took off the LRU (VS_RECLAIMING). */
static void vreclaim_free(struct vnode *vp)
{
	ncache_purge(vp);
	bcache_purgevp(vp);
	if (vp->v_op->vop_reclaim != NULL)
		vp->v_op->vop_reclaim(vp);
	vp->v_data = NULL;
	mutex_enter(&vcache_lock);
	vcache_unlink(vp);
	cv_broadcast(&vcache_cv);
	mutex_exit(&vcache_lock);
	vnode_free(vp);
}

/*
 * A referenced vnode becomes dead (forced unmount): its file system lets
 * go of it, every later op fails, and it is freed with its last vrele.
 * The caller holds a reference and no vnode lock.
 */
static void vgone(struct vnode *vp)
{
	rw_enter(&vp->v_lock, RW_WRITER);
	mutex_enter(&vcache_lock);
	vp->v_cstate |= VS_RECLAIMING;
	mutex_exit(&vcache_lock);
	ncache_purge(vp);
	if (atomic_load_relaxed(&vp->v_locks) != NULL)
		lf_purge(vp);
	if (vp->v_op->vop_inactive != NULL)
		vp->v_op->vop_inactive(vp);
	bcache_purgevp(vp);
	if (vp->v_op->vop_reclaim != NULL)
		vp->v_op->vop_reclaim(vp);
	vp->v_data = NULL;
	atomic_store_relaxed(&vp->v_op, &dead_vnodeops);
	mutex_enter(&vcache_lock);
	vcache_unlink(vp);
	atomic_store_relaxed(&vp->v_mount, &dead_mount);
	vp->v_cstate &= ~VS_RECLAIMING;
	vflag_set(vp, VI_RECLAIMED);
	cv_broadcast(&vcache_cv);
	mutex_exit(&vcache_lock);
	rw_exit(&vp->v_lock);
}

void vcache_drain(void)
{
	/* The common case, with no lock: nothing over the bound. */
	if (atomic_load_relaxed(&numvnodes) <= maxvnodes)
		return;
	mutex_enter(&vcache_lock);
	while (numvnodes > maxvnodes && !list_empty(&vnode_lru)) {
		struct vnode *vp =
			list_entry(list_first(&vnode_lru), struct vnode, v_lru);
		list_remove(&vp->v_lru);
		numfree--;
		vp->v_cstate |= VS_RECLAIMING;
		mutex_exit(&vcache_lock);
		vreclaim_free(vp);
		mutex_enter(&vcache_lock);
	}
	mutex_exit(&vcache_lock);
}

int vflush(struct mount *mp, int flags, bool keeproot)
{
	bool force = (flags & MNT_FORCE) != 0;

	mutex_enter(&vcache_lock);
	if (!force) {
		/* All or nothing: check before reclaiming anything. */
		list_foreach(it, &mp->mnt_vnodes)
		{
			struct vnode *vp =
				list_entry(it, struct vnode, v_mntnode);
			int64_t allowed = keeproot && vp == mp->mnt_root;
			int64_t u = atomic_load_relaxed(&vp->v_usecount);
			if (u > allowed &&
			    !((vp->v_cstate & VS_INACTIVE) && u == 1)) {
				mutex_exit(&vcache_lock);
				return EBUSY;
			}
		}
		if (keeproot) {
			mutex_exit(&vcache_lock);
			return 0;
		}
	}
	for (;;) {
		struct list_node *n = list_first(&mp->mnt_vnodes);
		struct vnode *vp;

		if (n == NULL)
			break;
		vp = list_entry(n, struct vnode, v_mntnode);
		if (vp->v_cstate & (VS_LOADING | VS_RECLAIMING | VS_INACTIVE)) {
			cv_wait(&vcache_cv, &vcache_lock);
			continue;
		}
		if (atomic_load_relaxed(&vp->v_usecount) == 0) {
			list_remove(&vp->v_lru);
			numfree--;
			vp->v_cstate |= VS_RECLAIMING;
			mutex_exit(&vcache_lock);
			vreclaim_free(vp);
			mutex_enter(&vcache_lock);
			continue;
		}
		if (!force) {
			mutex_exit(&vcache_lock);
			return EBUSY;
		}
		atomic_inc_nv(&vp->v_usecount);
		mutex_exit(&vcache_lock);
		vgone(vp);
		vrele(vp);
		mutex_enter(&vcache_lock);
	}
	mutex_exit(&vcache_lock);
	return 0;
}

void vnode_setroot(struct vnode *vp)
{
	mutex_enter(&vcache_lock);
	vflag_set(vp, VV_ROOT);
	mutex_exit(&vcache_lock);
}

uint64_t vcache_limit(void)
{
	return maxvnodes;
}

uint64_t vcache_count(void)
{
	uint64_t n;

	mutex_enter(&vcache_lock);
	n = numvnodes;
	mutex_exit(&vcache_lock);
	return n;
}

uint64_t vcache_freecount(void)
{
	uint64_t n;

	mutex_enter(&vcache_lock);
	n = numfree;
	mutex_exit(&vcache_lock);
	return n;
}

static int nvnodes_param(uint64_t *valp)
{
	char buf[32];
	int error = rumpuser_getparam(NVNODES_PARAM, buf, sizeof(buf));

	*valp = NVNODES_DEFAULT;
	if (error == ENOENT)
		return 0;
	if (error == 0 && kstrtou64(buf, valp) == 0 && *valp >= 1)
		return 0;
	printf("rump kernel: bad %s: want a number of vnodes >= 1\n",
	       NVNODES_PARAM);
	return EINVAL;
}

/*
 * The most buckets a VFS hash table (vnodes, names) gets: 2^17, or fewer
 * under RUMP_MEMLIMIT so that each table takes at most 1/64 of the limit
 * (a 1 MiB kernel still boots with the default RUMP_NVNODES).
 */
size_t vfs_hash_maxbuckets(void)
{
	uint64_t limit = kmem_limit();
	size_t max = 1u << 17;

	while (max > 64 && limit != 0 &&
	       max * sizeof(struct list_head) > limit / 64)
		max >>= 1;
	return max;
}

int vcache_init(void)
{
	size_t nbuckets = 64;
	int error;

	if ((error = nvnodes_param(&maxvnodes)) != 0)
		return error;
	while (nbuckets < maxvnodes && nbuckets < vfs_hash_maxbuckets())
		nbuckets <<= 1;
	vcache_hash = kmem_alloc(nbuckets * sizeof(*vcache_hash), &M_VNODE);
	if (vcache_hash == NULL)
		return ENOMEM;
	for (size_t i = 0; i < nbuckets; i++)
		list_init(&vcache_hash[i]);
	vcache_hashmask = nbuckets - 1;
	list_init(&vnode_lru);
	list_init(&vnode_pool);
	numvnodes = numfree = 0;
	vnode_npool = 0;
	mutex_init(&vcache_lock, MUTEX_DEFAULT);
	cv_init(&vcache_cv, "vcache");
	atomic_store_release(&vcache_running, true);
	return 0;
}

void vcache_fini(void)
{
	KASSERTMSG(numvnodes == 0, "vcache_fini: %llu vnodes left",
		   (unsigned long long)numvnodes);
	atomic_store_release(&vcache_running, false);
	while (!list_empty(&vnode_pool)) {
		struct vnode *vp = list_entry(list_first(&vnode_pool),
					      struct vnode, v_lru);
		list_remove(&vp->v_lru);
		vnode_destroy(vp);
	}
	vnode_npool = 0;
	cv_destroy(&vcache_cv);
	mutex_destroy(&vcache_lock);
	kmem_free(vcache_hash, (vcache_hashmask + 1) * sizeof(*vcache_hash),
		  &M_VNODE);
	vcache_hash = NULL;
}

/* Dead vnodes: every op fails; lookups find nothing. */
static int dead_lookup(struct vnode *dvp, const struct componentname *cnp,
		       struct vnode **vpp)
{
	return ENOENT;
}
static int dead_create(struct vnode *dvp, const struct componentname *cnp,
		       const struct vattr *va, struct vnode **vpp)
{
	return ENOENT;
}
static int dead_symlink(struct vnode *dvp, const struct componentname *cnp,
			const struct vattr *va, const char *target,
			struct vnode **vpp)
{
	return ENOENT;
}
static int dead_remove(struct vnode *dvp, struct vnode *vp,
		       const struct componentname *cnp)
{
	return ENOENT;
}
static int dead_rename(struct vnode *fdvp, struct vnode *fvp,
		       const struct componentname *fcnp, struct vnode *tdvp,
		       struct vnode *tvp, const struct componentname *tcnp)
{
	return ENOENT;
}
static int dead_getattr(struct vnode *vp, struct vattr *va)
{
	return EBADF;
}
static int dead_setattr(struct vnode *vp, const struct vattr *va)
{
	return EBADF;
}
static int dead_rdwr(struct vnode *vp, struct uio *uio, int ioflag)
{
	return EBADF;
}
static int dead_readdir(struct vnode *vp, struct uio *uio, bool *eofp)
{
	return EBADF;
}
static int dead_readlink(struct vnode *vp, struct uio *uio)
{
	return EBADF;
}
static int dead_fsync(struct vnode *vp, int flags)
{
	return EBADF;
}
static int dead_fallocate(struct vnode *vp, off_t off, off_t len)
{
	return EBADF;
}
static int dead_seekdata(struct vnode *vp, off_t off, int whence,
			 off_t *resultp)
{
	return EBADF;
}

const struct vnodeops dead_vnodeops = {
	.vop_lookup = dead_lookup,
	.vop_create = dead_create,
	.vop_mkdir = dead_create,
	.vop_symlink = dead_symlink,
	.vop_remove = dead_remove,
	.vop_rmdir = dead_remove,
	.vop_link = dead_remove,
	.vop_rename = dead_rename,
	.vop_getattr = dead_getattr,
	.vop_setattr = dead_setattr,
	.vop_read = dead_rdwr,
	.vop_write = dead_rdwr,
	.vop_readdir = dead_readdir,
	.vop_readlink = dead_readlink,
	.vop_fsync = dead_fsync,
	.vop_fallocate = dead_fallocate,
	.vop_seekdata = dead_seekdata,
	.vop_inactive = NULL,
	.vop_reclaim = NULL,
};
