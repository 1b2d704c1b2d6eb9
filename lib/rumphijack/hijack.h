/*
 * hijack.h -- private interface of librumphijack, the LD_PRELOAD library
 * that routes an unmodified program's system calls into a remote rump
 * kernel (docs/hijack.md).  Every file of the library includes the system
 * headers it needs first and this header last: everything declared from
 * here on has hidden visibility, so the library exports only the libc
 * names it interposes.
 */
#ifndef HIJACK_H
#define HIJACK_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <poll.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <termios.h>
#include <utime.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>
#include <rump/rumpclient.h>

#pragma GCC visibility push(hidden)
/* the library replaces deprecated functions (readdir_r) too */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

/*
 * The host's own functions, found with dlsym(RTLD_NEXT) on first use.
 * HOST(name) is a pointer with the libc prototype of `name`.
 */
/* clang-format off */
/* glibc functions that make their system calls inside libc (replaced) */
#define HIJACK_HOSTFUNCS2(X)                                                   \
	X(realpath) X(pclose) X(scandir) X(scandirat) X(glob) X(nftw) X(ftw)   \
	X(isatty) X(ttyname) X(ttyname_r) X(tcgetattr) X(mkostemps)           \
	X(mkdtemp) X(mktemp)
/* clang-format on */
#define HIJACK_HOSTFUNCS(X)                                                                                                                                                                                                                                                                                                                                                                                                                    \
	X(open)                                                                                                                                                                                                                                                                                                                                                                                                                                \
	X(openat)                                                                                                                                                                                                                                                                                                                                                                                                                              \
	X(close) X(read) X(write) X(pread) X(pwrite) X(readv) X(writev) X(preadv) X(pwritev) X(                                                                                                                                                                                                                                                                                                                                                \
		lseek) X(dup) X(dup2) X(dup3) X(fcntl) X(ioctl) X(fstat) X(stat) X(lstat) X(fstatat)                                                                                                                                                                                                                                                                                                                                           \
		X(statx) X(fsync) X(fdatasync) X(ftruncate) X(fchmod) X(fchown) X(fchdir) X(                                                                                                                                                                                                                                                                                                                                                   \
			chdir) X(getcwd) X(poll) X(ppoll) X(select) X(pselect) X(epoll_ctl) X(epoll_wait)                                                                                                                                                                                                                                                                                                                                      \
			X(epoll_pwait) X(fork) X(execve) X(socket) X(mmap) X(fstatvfs) X(                                                                                                                                                                                                                                                                                                                                                      \
				fstatfs) X(close_range) X(fopen) X(fdopen) X(opendir) X(fdopendir)                                                                                                                                                                                                                                                                                                                                             \
				X(readdir) X(readdir64) X(closedir) X(dirfd) X(rewinddir) X(                                                                                                                                                                                                                                                                                                                                                   \
					telldir) X(seekdir) X(readdir_r) X(readdir64_r)                                                                                                                                                                                                                                                                                                                                                        \
					X(pipe) X(syncfs) X(futimens) X(futimes) X(flock) X(                                                                                                                                                                                                                                                                                                                                                   \
						fallocate) X(posix_fallocate) X(posix_fadvise)                                                                                                                                                                                                                                                                                                                                                 \
						X(preadv2) X(pwritev2) X(copy_file_range) X(                                                                                                                                                                                                                                                                                                                                                   \
							splice) X(sendfile) X(faccessat)                                                                                                                                                                                                                                                                                                                                                       \
							X(mkdirat) X(unlinkat) X(renameat) X(                                                                                                                                                                                                                                                                                                                                                  \
								renameat2) X(linkat) X(symlinkat)                                                                                                                                                                                                                                                                                                                                              \
								X(readlinkat) X(fchmodat) X(                                                                                                                                                                                                                                                                                                                                                   \
									fchownat) X(utimensat)                                                                                                                                                                                                                                                                                                                                                 \
									X(mknodat) X(truncate) X(                                                                                                                                                                                                                                                                                                                                              \
										statfs) X(statvfs)                                                                                                                                                                                                                                                                                                                                             \
										X(pathconf)                                                                                                                                                                                                                                                                                                                                                    \
											X(fpathconf)                                                                                                                                                                                                                                                                                                                                           \
												X(getxattr) X(lgetxattr) X(fgetxattr) X(setxattr) X(lsetxattr) X(fsetxattr) X(listxattr) X(llistxattr) X(flistxattr) X(removexattr) X(lremovexattr) X(fremovexattr) X(socketpair) X(bind) X(connect) X(listen) X(accept) X(accept4) X(getsockname) X(getpeername) X(setsockopt) X(getsockopt) X(send) X(sendto) X(sendmsg) X(recv) X(recvfrom) \
													X(recvmsg) X(shutdown) X(                                                                                                                                                                                                                                                                                                              \
														sendmmsg)                                                                                                                                                                                                                                                                                                                      \
														X(recvmmsg) X(                                                                                                                                                                                                                                                                                                                 \
															epoll_create1)                                                                                                                                                                                                                                                                                                         \
															X(freopen) HIJACK_HOSTFUNCS2(X)

