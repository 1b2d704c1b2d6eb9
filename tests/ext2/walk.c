/*
 * walk.c -- a walk over a mounted file system that may be hostile (the
 * fuzz target and t_ext2_compat_hostile): list every directory, lstat every
 * name, read every file and symlink, and tolerate any error a call
 * returns (an error is the right answer to a corrupt image), within a
 * depth and an operation budget so that a looping directory tree ends.
 * What must not happen -- a crash, a hang, an overrun -- the sanitizers,
 * the watchdog and the leak check see.  Uses only rump_sys_* and libc.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rump/rump_syscalls.h>

struct walk_stats {
	long ops;    /* calls made; the walk stops at the budget */
	long errors; /* calls that returned an error */
	long budget;
};

struct walk_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};
#define WALK_DNAME offsetof(struct walk_dirent64, d_name)

static void walk_file(struct walk_stats *w, const char *path)
{
	static char buf[65536];
	ssize_t n;
	int fd;

	w->ops++;
	fd = rump_sys_open(path, O_RDONLY | O_NONBLOCK);
	if (fd == -1) {
		w->errors++;
		return;
	}
	/* At most a few MiB of a file: sizes may be absurd. */
	for (int i = 0; i < 64 && w->ops < w->budget; i++) {
		w->ops++;
		n = rump_sys_read(fd, buf, sizeof(buf));
		if (n <= 0) {
			w->errors += n < 0;
			break;
		}
	}
	/* And somewhere far away. */
	w->ops++;
	if (rump_sys_pread(fd, buf, 4096, (off_t)1 << 40) == -1)
		w->errors++;
	rump_sys_close(fd);
}

static __attribute__((__unused__)) void walk_tree(struct walk_stats *w,
						  const char *dir, int depth)
{
	char *buf, child[1024], target[4200];
	const size_t buflen = 16384;
	struct stat st;
	long entries = 0;
	ssize_t n;
	int fd;

	if (depth > 24 || w->ops >= w->budget)
		return;
	w->ops++;
	fd = rump_sys_open(dir, O_RDONLY | O_DIRECTORY);
	if (fd == -1) {
		w->errors++;
		return;
	}
	buf = malloc(buflen);
	if (buf == NULL)
		__builtin_trap();
	for (;;) {
		w->ops++;
		n = rump_sys_getdents64(fd, buf, buflen);
		if (n <= 0) {
			w->errors += n < 0;
			break;
		}
		/* The records are the kernel's: check their framing. */
		for (ssize_t at = 0; at < n && w->ops < w->budget;) {
			struct walk_dirent64 *d = (void *)(buf + at);
			size_t len;

			const size_t head =
				offsetof(struct walk_dirent64, d_name);

			if (d->d_reclen < head + 2 || at + d->d_reclen > n)
				__builtin_trap();
			len = strnlen(d->d_name, d->d_reclen - head);
			if (len == d->d_reclen - head || len == 0 || len > 255)
				__builtin_trap();
			at += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0 || ++entries > 5000)
				continue;
			snprintf(child, sizeof(child), "%s/%s", dir, d->d_name);
			w->ops++;
			if (rump_sys_lstat(child, &st) == -1) {
				w->errors++;
				continue;
			}
			if (S_ISDIR(st.st_mode)) {
				walk_tree(w, child, depth + 1);
			} else if (S_ISREG(st.st_mode)) {
				walk_file(w, child);
			} else if (S_ISLNK(st.st_mode)) {
				w->ops++;
				if (rump_sys_readlink(child, target,
						      sizeof(target)) == -1)
					w->errors++;
			}
		}
	}
	free(buf);
	rump_sys_close(fd);
}
