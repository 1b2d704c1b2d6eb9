/*
 * rumphost.h -- librumphost, the translation between a host's ABI (its errno
 * values, constants and structure layouts) and the kernel's own ABI
 * (<rump/rumpdefs.h>).  The generated rump_sys_* entry points and the
 * remote client call it; it holds no state and never calls the kernel.
 */
#ifndef RUMP_RUMPHOST_H_
#define RUMP_RUMPHOST_H_

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The host's errno value for a kernel errno (RUMP_E*), and the kernel's
 * for a host errno value.  0 maps to 0; a value without a counterpart on
 * the other side becomes EIO.
 */
int rumphost_errno_host(int kernel_errno);
int rumphost_errno_kernel(int host_errno);

/*
 * Translators.  An argument annotated xlate=X in sys/syscalls.master makes
 * the generated entry point call, for a structure struct S (kernel layout
 * struct rump_X, declared here with its translators),
 *
 *	int rumphost_X_to_kernel(const struct S *host, struct rump_X *kernel);
 *	int rumphost_X_to_host(const struct rump_X *kernel, struct S *host);
 *
 * (in arguments the first, out arguments the second, inout both), and for
 * a scalar of type T
 *
 *	int rumphost_X_to_kernel(T host, int64_t *kernel);
 *
 * (uint64_t for an unsigned T).  Each returns 0 or a host errno value,
 * which the entry point returns to its caller without calling the kernel
 * (or, after the call, as the call's error).  No call needs one yet.
 */

#ifdef __cplusplus
}
#endif
#endif