#define HIJACK_HOSTPTR(name) extern __typeof__(name) *hijack_host_##name;
HIJACK_HOSTFUNCS(HIJACK_HOSTPTR)
#undef HIJACK_HOSTPTR

/* The pointer to the host's function, resolving all of them on first use. */
#define HOST(name)                                                             \
	(hijack_host_##name != NULL ? hijack_host_##name                       \
				    : (hijack_resolve(), hijack_host_##name))

void hijack_resolve(void);

/*
 * Configuration (RUMPHIJACK) and whether the library talks to a kernel.
 * hijack_ready() is false until the constructor connected; before that
 * (another library's constructor) and without a server everything goes to
 * the host.
 */
bool hijack_ready(void);
bool hijack_socket_routed(int domain);

/*
 * Calls into librumpclient run with this thread's bypass count raised, so
 * that the client's own use of libc (its socket, connect, fork, ...) goes
 * straight to the host through these same interposed names.
 */
extern __thread int hijack_bypass;
#define KCALL(expr)                                                            \
	({                                                                     \
		hijack_bypass++;                                               \
		__typeof__(expr) kcall_r_ = (expr);                            \
		hijack_bypass--;                                               \
		kcall_r_;                                                      \
	})
/* true when this call must go to the host whatever its arguments */
#define HIJACK_BYPASS() (hijack_bypass != 0 || !hijack_ready())

/*
 * Descriptors (hijack_fd.c).  A kernel descriptor is shown to the program
 * as a host descriptor number held by a placeholder (an O_PATH descriptor
 * of /dev/null), so the host never hands that number out; the table maps
 * the number to the kernel's descriptor.  Host descriptors are not in the
 * table.  hijack_kfd() returns the kernel descriptor or -1.
 */
#define HIJACK_MAXFD 65536
int hijack_kfd(int fd);
/* a new placeholder for kernel descriptor kfd (closed on failure) */
int hijack_fd_attach(int kfd, bool cloexec);
/* the placeholder at host number `fd` (made by dup2/F_DUPFD) maps to kfd */
void hijack_fd_set(int fd, int kfd);
/* forget `fd` without closing anything; returns the kernel fd or -1 */
int hijack_fd_forget(int fd);
/* close the kernel descriptor behind host number fd, if any */
void hijack_fd_release(int fd);
/* "h:k,h:k" of every descriptor that survives exec; NULL if none */
char *hijack_fd_export(void);
void hijack_fd_import(const char *list);

/* Paths (hijack_path.c). */
enum hijack_route { HIJACK_HOST, HIJACK_KERNEL };
/*
 * Where (dirfd, path) goes.  For the kernel, *kdirfd and *kpath are what to
 * pass to the kernel (the prefix stripped, the dirfd translated).
 */
enum hijack_route hijack_route_at(int dirfd, const char *path, int *kdirfd,
				  const char **kpath);
enum hijack_route hijack_route_path(const char *path, const char **kpath);
/*
 * The program's name for kernel path kp (absolute): kp itself under a
 * blanket, else the prefix in front.  -1 (ENAMETOOLONG) if it needs more
 * than len bytes.
 */
int hijack_path_to_program(const char *kp, char *out, size_t len);
/* true when path (absolute or relative to the cwd) goes to the kernel */
bool hijack_path_inkernel(const char *path);
void hijack_path_config(const char *prefix, const char *blanket);
void hijack_cwd_set(bool inkernel);
bool hijack_cwd_inkernel(void);
const char *hijack_prefix(void);

/*
 * Another exported name for a function (open64 for open): an assembler
 * alias, since the C prototypes differ only in types that are the same on
 * a 64-bit host (struct stat64 and struct stat).
 */
#define HIJACK_ALIAS(alias, target)                                            \
	__asm__(".globl " #alias "\n.type " #alias ", %function\n.set " #alias \
		", " #target)

/* Results: -1 and errno, or the value. */
static inline int hijack_fail(int error)
{
	errno = error;
	return -1;
}

/*
 * fstat and fstatat themselves, for the old __fxstat-style names: those
 * must not call the public names, which a sanitizer runtime in front of
 * the library intercepts and sends back to __fxstat (endless recursion).
 */
int hijack_fstat(int fd, struct stat *st);
int hijack_fstatat(int dirfd, const char *path, struct stat *st, int flags);

/* Converters shared by several files (hijack_stat.c). */
void hijack_statvfs_to_statfs(const struct statvfs *sv, struct statfs *sf);

/* execvpe; script: run an ENOEXEC file with /bin/sh, as execvp does */
int hijack_execvpe(const char *file, char *const argv[], char *const envp[],
		   bool script);

/* poll over host and kernel descriptors at once (hijack_poll.c) */
/* with mask, the host side is a ppoll with it (ppoll, pselect, epoll_pwait) */
int hijack_poll_mixed(struct pollfd *fds, nfds_t n, int timeout_ms,
		      const sigset_t *mask);

/* stdio over a kernel descriptor (hijack_stdio.c) */
FILE *hijack_stdio_open(int fd, const char *mode);
int hijack_stdio_modeflags(const char *mode, int *flags);
void hijack_stdio_fixstd(void);
/* fd (0, 1 or 2) became a kernel descriptor: its std stream follows */
void hijack_stdio_adopt(int fd);

#pragma GCC visibility pop

#endif
