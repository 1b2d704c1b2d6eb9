/*
 * t_remote_calls.c -- every class of system call through librumpclient
 * against a rump_server of its own: files and directories (inline
 * buffers), transfers larger than a frame (the copyin/copyout fallback),
 * fcntl locks and ioctl (pointers of unknown size: the fallback), pipes
 * with poll and select, local and TCP sockets with addresses, options and
 * descriptor passing, credentials, separate processes per connection,
 * errno values, EFAULT for bad pointers, getvfsstat's records, and the
 * server's counts back at their baseline before the halt (whose leak
 * check must pass).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>
#include <rump/rumpabi.h>

#include "rtest.h"

static void remote_files(void)
{
	char buf[256], a[100], b[100];
	struct iovec iov[2] = {{a, sizeof(a)}, {b, sizeof(b)}};
	struct stat st, st2;
	struct statvfs sv;
	int fd, dfd, n;

	CHECK_SYS(rump_sys_mkdir("/t", 0755));
	CHECK_SYS(rump_sys_mount("tmpfs", "/t", "tmpfs", 0, "size=16m"));
	CHECK_SYS(rump_sys_statvfs("/t", &sv));
	CHECK(sv.f_blocks * sv.f_frsize >= 15 * 1024 * 1024);
	/* getvfsstat: kernel-layout records, the last mount is /t */
	{
		struct rump_statvfs r[8];
		int m = (int)CHECK_SYS(
			rump_sys_getvfsstat(NULL, 0, RUMP_ST_WAIT));

		CHECK(m >= 2 && m <= 8);
		memset(r, 0, sizeof(r));
		CHECK_EQ(rump_sys_getvfsstat(r, sizeof(r), RUMP_ST_WAIT), m);
		CHECK(strcmp(r[0].f_mntonname, "/") == 0);
		CHECK(strcmp(r[m - 1].f_mntonname, "/t") == 0);
		CHECK(strcmp(r[m - 1].f_fstypename, "tmpfs") == 0);
		CHECK_EQ(r[m - 1].f_blocks, (uint64_t)sv.f_blocks);
		CHECK_ERRNO(rump_sys_getvfsstat(r, sizeof(r), 0), EINVAL);
	}
	fd = CHECK_SYS(rump_sys_open("/t/f", O_CREAT | O_EXCL | O_RDWR, 0640));
	CHECK_ERRNO(rump_sys_open("/t/f", O_CREAT | O_EXCL | O_RDWR, 0640),
		    EEXIST);
	CHECK_EQ(rump_sys_write(fd, "hello, world", 12), 12);
	CHECK_EQ(rump_sys_pwrite(fd, "W", 1, 7), 1);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), 12);
	CHECK(strcmp(buf, "hello, World") == 0);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_END), 12);
	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	CHECK_EQ(rump_sys_writev(fd, iov, 2), 200);
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	CHECK_EQ(rump_sys_preadv(fd, iov, 2, 12), 200);
	CHECK(a[0] == 'a' && a[99] == 'a' && b[0] == 'b' && b[99] == 'b');
	CHECK_SYS(rump_sys_fstat(fd, &st));
	CHECK_EQ(st.st_size, 212);
	CHECK_EQ(st.st_mode, S_IFREG | 0640);
	CHECK_SYS(rump_sys_ftruncate(fd, 5));
	CHECK_SYS(rump_sys_stat("/t/f", &st2));
	CHECK_EQ(st2.st_size, 5);
	CHECK_EQ(st2.st_ino, st.st_ino);
	CHECK_SYS(rump_sys_fsync(fd));
	CHECK_SYS(rump_sys_close(fd));
	CHECK_ERRNO(rump_sys_close(fd), EBADF);

	/* Names: links, renames, directories, the working directory. */
	CHECK_SYS(rump_sys_link("/t/f", "/t/g"));
	CHECK_SYS(rump_sys_symlink("f", "/t/s"));
	n = (int)CHECK_SYS(rump_sys_readlink("/t/s", buf, sizeof(buf)));
	CHECK(n == 1 && buf[0] == 'f');
	CHECK_SYS(rump_sys_lstat("/t/s", &st));
	CHECK(S_ISLNK(st.st_mode));
	CHECK_SYS(rump_sys_rename("/t/g", "/t/h"));
	CHECK_ERRNO(rump_sys_stat("/t/g", &st), ENOENT);
	CHECK_SYS(rump_sys_mkdir("/t/d", 0700));
	CHECK_SYS(rump_sys_chdir("/t/d"));
	CHECK(rump_sys_getcwd(buf, sizeof(buf)) != NULL);
	CHECK(strcmp(buf, "/t/d") == 0);
	fd = CHECK_SYS(rump_sys_open("rel", O_CREAT | O_WRONLY, 0600));
	CHECK_SYS(rump_sys_close(fd));
	dfd = CHECK_SYS(rump_sys_open("/t", O_RDONLY | O_DIRECTORY));
	CHECK_SYS(rump_sys_fstatat(dfd, "d/rel", &st, 0));
	CHECK_SYS(rump_sys_fchdir(dfd));
	CHECK_SYS(rump_sys_access("d/rel", R_OK | W_OK));
	CHECK_SYS(rump_sys_chmod("d/rel", 0644));
	CHECK_SYS(rump_sys_chown("d/rel", 12, 34));
	CHECK_SYS(rump_sys_stat("d/rel", &st));
	CHECK(st.st_mode == (S_IFREG | 0644) && st.st_uid == 12 &&
	      st.st_gid == 34);
	CHECK_SYS(rump_sys_unlinkat(dfd, "d/rel", 0));
	CHECK_SYS(rump_sys_unlinkat(dfd, "d", AT_REMOVEDIR));
	CHECK_EQ(rump_sys_umask(027), 022);
	CHECK_EQ(rump_sys_umask(022), 027);

	/* Directory records through the out buffer. */
	{
		char dents[4096];
		int found = 0;
		long len = CHECK_SYS(
			rump_sys_getdents64(dfd, dents, sizeof(dents)));
		for (long off = 0; off < len;) {
			struct rump_dirent *d = (void *)(dents + off);
			found += strcmp(d->d_name, "h") == 0 ||
				 strcmp(d->d_name, "s") == 0 ||
				 strcmp(d->d_name, "f") == 0;
			off += d->d_reclen;
		}
		CHECK_EQ(found, 3);
	}
	CHECK_SYS(rump_sys_close(dfd));
	CHECK_SYS(rump_sys_chdir("/"));

	/* Errors and bad pointers. */
	CHECK_ERRNO(rump_sys_open("/t/none", O_RDONLY), ENOENT);
	CHECK_ERRNO(rump_sys_mkdir("/t/f/x", 0755), ENOTDIR);
	CHECK_ERRNO(rump_sys_open(NULL, O_RDONLY), EFAULT);
	CHECK_ERRNO(rump_sys_stat("/t/f", NULL), EFAULT);
	CHECK_ERRNO(rump_sys_write(-1, "x", 1), EBADF);
	fd = CHECK_SYS(rump_sys_open("/t/f", O_RDONLY));
	CHECK_ERRNO(rump_sys_read(fd, (void *)8, 4), EFAULT);
	CHECK_SYS(rump_sys_close(fd));
}

