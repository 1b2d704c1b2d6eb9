/*
 * devsw.c -- the device switch: block and character driver tables by
 * major number (sys/devsw.h), the end of transfers (biodone, biowait for
 * a driver's own buffers), and host block I/O whose completion runs in
 * kernel context.  The tables change only while drivers attach or
 * detach; lookups take the table lock briefly.
 */
#include <rump/rumpuser.h>
#include <sys/atomic.h>
#include <sys/component.h>
#include <sys/devsw.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/systm.h>

KMEM_TYPE_DEFINE(M_DEVSW, "devsw");

struct devsw_slot {
	const char *ds_name;
	const void *ds_ops;
};

static kmutex_t devsw_lock; /* the tables */
static kmutex_t bio_lock;   /* B_DONE of buffers without b_iodone */
static kcondvar_t bio_cv;
static struct devsw_slot devsw_b[DEVSW_MAXMAJOR], devsw_c[DEVSW_MAXMAJOR];

static int devsw_take(struct devsw_slot *tab, const char *name, const void *ops,
		      int *majorp)
{
	int m = *majorp;

	if (m == -1) {
		for (m = 1; m < DEVSW_MAXMAJOR && tab[m].ds_ops != NULL; m++)
			continue;
		if (m == DEVSW_MAXMAJOR)
			return ENOSPC;
	} else if (m < 0 || m >= DEVSW_MAXMAJOR) {
		return EINVAL;
	} else if (tab[m].ds_ops != NULL) {
		return EEXIST;
	}
	tab[m].ds_name = name;
	atomic_store_release(&tab[m].ds_ops, ops);
	*majorp = m;
	return 0;
}

static void devsw_drop(struct devsw_slot *tab, const void *ops)
{
	for (int m = 0; ops != NULL && m < DEVSW_MAXMAJOR; m++)
		if (tab[m].ds_ops == ops)
			atomic_store_release(&tab[m].ds_ops, NULL);
}

int devsw_attach(const char *name, const struct bdevsw *b, int *bmajorp,
		 const struct cdevsw *c, int *cmajorp)
{
	int error = 0;

	if (name == NULL)
		return EINVAL;
	mutex_enter(&devsw_lock);
	if (b != NULL)
		error = devsw_take(devsw_b, name, b, bmajorp);
	if (error == 0 && c != NULL &&
	    (error = devsw_take(devsw_c, name, c, cmajorp)) != 0)
		devsw_drop(devsw_b, b);
	mutex_exit(&devsw_lock);
	return error;
}

void devsw_detach(const struct bdevsw *b, const struct cdevsw *c)
{
	mutex_enter(&devsw_lock);
	devsw_drop(devsw_b, b);
	devsw_drop(devsw_c, c);
	mutex_exit(&devsw_lock);
}

const struct bdevsw *bdevsw_lookup(dev_t dev)
{
	uint32_t m = major(dev);

	if (dev == NODEV || m >= DEVSW_MAXMAJOR)
		return NULL;
	return atomic_load_acquire(&devsw_b[m].ds_ops);
}

const struct cdevsw *cdevsw_lookup(dev_t dev)
{
	uint32_t m = major(dev);

	if (dev == NODEV || m >= DEVSW_MAXMAJOR)
		return NULL;
	return atomic_load_acquire(&devsw_c[m].ds_ops);
}

int devsw_name2major(const char *name, bool block)
{
	struct devsw_slot *tab = block ? devsw_b : devsw_c;
	int found = -1;

	mutex_enter(&devsw_lock);
	for (int m = 0; m < DEVSW_MAXMAJOR && found < 0; m++)
		if (tab[m].ds_ops != NULL && strcmp(tab[m].ds_name, name) == 0)
			found = m;
	mutex_exit(&devsw_lock);
	return found;
}

void biodone(struct buf *bp)
{
	if (bp->b_iodone != NULL) {
		bp->b_iodone(bp);
		return;
	}
	mutex_enter(&bio_lock);
	if (bp->b_error != 0)
		bp->b_flags |= B_ERROR;
	bp->b_flags |= B_DONE;
	cv_broadcast(&bio_cv);
	mutex_exit(&bio_lock);
}

