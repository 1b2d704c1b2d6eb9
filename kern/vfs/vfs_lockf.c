/*
 * vfs_lockf.c -- advisory locks.  POSIX record locks (fcntl) belong to a
 * process, cover byte ranges, split and merge, and go when the process
 * closes any descriptor of the file (the descriptor layer asks) or exits;
 * flock locks belong to an open file and cover it whole.  The two kinds
 * never conflict with each other, as in Linux.  One mutex guards every
 * lock list; waiters sleep on one condition variable and look again.  A
 * wait for a lock (F_SETLKW, flock) is interruptible (EINTR: the client
 * was signalled, or is gone), since its holder may never let it go.
 */
#include <sys/mutex.h>

#include "vfs_private.h"

#define OFF_MAX INT64_MAX
#define LF_DEADLOCK_DEPTH 64

struct lockf {
	struct list_node lf_node;    /* on the vnode's list */
	struct list_node lf_ownnode; /* POSIX: on the owner's cwi_locks */
	struct vnode *lf_vnode;
	void *lf_owner;		/* struct proc * (POSIX) or struct file * */
	struct cwdinfo *lf_cwi; /* POSIX: the owner's VFS state */
	int lf_type;		/* F_RDLCK or F_WRLCK */
	off_t lf_start, lf_end; /* inclusive; OFF_MAX: however far it grows */
	pid_t lf_pid;
};

/* What v_locks points to while the vnode has locks. */
struct lockf_vnode {
	struct list_head lv_posix;
	struct list_head lv_flock;
};

/* What a sleeping process waits for, for deadlock detection. */
struct lf_request {
	struct vnode *rq_vnode;
	int rq_type;
	off_t rq_start, rq_end;
};

static KMEM_TYPE_DEFINE(M_LOCKF, "lockf");
static kmutex_t lf_lock;
static kcondvar_t lf_cv;

static bool lf_overlap(const struct lockf *lf, off_t start, off_t end)
{
	return lf->lf_start <= end && start <= lf->lf_end;
}

static struct lockf *lf_conflict(struct list_head *list, void *owner, int type,
				 off_t start, off_t end)
{
	list_foreach(it, list)
	{
		struct lockf *lf = list_entry(it, struct lockf, lf_node);
		if (lf->lf_owner == owner || !lf_overlap(lf, start, end))
			continue;
		if (type == F_WRLCK || lf->lf_type == F_WRLCK)
			return lf;
	}
	return NULL;
}

static void lf_unlink(struct lockf *lf)
{
	list_remove(&lf->lf_node);
	if (lf->lf_cwi != NULL)
		list_remove(&lf->lf_ownnode);
	kmem_free(lf, sizeof(*lf), &M_LOCKF);
}

/* Frees the vnode's list head once it holds no lock; lf_lock held. */
static void lf_trim(struct vnode *vp)
{
	struct lockf_vnode *lv = vp->v_locks;

	if (lv != NULL && list_empty(&lv->lv_posix) &&
	    list_empty(&lv->lv_flock)) {
		atomic_store_relaxed(&vp->v_locks, NULL);
		kmem_free(lv, sizeof(*lv), &M_LOCKF);
	}
}

/*
 * Would the owner's wait for [start, end] close a cycle?  Follows who
 * blocks whom through the requests of sleeping processes.
 */
static bool lf_deadlock(struct cwdinfo *me, struct lockf *blocker)
{
	struct lockf *b = blocker;

	for (int i = 0; i < LF_DEADLOCK_DEPTH && b != NULL; i++) {
		struct cwdinfo *o = b->lf_cwi;
		struct lf_request *rq;
		struct lockf_vnode *lv;

		if (o == NULL)
			return false;
		if (o == me)
			return true;
		if ((rq = o->cwi_waitfor) == NULL ||
		    (lv = rq->rq_vnode->v_locks) == NULL)
			return false;
		b = lf_conflict(&lv->lv_posix, o->cwi_proc, rq->rq_type,
				rq->rq_start, rq->rq_end);
	}
	return false;
}

/*
 * Removes [start, end] from owner's locks (every owner's if NULL),
 * splitting one in two with *sparep if need be; lf_lock held.
 */
