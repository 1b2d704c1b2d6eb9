/*
 * memfs_vfsops.c -- mounting the in-memory file system: the option string
 * (size=, nr_blocks=, nr_inodes=, mode=, uid=, gid=), the root directory,
 * statvfs from the limits and what is in use, handing nodes to the vnode cache
 * by inode number (vfs_loadvnode), and unmount, which frees every node.  The
 * same operations serve every type name the engine is registered under;
 * memfs_vfsops is the root file system's ("rumpfs": no limits).
 */
#include <sys/atomic.h>
#include <sys/proc.h>

#include "memfs_int.h"

/* statvfs figures for a mount without limits. */
#define MEMFS_NOLIMIT_PAGES ((uint64_t)1 << 28) /* 1 TiB */
#define MEMFS_NOLIMIT_NODES ((uint64_t)1 << 32)

struct memfs_opts {
	struct memfs_args mo_args;
	uid_t mo_uid;
	gid_t mo_gid;
};

static bool opt_is(const char *key, size_t keylen, const char *name)
{
	return strlen(name) == keylen && memcmp(key, name, keylen) == 0;
}

/*
 * A number in base (8 or 10) that fills [s, s+len), optionally followed
 * by k, m, g, t, p or e (binary multiples) when suffixes; 0 or EINVAL.
 */
static int opt_number(const char *s, size_t len, unsigned base, bool suffixes,
		      uint64_t *valp)
{
	uint64_t v = 0, mul = 1;
	size_t i;

	if (len > 0 && suffixes) {
		const char *units = "kmgtpe", *u;
		char c = s[len - 1] | 0x20;

		if ((u = memchr(units, c, 6)) != NULL) {
			mul = (uint64_t)1 << (10 * (u - units + 1));
			len--;
		}
	}
	if (len == 0)
		return EINVAL;
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d >= base || v > (UINT64_MAX - d) / base)
			return EINVAL;
		v = v * base + d;
	}
	if (v != 0 && mul > UINT64_MAX / v)
		return EINVAL;
	*valp = v * mul;
	return 0;
}

/* size=: bytes with a suffix, or a percentage of RUMP_MEMLIMIT. */
static int opt_size(const char *s, size_t len, uint64_t *bytesp)
{
	uint64_t pct, limit = kmem_limit();
	int error;

	if (len == 0 || s[len - 1] != '%')
		return opt_number(s, len, 10, true, bytesp);
	if ((error = opt_number(s, len - 1, 10, false, &pct)) != 0)
		return error;
	if (limit == 0 || pct > 100)
		return EINVAL;
	*bytesp = limit / 100 * pct;
	return 0;
}

static int opt_parse1(struct memfs_opts *mo, const char *key, size_t keylen,
		      const char *val, size_t vallen)
{
	uint64_t v;
	int error;

	if (opt_is(key, keylen, "size")) {
		if ((error = opt_size(val, vallen, &v)) != 0)
			return error;
		mo->mo_args.ma_maxbytes = v;
	} else if (opt_is(key, keylen, "nr_blocks")) {
		if ((error = opt_number(val, vallen, 10, true, &v)) != 0)
			return error;
		if (v > UINT64_MAX / MEMFS_PAGE_SIZE)
			return EINVAL;
		mo->mo_args.ma_maxbytes = v * MEMFS_PAGE_SIZE;
	} else if (opt_is(key, keylen, "nr_inodes")) {
		if ((error = opt_number(val, vallen, 10, true, &v)) != 0)
			return error;
		mo->mo_args.ma_maxnodes = v;
	} else if (opt_is(key, keylen, "mode")) {
		if ((error = opt_number(val, vallen, 8, false, &v)) != 0)
			return error;
		if (v > ALLPERMS)
			return EINVAL;
		mo->mo_args.ma_rootmode = (mode_t)v;
	} else if (opt_is(key, keylen, "uid") || opt_is(key, keylen, "gid")) {
		if ((error = opt_number(val, vallen, 10, false, &v)) != 0)
			return error;
		if (v >= UINT32_MAX)
			return EINVAL;
		if (key[0] == 'u')
			mo->mo_uid = (uid_t)v;
		else
			mo->mo_gid = (gid_t)v;
	} else
		return ENOENT;
	return 0;
}

/* Comma-separated key=value options; EINVAL, with a message, for any bad. */
static int opt_parse(struct memfs_opts *mo, const char *opts)
{
	const char *p = opts, *end, *eq;
	size_t len;
	int error;

	while (p != NULL && *p != '\0') {
		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		eq = memchr(p, '=', len);
		if (len == 0) {
			error = 0;
		} else if (eq == NULL) {
			error = ENOENT;
		} else {
			error = opt_parse1(mo, p, (size_t)(eq - p), eq + 1,
					   len - (size_t)(eq - p) - 1);
		}
		if (error == ENOENT) {
			printf("%s: unknown mount option \"%.*s\"\n",
			       mo->mo_args.ma_fsname, (int)len, p);
			return EINVAL;
		}
		if (error != 0) {
			printf("%s: bad value in mount option \"%.*s\"\n",
			       mo->mo_args.ma_fsname, (int)len, p);
			return EINVAL;
		}
		p = end != NULL ? end + 1 : NULL;
	}
	return 0;
}

static void memfs_mount_free(struct memfs_mount *mm)
{
	memfs_nodetab_freeall(mm);
	memfs_nodetab_destroy(mm);
	for (int i = 0; i < MEMFS_NNODELOCKS; i++)
		mutex_destroy(&mm->mm_nodelocks[i]);
	mutex_destroy(&mm->mm_lock);
	KASSERT(mm->mm_pages == 0);
	kmem_free(mm, sizeof(*mm), &M_MEMFS_MOUNT);
}

