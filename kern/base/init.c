/*
 * init.c -- boot and shutdown.  rump_kern_init() brings the base up in
 * dependency order (parameters, memory, virtual CPUs, processes, timers,
 * deferred work, descriptor tables), then runs every linked component;
 * any failure undoes what was done and returns the error, so a failed
 * boot leaks nothing and may be retried.  A kernel boots once per host
 * process: after shutdown rump_init() returns ESHUTDOWN.  Shutdown closes
 * every descriptor before the components stop, and checks that no
 * memory, lock or kernel thread is left over (fatal with
 * RUMP_LEAKCHECK=1).
 */
#include <rump/rumpkern.h>
#include <rump/rumpuser.h>
#include <sys/atomic.h>
#include <sys/callout.h>
#include <sys/component.h>
#include <sys/file.h>
#include <sys/kmem.h>
#include <sys/kthread.h>
#include <sys/param.h>
#include <sys/proc.h>
#include <sys/softint.h>
#include <sys/syscall.h>
#include <sys/systm.h>

enum { KERN_OFF, KERN_RUNNING, KERN_HALTED };
static volatile int kern_state = KERN_OFF;

static bool kern_is_running(void);
static bool kern_is_halted(void);

static int hyp_rfork(void *priv, int flags, const char *comm)
{
	int error = rump_kern_lwproc_rfork(flags);

	if (error == 0) {
		struct lwp *l = rumpuser_curlwp();
		/* A process of a remote client: its memory is the client's. */
		if (priv != NULL)
			l->l_proc->p_vmspace = &vmspace_remote;
		l->l_proc->p_vmspace_priv = priv;
		strlcpy(l->l_proc->p_comm, comm, sizeof(l->l_proc->p_comm));
	}
	return error;
}

static int32_t hyp_getpid(void)
{
	struct lwp *l = rumpuser_curlwp();

	return l != NULL ? l->l_proc->p_pid : 1;
}

static int32_t hyp_getlid(void)
{
	struct lwp *l = rumpuser_curlwp();

	return l != NULL ? l->l_lid : 0;
}

static void hyp_stats(int64_t stats[4])
{
	rump_schedule();
	stats[0] = lwproc_nprocs();
	stats[1] = atomic_load_relaxed(&files_live);
	stats[2] = kmem_live_bytes();
	stats[3] = (int64_t)kmem_host_bytes();
	rump_unschedule();
}

static int default_ncpu(void)
{
	char buf[16];
	uint64_t v;

	if (rumpuser_getparam(RUMPUSER_PARAM_NCPU_DEFAULT, buf, sizeof(buf)) ==
		    0 &&
	    kstrtou64(buf, &v) == 0 && v >= 1 && v <= 64)
		return (int)v;
	return 2;
}

/* Leak check of what the base itself counts; true when all is clean. */
static bool leaks_report(void)
{
	int types = kmem_report_leaks();

	if (locks_live != 0)
		printf("rump kernel: leak: %lld lock(s) never destroyed\n",
		       (long long)locks_live);
	if (kthreads_live != 0)
		printf("rump kernel: leak: %lld kernel thread(s) still "
		       "running\n",
		       (long long)kthreads_live);
	return types == 0 && locks_live == 0 && kthreads_live == 0;
}

/* Undo the base in reverse; safe from any point of a partial boot. */
static void base_teardown(int reached)
{
	if (reached >= 5)
		softint_shutdown();
	if (reached >= 4)
		callout_shutdown();
	/* A detached kernel thread may be on its way out and still need a CPU:
	 * give it up to a second before the CPUs go and it counts as a leak. */
	for (int i = 0; reached >= 2 && i < 1000 && kthreads_live != 0; i++)
		rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, 1000000);
	if (kthreads_live != 0) {
		/* Freeing CPUs and memory under a running thread would crash
		 * it: report, and leave them to the host process. */
		leaks_report();
		if (boot_params.leakcheck)
			panic("kernel threads still running at shutdown "
			      "(RUMP_LEAKCHECK=1)");
		return;
	}
	if (reached >= 3)
		lwproc_fini();
	/* After lwproc_fini: the processes' exit hooks closed their tables. */
	if (reached >= 6)
		file_fini();
	if (reached >= 2)
		sched_fini();
	if (reached >= 1) {
		bool clean;
		kmem_fini(); /* destroys its own lock; the counters remain */
		clean = leaks_report();
		if (!clean && boot_params.leakcheck)
			panic("kernel resources left over at shutdown "
			      "(RUMP_LEAKCHECK=1)");
	}
}

