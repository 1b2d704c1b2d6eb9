/* hosts: posix */
/*
 * t_ext2dir_big.c -- large and indexed ext2fs directories on real images:
 * 100,000 entries created through the hash tree (which grows a second
 * index level on 1 KiB blocks), every one found again by lookup, a third
 * removed, the rest listed exactly once; readdir resumed from saved
 * cookies while entries are added and removed in between gives every
 * untouched name exactly once; `e2fsck -fn` is clean and `debugfs htree`
 * walks the tree (link limits are t_ext2dir_nlink's).  Then an image
 * prefilled by `mkfs -d` with an indexed directory, symlinks and extended
 * attributes (set by debugfs ea_set, in the inode and in a block) reads
 * back the same, and keeps them after links and renames.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ext2/ext2lib.c"
#include "testlib.h"

static char img[PATH_MAX + 16];

static void name_of(char *buf, size_t len, int i)
{
	snprintf(buf, len, "/mnt/big/entry-%06d-%x", i, i * 2654435761u);
}

/* Counts each name "entry-N-..." seen in a full listing. */
static int list_count(const char *dir, unsigned char *seen, int n,
		      size_t bufsize)
{
	static char buf[65536];
	int fd, total = 0;
	long got;

	memset(seen, 0, (size_t)n);
	fd = (int)CHECK_SYS(rump_sys_open(dir, O_RDONLY | O_DIRECTORY));
	while ((got = CHECK_SYS(rump_sys_getdents64(fd, buf, bufsize))) > 0)
		for (long off = 0; off < got;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			int k;
			if (sscanf(d->d_name, "entry-%d", &k) == 1) {
				CHECK(k >= 0 && k < n);
				CHECK(seen[k] < 255);
				seen[k]++;
				total++;
			}
			off += d->d_reclen;
		}
	CHECK_SYS(rump_sys_close(fd));
	return total;
}

static void big_dir(const char *mkfs, const char *type, int n, int levels)
{
	unsigned char *seen = calloc((size_t)n, 1);
	char path[128], out[256];
	struct stat st;
	int fd;

	test_log("%s: %d entries\n", mkfs, n);
	ext2_run("rm -f %s && truncate -s 512M %s && %s -N %d %s >/dev/null "
		 "2>&1",
		 img, img, mkfs, n + 1000, img);
	ext2_mount(img, type, 0);
	CHECK_SYS(rump_sys_mkdir("/mnt/big", 0755));
	for (int i = 0; i < n; i++) {
		name_of(path, sizeof(path), i);
		fd = (int)CHECK_SYS(
			rump_sys_open(path, O_CREAT | O_EXCL | O_WRONLY, 0644));
		CHECK_SYS(rump_sys_close(fd));
	}
	test_log("created\n");
	for (int i = 0; i < n; i++) {
		name_of(path, sizeof(path), i);
		CHECK_SYS(rump_sys_stat(path, &st));
	}
	test_log("looked up\n");
	CHECK_EQ(list_count("/mnt/big", seen, n, sizeof(out) * 16), n);
	for (int i = 0; i < n; i++)
		CHECK_EQ(seen[i], 1);
	for (int i = 0; i < n; i += 3) {
		name_of(path, sizeof(path), i);
		CHECK_SYS(rump_sys_unlink(path));
	}
	for (int i = 0; i < n; i++) {
		name_of(path, sizeof(path), i);
		if (i % 3 == 0)
			CHECK_ERRNO(rump_sys_stat(path, &st), ENOENT);
	}
	ext2_unmount();
	ext2_fsck_clean(img, mkfs);
	/* debugfs walks the tree of the directory. */
	test_sh_line(out, sizeof(out),
		     "debugfs -R 'htree /big' %s 2>/dev/null | grep -c "
		     "'^Entry #'",
		     img);
	CHECK(atoi(out) > 10);
	test_sh_line(out, sizeof(out),
		     "debugfs -R 'htree /big' %s 2>/dev/null | grep -m1 "
		     "'Indirect levels'",
		     img);
	CHECK(strstr(out, "Indirect levels:") != NULL);
	if (levels >= 0)
		CHECK_EQ(atoi(strchr(out, ':') + 1), levels);
	ext2_mount(img, type, 0);
	CHECK_EQ(list_count("/mnt/big", seen, n, 4096), n - (n + 2) / 3);
	for (int i = 0; i < n; i++)
		CHECK_EQ(seen[i], i % 3 == 0 ? 0 : 1);
	ext2_unmount();
	free(seen);
}

