/*
 * p_io.c -- reading and writing: read, write, pread, pwrite, the vector
 * calls, lseek, holes and sparse files past 4 GiB, truncation up and down
 * with zero fill, fallocate and posix_fallocate, fsync, fdatasync and
 * sync, and an unlinked file that stays readable while it is open.
 */
#include <stdlib.h>

#include "suite.h"

static void io_basic(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char buf[64];
	int fd;

	fd = T_OK(fs->open("f", O_RDWR | O_CREAT, 0644));
	T_EQ(fs->write(fd, "hello, world", 12), 12);
	T_EQ(fs->lseek(fd, 0, SEEK_CUR), 12);
	T_EQ(fs->read(fd, buf, sizeof(buf)), 0); /* at the end */
	T_EQ(fs->lseek(fd, 0, SEEK_SET), 0);
	T_EQ(fs->read(fd, buf, 5), 5);
	T_MEM(buf, "hello", 5);
	/* A read past the end returns what there is. */
	T_EQ(fs->read(fd, buf, sizeof(buf)), 7);
	T_MEM(buf, ", world", 7);
	T_EQ(fs->read(fd, buf, sizeof(buf)), 0);
	/* Zero bytes: nothing happens, the file does not change. */
	T_EQ(fs->write(fd, buf, 0), 0);
	T_EQ(fs->read(fd, buf, 0), 0);
	T_EQ(pt_stat(t, "f").st_size, 12);
	/* Overwrite in the middle. */
	T_EQ(fs->lseek(fd, 7, SEEK_SET), 7);
	T_EQ(fs->write(fd, "WORLD", 5), 5);
	T_EQ(fs->pread(fd, buf, 12, 0), 12);
	T_MEM(buf, "hello, WORLD", 12);
	T_OK(fs->close(fd));

	/* A directory is not read with read. */
	fd = T_OK(fs->open(".", O_RDONLY));
	T_ERR(fs->read(fd, buf, sizeof(buf)), EISDIR);
	T_OK(fs->close(fd));
}

static void io_large(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	size_t len = 1024 * 1024 + 4097;
	char *a = malloc(len), *b = malloc(len);
	int fd;

	pt_pattern(a, len, 0);
	fd = T_OK(fs->open("f", O_RDWR | O_CREAT, 0644));
	T_EQ(fs->write(fd, a, len), len);
	T_EQ(fs->pread(fd, b, len, 0), len);
	T_MEM(a, b, len);
	/* Unaligned pieces across page boundaries. */
	for (off_t off = 4000; off < (off_t)len - 10000; off += 65537) {
		memset(b, 0, 10000);
		T_EQ(fs->pread(fd, b, 10000, off), 10000);
		T_MEM(b, a + off, 10000);
		T_EQ(fs->pwrite(fd, "XYZ", 3, off + 4094), 3);
		memcpy(a + off + 4094, "XYZ", 3);
	}
	T_EQ(fs->pread(fd, b, len, 0), len);
	T_MEM(a, b, len);
	T_OK(fs->close(fd));
	free(a);
	free(b);
}

