/*
 * main.c -- rump_fuse IMAGE MOUNTPOINT [-o ro] [FUSE options]: serve the
 * file system in IMAGE to the host through libfuse3, with the rump
 * kernel's driver embedded in this process.  The image is checked,
 * attached and mounted, and the FUSE mount made, before the program
 * detaches into the background, so every start-up failure reaches the
 * invoking shell as a message and exit status 1.  Unmounting the FUSE
 * mount (fusermount3 -u, umount) or SIGTERM/SIGINT/SIGHUP ends the
 * service: the image is then unmounted inside the kernel (synced and
 * clean) and the kernel halts.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "../common/fsimage.h"
#include "rump_fuse.h"

struct rf_args {
	char *image;
	bool ro;
	bool help;
	double timeout;
};

enum { KEY_RO, KEY_HELP };

static const struct fuse_opt rf_optspec[] = {
	{"timeout=%lf", offsetof(struct rf_args, timeout), 0},
	FUSE_OPT_KEY("ro", KEY_RO),
	FUSE_OPT_KEY("-h", KEY_HELP),
	FUSE_OPT_KEY("--help", KEY_HELP),
	FUSE_OPT_END,
};

static int rf_optproc(void *data, const char *arg, int key,
		      struct fuse_args *outargs)
{
	struct rf_args *a = data;

	switch (key) {
	case KEY_RO:
		a->ro = true;
		return 1; /* the FUSE mount is read-only too */
	case KEY_HELP:
		a->help = true;
		return 0;
	case FUSE_OPT_KEY_NONOPT:
		if (a->image == NULL) {
			a->image = strdup(arg);
			return 0;
		}
		return 1; /* the mount point, for fuse_parse_cmdline */
	}
	return 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rump_fuse IMAGE MOUNTPOINT [-f] [-d] [-s] [-o "
		"OPTION[,OPTION...]]\n\n"
		"Serve the ext2/ext3/ext4 file system in the image file IMAGE "
		"at MOUNTPOINT\nthrough FUSE, with the rump kernel's driver.  "
		"Unmount with fusermount3 -u\nMOUNTPOINT (or SIGTERM): the "
		"image is then synced and clean.\n\n"
		"  -o ro            read-only (the image is mounted read-only "
		"too)\n"
		"  -o allow_other   let other users in (root, or "
		"user_allow_other in\n"
		"                   /etc/fuse.conf)\n"
		"  -f               stay in the foreground\n"
		"  -d               debug: foreground, print every request\n"
		"  -s               one thread (default: multithreaded)\n"
		"  -o timeout=SECS  how long the host caches attributes and "
		"names\n"
		"                   (default 1; 0: ask for every access)\n"
		"  -o OPTION        any other FUSE mount option\n\n"
		"Permissions are checked by the host kernel "
		"(default_permissions).\nSee docs/rump_fuse.md.\n");
}

/* Report start-up status to the waiting parent (see main). */
static void tell_parent(int *fd, char status)
{
	if (*fd != -1) {
		if (write(*fd, &status, 1) != 1)
			perror("rump_fuse: start-up pipe");
		close(*fd);
		*fd = -1;
	}
}

/* Detach from the terminal after a successful start. */
static void go_background(void)
{
	int null = open("/dev/null", O_RDWR);

	setsid();
	if (chdir("/") == -1)
		perror("rump_fuse: chdir /");
	if (null != -1) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
}

/* The parent of the background server: exit with its start-up status. */
static int wait_child(pid_t pid, int fd)
{
	char status = 1;
	int ws;

	if (read(fd, &status, 1) != 1) {
		/* It died before saying: collect its exit status. */
		if (waitpid(pid, &ws, 0) == pid && WIFEXITED(ws))
			return WEXITSTATUS(ws) != 0 ? WEXITSTATUS(ws) : 1;
		return 1;
	}
	return status;
}

/* The loop's result: 0, or the signal that ended it (SIGTERM,
 * SIGINT, SIGHUP: a normal end too), or another error. */
static int loop_failed(int r)
{
	return r != 0 && r != SIGTERM && r != SIGINT && r != SIGHUP;
}

