/*
 * filedesc.c -- per-process descriptor tables.  A table maps descriptors
 * to held files and close-on-exec flags; a new descriptor is the lowest
 * free one, and the table grows by doubling up to its limit (OPEN_MAX:
 * then EMFILE).  Tables hang on a process-specific slot: rfork shares
 * (flags 0), copies (RFFDG) or empties (RFCFDG) the parent's, and a
 * process's exit closes what only it used.  fd_lock guards a table's
 * slots; files are released only after it is dropped, since a close op
 * may block.
 */
#include <sys/atomic.h>
#include <sys/file.h>
#include <sys/kmem.h>
#include <sys/pipe.h>
#include <sys/poll.h>
#include <sys/proc.h>
#include <sys/systm.h>

#define NDFILE 32 /* slots of a new table */

struct filedesc {
	kmutex_t fd_lock;
	int64_t fd_refcnt; /* atomic: processes sharing the table */
	int fd_nfiles;	   /* slots allocated */
	int fd_limit;	   /* descriptors allowed (EMFILE beyond) */
	int fd_freefile;   /* no free slot below this one */
	int fd_nopen;	   /* descriptors open */
	int fd_nreserved;  /* promised by fd_reserve, not yet installed */
	bool fd_haslocks;  /* some process set POSIX locks through it */
	struct file **fd_ofiles;
	uint8_t *fd_oflags; /* FD_CLOEXEC per slot */
	struct list_node fd_allnode;
};

static KMEM_TYPE_DEFINE(M_FILEDESC, "filedesc");
static int fd_slot = -1;
/* Every table, so that shutdown closes them all; under fdlist_lock. */
static struct list_head fdlist = LIST_HEAD_INIT(fdlist);
static kmutex_t fdlist_lock;

static struct filedesc *fd_table(struct proc *p)
{
	return fd_slot >= 0 ? p->p_specific[fd_slot] : NULL;
}

static void fdesc_free_arrays(struct file **ofiles, uint8_t *oflags, int n)
{
	if (ofiles != NULL)
		kmem_free(ofiles, sizeof(*ofiles) * (size_t)n, &M_FILEDESC);
	if (oflags != NULL)
		kmem_free(oflags, (size_t)n, &M_FILEDESC);
}

/* Arrays of n slots holding the first ncopy of the old ones. */
static int fdesc_arrays(int n, struct file **oldfiles, uint8_t *oldflags,
			int ncopy, struct file ***ofilesp, uint8_t **oflagsp)
{
	struct file **ofiles;
	uint8_t *oflags;

	ofiles = kmem_zalloc(sizeof(*ofiles) * (size_t)n, &M_FILEDESC);
	oflags = kmem_zalloc((size_t)n, &M_FILEDESC);
	if (ofiles == NULL || oflags == NULL) {
		fdesc_free_arrays(ofiles, oflags, n);
		return ENOMEM;
	}
	if (ncopy > 0) {
		memcpy(ofiles, oldfiles, sizeof(*ofiles) * (size_t)ncopy);
		memcpy(oflags, oldflags, (size_t)ncopy);
	}
	*ofilesp = ofiles;
	*oflagsp = oflags;
	return 0;
}

static struct filedesc *fdesc_alloc(int nfiles, int limit)
{
	struct filedesc *fdp = kmem_zalloc(sizeof(*fdp), &M_FILEDESC);

	if (fdp == NULL)
		return NULL;
	if (fdesc_arrays(nfiles, NULL, NULL, 0, &fdp->fd_ofiles,
			 &fdp->fd_oflags) != 0) {
		kmem_free(fdp, sizeof(*fdp), &M_FILEDESC);
		return NULL;
	}
	mutex_init(&fdp->fd_lock, MUTEX_DEFAULT);
	fdp->fd_refcnt = 1;
	fdp->fd_nfiles = nfiles;
	fdp->fd_limit = limit;
	mutex_enter(&fdlist_lock);
	list_push_back(&fdlist, &fdp->fd_allnode);
	mutex_exit(&fdlist_lock);
	return fdp;
}

static struct filedesc *fdesc_new(void)
{
	return fdesc_alloc(MIN(NDFILE, OPEN_MAX), OPEN_MAX);
}

/* A copy of src: the same files (held one more time each) and flags. */
static struct filedesc *fdesc_copy(struct filedesc *src)
{
	struct filedesc *fdp;
	int n;

