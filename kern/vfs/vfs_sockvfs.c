/*
 * vfs_sockvfs.c -- socket nodes for the local socket domain: bind makes
 * a VSOCK node and keeps it referenced, connect and sendto look one up.
 * The node's v_socket is the net faction's pointer; the VFS only keeps
 * the slot (sys/sockvfs.h).
 */
#include <sys/errno.h>
#include <sys/proc.h>
#include <sys/sockvfs.h>

#include "vfs_private.h"

static int sv_bind(const char *path, void **nodep)
{
	kauth_cred_t cred;
	struct vnode *vp;
	int error;

	error = vfs_makenode(AT_FDCWD, path, NI_KERNPATH, VSOCK, ACCESSPERMS, 0,
			     NULL);
	if (error == EEXIST)
		return EADDRINUSE;
	if (error != 0)
		return error;
	cred = cred_get(curproc);
	error = namei_simple(AT_FDCWD, path, NI_KERNPATH, cred, &vp);
	cred_free(cred);
	if (error == 0 && vp->v_type != VSOCK) {
		/* Replaced between the two steps. */
		vrele(vp);
		error = EADDRINUSE;
	}
	if (error == 0)
		*nodep = vp;
	return error;
}

static int sv_lookup(const char *path, void **nodep)
{
	kauth_cred_t cred = cred_get(curproc);
	struct vnode *vp;
	int error;

	error = namei_simple(AT_FDCWD, path, NI_KERNPATH | NI_FOLLOW, cred,
			     &vp);
	if (error == 0) {
		if (vp->v_type != VSOCK)
			error = ECONNREFUSED;
		else
			error = vn_access(vp, VWRITE, cred);
		if (error != 0)
			vrele(vp);
		else
			*nodep = vp;
	}
	cred_free(cred);
	return error;
}

static void sv_rele(void *node)
{
	vrele(node);
}

static void **sv_slot(void *node)
{
	return &((struct vnode *)node)->v_socket;
}

const struct sockvfs_ops vfs_sockvfs_ops = {
	.sv_bind = sv_bind,
	.sv_lookup = sv_lookup,
	.sv_rele = sv_rele,
	.sv_slot = sv_slot,
};