int memfs_mount_args(struct mount *mp, const char *opts,
		     const struct memfs_args *args)
{
	struct memfs_opts mo;
	struct memfs_mount *mm;
	struct memfs_node *root;
	kauth_cred_t cred;
	int error;

	mo.mo_args = *args;
	cred = cred_get(curproc);
	mo.mo_uid = cred->cr_euid;
	mo.mo_gid = cred->cr_egid;
	cred_free(cred);
	if ((error = opt_parse(&mo, opts)) != 0)
		return error;

	mm = kmem_zalloc(sizeof(*mm), &M_MEMFS_MOUNT);
	if (mm == NULL)
		return ENOMEM;
	mm->mm_mp = mp;
	mm->mm_maxpages = howmany(mo.mo_args.ma_maxbytes, MEMFS_PAGE_SIZE);
	mm->mm_maxnodes = mo.mo_args.ma_maxnodes;
	mm->mm_nextino = MEMFS_ROOTINO;
	mutex_init(&mm->mm_lock, MUTEX_DEFAULT);
	for (int i = 0; i < MEMFS_NNODELOCKS; i++)
		mutex_init(&mm->mm_nodelocks[i], MUTEX_DEFAULT);
	if ((error = memfs_nodetab_init(mm)) != 0) {
		for (int i = 0; i < MEMFS_NNODELOCKS; i++)
			mutex_destroy(&mm->mm_nodelocks[i]);
		mutex_destroy(&mm->mm_lock);
		kmem_free(mm, sizeof(*mm), &M_MEMFS_MOUNT);
		return error;
	}
	error = memfs_node_alloc(mm, VDIR, mo.mo_args.ma_rootmode, mo.mo_uid,
				 mo.mo_gid, &root);
	if (error != 0) {
		memfs_mount_free(mm);
		return error;
	}
	memfs_dir_init(root, root);
	memfs_node_insert(mm, root);
	mm->mm_root = root;
	mp->mnt_data = mm;
	return 0;
}

static int memfs_mount(struct mount *mp, const char *source, const char *opts)
{
	static const struct memfs_args rumpfs_args = {
		.ma_maxbytes = 0,
		.ma_maxnodes = 0,
		.ma_rootmode = 0755,
		.ma_fsname = "rumpfs",
	};

	return memfs_mount_args(mp, opts, &rumpfs_args);
}

/*
 * No vnode of mp is referenced (the VFS checked, or forces).  Nodes whose
 * vnodes are still cached become orphans that vop_reclaim frees.
 */
int memfs_unmount(struct mount *mp, int flags)
{
	struct memfs_mount *mm = mp->mnt_data;

	memfs_mount_free(mm);
	mp->mnt_data = NULL;
	return 0;
}

int memfs_root(struct mount *mp, struct vnode **vpp)
{
	struct memfs_mount *mm = mp->mnt_data;

	return memfs_node_vget(mm->mm_root, vpp);
}

int memfs_statvfs(struct mount *mp, struct statvfs_fs *sfs)
{
	struct memfs_mount *mm = mp->mnt_data;
	uint64_t used = atomic_load_relaxed(&mm->mm_pages), total;
	uint64_t limit = kmem_limit(), host = kmem_host_bytes(), nodes;

	/* Without a size limit: what RUMP_MEMLIMIT leaves, or 1 TiB. */
	if (mm->mm_maxpages != 0)
		total = mm->mm_maxpages;
	else if (limit != 0)
		total = used +
			(limit > host ? limit - host : 0) / MEMFS_PAGE_SIZE;
	else
		total = MEMFS_NOLIMIT_PAGES;
	total = MAX(total, used);
	sfs->bsize = sfs->frsize = MEMFS_PAGE_SIZE;
	sfs->blocks = total;
	sfs->bfree = sfs->bavail = total - used;
	mutex_enter(&mm->mm_lock);
	nodes = mm->mm_nodes;
	mutex_exit(&mm->mm_lock);
	total = mm->mm_maxnodes != 0 ? mm->mm_maxnodes : MEMFS_NOLIMIT_NODES;
	total = MAX(total, nodes);
	sfs->files = total;
	sfs->ffree = sfs->favail = total - nodes;
	sfs->namemax = NAME_MAX;
	return 0;
}

int memfs_sync(struct mount *mp, bool waitfor)
{
	return 0;
}

/* The vnode cache made vp for inode number key: attach the node. */
int memfs_loadvnode(struct mount *mp, struct vnode *vp, uint64_t key)
{
	struct memfs_mount *mm = mp->mnt_data;
	struct memfs_node *n;

	mutex_enter(&mm->mm_lock);
	n = memfs_node_find(mm, key);
	if (n == NULL || n->n_dead) {
		mutex_exit(&mm->mm_lock);
		return ENOENT;
	}
	n->n_vnode = vp;
	mutex_exit(&mm->mm_lock);
	vp->v_type = n->n_type;
	vp->v_op = &memfs_vnodeops;
	vp->v_data = n;
	vp->v_rdev = n->n_type == VCHR || n->n_type == VBLK ? n->n_rdev : 0;
	if (n == mm->mm_root)
		vp->v_flags |= VV_ROOT;
	return 0;
}

const struct vfsops memfs_vfsops = {
	.vfs_name = "rumpfs",
	.vfs_mount = memfs_mount,
	.vfs_unmount = memfs_unmount,
	.vfs_root = memfs_root,
	.vfs_statvfs = memfs_statvfs,
	.vfs_sync = memfs_sync,
	.vfs_loadvnode = memfs_loadvnode,
	.vfs_aliases = NULL,
};
