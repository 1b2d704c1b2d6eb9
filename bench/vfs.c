/*
 * vfs.c -- benchmark of the VFS faction and tmpfs against the host kernel's
 * tmpfs (/dev/shm): metadata operations in one large directory, a tree of
 * small files, and sequential I/O on one large file.  One workload body
 * runs through a small table of file operations, once with the host's
 * system calls and once with rump_sys_*, back to back in the same process
 * and run, so every figure is a ratio measured under the same noise.
 * Built once per host library; "report label=path ..." runs the workers in
 * fresh processes and prints the markdown section of docs/BENCHMARKS.md.
 * A build without the VFS faction reports that and measures nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"

#define HOST_TMPDIR "/dev/shm"
#define TMPFS_MAGIC_VALUE 0x01021994 /* <linux/magic.h> TMPFS_MAGIC */
#define RUMP_MOUNTPOINT "/mnt"
#define RUMP_ROOTDIR "/bench" /* used when tmpfs cannot be mounted */

#define META_FILES 100000
#define TREE_FILES 20000
#define TREE_DIRS 1000
#define TREE_FILE_BYTES 4096
#define SEQ_BYTES (1024L * 1024 * 1024)
#define SEQ_REQUEST (64 * 1024)
#define META_RUNS 5
#define TREE_RUNS 5
#define SEQ_RUNS 3
#define DIRENT_BUF (64 * 1024) /* getdents64 buffer, both sides */
#define WORKER_TIMEOUT_S 600   /* a hung kernel fails its rows, not make */
#define OUTLEN 8192
#define NAMELEN 48

#define TARGET_META 2.0
#define TARGET_SEQ 0.8

/*
 * The file operations a workload uses.  Both tables follow the libc
 * convention (-1 and errno), so one body serves the host and the kernel.
 */
struct fsops {
	const char *name;
	int (*openat)(int dirfd, const char *path, int flags, mode_t mode);
	int (*close)(int fd);
	ssize_t (*read)(int fd, void *buf, size_t len);
	ssize_t (*write)(int fd, const void *buf, size_t len);
	int (*fstatat)(int dirfd, const char *path, struct stat *sb, int flags);
	ssize_t (*getdents64)(int fd, void *buf, size_t len);
	int (*mkdirat)(int dirfd, const char *path, mode_t mode);
	int (*unlinkat)(int dirfd, const char *path, int flags);
};

static int host_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	return openat(dirfd, path, flags, mode);
}

static ssize_t host_getdents64(int fd, void *buf, size_t len)
{
	return syscall(SYS_getdents64, fd, buf, len);
}

static const struct fsops host_ops = {
	.name = "host",
	.openat = host_openat,
	.close = close,
	.read = read,
	.write = write,
	.fstatat = fstatat,
	.getdents64 = host_getdents64,
	.mkdirat = mkdirat,
	.unlinkat = unlinkat,
};

static int kern_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	return rump_sys_openat(dirfd, path, flags, mode);
}

static const struct fsops rump_ops = {
	.name = "rump",
	.openat = kern_openat,
	.close = rump_sys_close,
	.read = rump_sys_read,
	.write = rump_sys_write,
	.fstatat = rump_sys_fstatat,
	.getdents64 = rump_sys_getdents64,
	.mkdirat = rump_sys_mkdirat,
	.unlinkat = rump_sys_unlinkat,
};

/* Where one side works: an open directory in its file system. */
struct side {
	const struct fsops *ops;
	int dirfd;
};

static int fail(const struct side *s, const char *what, const char *path)
{
	fprintf(stderr, "bench vfs (%s): %s %s: %s\n", s->ops->name, what,
		path != NULL ? path : "", strerror(errno));
	return -1;
}

/*
 * Metadata: create n empty files in one directory, stat them all, list
 * the directory, unlink them all.  ns[0..3] get the four phase times.
 */
struct meta_work {
	long nfiles;
	char (*names)[NAMELEN];
	char *dirent_buf;
};

