/*
 * sys/domain.h -- communication domains (address families).  A protocol
 * family's component (local sockets, inet) registers its struct domain
 * with domain_attach at init and takes it back with domain_detach at
 * fini; socket() finds a protocol with pffindproto.  The list is guarded
 * by softnet_lock; lookups made without it see a domain only between its
 * attach and its detach, which happen while no socket of it exists.
 */
#ifndef RUMPKERN_SYS_DOMAIN_H_
#define RUMPKERN_SYS_DOMAIN_H_
#include <sys/queue.h>
#include <sys/types.h>

struct mbuf;
struct protosw;
struct lwp;

struct domain {
	int dom_family; /* AF_* */
	const char *dom_name;
	/* At attach (with softnet_lock held): set up tables, timers. */
	int (*dom_init)(void);
	/* At detach: undo dom_init (no socket of the domain is left). */
	void (*dom_fini)(void);
	const struct protosw *dom_protosw; /* array of dom_nprotosw */
	int dom_nprotosw;
	/*
	 * SCM_RIGHTS (PR_RIGHTS protocols).  dom_externalize turns the
	 * rights in a received control mbuf into descriptors of the
	 * receiving process (cloexec for MSG_CMSG_CLOEXEC); 0 or an errno
	 * (EMSGSIZE, EMFILE: the rights are then disposed of).
	 * dom_dispose takes a control chain whose rights were never
	 * received: it drops their references and frees the chain, later
	 * if need be (it runs with softnet_lock held, and the last close
	 * of a socket file takes that lock).
	 */
	int (*dom_externalize)(struct mbuf *control, struct lwp *l, int flags);
	void (*dom_dispose)(struct mbuf *control);
	struct list_node dom_link; /* domain list */
};

/* 0, or EEXIST for a family registered already, or dom_init's error. */
int domain_attach(struct domain *dp);
void domain_detach(struct domain *dp);
struct domain *pffinddomain(int family);
/*
 * The protocol of family for socket(family, type, protocol): protocol 0
 * takes the first of that type.  NULL when there is none; socket()'s
 * errors say why (pffind_error).
 */
const struct protosw *pffindproto(int family, int type, int protocol);
/*
 * Why pffindproto failed: EAFNOSUPPORT (no such family), ESOCKTNOSUPPORT
 * (the family has no such type), EPROTONOSUPPORT (the type, not with
 * that protocol).  Linux's choices for the same cases.
 */
int pffind_error(int family, int type, int protocol);
#endif