/*
 * Reads the directory in small getdents calls, closing and reopening it
 * at the saved cookie (lseek) between calls, while names are added and
 * removed: every name that existed throughout is seen exactly once.
 */
static void cookies(const char *mkfs, const char *type)
{
	enum { N = 3000 };
	unsigned char seen[2 * N];
	char path[128], buf[512];
	off_t cookie = 0;
	int fd, calls = 0, added = N;
	long got;

	test_log("%s: cookies\n", mkfs);
	ext2_run("rm -f %s && truncate -s 64M %s && %s %s >/dev/null 2>&1", img,
		 img, mkfs, img);
	ext2_mount(img, type, 0);
	CHECK_SYS(rump_sys_mkdir("/mnt/big", 0755));
	for (int i = 0; i < N; i++) {
		name_of(path, sizeof(path), i);
		CHECK_SYS(rump_sys_close((int)CHECK_SYS(
			rump_sys_open(path, O_CREAT | O_WRONLY, 0644))));
	}
	memset(seen, 0, sizeof(seen));
	for (;;) {
		fd = (int)CHECK_SYS(
			rump_sys_open("/mnt/big", O_RDONLY | O_DIRECTORY));
		CHECK_EQ(rump_sys_lseek(fd, cookie, SEEK_SET), cookie);
		got = CHECK_SYS(rump_sys_getdents64(fd, buf, sizeof(buf)));
		cookie = rump_sys_lseek(fd, 0, SEEK_CUR);
		CHECK_SYS(rump_sys_close(fd));
		if (got == 0)
			break;
		for (long off = 0; off < got;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			int k;
			if (sscanf(d->d_name, "entry-%d", &k) == 1) {
				CHECK(k >= 0 && k < 2 * N);
				CHECK(seen[k] == 0);
				seen[k]++;
			}
			off += d->d_reclen;
		}
		/* Change the directory between calls. */
		if (added < 2 * N) {
			name_of(path, sizeof(path), added++);
			CHECK_SYS(rump_sys_close((int)CHECK_SYS(rump_sys_open(
				path, O_CREAT | O_WRONLY, 0644))));
		}
		if (calls % 2 == 0 && calls / 2 < N / 4) {
			/* remove names from the first quarter */
			name_of(path, sizeof(path), calls / 2 * 2);
			(void)rump_sys_unlink(path);
		}
		calls++;
	}
	for (int i = 0; i < N; i++) {
		bool removed =
			i % 2 == 0 && i / 2 < N / 4 && (i / 2) * 2 < calls;
		if (!removed)
			CHECK_EQ(seen[i], 1);
	}
	ext2_unmount();
	ext2_fsck_clean(img, "cookies");
}

