/*
 * sys/proc.h -- processes, threads (lwps) and virtual CPUs.  A host thread
 * runs kernel code only while it holds a virtual CPU (sched.c) and always
 * as some lwp: one it was switched to, or the implicit lwp of process 1.
 * Process 0 owns the kernel threads.  Factions hang per-process state on
 * process-specific slots with fork and exit hooks.
 */
#ifndef RUMPKERN_SYS_PROC_H_
#define RUMPKERN_SYS_PROC_H_
#include <sys/abi.h>
#include <sys/mutex.h>
#include <sys/queue.h>
#include <sys/types.h>

struct kauth_cred {
	int32_t cr_refcnt;
	uid_t cr_uid, cr_euid, cr_svuid;
	gid_t cr_gid, cr_egid, cr_svgid;
	int cr_ngroups;
	gid_t cr_groups[NGROUPS_MAX];
};

/* Process-specific slots that factions claim at init (cwd, descriptors). */
#define PROC_NSPECIFIC 8

struct proc {
	pid_t p_pid;
	struct proc *p_pptr;
	kauth_cred_t p_cred; /* replaced, never modified in place */
	kmutex_t p_lock;     /* p_cred, p_lwps, p_nlwps */
	struct list_head p_lwps;
	int p_nlwps;
	int p_flags;
	struct list_node p_allnode;
	char p_comm[MAXCOMLEN];
	void *p_specific[PROC_NSPECIFIC];
	const struct vmspace_ops *p_vmspace; /* how copyin reaches its memory */
	void *p_vmspace_priv;
	bool p_intr; /* p_lock: interrupted, its waits return EINTR */
};
#define PK_SYSTEM 0x01 /* process 0 */
#define PK_EXITING 0x02

/* Interruptible waits (kern/base/intr.c). */
void proc_interrupt(struct proc *p);
int lwp_interrupt(struct proc *p, lwpid_t lid);

struct lwp {
	struct proc *l_proc;
	struct cpu_info *l_cpu; /* held now, or NULL */
	struct cpu_info *l_prevcpu;
	lwpid_t l_lid;
	int l_flags;		/* LW_*, fixed at creation */
	volatile int l_running; /* bound to a host thread */
	bool l_backend_off;	/* gave its CPU up for a blocking hypercall */
	struct list_node l_sibling;
	char l_name[MAXCOMLEN];
	void *l_hostcookie; /* kernel threads: the host's join cookie */
	void (*l_kthread_fn)(void *);
	void *l_kthread_arg;
	/* The interruptible wait it is in (p_lock): see kern/base/intr.c. */
	kcondvar_t *l_sleepcv;
	kmutex_t *l_sleepmtx;
	bool l_intr; /* p_lock: its call was interrupted (lwp_interrupt) */
};
#define LW_IMPLICIT 0x01 /* borrowed by a host thread without context */
#define LW_SYSTEM 0x02	 /* a kernel thread */
#define LW_MUSTJOIN 0x04

/* How a process's memory is reached (local calls: the same address space). */
struct vmspace_ops {
	int (*vm_copyin)(void *priv, const void *uaddr, void *kaddr, size_t);
	int (*vm_copyout)(void *priv, const void *kaddr, void *uaddr, size_t);
	int (*vm_copyinstr)(void *priv, const void *uaddr, void *kaddr,
			    size_t len, size_t *done);
};

struct cpu_info {
	int ci_index;
	struct lwp *volatile ci_curlwp; /* NULL when free */
	struct lwp *ci_implicit;	/* spare implicit lwp, or NULL */
	void *ci_kmem;			/* per-CPU allocator caches */
	void *ci_cprng;			/* per-CPU random state */
};

extern struct proc proc0;
extern struct proc *proc1;
extern int ncpu;

struct lwp *curlwp_get(void);
#define curlwp (curlwp_get())
#define curproc (curlwp->l_proc)
#define curcpu() (curlwp->l_cpu)
struct cpu_info *cpu_lookup(int index);

/* sched.c */
void rump_schedule(void);
void rump_unschedule(void);
int sched_init(int ncpus);
void sched_fini(void);
int sched_implicit_prealloc(void);
/* The calling thread, holding a CPU, continues as l (NULL: implicit). */
void sched_switch_lwp(struct lwp *l);
struct rumpuser_hyperup;
void sched_upcalls(struct rumpuser_hyperup *hyp);

/* lwproc.c */
int lwproc_init(void);
void lwproc_fini(void);
struct proc *proc_find(pid_t pid); /* with proc_lock held */
int lwproc_nprocs(void);		   /* processes that exist now */
extern kmutex_t proc_lock;
/* Allocate an lwp in p (not running, not bound); NULL on ENOMEM. */
struct lwp *lwp_alloc(struct proc *p, int flags, const char *name);
void lwp_free(struct lwp *l);
int lwproc_rfork(struct proc *parent, int flags, const char *comm,
		 struct proc **childp);
/* Process-specific slots. */
struct proc_hooks {
	const char *ph_name;
	/* New process child of parent; flags are RFFDG / RFCFDG / 0. */
	int (*ph_fork)(struct proc *parent, struct proc *child, int flags);
	void (*ph_exit)(struct proc *p);
};
int proc_specific_register(const struct proc_hooks *hooks, int *slotp);
void proc_specific_unregister(int slot);

/* cred.c */
kauth_cred_t cred_alloc(void);
void cred_hold(kauth_cred_t cred);
void cred_free(kauth_cred_t cred);
kauth_cred_t cred_get(struct proc *p); /* a held reference */
bool cred_is_root(kauth_cred_t cred);
int cred_groupmember(gid_t gid, kauth_cred_t cred);
extern const struct vmspace_ops vmspace_local;
extern const struct vmspace_ops vmspace_remote; /* rumpuser_sp_copy* */
#endif
