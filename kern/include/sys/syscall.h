/*
 * sys/syscall.h -- the kernel's system call dispatch contract.  The table
 * (gen/sysent.c) and the argument structures (gen/sysargs.h) are generated
 * from sys/syscalls.master.  A handler gets the calling lwp, a pointer to
 * its argument structure and retval[2]; it returns 0 or a kernel errno.
 * Base calls are bound statically; a faction binds its own calls at init
 * with syscall_establish(), so calls of factions not linked give ENOSYS.
 */
#ifndef RUMPKERN_SYS_SYSCALL_H_
#define RUMPKERN_SYS_SYSCALL_H_
#include <sys/types.h>

typedef int (*sy_call_t)(struct lwp *l, const void *uap, register_t *retval);

struct sysent {
	sy_call_t sy_call;   /* NULL while its faction is not linked */
	uint32_t sy_argsize; /* sizeof its argument structure */
	const char *sy_name;
};

/* What a faction passes to syscall_establish: terminated by sc_call NULL. */
struct syscall_binding {
	int sc_num;
	sy_call_t sc_call;
};

extern struct sysent sysent[];
extern const int sysent_count;

int syscall_establish(const struct syscall_binding *bindings);
void syscall_disestablish(const struct syscall_binding *bindings);

/* Runs system call num for the current lwp; 0 or a kernel errno. */
int syscall_dispatch(int num, const void *args, size_t argslen,
		     register_t retval[2]);
#endif
