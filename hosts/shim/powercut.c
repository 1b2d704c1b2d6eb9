/*
 * powercut.c -- power-cut simulation for crash-consistency tests, shared by
 * every host: the hosts' rumpuser_bio() writes and flushes go through
 * rumpuser__bio_write() and rumpuser__bio_sync().  RUMP_FAULT_POWERCUT=N
 * lets block writes 1..N through and drops every later one (it completes
 * as done, the file is not touched); flushes after the cut do nothing.
 * With RUMP_FAULT_REORDER=S as well, writes not yet covered by a flush are
 * pending, and at the cut a subset of them chosen by a generator seeded
 * with S is undone and the rest are applied again in a shuffled order, as
 * a disk with a volatile write cache may leave them.  docs/faultinj.md.
 * Needs no host headers; the settings are read at the first block write.
 */
#include <stdint.h>

#include <rump/rumpdefs.h>
#include <rump/rumpuser.h>

int rumpuser__bio_write(int fd, void *data, size_t len, int64_t off,
			size_t *donep);
int rumpuser__bio_sync(int fd);

/* A write not yet covered by a flush (reorder mode). */
struct pc_write {
	struct pc_write *next;
	int fd;
	int64_t off;
	size_t len;
	unsigned char *old, *new; /* the bytes before and after */
};

static int pc_state; /* atomic: 0 unread, 1 being read, 2 ready */
static int pc_on, pc_reorder, pc_cut;
static uint64_t pc_limit, pc_seed, pc_writes;
static struct rumpuser_mtx *pc_mtx;
static struct pc_write *pc_pending; /* newest first */
static uint64_t pc_npending;

static int pc_number(const char *s, uint64_t *vp)
{
	uint64_t v = 0;

	if (*s == '\0')
		return 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*vp = v;
	return *s == '\0';
}

static void pc_bad(const char *name)
{
	rumpuser_putstr("rumpuser: malformed ");
	rumpuser_putstr(name);
	rumpuser_putstr(": want a decimal number; RUMP_FAULT_REORDER needs "
			"RUMP_FAULT_POWERCUT (docs/faultinj.md)\n");
	rumpuser_exit(RUMPUSER_PANIC);
}

static void pc_read(void)
{
	char buf[32];
	int rv;

	rv = rumpuser_getparam("RUMP_FAULT_POWERCUT", buf, sizeof(buf));
	if (rv == 0 && buf[0] != '\0') {
		if (!pc_number(buf, &pc_limit))
			pc_bad("RUMP_FAULT_POWERCUT");
		pc_on = 1;
	} else if (rv != 0 && rv != RUMP_ENOENT) {
		pc_bad("RUMP_FAULT_POWERCUT");
	}
	rv = rumpuser_getparam("RUMP_FAULT_REORDER", buf, sizeof(buf));
	if (rv == 0 && buf[0] != '\0') {
		if (!pc_number(buf, &pc_seed) || !pc_on)
			pc_bad("RUMP_FAULT_REORDER");
		pc_reorder = 1;
	} else if (rv != 0 && rv != RUMP_ENOENT) {
		pc_bad("RUMP_FAULT_REORDER");
	}
	if (pc_on)
		rumpuser_mutex_init(&pc_mtx, RUMPUSER_MTX_SPIN);
}

