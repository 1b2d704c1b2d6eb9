/*
 * lwproc.c -- processes and threads (lwps) and the rump_pub_lwproc_*
 * interface that binds host threads to them.  Process 0 owns kernel
 * threads; process 1 is the persistent implicit process of host threads
 * that have no context of their own.  A process ends with its last lwp,
 * running the exit hooks of every faction that keeps per-process state.
 * proc_lock guards the process list, pid allocation and parent links.
 */
#include <rump/rumpuser.h>
#include <sys/atomic.h>
#include <sys/component.h>
#include <sys/kmem.h>
#include <sys/proc.h>
#include <sys/systm.h>

#define PID_MAX 30000

struct proc proc0;
struct proc *proc1;
kmutex_t proc_lock;

static struct list_head allproc = LIST_HEAD_INIT(allproc);
static pid_t next_pid = 2;
static volatile lwpid_t next_lid = 1;
static const struct proc_hooks *proc_hooks[PROC_NSPECIFIC];

static KMEM_TYPE_DEFINE(M_PROC, "proc");
static KMEM_TYPE_DEFINE(M_LWP, "lwp");


struct proc *proc_find(pid_t pid)
{
	list_foreach(it, &allproc)
	{
		struct proc *p = list_entry(it, struct proc, p_allnode);
		if (p->p_pid == pid && !(p->p_flags & PK_EXITING))
			return p;
	}
	return NULL;
}

/* A free pid above the last one, wrapping; proc_lock held. */
static pid_t pid_alloc(void)
{
	for (int tries = 0; tries < PID_MAX; tries++) {
		pid_t pid = next_pid++;
		if (next_pid >= PID_MAX)
			next_pid = 2;
		if (proc_find(pid) == NULL)
			return pid;
	}
	return -1;
}

/* Links l into p; p->p_lock must not be held. */
static void lwp_link(struct lwp *l, struct proc *p)
{
	l->l_proc = p;
	mutex_enter(&p->p_lock);
	list_push_back(&p->p_lwps, &l->l_sibling);
	p->p_nlwps++;
	mutex_exit(&p->p_lock);
}

static struct lwp *lwp_create(int flags, const char *name)
{
	struct lwp *l = kmem_zalloc(sizeof(*l), &M_LWP);

	if (l == NULL)
		return NULL;
	l->l_flags = flags;
	l->l_lid = atomic_inc_nv(&next_lid);
	strlcpy(l->l_name, name, sizeof(l->l_name));
	rumpuser_curlwpop(RUMPUSER_LWP_CREATE, l);
	return l;
}

/*
 * Implicit lwps belong to process 1 but are not on its lwp list: they are
 * created and freed by a thread that holds a virtual CPU without a current
 * lwp, which must not wait for a process lock (it could not give its CPU
 * up while waiting).  The scheduler keeps track of them instead.
 */
struct lwp *lwp_alloc(struct proc *p, int flags, const char *name)
{
	struct lwp *l = lwp_create(flags, name);

	if (l == NULL)
		return NULL;
	if (flags & LW_IMPLICIT)
		l->l_proc = p;
	else
		lwp_link(l, p);
	return l;
}

void lwp_free(struct lwp *l)
{
	struct proc *p = l->l_proc;

	if (p != NULL && !(l->l_flags & LW_IMPLICIT)) {
		mutex_enter(&p->p_lock);
		list_remove(&l->l_sibling);
		p->p_nlwps--;
		mutex_exit(&p->p_lock);
	}
	rumpuser_curlwpop(RUMPUSER_LWP_DESTROY, l);
	kmem_free(l, sizeof(*l), &M_LWP);
}

static void proc_setup(struct proc *p, const char *comm)
{
	mutex_init(&p->p_lock, MUTEX_DEFAULT);
	list_init(&p->p_lwps);
	strlcpy(p->p_comm, comm, sizeof(p->p_comm));
	p->p_vmspace = &vmspace_local;
}

/* Runs every faction's exit hook for p (marked PK_EXITING already). */
static void proc_exit_hooks(struct proc *p)
{
	for (int i = PROC_NSPECIFIC - 1; i >= 0; i--)
		if (proc_hooks[i] != NULL && proc_hooks[i]->ph_exit != NULL)
			proc_hooks[i]->ph_exit(p);
}

/* Frees p, which has no lwps and whose exit hooks ran. */
static void proc_free(struct proc *p)
{
	mutex_enter(&proc_lock);
	list_remove(&p->p_allnode);
	/* Orphans go to process 1, as init inherits them. */
	list_foreach(it, &allproc)
	{
		struct proc *c = list_entry(it, struct proc, p_allnode);
		if (c->p_pptr == p)
			c->p_pptr = proc1;
	}
	mutex_exit(&proc_lock);
	cred_free(p->p_cred);
	mutex_destroy(&p->p_lock);
	kmem_free(p, sizeof(*p), &M_PROC);
}

