/* hosts: posix */
/*
 * t_ext2dir_hostile.c -- ext2fs directories that e2fsck indexed
 * (`e2fsck -fyD` on an image made by `mkfs.ext4 -d`) are read through
 * their hash tree; then the same directory damaged in its blocks: a
 * record length of zero, a record running past its block, a root whose
 * count exceeds its limit, an index entry pointing back at the root, a
 * leaf checksum that no longer matches.  Each damage gives EIO (or, for a
 * root that cannot be used, correct answers from a linear walk), never a
 * crash, hang or read outside a block, and the file system still
 * unmounts.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ext2/ext2lib.c"
#include "testlib.h"

#define NFILES 500
#define BSIZE 4096

static char clean[PATH_MAX + 16], cleancsum[PATH_MAX + 16], img[PATH_MAX + 16];
static long dirblk[8], csumblk[8];
static int ndirblk, ncsumblk;

/*
 * An image with /many indexed by e2fsck; without metadata_csum (opts) the
 * record checks themselves are what stands between damage and the code.
 */
static void make_clean(char *clean, const char *name, const char *opts,
		       long *blks, int *nblkp)
{
	char src[PATH_MAX + 16], cmd[3 * PATH_MAX], out[512], *p;
	FILE *f;

	snprintf(src, sizeof(src), "%s/src-%s", ext2_work, name);
	snprintf(clean, PATH_MAX + 16, "%s/%s", ext2_work, name);
	snprintf(img, sizeof(img), "%s/img", ext2_work);
	ext2_run("mkdir -p %s/many && for i in $(seq 1 %d); do echo $i > "
		 "%s/many/name-$i; done",
		 src, NFILES, src);
	ext2_run("truncate -s 32M %s && mkfs.ext4 -q -F -b %d %s -d %s %s "
		 ">/dev/null 2>&1",
		 clean, BSIZE, opts, src, clean);
	/* -D rebuilds directories: large ones get a hash tree. */
	snprintf(cmd, sizeof(cmd), "e2fsck -fyD %s >/dev/null 2>&1", clean);
	CHECK(WEXITSTATUS(system(cmd)) <= 1);
	ext2_run("e2fsck -fn %s >/dev/null 2>&1", clean);
	snprintf(cmd, sizeof(cmd), "debugfs -R 'blocks /many' %s 2>/dev/null",
		 clean);
	CHECK((f = popen(cmd, "r")) != NULL);
	CHECK(fgets(out, sizeof(out), f) != NULL);
	pclose(f);
	*nblkp = 0;
	for (p = strtok(out, " \n"); p != NULL && *nblkp < 8;
	     p = strtok(NULL, " \n"))
		blks[(*nblkp)++] = atol(p);
	CHECK(*nblkp >= 3); /* root and at least two leaves */
}

static void img_reset(const char *from)
{
	ext2_run("cp %s %s", from, img);
}

static void img_read(long blk, unsigned char *buf)
{
	int fd = open(img, O_RDONLY);

	CHECK(fd >= 0);
	CHECK(pread(fd, buf, BSIZE, (off_t)blk * BSIZE) == BSIZE);
	close(fd);
}

static void img_write(long blk, const unsigned char *buf)
{
	int fd = open(img, O_WRONLY);

	CHECK(fd >= 0);
	CHECK(pwrite(fd, buf, BSIZE, (off_t)blk * BSIZE) == BSIZE);
	close(fd);
}

/*
 * Lists /mnt/many: the number of names, or -errno of the first failure.
 */
