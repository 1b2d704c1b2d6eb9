/*
 * hj_probe -- an ordinary dynamically linked program that the hijack
 * tests run under LD_PRELOAD=librumphijack.so to check what coreutils do
 * not show: descriptor numbering and dup2 across host and kernel, poll,
 * select and epoll over mixed sets (waking from either side), fork and
 * exec keeping kernel descriptors, stdio, directory streams larger than a
 * buffer, statx, and the calls that must fail cleanly.  Its argument is a
 * kernel directory under the prefix (e.g. /rump/t); prints "ok" lines and
 * exits 0, or names the failed check and exits 1.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#define CHECK(e)                                                               \
	do {                                                                   \
		if (!(e)) {                                                    \
			fprintf(stderr,                                        \
				"hj_probe:%d: %s failed (errno %d: %s)\n",     \
				__LINE__, #e, errno, strerror(errno));         \
			exit(1);                                               \
		}                                                              \
	} while (0)

static char dir[512];

static const char *kpath(const char *name)
{
	static char buf[8][640];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void test_fds(void)
{
	struct stat hst, kst;
	char buf[16];
	int fd, hfd, nfd;

	fd = open(kpath("p1"), O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0 && fd < 1024);
	hfd = open("/proc/self/exe", O_RDONLY);
	CHECK(hfd >= 0 && hfd != fd);
	CHECK(write(fd, "abc", 3) == 3);
	CHECK(fstat(fd, &kst) == 0 && kst.st_size == 3 && S_ISREG(kst.st_mode));
	CHECK(fstat(hfd, &hst) == 0 && hst.st_dev != kst.st_dev);
	/* a dup shares the offset */
	CHECK(dup2(fd, 40) == 40);
	CHECK(write(40, "abc", 3) == 3);
	CHECK(lseek(fd, 0, SEEK_CUR) == 6);
	CHECK(close(fd) == 0);
	CHECK(pread(40, buf, sizeof(buf), 0) == 6 &&
	      memcmp(buf, "abcabc", 6) == 0);
	/* F_DUPFD above a floor */
	nfd = fcntl(40, F_DUPFD_CLOEXEC, 100);
	CHECK(nfd >= 100 && fstat(nfd, &kst) == 0 && kst.st_size == 6);
	CHECK((fcntl(nfd, F_GETFD) & FD_CLOEXEC) != 0);
	CHECK(close(nfd) == 0);
	/* a host descriptor dup2'd over a kernel one replaces it */
	CHECK(dup2(hfd, 40) == 40);
	CHECK(fstat(40, &kst) == 0 && kst.st_dev == hst.st_dev &&
	      kst.st_ino == hst.st_ino);
	CHECK(close(40) == 0 && close(hfd) == 0);
	CHECK(close(40) == -1 && errno == EBADF);
	printf("ok fds\n");
}

static void test_stdio_dirs(void)
{
	char name[64], line[64];
	struct dirent *de;
	struct stat st;
	FILE *fp;
	DIR *d;
	int i, n = 0, dfd;
	long pos = -1;

	fp = fopen(kpath("stdio"), "w");
	CHECK(fp != NULL && fileno(fp) >= 0);
	CHECK(fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode));
	for (i = 0; i < 1000; i++)
		fprintf(fp, "line %d\n", i);
	CHECK(fclose(fp) == 0);
	fp = fopen(kpath("stdio"), "r");
	CHECK(fp != NULL);
	for (i = 0; fgets(line, sizeof(line), fp) != NULL; i++) {
		snprintf(name, sizeof(name), "line %d\n", i);
		CHECK(strcmp(line, name) == 0);
	}
	CHECK(i == 1000 && fclose(fp) == 0);
	/* more entries than one getdents buffer holds */
	CHECK(mkdir(kpath("many"), 0755) == 0);
	dfd = open(kpath("many"), O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	for (i = 0; i < 1500; i++) {
		int fd;

		snprintf(name, sizeof(name), "entry-with-a-longish-name-%04d",
			 i);
		fd = openat(dfd, name, O_CREAT | O_WRONLY, 0600);
		CHECK(fd >= 0 && close(fd) == 0);
	}
	d = fdopendir(dfd);
	CHECK(d != NULL && dirfd(d) == dfd);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		CHECK(de->d_type == DT_REG);
		if (++n == 700)
			pos = telldir(d);
	}
	CHECK(n == 1500);
	seekdir(d, pos);
	for (i = 0; readdir(d) != NULL; i++)
		;
	CHECK(i == 800);
	rewinddir(d);
	for (i = 0; readdir(d) != NULL; i++)
		;
	CHECK(i == 1502);
	CHECK(closedir(d) == 0);
	printf("ok stdio dirs\n");
}

