/*
 * shmif_pub_host.c -- rump_pub_shmif_create of <rump/netconfig.h>, the
 * host half: the kernel half (if_shmem.c) creates and attaches the
 * interface, and its kernel errno comes back in the host's numbering.
 */
#include <rump/netconfig.h>
#include <rump/rumphost.h>

int rump_kern_shmif_create(const char *busname, int *unitp);

int rump_pub_shmif_create(const char *busname, int *unitp)
{
	return rumphost_errno_host(rump_kern_shmif_create(busname, unitp));
}
