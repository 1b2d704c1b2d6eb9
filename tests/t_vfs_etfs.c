/*
 * t_vfs_etfs.c -- host files inside the kernel (rump_pub_etfs_*): a host
 * file registered as a regular file and as a block device (whole, and
 * through a begin/size window) reads and writes the host file's bytes; a
 * host directory resolves names to host files (only its own, or the whole
 * tree); registration errors; removal, which is refused while in use.
 */
#include <dirent.h>
#include <stddef.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

extern int rump_component_link_vfs;

static char tmpdir[256];

static void host_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

/* A host file of size bytes, byte i being (i * 7 + seed) & 0xff. */
static void host_file(const char *path, size_t size, int seed)
{
	unsigned char *b = malloc(size);
	int fd;

	CHECK(b != NULL);
	for (size_t i = 0; i < size; i++)
		b[i] = (unsigned char)(i * 7 + (size_t)seed);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, b, size), (ssize_t)size);
	close(fd);
	free(b);
}

static unsigned char host_byte(const char *path, off_t off)
{
	unsigned char c = 0;
	int fd = open(path, O_RDONLY);

	CHECK(fd >= 0);
	CHECK_EQ(pread(fd, &c, 1, off), 1);
	close(fd);
	return c;
}

static void regular_file(void)
{
	char path[300];
	unsigned char buf[100];
	struct stat st;
	int fd;

	host_path(path, sizeof(path), "reg");
	host_file(path, 10000, 1);
	CHECK_EQ(rump_pub_etfs_register("/hostfile", path, RUMP_ETFS_REG), 0);
	CHECK_EQ(rump_pub_etfs_register("/hostfile", path, RUMP_ETFS_REG),
		 EEXIST);
	CHECK_SYS(rump_sys_stat("/hostfile", &st));
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_size, 10000);

	fd = (int)CHECK_SYS(rump_sys_open("/hostfile", O_RDWR));
	CHECK_EQ(rump_sys_pread(fd, buf, 100, 5000), 100);
	for (int i = 0; i < 100; i++)
		CHECK_EQ(buf[i], (unsigned char)((5000 + i) * 7 + 1));
	/* Writes reach the host file, and may grow it. */
	memset(buf, 0xab, sizeof(buf));
	CHECK_EQ(rump_sys_pwrite(fd, buf, 10, 20), 10);
	CHECK_EQ(host_byte(path, 25), 0xab);
	CHECK_EQ(rump_sys_pwrite(fd, buf, 10, 10000), 10);
	CHECK_SYS(rump_sys_fstat(fd, &st));
	CHECK_EQ(st.st_size, 10010);
	CHECK_EQ(host_byte(path, 10009), 0xab);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_END), 10010);
	CHECK_EQ(rump_sys_read(fd, buf, 10), 0);

	/* In use: it stays. */
	CHECK_EQ(rump_pub_etfs_remove("/hostfile"), EBUSY);
	CHECK_SYS(rump_sys_close(fd));
	CHECK_EQ(rump_pub_etfs_remove("/hostfile"), 0);
	CHECK_ERRNO(rump_sys_stat("/hostfile", &st), ENOENT);
	CHECK_EQ(rump_pub_etfs_remove("/hostfile"), ENOENT);
	unlink(path);
}

