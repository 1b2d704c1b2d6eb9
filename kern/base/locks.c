/*
 * locks.c -- kernel mutexes, reader/writer locks and condition variables
 * on top of the hypercall locks.  The host does the waiting (and releases
 * the virtual CPU for adaptive locks); this layer records owners so that
 * mutex_owned() and the assertions work, and counts live locks for the
 * shutdown leak report.
 */
#include <rump/rumpuser.h>
#include <sys/atomic.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/systm.h>

volatile int64_t locks_live;

/* Owners are read without the lock (assertions, mutex_owned), so they are
 * accessed atomically; only the lock holder ever writes them. */
#define OWNER_GET(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)
#define OWNER_SET(field, v) __atomic_store_n(&(field), (v), __ATOMIC_RELAXED)

void mutex_init(kmutex_t *mtx, enum kmutex_type type)
{
	int flags = RUMPUSER_MTX_KMUTEX;

	if (type == MUTEX_SPIN)
		flags |= RUMPUSER_MTX_SPIN;
	rumpuser_mutex_init(&mtx->mtx_host, flags);
	mtx->mtx_owner = NULL;
	mtx->mtx_type = type;
	atomic_add(&locks_live, 1);
}

void mutex_destroy(kmutex_t *mtx)
{
	KASSERTMSG(OWNER_GET(mtx->mtx_owner) == NULL,
		   "mutex_destroy: mutex %p is held", mtx);
	rumpuser_mutex_destroy(mtx->mtx_host);
	mtx->mtx_host = NULL;
	atomic_add(&locks_live, -1);
}

void mutex_enter(kmutex_t *mtx)
{
	struct lwp *l = rumpuser_curlwp();

	KASSERTMSG(l == NULL || OWNER_GET(mtx->mtx_owner) != l,
		   "mutex_enter: mutex %p already held by this thread", mtx);
	if (mtx->mtx_type == MUTEX_SPIN)
		rumpuser_mutex_enter_nowrap(mtx->mtx_host);
	else
		rumpuser_mutex_enter(mtx->mtx_host);
	OWNER_SET(mtx->mtx_owner, l);
}

bool mutex_tryenter(kmutex_t *mtx)
{
	if (rumpuser_mutex_tryenter(mtx->mtx_host) != 0)
		return false;
	OWNER_SET(mtx->mtx_owner, rumpuser_curlwp());
	return true;
}

void mutex_exit(kmutex_t *mtx)
{
	KASSERTMSG(OWNER_GET(mtx->mtx_owner) == rumpuser_curlwp(),
		   "mutex_exit: mutex %p not held by this thread", mtx);
	OWNER_SET(mtx->mtx_owner, NULL);
	rumpuser_mutex_exit(mtx->mtx_host);
}

bool mutex_owned(const kmutex_t *mtx)
{
	struct lwp *owner = OWNER_GET(mtx->mtx_owner);

	return owner != NULL && owner == rumpuser_curlwp();
}

void rw_init(krwlock_t *rw)
{
	rumpuser_rw_init(&rw->rw_host);
	rw->rw_writer = NULL;
	atomic_add(&locks_live, 1);
}

void rw_destroy(krwlock_t *rw)
{
	KASSERTMSG(OWNER_GET(rw->rw_writer) == NULL,
		   "rw_destroy: %p write-held", rw);
	rumpuser_rw_destroy(rw->rw_host);
	atomic_add(&locks_live, -1);
}

void rw_enter(krwlock_t *rw, krw_t op)
{
	rumpuser_rw_enter(op == RW_WRITER ? RUMPUSER_RW_WRITER
					  : RUMPUSER_RW_READER,
			  rw->rw_host);
	if (op == RW_WRITER)
		OWNER_SET(rw->rw_writer, rumpuser_curlwp());
}

bool rw_tryenter(krwlock_t *rw, krw_t op)
{
	if (rumpuser_rw_tryenter(op == RW_WRITER ? RUMPUSER_RW_WRITER
						 : RUMPUSER_RW_READER,
				 rw->rw_host) != 0)
		return false;
	if (op == RW_WRITER)
		OWNER_SET(rw->rw_writer, rumpuser_curlwp());
	return true;
}

void rw_exit(krwlock_t *rw)
{
	struct lwp *writer = OWNER_GET(rw->rw_writer);

	if (writer != NULL) {
		KASSERTMSG(writer == rumpuser_curlwp(),
			   "rw_exit: %p write-held by another thread", rw);
		OWNER_SET(rw->rw_writer, NULL);
	}
	rumpuser_rw_exit(rw->rw_host);
}

bool rw_tryupgrade(krwlock_t *rw)
{
	if (rumpuser_rw_tryupgrade(rw->rw_host) != 0)
		return false;
	OWNER_SET(rw->rw_writer, rumpuser_curlwp());
	return true;
}

void rw_downgrade(krwlock_t *rw)
{
	KASSERT(rw_write_held(rw));
	OWNER_SET(rw->rw_writer, NULL);
	rumpuser_rw_downgrade(rw->rw_host);
}

bool rw_write_held(krwlock_t *rw)
{
	struct lwp *writer = OWNER_GET(rw->rw_writer);

	return writer != NULL && writer == rumpuser_curlwp();
}

bool rw_read_held(krwlock_t *rw)
{
	int held;

	rumpuser_rw_held(RUMPUSER_RW_READER, rw->rw_host, &held);
	return held != 0;
}

bool rw_lock_held(krwlock_t *rw)
{
	return rw_write_held(rw) || rw_read_held(rw);
}

void cv_init(kcondvar_t *cv, const char *name)
{
	rumpuser_cv_init(&cv->cv_host);
	cv->cv_name = name;
	atomic_add(&locks_live, 1);
}

void cv_destroy(kcondvar_t *cv)
{
	rumpuser_cv_destroy(cv->cv_host);
	atomic_add(&locks_live, -1);
}

void cv_wait(kcondvar_t *cv, kmutex_t *mtx)
{
	struct lwp *l = rumpuser_curlwp();

	KASSERTMSG(OWNER_GET(mtx->mtx_owner) == l, "cv_wait: mutex %p not held",
		   mtx);
	OWNER_SET(mtx->mtx_owner, NULL);
	rumpuser_cv_wait(cv->cv_host, mtx->mtx_host);
	OWNER_SET(mtx->mtx_owner, l);
}

int cv_timedwait_ns(kcondvar_t *cv, kmutex_t *mtx, uint64_t nsec)
{
	struct lwp *l = rumpuser_curlwp();
	int error;

	KASSERTMSG(OWNER_GET(mtx->mtx_owner) == l,
		   "cv_timedwait: mutex %p not held", mtx);
	OWNER_SET(mtx->mtx_owner, NULL);
	error = rumpuser_cv_timedwait(cv->cv_host, mtx->mtx_host,
				      (int64_t)(nsec / 1000000000ULL),
				      (int64_t)(nsec % 1000000000ULL));
	OWNER_SET(mtx->mtx_owner, l);
	return error;
}

void cv_signal(kcondvar_t *cv)
{
	rumpuser_cv_signal(cv->cv_host);
}

void cv_broadcast(kcondvar_t *cv)
{
	rumpuser_cv_broadcast(cv->cv_host);
}

bool cv_has_waiters(kcondvar_t *cv)
{
	int n;

	rumpuser_cv_has_waiters(cv->cv_host, &n);
	return n != 0;
}
