/*
 * rumpctl_fs.c -- rumpctl's file system subcommands: mount, umount and
 * df, with the host's (Linux's) flags and struct statvfs, which the
 * client library translates; df lists the mounts with getvfsstat, whose
 * records are the kernel's struct rump_statvfs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <rump/rump_syscalls.h>
#include <rump/rumpabi.h>

#include "rumpctl.h"

/* mount -t TYPE [-o ro|rw|OPTIONS] SOURCE TARGET */
int rumpctl_mount(int argc, char **argv)
{
	const char *type = NULL, *opts = NULL;
	unsigned long flags = 0;
	char data[256] = "";
	int i = 1;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "-t") == 0)
			type = argv[i + 1];
		else if (strcmp(argv[i], "-o") == 0)
			opts = argv[i + 1];
		else
			break;
	}
	if (type == NULL || argc - i != 2) {
		fprintf(stderr, "usage: rumpctl mount -t TYPE [-o OPTIONS] "
				"SOURCE TARGET\n");
		return 2;
	}
	/* ro/rw are flags; the rest is the file system's option string. */
	if (opts != NULL) {
		char buf[256], *save, *w;

		snprintf(buf, sizeof(buf), "%s", opts);
		for (w = strtok_r(buf, ",", &save); w != NULL;
		     w = strtok_r(NULL, ",", &save)) {
			if (strcmp(w, "ro") == 0)
				flags |= MS_RDONLY;
			else if (strcmp(w, "rw") != 0)
				snprintf(data + strlen(data),
					 sizeof(data) - strlen(data), "%s%s",
					 data[0] ? "," : "", w);
		}
	}
	if (rump_sys_mount(argv[i], argv[i + 1], type, flags,
			   data[0] ? data : NULL) != 0)
		return rumpctl_err(argv[i + 1]);
	return 0;
}

/* umount [-f] TARGET */
int rumpctl_umount(int argc, char **argv)
{
	int force = argc == 3 && strcmp(argv[1], "-f") == 0;

	if (argc != 2 + force) {
		fprintf(stderr, "usage: rumpctl umount [-f] TARGET\n");
		return 2;
	}
	if (rump_sys_umount2(argv[1 + force], force ? MNT_FORCE : 0) != 0)
		return rumpctl_err(argv[1 + force]);
	return 0;
}

/*
 * The mounted file systems (getvfsstat) in a malloc'd array of *np
 * records, or NULL after a message.  A mount added between counting and
 * listing only makes it ask again with more room.
 */
static struct rump_statvfs *df_mounts(int *np)
{
	struct rump_statvfs *r = NULL;
	int n, cap;

	if ((n = rump_sys_getvfsstat(NULL, 0, RUMP_ST_NOWAIT)) < 0) {
		rumpctl_err("getvfsstat");
		return NULL;
	}
	for (cap = n + 4;; cap *= 2) {
		free(r);
		if ((r = calloc((size_t)cap, sizeof(*r))) == NULL) {
			rumpctl_err("getvfsstat");
			return NULL;
		}
		n = rump_sys_getvfsstat(r, (size_t)cap * sizeof(*r),
					RUMP_ST_WAIT);
		if (n < 0) {
			rumpctl_err("getvfsstat");
			free(r);
			return NULL;
		}
		if (n < cap)
			break;
	}
	*np = n;
	return r;
}

/* One line: source, type, sizes in KiB, use% rounded up as df does. */
static void df_row(const char *from, const char *type, uint64_t blocks,
		   uint64_t bfree, uint64_t bavail, uint64_t frsize,
		   const char *on)
{
	uint64_t total = blocks * frsize / 1024;
	uint64_t used = (blocks - bfree) * frsize / 1024;
	uint64_t avail = bavail * frsize / 1024;
	uint64_t pct = used + avail > 0 ? (used * 100 + used + avail - 1) /
						  (used + avail)
					: 0;

	printf("%-16s %-8s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %3" PRIu64
	       "%% %s\n",
	       from, type, total, used, avail, pct, on);
}

static void df_record(const struct rump_statvfs *r)
{
	df_row(r->f_mntfromname, r->f_fstypename, r->f_blocks, r->f_bfree,
	       r->f_bavail, r->f_frsize, r->f_mntonname);
}

/*
 * df [PATH...]: every mounted file system, or those holding the PATHs
 * (found by their statvfs f_fsid among the mounts); sizes in KiB.
 */
int rumpctl_df(int argc, char **argv)
{
	struct rump_statvfs *mounts;
	int n, rc = 0;

	if ((mounts = df_mounts(&n)) == NULL)
		return 1;
	printf("%-16s %-8s %12s %12s %12s %4s %s\n", "Filesystem", "Type",
	       "1K-blocks", "Used", "Available", "Use%", "Mounted on");
	if (argc < 2)
		for (int i = 0; i < n; i++)
			df_record(&mounts[i]);
	for (int i = 1; i < argc; i++) {
		struct statvfs st;
		int m = 0;

		if (rump_sys_statvfs(argv[i], &st) != 0) {
			rc = rumpctl_err(argv[i]);
			continue;
		}
		while (m < n && (unsigned long)mounts[m].f_fsid != st.f_fsid)
			m++;
		/* Mounted just now: the numbers without the names. */
		if (m == n)
			df_row("-", "-", st.f_blocks, st.f_bfree, st.f_bavail,
			       st.f_frsize, argv[i]);
		else
			df_record(&mounts[m]);
	}
	free(mounts);
	return rc;
}
