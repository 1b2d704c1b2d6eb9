/*
 * sched.c -- virtual CPUs.  A host thread runs kernel code only while it
 * holds one of ncpu virtual CPUs: rump_schedule() takes one (first the
 * CPU this lwp last ran on, with one atomic compare-and-swap), and
 * rump_unschedule() gives it back.  The host releases the CPU around
 * every blocking hypercall through the backend upcalls.  A host thread
 * without a kernel context borrows the CPU's spare implicit lwp of
 * process 1, so entering the kernel allocates nothing on the fast path.
 * See docs/scheduler.md.
 */
#include <rump/rumpkern.h>
#include <rump/rumpuser.h>
#include <sys/atomic.h>
#include <sys/cprng.h>
#include <sys/kmem.h>
#include <sys/proc.h>
#include <sys/systm.h>
#include <sys/time.h>

int ncpu;
static struct cpu_info *cpus;
static struct rumpuser_mtx *sched_mtx;
static struct rumpuser_cv *sched_cv;
static volatile int sched_waiters;
/* Marks a CPU taken by a thread that has no lwp yet. */
static struct lwp lwp_acquiring;

static KMEM_TYPE_DEFINE(M_CPU, "cpu");

struct lwp *curlwp_get(void)
{
	return rumpuser_curlwp();
}

struct cpu_info *cpu_lookup(int index)
{
	return index >= 0 && index < ncpu ? &cpus[index] : NULL;
}

static bool cpu_try(struct cpu_info *ci, struct lwp *l)
{
	return atomic_load_relaxed(&ci->ci_curlwp) == NULL &&
	       atomic_cas_bool(&ci->ci_curlwp, (struct lwp *)NULL, l);
}

static struct cpu_info *cpu_try_any(struct lwp *l)
{
	for (int i = 0; i < ncpu; i++)
		if (cpu_try(&cpus[i], l))
			return &cpus[i];
	return NULL;
}

/* Take a virtual CPU for l (which may be the placeholder), waiting. */
static struct cpu_info *cpu_acquire(struct lwp *l, struct cpu_info *prefer)
{
	struct cpu_info *ci;

	if (prefer != NULL && cpu_try(prefer, l))
		return prefer;
	while ((ci = cpu_try_any(l)) == NULL) {
		rumpuser_mutex_enter_nowrap(sched_mtx);
		atomic_inc_nv(&sched_waiters);
		ci = cpu_try_any(l);
		if (ci == NULL)
			rumpuser_cv_wait_nowrap(sched_cv, sched_mtx);
		atomic_dec_nv(&sched_waiters);
		rumpuser_mutex_exit(sched_mtx);
		if (ci != NULL)
			break;
	}
	return ci;
}

static void cpu_release(struct cpu_info *ci)
{
	__atomic_store_n(&ci->ci_curlwp, NULL, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&sched_waiters, __ATOMIC_SEQ_CST) != 0) {
		rumpuser_mutex_enter_nowrap(sched_mtx);
		rumpuser_cv_signal(sched_cv);
		rumpuser_mutex_exit(sched_mtx);
	}
}

static void lwp_bind_cpu(struct lwp *l, struct cpu_info *ci)
{
	atomic_store_relaxed(&ci->ci_curlwp, l);
	l->l_cpu = ci;
	l->l_prevcpu = ci;
}

/*
 * A spare implicit lwp for the holder of *cip: that CPU's own, or a new
 * one.  Out of memory, it gives the CPU up while it waits, so *cip may
 * change.
 */
static struct lwp *implicit_take(struct cpu_info **cip)
{
	struct cpu_info *ci = *cip;
	struct lwp *l = ci->ci_implicit;
	static volatile int warned;

	if (l != NULL) {
		ci->ci_implicit = NULL;
		return l;
	}
	while ((l = lwp_alloc(proc1, LW_IMPLICIT, "implicit")) == NULL) {
		/* Out of memory: wait for a context to come back. */
		if (!atomic_swap(&warned, 1))
			printf("rump kernel: no memory for a thread context, "
			       "waiting\n");
		cpu_release(ci);
		rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, 1000000);
		ci = cpu_acquire(&lwp_acquiring, NULL);
		*cip = ci;
		if ((l = ci->ci_implicit) != NULL) {
			ci->ci_implicit = NULL;
			break;
		}
	}
	return l;
}

/*
 * Give an implicit lwp back to the CPU it is on, unbinding it; a surplus
 * one is freed, so l must not be touched afterwards.
 */
static void implicit_give(struct lwp *l)
{
	struct cpu_info *ci = l->l_cpu;

	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, l);
	l->l_cpu = NULL;
	if (ci->ci_implicit == NULL)
		ci->ci_implicit = l;
	else
		lwp_free(l);
}

