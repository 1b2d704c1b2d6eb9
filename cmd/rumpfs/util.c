/*
 * util.c -- rumpfs helpers: reading a directory of the image through
 * rump_sys_getdents64, path strings, mode strings and mode parsing
 * (octal, or chmod's symbolic "who op perms" clauses).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "rumpfs.h"

void *rfs_xmalloc(size_t n)
{
	void *p = malloc(n != 0 ? n : 1);

	if (p == NULL) {
		rfs_warn(ENOMEM, "malloc %zu", n);
		exit(1);
	}
	return p;
}

char *rfs_join(const char *dir, const char *name)
{
	size_t d = strlen(dir), n = strlen(name);
	char *p = rfs_xmalloc(d + n + 2);

	memcpy(p, dir, d);
	if (d == 0 || dir[d - 1] != '/')
		p[d++] = '/';
	memcpy(p + d, name, n + 1);
	return p;
}

const char *rfs_base(const char *path)
{
	const char *s = strrchr(path, '/');

	/* "dir/" and "/" stay whole: callers strip trailing slashes. */
	if (s == NULL || s[1] == '\0')
		return path;
	return s + 1;
}

struct rfs_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int rfs_listdir(const char *path, char ***names, size_t *count)
{
	char *buf = rfs_xmalloc(65536), *strs = NULL;
	size_t used = 0, cap = 0, n = 0;
	ssize_t got;
	int fd, error = 0;

	fd = rump_sys_open(path, O_RDONLY | O_DIRECTORY);
	if (fd == -1) {
		error = errno;
		free(buf);
		return error;
	}
	/* Names back to back in strs, NUL-terminated. */
	while ((got = rump_sys_getdents64(fd, buf, 65536)) > 0) {
		for (ssize_t at = 0; at < got;) {
			struct rfs_dirent64 *d = (void *)(buf + at);
			size_t len = strlen(d->d_name) + 1;

			at += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				continue;
			if (used + len > cap) {
				cap = (cap + len) * 2;
				strs = realloc(strs, cap);
				if (strs == NULL) {
					rfs_warn(ENOMEM, "listing %s", path);
					exit(1);
				}
			}
			memcpy(strs + used, d->d_name, len);
			used += len;
			n++;
		}
	}
	if (got == -1)
		error = errno;
	rump_sys_close(fd);
	free(buf);
	if (error != 0) {
		free(strs);
		return error;
	}
	/* One block: the pointer array, then the strings. */
	char **v = rfs_xmalloc(n * sizeof(char *) + used);
	char *s = (char *)(v + n);

	if (used > 0)
		memcpy(s, strs, used);
	free(strs);
	for (size_t i = 0; i < n; i++) {
		v[i] = s;
		s += strlen(s) + 1;
	}
	if (n > 1)
		qsort(v, n, sizeof(char *), cmp_names);
	*names = v;
	*count = n;
	return 0;
}

void rfs_modestr(mode_t m, char *b)
{
	b[0] = S_ISDIR(m)    ? 'd'
	       : S_ISLNK(m)  ? 'l'
	       : S_ISCHR(m)  ? 'c'
	       : S_ISBLK(m)  ? 'b'
	       : S_ISFIFO(m) ? 'p'
	       : S_ISSOCK(m) ? 's'
			     : '-';
	for (int i = 0; i < 3; i++) {
		int bits = (m >> (6 - 3 * i)) & 7;

		b[1 + 3 * i] = bits & 4 ? 'r' : '-';
		b[2 + 3 * i] = bits & 2 ? 'w' : '-';
		b[3 + 3 * i] = bits & 1 ? 'x' : '-';
	}
	if (m & S_ISUID)
		b[3] = b[3] == 'x' ? 's' : 'S';
	if (m & S_ISGID)
		b[6] = b[6] == 'x' ? 's' : 'S';
	if (m & S_ISVTX)
		b[9] = b[9] == 'x' ? 't' : 'T';
	b[10] = '\0';
}

/* One symbolic clause list: [ugoa]*[+-=][rwxXst]*, comma separated. */
static int parse_symbolic(const char *s, mode_t old, mode_t *mode)
{
	mode_t m = old & 07777;

	while (*s != '\0') {
		mode_t who = 0, perm = 0;
		char op;

		for (; strchr("ugoa", *s) != NULL && *s != '\0'; s++)
			who |= *s == 'u'   ? 04700
			       : *s == 'g' ? 02070
			       : *s == 'o' ? 01007
					   : 07777;
		if (who == 0)
			who = 07777;
		if (*s != '+' && *s != '-' && *s != '=')
			return EINVAL;
		op = *s++;
		for (; *s != '\0' && *s != ','; s++) {
			switch (*s) {
			case 'r':
				perm |= 0444;
				break;
			case 'w':
				perm |= 0222;
				break;
			case 'x':
				perm |= 0111;
				break;
			case 'X':
				if (S_ISDIR(old) || (old & 0111) != 0)
					perm |= 0111;
				break;
			case 's':
				perm |= 06000;
				break;
			case 't':
				perm |= 01000;
				break;
			default:
				return EINVAL;
			}
		}
		perm &= who;
		if (op == '+')
			m |= perm;
		else if (op == '-')
			m &= ~perm;
		else
			m = (m & ~(who & 0777)) | perm;
		if (*s == ',')
			s++;
	}
	*mode = m;
	return 0;
}

int rfs_parsemode(const char *s, mode_t old, mode_t *mode)
{
	char *end;
	unsigned long v;

	if (*s >= '0' && *s <= '7') {
		errno = 0;
		v = strtoul(s, &end, 8);
		if (errno != 0 || *end != '\0' || v > 07777)
			return EINVAL;
		*mode = (mode_t)v;
		return 0;
	}
	if (*s == '\0')
		return EINVAL;
	return parse_symbolic(s, old, mode);
}
