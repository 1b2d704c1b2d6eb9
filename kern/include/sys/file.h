/*
 * sys/file.h -- open files and descriptor tables, in the kernel base so
 * that sockets work without the VFS faction.  A struct file is an open
 * object (a vnode, a pipe, a socket) with an ops table; it is reference
 * counted, and its close op runs when the last reference goes.  A
 * process's descriptor table maps small integers to files; rfork shares,
 * copies or empties it.  Descriptor calls return 0 or a kernel errno:
 * EBADF for a descriptor that is not open, EMFILE at the table's limit.
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

struct file;
struct lwp;

/*
 * The ops of a kind of file.  read/write use and advance *offp when the
 * file is seekable (the caller passes &fp->f_offset under the offset
 * lock, or a pread offset); poll returns the subset of events ready now
 * and, if none, records the caller with selrecord(); close releases the
 * object when the last reference goes.  A NULL op means the operation
 * does not apply: read/write EBADF-style errors are the caller's
 * (ESPIPE for seek, ENOTTY for ioctl, EINVAL otherwise).
 */
struct fileops {
	const char *fo_name;
	int (*fo_read)(struct file *fp, off_t *offp, struct uio *uio);
	int (*fo_write)(struct file *fp, off_t *offp, struct uio *uio);
	int (*fo_ioctl)(struct file *fp, unsigned long cmd, void *data);
	int (*fo_poll)(struct file *fp, int events, struct lwp *l);
	int (*fo_stat)(struct file *fp, struct rump_stat *sb);
	/* New offset for lseek; ESPIPE where offsets mean nothing. */
	int (*fo_seek)(struct file *fp, off_t offset, int whence,
		       off_t *newoffp);
	int (*fo_close)(struct file *fp);
};

enum file_type { FTYPE_VNODE = 1, FTYPE_PIPE, FTYPE_SOCKET, FTYPE_KQUEUE };

struct file {
	int64_t f_refcnt;      /* atomic */
	kmutex_t f_lock;       /* f_flag, f_offset */
	int f_flag;	       /* FREAD, FWRITE and O_APPEND etc. */
	enum file_type f_type;
	const struct fileops *f_ops;
	void *f_data;	       /* the object: vnode, pipe end, socket */
	off_t f_offset;
	kauth_cred_t f_cred;   /* of the opener */
};
/* f_flag: O_* status flags plus the access mode as two bits. */
#define FREAD 0x10000000
#define FWRITE 0x20000000
#define FMASK_STATUS (O_APPEND | O_NONBLOCK | O_SYNC | O_DSYNC | O_RSYNC | O_DIRECT | O_NOATIME)
/* From open(2) flags: FREAD/FWRITE for the access mode, plus status. */
int file_flags_from_open(int oflags);

/* A new file with one reference, the caller's credentials, no object. */
int file_alloc(struct file **fpp);
void file_hold(struct file *fp);
/* Drops a reference; the last one runs fo_close and frees the file. */
int file_rele(struct file *fp);

/* Per-process descriptor table, hung on a process-specific slot. */
struct filedesc;
/* The calling process's file for fd, held; EBADF if not open. */
int fd_getfile(int fd, struct file **fpp);
/*
 * Installs fp (the caller's reference moves to the table) at the lowest
 * free descriptor >= minfd; EMFILE when the table is full.
 */
int fd_install(struct file *fp, int minfd, bool cloexec, int *fdp);
/* Installs fp at exactly fd, closing what was there (dup2). */
int fd_install_at(struct file *fp, int fd, bool cloexec);
int fd_close(int fd);
int fd_getflags(int fd, int *flagsp); /* FD_CLOEXEC */
int fd_setflags(int fd, int flags);
/* Descriptor limit of the calling process. */
int fd_limit(void);

/*
 * Waiting for events (poll, select).  A file's fo_poll calls
 * selrecord(l, &obj->sel) when nothing is ready; whoever makes an event
 * happen calls selnotify(&obj->sel, events), which wakes every recorded
 * poller.  selinfo_init/destroy bracket the object's life.
 */
struct selinfo {
	struct list_head si_waiters;
};
void selinfo_init(struct selinfo *si);
void selinfo_destroy(struct selinfo *si);
void selrecord(struct lwp *l, struct selinfo *si);
void selnotify(struct selinfo *si, int events);

int file_init(void); /* boot: the descriptor table's process hooks */
void file_fini(void);
#endif
