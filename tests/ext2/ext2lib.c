/*
 * ext2lib.c -- what the ext2/3/4 test programs (tests/t_ext2_*.c) share,
 * compiled into each of them as part of its translation unit (the test
 * rules build every t_*.c on its own): a scratch directory on the host,
 * running the host's e2fsprogs and tests/ext2/ scripts, mounting an image
 * through the public contract (etfs block device + mount), e2fsck as the
 * judge, and the rump side's manifest of a mounted tree in the format of
 * tests/ext2/ext2tool.py, so that rumpkit's view and debugfs's are
 * compared field by field.  Every helper fails the test (testlib's
 * test_fail) on an unexpected result.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../testlib.h"

/* Each test uses some of the helpers. */
#define EXT2_UNUSED __attribute__((__unused__))

#ifndef EXT2_TOOLS
#define EXT2_TOOLS "tests/ext2"
#endif

/* The device key and mount point every test uses. */
#define EXT2_DEV "/dev/disk0"
#define EXT2_MNT "/mnt"

/* The scratch directory, made by ext2_setup. */
static char ext2_work[PATH_MAX];
static bool ext2_keep; /* keep the scratch directory (a failure) */

/*
 * The driver is linked when mk/libs.mk has librumpfs_ext2fs (the make
 * fragment defines RUMPKIT_EXT2FS then).  Without it there is nothing to
 * test: say so and pass.  With it every check is real.
 */
static EXT2_UNUSED bool ext2_driver_linked(void)
{
#ifdef RUMPKIT_EXT2FS
	return true;
#else
	test_log("SKIP: librumpfs_ext2fs is not in mk/libs.mk yet; "
		 "nothing to test");
	return false;
#endif
}

/*
 * The divisor of the big parts of a workload: 1, or 4 under a sanitizer
 * (CI runs every test under ASan and TSan, several times slower, within
 * the runner's 120 s).  EXT2_SCALE=n in the environment overrides it.
 * What is checked stays the same; only counts and sizes shrink.
 */
static EXT2_UNUSED int ext2_scale(void)
{
	const char *s = getenv("EXT2_SCALE");

	if (s != NULL && atoi(s) >= 1)
		return atoi(s);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	return 4;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
	return 4;
#else
	return 1;
#endif
#else
	return 1;
#endif
}

/* Run a shell command line; its output goes to out (NUL-terminated,
 * truncated) or, with out NULL, to ours.  Returns the exit status. */
static EXT2_UNUSED int ext2_sh(char *out, size_t outlen, const char *fmt, ...)
	__attribute__((__format__(__printf__, 3, 4)));
