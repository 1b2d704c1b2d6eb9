/*
 * memfs_dir.c -- directories: a hash table of names for lookup, insertion
 * and removal in constant time (doubling as it fills, shrinking as it
 * empties), and a list of the same entries in the order of their cookies,
 * which increase at every insertion and are never reused, for readdir.
 * A readdir offset is a cookie: 0 is ".", 1 is "..", and any other
 * resumes at the first entry whose cookie is not smaller, so listings
 * stay correct across concurrent insertions and removals; an index from
 * cookie to entry (memfs_radix.c) finds that entry without a scan,
 * whatever the offset and however many readers.  Callers hold the
 * directory's vnode lock: exclusive to change it, shared to read it.
 */
#include "memfs_int.h"

#define DIRHASH_MINSIZE 8
#define DIRENT_HDRSIZE offsetof(struct rump_dirent, d_name)
#define DIRBUF_SIZE 2048 /* records gathered before one uiomove */

static uint32_t name_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < len; i++) {
		h ^= (uint8_t)name[i];
		h *= 16777619u;
	}
	return h;
}

void memfs_dir_init(struct memfs_node *dn, struct memfs_node *parent)
{
	struct memfs_dir *d = &dn->n_dir;

	d->dir_hash = NULL;
	d->dir_hashsize = 0;
	d->dir_count = 0;
	list_init(&d->dir_order);
	d->dir_index.rx_root = NULL;
	d->dir_index.rx_height = 0;
	d->dir_nextcookie = 2;
	d->dir_parent = parent;
}

struct memfs_dirent *memfs_dir_lookup(struct memfs_node *dn, const char *name,
				      size_t len)
{
	struct memfs_dir *d = &dn->n_dir;
	struct memfs_dirent *de;
	uint32_t h;

	if (d->dir_hash == NULL)
		return NULL;
	h = name_hash(name, len);
	for (de = d->dir_hash[h & (d->dir_hashsize - 1)]; de != NULL;
	     de = de->de_hnext)
		if (de->de_hash == h && de->de_namelen == len &&
		    memcmp(de->de_name, name, len) == 0)
			return de;
	return NULL;
}

static size_t dirent_size(size_t namelen)
{
	return offsetof(struct memfs_dirent, de_name) + namelen + 1;
}

int memfs_dirent_alloc(const char *name, size_t len, struct memfs_dirent **dep)
{
	struct memfs_dirent *de;

	if (len == 0)
		return ENOENT;
	if (len > NAME_MAX)
		return ENAMETOOLONG;
	de = kmem_alloc(dirent_size(len), &M_MEMFS_DIRENT);
	if (de == NULL)
		return ENOMEM;
	de->de_hnext = NULL;
	de->de_node = NULL;
	de->de_cookie = 0;
	de->de_hash = name_hash(name, len);
	de->de_namelen = (uint16_t)len;
	memcpy(de->de_name, name, len);
	de->de_name[len] = '\0';
	*dep = de;
	return 0;
}

void memfs_dirent_free(struct memfs_dirent *de)
{
	kmem_free(de, dirent_size(de->de_namelen), &M_MEMFS_DIRENT);
}

/*
 * Make sure the next insertion cannot fail: the hash table exists and the
 * index has room for the next cookie.  0 or ENOMEM.
 */
int memfs_dir_prepare(struct memfs_node *dn)
{
	struct memfs_dir *d = &dn->n_dir;

	if (d->dir_hash == NULL) {
		d->dir_hash = kmem_zalloc(DIRHASH_MINSIZE * sizeof(void *),
					  &M_MEMFS_HASH);
		if (d->dir_hash == NULL)
			return ENOMEM;
		d->dir_hashsize = DIRHASH_MINSIZE;
	}
	return memfs_radix_reserve(&d->dir_index, d->dir_nextcookie);
}

