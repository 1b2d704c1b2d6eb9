/*
 * t_remote_threads.c -- many clients with many threads each against one
 * rump_server: client processes (this program again, each on its own
 * connection, so its own kernel process) run threads that create, write,
 * check and delete their own files while pairs of threads play ping-pong
 * over kernel pipes, so calls that block in the kernel wait alongside
 * calls that do not.  Afterwards the server's counts are back at their
 * baseline and the halt's leak check passes.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>

#include "rtest.h"

#define NCLIENTS 4
#define NTHREADS 8 /* even: the ping-pong threads pair up */

static int client_index, rounds;
static int pipes[NTHREADS / 2][2][2]; /* pair, direction, ends */

static void *client_files(void *arg)
{
	int t = (int)(intptr_t)arg;
	char path[64], out[512], in[512];
	struct stat st;

	snprintf(path, sizeof(path), "/mt/c%d-t%d", client_index, t);
	for (int r = 0; r < rounds; r++) {
		int fd;
		for (size_t i = 0; i < sizeof(out); i++)
			out[i] = (char)(r + t + client_index + i);
		fd = CHECK_SYS(
			rump_sys_open(path, O_CREAT | O_EXCL | O_RDWR, 0600));
		CHECK_EQ(rump_sys_write(fd, out, sizeof(out)), sizeof(out));
		CHECK_EQ(rump_sys_pread(fd, in, sizeof(in), 0), sizeof(in));
		CHECK(memcmp(in, out, sizeof(in)) == 0);
		CHECK_SYS(rump_sys_fstat(fd, &st));
		CHECK_EQ(st.st_size, sizeof(out));
		CHECK_SYS(rump_sys_close(fd));
		CHECK_SYS(rump_sys_unlink(path));
	}
	return NULL;
}

/* Thread 2k+1 serves, 2k asks: each read blocks in the kernel. */
static void *client_pingpong(void *arg)
{
	int t = (int)(intptr_t)arg, pair = t / 2;
	char c = 0;

	for (int r = 0; r < rounds; r++) {
		if (t % 2 == 0) {
			c = (char)r;
			CHECK_EQ(rump_sys_write(pipes[pair][0][1], &c, 1), 1);
			CHECK_EQ(rump_sys_read(pipes[pair][1][0], &c, 1), 1);
			CHECK_EQ(c, (char)(r + 1));
		} else {
			CHECK_EQ(rump_sys_read(pipes[pair][0][0], &c, 1), 1);
			CHECK_EQ(c, (char)r);
			c++;
			CHECK_EQ(rump_sys_write(pipes[pair][1][1], &c, 1), 1);
		}
	}
	return NULL;
}

static int client_main(int index)
{
	pthread_t files[NTHREADS], pp[NTHREADS];

	client_index = index;
	CHECK_SYS(rumpclient_init());
	for (int p = 0; p < NTHREADS / 2; p++) {
		CHECK_SYS(rump_sys_pipe(pipes[p][0]));
		CHECK_SYS(rump_sys_pipe(pipes[p][1]));
	}
	for (int t = 0; t < NTHREADS; t++) {
		CHECK(pthread_create(&files[t], NULL, client_files,
				     (void *)(intptr_t)t) == 0);
		CHECK(pthread_create(&pp[t], NULL, client_pingpong,
				     (void *)(intptr_t)t) == 0);
	}
	for (int t = 0; t < NTHREADS; t++) {
		pthread_join(files[t], NULL);
		pthread_join(pp[t], NULL);
	}
	/* The pipes stay open: the process's end closes them. */
	return 0;
}

int main(int argc, char **argv)
{
	struct rumpclient_stats base, st;
	struct rserver srv;
	pid_t pids[NCLIENTS];
	char idx[16];

	rounds = 200 * test_scale();
	if (argc == 3 && strcmp(argv[1], "client") == 0) {
		test_init(argc, argv);
		return client_main(atoi(argv[2]));
	}
	test_init(argc, argv);
	test_watchdog(110);
	rserver_start(&srv, NULL);
	CHECK_SYS(rump_sys_mkdir("/mt", 0755));
	CHECK_SYS(rump_sys_mount("tmpfs", "/mt", "tmpfs", 0, "size=32m"));
	rserver_stats(&base);

	for (int i = 0; i < NCLIENTS; i++) {
		snprintf(idx, sizeof(idx), "%d", i);
		pids[i] = fork();
		CHECK(pids[i] >= 0);
		if (pids[i] == 0) {
			execl("/proc/self/exe", argv[0], "client", idx,
			      (char *)NULL);
			_exit(127);
		}
	}
	for (int i = 0; i < NCLIENTS; i++) {
		int status;
		CHECK(waitpid(pids[i], &status, 0) == pids[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			test_fail(__FILE__, __LINE__, "client %d: status 0x%x",
				  i, status);
	}
	rserver_stats(&st);
	CHECK(st.requests - base.requests >=
	      (int64_t)NCLIENTS * NTHREADS * rounds * 8);
	test_log("%d clients x %d threads: %lld calls, %lld server threads",
		 NCLIENTS, 2 * NTHREADS,
		 (long long)(st.requests - base.requests),
		 (long long)st.threads);
	rserver_wait_baseline(&base);
	CHECK_SYS(rump_sys_unmount("/mt", 0));
	CHECK_SYS(rump_sys_rmdir("/mt"));
	rserver_halt(&srv);
	test_log("ok");
	return 0;
}
