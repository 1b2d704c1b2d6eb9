/*
 * rumpkern.h -- the kernel's own entry points, in the kernel's ABI (kernel
 * errno numbering, RUMP_* constants, fixed-width types).  Host-side entry
 * layers (librump's local rump_sys_* and rump_pub_* wrappers, the remote
 * client) translate the host's ABI and call these; programs call the
 * public <rump/rump.h> and <rump/rump_syscalls.h> instead.
 */
#ifndef RUMP_RUMPKERN_H_
#define RUMP_RUMPKERN_H_
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
struct lwp;

int rump_kern_init(void);
/* Runs system call num of the master list; 0 or a kernel errno. */
int rump_kern_syscall(int num, void *args, size_t argslen, int64_t retval[2]);
int rump_kern_lwproc_rfork(int flags);
int rump_kern_lwproc_newlwp(int32_t pid);
int rump_kern_lwproc_interrupt(int32_t pid);
int rump_kern_lwproc_interrupt_lwp(int32_t pid, int32_t lid);

void rump_schedule(void);
void rump_unschedule(void);
/*
 * Driver glue (*_host.c files) brackets a host call that may block with
 * these, from inside a kernel operation: the calling lwp gives its
 * virtual CPU back and takes one again, staying the same lwp (unlike
 * rump_unschedule, which ends an implicit lwp).  No-ops off a CPU.
 */
void rump_kern_glue_unschedule(void);
void rump_kern_glue_schedule(void);
void rump_pub_lwproc_switch(struct lwp *l);
void rump_pub_lwproc_releaselwp(void);
struct lwp *rump_pub_lwproc_curlwp(void);

#ifdef __cplusplus
}
#endif
#endif