static void io_lseek(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char buf[16];
	int fd, p[2];

	fd = T_OK(fs->open("f", O_RDWR | O_CREAT, 0644));
	T_EQ(fs->write(fd, "0123456789", 10), 10);
	T_EQ(fs->lseek(fd, 3, SEEK_SET), 3);
	T_EQ(fs->lseek(fd, 2, SEEK_CUR), 5);
	T_EQ(fs->lseek(fd, -1, SEEK_CUR), 4);
	T_EQ(fs->lseek(fd, -2, SEEK_END), 8);
	T_EQ(fs->read(fd, buf, 16), 2);
	T_MEM(buf, "89", 2);
	T_ERR(fs->lseek(fd, -1, SEEK_SET), EINVAL);
	T_ERR(fs->lseek(fd, -11, SEEK_END), EINVAL);
	T_ERR(fs->lseek(fd, 0, 12345), EINVAL);
	T_EQ(fs->lseek(fd, 0, SEEK_CUR), 10); /* unchanged by errors */
	/* Past the end is allowed; a write there leaves a hole. */
	T_EQ(fs->lseek(fd, 100, SEEK_END), 110);
	T_EQ(fs->read(fd, buf, 16), 0);
	T_EQ(pt_stat(t, "f").st_size, 10);
	T_EQ(fs->write(fd, "!", 1), 1);
	T_EQ(pt_stat(t, "f").st_size, 111);
	T_EQ(fs->pread(fd, buf, 16, 10), 16);
	for (int i = 0; i < 16; i++)
		T_EQ(buf[i], 0);
	T_ERR(fs->lseek(-1, 0, SEEK_SET), EBADF);
	T_OK(fs->close(fd));
	T_ERR(fs->lseek(fd, 0, SEEK_SET), EBADF);

	/* Pipes have no offset. */
	T_OK(fs->pipe(p));
	T_ERR(fs->lseek(p[0], 0, SEEK_CUR), ESPIPE);
	T_ERR(fs->pread(p[0], buf, 1, 0), ESPIPE);
	T_ERR(fs->pwrite(p[1], buf, 1, 0), ESPIPE);
	T_OK(fs->close(p[0]));
	T_OK(fs->close(p[1]));
}

static void io_pread_pwrite(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char buf[16];
	int fd;

	fd = T_OK(fs->open("f", O_RDWR | O_CREAT, 0644));
	T_EQ(fs->write(fd, "abcdef", 6), 6);
	T_EQ(fs->lseek(fd, 2, SEEK_SET), 2);
	/* Neither moves the offset. */
	T_EQ(fs->pread(fd, buf, 3, 1), 3);
	T_MEM(buf, "bcd", 3);
	T_EQ(fs->pwrite(fd, "XY", 2, 4), 2);
	T_EQ(fs->lseek(fd, 0, SEEK_CUR), 2);
	T_EQ(fs->read(fd, buf, 16), 4);
	T_MEM(buf, "cdXY", 4);
	T_EQ(fs->pread(fd, buf, 16, 6), 0);
	T_EQ(fs->pread(fd, buf, 16, 1000), 0);
	T_ERR(fs->pread(fd, buf, 1, -1), EINVAL);
	T_ERR(fs->pwrite(fd, buf, 1, -1), EINVAL);
	/* pwrite past the end extends with zeros. */
	T_EQ(fs->pwrite(fd, "Z", 1, 9), 1);
	T_EQ(fs->pread(fd, buf, 16, 0), 10);
	T_MEM(buf, "abcdXY\0\0\0Z", 10);
	T_OK(fs->close(fd));
}

static void io_vectors(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char a[4], b[1], c[6], all[16];
	struct iovec w[3] = {
		{"abc", 3},
		{"", 0},
		{"defghij", 7},
	};
	struct iovec r[3] = {{a, 4}, {b, 1}, {c, 6}};
	static struct iovec many[1025];
	int fd;

	fd = T_OK(fs->open("f", O_RDWR | O_CREAT, 0644));
	T_EQ(fs->writev(fd, w, 3), 10);
	T_EQ(fs->lseek(fd, 0, SEEK_SET), 0);
	T_EQ(fs->readv(fd, r, 3), 10);
	T_MEM(a, "abcd", 4);
	T_MEM(b, "e", 1);
	T_MEM(c, "fghij", 5);
	T_EQ(fs->readv(fd, r, 3), 0);
	T_EQ(fs->writev(fd, w, 0), 0);
	T_EQ(fs->readv(fd, r, 0), 0);
	T_ERR(fs->writev(fd, w, -1), EINVAL);
	T_ERR(fs->readv(fd, r, -1), EINVAL);
	/* More than IOV_MAX (1024) vectors. */
	memset(all, 'a', sizeof(all));
	for (int i = 0; i < 1025; i++) {
		many[i].iov_base = all;
		many[i].iov_len = 1;
	}
	T_ERR(fs->writev(fd, many, 1025), EINVAL);
	T_EQ(fs->writev(fd, many, 1024), 1024);

	/* At offsets, without moving the file offset. */
	T_EQ(fs->lseek(fd, 3, SEEK_SET), 3);
	T_EQ(fs->pwritev(fd, w, 3, 20), 10);
	T_EQ(fs->preadv(fd, r, 3, 19), 11);
	T_MEM(a, "aabc", 4); /* byte 19 is one of the 1024 'a's */
	T_MEM(b, "d", 1);
	T_MEM(c, "efghij", 6);
	T_EQ(fs->lseek(fd, 0, SEEK_CUR), 3);
	T_ERR(fs->preadv(fd, r, 3, -1), EINVAL);
	T_ERR(fs->pwritev(fd, w, 3, -1), EINVAL);
	T_OK(fs->close(fd));
	T_ERR(fs->readv(fd, r, 1), EBADF);
	T_ERR(fs->writev(fd, w, 1), EBADF);
}

