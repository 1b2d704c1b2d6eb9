/*
 * t_vfs_threads.c -- VFS locking under contention: host threads create,
 * look up, rename (files and directories, across directories in both
 * directions, directories into each other), remove and stat in the same
 * few directories at once, while one more thread mounts and unmounts
 * (now and then forcibly) a tmpfs that the others use.  No deadlock (the
 * watchdog), no unexpected error, and afterwards a tree walk finds every
 * surviving name once.
 */
/* hosts: posix */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

extern int rump_component_link_vfs, rump_component_link_tmpfs;

#define NTHREADS 8
#define NDIRS 4

static int iterations;

static bool allowed(int e)
{
	switch (e) {
	case 0:
	case ENOENT:
	case EEXIST:
	case EINVAL:
	case ENOTEMPTY:
	case ENOTDIR:
	case EISDIR:
	case EBUSY:
	case EBADF: /* a file on a forcibly unmounted tmpfs */
		return true;
	default:
		return false;
	}
}

#define TRY(call)                                                              \
	do {                                                                   \
		errno = 0;                                                     \
		if ((call) < 0 && !allowed(errno))                             \
			test_fail(__FILE__, __LINE__, "%s: errno %d (%s)",     \
				  #call, errno, strerror(errno));              \
	} while (0)

static void *worker(void *arg)
{
	uint32_t seed = (uint32_t)(uintptr_t)arg * 2654435761u + 1;
	char a[128], b[128];
	struct stat st;

	for (int i = 0; i < iterations; i++) {
		int op, d1, d2, n;

		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		op = (int)(seed % 10);
		d1 = (int)((seed >> 8) % NDIRS);
		d2 = (int)((seed >> 12) % NDIRS);
		n = (int)((seed >> 16) % 16);
		switch (op) {
		case 0:
			snprintf(a, sizeof(a), "/t/d%d/f%d", d1, n);
			TRY(rump_sys_mknod(a, S_IFREG | 0644, 0));
			break;
		case 1:
			snprintf(a, sizeof(a), "/t/d%d/f%d", d1, n);
			snprintf(b, sizeof(b), "/t/d%d/f%d", d2, (n + 1) % 16);
			TRY(rump_sys_rename(a, b));
			break;
		case 2:
			snprintf(a, sizeof(a), "/t/d%d/s%d", d1, n % 4);
			snprintf(b, sizeof(b), "/t/d%d/s%d", d2, n % 4);
			TRY(rump_sys_rename(a, b));
			break;
		case 3:
			/* A directory into another one, and back. */
			snprintf(a, sizeof(a), "/t/d%d/s%d", d1, n % 4);
			snprintf(b, sizeof(b), "/t/d%d/s%d/s%d", d2, n % 4,
				 (n + 1) % 4);
			TRY(rump_sys_rename(a, b));
			TRY(rump_sys_rename(b, a));
			break;
		case 4:
			snprintf(a, sizeof(a), "/t/d%d/s%d", d1, n % 4);
			TRY(rump_sys_mkdir(a, 0755));
			break;
		case 5:
			snprintf(a, sizeof(a), "/t/d%d/s%d", d1, n % 4);
			TRY(rump_sys_rmdir(a));
			break;
		case 6:
			snprintf(a, sizeof(a), "/t/d%d/f%d", d1, n);
			TRY(rump_sys_unlink(a));
			break;
		case 7:
			snprintf(a, sizeof(a), "/t/d%d/s%d/../f%d", d1, n % 4,
				 n);
			TRY(rump_sys_stat(a, &st));
			break;
		case 8:
			snprintf(a, sizeof(a), "/t/d%d/s%d/s%d/..", d1, n % 4,
				 (n + 2) % 4);
			TRY(rump_sys_lstat(a, &st));
			break;
		default: {
			/* In the tmpfs that comes and goes. */
			int fd =
				rump_sys_open("/t/m/x", O_RDONLY | O_DIRECTORY);
			if (fd >= 0) {
				TRY(rump_sys_fstat(fd, &st));
				TRY(rump_sys_mkdir("/t/m/x/y", 0755));
				TRY(rump_sys_stat("/t/m/x/y/../..", &st));
				TRY(rump_sys_close(fd));
			}
			break;
		}
		}
	}
	return NULL;
}

static int stop_mounter; /* atomic */

static void *mounter(void *arg)
{
	int i;

	for (i = 0; !__atomic_load_n(&stop_mounter, __ATOMIC_RELAXED); i++) {
		TRY(rump_sys_mount("tmpfs", "/t/m", "tmpfs", 0, NULL));
		TRY(rump_sys_mkdir("/t/m/x", 0755));
		TRY(rump_sys_umount2("/t/m", (i % 4 == 3) ? MNT_FORCE : 0));
	}
	/* Leave nothing mounted. */
	while (rump_sys_umount2("/t/m", MNT_FORCE) == 0)
		continue;
	test_log("%d mount cycles", i);
	return NULL;
}

/* Counts the entries below path, checking that each one can be stat'ed. */
static int walk(const char *path, int depth)
{
	char buf[4096], sub[512];
	struct stat st;
	int fd, n, count = 0;

	CHECK(depth < 64);
	fd = (int)CHECK_SYS(rump_sys_open(path, O_RDONLY | O_DIRECTORY));
	while ((n = (int)CHECK_SYS(rump_sys_getdents64(fd, buf, sizeof(buf)))) >
	       0) {
		for (int off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			off += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, d->d_name);
			CHECK_SYS(rump_sys_lstat(sub, &st));
			CHECK_EQ(st.st_ino, d->d_ino);
			count++;
			if (S_ISDIR(st.st_mode))
				count += walk(sub, depth + 1);
		}
	}
	CHECK_SYS(rump_sys_close(fd));
	return count;
}

int main(int argc, char **argv)
{
	pthread_t t[NTHREADS], m;
	char d[32];

	test_init(argc, argv);
	test_watchdog(300);
	CHECK(rump_component_link_vfs && rump_component_link_tmpfs);
	iterations = 3000 * test_scale();
	/* More CPUs than the default two: more threads in the kernel at once.
	 */
	setenv("RUMP_NCPU", "4", 0);
	test_boot();
	CHECK_SYS(rump_sys_mkdir("/t", 0755));
	for (int i = 0; i < NDIRS; i++) {
		snprintf(d, sizeof(d), "/t/d%d", i);
		CHECK_SYS(rump_sys_mkdir(d, 0755));
	}
	CHECK_SYS(rump_sys_mkdir("/t/m", 0755));
	CHECK_EQ(pthread_create(&m, NULL, mounter, NULL), 0);
	for (int i = 0; i < NTHREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, worker,
					(void *)(uintptr_t)(i + 1)),
			 0);
	for (int i = 0; i < NTHREADS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	__atomic_store_n(&stop_mounter, 1, __ATOMIC_RELAXED);
	CHECK_EQ(pthread_join(m, NULL), 0);
	test_log("%d names survived", walk("/t", 0));
	test_halt();
	test_log("ok");
	return 0;
}