static int serve(struct fuse_args *args, struct fuse_cmdline_opts *o,
		 const char *image, bool ro, int *report)
{
	struct fuse_loop_config *lc = NULL;
	struct fuse_session *se;
	struct fsimage im;
	char why[512], opt[PATH_MAX + 64], *esc = NULL;
	int error, rc = 0;

	error = rump_init();
	if (error != 0) {
		fprintf(stderr, "rump_fuse: cannot boot the rump kernel: %s\n",
			strerror(error));
		return 1;
	}
	rump_sys_umask(0); /* the host applied the caller's umask */
	error = fsimage_attach(&im, image, ro, why, sizeof(why));
	if (error == 0 && (error = rfuse_start()) != 0)
		snprintf(why, sizeof(why), "the image's root: %s",
			 strerror(error));
	if (error != 0) {
		fprintf(stderr, "rump_fuse: %s\n", why);
		rc = 1;
		goto detach;
	}
	snprintf(opt, sizeof(opt), "subtype=rump_%s,fsname=", im.fstype);
	if (fuse_opt_add_opt_escaped(&esc, image) == 0) {
		strncat(opt, esc, sizeof(opt) - strlen(opt) - 1);
		free(esc);
	}
	if (fuse_opt_add_arg(args, "-odefault_permissions") != 0 ||
	    fuse_opt_add_arg(args, "-o") != 0 ||
	    fuse_opt_add_arg(args, opt) != 0) {
		fprintf(stderr, "rump_fuse: out of memory\n");
		rc = 1;
		goto detach;
	}
	se = fuse_session_new(args, &rfuse_ops, sizeof(rfuse_ops), NULL);
	if (se == NULL) {
		rc = 1; /* libfuse said why (a bad option) */
		goto detach;
	}
	if (fuse_set_signal_handlers(se) != 0) {
		rc = 1;
		goto destroy;
	}
	if (fuse_session_mount(se, o->mountpoint) != 0) {
		rc = 1;
		goto signals;
	}
	if (*report != -1) {
		tell_parent(report, 0);
		go_background();
	}
	if (o->singlethread) {
		rc = loop_failed(fuse_session_loop(se));
	} else if ((lc = fuse_loop_cfg_create()) == NULL) {
		rc = 1;
	} else {
		fuse_loop_cfg_set_clone_fd(lc, (unsigned)o->clone_fd);
		if (o->max_idle_threads != UINT_MAX)
			fuse_loop_cfg_set_idle_threads(lc, o->max_idle_threads);
		fuse_loop_cfg_set_max_threads(lc, o->max_threads);
		rc = loop_failed(fuse_session_loop_mt(se, lc));
		fuse_loop_cfg_destroy(lc);
	}
	fuse_session_unmount(se);
      signals:
	fuse_remove_signal_handlers(se);
destroy:
	fuse_session_destroy(se);
detach:
	rfuse_close_all(); /* what the host left open */
	error = fsimage_detach(&im, why, sizeof(why));
	if (error != 0) {
		fprintf(stderr, "rump_fuse: %s\n", why);
		rc = 1;
	}
	if (rump_sys_reboot(RUMP_RB_HALT) != 0) {
		perror("rump_fuse: kernel shutdown");
		rc = 1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts o;
	struct rf_args a = {NULL, false, false, 1.0};
	char image[PATH_MAX], fstype[8], why[512];
	int pfd[2] = {-1, -1}, rc = 2;
	pid_t pid;

	memset(&o, 0, sizeof(o));
	if (fuse_opt_parse(&args, &a, rf_optspec, rf_optproc) != 0)
		goto out;
	if (a.timeout < 0) {
		fprintf(stderr, "rump_fuse: timeout must be 0 or more\n");
		goto out;
	}
	rfuse_timeout = a.timeout;
	if (a.help) {
		usage(stdout);
		rc = 0;
		goto out;
	}
	if (fuse_parse_cmdline(&args, &o) != 0)
		goto out;
	if (o.show_version) {
		printf("rump_fuse (rumpkit), FUSE library %s\n",
		       fuse_pkgversion());
		rc = 0;
		goto out;
	}
	if (a.image == NULL || o.mountpoint == NULL) {
		usage(stderr);
		goto out;
	}
	rc = 1;
	/* The server runs in "/": keep the image's absolute name. */
	if (realpath(a.image, image) == NULL) {
		fprintf(stderr, "rump_fuse: %s: %s\n", a.image,
			strerror(errno));
		goto out;
	}
	if (fsimage_detect(image, fstype, sizeof(fstype), why, sizeof(why)) !=
	    0) {
		fprintf(stderr, "rump_fuse: %s\n", why);
		goto out;
	}
	/* Fork before the kernel starts its threads; the parent waits for
	 * the server to say it is up. */
	if (!o.foreground) {
		if (pipe(pfd) == -1 || (pid = fork()) == -1) {
			perror("rump_fuse: fork");
			goto out;
		}
		if (pid != 0) {
			close(pfd[1]);
			rc = wait_child(pid, pfd[0]);
			goto out;
		}
		close(pfd[0]);
	}
	rc = serve(&args, &o, image, a.ro, &pfd[1]);
	tell_parent(&pfd[1], 1); /* if it failed before it was up */
out:
	free(o.mountpoint);
	free(a.image);
	fuse_opt_free_args(&args);
	return rc;
}
