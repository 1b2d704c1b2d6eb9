/*
 * sysctl.c -- sysctlbyname(2): named kernel values and tables that
 * components register (sys/sysctl.h).  A read copies the node's value out
 * (a table node's function fills a kernel buffer the size the caller
 * offers, counting what does not fit); a write of a writable int checks
 * its length and range.  The registry has its own mutex, held across a
 * node's function, which may take the subsystem's locks after it.
 */
#include <sys/atomic.h>
#include <sys/component.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/param.h>
#include <sys/proc.h>
#include <sys/sysargs.h>
#include <sys/sysctl.h>
#include <sys/sysproto.h>
#include <sys/systm.h>

#include <rump/sysctl.h>

#define SYSCTL_SETS 32
/* The largest table a call returns: the caller's buffer, capped. */
#define SYSCTL_OUT_MAX (16u << 20)

static kmutex_t sysctl_lock;
static const struct sysctl_node *sysctl_sets[SYSCTL_SETS];
static int sysctl_nodes[SYSCTL_SETS];

static int sysctl_names(struct sysctl_req *req);
static int sysctl_hostname(struct sysctl_req *req);

static const struct sysctl_node sysctl_base[] = {
	{.sn_name = "sysctl.names",
	 .sn_type = SYSCTL_FUNC,
	 .sn_func = sysctl_names},
	{.sn_name = "kern.ostype",
	 .sn_type = SYSCTL_STRING,
	 .sn_string = "rumpkit"},
	{.sn_name = "kern.hostname",
	 .sn_type = SYSCTL_FUNC,
	 .sn_func = sysctl_hostname},
};

void sysctl_out(struct sysctl_req *req, const void *p, size_t len)
{
	if (req->sr_buf != NULL && req->sr_len + len <= req->sr_cap)
		memcpy(req->sr_buf + req->sr_len, p, len);
	req->sr_len += len;
}

static const struct sysctl_node *sysctl_find(const char *name)
{
	for (int i = 0; i < SYSCTL_SETS; i++)
		for (int j = 0; sysctl_sets[i] != NULL && j < sysctl_nodes[i];
		     j++)
			if (strcmp(sysctl_sets[i][j].sn_name, name) == 0)
				return &sysctl_sets[i][j];
	return NULL;
}

int sysctl_register(const struct sysctl_node *nodes, int n)
{
	int error = ENOSPC;

	mutex_enter(&sysctl_lock);
	for (int j = 0; j < n; j++) {
		if (sysctl_find(nodes[j].sn_name) != NULL) {
			error = EEXIST;
			goto out;
		}
	}
	for (int i = 0; i < SYSCTL_SETS; i++) {
		if (sysctl_sets[i] == NULL) {
			sysctl_sets[i] = nodes;
			sysctl_nodes[i] = n;
			error = 0;
			break;
		}
	}
out:
	mutex_exit(&sysctl_lock);
	return error;
}

void sysctl_unregister(const struct sysctl_node *nodes)
{
	mutex_enter(&sysctl_lock);
	for (int i = 0; i < SYSCTL_SETS; i++)
		if (sysctl_sets[i] == nodes)
			sysctl_sets[i] = NULL;
	mutex_exit(&sysctl_lock);
}

/* sysctl.names: every name, NUL-terminated, one after the other. */
static int sysctl_names(struct sysctl_req *req)
{
	for (int i = 0; i < SYSCTL_SETS; i++)
		for (int j = 0; sysctl_sets[i] != NULL && j < sysctl_nodes[i];
		     j++)
			sysctl_out(req, sysctl_sets[i][j].sn_name,
				   strlen(sysctl_sets[i][j].sn_name) + 1);
	return 0;
}

static int sysctl_hostname(struct sysctl_req *req)
{
	sysctl_out(req, boot_params.hostname, strlen(boot_params.hostname) + 1);
	return 0;
}