static void test_names(void)
{
	char cwd[600], tmpl[] = "/tmp/hj_probe.XXXXXX";
	struct statx stx;
	void *p;
	int fd, hostdir;

	CHECK(statx(AT_FDCWD, kpath("p1"), 0, STATX_ALL, &stx) == 0);
	CHECK(stx.stx_size == 6 && (stx.stx_mask & STATX_SIZE) &&
	      !(stx.stx_mask & STATX_BTIME));
	hostdir = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(hostdir >= 0);
	CHECK(chdir(dir) == 0);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL && strcmp(cwd, dir) == 0);
	CHECK(access("p1", R_OK) == 0);
	CHECK(symlink("p1", "l1") == 0 &&
	      readlink("l1", cwd, sizeof(cwd)) == 2);
	CHECK(fchdir(hostdir) == 0 && close(hostdir) == 0);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL &&
	      strncmp(cwd, dir, strlen("/rump")) != 0);
	/* two sides in one call */
	CHECK(mkdtemp(tmpl) != NULL);
	CHECK(rename(kpath("p1"), tmpl) == -1 && errno == EXDEV);
	CHECK(link(kpath("p1"), "/tmp/hj_probe_link") == -1 && errno == EXDEV);
	CHECK(rmdir(tmpl) == 0);
	/* what kernel files do not have fails cleanly */
	CHECK(getxattr(kpath("p1"), "user.x", cwd, sizeof(cwd)) == -1 &&
	      errno == ENOTSUP);
	fd = open(kpath("p1"), O_RDONLY);
	CHECK(fd >= 0);
	CHECK(mmap(NULL, 6, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED &&
	      errno == ENOTSUP);
	p = mmap(NULL, 6, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED && memcmp(p, "abcabc", 6) == 0);
	CHECK(munmap(p, 6) == 0 && close(fd) == 0);
	printf("ok names\n");
}

/* A kernel UDP socket bound on the kernel's loopback, and its address. */
static int kernel_udp(struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	CHECK(s >= 0);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(bind(s, (struct sockaddr *)sin, sizeof(*sin)) == 0);
	CHECK(getsockname(s, (struct sockaddr *)sin, &len) == 0);
	return s;
}

struct poke {
	int fd;
	struct sockaddr_in to; /* sendto when to.sin_port != 0 */
};

static void *poke_later(void *arg)
{
	struct poke *pk = arg;

	usleep(100000);
	if (pk->to.sin_port != 0)
		CHECK(sendto(pk->fd, "k", 1, 0, (struct sockaddr *)&pk->to,
			     sizeof(pk->to)) == 1);
	else
		CHECK(write(pk->fd, "h", 1) == 1);
	return NULL;
}

