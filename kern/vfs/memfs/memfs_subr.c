/*
 * memfs_subr.c -- nodes and their life: allocation against the inode
 * limit, the mount's node table (inode number to node, for
 * vfs_loadvnode), freeing a node's storage when its last link and last
 * reference are gone, timestamps and the data page accounting against the
 * size limit.  Callers hold the node's vnode lock as memfs_int.h says;
 * the table and the counters take mm_lock themselves.
 */
#include <sys/atomic.h>

#include "memfs_int.h"

KMEM_TYPE_DEFINE(M_MEMFS_MOUNT, "memfs mount");
KMEM_TYPE_DEFINE(M_MEMFS_NODE, "memfs node");
KMEM_TYPE_DEFINE(M_MEMFS_DIRENT, "memfs dirent");
KMEM_TYPE_DEFINE(M_MEMFS_DATA, "memfs data");
KMEM_TYPE_DEFINE(M_MEMFS_RADIX, "memfs radix node");
KMEM_TYPE_DEFINE(M_MEMFS_HASH, "memfs hash table");
KMEM_TYPE_DEFINE(M_MEMFS_LINK, "memfs symlink");

#define NODETAB_MINSIZE 64

int memfs_nodetab_init(struct memfs_mount *mm)
{
	mm->mm_nodetab =
		kmem_zalloc(NODETAB_MINSIZE * sizeof(void *), &M_MEMFS_HASH);
	if (mm->mm_nodetab == NULL)
		return ENOMEM;
	mm->mm_nodetabsize = NODETAB_MINSIZE;
	mm->mm_nodetabcount = 0;
	return 0;
}

void memfs_nodetab_destroy(struct memfs_mount *mm)
{
	kmem_free(mm->mm_nodetab, mm->mm_nodetabsize * sizeof(void *),
		  &M_MEMFS_HASH);
	mm->mm_nodetab = NULL;
}

/* Resize the table to size buckets; a failed allocation keeps it as is. */
static void nodetab_resize(struct memfs_mount *mm, size_t size)
{
	struct memfs_node **tab, *n, *next;

	KASSERT(mutex_owned(&mm->mm_lock));
	tab = kmem_zalloc(size * sizeof(void *), &M_MEMFS_HASH);
	if (tab == NULL)
		return;
	for (size_t i = 0; i < mm->mm_nodetabsize; i++) {
		for (n = mm->mm_nodetab[i]; n != NULL; n = next) {
			next = n->n_hnext;
			n->n_hnext = tab[n->n_ino & (size - 1)];
			tab[n->n_ino & (size - 1)] = n;
		}
	}
	kmem_free(mm->mm_nodetab, mm->mm_nodetabsize * sizeof(void *),
		  &M_MEMFS_HASH);
	mm->mm_nodetab = tab;
	mm->mm_nodetabsize = size;
}

struct memfs_node *memfs_node_find(struct memfs_mount *mm, uint64_t ino)
{
	struct memfs_node *n;

	KASSERT(mutex_owned(&mm->mm_lock));
	for (n = mm->mm_nodetab[ino & (mm->mm_nodetabsize - 1)]; n != NULL;
	     n = n->n_hnext)
		if (n->n_ino == ino)
			return n;
	return NULL;
}

void memfs_node_insert(struct memfs_mount *mm, struct memfs_node *n)
{
	struct memfs_node **head;

	mutex_enter(&mm->mm_lock);
	if (mm->mm_nodetabcount >= mm->mm_nodetabsize)
		nodetab_resize(mm, mm->mm_nodetabsize * 2);
	head = &mm->mm_nodetab[n->n_ino & (mm->mm_nodetabsize - 1)];
	n->n_hnext = *head;
	*head = n;
	mm->mm_nodetabcount++;
	mutex_exit(&mm->mm_lock);
}