	for (;;) {
		mutex_enter(&src->fd_lock);
		n = src->fd_nfiles;
		mutex_exit(&src->fd_lock);
		if ((fdp = fdesc_alloc(n, src->fd_limit)) == NULL)
			return NULL;
		mutex_enter(&src->fd_lock);
		if (src->fd_nfiles == n)
			break;
		/* It grew meanwhile: try again with the new size. */
		mutex_exit(&src->fd_lock);
		mutex_enter(&fdlist_lock);
		list_remove(&fdp->fd_allnode);
		mutex_exit(&fdlist_lock);
		fdesc_free_arrays(fdp->fd_ofiles, fdp->fd_oflags, n);
		mutex_destroy(&fdp->fd_lock);
		kmem_free(fdp, sizeof(*fdp), &M_FILEDESC);
	}
	for (int i = 0; i < n; i++) {
		if (src->fd_ofiles[i] == NULL)
			continue;
		file_hold(src->fd_ofiles[i]);
		fdp->fd_ofiles[i] = src->fd_ofiles[i];
		fdp->fd_oflags[i] = src->fd_oflags[i];
	}
	fdp->fd_nopen = src->fd_nopen;
	fdp->fd_freefile = src->fd_freefile;
	mutex_exit(&src->fd_lock);
	return fdp;
}

/*
 * The process p (NULL at shutdown: every process) no longer uses fp
 * through a descriptor: its POSIX locks on the file go, then the
 * table's reference.
 */
static int fd_drop(struct proc *p, struct file *fp, bool haslocks)
{
	if (haslocks && fp->f_ops != NULL && fp->f_ops->fo_advlock != NULL) {
		struct rump_flock fl = {
			.l_start = 0,
			.l_len = 0,
			.l_type = F_UNLCK,
			.l_whence = SEEK_SET,
		};
		(void)fp->f_ops->fo_advlock(fp, p, F_SETLK, &fl, ADVLOCK_POSIX);
	}
	return file_rele(fp);
}

/* Closes every descriptor of fdp (for p, see fd_drop). */
static void fdesc_closeall(struct proc *p, struct filedesc *fdp)
{
	for (int fd = 0;; fd++) {
		struct file *fp;
		bool haslocks;

		mutex_enter(&fdp->fd_lock);
		while (fd < fdp->fd_nfiles && fdp->fd_ofiles[fd] == NULL)
			fd++;
		if (fd >= fdp->fd_nfiles) {
			mutex_exit(&fdp->fd_lock);
			break;
		}
		fp = fdp->fd_ofiles[fd];
		fdp->fd_ofiles[fd] = NULL;
		fdp->fd_oflags[fd] = 0;
		fdp->fd_nopen--;
		if (fd < fdp->fd_freefile)
			fdp->fd_freefile = fd;
		haslocks = fdp->fd_haslocks;
		mutex_exit(&fdp->fd_lock);
		(void)fd_drop(p, fp, haslocks);
	}
}

/* Frees an empty table that no process uses. */
static void fdesc_destroy(struct filedesc *fdp)
{
	KASSERT(fdp->fd_nopen == 0);
	mutex_enter(&fdlist_lock);
	list_remove(&fdp->fd_allnode);
	mutex_exit(&fdlist_lock);
	fdesc_free_arrays(fdp->fd_ofiles, fdp->fd_oflags, fdp->fd_nfiles);
	mutex_destroy(&fdp->fd_lock);
	kmem_free(fdp, sizeof(*fdp), &M_FILEDESC);
}

/* Process p stops using fdp (exit): the last user closes everything. */
static void fdesc_release(struct proc *p, struct filedesc *fdp)
{
	if (atomic_dec_nv(&fdp->fd_refcnt) > 0) {
		/* Still shared: only p's POSIX locks go with it. */
		if (!fdp->fd_haslocks)
			return;
		for (int fd = 0;; fd++) {
			struct file *fp;
			mutex_enter(&fdp->fd_lock);
			while (fd < fdp->fd_nfiles &&
			       fdp->fd_ofiles[fd] == NULL)
				fd++;
			if (fd >= fdp->fd_nfiles) {
				mutex_exit(&fdp->fd_lock);
				break;
			}
			fp = fdp->fd_ofiles[fd];
			file_hold(fp);
			mutex_exit(&fdp->fd_lock);
			(void)fd_drop(p, fp, true);
		}
		return;
	}
	fdesc_closeall(p, fdp);
	fdesc_destroy(fdp);
}

