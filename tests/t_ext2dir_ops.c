/* hosts: posix */
/*
 * t_ext2dir_ops.c -- ext2fs directories on real images made by mkfs
 * (ext2 with 1 KiB blocks, ext3, ext4 with 1 KiB and 4 KiB blocks):
 * create, mkdir, fast and slow symlinks, hard links, remove, rmdir
 * (ENOTEMPTY), rename (over files and empty directories, directories
 * between parents), readdir, then the same names read back after a
 * remount, `e2fsck -fn` clean after unmount and `debugfs ls` listing
 * exactly the names rumpkit wrote.  A directory of a few thousand
 * entries turns indexed and stays e2fsck-clean; an image prefilled by
 * `mkfs -d` is read back with its xattrs.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ext2/ext2lib.c"
#include "testlib.h"

static char img[PATH_MAX + 16];

static void put_file(const char *path, const char *data)
{
	int fd = (int)CHECK_SYS(
		rump_sys_open(path, O_CREAT | O_EXCL | O_WRONLY, 0644));
	CHECK_EQ(rump_sys_write(fd, data, strlen(data)), (long)strlen(data));
	CHECK_SYS(rump_sys_close(fd));
}

static void get_file(const char *path, const char *data)
{
	char buf[256];
	int fd = (int)CHECK_SYS(rump_sys_open(path, O_RDONLY));
	ssize_t n = rump_sys_read(fd, buf, sizeof(buf));

	CHECK_EQ(n, (long)strlen(data));
	CHECK(memcmp(buf, data, (size_t)n) == 0);
	CHECK_SYS(rump_sys_close(fd));
}

/* The names in dir (without "." and ".."), sorted, space-separated. */
static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *path, char *out, size_t len, int *countp)
{
	static char names[20000][64];
	static char *ptrs[20000];
	char buf[4096];
	int fd, n = 0;
	long got;

	fd = (int)CHECK_SYS(rump_sys_open(path, O_RDONLY | O_DIRECTORY));
	while ((got = CHECK_SYS(rump_sys_getdents64(fd, buf, sizeof(buf)))) >
	       0) {
		for (long off = 0; off < got;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			if (strcmp(d->d_name, ".") != 0 &&
			    strcmp(d->d_name, "..") != 0) {
				CHECK(n < 20000);
				snprintf(names[n], 64, "%.63s", d->d_name);
				ptrs[n] = names[n];
				n++;
			}
			off += d->d_reclen;
		}
	}
	CHECK_SYS(rump_sys_close(fd));
	qsort(ptrs, (size_t)n, sizeof(ptrs[0]), cmpstr);
	out[0] = 0;
	for (int i = 0; i < n && out != NULL; i++) {
		strncat(out, ptrs[i], len - strlen(out) - 1);
		strncat(out, " ", len - strlen(out) - 1);
	}
	if (countp != NULL)
		*countp = n;
}

/* debugfs's view of a directory, in the same form. */
static void debugfs_list(const char *path, char *out, size_t len)
{
	char raw[65536], *names[4096], *save, *tok;
	int n = 0;

	ext2_sh(raw, sizeof(raw), "debugfs -R 'ls -p %s' %s 2>/dev/null", path,
		img);
	/* ls -p: /ino/mode/uid/gid/name/size/ per line. */
	for (tok = strtok_r(raw, "\n", &save); tok != NULL;
	     tok = strtok_r(NULL, "\n", &save)) {
		char *f = tok;
		for (int k = 0; k < 5 && f != NULL; k++)
			f = strchr(f + 1, '/');
		if (f == NULL)
			continue;
		char *name = f;
		while (name > tok && name[-1] != '/')
			name--;
		*f = 0;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
		    *name == 0)
			continue;
		CHECK(n < 4096);
		names[n++] = name;
	}
	qsort(names, (size_t)n, sizeof(names[0]), cmpstr);
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		strncat(out, names[i], len - strlen(out) - 1);
		strncat(out, " ", len - strlen(out) - 1);
	}
}