static void block_device(void)
{
	char path[300];
	unsigned char buf[4096];
	struct stat st;
	int fd;

	host_path(path, sizeof(path), "disk");
	host_file(path, 65536, 3);
	/* /dev exists; the node is made there, and goes again. */
	CHECK_EQ(rump_pub_etfs_register("/dev/disk0", path, RUMP_ETFS_BLK), 0);
	CHECK_SYS(rump_sys_stat("/dev/disk0", &st));
	CHECK(S_ISBLK(st.st_mode));
	fd = (int)CHECK_SYS(rump_sys_open("/dev/disk0", O_RDWR));
	CHECK_EQ(rump_sys_pread(fd, buf, 4096, 8192), 4096);
	for (int i = 0; i < 4096; i++)
		CHECK_EQ(buf[i], (unsigned char)((8192 + i) * 7 + 3));
	memset(buf, 0x5a, sizeof(buf));
	CHECK_EQ(rump_sys_pwrite(fd, buf, 512, 512), 512);
	CHECK_EQ(host_byte(path, 512), 0x5a);
	CHECK_EQ(host_byte(path, 1023), 0x5a);
	CHECK_EQ(host_byte(path, 1024), (unsigned char)(1024 * 7 + 3));
	/* A device does not grow. */
	CHECK_ERRNO(rump_sys_pwrite(fd, buf, 512, 65536), ENOSPC);
	CHECK_EQ(rump_sys_pwrite(fd, buf, 512, 65536 - 100), 100);
	CHECK_EQ(rump_sys_pread(fd, buf, 512, 65536), 0);
	CHECK_SYS(rump_sys_close(fd));
	CHECK_EQ(rump_pub_etfs_remove("/dev/disk0"), 0);
	CHECK_ERRNO(rump_sys_stat("/dev/disk0", &st), ENOENT);

	/* A window: bytes [4096, 4096 + 8192) of the host file. */
	CHECK_EQ(rump_pub_etfs_register_withsize("/dev/part1", path,
						 RUMP_ETFS_BLK, 4096, 8192),
		 0);
	CHECK_SYS(rump_sys_stat("/dev/part1", &st));
	CHECK_EQ(st.st_size, 8192);
	fd = (int)CHECK_SYS(rump_sys_open("/dev/part1", O_RDWR));
	CHECK_EQ(rump_sys_pread(fd, buf, 16, 0), 16);
	CHECK_EQ(buf[0], (unsigned char)(4096 * 7 + 3));
	CHECK_EQ(rump_sys_pread(fd, buf, 4096, 8192 - 10), 10);
	memset(buf, 0x77, 16);
	CHECK_EQ(rump_sys_pwrite(fd, buf, 16, 8192 - 16), 16);
	CHECK_EQ(host_byte(path, 4096 + 8192 - 1), 0x77);
	CHECK_EQ(host_byte(path, 4096 + 8192),
		 (unsigned char)((4096 + 8192) * 7 + 3));
	CHECK_ERRNO(rump_sys_pwrite(fd, buf, 1, 8192), ENOSPC);
	CHECK_SYS(rump_sys_close(fd));
	CHECK_EQ(rump_pub_etfs_remove("/dev/part1"), 0);

	/* The same file as a character device. */
	CHECK_EQ(rump_pub_etfs_register("/dev/rdisk0", path, RUMP_ETFS_CHR), 0);
	CHECK_SYS(rump_sys_stat("/dev/rdisk0", &st));
	CHECK(S_ISCHR(st.st_mode));
	fd = (int)CHECK_SYS(rump_sys_open("/dev/rdisk0", O_RDONLY));
	CHECK_EQ(rump_sys_read(fd, buf, 4), 4);
	CHECK_EQ(buf[0], 3);
	CHECK_SYS(rump_sys_close(fd));
	CHECK_EQ(rump_pub_etfs_remove("/dev/rdisk0"), 0);
	unlink(path);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * path's entries as "name name dir/ ...", sorted (the host's order is its
 * own), each d_ino and d_type checked against lstat of the name.  The
 * small buffer makes every record a call of its own.
 */
static const char *list_names(const char *path)
{
	static char out[512];
	char buf[64], sub[300], names[16][64];
	const char *sorted[16];
	struct stat st;
	int fd, n, count = 0;

	fd = (int)CHECK_SYS(rump_sys_open(path, O_RDONLY | O_DIRECTORY));
	while ((n = (int)CHECK_SYS(rump_sys_getdents64(fd, buf, sizeof(buf)))) >
	       0) {
		for (int off = 0; off < n; count++) {
			const char *name =
				buf + off + offsetof(struct dirent64, d_name);
			uint64_t ino;
			unsigned short reclen;
			unsigned char type;

			memcpy(&ino,
			       buf + off + offsetof(struct dirent64, d_ino),
			       sizeof(ino));
			memcpy(&reclen,
			       buf + off + offsetof(struct dirent64, d_reclen),
			       sizeof(reclen));
			memcpy(&type,
			       buf + off + offsetof(struct dirent64, d_type),
			       sizeof(type));
			CHECK(count < 16 && strlen(name) < 60);
			snprintf(sub, sizeof(sub), "%s/%s", path, name);
			CHECK_SYS(rump_sys_lstat(sub, &st));
			/* ".." of a mount's root is the root itself, as on
			 * Linux; a lookup of it leaves the mount. */
			if (strcmp(name, "..") != 0)
				CHECK_EQ(st.st_ino, ino);
			CHECK_EQ(type == DT_DIR, S_ISDIR(st.st_mode) != 0);
			snprintf(names[count], sizeof(names[count]), "%s%s",
				 name,
				 type == DT_DIR && name[0] != '.' ? "/" : "");
			sorted[count] = names[count];
			off += reclen;
		}
	}
	CHECK_SYS(rump_sys_close(fd));
	qsort(sorted, (size_t)count, sizeof(sorted[0]), cmp_names);
	out[0] = '\0';
	for (int i = 0; i < count; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s",
			 i ? " " : "", sorted[i]);
	test_log("%s: %s", path, out);
	return out;
}

