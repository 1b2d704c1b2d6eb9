/*
 * etfs_entry_host.c -- the public rump_pub_etfs_* calls of <rump/rump.h>,
 * compiled with the host's headers: each calls its kernel counterpart in
 * etfs.c (kernel ABI: kernel errno numbers, the RUMP_ETFS_* types, which
 * pass unchanged) and returns the error in the host's errno numbering.
 */
#include <stdint.h>

#include <rump/rump.h>
#include <rump/rumphost.h>

int rump_kern_etfs_register_withsize(const char *key, const char *hostpath,
				     int ftype, uint64_t begin, uint64_t size);
int rump_kern_etfs_remove(const char *key);

int rump_pub_etfs_register(const char *key, const char *hostpath,
			   enum rump_etfs_type ftype)
{
	return rumphost_errno_host(rump_kern_etfs_register_withsize(
		key, hostpath, (int)ftype, 0, RUMP_ETFS_SIZE_ENDOFF));
}

int rump_pub_etfs_register_withsize(const char *key, const char *hostpath,
				    enum rump_etfs_type ftype, uint64_t begin,
				    uint64_t size)
{
	return rumphost_errno_host(rump_kern_etfs_register_withsize(
		key, hostpath, (int)ftype, begin, size));
}

int rump_pub_etfs_remove(const char *key)
{
	return rumphost_errno_host(rump_kern_etfs_remove(key));
}
