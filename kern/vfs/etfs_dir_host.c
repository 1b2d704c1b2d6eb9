/*
 * etfs_dir_host.c -- etfs's host-side glue (see etfs_host.h): directory
 * listing with opendir/readdir and truncation with ftruncate, each run
 * with the virtual CPU released.  A listing restarts from the beginning
 * and skips index names, so an index stays meaningful only while the
 * host directory does not change; etfs documents that.
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <rump/rumphost.h>
#include <rump/rumpkern.h>

#include "etfs_host.h"

int etfs_host_listdir(const char *hostdir, uint64_t index,
		      struct etfs_hostent *ents, int max, int *nents)
{
	struct dirent *de;
	uint64_t seen = 0;
	int n = 0, error = 0;
	DIR *dir;

	rump_kern_glue_unschedule();
	if ((dir = opendir(hostdir)) == NULL) {
		error = rumphost_errno_kernel(errno);
		goto out;
	}
	while (n < max) {
		size_t len;

		errno = 0;
		if ((de = readdir(dir)) == NULL) {
			if (errno != 0)
				error = rumphost_errno_kernel(errno);
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 || seen++ < index)
			continue;
		len = strlen(de->d_name);
		if (len > ETFS_HOST_NAMEMAX)
			continue;
		ents[n].eh_namelen = (uint8_t)len;
		memcpy(ents[n].eh_name, de->d_name, len + 1);
		n++;
	}
	closedir(dir);
out:
	rump_kern_glue_schedule();
	*nents = n;
	return error;
}

int etfs_host_truncate(int fd, uint64_t size)
{
	int error = 0;

	if (size > (uint64_t)INT64_MAX)
		return rumphost_errno_kernel(EFBIG);
	rump_kern_glue_unschedule();
	if (ftruncate(fd, (off_t)size) != 0)
		error = rumphost_errno_kernel(errno);
	rump_kern_glue_schedule();
	return error;
}