int biowait(struct buf *bp)
{
	mutex_enter(&bio_lock);
	while (!(bp->b_flags & B_DONE))
		cv_wait(&bio_cv, &bio_lock);
	mutex_exit(&bio_lock);
	return bp->b_error;
}

/*
 * One host transfer.  Completed on a host thread without a virtual CPU
 * (the callback takes one), or inline in the issuing thread, whose CPU
 * the blocking hypercall gave up: then the issuer runs done after
 * rumpuser_bio returns.  Whoever lets go of it last frees it.
 */
struct bio_hostreq {
	void (*hr_done)(void *, size_t, int);
	void *hr_arg;
	struct lwp *hr_issuer;
	int hr_refs; /* atomic */
	int hr_inline;
	size_t hr_bytes;
	int hr_error;
};

/* Host completions not yet out of the kernel; shutdown waits for them. */
static volatile int64_t bio_host_busy;

static void bio_hostreq_rele(struct bio_hostreq *hr)
{
	if (atomic_dec_nv(&hr->hr_refs) == 0)
		kmem_free(hr, sizeof(*hr), &M_DEVSW);
}

static void bio_hostdone(void *arg, size_t bytes, int error)
{
	struct bio_hostreq *hr = arg;

	hr->hr_bytes = bytes;
	hr->hr_error = error;
	if (rumpuser_curlwp() == hr->hr_issuer) {
		atomic_store_release(&hr->hr_inline,
				     1); /* the issuer ends it */
		return;
	}
	rump_schedule();
	hr->hr_done(hr->hr_arg, bytes, error);
	bio_hostreq_rele(hr);
	rump_unschedule();
	atomic_dec_nv(&bio_host_busy); /* the last touch of the kernel */
}

int bio_host_start(int fd, int op, void *data, size_t len, int64_t off,
		   void (*done)(void *arg, size_t bytes, int error), void *arg)
{
	struct bio_hostreq *hr = kmem_zalloc(sizeof(*hr), &M_DEVSW);

	if (hr == NULL)
		return ENOMEM;
	hr->hr_done = done;
	hr->hr_arg = arg;
	hr->hr_issuer = rumpuser_curlwp();
	hr->hr_refs = 2;
	atomic_inc_nv(&bio_host_busy);
	rumpuser_bio(fd, op, data, len, off, bio_hostdone, hr);
	if (atomic_load_acquire(&hr->hr_inline)) {
		hr->hr_done(hr->hr_arg, hr->hr_bytes, hr->hr_error);
		kmem_free(hr, sizeof(*hr), &M_DEVSW);
		atomic_dec_nv(&bio_host_busy);
	} else {
		bio_hostreq_rele(hr);
	}
	return 0;
}

static const struct hostdisk_ops *hostdisk_offer;

void hostdisk_register(const struct hostdisk_ops *ops)
{
	atomic_store_release(&hostdisk_offer, ops);
}

const struct hostdisk_ops *hostdisk_get(void)
{
	return atomic_load_acquire(&hostdisk_offer);
}

int devsw_init(void)
{
	mutex_init(&devsw_lock, MUTEX_DEFAULT);
	mutex_init(&bio_lock, MUTEX_DEFAULT);
	cv_init(&bio_cv, "biowait");
	memset(devsw_b, 0, sizeof(devsw_b));
	memset(devsw_c, 0, sizeof(devsw_c));
	return 0;
}

void devsw_fini(void)
{
	/* A completion thread may still be on its way out of the kernel. */
	mutex_enter(&bio_lock);
	while (atomic_load_acquire(&bio_host_busy) > 0)
		(void)cv_timedwait_ns(&bio_cv, &bio_lock, 1000000);
	mutex_exit(&bio_lock);
	cv_destroy(&bio_cv);
	mutex_destroy(&bio_lock);
	mutex_destroy(&devsw_lock);
}

RUMP_COMPONENT(devsw, RUMP_STAGE_BASE, NULL, devsw_init, devsw_fini)