int lwproc_nprocs(void)
{
	int n = 0;

	mutex_enter(&proc_lock);
	list_foreach(it, &allproc) n++;
	mutex_exit(&proc_lock);
	return n;
}

int lwproc_rfork(struct proc *parent, int flags, const char *comm,
		 struct proc **childp)
{
	struct proc *p;
	int i, error;

	if ((flags & ~(RFFDG | RFCFDG)) != 0 ||
	    (flags & (RFFDG | RFCFDG)) == (RFFDG | RFCFDG))
		return EINVAL;
	if ((p = kmem_zalloc(sizeof(*p), &M_PROC)) == NULL)
		return ENOMEM;
	proc_setup(p, comm);
	p->p_pptr = parent;
	p->p_cred = cred_get(parent);
	mutex_enter(&proc_lock);
	p->p_pid = pid_alloc();
	if (p->p_pid < 0) {
		mutex_exit(&proc_lock);
		error = EAGAIN;
		goto fail;
	}
	list_push_back(&allproc, &p->p_allnode);
	mutex_exit(&proc_lock);
	for (i = 0; i < PROC_NSPECIFIC; i++) {
		if (proc_hooks[i] == NULL || proc_hooks[i]->ph_fork == NULL)
			continue;
		if ((error = proc_hooks[i]->ph_fork(parent, p, flags)) != 0)
			goto unwind;
	}
	*childp = p;
	return 0;
unwind:
	/* Undo the hooks that ran, newest first. */
	while (--i >= 0)
		if (proc_hooks[i] != NULL && proc_hooks[i]->ph_exit != NULL)
			proc_hooks[i]->ph_exit(p);
	mutex_enter(&proc_lock);
	list_remove(&p->p_allnode);
	mutex_exit(&proc_lock);
fail:
	cred_free(p->p_cred);
	mutex_destroy(&p->p_lock);
	kmem_free(p, sizeof(*p), &M_PROC);
	return error;
}

int proc_specific_register(const struct proc_hooks *hooks, int *slotp)
{
	for (int i = 0; i < PROC_NSPECIFIC; i++) {
		if (proc_hooks[i] == NULL) {
			proc_hooks[i] = hooks;
			*slotp = i;
			return 0;
		}
	}
	return ENOSPC;
}

void proc_specific_unregister(int slot)
{
	proc_hooks[slot] = NULL;
}

int lwproc_init(void)
{
	kauth_cred_t cred;

	mutex_init(&proc_lock, MUTEX_DEFAULT);
	proc_setup(&proc0, "system");
	proc0.p_flags = PK_SYSTEM;
	list_push_back(&allproc, &proc0.p_allnode);
	if ((cred = cred_alloc()) == NULL)
		goto fail;
	proc0.p_cred = cred;
	if ((proc1 = kmem_zalloc(sizeof(*proc1), &M_PROC)) == NULL)
		goto fail;
	proc_setup(proc1, "rumphost");
	proc1->p_pid = 1;
	proc1->p_pptr = &proc0;
	proc1->p_cred = cred_get(&proc0);
	list_push_back(&allproc, &proc1->p_allnode);
	return 0;
fail:
	lwproc_fini();
	return ENOMEM;
}

/* Frees every process left; kernel threads must be gone already. */
void lwproc_fini(void)
{
	list_foreach_safe(it, &allproc)
	{
		struct proc *p = list_entry(it, struct proc, p_allnode);
		if (p == &proc0)
			continue;
		list_foreach_safe(lit, &p->p_lwps)
			lwp_free(list_entry(lit, struct lwp, l_sibling));
		p->p_flags |= PK_EXITING;
		proc_exit_hooks(p);
		proc_free(p);
	}
	proc1 = NULL;
	if (proc0.p_cred != NULL)
		cred_free(proc0.p_cred);
	proc0.p_cred = NULL;
	if (proc0.p_lock.mtx_host != NULL) {
		list_remove(&proc0.p_allnode);
		mutex_destroy(&proc0.p_lock);
	}
	memset(&proc0, 0, sizeof(proc0));
	if (proc_lock.mtx_host != NULL)
		mutex_destroy(&proc_lock);
	list_init(&allproc);
	next_pid = 2;
}

/* rump_pub_lwproc_*: called by host threads outside the kernel. */

int rump_kern_lwproc_rfork(int flags)
{
	struct proc *child;
	struct lwp *l;
	int error;

	if ((error = kern_entry_error()) != 0)
		return error;
	rump_schedule();
	error = lwproc_rfork(curproc, flags, curproc->p_comm, &child);
	if (error == 0) {
		l = lwp_alloc(child, 0, child->p_comm);
		if (l == NULL) {
			child->p_flags |= PK_EXITING;
			proc_exit_hooks(child);
			proc_free(child);
			error = ENOMEM;
		} else
			sched_switch_lwp(l);
	}
	rump_unschedule();
	return error;
}