/* Grows fdp to hold descriptor fd; fd_lock held, fd below the limit. */
static int fdesc_grow(struct filedesc *fdp, int fd)
{
	struct file **ofiles;
	uint8_t *oflags;
	int n = fdp->fd_nfiles, error;

	KASSERT(fd < fdp->fd_limit);
	while (n <= fd)
		n = n * 2;
	n = MIN(n, fdp->fd_limit);
	error = fdesc_arrays(n, fdp->fd_ofiles, fdp->fd_oflags, fdp->fd_nfiles,
			     &ofiles, &oflags);
	if (error != 0)
		return error;
	fdesc_free_arrays(fdp->fd_ofiles, fdp->fd_oflags, fdp->fd_nfiles);
	fdp->fd_ofiles = ofiles;
	fdp->fd_oflags = oflags;
	fdp->fd_nfiles = n;
	return 0;
}

static struct filedesc *curfdp(void)
{
	return fd_table(curproc);
}

int fd_getfile(int fd, struct file **fpp)
{
	struct filedesc *fdp = curfdp();
	struct file *fp;

	if (fdp == NULL)
		return EBADF;
	mutex_enter(&fdp->fd_lock);
	if (fd < 0 || fd >= fdp->fd_nfiles ||
	    (fp = fdp->fd_ofiles[fd]) == NULL) {
		mutex_exit(&fdp->fd_lock);
		return EBADF;
	}
	file_hold(fp);
	mutex_exit(&fdp->fd_lock);
	*fpp = fp;
	return 0;
}

/*
 * Installs fp at the lowest free slot >= minfd.  Open and reserved
 * descriptors together stay within the limit, so a reserved install
 * always finds a slot (and, the table grown at reservation, memory).
 */
static int fd_install_common(struct file *fp, int minfd, bool cloexec,
			     bool reserved, int *fdp_out)
{
	struct filedesc *fdp = curfdp();
	int fd, error;

	if (fdp == NULL)
		return ENOMEM;
	if (minfd < 0)
		return EINVAL;
	mutex_enter(&fdp->fd_lock);
	if (!reserved && fdp->fd_nopen + fdp->fd_nreserved >= fdp->fd_limit) {
		mutex_exit(&fdp->fd_lock);
		return EMFILE;
	}
	fd = MAX(minfd, fdp->fd_freefile);
	while (fd < fdp->fd_nfiles && fdp->fd_ofiles[fd] != NULL)
		fd++;
	if (fd >= fdp->fd_limit) {
		mutex_exit(&fdp->fd_lock);
		return EMFILE;
	}
	if (fd >= fdp->fd_nfiles && (error = fdesc_grow(fdp, fd)) != 0) {
		mutex_exit(&fdp->fd_lock);
		return error;
	}
	fdp->fd_ofiles[fd] = fp;
	fdp->fd_oflags[fd] = cloexec ? FD_CLOEXEC : 0;
	fdp->fd_nopen++;
	if (reserved)
		fdp->fd_nreserved--;
	/* The search started at the lowest free slot: none is below fd. */
	if (minfd <= fdp->fd_freefile)
		fdp->fd_freefile = fd + 1;
	mutex_exit(&fdp->fd_lock);
	*fdp_out = fd;
	return 0;
}

int fd_install(struct file *fp, int minfd, bool cloexec, int *fdp_out)
{
	return fd_install_common(fp, minfd, cloexec, false, fdp_out);
}

int fd_reserve(void)
{
	struct filedesc *fdp = curfdp();
	int error = 0, need;

	if (fdp == NULL)
		return ENOMEM;
	mutex_enter(&fdp->fd_lock);
	need = fdp->fd_nopen + fdp->fd_nreserved + 1;
	if (need > fdp->fd_limit)
		error = EMFILE;
	else if (need > fdp->fd_nfiles)
		error = fdesc_grow(fdp, need - 1);
	if (error == 0)
		fdp->fd_nreserved++;
	mutex_exit(&fdp->fd_lock);
	return error;
}

void fd_unreserve(void)
{
	struct filedesc *fdp = curfdp();

	mutex_enter(&fdp->fd_lock);
	KASSERT(fdp->fd_nreserved > 0);
	fdp->fd_nreserved--;
	mutex_exit(&fdp->fd_lock);
}

int fd_install_reserved(struct file *fp, bool cloexec, int *fdp_out)
{
	return fd_install_common(fp, 0, cloexec, true, fdp_out);
}