static int meta_list(const struct side *s, int dfd, const struct meta_work *w)
{
	const struct fsops *o = s->ops;
	long count = 0;
	ssize_t got, off;
	unsigned short reclen;
	const char *name;
	int fd;

	fd = o->openat(dfd, ".", O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return fail(s, "open", "meta/.");
	while ((got = o->getdents64(fd, w->dirent_buf, DIRENT_BUF)) > 0) {
		/* struct dirent64: ino 8, off 8, reclen 2, type 1, name */
		for (off = 0; off < got; off += reclen) {
			memcpy(&reclen, w->dirent_buf + off + 16,
			       sizeof(reclen));
			name = w->dirent_buf + off + 19;
			if (reclen == 0) {
				errno = EINVAL;
				o->close(fd);
				return fail(s, "getdents64 (reclen 0)", "meta");
			}
			if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0)
				count++;
		}
	}
	if (got < 0) {
		fail(s, "getdents64", "meta");
		o->close(fd);
		return -1;
	}
	o->close(fd);
	if (count != w->nfiles) {
		fprintf(stderr, "bench vfs (%s): listed %ld entries, not %ld\n",
			o->name, count, w->nfiles);
		return -1;
	}
	return 0;
}

static int meta_run(const struct side *s, const struct meta_work *w,
		    double ns[4])
{
	const struct fsops *o = s->ops;
	struct stat sb;
	uint64_t t0, t1, t2, t3, t4;
	long i;
	int dfd, fd;

	if (o->mkdirat(s->dirfd, "meta", 0755) != 0)
		return fail(s, "mkdir", "meta");
	dfd = o->openat(s->dirfd, "meta", O_RDONLY | O_DIRECTORY, 0);
	if (dfd < 0)
		return fail(s, "open", "meta");
	t0 = bench_now_ns();
	for (i = 0; i < w->nfiles; i++) {
		fd = o->openat(dfd, w->names[i], O_WRONLY | O_CREAT | O_EXCL,
			       0644);
		if (fd < 0 || o->close(fd) != 0)
			return fail(s, "create", w->names[i]);
	}
	t1 = bench_now_ns();
	for (i = 0; i < w->nfiles; i++) {
		if (o->fstatat(dfd, w->names[i], &sb, 0) != 0)
			return fail(s, "stat", w->names[i]);
		if (!S_ISREG(sb.st_mode) || sb.st_size != 0) {
			fprintf(stderr,
				"bench vfs (%s): stat %s: mode %o "
				"size %lld\n",
				o->name, w->names[i], (unsigned)sb.st_mode,
				(long long)sb.st_size);
			return -1;
		}
	}
	t2 = bench_now_ns();
	if (meta_list(s, dfd, w) != 0)
		return -1;
	t3 = bench_now_ns();
	for (i = 0; i < w->nfiles; i++)
		if (o->unlinkat(dfd, w->names[i], 0) != 0)
			return fail(s, "unlink", w->names[i]);
	t4 = bench_now_ns();
	o->close(dfd);
	if (o->unlinkat(s->dirfd, "meta", AT_REMOVEDIR) != 0)
		return fail(s, "rmdir", "meta");
	ns[0] = (double)(t1 - t0);
	ns[1] = (double)(t2 - t1);
	ns[2] = (double)(t3 - t2);
	ns[3] = (double)(t4 - t3);
	return 0;
}

/*
 * Tree: ndirs directories under one top directory, nfiles files of 4 KiB
 * spread evenly over them, each written in one request.  The timed part
 * is mkdir + create + write + close; removal is untimed.
 */
struct tree_work {
	long ndirs, nfiles;
	char (*dirs)[NAMELEN];
	char (*files)[NAMELEN];
	char *data;
};

