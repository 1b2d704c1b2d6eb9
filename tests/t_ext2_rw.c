/*
 * t_ext2_rw.c -- ext2/ext3/ext4 images made by the host's mkfs (default
 * features, 1 KiB and 4 KiB blocks, prefilled with -d) are mounted in the
 * kernel: every prefilled file reads back byte for byte, then the kernel
 * writes, appends, truncates down and up, punches holes by seeking,
 * deletes and fills a file; after unmount `e2fsck -fn` must find the
 * image clean, debugfs must see what the kernel wrote, and statvfs must
 * agree with dumpe2fs.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

static char dir[] = "/tmp/t_ext2_rw.XXXXXX";
static char src[300], img[300];

static int sh(const char *fmt, ...) __attribute__((__format__(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* Deterministic contents: byte i of file seed. */
static unsigned char pat(unsigned seed, uint64_t i)
{
	uint64_t x =
		(i + 1) * 0x9E3779B97F4A7C15ull ^ seed * 0xBF58476D1CE4E5B9ull;

	x ^= x >> 29;
	return (unsigned char)(x * 0x94D049BB133111EBull >> 56);
}

static void host_write(const char *path, unsigned seed, size_t len)
{
	FILE *f = fopen(path, "wb");
	size_t i;

	CHECK(f != NULL);
	for (i = 0; i < len; i++)
		fputc(pat(seed, i), f);
	CHECK_EQ(fclose(f), 0);
}

static const struct {
	const char *name;
	size_t len;
} files[] = {
	{"empty", 0},	      {"one", 1},
	{"k1", 1023},	      {"k4", 4096},
	{"k70", 70001},	      {"m1", 1 << 20},
	{"sub/deep/f", 5000}, {"sub/m3", 3 << 20 | 17},
};

/* The source tree mkfs -d copies in. */
static void make_source(void)
{
	char p[400];
	size_t i;

	CHECK_EQ(sh("mkdir -p %s/sub/deep", src), 0);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", src, files[i].name);
		host_write(p, (unsigned)i, files[i].len);
	}
	CHECK_EQ(sh("ln -s k70 %s/link && ln %s/one %s/hard && "
		    "truncate -s 9000000 %s/sparse && "
		    "printf abc | dd of=%s/sparse bs=1 seek=5000000 "
		    "conv=notrunc 2>/dev/null",
		    src, src, src, src, src),
		 0);
}

static void check_file(const char *path, unsigned seed, size_t len)
{
	static unsigned char buf[65536];
	struct stat st;
	size_t off = 0, i;
	ssize_t n;
	int fd;

	CHECK_SYS(fd = rump_sys_open(path, O_RDONLY));
	CHECK_SYS(rump_sys_fstat(fd, &st));
	CHECK_EQ((size_t)st.st_size, len);
	while ((n = rump_sys_read(fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < (size_t)n; i++)
			if (buf[i] != pat(seed, off + i))
				test_fail(__FILE__, __LINE__,
					  "%s: byte %zu differs", path,
					  off + i);
		off += (size_t)n;
	}
	CHECK_EQ(n, 0);
	CHECK_EQ(off, len);
	CHECK_SYS(rump_sys_close(fd));
}

static void kern_write(const char *path, int flags, unsigned seed, off_t at,
		       size_t len)
{
	static unsigned char buf[100000];
	size_t i;
	int fd;

	CHECK(len <= sizeof(buf));
	for (i = 0; i < len; i++)
		buf[i] = pat(seed, (uint64_t)at + i);
	CHECK_SYS(fd = rump_sys_open(path, O_WRONLY | flags, 0644));
	CHECK_EQ(rump_sys_pwrite(fd, buf, len, at), (ssize_t)len);
	CHECK_SYS(rump_sys_close(fd));
}

static void read_back(void)
{
	char p[400], buf[64];
	struct stat st;
	size_t i;
	int fd;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "/mnt/%s", files[i].name);
		check_file(p, (unsigned)i, files[i].len);
	}
	CHECK_EQ(rump_sys_readlink("/mnt/link", buf, sizeof(buf)), 3);
	CHECK(memcmp(buf, "k70", 3) == 0);
	CHECK_SYS(rump_sys_stat("/mnt/hard", &st));
	CHECK_EQ(st.st_nlink, 2);
	CHECK_EQ(st.st_size, 1);
	CHECK_SYS(rump_sys_stat("/mnt/sparse", &st));
	CHECK_EQ(st.st_size, 9000000);
	CHECK(st.st_blocks * 512 < 100000);
	CHECK_SYS(fd = rump_sys_open("/mnt/sparse", O_RDONLY));
	CHECK_EQ(rump_sys_pread(fd, buf, 4, 4999999), 4);
	CHECK(memcmp(buf, "\0abc", 4) == 0);
	CHECK_SYS(rump_sys_close(fd));
}