static void lf_clear(struct lockf_vnode *lv, void *owner, off_t start,
		     off_t end, struct lockf **sparep)
{
	list_foreach_safe(it, &lv->lv_posix)
	{
		struct lockf *lf = list_entry(it, struct lockf, lf_node);

		if ((owner != NULL && lf->lf_owner != owner) ||
		    !lf_overlap(lf, start, end))
			continue;
		if (lf->lf_start < start && lf->lf_end > end) {
			struct lockf *sp = *sparep;

			KASSERT(sp != NULL);
			*sparep = NULL;
			*sp = *lf;
			sp->lf_start = end + 1;
			list_push_back(&lv->lv_posix, &sp->lf_node);
			list_push_back(&lf->lf_cwi->cwi_locks, &sp->lf_ownnode);
			lf->lf_end = start - 1;
		} else if (lf->lf_start < start) {
			lf->lf_end = start - 1;
		} else if (lf->lf_end > end) {
			lf->lf_start = end + 1;
		} else {
			lf_unlink(lf);
		}
	}
}

/* Adds nlf, merged with the owner's touching locks of its type. */
static void lf_insert(struct lockf_vnode *lv, struct lockf *nlf)
{
	list_foreach_safe(it, &lv->lv_posix)
	{
		struct lockf *lf = list_entry(it, struct lockf, lf_node);
		bool touches;

		if (lf->lf_owner != nlf->lf_owner ||
		    lf->lf_type != nlf->lf_type)
			continue;
		touches = (lf->lf_end == OFF_MAX ||
			   lf->lf_end + 1 >= nlf->lf_start) &&
			  (nlf->lf_end == OFF_MAX ||
			   nlf->lf_end + 1 >= lf->lf_start);
		if (!touches)
			continue;
		nlf->lf_start = MIN(nlf->lf_start, lf->lf_start);
		nlf->lf_end = MAX(nlf->lf_end, lf->lf_end);
		lf_unlink(lf);
	}
	list_push_back(&lv->lv_posix, &nlf->lf_node);
	list_push_back(&nlf->lf_cwi->cwi_locks, &nlf->lf_ownnode);
}

/* The byte range of fl: [*startp, *endp]; 0, EINVAL or EOVERFLOW. */
static int lf_range(struct vnode *vp, const struct rump_flock *fl,
		    off_t *startp, off_t *endp)
{
	off_t base = 0, start;
	struct vattr va;
	int error;

	switch (fl->l_whence) {
	case SEEK_SET:
		break;
	case SEEK_END:
		if ((error = vn_getattr(vp, &va)) != 0)
			return error;
		base = va.va_size;
		break;
	default:
		return EINVAL;
	}
	if (__builtin_add_overflow(base, fl->l_start, &start))
		return EOVERFLOW;
	if (fl->l_len > 0) {
		if (__builtin_add_overflow(start, fl->l_len - 1, endp))
			return EOVERFLOW;
	} else if (fl->l_len == 0) {
		*endp = OFF_MAX;
	} else {
		*endp = start - 1;
		if (__builtin_add_overflow(start, fl->l_len, &start))
			return EINVAL;
	}
	if (start < 0)
		return EINVAL;
	*startp = start;
	return 0;
}

static struct lockf_vnode *lf_vnode_get(struct vnode *vp,
					struct lockf_vnode **sparep)
{
	if (vp->v_locks == NULL) {
		struct lockf_vnode *lv = *sparep;

		/* A waiter may need one again after the spare went. */
		if (lv == NULL &&
		    (lv = kmem_alloc(sizeof(*lv), &M_LOCKF)) == NULL)
			return NULL;
		*sparep = NULL;
		list_init(&lv->lv_posix);
		list_init(&lv->lv_flock);
		atomic_store_relaxed(&vp->v_locks, lv);
	}
	return vp->v_locks;
}

static int lf_getlk(struct vnode *vp, void *owner, struct rump_flock *fl,
		    off_t start, off_t end)
{
	struct lockf_vnode *lv;
	struct lockf *lf = NULL;

	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK)
		return EINVAL;
	mutex_enter(&lf_lock);
	if ((lv = vp->v_locks) != NULL)
		lf = lf_conflict(&lv->lv_posix, owner, fl->l_type, start, end);
	if (lf == NULL) {
		fl->l_type = F_UNLCK;
	} else {
		fl->l_type = (int16_t)lf->lf_type;
		fl->l_whence = SEEK_SET;
		fl->l_start = lf->lf_start;
		fl->l_len = lf->lf_end == OFF_MAX
				    ? 0
				    : lf->lf_end - lf->lf_start + 1;
		fl->l_pid = lf->lf_pid;
	}
	mutex_exit(&lf_lock);
	return 0;
}

