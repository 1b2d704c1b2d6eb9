/*
 * bio.c -- asynchronous block I/O.  rumpuser_bio() queues a request for a
 * few host I/O threads, started on first use, that do the transfer and call
 * biodone without a virtual CPU.  A flush (SYNC without data) is a barrier:
 * it starts after all earlier requests are done and delays later ones.
 * The I/O threads are the host's own, unknown to the kernel; they idle
 * forever.
 */
#include <stdlib.h>
#include <unistd.h>

#include "posix.h"

#define BIO_NTHREADS 4

struct bio_req {
	struct bio_req *next;
	int fd, op, fail;
	void *data;
	size_t len;
	int64_t off;
	rump_biodone_fn done;
	void *donearg;
};

static pthread_once_t bio_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t bio_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bio_cv = PTHREAD_COND_INITIALIZER;
static struct bio_req *bio_head, **bio_tail = &bio_head; /* the queue */
static unsigned bio_busy; /* requests being served */
static int bio_barrier;	  /* a flush is being served */

static int bio_is_flush(const struct bio_req *r)
{
	return (r->op & RUMPUSER_BIO_SYNC) && r->len == 0;
}

/* With bio_mtx held: may the request at the head start now? */
static int bio_can_start(void)
{
	return bio_head != NULL && !bio_barrier &&
	       !(bio_is_flush(bio_head) && bio_busy > 0);
}

static void bio_serve(struct bio_req *r)
{
	char *p = r->data;
	size_t done = 0;
	ssize_t n = 0;
	int error = r->fail ? RUMP_EIO : 0;

	if (!r->fail && (r->op & RUMPUSER_BIO_WRITE)) /* hosts/shim */
		error = rumpuser__bio_write(r->fd, p, r->len, r->off, &done);
	while (!r->fail && (r->op & RUMPUSER_BIO_READ) && done < r->len) {
		n = pread(r->fd, p + done, r->len - done,
			  (off_t)(r->off + done));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* an error, or end of file */
		done += (size_t)n;
	}
	if (n == -1)
		error = rumpuser__kerrno(errno);
	if (!r->fail && error == 0 && (r->op & RUMPUSER_BIO_SYNC))
		error = rumpuser__bio_sync(r->fd);
	r->done(r->donearg, done, error);
}

static void *bio_thread(void *arg)
{
	struct bio_req *r;
	int flush;

	(void)arg;
	pthread_setname_np(pthread_self(), "rumpuser_bio");
	POSIX_CHECK(pthread_mutex_lock(&bio_mtx));
	for (;;) {
		while (!bio_can_start())
			POSIX_CHECK(pthread_cond_wait(&bio_cv, &bio_mtx));
		r = bio_head;
		if ((bio_head = r->next) == NULL)
			bio_tail = &bio_head;
		bio_barrier = flush = bio_is_flush(r);
		bio_busy++;
		POSIX_CHECK(pthread_mutex_unlock(&bio_mtx));

		bio_serve(r);
		free(r);

		POSIX_CHECK(pthread_mutex_lock(&bio_mtx));
		bio_busy--;
		if (flush)
			bio_barrier = 0;
		if (bio_head != NULL)
			POSIX_CHECK(pthread_cond_broadcast(&bio_cv));
	}
	return NULL;
}

static void bio_start(void)
{
	int i;

	for (i = 0; i < BIO_NTHREADS; i++)
		POSIX_CHECK(rumpuser__spawn(NULL, bio_thread, NULL));
}

void rumpuser_bio(int fd, int op, void *data, size_t len, int64_t offset,
		  rump_biodone_fn biodone, void *donearg)
{
	struct bio_req *r = rumpuser__xmalloc(sizeof(*r));

	*r = (struct bio_req){.fd = fd,
			      .op = op,
			      .data = data,
			      .len = len,
			      .off = offset,
			      .done = biodone,
			      .donearg = donearg};
	r->fail = rumpuser_fault_check(RUMPUSER_FAULT_BIO);
	POSIX_CHECK(pthread_once(&bio_once, bio_start));
	POSIX_CHECK(pthread_mutex_lock(&bio_mtx));
	*bio_tail = r;
	bio_tail = &r->next;
	POSIX_CHECK(pthread_cond_signal(&bio_cv));
	POSIX_CHECK(pthread_mutex_unlock(&bio_mtx));
}
