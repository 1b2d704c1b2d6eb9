/*
 * sp_server_host.c -- the remote-syscall server of the pthread host:
 * listening on a unix or TCP socket, one kernel process per connection,
 * and the connection's threads.  A connection's threads take turns at
 * reading: the reader of a request passes the turn on (starting a thread
 * if none is idle) and runs the request, so a call that blocks in the
 * kernel never stops the client's other threads.  A malformed frame or
 * a dropped connection ends that connection only; when its last thread
 * leaves, its process (and any fork child it prepared and nobody took)
 * is released, which closes everything it held.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rump/rumpdefs.h>

#include "../../lib/sp/sp_server.h"
#include "../../lib/sp/sp_url.h"
#include "posix.h"

/* Threads a connection may have (its client's concurrent calls + 1). */
#define SP_CONN_THREADS 64
/* Prepared fork children one connection may have waiting. */
#define SP_PENDING_MAX 16

pthread_mutex_t sp_lock = PTHREAD_MUTEX_INITIALIZER;
int64_t sp_stat_lwps, sp_stat_requests, sp_stat_threads;
static int64_t sp_stat_clients, sp_stat_procs;
static struct sp_proc *sp_pending; /* prepared fork children */
static uint64_t sp_cookie_seq;
static int sp_listenfd = -1;
static char sp_sockpath[sizeof(((struct sockaddr_un *)0)->sun_path)];

static void *sp_conn_thread(void *arg);

static void sp_stat_add(int64_t *v, int64_t d)
{
	__atomic_add_fetch(v, d, __ATOMIC_RELAXED);
}

/* Release the process p (its holder lwp is its last); no CPU held. */
static void sp_proc_release(struct sp_proc *p)
{
	if (sp_kern_enter()) {
		rumpuser__hyp.hyp_lwproc_switch(p->holder);
		rumpuser__hyp.hyp_lwproc_release();
		sp_kern_exit();
	}
	sp_stat_add(&sp_stat_procs, -1);
	free(p);
}

/*
 * A new process as a child of the current one (process 1 for a new
 * client, the client's for a fork) with the given rfork flags.
 */
static int sp_proc_new(int flags, const char *comm, struct sp_proc **pp)
{
	struct sp_proc *p = calloc(1, sizeof(*p));
	int error;

	if (p == NULL)
		return RUMP_ENOMEM;
	error = rumpuser__hyp.hyp_lwproc_rfork(p, flags, comm);
	if (error != 0) {
		free(p);
		return error;
	}
	p->holder = rumpuser__hyp.hyp_lwproc_curlwp();
	p->pid = rumpuser__hyp.hyp_getpid();
	sp_stat_add(&sp_stat_procs, 1);
	*pp = p;
	return 0;
}

static int sp_send_status(struct sp_conn *conn, int type, uint64_t reqid,
			  int error, int64_t a0)
{
	/* A handshake reply announces what this server understands. */
	int32_t spare = type == SP_HANDSHAKE_REPLY ? SP_FEATURES : 0;
	struct {
		struct sp_hdr h;
		struct sp_status st;
	} m = {{sizeof(m), (uint16_t)type, 0, reqid}, {error, spare, a0}};

	return sp_send(conn, &m, sizeof(m));
}

/* SP_PREFORK: a child of the client's process sharing its descriptors,
 * held under a fresh cookie until a connection claims it. */
static void sp_prefork(struct sp_conn *conn, uint64_t reqid)
{
	struct sp_proc *child = NULL;
	int error, n = 0;

	pthread_mutex_lock(&sp_lock);
	for (struct sp_proc *p = sp_pending; p != NULL; p = p->next)
		n += p->parent == conn;
	pthread_mutex_unlock(&sp_lock);
	if (n >= SP_PENDING_MAX) {
		sp_send_status(conn, SP_PREFORK_REPLY, reqid, RUMP_EAGAIN, 0);
		return;
	}
	error = rumpuser__hyp.hyp_lwproc_newlwp(conn->proc->pid);
	if (error == 0) {
		struct lwp *tmp = rumpuser__hyp.hyp_lwproc_curlwp();
		error = sp_proc_new(RUMP_RFFDG, "fork", &child);
		rumpuser__hyp.hyp_lwproc_switch(tmp);
		rumpuser__hyp.hyp_lwproc_release();
	}
	if (error == 0) {
		rumpuser__hyp.hyp_lwproc_switch(NULL);
		pthread_mutex_lock(&sp_lock);
		child->parent = conn;
		child->cookie =
			++sp_cookie_seq ^ ((uint64_t)(uintptr_t)child << 20);
		child->next = sp_pending;
		sp_pending = child;
		pthread_mutex_unlock(&sp_lock);
	}
	sp_send_status(conn, SP_PREFORK_REPLY, reqid, error,
		       error == 0 ? (int64_t)child->cookie : 0);
}

