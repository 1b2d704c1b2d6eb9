/*
 * sockvfs.c -- where the VFS faction leaves its socket-node ops for the
 * local socket domain (sys/sockvfs.h).  The base holds only the pointer,
 * so neither faction needs the other to link.
 */
#include <sys/atomic.h>
#include <sys/sockvfs.h>
#include <sys/systm.h>

const struct sockvfs_ops *volatile sockvfs;

void sockvfs_register(const struct sockvfs_ops *ops)
{
	atomic_store_release(&sockvfs, ops);
}

void sockvfs_unregister(const struct sockvfs_ops *ops)
{
	KASSERT(sockvfs == ops);
	atomic_store_release(&sockvfs, NULL);
}
