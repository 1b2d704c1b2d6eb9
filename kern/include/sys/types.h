/*
 * sys/types.h -- the kernel's basic types.  The kernel has one fixed ABI of
 * its own (published to hosts as RUMP_* in <rump/rumpdefs.h>); these are
 * its widths, identical on every CPU the kernel is built for.
 */
#ifndef RUMPKERN_SYS_TYPES_H_
#define RUMPKERN_SYS_TYPES_H_
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t pid_t;
typedef int32_t lwpid_t;
typedef uint32_t uid_t;
typedef uint32_t gid_t;
typedef uint32_t mode_t;
typedef int64_t off_t;
typedef int64_t time_t;
typedef uint64_t dev_t;
typedef uint64_t ino_t;
typedef uint32_t nlink_t;
typedef int64_t register_t;
typedef uint32_t socklen_t;

struct timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

struct lwp;
struct proc;
struct cpu_info;
struct kauth_cred;
typedef struct kauth_cred *kauth_cred_t;
#endif
