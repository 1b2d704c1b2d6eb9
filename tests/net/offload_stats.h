/*
 * offload_stats.h -- for the offload tests: the kernel's software
 * segmentation and coalescing counters (sysctl net.inet.offload, struct
 * rump_sysctl_offload), read in the calling kernel; a failure fails the
 * test.  Include after testlib.h.
 */
#ifndef TESTS_NET_OFFLOAD_STATS_H_
#define TESTS_NET_OFFLOAD_STATS_H_

#include <rump/rump_syscalls.h>
#include <rump/sysctl.h>

static inline struct rump_sysctl_offload offload_stats(void)
{
	struct rump_sysctl_offload so;
	size_t len = sizeof(so);

	CHECK_SYS(
		rump_sys_sysctlbyname("net.inet.offload", &so, &len, NULL, 0));
	CHECK_EQ(len, sizeof(so));
	return so;
}

#endif
