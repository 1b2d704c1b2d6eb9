/*
 * cmd_read.c -- the rumpfs subcommands that only read the image: ls,
 * cat, stat, du, df and find.  Output formats follow the coreutils and
 * findutils commands of the same names where that is simple (ls -l, du
 * in KiB, df in 1K blocks), so scripts can compare them with the host's.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "rumpfs.h"

static void print_time(const struct timespec *ts)
{
	struct tm tm;
	char buf[64];
	time_t t = ts->tv_sec;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	printf("%s.%09ld UTC", buf, ts->tv_nsec);
}

/* One ls line for path shown as name. */
static void ls_line(const char *path, const char *name, const struct stat *st,
		    bool lng)
{
	char mode[11], target[4096];
	struct tm tm;
	char date[32];
	time_t t = st->st_mtim.tv_sec;
	ssize_t n;

	if (!lng) {
		printf("%s\n", name);
		return;
	}
	rfs_modestr(st->st_mode, mode);
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M", &tm);
	printf("%s %3lu %5u %5u ", mode, (unsigned long)st->st_nlink,
	       (unsigned)st->st_uid, (unsigned)st->st_gid);
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		printf("%4u, %4u", major(st->st_rdev), minor(st->st_rdev));
	else
		printf("%10lld", (long long)st->st_size);
	printf(" %s %s", date, name);
	if (S_ISLNK(st->st_mode)) {
		n = rump_sys_readlink(path, target, sizeof(target) - 1);
		if (n >= 0)
			printf(" -> %.*s", (int)n, target);
	}
	putchar('\n');
}

struct ls_opts {
	bool lng, all, recurse, dironly;
};

static int ls_dir(const char *path, const struct ls_opts *o, bool header)
{
	char **names;
	size_t n;
	int error, rc = 0;
	struct stat st;

	error = rfs_listdir(path, &names, &n);
	if (error != 0) {
		rfs_warn(error, "ls: %s", path);
		return 1;
	}
	if (header)
		printf("%s:\n", path);
	for (size_t i = 0; i < n; i++) {
		char *child = rfs_join(path, names[i]);

		if (names[i][0] == '.' && !o->all) {
			free(child);
			continue;
		}
		if (rump_sys_lstat(child, &st) == -1) {
			rfs_warn(errno, "ls: %s", child);
			rc = 1;
		} else {
			ls_line(child, names[i], &st, o->lng);
		}
		free(child);
	}
	if (o->recurse)
		for (size_t i = 0; i < n; i++) {
			char *child = rfs_join(path, names[i]);

			if ((names[i][0] != '.' || o->all) &&
			    rump_sys_lstat(child, &st) == 0 &&
			    S_ISDIR(st.st_mode)) {
				putchar('\n');
				rc |= ls_dir(child, o, true);
			}
			free(child);
		}
	free(names);
	return rc;
}

int rfs_ls(int argc, char **argv)
{
	struct ls_opts o = {false, false, false, false};
	char *dflt[] = {"/", NULL};
	struct stat st;
	int c, rc = 0;

	while ((c = getopt(argc, argv, "+laRd")) != -1)
		switch (c) {
		case 'l':
			o.lng = true;
			break;
		case 'a':
			o.all = true;
			break;
		case 'R':
			o.recurse = true;
			break;
		case 'd':
			o.dironly = true;
			break;
		default:
			return rfs_usage("ls");
		}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		argc = 1;
		argv = dflt;
	}
	for (int i = 0; i < argc; i++) {
		if (rump_sys_lstat(argv[i], &st) == -1) {
			rfs_warn(errno, "ls: %s", argv[i]);
			rc = 1;
			continue;
		}
		if (S_ISDIR(st.st_mode) && !o.dironly) {
			if (i > 0)
				putchar('\n');
			rc |= ls_dir(argv[i], &o, argc > 1 || o.recurse);
		} else {
			ls_line(argv[i], argv[i], &st, o.lng);
		}
	}
	return rc;
}