/* A node's value into req; 0 or the node function's error. */
static int sysctl_read(const struct sysctl_node *node, struct sysctl_req *req)
{
	int32_t v;

	switch (node->sn_type) {
	case SYSCTL_INT:
		if (node->sn_lock != NULL)
			mutex_enter(node->sn_lock);
		v = (int32_t)*node->sn_int;
		if (node->sn_lock != NULL)
			mutex_exit(node->sn_lock);
		sysctl_out(req, &v, sizeof(v));
		return 0;
	case SYSCTL_STRING:
		sysctl_out(req, node->sn_string, strlen(node->sn_string) + 1);
		return 0;
	case SYSCTL_FUNC:
		return node->sn_func(req);
	}
	return EINVAL;
}

static int sysctl_write(const struct sysctl_node *node, const void *newp,
			size_t newlen)
{
	int32_t v;
	int error;

	if (node->sn_type != SYSCTL_INT || !node->sn_writable)
		return EPERM;
	if (newlen != sizeof(v))
		return EINVAL;
	if ((error = copyin(newp, &v, sizeof(v))) != 0)
		return error;
	if (v < node->sn_min || v > node->sn_max)
		return EINVAL;
	if (node->sn_lock != NULL)
		mutex_enter(node->sn_lock);
	/* Stored atomically: some are read without the lock (in_gro.c). */
	atomic_store_relaxed(node->sn_int, (int)v);
	if (node->sn_lock != NULL)
		mutex_exit(node->sn_lock);
	return 0;
}

static KMEM_TYPE_DEFINE(M_SYSCTL, "sysctl");

int sys_sysctlbyname(struct lwp *l, const struct sys_sysctlbyname_args *uap,
		     register_t *retval)
{
	char name[RUMP_SYSCTL_NAMEMAX];
	const struct sysctl_node *node;
	struct sysctl_req req = {0};
	void *oldp = SCARG(uap, oldp);
	size_t done, oldlen = 0;
	int error;

	error = copyinstr(SCARG(uap, name), name, sizeof(name), &done);
	if (error != 0)
		return error == ENAMETOOLONG ? ENOENT : error;
	if (SCARG(uap, oldlenp) != NULL &&
	    (error = copyin(SCARG(uap, oldlenp), &oldlen, sizeof(oldlen))) != 0)
		return error;
	if (oldp != NULL && SCARG(uap, oldlenp) == NULL)
		return EINVAL;
	if (oldp != NULL && oldlen > 0) {
		req.sr_cap = oldlen < SYSCTL_OUT_MAX ? oldlen : SYSCTL_OUT_MAX;
		if ((req.sr_buf = kmem_alloc(req.sr_cap, &M_SYSCTL)) == NULL)
			return ENOMEM;
	}
	mutex_enter(&sysctl_lock);
	if ((node = sysctl_find(name)) == NULL)
		error = ENOENT;
	if (error == 0 && SCARG(uap, oldlenp) != NULL)
		error = sysctl_read(node, &req);
	if (error == 0 && SCARG(uap, newp) != NULL)
		error = sysctl_write(node, SCARG(uap, newp),
				     SCARG(uap, newlen));
	mutex_exit(&sysctl_lock);
	if (error == 0 && SCARG(uap, oldlenp) != NULL) {
		/* The old value out, or ENOMEM and the size it needs. */
		if (oldp != NULL && req.sr_len > oldlen)
			error = ENOMEM;
		else if (oldp != NULL && req.sr_len > 0)
			error = copyout(req.sr_buf, oldp, req.sr_len);
		if (error == 0 || error == ENOMEM) {
			int e = copyout(&req.sr_len, SCARG(uap, oldlenp),
					sizeof(req.sr_len));
			if (e != 0)
				error = e;
		}
	}
	if (req.sr_buf != NULL)
		kmem_free(req.sr_buf, req.sr_cap, &M_SYSCTL);
	retval[0] = 0;
	return error;
}

static int sysctl_init(void)
{
	mutex_init(&sysctl_lock, MUTEX_DEFAULT);
	return sysctl_register(sysctl_base, __arraycount(sysctl_base));
}

static void sysctl_fini(void)
{
	sysctl_unregister(sysctl_base);
	mutex_destroy(&sysctl_lock);
}

RUMP_COMPONENT(sysctl, RUMP_STAGE_BASE, NULL, sysctl_init, sysctl_fini)
