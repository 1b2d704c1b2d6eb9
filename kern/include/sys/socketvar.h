/*
 * sys/socketvar.h -- the socket layer: struct socket, its two socket
 * buffers of mbufs, and the helpers protocols call to move data and
 * change a socket's state.  The socket layer turns system calls into the
 * protocol's user requests (sys/protosw.h) and does the waiting; the
 * protocol moves packets and says what happened through the so*() and
 * sb*() calls below, which wake waiters and pollers.
 *
 * LOCKING CONTRACT (the whole net faction; docs/net.md):
 *   One global adaptive mutex, softnet_lock, protects every socket, socket
 *   buffer, listen queue, protocol control block, the routing table,
 *   interface addresses and every protocol's tables.  Protocol input
 *   (pr_input, from an interface's receive thread or softint), protocol
 *   timers (callouts; the callout takes softnet_lock first) and user
 *   requests all run with it held.  Every function in this header expects
 *   it held, except the so*() calls marked otherwise.  Sleeping in the
 *   socket layer is cv_wait on a socket buffer's or socket's condition
 *   variable with softnet_lock, which releases it while asleep, so
 *   protocols see the socket change under them only across such a wait.
 *   Drivers' transmit paths (if_output down to the host) may run without
 *   it: an interface's queue has its own lock, taken after softnet_lock
 *   and never held while taking it.  Nothing sleeps in a protocol with
 *   the lock held but these waits; allocations in protocols use M_NOWAIT.
 */
#ifndef RUMPKERN_SYS_SOCKETVAR_H_
#define RUMPKERN_SYS_SOCKETVAR_H_
#include <sys/file.h>
#include <sys/mutex.h>
#include <sys/protosw.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/types.h>

struct mbuf;
struct lwp;
struct uio;

extern kmutex_t softnet_lock;

/*
 * A socket buffer: a queue of records (m_nextpkt) each a chain of mbufs
 * (m_next).  A stream protocol's buffer is one record; a datagram one has
 * a record per datagram, which starts with an MT_SONAME mbuf (sender's
 * address, PR_ADDR) and MT_CONTROL mbufs before the data.
 */
struct sockbuf {
	struct mbuf *sb_mb;	    /* the first record */
	struct mbuf *sb_mbtail;	    /* the last mbuf of the last record */
	struct mbuf *sb_lastrecord; /* the first mbuf of the last record */
	size_t sb_cc;		    /* bytes of data (and control) queued */
	size_t sb_hiwat;	    /* sbspace limit of data (SO_*BUF) */
	size_t sb_lowat;	    /* poll / wakeup threshold */
	size_t sb_mbcnt;	    /* bytes of mbuf storage queued */
	size_t sb_mbmax;       /* limit of sb_mbcnt (a multiple of hiwat) */
	int sb_flags;	       /* SB_* */
	int64_t sb_timeo_ns;   /* SO_RCVTIMEO/SO_SNDTIMEO; 0: for ever */
	kcondvar_t sb_cv;      /* data or space, state changes */
	struct selinfo sb_sel; /* pollers */
	struct socket *sb_so;  /* the socket it belongs to */
};
#define SB_AUTOSIZE 0x01 /* the protocol may grow sb_hiwat itself */
#define SB_LOCKED 0x02	 /* a sender or receiver holds it (sblock) */
#define SB_WANTLOCK 0x04 /* someone waits in sblock */

/* Default buffer sizes and limits. */
#define SB_MAX (4 * 1024 * 1024) /* largest sb_hiwat (SO_*BUF) */
#define SB_MIN 256		 /* smallest */

struct socket {
	short so_type;	  /* SOCK_STREAM ... */
	short so_options; /* SO_* flags set by setsockopt */
	int so_state;	  /* SS_* */
	int so_error;	  /* pending; to one recv, send or SO_ERROR */
	int so_linger;	  /* seconds, with SO_LINGER */
	void *so_pcb;	  /* the protocol's control block */
	const struct protosw *so_proto;
	/*
	 * Listen queues.  A listener (SO_ACCEPTCONN) keeps connections in
	 * progress on so_q0 and completed ones on so_q; so_head of those
	 * points back.  sonewconn refuses a new one when so_qlen reaches
	 * so_qlimit (Linux's backlog + 1) or so_q0 is full.
	 */
	struct socket *so_head;
	struct list_head so_q0, so_q;
	struct list_node so_qe; /* on the head's so_q0 or so_q */
	int so_onq;		/* 0, 1 (q0) or 2 (q) */
	int so_q0len, so_qlen, so_qlimit;
	struct sockbuf so_rcv, so_snd;
	kcondvar_t so_cv;     /* connect, accept, linger waits */
	kauth_cred_t so_cred; /* creator's, held */
	pid_t so_cpid;	      /* creator's process id */
	uint64_t so_gen;      /* unique id: stat's st_ino */
	struct timespec so_ctime;
	/*
	 * Wake-ups held back until softnet_lock is released (softnet_wakeup)
	 * keep the socket's memory; SO_WAKEHOLD_FREED once sofree let it go.
	 */
	volatile unsigned so_wakeholds;
};
#define SO_WAKEHOLD_FREED 0x80000000u

