/*
 * cmd_copy.c -- rumpfs put, get and cp: one tree copier between two
 * "sides" (the host's file system through libc, the image through
 * rump_sys_*).  It copies regular files, directories, symbolic links,
 * FIFOs and device nodes, keeps hard links as links (within one run),
 * modes and access/modification times, and with -p the owners.  A
 * directory's times are set after its contents are written.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "rumpfs.h"

struct side {
	const char *name; /* "host" or "image", for messages */
	int (*lstat)(const char *, struct stat *);
	int (*stat)(const char *, struct stat *);
	int (*open)(const char *, int, ...);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*write)(int, const void *, size_t);
	int (*close)(int);
	int (*mkdir)(const char *, mode_t);
	int (*symlink)(const char *, const char *);
	ssize_t (*readlink)(const char *, char *, size_t);
	int (*mknod)(const char *, mode_t, dev_t);
	int (*chmod)(const char *, mode_t);
	int (*lchown)(const char *, uid_t, gid_t);
	int (*utimensat)(int, const char *, const struct timespec *, int);
	int (*link)(const char *, const char *);
	int (*unlink)(const char *);
	int (*listdir)(const char *, char ***, size_t *);
	int (*get_errno)(void);
};

static int host_errno(void)
{
	return errno;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The host side's directory listing, in rfs_listdir's format. */
static int host_listdir(const char *path, char ***names, size_t *count)
{
	DIR *d = opendir(path);
	struct dirent *e;
	size_t n = 0, cap = 0;
	char **v = NULL;

	if (d == NULL)
		return errno;
	while ((errno = 0, e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap * 2 + 32;
			v = realloc(v, cap * sizeof(char *));
			if (v == NULL) {
				rfs_warn(ENOMEM, "listing %s", path);
				exit(1);
			}
		}
		v[n] = strdup(e->d_name);
		if (v[n++] == NULL) {
			rfs_warn(ENOMEM, "listing %s", path);
			exit(1);
		}
	}
	int error = errno;

	closedir(d);
	if (error != 0) {
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return error;
	}
	if (n > 1)
		qsort(v, n, sizeof(char *), cmp_names);
	*names = v;
	*count = n;
	return 0;
}

static void host_freelist(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int host_mknod(const char *p, mode_t m, dev_t d)
{
	return mknod(p, m, d);
}

static const struct side host_side = {
	"host", lstat,	   stat,    open,     read,	    write,
	close,	mkdir,	   symlink, readlink, host_mknod,   chmod,
	lchown, utimensat, link,    unlink,   host_listdir, host_errno,
};

static int rump_open_v(const char *p, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	return rump_sys_open(p, flags, mode);
}

static const struct side rump_side = {
	"image",	  rump_sys_lstat,     rump_sys_stat,  rump_open_v,
	rump_sys_read,	  rump_sys_write,     rump_sys_close, rump_sys_mkdir,
	rump_sys_symlink, rump_sys_readlink,  rump_sys_mknod, rump_sys_chmod,
	rump_sys_lchown,  rump_sys_utimensat, rump_sys_link,  rump_sys_unlink,
	rfs_listdir,	  host_errno,
};

struct copy {
	const struct side *from, *to;
	bool owners;
	const char *cmd;
	/* Hard links seen: (dev, ino) of the source -> destination path. */
	struct hardlink {
		dev_t dev;
		ino_t ino;
		char *path;
	} * links;
	size_t nlinks, caplinks;
};

static void free_names(const struct copy *c, char **names, size_t n)
{
	if (c->from == &host_side)
		host_freelist(names, n);
	else
		free(names);
}

static int copy_data(struct copy *c, const char *src, const char *dst,
		     const struct stat *st)
{
	static char buf[1 << 20];
	int in, out, rc = 0;
	ssize_t n;

	in = c->from->open(src, O_RDONLY | O_NOFOLLOW);
	if (in == -1) {
		rfs_warn(errno, "%s: %s %s", c->cmd, c->from->name, src);
		return 1;
	}
	out = c->to->open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
			  (int)(st->st_mode & 07777) | 0200);
	if (out == -1) {
		rfs_warn(errno, "%s: %s %s", c->cmd, c->to->name, dst);
		c->from->close(in);
		return 1;
	}
	while ((n = c->from->read(in, buf, sizeof(buf))) > 0) {
		for (ssize_t done = 0, w; done < n; done += w) {
			w = c->to->write(out, buf + done, (size_t)(n - done));
			if (w == -1) {
				rfs_warn(errno, "%s: %s %s", c->cmd,
					 c->to->name, dst);
				rc = 1;
				goto out;
			}
		}
	}
	if (n == -1) {
		rfs_warn(errno, "%s: %s %s", c->cmd, c->from->name, src);
		rc = 1;
	}
out:
	c->from->close(in);
	if (c->to->close(out) == -1 && rc == 0) {
		rfs_warn(errno, "%s: %s %s", c->cmd, c->to->name, dst);
		rc = 1;
	}
	return rc;
}

/* A hard link of an earlier copied file: link it and say true. */
static bool copy_hardlink(struct copy *c, const char *dst,
			  const struct stat *st, int *rc)
{
	if (S_ISDIR(st->st_mode) || st->st_nlink < 2)
		return false;
	for (size_t i = 0; i < c->nlinks; i++) {
		if (c->links[i].dev != st->st_dev ||
		    c->links[i].ino != st->st_ino)
			continue;
		c->to->unlink(dst); /* replace, as a copy would */
		if (c->to->link(c->links[i].path, dst) == -1) {
			rfs_warn(errno, "%s: link %s to %s", c->cmd, dst,
				 c->links[i].path);
			*rc = 1;
		}
		return true;
	}
	if (c->nlinks == c->caplinks) {
		c->caplinks = c->caplinks * 2 + 32;
		c->links = realloc(c->links, c->caplinks * sizeof(*c->links));
		if (c->links == NULL) {
			rfs_warn(ENOMEM, "%s", c->cmd);
			exit(1);
		}
	}
	c->links[c->nlinks].dev = st->st_dev;
	c->links[c->nlinks].ino = st->st_ino;
	c->links[c->nlinks].path = strdup(dst);
	if (c->links[c->nlinks].path == NULL) {
		rfs_warn(ENOMEM, "%s", c->cmd);
		exit(1);
	}
	c->nlinks++;
	return false;
}

/* Owner, mode and times of dst from st; symbolic links only owner and
 * times. */
static int copy_attrs(struct copy *c, const char *dst, const struct stat *st)
{
	struct timespec ts[2] = {st->st_atim, st->st_mtim};
	int rc = 0;

	if (c->owners && c->to->lchown(dst, st->st_uid, st->st_gid) == -1) {
		rfs_warn(errno, "%s: chown %s %s", c->cmd, c->to->name, dst);
		rc = 1;
	}
	/* After chown, which may clear set-id bits. */
	if (!S_ISLNK(st->st_mode) &&
	    c->to->chmod(dst, st->st_mode & 07777) == -1) {
		rfs_warn(errno, "%s: chmod %s %s", c->cmd, c->to->name, dst);
		rc = 1;
	}
	if (c->to->utimensat(AT_FDCWD, dst, ts, AT_SYMLINK_NOFOLLOW) == -1) {
		rfs_warn(errno, "%s: times of %s %s", c->cmd, c->to->name, dst);
		rc = 1;
	}
	return rc;
}

static int copy_tree(struct copy *c, const char *src, const char *dst)
{
	struct stat st, dst_st;
	char target[4097];
	char **names;
	size_t n;
	ssize_t len;
	int error, rc = 0;

	if (c->from->lstat(src, &st) == -1) {
		rfs_warn(errno, "%s: %s %s", c->cmd, c->from->name, src);
		return 1;
	}
	if (copy_hardlink(c, dst, &st, &rc))
		return rc;
	if (S_ISREG(st.st_mode)) {
		rc = copy_data(c, src, dst, &st);
	} else if (S_ISDIR(st.st_mode)) {
		if (c->to->mkdir(dst, 0700) == -1 &&
		    (errno != EEXIST || c->to->lstat(dst, &dst_st) == -1 ||
		     !S_ISDIR(dst_st.st_mode))) {
			rfs_warn(errno, "%s: mkdir %s %s", c->cmd, c->to->name,
				 dst);
			return 1;
		}
		error = c->from->listdir(src, &names, &n);
		if (error != 0) {
			rfs_warn(error, "%s: %s %s", c->cmd, c->from->name,
				 src);
			rc = 1;
		} else {
			for (size_t i = 0; i < n; i++) {
				char *s = rfs_join(src, names[i]);
				char *d = rfs_join(dst, names[i]);

				rc |= copy_tree(c, s, d);
				free(s);
				free(d);
			}
			free_names(c, names, n);
		}
	} else if (S_ISLNK(st.st_mode)) {
		len = c->from->readlink(src, target, sizeof(target) - 1);
		if (len == -1) {
			rfs_warn(errno, "%s: readlink %s %s", c->cmd,
				 c->from->name, src);
			return 1;
		}
		target[len] = '\0';
		c->to->unlink(dst);
		if (c->to->symlink(target, dst) == -1) {
			rfs_warn(errno, "%s: symlink %s %s", c->cmd,
				 c->to->name, dst);
			return 1;
		}
	} else {
		c->to->unlink(dst);
		if (c->to->mknod(dst, st.st_mode, st.st_rdev) == -1) {
			rfs_warn(errno, "%s: mknod %s %s", c->cmd, c->to->name,
				 dst);
			return 1;
		}
	}
	rc |= copy_attrs(c, dst, &st);
	return rc;
}

/* CMD [-p] SRC... DEST with the usual "into DEST if it is a directory"
 * rule. */
static int copy_main(const char *cmd, const struct side *from,
		     const struct side *to, int argc, char **argv)
{
	struct copy c = {from, to, false, cmd, NULL, 0, 0};
	bool recurse = to != &rump_side || from != &rump_side;
	struct stat st;
	bool intodir;
	int opt, rc = 0;

	while ((opt = getopt(argc, argv, "+prRa")) != -1)
		switch (opt) {
		case 'p':
			c.owners = true;
			break;
		case 'a':
			c.owners = true;
			recurse = true;
			break;
		case 'r':
		case 'R':
			recurse = true;
			break;
		default:
			return rfs_usage(cmd);
		}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		return rfs_usage(cmd);
	intodir = to->stat(argv[argc - 1], &st) == 0 && S_ISDIR(st.st_mode);
	if (argc > 2 && !intodir) {
		rfs_warn(ENOTDIR, "%s: %s %s", cmd, to->name, argv[argc - 1]);
		return 1;
	}
	for (int i = 0; i < argc - 1; i++) {
		char *src = strdup(argv[i]), *dst;
		size_t l = strlen(src);

		if (src == NULL) {
			rfs_warn(ENOMEM, "%s", cmd);
			return 1;
		}
		while (l > 1 && src[l - 1] == '/')
			src[--l] = '\0';
		if (!recurse && from->lstat(src, &st) == 0 &&
		    S_ISDIR(st.st_mode)) {
			rfs_warn(EISDIR, "%s: %s (use -r)", cmd, src);
			free(src);
			rc = 1;
			continue;
		}
		dst = intodir ? rfs_join(argv[argc - 1], rfs_base(src))
			      : strdup(argv[argc - 1]);
		if (dst == NULL) {
			rfs_warn(ENOMEM, "%s", cmd);
			return 1;
		}
		rc |= copy_tree(&c, src, dst);
		free(src);
		free(dst);
	}
	for (size_t i = 0; i < c.nlinks; i++)
		free(c.links[i].path);
	free(c.links);
	return rc;
}

int rfs_put(int argc, char **argv)
{
	return copy_main("put", &host_side, &rump_side, argc, argv);
}

int rfs_get(int argc, char **argv)
{
	return copy_main("get", &rump_side, &host_side, argc, argv);
}

int rfs_cp(int argc, char **argv)
{
	return copy_main("cp", &rump_side, &rump_side, argc, argv);
}
