/*
 * rumpuser.h -- the hypercall interface: the whole contract between a rump
 * kernel and the host it runs on.  A port implements these functions and
 * nothing else.  Types are ABI-neutral (fixed-width integers, opaque
 * handles); calls that return int return 0 or an errno in the kernel's own
 * numbering (RUMP_E* in <rump/rumpdefs.h>); void calls cannot fail.
 * docs/rumpuser.md says of every call whether it may block or fail.
 */
#ifndef RUMP_RUMPUSER_H_
#define RUMP_RUMPUSER_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on every incompatible change; rumpuser_init() refuses others. */
#define RUMPUSER_VERSION 1

struct lwp;

/*
 * Init and upcalls.  The kernel hands the host a table of functions the
 * host calls back into.  A host must call hyp_backend_unschedule() before
 * any call that may block on the host and hyp_backend_schedule() after it,
 * so that a blocked host thread never holds a virtual CPU.
 */
struct rumpuser_hyperup {
	void (*hyp_schedule)(void);	      /* take a virtual CPU */
	void (*hyp_unschedule)(void);	      /* give it back */
	void (*hyp_backend_unschedule)(void); /* before blocking */
	void (*hyp_backend_schedule)(void);   /* after blocking */
	/* Process and thread contexts, for the remote-syscall server. */
	int (*hyp_lwproc_rfork)(void *priv, int flags, const char *comm);
	int (*hyp_lwproc_newlwp)(int32_t pid);
	void (*hyp_lwproc_switch)(struct lwp *l);
	void (*hyp_lwproc_release)(void);
	struct lwp *(*hyp_lwproc_curlwp)(void);
	/* Run a system call in the current context (kernel ABI). */
	int (*hyp_syscall)(int num, void *args, size_t argslen,
			   int64_t retval[2]);
	void (*hyp_lwpexit)(void);
	int32_t (*hyp_getpid)(void);
	/* What the kernel holds, for the server's leak query: processes,
	 * open files, bytes of live kernel objects, bytes from the host. */
	void (*hyp_stats)(int64_t stats[4]);
	/* Make the waits of process pid (0: of every client process but
	 * the caller's) return EINTR: a dropped connection, a halt. */
	int (*hyp_lwproc_interrupt)(int32_t pid);
	/* The current lwp's id (0: none), and: make the waits of lwp lid
	 * of process pid return EINTR (a client interrupted that call);
	 * ESRCH when it no longer exists. */
	int32_t (*hyp_getlid)(void);
	int (*hyp_lwproc_interrupt_lwp)(int32_t pid, int32_t lid);
	void *hyp_extra[4]; /* spare slots, NULL today */
};

int rumpuser_init(int version, const struct rumpuser_hyperup *hyp);

/*
 * Parameters.  Names are the RUMPUSER_PARAM_* strings (environment
 * variables on a POSIX host).  ENOENT when unset, E2BIG when buflen is too
 * small; the value is always NUL-terminated on success.
 */
#define RUMPUSER_PARAM_NCPU "RUMP_NCPU"
#define RUMPUSER_PARAM_HOSTNAME "RUMP_HOSTNAME"
#define RUMPUSER_PARAM_MEMLIMIT "RUMP_MEMLIMIT"
#define RUMPUSER_PARAM_VERBOSE "RUMP_VERBOSE"
#define RUMPUSER_PARAM_LEAKCHECK "RUMP_LEAKCHECK"
/* Asked when RUMP_NCPU is unset: the host's default number of CPUs. */
#define RUMPUSER_PARAM_NCPU_DEFAULT "_RUMPUSER_NCPU_DEFAULT"
int rumpuser_getparam(const char *name, void *buf, size_t buflen);

/* Console: one byte at a time, or a preformatted string. */
void rumpuser_putchar(int ch);
void rumpuser_putstr(const char *str);

/* Exit: a status for the host process, or RUMPUSER_PANIC to abort. */
#define RUMPUSER_PANIC (-1)
void rumpuser_exit(int status) __attribute__((__noreturn__));

/*
 * Memory.  alignment is 0 or a power of two; the host rounds it up to at
 * least pointer alignment.  ENOMEM on failure.  len passed to free is the
 * len given to malloc.
 */
int rumpuser_malloc(size_t len, size_t alignment, void **memp);
void rumpuser_free(void *mem, size_t len);

/*
 * Host files, opened by name.  The handle is an opaque small integer.
 * getfileinfo reports size in bytes and one of the RUMPUSER_FT_* types;
 * for a block device the size is the device's size.
 */
