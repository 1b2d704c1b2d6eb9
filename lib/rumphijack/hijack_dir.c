/*
 * hijack_dir.c -- directory streams over kernel directories.  glibc's
 * opendir and readdir reach the kernel through internal calls that an
 * LD_PRELOAD library cannot see, so the whole DIR interface is replaced
 * for kernel directories: our DIR is a buffer of the kernel's getdents64
 * records (Linux's struct dirent64 layout, which is struct dirent on a
 * 64-bit host).  A registry tells our DIRs from glibc's, which go to the
 * host's functions.  scandir, glob and nftw, which use glibc's internal
 * directory calls, are built on these in hijack_walk.c.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "hijack.h"

#define HIJACK_DIRBUF 32768

struct hijack_dir {
	struct hijack_dir *next;
	pthread_mutex_t lock;
	int fd;	      /* the host number of the kernel descriptor */
	size_t len;   /* bytes of records in buf */
	size_t pos;   /* next record */
	long lastoff; /* d_off of the record returned last, for telldir */
	_Alignas(8) char buf[HIJACK_DIRBUF];
};

static pthread_mutex_t hijack_dirs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hijack_dir *hijack_dirs;

static struct hijack_dir *hijack_dir_find(DIR *d)
{
	struct hijack_dir *hd;

	if (hijack_dirs == NULL)
		return NULL;
	pthread_mutex_lock(&hijack_dirs_lock);
	for (hd = hijack_dirs; hd != NULL; hd = hd->next)
		if ((DIR *)hd == d)
			break;
	pthread_mutex_unlock(&hijack_dirs_lock);
	return hd;
}

static DIR *hijack_dir_make(int fd)
{
	struct hijack_dir *hd = calloc(1, sizeof(*hd));

	if (hd == NULL)
		return NULL;
	pthread_mutex_init(&hd->lock, NULL);
	hd->fd = fd;
	pthread_mutex_lock(&hijack_dirs_lock);
	hd->next = hijack_dirs;
	hijack_dirs = hd;
	pthread_mutex_unlock(&hijack_dirs_lock);
	return (DIR *)hd;
}

DIR *fdopendir(int fd)
{
	int kfd = hijack_kfd(fd);
	struct stat st;

	if (kfd < 0)
		return HOST(fdopendir)(fd);
	if (KCALL(rump_sys_fstat(kfd, &st)) == -1)
		return NULL;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return NULL;
	}
	return hijack_dir_make(fd);
}

DIR *opendir(const char *path)
{
	const char *kp;
	DIR *d;
	int fd, e;

	if (HIJACK_BYPASS() || hijack_route_path(path, &kp) == HIJACK_HOST)
		return HOST(opendir)(path);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return NULL;
	d = hijack_dir_make(fd);
	if (d == NULL) {
		e = errno;
		close(fd);
		errno = e;
	}
	return d;
}

int closedir(DIR *d)
{
	struct hijack_dir *hd = hijack_dir_find(d), **pp;
	int fd;

	if (hd == NULL)
		return HOST(closedir)(d);
	pthread_mutex_lock(&hijack_dirs_lock);
	for (pp = &hijack_dirs; *pp != hd; pp = &(*pp)->next)
		;
	*pp = hd->next;
	pthread_mutex_unlock(&hijack_dirs_lock);
	fd = hd->fd;
	pthread_mutex_destroy(&hd->lock);
	free(hd);
	return close(fd);
}

int dirfd(DIR *d)
{
	struct hijack_dir *hd = hijack_dir_find(d);

	return hd == NULL ? HOST(dirfd)(d) : hd->fd;
}

/* The next record, reading more when the buffer is used up. */
static struct dirent64 *hijack_dir_next(struct hijack_dir *hd)
{
	struct dirent64 *ent;
	int kfd;

	if (hd->pos >= hd->len) {
		ssize_t n;

		kfd = hijack_kfd(hd->fd);
		if (kfd < 0) {
			errno = EBADF;
			return NULL;
		}
		n = KCALL(rump_sys_getdents64(kfd, hd->buf, sizeof(hd->buf)));
		if (n <= 0)
			return NULL; /* end (errno untouched) or error */
		hd->len = (size_t)n;
		hd->pos = 0;
	}
	ent = (struct dirent64 *)(void *)(hd->buf + hd->pos);
	hd->pos += ent->d_reclen;
	hd->lastoff = ent->d_off;
	return ent;
}

struct dirent64 *readdir64(DIR *d)
{
	struct hijack_dir *hd = hijack_dir_find(d);
	struct dirent64 *ent;

	if (hd == NULL)
		return HOST(readdir64)(d);
	pthread_mutex_lock(&hd->lock);
	ent = hijack_dir_next(hd);
	pthread_mutex_unlock(&hd->lock);
	return ent;
}

_Static_assert(sizeof(struct dirent) == sizeof(struct dirent64),
	       "readdir returns the kernel's dirent64 records as they are");

struct dirent *readdir(DIR *d)
{
	struct hijack_dir *hd = hijack_dir_find(d);

	if (hd == NULL)
		return HOST(readdir)(d);
	return (struct dirent *)(void *)readdir64(d);
}

int readdir64_r(DIR *d, struct dirent64 *ent, struct dirent64 **res)
{
	struct hijack_dir *hd = hijack_dir_find(d);
	struct dirent64 *next;
	int e = errno, rv = 0;

	if (hd == NULL)
		return HOST(readdir64_r)(d, ent, res);
	pthread_mutex_lock(&hd->lock);
	errno = 0;
	next = hijack_dir_next(hd);
	if (next != NULL) {
		memcpy(ent, next,
		       next->d_reclen < sizeof(*ent) ? next->d_reclen
						     : sizeof(*ent));
		*res = ent;
	} else {
		*res = NULL;
		rv = errno;
	}
	pthread_mutex_unlock(&hd->lock);
	errno = e;
	return rv;
}

int readdir_r(DIR *d, struct dirent *ent, struct dirent **res)
{
	if (hijack_dir_find(d) == NULL)
		return HOST(readdir_r)(d, ent, res);
	return readdir64_r(d, (struct dirent64 *)(void *)ent,
			   (struct dirent64 **)(void *)res);
}

static void hijack_dir_seek(struct hijack_dir *hd, long off)
{
	int kfd = hijack_kfd(hd->fd);

	pthread_mutex_lock(&hd->lock);
	if (kfd >= 0)
		KCALL(rump_sys_lseek(kfd, off, SEEK_SET));
	hd->len = hd->pos = 0;
	hd->lastoff = off;
	pthread_mutex_unlock(&hd->lock);
}

void rewinddir(DIR *d)
{
	struct hijack_dir *hd = hijack_dir_find(d);

	if (hd == NULL)
		HOST(rewinddir)(d);
	else
		hijack_dir_seek(hd, 0);
}

void seekdir(DIR *d, long off)
{
	struct hijack_dir *hd = hijack_dir_find(d);

	if (hd == NULL)
		HOST(seekdir)(d, off);
	else
		hijack_dir_seek(hd, off);
}

long telldir(DIR *d)
{
	struct hijack_dir *hd = hijack_dir_find(d);

	return hd == NULL ? HOST(telldir)(d) : hd->lastoff;
}

ssize_t getdents64(int fd, void *buf, size_t n)
{
	int kfd = hijack_kfd(fd);

	if (kfd < 0)
		return syscall(SYS_getdents64, fd, buf, n);
	return KCALL(rump_sys_getdents64(kfd, buf, n));
}
