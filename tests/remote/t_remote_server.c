/*
 * t_remote_server.c -- rump_server's command line: without -s it returns
 * 0 only once it serves, and 1 with a message when the boot, a component,
 * a -d device or the socket fails (before detaching); the unix socket has
 * mode 0600; a host file attached with -d is readable by clients; a TCP
 * address that is not loopback needs -A; tcp://127.0.0.1 serves; a
 * client's halt ends the detached server and removes its socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>

#include "rtest.h"

/* Run rump_server with args; its exit status, its output in out. */
static int run_server(char *out, size_t outlen, const char *const *args)
{
	const char *argv[16] = {rserver_program()};
	int p[2], status, n = 1;
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	while (*args != NULL && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	CHECK_SYS(pipe(p));
	CHECK((pid = fork()) >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	/* The detached server keeps no copy of the pipe: EOF comes. */
	while (got + 1 < outlen &&
	       (r = read(p[0], out + got, outlen - 1 - got)) > 0)
		got += (size_t)r;
	out[got] = '\0';
	close(p[0]);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/rsrvXXXXXX", sock[64], url[96], img[64], out[1024];
	char buf[32];
	struct stat st;
	int fd;

	test_init(argc, argv);
	test_watchdog(100);
	if (argc == 3 && strcmp(argv[1], "tcp") == 0) {
		/* The client half of the TCP case: wait for the server. */
		setenv("RUMP_SERVER", argv[2], 1);
		for (int i = 0; i < 3000 && rumpclient_init() != 0; i++)
			usleep(20000);
		CHECK(rump_sys_getpid() > 1);
		CHECK_SYS(rump_sys_reboot(RUMP_RB_HALT));
		return 0;
	}
	CHECK(mkdtemp(dir) != NULL);
	snprintf(sock, sizeof(sock), "%s/sock", dir);
	snprintf(url, sizeof(url), "unix://%s", sock);
	snprintf(img, sizeof(img), "%s/img", dir);
	fd = CHECK_SYS(open(img, O_CREAT | O_WRONLY, 0600));
	CHECK_EQ(write(fd, "attached file\n", 14), 14);
	CHECK_SYS(close(fd));

	/* Failures come back before the server detaches. */
	CHECK_EQ(run_server(
			 out, sizeof(out),
			 (const char *[]){"-l", "nosuchcomponent", url, NULL}),
		 1);
	CHECK(strstr(out, "nosuchcomponent") != NULL);
	CHECK_EQ(
		run_server(out, sizeof(out),
			   (const char *[]){"unix:///nonexistent/dir/s", NULL}),
		1);
	CHECK(strstr(out, "cannot serve") != NULL);
	CHECK_EQ(run_server(out, sizeof(out),
			    (const char *[]){"tcp://0.0.0.0:1", NULL}),
		 1);
	CHECK(strstr(out, "Permission denied") != NULL);
	CHECK_EQ(run_server(out, sizeof(out),
			    (const char *[]){"-d",
					     "key=/dev/x,hostpath=/nonexistent",
					     url, NULL}),
		 1);
	CHECK(strstr(out, "/dev/x") != NULL);
	CHECK_EQ(run_server(out, sizeof(out),
			    (const char *[]){"-r", "lots", url, NULL}),
		 1);
	CHECK(access(sock, F_OK) != 0);
	test_log("failures reported before detaching");

	/* A detached server with a host file attached. */
	snprintf(out, sizeof(out), "key=/img,hostpath=%s,type=reg", img);
	CHECK_EQ(run_server(buf, sizeof(buf),
			    (const char *[]){"-c", "2", "-r", "256m", "-d", out,
					     url, NULL}),
		 0);
	CHECK_SYS(stat(sock, &st));
	CHECK(S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0600);
	setenv("RUMP_SERVER", url, 1);
	CHECK_SYS(rumpclient_init());
	fd = CHECK_SYS(rump_sys_open("/img", O_RDONLY));
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf) - 1), 14);
	CHECK(strcmp(buf, "attached file\n") == 0);
	CHECK_SYS(rump_sys_close(fd));
	CHECK_SYS(rump_sys_reboot(RUMP_RB_HALT));
	/* Not our child: the removed socket says it is gone. */
	for (int i = 0; i < 3000 && access(sock, F_OK) == 0; i++)
		usleep(20000);
	CHECK(access(sock, F_OK) != 0);
	test_log("detached server served the attached file and halted");

	/* TCP on loopback, from a fresh client program. */
	{
		char port[64];
		int status;
		pid_t srv, cli;

		snprintf(port, sizeof(port), "tcp://127.0.0.1:%d",
			 20000 + getpid() % 20000);
		CHECK((srv = fork()) >= 0);
		if (srv == 0) {
			execl(rserver_program(), rserver_program(), "-s", "-l",
			      "rumpvfs", port, (char *)NULL);
			_exit(127);
		}
		CHECK((cli = fork()) >= 0);
		if (cli == 0) {
			execl("/proc/self/exe", argv[0], "tcp", port,
			      (char *)NULL);
			_exit(127);
		}
		CHECK(waitpid(cli, &status, 0) == cli);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		CHECK(waitpid(srv, &status, 0) == srv);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	test_log("tcp://127.0.0.1 served");
	CHECK_SYS(unlink(img));
	CHECK_SYS(rmdir(dir));
	test_log("ok");
	return 0;
}