/* Larger than a frame: both directions go by the fallback, in chunks. */
static void remote_big(void)
{
	size_t len = 3 * 1024 * 1024 + 123;
	char *out = malloc(len), *in = malloc(len);
	int fd;

	CHECK(out != NULL && in != NULL);
	for (size_t i = 0; i < len; i++)
		out[i] = (char)(i * 7 + i / 4096);
	fd = CHECK_SYS(rump_sys_open("/t/big", O_CREAT | O_RDWR, 0600));
	CHECK_EQ(rump_sys_write(fd, out, len), (long long)len);
	memset(in, 0, len);
	CHECK_EQ(rump_sys_pread(fd, in, len, 0), (long long)len);
	CHECK(memcmp(in, out, len) == 0);
	CHECK_SYS(rump_sys_close(fd));
	CHECK_SYS(rump_sys_unlink("/t/big"));
	free(out);
	free(in);
}

/* fcntl and ioctl take pointers whose size depends on the command. */
static void remote_fcntl(void)
{
	struct flock fl = {.l_type = F_WRLCK,
			   .l_whence = SEEK_SET,
			   .l_start = 0,
			   .l_len = 10};
	int fd, fd2, pid, p[2], nread;

	fd = CHECK_SYS(rump_sys_open("/t/f", O_RDWR));
	CHECK_SYS(rump_sys_fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
	CHECK_EQ(rump_sys_fcntl(fd, F_GETFL) & (O_APPEND | O_NONBLOCK),
		 O_APPEND | O_NONBLOCK);
	CHECK_SYS(rump_sys_fcntl(fd, F_SETFD, FD_CLOEXEC));
	CHECK_EQ(rump_sys_fcntl(fd, F_GETFD), FD_CLOEXEC);
	CHECK_SYS(rump_sys_fcntl(fd, F_SETLK, &fl));
	pid = rump_sys_getpid();

	/* Another process (another connection) sees the lock. */
	CHECK_SYS(rumpclient__push(RUMPCLIENT_PUSH_NEW));
	CHECK(rump_sys_getpid() != pid);
	CHECK_ERRNO(rump_sys_fcntl(fd, F_GETFL), EBADF);
	fd2 = CHECK_SYS(rump_sys_open("/t/f", O_RDWR));
	fl = (struct flock){.l_type = F_RDLCK,
			    .l_whence = SEEK_SET,
			    .l_start = 5,
			    .l_len = 1};
	CHECK_SYS(rump_sys_fcntl(fd2, F_GETLK, &fl));
	CHECK_EQ(fl.l_type, F_WRLCK);
	CHECK_EQ(fl.l_pid, pid);
	CHECK_ERRNO(rump_sys_fcntl(fd2, F_SETLK, &fl), EAGAIN);
	CHECK_SYS(rumpclient__pop());
	CHECK_EQ(rump_sys_getpid(), pid);
	CHECK_SYS(rump_sys_close(fd));

	CHECK_SYS(rump_sys_pipe(p));
	CHECK_EQ(rump_sys_write(p[1], "12345", 5), 5);
	CHECK_SYS(rump_sys_ioctl(p[0], FIONREAD, &nread));
	CHECK_EQ(nread, 5);
	CHECK_SYS(rump_sys_close(p[0]));
	CHECK_SYS(rump_sys_close(p[1]));
}

static void remote_pipes(void)
{
	struct pollfd pfd[2];
	struct timeval tv = {0, 0};
	fd_set rd;
	char c;
	int p[2], q;

	CHECK_SYS(rump_sys_pipe2(p, O_CLOEXEC));
	pfd[0] = (struct pollfd){p[0], POLLIN, 0};
	pfd[1] = (struct pollfd){p[1], POLLOUT, 0};
	CHECK_EQ(rump_sys_poll(pfd, 2, 0), 1);
	CHECK(pfd[0].revents == 0 && pfd[1].revents == POLLOUT);
	CHECK_EQ(rump_sys_write(p[1], "x", 1), 1);
	CHECK_EQ(rump_sys_poll(pfd, 1, 1000), 1);
	CHECK_EQ(pfd[0].revents, POLLIN);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	CHECK_EQ(rump_sys_select(p[0] + 1, &rd, NULL, NULL, &tv), 1);
	CHECK(FD_ISSET(p[0], &rd));
	q = CHECK_SYS(rump_sys_dup(p[0]));
	CHECK_EQ(rump_sys_read(q, &c, 1), 1);
	CHECK_EQ(c, 'x');
	CHECK_SYS(rump_sys_dup2(p[1], 20));
	CHECK_SYS(rump_sys_dup3(p[1], 21, O_CLOEXEC));
	CHECK_EQ(rump_sys_fcntl(21, F_GETFD), FD_CLOEXEC);
	int fds[] = {p[0], p[1], q, 20, 21};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		CHECK_SYS(rump_sys_close(fds[i]));
}

static void remote_sockets(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in peer;
	socklen_t len;
	int sv[2], l, c, a, one = 1, type;
	char buf[64], ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {buf, 4};
	struct msghdr msg = {0};
	struct cmsghdr *cm;

	/* Local sockets, and a descriptor passed through one. */
	CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK_EQ(rump_sys_send(sv[0], "ping", 4, 0), 4);
	CHECK_EQ(rump_sys_recv(sv[1], buf, sizeof(buf), 0), 4);
	CHECK(memcmp(buf, "ping", 4) == 0);
	c = CHECK_SYS(rump_sys_open("/t/f", O_RDONLY));
	memcpy(buf, "fd!!", 4);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl;
	msg.msg_controllen = sizeof(ctl);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &c, sizeof(int));
	CHECK_EQ(rump_sys_sendmsg(sv[0], &msg, 0), 4);
	CHECK_SYS(rump_sys_close(c));
	memset(buf, 0, sizeof(buf));
	memset(ctl, 0, sizeof(ctl));
	msg.msg_controllen = sizeof(ctl);
	CHECK_EQ(rump_sys_recvmsg(sv[1], &msg, 0), 4);
	CHECK(memcmp(buf, "fd!!", 4) == 0);
	cm = CMSG_FIRSTHDR(&msg);
	CHECK(cm != NULL && cm->cmsg_type == SCM_RIGHTS);
	memcpy(&c, CMSG_DATA(cm), sizeof(int));
	CHECK_EQ(rump_sys_read(c, buf, 5), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_SYS(rump_sys_close(c));
	CHECK_SYS(rump_sys_close(sv[0]));
	CHECK_SYS(rump_sys_close(sv[1]));

	/* TCP over the kernel's lo0. */
	l = CHECK_SYS(rump_sys_socket(AF_INET, SOCK_STREAM, 0));
	CHECK_SYS(rump_sys_setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one,
				      sizeof(one)));
	len = sizeof(type);
	CHECK_SYS(rump_sys_getsockopt(l, SOL_SOCKET, SO_TYPE, &type, &len));
	CHECK(type == SOCK_STREAM && len == sizeof(int));
	CHECK_SYS(rump_sys_bind(l, (struct sockaddr *)&sin, sizeof(sin)));
	CHECK_SYS(rump_sys_listen(l, 4));
	len = sizeof(sin);
	CHECK_SYS(rump_sys_getsockname(l, (struct sockaddr *)&sin, &len));
	CHECK(len == sizeof(sin) && sin.sin_port != 0);
	c = CHECK_SYS(rump_sys_socket(AF_INET, SOCK_STREAM, 0));
	CHECK_SYS(rump_sys_connect(c, (struct sockaddr *)&sin, sizeof(sin)));
	len = sizeof(peer);
	a = CHECK_SYS(rump_sys_accept(l, (struct sockaddr *)&peer, &len));
	CHECK(len == sizeof(peer) && peer.sin_family == AF_INET &&
	      peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	CHECK_EQ(rump_sys_sendto(c, "tcp!", 4, 0, NULL, 0), 4);
	len = sizeof(peer);
	CHECK_EQ(rump_sys_recvfrom(a, buf, sizeof(buf), 0,
				   (struct sockaddr *)&peer, &len),
		 4);
	CHECK(memcmp(buf, "tcp!", 4) == 0);
	len = sizeof(peer);
	CHECK_SYS(rump_sys_getpeername(a, (struct sockaddr *)&peer, &len));
	CHECK_SYS(rump_sys_shutdown(c, SHUT_WR));
	CHECK_EQ(rump_sys_recv(a, buf, sizeof(buf), 0), 0);
	CHECK_SYS(rump_sys_close(l));
	CHECK_SYS(rump_sys_close(c));
	CHECK_SYS(rump_sys_close(a));
}

/* Credentials are the process's: a child that became a user loses root. */
static void remote_creds(void)
{
	gid_t groups[2] = {100, 200}, got[4];
	int fd;

	CHECK_EQ(rump_sys_getuid(), 0);
	fd = CHECK_SYS(rump_sys_open("/t/secret", O_CREAT | O_RDWR, 0600));
	CHECK_SYS(rumpclient__push(RUMPCLIENT_PUSH_FORK));
	/* The child has copies of the parent's descriptors. */
	CHECK_EQ(rump_sys_write(fd, "inherited", 9), 9);
	CHECK_SYS(rump_sys_setgroups(2, groups));
	CHECK_EQ(rump_sys_getgroups(4, got), 2);
	CHECK(got[0] == 100 && got[1] == 200);
	CHECK_SYS(rump_sys_setgid(1000));
	CHECK_SYS(rump_sys_setuid(1000));
	CHECK_EQ(rump_sys_geteuid(), 1000);
	CHECK_ERRNO(rump_sys_open("/t/secret", O_RDONLY), EACCES);
	CHECK_ERRNO(rump_sys_reboot(RUMP_RB_HALT), EPERM);
	CHECK_SYS(rumpclient__pop());
	CHECK_EQ(rump_sys_getuid(), 0);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_CUR), 9);
	CHECK_SYS(rump_sys_close(fd));
	CHECK_SYS(rump_sys_unlink("/t/secret"));
}

int main(int argc, char **argv)
{
	struct rumpclient_stats base, st;
	struct rserver srv;

	test_init(argc, argv);
	test_watchdog(100);
	rserver_start(&srv, NULL);
	rserver_stats(&base);
	CHECK_EQ(base.clients, 1);
	CHECK_EQ(base.procs, 1);

	remote_files();
	test_log("files ok");
	remote_big();
	test_log("large transfers ok");
	remote_fcntl();
	test_log("fcntl, ioctl, a second process ok");
	remote_pipes();
	test_log("pipes, poll, select, dup ok");
	remote_sockets();
	test_log("local and TCP sockets ok");
	remote_creds();
	test_log("credentials, fork child ok");

	rserver_wait_baseline(&base);
	rserver_stats(&st);
	CHECK(st.requests > 100);
	CHECK_SYS(rump_sys_unlink("/t/f"));
	CHECK_SYS(rump_sys_unlink("/t/h"));
	CHECK_SYS(rump_sys_unlink("/t/s"));
	CHECK_SYS(rump_sys_unmount("/t", 0));
	rserver_halt(&srv);
	test_log("ok");
	return 0;
}