/* Writes through the kernel; what debugfs and e2fsck check later. */
static void write_tree(bool big)
{
	struct stat st;
	int fd;

	/* A new file, rewritten in the middle, appended to. */
	kern_write("/mnt/new", O_CREAT, 7, 0, 100000);
	kern_write("/mnt/new", 0, 7, 30000, 5000);
	kern_write("/mnt/new", O_APPEND, 7, 100000, 1234);
	check_file("/mnt/new", 7, 101234);
	/* Truncate down into a block, then up: the tail reads zeros. */
	CHECK_SYS(rump_sys_truncate("/mnt/m1", 5000));
	check_file("/mnt/m1", 5, 5000);
	CHECK_SYS(rump_sys_truncate("/mnt/m1", 20000));
	CHECK_SYS(rump_sys_stat("/mnt/m1", &st));
	CHECK_EQ(st.st_size, 20000);
	/* A sparse file written by the kernel, beyond the 12 direct
	 * blocks and the single indirect range. */
	kern_write("/mnt/holes", O_CREAT, 9, 3 << 20, 70000);
	kern_write("/mnt/holes", 0, 9, 300 << 20, 4096);
	CHECK_SYS(rump_sys_stat("/mnt/holes", &st));
	CHECK_EQ(st.st_size, (300 << 20) + 4096);
	/* SEEK_DATA and SEEK_HOLE over the holes. */
	CHECK_SYS(fd = rump_sys_open("/mnt/holes", O_RDONLY));
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_DATA), 3 << 20);
	{
		off_t h = rump_sys_lseek(fd, 3 << 20, SEEK_HOLE);

		/* the end of the data rounded up to a block */
		CHECK(h >= (3 << 20) + 70000 && h < (3 << 20) + 70000 + 4096);
		CHECK_EQ(h % 1024, 0);
	}
	CHECK_EQ(rump_sys_lseek(fd, 4 << 20, SEEK_DATA), 300 << 20);
	CHECK_SYS(rump_sys_close(fd));
	/* fallocate: allocated, zero, the size grown. */
	CHECK_SYS(fd = rump_sys_open("/mnt/falloc", O_CREAT | O_RDWR, 0644));
	CHECK_SYS(rump_sys_fallocate(fd, 0, 10000, 200000));
	CHECK_SYS(rump_sys_fstat(fd, &st));
	CHECK_EQ(st.st_size, 210000);
	CHECK(st.st_blocks * 512 >= 200000);
	{
		char z[100];

		CHECK_EQ(rump_sys_pread(fd, z, sizeof(z), 150000), 100);
		for (int i = 0; i < 100; i++)
			CHECK_EQ(z[i], 0);
	}
	CHECK_SYS(rump_sys_close(fd));
	/* Many small writes: the extent tree or block map grows. */
	CHECK_SYS(fd = rump_sys_open("/mnt/grow", O_CREAT | O_WRONLY, 0600));
	for (int i = 0; i < 400; i++) {
		char b[1024];

		memset(b, i & 0xff, sizeof(b));
		/* every other block: no two extents merge */
		CHECK_EQ(rump_sys_pwrite(fd, b, sizeof(b), (off_t)i * 2 * 4096),
			 (ssize_t)sizeof(b));
	}
	CHECK_SYS(rump_sys_close(fd));
	CHECK_SYS(rump_sys_truncate("/mnt/grow", 600 * 4096));
	/* Delete a prefilled file and a hard link. */
	CHECK_SYS(rump_sys_unlink("/mnt/sub/m3"));
	CHECK_SYS(rump_sys_unlink("/mnt/hard"));
	CHECK_SYS(rump_sys_stat("/mnt/one", &st));
	CHECK_EQ(st.st_nlink, 1);
	/* Unlinked while open: freed at the last close. */
	CHECK_SYS(fd = rump_sys_open("/mnt/k70", O_RDONLY));
	CHECK_SYS(rump_sys_unlink("/mnt/k70"));
	CHECK_SYS(rump_sys_fstat(fd, &st));
	CHECK_EQ(st.st_size, 70001);
	CHECK_SYS(rump_sys_close(fd));
	if (big) {
		/* Past 4 GiB. */
		unsigned char b[5000];

		kern_write("/mnt/huge", O_CREAT, 11, (off_t)5 << 30, 5000);
		CHECK_SYS(rump_sys_stat("/mnt/huge", &st));
		CHECK_EQ(st.st_size, ((off_t)5 << 30) + 5000);
		CHECK_SYS(fd = rump_sys_open("/mnt/huge", O_RDONLY));
		CHECK_EQ(rump_sys_pread(fd, b, 5000, (off_t)5 << 30), 5000);
		for (int i = 0; i < 5000; i++)
			CHECK_EQ(b[i], pat(11, ((uint64_t)5 << 30) + i));
		CHECK_EQ(rump_sys_pread(fd, b, 100, 1 << 30), 100);
		CHECK_EQ(b[0] | b[99], 0);
		CHECK_SYS(rump_sys_close(fd));
	}
}

