/*
 * workload.c -- the write workload of the ext2/3/4 tests, run through a
 * small table of file calls so that the same code runs on rumpkit
 * (rump_sys_*) and on the host (libc, in a directory of the host's own
 * file system: the model of what the image must hold afterwards).  It
 * creates, writes (sequential, at offsets, leaving holes, growing an
 * extent tree), truncates down and up, deletes (also while open),
 * renames (within and across directories, over files and empty
 * directories), hard-links, symlinks (fast and slow), chmods, makes a
 * directory of thousands of entries and shrinks it, and finally gives
 * every name a fixed owner and fixed timestamps so that the result is
 * fully determined.  Included by the tests after ext2lib.c.
 */
#include <dirent.h>
#include <setjmp.h>

struct wops {
	int (*open)(const char *path, int flags, ...);
	int (*close)(int fd);
	ssize_t (*write)(int fd, const void *buf, size_t n);
	ssize_t (*pwrite)(int fd, const void *buf, size_t n, off_t off);
	ssize_t (*pread)(int fd, void *buf, size_t n, off_t off);
	int (*ftruncate)(int fd, off_t len);
	int (*truncate)(const char *path, off_t len);
	int (*fsync)(int fd);
	int (*mkdir)(const char *path, mode_t mode);
	int (*rmdir)(const char *path);
	int (*unlink)(const char *path);
	int (*rename)(const char *from, const char *to);
	int (*link)(const char *from, const char *to);
	int (*symlink)(const char *target, const char *path);
	int (*chmod)(const char *path, mode_t mode);
	int (*lchown)(const char *path, uid_t uid, gid_t gid);
	int (*utimensat)(int dirfd, const char *path,
			 const struct timespec ts[2], int flags);
	int (*mkfifo)(const char *path, mode_t mode);
	int (*lstat)(const char *path, struct stat *st);
	ssize_t (*getdents64)(int fd, void *buf, size_t n);
};

static const struct wops wops_rump EXT2_UNUSED = {
	rump_sys_open,	   rump_sys_close,	rump_sys_write,
	rump_sys_pwrite,   rump_sys_pread,	rump_sys_ftruncate,
	rump_sys_truncate, rump_sys_fsync,	rump_sys_mkdir,
	rump_sys_rmdir,	   rump_sys_unlink,	rump_sys_rename,
	rump_sys_link,	   rump_sys_symlink,	rump_sys_chmod,
	rump_sys_lchown,   rump_sys_utimensat,	rump_sys_mkfifo,
	rump_sys_lstat,	   rump_sys_getdents64,
};

static const struct wops wops_host EXT2_UNUSED = {
	open,  close,  write,	  pwrite, pread,  ftruncate,  truncate,
	fsync, mkdir,  rmdir,	  unlink, rename, link,	      symlink,
	chmod, lchown, utimensat, mkfifo, lstat,  getdents64,
};

/*
 * A failed call: the first error is kept (with the call) for the caller,
 * the workload stops.  The rump side's errno is the host's (rump_sys_*
 * set it); EIO is what fault injection expects to see.
 */
struct wctx {
	const struct wops *o;
	char root[PATH_MAX];
	bool owners; /* lchown works (root on the host) */
	int error;   /* first errno, 0 while all went well */
	char what[256];
	jmp_buf out;
};

#define W(ctx, call)                                                           \
	__extension__({                                                        \
		__typeof__(call) w_v_;                                         \
		errno = 0;                                                     \
		w_v_ = (call);                                                 \
		if (w_v_ == (__typeof__(call))-1)                              \
			wl_failed(ctx, #call, __LINE__);                       \
		w_v_;                                                          \
	})

static EXT2_UNUSED void __attribute__((__noreturn__))
wl_failed(struct wctx *c, const char *what, int line)
{
	c->error = errno != 0 ? errno : EIO;
	snprintf(c->what, sizeof(c->what), "workload.c:%d: %s: %s", line, what,
		 strerror(c->error));
	longjmp(c->out, 1);
}

/* root + "/" + rel in a ring of buffers. */
static EXT2_UNUSED const char *wl_p(struct wctx *c, const char *fmt, ...)
	__attribute__((__format__(__printf__, 2, 3)));
static EXT2_UNUSED const char *wl_p(struct wctx *c, const char *fmt, ...)
{
	static char ring[8][PATH_MAX + 512];
	static unsigned next;
	char *buf = ring[next++ % 8], rel[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	snprintf(buf, PATH_MAX + 512, "%s/%s", c->root, rel);
	return buf;
}

/* Deterministic bytes for offset off of a file with seed. */
static EXT2_UNUSED void wl_fill(unsigned char *buf, size_t n, uint64_t seed, uint64_t off)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t x = (off + i) * 0x9e3779b97f4a7c15ull ^ seed;

		x ^= x >> 29;
		buf[i] = (unsigned char)(x * 0xbf58476d1ce4e5b9ull >> 56);
	}
}

