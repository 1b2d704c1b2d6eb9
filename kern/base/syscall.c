/*
 * syscall.c -- system call entry and dispatch, and the reboot call.  An
 * entry takes a virtual CPU, runs the handler from the generated sysent
 * table as the calling thread's lwp, and gives the CPU back.  Calls of a
 * faction that is not linked have no handler and return ENOSYS.
 */
#include <rump/rumpkern.h>
#include <sys/abi.h>
#include <sys/component.h>
#include <sys/proc.h>
#include <sys/sysargs.h>
#include <sys/syscall.h>
#include <sys/sysproto.h>
#include <sys/systm.h>


int syscall_establish(const struct syscall_binding *b)
{
	for (const struct syscall_binding *i = b; i->sc_call != NULL; i++)
		if (i->sc_num < 0 || i->sc_num >= sysent_count ||
		    sysent[i->sc_num].sy_call != NULL)
			return EBUSY;
	for (; b->sc_call != NULL; b++)
		sysent[b->sc_num].sy_call = b->sc_call;
	return 0;
}

void syscall_disestablish(const struct syscall_binding *b)
{
	for (; b->sc_call != NULL; b++)
		if (sysent[b->sc_num].sy_call == b->sc_call)
			sysent[b->sc_num].sy_call = NULL;
}

int syscall_dispatch(int num, const void *args, size_t argslen,
		     register_t retval[2])
{
	const struct sysent *se;

	if (num < 0 || num >= sysent_count)
		return ENOSYS;
	se = &sysent[num];
	if (se->sy_call == NULL)
		return ENOSYS;
	if (argslen != se->sy_argsize)
		return EINVAL;
	retval[0] = retval[1] = 0;
	return se->sy_call(curlwp, args, retval);
}

int rump_kern_syscall(int num, void *args, size_t argslen, int64_t retval[2])
{
	int error;

	if (__predict_false((error = kern_entry_error()) != 0))
		return error;
	rump_schedule();
	error = syscall_dispatch(num, args, argslen, retval);
	rump_unschedule();
	if (__predict_false(kern_shutdown_is_pending()))
		kern_shutdown_finish();
	return error;
}

/*
 * reboot: every howto stops the kernel and returns to the caller; the
 * host process carries on.  RB_NOSYNC asks components not to flush.
 */
int sys_reboot(struct lwp *l, const struct sys_reboot_args *uap,
	       register_t *retval)
{
	const int known = RB_HALT | RB_NOSYNC | RB_DUMP | RB_POWERDOWN;

	if ((SCARG(uap, howto) & ~(int64_t)known) != 0)
		return EINVAL;
	if (!cred_is_root(l->l_proc->p_cred))
		return EPERM;
	return kern_shutdown_begin((int)SCARG(uap, howto));
}