int rump_kern_init(void)
{
	struct rumpuser_hyperup hyp;
	int error, reached = 0;

	if (kern_is_running())
		return 0;
	if (kern_is_halted())
		return ESHUTDOWN;

	memset(&hyp, 0, sizeof(hyp));
	sched_upcalls(&hyp);
	hyp.hyp_lwproc_rfork = hyp_rfork;
	hyp.hyp_lwproc_newlwp = rump_kern_lwproc_newlwp;
	hyp.hyp_lwproc_switch = rump_pub_lwproc_switch;
	hyp.hyp_lwproc_release = rump_pub_lwproc_releaselwp;
	hyp.hyp_lwproc_curlwp = rump_pub_lwproc_curlwp;
	hyp.hyp_syscall = rump_kern_syscall;
	hyp.hyp_lwpexit = rump_pub_lwproc_releaselwp;
	hyp.hyp_getpid = hyp_getpid;
	hyp.hyp_stats = hyp_stats;
	hyp.hyp_lwproc_interrupt = rump_kern_lwproc_interrupt;
	hyp.hyp_getlid = hyp_getlid;
	hyp.hyp_lwproc_interrupt_lwp = rump_kern_lwproc_interrupt_lwp;
	if ((error = rumpuser_init(RUMPUSER_VERSION, &hyp)) != 0) {
		printf("rump kernel: the hypercall library refused interface "
		       "version %d\n",
		       RUMPUSER_VERSION);
		return error;
	}
	if ((error = param_read_all(&boot_params)) != 0)
		return error;
	boothowto_verbose = boot_params.verbose;
	if (boot_params.ncpu == 0)
		boot_params.ncpu = default_ncpu();

	if ((error = kmem_init()) != 0)
		goto fail;
	reached = 1;
	if ((error = sched_init(boot_params.ncpu)) != 0)
		goto fail;
	reached = 2;
	if ((error = lwproc_init()) != 0)
		goto fail;
	reached = 3;
	if ((error = sched_implicit_prealloc()) != 0)
		goto fail;
	if ((error = callout_startup()) != 0)
		goto fail;
	reached = 4;
	if ((error = softint_startup()) != 0)
		goto fail;
	reached = 5;
	if ((error = file_init()) != 0)
		goto fail;
	reached = 6;

	rump_schedule();
	error = component_init_all();
	rump_unschedule();
	if (error != 0)
		goto fail;
	atomic_store_release(&kern_state, KERN_RUNNING);
	aprint_verbose("rump kernel: booted with %d virtual CPU(s)\n", ncpu);
	return 0;
fail:
	printf("rump kernel: boot failed: %s\n", error > 0 && error <= ELAST
							 ? errno_names[error]
							 : "unknown error");
	base_teardown(reached);
	return error;
}

/*
 * Shutdown has two halves.  kern_shutdown_begin() runs inside the reboot
 * system call on a virtual CPU: components stop, deferred work drains,
 * kernel threads end.  kern_shutdown_finish() runs after the caller gave
 * its CPU back, and frees the processes, the CPUs and the memory.
 */
static int shutdown_howto;
static volatile int shutdown_pending;

int kern_shutdown_begin(int howto)
{
	if (kern_state != KERN_RUNNING || shutdown_pending)
		return EBUSY;
	shutdown_pending = 1;
	shutdown_howto = howto;
	aprint_verbose("rump kernel: shutting down\n");
	/* Files go while the components that implement them still run. */
	file_shutdown();
	component_fini_all();
	return 0;
}

int kern_shutdown_howto(void)
{
	return shutdown_howto;
}

bool kern_shutdown_is_pending(void)
{
	return atomic_load_relaxed(&shutdown_pending) == 1;
}

static bool kern_is_running(void)
{
	return atomic_load_acquire(&kern_state) == KERN_RUNNING;
}

static bool kern_is_halted(void)
{
	return atomic_load_acquire(&kern_state) == KERN_HALTED;
}

int kern_entry_error(void)
{
	switch (atomic_load_acquire(&kern_state)) {
	case KERN_RUNNING:
		return 0;
	case KERN_HALTED:
		return ESHUTDOWN;
	default:
		return ENOSYS;
	}
}

void kern_shutdown_finish(void)
{
	struct lwp *l = rumpuser_curlwp();

	/* Only the thread that made the reboot call finishes it. */
	if (!atomic_cas_bool(&shutdown_pending, 1, 2))
		return;
	atomic_store_release(&kern_state, KERN_HALTED);
	if (l != NULL)
		rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, l);
	base_teardown(6);
	aprint_verbose("rump kernel: halted\n");
}
