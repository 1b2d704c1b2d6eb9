/*
 * backend_remote.c -- the remote client's front end for the POSIX suite:
 * the rump kernel's table of backend_rump.c, whose rump_sys_* calls are
 * now librumpclient's, with its process switches mapped onto connections:
 * a child that copies the descriptors (RUMP_RFFDG) is a fork child on a
 * new connection (rumpclient__push(RUMPCLIENT_PUSH_FORK)), a process with
 * a clean table (RUMP_RFCFDG) a new connection's process, and releasing
 * the thread ends that connection (rumpclient__pop, which returns once
 * the server has released the process).  The caller has connected.
 */
#include <rump/rumpclient.h>

#define rump_pub_lwproc_rfork remote_lwproc_rfork
#define rump_pub_lwproc_releaselwp remote_lwproc_releaselwp
#define rump_pub_lwproc_switch remote_lwproc_switch
#define rump_pub_lwproc_curlwp remote_lwproc_curlwp

#include <rump/rump.h>

int remote_lwproc_rfork(int flags)
{
	int how = flags == RUMP_RFCFDG ? RUMPCLIENT_PUSH_NEW
				       : RUMPCLIENT_PUSH_FORK;

	return rumpclient__push(how) == 0 ? 0 : errno;
}

void remote_lwproc_releaselwp(void)
{
	(void)rumpclient__pop();
}

/* The previous connection is current again after the pop: nothing to do. */
void remote_lwproc_switch(struct lwp *l)
{
	(void)l;
}

struct lwp *remote_lwproc_curlwp(void)
{
	return NULL;
}

#include "backend_rump.c"
