/*
 * t_vfs_fdrace.c -- open(O_CREAT) racing threads that fill and drain the
 * same descriptor table.  open reserves its descriptor before it creates
 * anything, so an open that fails with EMFILE must leave no file behind,
 * and one that succeeds must have created the file it names.  Regression
 * test for creating the file first and finding the table full afterwards.
 */
/* hosts: posix */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

extern int rump_component_link_vfs;

#define NFILLERS 3
#define NCREATORS 3

static int iterations;
static int stop_fillers; /* atomic */
static int emfile_seen;	 /* atomic: the race was actually exercised */

/* Takes descriptors until the table is full, then gives some back. */
static void *filler(void *arg)
{
	int held[RUMP_OPEN_MAX], n = 0;

	(void)arg;
	while (!__atomic_load_n(&stop_fillers, __ATOMIC_RELAXED)) {
		int fd = rump_sys_dup(0);
		if (fd >= 0) {
			CHECK(n < RUMP_OPEN_MAX);
			held[n++] = fd;
			continue;
		}
		CHECK_EQ(errno, EMFILE);
		/* Full: drain a few so creators can get through now and then.
		 */
		for (int i = 0; i < 4 && n > 0; i++)
			CHECK_SYS(rump_sys_close(held[--n]));
	}
	while (n > 0)
		CHECK_SYS(rump_sys_close(held[--n]));
	return NULL;
}

static void *creator(void *arg)
{
	int id = (int)(uintptr_t)arg;
	char name[64];
	struct stat st;

	for (int i = 0; i < iterations; i++) {
		snprintf(name, sizeof(name), "/race/c%d-%d", id, i);
		int fd = rump_sys_open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd >= 0) {
			CHECK_SYS(rump_sys_fstat(fd, &st));
			CHECK(S_ISREG(st.st_mode));
			CHECK_SYS(rump_sys_close(fd));
			CHECK_SYS(rump_sys_unlink(name));
			continue;
		}
		if (errno != EMFILE)
			test_fail(__FILE__, __LINE__, "open %s: errno %d (%s)",
				  name, errno, strerror(errno));
		__atomic_store_n(&emfile_seen, 1, __ATOMIC_RELAXED);
		/* Failed for want of a descriptor: nothing was created. */
		CHECK_ERRNO(rump_sys_stat(name, &st), ENOENT);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t fill[NFILLERS], make[NCREATORS];
	char buf[4096];
	struct stat st;
	int fd, n, entries = 0;

	test_init(argc, argv);
	test_watchdog(300);
	CHECK(rump_component_link_vfs);
	iterations = 2000 * test_scale();
	test_boot();
	CHECK_SYS(rump_sys_mkdir("/race", 0755));
	CHECK_EQ(CHECK_SYS(rump_sys_open("/race", O_RDONLY | O_DIRECTORY)), 0);
	for (int i = 0; i < NFILLERS; i++)
		CHECK_EQ(pthread_create(&fill[i], NULL, filler, NULL), 0);
	for (int i = 0; i < NCREATORS; i++)
		CHECK_EQ(pthread_create(&make[i], NULL, creator,
					(void *)(uintptr_t)i),
			 0);
	for (int i = 0; i < NCREATORS; i++)
		CHECK_EQ(pthread_join(make[i], NULL), 0);
	__atomic_store_n(&stop_fillers, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < NFILLERS; i++)
		CHECK_EQ(pthread_join(fill[i], NULL), 0);
	if (!__atomic_load_n(&emfile_seen, __ATOMIC_RELAXED))
		test_log("the threads never met a full table (a loaded "
			 "machine); the check below runs it without them");
	/* The same rule without threads: a full table, then open(O_CREAT). */
	for (n = 1; rump_sys_dup(0) >= 0; n++)
		CHECK(n <= RUMP_OPEN_MAX);
	CHECK_EQ(errno, EMFILE);
	CHECK_ERRNO(rump_sys_open("/race/full", O_CREAT | O_WRONLY, 0644),
		    EMFILE);
	CHECK_ERRNO(rump_sys_stat("/race/full", &st), ENOENT);
	for (int fd = 1; fd < RUMP_OPEN_MAX; fd++)
		CHECK_SYS(rump_sys_close(fd));

	/* Every file made was removed: the directory holds only . and .. */
	fd = CHECK_SYS(rump_sys_open("/race", O_RDONLY | O_DIRECTORY));
	n = CHECK_SYS(rump_sys_getdents64(fd, buf, sizeof(buf)));
	for (int off = 0; off < n; entries++)
		off += ((struct dirent64 *)(buf + off))->d_reclen;
	CHECK_EQ(entries, 2);
	CHECK_SYS(rump_sys_close(fd));
	CHECK_SYS(rump_sys_close(0));
	CHECK_SYS(rump_sys_rmdir("/race"));
	test_halt();
	return 0;
}
