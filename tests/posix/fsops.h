/*
 * fsops.h -- the table of file operations that the POSIX conformance
 * suite is written against.  A front end (the rump kernel's rump_sys_*,
 * the host's libc as an oracle, later the remote client, the hijack
 * library or a FUSE mountpoint) fills one struct fsops per file system it
 * offers; the same test bodies then run through it unchanged.
 *
 * Every call has its libc signature and contract: -1 and errno on failure
 * (read with get_errno), except posix_fallocate, which returns the error
 * number as libc does.  Constants and structures are the host's (<fcntl.h>,
 * <sys/stat.h>, ...).  An optional call may be NULL; the tests that need
 * it are skipped.  The hooks below the calls are what a front end must
 * supply besides system calls.
 */
#ifndef POSIX_FSOPS_H_
#define POSIX_FSOPS_H_
#include <poll.h>
#include <stddef.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>

/* What a front end and its file system can do (fsops.caps). */
enum fsops_caps {
	/* become_user works (and the suite runs as root): permission
	 * tests as a non-root process. */
	FS_CAN_SWITCH_USER = 1u << 0,
	/* other_process works: record locks between two processes, chroot. */
	FS_CAN_OTHER_PROCESS = 1u << 1,
	/* mount("tmpfs", dir, "tmpfs", flags, opts) inside the scratch
	 * directory works: EROFS, EBUSY, EXDEV, ".." across a mount point. */
	FS_CAN_MOUNT = 1u << 2,
	/* The file system is small (POSIX_SMALL_TMPFS_OPTS, under 256 MiB):
	 * filling it gives ENOSPC. */
	FS_HAS_ENOSPC_LIMIT = 1u << 3,
	/* The file system has a small inode limit: ENOSPC on create. */
	FS_HAS_INODE_LIMIT = 1u << 4,
	/* The file system is the root file system ("/" is on it). */
	FS_IS_ROOT_FS = 1u << 5,
	/* mknod of character and block devices is allowed (root). */
	FS_CAN_MKNOD_DEV = 1u << 6,
	/* The suite runs as root (uid 0 with every privilege): chown to
	 * any id, permission override, chroot. */
	FS_ROOT = 1u << 7,
	/* NULL pointers reach the kernel and give EFAULT (the front end
	 * neither crashes on them nor catches them itself). */
	FS_NULL_EFAULT = 1u << 8,
};

/*
 * The small tmpfs that front ends mount for FS_HAS_ENOSPC_LIMIT and
 * FS_HAS_INODE_LIMIT (Linux tmpfs option syntax, which rumpkit's tmpfs
 * shares): small enough to fill quickly, big enough for every other test.
 */
#define POSIX_SMALL_TMPFS_OPTS "size=16m,nr_inodes=2048"

struct fsops {
	const char *name;    /* for reports: "rump-tmpfs", "host-shm" */
	const char *scratch; /* absolute, existing, writable by root */
	unsigned caps;	     /* enum fsops_caps */
	int max_fds;	     /* the per-process descriptor limit (EMFILE) */
	/* The longest symbolic link target the file system stores (0:
	 * PATH_MAX - 1); ext2/3/4 stores at most a block less one byte. */
	int symlink_max;

	/* errno of the front end: the last failed call's error. */
	int (*get_errno)(void);
	void (*set_errno)(int error);

	/*
	 * Become a non-root user (real, effective and saved-set ids the
	 * given ones, as far as become_root can undo it; the supplementary
	 * groups exactly groups[0..ngroups-1]) and back to root.  Returns 0
	 * or an errno.  While a user, a test must not close descriptors it
	 * opened before, nor rely on chdir or umask surviving become_root;
	 * descriptors opened as the user are closed before become_root.
	 */
	int (*become_user)(uid_t uid, gid_t gid, size_t ngroups,
			   const gid_t *groups);
	void (*become_root)(void);

	/*
	 * Run fn in another process of the same system (a descriptor table
	 * of its own; fn opens what it needs and closes it), with the same
	 * credentials and working directory, and return what fn returned
	 * (0..255; 255 also if the process could not run).  arg points to size
	 * bytes that fn may read and change; the changes are visible to the
	 * caller afterwards.  fn must not use the suite's assertions.
	 */
	int (*other_process)(int (*fn)(const struct fsops *fs, void *arg),
			     void *arg, size_t size);