/* so_state */
#define SS_NOFDREF 0x0001	  /* no file refers to it any more */
#define SS_ISCONNECTED 0x0002	  /* connected to a peer */
#define SS_ISCONNECTING 0x0004	  /* connecting in progress */
#define SS_ISDISCONNECTING 0x0008 /* disconnecting in progress */
#define SS_CANTSENDMORE 0x0010	  /* shutdown for writing, or peer gone */
#define SS_CANTRCVMORE 0x0020	  /* no more data will arrive */
#define SS_RCVATMARK 0x0040	  /* at the out-of-band mark */
#define SS_ISDISCONNECTED 0x0800  /* was connected, is no longer */
#define SS_ISBOUND 0x1000	  /* has a local address */
#define SS_ISAPIPE 0x2000	  /* made by socketpair */
#define SS_NBIO 0x4000 /* the call in progress is non-blocking (pr_connect) */

/* Space left in sb for data: at most what both limits allow. */
long sbspace(const struct sockbuf *sb);
/* Sets the limits of a buffer to cc bytes; ENOBUFS above SB_MAX. */
int sbreserve(struct sockbuf *sb, size_t cc);
/* Both buffers' limits (a protocol's attach); 0 or ENOBUFS. */
int soreserve(struct socket *so, size_t sndcc, size_t rcvcc);
/* Appends data m to the last record (a stream). */
void sbappendstream(struct sockbuf *sb, struct mbuf *m);
/* Appends m to the last record, or as a new record if m has M_EOR ... */
void sbappend(struct sockbuf *sb, struct mbuf *m);
/* Appends m as a record of its own. */
void sbappendrecord(struct sockbuf *sb, struct mbuf *m);
/*
 * Appends a datagram from asa (copied into an MT_SONAME mbuf; NULL for
 * none) with control (may be NULL) and data m as one record.  0 when
 * there is no room or memory (nothing is consumed then: the caller frees
 * m and control), 1 when appended.
 */
int sbappendaddr(struct sockbuf *sb, const struct sockaddr *asa, struct mbuf *m,
		 struct mbuf *control);
/* Control (may be NULL) then data m as one record; 0 or 1 as above. */
int sbappendcontrol(struct sockbuf *sb, struct mbuf *m, struct mbuf *control);
/* Drops len bytes of data from the front (a stream's acknowledged data). */
void sbdrop(struct sockbuf *sb, size_t len);
/* Drops the first record. */
void sbdroprecord(struct sockbuf *sb);
/* Frees everything in sb (rights disposed of through the domain). */
void sbflush(struct sockbuf *sb);
/* Accounting of mbufs added to or taken from sb by hand. */
void sballoc(struct sockbuf *sb, struct mbuf *m);
void sbfree(struct sockbuf *sb, struct mbuf *m);

/* State changes, called by protocols; each wakes the right waiters. */
void soisconnecting(struct socket *so);
/* Also moves a queued connection from so_q0 to so_q, waking accept. */
void soisconnected(struct socket *so);
void soisdisconnecting(struct socket *so);
void soisdisconnected(struct socket *so);
void socantsendmore(struct socket *so);
void socantrcvmore(struct socket *so);
/* Data arrived / space appeared: wake readers / writers and pollers. */
void sorwakeup(struct socket *so);
void sowwakeup(struct socket *so);
/*
 * A new socket for a connection arriving at listener head, attached to
 * head's protocol (pr_attach) with head's options and buffer limits,
 * queued on so_q (connstatus SS_ISCONNECTED) or so_q0 (0).  NULL when
 * the queue is full or memory is short.
 */
struct socket *sonewconn(struct socket *head, int connstatus);
/* Drops a connection: pr_abort (the protocol then lets go of so). */
void soabort(struct socket *so);
/* Frees so if nobody refers to it: no file, no pcb, on no queue. */
void sofree(struct socket *so);
/* Records an error for SO_ERROR and wakes everyone. */
void sosetstate_error(struct socket *so, int error);
/*
 * Waits for a change in sb (data, space, state): 0, or EWOULDBLOCK when
 * the buffer's timeout (SO_RCVTIMEO/SO_SNDTIMEO) passed.
 */
int sbwait(struct sockbuf *sb);
/* Dropping a control mbuf chain with rights in it (domain's dispose). */
void sbdispose_control(struct socket *so, struct mbuf *control);