static int list_many(void)
{
	char buf[4096];
	int fd, n = 0;
	long got;

	fd = rump_sys_open("/mnt/many", O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -errno;
	while ((got = rump_sys_getdents64(fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < got;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			if (strncmp(d->d_name, "name-", 5) == 0)
				n++;
			off += d->d_reclen;
		}
	if (got < 0)
		n = -errno;
	rump_sys_close(fd);
	return n;
}

/* Stats every name: how many were found, and the first other errno. */
static int stat_many(int *errp)
{
	char path[64];
	struct stat st;
	int found = 0;

	*errp = 0;
	for (int i = 1; i <= NFILES; i++) {
		snprintf(path, sizeof(path), "/mnt/many/name-%d", i);
		if (rump_sys_stat(path, &st) == 0)
			found++;
		else if (*errp == 0)
			*errp = errno;
	}
	return found;
}

/* Offset of the n-th record in a leaf block. */
static int rec_at(const unsigned char *b, int n)
{
	int off = 0;

	while (n-- > 0)
		off += b[off + 4] | b[off + 5] << 8;
	return off;
}

int main(int argc, char **argv)
{
	unsigned char b[BSIZE];
	int err, found, off, fd;

	test_init(argc, argv);
	test_watchdog(300);
	ext2_setup();
	make_clean(clean, "clean", "-O ^metadata_csum", dirblk, &ndirblk);
	make_clean(cleancsum, "cleancsum", "-O metadata_csum", csumblk,
		   &ncsumblk);
	test_boot();

	/* The intact tree: every name found through it, listed once. */
	img_reset(clean);
	ext2_mount(img, "ext4", 0);
	CHECK_EQ(list_many(), NFILES);
	CHECK_EQ(stat_many(&err), NFILES);
	fd = (int)CHECK_SYS(rump_sys_open("/mnt/many/new-name",
					  O_CREAT | O_EXCL | O_WRONLY, 0644));
	CHECK_SYS(rump_sys_close(fd));
	ext2_unmount();
	ext2_run("e2fsck -fn %s >/dev/null 2>&1", img);

	/* A leaf record of length zero: EIO, no endless loop. */
	test_log("zero rec_len\n");
	img_reset(clean);
	img_read(dirblk[1], b);
	off = rec_at(b, 3);
	b[off + 4] = b[off + 5] = 0;
	img_write(dirblk[1], b);
	ext2_mount(img, "ext4", 0);
	CHECK_EQ(list_many(), -EIO);
	found = stat_many(&err);
	CHECK(found < NFILES && err == EIO);
	/* A create hashing to another leaf works; this leaf's is EIO. */
	fd = rump_sys_open("/mnt/many/x", O_CREAT | O_EXCL | O_WRONLY, 0644);
	CHECK(fd >= 0 || errno == EIO);
	if (fd >= 0)
		CHECK_SYS(rump_sys_close(fd));
	ext2_unmount();

	/* A record running past the end of its block. */
	test_log("record past the block\n");
	img_reset(clean);
	img_read(dirblk[2], b);
	off = rec_at(b, 1);
	b[off + 4] = 0xf0;
	b[off + 5] = 0x7f;
	img_write(dirblk[2], b);
	ext2_mount(img, "ext4", 0);
	CHECK_EQ(list_many(), -EIO);
	found = stat_many(&err);
	CHECK(found < NFILES && err == EIO);
	ext2_unmount();

	/* Root count over its limit: the tree is unusable, a linear walk
	 * still answers correctly. */
	test_log("root count over limit\n");
	img_reset(clean);
	img_read(dirblk[0], b);
	b[34] = 0xff; /* count (le16 at 0x22) */
	b[35] = 0x7f;
	img_write(dirblk[0], b);
	ext2_mount(img, "ext4", 0);
	found = stat_many(&err);
	CHECK_EQ(found, NFILES);
	ext2_unmount();

	/* An index entry pointing back at the root. */
	test_log("index loop\n");
	img_reset(clean);
	img_read(dirblk[0], b);
	b[0x20 + 8 + 4] = 0; /* entry 1's block (le32 at 0x2c) -> 0 */
	b[0x20 + 8 + 5] = 0;
	b[0x20 + 8 + 6] = 0;
	b[0x20 + 8 + 7] = 0;
	img_write(dirblk[0], b);
	ext2_mount(img, "ext4", 0);
	found = stat_many(&err);
	CHECK(found <= NFILES);
	(void)list_many();
	ext2_unmount();

	/* A leaf whose checksum no longer matches: EIO. */
	test_log("bad leaf checksum\n");
	img_reset(cleancsum);
	img_read(csumblk[1], b);
	off = rec_at(b, 2);
	b[off + 8] ^= 0x20; /* one letter of a name */
	img_write(csumblk[1], b);
	ext2_mount(img, "ext4", 0);
	CHECK_EQ(list_many(), -EIO);
	found = stat_many(&err);
	CHECK(found < NFILES && err == EIO);
	ext2_unmount();

	test_halt();
	printf("t_ext2dir_hostile: ok\n");
	return 0;
}
