/*
 * sp_call_host.c -- one remote system call on the server: check the
 * request, give each buffer the client sent (or will receive) server
 * memory, run the call with hyp_syscall() as a new lwp of the client's
 * process, and send one reply with the results.  Pointers the request did
 * not cover stay client addresses: the kernel reaches them through
 * rumpuser_sp_copyin/copyout/copyinstr, which ask the client over the
 * connection (the fallback for data of unknown size).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>

#include "../../lib/sp/sp_server.h"
#include "posix.h"

/* The call this host thread is running, for the copy hypercalls. */
static __thread struct sp_call *sp_curcall;
static volatile int sp_halt; /* a halt is in progress: no new calls */

int sp_send(struct sp_conn *conn, const void *frame, size_t len)
{
	int error;

	pthread_mutex_lock(&conn->sendmtx);
	error = __atomic_load_n(&conn->dead, __ATOMIC_ACQUIRE)
			? ECONNRESET
			: sp_write_all(conn->fd, frame, len);
	pthread_mutex_unlock(&conn->sendmtx);
	return error;
}

static void sp_reply_error(struct sp_conn *conn, uint64_t reqid, int error)
{
	struct {
		struct sp_hdr h;
		struct sp_sysreply r;
	} m = {{sizeof(m), SP_SYSCALL_REPLY, 0, reqid}, {error, 0, {0, 0}}};

	(void)sp_send(conn, &m, sizeof(m));
}

/* Where [addr, addr+len) lies in one of the call's windows: 1 inside, 0
 * outside every window, -1 partly inside one (EFAULT). */
static int sp_window(struct sp_call *c, const void *addr, size_t len)
{
	const char *a = addr;

	for (int i = 0; i < c->nwin; i++) {
		const char *b = c->win[i].base, *e = b + c->win[i].len;
		if (a >= b && a < e)
			return len <= (size_t)(e - a) ? 1 : -1;
	}
	return 0;
}

/*
 * Ask the client for a copy and wait for its reply, with the virtual CPU
 * released.  Returns the reply frame (the caller frees it) or NULL when
 * the connection is gone.
 */
static struct sp_hdr *sp_ask(struct sp_call *c, int type, uint64_t addr,
			     size_t len)
{
	struct sp_conn *conn = c->conn;
	struct {
		struct sp_hdr h;
		struct sp_copy cp;
	} m = {{sizeof(m), (uint16_t)type, 0, c->reqid}, {addr, len}};
	struct sp_hdr *reply;

	rumpuser__sp_willblock(); /* the reply comes through the reader */
	rumpuser__block_begin();
	pthread_mutex_lock(&conn->mtx);
	c->copyreply = NULL;
	c->waiting = true;
	c->next = conn->calls;
	conn->calls = c;
	pthread_mutex_unlock(&conn->mtx);
	if (sp_send(conn, &m, sizeof(m)) != 0) {
		pthread_mutex_lock(&conn->mtx);
		__atomic_store_n(&conn->dead, true, __ATOMIC_RELEASE);
		pthread_cond_broadcast(&conn->cv);
		pthread_mutex_unlock(&conn->mtx);
	}
	pthread_mutex_lock(&conn->mtx);
	while (c->copyreply == NULL && !conn->dead)
		pthread_cond_wait(&conn->cv, &conn->mtx);
	if (c->waiting) {
		struct sp_call **pp = &conn->calls;
		while (*pp != c)
			pp = &(*pp)->next;
		*pp = c->next;
		c->waiting = false;
	}
	reply = c->copyreply;
	c->copyreply = NULL;
	pthread_mutex_unlock(&conn->mtx);
	rumpuser__block_end();
	return reply;
}