static void test_poll(void)
{
	struct sockaddr_in sin;
	struct pollfd pfd[2];
	struct epoll_event ev, evs[4];
	struct poke pk;
	pthread_t t;
	fd_set rs;
	char c;
	int p[2], s, ep, tx;

	s = kernel_udp(&sin);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(tx >= 0 && pipe(p) == 0);
	pfd[0] = (struct pollfd){.fd = p[0], .events = POLLIN};
	pfd[1] = (struct pollfd){.fd = s, .events = POLLIN};
	CHECK(poll(pfd, 2, 50) == 0);
	/* each side wakes a wait on both */
	pk = (struct poke){.fd = p[1]};
	CHECK(pthread_create(&t, NULL, poke_later, &pk) == 0);
	CHECK(poll(pfd, 2, 10000) == 1 && pfd[0].revents == POLLIN &&
	      pfd[1].revents == 0);
	pthread_join(t, NULL);
	CHECK(read(p[0], &c, 1) == 1 && c == 'h');
	pk = (struct poke){.fd = tx, .to = sin};
	CHECK(pthread_create(&t, NULL, poke_later, &pk) == 0);
	CHECK(poll(pfd, 2, 10000) == 1 && pfd[0].revents == 0 &&
	      pfd[1].revents == POLLIN);
	pthread_join(t, NULL);
	/* select sees the kernel socket still readable, the pipe not */
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	FD_SET(s, &rs);
	CHECK(select((p[0] > s ? p[0] : s) + 1, &rs, NULL, NULL, NULL) == 1 &&
	      FD_ISSET(s, &rs) && !FD_ISSET(p[0], &rs));
	/* epoll with both kinds of members */
	ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(ep >= 0);
	ev = (struct epoll_event){.events = EPOLLIN, .data.u32 = 1};
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
	ev = (struct epoll_event){.events = EPOLLIN, .data.u32 = 2};
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
	CHECK(epoll_wait(ep, evs, 4, 1000) == 1 && evs[0].data.u32 == 2);
	CHECK(recv(s, &c, 1, 0) == 1 && c == 'k');
	CHECK(epoll_wait(ep, evs, 4, 50) == 0);
	CHECK(write(p[1], "h", 1) == 1);
	CHECK(epoll_wait(ep, evs, 4, 1000) == 1 && evs[0].data.u32 == 1);
	CHECK(close(ep) == 0 && close(s) == 0 && close(tx) == 0);
	CHECK(close(p[0]) == 0 && close(p[1]) == 0);
	printf("ok poll select epoll\n");
}

static void test_fork_exec(const char *self)
{
	char buf[32], a1[16], a2[16];
	int fd, cfd, st;
	pid_t pid;

	fd = open(kpath("forked"), O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		/* the child's own kernel process, holding the same file */
		_exit(write(fd, "child", 5) == 5 ? 0 : 1);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	      WEXITSTATUS(st) == 0);
	CHECK(pread(fd, buf, sizeof(buf), 0) == 5 &&
	      memcmp(buf, "child", 5) == 0);
	cfd = open(kpath("forked"), O_RDONLY | O_CLOEXEC);
	CHECK(cfd >= 0);
	snprintf(a1, sizeof(a1), "%d", fd);
	snprintf(a2, sizeof(a2), "%d", cfd);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		execl(self, self, "--exec-child", a1, a2, (char *)NULL);
		_exit(3);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
	CHECK(WEXITSTATUS(st) == 0);
	CHECK(pread(fd, buf, sizeof(buf), 0) == 10 &&
	      memcmp(buf, "childexec!", 10) == 0);
	CHECK(close(fd) == 0 && close(cfd) == 0);
	printf("ok fork exec\n");
}

/* After exec: a1 is still the kernel file, a2 (close-on-exec) is gone. */
static int exec_child(const char *a1, const char *a2)
{
	struct stat st;
	int fd = atoi(a1), cfd = atoi(a2);

	CHECK(fstat(fd, &st) == 0 && st.st_size == 5);
	CHECK(lseek(fd, 0, SEEK_END) == 5 && write(fd, "exec!", 5) == 5);
	CHECK(fstat(cfd, &st) == -1 && errno == EBADF);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--exec-child") == 0)
		return exec_child(argv[2], argv[3]);
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: hj_probe KERNELDIR [noudp]\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_fds();
	test_stdio_dirs();
	test_names();
	if (argc == 2)
		test_poll();
	test_fork_exec(argv[0]);
	printf("ok all\n");
	return 0;
}
