/*
 * hijack_walk.c -- scandir, glob, nftw and ftw over kernel directories.
 * glibc's versions read directories and stat files with calls inside
 * libc, which the library cannot see.  scandir and the tree walks are
 * done here with the library's own directory streams and stat for a
 * directory that goes to the kernel (host ones go to glibc), in glibc's
 * order and with its flags, errors and callback values; glob is glibc's
 * own run with GLOB_ALTDIRFUNC and the library's directory and stat
 * functions, so that every pattern sees both sides.
 */
#include <search.h>
#include <string.h>

#include "hijack.h"

/* ---- scandir ---- */

static int
hijack_scan(DIR *d, struct dirent ***list, int (*sel)(const struct dirent *),
	    int (*cmp)(const struct dirent **, const struct dirent **))
{
	struct dirent **v = NULL, *ent;
	size_t n = 0, cap = 0, i;
	int e = errno;

	for (;;) {
		struct dirent *copy;

		errno = 0;
		ent = readdir(d);
		if (ent == NULL)
			break;
		if (sel != NULL && !sel(ent))
			continue;
		if (n == cap) {
			struct dirent **bigger;

			cap = cap == 0 ? 16 : cap * 2;
			bigger = realloc(v, cap * sizeof(*v));
			if (bigger == NULL)
				break;
			v = bigger;
		}
		copy = malloc(ent->d_reclen);
		if (copy == NULL)
			break;
		memcpy(copy, ent, ent->d_reclen);
		v[n++] = copy;
	}
	if (errno != 0) {
		e = errno;
		for (i = 0; i < n; i++)
			free(v[i]);
		free(v);
		closedir(d);
		errno = e;
		return -1;
	}
	closedir(d);
	if (cmp != NULL && n > 1)
		qsort(v, n, sizeof(*v),
		      (int (*)(const void *, const void *))(void (*)(void))cmp);
	*list = v;
	errno = e;
	return (int)n;
}

int scandirat(int dirfd, const char *path, struct dirent ***list,
	      int (*sel)(const struct dirent *),
	      int (*cmp)(const struct dirent **, const struct dirent **))
{
	const char *kp;
	DIR *d;
	int kd, fd, e;

	if (HIJACK_BYPASS() ||
	    hijack_route_at(dirfd, path, &kd, &kp) == HIJACK_HOST)
		return HOST(scandirat)(dirfd, path, list, sel, cmp);
	fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	d = fdopendir(fd);
	if (d == NULL) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return hijack_scan(d, list, sel, cmp);
}
HIJACK_ALIAS(scandirat64, scandirat);

int scandir(const char *path, struct dirent ***list,
	    int (*sel)(const struct dirent *),
	    int (*cmp)(const struct dirent **, const struct dirent **))
{
	if (!hijack_path_inkernel(path))
		return HOST(scandir)(path, list, sel, cmp);
	return scandirat(AT_FDCWD, path, list, sel, cmp);
}
HIJACK_ALIAS(scandir64, scandir);

/* ---- glob ---- */

static void *hijack_glob_opendir(const char *path)
{
	return opendir(path);
}

static struct dirent *hijack_glob_readdir(void *d)
{
	return readdir(d);
}

static void hijack_glob_closedir(void *d)
{
	closedir(d);
}

static int hijack_glob_stat(const char *path, struct stat *st)
{
	return hijack_fstatat(AT_FDCWD, path, st, 0);
}