static unsigned char wl_buf[1 << 16];

/* Write n bytes of the seed's pattern at off, in 64 KiB requests. */
static EXT2_UNUSED void wl_write(struct wctx *c, int fd, uint64_t seed, off_t off, size_t n)
{
	while (n > 0) {
		size_t k = n < sizeof(wl_buf) ? n : sizeof(wl_buf);
		ssize_t w;

		wl_fill(wl_buf, k, seed, (uint64_t)off);
		w = W(c, c->o->pwrite(fd, wl_buf, k, off));
		if ((size_t)w != k) {
			errno = EIO;
			wl_failed(c, "short pwrite", __LINE__);
		}
		off += (off_t)k;
		n -= k;
	}
}

static EXT2_UNUSED void wl_file(struct wctx *c, const char *path, uint64_t seed,
		    size_t size)
{
	int fd = W(c, c->o->open(path, O_WRONLY | O_CREAT | O_EXCL, 0644));

	wl_write(c, fd, seed, 0, size);
	W(c, c->o->close(fd));
}

/* The file sizes around the block, indirect and extent boundaries. */
static const size_t wl_sizes[] = {
	0,
	1,
	1023,
	1024,
	1025,
	4095,
	4096,
	4097,
	12 * 1024 + 1,
	49153,
	268 * 1024 + 1,
	1 << 20,
	(4 << 20) + 17,
};

/* Every name below dir (recursively) gets owner and times derived from
 * its name, symlinks included (not followed). */
static EXT2_UNUSED void wl_settle(struct wctx *c, const char *dir, unsigned depth)
{
	char *buf = malloc(32768), child[PATH_MAX + 512];
	struct timespec ts[2];
	struct stat st;
	unsigned h;
	ssize_t n;
	int fd;

	CHECK(buf != NULL);
	fd = W(c, c->o->open(dir, O_RDONLY | O_DIRECTORY));
	while ((n = W(c, c->o->getdents64(fd, buf, 32768))) > 0) {
		for (ssize_t at = 0; at < n;) {
			struct ext2_dirent64 *d = (void *)(buf + at);

			at += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0 ||
			    (depth == 0 &&
			     strcmp(d->d_name, "lost+found") == 0))
				continue;
			snprintf(child, sizeof(child), "%s/%s", dir, d->d_name);
			W(c, c->o->lstat(child, &st));
			if (S_ISDIR(st.st_mode))
				wl_settle(c, child, depth + 1);
		}
	}
	W(c, c->o->close(fd));
	/* Now the children are settled; this directory last (a child's
	 * change would move its times). */
	h = (unsigned)ext2_crc32(0,
				 (const unsigned char *)dir + strlen(c->root),
				 strlen(dir) - strlen(c->root));
	if (c->owners)
		W(c, c->o->lchown(dir, 1000 + h % 5000, 100 + h % 300));
	ts[0].tv_sec = 1500000000 + h % 100000000;
	ts[0].tv_nsec = h % 1000000000;
	ts[1].tv_sec = 1400000000 + (h >> 3) % 100000000;
	ts[1].tv_nsec = (h >> 2) % 1000000000;
	W(c, c->o->utimensat(AT_FDCWD, dir, ts, AT_SYMLINK_NOFOLLOW));
	free(buf);
}

