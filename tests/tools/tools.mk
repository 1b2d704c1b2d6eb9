# tests/tools/tools.mk -- tests of the image tools (rumpfs, rump_fuse),
# included by tests/tests.mk.  Each tests/tools/t_*.sh becomes a wrapper
# $(B)/tests/posix/t_* that tests/run.sh runs on the posix host (the
# tools link it); the wrapper passes the build directory.  posix-fuse is
# the POSIX suite through host system calls in a given directory.

TOOLS_TESTS := $(patsubst tests/tools/%.sh,$(B)/tests/posix/%,\
	$(wildcard tests/tools/t_*.sh))

$(TOOLS_TESTS): $(B)/tests/posix/%: tests/tools/%.sh tests/tools/lib.sh
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec sh %s %s "$$@"\n' "$(abspath $<)" \
		"$(abspath $(B))" >$@ && chmod 755 $@

$(B)/tests/posix-fuse: tests/tools/posix_fuse.c $(POSIX_SUITE_FILES)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -o $@ tests/posix/suite.c \
		tests/posix/backend_host.c tests/tools/posix_fuse.c

tests: $(TOOLS_TESTS) $(B)/tests/posix-fuse
