/*
 * sys/kthread.h -- kernel threads: host threads that run as lwps of
 * process 0 and hold a virtual CPU while they run kernel code.  A thread
 * created with KTHREAD_MUSTJOIN must be joined; all must be gone by
 * shutdown (the leak report counts them).
 */
#ifndef RUMPKERN_SYS_KTHREAD_H_
#define RUMPKERN_SYS_KTHREAD_H_
#include <sys/types.h>

#define KTHREAD_MUSTJOIN 0x01
int kthread_create(void (*fn)(void *), void *arg, int flags, struct lwp **lp,
		   const char *fmt, ...)
	__attribute__((__format__(__printf__, 5, 6)));
void kthread_exit(int status) __attribute__((__noreturn__));
int kthread_join(struct lwp *l);
extern volatile int64_t kthreads_live;
#endif
