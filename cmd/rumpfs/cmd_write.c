/*
 * cmd_write.c -- the rumpfs subcommands that change names and attributes
 * in the image: mkdir, rm, mv, ln, chmod, chown and write (stdin into a
 * file).  Each reports every failed operand and goes on with the next,
 * like the coreutils commands, and returns 1 if any failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "rumpfs.h"

static int mkdir_parents(char *path, mode_t mode)
{
	struct stat st;

	for (char *s = path + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (rump_sys_mkdir(path, 0755) == -1 && errno != EEXIST) {
			rfs_warn(errno, "mkdir: %s", path);
			*s = '/';
			return 1;
		}
		*s = '/';
	}
	if (rump_sys_mkdir(path, mode) == -1) {
		if (errno == EEXIST && rump_sys_stat(path, &st) == 0 &&
		    S_ISDIR(st.st_mode))
			return 0;
		rfs_warn(errno, "mkdir: %s", path);
		return 1;
	}
	return 0;
}

int rfs_mkdir(int argc, char **argv)
{
	bool parents = false;
	mode_t mode = 0755;
	int c, rc = 0;

	while ((c = getopt(argc, argv, "+pm:")) != -1)
		switch (c) {
		case 'p':
			parents = true;
			break;
		case 'm':
			if (rfs_parsemode(optarg, 0755 | S_IFDIR, &mode) != 0) {
				rfs_warn(0, "mkdir: bad mode '%s'", optarg);
				return 2;
			}
			break;
		default:
			return rfs_usage("mkdir");
		}
	if (optind >= argc)
		return rfs_usage("mkdir");
	for (int i = optind; i < argc; i++) {
		if (parents) {
			rc |= mkdir_parents(argv[i], mode);
		} else if (rump_sys_mkdir(argv[i], mode) == -1) {
			rfs_warn(errno, "mkdir: %s", argv[i]);
			rc = 1;
		}
	}
	return rc;
}

/* Remove path and, if it is a directory, everything below it. */
static int rm_tree(const char *path)
{
	struct stat st;
	char **names;
	size_t n;
	int error, rc = 0;

	if (rump_sys_lstat(path, &st) == -1) {
		rfs_warn(errno, "rm: %s", path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (rump_sys_unlink(path) == -1) {
			rfs_warn(errno, "rm: %s", path);
			return 1;
		}
		return 0;
	}
	error = rfs_listdir(path, &names, &n);
	if (error != 0) {
		rfs_warn(error, "rm: %s", path);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		char *child = rfs_join(path, names[i]);

		rc |= rm_tree(child);
		free(child);
	}
	free(names);
	if (rump_sys_rmdir(path) == -1) {
		rfs_warn(errno, "rm: %s", path);
		rc = 1;
	}
	return rc;
}

int rfs_rm(int argc, char **argv)
{
	bool recurse = false, force = false, dirs = false;
	struct stat st;
	int c, rc = 0;

	while ((c = getopt(argc, argv, "+rRfd")) != -1)
		switch (c) {
		case 'r':
		case 'R':
			recurse = true;
			break;
		case 'f':
			force = true;
			break;
		case 'd':
			dirs = true;
			break;
		default:
			return rfs_usage("rm");
		}
	if (optind >= argc && !force)
		return rfs_usage("rm");
	for (int i = optind; i < argc; i++) {
		if (rump_sys_lstat(argv[i], &st) == -1) {
			if (errno == ENOENT && force)
				continue;
			rfs_warn(errno, "rm: %s", argv[i]);
			rc = 1;
		} else if (strcmp(argv[i], "/") == 0) {
			rfs_warn(0, "rm: refusing to remove the root");
			rc = 1;
		} else if (S_ISDIR(st.st_mode) && recurse) {
			rc |= rm_tree(argv[i]);
		} else if (S_ISDIR(st.st_mode) && dirs) {
			if (rump_sys_rmdir(argv[i]) == -1) {
				rfs_warn(errno, "rm: %s", argv[i]);
				rc = 1;
			}
		} else if (S_ISDIR(st.st_mode)) {
			rfs_warn(EISDIR, "rm: %s (use -r)", argv[i]);
			rc = 1;
		} else if (rump_sys_unlink(argv[i]) == -1) {
			rfs_warn(errno, "rm: %s", argv[i]);
			rc = 1;
		}
	}
	return rc;
}

int rfs_mv(int argc, char **argv)
{
	struct stat st;
	bool intodir;
	int rc = 0;

	if (argc < 3)
		return rfs_usage("mv");
	intodir =
		rump_sys_stat(argv[argc - 1], &st) == 0 && S_ISDIR(st.st_mode);
	if (argc > 3 && !intodir) {
		rfs_warn(ENOTDIR, "mv: %s", argv[argc - 1]);
		return 1;
	}
	for (int i = 1; i < argc - 1; i++) {
		char *to = intodir ? rfs_join(argv[argc - 1], rfs_base(argv[i]))
				   : strdup(argv[argc - 1]);

		if (to == NULL) {
			rfs_warn(ENOMEM, "mv");
			return 1;
		}
		if (rump_sys_rename(argv[i], to) == -1) {
			rfs_warn(errno, "mv: %s to %s", argv[i], to);
			rc = 1;
		}
		free(to);
	}
	return rc;
}

int rfs_ln(int argc, char **argv)
{
	bool sym = false;
	int c;

	while ((c = getopt(argc, argv, "+s")) != -1)
		switch (c) {
		case 's':
			sym = true;
			break;
		default:
			return rfs_usage("ln");
		}
	if (argc - optind != 2)
		return rfs_usage("ln");
	if ((sym ? rump_sys_symlink(argv[optind], argv[optind + 1])
		 : rump_sys_link(argv[optind], argv[optind + 1])) == -1) {
		rfs_warn(errno, "ln: %s to %s", argv[optind + 1], argv[optind]);
		return 1;
	}
	return 0;
}

/* Apply fn to path and, with recurse, to everything below it. */
static int walk_apply(const char *path, bool recurse,
		      int (*fn)(const char *path, const struct stat *st,
				const void *arg),
		      const void *arg)
{
	struct stat st;
	char **names;
	size_t n;
	int error, rc;

	if (rump_sys_lstat(path, &st) == -1) {
		rfs_warn(errno, "%s", path);
		return 1;
	}
	rc = fn(path, &st, arg);
	if (!recurse || !S_ISDIR(st.st_mode))
		return rc;
	error = rfs_listdir(path, &names, &n);
	if (error != 0) {
		rfs_warn(error, "%s", path);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		char *child = rfs_join(path, names[i]);

		rc |= walk_apply(child, recurse, fn, arg);
		free(child);
	}
	free(names);
	return rc;
}

static int chmod_one(const char *path, const struct stat *st, const void *arg)
{
	mode_t mode;

	if (S_ISLNK(st->st_mode))
		return 0; /* symbolic links have no mode of their own */
	if (rfs_parsemode(arg, st->st_mode, &mode) != 0) {
		rfs_warn(0, "chmod: bad mode '%s'", (const char *)arg);
		return 2;
	}
	if (rump_sys_chmod(path, mode) == -1) {
		rfs_warn(errno, "chmod: %s", path);
		return 1;
	}
	return 0;
}

int rfs_chmod(int argc, char **argv)
{
	bool recurse = false;
	mode_t probe;
	int c, rc = 0;

	while ((c = getopt(argc, argv, "+R")) != -1)
		switch (c) {
		case 'R':
			recurse = true;
			break;
		default:
			return rfs_usage("chmod");
		}
	if (argc - optind < 2)
		return rfs_usage("chmod");
	if (rfs_parsemode(argv[optind], 0, &probe) != 0) {
		rfs_warn(0, "chmod: bad mode '%s'", argv[optind]);
		return 2;
	}
	for (int i = optind + 1; i < argc; i++)
		rc |= walk_apply(argv[i], recurse, chmod_one, argv[optind]);
	return rc;
}

struct owner {
	uid_t uid;
	gid_t gid;
	bool nofollow;
};

static int chown_one(const char *path, const struct stat *st, const void *arg)
{
	const struct owner *o = arg;

	if ((o->nofollow || S_ISLNK(st->st_mode)
		     ? rump_sys_lchown(path, o->uid, o->gid)
		     : rump_sys_chown(path, o->uid, o->gid)) == -1) {
		rfs_warn(errno, "chown: %s", path);
		return 1;
	}
	return 0;
}

/* A user or group: a number, or a name from the host's databases. */
static int parse_id(const char *s, bool group, unsigned *id)
{
	char *end;
	unsigned long v;

	if (*s >= '0' && *s <= '9') {
		errno = 0;
		v = strtoul(s, &end, 10);
		if (errno != 0 || *end != '\0' || v >= 0xffffffffUL)
			return EINVAL;
		*id = (unsigned)v;
		return 0;
	}
	if (group) {
		struct group *gr = getgrnam(s);

		if (gr == NULL)
			return EINVAL;
		*id = gr->gr_gid;
	} else {
		struct passwd *pw = getpwnam(s);

		if (pw == NULL)
			return EINVAL;
		*id = pw->pw_uid;
	}
	return 0;
}

int rfs_chown(int argc, char **argv)
{
	struct owner o = {(uid_t)-1, (gid_t)-1, false};
	bool recurse = false;
	char *spec, *colon;
	unsigned id;
	int c, rc = 0;

	while ((c = getopt(argc, argv, "+Rh")) != -1)
		switch (c) {
		case 'R':
			recurse = true;
			break;
		case 'h':
			o.nofollow = true;
			break;
		default:
			return rfs_usage("chown");
		}
	if (argc - optind < 2)
		return rfs_usage("chown");
	spec = argv[optind];
	colon = strchr(spec, ':');
	if (colon != NULL)
		*colon++ = '\0';
	if (*spec != '\0') {
		if (parse_id(spec, false, &id) != 0) {
			rfs_warn(0, "chown: unknown user '%s'", spec);
			return 2;
		}
		o.uid = id;
	}
	if (colon != NULL && *colon != '\0') {
		if (parse_id(colon, true, &id) != 0) {
			rfs_warn(0, "chown: unknown group '%s'", colon);
			return 2;
		}
		o.gid = id;
	}
	for (int i = optind + 1; i < argc; i++)
		rc |= walk_apply(argv[i], recurse, chown_one, &o);
	return rc;
}

int rfs_write(int argc, char **argv)
{
	static char buf[1 << 16];
	bool append = false;
	mode_t mode = 0644;
	ssize_t n;
	int c, fd, rc = 0;

	while ((c = getopt(argc, argv, "+am:")) != -1)
		switch (c) {
		case 'a':
			append = true;
			break;
		case 'm':
			if (rfs_parsemode(optarg, 0644 | S_IFREG, &mode) != 0) {
				rfs_warn(0, "write: bad mode '%s'", optarg);
				return 2;
			}
			break;
		default:
			return rfs_usage("write");
		}
	if (argc - optind != 1)
		return rfs_usage("write");
	fd = rump_sys_open(argv[optind],
			   O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC),
			   mode);
	if (fd == -1) {
		rfs_warn(errno, "write: %s", argv[optind]);
		return 1;
	}
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			rfs_warn(errno, "write: reading stdin");
			rc = 1;
			break;
		}
		for (ssize_t done = 0, w; done < n; done += w) {
			w = rump_sys_write(fd, buf + done, (size_t)(n - done));
			if (w == -1) {
				rfs_warn(errno, "write: %s", argv[optind]);
				rump_sys_close(fd);
				return 1;
			}
		}
	}
	if (rump_sys_close(fd) == -1) {
		rfs_warn(errno, "write: %s", argv[optind]);
		rc = 1;
	}
	return rc;
}