int rumpuser_sp_copyin(void *priv, const void *raddr, void *laddr, size_t len)
{
	struct sp_call *c = sp_curcall;
	size_t done = 0;
	int w;

	if (c == NULL || priv == NULL)
		return RUMP_EFAULT;
	if ((w = sp_window(c, raddr, len)) != 0) {
		if (w < 0)
			return RUMP_EFAULT;
		memcpy(laddr, raddr, len);
		return 0;
	}
	while (done < len) {
		size_t chunk =
			len - done > SP_COPY_CHUNK ? SP_COPY_CHUNK : len - done;
		struct sp_hdr *r =
			sp_ask(c, SP_COPYIN, (uintptr_t)raddr + done, chunk);
		struct sp_status *st;
		int error = 0;

		if (r == NULL)
			return RUMP_EFAULT;
		st = (struct sp_status *)(r + 1);
		if (r->sh_len < sizeof(*r) + sizeof(*st))
			error = RUMP_EFAULT;
		else if (st->st_error != 0)
			error = st->st_error;
		else if ((size_t)st->st_a0 != chunk ||
			 r->sh_len - sizeof(*r) - sizeof(*st) < chunk)
			error = RUMP_EFAULT;
		else
			memcpy((char *)laddr + done, st + 1, chunk);
		free(r);
		if (error != 0)
			return error;
		done += chunk;
	}
	return 0;
}

int rumpuser_sp_copyout(void *priv, const void *laddr, void *raddr, size_t len)
{
	struct sp_call *c = sp_curcall;
	size_t done = 0;
	int w;

	if (c == NULL || priv == NULL)
		return RUMP_EFAULT;
	if ((w = sp_window(c, raddr, len)) != 0) {
		if (w < 0)
			return RUMP_EFAULT;
		memcpy(raddr, laddr, len);
		return 0;
	}
	/* Sent without a reply: the client applies the copies before it
	 * reads the call's reply, which comes later on the same stream. */
	while (done < len) {
		size_t chunk =
			len - done > SP_COPY_CHUNK ? SP_COPY_CHUNK : len - done;
		size_t flen =
			sizeof(struct sp_hdr) + sizeof(struct sp_copy) + chunk;
		struct sp_hdr *m = malloc(flen);
		struct sp_copy *cp = (struct sp_copy *)(m + 1);
		int error;

		if (m == NULL)
			return RUMP_ENOMEM;
		*m = (struct sp_hdr){(uint32_t)flen, SP_COPYOUT, 0, c->reqid};
		*cp = (struct sp_copy){(uintptr_t)raddr + done, chunk};
		memcpy(cp + 1, (const char *)laddr + done, chunk);
		RUMPUSER_BLOCKING(error = sp_send(c->conn, m, flen));
		free(m);
		if (error != 0)
			return RUMP_EFAULT;
		done += chunk;
	}
	return 0;
}

int rumpuser_sp_copyinstr(void *priv, const void *raddr, void *laddr,
			  size_t *lenp)
{
	struct sp_call *c = sp_curcall;
	size_t max = *lenp, got;
	struct sp_hdr *r;
	struct sp_status *st;
	int w, error = 0;

	if (c == NULL || priv == NULL)
		return RUMP_EFAULT;
	if ((w = sp_window(c, raddr, 1)) != 0) {
		const char *s = raddr, *nul;
		size_t room = c->win[0].len; /* found below */
		for (int i = 0; i < c->nwin; i++)
			if (s >= c->win[i].base &&
			    s < c->win[i].base + c->win[i].len)
				room = (size_t)(c->win[i].base + c->win[i].len -
						s);
		if ((nul = memchr(s, '\0', room < max ? room : max)) == NULL)
			return room < max ? RUMP_EFAULT : RUMP_ENAMETOOLONG;
		*lenp = (size_t)(nul - s) + 1;
		memcpy(laddr, s, *lenp);
		return 0;
	}
	if (max > SP_COPY_CHUNK)
		max = SP_COPY_CHUNK;
	if ((r = sp_ask(c, SP_COPYINSTR, (uintptr_t)raddr, max)) == NULL)
		return RUMP_EFAULT;
	st = (struct sp_status *)(r + 1);
	got = r->sh_len >= sizeof(*r) + sizeof(*st)
		      ? r->sh_len - sizeof(*r) - sizeof(*st)
		      : 0;
	if (got == 0 || (size_t)st->st_a0 != got || got > max)
		error = st->st_error != 0 && got == 0 ? st->st_error
						      : RUMP_EFAULT;
	else if (st->st_error != 0)
		error = st->st_error;
	else if (((char *)(st + 1))[got - 1] != '\0')
		error = RUMP_EFAULT;
	else {
		memcpy(laddr, st + 1, got);
		*lenp = got;
	}
	free(r);
	return error;
}