/*
 * Loopback input in the sending thread (kern/net/uipc_defer.c).  The
 * socket layer's entry points hold softnet_lock as a deferring section:
 * softnet_defer_begin() after taking it, softnet_defer_end() before
 * letting it go.  Inside, a looped-back packet is queued by the interface
 * layer, which calls softnet_defer_note() instead of waking the soft
 * interrupt; softnet_defer_end() runs the queue (through the routine the
 * interface layer registered) in the calling thread, outside every
 * protocol, and returns whether any packet ran.  All with softnet_lock
 * held, but softnet_deferring(), which any thread may ask.
 */
void softnet_defer_begin(void);
bool softnet_defer_end(void);
bool softnet_deferring(void);
void softnet_defer_note(void);
/*
 * Ends the section, releases softnet_lock, then wakes the socket buffers'
 * sleepers that softnet_wakeup() held back in it.
 */
void softnet_unlock(void);
/*
 * Wakes sb's sleepers (cv_broadcast of sb_cv); in a deferring section
 * only once softnet_unlock() released the lock.
 */
void softnet_wakeup(struct sockbuf *sb);
/* Sets (NULL: clears) the routine that runs queued packets; no lock held. */
void softnet_defer_register(bool (*run)(void));
/*
 * Sleeps on cv with softnet_lock: timeo_ns 0 for ever, > 0 at most that
 * long (EWOULDBLOCK after), < 0 not at all (EWOULDBLOCK); intr: EINTR
 * when the process is interrupted.  In a deferring section it first runs
 * the queued packets and, if any ran, returns 0 without sleeping: what
 * the caller waits for may have happened, it must look again.
 */
int softnet_sleep(kcondvar_t *cv, int64_t timeo_ns, bool intr);

/*
 * Socket options: sopt_data is a kernel buffer of sopt_size bytes; a
 * get fills it and sets sopt_retsize.
 */
struct sockopt {
	int sopt_level;
	int sopt_name;
	void *sopt_data;
	size_t sopt_size;
	size_t sopt_retsize;
};
/* Copies the option's value out of a set: EINVAL if shorter than len. */
int sockopt_get(const struct sockopt *sopt, void *buf, size_t len);
int sockopt_getint(const struct sockopt *sopt, int *valp);
/* Answers a get with len bytes (truncated to sopt_size, as Linux). */
int sockopt_set(struct sockopt *sopt, const void *buf, size_t len);
int sockopt_setint(struct sockopt *sopt, int val);

/*
 * The socket layer proper, for the system calls and for kernel users.
 * These take softnet_lock themselves (call them without it) and return 0
 * or a kernel errno.  nbio: the descriptor is non-blocking.
 */
int socreate(int family, struct socket **sop, int type, int proto,
	     struct lwp *l);
int soclose(struct socket *so);
int sobind(struct socket *so, struct sockaddr *nam, struct lwp *l);
int solisten(struct socket *so, int backlog, struct lwp *l);
int soconnect(struct socket *so, struct sockaddr *nam, bool nbio,
	      struct lwp *l);
int soconnect2(struct socket *so1, struct socket *so2);
/* Takes the first completed connection off head's queue (waits). */
int soaccept_next(struct socket *head, bool nbio, struct socket **sop,
		  struct sockaddr *nam);
int soshutdown(struct socket *so, int how);
/*
 * Sends uio's data (or top's, a kernel chain) to addr (NULL: the peer),
 * with control; consumes top and control.  flags: MSG_*; MSG_NBIO for a
 * non-blocking descriptor.
 */
int sosend(struct socket *so, struct sockaddr *addr, struct uio *uio,
	   struct mbuf *top, struct mbuf *control, int flags, struct lwp *l);
/*
 * Receives into uio.  *paddr (if paddr) gets the sender's address chain
 * (an MT_SONAME mbuf, the caller frees), *controlp the control mbufs;
 * *flagsp in: MSG_*, out: MSG_TRUNC, MSG_CTRUNC, MSG_EOR ...
 */
int soreceive(struct socket *so, struct mbuf **paddr, struct uio *uio,
	      struct mbuf **controlp, int *flagsp, struct lwp *l);
int sosetopt(struct socket *so, struct sockopt *sopt);
int sogetopt(struct socket *so, struct sockopt *sopt);
int sogetaddr(struct socket *so, bool peer, struct sockaddr_storage *ss);
/* poll on a socket (its fileops' fo_poll). */
int sopoll(struct socket *so, int events, struct lwp *l);

/*
 * Sockets as files (FTYPE_SOCKET, f_data the socket): the net component
 * provides socketops; fd_getsock gives the held file and its socket
 * (ENOTSOCK for another kind of file, EBADF for none).
 */
extern const struct fileops socketops;
int fd_getsock(int fd, struct file **fpp, struct socket **sop);
/* Sockets in existence (tests, the leak check). */
extern volatile int64_t sockets_live;
#endif