static void sp_stats(struct sp_conn *conn, uint64_t reqid)
{
	struct {
		struct sp_hdr h;
		struct sp_stats ss;
	} m = {{sizeof(m), SP_STATS_REPLY, 0, reqid}, {0}};
	int64_t k[4] = {0, 0, 0, 0};

	if (rumpuser__hyp.hyp_stats != NULL && sp_kern_enter()) {
		rumpuser__hyp.hyp_stats(k);
		sp_kern_exit();
	}
	m.ss.ss_clients = __atomic_load_n(&sp_stat_clients, __ATOMIC_RELAXED);
	m.ss.ss_procs = __atomic_load_n(&sp_stat_procs, __ATOMIC_RELAXED);
	m.ss.ss_lwps = __atomic_load_n(&sp_stat_lwps, __ATOMIC_RELAXED);
	m.ss.ss_threads = __atomic_load_n(&sp_stat_threads, __ATOMIC_RELAXED);
	m.ss.ss_memory = k[2];
	m.ss.ss_requests = __atomic_load_n(&sp_stat_requests, __ATOMIC_RELAXED);
	/* The kernel's own counts ride in the spare fields of the reply. */
	m.ss.ss_kprocs = k[0];
	m.ss.ss_kfiles = k[1];
	(void)sp_send(conn, &m, sizeof(m));
}

/* Up to len bytes into buf from conn's read-ahead, else from the socket
 * (what a small read brings beyond the frame is kept for the next one). */