static void check_tree(void)
{
	struct stat st;
	char buf[300], list[4096];

	get_file("/mnt/d1/f1", "one");
	get_file("/mnt/d2/renamed", "two");
	get_file("/mnt/d2/hard", "two");
	CHECK_SYS(rump_sys_stat("/mnt/d2/hard", &st));
	CHECK_EQ(st.st_nlink, 2);
	CHECK_SYS(rump_sys_stat("/mnt/d2", &st));
	CHECK_EQ(st.st_nlink, 3); /* ".", its entry, sub's ".." */
	CHECK_SYS(rump_sys_stat("/mnt/d1", &st));
	CHECK_EQ(st.st_nlink, 2);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(rump_sys_readlink("/mnt/fast", buf, sizeof(buf)), 7);
	CHECK(strcmp(buf, "d1/f1xx") == 0);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(rump_sys_readlink("/mnt/slow", buf, sizeof(buf)), 200);
	for (int i = 0; i < 200; i++)
		CHECK(buf[i] == 'a' + i % 26);
	get_file("/mnt/d2/sub/moved", "moved");
	CHECK_SYS(rump_sys_stat("/mnt/d2/sub/..", &st));
	list_dir("/mnt/d2", list, sizeof(list), NULL);
	CHECK(strcmp(list, "hard renamed sub ") == 0);
	list_dir("/mnt", list, sizeof(list), NULL);
	CHECK(strcmp(list, "d1 d2 fast lost+found slow ") == 0);
}