static EXT2_UNUSED int ext2_sh(char *out, size_t outlen, const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	FILE *p;
	size_t got = 0, n;
	int status;

	va_start(ap, fmt);
	n = (size_t)vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n >= sizeof(cmd))
		test_fail(__FILE__, __LINE__, "command too long: %s", cmd);
	fflush(stdout);
	fflush(stderr);
	if (out == NULL) {
		status = system(cmd);
	} else {
		char line[sizeof(cmd) + 16];

		if (snprintf(line, sizeof(line), "(%s) 2>&1", cmd) >=
		    (int)sizeof(line))
			test_fail(__FILE__, __LINE__, "command too long");
		p = popen(line, "r");
		CHECK(p != NULL);
		out[0] = '\0';
		while (outlen > 0 &&
		       (n = fread(out + got, 1, outlen - 1 - got, p)) > 0)
			got += n;
		if (outlen > 0)
			out[got] = '\0';
		/* Drain what did not fit, so the command is not killed. */
		while (fread(line, 1, sizeof(line), p) > 0)
			continue;
		status = pclose(p);
	}
	if (status == -1)
		test_fail(__FILE__, __LINE__, "cannot run: %s", cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Run a shell command line that must succeed (exit 0). */
static EXT2_UNUSED void ext2_run(const char *fmt, ...)
	__attribute__((__format__(__printf__, 1, 2)));
static EXT2_UNUSED void ext2_run(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int status;

	va_start(ap, fmt);
	if ((size_t)vsnprintf(cmd, sizeof(cmd), fmt, ap) >= sizeof(cmd))
		test_fail(__FILE__, __LINE__, "command too long: %s", cmd);
	va_end(ap);
	status = ext2_sh(NULL, 0, "%s", cmd);
	if (status != 0)
		test_fail(__FILE__, __LINE__, "%s: exit %d", cmd, status);
}

/*
 * The divisor of the directory tests' big sizes: 5 under ThreadSanitizer
 * (these single-threaded programs gain nothing from it and run about
 * five times slower there), else 1.
 */
static EXT2_UNUSED int ext2_tsan_shrink(void)
{
#if defined(__SANITIZE_THREAD__)
	return 5;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
	return 5;
#else
	return 1;
#endif
#else
	return 1;
#endif
}

/* Remove the scratch directory at a normal exit (a failed check leaves
 * with _exit, and its directory stays for a look at the images). */
static EXT2_UNUSED void ext2_cleanup(void)
{
	if (ext2_work[0] == '\0')
		return;
	if (ext2_keep) {
		fprintf(stderr, "ext2: scratch directory kept: %s\n",
			ext2_work);
		return;
	}
	ext2_sh(NULL, 0, "rm -rf '%s'", ext2_work);
}

/* A failure keeps the scratch directory for a look at the images. */
#define EXT2_FAIL(...)                                                         \
	do {                                                                   \
		ext2_keep = true;                                              \
		printf("ext2: scratch directory kept: %s\n", ext2_work);       \
		test_fail(__FILE__, __LINE__, __VA_ARGS__);                    \
	} while (0)

/* Make the scratch directory (under $TMPDIR or /var/tmp: images are big)
 * and check that the host tools are there. */
static EXT2_UNUSED void ext2_setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char out[1024];

	snprintf(ext2_work, sizeof(ext2_work), "%s/rumpkit-ext2.XXXXXX",
		 tmp != NULL && tmp[0] != '\0' ? tmp : "/var/tmp");
	if (mkdtemp(ext2_work) == NULL)
		test_fail(__FILE__, __LINE__, "mkdtemp %s: %s", ext2_work,
			  strerror(errno));
	atexit(ext2_cleanup);
	if (ext2_sh(out, sizeof(out),
		    "PATH=$PATH:/sbin:/usr/sbin; for t in mkfs.ext2 mkfs.ext3 "
		    "mkfs.ext4 e2fsck debugfs dumpe2fs python3; do command -v "
		    "$t >/dev/null || echo \"missing $t\"; done; test "
		    "-x " EXT2_TOOLS
		    "/ext2tool.py || echo no " EXT2_TOOLS) != 0 ||
	    out[0] != '\0')
		test_fail(__FILE__, __LINE__,
			  "host tools (install e2fsprogs, python3): %s", out);
}

/* A path in the scratch directory (a ring of buffers). */
static EXT2_UNUSED const char *ext2_path(const char *name)
{
	static char ring[8][PATH_MAX];
	static unsigned next;
	char *buf = ring[next++ % 8];

	if (snprintf(buf, PATH_MAX, "%s/%s", ext2_work, name) >= PATH_MAX)
		test_fail(__FILE__, __LINE__, "path too long: %s", name);
	return buf;
}

/*
 * The compatibility tests' source tree (ext2tool.py tree) in the scratch
 * directory: its path in src and its list of fixups in fix (PATH_MAX
 * bytes each).
 */
static EXT2_UNUSED void ext2_make_tree(char *src, char *fix)
{
	snprintf(src, PATH_MAX, "%s", ext2_path("src"));
	snprintf(fix, PATH_MAX, "%s", ext2_path("src.fix"));
	if (ext2_sh(NULL, 0,
		    "python3 " EXT2_TOOLS "/ext2tool.py tree '%s' '%s'", src,
		    fix) != 0)
		EXT2_FAIL("making the source tree failed");
}

