/*
 * vfs_cwd.c -- per-process VFS state on a process-specific slot: the
 * working directory, the root directory (chroot; NULL means the global
 * root), the file creation mask and the POSIX record locks the process
 * owns.  A child made by rfork starts with copies of its parent's; the
 * exit hook drops them.  cwi_lock guards the fields; the vnodes it holds
 * are referenced.
 */
#include <sys/mutex.h>

#include "vfs_private.h"

static KMEM_TYPE_DEFINE(M_CWD, "cwdinfo");
static int cwd_slot = -1;
static kmutex_t cwd_list_lock;
static struct list_head cwd_all = LIST_HEAD_INIT(cwd_all);

static int cwi_create(struct proc *p, struct cwdinfo *from)
{
	struct cwdinfo *cwi = kmem_zalloc(sizeof(*cwi), &M_CWD);

	if (cwi == NULL)
		return ENOMEM;
	mutex_init(&cwi->cwi_lock, MUTEX_DEFAULT);
	list_init(&cwi->cwi_locks);
	cwi->cwi_proc = p;
	if (from != NULL) {
		mutex_enter(&from->cwi_lock);
		cwi->cwi_cdir = from->cwi_cdir;
		cwi->cwi_rdir = from->cwi_rdir;
		cwi->cwi_cmask = from->cwi_cmask;
		vref(cwi->cwi_cdir);
		if (cwi->cwi_rdir != NULL)
			vref(cwi->cwi_rdir);
		mutex_exit(&from->cwi_lock);
	} else {
		cwi->cwi_cdir = rootvnode;
		vref(rootvnode);
		cwi->cwi_cmask = 022;
	}
	mutex_enter(&cwd_list_lock);
	list_push_back(&cwd_all, &cwi->cwi_all);
	mutex_exit(&cwd_list_lock);
	p->p_specific[cwd_slot] = cwi;
	return 0;
}

static void cwi_destroy(struct cwdinfo *cwi)
{
	lf_procexit(cwi);
	vrele(cwi->cwi_cdir);
	if (cwi->cwi_rdir != NULL)
		vrele(cwi->cwi_rdir);
	mutex_enter(&cwd_list_lock);
	list_remove(&cwi->cwi_all);
	mutex_exit(&cwd_list_lock);
	cwi->cwi_proc->p_specific[cwd_slot] = NULL;
	mutex_destroy(&cwi->cwi_lock);
	kmem_free(cwi, sizeof(*cwi), &M_CWD);
}

static int cwd_fork(struct proc *parent, struct proc *child, int flags)
{
	return cwi_create(child, cwd_get(parent));
}

static void cwd_exit(struct proc *p)
{
	struct cwdinfo *cwi = p->p_specific[cwd_slot];

	if (cwi != NULL)
		cwi_destroy(cwi);
}

static const struct proc_hooks cwd_hooks = {
	.ph_name = "vfs",
	.ph_fork = cwd_fork,
	.ph_exit = cwd_exit,
};

struct cwdinfo *cwd_get(struct proc *p)
{
	struct cwdinfo *cwi = p->p_specific[cwd_slot];

	KASSERTMSG(cwi != NULL, "process %d has no VFS state", p->p_pid);
	return cwi;
}

struct cwdinfo *cwd_lookup(struct proc *p)
{
	return cwd_slot >= 0 ? p->p_specific[cwd_slot] : NULL;
}

void cwd_getdirs(struct proc *p, struct vnode **cdirp, struct vnode **rdirp)
{
	struct cwdinfo *cwi = cwd_get(p);

	mutex_enter(&cwi->cwi_lock);
	*cdirp = cwi->cwi_cdir;
	vref(*cdirp);
	*rdirp = cwi->cwi_rdir != NULL ? cwi->cwi_rdir : rootvnode;
	vref(*rdirp);
	mutex_exit(&cwi->cwi_lock);
}

void cwd_setcdir(struct proc *p, struct vnode *vp)
{
	struct cwdinfo *cwi = cwd_get(p);
	struct vnode *old;

	mutex_enter(&cwi->cwi_lock);
	old = cwi->cwi_cdir;
	cwi->cwi_cdir = vp;
	mutex_exit(&cwi->cwi_lock);
	vrele(old);
}

void cwd_setrdir(struct proc *p, struct vnode *vp)
{
	struct cwdinfo *cwi = cwd_get(p);
	struct vnode *old;

	mutex_enter(&cwi->cwi_lock);
	old = cwi->cwi_rdir;
	cwi->cwi_rdir = vp;
	mutex_exit(&cwi->cwi_lock);
	if (old != NULL)
		vrele(old);
}

/* After the root file system is mounted: state for the processes so far. */
int cwd_init(void)
{
	int error;

	mutex_init(&cwd_list_lock, MUTEX_DEFAULT);
	if ((error = proc_specific_register(&cwd_hooks, &cwd_slot)) != 0)
		goto fail;
	if ((error = cwi_create(&proc0, NULL)) != 0)
		goto fail;
	if ((error = cwi_create(proc1, NULL)) != 0)
		goto fail;
	return 0;
fail:
	cwd_fini();
	return error;
}

/* Every process's state goes, so the root can be unmounted. */
void cwd_fini(void)
{
	if (cwd_slot >= 0) {
		while (!list_empty(&cwd_all))
			cwi_destroy(list_entry(list_first(&cwd_all),
					       struct cwdinfo, cwi_all));
		proc_specific_unregister(cwd_slot);
	}
	cwd_slot = -1;
	mutex_destroy(&cwd_list_lock);
}
