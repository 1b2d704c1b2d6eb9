/*
 * shmif_user_host.c -- the shmif interface's host glue (shmif_host.h) on
 * Linux: the bus file is opened, initialized under flock() when it is new,
 * and mapped MAP_SHARED, so every process that maps it shares one piece
 * of page cache; waits and wake-ups are shared (not private) futexes on a
 * word of that mapping, which Linux keys by file and offset, so they work
 * across processes.  A dead lock holder is recognized by kill(pid, 0).
 */
#include <rump/rumphost.h>
#include <rump/rumpkern.h>
#include <rump/shmif.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "shmif_host.h"

struct shmif_host {
	int sh_fd;
	void *sh_map;
	size_t sh_maplen;
};

/* Whether hdr describes a bus this code can use, in a file of size. */
static int shmif_host_valid(const struct shmif_bus_header *hdr, off_t size)
{
	if (hdr->sb_magic != SHMIF_MAGIC || hdr->sb_version != SHMIF_VERSION ||
	    hdr->sb_hdrsize != SHMIF_HDR_SIZE)
		return 0;
	if (hdr->sb_ringsize < SHMIF_RING_MIN ||
	    hdr->sb_ringsize > SHMIF_RING_MAX ||
	    hdr->sb_ringsize % SHMIF_ALIGN != 0)
		return 0;
	return size >= (off_t)SHMIF_HDR_SIZE + (off_t)hdr->sb_ringsize;
}

/* Under the file lock: makes an empty file a bus, checks any other. */
static int shmif_host_init(int fd, uint32_t ringsize, size_t *lenp)
{
	struct shmif_bus_header hdr;
	struct stat st;

	if (fstat(fd, &st) != 0)
		return errno;
	if (!S_ISREG(st.st_mode))
		return EINVAL;
	if (st.st_size == 0) {
		if (ringsize < SHMIF_RING_MIN || ringsize > SHMIF_RING_MAX ||
		    ringsize % SHMIF_ALIGN != 0)
			return EINVAL;
		if (ftruncate(fd, (off_t)SHMIF_HDR_SIZE + ringsize) != 0)
			return errno;
		memset(&hdr, 0, sizeof(hdr));
		hdr.sb_magic = SHMIF_MAGIC;
		hdr.sb_version = SHMIF_VERSION;
		hdr.sb_hdrsize = SHMIF_HDR_SIZE;
		hdr.sb_ringsize = ringsize;
		if (pwrite(fd, &hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
			return errno != 0 ? errno : EIO;
		*lenp = (size_t)SHMIF_HDR_SIZE + ringsize;
		return 0;
	}
	if (pread(fd, &hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) ||
	    !shmif_host_valid(&hdr, st.st_size))
		return EINVAL;
	*lenp = (size_t)SHMIF_HDR_SIZE + hdr.sb_ringsize;
	return 0;
}

int shmif_host_open(const char *path, uint32_t ringsize,
		    struct shmif_host **shp, void **busp)
{
	struct shmif_host *sh;
	size_t len = strnlen(path, SHMIF_HOST_PATHMAX + 1);
	int error;

	if (len == 0 || len > SHMIF_HOST_PATHMAX)
		return rumphost_errno_kernel(EINVAL);
	if ((sh = calloc(1, sizeof(*sh))) == NULL)
		return rumphost_errno_kernel(ENOMEM);
	sh->sh_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (sh->sh_fd < 0) {
		error = errno;
		goto fail;
	}
	/* Two kernels creating one bus at once: one initializes it. */
	while (flock(sh->sh_fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			error = errno;
			goto fail;
		}
	}
	error = shmif_host_init(sh->sh_fd, ringsize, &sh->sh_maplen);
	(void)flock(sh->sh_fd, LOCK_UN);
	if (error != 0)
		goto fail;
	sh->sh_map = mmap(NULL, sh->sh_maplen, PROT_READ | PROT_WRITE,
			  MAP_SHARED, sh->sh_fd, 0);
	if (sh->sh_map == MAP_FAILED) {
		error = errno;
		goto fail;
	}
	*shp = sh;
	*busp = sh->sh_map;
	return 0;

fail:
	if (sh->sh_fd >= 0)
		close(sh->sh_fd);
	free(sh);
	return rumphost_errno_kernel(error);
}

void shmif_host_close(struct shmif_host *sh)
{
	munmap(sh->sh_map, sh->sh_maplen);
	close(sh->sh_fd);
	free(sh);
}

void shmif_host_wait(uint32_t *word, uint32_t val, uint32_t timeout_ms)
{
	struct timespec ts = {.tv_sec = timeout_ms / 1000,
			      .tv_nsec = (long)(timeout_ms % 1000) * 1000000};

	rump_kern_glue_unschedule();
	/* Shared futex: FUTEX_WAIT without FUTEX_PRIVATE_FLAG. */
	(void)syscall(SYS_futex, word, FUTEX_WAIT, val, &ts, NULL, 0);
	rump_kern_glue_schedule();
}

void shmif_host_wake(uint32_t *word)
{
	(void)syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

uint32_t shmif_host_pid(void)
{
	return (uint32_t)getpid();
}

int shmif_host_alive(uint32_t pid)
{
	if (pid == 0 || pid > INT_MAX)
		return 0;
	return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
}

void shmif_host_yield(void)
{
	sched_yield();
}

/* A hint to the CPU that this is a spin-wait loop. */
static inline void shmif_host_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield");
#endif
}

static uint64_t shmif_host_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int shmif_host_spin(const uint64_t *word, uint64_t val, const int *stopp,
		    uint32_t ns)
{
	uint64_t deadline = shmif_host_now_ns() + ns;
	int changed = 0;

	rump_kern_glue_unschedule();
	for (unsigned i = 1;; i++) {
		if (__atomic_load_n(word, __ATOMIC_ACQUIRE) != val ||
		    __atomic_load_n(stopp, __ATOMIC_ACQUIRE) != 0) {
			changed = 1;
			break;
		}
		shmif_host_relax();
		/* The clock costs more than a look at the word. */
		if (i % 32 == 0 && shmif_host_now_ns() >= deadline)
			break;
	}
	rump_kern_glue_schedule();
	return changed;
}

int shmif_host_offload(void)
{
	const char *env = getenv("RUMP_SHMIF_OFFLOAD");

	return env == NULL || strcmp(env, "0") != 0;
}