static int sp_read_some(struct sp_conn *conn, char *buf, size_t len)
{
	while (len > 0) {
		size_t n;
		if (conn->rahead_off == conn->rahead_len) {
			ssize_t r;
			if (len >= sizeof(conn->rahead))
				return sp_read_all(conn->fd, buf, len);
			r = read(conn->fd, conn->rahead, sizeof(conn->rahead));
			if (r == 0)
				return ECONNRESET;
			if (r < 0) {
				if (errno == EINTR)
					continue;
				return errno;
			}
			conn->rahead_off = 0;
			conn->rahead_len = (size_t)r;
		}
		n = conn->rahead_len - conn->rahead_off;
		if (n > len)
			n = len;
		memcpy(buf, conn->rahead + conn->rahead_off, n);
		conn->rahead_off += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Read one frame, checking its header; 0 or a host errno.  Only the
 * thread with the reading turn calls it. */
static int sp_read_frame(struct sp_conn *conn, struct sp_hdr **fp)
{
	struct sp_hdr h, *f;
	int error;

	if ((error = sp_read_some(conn, (char *)&h, sizeof(h))) != 0)
		return error;
	if (h.sh_len < sizeof(h) || h.sh_len > SP_FRAME_MAX || h.sh_type == 0 ||
	    h.sh_type >= SP_TYPE_MAX || h.sh_spare != 0)
		return EPROTO;
	if ((f = malloc(h.sh_len)) == NULL)
		return ENOMEM;
	*f = h;
	if ((error = sp_read_some(conn, (char *)(f + 1),
				  h.sh_len - sizeof(h))) != 0) {
		free(f);
		return error;
	}
	*fp = f;
	return 0;
}

/* The banner and the handshake: the connection becomes a process. */
static int sp_handshake(struct sp_conn *conn)
{
	struct sp_handshake *hs;
	struct sp_hdr *f;
	char comm[17];
	int error;

	if ((error = sp_write_all(conn->fd, SP_BANNER, strlen(SP_BANNER))) !=
		    0 ||
	    (error = sp_read_frame(conn, &f)) != 0)
		return error;
	hs = (struct sp_handshake *)(f + 1);
	if (f->sh_type != SP_HANDSHAKE ||
	    f->sh_len != sizeof(*f) + sizeof(*hs) ||
	    hs->hs_version != SP_VERSION) {
		sp_send_status(conn, SP_HANDSHAKE_REPLY, f->sh_reqid,
			       RUMP_EPROTO, 0);
		free(f);
		return EPROTO;
	}
	memcpy(comm, hs->hs_comm, 16);
	comm[16] = '\0';
	if (hs->hs_kind == SP_HS_FORK) {
		struct sp_proc **pp;
		pthread_mutex_lock(&sp_lock);
		for (pp = &sp_pending; *pp != NULL; pp = &(*pp)->next)
			if ((*pp)->cookie == hs->hs_cookie)
				break;
		if (*pp != NULL) {
			conn->proc = *pp;
			*pp = conn->proc->next;
			conn->proc->parent = NULL;
			conn->proc->cookie = 0;
		}
		pthread_mutex_unlock(&sp_lock);
		error = conn->proc != NULL ? 0 : RUMP_ESRCH;
	} else if (hs->hs_kind == SP_HS_NEW) {
		error = sp_proc_new(RUMP_RFCFDG, comm[0] ? comm : "client",
				    &conn->proc);
		if (error == 0)
			rumpuser__hyp.hyp_lwproc_switch(NULL);
	} else
		error = RUMP_EPROTO;
	if (conn->proc != NULL)
		conn->proc->conn = conn;
	sp_send_status(conn, SP_HANDSHAKE_REPLY, f->sh_reqid, error,
		       conn->proc != NULL ? conn->proc->pid : 0);
	free(f);
	return error;
}

/* Hand a copy reply to the call waiting for it; conn->mtx held. */
static void sp_deliver(struct sp_conn *conn, struct sp_hdr *f)
{
	for (struct sp_call *c = conn->calls; c != NULL; c = c->next) {
		if (c->reqid == f->sh_reqid && c->copyreply == NULL) {
			c->copyreply = f;
			c->waiting = false;
			/* Unlinked here so a second reply finds no one. */
			struct sp_call **pp = &conn->calls;
			while (*pp != c)
				pp = &(*pp)->next;
			*pp = c->next;
			pthread_cond_broadcast(&conn->cv);
			return;
		}
	}
	free(f); /* nobody asked: ignored */
}

/* Run a request; conn->mtx not held.  false: a protocol error. */
static bool sp_dispatch(struct sp_conn *conn, struct sp_hdr *f)
{
	switch (f->sh_type) {
	case SP_SYSCALL:
		return sp_syscall(conn, f);
	case SP_PREFORK:
		sp_prefork(conn, f->sh_reqid);
		return true;
	case SP_STATS:
		sp_stats(conn, f->sh_reqid);
		return true;
	case SP_HANDSHAKE: {
		/* Only the same process again, after the client's exec. */
		struct sp_handshake *hs = (struct sp_handshake *)(f + 1);
		if (f->sh_len != sizeof(*f) + sizeof(*hs) ||
		    hs->hs_kind != SP_HS_EXEC)
			return false;
		sp_send_status(conn, SP_HANDSHAKE_REPLY, f->sh_reqid, 0,
			       conn->proc->pid);
		return true;
	}
	default:
		return false;
	}
}

static void sp_conn_free(struct sp_conn *conn)
{
	struct sp_proc *orphans = NULL, **pp;

	pthread_mutex_lock(&sp_lock);
	for (pp = &sp_pending; *pp != NULL;) {
		struct sp_proc *p = *pp;
		if (p->parent == conn) {
			*pp = p->next;
			p->next = orphans;
			orphans = p;
		} else
			pp = &p->next;
	}
	pthread_mutex_unlock(&sp_lock);
	while (orphans != NULL) {
		struct sp_proc *p = orphans;
		orphans = p->next;
		sp_proc_release(p);
	}
	if (conn->proc != NULL)
		sp_proc_release(conn->proc);
	close(conn->fd);
	pthread_mutex_destroy(&conn->mtx);
	pthread_mutex_destroy(&conn->sendmtx);
	pthread_cond_destroy(&conn->cv);
	free(conn);
	sp_stat_add(&sp_stat_clients, -1);
}

/* Leave the connection; the last thread frees it.  conn->mtx held. */
static void *sp_conn_leave(struct sp_conn *conn)
{
	bool last = --conn->nthreads == 0;

	pthread_cond_broadcast(&conn->cv);
	pthread_mutex_unlock(&conn->mtx);
	sp_stat_add(&sp_stat_threads, -1);
	if (last)
		sp_conn_free(conn);
	return NULL;
}

/* The connection whose reading turn this thread kept while it runs a
 * request: the turn passes on only if the request blocks. */
static __thread struct sp_conn *sp_turn;

/*
 * The connection is gone: make the process's blocked calls (an accept, a
 * read on a socket or pipe, a poll) return EINTR so its threads leave and
 * the last one releases the process.  Run as a fresh lwp of the process.
 */
static void sp_proc_interrupt(struct sp_proc *p)
{
	if (rumpuser__hyp.hyp_lwproc_interrupt == NULL || !sp_kern_enter())
		return;
	if (rumpuser__hyp.hyp_lwproc_newlwp(p->pid) == 0) {
		(void)rumpuser__hyp.hyp_lwproc_interrupt(p->pid);
		rumpuser__hyp.hyp_lwproc_release();
	}
	sp_kern_exit();
}

/* Let another thread read (start one if none is idle); conn->mtx held. */
static void sp_pass_turn(struct sp_conn *conn)
{
	conn->reading = false;
	if (conn->nidle == 0 && conn->nthreads < SP_CONN_THREADS &&
	    rumpuser__spawn(NULL, sp_conn_thread, conn) == 0) {
		conn->nthreads++;
		sp_stat_add(&sp_stat_threads, 1);
	}
	/* Broadcast: calls waiting for copy replies share the condvar. */
	pthread_cond_broadcast(&conn->cv);
}

void rumpuser__sp_willblock(void)
{
	struct sp_conn *conn = sp_turn;

	if (conn == NULL)
		return;
	sp_turn = NULL;
	pthread_mutex_lock(&conn->mtx);
	sp_pass_turn(conn);
	pthread_mutex_unlock(&conn->mtx);
}

/*
 * A connection's thread.  It reads a request and runs it keeping the
 * reading turn, so a call that does not block costs no thread switch;
 * the host calls rumpuser__sp_willblock() before any wait (condition
 * variables, sleeps, fallback copies), which passes the turn on.
 */
static void *sp_conn_thread(void *arg)
{
	struct sp_conn *conn = arg;
	bool have = false, dropped = false;

	pthread_mutex_lock(&conn->mtx);
	for (;;) {
		struct sp_hdr *f = NULL;
		bool ok;
		int error;

		if (!have) {
			while (conn->reading && !conn->dead) {
				conn->nidle++;
				pthread_cond_wait(&conn->cv, &conn->mtx);
				conn->nidle--;
			}
			if (conn->dead)
				break;
			conn->reading = true;
		}
		have = false;
		pthread_mutex_unlock(&conn->mtx);
		error = sp_read_frame(conn, &f);
		pthread_mutex_lock(&conn->mtx);
		if (error != 0) {
			/* Calls waiting for copies wake and fail; the socket
			 * closes only after the process is released, so a
			 * client that waits for the close knows it is. */
			conn->reading = false;
			__atomic_store_n(&conn->dead, true, __ATOMIC_RELEASE);
			dropped = true;
			break;
		}
		if (f->sh_type == SP_COPYIN_REPLY) {
			sp_deliver(conn, f);
			have = true;
			continue;
		}
		if (f->sh_type == SP_INTERRUPT) {
			/* One with a body is malformed: ignored, as one for
			 * a request that is unknown or answered. */
			if (f->sh_len == sizeof(*f) && conn->proc != NULL)
				sp_interrupt(conn, f->sh_reqid);
			free(f);
			have = true;
			continue;
		}
		sp_turn = conn;
		pthread_mutex_unlock(&conn->mtx);
		ok = sp_dispatch(conn, f);
		free(f);
		pthread_mutex_lock(&conn->mtx);
		if (sp_turn == conn) {
			sp_turn = NULL;
			have = true; /* never blocked: read on */
		}
		if (!ok) {
			conn->reading = false;
			__atomic_store_n(&conn->dead, true, __ATOMIC_RELEASE);
			shutdown(conn->fd, SHUT_RDWR);
			dropped = true;
			break;
		}
	}
	pthread_cond_broadcast(&conn->cv);
	if (dropped && conn->proc != NULL && conn->nthreads > 1) {
		/* Other threads are in calls (maybe blocked for ever). */
		pthread_mutex_unlock(&conn->mtx);
		sp_proc_interrupt(conn->proc);
		pthread_mutex_lock(&conn->mtx);
	}
	return sp_conn_leave(conn);
}

/* A connection's first thread: the handshake, then the loop. */
static void *sp_conn_start(void *arg)
{
	struct sp_conn *conn = arg;

	if (sp_handshake(conn) != 0) {
		pthread_mutex_lock(&conn->mtx);
		__atomic_store_n(&conn->dead, true, __ATOMIC_RELEASE);
		return sp_conn_leave(conn);
	}
	return sp_conn_thread(conn);
}

static void *sp_accept_thread(void *arg)
{
	(void)arg;
	for (;;) {
		int fd = accept4(sp_listenfd, NULL, NULL, SOCK_CLOEXEC),
		    one = 1;
		struct sp_conn *conn;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				if (errno != EINTR && errno != ECONNABORTED)
					usleep(10000);
				continue;
			}
			return NULL;
		}
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
				 sizeof(one));
		if (sp_halting() || (conn = calloc(1, sizeof(*conn))) == NULL) {
			close(fd);
			continue;
		}
		conn->fd = fd;
		conn->nthreads = 1;
		pthread_mutex_init(&conn->mtx, NULL);
		pthread_mutex_init(&conn->sendmtx, NULL);
		pthread_cond_init(&conn->cv, NULL);
		sp_stat_add(&sp_stat_clients, 1);
		sp_stat_add(&sp_stat_threads, 1);
		if (rumpuser__spawn(NULL, sp_conn_start, conn) != 0) {
			sp_stat_add(&sp_stat_threads, -1);
			conn->nthreads = 0;
			conn->proc = NULL;
			sp_conn_free(conn);
		}
	}
}

