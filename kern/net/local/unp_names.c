/*
 * unp_names.c -- names of local sockets.  An abstract name (a leading NUL
 * byte, Linux's abstract namespace) lives in this module's list of
 * sockets and needs no file system; a path name is a socket node that
 * the VFS faction makes through the base's sockvfs hook (sys/sockvfs.h),
 * so paths work only when the VFS is linked (ENOENT otherwise).  Name
 * lookups in the file system drop softnet_lock, since the file system
 * may sleep; callers check their state again afterwards.
 */
#include <sys/atomic.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/proc.h>
#include <sys/sockvfs.h>
#include <sys/systm.h>

#include "unp_private.h"

static KMEM_TYPE_DEFINE(M_UNPADDR, "local socket name");
static uint32_t unp_autobind_next;

/* Name bytes of an address (after the header) and whether abstract. */
static size_t unp_namelen(const struct sockaddr_un *sun)
{
	return sun->sun_len - UNP_HDRLEN;
}

static bool unp_isabstract(const struct sockaddr_un *sun)
{
	return sun->sun_len > UNP_HDRLEN && sun->sun_path[0] == '\0';
}

/* Checks an address given to bind or connect: EINVAL as Linux. */
static int unp_checkaddr(const struct sockaddr *nam, bool allow_empty)
{
	if (nam->sa_len < UNP_HDRLEN || nam->sa_family != AF_LOCAL)
		return EINVAL;
	if (nam->sa_len > sizeof(struct sockaddr_un))
		return EINVAL;
	if (nam->sa_len == UNP_HDRLEN && !allow_empty)
		return EINVAL;
	return 0;
}

/*
 * The path of a path address, NUL-terminated, in buf (UNIX_PATH_MAX + 1
 * bytes); Linux reads up to the first NUL or the end of the address.
 */
static size_t unp_path(const struct sockaddr_un *sun, char *buf)
{
	size_t n = 0, max = unp_namelen(sun);

	while (n < max && sun->sun_path[n] != '\0') {
		buf[n] = sun->sun_path[n];
		n++;
	}
	buf[n] = '\0';
	return n;
}

static struct unpcb *unp_findabstract(const struct sockaddr_un *sun, int type)
{
	list_foreach(it, &unp_all)
	{
		struct unpcb *unp = list_entry(it, struct unpcb, unp_link);
		const struct sockaddr_un *a = unp->unp_addr;

		if (a != NULL && !(unp->unp_flags & UNP_NONAMESPACE) &&
		    unp_isabstract(a) && a->sun_len == sun->sun_len &&
		    unp->unp_socket->so_type == type &&
		    memcmp(a->sun_path, sun->sun_path, unp_namelen(a)) == 0)
			return unp;
	}
	return NULL;
}

int unp_setaddr(struct unpcb *unp, const struct sockaddr_un *sun)
{
	struct sockaddr_un *a = kmem_zalloc(sizeof(*a), &M_UNPADDR);

	if (a == NULL)
		return ENOMEM;
	memcpy(a, sun, sun->sun_len);
	unp->unp_addr = a;
	unp->unp_socket->so_state |= SS_ISBOUND;
	return 0;
}

/* Linux's autobind: an abstract name of five hex digits. */
static int unp_autobind(struct unpcb *unp)
{
	static const char hex[] = "0123456789abcdef";
	struct sockaddr_un sun;

	for (int tries = 0; tries < 0x100000; tries++) {
		uint32_t n = unp_autobind_next++ & 0xfffff;

		memset(&sun, 0, sizeof(sun));
		sun.sun_len = UNP_HDRLEN + 6;
		sun.sun_family = AF_LOCAL;
		for (int i = 0; i < 5; i++)
			sun.sun_path[5 - i] = hex[(n >> (4 * i)) & 0xf];
		if (unp_findabstract(&sun, unp->unp_socket->so_type) == NULL)
			return unp_setaddr(unp, &sun);
	}
	return EADDRINUSE;
}