/* Unlinks n from the table if it is there (mm_lock held). */
static void nodetab_remove(struct memfs_mount *mm, struct memfs_node *n)
{
	struct memfs_node **pp;

	KASSERT(mutex_owned(&mm->mm_lock));
	for (pp = &mm->mm_nodetab[n->n_ino & (mm->mm_nodetabsize - 1)];
	     *pp != NULL; pp = &(*pp)->n_hnext) {
		if (*pp == n) {
			*pp = n->n_hnext;
			n->n_hnext = NULL;
			mm->mm_nodetabcount--;
			break;
		}
	}
	if (mm->mm_nodetabsize > NODETAB_MINSIZE &&
	    mm->mm_nodetabcount < mm->mm_nodetabsize / 8)
		nodetab_resize(mm, mm->mm_nodetabsize / 4);
}

/*
 * A new node of the given type with one link (two for a directory), not
 * yet in the table; ENOSPC at the inode limit, ENOMEM.  The caller sets up
 * directories (memfs_dir_init), link targets and device numbers.
 */
int memfs_node_alloc(struct memfs_mount *mm, enum vtype type, mode_t mode,
		     uid_t uid, gid_t gid, struct memfs_node **np)
{
	struct memfs_node *n;
	struct timespec now;
	uint64_t ino;

	mutex_enter(&mm->mm_lock);
	if (mm->mm_maxnodes != 0 && mm->mm_nodes >= mm->mm_maxnodes) {
		mutex_exit(&mm->mm_lock);
		return ENOSPC;
	}
	mm->mm_nodes++;
	ino = mm->mm_nextino++;
	mutex_exit(&mm->mm_lock);

	n = kmem_zalloc(sizeof(*n), &M_MEMFS_NODE);
	if (n == NULL) {
		mutex_enter(&mm->mm_lock);
		mm->mm_nodes--;
		mutex_exit(&mm->mm_lock);
		return ENOMEM;
	}
	n->n_mount = mm;
	n->n_ino = ino;
	n->n_type = type;
	n->n_mode = mode & ALLPERMS;
	n->n_uid = uid;
	n->n_gid = gid;
	n->n_nlink = type == VDIR ? 2 : 1;
	vfs_timestamp(&now);
	n->n_atime = n->n_mtime = n->n_ctime = n->n_birthtime = now;
	*np = n;
	return 0;
}

int memfs_link_set(struct memfs_node *n, const char *target, size_t len)
{
	char *p = n->n_link.lk_inline;

	KASSERT(n->n_type == VLNK && n->n_link.lk_target == NULL);
	if (len >= MEMFS_LINK_INLINE) {
		p = kmem_alloc(len + 1, &M_MEMFS_LINK);
		if (p == NULL)
			return ENOMEM;
	}
	memcpy(p, target, len);
	p[len] = '\0';
	n->n_link.lk_target = p;
	n->n_size = (int64_t)len;
	return 0;
}

/*
 * Frees what n holds (data pages, directory entries, link target) and its
 * place in the inode count; the node itself stays until its vnode is
 * reclaimed.  n has no links left, or its mount is going away.
 */
void memfs_node_kill(struct memfs_node *n)
{
	struct memfs_mount *mm = n->n_mount;

	if (n->n_dead)
		return;
	switch (n->n_type) {
	case VREG:
		memfs_data_free(n);
		break;
	case VDIR:
		memfs_dir_free(n);
		break;
	case VLNK:
		if (n->n_link.lk_target != NULL &&
		    n->n_link.lk_target != n->n_link.lk_inline)
			kmem_free(n->n_link.lk_target, (size_t)n->n_size + 1,
				  &M_MEMFS_LINK);
		n->n_link.lk_target = NULL;
		break;
	default:
		break;
	}
	n->n_dead = true;
	mutex_enter(&mm->mm_lock);
	KASSERT(mm->mm_nodes > 0);
	mm->mm_nodes--;
	mutex_exit(&mm->mm_lock);
}

/*
 * Undo memfs_node_alloc (and memfs_node_insert, if done) for a node that
 * never got a name.  If the vnode cache still holds a vnode for it, the
 * node stays in the table, dead, until that vnode is reclaimed.
 */
