/*
 * etfs_host.h -- what etfs's kernel half asks of its host-side glue
 * (etfs_dir_host.c): listing a host directory and truncating a host file,
 * which the hypercall interface has no calls for.  Fixed-width types only,
 * because both halves include it.  Both calls return 0 or a kernel errno
 * and release the virtual CPU while the host works.
 */
#ifndef RUMPKERN_VFS_ETFS_HOST_H_
#define RUMPKERN_VFS_ETFS_HOST_H_
#include <stdint.h>

/*
 * The kernel half's names are renamed into rumpns_ after compiling; the
 * glue joins the object afterwards, so it defines the renamed names.
 */
#if __STDC_HOSTED__
#define etfs_host_listdir rumpns_etfs_host_listdir
#define etfs_host_truncate rumpns_etfs_host_truncate
#endif

#define ETFS_HOST_NAMEMAX 255

/* One name of a host directory. */
struct etfs_hostent {
	uint8_t eh_namelen;
	char eh_name[ETFS_HOST_NAMEMAX + 1]; /* NUL-terminated */
};

/*
 * Up to max names of hostdir, skipping "." and "..", starting with the
 * index'th (0 first) in the host's order; *nents < max at the end.
 */
int etfs_host_listdir(const char *hostdir, uint64_t index,
		      struct etfs_hostent *ents, int max, int *nents);
/* Sets the length of the host file open as fd (from rumpuser_open). */
int etfs_host_truncate(int fd, uint64_t size);
#endif
