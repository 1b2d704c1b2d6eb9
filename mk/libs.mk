# mk/libs.mk -- the one list of libraries.  A kernel library has kernel
# sources (freestanding, namespace-closed) and optionally host-side
# *_host.c sources linked into the same single archive member.  A host
# library has only host sources.  <lib>_PC_REQUIRES and <lib>_PC_DESC feed
# the pkg-config file; <lib>_SOLIBS are the DT_NEEDED of the shared object.

KERNLIBS := rump
HOSTLIBS := rumphost rumpuser rumpuser_fiber

rump_KSRC := $(wildcard kern/base/*.c kern/base/gen/*.c kern/libc/*.c)
rump_HSRC := $(wildcard kern/entry/*_host.c kern/entry/gen/*_host.c)
rump_SOLIBS := -lrumphost
rump_PC_REQUIRES := rumphost rumpuser
rump_PC_DESC := rump kernel base: boot, processes, locks, memory, time, system calls

rumphost_SRC := $(wildcard lib/rumphost/*.c)
rumphost_PC_DESC := host-ABI translation between a Linux host and the kernel

HOST_COMMON_SRC := $(wildcard hosts/common/*.c hosts/shim/*.c)
rumpuser_SRC := $(wildcard hosts/posix/*.c) $(HOST_COMMON_SRC)
rumpuser_SOLIBS := -lpthread
rumpuser_PC_DESC := hypercalls for a POSIX host with pthreads (the default)
rumpuser_fiber_SRC := $(wildcard hosts/fiber/*.c) $(HOST_COMMON_SRC)
rumpuser_fiber_SOLIBS := -lpthread
rumpuser_fiber_PC_DESC := hypercalls for a POSIX host, cooperative fibers on one thread
