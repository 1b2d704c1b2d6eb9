/*
 * nodes.c -- rump_fuse's table of the inodes the host kernel knows
 * (FUSE's node IDs).  A node is found by its inode number in the image
 * and reached through one of the names it was seen under (parent node +
 * name), from which a kernel path is built; the descriptors the host
 * holds open on it let it be reached when it has no name left (unlinked
 * but open).  A node ID is the node's address (1 is the root), so an
 * inode number the file system reuses after a delete gets a new node
 * while the host may still hold the old one.  One mutex guards the
 * table; a node lives while the host looks it up, holds it open, or a
 * child's name refers to it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/fsimage.h"
#include "rump_fuse.h"

#define NBUCKETS 4096

static pthread_mutex_t nodes_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rf_node *buckets[NBUCKETS];
static struct rf_node root_node;
static uint64_t next_gen = 1;

void rf_nodes_init(uint64_t root_ino)
{
	root_node.ino = root_ino;
	root_node.nlookup = 1;
	root_node.gen = 0;
}

struct rf_node *rf_node_of(fuse_ino_t id)
{
	return id == FUSE_ROOT_ID ? &root_node
				  : (struct rf_node *)(uintptr_t)id;
}

fuse_ino_t rf_node_id(const struct rf_node *n)
{
	return n == &root_node ? FUSE_ROOT_ID : (fuse_ino_t)(uintptr_t)n;
}

static unsigned hash(uint64_t ino)
{
	return (unsigned)((ino * 0x9e3779b97f4a7c15ull) >> 52) % NBUCKETS;
}

static void unhash(struct rf_node *n)
{
	struct rf_node **pp;

	if (!n->hashed)
		return;
	for (pp = &buckets[hash(n->ino)]; *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == n) {
			*pp = n->hnext;
			break;
		}
	n->hashed = false;
}

/*
 * Free n if nothing holds it; then its names' parents may go too.  Each
 * name's reference is dropped just before that parent is judged, so the
 * parents of the names not yet dropped (n's other names still count on
 * them) cannot go away under the loop.  Recursion depth is at most the
 * directory depth.
 */
static void maybe_free(struct rf_node *n)
{
	struct rf_name *names;

	if (n == NULL || n == &root_node || n->nlookup != 0 || n->nfds != 0 ||
	    n->refs != 0)
		return;
	unhash(n);
	names = n->names;
	free(n->fds);
	free(n);
	while (names != NULL) {
		struct rf_name *nm = names;
		struct rf_node *parent = nm->parent;

		names = nm->next;
		free(nm);
		parent->refs--;
		maybe_free(parent);
	}
}

static bool has_name(struct rf_node *n, struct rf_node *parent,
		     const char *name)
{
	for (struct rf_name *nm = n->names; nm != NULL; nm = nm->next)
		if (nm->parent == parent && strcmp(nm->name, name) == 0)
			return true;
	return false;
}

static int add_name(struct rf_node *n, struct rf_node *parent, const char *name)
{
	struct rf_name *nm;
	size_t len = strlen(name);

	if (has_name(n, parent, name))
		return 0;
	nm = malloc(sizeof(*nm) + len + 1);
	if (nm == NULL)
		return ENOMEM;
	memcpy(nm->name, name, len + 1);
	nm->parent = parent;
	parent->refs++;
	nm->next = n->names;
	n->names = nm;
	return 0;
}

struct rf_node *rf_node_get(struct rf_node *parent, const char *name,
			    uint64_t ino)
{
	struct rf_node *n;

	pthread_mutex_lock(&nodes_lock);
	for (n = buckets[hash(ino)]; n != NULL; n = n->hnext)
		if (n->ino == ino)
			break;
	if (n == NULL) {
		n = calloc(1, sizeof(*n));
		if (n == NULL)
			goto out;
		n->ino = ino;
		n->gen = next_gen++;
		n->hashed = true;
		n->hnext = buckets[hash(ino)];
		buckets[hash(ino)] = n;
	}
	if (add_name(n, parent, name) != 0) {
		maybe_free(n);
		n = NULL;
		goto out;
	}
	n->nlookup++;
out:
	pthread_mutex_unlock(&nodes_lock);
	return n;
}

void rf_node_forget(struct rf_node *n, uint64_t count)
{
	if (n == &root_node)
		return;
	pthread_mutex_lock(&nodes_lock);
	n->nlookup = n->nlookup > count ? n->nlookup - count : 0;
	maybe_free(n);
	pthread_mutex_unlock(&nodes_lock);
}

/* The node of inode ino if the table has it (the lock is held). */
static struct rf_node *find_ino(uint64_t ino)
{
	struct rf_node *n;

	for (n = buckets[hash(ino)]; n != NULL; n = n->hnext)
		if (n->ino == ino)
			return n;
	return NULL;
}