static void io_holes(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	static char buf[65536];
	struct stat st;
	int fd;

	fd = T_OK(fs->open("f", O_RDWR | O_CREAT, 0644));
	T_EQ(fs->pwrite(fd, "end", 3, 8 * 1024 * 1024), 3);
	T_OK(fs->fstat(fd, &st));
	T_EQ(st.st_size, 8 * 1024 * 1024 + 3);
	/* A hole takes no space and reads as zeros. */
	T_TRUE(st.st_blocks * 512 < 1024 * 1024);
	memset(buf, 'x', sizeof(buf));
	T_EQ(fs->pread(fd, buf, sizeof(buf), 4 * 1024 * 1024 - 100),
	     sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		T_EQ(buf[i], 0);
	/* Filling part of the hole leaves the rest of it zero. */
	T_EQ(fs->pwrite(fd, "mid", 3, 5000), 3);
	T_EQ(fs->pread(fd, buf, 10, 4998), 10);
	T_MEM(buf, "\0\0mid\0\0\0\0\0", 10);
	T_OK(fs->close(fd));
}

static void io_big_sparse(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	const off_t g = 1024LL * 1024 * 1024;
	char buf[8];
	struct stat st;
	int fd;

	/* Past 4 GiB: no 32-bit offset survives anywhere. */
	fd = T_OK(fs->open("f", O_RDWR | O_CREAT, 0644));
	T_EQ(fs->pwrite(fd, "five", 4, 5 * g), 4);
	T_OK(fs->fstat(fd, &st));
	T_EQ(st.st_size, 5 * g + 4);
	T_TRUE(st.st_blocks * 512 < 1024 * 1024);
	T_EQ(fs->pread(fd, buf, 4, 5 * g), 4);
	T_MEM(buf, "five", 4);
	memset(buf, 'x', sizeof(buf));
	T_EQ(fs->pread(fd, buf, 8, 4 * g - 4), 8);
	T_MEM(buf, "\0\0\0\0\0\0\0\0", 8);
	T_EQ(fs->pread(fd, buf, 8, 1 * g), 8);
	T_MEM(buf, "\0\0\0\0\0\0\0\0", 8);
	T_EQ(fs->lseek(fd, 0, SEEK_END), 5 * g + 4);
	T_EQ(fs->lseek(fd, 4 * g + 1, SEEK_SET), 4 * g + 1);
	T_EQ(fs->write(fd, "4g", 2), 2);
	T_EQ(fs->lseek(fd, 0, SEEK_CUR), 4 * g + 3);
	T_EQ(fs->pread(fd, buf, 2, 4 * g + 1), 2);
	T_MEM(buf, "4g", 2);
	/* The same bytes are not at the offset modulo 4 GiB. */
	T_EQ(fs->pread(fd, buf, 2, 1), 2);
	T_MEM(buf, "\0\0", 2);
	T_OK(fs->ftruncate(fd, 6 * g));
	T_EQ(pt_stat(t, "f").st_size, 6 * g);
	T_OK(fs->truncate("f", 4 * g + 2));
	T_EQ(pt_stat(t, "f").st_size, 4 * g + 2);
	T_EQ(fs->pread(fd, buf, 8, 4 * g + 1), 1);
	T_OK(fs->close(fd));
}

static void io_truncate(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char buf[64];
	int fd, rd;

	pt_mkfile(t, "f", 0644, "0123456789");
	fd = T_OK(fs->open("f", O_RDWR));
	/* Down: the bytes are gone. */
	T_OK(fs->ftruncate(fd, 4));
	T_EQ(pt_stat(t, "f").st_size, 4);
	/* Up again: what was cut reads as zeros (no stale data). */
	T_OK(fs->ftruncate(fd, 10));
	T_EQ(fs->pread(fd, buf, sizeof(buf), 0), 10);
	T_MEM(buf, "0123\0\0\0\0\0\0", 10);
	/* Within a page and across pages. */
	T_OK(fs->truncate("f", 9000));
	T_EQ(fs->pwrite(fd, "abc", 3, 8990), 3);
	T_OK(fs->truncate("f", 8991));
	T_OK(fs->truncate("f", 9100));
	T_EQ(fs->pread(fd, buf, 4, 8989), 4);
	T_MEM(buf, "\0a\0\0", 4);
	/* The offset does not move. */
	T_EQ(fs->lseek(fd, 0, SEEK_CUR), 0);
	T_OK(fs->truncate("f", 0));
	T_EQ(fs->read(fd, buf, sizeof(buf)), 0);
	/* Another descriptor past the new end reads nothing, and a write
	 * there leaves zeros behind it. */
	rd = T_OK(fs->open("f", O_RDWR));
	T_OK(fs->ftruncate(fd, 100));
	T_EQ(fs->lseek(rd, 50, SEEK_SET), 50);
	T_OK(fs->ftruncate(fd, 20));
	T_EQ(fs->read(rd, buf, sizeof(buf)), 0);
	T_EQ(fs->write(rd, "w", 1), 1);
	T_EQ(pt_stat(t, "f").st_size, 51);
	T_EQ(fs->pread(fd, buf, 64, 0), 51);
	for (int i = 0; i < 50; i++)
		T_EQ(buf[i], 0);
	T_EQ(buf[50], 'w');
	T_OK(fs->close(rd));
	T_OK(fs->ftruncate(fd, 0));

	T_ERR(fs->ftruncate(fd, -1), EINVAL);
	T_ERR(fs->truncate("f", -1), EINVAL);
	T_ERR(fs->truncate("nope", 0), ENOENT);
	T_ERR(fs->truncate("", 0), ENOENT);
	T_ERR(fs->truncate("f/x", 0), ENOTDIR);
	T_ERR(fs->truncate(".", 0), EISDIR);
	/* Linux: ftruncate on a descriptor not open for writing is EINVAL
	 * (POSIX allows EBADF too). */
	rd = T_OK(fs->open("f", O_RDONLY));
	T_ERR(fs->ftruncate(rd, 0), EINVAL);
	T_OK(fs->close(rd));
	T_OK(fs->close(fd));
	T_ERR(fs->ftruncate(fd, 0), EBADF);
	rd = T_OK(fs->open(".", O_RDONLY));
	T_ERR(fs->ftruncate(rd, 0), EINVAL);
	T_OK(fs->close(rd));
}

static void io_fallocate(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char buf[16];
	int fd, rd, p[2];

	pt_mkfile(t, "f", 0644, "keep");
	fd = T_OK(fs->open("f", O_RDWR));
	/* Mode 0 allocates and extends; contents stay. */
	T_OK(fs->fallocate(fd, 0, 2, 100000));
	T_EQ(pt_stat(t, "f").st_size, 100002);
	T_TRUE(pt_stat(t, "f").st_blocks * 512 >= 100000);
	T_EQ(fs->pread(fd, buf, 8, 0), 8);
	T_MEM(buf, "keep\0\0\0\0", 8);
	/* Inside the file: no change of size. */
	T_OK(fs->fallocate(fd, 0, 10, 10));
	T_EQ(pt_stat(t, "f").st_size, 100002);
	T_ERR(fs->fallocate(fd, 0, 0, 0), EINVAL);
	T_ERR(fs->fallocate(fd, 0, -1, 10), EINVAL);
	T_ERR(fs->fallocate(fd, 0, 0, -1), EINVAL);

	T_RET(fs->posix_fallocate(fd, 200000, 1), 0);
	T_EQ(pt_stat(t, "f").st_size, 200001);
	T_RET(fs->posix_fallocate(fd, 0, 0), EINVAL);
	T_RET(fs->posix_fallocate(fd, -1, 1), EINVAL);
	T_OK(fs->close(fd));
	T_RET(fs->posix_fallocate(fd, 0, 1), EBADF);
	T_ERR(fs->fallocate(fd, 0, 0, 1), EBADF);

	rd = T_OK(fs->open("f", O_RDONLY));
	T_ERR(fs->fallocate(rd, 0, 0, 1), EBADF);
	T_RET(fs->posix_fallocate(rd, 0, 1), EBADF);
	T_OK(fs->close(rd));
	T_OK(fs->pipe(p));
	T_ERR(fs->fallocate(p[1], 0, 0, 1), ESPIPE);
	T_RET(fs->posix_fallocate(p[1], 0, 1), ESPIPE);
	T_OK(fs->close(p[0]));
	T_OK(fs->close(p[1]));
}

static void io_unlinked_open(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	char buf[16];
	struct stat st;
	int fd, fd2;

	pt_mkfile(t, "f", 0644, "still here");
	fd = T_OK(fs->open("f", O_RDWR));
	fd2 = T_OK(fs->open("f", O_RDONLY));
	T_OK(fs->unlink("f"));
	T_TRUE(!pt_exists(t, "f"));
	T_ERR(fs->open("f", O_RDONLY), ENOENT);
	/* The data lives while a descriptor does. */
	T_OK(fs->fstat(fd, &st));
	T_EQ(st.st_nlink, 0);
	T_EQ(st.st_size, 10);
	T_EQ(fs->read(fd, buf, 16), 10);
	T_MEM(buf, "still here", 10);
	T_EQ(fs->write(fd, "!", 1), 1);
	T_OK(fs->close(fd));
	T_EQ(fs->pread(fd2, buf, 16, 0), 11);
	T_MEM(buf, "still here!", 11);
	T_OK(fs->fstat(fd2, &st));
	T_EQ(st.st_size, 11);
	/* A new file by the old name is another file. */
	pt_mkfile(t, "f", 0644, "new");
	T_TRUE(pt_stat(t, "f").st_ino != st.st_ino);
	T_EQ(fs->pread(fd2, buf, 16, 0), 11);
	T_OK(fs->close(fd2));
}

static void io_sync(struct posix_ctx *t)
{
	const struct fsops *fs = t->fs;
	int fd, rd, p[2];

	pt_mkfile(t, "f", 0644, "data");
	fd = T_OK(fs->open("f", O_RDWR));
	T_OK(fs->fsync(fd));
	T_OK(fs->fdatasync(fd));
	T_OK(fs->close(fd));
	rd = T_OK(fs->open("f", O_RDONLY));
	T_OK(fs->fsync(rd));
	T_OK(fs->fdatasync(rd));
	T_OK(fs->close(rd));
	rd = T_OK(fs->open(".", O_RDONLY));
	T_OK(fs->fsync(rd));
	T_OK(fs->close(rd));
	T_ERR(fs->fsync(rd), EBADF);
	T_ERR(fs->fdatasync(rd), EBADF);
	T_ERR(fs->fsync(-1), EBADF);
	/* Linux: a pipe cannot be synchronised. */
	T_OK(fs->pipe(p));
	T_ERR(fs->fsync(p[1]), EINVAL);
	T_ERR(fs->fdatasync(p[1]), EINVAL);
	T_OK(fs->close(p[0]));
	T_OK(fs->close(p[1]));
	fs->sync();
}

const struct posix_test posix_io_tests[] = {
	{"basic", io_basic, 0},
	{"large", io_large, 0},
	{"lseek", io_lseek, 0},
	{"pread_pwrite", io_pread_pwrite, 0},
	{"vectors", io_vectors, 0},
	{"holes", io_holes, 0},
	{"big_sparse", io_big_sparse, 0},
	{"truncate", io_truncate, 0},
	{"fallocate", io_fallocate, 0},
	{"unlinked_open", io_unlinked_open, 0},
	{"sync", io_sync, 0},
	{NULL, NULL, 0},
};