static int lf_setlk(struct vnode *vp, struct proc *owner, int op,
		    const struct rump_flock *fl, off_t start, off_t end)
{
	struct lockf *nlf = NULL, *spare = NULL, *blocker;
	struct lockf_vnode *lvspare = NULL, *lv;
	struct cwdinfo *cwi = owner != NULL ? cwd_lookup(owner) : NULL;
	struct lf_request rq = {vp, fl->l_type, start, end};
	int error = 0;

	if (fl->l_type != F_UNLCK && fl->l_type != F_RDLCK &&
	    fl->l_type != F_WRLCK)
		return EINVAL;
	if (fl->l_type != F_UNLCK && cwi == NULL)
		return EINVAL;
	if (fl->l_type != F_UNLCK) {
		nlf = kmem_zalloc(sizeof(*nlf), &M_LOCKF);
		lvspare = kmem_alloc(sizeof(*lvspare), &M_LOCKF);
	}
	spare = kmem_zalloc(sizeof(*spare), &M_LOCKF);
	if (spare == NULL ||
	    (fl->l_type != F_UNLCK && (nlf == NULL || lvspare == NULL))) {
		error = ENOLCK;
		goto out;
	}
	mutex_enter(&lf_lock);
	if (fl->l_type == F_UNLCK) {
		if ((lv = vp->v_locks) != NULL) {
			lf_clear(lv, owner, start, end, &spare);
			lf_trim(vp);
			cv_broadcast(&lf_cv);
		}
		mutex_exit(&lf_lock);
		goto out;
	}
	for (;;) {
		if (atomic_load_relaxed(&vp->v_flags) & VI_RECLAIMED) {
			error = EBADF;
			break;
		}
		if ((lv = lf_vnode_get(vp, &lvspare)) == NULL) {
			error = ENOLCK;
			break;
		}
		blocker = lf_conflict(&lv->lv_posix, owner, fl->l_type, start,
				      end);
		if (blocker == NULL)
			break;
		if (op != F_SETLKW) {
			error = EAGAIN;
			break;
		}
		if (lf_deadlock(cwi, blocker)) {
			error = EDEADLK;
			break;
		}
		/* Another process holds it, maybe for ever: interruptible. */
		cwi->cwi_waitfor = &rq;
		error = cv_wait_sig(&lf_cv, &lf_lock);
		cwi->cwi_waitfor = NULL;
		if (error != 0)
			break;
	}
	if (error == 0) {
		lf_clear(lv, owner, start, end, &spare);
		nlf->lf_vnode = vp;
		nlf->lf_owner = owner;
		nlf->lf_cwi = cwi;
		nlf->lf_type = fl->l_type;
		nlf->lf_start = start;
		nlf->lf_end = end;
		nlf->lf_pid = owner->p_pid;
		lf_insert(lv, nlf);
		nlf = NULL;
		/* A read lock replacing a write lock may let others in. */
		cv_broadcast(&lf_cv);
	} else if (vp->v_locks != NULL) {
		lf_trim(vp);
	}
	mutex_exit(&lf_lock);
out:
	if (nlf != NULL)
		kmem_free(nlf, sizeof(*nlf), &M_LOCKF);
	if (spare != NULL)
		kmem_free(spare, sizeof(*spare), &M_LOCKF);
	if (lvspare != NULL)
		kmem_free(lvspare, sizeof(*lvspare), &M_LOCKF);
	return error;
}

