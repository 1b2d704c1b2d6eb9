/*
 * sys/mutex.h -- kernel locks built on the hypercall locks: mutexes
 * (adaptive: waiting releases the virtual CPU; spin: it does not, for
 * short sections and the scheduler), reader/writer locks and condition
 * variables.  The kernel records the owning lwp of every mutex and
 * writer lock and asserts on misuse; live locks are counted so that
 * shutdown can report any left over.
 */
#ifndef RUMPKERN_SYS_MUTEX_H_
#define RUMPKERN_SYS_MUTEX_H_
#include <sys/types.h>

struct rumpuser_mtx;
struct rumpuser_rw;
struct rumpuser_cv;

enum kmutex_type { MUTEX_DEFAULT, MUTEX_SPIN };

typedef struct kmutex {
	struct rumpuser_mtx *mtx_host;
	struct lwp *mtx_owner;
	int mtx_type;
} kmutex_t;

typedef enum { RW_READER, RW_WRITER } krw_t;
typedef struct krwlock {
	struct rumpuser_rw *rw_host;
	struct lwp *rw_writer;
} krwlock_t;

typedef struct kcondvar {
	struct rumpuser_cv *cv_host;
	const char *cv_name;
} kcondvar_t;

void mutex_init(kmutex_t *mtx, enum kmutex_type type);
void mutex_destroy(kmutex_t *mtx);
void mutex_enter(kmutex_t *mtx);
void mutex_exit(kmutex_t *mtx);
bool mutex_tryenter(kmutex_t *mtx);
bool mutex_owned(const kmutex_t *mtx);

void rw_init(krwlock_t *rw);
void rw_destroy(krwlock_t *rw);
void rw_enter(krwlock_t *rw, krw_t op);
bool rw_tryenter(krwlock_t *rw, krw_t op);
void rw_exit(krwlock_t *rw);
bool rw_tryupgrade(krwlock_t *rw);
void rw_downgrade(krwlock_t *rw);
bool rw_write_held(krwlock_t *rw);
bool rw_read_held(krwlock_t *rw);
bool rw_lock_held(krwlock_t *rw);

void cv_init(kcondvar_t *cv, const char *name);
void cv_destroy(kcondvar_t *cv);
void cv_wait(kcondvar_t *cv, kmutex_t *mtx);
/* Waits at most nsec nanoseconds; 0 when woken, ETIMEDOUT otherwise. */
int cv_timedwait_ns(kcondvar_t *cv, kmutex_t *mtx, uint64_t nsec);
/* As cv_wait and cv_timedwait_ns, but EINTR once the process is
 * interrupted (kern/base/intr.c); the caller must give up the wait. */
int cv_wait_sig(kcondvar_t *cv, kmutex_t *mtx);
int cv_timedwait_sig_ns(kcondvar_t *cv, kmutex_t *mtx, uint64_t nsec);
void cv_signal(kcondvar_t *cv);
void cv_broadcast(kcondvar_t *cv);
bool cv_has_waiters(kcondvar_t *cv);

/* Locks created and not yet destroyed, for the shutdown leak report. */
extern volatile int64_t locks_live;
#endif
