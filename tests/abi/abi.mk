# tests/abi/abi.mk -- host-only tests of the translation layer, included by
# tests/tests.mk.  They need no kernel: t_abi_xlate links librumphost
# alone; t_abi_entry compiles the rump_sys_* entry points of kern/entry/
# (generated and custom, not init_host.c) against a fake
# rump_kern_syscall().  Built into the posix host's directory so that
# tests/run.sh runs them once.

ABI_ENTRY_SRC := kern/entry/gen/syscalls_host.c \
	$(filter-out kern/entry/init_host.c,$(wildcard kern/entry/*_host.c))
ABI_TEST_BINS := $(B)/tests/posix/t_abi_xlate $(B)/tests/posix/t_abi_entry

$(B)/tests/posix/t_abi_xlate: tests/abi/t_abi_xlate.c tests/abi/abitest.h \
		$(L)/librumphost.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -o $@ tests/abi/t_abi_xlate.c $(L)/librumphost.a

$(B)/tests/posix/t_abi_entry: tests/abi/t_abi_entry.c tests/abi/abitest.h \
		$(ABI_ENTRY_SRC) $(L)/librumphost.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -o $@ tests/abi/t_abi_entry.c $(ABI_ENTRY_SRC) \
		$(L)/librumphost.a

tests: $(ABI_TEST_BINS)
