/*
 * rumpctl_fs.c -- rumpctl's file system subcommands: mount, umount and
 * df, with the host's (Linux's) flags and struct statvfs, which the
 * client library translates.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <rump/rump_syscalls.h>

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

/* df [PATH...] (default /): sizes in KiB. */
int rumpctl_df(int argc, char **argv)
{
	char *root[] = {"df", "/"};
	int rc = 0;

	if (argc < 2) {
		argc = 2;
		argv = root;
	}
	printf("%-20s %12s %12s %12s %5s\n", "Mounted on", "1K-blocks", "Used",
	       "Available", "Use%");
	for (int i = 1; i < argc; i++) {
		struct statvfs st;
		uint64_t total, used, avail;

		if (rump_sys_statvfs(argv[i], &st) != 0) {
			rc = rumpctl_err(argv[i]);
			continue;
		}
		total = (uint64_t)st.f_blocks * st.f_frsize / 1024;
		used = (uint64_t)(st.f_blocks - st.f_bfree) * st.f_frsize /
		       1024;
		avail = (uint64_t)st.f_bavail * st.f_frsize / 1024;
		printf("%-20s %12" PRIu64 " %12" PRIu64 " %12" PRIu64
		       " %4" PRIu64 "%%\n",
		       argv[i], total, used, avail,
		       used + avail > 0 ? (used * 100 + used + avail - 1) /
						  (used + avail)
					: 0);
	}
	return rc;
}
