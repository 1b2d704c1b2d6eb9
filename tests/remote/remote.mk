# tests/remote/remote.mk -- the remote-syscall tests, included by
# tests/tests.mk.  Each tests/remote/t_remote_*.c is a client program
# linked with librumpclient (never with the kernel) that starts
# $(B)/bin/rump_server itself; they are posix-host tests, so they are
# built into $(B)/tests/posix only.  t_remote_posix runs the POSIX suite
# (tests/posix) through the client.

REMOTE_TESTS := $(patsubst tests/remote/%.c,%,$(wildcard tests/remote/t_remote_*.c))
REMOTE_DEPS := tests/remote/rtest.c tests/remote/rtest.h tests/testlib.h \
	$(L)/librumpclient.a $(L)/librumphost.a $(B)/bin/rump_server
REMOTE_CFLAGS = -DRTEST_SERVER='"$(abspath $(B))/bin/rump_server"'

define remoteprog
$(B)/tests/posix/$(1): tests/remote/$(1).c $(REMOTE_DEPS)
	@mkdir -p $$(@D)
	$$(CC) $$(HOST_CFLAGS) $$(REMOTE_CFLAGS) -o $$@ tests/remote/$(1).c \
		tests/remote/rtest.c $(L)/librumpclient.a $(L)/librumphost.a \
		$(LDLIBS_HOST)
REMOTE_BINS += $(B)/tests/posix/$(1)
endef
$(foreach t,$(REMOTE_TESTS),$(eval $(call remoteprog,$(t))))

$(B)/tests/posix/t_remote_posix: $(POSIX_SUITE_FILES)

tests: $(REMOTE_BINS)
