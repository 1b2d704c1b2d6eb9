/*
 * t_remote_kill.c -- a client killed with SIGKILL in the middle of its
 * calls leaks nothing on the server: victims (this program again) open
 * files, take a flock and a byte-range lock, make pipes and local socket
 * pairs and then loop on calls, some of them larger than a frame (so the
 * kill can land inside a fallback copy); each is killed after a random
 * moment.  Then the server's kernel processes, open files, client
 * processes and connections are back at their baseline, the locks are
 * free again, and the halt's leak check passes.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>

#include "rtest.h"

#define BIG (2 * 1024 * 1024)

static int victim(int n)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 1};
	char path[32], *buf = calloc(1, BIG);
	int fd, p[2], sv[2], lk;

	CHECK(buf != NULL);
	CHECK_SYS(rumpclient_init());
	snprintf(path, sizeof(path), "/k/v%d", n);
	fd = CHECK_SYS(rump_sys_open(path, O_CREAT | O_RDWR, 0600));
	lk = CHECK_SYS(rump_sys_open("/k/lock", O_CREAT | O_RDWR, 0600));
	CHECK_SYS(rump_sys_flock(lk, LOCK_EX));
	CHECK_SYS(rump_sys_fcntl(lk, F_SETLKW, &fl));
	CHECK_SYS(rump_sys_pipe(p));
	CHECK_SYS(rump_sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	/* Tell the parent the locks are held, then keep calling. */
	CHECK_EQ(write(1, "L", 1), 1);
	for (unsigned i = 0;; i++) {
		CHECK_EQ(rump_sys_write(p[1], "x", 1), 1);
		CHECK_EQ(rump_sys_read(p[0], buf, 1), 1);
		CHECK_EQ(rump_sys_send(sv[0], "y", 1, 0), 1);
		CHECK_EQ(rump_sys_recv(sv[1], buf, 1, 0), 1);
		CHECK_EQ(rump_sys_pwrite(fd, buf, i % 4 == 0 ? BIG : 4096, 0),
			 i % 4 == 0 ? BIG : 4096);
		CHECK_SYS(rump_sys_pread(fd, buf, BIG, 0));
	}
}

int main(int argc, char **argv)
{
	struct rumpclient_stats base, st;
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 1};
	struct rserver srv;
	int nvictims = 20 * test_scale(), lk;

	if (argc == 3 && strcmp(argv[1], "victim") == 0) {
		test_init(argc, argv);
		return victim(atoi(argv[2]));
	}
	test_init(argc, argv);
	test_watchdog(110);
	srand((unsigned)time(NULL));
	rserver_start(&srv, NULL);
	CHECK_SYS(rump_sys_mkdir("/k", 0755));
	CHECK_SYS(rump_sys_mount("tmpfs", "/k", "tmpfs", 0, "size=64m"));
	rserver_stats(&base);

	for (int i = 0; i < nvictims; i++) {
		char idx[16], c;
		int out[2], status;
		pid_t pid;

		snprintf(idx, sizeof(idx), "%d", i);
		CHECK_SYS(pipe(out));
		CHECK((pid = fork()) >= 0);
		if (pid == 0) {
			dup2(out[1], 1);
			execl("/proc/self/exe", argv[0], "victim", idx,
			      (char *)NULL);
			_exit(127);
		}
		close(out[1]);
		/* Locks held (the previous victim's are free again). */
		CHECK_EQ(read(out[0], &c, 1), 1);
		close(out[0]);
		usleep((useconds_t)(rand() % 20000));
		CHECK_SYS(kill(pid, SIGKILL));
		CHECK(waitpid(pid, &status, 0) == pid);
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	}
	rserver_wait_baseline(&base);
	rserver_stats(&st);
	test_log("%d victims killed; server back to %lld kernel processes, "
		 "%lld open files, %lld clients",
		 nvictims, (long long)st.kprocs, (long long)st.kfiles,
		 (long long)st.clients);
	/* The last victim's locks went with its process. */
	lk = CHECK_SYS(rump_sys_open("/k/lock", O_RDWR));
	CHECK_SYS(rump_sys_flock(lk, LOCK_EX | LOCK_NB));
	CHECK_SYS(rump_sys_fcntl(lk, F_SETLK, &fl));
	CHECK_SYS(rump_sys_close(lk));
	for (int i = 0; i < nvictims; i++) {
		char path[32];
		snprintf(path, sizeof(path), "/k/v%d", i);
		CHECK_SYS(rump_sys_unlink(path));
	}
	CHECK_SYS(rump_sys_unlink("/k/lock"));
	CHECK_SYS(rump_sys_unmount("/k", 0));
	CHECK_SYS(rump_sys_rmdir("/k"));
	rserver_halt(&srv);
	test_log("ok");
	return 0;
}