static int hijack_glob_lstat(const char *path, struct stat *st)
{
	return hijack_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

int glob(const char *restrict pattern, int flags,
	 int (*errfunc)(const char *, int), glob_t *restrict g)
{
	int rv;

	/* a caller's own directory functions are the caller's business */
	if (HIJACK_BYPASS() || (flags & GLOB_ALTDIRFUNC) != 0)
		return HOST(glob)(pattern, flags, errfunc, g);
	g->gl_opendir = hijack_glob_opendir;
	g->gl_readdir = hijack_glob_readdir;
	g->gl_closedir = hijack_glob_closedir;
	g->gl_stat = hijack_glob_stat;
	g->gl_lstat = hijack_glob_lstat;
	rv = HOST(glob)(pattern, flags | GLOB_ALTDIRFUNC, errfunc, g);
	g->gl_flags &= ~GLOB_ALTDIRFUNC;
	return rv;
}
HIJACK_ALIAS(glob64, glob);

/* ---- nftw, ftw ---- */

typedef int (*hijack_nftw_fn)(const char *, const struct stat *, int,
			      struct FTW *);
typedef int (*hijack_ftw_fn)(const char *, const struct stat *, int);

struct hijack_walk {
	char *buf; /* the path of the current object */
	size_t cap;
	struct FTW ftw;
	int flags;
	bool nftw;
	void *fn;
	dev_t dev;   /* of the start, for FTW_MOUNT */
	void *known; /* directories seen (tsearch), unless FTW_PHYS */
};

struct hijack_walk_id {
	dev_t dev;
	ino_t ino;
};

static int hijack_walk_idcmp(const void *a, const void *b)
{
	const struct hijack_walk_id *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

/* ftw has fewer kinds than nftw: links are files, dangling ones NS */
static int hijack_walk_call(struct hijack_walk *w, const struct stat *st,
			    int flag)
{
	if (w->nftw)
		return ((hijack_nftw_fn)w->fn)(w->buf, st, flag, &w->ftw);
	if (flag == FTW_SL)
		flag = FTW_F;
	else if (flag == FTW_DP)
		flag = FTW_D;
	else if (flag == FTW_SLN)
		flag = FTW_NS;
	return ((hijack_ftw_fn)w->fn)(w->buf, st, flag);
}

/* remember directory st; 1 if it was known already, -1 on no memory */
static int hijack_walk_seen(struct hijack_walk *w, const struct stat *st)
{
	struct hijack_walk_id key = {st->st_dev, st->st_ino}, *id;
	void *node;

	if (tfind(&key, &w->known, hijack_walk_idcmp) != NULL)
		return 1;
	id = malloc(sizeof(*id));
	if (id == NULL)
		return -1;
	*id = key;
	node = tsearch(id, &w->known, hijack_walk_idcmp);
	if (node == NULL) {
		free(id);
		return -1;
	}
	return 0;
}

static int hijack_walk_dir(struct hijack_walk *w, const struct stat *st,
			   DIR *parent);

/* One entry of directory d (fd dfd): the name goes after w->ftw.base. */
static int hijack_walk_entry(struct hijack_walk *w, DIR *d, const char *name)
{
	size_t nlen = strlen(name), need = (size_t)w->ftw.base + nlen + 2;
	int statflags = (w->flags & FTW_PHYS) != 0 ? AT_SYMLINK_NOFOLLOW : 0;
	int dfd = dirfd(d), flag, rv = 0, seen;
	struct stat st;

	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	if (need > w->cap) {
		char *bigger = realloc(w->buf, need * 2);

		if (bigger == NULL)
			return -1;
		w->buf = bigger;
		w->cap = need * 2;
	}
	memcpy(w->buf + w->ftw.base, name, nlen + 1);
	if (hijack_fstatat(dfd, name, &st, statflags) == -1) {
		if (errno != EACCES && errno != ENOENT)
			return -1;
		/* a dangling link is reported with the link's own stat */
		if ((w->flags & FTW_PHYS) != 0)
			flag = FTW_NS;
		else
			flag = hijack_fstatat(dfd, name, &st,
					      AT_SYMLINK_NOFOLLOW) == 0 &&
					       S_ISLNK(st.st_mode)
				       ? FTW_SLN
				       : FTW_NS;
	} else {
		flag = S_ISDIR(st.st_mode)   ? FTW_D
		       : S_ISLNK(st.st_mode) ? FTW_SL
					     : FTW_F;
	}
	if (flag == FTW_NS || (w->flags & FTW_MOUNT) == 0 ||
	    st.st_dev == w->dev) {
		if (flag != FTW_D)
			rv = hijack_walk_call(w, &st, flag);
		else if ((w->flags & FTW_PHYS) != 0)
			rv = hijack_walk_dir(w, &st, d);
		else if ((seen = hijack_walk_seen(w, &st)) != 0)
			rv = seen < 0 ? -1 : 0; /* a loop: not again */
		else
			rv = hijack_walk_dir(w, &st, d);
	}
	if ((w->flags & FTW_ACTIONRETVAL) != 0 && rv == FTW_SKIP_SUBTREE)
		rv = 0;
	return rv;
}

/* Directory w->buf: report it, walk its entries, report it after. */
static int hijack_walk_dir(struct hijack_walk *w, const struct stat *st,
			   DIR *parent)
{
	int base = w->ftw.base, rv = 0, e;
	struct dirent *ent;
	char *end;
	DIR *d;

	/* relative to the parent's stream: the cwd may be elsewhere */
	if (parent != NULL) {
		int fd = openat(dirfd(parent), w->buf + base,
				O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		d = fd == -1 ? NULL : fdopendir(fd);
		if (d == NULL && fd != -1) {
			e = errno;
			close(fd);
			errno = e;
		}
	} else {
		const char *name = w->buf;

		if ((w->flags & FTW_CHDIR) != 0)
			name = w->buf[base] != '\0' ? w->buf + base : ".";
		d = opendir(name);
	}
	if (d == NULL)
		return errno == EACCES ? hijack_walk_call(w, st, FTW_DNR) : -1;
	if ((w->flags & FTW_DEPTH) == 0 &&
	    (rv = hijack_walk_call(w, st, FTW_D)) != 0)
		goto out;
	if ((w->flags & FTW_CHDIR) != 0 && fchdir(dirfd(d)) == -1) {
		rv = -1;
		goto out;
	}
	w->ftw.level++;
	end = w->buf + strlen(w->buf);
	if (end[-1] != '/')
		*end++ = '/';
	w->ftw.base = (int)(end - w->buf);
	while ((ent = readdir(d)) != NULL) {
		rv = hijack_walk_entry(w, d, ent->d_name);
		if (rv != 0)
			break;
	}
	if ((w->flags & FTW_ACTIONRETVAL) != 0 && rv == FTW_SKIP_SIBLINGS)
		rv = 0;
	w->buf[w->ftw.base - 1] = '\0';
	w->ftw.level--;
	w->ftw.base = base;
	if (rv == 0 && (w->flags & FTW_DEPTH) != 0)
		rv = hijack_walk_call(w, st, FTW_DP);
	/* back into the parent, as glibc does */
	if (parent != NULL && (w->flags & FTW_CHDIR) != 0 &&
	    (rv == 0 || ((w->flags & FTW_ACTIONRETVAL) != 0 && rv != -1 &&
			 rv != FTW_STOP)) &&
	    fchdir(dirfd(parent)) == -1)
		rv = -1;
out:
	e = errno;
	closedir(d);
	errno = e;
	return rv;
}

static int hijack_walk_start(struct hijack_walk *w, const char *path)
{
	int statflags = (w->flags & FTW_PHYS) != 0 ? AT_SYMLINK_NOFOLLOW : 0;
	const char *name = w->buf;
	char *end = w->buf + strlen(path), saved;
	struct stat st;
	int rv = 0, seen;

	while (end > w->buf + 1 && end[-1] == '/')
		end--;
	*end = '\0';
	while (end > w->buf && end[-1] != '/')
		end--;
	w->ftw.base = (int)(end - w->buf);
	/* FTW_CHDIR: into the directory the start is in */
	if ((w->flags & FTW_CHDIR) != 0 && w->ftw.base > 0) {
		if (w->ftw.base == 1) {
			rv = chdir("/");
		} else {
			saved = w->buf[w->ftw.base - 1];
			w->buf[w->ftw.base - 1] = '\0';
			rv = chdir(w->buf);
			w->buf[w->ftw.base - 1] = saved;
		}
		if (rv == -1)
			return -1;
	}
	if ((w->flags & FTW_CHDIR) != 0)
		name = w->buf[w->ftw.base] != '\0' ? w->buf + w->ftw.base : ".";
	if (hijack_fstatat(AT_FDCWD, name, &st, statflags) == -1) {
		if ((w->flags & FTW_PHYS) == 0 && errno == ENOENT &&
		    hijack_fstatat(AT_FDCWD, name, &st, AT_SYMLINK_NOFOLLOW) ==
			    0 &&
		    S_ISLNK(st.st_mode))
			rv = hijack_walk_call(w, &st, FTW_SLN);
		else
			rv = -1;
	} else if (S_ISDIR(st.st_mode)) {
		w->dev = st.st_dev;
		if ((w->flags & FTW_PHYS) == 0 &&
		    (seen = hijack_walk_seen(w, &st)) < 0)
			rv = -1;
		if (rv == 0)
			rv = hijack_walk_dir(w, &st, NULL);
	} else {
		rv = hijack_walk_call(w, &st,
				      S_ISLNK(st.st_mode) ? FTW_SL : FTW_F);
	}
	if ((w->flags & FTW_ACTIONRETVAL) != 0 &&
	    (rv == FTW_SKIP_SUBTREE || rv == FTW_SKIP_SIBLINGS))
		rv = 0;
	return rv;
}

static int hijack_walk(const char *path, void *fn, bool nftw, int flags)
{
	struct hijack_walk w = {.flags = flags, .nftw = nftw, .fn = fn};
	size_t len = strlen(path);
	int rv, e, cwd = -1;

	if (path[0] == '\0')
		return hijack_fail(ENOENT);
	w.cap = len * 2 > PATH_MAX ? len * 2 : PATH_MAX;
	w.buf = malloc(w.cap);
	if (w.buf == NULL)
		return -1;
	memcpy(w.buf, path, len + 1);
	/* FTW_CHDIR moves the working directory: back to it at the end */
	if ((flags & FTW_CHDIR) != 0 &&
	    (cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		free(w.buf);
		return -1;
	}
	rv = hijack_walk_start(&w, path);
	e = errno;
	if (cwd != -1) {
		fchdir(cwd);
		close(cwd);
	}
	tdestroy(w.known, free);
	free(w.buf);
	errno = e;
	return rv;
}

int nftw(const char *path, hijack_nftw_fn fn, int nopenfd, int flags)
{
	if (!hijack_path_inkernel(path))
		return HOST(nftw)(path, fn, nopenfd, flags);
	if ((flags & ~(FTW_PHYS | FTW_MOUNT | FTW_CHDIR | FTW_DEPTH |
		       FTW_ACTIONRETVAL)) != 0)
		return hijack_fail(EINVAL);
	/* one stream per level, whatever nopenfd says */
	return hijack_walk(path, (void *)fn, true, flags);
}
HIJACK_ALIAS(nftw64, nftw);

int ftw(const char *path, hijack_ftw_fn fn, int nopenfd)
{
	if (!hijack_path_inkernel(path))
		return HOST(ftw)(path, fn, nopenfd);
	return hijack_walk(path, (void *)fn, false, 0);
}
HIJACK_ALIAS(ftw64, ftw);
