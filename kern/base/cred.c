/*
 * cred.c -- credentials and the identity system calls.  A credential is
 * shared by reference and never changed in place: set*id builds a new one
 * and swaps it in under the process lock.  Privilege is effective uid 0,
 * and the set*id rules are POSIX's (saved set-user-ID semantics).
 */
#include <sys/atomic.h>
#include <sys/kmem.h>
#include <sys/proc.h>
#include <sys/sysargs.h>
#include <sys/sysproto.h>
#include <sys/systm.h>

static KMEM_TYPE_DEFINE(M_CRED, "cred");

kauth_cred_t cred_alloc(void)
{
	kauth_cred_t cred = kmem_zalloc(sizeof(*cred), &M_CRED);

	if (cred != NULL)
		cred->cr_refcnt = 1;
	return cred;
}

void cred_hold(kauth_cred_t cred)
{
	atomic_inc_nv(&cred->cr_refcnt);
}

void cred_free(kauth_cred_t cred)
{
	if (cred != NULL && atomic_dec_nv(&cred->cr_refcnt) == 0)
		kmem_free(cred, sizeof(*cred), &M_CRED);
}

kauth_cred_t cred_get(struct proc *p)
{
	kauth_cred_t cred;

	mutex_enter(&p->p_lock);
	cred = p->p_cred;
	cred_hold(cred);
	mutex_exit(&p->p_lock);
	return cred;
}

bool cred_is_root(kauth_cred_t cred)
{
	return cred->cr_euid == 0;
}

int cred_groupmember(gid_t gid, kauth_cred_t cred)
{
	if (cred->cr_egid == gid)
		return 1;
	for (int i = 0; i < cred->cr_ngroups; i++)
		if (cred->cr_groups[i] == gid)
			return 1;
	return 0;
}

/*
 * Replace p's credentials by a copy of the current ones that edit() has
 * changed; edit returns 0 or an errno (then nothing changes).  The lock
 * is held across, so two threads changing ids cannot lose an update.
 */
static int cred_modify(struct proc *p, int (*edit)(kauth_cred_t, const void *),
		       const void *arg)
{
	kauth_cred_t ncred = cred_alloc();
	int error;

	if (ncred == NULL)
		return ENOMEM;
	mutex_enter(&p->p_lock);
	memcpy(ncred, p->p_cred, sizeof(*ncred));
	ncred->cr_refcnt = 1;
	error = edit(ncred, arg);
	if (error == 0) {
		kauth_cred_t old = p->p_cred;
		p->p_cred = ncred;
		ncred = old;
	}
	mutex_exit(&p->p_lock);
	cred_free(ncred);
	return error;
}

int sys_getpid(struct lwp *l, const struct sys_getpid_args *uap,
	       register_t *retval)
{
	retval[0] = l->l_proc->p_pid;
	return 0;
}

int sys_getppid(struct lwp *l, const struct sys_getppid_args *uap,
		register_t *retval)
{
	struct proc *pp;

	mutex_enter(&proc_lock);
	pp = l->l_proc->p_pptr;
	retval[0] = pp != NULL ? pp->p_pid : 0;
	mutex_exit(&proc_lock);
	return 0;
}

/* The ids are read under the lock, as a set*id may be swapping them. */
#define CRED_GETTER(name, field)                                               \
	int sys_##name(struct lwp *l, const struct sys_##name##_args *uap,     \
		       register_t *retval)                                     \
	{                                                                      \
		struct proc *p = l->l_proc;                                    \
		mutex_enter(&p->p_lock);                                       \
		retval[0] = p->p_cred->field;                                  \
		mutex_exit(&p->p_lock);                                        \
		return 0;                                                      \
	}
CRED_GETTER(getuid, cr_uid)
CRED_GETTER(geteuid, cr_euid)
CRED_GETTER(getgid, cr_gid)
CRED_GETTER(getegid, cr_egid)

/* POSIX setuid: root sets all three ids; others may set the effective id
 * to the real or saved one. */