static void directories(void)
{
	char path[300], sub[300], file[300], file_a[300];
	unsigned char buf[16];
	struct stat st;
	int fd;

	host_path(path, sizeof(path), "hdir");
	host_path(sub, sizeof(sub), "hdir/sub");
	CHECK(mkdir(path, 0755) == 0);
	CHECK(mkdir(sub, 0755) == 0);
	host_path(file_a, sizeof(file_a), "hdir/a");
	host_file(file_a, 100, 5);
	host_path(file, sizeof(file), "hdir/sub/b");
	host_file(file, 200, 6);

	CHECK_EQ(rump_pub_etfs_register("/h/all", path, RUMP_ETFS_DIR_SUBDIRS),
		 0);
	CHECK_EQ(rump_pub_etfs_register("/h/one", path, RUMP_ETFS_DIR), 0);
	CHECK_SYS(rump_sys_stat("/h/all", &st));
	CHECK(S_ISDIR(st.st_mode));
	CHECK_SYS(rump_sys_stat("/h/all/a", &st));
	CHECK_EQ(st.st_size, 100);
	CHECK_SYS(rump_sys_stat("/h/all/sub/b", &st));
	CHECK_EQ(st.st_size, 200);
	CHECK_SYS(rump_sys_stat("/h/all/sub/../a", &st));
	CHECK_ERRNO(rump_sys_stat("/h/all/none", &st), ENOENT);
	fd = (int)CHECK_SYS(rump_sys_open("/h/all/sub/b", O_RDONLY));
	CHECK_EQ(rump_sys_read(fd, buf, 4), 4);
	CHECK_EQ(buf[1], 7 + 6);
	CHECK_SYS(rump_sys_close(fd));
	/* Only the registered directory's own files. */
	CHECK_SYS(rump_sys_stat("/h/one/a", &st));
	CHECK_ERRNO(rump_sys_stat("/h/one/sub", &st), ENOENT);
	/* Listings show what lookups find, with the same inode numbers. */
	CHECK_EQ(strcmp(list_names("/h/all"), ". .. a sub/"), 0);
	CHECK_EQ(strcmp(list_names("/h/one"), ". .. a"), 0);
	/* Truncation reaches the host file, both ways. */
	CHECK_SYS(rump_sys_truncate("/h/all/a", 10));
	CHECK_EQ(stat(file_a, &st), 0);
	CHECK_EQ(st.st_size, 10);
	fd = (int)CHECK_SYS(rump_sys_open("/h/all/a", O_RDWR));
	CHECK_SYS(rump_sys_ftruncate(fd, 5000));
	CHECK_SYS(rump_sys_fstat(fd, &st));
	CHECK_EQ(st.st_size, 5000);
	CHECK_SYS(rump_sys_close(fd));
	CHECK_EQ(stat(file_a, &st), 0);
	CHECK_EQ(st.st_size, 5000);
	CHECK_ERRNO(rump_sys_mkdir("/h/all/new", 0755), EOPNOTSUPP);
	CHECK_EQ(rump_pub_etfs_remove("/h/all"), 0);
	CHECK_EQ(rump_pub_etfs_remove("/h/one"), 0);
	CHECK_ERRNO(rump_sys_stat("/h/all", &st), ENOENT);
	unlink(file);
	unlink(file_a);
	rmdir(sub);
	rmdir(path);
}

static void errors(void)
{
	char path[300];

	host_path(path, sizeof(path), "none");
	CHECK_EQ(rump_pub_etfs_register("/x", path, RUMP_ETFS_REG), ENOENT);
	CHECK_EQ(rump_pub_etfs_register("relative", path, RUMP_ETFS_REG),
		 EINVAL);
	CHECK_EQ(rump_pub_etfs_register("/x", tmpdir, RUMP_ETFS_REG), EISDIR);
	host_path(path, sizeof(path), "f");
	host_file(path, 10, 0);
	CHECK_EQ(rump_pub_etfs_register("/x", path, RUMP_ETFS_DIR), ENOTDIR);
	CHECK_EQ(rump_pub_etfs_register_withsize("/x", path, RUMP_ETFS_BLK, 100,
						 1),
		 EINVAL);
	CHECK_EQ(rump_pub_etfs_remove("/x"), ENOENT);
	/* Left registered on purpose: shutdown takes it down. */
	CHECK_EQ(rump_pub_etfs_register("/left", path, RUMP_ETFS_REG), 0);
	CHECK(rump_sys_open("/left", O_RDONLY) >= 0);
}

int main(int argc, char **argv)
{
	char path[300];

	test_init(argc, argv);
	test_watchdog(120);
	CHECK(rump_component_link_vfs);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/t_vfs_etfs.XXXXXX");
	CHECK(mkdtemp(tmpdir) != NULL);
	test_boot();
	regular_file();
	block_device();
	directories();
	errors();
	test_halt();
	host_path(path, sizeof(path), "f");
	unlink(path);
	rmdir(tmpdir);
	test_log("ok");
	return 0;
}