static void statvfs_matches_dumpe2fs(void)
{
	struct statvfs sv;
	char out[400];
	FILE *f;
	unsigned long long bfree = 0, ifree = 0;
	char line[256];

	CHECK_SYS(rump_sys_statvfs("/mnt", &sv));
	CHECK_SYS(rump_sys_unmount("/mnt", 0));
	snprintf(out, sizeof(out), "dumpe2fs -h %s 2>/dev/null", img);
	CHECK((f = popen(out, "r")) != NULL);
	while (fgets(line, sizeof(line), f) != NULL) {
		sscanf(line, "Free blocks: %llu", &bfree);
		sscanf(line, "Free inodes: %llu", &ifree);
	}
	pclose(f);
	CHECK_EQ((unsigned long long)sv.f_bfree, bfree);
	CHECK_EQ((unsigned long long)sv.f_ffree, ifree);
}

static void one_image(const char *mkfs, int bsize, const char *type)
{
	char cmd[600];

	test_log("%s -b %d, mounted as %s", mkfs, bsize, type);
	CHECK_EQ(sh("%s -q -F -b %d -d %s %s 400M >/dev/null 2>&1", mkfs, bsize,
		    src, img),
		 0);
	test_boot();
	CHECK_EQ(rump_pub_etfs_register("/dev/disk0", img, RUMP_ETFS_BLK), 0);
	CHECK_SYS(rump_sys_mkdir("/mnt", 0755));
	CHECK_SYS(rump_sys_mount("/dev/disk0", "/mnt", type, 0, ""));
	read_back();
	write_tree(strcmp(type, "ext4") == 0);
	statvfs_matches_dumpe2fs();
	test_halt();
	snprintf(cmd, sizeof(cmd), "e2fsck -fn %s", img);
	if (sh("%s >%s/fsck.log 2>&1", cmd, dir) != 0) {
		sh("cat %s/fsck.log", dir);
		test_fail(__FILE__, __LINE__, "%s: not clean", cmd);
	}
	/* debugfs sees the kernel's writes. */
	CHECK_EQ(sh("debugfs -R 'dump /new %s/new.out' %s >/dev/null 2>&1", dir,
		    img),
		 0);
	CHECK_EQ(sh("test $(stat -c %%s %s/new.out) = 101234", dir), 0);
	CHECK_EQ(sh("debugfs -R 'stat /sub/m3' %s 2>&1 | grep -q 'not found'",
		    img),
		 0);
}

static const struct {
	const char *mkfs;
	int bsize;
	const char *type;
} cases[] = {
	{"mkfs.ext2", 1024, "ext2"},
	{"mkfs.ext2", 4096, "ext2fs"},
	{"mkfs.ext3", 1024, "ext3"},
	{"mkfs.ext4", 1024, "ext4"},
	{"mkfs.ext4", 4096, "ext4"},
	{"mkfs.ext4 -O ^metadata_csum,uninit_bg", 4096, "ext4"},
	{"mkfs.ext4 -O ^metadata_csum,uninit_bg,^64bit,^flex_bg", 1024, "ext4"},
	{"mkfs.ext4 -O metadata_csum_seed,^resize_inode,meta_bg", 1024, "ext4"},
};

int main(int argc, char **argv)
{
	static char out[1 << 16];
	char arg[16], env[400];
	const char *envv[] = {env, NULL};
	size_t i;
	int st;

	test_init(argc, argv);
	if (argc > 1) {
		/* Child: one image, a fresh kernel. */
		const char *d = getenv("T_EXT2_DIR");

		CHECK(d != NULL);
		snprintf(dir, sizeof(dir), "%s", d);
		snprintf(src, sizeof(src), "%s/src", dir);
		snprintf(img, sizeof(img), "%s/img", dir);
		i = (size_t)atoi(argv[1]);
		CHECK(i < sizeof(cases) / sizeof(cases[0]));
		one_image(cases[i].mkfs, cases[i].bsize, cases[i].type);
		return 0;
	}
	if (sh("command -v mkfs.ext4 e2fsck debugfs dumpe2fs >/dev/null") !=
	    0) {
		printf("e2fsprogs missing: install it (CI does)\n");
		return 1;
	}
	CHECK(mkdtemp(dir) != NULL);
	snprintf(src, sizeof(src), "%s/src", dir);
	make_source();
	snprintf(env, sizeof(env), "T_EXT2_DIR=%s", dir);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(arg, sizeof(arg), "%zu", i);
		st = test_child(arg, envv, out, sizeof(out), 300);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fputs(out, stdout);
			test_fail(__FILE__, __LINE__, "%s -b %d as %s: %s",
				  cases[i].mkfs, cases[i].bsize, cases[i].type,
				  test_status_str(st));
		}
		test_log("%s -b %d as %s: ok", cases[i].mkfs, cases[i].bsize,
			 cases[i].type);
	}
	if (getenv("T_EXT2_KEEP") == NULL)
		sh("rm -rf %s", dir);
	else
		printf("kept %s\n", dir);
	return 0;
}