/* Owners and times on every entry: a second walk, files first. */
static EXT2_UNUSED void wl_settle_files(struct wctx *c, const char *dir, unsigned depth)
{
	char *buf = malloc(32768), child[PATH_MAX + 600];
	struct timespec ts[2];
	struct stat st;
	unsigned h;
	ssize_t n;
	int fd;

	CHECK(buf != NULL);
	fd = W(c, c->o->open(dir, O_RDONLY | O_DIRECTORY));
	while ((n = W(c, c->o->getdents64(fd, buf, 32768))) > 0) {
		for (ssize_t at = 0; at < n;) {
			struct ext2_dirent64 *d = (void *)(buf + at);

			at += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0 ||
			    (depth == 0 &&
			     strcmp(d->d_name, "lost+found") == 0))
				continue;
			snprintf(child, PATH_MAX + 512, "%s/%s", dir,
				 d->d_name);
			W(c, c->o->lstat(child, &st));
			if (S_ISDIR(st.st_mode)) {
				wl_settle_files(c, child, depth + 1);
				continue;
			}
			/* A file with several names gets values that do
			 * not depend on which name a walk meets last. */
			if (st.st_nlink > 1)
				snprintf(child + strlen(child) + 1, 64,
					 "%lu:%lld", (unsigned long)st.st_nlink,
					 (long long)st.st_size);
			h = st.st_nlink > 1
				    ? (unsigned)ext2_crc32(
					      0,
					      (const unsigned char *)child +
						      strlen(child) + 1,
					      strlen(child + strlen(child) + 1))
				    : (unsigned)ext2_crc32(
					      0,
					      (const unsigned char *)child +
						      strlen(c->root),
					      strlen(child) - strlen(c->root));
			if (c->owners)
				W(c, c->o->lchown(child, 1000 + h % 5000,
						  100 + h % 300));
			ts[0].tv_sec = 1500000000 + h % 100000000;
			ts[0].tv_nsec = h % 1000000000;
			ts[1].tv_sec = 1400000000 + (h >> 3) % 100000000;
			ts[1].tv_nsec = (h >> 2) % 1000000000;
			W(c, c->o->utimensat(AT_FDCWD, child, ts,
					     AT_SYMLINK_NOFOLLOW));
		}
	}
	W(c, c->o->close(fd));
	free(buf);
}

/*
 * The workload on c->root (an existing, empty or prefilled directory);
 * scale 1 is the full size, larger values divide the big parts.  Returns
 * 0, or the first errno with c->what saying where.
 */
