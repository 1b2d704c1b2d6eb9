/*
 * client.c -- the connection of librumpclient and its rump_kern_syscall(),
 * which the same host entry points as the local library's (generated
 * rump_sys_* and the custom *_host.c ones) call: their arguments arrive
 * already in the kernel's ABI, and here they are packed by the generated
 * table (gen/marshal.c) into one request and one reply.  Any number of
 * threads share the connection: requests carry ids, and whichever waiting
 * thread holds the reading turn reads the next frame and hands it to its
 * owner, or serves the server's copyin/copyout fallback requests itself.
 * A host signal that interrupts a thread's wait for its reply (the host
 * returns EINTR: a handler without SA_RESTART, or any handler for poll
 * and select) makes it send SP_INTERRUPT for its call and wait on: the
 * reply is then EINTR, or the result if the call ended first.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>
#include <rump/rumpclient.h>
#include <rump/rumpdefs.h>
#include <rump/rumpkern.h>

#include "../sp/sp_proto.h"
#include "client.h"
#include "errno_map.h"
#include "sp_marshal.h"

struct rc_waiter {
	uint64_t reqid;
	struct sp_hdr *reply; /* the whole frame, malloc'd, once done */
	int error;	      /* kernel errno of the transport, once done */
	bool done;
	enum rc_sigmode sig; /* RC_SIG_NONE if the server cannot interrupt */
	bool intrsent;	     /* its SP_INTERRUPT went (only its thread) */
	int efd; /* RC_SIG_ALWAYS: the eventfd it sleeps on, or -1 */
	struct rc_waiter *next;
};

struct rc_conn rc = {
	.fd = -1,
	.mtx = PTHREAD_MUTEX_INITIALIZER,
	.sendmtx = PTHREAD_MUTEX_INITIALIZER,
};
static struct rc_waiter *rc_waiters;
static bool rc_reading;
/*
 * Waiters without the reading turn sleep on the futex rc_wakeseq, which
 * every wake-up bumps (rc_nsleep of them are asleep), or, for calls a
 * signal interrupts whatever SA_RESTART says, in a poll of their own
 * eventfd (rc_nefd of them have one).  All three under rc.mtx; the
 * futex word is also read by the kernel.
 */
static uint32_t rc_wakeseq;
static int rc_nsleep, rc_nefd;
/*
 * Bytes read from the current connection beyond the last frame, for the
 * next reader: only the thread with the reading turn uses them.  They
 * belong to connection number rc_rahead_gen; a reader of another one
 * (rc_gen changes with every rc_setfd, under rc.mtx) drops them, so a
 * reconnection while a reader of the old one is still out never sees the
 * old connection's bytes.
 */
static char rc_rahead[4096];
static size_t rc_rahead_off, rc_rahead_len;
static uint64_t rc_gen, rc_rahead_gen;

/* Wake every sleeping waiter: to look for its reply or the turn; rc.mtx
 * held. */
static void rc_wake(void)
{
	if (rc_nsleep > 0) {
		__atomic_add_fetch(&rc_wakeseq, 1, __ATOMIC_RELEASE);
		(void)syscall(SYS_futex, &rc_wakeseq, FUTEX_WAKE_PRIVATE,
			      INT_MAX, NULL, NULL, 0);
	}
	for (struct rc_waiter *w = rc_waiters; rc_nefd > 0 && w != NULL;
	     w = w->next) {
		uint64_t one = 1;
		if (w->efd >= 0)
			(void)!write(w->efd, &one, sizeof(one));
	}
}

/* Wake every waiter of a lost connection with error; rc.mtx held. */
static void rc_fail_waiters(int error)
{
	for (struct rc_waiter *w = rc_waiters; w != NULL; w = w->next) {
		if (!w->done) {
			w->done = true;
			w->error = error;
		}
	}
	rc_wake();
}

/*
 * A host signal interrupted w's wait for its reply: ask the server to
 * interrupt the call, once.  Only w's own thread gets here.
 */
static void rc_signalled(struct rc_waiter *w)
{
	struct sp_hdr h = {sizeof(h), SP_INTERRUPT, 0, 0};

	if (w == NULL || w->sig == RC_SIG_NONE || w->intrsent)
		return;
	w->intrsent = true;
	h.sh_reqid = w->reqid;
	(void)rc_send(&h, sizeof(h)); /* a lost connection shows anyway */
}