int fd_install_at(struct file *fp, int fd, bool cloexec)
{
	struct filedesc *fdp = curfdp();
	struct file *old;
	bool haslocks;
	int error;

	if (fdp == NULL)
		return ENOMEM;
	mutex_enter(&fdp->fd_lock);
	if (fd < 0 || fd >= fdp->fd_limit) {
		mutex_exit(&fdp->fd_lock);
		return EBADF;
	}
	if (fd >= fdp->fd_nfiles && (error = fdesc_grow(fdp, fd)) != 0) {
		mutex_exit(&fdp->fd_lock);
		return error;
	}
	old = fdp->fd_ofiles[fd];
	if (old == NULL && fdp->fd_nopen + fdp->fd_nreserved >= fdp->fd_limit) {
		/* Every free slot is promised to an open in progress. */
		mutex_exit(&fdp->fd_lock);
		return EMFILE;
	}
	fdp->fd_ofiles[fd] = fp;
	fdp->fd_oflags[fd] = cloexec ? FD_CLOEXEC : 0;
	if (old == NULL)
		fdp->fd_nopen++;
	haslocks = fdp->fd_haslocks;
	mutex_exit(&fdp->fd_lock);
	/* dup2 closes silently: an error of the old file is not reported. */
	if (old != NULL)
		(void)fd_drop(curproc, old, haslocks);
	return 0;
}

int fd_close(int fd)
{
	struct filedesc *fdp = curfdp();
	struct file *fp;
	bool haslocks;

	if (fdp == NULL)
		return EBADF;
	mutex_enter(&fdp->fd_lock);
	if (fd < 0 || fd >= fdp->fd_nfiles ||
	    (fp = fdp->fd_ofiles[fd]) == NULL) {
		mutex_exit(&fdp->fd_lock);
		return EBADF;
	}
	fdp->fd_ofiles[fd] = NULL;
	fdp->fd_oflags[fd] = 0;
	fdp->fd_nopen--;
	if (fd < fdp->fd_freefile)
		fdp->fd_freefile = fd;
	haslocks = fdp->fd_haslocks;
	mutex_exit(&fdp->fd_lock);
	return fd_drop(curproc, fp, haslocks);
}

int fd_getflags(int fd, int *flagsp)
{
	struct filedesc *fdp = curfdp();
	int error = 0;

	if (fdp == NULL)
		return EBADF;
	mutex_enter(&fdp->fd_lock);
	if (fd < 0 || fd >= fdp->fd_nfiles || fdp->fd_ofiles[fd] == NULL)
		error = EBADF;
	else
		*flagsp = fdp->fd_oflags[fd];
	mutex_exit(&fdp->fd_lock);
	return error;
}

int fd_setflags(int fd, int flags)
{
	struct filedesc *fdp = curfdp();
	int error = 0;

	if (fdp == NULL)
		return EBADF;
	mutex_enter(&fdp->fd_lock);
	if (fd < 0 || fd >= fdp->fd_nfiles || fdp->fd_ofiles[fd] == NULL)
		error = EBADF;
	else
		fdp->fd_oflags[fd] = (uint8_t)(flags & FD_CLOEXEC);
	mutex_exit(&fdp->fd_lock);
	return error;
}

int fd_limit(void)
{
	struct filedesc *fdp = curfdp();

	return fdp != NULL ? fdp->fd_limit : OPEN_MAX;
}

int fd_dup(int fd, int minfd, bool cloexec, int *newfdp)
{
	struct file *fp;
	int error;

	if ((error = fd_getfile(fd, &fp)) != 0)
		return error;
	if ((error = fd_install(fp, minfd, cloexec, newfdp)) != 0)
		(void)file_rele(fp);
	return error;
}

int fd_dup2(int fd, int newfd, bool cloexec)
{
	struct file *fp;
	int error;

	if ((error = fd_getfile(fd, &fp)) != 0)
		return error;
	if (newfd == fd) {
		/* dup2 onto itself changes nothing (dup3 refused it). */
		(void)file_rele(fp);
		return 0;
	}
	if ((error = fd_install_at(fp, newfd, cloexec)) != 0)
		(void)file_rele(fp);
	return error;
}

void fd_closeexec(void)
{
	struct filedesc *fdp = curfdp();
	int n;

	if (fdp == NULL)
		return;
	mutex_enter(&fdp->fd_lock);
	n = fdp->fd_nfiles;
	mutex_exit(&fdp->fd_lock);
	for (int fd = 0; fd < n; fd++) {
		int flags;
		if (fd_getflags(fd, &flags) == 0 && (flags & FD_CLOEXEC))
			(void)fd_close(fd);
	}
}