bool sp_halting(void)
{
	return __atomic_load_n(&sp_halt, __ATOMIC_ACQUIRE) != 0;
}

/* Held for reading by the other entries, taken for writing once by a halt. */
static pthread_rwlock_t sp_kern_gate = PTHREAD_RWLOCK_INITIALIZER;

bool sp_kern_enter(void)
{
	pthread_rwlock_rdlock(&sp_kern_gate);
	if (!sp_halting())
		return true;
	pthread_rwlock_unlock(&sp_kern_gate);
	return false;
}

void sp_kern_exit(void)
{
	pthread_rwlock_unlock(&sp_kern_gate);
}

/* Before a halt: no new calls; give running ones a moment to end. */
static void sp_halt_begin(void)
{
	__atomic_store_n(&sp_halt, 1, __ATOMIC_RELEASE);
	/* Blocked calls of every other client return (EINTR): a halt with
	 * a thread still inside the kernel would pull it from under it. */
	if (rumpuser__hyp.hyp_lwproc_interrupt != NULL)
		(void)rumpuser__hyp.hyp_lwproc_interrupt(0);
	for (int i = 0; i < 200; i++) {
		if (__atomic_load_n(&sp_stat_lwps, __ATOMIC_ACQUIRE) <= 1)
			break;
		usleep(10000);
	}
	/* A release or interruption that began before the flag ends first;
	 * any later one sees the flag and stays out. */
	pthread_rwlock_wrlock(&sp_kern_gate);
	pthread_rwlock_unlock(&sp_kern_gate);
}

/*
 * Check the request and lay its buffers out in one server allocation;
 * 0 or a kernel errno.  *arenap gets the allocation.
 */
static int sp_unpack(struct sp_hdr *f, struct sp_call *c, uint64_t *slots,
		     struct sp_buf *bufs, char **arenap)
{
	struct sp_syscall *sc = (struct sp_syscall *)(f + 1);
	char *p = (char *)(sc + 1), *end = (char *)f + f->sh_len;
	size_t total = 0, off = 0;
	uint32_t used = 0;
	char *arena;

	if ((size_t)(end - p) < sc->sc_argslen || sc->sc_argslen % 8 != 0 ||
	    sc->sc_argslen > SP_MAXSLOTS * 8 ||
	    sc->sc_nbufs > sc->sc_argslen / 8)
		return RUMP_EPROTO;
	memcpy(slots, p, sc->sc_argslen);
	p += sc->sc_argslen;
	/* First pass: check every descriptor and what it carries. */
	for (uint32_t i = 0; i < sc->sc_nbufs; i++) {
		struct sp_buf *b = &bufs[i];
		if ((size_t)(end - p) < sizeof(*b))
			return RUMP_EPROTO;
		memcpy(b, p, sizeof(*b));
		p += sizeof(*b);
		if (b->sb_slot >= sc->sc_argslen / 8 ||
		    (used & (1u << b->sb_slot)) || b->sb_dir == 0 ||
		    (b->sb_dir & ~(uint32_t)(SP_BUF_IN | SP_BUF_OUT)) ||
		    b->sb_len == 0 || b->sb_len > SP_INLINE_MAX)
			return RUMP_EPROTO;
		used |= 1u << b->sb_slot;
		total += sp_align8(b->sb_len);
		if (total > 2 * (size_t)SP_INLINE_MAX)
			return RUMP_EPROTO;
		if (b->sb_dir & SP_BUF_IN) {
			if ((size_t)(end - p) < sp_align8(b->sb_len))
				return RUMP_EPROTO;
			p += sp_align8(b->sb_len);
		}
	}
	if (p != end)
		return RUMP_EPROTO;
	if ((arena = calloc(1, total ? total : 1)) == NULL)
		return RUMP_ENOMEM;
	/* Second pass: copy the in data, point the slots at the copies. */
	p = (char *)(sc + 1) + sc->sc_argslen;
	for (uint32_t i = 0; i < sc->sc_nbufs; i++) {
		struct sp_buf *b = &bufs[i];
		p += sizeof(*b);
		if (b->sb_dir & SP_BUF_IN) {
			memcpy(arena + off, p, b->sb_len);
			p += sp_align8(b->sb_len);
		}
		slots[b->sb_slot] = (uintptr_t)(arena + off);
		c->win[c->nwin].base = arena + off;
		c->win[c->nwin++].len = b->sb_len;
		off += sp_align8(b->sb_len);
	}
	*arenap = arena;
	return 0;
}

