/*
 * sp_host.c -- the cooperative host has no remote-syscall transport (one
 * host thread cannot wait for clients while it runs the kernel):
 * rumpuser_sp_init() says so, and the copies, which only a transport's
 * processes would reach, fail.
 */
#include "../common/host.h"

int rumpuser_sp_init(const char *url, int flags)
{
	(void)url;
	(void)flags;
	return RUMP_EOPNOTSUPP;
}

int rumpuser_sp_copyin(void *priv, const void *raddr, void *laddr, size_t len)
{
	return RUMP_EFAULT;
}

int rumpuser_sp_copyout(void *priv, const void *laddr, void *raddr, size_t len)
{
	return RUMP_EFAULT;
}

int rumpuser_sp_copyinstr(void *priv, const void *raddr, void *laddr,
			  size_t *lenp)
{
	return RUMP_EFAULT;
}