#define RUMPUSER_OPEN_RDONLY 0x0000
#define RUMPUSER_OPEN_WRONLY 0x0001
#define RUMPUSER_OPEN_RDWR 0x0002
#define RUMPUSER_OPEN_ACCMODE 0x0003
#define RUMPUSER_OPEN_CREATE 0x0004 /* create if it does not exist */
#define RUMPUSER_OPEN_EXCL 0x0008   /* with CREATE: fail if it exists */
#define RUMPUSER_OPEN_BIO 0x0010    /* will be used for block I/O */

#define RUMPUSER_FT_OTHER 0
#define RUMPUSER_FT_DIR 1
#define RUMPUSER_FT_REG 2
#define RUMPUSER_FT_BLK 3
#define RUMPUSER_FT_CHR 4

int rumpuser_getfileinfo(const char *name, uint64_t *sizep, int *typep);
int rumpuser_open(const char *name, int mode, int *fdp);
int rumpuser_close(int fd);

/*
 * Asynchronous block I/O.  rumpuser_bio() queues one request and returns;
 * the host later calls biodone from a host thread of its own (or, on a
 * cooperative host, from the I/O fiber) with the byte count moved and 0 or
 * an errno.  The done callback runs without a virtual CPU and may schedule
 * one itself.  RUMPUSER_BIO_SYNC asks for the data to be on stable storage
 * before completion (write) or acts as a barrier (flush, with len 0).
 */
#define RUMPUSER_BIO_READ 0x01
#define RUMPUSER_BIO_WRITE 0x02
#define RUMPUSER_BIO_SYNC 0x04

typedef void (*rump_biodone_fn)(void *donearg, size_t done, int error);
void rumpuser_bio(int fd, int op, void *data, size_t len, int64_t offset,
		  rump_biodone_fn biodone, void *donearg);

/* Synchronous scatter/gather I/O; *retp is the byte count moved. */
struct rumpuser_iovec {
	void *iov_base;
	size_t iov_len;
};
int rumpuser_iovread(int fd, struct rumpuser_iovec *iov, size_t iovcnt,
		     int64_t offset, size_t *retp);
int rumpuser_iovwrite(int fd, const struct rumpuser_iovec *iov, size_t iovcnt,
		      int64_t offset, size_t *retp);

/* Flush a host file: SYNCFD_WRITE for data, SYNCFD_BARRIER for order. */
#define RUMPUSER_SYNCFD_READ 0x01
#define RUMPUSER_SYNCFD_WRITE 0x02
#define RUMPUSER_SYNCFD_BARRIER 0x04
#define RUMPUSER_SYNCFD_SYNC 0x08
int rumpuser_syncfd(int fd, int flags, uint64_t start, uint64_t len);

/*
 * Clocks.  WALL is time since the epoch, MONO is monotonic from an
 * arbitrary origin.  clock_sleep sleeps for a relative wall interval
 * (RUMPUSER_CLOCK_RELWALL) or until an absolute monotonic time
 * (RUMPUSER_CLOCK_ABSMONO); it may return early only with EINTR.
 */
#define RUMPUSER_CLOCK_RELWALL 0
#define RUMPUSER_CLOCK_ABSMONO 1
int rumpuser_clock_gettime(int clock, int64_t *secp, long *nsecp);
int rumpuser_clock_sleep(int clock, int64_t sec, long nsec);

/* Randomness from the host; *retp may be less than buflen. */
#define RUMPUSER_RANDOM_HARD 0x01   /* wait for a seeded source */
#define RUMPUSER_RANDOM_NOWAIT 0x02 /* never block */
int rumpuser_getrandom(void *buf, size_t buflen, int flags, size_t *retp);

/*
 * Threads.  A joinable thread (mustjoin) must be joined with
 * rumpuser_thread_join(cookie).  cpuidx < 0 means unbound; priority is a
 * hint.  A thread starts without a virtual CPU and without a current lwp.
 */
int rumpuser_thread_create(void *(*fn)(void *), void *arg, const char *name,
			   int mustjoin, int priority, int cpuidx,
			   void **cookiep);
void rumpuser_thread_exit(void) __attribute__((__noreturn__));
int rumpuser_thread_join(void *cookie);

/*
 * The current thread's context: which lwp this host thread runs as.
 * CREATE/DESTROY tell the host an lwp is born or gone (it may keep
 * per-lwp state); SET binds l to the calling thread; CLEAR unbinds it.
 */
enum rumplwpop {
	RUMPUSER_LWP_CREATE,
	RUMPUSER_LWP_DESTROY,
	RUMPUSER_LWP_SET,
	RUMPUSER_LWP_CLEAR
};
void rumpuser_curlwpop(int op, struct lwp *l);
struct lwp *rumpuser_curlwp(void);

