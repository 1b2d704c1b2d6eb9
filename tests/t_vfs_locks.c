/*
 * t_vfs_locks.c -- advisory locks between processes.  POSIX record locks
 * belong to a process: they conflict only with other processes, split
 * and merge by range, report their owner's pid, and all go when the
 * process closes any descriptor of the file or exits.  flock locks belong
 * to an open file: dup shares them, a second open does not, and the last
 * close releases them.  The two kinds never conflict.  (Waiting and
 * deadlock detection: t_vfs_lockwait.c.)
 */
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

extern int rump_component_link_vfs;

static struct lwp *proc_a, *proc_b;
static pid_t pid_a, pid_b;

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

/* The lock that would block a write lock on [start, start+len). */
static struct flock getlk(int fd, off_t start, off_t len)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = start;
	fl.l_len = len;
	CHECK_SYS(rump_sys_fcntl(fd, F_GETLK, &fl));
	return fl;
}

static void as(struct lwp *l)
{
	rump_pub_lwproc_switch(l);
}

static void record_locks(void)
{
	struct flock fl;
	int fa, fa2, fb;

	as(proc_a);
	fa = (int)CHECK_SYS(rump_sys_open("/f", O_RDWR));
	as(proc_b);
	fb = (int)CHECK_SYS(rump_sys_open("/f", O_RDWR));

	as(proc_a);
	CHECK_SYS(setlk(fa, F_SETLK, F_WRLCK, 0, 100));
	/* Its own locks never block a process. */
	CHECK_SYS(setlk(fa, F_SETLK, F_RDLCK, 50, 10));
	CHECK_SYS(setlk(fa, F_SETLK, F_WRLCK, 0, 100));
	CHECK_EQ(getlk(fa, 0, 1000).l_type, F_UNLCK);

	as(proc_b);
	CHECK_ERRNO(setlk(fb, F_SETLK, F_RDLCK, 50, 10), EAGAIN);
	fl = getlk(fb, 50, 10);
	CHECK_EQ(fl.l_type, F_WRLCK);
	CHECK_EQ(fl.l_pid, pid_a);
	CHECK_EQ(fl.l_start, 0);
	CHECK_EQ(fl.l_len, 100);
	CHECK_SYS(setlk(fb, F_SETLK, F_WRLCK, 100, 100)); /* adjacent */
	CHECK_ERRNO(setlk(fb, F_SETLK, F_WRLCK, -1, 10), EINVAL);

	/* A hole punched into A's lock splits it. */
	as(proc_a);
	CHECK_SYS(setlk(fa, F_SETLK, F_UNLCK, 20, 10));
	as(proc_b);
	CHECK_EQ(getlk(fb, 25, 1).l_type, F_UNLCK);
	fl = getlk(fb, 10, 1);
	CHECK_EQ(fl.l_start, 0);
	CHECK_EQ(fl.l_len, 20);
	fl = getlk(fb, 30, 1);
	CHECK_EQ(fl.l_start, 30);
	CHECK_EQ(fl.l_len, 70);
	CHECK_SYS(setlk(fb, F_SETLK, F_RDLCK, 20, 10));

	/* Read locks share. */
	as(proc_a);
	CHECK_ERRNO(setlk(fa, F_SETLK, F_WRLCK, 25, 1), EAGAIN);
	CHECK_SYS(setlk(fa, F_SETLK, F_RDLCK, 25, 1));

	/* Closing any descriptor of the file drops all of A's locks. */
	fa2 = (int)CHECK_SYS(rump_sys_open("/f", O_RDONLY));
	CHECK_SYS(rump_sys_close(fa2));
	as(proc_b);
	CHECK_EQ(getlk(fb, 0, 100).l_type, F_UNLCK);
	CHECK_SYS(setlk(fb, F_SETLK, F_WRLCK, 0, 0)); /* to the end */
	as(proc_a);
	fl = getlk(fa, 1000000, 1);
	CHECK_EQ(fl.l_pid, pid_b);
	CHECK_EQ(fl.l_len, 0);
	as(proc_b);
	CHECK_SYS(setlk(fb, F_SETLK, F_UNLCK, 0, 0));

	/* SEEK_END ranges: the last 10 bytes of a 100-byte file. */
	CHECK_SYS(rump_sys_ftruncate(fb, 100));
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_END;
	fl.l_start = -10;
	fl.l_len = 10;
	CHECK_SYS(rump_sys_fcntl(fb, F_SETLK, &fl));
	as(proc_a);
	CHECK_EQ(getlk(fa, 89, 1).l_type, F_UNLCK);
	CHECK_EQ(getlk(fa, 90, 1).l_start, 90);
	CHECK_SYS(rump_sys_close(fa));
	as(proc_b);
	CHECK_SYS(rump_sys_close(fb));
}