void rf_node_unname(uint64_t ino, struct rf_node *parent, const char *name,
		    bool gone)
{
	struct rf_node *n;
	struct rf_name **pp;

	pthread_mutex_lock(&nodes_lock);
	n = find_ino(ino);
	if (n != NULL) {
		for (pp = &n->names; *pp != NULL; pp = &(*pp)->next)
			if ((*pp)->parent == parent &&
			    strcmp((*pp)->name, name) == 0) {
				struct rf_name *nm = *pp;

				*pp = nm->next;
				parent->refs--;
				free(nm);
				break;
			}
		/* Its last link went: the number may be reused. */
		if (gone)
			unhash(n);
		maybe_free(n);
	}
	pthread_mutex_unlock(&nodes_lock);
}

void rf_node_rename(uint64_t ino, struct rf_node *oldp, const char *oldname,
		    struct rf_node *newp, const char *newname)
{
	struct rf_node *n;
	struct rf_name **pp;

	pthread_mutex_lock(&nodes_lock);
	n = find_ino(ino);
	if (n != NULL) {
		for (pp = &n->names; *pp != NULL; pp = &(*pp)->next)
			if ((*pp)->parent == oldp &&
			    strcmp((*pp)->name, oldname) == 0) {
				struct rf_name *nm = *pp;

				*pp = nm->next;
				oldp->refs--;
				free(nm);
				break;
			}
		/* Without memory the node just has no name: the host looks
		 * it up again. */
		add_name(n, newp, newname);
		maybe_free(n);
	}
	pthread_mutex_unlock(&nodes_lock);
}

/* Write n's path (from the mount point in the kernel) backwards into the
 * end of buf; returns the start, or NULL (no name: errno ENOENT; too
 * long: ENAMETOOLONG). The lock is held. */
static char *build(struct rf_node *n, char *buf, size_t len, char *end)
{
	while (n != &root_node) {
		size_t l;

		if (n->names == NULL) {
			errno = ENOENT;
			return NULL;
		}
		l = strlen(n->names->name);
		if ((size_t)(end - buf) < l + 1 + sizeof(FSIMAGE_MNT)) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		end -= l;
		memcpy(end, n->names->name, l);
		*--end = '/';
		n = n->names->parent;
	}
	end -= sizeof(FSIMAGE_MNT) - 1;
	memcpy(end, FSIMAGE_MNT, sizeof(FSIMAGE_MNT) - 1);
	(void)len;
	return end;
}

int rf_node_path(struct rf_node *n, const char *name, struct rf_path *p)
{
	char *end = p->buf + sizeof(p->buf) - 1, *start;
	size_t l = name != NULL ? strlen(name) : 0;
	int error = 0;

	*end = '\0';
	if (name != NULL) {
		if (l + 2 + sizeof(FSIMAGE_MNT) > sizeof(p->buf))
			return ENAMETOOLONG;
		end -= l;
		memcpy(end, name, l);
		*--end = '/';
	}
	pthread_mutex_lock(&nodes_lock);
	p->used = n->names;
	start = build(n, p->buf, sizeof(p->buf), end);
	if (start == NULL)
		error = errno;
	pthread_mutex_unlock(&nodes_lock);
	p->p = start;
	return error;
}

void rf_node_stale(struct rf_node *n, const struct rf_path *p)
{
	struct rf_name **pp;

	pthread_mutex_lock(&nodes_lock);
	for (pp = &n->names; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p->used) {
			struct rf_name *nm = *pp;

			*pp = nm->next;
			nm->parent->refs--;
			maybe_free(nm->parent);
			free(nm);
			break;
		}
	pthread_mutex_unlock(&nodes_lock);
}

int rf_node_addfd(struct rf_node *n, int fd)
{
	int error = 0;

	pthread_mutex_lock(&nodes_lock);
	if (n->nfds == n->capfds) {
		int cap = n->capfds * 2 + 2;
		int *v = realloc(n->fds, (size_t)cap * sizeof(int));

		if (v == NULL) {
			error = ENOMEM;
			goto out;
		}
		n->fds = v;
		n->capfds = cap;
	}
	n->fds[n->nfds++] = fd;
out:
	pthread_mutex_unlock(&nodes_lock);
	return error;
}

void rf_node_delfd(struct rf_node *n, int fd)
{
	pthread_mutex_lock(&nodes_lock);
	for (int i = 0; i < n->nfds; i++)
		if (n->fds[i] == fd) {
			n->fds[i] = n->fds[--n->nfds];
			break;
		}
	maybe_free(n);
	pthread_mutex_unlock(&nodes_lock);
}

int rf_node_anyfd(struct rf_node *n)
{
	int fd;

	pthread_mutex_lock(&nodes_lock);
	fd = n->nfds > 0 ? n->fds[0] : -1;
	pthread_mutex_unlock(&nodes_lock);
	return fd;
}

uint64_t rf_node_gen(const struct rf_node *n)
{
	return n->gen;
}
