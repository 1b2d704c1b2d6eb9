/*
 * t_vfs_files.c -- vnode files through the descriptor calls: SEEK_DATA
 * and SEEK_HOLE on a sparse file, lseek on directories, O_APPEND, reads
 * of a directory (EISDIR), FIONREAD, poll on regular files (always
 * ready), an unlinked file readable until its last close, and named fifos
 * opened through the VFS onto the kernel base's pipes.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

extern int rump_component_link_vfs, rump_component_link_tmpfs;

static void seeking(void)
{
	char buf[16];
	int fd, dfd;

	CHECK_SYS(rump_sys_mkdir("/t", 0755));
	CHECK_SYS(rump_sys_mount("tmpfs", "/t", "tmpfs", 0, NULL));
	fd = (int)CHECK_SYS(rump_sys_open("/t/sparse", O_CREAT | O_RDWR, 0644));
	/* Data at [1 MiB, 1 MiB + 5), a hole before it, the end after. */
	CHECK_EQ(rump_sys_pwrite(fd, "hello", 5, 1 << 20), 5);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_HOLE), 0);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_DATA) & ~4095LL, 1 << 20);
	CHECK_EQ(rump_sys_lseek(fd, (1 << 20) + 2, SEEK_DATA), (1 << 20) + 2);
	CHECK_EQ(rump_sys_lseek(fd, (1 << 20) + 2, SEEK_HOLE), (1 << 20) + 5);
	CHECK_ERRNO(rump_sys_lseek(fd, (1 << 20) + 5, SEEK_DATA), ENXIO);
	CHECK_ERRNO(rump_sys_lseek(fd, -1, SEEK_DATA), ENXIO);
	CHECK_ERRNO(rump_sys_lseek(fd, -1, SEEK_SET), EINVAL);
	CHECK_EQ(rump_sys_lseek(fd, -5, SEEK_END), 1 << 20);
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 5);
	CHECK_EQ(rump_sys_pread(fd, buf, 4, 100), 4);
	CHECK_EQ(buf[0], 0); /* holes read as zeros */
	CHECK_SYS(rump_sys_close(fd));

	dfd = (int)CHECK_SYS(rump_sys_open("/t", O_RDONLY | O_DIRECTORY));
	CHECK_ERRNO(rump_sys_read(dfd, buf, sizeof(buf)), EISDIR);
	CHECK_EQ(rump_sys_lseek(dfd, 0, SEEK_SET), 0);
	CHECK_ERRNO(rump_sys_lseek(dfd, 0, SEEK_END), EINVAL);
	CHECK_SYS(rump_sys_close(dfd));
	CHECK_SYS(rump_sys_umount2("/t", 0));
}

static void appending(void)
{
	char buf[32];
	struct pollfd pfd;
	int fd, fd2, n;

	fd = (int)CHECK_SYS(rump_sys_open("/a", O_CREAT | O_RDWR, 0644));
	fd2 = (int)CHECK_SYS(rump_sys_open("/a", O_WRONLY | O_APPEND));
	CHECK_EQ(rump_sys_write(fd, "0123456789", 10), 10);
	CHECK_EQ(rump_sys_write(fd2, "ab", 2), 2);
	CHECK_EQ(rump_sys_lseek(fd2, 0, SEEK_CUR), 12);
	/* O_APPEND writes at the end whatever the offset says. */
	CHECK_EQ(rump_sys_lseek(fd2, 0, SEEK_SET), 0);
	CHECK_EQ(rump_sys_write(fd2, "cd", 2), 2);
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), 14);
	CHECK(memcmp(buf, "0123456789abcd", 14) == 0);

	/* FIONREAD: the bytes after the offset. */
	CHECK_EQ(rump_sys_lseek(fd, 4, SEEK_SET), 4);
	CHECK_SYS(rump_sys_ioctl(fd, FIONREAD, &n));
	CHECK_EQ(n, 10);
	pfd.fd = fd;
	pfd.events = POLLIN | POLLOUT;
	pfd.revents = 0;
	CHECK_EQ(rump_sys_poll(&pfd, 1, 0), 1);
	CHECK_EQ(pfd.revents, POLLIN | POLLOUT);

	/* Unlinked, still open: the data stays until the last close. */
	CHECK_SYS(rump_sys_unlink("/a"));
	CHECK_EQ(rump_sys_pread(fd, buf, 4, 10), 4);
	CHECK(memcmp(buf, "abcd", 4) == 0);
	CHECK_SYS(rump_sys_close(fd2));
	CHECK_SYS(rump_sys_close(fd));
}

static void fifos(void)
{
	char buf[8];
	struct stat st;
	int r, w;

	CHECK_SYS(rump_sys_mkfifo("/fifo", 0600));
	CHECK_SYS(rump_sys_stat("/fifo", &st));
	CHECK(S_ISFIFO(st.st_mode));
	/* No reader yet: a non-blocking writer cannot open. */
	CHECK_ERRNO(rump_sys_open("/fifo", O_WRONLY | O_NONBLOCK), ENXIO);
	r = (int)CHECK_SYS(rump_sys_open("/fifo", O_RDONLY | O_NONBLOCK));
	w = (int)CHECK_SYS(rump_sys_open("/fifo", O_WRONLY));
	CHECK_EQ(rump_sys_write(w, "pipe", 4), 4);
	CHECK_EQ(rump_sys_read(r, buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "pipe", 4) == 0);
	CHECK_ERRNO(rump_sys_lseek(r, 0, SEEK_SET), ESPIPE);
	CHECK_SYS(rump_sys_fstat(r, &st));
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_SYS(rump_sys_fchmod(r, 0644));
	CHECK_SYS(rump_sys_close(w));
	CHECK_EQ(rump_sys_read(r, buf, sizeof(buf)), 0);
	CHECK_SYS(rump_sys_close(r));
	CHECK_SYS(rump_sys_unlink("/fifo"));
	/* Sockets nodes cannot be opened. */
	CHECK_SYS(rump_sys_mknod("/sock", S_IFSOCK | 0600, 0));
	CHECK_ERRNO(rump_sys_open("/sock", O_RDONLY), ENXIO);
	CHECK_SYS(rump_sys_mknod("/dev/null0", S_IFCHR | 0600, 0x103));
	CHECK_SYS(rump_sys_stat("/dev/null0", &st));
	CHECK_EQ(st.st_rdev, 0x103);
	CHECK_ERRNO(rump_sys_open("/dev/null0", O_RDONLY), ENXIO);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(120);
	CHECK(rump_component_link_vfs && rump_component_link_tmpfs);
	test_boot();
	seeking();
	appending();
	fifos();
	test_halt();
	test_log("ok");
	return 0;
}
