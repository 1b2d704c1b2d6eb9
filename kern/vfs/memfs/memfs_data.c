/*
 * memfs_data.c -- regular file data: 4 KiB pages in a radix tree
 * (memfs_radix.c) indexed by page number, so holes cost no memory and
 * files may be as large as off_t allows.  Reads copy straight from the pages
 * (holes from a page of zeros), writes straight into them, one uiomove
 * per page.  Invariants: no page lies wholly at or beyond the file size,
 * and the bytes of the last page beyond the size are zero, so growing a
 * file never needs to clear anything.  Callers hold the vnode lock:
 * shared for reads and seeks, exclusive for anything that changes data.
 */
#include "memfs_int.h"

static const char zeropage[MEMFS_PAGE_SIZE];

/* Pages the file's size covers: those that may exist. */
static uint64_t size_pages(int64_t size)
{
	return ((uint64_t)size + MEMFS_PAGE_MASK) >> MEMFS_PAGE_SHIFT;
}

static char *page_lookup(struct memfs_node *n, uint64_t idx)
{
	return memfs_radix_lookup(&n->n_pages.pg_tree, idx);
}

/* Called for each page the tree lets go of. */
static void page_free_cb(void *page, void *arg)
{
	struct memfs_node *n = arg;

	kmem_free(page, MEMFS_PAGE_SIZE, &M_MEMFS_DATA);
	n->n_pages.pg_count--;
	memfs_pages_release(n->n_mount, 1);
}

static void page_remove(struct memfs_node *n, uint64_t idx)
{
	void *page = memfs_radix_remove(&n->n_pages.pg_tree, idx);

	if (page != NULL)
		page_free_cb(page, n);
}

/*
 * A new page at idx, its contents undefined; ENOSPC at the size limit,
 * ENOMEM.
 */
static int page_alloc(struct memfs_node *n, uint64_t idx, char **pagep)
{
	void *page;
	int error;

	if (!memfs_pages_reserve(n->n_mount, 1))
		return ENOSPC;
	page = kmem_alloc(MEMFS_PAGE_SIZE, &M_MEMFS_DATA);
	if (page == NULL) {
		memfs_pages_release(n->n_mount, 1);
		return ENOMEM;
	}
	if ((error = memfs_radix_insert(&n->n_pages.pg_tree, idx, page))) {
		kmem_free(page, MEMFS_PAGE_SIZE, &M_MEMFS_DATA);
		memfs_pages_release(n->n_mount, 1);
		return error;
	}
	n->n_pages.pg_count++;
	*pagep = page;
	return 0;
}

void memfs_data_free(struct memfs_node *n)
{
	memfs_radix_truncate(&n->n_pages.pg_tree, 0, page_free_cb, n);
	KASSERT(n->n_pages.pg_count == 0);
	n->n_size = 0;
}

int memfs_data_read(struct memfs_node *n, struct uio *uio)
{
	const char *page;
	int error = 0;

	if (uio->uio_offset < 0)
		return EINVAL;
	while (uio->uio_resid > 0 && uio->uio_offset < n->n_size) {
		uint64_t off = (uint64_t)uio->uio_offset;
		size_t pgoff = off & MEMFS_PAGE_MASK;
		size_t len = MIN(MEMFS_PAGE_SIZE - pgoff, uio->uio_resid);

		len = (size_t)MIN((uint64_t)len, (uint64_t)n->n_size - off);
		page = page_lookup(n, off >> MEMFS_PAGE_SHIFT);
		if (page == NULL)
			page = zeropage;
		if ((error = uiomove((char *)page + pgoff, len, uio)) != 0)
			break;
	}
	return error;
}

/*
 * Write from uio_offset (the end with IO_APPEND) page by page.  At the
 * size limit, or without memory, it stops before the page it cannot get:
 * what was written stays and is reported (0 with uio_resid left), and if
 * nothing was, the error is.  Nothing it reports unwritten has changed.
 */
