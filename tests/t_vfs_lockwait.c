/*
 * t_vfs_lockwait.c -- blocking record locks: a process in F_SETLKW sleeps
 * until the holder lets go, and a process whose wait would close a cycle
 * of waiting processes gets EDEADLK instead of sleeping for ever.
 */
/* hosts: posix */
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

extern int rump_component_link_vfs;

static struct lwp *proc_a, *proc_b;

static int setlk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = start;
	fl.l_len = len;
	return rump_sys_fcntl(fd, cmd, &fl);
}

static void as(struct lwp *l)
{
	rump_pub_lwproc_switch(l);
}

/* Blocking: B waits in F_SETLKW until A lets go; a cycle is EDEADLK. */
static int wait_fd;
static volatile int waiter_done;

static void *waiter(void *arg)
{
	int error;

	as(proc_b);
	error = setlk(wait_fd, F_SETLKW, F_WRLCK, 0, 10) < 0 ? errno : 0;
	waiter_done = 1;
	CHECK_EQ(error, 0);
	CHECK_SYS(setlk(wait_fd, F_SETLK, F_UNLCK, 0, 0));
	rump_pub_lwproc_switch(NULL);
	return NULL;
}

static void waiting(void)
{
	pthread_t t;
	int fa;

	as(proc_a);
	fa = (int)CHECK_SYS(rump_sys_open("/f", O_RDWR));
	CHECK_SYS(setlk(fa, F_SETLK, F_WRLCK, 0, 10));
	as(proc_b);
	wait_fd = (int)CHECK_SYS(rump_sys_open("/f", O_RDWR));
	CHECK_SYS(setlk(wait_fd, F_SETLK, F_WRLCK, 20, 10));
	rump_pub_lwproc_switch(NULL);
	CHECK_EQ(pthread_create(&t, NULL, waiter, NULL), 0);
	/* Until B sleeps on [0, 10), waiting on [20, 30) would just block. */
	for (int i = 0; i < 100; i++)
		usleep(10000);
	CHECK(!waiter_done);
	as(proc_a);
	CHECK_ERRNO(setlk(fa, F_SETLKW, F_WRLCK, 20, 10), EDEADLK);
	CHECK_SYS(setlk(fa, F_SETLK, F_UNLCK, 0, 10));
	rump_pub_lwproc_switch(NULL);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK(waiter_done);
	as(proc_a);
	CHECK_SYS(rump_sys_close(fa));
	as(proc_b);
	CHECK_SYS(rump_sys_close(wait_fd));
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(120);
	CHECK(rump_component_link_vfs);
	test_boot();
	CHECK_SYS(rump_sys_mknod("/f", S_IFREG | 0666, 0));
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	proc_a = rump_pub_lwproc_curlwp();
	rump_pub_lwproc_switch(NULL);
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	proc_b = rump_pub_lwproc_curlwp();
	rump_pub_lwproc_switch(NULL);
	waiting();
	as(proc_a);
	rump_pub_lwproc_releaselwp();
	as(proc_b);
	rump_pub_lwproc_releaselwp();
	test_halt();
	test_log("ok");
	return 0;
}
