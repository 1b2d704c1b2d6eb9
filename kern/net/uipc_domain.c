/*
 * uipc_domain.c -- the list of communication domains and the lookup of
 * a protocol for socket().  Domains come and go with their components
 * (domain_attach at init, domain_detach at fini), under softnet_lock.
 */
#include <sys/domain.h>
#include <sys/errno.h>
#include <sys/protosw.h>
#include <sys/socketvar.h>
#include <sys/systm.h>

static struct list_head domains = LIST_HEAD_INIT(domains);

int domain_attach(struct domain *dp)
{
	int error = 0;

	mutex_enter(&softnet_lock);
	if (pffinddomain(dp->dom_family) != NULL)
		error = EEXIST;
	else if (dp->dom_init != NULL)
		error = dp->dom_init();
	if (error == 0)
		list_push_back(&domains, &dp->dom_link);
	mutex_exit(&softnet_lock);
	return error;
}

void domain_detach(struct domain *dp)
{
	mutex_enter(&softnet_lock);
	list_remove(&dp->dom_link);
	if (dp->dom_fini != NULL)
		dp->dom_fini();
	mutex_exit(&softnet_lock);
}

struct domain *pffinddomain(int family)
{
	struct list_node *n;

	for (n = domains.n.next; n != &domains.n; n = n->next) {
		struct domain *dp = list_entry(n, struct domain, dom_link);

		if (dp->dom_family == family)
			return dp;
	}
	return NULL;
}

const struct protosw *pffindproto(int family, int type, int protocol)
{
	struct domain *dp = pffinddomain(family);

	if (dp == NULL)
		return NULL;
	for (int i = 0; i < dp->dom_nprotosw; i++) {
		const struct protosw *pr = &dp->dom_protosw[i];

		if (pr->pr_type != type || pr->pr_usrreqs == NULL)
			continue;
		if (protocol == 0 || pr->pr_protocol == protocol)
			return pr;
	}
	return NULL;
}

int pffind_error(int family, int type, int protocol)
{
	struct domain *dp = pffinddomain(family);
	bool type_known = false;

	if (dp == NULL)
		return EAFNOSUPPORT;
	for (int i = 0; i < dp->dom_nprotosw; i++)
		if (dp->dom_protosw[i].pr_type == type)
			type_known = true;
	return type_known ? EPROTONOSUPPORT : ESOCKTNOSUPPORT;
}
