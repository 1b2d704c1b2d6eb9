/*
 * ioctl_host.c -- rump_sys_ioctl(), the custom entry point of ioctl (see
 * sys/syscalls.master).  Linux and NetBSD encode requests differently, so
 * each supported request is translated by name (FIONREAD, FIONBIO, whose
 * argument is a pointer to an int on both sides and passes as it is);
 * interface requests (SIOC*IF*) have their struct ifreq or struct ifconf
 * translated too (lib/rumphost/ifreq.c); any other request fails with
 * ENOTTY without reaching the kernel.
 */
#include <errno.h>
#include <net/if.h>
#include <net/route.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* glibc's ifreq member macros would rewrite struct rump_ifreq's. */
#undef ifr_name
#undef ifr_flags
#undef ifr_mtu
#undef ifr_addr
#undef ifr_ifindex
#undef ifr_broadaddr
#undef ifr_dstaddr
#undef ifr_metric
#undef ifr_data
#undef ifc_buf
#undef ifc_req

#include <rump/rump_syscalls.h>
#include <rump/rumphost.h>
#include <rump/rumpkern.h>

#include "errno_map.h"
#include "sysargs_host.h"

static int ioctl_call(int fd, uint64_t krequest, void *data)
{
	struct sys_ioctl_args args = {
		.fd = fd,
		.request = krequest,
		.data = data,
	};
	int64_t retval[2] = {0, 0};

	return rump_kern_syscall(RUMP_SYS_IOCTL, &args, sizeof(args), retval);
}

/* An interface request: its argument in the kernel's layout and back. */
static int ioctl_interface(int fd, unsigned long request, uint64_t krequest,
			   int kind, void *data)
{
	struct rump_ifreq kifr;
	struct rump_ifconf kifc;
	struct rump_rtreq krt;
	struct ifconf *hifc = data;
	int error, n;

	switch (kind) {
	case RUMPHOST_IFIO_IFREQ:
		rumphost_ifreq_to_kernel(request, data, &kifr);
		error = ioctl_call(fd, krequest, &kifr);
		if (error == 0)
			rumphost_ifreq_to_host(request, &kifr, data);
		return error;
	case RUMPHOST_IFIO_RTENTRY:
		error = rumphost_rtentry_to_kernel(data, &krt);
		if (error != 0)
			return rumphost_errno_kernel(error);
		return ioctl_call(fd, krequest, &krt);
	case RUMPHOST_IFIO_IFCONF:
		if (hifc->ifc_len < 0)
			return RUMP_EINVAL;
		n = hifc->ifc_len / (int)sizeof(struct ifreq);
		memset(&kifc, 0, sizeof(kifc));
		if (hifc->ifc_ifcu.ifcu_buf != NULL) {
			kifc.ifc_len = n * (int)sizeof(struct rump_ifreq);
			kifc.ifc_buf = calloc((size_t)n + 1, sizeof(kifr));
			if (kifc.ifc_buf == NULL)
				return RUMP_ENOMEM;
		}
		error = ioctl_call(fd, krequest, &kifc);
		if (error == 0) {
			struct rump_ifreq *recs = kifc.ifc_buf;
			int nk = kifc.ifc_len / (int)sizeof(struct rump_ifreq);
			int used = 0;

			for (int i = 0; i < nk; i++) {
				struct ifreq h;

				if (recs != NULL &&
				    rumphost_ifconf_record_to_host(&recs[i],
								   &h) != 0)
					continue;
				if (recs != NULL)
					memcpy(hifc->ifc_ifcu.ifcu_buf + used,
					       &h, sizeof(h));
				used += (int)sizeof(struct ifreq);
			}
			hifc->ifc_len = used;
		}
		free(kifc.ifc_buf);
		return error;
	default:
		return ioctl_call(fd, krequest, data);
	}
}

int rump_sys_ioctl(int fd, unsigned long request, ...)
{
	struct sys_ioctl_args args = {
		.fd = fd,
	};
	int64_t retval[2] = {0, 0};
	uint64_t krequest;
	va_list ap;
	int error, kind;

	error = rumphost_ifioctl_to_kernel(request, &krequest, &kind);
	if (error == 0) {
		va_start(ap, request);
		error = ioctl_interface(fd, request, krequest, kind,
					va_arg(ap, void *));
		va_end(ap);
		if (error != 0) {
			errno = rumphost_errno_to_host(error);
			return -1;
		}
		return 0;
	}
	error = rumphost_ioctl_to_kernel(request, &krequest);
	if (error != 0) {
		errno = error;
		return -1;
	}
	args.request = krequest;
	va_start(ap, request);
	args.data = va_arg(ap, void *);
	va_end(ap);
	error = rump_kern_syscall(RUMP_SYS_IOCTL, &args, sizeof(args), retval);
	if (error != 0) {
		errno = rumphost_errno_to_host(error);
		return -1;
	}
	return (int)retval[0];
}
