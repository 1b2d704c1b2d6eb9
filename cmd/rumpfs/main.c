/*
 * main.c -- rumpfs: work on a file system image with a rump kernel
 * embedded in the process, no server and no root needed.  It boots the
 * kernel, attaches IMAGE (type from its superblock; read-only for the
 * read-only subcommands), runs one subcommand in a kernel process
 * chrooted into the image, unmounts and halts, so the image is clean
 * afterwards.  Exit status: 0 success, 1 a failure (reported), 2 usage.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "../common/fsimage.h"
#include "rumpfs.h"

const char *rfs_image;
const char *rfs_fstype;

const struct rfs_cmd rfs_cmds[] = {
	{"ls", rfs_ls, true, "ls [-l] [-a] [-R] [-d] [PATH...]",
	 "list directories (long format with -l)"},
	{"cat", rfs_cat, true, "cat PATH...", "write files to stdout"},
	{"get", rfs_get, true, "get [-p] PATH... HOSTDEST",
	 "copy files or trees out of the image (-p: owners too)"},
	{"stat", rfs_stat, true, "stat PATH...", "show a file's attributes"},
	{"du", rfs_du, true, "du [-s] [-a] [PATH...]",
	 "disk usage in KiB, per directory (-s: totals only)"},
	{"df", rfs_df, true, "df", "size, used and free space and inodes"},
	{"find", rfs_find, true,
	 "find [PATH...] [-name GLOB] [-type f|d|l|p|c|b|s] [-maxdepth N]",
	 "list the tree below PATH (default /)"},
	{"put", rfs_put, false, "put [-p] HOSTPATH... DEST",
	 "copy host files or trees into the image (-p: owners too)"},
	{"cp", rfs_cp, false, "cp [-r] SRC... DEST",
	 "copy files (trees with -r) inside the image"},
	{"write", rfs_write, false, "write [-a] [-m MODE] PATH",
	 "write stdin to PATH (-a: append)"},
	{"mkdir", rfs_mkdir, false, "mkdir [-p] [-m MODE] PATH...",
	 "make directories"},
	{"rm", rfs_rm, false, "rm [-r] [-f] PATH...",
	 "remove files (trees with -r; directories with -r or -d)"},
	{"mv", rfs_mv, false, "mv SRC... DEST", "rename or move"},
	{"ln", rfs_ln, false, "ln [-s] TARGET LINKNAME",
	 "hard link (symbolic with -s)"},
	{"chmod", rfs_chmod, false, "chmod [-R] MODE PATH...",
	 "change modes (octal or u+x style)"},
	{"chown", rfs_chown, false, "chown [-R] [-h] UID[:GID] PATH...",
	 "change owner and group (numbers or host names)"},
	{NULL, NULL, false, NULL, NULL},
};

void rfs_warn(int error, const char *fmt, ...)
{
	va_list ap;

	fputs("rumpfs: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (error != 0)
		fprintf(stderr, ": %s", strerror(error));
	fputc('\n', stderr);
}

int rfs_usage(const char *cmd)
{
	for (const struct rfs_cmd *c = rfs_cmds; c->name != NULL; c++)
		if (strcmp(c->name, cmd) == 0)
			fprintf(stderr, "usage: rumpfs IMAGE %s\n", c->usage);
	return 2;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: rumpfs IMAGE COMMAND [ARGS...]\n"
		   "       rumpfs --help\n\n"
		   "Work on the ext2/ext3/ext4 file system in the image file "
		   "IMAGE with an\nembedded rump kernel.  Paths inside the "
		   "image start at its root.\n\nCommands:\n");
	for (const struct rfs_cmd *c = rfs_cmds; c->name != NULL; c++)
		fprintf(f, "  %-58s %s\n    %s\n", c->usage,
			c->rdonly ? "(read-only)" : "", c->help);
	fprintf(f, "\nExit status: 0 success, 1 an operation failed, 2 "
		   "usage error.\nSee docs/rumpfs.md.\n");
}

/* Run cmd in a kernel process of its own, chrooted into the image. */
static int run_chrooted(const struct rfs_cmd *cmd, int argc, char **argv)
{
	int error, rc;

	error = rump_pub_lwproc_rfork(RUMP_RFCFDG);
	if (error != 0) {
		rfs_warn(error, "cannot make a kernel process");
		return 1;
	}
	rump_sys_umask(0);
	if (rump_sys_chroot(FSIMAGE_MNT) == -1 || rump_sys_chdir("/") == -1) {
		rfs_warn(errno, "chroot into the image");
		rc = 1;
	} else {
		rc = cmd->run(argc, argv);
	}
	rump_pub_lwproc_releaselwp();
	return rc;
}

int main(int argc, char **argv)
{
	const struct rfs_cmd *cmd = NULL;
	struct fsimage im;
	char why[512];
	int error, rc;

	if (argc >= 2 &&
	    (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc < 3) {
		usage(stderr);
		return 2;
	}
	rfs_image = argv[1];
	for (const struct rfs_cmd *c = rfs_cmds; c->name != NULL; c++)
		if (strcmp(c->name, argv[2]) == 0)
			cmd = c;
	if (cmd == NULL) {
		rfs_warn(0, "unknown command '%s' (rumpfs --help lists them)",
			 argv[2]);
		return 2;
	}
	/* A closed stdout pipe must become an error, not a kill. */
	signal(SIGPIPE, SIG_IGN);
	/* Check the image before booting, for a quick clear message. */
	error = fsimage_detect(rfs_image, im.fstype, sizeof(im.fstype), why,
			       sizeof(why));
	if (error != 0) {
		rfs_warn(0, "%s", why);
		return 1;
	}
	error = rump_init();
	if (error != 0) {
		rfs_warn(error, "cannot boot the rump kernel");
		return 1;
	}
	error = fsimage_attach(&im, rfs_image, cmd->rdonly, why, sizeof(why));
	if (error != 0) {
		rfs_warn(0, "%s", why);
		rump_sys_reboot(RUMP_RB_HALT);
		return 1;
	}
	rfs_fstype = im.fstype;
	rc = run_chrooted(cmd, argc - 2, argv + 2);
	if (fflush(stdout) != 0) {
		rfs_warn(errno, "writing the output");
		rc = rc != 0 ? rc : 1;
	}
	error = fsimage_detach(&im, why, sizeof(why));
	if (error != 0) {
		rfs_warn(0, "%s", why);
		rc = 1;
	}
	if (rump_sys_reboot(RUMP_RB_HALT) != 0) {
		rfs_warn(errno, "kernel shutdown");
		rc = 1;
	}
	return rc;
}