/* Rehash into size buckets; without memory the old table stays. */
static void dirhash_resize(struct memfs_dir *d, uint32_t size)
{
	struct memfs_dirent **tab, *de, *next;

	tab = kmem_zalloc(size * sizeof(void *), &M_MEMFS_HASH);
	if (tab == NULL)
		return;
	for (uint32_t i = 0; i < d->dir_hashsize; i++) {
		for (de = d->dir_hash[i]; de != NULL; de = next) {
			next = de->de_hnext;
			de->de_hnext = tab[de->de_hash & (size - 1)];
			tab[de->de_hash & (size - 1)] = de;
		}
	}
	kmem_free(d->dir_hash, d->dir_hashsize * sizeof(void *), &M_MEMFS_HASH);
	d->dir_hash = tab;
	d->dir_hashsize = size;
}

static struct memfs_dirent *dir_next(struct memfs_dir *d,
				     struct memfs_dirent *de)
{
	struct list_node *ln = de->de_order.next;

	return ln == &d->dir_order.n
		       ? NULL
		       : list_entry(ln, struct memfs_dirent, de_order);
}

static struct memfs_dirent *dir_first(struct memfs_dir *d)
{
	struct list_node *ln = list_first(&d->dir_order);

	return ln == NULL ? NULL
			  : list_entry(ln, struct memfs_dirent, de_order);
}

/*
 * Add de (name and node set) after memfs_dir_prepare, with no removal in
 * between: cannot fail.
 */
void memfs_dir_insert(struct memfs_node *dn, struct memfs_dirent *de)
{
	struct memfs_dir *d = &dn->n_dir;
	struct memfs_dirent **head;
	int error __unused;

	KASSERT(d->dir_hash != NULL && de->de_node != NULL);
	de->de_cookie = d->dir_nextcookie;
	error = memfs_radix_insert(&d->dir_index, de->de_cookie, de);
	KASSERT(error == 0);
	d->dir_nextcookie++;
	if (d->dir_count >= d->dir_hashsize && d->dir_hashsize < (1u << 30))
		dirhash_resize(d, d->dir_hashsize * 2);
	head = &d->dir_hash[de->de_hash & (d->dir_hashsize - 1)];
	de->de_hnext = *head;
	*head = de;
	list_push_back(&d->dir_order, &de->de_order);
	d->dir_count++;
}

/* Take de out of the directory (the caller frees it). */
void memfs_dir_remove(struct memfs_node *dn, struct memfs_dirent *de)
{
	struct memfs_dir *d = &dn->n_dir;
	struct memfs_dirent **pp;

	for (pp = &d->dir_hash[de->de_hash & (d->dir_hashsize - 1)]; *pp != de;
	     pp = &(*pp)->de_hnext)
		KASSERT(*pp != NULL);
	*pp = de->de_hnext;
	de->de_hnext = NULL;
	memfs_radix_remove(&d->dir_index, de->de_cookie);
	list_remove(&de->de_order);
	d->dir_count--;
	if (d->dir_hashsize > DIRHASH_MINSIZE &&
	    d->dir_count < d->dir_hashsize / 8)
		dirhash_resize(d, d->dir_hashsize / 4);
}

static void dirent_free_cb(void *de, void *arg)
{
	memfs_dirent_free(de);
}

/* Free every entry and the tables (the directory is going away). */
void memfs_dir_free(struct memfs_node *dn)
{
	struct memfs_dir *d = &dn->n_dir;

	memfs_radix_truncate(&d->dir_index, 0, dirent_free_cb, NULL);
	list_init(&d->dir_order);
	if (d->dir_hash != NULL)
		kmem_free(d->dir_hash, d->dir_hashsize * sizeof(void *),
			  &M_MEMFS_HASH);
	d->dir_hash = NULL;
	d->dir_hashsize = 0;
	d->dir_count = 0;
}

/* The first entry with cookie >= off, or NULL. */
static struct memfs_dirent *dir_seek(struct memfs_dir *d, uint64_t off)
{
	uint64_t cookie;

	if (off >= d->dir_nextcookie)
		return NULL;
	cookie = memfs_radix_next(&d->dir_index, off, true);
	return cookie == MEMFS_RADIX_NONE
		       ? NULL
		       : memfs_radix_lookup(&d->dir_index, cookie);
}

static uint8_t dirent_type(enum vtype type)
{
	switch (type) {
	case VREG:
		return DT_REG;
	case VDIR:
		return DT_DIR;
	case VLNK:
		return DT_LNK;
	case VCHR:
		return DT_CHR;
	case VBLK:
		return DT_BLK;
	case VFIFO:
		return DT_FIFO;
	case VSOCK:
		return DT_SOCK;
	default:
		return DT_UNKNOWN;
	}
}

