/*
 * t_vfs_faultinj.c -- the VFS under allocation failure.  For N = 1, 2,
 * ... a child boots with RUMP_FAULT_MALLOC=N and runs a workload (mkdir,
 * create and write, rename, symlink, link, mount, chdir, getcwd, unmount,
 * unlink): each call succeeds or fails with ENOMEM (or an error that
 * follows from an earlier failure), never crashes.  The workload then
 * runs again until a run meets no fault, and the result must be exactly
 * right, so a
 * failed call left nothing half done; the halt's leak check finds no
 * vnode, mount or cache entry left.  The loop ends when a child ran
 * without reaching the fault; a few fail-forever (N+) runs follow.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faultsweep.h"
#include "testlib.h"

extern int rump_component_link_vfs, rump_component_link_tmpfs;

#define MAX_N 3000
#define FILESIZE 10000

static bool saw_enomem;

static bool tolerated(int e)
{
	if (e == ENOMEM)
		saw_enomem = true;
	return e == ENOMEM || e == ENOENT || e == EEXIST || e == EBADF ||
	       e == EBUSY || e == EINVAL || e == ENOTDIR;
}

#define STEP(call)                                                             \
	__extension__({                                                        \
		long long step_v_;                                             \
		errno = 0;                                                     \
		step_v_ = (long long)(call);                                   \
		if (step_v_ < 0 && getenv("VERBOSE"))                          \
			printf("%s: %s\n", #call, strerror(errno));            \
		if (step_v_ < 0 && !tolerated(errno))                          \
			test_fail(__FILE__, __LINE__, "%s: errno %d (%s)",     \
				  #call, errno, strerror(errno));              \
		step_v_;                                                       \
	})

/* One pass; true if no call failed for want of memory. */
static bool workload(void)
{
	static char data[FILESIZE];
	char buf[256];
	int fd;

	saw_enomem = false;
	memset(data, 'x', sizeof(data));
	STEP(rump_sys_mkdir("/d", 0755));
	fd = (int)STEP(rump_sys_open("/d/f", O_CREAT | O_WRONLY, 0644));
	if (fd >= 0) {
		if (STEP(rump_sys_write(fd, data, sizeof(data))) !=
		    (long long)sizeof(data))
			STEP(rump_sys_unlink("/d/f"));
		STEP(rump_sys_close(fd));
	}
	STEP(rump_sys_rename("/d/f", "/d/g"));
	STEP(rump_sys_symlink("g", "/d/l"));
	STEP(rump_sys_link("/d/g", "/d/h"));
	STEP(rump_sys_mkdir("/m", 0755));
	STEP(rump_sys_mount("tmpfs", "/m", "tmpfs", 0, "size=1m"));
	fd = (int)STEP(rump_sys_open("/m/x", O_CREAT | O_RDWR, 0644));
	if (fd >= 0) {
		STEP(rump_sys_write(fd, data, 100));
		STEP(rump_sys_close(fd));
	}
	if (STEP(rump_sys_chdir("/m")) == 0) {
		(void)rump_sys_getcwd(buf, sizeof(buf));
		STEP(rump_sys_chdir("/"));
	}
	STEP(rump_sys_umount2("/m", 0));
	STEP(rump_sys_unlink("/d/h"));
	return !saw_enomem;
}

/* A call that meets the one fault is asked again. */
#define AGAIN(call)                                                            \
	__extension__({                                                        \
		__typeof__(call) again_v_ = (call);                            \
		if (again_v_ == (__typeof__(call))-1 && errno == ENOMEM)       \
			again_v_ = (call);                                     \
		again_v_;                                                      \
	})

/* After a clean run: exactly the expected tree. */
static void verify(void)
{
	char buf[FILESIZE + 1];
	struct statvfs sm, sr;
	struct stat st;
	int fd;

	/* A mount left by a failed unmount goes now. */
	while (AGAIN(rump_sys_umount2("/m", 0)) == 0)
		continue;
	CHECK_SYS(AGAIN(rump_sys_stat("/d/g", &st)));
	CHECK_EQ(st.st_size, FILESIZE);
	CHECK_EQ(st.st_nlink, 1);
	fd = (int)CHECK_SYS(AGAIN(rump_sys_open("/d/g", O_RDONLY)));
	CHECK_EQ(AGAIN(rump_sys_read(fd, buf, sizeof(buf))), FILESIZE);
	for (int i = 0; i < FILESIZE; i++)
		CHECK_EQ(buf[i], 'x');
	CHECK_SYS(AGAIN(rump_sys_close(fd)));
	CHECK_EQ(AGAIN(rump_sys_readlink("/d/l", buf, sizeof(buf))), 1);
	CHECK_ERRNO(AGAIN(rump_sys_stat("/d/f", &st)), ENOENT);
	CHECK_ERRNO(AGAIN(rump_sys_stat("/d/h", &st)), ENOENT);
	CHECK_SYS(AGAIN(rump_sys_statvfs("/m", &sm)));
	CHECK_SYS(AGAIN(rump_sys_statvfs("/", &sr)));
	CHECK_EQ(sm.f_fsid, sr.f_fsid);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(600);
	CHECK(rump_component_link_vfs && rump_component_link_tmpfs);
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return faultsweep_child(workload, verify);
	faultsweep(MAX_N);
	test_log("ok");
	return 0;
}