/* mkimage.sh: TYPE BS SIZE IMG [SRC [FIXUPS [OPTS]]]; "" for none. */
static EXT2_UNUSED void ext2_mkimage(const char *type, int bs, const char *size,
				     const char *img, const char *src,
				     const char *fix, const char *opts)
{
	if (ext2_sh(NULL, 0,
		    "sh " EXT2_TOOLS "/mkimage.sh %s %d %s '%s' "
		    "'%s' '%s' '%s'",
		    type, bs, size, img, src, fix, opts) != 0)
		EXT2_FAIL("mkimage.sh %s %d %s %s failed", type, bs, size, img);
}

/*
 * e2fsck with opts ("-fn", "-fy") on img; returns its exit status (0
 * clean, 1 errors corrected, 4 errors left, 8 operational error).  The
 * output is printed when the status is not 0.
 */
static EXT2_UNUSED int ext2_fsck(const char *img, const char *opts)
{
	static char out[65536];
	int rc;

	rc = ext2_sh(out, sizeof(out),
		     "PATH=$PATH:/sbin:/usr/sbin; e2fsck %s "
		     "'%s'",
		     opts, img);
	if (rc != 0)
		printf("ext2: e2fsck %s %s: exit %d:\n%s\n", opts, img, rc,
		       out);
	return rc;
}

/* The image must be clean: e2fsck -fn exits 0. */
static EXT2_UNUSED void ext2_fsck_clean(const char *img, const char *when)
{
	if (ext2_fsck(img, "-fn") != 0)
		EXT2_FAIL("e2fsck -fn: %s is not clean %s", img, when);
}

/* Register img as the block device and mount it on /mnt. */
static EXT2_UNUSED int ext2_try_mount(const char *img, const char *fstype,
				      unsigned long flags)
{
	int error;
	struct stat st;

	error = rump_pub_etfs_register(EXT2_DEV, img, RUMP_ETFS_BLK);
	if (error != 0) {
		errno = error;
		return -1;
	}
	if (rump_sys_stat(EXT2_MNT, &st) == -1)
		CHECK_SYS(rump_sys_mkdir(EXT2_MNT, 0755));
	if (rump_sys_mount(EXT2_DEV, EXT2_MNT, fstype, flags, "") == -1) {
		error = errno;
		CHECK_EQ(rump_pub_etfs_remove(EXT2_DEV), 0);
		errno = error;
		return -1;
	}
	return 0;
}

static EXT2_UNUSED void ext2_mount(const char *img, const char *fstype,
				   unsigned long flags)
{
	if (ext2_try_mount(img, fstype, flags) == -1)
		EXT2_FAIL("mount %s (%s, image %s, flags %#lx): %s", EXT2_DEV,
			  fstype, img, flags, strerror(errno));
}

static EXT2_UNUSED void ext2_unmount(void)
{
	int error;

	if (rump_sys_unmount(EXT2_MNT, 0) == -1)
		EXT2_FAIL("unmount %s: %s", EXT2_MNT, strerror(errno));
	error = rump_pub_etfs_remove(EXT2_DEV);
	if (error != 0)
		EXT2_FAIL("etfs_remove %s after unmount: %s", EXT2_DEV,
			  strerror(error));
}

/* ---------------------------------------------------- the rump manifest */

static uint32_t ext2_crc_table[256];

static EXT2_UNUSED uint32_t ext2_crc32(uint32_t crc, const unsigned char *p,
				       size_t n)
{
	if (ext2_crc_table[1] == 0)
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			ext2_crc_table[i] = c;
		}
	crc = ~crc;
	while (n-- > 0)
		crc = ext2_crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* Bytes as ext2tool.py's esc(): printable ASCII, \\ and \xNN. */