static int tree_run(const struct side *s, const struct tree_work *w, double *ns)
{
	const struct fsops *o = s->ops;
	uint64_t t0, t1;
	long d, f;
	int tfd, fd;

	if (o->mkdirat(s->dirfd, "tree", 0755) != 0)
		return fail(s, "mkdir", "tree");
	tfd = o->openat(s->dirfd, "tree", O_RDONLY | O_DIRECTORY, 0);
	if (tfd < 0)
		return fail(s, "open", "tree");
	t0 = bench_now_ns();
	for (d = 0, f = 0; d < w->ndirs; d++) {
		if (o->mkdirat(tfd, w->dirs[d], 0755) != 0)
			return fail(s, "mkdir", w->dirs[d]);
		/* Files d*nfiles/ndirs .. (d+1)*nfiles/ndirs - 1 live here. */
		for (; f < (d + 1) * w->nfiles / w->ndirs; f++) {
			fd = o->openat(tfd, w->files[f],
				       O_WRONLY | O_CREAT | O_EXCL, 0644);
			if (fd < 0)
				return fail(s, "create", w->files[f]);
			if (o->write(fd, w->data, TREE_FILE_BYTES) !=
			    TREE_FILE_BYTES) {
				fail(s, "write", w->files[f]);
				o->close(fd);
				return -1;
			}
			if (o->close(fd) != 0)
				return fail(s, "close", w->files[f]);
		}
	}
	t1 = bench_now_ns();
	for (f = 0; f < w->nfiles; f++)
		if (o->unlinkat(tfd, w->files[f], 0) != 0)
			return fail(s, "unlink", w->files[f]);
	for (d = 0; d < w->ndirs; d++)
		if (o->unlinkat(tfd, w->dirs[d], AT_REMOVEDIR) != 0)
			return fail(s, "rmdir", w->dirs[d]);
	o->close(tfd);
	if (o->unlinkat(s->dirfd, "tree", AT_REMOVEDIR) != 0)
		return fail(s, "rmdir", "tree");
	*ns = (double)(t1 - t0);
	return 0;
}

/*
 * Sequential I/O: write a file of `bytes` in `request`-sized writes
 * (open to close), then read it back the same way; removal is untimed.
 * Every request is checked for a full transfer, and the last word of
 * every read request against what was written, on both sides alike.
 */
struct seq_work {
	long bytes, request;
	char *wbuf, *rbuf;
};