void sp_exit_halted(void)
{
	if (sp_sockpath[0] != '\0')
		unlink(sp_sockpath);
	_exit(0);
}

int rumpuser_sp_init(const char *url, int flags)
{
	struct sp_addr a;
	int fd, error, one = 1;
	mode_t old;

	if (sp_listenfd >= 0)
		return RUMP_EBUSY;
	if ((error = sp_url_parse(url, &a)) != 0)
		return rumpuser__kerrno(error);
	if (!sp_addr_is_loopback(&a) && !(flags & RUMPUSER_SP_ANYADDR))
		return RUMP_EACCES;
	if ((fd = socket(a.family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return rumpuser__kerrno(errno);
	if (a.family == AF_UNIX) {
		struct sockaddr_un *sun = (struct sockaddr_un *)&a.sa;
		/* Whoever reaches the socket is root in the kernel. */
		old = umask(0077);
		error = bind(fd, (struct sockaddr *)&a.sa, a.salen) < 0 ? errno
									: 0;
		umask(old);
		if (error == 0 && chmod(sun->sun_path, 0600) < 0)
			error = errno;
		if (error == 0)
			memcpy(sp_sockpath, sun->sun_path, sizeof(sp_sockpath));
	} else {
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				 sizeof(one));
		error = bind(fd, (struct sockaddr *)&a.sa, a.salen) < 0 ? errno
									: 0;
	}
	if (error == 0 && listen(fd, 64) < 0)
		error = errno;
	if (error != 0) {
		close(fd);
		return rumpuser__kerrno(error);
	}
	sp_listenfd = fd;
	if ((error = rumpuser__spawn(NULL, sp_accept_thread, NULL)) != 0) {
		close(fd);
		sp_listenfd = -1;
		return rumpuser__kerrno(error);
	}
	return 0;
}