static void ops_on(const char *mkfs, const char *type)
{
	char slow[201], list[4096], dlist[4096];
	struct stat st;
	int count;

	test_log("%s\n", mkfs);
	ext2_run("rm -f %s && truncate -s 64M %s && %s %s >/dev/null 2>&1", img,
		 img, mkfs, img);
	ext2_mount(img, type, 0);
	CHECK_SYS(rump_sys_mkdir("/mnt/d1", 0755));
	CHECK_SYS(rump_sys_mkdir("/mnt/d2", 0755));
	CHECK_ERRNO(rump_sys_mkdir("/mnt/d2", 0755), EEXIST);
	put_file("/mnt/d1/f1", "one");
	put_file("/mnt/d1/f2", "two");
	CHECK_ERRNO(
		rump_sys_open("/mnt/d1/f1", O_CREAT | O_EXCL | O_RDWR, 0644),
		EEXIST);
	CHECK_SYS(rump_sys_symlink("d1/f1xx", "/mnt/fast"));
	for (int i = 0; i < 200; i++)
		slow[i] = (char)('a' + i % 26);
	slow[200] = 0;
	CHECK_SYS(rump_sys_symlink(slow, "/mnt/slow"));
	/* rename across directories, then a hard link to it */
	CHECK_SYS(rump_sys_rename("/mnt/d1/f2", "/mnt/d2/renamed"));
	CHECK_SYS(rump_sys_link("/mnt/d2/renamed", "/mnt/d2/hard"));
	CHECK_ERRNO(rump_sys_link("/mnt/d2/renamed", "/mnt/d2/hard"), EEXIST);
	/* rename over a file */
	put_file("/mnt/d1/victim", "victim");
	put_file("/mnt/d1/f3", "moved");
	CHECK_SYS(rump_sys_rename("/mnt/d1/f3", "/mnt/d1/victim"));
	get_file("/mnt/d1/victim", "moved");
	/* a directory moves between parents, over an empty directory */
	CHECK_SYS(rump_sys_mkdir("/mnt/d1/sub", 0755));
	CHECK_SYS(rump_sys_mkdir("/mnt/d2/sub", 0755));
	CHECK_SYS(rump_sys_rename("/mnt/d1/victim", "/mnt/d1/sub/moved"));
	CHECK_ERRNO(rump_sys_rename("/mnt/d2/sub", "/mnt/d1/sub"), ENOTEMPTY);
	CHECK_SYS(rump_sys_rename("/mnt/d1/sub", "/mnt/d2/sub"));
	CHECK_SYS(rump_sys_stat("/mnt/d1", &st));
	CHECK_EQ(st.st_nlink, 2);
	/* rmdir, remove */
	CHECK_ERRNO(rump_sys_rmdir("/mnt/d2"), ENOTEMPTY);
	CHECK_SYS(rump_sys_mkdir("/mnt/d1/gone", 0755));
	CHECK_SYS(rump_sys_rmdir("/mnt/d1/gone"));
	CHECK_ERRNO(rump_sys_rmdir("/mnt/d1/gone"), ENOENT);
	put_file("/mnt/d1/rm", "x");
	CHECK_SYS(rump_sys_unlink("/mnt/d1/rm"));
	CHECK_ERRNO(rump_sys_stat("/mnt/d1/rm", &st), ENOENT);
	check_tree();
	ext2_unmount();
	ext2_fsck_clean(img, mkfs);
	debugfs_list("/d2", dlist, sizeof(dlist));
	CHECK(strcmp(dlist, "hard renamed sub ") == 0);
	ext2_mount(img, type, 0);
	check_tree();
	/* A directory that outgrows one block becomes indexed. */
	CHECK_SYS(rump_sys_mkdir("/mnt/big", 0755));
	for (int i = 0; i < 3000; i++) {
		char p[64];
		snprintf(p, sizeof(p), "/mnt/big/file-%05d-with-a-longish-name",
			 i);
		put_file(p, "");
	}
	for (int i = 0; i < 3000; i += 3) {
		char p[64];
		snprintf(p, sizeof(p), "/mnt/big/file-%05d-with-a-longish-name",
			 i);
		CHECK_SYS(rump_sys_unlink(p));
	}
	list_dir("/mnt/big", list, 16, &count);
	CHECK_EQ(count, 2000);
	ext2_unmount();
	ext2_fsck_clean(img, "big directory");
	ext2_mount(img, type, 0);
	list_dir("/mnt/big", list, 16, &count);
	CHECK_EQ(count, 2000);
	get_file("/mnt/d2/sub/moved", "moved");
	/* Emptied leaves (without csum they look like index blocks) are
	 * still leaves: list, look up, refill, remove the directory. */
	for (int i = 0; i < 3000; i++) {
		char p[64];
		snprintf(p, sizeof(p), "/mnt/big/file-%05d-with-a-longish-name",
			 i);
		if (i % 3 != 0)
			CHECK_SYS(rump_sys_unlink(p));
	}
	list_dir("/mnt/big", list, 16, &count);
	CHECK_EQ(count, 0);
	CHECK_ERRNO(
		rump_sys_stat("/mnt/big/file-00001-with-a-longish-name", &st),
		ENOENT);
	put_file("/mnt/big/again", "again");
	get_file("/mnt/big/again", "again");
	CHECK_ERRNO(rump_sys_rmdir("/mnt/big"), ENOTEMPTY);
	CHECK_SYS(rump_sys_unlink("/mnt/big/again"));
	CHECK_SYS(rump_sys_rmdir("/mnt/big"));
	ext2_unmount();
	ext2_fsck_clean(img, "emptied big directory");
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(600);
	ext2_setup();
	snprintf(img, sizeof(img), "%s/img", ext2_work);
	test_boot();
	ops_on("mkfs.ext4 -q -F -b 4096", "ext4");
	ops_on("mkfs.ext4 -q -F -b 1024", "ext4");
	ops_on("mkfs.ext2 -q -F -b 1024", "ext2");
	ops_on("mkfs.ext3 -q -F -b 4096", "ext3");
	test_halt();
	printf("t_ext2dir_ops: ok\n");
	return 0;
}
