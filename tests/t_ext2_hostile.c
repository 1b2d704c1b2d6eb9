/*
 * t_ext2_hostile.c -- damaged images never crash, hang or overrun the
 * kernel: a populated ext2 and ext4 image gets seeded random byte
 * changes in its metadata area (superblock, descriptors, bitmaps, inode
 * tables, directory and extent blocks); each copy is mounted (an error
 * is fine), its whole tree walked and every file read, written to, and
 * unmounted.  Absurd structures must end in errors, and the kernel must
 * shut down without a leak.  SCALE multiplies the number of copies.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

static char dir[] = "/tmp/t_ext2_hostile.XXXXXX";

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Reads, and for regular files appends to, everything under path. */
static void walk(const char *path, int depth)
{
	static char buf[8192];
	char child[1024];
	struct stat st;
	long n;
	int fd;

	if (depth > 8 || rump_sys_lstat(path, &st) != 0)
		return;
	if (S_ISLNK(st.st_mode)) {
		rump_sys_readlink(path, buf, sizeof(buf));
		return;
	}
	if (S_ISREG(st.st_mode)) {
		if ((fd = rump_sys_open(path, O_RDWR)) < 0)
			return;
		while (rump_sys_read(fd, buf, sizeof(buf)) > 0)
			;
		rump_sys_pwrite(fd, "x", 1, 3 * 4096);
		rump_sys_ftruncate(fd, 100);
		rump_sys_close(fd);
		return;
	}
	if (!S_ISDIR(st.st_mode))
		return;
	if ((fd = rump_sys_open(path, O_RDONLY | O_DIRECTORY)) < 0)
		return;
	while ((n = rump_sys_getdents64(fd, buf, sizeof(buf))) > 0) {
		long off = 0;

		while (off < n) {
			unsigned short reclen;
			const char *name = buf + off + 19;

			memcpy(&reclen, buf + off + 16, sizeof(reclen));
			if (reclen == 0)
				break;
			if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
				snprintf(child, sizeof(child), "%s/%s", path,
					 name);
				walk(child, depth + 1);
			}
			off += reclen;
		}
	}
	rump_sys_close(fd);
	snprintf(child, sizeof(child), "%s/newfile", path);
	if ((fd = rump_sys_open(child, O_CREAT | O_WRONLY, 0644)) >= 0) {
		rump_sys_write(fd, buf, 5000);
		rump_sys_close(fd);
		rump_sys_unlink(child);
	}
}

/* Copies base to a damaged image: nbytes changed within the first
 * limit bytes. */
static void damage(const char *base, const char *out, uint64_t limit,
		   int nbytes)
{
	int i;

	CHECK_EQ(test_sh("cp %s %s", base, out), 0);
	FILE *f = fopen(out, "r+b");
	CHECK(f != NULL);
	for (i = 0; i < nbytes; i++) {
		uint64_t off = 1024 + next() % (limit - 1024);

		fseek(f, (long)off, SEEK_SET);
		fputc((int)(next() & 0xff), f);
	}
	CHECK_EQ(fclose(f), 0);
}

static void one(const char *mkfs, const char *type, uint64_t limit, int n)
{
	char base[400], img[400], key[32];
	int i, mounted = 0;

	snprintf(base, sizeof(base), "%s/base", dir);
	snprintf(img, sizeof(img), "%s/img", dir);
	CHECK_EQ(test_sh("%s -q -F -d %s/src %s 8M >/dev/null 2>&1", mkfs, dir,
			 base),
		 0);
	for (i = 0; i < n; i++) {
		damage(base, img, limit, 1 + (int)(next() % 64));
		snprintf(key, sizeof(key), "/dev/hostile%d", i);
		CHECK_EQ(rump_pub_etfs_register(key, img, RUMP_ETFS_BLK), 0);
		if (rump_sys_mount(key, "/mnt", type, 0, "") == 0) {
			mounted++;
			walk("/mnt", 0);
			rump_sys_unmount("/mnt", 0);
		}
		CHECK_EQ(rump_pub_etfs_remove(key), 0);
	}
	test_log("%s: %d of %d damaged images mounted", mkfs, mounted, n);
}

int main(int argc, char **argv)
{
	int n;

	test_init(argc, argv);
	if (test_sh("command -v mkfs.ext4 >/dev/null") != 0) {
		printf("e2fsprogs missing: install it (CI does)\n");
		return 1;
	}
	CHECK(mkdtemp(dir) != NULL);
	CHECK_EQ(test_sh("mkdir -p %s/src/a/b/c && cd %s/src && "
			 "for i in 1 2 3 4 5 6 7 8 9; do head -c $((i * 7000)) "
			 "/dev/urandom > f$i; done && ln -s f1 l1 && "
			 "head -c 300000 /dev/urandom > a/b/c/big && "
			 "for i in $(seq 1 80); do touch a/n$i; done",
			 dir, dir),
		 0);
	n = 25 * test_scale();
	test_boot();
	CHECK_SYS(rump_sys_mkdir("/mnt", 0755));
	one("mkfs.ext2 -b 1024", "ext2", 300 * 1024, n);
	one("mkfs.ext4 -b 1024", "ext4", 600 * 1024, n);
	one("mkfs.ext4 -b 4096 -O ^metadata_csum", "ext4", 2 << 20, n);
	test_halt();
	test_sh("rm -rf %s", dir);
	return 0;
}
