/*
 * unp_component.c -- the local domain as a component ("local", driver
 * stage, after "net").  At shutdown every descriptor is closed already;
 * what is left are sockets kept alive only by descriptors in flight in
 * other sockets' buffers (possibly in cycles).  Flushing every buffer
 * releases those, which may close more sockets, until none is left.
 */
#include <sys/component.h>
#include <sys/domain.h>
#include <sys/systm.h>

#include "unp_private.h"

static int unp_init(void)
{
	int error;

	cv_init(&unp_backlog_cv, "unpbacklog");
	if ((error = unp_rights_init()) != 0)
		goto fail;
	if ((error = domain_attach(&unixdomain)) != 0) {
		unp_rights_fini();
		goto fail;
	}
	return 0;
fail:
	cv_destroy(&unp_backlog_cv);
	return error;
}

static size_t unp_count(void)
{
	size_t n = 0;

	list_foreach(it, &unp_all) n++;
	return n;
}

static void unp_fini(void)
{
	size_t before, after;

	mutex_enter(&softnet_lock);
	after = unp_count();
	mutex_exit(&softnet_lock);
	while (after > 0) {
		before = after;
		mutex_enter(&softnet_lock);
		list_foreach(it, &unp_all)
		{
			struct unpcb *unp =
				list_entry(it, struct unpcb, unp_link);
			sbflush(&unp->unp_socket->so_rcv);
		}
		mutex_exit(&softnet_lock);
		/* Last references go here, and with them their sockets. */
		unp_rights_drain();
		mutex_enter(&softnet_lock);
		after = unp_count();
		mutex_exit(&softnet_lock);
		if (after == before) {
			printf("local: %zu sockets left that nothing refers "
			       "to\n",
			       after);
			break;
		}
	}
	unp_rights_drain();
	domain_detach(&unixdomain);
	unp_rights_fini();
	cv_destroy(&unp_backlog_cv);
}

static const char *const unp_deps[] = {"net", NULL};
RUMP_COMPONENT(local, RUMP_STAGE_DRIVER, unp_deps, unp_init, unp_fini)
