/*
 * kmem.c -- the kernel memory allocator.  Small sizes come from eight
 * power-of-two size classes carved out of 16 KiB host chunks, with a free
 * list per virtual CPU (no lock: a CPU has one holder) backed by a global
 * depot; larger sizes go straight to the host.  Every call is accounted
 * to its kmem type; RUMP_MEMLIMIT bounds the bytes taken from the host.
 * Built with KMEM_PASSTHROUGH (sanitizer builds), every allocation is its
 * own host allocation so the host's checker sees overruns and leaks.
 * The fault-injection shim may fail any allocation (RUMP_FAULT_MALLOC).
 */
#include <rump/rumpuser.h>
#include <sys/atomic.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/param.h>
#include <sys/proc.h>
#include <sys/systm.h>

#define NCLASSES 8
#define MINSHIFT 4				  /* 16 bytes */
#define MAXSMALL (1 << (MINSHIFT + NCLASSES - 1)) /* 2048 */
#define CHUNK_SIZE (16 * 1024)
#define CPU_CACHE_MAX 64  /* objects per class per CPU */
#define CPU_CACHE_MOVE 32 /* objects moved to or from the depot at once */
#define ALIGN 16

struct freeobj {
	struct freeobj *next;
};

struct cpu_cache {
	struct freeobj *head[NCLASSES];
	int count[NCLASSES];
};

struct chunk {
	struct chunk *next;
};

static struct {
	kmutex_t lock; /* depot, chunks */
	struct freeobj *depot[NCLASSES];
	int depot_count[NCLASSES];
	struct chunk *chunks;
	int ready;
} kmem;

static volatile int64_t host_bytes;
static uint64_t memlimit;
static struct kmem_type *volatile types;

KMEM_TYPE_DEFINE(M_TEMP, "temp");
static KMEM_TYPE_DEFINE(M_KMEMCACHE, "kmem cpu cache");

static void *host_alloc(size_t size)
{
	void *p;

	if (memlimit != 0 &&
	    (uint64_t)atomic_add_nv(&host_bytes, (int64_t)size) > memlimit) {
		atomic_add(&host_bytes, -(int64_t)size);
		return NULL;
	}
	if (memlimit == 0)
		atomic_add(&host_bytes, (int64_t)size);
	if (rumpuser_malloc(size, ALIGN, &p) != 0) {
		atomic_add(&host_bytes, -(int64_t)size);
		return NULL;
	}
	return p;
}

static void host_free(void *p, size_t size)
{
	rumpuser_free(p, size);
	atomic_add(&host_bytes, -(int64_t)size);
}

static void type_link(struct kmem_type *t)
{
	struct kmem_type *head;

	if (atomic_load_acquire(&t->kt_linked) ||
	    !atomic_cas_bool(&t->kt_linked, 0, 1))
		return;
	do {
		head = atomic_load_relaxed(&types);
		t->kt_next = head;
	} while (!atomic_cas_bool(&types, head, t));
}

#ifndef KMEM_PASSTHROUGH
static int size_class(size_t size)
{
	int c = 0;

	while ((size_t)1 << (MINSHIFT + c) < size)
		c++;
	return c;
}

/* Carve a new chunk into objects of class c; the depot lock is held. */
static bool depot_grow(int c)
{
	size_t objsize = (size_t)1 << (MINSHIFT + c);
	struct chunk *ch = host_alloc(CHUNK_SIZE);
	char *p;

	if (ch == NULL)
		return false;
	ch->next = kmem.chunks;
	kmem.chunks = ch;
	/* The chunk header takes the first object slot(s). */
	for (p = (char *)ch + MAX(objsize, sizeof(*ch));
	     p + objsize <= (char *)ch + CHUNK_SIZE; p += objsize) {
		struct freeobj *o = (struct freeobj *)(void *)p;
		o->next = kmem.depot[c];
		kmem.depot[c] = o;
		kmem.depot_count[c]++;
	}
	return true;
}

static struct cpu_cache *my_cache(void)
{
	struct lwp *l = rumpuser_curlwp();

	if (l == NULL || l->l_cpu == NULL)
		return NULL;
	return l->l_cpu->ci_kmem;
}

static void *small_alloc(int c)
{
	struct cpu_cache *cc = my_cache();
	struct freeobj *o;

	if (cc != NULL && cc->head[c] != NULL) {
		o = cc->head[c];
		cc->head[c] = o->next;
		cc->count[c]--;
		return o;
	}
	mutex_enter(&kmem.lock);
	if (kmem.depot[c] == NULL && !depot_grow(c)) {
		mutex_exit(&kmem.lock);
		return NULL;
	}
	o = kmem.depot[c];
	kmem.depot[c] = o->next;
	kmem.depot_count[c]--;
	/* Refill this CPU's cache while the lock is held. */
	while (cc != NULL && cc->count[c] < CPU_CACHE_MOVE &&
	       kmem.depot[c] != NULL) {
		struct freeobj *m = kmem.depot[c];
		kmem.depot[c] = m->next;
		kmem.depot_count[c]--;
		m->next = cc->head[c];
		cc->head[c] = m;
		cc->count[c]++;
	}
	mutex_exit(&kmem.lock);
	return o;
}