int unp_bind(struct unpcb *unp, const struct sockaddr *nam)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)nam;
	const struct sockvfs_ops *ops;
	struct sockaddr_un full;
	char path[UNIX_PATH_MAX + 1];
	void *node;
	int error;

	if ((error = unp_checkaddr(nam, true)) != 0)
		return error;
	if (unp->unp_addr != NULL || (unp->unp_flags & UNP_BINDING))
		return EINVAL;
	if (sun->sun_len == UNP_HDRLEN)
		return unp_autobind(unp);
	if (unp_isabstract(sun)) {
		if (unp_findabstract(sun, unp->unp_socket->so_type) != NULL)
			return EADDRINUSE;
		return unp_setaddr(unp, sun);
	}
	if (unp_path(sun, path) == 0)
		return ENOENT;
	ops = atomic_load_acquire(&sockvfs);
	if (ops == NULL)
		return ENOENT; /* no file system to name it in */
	unp->unp_flags |= UNP_BINDING;
	mutex_exit(&softnet_lock);
	error = ops->sv_bind(path, &node);
	mutex_enter(&softnet_lock);
	unp->unp_flags &= ~UNP_BINDING;
	if (error != 0)
		return error;
	/* The name as getsockname gives it: the path and its NUL. */
	memset(&full, 0, sizeof(full));
	full.sun_family = AF_LOCAL;
	full.sun_len = (uint8_t)(UNP_HDRLEN + strlen(path) + 1);
	memcpy(full.sun_path, path, strlen(path));
	if ((error = unp_setaddr(unp, &full)) != 0) {
		ops->sv_rele(node);
		return error;
	}
	*ops->sv_slot(node) = unp;
	unp->unp_node = node;
	return 0;
}

int unp_find(const struct sockaddr *nam, int type, struct unpcb **unpp)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)nam;
	const struct sockvfs_ops *ops;
	char path[UNIX_PATH_MAX + 1];
	struct unpcb *unp;
	void *node;
	int error;

	if ((error = unp_checkaddr(nam, false)) != 0)
		return error;
	if (unp_isabstract(sun)) {
		if ((unp = unp_findabstract(sun, type)) == NULL)
			return ECONNREFUSED;
		*unpp = unp;
		return 0;
	}
	if (unp_path(sun, path) == 0)
		return ENOENT;
	ops = atomic_load_acquire(&sockvfs);
	if (ops == NULL)
		return ENOENT;
	mutex_exit(&softnet_lock);
	error = ops->sv_lookup(path, &node);
	mutex_enter(&softnet_lock);
	if (error != 0)
		return error;
	unp = *ops->sv_slot(node);
	/* The node stays while a socket is bound to it: drop ours now. */
	ops->sv_rele(node);
	if (unp == NULL)
		return ECONNREFUSED;
	if (unp->unp_socket->so_type != type)
		return EPROTOTYPE;
	*unpp = unp;
	return 0;
}

void unp_unbind(struct unpcb *unp)
{
	const struct sockvfs_ops *ops = atomic_load_acquire(&sockvfs);

	if (unp->unp_node != NULL) {
		KASSERT(ops != NULL);
		*ops->sv_slot(unp->unp_node) = NULL;
		ops->sv_rele(unp->unp_node);
		unp->unp_node = NULL;
	}
	if (unp->unp_addr != NULL) {
		kmem_free(unp->unp_addr, sizeof(*unp->unp_addr), &M_UNPADDR);
		unp->unp_addr = NULL;
	}
}

void unp_getaddr(const struct unpcb *unp, struct sockaddr *nam)
{
	if (unp != NULL && unp->unp_addr != NULL)
		memcpy(nam, unp->unp_addr, unp->unp_addr->sun_len);
	else {
		nam->sa_len = UNP_HDRLEN;
		nam->sa_family = AF_LOCAL;
	}
}

void unp_setcred(struct ucred *uc)
{
	kauth_cred_t cred = cred_get(curproc);

	uc->pid = curproc->p_pid;
	uc->uid = cred->cr_euid;
	uc->gid = cred->cr_egid;
	cred_free(cred);
}
