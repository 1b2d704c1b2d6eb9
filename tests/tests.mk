# tests/tests.mk -- the test suite's build, included by the top Makefile.
# librumpkern_test is a kernel library like the others (freestanding,
# namespace-closed, from tests/kern/*.c) but is defined here rather than in
# KERNLIBS so that it is never installed, packaged or given a .so.  Every
# tests/t_*.c becomes one program per host, $(B)/tests/<host>/t_*, linked
# statically; tests/run.sh runs them.

rumpkern_test_KSRC := $(wildcard tests/kern/*.c)
rumpkern_test_HSRC :=
$(eval $(call kernlib,rumpkern_test))

TEST_KLIB := $(L)/librumpkern_test.a
$(TEST_KLIB): $(O)/rumpkern_test.o
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $<

TEST_HOSTS := posix fiber
TEST_HOSTLIB_posix := rumpuser
TEST_HOSTLIB_fiber := rumpuser_fiber
TEST_PROGS := $(patsubst tests/%.c,%,$(wildcard tests/t_*.c))
TEST_DEPS := tests/testlib.c tests/testlib.h tests/kern/rumptest.h \
	$(TEST_KLIB) $(KERN_ARCHIVES) $(L)/librumphost.a

# Every component the kernel archives define is forced in, so every test
# program runs on the whole kernel (the VFS faction, tmpfs, ...).
TEST_FORCE = $(shell $(NM) -g --defined-only $(KERN_ARCHIVES) 2>/dev/null | \
	awk '$$3 ~ /^rump_component_link_/ { print "-Wl,-u," $$3 }')

# One program for one host.  -u pulls the test component in even where a
# program calls none of it, so every program links the same kernel.
define testprog
$(B)/tests/$(1)/$(2): tests/$(2).c $(TEST_DEPS) $(L)/lib$(TEST_HOSTLIB_$(1)).a
	@mkdir -p $$(@D)
	$$(CC) $$(HOST_CFLAGS) -o $$@ tests/$(2).c tests/testlib.c \
		-Wl,-u,rump_test_ncpu $$(TEST_FORCE) \
		-Wl,--start-group $(TEST_KLIB) \
		$(KERN_ARCHIVES) $(L)/librumphost.a \
		$(L)/lib$(TEST_HOSTLIB_$(1)).a -Wl,--end-group $(LDLIBS_HOST)
TEST_BINS += $(B)/tests/$(1)/$(2)
endef
$(foreach h,$(TEST_HOSTS),$(foreach p,$(TEST_PROGS),\
	$(eval $(call testprog,$(h),$(p)))))

tests: $(TEST_BINS)

# The runner over what was built; `make check` runs it too.
test: tests
	sh tests/run.sh $(B)

.PHONY: test
include tests/abi/abi.mk
include tests/posix/posix.mk
include tests/ext2/ext2.mk
include tests/tools/tools.mk
include tests/remote/remote.mk

# The net faction without the VFS: t_sock_novfs links only librumpnet,
# librumpnet_local, librump and the host libraries (no librumpvfs, no
# test component), proving the factions independent (docs/net.md).
NOVFS_LIBS := $(L)/librumpnet_local.a $(L)/librumpnet.a $(L)/librump.a \
	$(L)/librumphost.a
define novfsprog
$(B)/tests/$(1)/t_sock_novfs: tests/novfs/t_sock_novfs.c tests/testlib.c \
		tests/testlib.h $(NOVFS_LIBS) $(L)/lib$(TEST_HOSTLIB_$(1)).a
	@mkdir -p $$(@D)
	$$(CC) $$(HOST_CFLAGS) -Itests -o $$@ tests/novfs/t_sock_novfs.c \
		tests/testlib.c -Wl,-u,rump_component_link_net \
		-Wl,-u,rump_component_link_local -Wl,--start-group \
		$(NOVFS_LIBS) $(L)/lib$(TEST_HOSTLIB_$(1)).a -Wl,--end-group \
		$(LDLIBS_HOST)
TEST_BINS += $(B)/tests/$(1)/t_sock_novfs
endef
$(foreach h,$(TEST_HOSTS),$(eval $(call novfsprog,$(h))))
tests: $(foreach h,$(TEST_HOSTS),$(B)/tests/$(h)/t_sock_novfs)
# The routing socket without the VFS: t_route_novfs links the interface
# layer and IPv4 but no librumpvfs (docs/routesock.md).
ROUTE_NOVFS_LIBS := $(L)/librumpnet_netinet.a $(L)/librumpnet_net.a \
	$(L)/librumpnet.a $(L)/librump.a $(L)/librumphost.a
define routenovfsprog
$(B)/tests/$(1)/t_route_novfs: tests/novfs/t_route_novfs.c tests/testlib.c \
		tests/testlib.h $(ROUTE_NOVFS_LIBS) $(L)/lib$(TEST_HOSTLIB_$(1)).a
	@mkdir -p $$(@D)
	$$(CC) $$(HOST_CFLAGS) -Itests -o $$@ tests/novfs/t_route_novfs.c \
		tests/testlib.c -Wl,-u,rump_component_link_net \
		-Wl,-u,rump_component_link_net_net \
		-Wl,-u,rump_component_link_net_netinet -Wl,--start-group \
		$(ROUTE_NOVFS_LIBS) $(L)/lib$(TEST_HOSTLIB_$(1)).a \
		-Wl,--end-group $(LDLIBS_HOST)
TEST_BINS += $(B)/tests/$(1)/t_route_novfs
endef
$(foreach h,$(TEST_HOSTS),$(eval $(call routenovfsprog,$(h))))
tests: $(foreach h,$(TEST_HOSTS),$(B)/tests/$(h)/t_route_novfs)

# The socket translators of librumphost, without a kernel.
$(B)/tests/posix/t_abi_sock: tests/abi/t_abi_sock.c tests/abi/abitest.h \
		$(L)/librumphost.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -o $@ tests/abi/t_abi_sock.c $(L)/librumphost.a
tests: $(B)/tests/posix/t_abi_sock
# The hijack tests: helpers and librumphijack (tests/hijack/).
include tests/hijack/hijack.mk