static EXT2_UNUSED int wl_run(struct wctx *c, int scale)
{
	char big[64], target[1001];
	unsigned char rd[4096];
	const int many = 3000 / scale;
	int fd;

	if (setjmp(c->out) != 0)
		return c->error;
	W(c, c->o->mkdir(wl_p(c, "w"), 0755));
	W(c, c->o->mkdir(wl_p(c, "w/a"), 0755));
	W(c, c->o->mkdir(wl_p(c, "w/a/b"), 0700));
	W(c, c->o->mkdir(wl_p(c, "w/c"), 0755));
	for (size_t i = 0; i < sizeof(wl_sizes) / sizeof(wl_sizes[0]); i++)
		wl_file(c, wl_p(c, "w/a/size%zu", wl_sizes[i]), i + 1,
			wl_sizes[i] /
				(wl_sizes[i] > 65536 ? (size_t)scale : 1));

	/* Holes and a fragmented file: many extents (the tree grows past
	 * the four an inode holds), then some holes filled. */
	fd = W(c, c->o->open(wl_p(c, "w/frag"), O_RDWR | O_CREAT, 0600));
	for (int i = 0; i < 120 / scale; i++)
		wl_write(c, fd, 77, (off_t)i * 65536 + (i % 3) * 1024, 4096);
	for (int i = 10; i < 40 / scale + 10; i += 3)
		wl_write(c, fd, 78, (off_t)i * 65536 + 20000, 30000);
	W(c, c->o->fsync(fd));
	W(c, c->o->close(fd));
	fd = W(c, c->o->open(wl_p(c, "w/tail"), O_RDWR | O_CREAT, 0644));
	wl_write(c, fd, 79, (off_t)(70 << 20) / scale, 100);
	W(c, c->o->close(fd));

	/* Truncate down (freeing blocks, into the middle of a block) and
	 * up (a hole that must read as zeros), then write past the end. */
	fd = W(c, c->o->open(wl_p(c, "w/trunc"), O_RDWR | O_CREAT, 0644));
	wl_write(c, fd, 80, 0, (size_t)(5 << 20) / (size_t)scale);
	W(c, c->o->ftruncate(fd, 1 << 20));
	W(c, c->o->ftruncate(fd, 1027));
	W(c, c->o->ftruncate(fd, 3 << 20));
	wl_write(c, fd, 81, (3 << 20) + 5, 5000);
	W(c, c->o->pread(fd, rd, sizeof(rd), 2000));
	for (size_t i = 0; i < sizeof(rd); i++)
		if (rd[i] != 0) {
			errno = EILSEQ;
			wl_failed(c, "hole after truncate up is not zero",
				  __LINE__);
		}
	W(c, c->o->close(fd));
	wl_file(c, wl_p(c, "w/trunc0"), 82, 70000);
	W(c, c->o->truncate(wl_p(c, "w/trunc0"), 0));

	/* Many entries in one directory (an htree with 1 KiB blocks),
	 * then every third removed, some renamed within it. */
	W(c, c->o->mkdir(wl_p(c, "w/many"), 0755));
	for (int i = 0; i < many; i++) {
		snprintf(
			big, sizeof(big), "w/many/entry-%05d-%.*s", i, i % 40,
			"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
		wl_file(c, wl_p(c, "%s", big), (uint64_t)i, (size_t)(i % 300));
	}
	for (int i = 0; i < many; i += 3) {
		snprintf(
			big, sizeof(big), "w/many/entry-%05d-%.*s", i, i % 40,
			"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
		W(c, c->o->unlink(wl_p(c, "%s", big)));
	}
	for (int i = 1; i < many; i += 30)
		W(c, c->o->rename(wl_p(c, "w/many/entry-%05d-%.*s", i, i % 40,
				       "abcdefghijklmnopqrstuvwxyzabcdefghijklm"
				       "nopqrstuvwxyz"),
				  wl_p(c, "w/many/renamed-%d", i)));

	/* Renames: within a directory, across, over an existing file, a
	 * directory across parents, a directory over an empty one. */
	wl_file(c, wl_p(c, "w/r1"), 90, 3000);
	wl_file(c, wl_p(c, "w/r2"), 91, 5000);
	W(c, c->o->rename(wl_p(c, "w/r1"), wl_p(c, "w/r1b")));
	W(c, c->o->rename(wl_p(c, "w/r1b"), wl_p(c, "w/c/r1c")));
	W(c, c->o->rename(wl_p(c, "w/r2"), wl_p(c, "w/c/r1c")));
	W(c, c->o->mkdir(wl_p(c, "w/a/b/moved"), 0755));
	wl_file(c, wl_p(c, "w/a/b/moved/inside"), 92, 10);
	W(c, c->o->rename(wl_p(c, "w/a/b/moved"), wl_p(c, "w/c/moved")));
	W(c, c->o->mkdir(wl_p(c, "w/emptydir"), 0755));
	W(c, c->o->rename(wl_p(c, "w/c/moved"), wl_p(c, "w/emptydir")));

	/* Hard links, the original removed; symlinks fast and slow (up to
	 * 1000 bytes: a 1 KiB block holds at most 1023). */
	wl_file(c, wl_p(c, "w/orig"), 93, 9999);
	W(c, c->o->link(wl_p(c, "w/orig"), wl_p(c, "w/a/l1")));
	W(c, c->o->link(wl_p(c, "w/orig"), wl_p(c, "w/c/l2")));
	W(c, c->o->link(wl_p(c, "w/orig"), wl_p(c, "w/l3")));
	W(c, c->o->unlink(wl_p(c, "w/orig")));
	W(c, c->o->symlink("a/size1", wl_p(c, "w/fast")));
	memset(target, 'T', sizeof(target) - 1);
	target[sizeof(target) - 1] = '\0';
	target[0] = '/';
	W(c, c->o->symlink(target, wl_p(c, "w/slow1000")));
	target[60] = '\0';
	W(c, c->o->symlink(target, wl_p(c, "w/slow60")));
	target[59] = '\0';
	W(c, c->o->symlink(target, wl_p(c, "w/fast59")));

	/* Unlinked while open: written and read after the unlink. */
	fd = W(c, c->o->open(wl_p(c, "w/ghost"), O_RDWR | O_CREAT, 0644));
	wl_write(c, fd, 94, 0, 200000);
	W(c, c->o->unlink(wl_p(c, "w/ghost")));
	wl_write(c, fd, 95, 150000, 100000);
	W(c, c->o->pread(fd, rd, sizeof(rd), 249000));
	W(c, c->o->close(fd));

	/* Modes, a fifo, an emptied and removed directory. */
	W(c, c->o->chmod(wl_p(c, "w/a/size1"), 04755));
	W(c, c->o->chmod(wl_p(c, "w/a/size0"), 0));
	W(c, c->o->chmod(wl_p(c, "w/c"), 01777));
	W(c, c->o->mkfifo(wl_p(c, "w/fifo"), 0640));
	W(c, c->o->mkdir(wl_p(c, "w/gone"), 0755));
	wl_file(c, wl_p(c, "w/gone/x"), 96, 100);
	W(c, c->o->unlink(wl_p(c, "w/gone/x")));
	W(c, c->o->rmdir(wl_p(c, "w/gone")));

	wl_settle_files(c, c->root, 0);
	wl_settle(c, c->root, 0);
	return 0;
}
