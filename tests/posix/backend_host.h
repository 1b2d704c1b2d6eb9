/*
 * backend_host.h -- the host oracle's struct fsops (backend_host.c): the
 * host libc's calls.  host_oracle.c fills in the name, scratch directory
 * and capabilities of each file system it runs the suite on, and lowers
 * RLIMIT_NOFILE to HOST_MAX_FDS so that EMFILE comes where it does in a
 * rump kernel (OPEN_MAX descriptors per process).
 */
#ifndef POSIX_BACKEND_HOST_H_
#define POSIX_BACKEND_HOST_H_
#include "fsops.h"

#define HOST_MAX_FDS 1024

extern struct fsops host_fsops;
#endif
