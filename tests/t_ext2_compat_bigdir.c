/*
 * t_ext2_compat_bigdir.c -- a directory of 100,000 entries made by the
 * host kernel on a loop mount (tests/ext2/mkbigdir.sh: root only; CI is
 * root) and hashed with dir_index, on ext4 with 4 KiB blocks and ext2
 * with 1 KiB blocks (a deeper hash tree).  Read-only, getdents64 lists
 * exactly debugfs's names and inode numbers and lookups find names and
 * miss absent ones; read-write, thousands of creates, unlinks and renames
 * in it leave an image that e2fsck -fn calls clean (it checks the hash
 * tree) whose names debugfs lists exactly as expected.
 */
/* hosts: posix */
#include "ext2/ext2lib.c"

#define BIG_N 100000

static void big_name(char *buf, size_t len, const char *prefix, int i)
{
	snprintf(buf, len, EXT2_MNT "/big/%s%06d", prefix, i);
}

/* getdents64 of /mnt/big as sorted "name ino" lines in out. */
static void big_list(const char *out, bool with_ino)
{
	char *buf = malloc(65536);
	FILE *f = fopen(out, "w");
	long count = 0;
	ssize_t n;
	int fd;

	CHECK(buf != NULL && f != NULL);
	fd = CHECK_SYS(rump_sys_open(EXT2_MNT "/big", O_RDONLY | O_DIRECTORY));
	while ((n = rump_sys_getdents64(fd, buf, 65536)) > 0)
		for (ssize_t at = 0; at < n;) {
			struct ext2_dirent64 *d = (void *)(buf + at);

			at += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				continue;
			ext2_esc(f, d->d_name, strlen(d->d_name));
			if (with_ino)
				fprintf(f, " %llu",
					(unsigned long long)d->d_ino);
			fputc('\n', f);
			count++;
		}
	if (n == -1)
		EXT2_FAIL("getdents64 /big after %ld entries: %s", count,
			  strerror(errno));
	CHECK_SYS(rump_sys_close(fd));
	CHECK(fclose(f) == 0);
	free(buf);
	test_log("getdents64 listed %ld entries", count);
	if (ext2_sh(NULL, 0, "LC_ALL=C sort -o '%s' '%s'", out, out) != 0)
		EXT2_FAIL("sort %s", out);
}

/* debugfs's names of /big in img (with inode numbers, or without). */
static void big_oracle(const char *img, const char *out, bool with_ino)
{
	char strip[PATH_MAX + 32] = "";

	/* The sed command is an argument: its path is formatted here. */
	if (!with_ino)
		snprintf(strip, sizeof(strip), "sed -i 's/ .*//' '%s' &&", out);
	if (ext2_sh(NULL, 0,
		    "python3 " EXT2_TOOLS "/ext2tool.py bigdir-names '%s' /big "
		    "'%s' && if [ %d = 0 ]; then sed -i 's/ .*//' '%s'; fi && "
		    "LC_ALL=C sort -o '%s' '%s'",
		    img, out, with_ino, out, out, out) != 0)
		EXT2_FAIL("debugfs listing of /big in %s", img);
}

static void big_same(const char *a, const char *b)
{
	if (ext2_sh(NULL, 0, "cmp '%s' '%s' || diff '%s' '%s' | head -20", a, b,
		    a, b) != 0)
		EXT2_FAIL("the listings %s and %s differ", a, b);
}

static void big_one(const char *type, int bs)
{
	char img[PATH_MAX], name[64], path[PATH_MAX];
	char lr[PATH_MAX + 16], lo[PATH_MAX + 16], expect[PATH_MAX + 16];
	struct stat st;
	FILE *f;

	snprintf(name, sizeof(name), "bigdir-%s-%d", type, bs);
	snprintf(img, sizeof(img), "%s", ext2_path(name));
	snprintf(lr, sizeof(lr), "%s.rump", img);
	snprintf(lo, sizeof(lo), "%s.debugfs", img);
	snprintf(expect, sizeof(expect), "%s.expect", img);
	test_log("%s, %d-byte blocks, %d entries", type, bs, BIG_N);
	if (ext2_sh(NULL, 0, "sh " EXT2_TOOLS "/mkbigdir.sh %s %d 512M '%s' %d",
		    type, bs, img, BIG_N) != 0)
		EXT2_FAIL("mkbigdir.sh %s %d %s failed", type, bs, img);
	big_oracle(img, lo, true);

	ext2_mount(img, type, MS_RDONLY);
	big_list(lr, true);
	big_same(lo, lr);
	for (int i = 0; i < BIG_N; i += 47) {
		big_name(path, sizeof(path), "file", i);
		if (rump_sys_lstat(path, &st) == -1)
			EXT2_FAIL("lstat %s: %s", path, strerror(errno));
		big_name(path, sizeof(path), "absent", i);
		CHECK_ERRNO(rump_sys_lstat(path, &st), ENOENT);
	}
	ext2_unmount();

	/* Changes: every 50th removed, 3000 new, 500 renamed. */
	ext2_mount(img, type, 0);
	for (int i = 0; i < BIG_N; i += 50) {
		big_name(path, sizeof(path), "file", i);
		CHECK_SYS(rump_sys_unlink(path));
	}
	for (int i = 0; i < 3000; i++) {
		int fd;

		big_name(path, sizeof(path), "new-with-a-longer-name-", i);
		fd = CHECK_SYS(
			rump_sys_open(path, O_CREAT | O_EXCL | O_WRONLY, 0644));
		CHECK_SYS(rump_sys_close(fd));
	}
	for (int i = 1; i < BIG_N; i += 200) {
		char to[PATH_MAX];

		big_name(path, sizeof(path), "file", i);
		big_name(to, sizeof(to), "moved", i);
		CHECK_SYS(rump_sys_rename(path, to));
	}
	ext2_unmount();
	ext2_fsck_clean(img, "after changing the big directory");

	f = fopen(expect, "w");
	CHECK(f != NULL);
	for (int i = 0; i < BIG_N; i++) {
		if (i % 50 == 0)
			continue;
		fprintf(f, "%s%06d\n", i % 200 == 1 ? "moved" : "file", i);
	}
	for (int i = 0; i < 3000; i++)
		fprintf(f, "new-with-a-longer-name-%06d\n", i);
	CHECK(fclose(f) == 0);
	CHECK(ext2_sh(NULL, 0, "LC_ALL=C sort -o '%s' '%s'", expect, expect) ==
	      0);
	big_oracle(img, lo, false);
	big_same(expect, lo);
	ext2_mount(img, type, MS_RDONLY);
	big_list(lr, false);
	ext2_unmount();
	big_same(expect, lr);
	ext2_sh(NULL, 0, "rm -f '%s'*", img);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(115);
	if (!ext2_driver_linked())
		return 0;
	/* The image is made through the host kernel (a loop mount). */
	if (geteuid() != 0 && getenv("CI") == NULL) {
		test_log("SKIP: not root (a loop mount makes the image); CI "
			 "runs it");
		return 0;
	}
	ext2_setup();
	test_boot();
	big_one("ext4", 4096);
	big_one("ext2", 1024);
	test_halt();
	test_log("ok");
	return 0;
}
