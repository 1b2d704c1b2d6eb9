/*
 * sys/file.h -- open files and descriptor tables, in the kernel base so
 * that sockets work without the VFS faction.  A struct file is an open
 * object (a vnode, a pipe, a socket) with an ops table; it is reference
 * counted, and its close op runs when the last reference goes.  A
 * process's descriptor table maps small integers to files; rfork shares,
 * copies or empties it.  Descriptor calls return 0 or a kernel errno:
 * EBADF for a descriptor that is not open, EMFILE at the table's limit.
 *
 * Changes to the first contract: fo_advlock (record and flock locks, the
 * VFS implements it), f_offlock (serializes the offset of seekable
 * files), file_flags_to_open, the uio helpers, fd_dup/fd_dup2,
 * fd_closeexec, fd_count, file_io, file_shutdown and si_nwait.
 */
#ifndef RUMPKERN_SYS_FILE_H_
#define RUMPKERN_SYS_FILE_H_
#include <rump/rumpabi.h>
#include <sys/abi.h>
#include <sys/mutex.h>
#include <sys/queue.h>
#include <sys/types.h>

/* Data moving between a kernel buffer and a process (or kernel) buffer. */
enum uio_rw { UIO_READ, UIO_WRITE };
struct uio {
	struct rump_iovec *uio_iov; /* kernel copy of the vector */
	int uio_iovcnt;
	off_t uio_offset;
	size_t uio_resid;
	enum uio_rw uio_rw;   /* READ: kernel to process */
	bool uio_kernelspace; /* buffers are kernel memory: no copyin */
};
/* Moves up to n bytes between kbuf and uio, advancing both; 0 or EFAULT. */
int uiomove(void *kbuf, size_t n, struct uio *uio);

/* At most this many iovecs in one call (readv, writev), as Linux. */
#define IOV_MAX 1024
/* One call moves at most this many bytes (Linux's MAX_RW_COUNT). */
#define MAX_RW_COUNT 0x7ffff000
/*
 * A kernel copy of a process's iovec array of iovcnt entries, in *iovp
 * (free it with iovec_free).  EINVAL for a count outside 0..IOV_MAX or a
 * total that overflows ssize_t; EFAULT for a bad array pointer.  The
 * total is clamped to MAX_RW_COUNT, trimming the last vectors.
 */
int iovec_copyin(const struct rump_iovec *uiov, int iovcnt,
		 struct rump_iovec **iovp, size_t *totalp);
void iovec_free(struct rump_iovec *iov, int iovcnt);
/* Sets uio up over iov (process memory), its resid the vectors' total. */
void uio_setup(struct uio *uio, struct rump_iovec *iov, int iovcnt,
	       size_t total, off_t offset, enum uio_rw rw);

struct file;
struct lwp;
struct rump_flock;

/*
 * The ops of a kind of file.  read/write use and advance *offp when the
 * file is seekable (the caller passes &fp->f_offset under f_offlock, or
 * a pread offset); poll returns the subset of events ready now and, if
 * none, records the caller with selrecord(); close releases the object
 * when the last reference goes.  A NULL op means the operation does not
 * apply: read/write EBADF-style errors are the caller's (ESPIPE for
 * seek, ENOTTY for ioctl, EINVAL otherwise).  A file is seekable when its
 * ops have fo_seek: lseek, pread and pwrite give ESPIPE on the others,
 * and their read/write get a scratch offset.
 */
struct fileops {
	const char *fo_name;
	int (*fo_read)(struct file *fp, off_t *offp, struct uio *uio);
	int (*fo_write)(struct file *fp, off_t *offp, struct uio *uio);
	/*
	 * data is kernel memory: the caller copied the argument in (IOC_IN)
	 * and copies it out after (IOC_OUT), sized by the request's
	 * encoding.  FIONBIO reaches the op after the caller updated
	 * O_NONBLOCK in f_flag; an op may answer it ENOTTY.
	 */
	int (*fo_ioctl)(struct file *fp, unsigned long cmd, void *data);
	int (*fo_poll)(struct file *fp, int events, struct lwp *l);
	int (*fo_stat)(struct file *fp, struct rump_stat *sb);
	/* New offset for lseek; ESPIPE where offsets mean nothing. */
	int (*fo_seek)(struct file *fp, off_t offset, int whence,
		       off_t *newoffp);
	/* Also releases flock locks owned by fp (ADVLOCK_FLOCK). */
	int (*fo_close)(struct file *fp);
	/*
	 * Advisory locks: op is F_GETLK, F_SETLK or F_SETLKW on fl, a
	 * kernel copy whose l_whence is SEEK_SET or SEEK_END (the caller
	 * turned SEEK_CUR into SEEK_SET) and whose l_type the caller
	 * checked against the file's access mode (EBADF).  owner is the
	 * process (struct proc *, ADVLOCK_POSIX: fcntl record locks) or the
	 * file (ADVLOCK_FLOCK: flock).  F_SETLKW waits; F_SETLK gives
	 * EAGAIN on a conflict.  F_GETLK rewrites fl (l_type F_UNLCK when
	 * nothing conflicts).  When a process closes any descriptor of a
	 * file, its POSIX locks on the file go: the caller makes an F_SETLK
	 * F_UNLCK call for the whole file (owner NULL at shutdown: every
	 * process's).  NULL: the file cannot be locked (EINVAL).
	 */
	int (*fo_advlock)(struct file *fp, void *owner, int op,
			  struct rump_flock *fl, int flags);
};
#define ADVLOCK_POSIX 0x01
#define ADVLOCK_FLOCK 0x02

