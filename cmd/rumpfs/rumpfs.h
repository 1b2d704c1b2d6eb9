/*
 * rumpfs.h -- the parts of the rumpfs image tool (docs/rumpfs.md) shared
 * between its files: the subcommand table, error reporting and the small
 * helpers over rump_sys_* calls.  Paths inside the image are the
 * kernel's: the tool runs its subcommand chrooted into the mounted image,
 * so "/" is the image's root.  Subcommands return an exit status (0, or
 * 1 when something failed; each failure was reported on stderr).
 */
#ifndef RUMPKIT_CMD_RUMPFS_H_
#define RUMPKIT_CMD_RUMPFS_H_
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

struct rfs_cmd {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the name */
	bool rdonly;			   /* mounted read-only for it */
	const char *usage;
	const char *help;
};

extern const struct rfs_cmd rfs_cmds[];
extern const char *rfs_image;
extern const char *rfs_fstype; /* "ext2", "ext3", "ext4" */

/* Report "rumpfs: <what>: <strerror(error)>" (error 0: no suffix). */
void rfs_warn(int error, const char *fmt, ...)
	__attribute__((__format__(__printf__, 2, 3)));
/* A usage error of subcommand cmd; returns 2. */
int rfs_usage(const char *cmd);

/* The names in directory path (without . and ..), sorted; *names is one
 * malloc'ed array of pointers into itself.  Returns 0 or an errno. */
int rfs_listdir(const char *path, char ***names, size_t *count);

/* path + "/" + name into a malloc'ed string (exits on no memory). */
char *rfs_join(const char *dir, const char *name);
/* The last component of path (a pointer into it; "/" for "/"). */
const char *rfs_base(const char *path);
void *rfs_xmalloc(size_t n);

/* "drwxr-xr-x" for mode m, into buf[11]. */
void rfs_modestr(mode_t m, char *buf);
/* Parse an octal mode or a symbolic one ("u+x,go-w") relative to old. */
int rfs_parsemode(const char *s, mode_t old, mode_t *mode);

/* Subcommands (cmd_read.c, cmd_write.c, cmd_copy.c). */
int rfs_ls(int argc, char **argv);
int rfs_cat(int argc, char **argv);
int rfs_stat(int argc, char **argv);
int rfs_du(int argc, char **argv);
int rfs_df(int argc, char **argv);
int rfs_find(int argc, char **argv);
int rfs_mkdir(int argc, char **argv);
int rfs_rm(int argc, char **argv);
int rfs_mv(int argc, char **argv);
int rfs_ln(int argc, char **argv);
int rfs_chmod(int argc, char **argv);
int rfs_chown(int argc, char **argv);
int rfs_write(int argc, char **argv);
int rfs_put(int argc, char **argv);
int rfs_get(int argc, char **argv);
int rfs_cp(int argc, char **argv);

#endif