int memfs_data_write(struct memfs_node *n, struct uio *uio, int ioflag)
{
	size_t start = uio->uio_resid;
	int error = 0;

	if (ioflag & IO_APPEND)
		uio->uio_offset = n->n_size;
	if (uio->uio_offset < 0)
		return EINVAL;
	if (uio->uio_resid == 0)
		return 0;
	if (uio->uio_offset >= MEMFS_MAXFILESIZE)
		return EFBIG;
	while (uio->uio_resid > 0 && uio->uio_offset < MEMFS_MAXFILESIZE) {
		uint64_t off = (uint64_t)uio->uio_offset;
		uint64_t idx = off >> MEMFS_PAGE_SHIFT;
		size_t pgoff = off & MEMFS_PAGE_MASK, before, moved;
		size_t len = MIN(MEMFS_PAGE_SIZE - pgoff, uio->uio_resid);
		char *page = page_lookup(n, idx);
		bool fresh = page == NULL;

		len = (size_t)MIN((uint64_t)len, MEMFS_MAXFILESIZE - off);
		if (fresh) {
			if ((error = page_alloc(n, idx, &page)) != 0)
				break;
			memset(page, 0, pgoff);
			memset(page + pgoff + len, 0,
			       MEMFS_PAGE_SIZE - pgoff - len);
		}
		before = uio->uio_resid;
		error = uiomove(page + pgoff, len, uio);
		moved = before - uio->uio_resid;
		if (off + moved > (uint64_t)n->n_size)
			n->n_size = (int64_t)(off + moved);
		if (error == 0)
			continue;
		/* A fault part way: what was not copied reads as zeros. */
		if (fresh) {
			memset(page + pgoff + moved, 0, len - moved);
			if (idx >= size_pages(n->n_size))
				page_remove(n, idx);
		}
		break;
	}
	if (uio->uio_resid != start)
		return 0;
	return error != 0 ? error : EFBIG;
}

/* Set the size: pages past it freed, the last one's tail zeroed. */
int memfs_data_truncate(struct memfs_node *n, int64_t size)
{
	char *page;
	size_t tail;

	if (size < 0)
		return EINVAL;
	if (size < n->n_size) {
		memfs_radix_truncate(&n->n_pages.pg_tree, size_pages(size),
				     page_free_cb, n);
		tail = (size_t)size & MEMFS_PAGE_MASK;
		page = page_lookup(n, (uint64_t)size >> MEMFS_PAGE_SHIFT);
		if (tail != 0 && page != NULL)
			memset(page + tail, 0, MEMFS_PAGE_SIZE - tail);
	}
	n->n_size = size;
	return 0;
}

static bool page_is_zero(const char *page)
{
	return memcmp(page, zeropage, MEMFS_PAGE_SIZE) == 0;
}

/*
 * Back [off, off+len) with zeroed pages and extend the size to cover it.
 * On failure (ENOSPC, ENOMEM) the pages it added are freed again (with
 * any other page of zeros in the range, which reads the same as a hole)
 * and the size is unchanged.
 */
int memfs_data_fallocate(struct memfs_node *n, off_t off, off_t len)
{
	uint64_t first, last, idx;
	struct memfs_mount *mm = n->n_mount;
	char *page;
	int error = 0;

	if (off < 0 || len <= 0)
		return EINVAL;
	if (off > MEMFS_MAXFILESIZE - len)
		return EFBIG;
	first = (uint64_t)off >> MEMFS_PAGE_SHIFT;
	last = (uint64_t)(off + len - 1) >> MEMFS_PAGE_SHIFT;
	if (mm->mm_maxpages != 0 && last - first >= mm->mm_maxpages)
		return ENOSPC;
	for (idx = first; idx <= last; idx++) {
		if (page_lookup(n, idx) != NULL)
			continue;
		if ((error = page_alloc(n, idx, &page)) != 0)
			break;
		memset(page, 0, MEMFS_PAGE_SIZE);
	}
	if (error == 0) {
		if (off + len > n->n_size)
			n->n_size = off + len;
		return 0;
	}
	for (uint64_t i = first; i < idx; i++) {
		page = page_lookup(n, i);
		if (page != NULL &&
		    (i >= size_pages(n->n_size) || page_is_zero(page)))
			page_remove(n, i);
	}
	return error;
}

/* SEEK_DATA / SEEK_HOLE at page granularity; ENXIO at or past the end. */
int memfs_data_seek(struct memfs_node *n, off_t off, int whence, off_t *resultp)
{
	uint64_t idx, npages = size_pages(n->n_size);

	if (off < 0 || off >= n->n_size)
		return ENXIO;
	if (whence != SEEK_DATA && whence != SEEK_HOLE)
		return EINVAL;
	idx = memfs_radix_next(&n->n_pages.pg_tree,
			       (uint64_t)off >> MEMFS_PAGE_SHIFT,
			       whence == SEEK_DATA);
	if (idx >= npages) {
		/* No data left; the hole at the end of the file. */
		if (whence == SEEK_DATA)
			return ENXIO;
		*resultp = n->n_size;
		return 0;
	}
	*resultp = MAX(off, (off_t)(idx << MEMFS_PAGE_SHIFT));
	return 0;
}