static void pc_init(void)
{
	int unread = 0;

	if (__atomic_load_n(&pc_state, __ATOMIC_ACQUIRE) == 2)
		return;
	if (__atomic_compare_exchange_n(&pc_state, &unread, 1, 0,
					__ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		pc_read();
		__atomic_store_n(&pc_state, 2, __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&pc_state, __ATOMIC_ACQUIRE) != 2)
		continue;
}

/* splitmix64: the k-th output of the stream seeded with seed. */
static uint64_t pc_random(uint64_t k)
{
	uint64_t x = pc_seed + k * UINT64_C(0x9e3779b97f4a7c15);

	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

static void pc_put(int fd, void *data, size_t len, int64_t off)
{
	struct rumpuser_iovec iov = {data, len};
	size_t done;

	(void)rumpuser_iovwrite(fd, &iov, 1, off, &done);
}

static void pc_free(struct pc_write *w)
{
	rumpuser_free(w->old, w->len);
	rumpuser_free(w->new, w->len);
	rumpuser_free(w, sizeof(*w));
}

/*
 * The cut, with pc_mtx held: the pending writes are undone newest first,
 * then a random half of them (each kept with probability 1/2) is applied
 * again in a random order.
 */
static void pc_cutnow(void)
{
	struct pc_write **v = NULL, *w;
	uint64_t n = pc_npending, i, k = 0;

	pc_cut = 1;
	rumpuser_putstr("rumpuser: power cut\n");
	if (n == 0)
		return;
	for (w = pc_pending; w != NULL; w = w->next)
		pc_put(w->fd, w->old, w->len, w->off);
	if (rumpuser_malloc(n * sizeof(*v), 0, (void **)&v) != 0)
		rumpuser_exit(RUMPUSER_PANIC);
	for (w = pc_pending, i = 0; w != NULL; w = w->next)
		v[i++] = w;
	for (i = n - 1; i > 0; i--) {
		uint64_t j = pc_random(k++) % (i + 1);

		w = v[i];
		v[i] = v[j];
		v[j] = w;
	}
	for (i = 0; i < n; i++) {
		if (pc_random(k++) & 1)
			pc_put(v[i]->fd, v[i]->new, v[i]->len, v[i]->off);
		pc_free(v[i]);
	}
	rumpuser_free(v, n * sizeof(*v));
	pc_pending = NULL;
	pc_npending = 0;
}

/* Records a pending write: the old bytes are read before it is done. */
static int pc_record(int fd, void *data, size_t len, int64_t off)
{
	struct rumpuser_iovec iov;
	struct pc_write *w;
	size_t done = 0;
	int error;

	if (rumpuser_malloc(sizeof(*w), 0, (void **)&w) != 0 ||
	    rumpuser_malloc(len, 0, (void **)&w->old) != 0 ||
	    rumpuser_malloc(len, 0, (void **)&w->new) != 0)
		return RUMP_ENOMEM; /* a test tool: no partial cleanup */
	iov = (struct rumpuser_iovec){w->old, len};
	if ((error = rumpuser_iovread(fd, &iov, 1, off, &done)) != 0)
		return error;
	for (; done < len; done++)
		w->old[done] = 0; /* past the end of the file */
	for (size_t i = 0; i < len; i++)
		w->new[i] = ((unsigned char *)data)[i];
	w->fd = fd;
	w->off = off;
	w->len = len;
	w->next = pc_pending;
	pc_pending = w;
	pc_npending++;
	return 0;
}

int rumpuser__bio_write(int fd, void *data, size_t len, int64_t off,
			size_t *donep)
{
	struct rumpuser_iovec iov = {data, len};
	int error = 0;

	pc_init();
	if (!pc_on)
		return rumpuser_iovwrite(fd, &iov, 1, off, donep);
	rumpuser_mutex_enter_nowrap(pc_mtx);
	if (!pc_cut && ++pc_writes > pc_limit)
		pc_cutnow();
	if (pc_cut) {
		*donep = len; /* the disk says done; nothing reaches it */
	} else if (!pc_reorder ||
		   (error = pc_record(fd, data, len, off)) == 0) {
		error = rumpuser_iovwrite(fd, &iov, 1, off, donep);
	}
	rumpuser_mutex_exit(pc_mtx);
	return error;
}

int rumpuser__bio_sync(int fd)
{
	struct pc_write **wp, *w;

	pc_init();
	if (!pc_on)
		return rumpuser_syncfd(fd, RUMPUSER_SYNCFD_WRITE, 0, 0);
	rumpuser_mutex_enter_nowrap(pc_mtx);
	if (pc_cut) {
		rumpuser_mutex_exit(pc_mtx);
		return 0;
	}
	for (wp = &pc_pending; (w = *wp) != NULL;) {
		if (w->fd == fd) {
			*wp = w->next;
			pc_free(w);
			pc_npending--;
		} else {
			wp = &w->next;
		}
	}
	rumpuser_mutex_exit(pc_mtx);
	return rumpuser_syncfd(fd, RUMPUSER_SYNCFD_WRITE, 0, 0);
}
