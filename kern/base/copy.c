/*
 * copy.c -- moving data between a process's memory and the kernel.  Each
 * process says how its memory is reached (struct vmspace_ops): a local
 * program shares the kernel's address space; a remote client's memory is
 * reached over its connection.  Addresses in the first page are rejected
 * with EFAULT, so a NULL argument is an error and never a crash.
 */
#include <rump/rumpuser.h>
#include <sys/proc.h>
#include <sys/systm.h>

#define LOW_PAGE 4096

static bool bad_range(const void *uaddr, size_t len)
{
	uintptr_t a = (uintptr_t)uaddr;

	return a < LOW_PAGE || a + len < a;
}

static int local_copyin(void *priv, const void *uaddr, void *kaddr, size_t len)
{
	if (len != 0 && bad_range(uaddr, len))
		return EFAULT;
	memcpy(kaddr, uaddr, len);
	return 0;
}

static int local_copyout(void *priv, const void *kaddr, void *uaddr, size_t len)
{
	if (len != 0 && bad_range(uaddr, len))
		return EFAULT;
	memcpy(uaddr, kaddr, len);
	return 0;
}

static int local_copyinstr(void *priv, const void *uaddr, void *kaddr,
			   size_t len, size_t *done)
{
	const char *src = uaddr;
	char *dst = kaddr;
	size_t i;

	if (bad_range(uaddr, 1))
		return EFAULT;
	for (i = 0; i < len; i++) {
		if ((dst[i] = src[i]) == '\0') {
			if (done != NULL)
				*done = i + 1;
			return 0;
		}
	}
	return ENAMETOOLONG;
}

const struct vmspace_ops vmspace_local = {
	local_copyin,
	local_copyout,
	local_copyinstr,
};

/* A remote client's memory: the host's transport asks the client. */
static int remote_copyin(void *priv, const void *uaddr, void *kaddr,
			 size_t len)
{
	if (len == 0)
		return 0;
	if (bad_range(uaddr, len))
		return EFAULT;
	return rumpuser_sp_copyin(priv, uaddr, kaddr, len);
}

static int remote_copyout(void *priv, const void *kaddr, void *uaddr,
			  size_t len)
{
	if (len == 0)
		return 0;
	if (bad_range(uaddr, len))
		return EFAULT;
	return rumpuser_sp_copyout(priv, kaddr, uaddr, len);
}

static int remote_copyinstr(void *priv, const void *uaddr, void *kaddr,
			    size_t len, size_t *done)
{
	size_t got = len;
	int error;

	if (bad_range(uaddr, 1))
		return EFAULT;
	error = rumpuser_sp_copyinstr(priv, uaddr, kaddr, &got);
	if (error == 0 && done != NULL)
		*done = got;
	return error;
}

const struct vmspace_ops vmspace_remote = {
	remote_copyin,
	remote_copyout,
	remote_copyinstr,
};

int copyin(const void *uaddr, void *kaddr, size_t len)
{
	struct proc *p = curproc;

	return p->p_vmspace->vm_copyin(p->p_vmspace_priv, uaddr, kaddr, len);
}

int copyout(const void *kaddr, void *uaddr, size_t len)
{
	struct proc *p = curproc;

	return p->p_vmspace->vm_copyout(p->p_vmspace_priv, kaddr, uaddr, len);
}

int copyinstr(const void *uaddr, void *kaddr, size_t len, size_t *done)
{
	struct proc *p = curproc;

	return p->p_vmspace->vm_copyinstr(p->p_vmspace_priv, uaddr, kaddr, len,
					  done);
}