int fd_count(void)
{
	struct filedesc *fdp = curfdp();
	int n;

	if (fdp == NULL)
		return 0;
	mutex_enter(&fdp->fd_lock);
	n = fdp->fd_nopen;
	mutex_exit(&fdp->fd_lock);
	return n;
}

void fd_mark_locks(void)
{
	struct filedesc *fdp = curfdp();

	if (fdp == NULL)
		return;
	mutex_enter(&fdp->fd_lock);
	fdp->fd_haslocks = true;
	mutex_exit(&fdp->fd_lock);
}

/* Process hooks: the table follows rfork's flags and goes at exit. */

static int fd_fork(struct proc *parent, struct proc *child, int flags)
{
	struct filedesc *pfdp = fd_table(parent), *fdp;

	if ((flags & RFCFDG) || pfdp == NULL)
		fdp = fdesc_new();
	else if (flags & RFFDG)
		fdp = fdesc_copy(pfdp);
	else {
		atomic_inc_nv(&pfdp->fd_refcnt);
		fdp = pfdp;
	}
	if (fdp == NULL)
		return ENOMEM;
	child->p_specific[fd_slot] = fdp;
	return 0;
}

static void fd_exit(struct proc *p)
{
	struct filedesc *fdp = fd_table(p);

	if (fdp == NULL)
		return;
	p->p_specific[fd_slot] = NULL;
	fdesc_release(p, fdp);
}

static const struct proc_hooks fd_hooks = {
	.ph_name = "descriptors",
	.ph_fork = fd_fork,
	.ph_exit = fd_exit,
};

int file_init(void)
{
	struct proc *procs[] = {&proc0, proc1};
	int error;

	mutex_init(&fdlist_lock, MUTEX_DEFAULT);
	if ((error = sel_init()) != 0)
		goto fail_sel;
	if ((error = pipe_init()) != 0)
		goto fail_pipe;
	if ((error = proc_specific_register(&fd_hooks, &fd_slot)) != 0)
		goto fail_hooks;
	/* Processes 0 and 1 were not forked: they get empty tables here. */
	for (size_t i = 0; i < __arraycount(procs); i++) {
		if (procs[i] == NULL)
			continue;
		if ((procs[i]->p_specific[fd_slot] = fdesc_new()) == NULL) {
			error = ENOMEM;
			goto fail_tables;
		}
	}
	return 0;
fail_tables:
	for (size_t i = 0; i < __arraycount(procs); i++)
		if (procs[i] != NULL)
			fd_exit(procs[i]);
	proc_specific_unregister(fd_slot);
	fd_slot = -1;
fail_hooks:
	pipe_fini();
fail_pipe:
	sel_fini();
fail_sel:
	mutex_destroy(&fdlist_lock);
	return error;
}

void file_shutdown(void)
{
	mutex_enter(&fdlist_lock);
	for (;;) {
		struct filedesc *fdp = NULL;
		/* A table with an open descriptor; closing may block. */
		list_foreach(it, &fdlist)
		{
			struct filedesc *t =
				list_entry(it, struct filedesc, fd_allnode);
			int nopen;
			mutex_enter(&t->fd_lock);
			nopen = t->fd_nopen;
			mutex_exit(&t->fd_lock);
			if (nopen > 0) {
				fdp = t;
				break;
			}
		}
		if (fdp == NULL)
			break;
		mutex_exit(&fdlist_lock);
		fdesc_closeall(NULL, fdp);
		mutex_enter(&fdlist_lock);
	}
	mutex_exit(&fdlist_lock);
}

void file_fini(void)
{
	/* Tables of processes that had no exit (process 0) go here. */
	for (;;) {
		struct filedesc *fdp;
		mutex_enter(&fdlist_lock);
		fdp = list_empty(&fdlist)
			      ? NULL
			      : list_entry(list_first(&fdlist), struct filedesc,
					   fd_allnode);
		mutex_exit(&fdlist_lock);
		if (fdp == NULL)
			break;
		fdesc_closeall(NULL, fdp);
		fdesc_destroy(fdp);
	}
	if (fd_slot >= 0)
		proc_specific_unregister(fd_slot);
	fd_slot = -1;
	pipe_fini();
	sel_fini();
	mutex_destroy(&fdlist_lock);
}
