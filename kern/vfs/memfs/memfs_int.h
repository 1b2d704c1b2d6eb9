/*
 * memfs_int.h -- the in-memory file system's private structures.  A mount
 * (struct memfs_mount) holds a table of nodes by inode number, space and
 * inode accounting and a few striped locks; a node (struct memfs_node) is
 * a file of any type with its data: a page table for regular files, a
 * hashed and cookie-ordered entry set for directories, the target for
 * symbolic links.  Locking: the node's fields are protected by its
 * vnode's lock (shared to read, exclusive to change), except the access
 * time, which readers under a shared lock change under the node's striped
 * lock (memfs_nodelock); the node table, inode numbers, n_vnode and the
 * node count are under mm_lock; the page count is atomic.  Never take a
 * vnode lock while holding a memfs mutex.
 */
#ifndef RUMPKERN_MEMFS_INT_H_
#define RUMPKERN_MEMFS_INT_H_
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/queue.h>
#include <sys/systm.h>
#include <sys/vnode.h>

#include "memfs.h"

#define MEMFS_PAGE_SHIFT 12
#define MEMFS_PAGE_SIZE (1 << MEMFS_PAGE_SHIFT)
#define MEMFS_PAGE_MASK (MEMFS_PAGE_SIZE - 1)
#define MEMFS_MAXFILESIZE INT64_MAX
#define MEMFS_LINK_MAX 0x7fffffffU /* links to one node (EMLINK) */
#define MEMFS_ROOTINO 2
#define MEMFS_NNODELOCKS 16
#define MEMFS_LINK_INLINE 64	 /* symlink targets shorter than this */
#define MEMFS_DIRENT_BOGOSIZE 20 /* st_size per entry, as Linux tmpfs */

/* memfs_radix.c: a sparse map from 64-bit indexes to pointers. */
struct memfs_radix {
	void *rx_root; /* a node, or NULL */
	int rx_height; /* levels of nodes; 0: empty */
};
#define MEMFS_RADIX_NONE UINT64_MAX

/* A regular file's pages: page number to 4 KiB page. */
struct memfs_pages {
	struct memfs_radix pg_tree;
	uint64_t pg_count; /* pages present */
};

struct memfs_node;

/* One name in a directory. */
struct memfs_dirent {
	struct memfs_dirent *de_hnext; /* hash chain */
	struct list_node de_order;     /* in cookie order */
	struct memfs_node *de_node;
	uint64_t de_cookie; /* readdir position, increasing, never reused */
	uint32_t de_hash;
	uint16_t de_namelen;
	char de_name[]; /* NUL-terminated */
};

struct memfs_dir {
	struct memfs_dirent **dir_hash; /* NULL until the first entry */
	uint32_t dir_hashsize;		/* buckets, a power of two */
	uint32_t dir_count;		/* entries, "." and ".." not counted */
	struct list_head dir_order;	/* entries by increasing cookie */
	struct memfs_radix dir_index;	/* cookie to entry, for seeking */
	uint64_t dir_nextcookie;
	struct memfs_node *dir_parent; /* "..", NULL once removed */
};

struct memfs_link {
	char *lk_target; /* lk_inline or allocated; n_size bytes + NUL */
	char lk_inline[MEMFS_LINK_INLINE];
};

struct memfs_node {
	struct memfs_node *n_hnext;  /* node table chain */
	struct memfs_mount *n_mount; /* NULL: orphaned by unmount */
	struct vnode *n_vnode;	     /* the cached vnode, or NULL */
	uint64_t n_ino;
	enum vtype n_type;
	mode_t n_mode; /* permission and set-id bits */
	uid_t n_uid;
	gid_t n_gid;
	nlink_t n_nlink;
	bool n_dead;	/* storage freed: no links, no references */
	int64_t n_size; /* bytes of a regular file or link target */
	struct timespec n_atime, n_mtime, n_ctime, n_birthtime;
	union {
		struct memfs_pages n_pages; /* VREG */
		struct memfs_dir n_dir;	    /* VDIR */
		struct memfs_link n_link;   /* VLNK */
		dev_t n_rdev;		    /* VCHR, VBLK */
	};
};