/* Records gathered for one uiomove; db_room is what the caller has left. */
struct dirbuf {
	uint64_t db_buf[DIRBUF_SIZE / sizeof(uint64_t)];
	size_t db_len;
	size_t db_room;
	struct uio *db_uio;
};

static int dirbuf_flush(struct dirbuf *db)
{
	int error = 0;

	if (db->db_len > 0)
		error = uiomove(db->db_buf, db->db_len, db->db_uio);
	db->db_len = 0;
	return error;
}

/* Add one record; *fitp false (and nothing added) when the caller's is full. */
static int dirbuf_add(struct dirbuf *db, uint64_t ino, uint64_t nextoff,
		      uint8_t type, const char *name, size_t len, bool *fitp)
{
	size_t reclen = roundup(DIRENT_HDRSIZE + len + 1, 8);
	struct rump_dirent *d;
	int error;

	*fitp = reclen <= db->db_room;
	if (!*fitp)
		return 0;
	if (db->db_len + reclen > sizeof(db->db_buf) &&
	    (error = dirbuf_flush(db)) != 0)
		return error;
	d = (struct rump_dirent *)((char *)db->db_buf + db->db_len);
	d->d_ino = ino;
	d->d_off = (int64_t)nextoff;
	d->d_reclen = (uint16_t)reclen;
	d->d_type = type;
	memcpy(d->d_name, name, len);
	memset(d->d_name + len, 0, reclen - DIRENT_HDRSIZE - len);
	db->db_len += reclen;
	db->db_room -= reclen;
	return 0;
}

/*
 * Records from cookie uio_offset on, as many whole ones as fit; d_off of
 * each is the cookie of the next, and uio_offset ends at the cookie after
 * the last one given.  EINVAL if not even one fits; ENOENT for a directory
 * that was removed (as Linux).  Directory vnode held shared.
 */
int memfs_dir_readdir(struct memfs_node *dn, struct uio *uio, bool *eofp)
{
	struct memfs_dir *d = &dn->n_dir;
	struct memfs_dirent *de, *next;
	struct dirbuf db;
	uint64_t start, off, nextoff;
	int error = 0, nrec = 0;
	bool fit = true;

	*eofp = false;
	if (uio->uio_offset < 0)
		return EINVAL;
	if (dn->n_nlink == 0)
		return ENOENT;
	off = start = (uint64_t)uio->uio_offset;
	db.db_len = 0;
	db.db_room = uio->uio_resid;
	db.db_uio = uio;

	de = off < 2 ? dir_first(d) : dir_seek(d, off);
	if (off == 0) {
		error = dirbuf_add(&db, dn->n_ino, 1, DT_DIR, ".", 1, &fit);
		if (error != 0 || !fit)
			goto out;
		nrec++;
		off = 1;
	}
	if (off == 1) {
		nextoff = de != NULL ? de->de_cookie : d->dir_nextcookie;
		error = dirbuf_add(&db, d->dir_parent->n_ino, nextoff, DT_DIR,
				   "..", 2, &fit);
		if (error != 0 || !fit)
			goto out;
		nrec++;
		off = nextoff;
	}
	for (; de != NULL; de = next) {
		next = dir_next(d, de);
		nextoff = next != NULL ? next->de_cookie : d->dir_nextcookie;
		error = dirbuf_add(&db, de->de_node->n_ino, nextoff,
				   dirent_type(de->de_node->n_type),
				   de->de_name, de->de_namelen, &fit);
		if (error != 0 || !fit)
			break;
		nrec++;
		off = nextoff;
	}
	*eofp = de == NULL;
out:
	if (error == 0)
		error = dirbuf_flush(&db);
	if (error == 0 && nrec == 0 && !fit)
		error = EINVAL;
	if (error != 0) {
		uio->uio_offset = (off_t)start;
		return error;
	}
	/* uiomove advanced it by bytes; it is a cookie. */
	uio->uio_offset = (off_t)off;
	memfs_touch_atime(dn);
	return 0;
}