static void released_at_exit(void)
{
	struct lwp *l;
	int fd, fb;

	as(proc_a);
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	l = rump_pub_lwproc_curlwp();
	fd = (int)CHECK_SYS(rump_sys_open("/f", O_RDWR));
	CHECK_SYS(setlk(fd, F_SETLK, F_WRLCK, 300, 100));
	as(proc_b);
	fb = (int)CHECK_SYS(rump_sys_open("/f", O_RDWR));
	CHECK_ERRNO(setlk(fb, F_SETLK, F_WRLCK, 350, 1), EAGAIN);
	as(l);
	rump_pub_lwproc_releaselwp();
	as(proc_b);
	CHECK_SYS(setlk(fb, F_SETLK, F_WRLCK, 350, 1));
	CHECK_SYS(rump_sys_close(fb));

	/* A process sharing its parent's table: its exit drops its locks. */
	as(proc_a);
	fd = (int)CHECK_SYS(rump_sys_open("/f", O_RDWR));
	CHECK_EQ(rump_pub_lwproc_rfork(0), 0);
	l = rump_pub_lwproc_curlwp();
	CHECK_SYS(setlk(fd, F_SETLK, F_WRLCK, 500, 1));
	as(proc_b);
	fb = (int)CHECK_SYS(rump_sys_open("/f", O_RDWR));
	CHECK_ERRNO(setlk(fb, F_SETLK, F_WRLCK, 500, 1), EAGAIN);
	as(l);
	rump_pub_lwproc_releaselwp();
	as(proc_b);
	CHECK_SYS(setlk(fb, F_SETLK, F_WRLCK, 500, 1));
	CHECK_SYS(rump_sys_close(fb));
	as(proc_a);
	CHECK_SYS(rump_sys_close(fd));
}

static void flock_locks(void)
{
	int fa, fa2, fdup, fb;

	as(proc_a);
	fa = (int)CHECK_SYS(rump_sys_open("/f", O_RDONLY));
	fa2 = (int)CHECK_SYS(rump_sys_open("/f", O_RDONLY));
	CHECK_SYS(rump_sys_flock(fa, LOCK_EX));
	/* Per open file: a second open of the same process conflicts. */
	CHECK_ERRNO(rump_sys_flock(fa2, LOCK_SH | LOCK_NB), EWOULDBLOCK);
	as(proc_b);
	fb = (int)CHECK_SYS(rump_sys_open("/f", O_RDWR));
	CHECK_ERRNO(rump_sys_flock(fb, LOCK_SH | LOCK_NB), EWOULDBLOCK);
	/* Record locks are another kind. */
	CHECK_SYS(setlk(fb, F_SETLK, F_WRLCK, 0, 0));
	CHECK_SYS(setlk(fb, F_SETLK, F_UNLCK, 0, 0));
	CHECK_ERRNO(rump_sys_flock(fb, LOCK_NB), EINVAL);

	/* dup shares the lock; the last close of the open file ends it. */
	as(proc_a);
	fdup = (int)CHECK_SYS(rump_sys_dup(fa));
	CHECK_SYS(rump_sys_close(fa));
	as(proc_b);
	CHECK_ERRNO(rump_sys_flock(fb, LOCK_SH | LOCK_NB), EWOULDBLOCK);
	as(proc_a);
	CHECK_SYS(rump_sys_close(fdup));
	as(proc_b);
	CHECK_SYS(rump_sys_flock(fb, LOCK_SH | LOCK_NB));
	as(proc_a);
	CHECK_SYS(rump_sys_flock(fa2, LOCK_SH | LOCK_NB)); /* shared */
	CHECK_ERRNO(rump_sys_flock(fa2, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	as(proc_b);
	CHECK_SYS(rump_sys_flock(fb, LOCK_UN));
	as(proc_a);
	CHECK_SYS(rump_sys_flock(fa2, LOCK_EX | LOCK_NB)); /* upgrade */
	CHECK_SYS(rump_sys_close(fa2));
	as(proc_b);
	CHECK_SYS(rump_sys_flock(fb, LOCK_EX | LOCK_NB));
	CHECK_SYS(rump_sys_close(fb));
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
	pid_a = rump_sys_getpid();
	rump_pub_lwproc_switch(NULL);
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	proc_b = rump_pub_lwproc_curlwp();
	pid_b = rump_sys_getpid();
	record_locks();
	released_at_exit();
	flock_locks();
	as(proc_a);
	rump_pub_lwproc_releaselwp();
	as(proc_b);
	rump_pub_lwproc_releaselwp();
	test_halt();
	test_log("ok");
	return 0;
}