enum file_type { FTYPE_VNODE = 1, FTYPE_PIPE, FTYPE_SOCKET, FTYPE_KQUEUE };

struct file {
	int64_t f_refcnt;   /* atomic */
	kmutex_t f_lock;    /* changes of f_flag */
	kmutex_t f_offlock; /* f_offset; held across seekable read/write */
	/* FREAD, FWRITE and O_APPEND etc.; F_SETFL and FIONBIO change the
	 * status bits under f_lock, so ops read it with atomic_load_relaxed
	 * at each call (O_NONBLOCK, O_APPEND). */
	int f_flag;
	enum file_type f_type;
	const struct fileops *f_ops;
	void *f_data; /* the object: vnode, pipe end, socket */
	off_t f_offset;
	kauth_cred_t f_cred; /* of the opener */
};
/* f_flag: O_* status flags plus the access mode as two bits. */
#define FREAD 0x10000000
#define FWRITE 0x20000000
#define FMASK_STATUS                                                           \
	(O_APPEND | O_NONBLOCK | O_SYNC | O_DSYNC | O_RSYNC | O_DIRECT |       \
	 O_NOATIME)
/* What F_SETFL may change (Linux's set: the sync flags stay as opened). */
#define FMASK_SETFL (O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME)
/* From open(2) flags: FREAD/FWRITE for the access mode, plus status. */
int file_flags_from_open(int oflags);
/* Back to open(2) flags (O_RDONLY/O_WRONLY/O_RDWR plus status): F_GETFL. */
int file_flags_to_open(int fflag);

/* A new file with one reference, the caller's credentials, no object. */
int file_alloc(struct file **fpp);
void file_hold(struct file *fp);
/* Drops a reference; the last one runs fo_close and frees the file. */
int file_rele(struct file *fp);
/*
 * Read or write (uio->uio_rw) fp: at uio->uio_offset if positioned
 * (pread; ESPIPE if fp is not seekable), else at the file's offset.
 * EBADF if fp is not open for that direction.  A transfer that moved
 * some bytes before an error succeeds with what it moved: the caller
 * sees it in uio_resid.
 */
int file_io(struct file *fp, struct uio *uio, bool positioned);
/* Files in existence now (tests, the leak check). */
extern volatile int64_t files_live;

/* Per-process descriptor table, hung on a process-specific slot. */
struct filedesc;
/* The calling process's file for fd, held; EBADF if not open. */
int fd_getfile(int fd, struct file **fpp);
/*
 * Installs fp (the caller's reference moves to the table) at the lowest
 * free descriptor >= minfd; EMFILE when the table is full.
 */
int fd_install(struct file *fp, int minfd, bool cloexec, int *fdp);
/*
 * For calls that create something before they have a file to install
 * (open with O_CREAT): fd_reserve promises a descriptor (EMFILE when the
 * table is full, ENOMEM when it cannot grow), so that the call fails
 * before it changes anything; fd_install_reserved then cannot fail with
 * either, and fd_unreserve gives the promise back on error.
 */
int fd_reserve(void);
void fd_unreserve(void);
int fd_install_reserved(struct file *fp, bool cloexec, int *fdp);
/* Installs fp at exactly fd, closing what was there (dup2). */
int fd_install_at(struct file *fp, int fd, bool cloexec);
int fd_close(int fd);
int fd_getflags(int fd, int *flagsp); /* FD_CLOEXEC */
int fd_setflags(int fd, int flags);
/* Descriptor limit of the calling process. */
int fd_limit(void);
/* dup/F_DUPFD: fd's file at the lowest free descriptor >= minfd. */
int fd_dup(int fd, int minfd, bool cloexec, int *newfdp);
/* dup2/dup3: fd's file at newfd (EBADF if newfd is over the limit). */
int fd_dup2(int fd, int newfd, bool cloexec);
/* Closes every descriptor marked close-on-exec (a remote client's exec). */
void fd_closeexec(void);
/* Open descriptors of the calling process. */
int fd_count(void);
/* The caller set POSIX locks: closes now unlock (fcntl F_SETLK). */
void fd_mark_locks(void);

/*
 * Waiting for events (poll, select).  A file's fo_poll calls
 * selrecord(l, &obj->sel) when nothing is ready; whoever makes an event
 * happen calls selnotify(&obj->sel, events), which wakes every recorded
 * poller.  selinfo_init/destroy bracket the object's life.  Both
 * selrecord and the state change before selnotify happen under the
 * object's lock, so that no event falls between a poller's check and
 * its record.
 */
struct selinfo {
	struct list_head si_waiters; /* records, under the poll lock */
	int si_nwait;		     /* atomic: records on the list */
};
void selinfo_init(struct selinfo *si);
void selinfo_destroy(struct selinfo *si);
void selrecord(struct lwp *l, struct selinfo *si);
void selnotify(struct selinfo *si, int events);

int file_init(void); /* boot: the descriptor table's process hooks */
/* Shutdown, before components stop: closes every descriptor. */
void file_shutdown(void);
void file_fini(void); /* after the processes are gone */
#endif