int rump_kern_lwproc_newlwp(int32_t pid)
{
	struct proc *p;
	struct lwp *l;
	int error;

	if ((error = kern_entry_error()) != 0)
		return error;
	rump_schedule();
	if ((l = lwp_create(0, "lwp")) == NULL) {
		rump_unschedule();
		return ENOMEM;
	}
	/* Linking under proc_lock orders this against the last lwp's exit. */
	mutex_enter(&proc_lock);
	p = proc_find(pid);
	if (p == NULL || (p->p_flags & PK_SYSTEM))
		error = ESRCH;
	else {
		strlcpy(l->l_name, p->p_comm, sizeof(l->l_name));
		lwp_link(l, p);
	}
	mutex_exit(&proc_lock);
	if (error == 0)
		sched_switch_lwp(l);
	else
		lwp_free(l);
	rump_unschedule();
	return error;
}

/*
 * The server's interruption (kern/base/intr.c): of process pid, whose
 * connection dropped, or with pid 0 of every client process but the
 * caller's, before a halt.  proc_lock held keeps the processes alive.
 */
int rump_kern_lwproc_interrupt(int32_t pid)
{
	struct proc *self;
	int error = 0;

	if ((error = kern_entry_error()) != 0)
		return error;
	rump_schedule();
	self = curproc;
	mutex_enter(&proc_lock);
	if (pid != 0) {
		struct proc *p = proc_find(pid);
		if (p == NULL || (p->p_flags & PK_SYSTEM) || p == proc1)
			error = ESRCH;
		else
			proc_interrupt(p);
	} else {
		list_foreach(it, &allproc)
		{
			struct proc *p = list_entry(it, struct proc, p_allnode);
			if (p != &proc0 && p != proc1 && p != self)
				proc_interrupt(p);
		}
	}
	mutex_exit(&proc_lock);
	rump_unschedule();
	return error;
}

/*
 * The client's interruption of one call (kern/base/intr.c): the lwp lid
 * of process pid, which runs it.  ESRCH when the call is over.
 */
int rump_kern_lwproc_interrupt_lwp(int32_t pid, int32_t lid)
{
	struct proc *p;
	int error;

	if ((error = kern_entry_error()) != 0)
		return error;
	rump_schedule();
	mutex_enter(&proc_lock);
	p = proc_find(pid);
	if (p == NULL || (p->p_flags & PK_SYSTEM) || p == proc1)
		error = ESRCH;
	else
		error = lwp_interrupt(p, lid);
	mutex_exit(&proc_lock);
	rump_unschedule();
	return error;
}

void rump_pub_lwproc_switch(struct lwp *l)
{
	struct lwp *cur = rumpuser_curlwp();

	if (kern_entry_error() != 0) {
		printf("rump_pub_lwproc_switch: the kernel is not running\n");
		return;
	}
	if (l != NULL && l == cur)
		return;
	if (l != NULL && (l->l_running || (l->l_flags & LW_SYSTEM))) {
		printf("rump_pub_lwproc_switch: thread %d is running "
		       "elsewhere; not switched\n",
		       l->l_lid);
		return;
	}
	if (l == NULL && cur == NULL)
		return;
	rump_schedule();
	sched_switch_lwp(l);
	rump_unschedule();
}

void rump_pub_lwproc_releaselwp(void)
{
	struct lwp *l = rumpuser_curlwp();
	struct proc *p;
	bool last;

	if (kern_entry_error() != 0) {
		printf("rump_pub_lwproc_releaselwp: the kernel is not "
		       "running\n");
		return;
	}
	if (l == NULL || (l->l_flags & LW_IMPLICIT)) {
		printf("rump_pub_lwproc_releaselwp: no thread to release\n");
		return;
	}
	rump_schedule();
	p = l->l_proc;
	mutex_enter(&proc_lock);
	mutex_enter(&p->p_lock);
	last = p->p_nlwps == 1 && p != proc1; /* process 1 persists */
	mutex_exit(&p->p_lock);
	if (last)
		p->p_flags |= PK_EXITING;
	mutex_exit(&proc_lock);
	/* Exit hooks run with the process's last lwp still current. */
	if (last)
		proc_exit_hooks(p);
	sched_switch_lwp(NULL);
	lwp_free(l);
	if (last)
		proc_free(p);
	rump_unschedule();
}

struct lwp *rump_pub_lwproc_curlwp(void)
{
	struct lwp *l = rumpuser_curlwp();

	return l != NULL && !(l->l_flags & LW_IMPLICIT) ? l : NULL;
}