static void small_free(void *p, int c)
{
	struct cpu_cache *cc = my_cache();
	struct freeobj *o = p;

	if (cc != NULL && cc->count[c] < CPU_CACHE_MAX) {
		o->next = cc->head[c];
		cc->head[c] = o;
		cc->count[c]++;
		return;
	}
	mutex_enter(&kmem.lock);
	o->next = kmem.depot[c];
	kmem.depot[c] = o;
	kmem.depot_count[c]++;
	while (cc != NULL && cc->count[c] > CPU_CACHE_MAX - CPU_CACHE_MOVE) {
		struct freeobj *m = cc->head[c];
		cc->head[c] = m->next;
		cc->count[c]--;
		m->next = kmem.depot[c];
		kmem.depot[c] = m;
		kmem.depot_count[c]++;
	}
	mutex_exit(&kmem.lock);
}

#endif /* !KMEM_PASSTHROUGH */

void *kmem_alloc(size_t size, struct kmem_type *type)
{
	void *p;

	KASSERT(size > 0);
	type_link(type);
	if (rumpuser_fault_check(RUMPUSER_FAULT_MALLOC)) {
		p = NULL;
	} else {
#ifdef KMEM_PASSTHROUGH
		p = host_alloc(size);
#else
		p = size <= MAXSMALL ? small_alloc(size_class(size))
				     : host_alloc(size);
#endif
	}
	if (p == NULL) {
		atomic_add(&type->kt_fails, 1);
		return NULL;
	}
	atomic_add(&type->kt_inuse, 1);
	atomic_add(&type->kt_bytes, (int64_t)size);
	atomic_add(&type->kt_allocs, 1);
	return p;
}

void *kmem_zalloc(size_t size, struct kmem_type *type)
{
	void *p = kmem_alloc(size, type);

	if (p != NULL)
		memset(p, 0, size);
	return p;
}

void kmem_free(void *p, size_t size, struct kmem_type *type)
{
	if (p == NULL)
		return;
	KASSERT(size > 0);
	atomic_add(&type->kt_inuse, -1);
	atomic_add(&type->kt_bytes, -(int64_t)size);
#ifdef KMEM_PASSTHROUGH
	host_free(p, size);
#else
	if (size <= MAXSMALL)
		small_free(p, size_class(size));
	else
		host_free(p, size);
#endif
}

char *kmem_strdup(const char *s, struct kmem_type *type)
{
	size_t len = strlen(s) + 1;
	char *p = kmem_alloc(len, type);

	if (p != NULL)
		memcpy(p, s, len);
	return p;
}

void kmem_strfree(char *s, struct kmem_type *type)
{
	kmem_free(s, strlen(s) + 1, type);
}

int64_t kmem_live_bytes(void)
{
	int64_t n = 0;

	for (struct kmem_type *t = atomic_load_acquire(&types); t != NULL;
	     t = t->kt_next)
		n += atomic_load_relaxed(&t->kt_bytes);
	return n;
}

uint64_t kmem_host_bytes(void)
{
	return (uint64_t)atomic_load_relaxed(&host_bytes);
}

uint64_t kmem_limit(void)
{
	return memlimit;
}

int kmem_init(void)
{
	memlimit = boot_params.memlimit;
	mutex_init(&kmem.lock, MUTEX_SPIN);
	kmem.ready = 1;
	return 0;
}

/* Per-CPU caches are created and drained by the scheduler's CPU setup. */
void *kmem_cpu_cache_create(void)
{
	return kmem_zalloc(sizeof(struct cpu_cache), &M_KMEMCACHE);
}

void kmem_cpu_cache_destroy(void *cache)
{
	struct cpu_cache *cc = cache;

	mutex_enter(&kmem.lock);
	for (int c = 0; c < NCLASSES; c++) {
		while (cc->head[c] != NULL) {
			struct freeobj *o = cc->head[c];
			cc->head[c] = o->next;
			o->next = kmem.depot[c];
			kmem.depot[c] = o;
		}
		cc->count[c] = 0;
	}
	mutex_exit(&kmem.lock);
	kmem_free(cc, sizeof(*cc), &M_KMEMCACHE);
}

void kmem_fini(void)
{
	struct chunk *ch, *next;

	for (ch = kmem.chunks; ch != NULL; ch = next) {
		next = ch->next;
		host_free(ch, CHUNK_SIZE);
	}
	memset(kmem.depot, 0, sizeof(kmem.depot));
	memset(kmem.depot_count, 0, sizeof(kmem.depot_count));
	kmem.chunks = NULL;
	if (kmem.ready)
		mutex_destroy(&kmem.lock);
	kmem.ready = 0;
}

int kmem_report_leaks(void)
{
	int n = 0;

	for (struct kmem_type *t = types; t != NULL; t = t->kt_next) {
		if (t->kt_inuse == 0)
			continue;
		printf("rump kernel: leak: %lld object(s), %lld byte(s) of "
		       "kmem type \"%s\"\n",
		       (long long)t->kt_inuse, (long long)t->kt_bytes,
		       t->kt_name);
		n++;
	}
	return n;
}