void rump_schedule(void)
{
	struct lwp *l = rumpuser_curlwp();
	struct cpu_info *ci;

	if (__predict_false(ncpu == 0))
		panic("rump_schedule: no kernel is running");
	if (__predict_true(l != NULL)) {
		KASSERTMSG(l->l_cpu == NULL, "rump_schedule: already on a CPU");
		lwp_bind_cpu(l, cpu_acquire(l, l->l_prevcpu));
		return;
	}
	ci = cpu_acquire(&lwp_acquiring, NULL);
	l = implicit_take(&ci);
	rumpuser_curlwpop(RUMPUSER_LWP_SET, l);
	lwp_bind_cpu(l, ci);
}

void rump_unschedule(void)
{
	struct lwp *l = rumpuser_curlwp();
	struct cpu_info *ci;

	KASSERTMSG(l != NULL && l->l_cpu != NULL,
		   "rump_unschedule: not on a CPU");
	ci = l->l_cpu;
	if (l->l_flags & LW_IMPLICIT)
		implicit_give(l);
	else
		l->l_cpu = NULL;
	cpu_release(ci);
}

/* Upcalls: the host calls these around operations that block. */
static void hyp_backend_unschedule(void)
{
	struct lwp *l = rumpuser_curlwp();
	struct cpu_info *ci;

	if (l == NULL || l->l_cpu == NULL)
		return;
	ci = l->l_cpu;
	l->l_cpu = NULL;
	l->l_backend_off = true;
	cpu_release(ci);
}

static void hyp_backend_schedule(void)
{
	struct lwp *l = rumpuser_curlwp();

	if (l == NULL || !l->l_backend_off)
		return;
	l->l_backend_off = false;
	lwp_bind_cpu(l, cpu_acquire(l, l->l_prevcpu));
}

/* The same, for driver glue (<rump/rumpkern.h>). */
void rump_kern_glue_unschedule(void)
{
	hyp_backend_unschedule();
}

void rump_kern_glue_schedule(void)
{
	hyp_backend_schedule();
}

/*
 * Make l the calling thread's lwp while it holds a CPU: the CPU passes
 * from the current lwp to l.  The old lwp, if implicit, goes back to the
 * CPU's spare slot.
 */
void sched_switch_lwp(struct lwp *l)
{
	struct lwp *old = rumpuser_curlwp();
	struct cpu_info *ci = old->l_cpu;

	if (old->l_flags & LW_IMPLICIT) {
		implicit_give(old);
	} else {
		old->l_running = 0;
		old->l_cpu = NULL;
	}
	if (l == NULL)
		l = implicit_take(&ci);
	else
		l->l_running = 1;
	rumpuser_curlwpop(RUMPUSER_LWP_SET, l);
	lwp_bind_cpu(l, ci);
}

int sched_init(int ncpus)
{
	rumpuser_mutex_init(&sched_mtx, RUMPUSER_MTX_SPIN);
	rumpuser_cv_init(&sched_cv);
	cpus = kmem_zalloc(sizeof(*cpus) * (size_t)ncpus, &M_CPU);
	if (cpus == NULL)
		goto fail;
	ncpu = ncpus;
	for (int i = 0; i < ncpus; i++) {
		cpus[i].ci_index = i;
		if ((cpus[i].ci_kmem = kmem_cpu_cache_create()) == NULL ||
		    (cpus[i].ci_cprng = cprng_cpu_create()) == NULL)
			goto fail;
	}
	return 0;
fail:
	sched_fini();
	return ENOMEM;
}

/*
 * Give every CPU its spare implicit lwp now, so that entering the kernel
 * never has to allocate one unless threads block in it; ENOMEM fails the
 * boot instead of a later entry.  Process 1 must exist.
 */
int sched_implicit_prealloc(void)
{
	for (int i = 0; i < ncpu; i++)
		if (cpus[i].ci_implicit == NULL &&
		    (cpus[i].ci_implicit =
			     lwp_alloc(proc1, LW_IMPLICIT, "implicit")) == NULL)
			return ENOMEM;
	return 0;
}

/* No CPU may be held.  Also frees the CPUs' spare implicit lwps. */
void sched_fini(void)
{
	for (int i = 0; cpus != NULL && i < ncpu; i++) {
		if (cpus[i].ci_implicit != NULL)
			lwp_free(cpus[i].ci_implicit);
		if (cpus[i].ci_cprng != NULL)
			cprng_cpu_destroy(cpus[i].ci_cprng);
		if (cpus[i].ci_kmem != NULL)
			kmem_cpu_cache_destroy(cpus[i].ci_kmem);
	}
	if (cpus != NULL)
		kmem_free(cpus, sizeof(*cpus) * (size_t)ncpu, &M_CPU);
	cpus = NULL;
	ncpu = 0;
	if (sched_cv != NULL)
		rumpuser_cv_destroy(sched_cv);
	if (sched_mtx != NULL)
		rumpuser_mutex_destroy(sched_mtx);
	sched_cv = NULL;
	sched_mtx = NULL;
}

void sched_upcalls(struct rumpuser_hyperup *hyp)
{
	hyp->hyp_schedule = rump_schedule;
	hyp->hyp_unschedule = rump_unschedule;
	hyp->hyp_backend_unschedule = hyp_backend_unschedule;
	hyp->hyp_backend_schedule = hyp_backend_schedule;
}