static int seq_run(const struct side *s, const struct seq_work *w, double ns[2])
{
	const struct fsops *o = s->ops;
	unsigned long word, expect, bad = 0;
	uint64_t t0, t1, t2;
	long done;
	ssize_t n;
	int fd;

	t0 = bench_now_ns();
	fd = o->openat(s->dirfd, "seq", O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return fail(s, "create", "seq");
	for (done = 0; done < w->bytes; done += w->request) {
		if (o->write(fd, w->wbuf, w->request) != w->request) {
			fail(s, "write", "seq");
			o->close(fd);
			return -1;
		}
	}
	if (o->close(fd) != 0)
		return fail(s, "close", "seq");
	t1 = bench_now_ns();
	fd = o->openat(s->dirfd, "seq", O_RDONLY, 0);
	if (fd < 0)
		return fail(s, "open", "seq");
	done = 0;
	memcpy(&expect, w->wbuf + w->request - sizeof(expect), sizeof(expect));
	while ((n = o->read(fd, w->rbuf, w->request)) > 0) {
		memcpy(&word, w->rbuf + n - sizeof(word), sizeof(word));
		bad += word != expect;
		done += n;
	}
	o->close(fd);
	t2 = bench_now_ns();
	if (n < 0)
		return fail(s, "read", "seq");
	if (done != w->bytes) {
		fprintf(stderr, "bench vfs (%s): read %ld bytes, not %ld\n",
			o->name, done, w->bytes);
		return -1;
	}
	if (bad != 0) {
		fprintf(stderr,
			"bench vfs (%s): %lu requests read back wrong\n",
			o->name, bad);
		return -1;
	}
	if (o->unlinkat(s->dirfd, "seq", 0) != 0)
		return fail(s, "unlink", "seq");
	ns[0] = (double)(t1 - t0);
	ns[1] = (double)(t2 - t1);
	return 0;
}

/*
 * Boot, and find the kernel's working directory: tmpfs mounted on /mnt,
 * or a directory of the root file system if tmpfs is not linked.  Prints
 * "bench: novfs=1" and returns 1 if the VFS faction is not linked.
 */
static int rump_setup(struct side *s, int *tmpfs)
{
	const char *dir = RUMP_MOUNTPOINT;
	int error, mount_errno = 0;

	if ((error = rump_init()) != 0) {
		fprintf(stderr, "bench vfs: rump_init: %s\n", strerror(error));
		return -1;
	}
	if ((error = rump_pub_lwproc_rfork(RUMP_RFCFDG)) != 0) {
		fprintf(stderr, "bench vfs: rfork: %s\n", strerror(error));
		return -1;
	}
	if (rump_sys_mkdir(RUMP_MOUNTPOINT, 0755) != 0 && errno != EEXIST) {
		if (errno == ENOSYS) {
			printf("bench: novfs=1\n");
			return 1;
		}
		fprintf(stderr, "bench vfs: mkdir %s: %s\n", RUMP_MOUNTPOINT,
			strerror(errno));
		return -1;
	}
	if (rump_sys_mount("tmpfs", RUMP_MOUNTPOINT, "tmpfs", 0, "") != 0) {
		mount_errno = errno;
		dir = RUMP_ROOTDIR;
		if (rump_sys_mkdir(dir, 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "bench vfs: mkdir %s: %s\n", dir,
				strerror(errno));
			return -1;
		}
	}
	*tmpfs = mount_errno == 0;
	printf("bench: tmpfs=%d mount_errno=%d\n", *tmpfs, mount_errno);
	s->ops = &rump_ops;
	s->dirfd = rump_sys_open(dir, O_RDONLY | O_DIRECTORY);
	if (s->dirfd < 0) {
		fprintf(stderr, "bench vfs: open %s: %s\n", dir,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int rump_teardown(struct side *s, int tmpfs)
{
	rump_sys_close(s->dirfd);
	if (tmpfs && rump_sys_unmount(RUMP_MOUNTPOINT, 0) != 0) {
		fprintf(stderr, "bench vfs: unmount: %s\n", strerror(errno));
		return -1;
	}
	rump_pub_lwproc_releaselwp();
	if (rump_sys_reboot(RUMP_RB_HALT) != 0) {
		perror("bench vfs: rump_sys_reboot");
		return -1;
	}
	return 0;
}

enum workload { WL_META, WL_TREE, WL_SEQ, WL_COUNT };

static const char *const workload_names[WL_COUNT] = {"meta", "tree", "seq"};

/* The figures, in table order; a workload's figures are contiguous. */
struct figure {
	const char *what;
	const char *key; /* host_<key>_ns, rump_<key>_ns */
	enum workload wl;
	double target; /* speed ratio, at least */
};

static const struct figure figures[] = {
	{"Create empty files in one directory", "create", WL_META, TARGET_META},
	{"Stat every file", "stat", WL_META, TARGET_META},
	{"List the directory (`getdents64` to the end)", "list", WL_META,
	 TARGET_META},
	{"Unlink every file", "unlink", WL_META, TARGET_META},
	{"Tree of 4 KiB files (mkdir + create + write)", "tree", WL_TREE,
	 TARGET_META},
	{"Sequential write, 64 KiB requests", "write", WL_SEQ, TARGET_SEQ},
	{"Sequential read, 64 KiB requests", "read", WL_SEQ, TARGET_SEQ},
};
#define NFIGURES (sizeof(figures) / sizeof(figures[0]))
#define MAXRUNS 16

/* Sizes of one report, divided by BENCH_SCALE. */
struct sizes {
	long meta_files, tree_dirs, tree_files, seq_bytes;
	int scale;
};

static long scaled(long v, int scale)
{
	return v / scale > 0 ? v / scale : 1;
}

static void sizes_init(struct sizes *z, int scale)
{
	z->scale = scale;
	z->meta_files = scaled(META_FILES, scale);
	z->tree_dirs = scaled(TREE_DIRS, scale);
	z->tree_files = scaled(TREE_FILES, scale);
	/* Whole requests only. */
	z->seq_bytes = scaled(SEQ_BYTES / SEQ_REQUEST, scale) * SEQ_REQUEST;
}

/* The inputs of every workload, only the chosen one filled in: names and
 * buffers are made before any clock starts. */
struct work {
	struct meta_work meta;
	struct tree_work tree;
	struct seq_work seq;
};

static void *work_alloc(size_t size)
{
	void *p = malloc(size);

	if (p == NULL) {
		perror("bench vfs: malloc");
		exit(1);
	}
	return p;
}

static void work_init(struct work *w, enum workload wl, const struct sizes *z)
{
	struct meta_work *mw = &w->meta;
	struct tree_work *tw = &w->tree;
	struct seq_work *sw = &w->seq;
	long n;

	memset(w, 0, sizeof(*w));
	switch (wl) {
	case WL_META:
		mw->nfiles = z->meta_files;
		mw->names = work_alloc((size_t)mw->nfiles * NAMELEN);
		for (n = 0; n < mw->nfiles; n++)
			snprintf(mw->names[n], NAMELEN, "f%06ld", n);
		mw->dirent_buf = work_alloc(DIRENT_BUF);
		break;
	case WL_TREE:
		tw->ndirs = z->tree_dirs;
		tw->nfiles = z->tree_files;
		tw->dirs = work_alloc((size_t)tw->ndirs * NAMELEN);
		tw->files = work_alloc((size_t)tw->nfiles * NAMELEN);
		for (n = 0; n < tw->ndirs; n++)
			snprintf(tw->dirs[n], NAMELEN, "d%04ld", n);
		for (n = 0; n < tw->nfiles; n++)
			snprintf(tw->files[n], NAMELEN, "d%04ld/f%05ld",
				 n * tw->ndirs / tw->nfiles, n);
		tw->data = work_alloc(TREE_FILE_BYTES);
		memset(tw->data, 'r', TREE_FILE_BYTES);
		break;
	case WL_SEQ:
		sw->bytes = z->seq_bytes;
		sw->request = SEQ_REQUEST;
		sw->wbuf = work_alloc(SEQ_REQUEST);
		sw->rbuf = work_alloc(SEQ_REQUEST);
		for (n = 0; n < SEQ_REQUEST; n++)
			sw->wbuf[n] = (char)(n * 131 + 7);
		break;
	case WL_COUNT:
		break;
	}
}

static void work_fini(struct work *w)
{
	free(w->meta.names);
	free(w->meta.dirent_buf);
	free(w->tree.dirs);
	free(w->tree.files);
	free(w->tree.data);
	free(w->seq.wbuf);
	free(w->seq.rbuf);
}

/* One run of workload wl on one side; ns gets its figures in order. */
static int work_run(const struct side *s, enum workload wl,
		    const struct work *w, double *ns)
{
	switch (wl) {
	case WL_META:
		return meta_run(s, &w->meta, ns);
	case WL_TREE:
		return tree_run(s, &w->tree, ns);
	case WL_SEQ:
		return seq_run(s, &w->seq, ns);
	case WL_COUNT:
		break;
	}
	return -1;
}

/*
 * One worker process: set both sides up, then a warm-up run and `runs`
 * runs, each timing the host and the kernel back to back (alternating which
 * goes first), one "bench: run=..." line per timed run.
 */
static int worker(enum workload wl, const char *hostdir, int runs, int scale)
{
	struct sizes z;
	struct side host, rump;
	struct work w;
	double ns[2][NFIGURES];
	size_t f, j;
	int r, i, rc, tmpfs;

	if (wl == WL_COUNT)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(WORKER_TIMEOUT_S);
	sizes_init(&z, scale);
	host.ops = &host_ops;
	host.dirfd = open(hostdir, O_RDONLY | O_DIRECTORY);
	if (host.dirfd < 0) {
		fprintf(stderr, "bench vfs: open %s: %s\n", hostdir,
			strerror(errno));
		return 1;
	}
	rc = rump_setup(&rump, &tmpfs);
	if (rc != 0)
		return rc < 0 ? 1 : 0;
	work_init(&w, wl, &z);
	/* Run -1 warms both sides up (allocators, the host's first touch of
	 * memory) and is not reported. */
	for (r = -1; r < runs; r++) {
		/* Alternate the order so drift within a run hits both. */
		for (i = 0; i < 2; i++) {
			int on_host = (i == 0) == (r % 2 == 0);

			if (work_run(on_host ? &host : &rump, wl, &w,
				     ns[on_host]) != 0)
				return 1;
		}
		if (r < 0)
			continue;
		printf("bench: run=%d", r);
		for (f = 0, j = 0; f < NFIGURES; f++) {
			if (figures[f].wl != wl)
				continue;
			printf(" host_%s_ns=%.0f rump_%s_ns=%.0f",
			       figures[f].key, ns[1][j], figures[f].key,
			       ns[0][j]);
			j++;
		}
		printf("\n");
	}
	work_fini(&w);
	close(host.dirfd);
	return rump_teardown(&rump, tmpfs) == 0 ? 0 : 1;
}

/* Everything the report gathers for one host library. */
struct host_result {
	double host[NFIGURES][MAXRUNS], rump[NFIGURES][MAXRUNS];
	double ratio[NFIGURES][MAXRUNS];
	int nruns[WL_COUNT];
	int status[WL_COUNT]; /* worker exit status; -1 died */
	int novfs;
	int tmpfs_seen, rootfs_seen, mount_errno;
};

static int runs_of(enum workload wl)
{
	return wl == WL_META ? META_RUNS : wl == WL_TREE ? TREE_RUNS : SEQ_RUNS;
}

static int remove_entry(const char *path, const struct stat *sb, int flag,
			struct FTW *ftw)
{
	if (remove(path) != 0)
		fprintf(stderr, "bench vfs: remove %s: %s\n", path,
			strerror(errno));
	return 0;
}

/* Remove dir and everything below it. */
static void remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void parse_runs(const char *out, enum workload wl,
		       struct host_result *res)
{
	char line[1024], key[64];
	const char *p, *end;
	double run, hv, kv, v;
	size_t f, len;

	if (bench_value(out, "novfs", &v) == 0)
		res->novfs = 1;
	if (bench_value(out, "tmpfs", &v) == 0) {
		if (v != 0)
			res->tmpfs_seen = 1;
		else
			res->rootfs_seen = 1;
		if (bench_value(out, "mount_errno", &v) == 0 && v != 0)
			res->mount_errno = (int)v;
	}
	for (p = strstr(out, "bench: run="); p != NULL;
	     p = strstr(p + 1, "bench: run=")) {
		end = strchr(p, '\n');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		if (len >= sizeof(line) || res->nruns[wl] == MAXRUNS)
			break;
		memcpy(line, p, len);
		line[len] = '\0';
		if (bench_value(line, "run", &run) != 0)
			continue;
		for (f = 0; f < NFIGURES; f++) {
			if (figures[f].wl != wl)
				continue;
			snprintf(key, sizeof(key), "host_%s_ns",
				 figures[f].key);
			if (bench_value(line, key, &hv) != 0)
				return;
			snprintf(key, sizeof(key), "rump_%s_ns",
				 figures[f].key);
			if (bench_value(line, key, &kv) != 0 || kv <= 0)
				return;
			res->host[f][res->nruns[wl]] = hv;
			res->rump[f][res->nruns[wl]] = kv;
			res->ratio[f][res->nruns[wl]] = hv / kv;
		}
		res->nruns[wl]++;
	}
}

/* Run one workload's worker against a fresh host directory. */
static int collect(const struct bench_host *h, enum workload wl, int scale,
		   struct host_result *res)
{
	char dir[] = HOST_TMPDIR "/rumpkit-bench-vfs.XXXXXX";
	char runs[16], scale_arg[16], out[OUTLEN];
	char *argv[] = {(char *)h->path,
			(char *)workload_names[wl],
			dir,
			runs,
			scale_arg,
			NULL};

	snprintf(runs, sizeof(runs), "%d", runs_of(wl));
	snprintf(scale_arg, sizeof(scale_arg), "%d", scale);
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "bench vfs: mkdtemp %s: %s\n", dir,
			strerror(errno));
		return -1;
	}
	fprintf(stderr, "bench: vfs %s on %s ...\n", workload_names[wl],
		h->label);
	res->status[wl] = bench_spawn(argv, out, sizeof(out), NULL);
	remove_tree(dir);
	if (res->status[wl] != 0)
		fprintf(stderr, "bench vfs: %s %s failed (status %d)\n",
			h->path, workload_names[wl], res->status[wl]);
	parse_runs(out, wl, res);
	return 0;
}

static const char *fmt_rate(char *buf, size_t len, double bytes, double ns)
{
	double gib_s = bytes / ns * 1e9 / (1024.0 * 1024 * 1024);

	if (gib_s >= 1)
		snprintf(buf, len, "%.2f GiB/s", gib_s);
	else
		snprintf(buf, len, "%.0f MiB/s", gib_s * 1024);
	return buf;
}

/* A time per file (with "per file" if per), or a rate for the I/O. */
static const char *fmt_value(char *buf, size_t len, const struct figure *fig,
			     const struct sizes *z, double ns, int per)
{
	char t[32];
	long items = fig->wl == WL_META	  ? z->meta_files
		     : fig->wl == WL_TREE ? z->tree_files
					  : 0;

	if (items == 0)
		return fmt_rate(buf, len, (double)z->seq_bytes, ns);
	snprintf(buf, len, "%s%s",
		 bench_fmt_ns(t, sizeof(t), ns / (double)items),
		 per ? " per file" : "");
	return buf;
}

/* Why a worker gave fewer runs than asked for, or "". */
static const char *fmt_failure(char *buf, size_t len, int status, int n,
			       int runs)
{
	char why[64];

	if (status == 0 && n == runs)
		return "";
	if (status == 0)
		snprintf(why, sizeof(why), "its output was cut short");
	else if (status < 0)
		snprintf(why, sizeof(why),
			 "it died from a signal (SIGALRM: over %d s)",
			 WORKER_TIMEOUT_S);
	else
		snprintf(why, sizeof(why), "it exited with status %d", status);
	snprintf(buf, len, "%s%d of %d runs: the worker failed, %s",
		 n > 0 ? "; " : "not measured: ", n, runs, why);
	return buf;
}

static void print_row(size_t f, const char *label, const struct host_result *r,
		      const struct sizes *z)
{
	const struct figure *fig = &figures[f];
	char a[64], b[64], c[64], d[64], e[160];
	int n = r->nruns[fig->wl];
	double q;

	fmt_failure(e, sizeof(e), r->status[fig->wl], n, runs_of(fig->wl));
	if (n == 0) {
		printf("| %s | %s | %s (see the `make bench` log) | — | — | "
		       "≥ %.1f | — |\n",
		       fig->what, label, e, fig->target);
		return;
	}
	/* Quartiles in ascending order of what is shown: for a rate, the
	 * p75 time comes first. */
	q = bench_median(r->ratio[f], n);
	printf("| %s | %s | %s (%s – %s)%s | %s | %.2f | ≥ %.1f | %s |\n",
	       fig->what, label,
	       fmt_value(a, sizeof(a), fig, z, bench_median(r->rump[f], n), 1),
	       fmt_value(b, sizeof(b), fig, z,
			 bench_percentile(r->rump[f], n,
					  fig->wl == WL_SEQ ? 75 : 25),
			 0),
	       fmt_value(c, sizeof(c), fig, z,
			 bench_percentile(r->rump[f], n,
					  fig->wl == WL_SEQ ? 25 : 75),
			 0),
	       e,
	       fmt_value(d, sizeof(d), fig, z, bench_median(r->host[f], n), 1),
	       q, fig->target, q >= fig->target ? "yes" : "no");
}

static void print_where(const struct bench_host *hosts, int nhosts,
			const struct host_result *res)
{
	int h;

	printf("- **Kernel side**: ");
	for (h = 0; h < nhosts; h++) {
		const struct host_result *r = &res[h];

		printf("%s%s: ", h > 0 ? "; " : "",
		       bench_host_name(hosts[h].label));
		if (r->tmpfs_seen && !r->rootfs_seen)
			printf("tmpfs mounted at `%s` "
			       "(`rump_sys_mount(\"tmpfs\", \"%s\", \"tmpfs\", "
			       "0, \"\")`)",
			       RUMP_MOUNTPOINT, RUMP_MOUNTPOINT);
		else if (r->rootfs_seen && !r->tmpfs_seen)
			printf("the root file system (`%s`; mounting tmpfs "
			       "failed: %s)",
			       RUMP_ROOTDIR, strerror(r->mount_errno));
		else if (r->rootfs_seen)
			printf("tmpfs for some workloads, the root file "
			       "system for others");
		else
			printf("no worker got as far as choosing");
	}
	printf(". The program runs as a process of its own "
	       "(`rump_pub_lwproc_rfork`), with the kernel's default number "
	       "of virtual CPUs.\n");
}

static void print_report(const struct bench_host *hosts, int nhosts,
			 const struct host_result *res, const struct sizes *z)
{
	struct statfs sfs;
	size_t f;
	int h, novfs = 0;

	printf("## VFS and tmpfs: metadata and sequential I/O against the "
	       "host kernel's tmpfs\n\n");
	printf("Program `bench/vfs.c`.\n\n");
	for (h = 0; h < nhosts; h++)
		novfs |= res[h].novfs;
	if (novfs) {
		printf("Not measured: this build links no VFS faction "
		       "(`librumpvfs`, `librumpfs_tmpfs`), so the kernel's "
		       "file system calls return `ENOSYS`. `bench/bench.mk` "
		       "links them as soon as `mk/libs.mk` lists `rumpvfs` "
		       "and `rumpfs_tmpfs`.\n\n");
		return;
	}
	printf("- **Workloads**, each run on both sides back to back in one "
	       "process (the order alternating from run to run, after one "
	       "untimed warm-up run of each), through "
	       "the same table of file operations: host system calls "
	       "(`openat`, `fstatat`, `getdents64`, `unlinkat`, `mkdirat`, "
	       "`read`, `write`) on the host kernel's tmpfs in `%s`, and the "
	       "same `rump_sys_*` calls in the rump kernel linked into the "
	       "process.\n",
	       HOST_TMPDIR);
	printf("  - *Metadata*: %ld empty files created (`openat(O_CREAT | "
	       "O_EXCL)` + `close`) in one directory, each `fstatat`'d, the "
	       "directory listed with `getdents64` (64 KiB buffer) to the "
	       "end, each unlinked; %d runs.\n",
	       z->meta_files, META_RUNS);
	printf("  - *Tree*: %ld directories under one directory, %ld files "
	       "of 4 KiB spread over them, each created, written in one "
	       "request and closed; removal untimed; %d runs.\n",
	       z->tree_dirs, z->tree_files, TREE_RUNS);
	printf("  - *Sequential I/O*: one file of %ld MiB written in %d KiB "
	       "requests (open to close), then read back the same way; "
	       "removal untimed; %d runs.\n",
	       z->seq_bytes / (1024 * 1024), SEQ_REQUEST / 1024, SEQ_RUNS);
	print_where(hosts, nhosts, res);
	if (statfs(HOST_TMPDIR, &sfs) == 0 && sfs.f_type != TMPFS_MAGIC_VALUE)
		printf("- **Note**: `%s` is not a tmpfs on this machine "
		       "(f_type 0x%lx); the host figures are for that file "
		       "system.\n",
		       HOST_TMPDIR, (unsigned long)sfs.f_type);
	if (z->scale != 1)
		printf("- **Scaled down**: `BENCH_SCALE=%d` divided every "
		       "size above by %d; these are trial figures.\n",
		       z->scale, z->scale);
	printf("- *Ratio* is a speed ratio: host time / rump kernel time "
	       "for the same work in the same run, median over the runs; "
	       "**higher is better**, above 1 the rump kernel is faster. "
	       "Times are per file (metadata, tree) and rates are in bytes "
	       "per second (I/O): medians, with the middle half of the runs "
	       "in brackets.\n\n");
	printf("| Figure | Host | Rump kernel: median (p25 – p75) | Host "
	       "kernel `%s`, same runs | Ratio | Target | Met |\n",
	       HOST_TMPDIR);
	printf("|---|---|---|---|---|---|---|\n");
	for (f = 0; f < NFIGURES; f++)
		for (h = 0; h < nhosts; h++)
			print_row(f, bench_host_name(hosts[h].label), &res[h],
				  z);
	printf("\n");
}

static int report(int argc, char **argv)
{
	struct bench_host hosts[BENCH_MAXHOSTS];
	struct host_result *res;
	struct sizes z;
	const char *env = getenv("BENCH_SCALE");
	int scale = env != NULL && *env != '\0' ? atoi(env) : 1;
	int nhosts, h, wl;

	if (scale < 1)
		scale = 1;
	sizes_init(&z, scale);
	nhosts = bench_parse_hosts(argc, argv, hosts, BENCH_MAXHOSTS);
	if (nhosts <= 0)
		return 2;
	res = calloc((size_t)nhosts, sizeof(*res));
	if (res == NULL)
		return 1;
	for (h = 0; h < nhosts; h++) {
		for (wl = 0; wl < WL_COUNT && !res[h].novfs; wl++)
			if (collect(&hosts[h], wl, scale, &res[h]) != 0) {
				free(res);
				return 1;
			}
	}
	print_report(hosts, nhosts, res, &z);
	free(res);
	return 0;
}

int main(int argc, char **argv)
{
	int wl;

	if (argc >= 5)
		for (wl = 0; wl < WL_COUNT; wl++)
			if (strcmp(argv[1], workload_names[wl]) == 0)
				return worker(wl, argv[2], atoi(argv[3]),
					      atoi(argv[4]) > 0 ? atoi(argv[4])
								: 1);
	if (argc >= 3 && strcmp(argv[1], "report") == 0)
		return report(argc - 2, argv + 2);
	fprintf(stderr,
		"usage: %s report label=path ...   (markdown section; "
		"BENCH_SCALE=n divides the sizes)\n"
		"       %s meta|tree|seq hostdir runs scale   (worker, host "
		"%s)\n",
		argv[0], argv[0], BENCH_HOST);
	return 2;
}
