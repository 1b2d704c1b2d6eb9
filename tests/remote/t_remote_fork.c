/*
 * t_remote_fork.c -- fork and exec of remote clients.  rumpclient_fork()
 * gives the host child a kernel process of its own, a child of the
 * parent's, with the parent's descriptors (the same open files: one
 * offset); rumpclient_exec() keeps the connection, so the new program is
 * the same kernel process with the same descriptors.  Both together, a
 * forked child that execs, and the server's counts back at the baseline.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>

#include "rtest.h"

extern char **environ;

/* The program after rumpclient_exec: argv[2] the fd, argv[3] the pid. */
static int after_exec(char **argv)
{
	int fd = atoi(argv[2]);
	char buf[64] = "";

	CHECK_SYS(rumpclient_init());
	CHECK_EQ(rump_sys_getpid(), atoi(argv[3]));
	CHECK(getenv("RUMPCLIENT__EXECFD") == NULL);
	CHECK_SYS(rump_sys_pread(fd, buf, sizeof(buf) - 1, 0));
	CHECK(strncmp(buf, "parent", 6) == 0);
	CHECK_EQ(rump_sys_write(fd, "+exec", 5), 5);
	return 0;
}

static void wait_ok(pid_t pid)
{
	int status;

	CHECK(waitpid(pid, &status, 0) == pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		test_fail(__FILE__, __LINE__, "child status 0x%x", status);
}

static void exec_self(const char *self, int fd)
{
	char fdarg[16], pidarg[16];
	char *args[] = {(char *)self, "execd", fdarg, pidarg, NULL};

	snprintf(fdarg, sizeof(fdarg), "%d", fd);
	snprintf(pidarg, sizeof(pidarg), "%d", rump_sys_getpid());
	rumpclient_exec("/proc/self/exe", args, environ);
	test_fail(__FILE__, __LINE__, "rumpclient_exec: %s", strerror(errno));
}

int main(int argc, char **argv)
{
	struct rumpclient_stats base;
	struct rserver srv;
	char buf[64];
	int fd, ppid;
	pid_t pid;

	if (argc == 4 && strcmp(argv[1], "execd") == 0) {
		test_init(argc, argv);
		return after_exec(argv);
	}
	test_init(argc, argv);
	test_watchdog(100);
	rserver_start(&srv, NULL);
	rserver_stats(&base);
	ppid = rump_sys_getpid();
	fd = CHECK_SYS(rump_sys_open("/forkfile", O_CREAT | O_RDWR, 0600));
	CHECK_EQ(rump_sys_write(fd, "parent", 6), 6);

	/* fork: a child process with the same open file. */
	CHECK((pid = rumpclient_fork()) >= 0);
	if (pid == 0) {
		CHECK(rump_sys_getpid() != ppid);
		CHECK_EQ(rump_sys_getppid(), ppid);
		CHECK_EQ(rump_sys_write(fd, "+child", 6), 6);
		_exit(0);
	}
	wait_ok(pid);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_CUR), 12);
	test_log("fork: child shared the descriptor");

	/* The connection moves out of the program's way and keeps working. */
	{
		int old = rumpclient__fd(), moved;
		moved = CHECK_SYS(rumpclient__movefd(100));
		CHECK(moved >= 100 && moved == rumpclient__fd());
		CHECK(fcntl(old, F_GETFD) == -1 && errno == EBADF);
		CHECK_EQ(rump_sys_getpid(), ppid);
	}

	/* exec: the same process and descriptors in the new program. */
	CHECK((pid = rumpclient_fork()) >= 0);
	if (pid == 0)
		exec_self(argv[0], fd);
	wait_ok(pid);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf) - 1, 0), 17);
	CHECK(strcmp(buf, "parent+child+exec") == 0);
	test_log("exec: the descriptor survived");

	CHECK_SYS(rump_sys_close(fd));
	CHECK_SYS(rump_sys_unlink("/forkfile"));
	rserver_wait_baseline(&base);
	rserver_halt(&srv);
	test_log("ok");
	return 0;
}