/*
 * Mutexes.  enter() may block and then releases the virtual CPU while it
 * waits; enter_nowrap() keeps it (for spin mutexes and the scheduler's
 * own locks).  tryenter() returns EBUSY when held.  owner() is the lwp
 * that holds the mutex, when created with RUMPUSER_MTX_KMUTEX.
 */
#define RUMPUSER_MTX_SPIN 0x01
#define RUMPUSER_MTX_KMUTEX 0x02
struct rumpuser_mtx;
void rumpuser_mutex_init(struct rumpuser_mtx **mtxp, int flags);
void rumpuser_mutex_enter(struct rumpuser_mtx *mtx);
void rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *mtx);
int rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx);
void rumpuser_mutex_exit(struct rumpuser_mtx *mtx);
void rumpuser_mutex_destroy(struct rumpuser_mtx *mtx);
void rumpuser_mutex_owner(struct rumpuser_mtx *mtx, struct lwp **lp);

/* Reader/writer locks. */
enum rumprwlock { RUMPUSER_RW_READER, RUMPUSER_RW_WRITER };
struct rumpuser_rw;
void rumpuser_rw_init(struct rumpuser_rw **rwp);
void rumpuser_rw_enter(int enum_rumprwlock, struct rumpuser_rw *rw);
int rumpuser_rw_tryenter(int enum_rumprwlock, struct rumpuser_rw *rw);
int rumpuser_rw_tryupgrade(struct rumpuser_rw *rw);
void rumpuser_rw_downgrade(struct rumpuser_rw *rw);
void rumpuser_rw_exit(struct rumpuser_rw *rw);
void rumpuser_rw_held(int enum_rumprwlock, struct rumpuser_rw *rw, int *heldp);
void rumpuser_rw_destroy(struct rumpuser_rw *rw);

/*
 * Condition variables.  wait() releases the virtual CPU while it sleeps
 * and returns with mtx held and the CPU taken again; wait_nowrap() keeps
 * the CPU.  timedwait() takes a relative interval and returns ETIMEDOUT
 * when it passed.
 */
struct rumpuser_cv;
void rumpuser_cv_init(struct rumpuser_cv **cvp);
void rumpuser_cv_destroy(struct rumpuser_cv *cv);
void rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx);
void rumpuser_cv_wait_nowrap(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx);
int rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
			  int64_t sec, int64_t nsec);
void rumpuser_cv_signal(struct rumpuser_cv *cv);
void rumpuser_cv_broadcast(struct rumpuser_cv *cv);
void rumpuser_cv_has_waiters(struct rumpuser_cv *cv, int *waitersp);

/* Errno delivery: set the calling host thread's errno (kernel numbering). */
void rumpuser_seterrno(int kernel_errno);

/*
 * Fault injection, implemented once for all hosts by hosts/shim.  The
 * kernel asks before an operation that tests may want to fail; the answer
 * follows RUMP_FAULT_<KIND> settings (docs/faultinj.md).
 */
#define RUMPUSER_FAULT_MALLOC 0
#define RUMPUSER_FAULT_BIO 1
#define RUMPUSER_FAULT_SEND 2
#define RUMPUSER_FAULT_NKINDS 3
int rumpuser_fault_check(int kind);

/*
 * Remote system calls (optional group; a host without a transport returns
 * EOPNOTSUPP from rumpuser_sp_init and EFAULT from the copies).
 * rumpuser_sp_init starts serving clients at url (unix://path or
 * tcp://addr:port; flags RUMPUSER_SP_ANYADDR allows a non-loopback TCP
 * address); each connection is a process made with hyp_lwproc_rfork(priv,
 * ...), and the kernel reaches that process's memory through the copy
 * calls with its priv: raddr is an address in the client (or in a buffer
 * the server received with the request).  The copies may block: the host
 * releases the virtual CPU while waiting for the client.
 */
#define RUMPUSER_SP_ANYADDR 0x01
int rumpuser_sp_init(const char *url, int flags);
int rumpuser_sp_copyin(void *priv, const void *raddr, void *laddr,
		       size_t len);
int rumpuser_sp_copyout(void *priv, const void *laddr, void *raddr,
			size_t len);
/* A NUL-terminated string of at most *lenp bytes; *lenp: its length with
 * the NUL; ENAMETOOLONG when none within *lenp. */
int rumpuser_sp_copyinstr(void *priv, const void *raddr, void *laddr,
			  size_t *lenp);

#ifdef __cplusplus
}
#endif
#endif /* RUMP_RUMPUSER_H_ */
