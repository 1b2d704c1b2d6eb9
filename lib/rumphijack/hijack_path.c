/*
 * hijack_path.c -- which side a path names.  An absolute path under the
 * prefix (default /rump) goes to the kernel with the prefix taken off; a
 * blanket path (RUMPHIJACK blanket=/a:/b) goes to the kernel as it is;
 * a relative path follows its directory descriptor, or the working
 * directory, which is in the kernel after a chdir/fchdir there.  Paths are
 * matched as text: "/rump/../etc" is the kernel's "/../etc", i.e. its root.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "hijack.h"

static const char *hijack_pfx = "/rump";
static size_t hijack_pfxlen = 5;
#define HIJACK_MAXBLANKET 16
static const char *hijack_blanket[HIJACK_MAXBLANKET];
static size_t hijack_blanketlen[HIJACK_MAXBLANKET];
static int hijack_nblanket;
static atomic_bool hijack_cwdkernel;

void hijack_path_config(const char *prefix, const char *blanket)
{
	char *copy, *item, *save = NULL;

	/* "/rump/" and "/rump" are one prefix */
	hijack_pfx = prefix;
	hijack_pfxlen = strlen(prefix);
	while (hijack_pfxlen > 1 && prefix[hijack_pfxlen - 1] == '/')
		hijack_pfxlen--;
	if (blanket == NULL || (copy = strdup(blanket)) == NULL)
		return;
	for (item = strtok_r(copy, ":", &save);
	     item != NULL && hijack_nblanket < HIJACK_MAXBLANKET;
	     item = strtok_r(NULL, ":", &save)) {
		hijack_blanket[hijack_nblanket] = item;
		hijack_blanketlen[hijack_nblanket++] = strlen(item);
	}
}

const char *hijack_prefix(void)
{
	return hijack_pfx;
}

void hijack_cwd_set(bool inkernel)
{
	atomic_store(&hijack_cwdkernel, inkernel);
}

bool hijack_cwd_inkernel(void)
{
	return atomic_load(&hijack_cwdkernel);
}

/* s is p or starts with p followed by '/' */
static bool hijack_under(const char *s, const char *p, size_t plen)
{
	return strncmp(s, p, plen) == 0 && (s[plen] == '\0' || s[plen] == '/');
}

enum hijack_route hijack_route_at(int dirfd, const char *path, int *kdirfd,
				  const char **kpath)
{
	int i, kfd;

	*kdirfd = AT_FDCWD;
	*kpath = path;
	if (path == NULL || path[0] != '/') {
		if (dirfd == AT_FDCWD && path != NULL)
			return hijack_cwd_inkernel() ? HIJACK_KERNEL
						     : HIJACK_HOST;
		kfd = hijack_kfd(dirfd);
		if (kfd < 0)
			return HIJACK_HOST;
		*kdirfd = kfd;
		return HIJACK_KERNEL;
	}
	if (hijack_pfxlen > 1 &&
	    hijack_under(path, hijack_pfx, hijack_pfxlen)) {
		*kpath = path[hijack_pfxlen] == '\0' ? "/"
						     : path + hijack_pfxlen;
		return HIJACK_KERNEL;
	}
	for (i = 0; i < hijack_nblanket; i++)
		if (hijack_under(path, hijack_blanket[i], hijack_blanketlen[i]))
			return HIJACK_KERNEL;
	return HIJACK_HOST;
}

enum hijack_route hijack_route_path(const char *path, const char **kpath)
{
	int kdirfd;

	return hijack_route_at(AT_FDCWD, path, &kdirfd, kpath);
}

bool hijack_path_inkernel(const char *path)
{
	const char *kp;

	return !HIJACK_BYPASS() && path != NULL &&
	       hijack_route_path(path, &kp) == HIJACK_KERNEL;
}

int hijack_path_to_program(const char *kp, char *out, size_t len)
{
	size_t klen = strlen(kp), plen = hijack_pfxlen;
	int i;

	for (i = 0; i < hijack_nblanket; i++)
		if (hijack_under(kp, hijack_blanket[i], hijack_blanketlen[i]))
			plen = 0;
	if (hijack_pfxlen <= 1)
		plen = 0; /* no prefix: only blankets reach the kernel */
	if (plen > 0 && strcmp(kp, "/") == 0)
		klen = 0; /* the kernel's root is the prefix itself */
	if (plen + klen + 1 > len)
		return hijack_fail(ENAMETOOLONG);
	memcpy(out, hijack_pfx, plen);
	memcpy(out + plen, kp, klen);
	out[plen + klen] = '\0';
	return 0;
}
