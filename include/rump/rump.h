/*
 * rump.h -- the public rump kernel API for programs: boot, process and
 * thread contexts, host files inside the kernel (etfs).  Names follow the
 * NetBSD rump kernel.  Functions returning int return 0 or a positive
 * errno value in the host's numbering.  System calls are declared in
 * <rump/rump_syscalls.h>.
 */
#ifndef RUMP_RUMP_H_
#define RUMP_RUMP_H_
#include <stdint.h>
#include <sys/types.h>

#include <rump/rumpdefs.h>

#ifdef __cplusplus
extern "C" {
#endif

struct lwp;

/* rump_pub_lwproc_rfork() flags (RUMP_RFFDG, RUMP_RFCFDG) and
 * rump_sys_reboot() flags (RUMP_RB_*) are in <rump/rumpdefs.h>. */

/* rump_pub_etfs_register() types. */
enum rump_etfs_type {
	RUMP_ETFS_REG,
	RUMP_ETFS_BLK,
	RUMP_ETFS_CHR,
	RUMP_ETFS_DIR,	      /* only the registered directory */
	RUMP_ETFS_DIR_SUBDIRS /* and everything below it */
};
#define RUMP_ETFS_SIZE_ENDOFF ((uint64_t)-1)

/*
 * Boot the kernel with every linked component.  Calling it again while
 * the kernel runs returns 0; after rump_sys_reboot() it returns ESHUTDOWN
 * (a rump kernel boots once per host process).
 */
int rump_init(void);

/*
 * Boot (if not yet booted) and serve the kernel to remote clients at url:
 * unix://relative/path, unix:///absolute/path (created mode 0600) or
 * tcp://addr:port.  A TCP address that is not a loopback address needs
 * RUMP_SERVER_ANYADDR.  Whoever can reach the socket is root inside the
 * kernel.  A client's rump_sys_reboot() halts the kernel and ends the
 * hosting process (status 0).  Only the pthread host serves; the fiber
 * host returns EOPNOTSUPP.  docs/remote.md.
 */
#define RUMP_SERVER_ANYADDR 0x01
int rump_init_server(const char *url);
int rump_init_server_flags(const char *url, int flags);

/* Bind the calling host thread to a virtual CPU, and release it. */
void rump_schedule(void);
void rump_unschedule(void);

/*
 * Process and thread contexts.  rfork creates a process (child of the
 * current one) with one thread and makes it current for the calling host
 * thread; newlwp adds a thread to process pid and makes it current;
 * switch makes l current (NULL: back to the implicit context of process
 * 1); releaselwp ends the current thread (and its process with its last
 * thread); curlwp is the current thread, NULL in the implicit context.
 */
int rump_pub_lwproc_rfork(int flags);
int rump_pub_lwproc_newlwp(pid_t pid);
void rump_pub_lwproc_switch(struct lwp *l);
void rump_pub_lwproc_releaselwp(void);
struct lwp *rump_pub_lwproc_curlwp(void);

/* Host files inside the kernel's file system namespace (VFS faction). */
int rump_pub_etfs_register(const char *key, const char *hostpath,
			   enum rump_etfs_type ftype);
int rump_pub_etfs_register_withsize(const char *key, const char *hostpath,
				    enum rump_etfs_type ftype, uint64_t begin,
				    uint64_t size);
int rump_pub_etfs_remove(const char *key);

#ifdef __cplusplus
}
#endif
#endif