struct memfs_mount {
	struct mount *mm_mp;
	kmutex_t mm_lock;
	struct memfs_node **mm_nodetab; /* by inode number */
	size_t mm_nodetabsize;		/* buckets, a power of two */
	uint64_t mm_nodetabcount;	/* nodes in the table */
	uint64_t mm_nextino;
	uint64_t mm_nodes;    /* live nodes, against mm_maxnodes */
	uint64_t mm_maxnodes; /* 0: no limit */
	uint64_t mm_pages;    /* data pages in use (atomic) */
	uint64_t mm_maxpages; /* 0: no limit */
	struct memfs_node *mm_root;
	kmutex_t mm_nodelocks[MEMFS_NNODELOCKS];
};

KMEM_TYPE_DECLARE(M_MEMFS_MOUNT);
KMEM_TYPE_DECLARE(M_MEMFS_NODE);
KMEM_TYPE_DECLARE(M_MEMFS_DIRENT);
KMEM_TYPE_DECLARE(M_MEMFS_DATA);
KMEM_TYPE_DECLARE(M_MEMFS_RADIX);
KMEM_TYPE_DECLARE(M_MEMFS_HASH);
KMEM_TYPE_DECLARE(M_MEMFS_LINK);

#define VTOMEMFS(vp) ((struct memfs_node *)(vp)->v_data)

static inline kmutex_t *memfs_nodelock(struct memfs_node *n)
{
	return &n->n_mount->mm_nodelocks[n->n_ino % MEMFS_NNODELOCKS];
}

void *memfs_radix_lookup(const struct memfs_radix *rx, uint64_t idx);
int memfs_radix_reserve(struct memfs_radix *rx, uint64_t idx);
int memfs_radix_insert(struct memfs_radix *rx, uint64_t idx, void *item);
void *memfs_radix_remove(struct memfs_radix *rx, uint64_t idx);
uint64_t memfs_radix_next(const struct memfs_radix *rx, uint64_t from,
			  bool present);
void memfs_radix_truncate(struct memfs_radix *rx, uint64_t from,
			  void (*fn)(void *item, void *arg), void *arg);

/* memfs_subr.c: nodes, the node table, vnodes, times, space. */
int memfs_node_alloc(struct memfs_mount *mm, enum vtype type, mode_t mode,
		     uid_t uid, gid_t gid, struct memfs_node **np);
void memfs_node_insert(struct memfs_mount *mm, struct memfs_node *n);
void memfs_node_discard(struct memfs_node *n);
void memfs_node_kill(struct memfs_node *n);
void memfs_node_reclaim(struct memfs_node *n, struct vnode *vp);
void memfs_nodetab_freeall(struct memfs_mount *mm);
int memfs_node_vget(struct memfs_node *n, struct vnode **vpp);
struct memfs_node *memfs_node_find(struct memfs_mount *mm, uint64_t ino);
int memfs_nodetab_init(struct memfs_mount *mm);
void memfs_nodetab_destroy(struct memfs_mount *mm);
int memfs_link_set(struct memfs_node *n, const char *target, size_t len);
#define MEMFS_ATIME 0x01
#define MEMFS_MTIME 0x02
#define MEMFS_CTIME 0x04
void memfs_touch(struct memfs_node *n, int which, const struct timespec *now);
void memfs_touch_atime(struct memfs_node *n);
bool memfs_pages_reserve(struct memfs_mount *mm, uint64_t n);
void memfs_pages_release(struct memfs_mount *mm, uint64_t n);

/* memfs_dir.c: directory entries and readdir. */
void memfs_dir_init(struct memfs_node *dn, struct memfs_node *parent);
struct memfs_dirent *memfs_dir_lookup(struct memfs_node *dn, const char *name,
				      size_t len);
int memfs_dirent_alloc(const char *name, size_t len, struct memfs_dirent **dep);
void memfs_dirent_free(struct memfs_dirent *de);
int memfs_dir_prepare(struct memfs_node *dn);
void memfs_dir_insert(struct memfs_node *dn, struct memfs_dirent *de);
void memfs_dir_remove(struct memfs_node *dn, struct memfs_dirent *de);
void memfs_dir_free(struct memfs_node *dn);
int memfs_dir_readdir(struct memfs_node *dn, struct uio *uio, bool *eofp);

/* memfs_data.c: regular file data. */
int memfs_data_read(struct memfs_node *n, struct uio *uio);
int memfs_data_write(struct memfs_node *n, struct uio *uio, int ioflag);
int memfs_data_truncate(struct memfs_node *n, int64_t size);
int memfs_data_fallocate(struct memfs_node *n, off_t off, off_t len);
int memfs_data_seek(struct memfs_node *n, off_t off, int whence,
		    off_t *resultp);
void memfs_data_free(struct memfs_node *n);
#endif
