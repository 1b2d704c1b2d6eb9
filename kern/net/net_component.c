/*
 * net_component.c -- the net faction as a component: at the net stage it
 * creates softnet_lock, the one lock of the whole faction (the contract
 * is in sys/socketvar.h), sets up mbufs and binds the socket system
 * calls.  Domains register themselves later, at the driver stage.  By
 * shutdown every descriptor is closed; what protocols still hold they
 * free in their own fini, which runs before this one.
 */
#include <sys/component.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>
#include <sys/syscall.h>
#include <sys/systm.h>

extern const struct syscall_binding net_syscall_bindings[];

kmutex_t softnet_lock;

static int net_init(void)
{
	int error;

	mutex_init(&softnet_lock, MUTEX_DEFAULT);
	if ((error = mbuf_init()) != 0)
		goto fail_lock;
	if ((error = syscall_establish(net_syscall_bindings)) != 0)
		goto fail_mbuf;
	return 0;
fail_mbuf:
	mbuf_fini();
fail_lock:
	mutex_destroy(&softnet_lock);
	return error;
}

static void net_fini(void)
{
	syscall_disestablish(net_syscall_bindings);
	if (sockets_live != 0)
		printf("net: %lld sockets left at shutdown\n",
		       (long long)sockets_live);
	mbuf_fini();
	mutex_destroy(&softnet_lock);
}

RUMP_COMPONENT(net, RUMP_STAGE_NET, NULL, net_init, net_fini)
