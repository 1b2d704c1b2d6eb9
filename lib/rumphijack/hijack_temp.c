/*
 * hijack_temp.c -- mkstemp, mkostemp, mkstemps, mkostemps, mkdtemp and
 * mktemp for templates that name kernel files.  glibc makes and probes
 * the names inside libc, so a template under the prefix (sed -i's
 * "/rump/d/sedXXXXXX") would be tried on the host.  For those the names
 * are made here and created with the library's open (O_CREAT|O_EXCL,
 * mode 0600) or mkdir (0700); host templates go to glibc.  Same rules:
 * the last six characters before the suffix must be "XXXXXX" (EINVAL),
 * EEXIST after too many tries.
 */
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "hijack.h"

#define HIJACK_TEMP_TRIES (62 * 62 * 62)

enum hijack_temp_kind { HIJACK_TEMP_FILE, HIJACK_TEMP_DIR, HIJACK_TEMP_NAME };

static int hijack_temp_make(char *tmpl, int suffixlen, int flags,
			    enum hijack_temp_kind kind)
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyz"
				      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t len = strlen(tmpl);
	char *x;
	int i, j, fd;

	if (suffixlen < 0 || len < 6 + (size_t)suffixlen ||
	    memcmp(tmpl + len - suffixlen - 6, "XXXXXX", 6) != 0)
		return hijack_fail(EINVAL);
	x = tmpl + len - suffixlen - 6;
	for (i = 0; i < HIJACK_TEMP_TRIES; i++) {
		unsigned char r[6];
		struct stat st;

		if (getrandom(r, sizeof(r), GRND_NONBLOCK) != sizeof(r)) {
			struct timespec ts;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			for (j = 0; j < 6; j++)
				r[j] = (unsigned char)((ts.tv_nsec >> (j * 5)) ^
						       (i * 31 + j * 7));
		}
		for (j = 0; j < 6; j++)
			x[j] = letters[r[j] % (sizeof(letters) - 1)];
		switch (kind) {
		case HIJACK_TEMP_FILE:
			fd = open(tmpl,
				  (flags & ~O_ACCMODE) | O_RDWR | O_CREAT |
					  O_EXCL,
				  0600);
			if (fd >= 0)
				return fd;
			break;
		case HIJACK_TEMP_DIR:
			if (mkdir(tmpl, 0700) == 0)
				return 0;
			break;
		case HIJACK_TEMP_NAME:
			/* a name nothing has: unsafe, as mktemp always is */
			if (lstat(tmpl, &st) == 0)
				errno = EEXIST;
			else if (errno == ENOENT)
				return 0;
			break;
		}
		if (errno != EEXIST)
			return -1;
	}
	return hijack_fail(EEXIST);
}

int mkostemps(char *tmpl, int suffixlen, int flags)
{
	if (!hijack_path_inkernel(tmpl))
		return HOST(mkostemps)(tmpl, suffixlen, flags);
	return hijack_temp_make(tmpl, suffixlen, flags, HIJACK_TEMP_FILE);
}
HIJACK_ALIAS(mkostemps64, mkostemps);

int mkstemps(char *tmpl, int suffixlen)
{
	return mkostemps(tmpl, suffixlen, 0);
}
HIJACK_ALIAS(mkstemps64, mkstemps);

int mkostemp(char *tmpl, int flags)
{
	return mkostemps(tmpl, 0, flags);
}
HIJACK_ALIAS(mkostemp64, mkostemp);

int mkstemp(char *tmpl)
{
	return mkostemps(tmpl, 0, 0);
}
HIJACK_ALIAS(mkstemp64, mkstemp);

char *mkdtemp(char *tmpl)
{
	if (!hijack_path_inkernel(tmpl))
		return HOST(mkdtemp)(tmpl);
	return hijack_temp_make(tmpl, 0, 0, HIJACK_TEMP_DIR) == 0 ? tmpl : NULL;
}

char *mktemp(char *tmpl)
{
	if (!hijack_path_inkernel(tmpl))
		return HOST(mktemp)(tmpl);
	/* a failure leaves an empty string, as glibc's does */
	if (hijack_temp_make(tmpl, 0, 0, HIJACK_TEMP_NAME) == -1)
		tmpl[0] = '\0';
	return tmpl;
}