int lf_flock(struct file *fp, int how)
{
	struct vnode *vp = fp->f_data;
	struct lockf_vnode *lvspare = NULL, *lv;
	struct lockf *nlf = NULL, *mine = NULL;
	int type, error = 0;
	bool nb = (how & LOCK_NB) != 0;

	switch (how & ~LOCK_NB) {
	case LOCK_SH:
		type = F_RDLCK;
		break;
	case LOCK_EX:
		type = F_WRLCK;
		break;
	case LOCK_UN:
		type = F_UNLCK;
		break;
	default:
		return EINVAL;
	}
	if (type != F_UNLCK) {
		nlf = kmem_zalloc(sizeof(*nlf), &M_LOCKF);
		lvspare = kmem_alloc(sizeof(*lvspare), &M_LOCKF);
		if (nlf == NULL || lvspare == NULL) {
			error = ENOLCK;
			goto out;
		}
	}
	mutex_enter(&lf_lock);
	if ((lv = vp->v_locks) != NULL) {
		list_foreach(it, &lv->lv_flock)
		{
			struct lockf *lf =
				list_entry(it, struct lockf, lf_node);
			if (lf->lf_owner == fp)
				mine = lf;
		}
	}
	if (mine != NULL && mine->lf_type == type) {
		mutex_exit(&lf_lock);
		goto out;
	}
	/* A conversion lets the old lock go first, as Linux does. */
	if (mine != NULL) {
		lf_unlink(mine);
		cv_broadcast(&lf_cv);
	}
	if (type == F_UNLCK) {
		lf_trim(vp);
		mutex_exit(&lf_lock);
		goto out;
	}
	for (;;) {
		if (atomic_load_relaxed(&vp->v_flags) & VI_RECLAIMED) {
			error = EBADF;
			break;
		}
		if ((lv = lf_vnode_get(vp, &lvspare)) == NULL) {
			error = ENOLCK;
			break;
		}
		if (lf_conflict(&lv->lv_flock, fp, type, 0, OFF_MAX) == NULL)
			break;
		if (nb) {
			error = EWOULDBLOCK;
			break;
		}
		if ((error = cv_wait_sig(&lf_cv, &lf_lock)) != 0)
			break;
	}
	if (error == 0) {
		nlf->lf_vnode = vp;
		nlf->lf_owner = fp;
		nlf->lf_type = type;
		nlf->lf_start = 0;
		nlf->lf_end = OFF_MAX;
		nlf->lf_pid = curproc->p_pid;
		list_push_back(&lv->lv_flock, &nlf->lf_node);
		nlf = NULL;
	} else {
		lf_trim(vp);
	}
	mutex_exit(&lf_lock);
out:
	if (nlf != NULL)
		kmem_free(nlf, sizeof(*nlf), &M_LOCKF);
	if (lvspare != NULL)
		kmem_free(lvspare, sizeof(*lvspare), &M_LOCKF);
	return error;
}

int lf_advlock(struct file *fp, void *owner, int op, struct rump_flock *fl,
	       int flags)
{
	struct vnode *vp = fp->f_data;
	off_t start, end;
	int error;

	if (flags & ADVLOCK_FLOCK) {
		int how = fl->l_type == F_RDLCK	  ? LOCK_SH
			  : fl->l_type == F_WRLCK ? LOCK_EX
						  : LOCK_UN;
		return lf_flock(fp, how | (op == F_SETLKW ? 0 : LOCK_NB));
	}
	if ((error = lf_range(vp, fl, &start, &end)) != 0)
		return error;
	switch (op) {
	case F_GETLK:
		return lf_getlk(vp, owner, fl, start, end);
	case F_SETLK:
	case F_SETLKW:
		return lf_setlk(vp, owner, op, fl, start, end);
	default:
		return EINVAL;
	}
}

void lf_close(struct file *fp, struct vnode *vp)
{
	struct lockf_vnode *lv;

	if (atomic_load_relaxed(&vp->v_locks) == NULL)
		return;
	mutex_enter(&lf_lock);
	if ((lv = vp->v_locks) != NULL) {
		list_foreach_safe(it, &lv->lv_flock)
		{
			struct lockf *lf =
				list_entry(it, struct lockf, lf_node);
			if (lf->lf_owner == fp)
				lf_unlink(lf);
		}
		lf_trim(vp);
		cv_broadcast(&lf_cv);
	}
	mutex_exit(&lf_lock);
}

void lf_procexit(struct cwdinfo *cwi)
{
	mutex_enter(&lf_lock);
	while (!list_empty(&cwi->cwi_locks)) {
		struct lockf *lf = list_entry(list_first(&cwi->cwi_locks),
					      struct lockf, lf_ownnode);
		struct vnode *vp = lf->lf_vnode;

		lf_unlink(lf);
		lf_trim(vp);
	}
	cv_broadcast(&lf_cv);
	mutex_exit(&lf_lock);
}

void lf_purge(struct vnode *vp)
{
	struct lockf_vnode *lv;

	mutex_enter(&lf_lock);
	if ((lv = vp->v_locks) != NULL) {
		while (!list_empty(&lv->lv_posix))
			lf_unlink(list_entry(list_first(&lv->lv_posix),
					     struct lockf, lf_node));
		while (!list_empty(&lv->lv_flock))
			lf_unlink(list_entry(list_first(&lv->lv_flock),
					     struct lockf, lf_node));
		lf_trim(vp);
		cv_broadcast(&lf_cv);
	}
	mutex_exit(&lf_lock);
}

int lf_init(void)
{
	mutex_init(&lf_lock, MUTEX_DEFAULT);
	cv_init(&lf_cv, "lockf");
	return 0;
}

void lf_fini(void)
{
	cv_destroy(&lf_cv);
	mutex_destroy(&lf_lock);
}