/* An image made by mkfs -d from a host tree reads back the same. */
static void prefilled(void)
{
	char src[PATH_MAX + 16], buf[256];
	size_t len;

	test_log("mkfs -d with xattrs\n");
	snprintf(src, sizeof(src), "%s/src", ext2_work);
	ext2_run("rm -rf %s && mkdir -p %s/many %s/deep/a/b/c && "
		 "for i in $(seq 1 500); do echo $i > %s/many/n$i; done && "
		 "echo hello > %s/deep/a/b/c/leaf && ln -s deep/a/b/c/leaf "
		 "%s/fl && "
		 "ln %s/deep/a/b/c/leaf %s/hard",
		 src, src, src, src, src, src, src, src);
	ext2_run("rm -f %s && truncate -s 64M %s && mkfs.ext4 -q -F -I 256 -d "
		 "%s %s "
		 ">/dev/null 2>&1",
		 img, img, src, img);
	/* Attributes: one small (in the inode), one large (in a block). */
	ext2_run("debugfs -w -R 'ea_set /hard user.small tiny' %s >/dev/null "
		 "2>&1",
		 img);
	ext2_run("head -c 700 /dev/zero | tr '\\0' 'v' > %s/bigval && debugfs "
		 "-w "
		 "-R 'ea_set -f %s/bigval /hard user.big' %s >/dev/null 2>&1",
		 ext2_work, ext2_work, img);
	ext2_fsck_clean(img, "prefilled");
	ext2_mount(img, "ext4", 0);
	{
		static unsigned char seen[501];
		char p[64];
		int fd, total = 0;
		static char dbuf[8192];
		long got;
		fd = (int)CHECK_SYS(
			rump_sys_open("/mnt/many", O_RDONLY | O_DIRECTORY));
		while ((got = CHECK_SYS(rump_sys_getdents64(fd, dbuf,
							    sizeof(dbuf)))) > 0)
			for (long off = 0; off < got;) {
				struct dirent64 *d =
					(struct dirent64 *)(dbuf + off);
				int k;
				if (sscanf(d->d_name, "n%d", &k) == 1) {
					CHECK(k >= 1 && k <= 500 && !seen[k]);
					seen[k] = 1;
					total++;
				}
				off += d->d_reclen;
			}
		CHECK_SYS(rump_sys_close(fd));
		CHECK_EQ(total, 500);
		for (int i = 1; i <= 500; i += 37) {
			snprintf(p, sizeof(p), "/mnt/many/n%d", i);
			fd = (int)CHECK_SYS(rump_sys_open(p, O_RDONLY));
			memset(buf, 0, sizeof(buf));
			CHECK(rump_sys_read(fd, buf, sizeof(buf)) > 0);
			CHECK_EQ(atoi(buf), i);
			CHECK_SYS(rump_sys_close(fd));
		}
	}
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(rump_sys_readlink("/mnt/fl", buf, sizeof(buf)), 15);
	CHECK(strcmp(buf, "deep/a/b/c/leaf") == 0);
	CHECK_KERN(rump_test_ext2dir_xattr("/mnt/hard", "user.small", buf,
					   sizeof(buf), &len));
	CHECK_EQ(len, 4);
	CHECK(memcmp(buf, "tiny", 4) == 0);
	{
		static char big[4096];
		CHECK_KERN(rump_test_ext2dir_xattr("/mnt/hard", "user.big", big,
						   sizeof(big), &len));
		CHECK_EQ(len, 700);
		for (int i = 0; i < 700; i++)
			CHECK(big[i] == 'v');
		CHECK_EQ(rump_test_ext2dir_xattr("/mnt/hard", "user.none", big,
						 sizeof(big), &len),
			 RUMP_ENODATA);
		CHECK_KERN(rump_test_ext2dir_xattr("/mnt/hard", NULL, big,
						   sizeof(big), &len));
		CHECK(len == strlen("user.small") + strlen("user.big") + 2);
	}
	/* Writing next to them keeps them. */
	CHECK_SYS(rump_sys_link("/mnt/hard", "/mnt/hard2"));
	CHECK_SYS(rump_sys_rename("/mnt/hard2", "/mnt/many/hard3"));
	ext2_unmount();
	ext2_fsck_clean(img, "prefilled after writes");
	ext2_mount(img, "ext4", 0);
	CHECK_KERN(rump_test_ext2dir_xattr("/mnt/many/hard3", "user.small", buf,
					   sizeof(buf), &len));
	CHECK_EQ(len, 4);
	ext2_unmount();
}

int main(int argc, char **argv)
{
	int n = 100000 * test_scale() / ext2_tsan_shrink();

	test_init(argc, argv);
	test_watchdog(1200);
	ext2_setup();
	snprintf(img, sizeof(img), "%s/img", ext2_work);
	test_boot();
	prefilled();
	cookies("mkfs.ext4 -q -F -b 4096", "ext4");
	cookies("mkfs.ext2 -q -F -b 1024 -O ^dir_index", "ext2");
	/* Both need a second index level (over 1,000 leaves each). */
	big_dir("mkfs.ext4 -q -F -b 4096", "ext4", n, n >= 100000 ? 1 : -1);
	big_dir("mkfs.ext4 -q -F -b 1024", "ext4", n / 4, 1);
	test_halt();
	printf("t_ext2dir_big: ok\n");
	return 0;
}