/*
 * One read from the connection for waiter w (NULL: nobody to interrupt).
 * A read that a signal interrupts (EINTR: the handler lacks SA_RESTART)
 * is w's interruption.  For RC_SIG_ALWAYS the wait is a poll, which the
 * host never restarts, so any handler interrupts it.
 */
static ssize_t rc_read1(int fd, void *buf, size_t len, struct rc_waiter *w)
{
	for (;;) {
		ssize_t n;

		if (w != NULL && w->sig == RC_SIG_ALWAYS) {
			struct pollfd p = {fd, POLLIN, 0};
			n = recv(fd, buf, len, MSG_DONTWAIT);
			if (n >= 0 || (errno != EAGAIN &&
				       errno != EWOULDBLOCK && errno != EINTR))
				return n;
			if (poll(&p, 1, -1) < 0 && errno == EINTR)
				rc_signalled(w);
			continue;
		}
		n = read(fd, buf, len);
		if (n >= 0 || errno != EINTR)
			return n;
		rc_signalled(w);
	}
}

/* Exactly len bytes, for w; 0, ECONNRESET at the end, or a host errno. */
static int rc_read_all(int fd, char *buf, size_t len, struct rc_waiter *w)
{
	while (len > 0) {
		ssize_t n = rc_read1(fd, buf, len, w);
		if (n == 0)
			return ECONNRESET;
		if (n < 0)
			return errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

void rc_setfd(int fd)
{
	pthread_mutex_lock(&rc.sendmtx);
	__atomic_store_n(&rc.fd, fd, __ATOMIC_RELEASE);
	rc_gen++;
	pthread_mutex_unlock(&rc.sendmtx);
}

/* The connection broke; rc.mtx held. */
static void rc_lost(void)
{
	int fd = rc.fd;

	if (fd >= 0) {
		rc_setfd(-1);
		close(fd);
	}
	rc_fail_waiters(RUMP_ENOTCONN);
}

/* len bytes from fd; with ahead (fd is connection number gen), through
 * the read-ahead, for waiter w. */
static int rc_read_some(int fd, bool ahead, uint64_t gen, char *buf, size_t len,
			struct rc_waiter *w)
{
	if (!ahead)
		return sp_read_all(fd, buf, len);
	if (rc_rahead_gen != gen) {
		rc_rahead_off = rc_rahead_len = 0;
		rc_rahead_gen = gen;
	}
	while (len > 0) {
		size_t n;
		if (rc_rahead_off == rc_rahead_len) {
			ssize_t r;
			if (len >= sizeof(rc_rahead))
				return rc_read_all(fd, buf, len, w);
			r = rc_read1(fd, rc_rahead, sizeof(rc_rahead), w);
			if (r == 0)
				return ECONNRESET;
			if (r < 0)
				return errno;
			rc_rahead_off = 0;
			rc_rahead_len = (size_t)r;
		}
		n = rc_rahead_len - rc_rahead_off;
		if (n > len)
			n = len;
		memcpy(buf, rc_rahead + rc_rahead_off, n);
		rc_rahead_off += n;
		buf += n;
		len -= n;
	}
	return 0;
}

static int rc_read_frame_from(int fd, bool ahead, uint64_t gen,
			      struct sp_hdr **framep, struct rc_waiter *w)
{
	struct sp_hdr h, *f;
	int error;

	if ((error = rc_read_some(fd, ahead, gen, (char *)&h, sizeof(h), w)) !=
	    0)
		return error;
	if (h.sh_len < sizeof(h) || h.sh_len > SP_FRAME_MAX)
		return EPROTO;
	if ((f = malloc(h.sh_len)) == NULL)
		return ENOMEM;
	*f = h;
	if ((error = rc_read_some(fd, ahead, gen, (char *)(f + 1),
				  h.sh_len - sizeof(h), w)) != 0) {
		free(f);
		return error;
	}
	*framep = f;
	return 0;
}

int rc_read_frame(int fd, struct sp_hdr **framep)
{
	return rc_read_frame_from(fd, false, 0, framep, NULL);
}

int rc_send(const void *frame, size_t len)
{
	int error;

	pthread_mutex_lock(&rc.sendmtx);
	error = rc.fd < 0 ? ENOTCONN : sp_write_all(rc.fd, frame, len);
	pthread_mutex_unlock(&rc.sendmtx);
	return error;
}

/*
 * Our own memory, read and written without trusting the address: a bad
 * one the server asks for must be EFAULT, not a crash of this program.
 */
static int rc_peek(void *dst, uint64_t addr, size_t len)
{
	struct iovec local = {dst, len},
		     remote = {(void *)(uintptr_t)addr, len};
	ssize_t n;

	if (addr < 4096 || addr + len < addr)
		return RUMP_EFAULT;
	n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (n < 0 && (errno == ENOSYS || errno == EPERM)) {
		memcpy(dst, (void *)(uintptr_t)addr, len);
		return 0;
	}
	return n == (ssize_t)len ? 0 : RUMP_EFAULT;
}

static int rc_poke(uint64_t addr, const void *src, size_t len)
{
	struct iovec local = {(void *)src, len},
		     remote = {(void *)(uintptr_t)addr, len};
	ssize_t n;

	if (addr < 4096 || addr + len < addr)
		return RUMP_EFAULT;
	n = process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
	if (n < 0 && (errno == ENOSYS || errno == EPERM)) {
		memcpy((void *)(uintptr_t)addr, src, len);
		return 0;
	}
	return n == (ssize_t)len ? 0 : RUMP_EFAULT;
}

/* A NUL-terminated string of at most max bytes: its length with the NUL. */
static int rc_peekstr(char *dst, uint64_t addr, size_t max, size_t *lenp)
{
	size_t done = 0;

	while (done < max) {
		size_t chunk = 4096 - ((addr + done) & 4095);
		char *nul;
		int error;

		if (chunk > max - done)
			chunk = max - done;
		if ((error = rc_peek(dst + done, addr + done, chunk)) != 0)
			return error;
		if ((nul = memchr(dst + done, '\0', chunk)) != NULL) {
			*lenp = (size_t)(nul - dst) + 1;
			return 0;
		}
		done += chunk;
	}
	*lenp = max;
	return RUMP_ENAMETOOLONG;
}

/* The server's fallback: copy our memory to it, or its data into ours. */
static void rc_serve_copy(struct sp_hdr *f)
{
	struct sp_copy *cp = (struct sp_copy *)(f + 1);
	struct {
		struct sp_hdr h;
		struct sp_status st;
	} * r;
	size_t len = 0;
	int error = 0;

	if (f->sh_len < sizeof(*f) + sizeof(*cp))
		return;
	if (f->sh_type == SP_COPYOUT) {
		size_t have = f->sh_len - sizeof(*f) - sizeof(*cp);
		if (cp->cp_len <= have)
			(void)rc_poke(cp->cp_addr, cp + 1, cp->cp_len);
		return;
	}
	if (cp->cp_len > SP_COPY_CHUNK)
		cp->cp_len = SP_COPY_CHUNK;
	if ((r = malloc(sizeof(*r) + cp->cp_len)) == NULL)
		error = RUMP_ENOMEM;
	else if (f->sh_type == SP_COPYIN) {
		error = rc_peek(r + 1, cp->cp_addr, cp->cp_len);
		len = error == 0 ? cp->cp_len : 0;
	} else {
		error = rc_peekstr((char *)(r + 1), cp->cp_addr, cp->cp_len,
				   &len);
		if (error == RUMP_EFAULT)
			len = 0;
	}
	if (r == NULL) {
		struct {
			struct sp_hdr h;
			struct sp_status st;
		} small = {{sizeof(small), SP_COPYIN_REPLY, 0, f->sh_reqid},
			   {error, 0, 0}};
		(void)rc_send(&small, sizeof(small));
		return;
	}
	r->h = (struct sp_hdr){(uint32_t)(sizeof(*r) + len), SP_COPYIN_REPLY, 0,
			       f->sh_reqid};
	r->st = (struct sp_status){error, 0, (int64_t)len};
	(void)rc_send(r, sizeof(*r) + len);
	free(r);
}

/*
 * Sleep until a wake-up, without the reading turn; rc.mtx held (dropped
 * meanwhile).  A signal that interrupts the sleep is w's interruption: a
 * futex wait is restarted by the host after a handler with SA_RESTART,
 * a poll never.
 */
static void rc_sleep(struct rc_waiter *w)
{
	bool sig = false;

	if (w->sig == RC_SIG_ALWAYS && w->efd < 0 &&
	    (w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) >= 0)
		rc_nefd++;
	if (w->sig == RC_SIG_ALWAYS && w->efd >= 0) {
		struct pollfd p = {w->efd, POLLIN, 0};
		uint64_t v;
		pthread_mutex_unlock(&rc.mtx);
		if (poll(&p, 1, -1) < 0)
			sig = errno == EINTR;
		else
			(void)!read(w->efd, &v, sizeof(v));
		pthread_mutex_lock(&rc.mtx);
	} else {
		uint32_t seq = rc_wakeseq;
		rc_nsleep++;
		pthread_mutex_unlock(&rc.mtx);
		if (syscall(SYS_futex, &rc_wakeseq, FUTEX_WAIT_PRIVATE, seq,
			    NULL, NULL, 0) < 0)
			sig = errno == EINTR;
		pthread_mutex_lock(&rc.mtx);
		rc_nsleep--;
	}
	if (sig)
		rc_signalled(w);
}

/*
 * Wait for w's reply, reading frames while no other thread does.  The
 * turn to read passes on by the wake-up after each frame.
 */
static void rc_wait(struct rc_waiter *w)
{
	pthread_mutex_lock(&rc.mtx);
	while (!w->done) {
		struct sp_hdr *f = NULL;
		uint64_t gen;
		int fd, error;

		if (rc_reading) {
			rc_sleep(w);
			continue;
		}
		if ((fd = rc.fd) < 0) {
			rc_fail_waiters(RUMP_ENOTCONN);
			break;
		}
		rc_reading = true;
		gen = rc_gen;
		pthread_mutex_unlock(&rc.mtx);
		error = rc_read_frame_from(fd, true, gen, &f, w);
		if (error == 0 &&
		    (f->sh_type == SP_COPYIN || f->sh_type == SP_COPYINSTR ||
		     f->sh_type == SP_COPYOUT)) {
			rc_serve_copy(f);
			free(f);
			f = NULL;
		}
		pthread_mutex_lock(&rc.mtx);
		rc_reading = false;
		if (error != 0) {
			if (fd == rc.fd)
				rc_lost();
		} else if (f != NULL) {
			struct rc_waiter *o = rc_waiters;
			while (o != NULL &&
			       (o->done || o->reqid != f->sh_reqid))
				o = o->next;
			if (o != NULL) {
				o->reply = f;
				o->done = true;
			} else
				free(f); /* a reply nobody waits for */
		}
		rc_wake();
	}
	pthread_mutex_unlock(&rc.mtx);
}

int rc_request_sig(struct sp_hdr *frame, size_t len, struct sp_hdr **replyp,
		   enum rc_sigmode mode)
{
	struct rc_waiter w = {.efd = -1}, **pp;
	int error;

	pthread_mutex_lock(&rc.mtx);
	if (rc.fd < 0 && (error = rc_reconnect_locked()) != 0) {
		pthread_mutex_unlock(&rc.mtx);
		return error;
	}
	w.reqid = ++rc.nextid;
	/* An older server would end the connection on SP_INTERRUPT. */
	w.sig = (rc.features & SP_FEAT_INTERRUPT) ? mode : RC_SIG_NONE;
	w.next = rc_waiters;
	rc_waiters = &w;
	pthread_mutex_unlock(&rc.mtx);

	frame->sh_reqid = w.reqid;
	frame->sh_len = (uint32_t)len;
	if ((error = rc_send(frame, len)) != 0) {
		pthread_mutex_lock(&rc.mtx);
		rc_lost();
		pthread_mutex_unlock(&rc.mtx);
	}
	rc_wait(&w);

	pthread_mutex_lock(&rc.mtx);
	for (pp = &rc_waiters; *pp != &w; pp = &(*pp)->next)
		;
	*pp = w.next;
	if (w.efd >= 0) {
		close(w.efd);
		rc_nefd--;
	}
	pthread_mutex_unlock(&rc.mtx);
	if (w.reply == NULL)
		return w.error != 0 ? w.error : RUMP_ENOTCONN;
	*replyp = w.reply;
	return 0;
}

int rc_request(struct sp_hdr *frame, size_t len, struct sp_hdr **replyp)
{
	return rc_request_sig(frame, len, replyp, RC_SIG_NONE);
}

/* ------------------------------------------------------------ marshalling */

struct rc_buf {
	int slot;
	int dir;
	void *addr;
	size_t len;
	size_t retsize;
};

/* The size in bytes of buffer argument a, or false if it cannot be known. */
static bool rc_bufsize(const struct sp_argdesc *a, const uint64_t *slots,
		       int nslots, size_t *lenp)
{
	uint64_t n;

	switch (a->sa_count) {
	case SP_COUNT_ONE:
		n = 1;
		break;
	case SP_COUNT_CONST:
		n = a->sa_const;
		break;
	case SP_COUNT_SLOT:
		if (a->sa_ref >= nslots)
			return false;
		n = slots[a->sa_ref];
		break;
	case SP_COUNT_PTR: {
		uintptr_t p;
		uint32_t v32 = 0;
		uint64_t v64 = 0;
		if (a->sa_ref >= nslots)
			return false;
		p = (uintptr_t)slots[a->sa_ref];
		if (p < 4096)
			return false;
		if (a->sa_refwidth == 4 && rc_peek(&v32, p, 4) == 0)
			n = v32;
		else if (a->sa_refwidth == 8 && rc_peek(&v64, p, 8) == 0)
			n = v64;
		else
			return false;
		break;
	}
	default:
		return false;
	}
	if (n > SP_INLINE_MAX / (a->sa_elsize ? a->sa_elsize : 1))
		return false;
	*lenp = (size_t)n * a->sa_elsize;
	return true;
}

/*
 * Which slots travel as buffers: those whose size the table knows, that
 * point above the first page and fit what is left of the inline budget.
 * Anything else stays an address for the fallback.
 */
static int rc_plan(int num, const uint64_t *slots, int nslots,
		   struct rc_buf *bufs, size_t *inlen)
{
	const struct sp_calldesc *cd;
	size_t inbudget = SP_INLINE_MAX, outbudget = SP_INLINE_MAX;
	int nbufs = 0;

	*inlen = 0;
	if (num < 0 || num >= sp_ncalls)
		return 0;
	cd = &sp_calls[num];
	for (int i = 0; i < cd->sc_nargs && i < nslots; i++) {
		const struct sp_argdesc *a = &cd->sc_args[i];
		uintptr_t p = (uintptr_t)slots[i];
		size_t len;

		if (a->sa_kind == SP_ARG_RAW || p < 4096)
			continue;
		if (a->sa_kind == SP_ARG_STR) {
			len = strnlen((const char *)p, 4096) + 1;
			if (len > 4096)
				continue;
		} else if (!rc_bufsize(a, slots, nslots, &len) || len == 0)
			continue;
		if (((a->sa_dir & SP_DIR_IN) && len > inbudget) ||
		    ((a->sa_dir & SP_DIR_OUT) && len > outbudget))
			continue;
		if (a->sa_dir & SP_DIR_IN) {
			inbudget -= len;
			*inlen += sp_align8(len);
		}
		if (a->sa_dir & SP_DIR_OUT)
			outbudget -= len;
		bufs[nbufs++] = (struct rc_buf){
			i,
			(a->sa_dir & SP_DIR_IN ? SP_BUF_IN : 0) |
				(a->sa_dir & SP_DIR_OUT ? SP_BUF_OUT : 0),
			(void *)p, len,
			a->sa_flags & SP_RETCOUNT ? a->sa_elsize : 0};
	}
	return nbufs;
}

/* Copy the reply's out buffers back; 0 or EPROTO for a bad reply. */
static int rc_unpack(struct sp_hdr *f, struct rc_buf *bufs, int nbufs)
{
	struct sp_sysreply *sr = (struct sp_sysreply *)(f + 1);
	char *p = (char *)(sr + 1), *end = (char *)f + f->sh_len;
	uint32_t seen = 0;

	for (int i = 0; i < nbufs; i++) {
		uint64_t len;
		if (!(bufs[i].dir & SP_BUF_OUT))
			continue;
		if (seen++ == sr->sr_nbufs)
			break; /* the call failed: nothing comes back */
		if (end - p < 8)
			return EPROTO;
		memcpy(&len, p, 8);
		p += 8;
		if (len > bufs[i].len || (uint64_t)(end - p) < len)
			return EPROTO;
		memcpy(bufs[i].addr, p, len);
		p += sp_align8(len);
	}
	return 0;
}

/*
 * The kernel's entry point for the host entry layer: one request, one
 * reply.  Returns 0 or a kernel errno, results in retval.
 */
int rump_kern_syscall(int num, void *args, size_t argslen, int64_t retval[2])
{
	struct rc_buf bufs[SP_MAXSLOTS];
	uint64_t slots[SP_MAXSLOTS];
	char stackframe[1024];
	struct sp_hdr *f, *reply = NULL;
	struct sp_syscall *sc;
	struct sp_sysreply *sr;
	size_t inlen, len;
	int nslots, nbufs, error;
	char *p;

	if (argslen % 8 != 0 || argslen > sizeof(slots))
		return RUMP_EINVAL;
	nslots = (int)(argslen / 8);
	if (argslen != 0)
		memcpy(slots, args, argslen);
	nbufs = rc_plan(num, slots, nslots, bufs, &inlen);
	len = sizeof(*f) + sizeof(*sc) + argslen +
	      (size_t)nbufs * sizeof(struct sp_buf) + inlen;
	f = len <= sizeof(stackframe) ? (struct sp_hdr *)stackframe
				      : malloc(len);
	if (f == NULL)
		return RUMP_ENOMEM;
	*f = (struct sp_hdr){0, SP_SYSCALL, 0, 0};
	sc = (struct sp_syscall *)(f + 1);
	*sc = (struct sp_syscall){num, (uint32_t)argslen, (uint32_t)nbufs, 0};
	p = (char *)(sc + 1);
	memcpy(p, slots, argslen);
	p += argslen;
	for (int i = 0; i < nbufs; i++) {
		struct sp_buf b = {(uint32_t)bufs[i].slot,
				   (uint32_t)bufs[i].dir, bufs[i].len,
				   bufs[i].retsize};
		memcpy(p, &b, sizeof(b));
		p += sizeof(b);
		if (bufs[i].dir & SP_BUF_IN) {
			memcpy(p, bufs[i].addr, bufs[i].len);
			memset(p + bufs[i].len, 0,
			       sp_align8(bufs[i].len) - bufs[i].len);
			p += sp_align8(bufs[i].len);
		}
	}
	/* As Linux: poll and select end on any handled signal; other calls
	 * go on after a handler with SA_RESTART. */
	error = rc_request_sig(f, len, &reply,
			       num == RUMP_SYS_POLL || num == RUMP_SYS_SELECT
				       ? RC_SIG_ALWAYS
				       : RC_SIG_RESTART);
	if (f != (struct sp_hdr *)stackframe)
		free(f);
	if (error != 0)
		return error;
	sr = (struct sp_sysreply *)(reply + 1);
	if (reply->sh_type != SP_SYSCALL_REPLY ||
	    reply->sh_len < sizeof(*reply) + sizeof(*sr))
		error = RUMP_EPROTO;
	else if ((error = sr->sr_error) == 0) {
		retval[0] = sr->sr_retval[0];
		retval[1] = sr->sr_retval[1];
		if (rc_unpack(reply, bufs, nbufs) != 0)
			error = RUMP_EPROTO;
	}
	free(reply);
	return error;
}

int rumpclient_stats(struct rumpclient_stats *st)
{
	struct sp_hdr f = {0, SP_STATS, 0, 0}, *reply = NULL;
	struct sp_stats *ss;
	int error;

	if ((error = rc_request(&f, sizeof(f), &reply)) != 0) {
		errno = rumphost_errno_to_host(error);
		return -1;
	}
	ss = (struct sp_stats *)(reply + 1);
	if (reply->sh_type != SP_STATS_REPLY ||
	    reply->sh_len < sizeof(*reply) + sizeof(*ss)) {
		free(reply);
		errno = EPROTO;
		return -1;
	}
	*st = (struct rumpclient_stats){
		ss->ss_clients, ss->ss_procs,	 ss->ss_lwps,	ss->ss_threads,
		ss->ss_memory,	ss->ss_requests, ss->ss_kprocs, ss->ss_kfiles};
	free(reply);
	return 0;
}

/* For connect.c: forget every waiter and the reading turn (after fork). */
void rc_reset_state(void)
{
	rc_waiters = NULL;
	rc_reading = false;
	rc_nsleep = rc_nefd = 0;
	rc_rahead_off = rc_rahead_len = 0;
	rc_rahead_gen = rc_gen;
}