static EXT2_UNUSED void ext2_esc(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\')
			fputs("\\\\", f);
		else if (c < 0x21 || c >= 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

static char ext2_type_char(mode_t m)
{
	return S_ISREG(m)    ? 'f'
	       : S_ISDIR(m)  ? 'd'
	       : S_ISLNK(m)  ? 'l'
	       : S_ISFIFO(m) ? 'p'
	       : S_ISCHR(m)  ? 'c'
	       : S_ISBLK(m)  ? 'b'
	       : S_ISSOCK(m) ? 's'
			     : '?';
}

/* The d_type a directory entry must carry for a file of mode m. */
static EXT2_UNUSED unsigned char ext2_dtype(mode_t m)
{
	return S_ISREG(m)    ? DT_REG
	       : S_ISDIR(m)  ? DT_DIR
	       : S_ISLNK(m)  ? DT_LNK
	       : S_ISFIFO(m) ? DT_FIFO
	       : S_ISCHR(m)  ? DT_CHR
	       : S_ISBLK(m)  ? DT_BLK
	       : S_ISSOCK(m) ? DT_SOCK
			     : DT_UNKNOWN;
}

struct ext2_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* One manifest line for path (rel: its name from the mount root). */
static EXT2_UNUSED void ext2_manifest_one(FILE *f, const char *path,
					  const char *rel,
					  const struct stat *st)
{
	static unsigned char buf[1 << 20];
	char link[4097];
	ssize_t n;
	int fd;

	ext2_esc(f, rel, strlen(rel));
	fprintf(f, "\t%c\t%o\t%u\t%u\t%lld\t%lu\t%llu\t%lld",
		ext2_type_char(st->st_mode), (unsigned)(st->st_mode & 07777),
		(unsigned)st->st_uid, (unsigned)st->st_gid,
		(long long)st->st_size, (unsigned long)st->st_nlink,
		(unsigned long long)st->st_ino, (long long)st->st_blocks);
	fprintf(f, "\t%lld.%09ld\t%lld.%09ld\t%lld.%09ld",
		(long long)st->st_atim.tv_sec, st->st_atim.tv_nsec,
		(long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
		(long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		fprintf(f, "\t%u:%u", major(st->st_rdev), minor(st->st_rdev));
	else
		fputs("\t-", f);
	if (S_ISREG(st->st_mode)) {
		uint32_t crc = 0;
		long long total = 0;

		fd = rump_sys_open(path, O_RDONLY);
		if (fd == -1)
			EXT2_FAIL("open %s: %s", path, strerror(errno));
		while ((n = rump_sys_read(fd, buf, sizeof(buf))) > 0) {
			crc = ext2_crc32(crc, buf, (size_t)n);
			total += n;
		}
		if (n == -1)
			EXT2_FAIL("read %s at %lld: %s", path, total,
				  strerror(errno));
		CHECK_SYS(rump_sys_close(fd));
		if (total != st->st_size)
			EXT2_FAIL("%s: read %lld bytes, st_size %lld", path,
				  total, (long long)st->st_size);
		fprintf(f, "\t%08x:%lld\n", crc, total);
	} else if (S_ISLNK(st->st_mode)) {
		n = rump_sys_readlink(path, link, sizeof(link));
		if (n == -1)
			EXT2_FAIL("readlink %s: %s", path, strerror(errno));
		if (n != st->st_size)
			EXT2_FAIL("%s: readlink gives %zd bytes, st_size %lld",
				  path, n, (long long)st->st_size);
		fputc('\t', f);
		ext2_esc(f, link, (size_t)n);
		fputc('\n', f);
	} else {
		fputs("\t-\n", f);
	}
}

static EXT2_UNUSED void ext2_manifest_dir(FILE *f, const char *path,
					  const char *rel)
{
	char *buf = malloc(65536), child[PATH_MAX], crel[PATH_MAX];
	struct stat st;
	long entries = 0;
	bool dot = false, dotdot = false;
	ssize_t n;
	int fd;

	CHECK(buf != NULL);
	fd = rump_sys_open(path, O_RDONLY | O_DIRECTORY);
	if (fd == -1)
		EXT2_FAIL("open %s: %s", path, strerror(errno));
	while ((n = rump_sys_getdents64(fd, buf, 65536)) > 0) {
		for (ssize_t at = 0; at < n;) {
			struct ext2_dirent64 *d = (void *)(buf + at);

			at += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0) {
				dot = true;
				continue;
			}
			if (strcmp(d->d_name, "..") == 0) {
				dotdot = true;
				continue;
			}
			if (strcmp(rel, "/") == 0 &&
			    strcmp(d->d_name, "lost+found") == 0)
				continue;
			snprintf(child, sizeof(child), "%s/%s", path,
				 d->d_name);
			snprintf(crel, sizeof(crel), "%s/%s",
				 strcmp(rel, "/") == 0 ? "" : rel, d->d_name);
			if (rump_sys_lstat(child, &st) == -1)
				EXT2_FAIL("lstat %s (listed by getdents): %s",
					  child, strerror(errno));
			if (d->d_ino != st.st_ino)
				EXT2_FAIL("%s: d_ino %llu, st_ino %llu", child,
					  (unsigned long long)d->d_ino,
					  (unsigned long long)st.st_ino);
			if (d->d_type != ext2_dtype(st.st_mode))
				EXT2_FAIL("%s: d_type %u for mode %o", child,
					  d->d_type, (unsigned)st.st_mode);
			ext2_manifest_one(f, child, crel, &st);
			entries++;
			if (S_ISDIR(st.st_mode))
				ext2_manifest_dir(f, child, crel);
		}
	}
	if (n == -1)
		EXT2_FAIL("getdents64 %s after %ld entries: %s", path, entries,
			  strerror(errno));
	if (!dot || !dotdot)
		EXT2_FAIL("%s: getdents64 lists no \".\" or \"..\"", path);
	CHECK_SYS(rump_sys_close(fd));
	free(buf);
}

/* Write the manifest of the tree mounted at mnt to the host file out. */
static EXT2_UNUSED void ext2_manifest_rump(const char *mnt, const char *out)
{
	struct stat st;
	FILE *f = fopen(out, "w");

	CHECK(f != NULL);
	CHECK_SYS(rump_sys_lstat(mnt, &st));
	ext2_manifest_one(f, mnt, "/", &st);
	ext2_manifest_dir(f, mnt, "/");
	CHECK(fclose(f) == 0);
}

/* ext2tool.py compare: the two manifests agree in fields. */
static EXT2_UNUSED void ext2_compare(const char *a, const char *b,
				     const char *fields)
{
	if (ext2_sh(NULL, 0,
		    "python3 " EXT2_TOOLS "/ext2tool.py compare "
		    "'%s' '%s' %s",
		    a, b, fields) != 0)
		EXT2_FAIL("%s and %s differ in %s (lines above)", a, b, fields);
}

/* ext2tool.py manifest-image: the oracle's view of img. */
static EXT2_UNUSED void ext2_manifest_image(const char *img, const char *out)
{
	if (ext2_sh(NULL, 0,
		    "python3 " EXT2_TOOLS "/ext2tool.py "
		    "manifest-image '%s' '%s'",
		    img, out) != 0)
		EXT2_FAIL("ext2tool.py manifest-image %s failed", img);
}

/* Every field a file system keeps, as debugfs sees it. */
#define EXT2_ALL_FIELDS                                                        \
	"type,mode,uid,gid,size,nlink,ino,blocks,atime,mtime,ctime,rdev,data"

/* The configurations every compatibility test runs on. */
static const struct ext2_config {
	const char *type;
	int bs;
} ext2_configs[] EXT2_UNUSED = {
	{"ext2", 1024}, {"ext2", 4096}, {"ext3", 1024},
	{"ext3", 4096}, {"ext4", 1024}, {"ext4", 4096},
};
#define EXT2_NCONFIGS (sizeof(ext2_configs) / sizeof(ext2_configs[0]))