/* The reply with the out buffers (only what retval[0] says, if counted). */
static void sp_reply(struct sp_conn *conn, uint64_t reqid, int error,
		     const int64_t *retval, const struct sp_buf *bufs,
		     int nbufs, const uint64_t *slots)
{
	size_t len = sizeof(struct sp_hdr) + sizeof(struct sp_sysreply);
	uint64_t outlen[SP_MAXSLOTS];
	struct sp_sysreply *sr;
	struct sp_hdr *m;
	uint32_t nout = 0;
	char *p;

	for (int i = 0; i < nbufs && error == 0; i++) {
		uint64_t n = bufs[i].sb_len;
		if (!(bufs[i].sb_dir & SP_BUF_OUT))
			continue;
		if (bufs[i].sb_retsize != 0) {
			uint64_t k = retval[0] < 0 ? 0 : (uint64_t)retval[0];
			if (k <= n / bufs[i].sb_retsize)
				n = k * bufs[i].sb_retsize;
		}
		outlen[i] = n;
		len += 8 + sp_align8(n);
		nout++;
	}
	if ((m = malloc(len)) == NULL) {
		sp_reply_error(conn, reqid, RUMP_ENOMEM);
		return;
	}
	*m = (struct sp_hdr){(uint32_t)len, SP_SYSCALL_REPLY, 0, reqid};
	sr = (struct sp_sysreply *)(m + 1);
	*sr = (struct sp_sysreply){error, nout, {retval[0], retval[1]}};
	p = (char *)(sr + 1);
	for (int i = 0; i < nbufs && error == 0; i++) {
		if (!(bufs[i].sb_dir & SP_BUF_OUT))
			continue;
		memcpy(p, &outlen[i], 8);
		memcpy(p + 8, (void *)(uintptr_t)slots[bufs[i].sb_slot],
		       outlen[i]);
		memset(p + 8 + outlen[i], 0, sp_align8(outlen[i]) - outlen[i]);
		p += 8 + sp_align8(outlen[i]);
	}
	(void)sp_send(conn, m, len);
	free(m);
}

/* The call is running (interruptible by SP_INTERRUPT) until unlinked. */
static void sp_running_add(struct sp_conn *conn, struct sp_call *c)
{
	pthread_mutex_lock(&conn->mtx);
	c->rnext = conn->running;
	conn->running = c;
	pthread_mutex_unlock(&conn->mtx);
}

static void sp_running_remove(struct sp_conn *conn, struct sp_call *c)
{
	struct sp_call **pp;

	pthread_mutex_lock(&conn->mtx);
	for (pp = &conn->running; *pp != c; pp = &(*pp)->rnext)
		;
	*pp = c->rnext;
	pthread_mutex_unlock(&conn->mtx);
}

/*
 * The call now runs as the current lwp: record its id, and if an
 * interrupt came before, deliver it (the lwp's first interruptible wait
 * returns EINTR).
 */
