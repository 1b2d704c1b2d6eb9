# mk/libs.mk -- the one list of libraries.  A kernel library has kernel
# sources (freestanding, namespace-closed) and optionally host-side
# *_host.c sources linked into the same single archive member.  A host
# library has only host sources.  <lib>_PC_REQUIRES and <lib>_PC_DESC feed
# the pkg-config file; <lib>_SOLIBS are the DT_NEEDED of the shared object.

KERNLIBS := rump rumpvfs rumpfs_tmpfs rumpdev rumpdev_disk
HOSTLIBS := rumphost rumpuser rumpuser_fiber

rump_KSRC := $(wildcard kern/base/*.c kern/base/gen/*.c kern/libc/*.c)
rump_HSRC := $(wildcard kern/entry/*_host.c kern/entry/gen/*_host.c)
rump_SOLIBS := -lrumphost
rump_PC_REQUIRES := rumphost rumpuser
rump_PC_DESC := rump kernel base: boot, processes, locks, memory, time, system calls

# The VFS faction (component "vfs"): vnodes, path lookup, mounts, the
# in-memory root file system (memfs) and etfs; its *_host.c files are the
# host-side rump_pub_etfs_* entry points.
rumpvfs_KSRC := $(filter-out %_host.c,$(wildcard kern/vfs/*.c kern/vfs/gen/*.c kern/vfs/memfs/*.c))
rumpvfs_HSRC := $(wildcard kern/vfs/*_host.c)
rumpvfs_SOLIBS := -lrump -lrumphost
rumpvfs_PC_REQUIRES := rump
rumpvfs_PC_DESC := rump kernel VFS faction: vnodes, names, mounts, the root file system, etfs

rumpfs_tmpfs_KSRC := $(wildcard kern/fs/tmpfs/*.c)
rumpfs_tmpfs_SOLIBS := -lrumpvfs -lrump
rumpfs_tmpfs_PC_REQUIRES := rumpvfs
rumpfs_tmpfs_PC_DESC := rump kernel tmpfs: the in-memory file system with size and inode limits

# ext2/ext3/ext4 (component "ext2fs"): kern/fs/ext2fs, its journal in
# kern/fs/ext2fs/jbd2; docs/ext2fs.md.
KERNLIBS += rumpfs_ext2fs
rumpfs_ext2fs_KSRC := $(wildcard kern/fs/ext2fs/*.c kern/fs/ext2fs/jbd2/*.c)
rumpfs_ext2fs_SOLIBS := -lrumpvfs -lrump
rumpfs_ext2fs_PC_REQUIRES := rumpvfs
rumpfs_ext2fs_PC_DESC := rump kernel ext2/ext3/ext4 file system with the jbd2 journal

# The dev faction (component "dev"): the disk framework, partitions (MBR,
# GPT) and the block driver "disk"; librumpdev_disk: disks on host files,
# which etfs RUMP_ETFS_BLK registrations use when it is linked.
rumpdev_KSRC := $(wildcard kern/dev/*.c)
rumpdev_SOLIBS := -lrump
rumpdev_PC_REQUIRES := rump
rumpdev_PC_DESC := rump kernel dev faction: disks and partitions (MBR, GPT)
rumpdev_disk_KSRC := $(wildcard kern/dev/hostdisk/*.c)
rumpdev_disk_SOLIBS := -lrumpdev -lrump
rumpdev_disk_PC_REQUIRES := rumpdev
rumpdev_disk_PC_DESC := rump kernel disks backed by host files
# The net faction (component "net"): mbufs, the socket layer, domains and
# the socket system calls; its *_host.c files are none (the socket entry
# points are librump's, kern/entry/socket_host.c).  librumpnet_local is the
# AF_LOCAL domain (component "local").  docs/net.md.
KERNLIBS += rumpnet rumpnet_local
# (The interface layer's kern/net files belong to librumpnet_net below.)
rumpnet_KSRC = $(filter-out $(rumpnet_net_KSRC),$(wildcard kern/net/*.c kern/net/gen/*.c))
rumpnet_SOLIBS := -lrump
rumpnet_PC_REQUIRES := rump
rumpnet_PC_DESC := rump kernel net faction: mbufs, sockets, domains, socket system calls
rumpnet_local_KSRC := $(wildcard kern/net/local/*.c)
rumpnet_local_SOLIBS := -lrumpnet -lrump
rumpnet_local_PC_REQUIRES := rumpnet
rumpnet_local_PC_DESC := rump kernel local (AF_UNIX) sockets: stream, datagram, socketpair, SCM_RIGHTS

# The interface layer (component net_net: interfaces, routes, netisr,
# loopback, Ethernet, pcap), the Internet protocols (component
# net_netinet: ARP, IPv4, ICMP, UDP, raw and ping sockets; TCP's
# kern/netinet/tcp_*.c join it) and the configuration calls of
# <rump/netconfig.h> (no component).  docs/net-inet.md.
KERNLIBS += rumpnet_net rumpnet_netinet rumpnet_config
rumpnet_net_KSRC := $(wildcard kern/net/if*.c kern/net/route*.c \
	kern/net/ether*.c kern/net/loopback*.c kern/net/pcap*.c)
rumpnet_net_SOLIBS := -lrumpnet -lrump
rumpnet_net_PC_REQUIRES := rumpnet
rumpnet_net_PC_DESC := rump kernel network interfaces: lo0, routing, Ethernet, packet capture
rumpnet_netinet_KSRC := $(wildcard kern/netinet/*.c)
rumpnet_netinet_SOLIBS := -lrumpnet_net -lrumpnet -lrump
rumpnet_netinet_PC_REQUIRES := rumpnet_net
rumpnet_netinet_PC_DESC := rump kernel IPv4: ARP, IP, ICMP, UDP, TCP, raw sockets
rumpnet_config_KSRC := $(filter-out %_host.c,$(wildcard kern/netconfig/*.c))
rumpnet_config_HSRC := $(wildcard kern/netconfig/*_host.c)
rumpnet_config_SOLIBS := -lrumpnet_netinet -lrumpnet_net -lrumpnet -lrump -lrumphost
rumpnet_config_PC_REQUIRES := rumpnet_netinet
rumpnet_config_PC_DESC := rump kernel network configuration: rump_pub_netconfig_*
# No component: a program that names the module keeps the library.
rumpnet_config_PC_FORCE := rump_pub_netconfig_ifcreate

# The virt interface (component virtif): virtN on a host tap device, with
# its own host glue (virtif_user_host.c).  docs/virtif.md.
KERNLIBS += rumpnet_virtif
rumpnet_virtif_KSRC := $(filter-out %_host.c,$(wildcard kern/net/virtif/*.c))
rumpnet_virtif_HSRC := $(wildcard kern/net/virtif/*_host.c)
rumpnet_virtif_SOLIBS := -lrumpnet_netinet -lrumpnet_net -lrumpnet -lrump -lrumphost
rumpnet_virtif_PC_REQUIRES := rumpnet_netinet rumpnet_config
rumpnet_virtif_PC_DESC := rump kernel virt interface: virtN on a Linux tap device

# The shared-memory bus interface (component shmif): shmifN on a bus file
# that kernels in any process map; its host glue (mmap, futexes) and the
# bus-to-pcap dump are the *_host.c files.  docs/shmif.md.
KERNLIBS += rumpnet_shmif
rumpnet_shmif_KSRC := $(filter-out %_host.c,$(wildcard kern/net/shmif/*.c))
rumpnet_shmif_HSRC := $(wildcard kern/net/shmif/*_host.c)
rumpnet_shmif_SOLIBS := -lrumpnet_netinet -lrumpnet_net -lrumpnet -lrump -lrumphost
rumpnet_shmif_PC_REQUIRES := rumpnet_netinet rumpnet_config
rumpnet_shmif_PC_DESC := rump kernel shmif interface: shmifN on a shared-memory bus file

# librumpclient (docs/remote.md): the rump_sys_* calls of a kernel in
# another process.  It builds the same host entry points as librump
# (generated and custom, kern/entry) over its own rump_kern_syscall(),
# the transport, with the marshalling table generated from the master list.
HOSTLIBS += rumpclient
rumpclient_SRC := $(wildcard lib/rumpclient/*.c lib/rumpclient/gen/*.c) \
	$(filter-out kern/entry/init_host.c,\
	$(wildcard kern/entry/*_host.c kern/entry/gen/*_host.c))
rumpclient_SOLIBS := -lrumphost -lpthread
rumpclient_PC_REQUIRES := rumphost
rumpclient_PC_DESC := remote system calls: rump_sys_* served by rump_server
rumpclient_EXPORT := rump_sys_[a-z]* rumpclient_[a-z_]*
# librumphijack (docs/hijack.md): LD_PRELOAD into unmodified programs,
# routing their system calls to a rump_server through librumpclient.  It
# exports the libc names it replaces; its own helpers are hidden.
HOSTLIBS += rumphijack
rumphijack_SRC := $(wildcard lib/rumphijack/*.c)
rumphijack_SOLIBS := -lrumpclient -lrumphost -ldl -lpthread
rumphijack_PC_REQUIRES := rumpclient
rumphijack_PC_DESC := LD_PRELOAD library: unmodified programs on a remote rump kernel

rumphost_SRC := $(wildcard lib/rumphost/*.c)
rumphost_PC_DESC := host-ABI translation between a Linux host and the kernel
rumphost_EXPORT := rumphost_[a-z]*

HOST_COMMON_SRC := $(wildcard hosts/common/*.c hosts/shim/*.c)
rumpuser_SRC := $(wildcard hosts/posix/*.c) $(HOST_COMMON_SRC)
rumpuser_SOLIBS := -lpthread
rumpuser_PC_DESC := hypercalls for a POSIX host with pthreads (the default)
rumpuser_fiber_SRC := $(wildcard hosts/fiber/*.c) $(HOST_COMMON_SRC)
rumpuser_fiber_SOLIBS := -lpthread
rumpuser_fiber_PC_DESC := hypercalls for a POSIX host, cooperative fibers on one thread
# A host's shared object exports the hypercalls only (not the rumpuser__*
# helpers of hosts/common), so two hosts loaded into one process, as a
# shared link with rump_fiber loads them, share no symbol but those.
rumpuser_EXPORT := rumpuser_[a-z]*
rumpuser_fiber_EXPORT := rumpuser_[a-z]*
# rumpuser is forced too (see below): only librump.so calls it, and lld's
# --as-needed counts only the program's own calls.
rumpuser_PC_FORCE := rumpuser_init

# Installation and pkg-config (scripts/install.sh reads these through
# $(B)/libs.txt).  PUBLIC_HEADERS go to PREFIX/include/rump.  Each library
# gets a .pc file; PCMODULES are further pkg-config modules, each linking
# the library <mod>_PC_LIB.  A library with a force symbol (<lib>_PC_FORCE,
# or else the rump_component_link_* its archive defines) is named as
#   -Wl,-u,<sym>,--push-state,--no-as-needed,-l<lib>,--pop-state
# so that static links pull the component in and --as-needed links (the
# default of Debian's gcc) keep the shared library that nothing calls.
# rump_fiber picks the fiber host: pkgconf emits a module's Libs before
# those of what it Requires, so -lrumpuser_fiber always precedes rump's
# -lrumpuser, and -u rumpuser_init makes a static link take it first.
VERSION := 0.1
PUBLIC_HEADERS := $(wildcard $(addprefix include/rump/,rump.h \
	rump_syscalls.h rumpuser.h rumpdefs.h rumpkern.h rumpabi.h rumphost.h \
	netconfig.h shmif.h sysctl.h rtsock.h \
	rumpclient.h))
PCMODULES := rump_fiber
rump_fiber_PC_LIB := rumpuser_fiber
rump_fiber_PC_FORCE := rumpuser_init
rump_fiber_PC_REQUIRES := rump
rump_fiber_PC_DESC := rump kernel on the cooperative fiber host (instead of rumpuser)