static int edit_setuid(kauth_cred_t c, const void *arg)
{
	uid_t uid = *(const uid_t *)arg;

	if (c->cr_euid == 0) {
		c->cr_uid = c->cr_euid = c->cr_svuid = uid;
		return 0;
	}
	if (uid != c->cr_uid && uid != c->cr_svuid)
		return EPERM;
	c->cr_euid = uid;
	return 0;
}

static int edit_seteuid(kauth_cred_t c, const void *arg)
{
	uid_t uid = *(const uid_t *)arg;

	if (c->cr_euid != 0 && uid != c->cr_uid && uid != c->cr_svuid)
		return EPERM;
	c->cr_euid = uid;
	return 0;
}

static int edit_setgid(kauth_cred_t c, const void *arg)
{
	gid_t gid = *(const gid_t *)arg;

	if (c->cr_euid == 0) {
		c->cr_gid = c->cr_egid = c->cr_svgid = gid;
		return 0;
	}
	if (gid != c->cr_gid && gid != c->cr_svgid)
		return EPERM;
	c->cr_egid = gid;
	return 0;
}

static int edit_setegid(kauth_cred_t c, const void *arg)
{
	gid_t gid = *(const gid_t *)arg;

	if (c->cr_euid != 0 && gid != c->cr_gid && gid != c->cr_svgid)
		return EPERM;
	c->cr_egid = gid;
	return 0;
}

/* (uid_t)-1 is not an id: setreuid uses it for "unchanged", and Linux
 * rejects it here with EINVAL too.  The slot is 64 bits wide, so a value
 * beyond 32 bits is rejected the same way. */
static bool id_valid(uint64_t id)
{
	return id < UINT32_MAX;
}

#define CRED_SETTER(name, type, arg)                                           \
	int sys_##name(struct lwp *l, const struct sys_##name##_args *uap,     \
		       register_t *retval)                                     \
	{                                                                      \
		type id = (type)SCARG(uap, arg);                               \
		if (!id_valid((uint64_t)SCARG(uap, arg)))                      \
			return EINVAL;                                         \
		return cred_modify(l->l_proc, edit_##name, &id);               \
	}
CRED_SETTER(setuid, uid_t, uid)
CRED_SETTER(seteuid, uid_t, uid)
CRED_SETTER(setgid, gid_t, gid)
CRED_SETTER(setegid, gid_t, gid)

struct groups_arg {
	int n;
	const gid_t *list;
};

static int edit_setgroups(kauth_cred_t c, const void *arg)
{
	const struct groups_arg *g = arg;

	if (c->cr_euid != 0)
		return EPERM;
	c->cr_ngroups = g->n;
	memcpy(c->cr_groups, g->list, sizeof(gid_t) * (size_t)g->n);
	return 0;
}

int sys_setgroups(struct lwp *l, const struct sys_setgroups_args *uap,
		  register_t *retval)
{
	uint64_t n = (uint64_t)SCARG(uap, gidsetsize);
	gid_t groups[NGROUPS_MAX];
	struct groups_arg g;
	int error;

	if (n > NGROUPS_MAX)
		return EINVAL;
	if (n > 0 && (error = copyin(SCARG(uap, gidset), groups,
				     sizeof(gid_t) * n)) != 0)
		return error;
	g.n = (int)n;
	g.list = groups;
	return cred_modify(l->l_proc, edit_setgroups, &g);
}

int sys_getgroups(struct lwp *l, const struct sys_getgroups_args *uap,
		  register_t *retval)
{
	int64_t size = SCARG(uap, gidsetsize);
	kauth_cred_t cred = cred_get(l->l_proc);
	int n = cred->cr_ngroups, error = 0;

	if (size < 0)
		error = EINVAL;
	else if (size > 0 && size < n)
		error = EINVAL;
	else if (size > 0 && n > 0)
		error = copyout(cred->cr_groups, SCARG(uap, gidset),
				sizeof(gid_t) * (size_t)n);
	cred_free(cred);
	if (error == 0)
		retval[0] = n;
	return error;
}