void memfs_node_discard(struct memfs_node *n)
{
	struct memfs_mount *mm = n->n_mount;
	bool free;

	n->n_nlink = 0;
	memfs_node_kill(n);
	mutex_enter(&mm->mm_lock);
	free = n->n_vnode == NULL;
	if (free)
		nodetab_remove(mm, n);
	mutex_exit(&mm->mm_lock);
	if (free)
		kmem_free(n, sizeof(*n), &M_MEMFS_NODE);
}

/*
 * The vnode is leaving the cache.  A node with links stays in the table
 * for the next vcache_get; one without is freed, as is an orphan whose
 * mount is gone (unmount freed its storage already).
 */
void memfs_node_reclaim(struct memfs_node *n, struct vnode *vp)
{
	struct memfs_mount *mm = n->n_mount;
	bool free;

	if (mm == NULL) {
		kmem_free(n, sizeof(*n), &M_MEMFS_NODE);
		return;
	}
	mutex_enter(&mm->mm_lock);
	if (n->n_vnode == vp)
		n->n_vnode = NULL;
	free = n->n_nlink == 0 && n->n_vnode == NULL;
	if (free)
		nodetab_remove(mm, n);
	mutex_exit(&mm->mm_lock);
	if (free) {
		memfs_node_kill(n);
		kmem_free(n, sizeof(*n), &M_MEMFS_NODE);
	}
}

/*
 * Unmount: free every node.  Those that still have a vnode in the cache
 * become orphans (n_mount NULL), freed when the VFS reclaims the vnode.
 */
void memfs_nodetab_freeall(struct memfs_mount *mm)
{
	struct memfs_node *n, *next;

	for (size_t i = 0; i < mm->mm_nodetabsize; i++) {
		for (n = mm->mm_nodetab[i]; n != NULL; n = next) {
			next = n->n_hnext;
			memfs_node_kill(n);
			mutex_enter(&mm->mm_lock);
			if (n->n_vnode != NULL) {
				n->n_mount = NULL;
				n = NULL;
			}
			mutex_exit(&mm->mm_lock);
			if (n != NULL)
				kmem_free(n, sizeof(*n), &M_MEMFS_NODE);
		}
		mm->mm_nodetab[i] = NULL;
	}
	mm->mm_nodetabcount = 0;
}

int memfs_node_vget(struct memfs_node *n, struct vnode **vpp)
{
	return vcache_get(n->n_mount->mm_mp, n->n_ino, vpp);
}

/* Set the chosen times of n to now (vnode locked exclusively). */
void memfs_touch(struct memfs_node *n, int which, const struct timespec *now)
{
	if (which & MEMFS_ATIME)
		n->n_atime = *now;
	if (which & MEMFS_MTIME)
		n->n_mtime = *now;
	if (which & MEMFS_CTIME)
		n->n_ctime = *now;
}

/* A read under a shared vnode lock: the access time, unless noatime. */
void memfs_touch_atime(struct memfs_node *n)
{
	struct timespec now;
	kmutex_t *lock;

	if (n->n_mount->mm_mp->mnt_flag & (MNT_NOATIME | MNT_RDONLY))
		return;
	vfs_timestamp(&now);
	lock = memfs_nodelock(n);
	mutex_enter(lock);
	n->n_atime = now;
	mutex_exit(lock);
}

/* Take count pages from the size limit; false if they would pass it. */
bool memfs_pages_reserve(struct memfs_mount *mm, uint64_t count)
{
	uint64_t cur;

	if (mm->mm_maxpages == 0) {
		atomic_add(&mm->mm_pages, count);
		return true;
	}
	do {
		cur = atomic_load_relaxed(&mm->mm_pages);
		if (cur + count > mm->mm_maxpages || cur + count < cur)
			return false;
	} while (!atomic_cas_bool(&mm->mm_pages, cur, cur + count));
	return true;
}

void memfs_pages_release(struct memfs_mount *mm, uint64_t count)
{
	KASSERT(atomic_load_relaxed(&mm->mm_pages) >= count);
	atomic_add(&mm->mm_pages, -count);
}