static void sp_running_lwp(struct sp_conn *conn, struct sp_call *c)
{
	int32_t lid = rumpuser__hyp.hyp_getlid != NULL
			      ? rumpuser__hyp.hyp_getlid()
			      : 0;
	bool pending;

	pthread_mutex_lock(&conn->mtx);
	c->lid = lid;
	pending = c->intr;
	pthread_mutex_unlock(&conn->mtx);
	if (pending && lid != 0 &&
	    rumpuser__hyp.hyp_lwproc_interrupt_lwp != NULL)
		(void)rumpuser__hyp.hyp_lwproc_interrupt_lwp(conn->proc->pid,
							     lid);
}

void sp_interrupt(struct sp_conn *conn, uint64_t reqid)
{
	struct sp_call *c;
	int32_t lid, pid = conn->proc->pid;

	for (c = conn->running; c != NULL; c = c->rnext)
		if (c->reqid == reqid)
			break;
	if (c == NULL || c->intr)
		return; /* over (its reply is sent or on its way), or done */
	c->intr = true;
	if ((lid = c->lid) == 0 ||
	    rumpuser__hyp.hyp_lwproc_interrupt_lwp == NULL)
		return; /* sp_running_lwp() delivers it */
	/*
	 * As a fresh lwp of the process, like the interruption of a dropped
	 * connection.  The call may end meanwhile: its lid is then unknown
	 * to the kernel (ESRCH), and lids are not reused.
	 */
	pthread_mutex_unlock(&conn->mtx);
	if (sp_kern_enter()) {
		if (rumpuser__hyp.hyp_lwproc_newlwp(pid) == 0) {
			(void)rumpuser__hyp.hyp_lwproc_interrupt_lwp(pid, lid);
			rumpuser__hyp.hyp_lwproc_release();
		}
		sp_kern_exit();
	}
	pthread_mutex_lock(&conn->mtx);
}

bool sp_syscall(struct sp_conn *conn, struct sp_hdr *f)
{
	struct sp_syscall *sc = (struct sp_syscall *)(f + 1);
	struct sp_call call = {.conn = conn, .reqid = f->sh_reqid};
	struct sp_buf bufs[SP_MAXSLOTS];
	uint64_t slots[SP_MAXSLOTS] = {0};
	int64_t retval[2] = {0, 0};
	char *arena = NULL;
	bool reboot;
	int error;

	if (f->sh_len < sizeof(*f) + sizeof(*sc))
		return false;
	if ((error = sp_unpack(f, &call, slots, bufs, &arena)) != 0) {
		/* A malformed request ends the connection; ENOMEM only the
		 * call. */
		if (error == RUMP_EPROTO)
			return false;
		sp_reply_error(conn, f->sh_reqid, error);
		return true;
	}
	reboot = sc->sc_num == RUMP_SYS_REBOOT;
	__atomic_add_fetch(&sp_stat_requests, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&sp_stat_lwps, 1, __ATOMIC_ACQ_REL);
	/* Before anything may pass the reading turn on: from then on an
	 * SP_INTERRUPT for it can be read. */
	sp_running_add(conn, &call);
	if (sp_halting())
		error = RUMP_ESHUTDOWN;
	else if ((error = rumpuser__hyp.hyp_lwproc_newlwp(conn->proc->pid)) ==
		 0) {
		if (reboot)
			sp_halt_begin();
		sp_running_lwp(conn, &call);
		sp_curcall = &call;
		error = rumpuser__hyp.hyp_syscall(sc->sc_num, slots,
						  sc->sc_argslen, retval);
		sp_curcall = NULL;
		if (reboot && error != 0)
			__atomic_store_n(&sp_halt, 0, __ATOMIC_RELEASE);
		/* After a halt the kernel freed the lwp with everything. */
		if (!(reboot && error == 0))
			rumpuser__hyp.hyp_lwproc_release();
	}
	sp_running_remove(conn, &call);
	__atomic_sub_fetch(&sp_stat_lwps, 1, __ATOMIC_ACQ_REL);
	sp_reply(conn, f->sh_reqid, error, retval, bufs, (int)sc->sc_nbufs,
		 slots);
	free(arena);
	if (reboot && error == 0) {
		/* The kernel has halted: the hosting process ends with it. */
		sp_exit_halted();
	}
	return true;
}
