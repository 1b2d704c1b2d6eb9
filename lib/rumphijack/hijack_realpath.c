/*
 * hijack_realpath.c -- realpath, __realpath_chk and canonicalize_file_name
 * for paths that go to the kernel.  glibc's realpath calls readlink and
 * getcwd inside libc, where the library cannot see them, so a kernel path
 * is resolved here one component at a time with the kernel's lstat and
 * readlink, in the kernel's own name space: ".." of its root is its root
 * and an absolute link target starts at its root, as when the kernel
 * follows the link in open.  The answer is the program's name for the
 * result (the prefix in front).  Host paths go to glibc's realpath.
 */
#include <limits.h>
#include <string.h>

#include "hijack.h"

/* links followed in one resolution: the kernel's MAXSYMLINKS (sys/abi.h) */
#define HIJACK_MAXSYMLINKS 40

extern void __chk_fail(void) __attribute__((noreturn));

/*
 * Resolve kernel path kp into res (PATH_MAX bytes): an absolute kernel
 * path without ".", "..", links or repeated slashes, naming an existing
 * file.  0, or -1 and errno as the kernel's lookups give it.
 */
static int hijack_realpath_kernel(const char *kp, char *res)
{
	char rest[PATH_MAX], link[PATH_MAX], *p;
	size_t rlen, klen = strlen(kp);
	int nlinks = 0;
	bool isdir = true;

	if (klen >= sizeof(rest))
		return hijack_fail(ENAMETOOLONG);
	memcpy(rest, kp, klen + 1);
	if (kp[0] == '/')
		strcpy(res, "/");
	else if (KCALL(rump_sys_getcwd(res, PATH_MAX)) == NULL)
		return -1;
	rlen = strlen(res);
	p = rest;
	for (;;) {
		struct stat st;
		size_t len, save;
		char *end;
		ssize_t n;

		/* anything after a file that is not a directory, even "/" */
		if (*p == '/' && !isdir)
			return hijack_fail(ENOTDIR);
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		if (len == 1 && p[0] == '.') {
			p = end;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			/* res has no links left: its parent is textual */
			while (rlen > 1 && res[rlen - 1] != '/')
				rlen--;
			if (rlen > 1)
				rlen--;
			res[rlen] = '\0';
			p = end;
			continue;
		}
		save = rlen;
		if (rlen + (rlen > 1) + len >= PATH_MAX)
			return hijack_fail(ENAMETOOLONG);
		if (rlen > 1)
			res[rlen++] = '/';
		memcpy(res + rlen, p, len);
		rlen += len;
		res[rlen] = '\0';
		if (KCALL(rump_sys_lstat(res, &st)) == -1)
			return -1;
		if (!S_ISLNK(st.st_mode)) {
			isdir = S_ISDIR(st.st_mode);
			p = end;
			continue;
		}
		/* a link: its text takes the place of the component */
		if (++nlinks > HIJACK_MAXSYMLINKS)
			return hijack_fail(ELOOP);
		n = KCALL(rump_sys_readlink(res, link, sizeof(link) - 1));
		if (n == -1)
			return -1;
		if (n == 0)
			return hijack_fail(
				ENOENT); /* an empty link names nothing */
		if ((size_t)n + strlen(end) >= sizeof(rest))
			return hijack_fail(ENAMETOOLONG);
		memmove(rest + n, end, strlen(end) + 1);
		memcpy(rest, link, (size_t)n);
		p = rest;
		rlen = link[0] == '/' ? 1 : save;
		res[rlen] = '\0';
	}
	return 0;
}

char *realpath(const char *restrict path, char *restrict resolved)
{
	char res[PATH_MAX], out[PATH_MAX + 256];
	const char *kp;

	if (path == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if (HIJACK_BYPASS() || hijack_route_path(path, &kp) == HIJACK_HOST)
		return HOST(realpath)(path, resolved);
	if (path[0] == '\0') {
		errno = ENOENT;
		return NULL;
	}
	if (hijack_realpath_kernel(kp, res) == -1)
		return NULL;
	/* the caller's buffer holds PATH_MAX bytes; a new one any length */
	if (hijack_path_to_program(
		    res, out, resolved != NULL ? PATH_MAX : sizeof(out)) == -1)
		return NULL;
	if (resolved == NULL)
		return strdup(out);
	return strcpy(resolved, out);
}

char *canonicalize_file_name(const char *path)
{
	return realpath(path, NULL);
}

/* _FORTIFY_SOURCE's realpath: the buffer must hold PATH_MAX bytes */
char *__realpath_chk(const char *path, char *resolved, size_t len);
char *__realpath_chk(const char *path, char *resolved, size_t len)
{
	if (len < PATH_MAX)
		__chk_fail();
	return realpath(path, resolved);
}