int rfs_cat(int argc, char **argv)
{
	static char buf[1 << 16];
	int rc = 0;

	if (argc < 2)
		return rfs_usage("cat");
	for (int i = 1; i < argc; i++) {
		ssize_t n;
		int fd = rump_sys_open(argv[i], O_RDONLY);

		if (fd == -1) {
			rfs_warn(errno, "cat: %s", argv[i]);
			rc = 1;
			continue;
		}
		while ((n = rump_sys_read(fd, buf, sizeof(buf))) > 0)
			if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) {
				rfs_warn(errno, "cat: writing stdout");
				rump_sys_close(fd);
				return 1;
			}
		if (n == -1) {
			rfs_warn(errno, "cat: %s", argv[i]);
			rc = 1;
		}
		rump_sys_close(fd);
	}
	return rc;
}

int rfs_stat(int argc, char **argv)
{
	struct stat st;
	char mode[11], target[4096];
	int rc = 0;
	ssize_t n;

	if (argc < 2)
		return rfs_usage("stat");
	for (int i = 1; i < argc; i++) {
		if (rump_sys_lstat(argv[i], &st) == -1) {
			rfs_warn(errno, "stat: %s", argv[i]);
			rc = 1;
			continue;
		}
		rfs_modestr(st.st_mode, mode);
		printf("  File: %s", argv[i]);
		if (S_ISLNK(st.st_mode) &&
		    (n = rump_sys_readlink(argv[i], target,
					   sizeof(target) - 1)) >= 0)
			printf(" -> %.*s", (int)n, target);
		printf("\n  Size: %lld\tBlocks: %lld\tIO Block: %ld\n",
		       (long long)st.st_size, (long long)st.st_blocks,
		       (long)st.st_blksize);
		printf("Inode: %llu\tLinks: %lu", (unsigned long long)st.st_ino,
		       (unsigned long)st.st_nlink);
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
			printf("\tDevice type: %u,%u", major(st.st_rdev),
			       minor(st.st_rdev));
		printf("\nAccess: (%04o/%s)  Uid: %u  Gid: %u\n",
		       (unsigned)(st.st_mode & 07777), mode,
		       (unsigned)st.st_uid, (unsigned)st.st_gid);
		printf("Access: ");
		print_time(&st.st_atim);
		printf("\nModify: ");
		print_time(&st.st_mtim);
		printf("\nChange: ");
		print_time(&st.st_ctim);
		putchar('\n');
	}
	return rc;
}

/* du: the KiB below path (st_blocks are 512 bytes); hard links once. */
struct du_seen {
	ino_t *ino;
	size_t n, cap;
};

static bool du_once(struct du_seen *s, const struct stat *st)
{
	if (st->st_nlink < 2 || S_ISDIR(st->st_mode))
		return true;
	for (size_t i = 0; i < s->n; i++)
		if (s->ino[i] == st->st_ino)
			return false;
	if (s->n == s->cap) {
		s->cap = s->cap * 2 + 64;
		s->ino = realloc(s->ino, s->cap * sizeof(ino_t));
		if (s->ino == NULL) {
			rfs_warn(ENOMEM, "du");
			exit(1);
		}
	}
	s->ino[s->n++] = st->st_ino;
	return true;
}

static long long du_walk(const char *path, bool all, bool summary, bool top,
			 struct du_seen *seen, int *rc)
{
	struct stat st;
	long long kib = 0;
	char **names;
	size_t n;
	int error;

	if (rump_sys_lstat(path, &st) == -1) {
		rfs_warn(errno, "du: %s", path);
		*rc = 1;
		return 0;
	}
	if (du_once(seen, &st))
		kib = (long long)st.st_blocks / 2;
	if (S_ISDIR(st.st_mode)) {
		error = rfs_listdir(path, &names, &n);
		if (error != 0) {
			rfs_warn(error, "du: %s", path);
			*rc = 1;
		} else {
			for (size_t i = 0; i < n; i++) {
				char *child = rfs_join(path, names[i]);

				kib += du_walk(child, all, summary, false, seen,
					       rc);
				free(child);
			}
			free(names);
		}
	}
	if (top || (!summary && (S_ISDIR(st.st_mode) || all)))
		printf("%lld\t%s\n", kib, path);
	return kib;
}