	/* Descriptors, reading and writing. */
	int (*open)(const char *path, int flags, ...);
	int (*openat)(int dirfd, const char *path, int flags, ...);
	int (*creat)(const char *path, mode_t mode);
	int (*close)(int fd);
	ssize_t (*read)(int fd, void *buf, size_t n);
	ssize_t (*write)(int fd, const void *buf, size_t n);
	ssize_t (*pread)(int fd, void *buf, size_t n, off_t off);
	ssize_t (*pwrite)(int fd, const void *buf, size_t n, off_t off);
	ssize_t (*readv)(int fd, const struct iovec *iov, int iovcnt);
	ssize_t (*writev)(int fd, const struct iovec *iov, int iovcnt);
	ssize_t (*preadv)(int fd, const struct iovec *iov, int iovcnt,
			  off_t off);
	ssize_t (*pwritev)(int fd, const struct iovec *iov, int iovcnt,
			   off_t off);
	off_t (*lseek)(int fd, off_t off, int whence);
	int (*dup)(int fd);
	int (*dup2)(int fd, int newfd);
	int (*dup3)(int fd, int newfd, int flags);
	int (*fcntl)(int fd, int cmd, ...);
	int (*ioctl)(int fd, unsigned long req, ...);
	int (*flock)(int fd, int op);
	int (*pipe)(int fds[2]);
	int (*pipe2)(int fds[2], int flags);
	int (*poll)(struct pollfd *fds, nfds_t n, int timeout);
	int (*select)(int n, fd_set *r, fd_set *w, fd_set *e,
		      struct timeval *timeout);
	int (*fsync)(int fd);
	int (*fdatasync)(int fd);
	void (*sync)(void);
	int (*ftruncate)(int fd, off_t len);
	int (*truncate)(const char *path, off_t len);
	int (*fallocate)(int fd, int mode, off_t off, off_t len);
	int (*posix_fallocate)(int fd, off_t off, off_t len); /* errno back */

	/* Attributes. */
	int (*stat)(const char *path, struct stat *st);
	int (*fstat)(int fd, struct stat *st);
	int (*lstat)(const char *path, struct stat *st);
	int (*fstatat)(int dirfd, const char *path, struct stat *st, int flags);
	int (*access)(const char *path, int mode);
	int (*faccessat)(int dirfd, const char *path, int mode, int flags);
	int (*chmod)(const char *path, mode_t mode);
	int (*fchmod)(int fd, mode_t mode);
	int (*fchmodat)(int dirfd, const char *path, mode_t mode, int flags);
	int (*chown)(const char *path, uid_t uid, gid_t gid);
	int (*fchown)(int fd, uid_t uid, gid_t gid);
	int (*lchown)(const char *path, uid_t uid, gid_t gid);
	int (*fchownat)(int dirfd, const char *path, uid_t uid, gid_t gid,
			int flags);
	int (*utimes)(const char *path, const struct timeval tv[2]);
	int (*futimes)(int fd, const struct timeval tv[2]);
	int (*utimensat)(int dirfd, const char *path,
			 const struct timespec ts[2], int flags);
	int (*futimens)(int fd, const struct timespec ts[2]);
	int (*statvfs)(const char *path, struct statvfs *sv);
	int (*fstatvfs)(int fd, struct statvfs *sv);
	mode_t (*umask)(mode_t mask);

	/* Names. */
	int (*mkdir)(const char *path, mode_t mode);
	int (*mkdirat)(int dirfd, const char *path, mode_t mode);
	int (*rmdir)(const char *path);
	int (*unlink)(const char *path);
	int (*unlinkat)(int dirfd, const char *path, int flags);
	int (*rename)(const char *from, const char *to);
	int (*renameat)(int fromfd, const char *from, int tofd, const char *to);
	int (*link)(const char *from, const char *to);
	int (*linkat)(int fromfd, const char *from, int tofd, const char *to,
		      int flags);
	int (*symlink)(const char *target, const char *path);
	int (*symlinkat)(const char *target, int dirfd, const char *path);
	ssize_t (*readlink)(const char *path, char *buf, size_t n);
	ssize_t (*readlinkat)(int dirfd, const char *path, char *buf, size_t n);
	int (*mknod)(const char *path, mode_t mode, dev_t dev);
	int (*mkfifo)(const char *path, mode_t mode);
	/* Raw Linux struct dirent64 records (d_ino, d_off, d_reclen,
	 * d_type, d_name); getdents (optional) in the same layout. */
	ssize_t (*getdents64)(int fd, void *buf, size_t n);
	ssize_t (*getdents)(int fd, void *buf, size_t n);

	/* The process's place in the tree. */
	int (*chdir)(const char *path);
	int (*fchdir)(int fd);
	char *(*getcwd)(char *buf, size_t n);
	int (*chroot)(const char *path);

	/* Mounts (FS_CAN_MOUNT): Linux mount(2) and umount2(2). */
	int (*mount)(const char *source, const char *target, const char *fstype,
		     unsigned long flags, const void *data);
	int (*umount2)(const char *target, int flags);

	/* Identity. */
	pid_t (*getpid)(void);
	uid_t (*geteuid)(void);
	gid_t (*getegid)(void);
	int (*setuid)(uid_t uid);
	int (*seteuid)(uid_t uid);
	int (*setgid)(gid_t gid);
	int (*setgroups)(size_t n, const gid_t *groups);
};

/*
 * Run the whole suite on fs; print one line per test and a summary line.
 * Returns the number of failed tests (0: all passed or skipped).  The
 * process is left in "/" as root with umask 022; fs->scratch is empty.
 * POSIX_ONLY=text in the environment runs only tests whose name
 * ("area.test") contains text.
 */
int posix_run(const struct fsops *fs);
#endif