int rfs_du(int argc, char **argv)
{
	bool summary = false, all = false;
	char *dflt[] = {"/", NULL};
	struct du_seen seen = {NULL, 0, 0};
	int c, rc = 0;

	while ((c = getopt(argc, argv, "+sak")) != -1)
		switch (c) {
		case 's':
			summary = true;
			break;
		case 'a':
			all = true;
			break;
		case 'k':
			break;
		default:
			return rfs_usage("du");
		}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		argc = 1;
		argv = dflt;
	}
	for (int i = 0; i < argc; i++)
		du_walk(argv[i], all, summary, true, &seen, &rc);
	free(seen.ino);
	return rc;
}

int rfs_df(int argc, char **argv)
{
	struct statvfs sv;
	unsigned long long total, avail, used;

	if (argc != 1)
		return rfs_usage("df");
	if (rump_sys_statvfs("/", &sv) == -1) {
		rfs_warn(errno, "df");
		return 1;
	}
	total = (unsigned long long)sv.f_blocks * sv.f_frsize / 1024;
	used = (unsigned long long)(sv.f_blocks - sv.f_bfree) * sv.f_frsize /
	       1024;
	avail = (unsigned long long)sv.f_bavail * sv.f_frsize / 1024;
	printf("Filesystem 1K-blocks Used Available Use%% Inodes IUsed IFree "
	       "BlockSize Type\n");
	printf("%s %llu %llu %llu %llu%% %llu %llu %llu %lu %s\n", rfs_image,
	       total, used, avail,
	       used + avail == 0
		       ? 0
		       : (used * 100 + used + avail - 1) / (used + avail),
	       (unsigned long long)sv.f_files,
	       (unsigned long long)(sv.f_files - sv.f_ffree),
	       (unsigned long long)sv.f_ffree, (unsigned long)sv.f_frsize,
	       rfs_fstype);
	return 0;
}

struct find_opts {
	const char *name;
	char type;
	int maxdepth;
};

static bool find_type_ok(char type, mode_t m)
{
	switch (type) {
	case 0:
		return true;
	case 'f':
		return S_ISREG(m);
	case 'd':
		return S_ISDIR(m);
	case 'l':
		return S_ISLNK(m);
	case 'p':
		return S_ISFIFO(m);
	case 'c':
		return S_ISCHR(m);
	case 'b':
		return S_ISBLK(m);
	case 's':
		return S_ISSOCK(m);
	}
	return false;
}

static int find_walk(const char *path, const struct find_opts *o, int depth)
{
	struct stat st;
	char **names;
	size_t n;
	int error, rc = 0;

	if (rump_sys_lstat(path, &st) == -1) {
		rfs_warn(errno, "find: %s", path);
		return 1;
	}
	if (find_type_ok(o->type, st.st_mode) &&
	    (o->name == NULL || fnmatch(o->name, rfs_base(path), 0) == 0))
		printf("%s\n", path);
	if (!S_ISDIR(st.st_mode) || (o->maxdepth >= 0 && depth >= o->maxdepth))
		return 0;
	error = rfs_listdir(path, &names, &n);
	if (error != 0) {
		rfs_warn(error, "find: %s", path);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		char *child = rfs_join(path, names[i]);

		rc |= find_walk(child, o, depth + 1);
		free(child);
	}
	free(names);
	return rc;
}

int rfs_find(int argc, char **argv)
{
	struct find_opts o = {NULL, 0, -1};
	int npaths = 0, rc = 0, i;
	char *end;

	for (i = 1; i < argc && argv[i][0] != '-'; i++)
		npaths++;
	for (; i < argc; i++) {
		if (i + 1 >= argc)
			return rfs_usage("find");
		if (strcmp(argv[i], "-name") == 0) {
			o.name = argv[++i];
		} else if (strcmp(argv[i], "-type") == 0) {
			o.type = argv[++i][0];
			if (strlen(argv[i]) != 1 ||
			    strchr("fdlpcbs", o.type) == NULL)
				return rfs_usage("find");
		} else if (strcmp(argv[i], "-maxdepth") == 0) {
			o.maxdepth = (int)strtol(argv[++i], &end, 10);
			if (*end != '\0' || o.maxdepth < 0)
				return rfs_usage("find");
		} else {
			return rfs_usage("find");
		}
	}
	if (npaths == 0)
		return find_walk("/", &o, 0);
	for (i = 1; i <= npaths; i++)
		rc |= find_walk(argv[i], &o, 0);
	return rc;
}
